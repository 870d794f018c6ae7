"""The per-code questions: the PTP edits, MUE and AOC rows of one code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from codekit._edits.codes import decode, encode
from codekit._edits.fields import _code, _date, _program, normalize_setting
from codekit._edits.ncci import store
from codekit._edits.ncci.edits import AocEdit, MueLimit, PtpEdit
from codekit._edits.ncci.policy import contractor_primaries
from codekit._edits.ncci.rules import OPEN, from_ordinal, in_force, ptp_applies

__all__ = ["addon_primaries", "addons_of", "aoc_edits", "mue", "ptp_edits"]

_LOW = (1 << 32) - 1


def _question(
    table: str, setting: str, program: str, as_of: dt.date | str | None
) -> tuple[store.Installed, Any, dt.date | None]:
    from codekit.exceptions import UnknownReleaseError

    day = None if as_of is None else _date(as_of)
    candidates = [t for t in store.installed() if t.table == table and t.program == program]
    if table != "aoc":
        candidates = [t for t in candidates if t.setting == setting]
    entry = (
        store.select(table, setting, program, day)
        if day
        else (candidates[-1] if candidates else None)
    )
    if entry is None:
        what = f"NCCI {table.upper()} {program}" + ("" if table == "aoc" else f" {setting}")
        when = f" in force on {day.isoformat()}" if day else ""
        raise UnknownReleaseError(
            f"ncci_{table}",
            f"no {what} table{when} is installed; install one with `codekit data install FILE` "
            "or `codekit data fetch ncci --release YYYYQn --accept-ama-license`",
            [t.release for t in candidates],
        )
    return entry, store.load(entry), day


def ptp_edits(
    code: str,
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    program: str = "medicare",
) -> tuple[PtpEdit, ...]:
    """The PTP edits in which ``code`` is column 1 or column 2.

    With ``as_of``, only the edits applying on that date of service (from the table in force
    then); without it, every row of the newest table, history included.
    """
    import numpy as np

    canonical = _code(code)
    entry, table, day = _question("ptp", normalize_setting(setting), _program(program), as_of)
    value = np.uint64(encode(canonical))
    keys = table.key
    low = keys.searchsorted(value << np.uint64(32))
    high = keys.searchsorted((value + np.uint64(1)) << np.uint64(32))
    rows = list(range(int(low), int(high)))
    rows += np.flatnonzero((keys & np.uint64(_LOW)) == value).tolist()
    found = []
    rationales = table.meta["rationales"]
    for row in sorted(set(rows)):
        key, eff, dele, ind = (
            int(keys[row]),
            int(table.effective[row]),
            int(table.deletion[row]),
            int(table.indicator[row]),
        )
        if day is not None and not ptp_applies(eff, dele, ind, day.toordinal()):
            continue
        found.append(
            PtpEdit(
                column1=decode(key >> 32),
                column2=decode(key & _LOW),
                effective=dt.date.fromordinal(eff),
                deletion=None if dele == OPEN else dt.date.fromordinal(dele),
                modifier_indicator=ind,
                rationale=rationales[int(table.rationale[row])],
                prior_1996=bool(table.prior_1996[row]),
                provenance=entry.provenance,
            )
        )
    return tuple(found)


def mue(
    code: str,
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    program: str = "medicare",
) -> MueLimit | None:
    """The MUE of ``code``, or ``None``: no *published* limit (some MUEs are confidential)."""
    canonical = _code(code)
    entry, table, _ = _question("mue", normalize_setting(setting), _program(program), as_of)
    found = table.limit(encode(canonical))
    if found is None:
        return None
    value, mai, row = found
    return MueLimit(
        code=canonical,
        value=value,
        mai=mai,
        mai_text=table.meta["mai_texts"][int(table.mai_text[row])],
        rationale=table.meta["rationales"][int(table.rationale[row])],
        provenance=entry.provenance,
    )


def aoc_edits(
    code: str, *, as_of: dt.date | str | None = None, program: str = "medicare"
) -> tuple[AocEdit, ...]:
    """The AOC rows of add-on ``code`` (with ``as_of``: those in force that day)."""
    canonical = _code(code)
    entry, table, day = _question("aoc", "all", _program(program), as_of)
    found = []
    for kind, primary, eff, dele, add_del, prim_del, row in table.rows_of(encode(canonical)):
        if day is not None and not in_force(eff, min(dele, add_del), day.toordinal()):
            continue
        found.append(
            AocEdit(
                add_on=canonical,
                aoc_type=kind,
                primary=decode(primary),
                effective=from_ordinal(eff),
                deletion=from_ordinal(dele),
                add_on_deletion=from_ordinal(add_del),
                primary_deletion=from_ordinal(prim_del),
                notes=table.meta["notes"][int(table.notes[row])],
                provenance=entry.provenance,
            )
        )
    return tuple(found)


def addons_of(
    code: str, *, as_of: dt.date | str | None = None, program: str = "medicare"
) -> tuple[AocEdit, ...]:
    """The AOC rows that name ``code`` as a primary: the add-on codes reported with it.

    ``addons_of("99213")`` holds the G2211 row of CMS's table. With ``as_of`` only rows in
    force that day whose add-on and primary are not deleted then. Sorted by add-on code.
    """
    import numpy as np

    canonical = _code(code)
    entry, table, day = _question("aoc", "all", _program(program), as_of)
    rows = np.flatnonzero(np.asarray(table.primary) == encode(canonical)).tolist()
    found = []
    for row in rows:
        eff, dele = int(table.effective[row]), int(table.deletion[row])
        add_del, prim_del = int(table.add_on_deletion[row]), int(table.primary_deletion[row])
        if day is not None:
            ordinal = day.toordinal()
            if not in_force(eff, min(dele, add_del), ordinal):
                continue
            if ordinal > prim_del:  # the primary is deleted (OPEN when it is not)
                continue
        found.append(
            AocEdit(
                add_on=decode(int(table.add_on[row])),
                aoc_type=int(table.type[row]),
                primary=canonical,
                effective=from_ordinal(eff),
                deletion=from_ordinal(dele),
                add_on_deletion=from_ordinal(add_del),
                primary_deletion=from_ordinal(prim_del),
                notes=table.meta["notes"][int(table.notes[row])],
                provenance=entry.provenance,
            )
        )
    return tuple(sorted(found, key=lambda edit: (edit.add_on, edit.effective or dt.date.min)))


def addon_primaries(
    code: str,
    *,
    as_of: dt.date | str | None = None,
    program: str = "medicare",
    contractor: bool = True,
) -> tuple[str, ...]:
    """The primary codes of add-on ``code``: CMS-listed, plus plugin contractor lists.

    ``CCCCC`` (contractor-defined) is not a code and is left out; with ``as_of`` only
    primaries of edits in force and not deleted on that date count. Empty when ``code`` is not
    an add-on code.
    """
    day = None if as_of is None else _date(as_of)
    found = {
        edit.primary
        for edit in aoc_edits(code, as_of=day, program=program)
        if edit.primary != "CCCCC"
        and (day is None or edit.primary_deletion is None or day <= edit.primary_deletion)
    }
    if contractor:
        extra = contractor_primaries(_program(program)).get(_code(code))
        if extra is not None:
            found.update(extra[0])
    return tuple(sorted(found))
