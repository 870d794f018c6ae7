"""The NCCI tables in force for a setting, program and date of service, and what to say when
one is missing (cached by the registry: a pack installed or removed is seen by the next claim)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from codekit._edits.finding import Provenance
from codekit._edits.memo import Memo
from codekit._edits.ncci import store

if TYPE_CHECKING:
    from codekit._edits.ncci.tables import AocTable, MueTable, PtpTable

__all__ = ["Tables", "missing_message", "quarter_of", "tables_for"]


@attrs.frozen
class Tables:
    """The tables in force for one setting, program and date."""

    ptp: tuple[store.Installed, PtpTable] | None
    mue: tuple[store.Installed, MueTable] | None
    aoc: tuple[store.Installed, AocTable] | None
    notes: tuple[str, ...]
    #: The provenance of each table present (what a report's ``tables`` lists).
    provenances: tuple[Provenance, ...] = ()
    #: ``(table, provenance, message)`` of each edit kind that cannot run: its table is missing.
    missing: tuple[tuple[str, Provenance, str], ...] = ()


#: ``(setting, program, day)`` -> :class:`Tables`, held by the registry.
_SELECTED = Memo(("ncci", "tables in force"), bound=4096)
_TITLES = {"ptp": "PTP", "mue": "MUE", "aoc": "AOC"}


def quarter_of(day: dt.date) -> str:
    """CMS's quarter of a date (``2026Q3``): NCCI tables are released quarterly."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def missing_message(table: str, setting: str, program: str, day: dt.date) -> str:
    """What is missing for an edit kind on a date, and how to install it."""
    title = _TITLES[table]
    what = f"{title} {program}" + ("" if table == "aoc" else f" {setting}")
    have = sorted(
        {
            t.release
            for t in store.installed()
            if t.table == table
            and t.program == program
            and (table == "aoc" or t.setting == setting)
        }
    )
    held = f" (installed: {', '.join(have)})" if have else " (none is installed)"
    quarter = quarter_of(day)
    return (
        f"{title} edits were not checked: no NCCI {what} table in force on {day.isoformat()} "
        f"({quarter}){held}; install CMS's {quarter} {title} file with `codekit data install "
        f"FILE` or `codekit data fetch ncci --release {quarter} --accept-ama-license`"
    )


def tables_for(setting: str, program: str, day: dt.date) -> Tables:
    """The PTP, MUE and AOC tables to use on ``day`` (cached by the registry)."""
    selected: dict[tuple[str, str, dt.date], Tables] = _SELECTED.get()
    key = (setting, program, day)
    found = selected.get(key)
    if found is not None:
        return found
    missing = []
    chosen: dict[str, Any] = {}
    for table in ("ptp", "mue", "aoc"):
        if table == "ptp" and setting == "dme":
            chosen[table] = None  # there is no DME PTP table: nothing is missing
            continue
        entry = store.select(table, setting, program, day)
        if entry is None:
            provenance = Provenance(
                table=_TITLES[table],  # type: ignore[arg-type]
                setting="all" if table == "aoc" else setting,
                program=program,
            )
            missing.append((table, provenance, missing_message(table, setting, program, day)))
            chosen[table] = None
        else:
            chosen[table] = (entry, store.load(entry))
    provenances = tuple(
        dict.fromkeys(chosen[t][0].provenance for t in ("ptp", "mue", "aoc") if chosen[t])
    )
    found = Tables(
        chosen["ptp"],
        chosen["mue"],
        chosen["aoc"],
        tuple(m[2] for m in missing),
        provenances,
        tuple(missing),
    )
    selected[key] = found
    return found
