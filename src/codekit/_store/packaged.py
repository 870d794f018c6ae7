"""Packaged data: the datasets inside the wheel, described by ``codekit/data/MANIFEST.json``.

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

from codekit._convert import converter
from codekit._store.sqlite import Dataset, SqliteRelease
from codekit.exceptions import DataError
from codekit.models import DataRelease

__all__ = ["dataset", "manifest", "releases"]

_PACKAGE = "codekit.data"
_MANIFEST = "MANIFEST.json"
_keep = contextlib.ExitStack()
_lock = threading.Lock()


@cache
def manifest() -> dict[str, Any]:
    """The packaged data manifest (read once)."""
    try:
        text = importlib_resources.files(_PACKAGE).joinpath(_MANIFEST).read_text("utf-8")
    except FileNotFoundError as exc:
        raise DataError("codekit's packaged data manifest is missing; reinstall codekit") from exc
    data: dict[str, Any] = json.loads(text)
    return data


def _locate(name: str) -> Path:
    with _lock:
        resource = importlib_resources.files(_PACKAGE).joinpath(name)
        return _keep.enter_context(importlib_resources.as_file(resource))


@cache
def dataset(name: str) -> Dataset:
    """The packaged dataset file ``name``, opened on first query."""
    return Dataset(lambda: _locate(name), f"packaged {name}")


def releases(code_set: str) -> list[tuple[DataRelease, SqliteRelease]]:
    """Every packaged release of ``code_set`` with its (not yet opened) source."""
    found = []
    for entry in manifest().get("datasets", []):
        if entry["code_set"] != code_set:
            continue
        data = dataset(entry["file"])
        for rel in entry["releases"]:
            info = converter.structure(
                {k: v for k, v in rel.items() if k != "bit"} | {"code_set": code_set}, DataRelease
            )
            found.append((info, SqliteRelease(data, rel["bit"])))
    return found
