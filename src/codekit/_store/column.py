"""One release's description column, read in a few queries (not a row per code).

What a lookup of a code describes is its most specific item (code, then category, block,
chapter) with this release's long title override if it has one. Reading 98,000 rows as
Python tuples costs several times what SQLite's ``group_concat`` of each column and one
``split`` cost, so the column comes in as two strings; the few codes with items of several
kinds and the title overrides are then fixed up from two small queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codekit._codesets.spec import KIND_RANK

if TYPE_CHECKING:
    from codekit._store.sqlite import Dataset

__all__ = ["read_descriptions"]

_SEP = "\x1f"  # char(31), the ASCII unit separator: in no code or title (checked below)
_RANK = KIND_RANK
_CONCAT = (
    "SELECT group_concat(code, char(31)), group_concat(kind, char(31)), "
    "group_concat(description, char(31)), count(*) FROM items WHERE present & ?1"
)
# Long title overrides of this release, with the kinds their code has in it.
_RETITLED = (
    "SELECT t.code, t.kind, t.description, (SELECT group_concat(i.kind, char(31)) FROM items i "
    "WHERE i.code = t.code AND i.present & ?1) FROM texts t "
    "WHERE t.present & ?1 AND t.description IS NOT NULL"
)
_ROWS = "SELECT code, kind, description FROM items WHERE present & ?1"


def read_descriptions(dataset: Dataset, mask: int) -> dict[str, str]:
    """Each code of the release (``mask``) → its description, for codes that have one."""
    ((codes, kinds, texts, count),) = dataset.query(_CONCAT, (mask,))
    code_list = codes.split(_SEP) if codes else []
    kind_list = kinds.split(_SEP) if kinds else []
    text_list = texts.split(_SEP) if texts is not None else []
    if not len(code_list) == len(kind_list) == len(text_list) == count:
        column = _by_rows(dataset, mask)  # a separator inside a text: the slow, sure way
    else:
        column = dict(zip(code_list, text_list, strict=True))
        if len(column) < count:
            _most_specific(column, code_list, kind_list, text_list)
    for code, kind, text, code_kinds in dataset.query(_RETITLED, (mask,)):
        if code_kinds is not None and kind == min(code_kinds.split(_SEP), key=_RANK.__getitem__):
            column[code] = text
    if "" in column.values():
        column = {code: text for code, text in column.items() if text}
    return column


def _most_specific(
    column: dict[str, str], codes: list[str], kinds: list[str], texts: list[str]
) -> None:
    """Give each code of several kinds its most specific item's text (rows are in code
    order, so the items of one code are neighbours)."""
    best: dict[str, int] = {}
    for at in [i for i in range(1, len(codes)) if codes[i] == codes[i - 1]]:
        code = codes[at]
        chosen = best.get(code, at - 1)
        if _RANK[kinds[at]] < _RANK[kinds[chosen]]:
            chosen = at
        best[code] = chosen
        column[code] = texts[chosen]


def _by_rows(dataset: Dataset, mask: int) -> dict[str, str]:
    column: dict[str, str] = {}
    rank: dict[str, int] = {}
    for code, kind, description in dataset.query(_ROWS, (mask,)):
        level = _RANK[kind]
        if level < rank.get(code, 9):
            rank[code] = level
            column[code] = description
    return column
