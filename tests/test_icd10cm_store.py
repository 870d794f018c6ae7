"""The dataset format: notes and titles per release, title provenance, format 1 still read."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from codekit._store.sqlite import FORMAT_VERSION, Dataset, Item, Note, SqliteRelease, Text
from codekit._store.sqlite import write_dataset as write

if TYPE_CHECKING:
    from pathlib import Path

# Two releases: bit 0 ("OLD") and bit 1 ("NEW"). Texts below are placeholders, not titles.
_ITEMS = [
    Item("A00.0", "code", "new long", "new short", None, None, 0b11, 0b11, 1),
    Item("A00.1", "code", "", None, None, None, 0b10, 0b10, 2),
]


def _release(path: Path, bit: int) -> SqliteRelease:
    return SqliteRelease(Dataset(lambda: path, "test"), bit)


def test_notes_titles_and_provenance_are_per_release(tmp_path: Path) -> None:
    path = tmp_path / "two.sqlite"
    write(
        path,
        meta={"code_set": "x", "releases": ["OLD", "NEW"], "title_releases": {"1": "OLDER"}},
        items=_ITEMS,
        notes=[
            Note("A00.0", "code", 1, "excludes1", "only in the new release", 0b10),
            Note("A00.0", "code", 2, "excludes1", "in both"),
        ],
        texts=[Text("A00.0", "code", 0b01, "old long", None, None)],
    )
    old, new = _release(path, 0), _release(path, 1)
    (old_record,) = old.find("A00.0")
    (new_record,) = new.find("A00.0")
    assert dict(old_record.notes) == {"excludes1": ("in both",)}
    assert dict(new_record.notes) == {"excludes1": ("only in the new release", "in both")}
    assert (old_record.description, old_record.short_description) == ("old long", None)
    assert (new_record.description, new_record.short_description) == ("new long", "new short")
    # The old release's title is its own; the new one's comes from "OLDER" (meta default).
    assert old_record.title_release is None
    assert new_record.title_release == "OLDER"
    # An item without a title says so, and bulk descriptions leave it out.
    (untitled,) = new.find("A00.1")
    assert untitled.description == ""
    assert untitled.title_release is None
    assert new.descriptions(["A00.0", "A00.1"]) == {"A00.0": "new long"}
    assert old.descriptions(["A00.0", "A00.1"]) == {"A00.0": "old long"}
    records = {r.code: r for r in new.records()}
    assert records["A00.0"].notes["excludes1"] == ("only in the new release", "in both")
    assert {r.code: dict(r.notes) for r in old.records()} == {"A00.0": {"excludes1": ("in both",)}}


_FORMAT_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE items (
    code TEXT NOT NULL, kind TEXT NOT NULL, description TEXT NOT NULL, short TEXT,
    parent TEXT, parent_kind TEXT, present INTEGER NOT NULL, billable INTEGER NOT NULL,
    seq INTEGER NOT NULL, start TEXT, "end" TEXT, attrs TEXT, PRIMARY KEY (code, kind)
) WITHOUT ROWID;
CREATE TABLE notes (
    code TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, note_kind TEXT NOT NULL,
    text TEXT NOT NULL, PRIMARY KEY (code, kind, seq)
) WITHOUT ROWID;
CREATE TABLE texts (
    code TEXT NOT NULL, kind TEXT NOT NULL, present INTEGER NOT NULL,
    description TEXT NOT NULL, PRIMARY KEY (code, kind, present)
) WITHOUT ROWID;
INSERT INTO meta VALUES ('code_set', '"x"');
INSERT INTO items VALUES ('A00.0', 'code', 'new long', 'short', NULL, NULL, 3, 3, 1,
    NULL, NULL, NULL);
INSERT INTO notes VALUES ('A00.0', 'code', 1, 'excludes1', 'a note');
INSERT INTO texts VALUES ('A00.0', 'code', 1, 'old long');
PRAGMA user_version = 1;
"""


