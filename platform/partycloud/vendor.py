"""Third-party browser files, fetched from the npm registry at a pinned version and served with
the static files (WhiteNoise), never from a CDN: Apache ECharts for the committee's dashboard.

``make run`` and ``make test`` call ``ensure()`` before anything starts (partycloud/devstack.py);
``python -m partycloud.vendor`` does it alone. The tarball's sha512 must equal the integrity the
registry published for that version (pinned here), or nothing is written. The extracted file lives
in a git-ignored directory (static/vendor/) and is never committed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STATIC_VENDOR = Path(__file__).resolve().parent / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the registry's "dist.integrity" for this version
    member: str  # the file inside the tarball
    target: str  # its name under static/vendor/

    @property
    def tarball(self) -> str:
        registry = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
        return f"{registry}/{self.name}/-/{self.name}-{self.version}.tgz"


ECHARTS = Package(
    name="echarts",
    version="5.6.0",
    integrity="sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==",
    member="package/dist/echarts.min.js",
    target="echarts-5.6.0.min.js",
)
PACKAGES = (ECHARTS,)


class IntegrityError(RuntimeError):
    pass


def _check(package: Package, data: bytes) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise IntegrityError(f"{package.name}-{package.version}: {algorithm} {digest} is not the pinned {expected}")


def fetch(package: Package, *, directory: Path = STATIC_VENDOR, timeout: float = 60) -> Path:
    """Download, check and extract one package's file (skipped when it is already there)."""
    target = directory / package.target
    if target.exists():
        return target
    with urllib.request.urlopen(package.tarball, timeout=timeout) as response:  # noqa: S310 (a pinned https URL)
        data = response.read()
    _check(package, data)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        extracted = archive.extractfile(package.member)
        if extracted is None:
            raise IntegrityError(f"{package.member} is not a file in {package.tarball}")
        content = extracted.read()
    directory.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(content)
    partial.replace(target)
    return target


def ensure() -> bool:
    """Every package fetched; False (with the reason printed) when one could not be: the pages
    still work, their tables without the charts, and the test of the served file says why it skips."""
    ok = True
    for package in PACKAGES:
        try:
            fetch(package)
        except (OSError, IntegrityError, tarfile.TarError) as exc:
            print(f"! {package.name} {package.version} not fetched: {exc}", file=sys.stderr, flush=True)
            ok = False
    return ok


if __name__ == "__main__":
    sys.exit(0 if ensure() else 1)
