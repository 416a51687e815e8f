"""A three-node Elasticsearch cluster on loopback (deploy/elasticsearch/start-cluster.sh) for the
reliability tests. It needs about 1.2 GB and half a minute to start, so it runs only when asked:
``make test-search-cluster`` sets TEST_ES_CLUSTER=1; elsewhere these tests skip, saying why.

The cluster is created fresh for the session (its data dirs under the data dir's es-cluster/ are
wiped first) and stopped afterwards; a test may SIGKILL a node and start it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = ROOT / "deploy" / "elasticsearch"
ENABLED = os.environ.get("TEST_ES_CLUSTER") == "1"


@dataclass
class Cluster:
    urls: list[str]
    env: dict[str, str]
    start_seconds: float
    say: Callable[[str], None] = print

    @property
    def base(self) -> Path:
        return Path(self.env["ES_CLUSTER_BASE"])

    def get(self, path: str, *, node: int = 0) -> Any:
        """GET on one live node (any node by default; ``node`` counts from 1)."""
        urls = [self.urls[node - 1]] if node else self.urls
        for url in urls:
            try:
                with urllib.request.urlopen(url + path, timeout=90) as response:  # noqa: S310 (http on loopback)
                    return json.loads(response.read())
            except OSError:
                continue
        raise AssertionError(f"no node answered GET {path}")

    def pid(self, node: int) -> int:
        return int((self.base / f"node{node}" / "run" / "elasticsearch.pid").read_text().strip())

    def kill(self, node: int) -> None:
        """SIGKILL: no shutdown, no goodbye to the cluster; wait until the process is gone."""
        pid = self.pid(node)
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
            time.sleep(0.05)

    def start(self, node: int) -> None:
        """Start ``node`` again on its data; returns once the cluster is green with every node."""
        started = time.monotonic()
        result = subprocess.run(
            ["bash", str(SCRIPTS / "start-cluster.sh")],
            env={**self.env, "ES_NODE": str(node), "ES_CLUSTER_FRESH": "0"},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        self.say(f"node es{node} back, cluster green after {time.monotonic() - started:.1f} s")

    def node_number(self, name: str) -> int:
        return int(name.removeprefix("es"))


def _say(config: pytest.Config, line: str) -> None:
    """A line on the terminal past pytest's capture (how long the cluster took, in the job's log)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n· {line}", flush=True)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


@pytest.fixture(scope="session")
def es_cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    if not ENABLED:
        pytest.skip("the three-node Elasticsearch cluster runs in `make test-search-cluster` (TEST_ES_CLUSTER=1)")
    data = Path(os.environ.get("PARTYCLOUD_DATA_DIR") or ROOT / ".data")
    env = {
        **os.environ,
        "ES_CLUSTER_BASE": str(data / "es-cluster"),
        "ES_SHARED_BASE": str(data / "elasticsearch"),  # the single node's assembled server, reused
        "ES_CLUSTER_PORT": os.environ.get("TEST_ES_CLUSTER_PORT", "9271"),
    }
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(SCRIPTS / "start-cluster.sh")],
        env={**env, "ES_CLUSTER_FRESH": "1"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        subprocess.run(["bash", str(SCRIPTS / "stop-cluster.sh")], env=env, check=False)
        pytest.fail(f"the three-node cluster did not start:\n{result.stderr[-3000:]}")
    cluster = Cluster(
        urls=result.stdout.strip().splitlines()[-1].split(","), env=env, start_seconds=time.monotonic() - started
    )
    cluster.say = lambda line: _say(request.config, line)
    cluster.say(f"three Elasticsearch nodes green after {cluster.start_seconds:.1f} s: {', '.join(cluster.urls)}")
    try:
        yield cluster
    finally:
        subprocess.run(["bash", str(SCRIPTS / "stop-cluster.sh")], env=env, check=False)
