"""MUE (medically unlikely edits), on one claim and on a frame of lines.

A code's units are compared with its MUE value: per line for MAI 1, summed over the code's
lines of the date of service for MAI 2 and 3 (:func:`~codekit._edits.ncci.rules.mue_per_line`,
:func:`~codekit._edits.ncci.rules.mue_exceeds`); over the limit, those lines' units are denied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._edits.finding import Finding, finding_fields, made_finding
from codekit._edits.ncci.rules import CARC, mue_appealable, mue_exceeds, mue_per_line

if TYPE_CHECKING:
    import datetime as dt

    from codekit._edits.claim import ClaimLine
    from codekit._edits.ncci import store
    from codekit._edits.ncci.lines import Lines
    from codekit._edits.ncci.tables import MueTable

__all__ = ["on_claim", "on_frame"]

#: The fields every MUE finding starts from.
_MUE = finding_fields(
    kind="mue",
    severity="deny",
    line_ids=(),
    codes=(),
    message="",
    provenance=None,
    carc=CARC["mue"],
)


# -- one claim ---------------------------------------------------------------------------


_MAI_TEXT = {
    1: "line edit",
    2: "date of service edit: policy",
    3: "date of service edit: clinical",
}


def on_claim(
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    mue: tuple[store.Installed, MueTable],
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = mue
    seen = table.limits
    for code, lines in by_code.items():
        limit = seen[code] if code in seen else table.limit(code)
        if limit is None:
            continue
        value, mai, _ = limit
        if len(lines) == 1:  # one line: a line edit and a date of service edit agree
            if not mue_exceeds(lines[0].units, value):
                continue
            groups = [lines]
        elif mue_per_line(mai):
            groups = [[line] for line in lines if mue_exceeds(line.units, value)]
        else:
            total = sum(line.units for line in lines)
            groups = [lines] if mue_exceeds(total, value) else []
        for group in groups:
            units = sum(line.units for line in group)
            ids = tuple(sorted(line.line_id for line in group))
            denied.update(ids)
            fields = _fields(table, entry, limit, group[0].code, units, dos)
            findings.append(made_finding({**fields, "line_ids": ids, "denied_line_ids": ids}))


def _fields(  # noqa: PLR0917 - hot path, called positionally
    table: MueTable,
    entry: store.Installed,
    limit: tuple[int, int, int],
    code: str,
    units: int,
    dos: dt.date,
) -> dict[str, Any]:
    """The fields of the finding of ``units`` of a code over its MUE on a date of service,
    but its lines; remembered by the table (a bounded number)."""
    key = (limit[2], units, dos)
    cache = table.findings_cache
    found = cache.get(key)
    if found is not None:
        return found
    value, mai, row = limit
    text = f"{units} units of {code} exceed the MUE of {value} ({_MAI_TEXT[mai]})"
    if mue_appealable(mai):
        text += "; may be paid on appeal with documentation of medical necessity"
    elif mai == 2:
        text += "; an absolute limit (policy), not paid on appeal"
    found = {
        **_MUE,
        "codes": (code,),
        "message": text,
        "provenance": entry.provenance,
        "date_of_service": dos,
        "mai": mai,
        "mue_value": value,
        "units": units,
        "appealable": bool(mue_appealable(mai)),
        "rationale": table.meta["rationales"][int(table.rationale[row])],
    }
    if len(cache) >= 65536:
        cache.clear()
    cache[key] = found
    return found


# -- a frame of lines -------------------------------------------------------------------


def on_frame(ctx: Lines, rows: Any, part: Any) -> None:
    import numpy as np
    import pandas as pd

    entry, table = part
    mue_codes = table.code
    # look each distinct code up once, then spread to the rows by rank
    at = np.minimum(mue_codes.searchsorted(ctx.distinct.astype(np.uint32)), len(mue_codes) - 1)
    found = mue_codes[at] == ctx.distinct
    rank = ctx.code_rank[rows]
    listed = found[rank]
    where = at[rank]
    rows, where = rows[listed], where[listed]
    if len(rows) == 0:
        return
    value = table.value[where].astype(np.int64)
    mai = table.mai[where].astype(np.int64)
    units = ctx.units[rows]
    per_line = mue_per_line(mai)
    line_over = per_line & mue_exceeds(units, value)
    # units summed per group and code, for the date of service edits only (MAI 2 and 3)
    totals = units.copy()
    by_date = np.flatnonzero(~per_line)
    if len(by_date):
        key = ctx.group[rows[by_date]] * (1 << 32) + ctx.code[rows[by_date]]
        key_index, _ = pd.factorize(key)
        summed = np.bincount(key_index, weights=units[by_date]).astype(np.int64)
        totals[by_date] = summed[key_index]
    date_over = ~per_line & mue_exceeds(totals, value)
    over = line_over | date_over
    if not over.any():
        return
    ctx.denied[rows[over]] = True
    pick = np.flatnonzero(over)
    ctx.block(
        rows[pick],
        entry=entry,
        kind="mue",
        severity="deny",
        carc=CARC["mue"],
        mai=mai[pick],
        mue_value=value[pick],
        units=np.where(line_over[pick], units[pick], totals[pick]),
        appealable=mue_appealable(mai[pick]),
        rationale=np.array(table.meta["rationales"], dtype=object)[table.rationale[where[pick]]],
    )
