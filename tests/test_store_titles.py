"""A release's title overrides (``texts``) as the store reads them, against a direct SQL read.

The truth here is the packaged dataset files read with plain SQL, following the format's
rules (``_store/format.py``): an item's ``texts`` row for a release replaces its long title
when it has one and its short title always (format 2); an empty short title means "the same
as the long one"; a title's release is the row's ``origin``, else the meta default for the
release's bit, and no title has none. Format 1 (the packaged HCPCS file, and packs written
by older versions) has long titles only.
"""

from __future__ import annotations

import gc
import json
import random
import sqlite3
import types
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from codekit._store.sqlite import Dataset, SqliteRelease

_DATA = Path(str(resources.files("codekit") / "data"))


def _release_names(con: sqlite3.Connection) -> list[str]:
    (releases,) = con.execute("SELECT value FROM meta WHERE key = 'releases'").fetchone()
    names: list[str] = json.loads(releases)
    return names


def _bits(name: str) -> list[int]:
    con = sqlite3.connect(_DATA / f"{name}.sqlite")
    count = len(_release_names(con))
    con.close()
    return sorted({0, count // 2, count - 1})


# Every packaged dataset with title overrides, and three releases of each (first, middle, last).
CASES = [(name, bit) for name in ("icd10cm", "icd10pcs", "hcpcs") for bit in _bits(name)]


def _truth(name: str, bit: int) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    """(code, kind) → (description, short description, title release), by plain SQL."""
    con = sqlite3.connect(_DATA / f"{name}.sqlite")
    mask = 1 << bit
    meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
    default = (meta.get("title_releases") or {}).get(str(bit))
    items = con.execute(
        "SELECT code, kind, description, short FROM items WHERE present & ?", (mask,)
    ).fetchall()
    (version,) = con.execute("PRAGMA user_version").fetchone()
    # Format 1 (packs of older versions) has long titles only: the item's short title stands.
    columns = "short, origin" if version > 1 else "NULL, NULL"
    texts = {
        (code, kind): (description, short, origin)
        for code, kind, description, short, origin in con.execute(
            f"SELECT code, kind, description, {columns} FROM texts WHERE present & ?", (mask,)
        )
    }
    con.close()
    truth = {}
    for code, kind, item_long, item_short in items:
        long, short, origin = item_long, item_short, None
        if (code, kind) in texts:
            override, new_short, origin = texts[code, kind]
            long = override if override is not None else long
            short = new_short if version > 1 else short
        shown = long if short == "" else short
        truth[code, kind] = (long, shown, (origin or default) if long else None)
    return truth


def _release(name: str, bit: int) -> SqliteRelease:
    return SqliteRelease(Dataset(lambda: _DATA / f"{name}.sqlite", name), bit)


def _seen(record: Any) -> tuple[str, str | None, str | None]:
    return record.description, record.short_description, record.title_release


@pytest.mark.parametrize(("name", "bit"), CASES)
def test_every_record_has_the_titles_a_direct_read_gives(name: str, bit: int) -> None:
    truth = _truth(name, bit)
    release = _release(name, bit)
    records = {(r.code, r.kind): _seen(r) for r in release.bare_records()}
    assert records == truth
    # Point reads, the whole table read or not: find, item, children, bulk.
    rng = random.Random(f"{name}{bit}")
    sample = rng.sample(sorted(truth), min(400, len(truth)))
    for fresh in (_release(name, bit), release):
        for code, kind in sample:
            item = fresh.item(code, kind)  # type: ignore[arg-type]
            assert item is not None
            assert _seen(item) == truth[code, kind]
            for found in fresh.find(code):
                assert _seen(found) == truth[found.code, found.kind]
            for child in fresh.children(code, kind):  # type: ignore[arg-type]
                assert _seen(child) == truth[child.code, child.kind]


_RANK = {"code": 0, "category": 1, "block": 2, "chapter": 3}


@pytest.mark.parametrize(("name", "bit"), CASES)
@pytest.mark.parametrize("size", [300, 6000])  # below and above the whole-column threshold
def test_bulk_reads_give_the_most_specific_items_titles(name: str, bit: int, size: int) -> None:
    truth = _truth(name, bit)
    best: dict[str, tuple[int, tuple[str, str | None, str | None]]] = {}
    for (code, kind), titles in truth.items():
        if code not in best or _RANK[kind] < best[code][0]:
            best[code] = (_RANK[kind], titles)
    rng = random.Random(f"{name}{bit}{size}")
    codes = [*rng.sample(sorted(best), min(size, len(best))), "NOT A CODE"]
    found = _release(name, bit).find_many(codes)
    assert {code: _seen(record) for code, record in found.items()} == {
        code: best[code][1] for code in codes if code in best
    }
    texts = _release(name, bit).descriptions(codes)  # past 5,000 codes: the whole column
    assert {code: texts[code] for code in codes if code in texts} == {
        code: best[code][1][0] for code in codes if code in best and best[code][1][0]
    }


def _tracked_reachable(root: object) -> int:
    """How many GC-tracked objects ``root`` keeps alive (what every full collection walks),
    not counting classes, modules and functions (the file's locator and its globals)."""
    seen = {id(root)}
    todo = [root]
    shared = (type, types.ModuleType, types.FunctionType)
    while todo:
        for ref in gc.get_referents(todo.pop()):
            if gc.is_tracked(ref) and id(ref) not in seen and not isinstance(ref, shared):
                seen.add(id(ref))
                todo.append(ref)
    return len(seen)


@pytest.mark.parametrize("name", ["icd10cm", "icd10pcs"])
def test_reading_every_record_leaves_no_tracked_object_per_title(name: str) -> None:
    """A release whose records were all read (the search index, its long-title check) or
    that answered a large bulk call keeps no Python object per title override: each would
    be walked by every later full garbage collection."""
    con = sqlite3.connect(_DATA / f"{name}.sqlite")
    overrides, bit = max(
        (con.execute("SELECT count(*) FROM texts WHERE present & ?", (1 << b,)).fetchone()[0], b)
        for b in range(len(_release_names(con)))
    )
    con.close()
    release = _release(name, bit)
    for _ in release.records():
        pass
    codes = sorted({code for code, _ in _truth(name, bit)})
    release.find_many(codes)
    release.find(codes[0])
    gc.collect()
    assert overrides > 50_000
    assert _tracked_reachable(release) < 200


@pytest.mark.parametrize(("name", "bit"), CASES)
def test_has_long_titles_agrees_with_the_records(name: str, bit: int) -> None:
    truth = _truth(name, bit)
    expected = any(short and short != long for long, short, _ in truth.values())
    assert _release(name, bit).has_long_titles() is expected


def test_bulk_reads_do_not_remember_a_query_per_list_length() -> None:
    """A list of codes is a one-off condition: bulk reads of 1 to 900 distinct codes (each
    length its own SQL text) leave the remembered queries as they were, and still answer
    each code as ``find`` does (truth: the packaged file read through ``find``)."""
    from codekit._store import sqlite as store

    release = _release("icd10cm", 0)
    codes = sorted({r.code for r in release.records() if r.kind == "code"})[:1200]
    release.find(codes[0])  # the fixed queries are remembered first
    before = dict(store._sql)
    for size in (1, 2, 3, 57, 899, 900, 901, 1200):
        found = release.find_many(codes[:size])
        assert set(found) == set(codes[:size])
        for code in codes[: min(size, 5)]:
            assert found[code].description == release.find(code)[0].description
    assert store._sql == before
