"""Locks and all-or-nothing installs of a data directory (see :mod:`codekit._store.packs`).

* :func:`locked` serialises installers and removers (an advisory lock file);
* :func:`swapping` is the short lock around renaming release directories, shared while
  readers list them;
* :func:`transaction` collects the packs built in its block (each in a hidden directory,
  by :func:`codekit._store.packs.install_pack`) and renames them into place together when
  the block ends without error; on any failure none is, and the hidden directories go.
  Every commit rewrites the stamp file other processes watch
  (:mod:`codekit._store.generation`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from codekit._store import generation

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "OLD_PREFIX",
    "Staged",
    "Transaction",
    "current",
    "fsync_path",
    "locked",
    "swapping",
    "transaction",
]

#: Prefix of a release directory renamed aside while it is replaced or removed.
OLD_PREFIX = ".old-"


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Serialise installers and removers of one data directory (advisory, POSIX/Windows)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def swapping(root: Path, *, shared: bool) -> Iterator[None]:
    """The short lock around renaming release directories (shared while listing them).

    Installers hold it exclusively only for the rename pair that swaps a release, so a
    reader listing packs never sees the instant in which neither the old nor the new
    directory has the release's name. A reader of a data directory no installer has ever
    swapped in (no lock file) needs no lock; on Windows listing takes none.
    """
    path = root / ".swap-lock"
    if sys.platform == "win32" or (shared and not path.exists()):  # pragma: no cover
        yield
        return
    import fcntl

    with path.open("rb" if shared else "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def fsync_path(path: Path, *, directory: bool = False) -> None:
    if directory and sys.platform == "win32":  # pragma: no cover - no directory fsync there
        return
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@attrs.define
class Staged:
    """A pack built in its hidden directory, waiting for the transaction to commit."""

    kind_dir: Path
    tmp: Path
    target: Path


@attrs.define
class Transaction:
    root: Path
    staged: dict[Path, Staged] = attrs.field(factory=dict)


_TRANSACTION: ContextVar[Transaction | None] = ContextVar("codekit_pack_txn", default=None)


@contextlib.contextmanager
def transaction(root: Path) -> Iterator[None]:
    """Install every pack of the block together, or none of them.

    Holds the data directory's install lock for the whole block. Nested blocks join the
    outer one.
    """
    if _TRANSACTION.get() is not None:
        yield
        return
    with locked(root):
        txn = Transaction(root)
        token = _TRANSACTION.set(txn)
        try:
            yield
            _commit(txn)
        finally:
            _TRANSACTION.reset(token)
            for staged in txn.staged.values():
                shutil.rmtree(staged.tmp, ignore_errors=True)


def _commit(txn: Transaction) -> None:
    """Rename every staged pack into place; on any failure, put everything back."""
    if not txn.staged:
        return
    done: list[tuple[Staged, Path | None]] = []
    with swapping(txn.root, shared=False):
        try:
            for staged in txn.staged.values():
                aside: Path | None = None
                if staged.target.exists():
                    aside = (
                        staged.kind_dir / f"{OLD_PREFIX}{staged.target.name}-{uuid.uuid4().hex[:8]}"
                    )
                    os.rename(staged.target, aside)
                done.append((staged, aside))
                os.rename(staged.tmp, staged.target)
        except BaseException:
            for staged, aside in reversed(done):
                if staged.target.exists() and not staged.tmp.exists():
                    os.rename(staged.target, staged.tmp)
                if aside is not None:
                    os.rename(aside, staged.target)
            raise
    for staged, aside in done:
        fsync_path(staged.kind_dir, directory=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    txn.staged.clear()
    generation.bump(txn.root)


def current() -> Transaction | None:
    """The transaction of the running block, if any."""
    return _TRANSACTION.get()
