"""Noticing that the data directory changed: a stamp file, checked cheaply.

Every install or removal of a pack (by any process) rewrites ``<data_dir>/.generation``
(:func:`bump`): a new file renamed into place, so its inode, size or mtime changes. A
long-running process compares :func:`stamp` with the stamp its registry was built from
(:func:`codekit._registry.current` does, at most every :data:`INTERVAL` seconds, and at once
after an install or removal in the same process), and rebuilds its registry when they
differ: packs installed or removed by another process are seen without a restart.
``codekit.refresh()`` forces the rebuild. This process's own installs and removals are
seen at once: :func:`bump` calls what :func:`on_bump` was given (the registry's reset;
this layer imports nothing above it).
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

from codekit._store._dirs import data_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["INTERVAL", "STAMP", "bump", "local", "on_bump", "stamp"]

#: The stamp file's name inside the data directory.
STAMP = ".generation"
#: Seconds between two looks at the stamp file (a ``stat`` call) by one process.
INTERVAL = 0.5

_local = 0
_on_bump: list[Callable[[], None]] = []


def local() -> int:
    """A counter of this process's own installs and removals."""
    return _local


def on_bump(callback: Callable[[], None]) -> None:
    """Call ``callback`` after every :func:`bump` in this process (once per callback)."""
    if callback not in _on_bump:
        _on_bump.append(callback)


def bump(root: Path) -> None:
    """Record that the packs in ``root`` changed (called by installers and removers)."""
    global _local
    _local += 1
    tmp = root / f"{STAMP}.{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_text(uuid.uuid4().hex + "\n", encoding="ascii")
        os.replace(tmp, root / STAMP)
    except OSError:  # a read-only or vanished data dir: this process still notices
        tmp.unlink(missing_ok=True)
    for callback in tuple(_on_bump):
        callback()


def stamp() -> tuple[object, ...]:
    """What identifies the data directory's current state (compared, never interpreted)."""
    root = data_dir()
    try:
        info = (root / STAMP).stat()
    except OSError:
        return (str(root), None)
    return (str(root), info.st_ino, info.st_size, info.st_mtime_ns)
