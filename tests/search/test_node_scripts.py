"""deploy/elasticsearch/alive.sh: whether the pid in a node's pid file is still that node. The
start script waits for a running node instead of starting one, and the stop script waits for the
node to be gone, so a killed node's pid that lingers as a zombie (an init that reaps late) or was
reused by another program must count as gone — else the node is not started again for two minutes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ALIVE = Path(__file__).resolve().parents[2] / "deploy" / "elasticsearch" / "alive.sh"
HOME = "/srv/es/home-8.19.21"


def es_alive(*args: object) -> bool:
    script = f'source "{ALIVE}"; es_alive "$@"'
    return subprocess.run(["bash", "-c", script, "es_alive", *map(str, args)], check=False).returncode == 0


@pytest.fixture
def node() -> Iterator[subprocess.Popen[bytes]]:
    """A live process whose command line names the home, as the server's JVM options do."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", f"-Des.path.home={HOME}"])
    yield process
    process.kill()
    process.wait()


def test_a_live_node_of_this_home_is_alive(node: subprocess.Popen[bytes]) -> None:
    assert es_alive(node.pid, HOME)
    assert es_alive(node.pid)


def test_a_pid_reused_by_another_program_or_another_home_is_not_this_node(node: subprocess.Popen[bytes]) -> None:
    assert not es_alive(node.pid, HOME + "-other")
    with subprocess.Popen(["sleep", "60"]) as other:
        try:
            assert not es_alive(other.pid, HOME)
            assert es_alive(other.pid)  # the stop script asks only whether the pid is still running
        finally:
            other.kill()


def test_a_zombie_counts_as_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", f"import sys; sys.argv.append('-Des.path.home={HOME}')"])
    try:
        status = Path(f"/proc/{child.pid}/status")
        while "zombie" not in status.read_text():  # exited, not yet reaped by us: a zombie
            time.sleep(0.01)
        assert not es_alive(child.pid, HOME)
        assert not es_alive(child.pid)
    finally:
        child.wait()


@pytest.mark.parametrize("pid", ["", "abc", "999999999"])
def test_no_pid_or_no_such_process_is_not_alive(pid: str) -> None:
    assert not es_alive(pid, HOME)
