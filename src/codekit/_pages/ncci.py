"""The NCCI sections: the code's PTP, MUE and add-on code edits in force on the date.

They apply to code sets whose spec lists ``"ncci"`` in its ``claim_edits`` (HCPCS Level II
and CPT numbers); for any other code set each says that NCCI edits do not apply.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import attrs

from codekit._pages.section import PageContext, PageSection, capability, items, plain_row
from codekit.exceptions import CodekitError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable

    from codekit._pages.model import PagePart

__all__ = ["NCCI_SETTINGS", "SECTIONS"]

#: The NCCI settings a page shows (see NCCI.md); there is no DME PTP table.
NCCI_SETTINGS: tuple[str, ...] = ("practitioner", "outpatient_hospital", "dme")
_ENGINE = "codekit._edits.ncci.engine"
_HINT = (
    "NCCI {what} are not installed; install the CMS file with "
    "`codekit data install FILE` (see the NCCI guide)"
)


def _section(  # noqa: PLR0917 - module-private, called three times just below
    name: str,
    title: str,
    order: int,
    what: str,
    calls: Callable[[Callable[..., Any], str, dt.date | None], list[tuple[str | None, Any]]],
    shape: Callable[[str, Any], dict[str, Any]],
    functions: tuple[str, ...],
) -> PageSection:
    """A section asking the first of the NCCI engine's ``functions`` it has, once per
    setting given by ``calls``."""

    def build(context: PageContext) -> PagePart:
        if "ncci" not in context.spec.claim_edits:
            return section.part(
                available=True, message=f"NCCI edits do not apply to {context.code_set} codes"
            )
        found = next(filter(None, (capability(_ENGINE, [f]) for f in functions)), None)
        if found is None:
            return section.part(
                available=False, message="NCCI edits are not available in this version of codekit"
            )
        part = _ask(
            section, what, calls(found[0], context.code, context.day), partial(shape, context.code)
        )
        return _with_addon_codes(part, context.code, context.day) if name == "addons" else part

    section = PageSection(name=name, title=title, order=order, build=build)
    return section


def _ask(
    section: PageSection,
    what: str,
    calls: Iterable[tuple[str | None, Callable[[], Any]]],
    shape: Callable[[Any], dict[str, Any]],
) -> PagePart:
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    unanswered: list[str] = []
    answered = False
    for setting, call in calls:
        try:
            result = call()
        except CodekitError as exc:
            problems.append(str(exc))
            unanswered += [setting] if setting is not None else []
            continue
        answered = True
        for item in items(result):
            row = shape(item)
            if setting is not None:
                row = {"setting": setting, **row}
            rows.append(row)
    if not answered:
        return section.part(
            available=False, message=problems[0] if problems else _HINT.format(what=what)
        )
    message = ""
    if unanswered:
        message = (
            f"no {what} installed for {', '.join(unanswered)}; "
            "install them with `codekit data install FILE`"
        )
    return section.part(available=True, rows=rows, message=message)


def _per_setting(
    settings: tuple[str, ...],
) -> Callable[[Callable[..., Any], str, dt.date | None], list[tuple[str | None, Any]]]:
    def calls(
        function: Callable[..., Any], code: str, day: dt.date | None
    ) -> list[tuple[str | None, Any]]:
        return [(s, partial(function, code, setting=s, as_of=day)) for s in settings]

    return calls


def _once(
    function: Callable[..., Any], code: str, day: dt.date | None
) -> list[tuple[str | None, Any]]:
    return [(None, partial(function, code, as_of=day))]


def _ptp_row(code: str, item: Any) -> dict[str, Any]:
    row = plain_row(item)
    if "column1" in row and "column2" in row:
        column1, column2 = row.pop("column1"), row.pop("column2")
        first = column1 == code
        row = {"column": 1 if first else 2, "partner": column2 if first else column1, **row}
        row.pop("prior_1996", None)
    return row


def _mue_row(_: str, item: Any) -> dict[str, Any]:
    return plain_row(item)


def _aoc_row(_: str, item: Any) -> dict[str, Any]:
    row = plain_row(item)
    if isinstance(item, str):
        return {"primary": item}
    row.pop("add_on", None)
    if "aoc_type" in row:
        row = {"primary": row.pop("primary", None), "type": row.pop("aoc_type"), **row}
    return row


def _with_addon_codes(part: PagePart, code: str, day: dt.date | None) -> PagePart:
    """The add-on part plus a row per add-on code that names ``code`` as its primary
    (99213 -> G2211): ``{"primary": code, "add_on": ..., "type": ...}``. Rows where ``code``
    is itself the add-on have no ``add_on`` key."""
    found = capability(_ENGINE, ["addons_of"])
    if found is None or not part.available:
        return part
    try:
        edits = found[0](code, as_of=day)
    except CodekitError:
        return part
    rows = [
        {"primary": code, "add_on": row.pop("add_on"), "type": row.pop("aoc_type"), **row}
        for row in (plain_row(edit) for edit in edits)
        if row.pop("primary", None) is not None
    ]
    return attrs.evolve(part, rows=(*part.rows, *rows)) if rows else part


PTP = _section(
    "ptp",
    "NCCI procedure-to-procedure edits",
    30,
    "PTP tables",
    _per_setting(NCCI_SETTINGS[:2]),
    _ptp_row,
    ("ptp_edits",),
)
MUE = _section(
    "mue",
    "NCCI medically unlikely edits",
    40,
    "MUE tables",
    _per_setting(NCCI_SETTINGS),
    _mue_row,
    ("mue",),
)
ADDONS = _section(
    "addons",
    "NCCI add-on code edits",
    50,
    "add-on code (AOC) tables",
    _once,
    _aoc_row,
    ("aoc_edits", "addon_primaries"),
)
#: The three NCCI sections, in page order.
SECTIONS: tuple[PageSection, ...] = (PTP, MUE, ADDONS)
