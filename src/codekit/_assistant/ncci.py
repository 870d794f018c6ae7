"""Answers from the NCCI tables: PTP pairs and their modifiers, MUE limits, add-on codes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from codekit._assistant.build import Builder, ncci_citation
from codekit._assistant.intent import Request
from codekit._assistant.model import Citation, FactValue
from codekit._assistant.tables import (
    RULE,
    SETTING_WORDS,
    missing_table,
    procedure_codes,
    request_setting,
    table_citation,
    table_day,
)

if TYPE_CHECKING:
    from codekit.ncci import PtpEdit

__all__ = ["addon", "mue", "ptp"]

_MAI = {
    1: "MAI 1, a line edit: each line's units are compared with the limit alone",
    2: "MAI 2, a date of service edit (policy): the units of all lines of the code on the "
    "date of service are summed, and the limit is absolute",
    3: "MAI 3, a date of service edit (clinical): the units of all lines of the code on the "
    "date of service are summed; units over the limit may be paid on appeal with documentation",
}


def _pair_rows(edits: tuple[PtpEdit, ...], a: str, b: str) -> list[PtpEdit]:
    return [e for e in edits if {e.column1, e.column2} == {a, b}]


def ptp(builder: Builder, request: Request) -> None:
    import codekit.ncci
    from codekit.exceptions import UnknownReleaseError

    codes = procedure_codes(builder, request)
    if not codes:
        return
    setting = request_setting(request)
    if setting == "dme":
        builder.say("CMS publishes no PTP table for DME suppliers", RULE, ptp_table=False)
        return
    day, newest = table_day("ptp", setting, request.as_of)
    try:
        edits = codekit.ncci.ptp_edits(codes[0], setting=setting, as_of=day)
    except UnknownReleaseError:
        missing_table(builder, "ptp", setting, request.as_of)
        return
    when = f"on {day.isoformat()}" if day else "in the newest table"
    if newest:
        when += f" (the effective date of the newest table, {newest})"
    if len(codes) == 1:
        _single(builder, codes[0], edits, when, table_citation("ptp", setting, day))
        return
    a, b = codes[0], codes[1]
    rows = _pair_rows(edits, a, b)
    if not rows:
        history = _pair_rows(codekit.ncci.ptp_edits(a, setting=setting), a, b)
        if history and history[-1].modifier_indicator == 9:
            _say_edit(builder, history[-1], when, request.modifiers, day or dt.date.today())
            return
        if history:
            row = history[-1]
            builder.say(
                f"No PTP edit between {a} and {b} applies {when}; their edit ran from "
                f"{row.effective.isoformat()} to {_end(row)}",
                ncci_citation(row.provenance),
                edit=False,
                column1=row.column1,
                column2=row.column2,
            )
            return
        builder.say(
            f"No NCCI PTP edit pairs {a} and {b} {when}: the PTP table does not stop them "
            "being billed together",
            ncci_citation(edits[0].provenance) if edits else table_citation("ptp", setting, day),
            edit=False,
        )
        return
    row = rows[-1]
    _say_edit(builder, row, when, request.modifiers, day or dt.date.today())


def _end(row: PtpEdit) -> str:
    return row.deletion.isoformat() if row.deletion else "no end date"


def _until(row: PtpEdit) -> str:
    return f" to {row.deletion.isoformat()}" if row.deletion else " with no deletion date"


def _say_edit(
    builder: Builder, row: PtpEdit, when: str, modifiers: tuple[str, ...], day: dt.date
) -> None:
    import codekit.ncci

    cite = ncci_citation(row.provenance)
    facts: dict[str, FactValue] = {
        "edit": True,
        "column1": row.column1,
        "column2": row.column2,
        "indicator": row.modifier_indicator,
        "rationale": row.rationale,
        "effective": row.effective.isoformat(),
        "deletion": row.deletion.isoformat() if row.deletion else None,
    }
    if row.modifier_indicator == 9:
        builder.say(
            f"The PTP edit of column 1 {row.column1} and column 2 {row.column2} has modifier "
            f"indicator 9: it was deleted on the day it took effect ({row.effective.isoformat()}) "
            "and never applied",
            cite,
            **facts,
        )
        return
    builder.say(
        f"Yes, there is an NCCI PTP edit {when}: column 1 {row.column1}, column 2 "
        f"{row.column2}, in force from {row.effective.isoformat()}{_until(row)}, rationale "
        f'"{row.rationale}", modifier indicator {row.modifier_indicator}',
        cite,
        **facts,
    )
    builder.say(
        f"Reported together for the same patient, provider and date of service, {row.column2} "
        "(column 2) is denied (CARC CO-236) unless the edit is bypassed",
        RULE,
        denied=row.column2,
    )
    associated = codekit.ncci.ptp_modifiers_on(day)
    if row.modifier_indicator == 0:
        builder.say(
            "Modifier indicator 0: no modifier bypasses this edit",
            cite,
            bypass_allowed=False,
        )
    else:
        builder.say(
            f"Modifier indicator 1: a PTP-associated modifier (such as 59, XE, XS, XP, XU or an "
            f"anatomic modifier) on the {row.column2} line bypasses the edit when the services "
            "are distinct",
            cite,
            bypass_allowed=True,
        )
    for modifier in modifiers:
        if modifier not in associated:
            builder.say(
                f"{modifier} is not an NCCI PTP-associated modifier, so it bypasses no edit",
                RULE,
                bypass=False,
                modifier=modifier,
            )
        elif row.modifier_indicator == 0:
            builder.say(
                f"{modifier} is PTP-associated, but indicator 0 allows no bypass",
                cite,
                bypass=False,
                modifier=modifier,
            )
        else:
            builder.say(
                f"With {modifier} on the {row.column2} line the edit is bypassed (the claim "
                "must support distinct services)",
                cite,
                bypass=True,
                modifier=modifier,
            )


def _single(
    builder: Builder, code: str, edits: tuple[PtpEdit, ...], when: str, table: Citation
) -> None:
    if not edits:
        builder.say(f"No NCCI PTP edit names {code} {when}", table, edits=0)
        return
    cite = ncci_citation(edits[0].provenance)
    as_one = tuple(dict.fromkeys(e.column2 for e in edits if e.column1 == code))
    as_two = tuple(dict.fromkeys(e.column1 for e in edits if e.column2 == code))
    if as_one:
        builder.say(
            f"{code} is column 1 of {len(as_one)} PTP edits {when}; the column 2 codes "
            f"denied with it include {', '.join(as_one[:12])}",
            cite,
            column2_codes=as_one,
        )
    if as_two:
        builder.say(
            f"{code} is column 2 of {len(as_two)} PTP edits {when}, under {', '.join(as_two[:12])}",
            cite,
            column1_codes=as_two,
        )


def mue(builder: Builder, request: Request) -> None:
    import codekit.ncci
    from codekit.exceptions import UnknownReleaseError

    setting = request_setting(request)
    day, _newest = table_day("mue", setting, request.as_of)
    for code in procedure_codes(builder, request):
        try:
            limit = codekit.ncci.mue(code, setting=setting, as_of=day)
        except UnknownReleaseError:
            missing_table(builder, "mue", setting, request.as_of)
            return
        where = SETTING_WORDS.get(setting, setting)
        if limit is None:
            builder.say(
                f"The {where} MUE table has no published limit for {code} (no published "
                "limit is not the same as no limit: some MUEs are confidential)",
                table_citation("mue", setting, day),
                mue_value=None,
            )
            continue
        cite = ncci_citation(limit.provenance)
        builder.say(
            f"The {where} MUE of {code} is {limit.value} unit"
            f"{'s' if limit.value != 1 else ''} per day, {limit.mai_text}, rationale "
            f'"{limit.rationale}"',
            cite,
            code=code,
            mue_value=limit.value,
            mai=limit.mai,
            rationale=limit.rationale,
        )
        builder.say(_MAI.get(limit.mai, f"MAI {limit.mai}"), RULE)
        if request.units is not None:
            over = request.units > limit.value
            verdict = "exceed" if over else "are within"
            builder.say(
                f"{request.units} units {verdict} the MUE of {limit.value}",
                cite,
                exceeds=over,
            )


def addon(builder: Builder, request: Request) -> None:
    import codekit.ncci
    from codekit.exceptions import UnknownReleaseError

    codes = procedure_codes(builder, request)
    if not codes:
        return
    day, _ = table_day("aoc", "all", request.as_of)
    try:
        rows = {c: codekit.ncci.aoc_edits(c, as_of=day) for c in codes}
    except UnknownReleaseError:
        missing_table(builder, "aoc", "all", request.as_of)
        return
    addons = [c for c in codes if rows[c]]
    if not addons:
        primary = codes[0]
        found = codekit.ncci.addons_of(primary, as_of=day)
        if not found:
            builder.say(
                f"{primary} is not an add-on code, and no add-on code lists it as a primary",
                table_citation("aoc", "all", day),
                is_addon=False,
                addons=(),
            )
            return
        names = tuple(dict.fromkeys(e.add_on for e in found))
        builder.say(
            f"{primary} is not an add-on code; the add-on codes that list it as a primary "
            f"are {', '.join(names[:20])}"
            + (f" and {len(names) - 20} more" if len(names) > 20 else ""),
            ncci_citation(found[0].provenance),
            is_addon=False,
            addons=names,
        )
        return
    code = addons[0]
    first = rows[code][0]
    cite = ncci_citation(first.provenance)
    primaries = codekit.ncci.addon_primaries(code, as_of=day)
    kind = first.aoc_type
    meaning = {
        1: "it is payable only when one of its listed primary codes is payable for the same "
        "patient, provider and date of service",
        2: "CMS lists no primaries for it: contractors define them",
        3: "CMS lists some primaries, but the list is not exclusive",
    }.get(kind, "")
    builder.say(
        f"{code} is an add-on code of AOC type {kind}: {meaning}",
        cite,
        is_addon=True,
        add_on=code,
        aoc_type=kind,
    )
    if primaries:
        more = f" and {len(primaries) - 20} more" if len(primaries) > 20 else ""
        builder.say(
            f"Its primary codes are {', '.join(primaries[:20])}{more}",
            cite,
            primaries=primaries,
        )
    others = [c for c in codes if c != code]
    if others:
        other = others[0]
        listed = other in primaries
        if listed:
            builder.say(
                f"{other} is one of its primaries: {code} is payable with it, and denied "
                f"without {other} or another listed primary"
                if kind == 1
                else f"{other} is one of its listed primaries",
                cite,
                primary_listed=True,
            )
        else:
            builder.say(
                f"{other} is not among its listed primaries",
                cite,
                primary_listed=False,
            )