def test_a_format_1_file_still_reads(tmp_path: Path) -> None:
    """Packs installed by an older codekit: notes apply to every release, shorts stay."""
    assert FORMAT_VERSION == 2
    path = tmp_path / "v1.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_FORMAT_1)
    con.close()
    for bit, long in ((0, "old long"), (1, "new long")):
        (record,) = _release(path, bit).find("A00.0")
        assert record.description == long
        assert record.short_description == "short"
        assert dict(record.notes) == {"excludes1": ("a note",)}
        assert record.title_release is None
        assert _release(path, bit).descriptions(["A00.0"]) == {"A00.0": long}


def test_a_file_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    from codekit.exceptions import DataError

    path = tmp_path / "v9.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_FORMAT_1.replace("user_version = 1", "user_version = 9"))
    con.close()
    with pytest.raises(DataError, match="reads formats 1, 2"):
        _release(path, 0).find("A00.0")


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a.sqlite", "b.sqlite"):
        write(
            tmp_path / name,
            meta={"code_set": "x"},
            items=list(reversed(_ITEMS)),
            notes=[Note("A00.0", "code", 1, "notes", "n", 1)],
            texts=[Text("A00.0", "code", 1, "t", "", "OLD")],
        )
    assert (tmp_path / "a.sqlite").read_bytes() == (tmp_path / "b.sqlite").read_bytes()


def test_a_title_row_may_change_only_the_short_title(tmp_path: Path) -> None:
    path = tmp_path / "short.sqlite"
    write(
        path,
        meta={"code_set": "x"},
        items=_ITEMS[:1],
        texts=[Text("A00.0", "code", 0b01, None, None, None)],
    )
    (old,) = _release(path, 0).find("A00.0")
    (new,) = _release(path, 1).find("A00.0")
    assert (old.description, old.short_description) == ("new long", None)
    assert (new.description, new.short_description) == ("new long", "new short")
    assert _release(path, 0).descriptions(["A00.0"]) == {"A00.0": "new long"}


def _one_by_one(release: SqliteRelease, codes: list[str]) -> dict[str, str]:
    """The plain path: each code's most specific item, as :meth:`SqliteRelease.find` reads it."""
    found = {}
    for code in codes:
        records = release.find(code)
        if records and records[0].description:
            found[code] = records[0].description
    return found


@pytest.mark.parametrize("separator_in_a_title", [False, True])
def test_description_column_equals_finding_each_code(
    tmp_path: Path, separator_in_a_title: bool
) -> None:
    # Codes shared by items of several kinds (a chapter sorts after a category), title
    # overrides of the most specific item and of a less specific one, untitled items, and
    # an item of another release. Texts are placeholders, not titles.
    odd = "with a \x1f inside" if separator_in_a_title else "plain"
    items = [
        Item("1", "chapter", "chapter one", None, None, None, 0b11, 0, 1),
        Item("1", "category", "category one", None, None, None, 0b11, 0b11, 2),
        Item("B20", "block", "block B20", None, None, None, 0b11, 0, 3),
        Item("B20", "category", "category B20", None, None, None, 0b11, 0b11, 4),
        Item("B21", "block", "block B21", None, None, None, 0b11, 0, 5),
        Item("B21", "code", "", None, None, None, 0b11, 0b11, 6),
        Item("C00", "code", odd, None, None, None, 0b11, 0b11, 7),
        Item("C01", "code", "only old", None, None, None, 0b01, 0b01, 8),
        Item("C02", "code", "", None, None, None, 0b11, 0b11, 9),
    ]
    texts = [
        Text("B20", "category", 0b10, "category B20, retitled"),
        Text("B20", "block", 0b10, "block B20, retitled (not the code's title)"),
        Text("C02", "code", 0b10, "titled in the new release"),
        Text("C00", "code", 0b10, None, "a short title only"),
    ]
    path = tmp_path / "kinds.sqlite"
    write(path, meta={"code_set": "x"}, items=items, texts=texts)
    codes = sorted({item.code for item in items})
    for bit in (0, 1):
        release = _release(path, bit)
        column = release.description_column()
        assert column == _one_by_one(release, codes)
        assert release.descriptions(codes) == column
    assert _release(path, 1).description_column()["B20"] == "category B20, retitled"
    assert _release(path, 0).description_column()["1"] == "category one"
