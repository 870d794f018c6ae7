"""Code-shaped queries (``E11.``, ``e119``, ``0DT``): the codes they start, exact match first.

A query shaped like a code lists those codes before any text match (see
:mod:`codekit._search._engine`); it stays within the code sets whose shape and existence fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._search._heads import DOC_COLUMNS, Row

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit._search._plan import View

__all__ = ["CODE_EXACT", "CODE_PREFIX", "code_rows", "code_span"]

#: The scores of a code matched exactly and by prefix (above every text match).
CODE_EXACT, CODE_PREFIX = 100.0, 50.0


def code_rows(
    indexes: Sequence[View],
    prefix: str,
    want: int,
    filters: tuple[str, list[Any]],
    code: str,
) -> list[Row]:
    """The codes a code-shaped query starts, exact match first, in code order.

    Only code sets whose shape fits the query are searched (a dot only where the code set
    writes one: ``E11.4`` is no HCPCS code); when the code exists in some of them, only
    those (``E114`` is ICD-10-CM's E11.4, not HCPCS E1140).
    """
    rows: list[Row] = []
    for view in indexes:
        found = view.query(
            f"SELECT {DOC_COLUMNS}, d.ccode FROM docs d WHERE d.ccode >= ? AND d.ccode < ?"
            f"{view.sql_filter}{filters[0]} ORDER BY d.ccode, d.id LIMIT ?",
            [prefix, prefix + "\uffff", *filters[1], want],
        )
        for doc in found:
            exact = doc[6] == prefix
            rows.append(
                Row(
                    CODE_EXACT if exact else CODE_PREFIX,
                    (0, doc[6], view.release(doc[5]).info.code_set, doc[0]),
                    view,
                    doc[:6],
                    (code,),
                )
            )
    fitting = _shape_fits(code, {r.order[2] for r in rows})
    existing = {r.order[2] for r in rows if r.score == CODE_EXACT and r.order[2] in fitting}
    rows = [r for r in rows if r.order[2] in (existing or fitting)]
    rows.sort(key=lambda r: r.order)
    return rows[:want]


def _shape_fits(typed: str, code_sets: set[str]) -> set[str]:
    """Of ``code_sets``, those whose codes may be written as ``typed`` (a dot only where
    the code set writes one; code sets with a parser of their own take any dot)."""
    dot = typed.strip().find(".")
    if dot < 0:
        return code_sets
    registry = _registry.current()
    fits = set()
    for name in code_sets:
        try:
            spec = registry.spec(name)
        except LookupError:
            continue
        if spec.parser is not None or spec.dot_after == dot:
            fits.add(name)
    return fits


def code_span(code: str, compact: str) -> tuple[int, int]:
    """The span of ``code`` that a code prefix typed (compactly) covers."""
    seen = end = 0
    for end, char in enumerate(code, start=1):  # noqa: B007 (end is the result)
        if char not in ". ":
            seen += 1
        if seen >= len(compact):
            break
    return (0, end if compact else 0)
