"""The search index files: which one serves a set of releases, built once, kept open.

One index holds the releases of several code sets (by default the newest of each), so they
share one ranking; each row carries the number of its release (``cs``), which queries filter
on when fewer code sets are asked for. :mod:`codekit._search._build` writes the file.

Files are written aside and renamed into place, then opened read-only and ``immutable``: any
number of processes share them without locks. The file name carries a key derived from the
releases' identity (each one's sha256 and period, or for plugin data a hash of its records),
so a changed pack or plugin code set gets a new index; building one prunes the files no
search will open again (:func:`prune`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs

from codekit import _registry
from codekit._search._alphaindex import index_terms
from codekit._search._build import INDEX_VERSION, build_index, fill
from codekit._search._cache import cache_dir
from codekit._search._names import terms
from codekit._search._reader import SearchIndex
from codekit._search._titles import borrowed_titles, compound
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

    from codekit._codesets.records import CodeRecord
    from codekit._registry import Registry, Release

__all__ = [
    "SearchIndex",
    "cached",
    "clear",
    "forget",
    "index_for",
    "opened",
    "path_for",
    "prune",
    "prune_stale",
    "release_key",
]

#: Releases with more items than this print a line on stderr while their index is built.
_ANNOUNCE = 20000


def release_key(release: Release) -> str:
    """A short key naming the content of ``release`` (changes when the data change).

    Releases that carry a sha256 (packaged data, packs) are named by it and their period;
    others (plugin code sets) by a hash of their records.
    """
    info = release.info
    digest = hashlib.sha256(f"codekit-search-{INDEX_VERSION}\n".encode())
    fields = (info.code_set, info.release, info.origin, info.effective, info.until, release.plugin)
    digest.update(repr(fields).encode())
    digest.update(_pack_identity(release).encode())
    if info.sha256:
        digest.update(f"{info.sha256}\n{info.source}\n{info.source_file}\n{info.rows}".encode())
    else:
        for record in release.source().records():
            digest.update(
                repr(
                    (
                        record.code,
                        record.kind,
                        record.description,
                        record.short_description,
                        record.billable,
                        terms(record),
                        record.start,
                        record.end,
                    )
                ).encode()
            )
    return digest.hexdigest()[:20]


def _file_stem(releases: Sequence[Release]) -> str:
    parts = []
    for release in releases:
        info = release.info
        parts.append(f"{info.code_set}-{info.release}-{info.origin}")
    stem = "+".join(parts)
    stem = "".join(c if c.isalnum() or c in "-_+" else "_" for c in stem)
    if len(stem) > 120:
        stem = stem[:100] + "-" + hashlib.sha256(stem.encode()).hexdigest()[:8]
    return stem


_open: dict[object, SearchIndex] = {}
_open_lock = threading.RLock()
#: How many times the open indexes were forgotten (:func:`clear`): keys what is derived
#: from them elsewhere (the views a search of the registry's uses).
_cleared = 0


def opened() -> int:
    """A number that changes whenever the open indexes are forgotten (see :func:`clear`)."""
    return _cleared


def _memo(release: Release) -> object:
    """What an open index of ``release`` is remembered by: its release and what another
    release or pack adds to its items (lent long titles, Alphabetic Index terms), so that
    installing such a pack opens a new index rather than the old one."""
    info = release.info
    return (info, release.plugin, _pack_identity(release)) if info.sha256 else release


def path_for(releases: Sequence[Release]) -> Path:
    """Where the index of exactly these releases lives in the cache."""
    digest = hashlib.sha256("\n".join(release_key(r) for r in releases).encode())
    return cache_dir() / f"{_file_stem(releases)}-{digest.hexdigest()[:20]}.sqlite"


def cached(releases: Sequence[Release]) -> SearchIndex | None:
    """The index of these releases if it is open or on disk (never builds)."""
    memo = tuple(_memo(r) for r in releases)
    found = _open.get(memo)
    if found is None and path_for(releases).is_file():
        return index_for(releases)
    return found


def index_for(releases: Sequence[Release], *, full: bool = False) -> SearchIndex:
    """The index of these releases: opened from the cache, or built there first.

    ``full``: these are the releases of every code set searched by default, so that the
    indexes of some of them only are no longer needed once it is built (see :func:`prune`).
    """
    memo = tuple(_memo(r) for r in releases)
    found = _open.get(memo)
    if found is not None:
        return found
    with _open_lock:
        found = _open.get(memo)
        if found is None:
            found = _open[memo] = _load(releases, full=full)
        return found


def _load(releases: Sequence[Release], *, full: bool) -> SearchIndex:
    path = path_for(releases)
    if path.is_file():
        with contextlib.suppress(DataError):
            return SearchIndex.open(path, releases)
    try:
        _build_announced(releases, path)
        prune(path.parent, keep=path, full=full)
        return SearchIndex.open(path, releases)
    except OSError:
        # An unwritable cache: build in memory for this process instead.
        con = sqlite3.connect(":memory:", check_same_thread=False)
        fill(
            con,
            [_records(r) for r in releases],
            _meta(releases),
            [_index_terms(r) for r in releases],
            [_short_only(r) for r in releases],
        )
        return SearchIndex(con, releases, f"{_file_stem(releases)} (in memory)")


def _meta(releases: Sequence[Release]) -> dict[str, Any]:
    return {
        "releases": [
            {
                "code_set": r.info.code_set,
                "release": r.info.release,
                "origin": r.info.origin,
                "sha256": r.info.sha256,
                "plugin": r.plugin,
                "key": release_key(r),
            }
            for r in releases
        ]
    }


def _build_announced(releases: Sequence[Release], path: Path) -> None:
    loud = any(r.info.rows > _ANNOUNCE or r.info.origin != "plugin" for r in releases)
    what = ", ".join(f"{r.info.code_set} {r.info.release}" for r in releases)
    started = time.perf_counter()
    if loud:
        print(
            f"codekit: building the search index of {what} (once; shared by later runs) ...",
            file=sys.stderr,
            flush=True,
        )
    count = build_index(
        path,
        [_records(r) for r in releases],
        _meta(releases),
        [_index_terms(r) for r in releases],
        [_short_only(r) for r in releases],
    )
    if loud:
        print(
            f"codekit: indexed {count} items in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def _pack_identity(release: Release) -> str:
    """What another release or pack adds to a release's items: the Alphabetic Index pack
    of an ICD-10-CM release, the long titles another release lends to others ("" if none)."""
    if release.info.code_set == "icd10cm":
        return index_terms(release.info.release, release.info.effective)[0]
    return borrowed_titles(release).identity


def _index_terms(release: Release) -> Mapping[str, list[str]]:
    """More names of a release's items: the terms of the Alphabetic Index pack of an
    ICD-10-CM release; for others, the compound a user types for each lent long title
    written head term first ("insulin pump" for "External ambulatory infusion pump,
    insulin": :func:`codekit._search._titles.compound`)."""
    if release.info.code_set == "icd10cm":
        return index_terms(release.info.release, release.info.effective)[1]
    found = {}
    for code, title in borrowed_titles(release).titles.items():
        words = compound(title)
        if words is not None:
            found[code] = [words]
    return found


def _short_only(release: Release) -> frozenset[str]:
    """The codes of a release lent long titles that keep their short descriptors."""
    if release.info.code_set == "icd10cm":
        return frozenset()
    return borrowed_titles(release).short_only


def _records(release: Release) -> Iterator[CodeRecord]:
    """The items of ``release`` as indexed: without their attributes when the source can
    leave them out (the index holds none); a long title lent by another release (see
    :mod:`codekit._search._titles`) is indexed as the item's title, its short descriptor as
    its short description, as in a release that has both."""
    titles = borrowed_titles(release).titles if release.info.code_set != "icd10cm" else {}
    source = release.source()
    bare = getattr(source, "bare_records", None)
    for record in bare() if bare is not None else source.records():
        title = titles.get(record.code)
        if title is None:
            yield record
        else:
            yield attrs.evolve(record, description=title, short_description=record.description)


def _file_keys(path: Path) -> frozenset[str] | None:
    """The release keys an index file was built from (None: unreadable or another format)."""
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            rows = dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
        if json.loads(rows.get("index_version", "null")) != INDEX_VERSION:
            return None
        return frozenset(r["key"] for r in json.loads(rows["releases"]))
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError):
        return None


