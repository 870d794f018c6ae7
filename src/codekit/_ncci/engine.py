"""Checking one claim, and the per-code questions.

Order (NCCI.md): PTP and MUE are applied to the lines as submitted; then AOC, where only
lines still payable (not denied by PTP, MUE or another AOC edit) count as primaries. MUE
counts every line's units, add-on lines included. Lines are compared per date of service
(one claim has one beneficiary and one rendering provider; :func:`check_claims` compares
lines across claims).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import attrs

from codekit import _registry
from codekit._ncci import policy as _policy
from codekit._ncci import store
from codekit._ncci.codes import decode, encode
from codekit._ncci.model import (
    AocEdit,
    Claim,
    ClaimLine,
    EditReport,
    Finding,
    MueLimit,
    Provenance,
    PtpEdit,
    _code,
    _date,
    _program,
    normalize_setting,
)
from codekit._ncci.policy import Policy, contractor_primaries
from codekit._ncci.rules import CARC, OPEN, from_ordinal, in_force, ptp_applies
from codekit._ncci.validity import claim_findings
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from collections.abc import Set as AbstractSet

    from codekit._ncci.tables import AocTable, MueTable, PtpTable

__all__ = ["addon_primaries", "addons_of", "aoc_edits", "check_claim", "mue", "ptp_edits"]

_LOW = (1 << 32) - 1


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


_selected: dict[tuple[Any, ...], Tables] = {}
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
    """The PTP, MUE and AOC tables to use on ``day`` (cached until packs change)."""
    key = (_registry.generation(), os.environ.get("CODEKIT_DATA_DIR"), setting, program, day)
    found = _selected.get(key)
    if found is not None:
        return found
    if len(_selected) > 4096:
        _selected.clear()
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
    _selected[key] = found
    return found


# -- one date of service ----------------------------------------------------------------


def check_group(
    lines: Sequence[ClaimLine],
    dos: dt.date,
    tables: Tables,
    policy: Policy,
    program: str,
) -> list[Finding]:
    """Findings for the lines of one beneficiary, provider and date of service."""
    findings: list[Finding] = []
    by_code: dict[int, list[ClaimLine]] = {}
    for line in lines:
        by_code.setdefault(encode(line.code), []).append(line)
    denied: set[str] = set()
    day = dos.toordinal()
    if tables.ptp is not None and len(by_code) > 1:
        _ptp(by_code, dos, day, tables.ptp, policy, findings, denied)
    if tables.mue is not None:
        _mue(by_code, dos, tables.mue, findings, denied)
    if tables.aoc is not None:
        _aoc(by_code, dos, day, tables.aoc, policy, program, findings, denied)
    if tables.missing:
        _unchecked(lines, dos, tables, findings)
    return findings


def _unchecked(
    lines: Sequence[ClaimLine], dos: dt.date, tables: Tables, findings: list[Finding]
) -> None:
    """One ``unverifiable`` finding per edit kind whose table is missing, over every line."""
    ordered = sorted(lines, key=lambda line: line.line_id)
    ids = tuple(line.line_id for line in ordered)
    codes = tuple(line.code for line in ordered)
    for table, provenance, message in tables.missing:
        findings.append(
            Finding(
                kind=table,  # type: ignore[arg-type]
                severity="unverifiable",
                line_ids=ids,
                codes=codes,
                message=message,
                provenance=provenance,
                date_of_service=dos,
                unchecked=True,
            )
        )


def _ptp(  # noqa: PLR0917 - hot path, called positionally
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    day: int,
    ptp: tuple[store.Installed, PtpTable],
    policy: Policy,
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = ptp
    modifiers: frozenset[str] | None = None
    codes = list(by_code)
    claim_codes = by_code.keys()
    partners_of = table.partners
    for column1 in codes:
        partners = partners_of(column1)
        # most codes pair with none of the claim's: isdisjoint walks the claim's few codes
        # in C without building a set; the others intersect (also walking the claim's codes)
        if not partners or partners.keys().isdisjoint(claim_codes):
            continue
        for column2 in partners.keys() & claim_codes:
            if column2 == column1:
                continue
            rows = partners[column2]
            chosen = None
            for candidate in rows:
                if ptp_applies(candidate[1], candidate[2], candidate[3], day):
                    chosen = candidate
                    break
            if chosen is None:
                continue
            if modifiers is None:
                modifiers = policy.modifiers_on(dos)
            _ptp_findings(
                by_code[column1],
                by_code[column2],
                chosen,
                dos,
                entry,
                table,
                policy,
                modifiers,
                findings,
                denied,
            )


#: Day ordinal -> date (``None`` for open-ended); few distinct values, so cached.
_day = lru_cache(maxsize=1 << 14)(from_ordinal)


def _first_bypass(line_modifiers: tuple[str, ...], modifiers: frozenset[str]) -> str | None:
    for modifier in line_modifiers:
        if modifier in modifiers:
            return modifier
    return None


def _ptp_findings(  # noqa: PLR0917 - hot path, called positionally
    lines1: list[ClaimLine],
    lines2: list[ClaimLine],
    chosen: tuple[int, int, int, int, str],
    dos: dt.date,
    entry: store.Installed,
    table: PtpTable,
    policy: Policy,
    modifiers: frozenset[str],
    findings: list[Finding],
    denied: set[str],
) -> None:
    _, effective, deletion, ind, rationale = chosen
    eff, dele = _day(effective), _day(deletion)
    code1, code2 = lines1[0].code, lines2[0].code
    provenance = entry.provenance
    column1_counts = policy.column1_modifier_bypasses
    deny_message: str | None = None
    for line2 in lines2:
        bypass2 = _first_bypass(line2.modifiers, modifiers) if line2.modifiers else None
        for line1 in lines1:
            bypass = bypass2
            if bypass is None and column1_counts and line1.modifiers:
                bypass = _first_bypass(line1.modifiers, modifiers)
            if ind == 1 and bypass is not None:
                findings.append(
                    Finding(
                        kind="ptp",
                        severity="warn",
                        line_ids=(line1.line_id, line2.line_id),
                        codes=(code1, code2),
                        message=(
                            f"{code2} is bundled into {code1} (PTP, modifier allowed); bypassed "
                            f"by modifier {bypass}: documentation must support it"
                        ),
                        provenance=provenance,
                        date_of_service=dos,
                        bypass_modifier=bypass,
                        indicator=ind,
                        rationale=rationale,
                        effective=eff,
                        deletion=dele,
                    )
                )
                continue
            if deny_message is None:
                why = (
                    "no modifier allowed (indicator 0)"
                    if ind == 0
                    else "no PTP-associated modifier on the column 2 line"
                )
                deny_message = f"{code2} is denied when reported with {code1} (PTP: {why})"
            denied.add(line2.line_id)
            findings.append(
                Finding(
                    kind="ptp",
                    severity="deny",
                    line_ids=(line1.line_id, line2.line_id),
                    denied_line_ids=(line2.line_id,),
                    codes=(code1, code2),
                    message=deny_message,
                    provenance=provenance,
                    carc=_CARC_PTP,
                    date_of_service=dos,
                    indicator=ind,
                    rationale=rationale,
                    effective=eff,
                    deletion=dele,
                )
            )


_CARC_PTP = CARC["ptp"]
_CARC_MUE = CARC["mue"]


_MAI_TEXT = {
    1: "line edit",
    2: "date of service edit: policy",
    3: "date of service edit: clinical",
}


def _mue(
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    mue: tuple[store.Installed, MueTable],
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = mue
    limits = table.by_code()
    for code, lines in by_code.items():
        limit = limits.get(code)
        if limit is None:
            continue
        value, mai, row = limit
        if len(lines) == 1:  # one line: a line edit and a date of service edit agree
            if lines[0].units <= value:
                continue
            groups = [lines]
        elif mai == 1:
            groups = [[line] for line in lines if line.units > value]
        else:
            total = sum(line.units for line in lines)
            groups = [lines] if total > value else []
        for group in groups:
            units = sum(line.units for line in group)
            ids = tuple(sorted(line.line_id for line in group))
            denied.update(ids)
            text = f"{units} units of {group[0].code} exceed the MUE of {value} ({_MAI_TEXT[mai]})"
            if mai == 3:
                text += "; may be paid on appeal with documentation of medical necessity"
            elif mai == 2:
                text += "; an absolute limit (policy), not paid on appeal"
            findings.append(
                Finding(
                    kind="mue",
                    severity="deny",
                    line_ids=ids,
                    denied_line_ids=ids,
                    codes=(group[0].code,),
                    message=text,
                    provenance=entry.provenance,
                    carc=CARC["mue"],
                    date_of_service=dos,
                    mai=mai,
                    mue_value=value,
                    units=units,
                    appealable=mai == 3,
                    rationale=table.meta["rationales"][int(table.rationale[row])],
                )
            )


@lru_cache(maxsize=4096)
def _names(codes: frozenset[int]) -> tuple[str, ...]:
    """Sorted codes of a primary list (lists are shared by the rule cache, so cached too)."""
    return tuple(sorted(decode(c) for c in codes))


def _aoc(  # noqa: PLR0917, PLR0915 - hot path; one rule per branch
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    day: int,
    aoc: tuple[store.Installed, AocTable],
    policy: Policy,
    program: str,
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = aoc
    rules = table.by_add_on()
    add_ons: list[tuple[ClaimLine, int, int, frozenset[int], list[Any]]] = []
    for code, lines in by_code.items():
        if code not in rules:
            continue
        rule = table.rule_on(code, day)
        if rule is None:
            continue
        kind, listed, active = rule
        add_ons.extend((line, code, kind, listed, active) for line in lines)
    if not add_ons:
        return
    # plugin lists are consulted only for type 2/3 add-ons (building the registry costs)
    wanted = policy.contractor_primaries and any(item[2] in (2, 3) for item in add_ons)
    extra: Mapping[str, tuple[frozenset[str], str]] = (
        contractor_primaries(program) if wanted else {}
    )
    payable = {line.line_id: code for code, lines in by_code.items() for line in lines}
    for line_id in denied:
        payable.pop(line_id, None)
    add_ons.sort(key=lambda item: item[0].line_id)
    while True:
        results = []
        count = Counter(payable.values())
        for line, code, kind, listed, _ in add_ons:
            # the codes of the payable lines other than this one
            present: AbstractSet[int] = (
                count.keys() - {code}
                if count.get(code) == 1 and line.line_id in payable
                else count.keys()
            )
            contractor = extra.get(line.code) if kind in (2, 3) else None
            if kind == 1:
                verdict = "pass" if present & listed else "deny"
            elif kind == 3 and present & listed:
                verdict = "pass"
            elif contractor is not None:
                has = any(decode(c) in contractor[0] for c in present)
                verdict = "pass" if has else ("deny" if kind == 2 else "unverifiable")
            else:
                verdict = "unverifiable"
            results.append(verdict)
        lost = [
            item[0].line_id
            for item, verdict in zip(add_ons, results, strict=True)
            if verdict == "deny" and item[0].line_id in payable
        ]
        if not lost:
            break
        for line_id in lost:
            del payable[line_id]
    notes_text = table.meta["notes"]
    for (line, _, kind, listed, active), verdict in zip(add_ons, results, strict=True):
        if verdict == "pass":
            continue
        primaries = _names(listed)
        contractor = extra.get(line.code) if kind in (2, 3) else None
        provenance = entry.provenance
        if contractor is not None and kind == 2:
            provenance = Provenance(
                table="plugin", setting="all", program=program, source_file=contractor[1]
            )
            primaries = tuple(sorted(contractor[0]))
        lost_ids: tuple[str, ...]
        if verdict == "deny":
            denied.add(line.line_id)
            message = (
                f"add-on code {line.code} (AOC type {kind}) has no payable primary code on "
                f"{dos.isoformat()}"
            )
            severity, carc, lost_ids = "deny", CARC["aoc"], (line.line_id,)
        else:
            why = (
                "its primaries are contractor-defined and no contractor list is registered"
                if kind == 2
                else "no CMS-listed primary is payable on the claim and the list is not exclusive"
            )
            message = f"add-on code {line.code} (AOC type {kind}) cannot be verified: {why}"
            severity, carc, lost_ids = "unverifiable", None, ()
        first = active[0]
        findings.append(
            Finding(
                kind="aoc",
                severity=severity,  # type: ignore[arg-type]
                line_ids=(line.line_id,),
                denied_line_ids=lost_ids,
                codes=(line.code,),
                message=message,
                provenance=provenance,
                carc=carc,
                date_of_service=dos,
                aoc_type=kind,
                primaries=primaries,
                rationale=notes_text[int(table.notes[first[6]])],
                effective=_day(first[2]),
                deletion=_day(min(first[3], first[4])),
            )
        )


# -- public API --------------------------------------------------------------------------


def check_claim(
    claim: Claim | Mapping[str, Any],
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    policy: Policy | None = None,
) -> EditReport:
    """Check one claim against the NCCI PTP, MUE and add-on code tables.

    :param claim: a :class:`Claim` (or the mapping :meth:`Claim.from_dict` reads).
    :param setting: ``practitioner`` (also ASC), ``outpatient_hospital`` or ``dme``; the
        claim's own ``setting`` wins when it has one.
    :param as_of: use the tables in force on this date for every line (default: the tables
        in force on each line's date of service). The rows' own dates always apply to the
        date of service.
    :param policy: options (see :class:`codekit.ncci.Policy`); defaults per NCCI.md.
    :returns: an :class:`EditReport` whose findings are in a stable order. An edit kind
        whose table is not installed for a date of service gives an ``unverifiable`` finding
        (``unchecked=True``) over that date's lines: the report is then not ``verified``.
    """
    if not isinstance(claim, Claim):
        claim = Claim.from_dict(claim)
    chosen = claim.setting or normalize_setting(setting)
    day = None if as_of is None else _date(as_of)
    policy = policy or _policy.DEFAULT_POLICY
    if not isinstance(policy, Policy):
        raise InvalidClaimError(
            f"policy must be a codekit.ncci.Policy, not {type(policy).__name__}", field="policy"
        )
    findings: list[Finding] = []
    if len({line.date_of_service for line in claim.lines}) == 1:
        # the usual claim: one date of service, one set of tables
        dos = claim.lines[0].date_of_service
        tables = tables_for(chosen, claim.program, day or dos)
        findings = check_group(claim.lines, dos, tables, policy, claim.program)
        if policy.validate_codes:
            findings += claim_findings(claim)
        if len(findings) > 1:
            findings.sort(key=Finding.sort_key)
        return EditReport(
            claim_id=claim.claim_id,
            findings=tuple(findings),
            notes=tables.notes,
            tables=tables.provenances,
        )
    groups: dict[dt.date, list[ClaimLine]] = {}
    for line in claim.lines:
        groups.setdefault(line.date_of_service, []).append(line)
    notes: dict[str, None] = {}
    used: dict[Provenance, None] = {}
    for dos in sorted(groups):
        tables = tables_for(chosen, claim.program, day or dos)
        for note in tables.notes:
            notes[note] = None
        for provenance in tables.provenances:
            used[provenance] = None
        findings.extend(check_group(groups[dos], dos, tables, policy, claim.program))
    if policy.validate_codes:
        findings += claim_findings(claim)
    findings.sort(key=Finding.sort_key)
    return EditReport(
        claim_id=claim.claim_id, findings=tuple(findings), notes=tuple(notes), tables=tuple(used)
    )


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
    found = table.by_code().get(encode(canonical))
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
    for kind, primary, eff, dele, add_del, prim_del, row in table.by_add_on().get(
        encode(canonical), ()
    ):
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
