"""Packaged data: the datasets inside the wheel, each described by ``<name>.manifest.json``.

A manifest records what the dataset is (``code_set`` for code sets, ``kind`` for other
tables such as crosswalks), its file, its releases with their effective periods, and its
provenance (source package, version, sha256, original file, licence, row counts).

Files are reached only through :mod:`importlib.resources` (zip-safe: a zipped install is
extracted once to a temporary file kept for the life of the process).
"""

from __future__ import annotations

import contextlib
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

import importlib_resources

from codekit._store.sqlite import Dataset, SqliteRelease
from codekit.exceptions import DataError
from codekit.models import DataRelease

__all__ = ["dataset", "manifests", "releases"]

_PACKAGE = "codekit.data"
_SUFFIX = ".manifest.json"
_keep = contextlib.ExitStack()
_lock = threading.Lock()


@cache
def manifests() -> tuple[dict[str, Any], ...]:
    """Every packaged dataset's manifest, by file name (read once)."""
    found = []
    for entry in sorted(importlib_resources.files(_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(_SUFFIX):
            try:
                found.append(json.loads(entry.read_text("utf-8")))
            except (OSError, ValueError) as exc:
                raise DataError(f"packaged manifest {entry.name} is unreadable: {exc}") from exc
    return tuple(found)


def _locate(name: str) -> Path:
    with _lock:
        resource = importlib_resources.files(_PACKAGE).joinpath(name)
        path: Path = _keep.enter_context(importlib_resources.as_file(resource))
        return path


@cache
def dataset(name: str) -> Dataset:
    """The packaged dataset file ``name``, opened on first query."""
    return Dataset(lambda: _locate(name), f"packaged {name}")


def releases(code_set: str) -> list[tuple[DataRelease, SqliteRelease]]:
    """Every packaged release of ``code_set`` with its (not yet opened) source."""
    found = []
    for entry in manifests():
        if entry.get("code_set") != code_set:
            continue
        data = dataset(entry["file"])
        for rel in entry["releases"]:
            info = DataRelease.from_dict(rel, code_set=code_set)
            found.append((info, SqliteRelease(data, rel["bit"])))
    return found