def current_keys(registry: Registry | None = None) -> frozenset[str]:
    """The keys of every release the registry has now (what an index may still serve)."""
    if registry is None:
        registry = _registry.current()
    return frozenset(
        release_key(release)
        for spec in registry.specs()
        for release in registry.releases(spec.name)
    )


def prune(
    folder: Path, *, keep: Path | None, full: bool, registry: Registry | None = None
) -> list[Path]:
    """Delete the index files of ``folder`` that no search will open again; returns them.

    A file goes when it has another format, when one of its releases is no longer
    registered or has other content (a pack replaced or removed, a plugin's records
    changed or the plugin gone), or, once the index of every code set (``full``) is built,
    when it holds only releases of that index (the full index serves it by a filter).
    """
    kept = (_file_keys(keep) if keep is not None else None) or frozenset()
    registered = current_keys(registry)
    gone = []
    for old in folder.glob("*.sqlite"):
        if old == keep:
            continue
        keys = _file_keys(old)
        if keys is None or not keys <= registered or (full and keys <= kept):
            with contextlib.suppress(OSError):
                old.unlink()
                gone.append(old)
    return gone


def prune_stale(registry: Registry) -> list[Path]:
    """Delete the index files that serve none of ``registry``'s releases any more (see
    :func:`prune`); run at the first search of each registry, so that a pack removed or
    replaced leaves no index behind even when no new index is built."""
    folder = cache_dir()
    try:
        if not any(folder.glob("*.sqlite")):
            return []
    except OSError:
        return []
    return prune(folder, keep=None, full=False, registry=registry)


def clear() -> None:
    """Forget open indexes (the files stay)."""
    global _cleared
    with _open_lock:
        _open.clear()
        _cleared += 1


def forget() -> None:
    """Every open index drops what it remembers of earlier queries (see
    :meth:`SearchIndex.forget`)."""
    with _open_lock:
        indexes = list(_open.values())
    for index in indexes:
        index.forget()
