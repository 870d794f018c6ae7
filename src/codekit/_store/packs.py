"""Installed data packs: versioned releases of CMS files, one directory each.

Layout (``<data_dir>`` is :func:`data_dir`)::

    <data_dir>/<kind>/<release>/manifest.json     what the pack is (see below)
    <data_dir>/<kind>/<release>/<files>           written by the importer's ``build``

``kind`` names what the pack holds: a code set (``hcpcs``, ``modifier``, ``icd10cm``,
``icd10pcs`` ...) or another table (NCCI ``ptp``, ``mue``, GEMs ...). A code-set pack's build
writes one dataset in codekit's format (:func:`codekit._store.sqlite.write_dataset`, a
single release at bit 0) and returns ``{"code_set": ..., "file": ...}`` among its manifest
fields; the packs plugin (:mod:`codekit._codesets.packs`) registers it as a release with
``origin="pack"``, so a lookup cannot tell it from packaged data.

The manifest (``manifest.json``) records ``format``, ``kind``, ``release``, ``effective``,
``until`` (ISO dates, ``until`` may be ``null``), ``installed`` (UTC timestamp), ``codekit``
(version), ``sources`` (name, size and sha256 of every official file read), ``files`` (size
and sha256 of every file written, checked by :func:`verify_packs`) and whatever the build
returned.

Atomicity: :func:`install_pack` builds into a hidden temporary directory beside the target,
fsyncs every file, then puts it in place with :func:`os.rename`. A crash, a ``SIGKILL``, a
Ctrl-C or an exception before that rename leaves the previously installed release
untouched (the hidden directory is ignored by readers and swept by the next install). A
forced re-install renames the old directory aside first and deletes it only after the new
one is in place; a reader that already opened a file keeps reading it (files are never
modified in place), and a reader that finds the release directory missing in that instant
falls back to the renamed-aside copy. Installers serialise on a lock file.

All or nothing: the packs installed inside one :func:`transaction` (every pack of one
``codekit data install`` command) are built and checked first, each in its hidden
directory, and renamed into place together only when every one of them succeeded; if any
build fails, none is installed. Every install and removal rewrites the data directory's
stamp file (:mod:`codekit._store.generation`), which other processes notice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import attrs

from codekit._frozen import frozen_mapping
from codekit._store import generation
from codekit._store._dirs import DATA_DIR_ENV, data_dir
from codekit._store._txn import OLD_PREFIX as _OLD_PREFIX
from codekit._store._txn import (
    Staged,
    Transaction,
    current,
    fsync_path,
    locked,
    swapping,
)
from codekit._store._txn import transaction as _transaction
from codekit.exceptions import DataError

__all__ = [
    "DATA_DIR_ENV",
    "MANIFEST",
    "Pack",
    "data_dir",
    "file_sha256",
    "install_pack",
    "list_packs",
    "manifest_extra",
    "remove_pack",
    "transaction",
    "verify_packs",
]

#: The name of every pack's manifest file.
MANIFEST = "manifest.json"
PACK_FORMAT = 1

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_RELEASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TMP_PREFIX = ".tmp-"


#: Extra manifest fields for packs installed in the current context (download provenance).
_EXTRA: ContextVar[Mapping[str, Any] | None] = ContextVar("codekit_pack_extra", default=None)


@contextlib.contextmanager
def manifest_extra(fields: Mapping[str, Any]) -> Iterator[None]:
    """Record ``fields`` in the manifest of every pack installed inside the block."""
    token = _EXTRA.set({**(_EXTRA.get() or {}), **fields})
    try:
        yield
    finally:
        _EXTRA.reset(token)


def _manifest(value: Any) -> Mapping[str, Any]:
    return frozen_mapping(value, "Pack", "manifest", "{'kind': 'hcpcs', 'release': '2026-01'}")


@attrs.frozen
class Pack:
    """One installed pack: what it is, the period it is in force, where it lives."""

    kind: str
    release: str
    effective: dt.date
    until: dt.date | None
    path: Path
    manifest: Mapping[str, Any] = attrs.field(converter=_manifest, eq=False, repr=False)

    @property
    def code_set(self) -> str | None:
        """The code set this pack is a release of (``None`` for tables such as NCCI edits)."""
        value = self.manifest.get("code_set")
        return value if isinstance(value, str) else None


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_kind(kind: object) -> None:
    if not isinstance(kind, str) or not _NAME.fullmatch(kind):
        raise DataError(
            f"pack kind {_shown(kind)} must be lower-case letters, digits and _, at most 64 "
            "(such as hcpcs, icd10cm, ncci_ptp); see `codekit data list` for the kinds installed"
        )


def _check(kind: str, release: str) -> None:
    _check_kind(kind)
    if not isinstance(release, str) or not _RELEASE.fullmatch(release):
        raise DataError(
            f"pack release {_shown(release)} must be letters, digits, '.', '_' or '-' (at most 64)"
        )


def _shown(value: object) -> str:
    """``value`` as an error message quotes it: its repr, cut short when long."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


