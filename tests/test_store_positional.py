"""Axis labels stored once per dataset and decoded per code (``codekit._store.positional``),
on a synthetic dataset whose labels are written out here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from codekit._store.positional import META_KEY, PositionalAttributes
from codekit._store.sqlite import Dataset, Item, SqliteRelease, write_dataset

if TYPE_CHECKING:
    from pathlib import Path

META = {
    META_KEY: {
        "axes": [
            {"name": "section", "positions": [0], "labels": {"0": "Medical and Surgical"}},
            # A body part's meaning depends on the body system before it.
            {"name": "body_part", "positions": [0, 1, 3], "labels": {"0DJ": "Appendix"}},
        ]
    }
}


def test_labels_depend_on_the_positions_named() -> None:
    decoder = PositionalAttributes.from_meta(META)
    assert decoder is not None
    assert decoder.decode("0DTJ4ZZ") == {"section": "Medical and Surgical", "body_part": "Appendix"}
    # Same body-part character in another body system: no label, not a wrong one.
    assert decoder.decode("0WTJ4ZZ") == {"section": "Medical and Surgical"}
    assert decoder.decode("0D") == {}
    assert PositionalAttributes.from_meta({}) is None


def test_reader_adds_decoded_labels_to_codes_only(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.sqlite"
    write_dataset(
        path,
        meta=META,
        items=[
            Item("0DTJ4ZZ", "code", "Synthetic appendix code", None, "0DT", "category", 1, 1, 1),
            Item(
                "0DTJ0ZZ", "code", "Synthetic", None, None, None, 1, 1, 2, attrs='{"section": "S"}'
            ),
            Item("0DT", "category", "Synthetic table", None, None, None, 1, 0, 0),
        ],
    )
    source = SqliteRelease(Dataset(lambda: path, "synthetic"), 0)
    (code,) = source.find("0DTJ4ZZ")
    assert dict(code.attributes) == {"section": "Medical and Surgical", "body_part": "Appendix"}
    (stored,) = source.find("0DTJ0ZZ")
    assert stored.attributes["section"] == "S"  # stored attributes win over decoded ones
    table = source.item("0DT", "category")
    assert table is not None
    assert dict(table.attributes) == {}


def test_a_key_follows_the_order_of_its_positions() -> None:
    # Positions need not be increasing nor consecutive: the key is the characters named,
    # in the order named (what the writer stored).
    decoder = PositionalAttributes([("odd", (3, 0, 1, 6), {"J0DZ": "reordered"})])
    assert decoder.decode("0DTJ4ZZ") == {"odd": "reordered"}
    assert decoder.decode("0DTJ4ZY") == {}


def test_bare_records_are_the_records_without_their_attributes(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.sqlite"
    write_dataset(
        path,
        meta=META,
        items=[
            Item("0DTJ4ZZ", "code", "Synthetic appendix code", None, "0DT", "category", 1, 1, 1),
            Item("0DT", "category", "Synthetic table", None, None, None, 1, 0, 0),
        ],
    )
    source = SqliteRelease(Dataset(lambda: path, "synthetic"), 0)
    full, bare = list(source.records()), list(source.bare_records())
    assert [r.code for r in bare] == [r.code for r in full] == ["0DT", "0DTJ4ZZ"]
    assert dict(full[1].attributes) == {"section": "Medical and Surgical", "body_part": "Appendix"}
    assert all(dict(r.attributes) == {} for r in bare)
    assert [attrs.evolve(r, attributes={}) for r in full] == bare
