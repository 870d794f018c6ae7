"""The installed NCCI tables as the assistant sees them: which answers, which is cited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from codekit._assistant.build import QUESTION, Builder, quarter
from codekit._assistant.intent import Request
from codekit._assistant.model import Citation

__all__ = [
    "KIND",
    "RULE",
    "SETTING_WORDS",
    "missing_table",
    "procedure_codes",
    "request_setting",
    "table_citation",
    "table_day",
]

SETTING_WORDS = {
    "practitioner": "practitioner",
    "outpatient_hospital": "outpatient hospital",
    "dme": "DME supplier",
}
RULE = Citation("rule", "NCCI edit semantics (CMS NCCI policy; codekit docs/ncci.md)")
KIND = {"ptp": "PTP", "mue": "MUE", "aoc": "AOC"}


def missing_table(builder: Builder, table: str, setting: str, day: dt.date | None) -> None:
    """Say that no installed table answers: none is installed, or (by the one table rule)
    none covers ``day``, which is before the oldest installed table or in a gap."""
    which = quarter(day) if day else quarter(dt.date.today())
    where = "" if table == "aoc" else f" {SETTING_WORDS.get(setting, setting)}"
    install = (
        f"install the {which[:4]} Q{which[-1]} {KIND[table]} tables (`codekit data fetch ncci "
        f"--release {which} --accept-ama-license`, or `codekit data install FILE` with CMS's "
        "file)"
    )
    packs = sorted(_packs(table, setting), key=lambda p: p.effective)
    if day is None or not packs:
        builder.missing(
            f"codekit cannot answer this without the NCCI {KIND[table]}{where} table: {install}"
        )
        return
    installed = "; ".join(f"{p.release}, in force {_period(p)}" for p in packs)
    builder.missing(
        f"No installed NCCI {KIND[table]}{where} table covers {day.isoformat()}, so codekit "
        f"does not answer from another quarter's table (installed: {installed}); to answer "
        f"for that date, {install}"
    )


def _period(pack: Any) -> str:
    end = f"to {pack.until.isoformat()}" if pack.until else "until superseded"
    return f"from {pack.effective.isoformat()} {end}"


def _packs(table: str, setting: str) -> list[Any]:
    """The installed Medicare NCCI packs of a table kind (and setting, but for AOC)."""
    import codekit.data

    out = []
    for pack in codekit.data.list(f"ncci_{table}"):
        info = pack.manifest
        if info.get("program", "medicare") != "medicare":
            continue
        if table == "aoc" or info.get("setting") == setting:
            out.append(pack)
    return out


def table_day(table: str, setting: str, day: dt.date | None) -> tuple[dt.date | None, str]:
    """The date to ask the tables about, and the release of the installed table chosen.

    Without a date the newest table answers as of its own effective date, so an answer
    does not change with the day it is asked.
    """
    packs = _packs(table, setting)
    if day is not None or not packs:
        return day, ""
    newest = max(packs, key=lambda p: p.effective)
    return newest.effective, newest.release


def procedure_codes(builder: Builder, request: Request) -> list[str]:
    """The question's codes that NCCI tables may hold (CPT and HCPCS shapes), as written.

    NCCI tables carry their own codes (deleted ones included), so the codes are not looked
    up in a code set first.
    """
    out = []
    for written, shape in request.codes:
        if shape in ("procedure", "hcpcs_or_icd"):
            out.append(written.upper().replace(".", ""))
        else:
            builder.say(
                f"{written} is not a CPT or HCPCS code, and NCCI edits apply only to those",
                QUESTION,
            )
    return out


def request_setting(request: Request) -> str:
    return request.setting or "practitioner"


def table_citation(table: str, setting: str, day: dt.date | None) -> Citation:
    """The installed NCCI table in force on ``day`` (else the newest) of a kind and setting."""
    packs = _packs(table, setting)
    packs = [p for p in packs if day is None or p.effective <= day] or packs
    where = "" if table == "aoc" else f" {setting}"
    if not packs:
        return Citation("ncci", f"NCCI {KIND[table]} medicare{where}")
    pack = max(packs, key=lambda p: p.effective)
    files = pack.manifest.get("source_files") or ()
    return Citation(
        "ncci",
        f"NCCI {KIND[table]} medicare{where} {pack.release}",
        pack.release,
        ", ".join(str(f) for f in files),
    )