def _load(path: Path) -> Pack | None:
    """The pack in ``path``, or ``None`` if its manifest is missing or unreadable."""
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
        until = manifest.get("until")
        return Pack(
            kind=manifest["kind"],
            release=manifest["release"],
            effective=dt.date.fromisoformat(manifest["effective"]),
            until=dt.date.fromisoformat(until) if until else None,
            path=path,
            manifest=manifest,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pack_dirs(root: Path, kind: str | None) -> Iterator[Path]:
    """Every release directory, falling back to a renamed-aside copy while one is replaced."""
    if not root.is_dir():
        return
    kinds = [root / kind] if kind is not None else sorted(p for p in root.iterdir() if p.is_dir())
    for kind_dir in kinds:
        if kind_dir.name.startswith(".") or not kind_dir.is_dir():
            continue
        entries = sorted(kind_dir.iterdir())
        names = {e.name for e in entries}
        for entry in entries:
            if not entry.name.startswith("."):
                yield entry
            elif entry.name.startswith(_OLD_PREFIX):
                release = entry.name[len(_OLD_PREFIX) :].rsplit("-", 1)[0]
                if release not in names:
                    yield entry


def list_packs(kind: str | None = None) -> list[Pack]:
    """Installed packs (of one ``kind``, or all), by kind then effective date.

    ``kind`` is a name, never a path: anything but lower-case letters, digits and ``_`` is
    refused (:class:`DataError`).
    """
    if kind is not None:
        _check_kind(kind)
    found: dict[tuple[str, str], Pack] = {}
    root = data_dir()
    with swapping(root, shared=True):
        try:
            for path in _pack_dirs(root, kind):
                pack = _load(path)
                if pack is not None and (kind is None or pack.kind == kind):
                    found.setdefault((pack.kind, pack.release), pack)
        except FileNotFoundError:  # a kind directory removed while we listed it: look again
            return list_packs(kind)
    return sorted(found.values(), key=lambda p: (p.kind, p.effective, p.release))


def _sweep(kind_dir: Path, keep: set[Path] | frozenset[Path] = frozenset()) -> None:
    """Under the lock: drop dead temporary dirs; restore or drop renamed-aside releases."""
    if not kind_dir.is_dir():
        return
    for entry in sorted(kind_dir.iterdir()):
        if entry in keep:
            continue
        if entry.name.startswith(_TMP_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(_OLD_PREFIX):
            release = entry.name[len(_OLD_PREFIX) :].rsplit("-", 1)[0]
            target = kind_dir / release
            if not target.exists() and _load(entry) is not None:
                os.rename(entry, target)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def _describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fsync_path(path)
            files[path.relative_to(folder).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": file_sha256(path),
            }
    return files


def _check_datasets(folder: Path, files: Mapping[str, Any]) -> None:
    import sqlite3

    for name in files:
        if not name.endswith(".sqlite"):
            continue
        con = sqlite3.connect(f"file:{folder / name}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            con.close()
        if result != "ok":
            raise DataError(f"the pack's dataset {name} failed its check ({result})")


def transaction() -> contextlib.AbstractContextManager[None]:
    """Install every pack of the block together, or none (see the module docstring)."""
    return _transaction(data_dir())


def install_pack(
    kind: str,
    release: str,
    *,
    effective: dt.date,
    until: dt.date | None,
    build: Callable[[Path], Mapping[str, Any]],
    sources: Sequence[Path],
    force: bool = False,
) -> Pack:
    """Install (atomically) one release of one kind of pack and return it.

    ``build(folder)`` writes the pack's files into ``folder`` and returns extra manifest
    fields. If the release is already installed and ``force`` is false, nothing is built and
    the installed pack is returned. Inside a :func:`transaction` the pack is put in place
    when the transaction ends (the returned value describes it there). See the module
    docstring for what survives a crash.
    """
    _check(kind, release)
    with transaction():
        txn = current()
        assert txn is not None
        return _stage(
            txn,
            kind,
            release,
            effective=effective,
            until=until,
            build=build,
            sources=sources,
            force=force,
        )


def _stage(
    txn: Transaction,
    kind: str,
    release: str,
    *,
    effective: dt.date,
    until: dt.date | None,
    build: Callable[[Path], Mapping[str, Any]],
    sources: Sequence[Path],
    force: bool,
) -> Pack:
    kind_dir = txn.root / kind
    kind_dir.mkdir(parents=True, exist_ok=True)
    _sweep(kind_dir, keep={s.tmp for s in txn.staged.values()})
    target = kind_dir / release
    if target.exists() and not force and target not in txn.staged:
        existing = _load(target)
        if existing is not None:
            return existing
    source_info = [
        {"name": Path(s).name, "size": Path(s).stat().st_size, "sha256": file_sha256(Path(s))}
        for s in sources
    ]
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{release}-", dir=kind_dir))
    try:
        extra = dict(build(tmp))
        files = _describe_files(tmp)
        _check_datasets(tmp, files)
        from codekit._version import __version__

        manifest: dict[str, Any] = {
            **(_EXTRA.get() or {}),
            **extra,
            "format": PACK_FORMAT,
            "kind": kind,
            "release": release,
            "effective": effective.isoformat(),
            "until": until.isoformat() if until else None,
            "installed": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "codekit": __version__,
            "sources": source_info,
            "files": files,
        }
        with (tmp / MANIFEST).open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True, default=str)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        fsync_path(tmp, directory=True)
        pack = _load(tmp)
        if pack is None:  # pragma: no cover - we just wrote it
            raise DataError(f"pack {kind} {release} was built but cannot be read back")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = txn.staged.pop(target, None)
    if previous is not None:  # the same release twice in one command: the later one wins
        shutil.rmtree(previous.tmp, ignore_errors=True)
    txn.staged[target] = Staged(kind_dir, tmp, target)
    return attrs.evolve(pack, path=target)


def remove_pack(kind: str, release: str) -> None:
    """Remove one installed pack; raises :class:`DataError` if it is not installed.

    Two processes removing the same pack at once: one removes it, the other is told it is
    not installed (checked under the install lock).
    """
    _check(kind, release)
    root = data_dir()
    target = root / kind / release
    if not (root / kind).is_dir():
        _not_installed(kind, release)
    with locked(root):
        if _load(target) is None:
            _not_installed(kind, release)
        aside = root / kind / f"{_OLD_PREFIX}{release}-{uuid.uuid4().hex[:8]}"
        with swapping(root, shared=False):
            os.rename(target, aside)
            shutil.rmtree(aside, ignore_errors=True)
        with contextlib.suppress(OSError):
            (root / kind).rmdir()
        generation.bump(root)


def _not_installed(kind: str, release: str) -> None:
    installed = ", ".join(f"{p.kind} {p.release}" for p in list_packs()) or "none"
    raise DataError(
        f"no pack {kind} {release} is installed (installed: {installed}); see `codekit data list`"
    )


def verify_packs() -> list[str]:
    """Check every installed pack's files against its manifest; the problems found."""
    problems: list[str] = []
    for path in _pack_dirs(data_dir(), None):
        pack = _load(path)
        if pack is None:
            problems.append(f"{path.parent.name}/{path.name}: {MANIFEST} is missing or unreadable")
            continue
        label = f"{pack.kind} {pack.release}"
        files = pack.manifest.get("files")
        if not isinstance(files, Mapping) or not files:
            problems.append(f"{label}: the manifest lists no files")
            continue
        for name, info in sorted(files.items()):
            file = path / name
            if not file.is_file():
                problems.append(f"{label}: {name} is missing")
            elif file_sha256(file) != info.get("sha256"):
                problems.append(f"{label}: {name} does not match its checksum (reinstall it)")
    return problems
