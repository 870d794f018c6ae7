"""Checking one claim.

Order (NCCI.md): PTP and MUE are applied to the lines as submitted; then AOC, where only
lines still payable (not denied by PTP, MUE or another AOC edit) count as primaries. MUE
counts every line's units, add-on lines included. Lines are compared per date of service
(one claim has one beneficiary and one rendering provider; :func:`check_claims` compares lines
across claims). Each edit is one module holding both paths (:mod:`~codekit._edits.ncci.ptp`,
:mod:`~codekit._edits.ncci.mue`, :mod:`~codekit._edits.ncci.aoc`,
:mod:`~codekit._edits.ncci.validity`); the per-code questions are in
:mod:`~codekit._edits.ncci.questions`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._edits.claim import Claim, ClaimLine
from codekit._edits.codes import encode
from codekit._edits.fields import SETTINGS, Setting, _date, normalize_setting
from codekit._edits.finding import EditReport, Finding, Provenance
from codekit._edits.ncci import aoc as _aoc
from codekit._edits.ncci import mue as _mue
from codekit._edits.ncci import policy as _policy
from codekit._edits.ncci import ptp as _ptp
from codekit._edits.ncci.policy import Policy
from codekit._edits.ncci.questions import addon_primaries, addons_of, aoc_edits, mue, ptp_edits
from codekit._edits.ncci.selection import Tables, tables_for
from codekit._edits.ncci.validity import claim_findings
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: Settings spelled canonically (the usual argument): no need to read them.
_SETTINGS: dict[str, Setting] = {s: s for s in SETTINGS}

__all__ = ["addon_primaries", "addons_of", "aoc_edits", "check_claim", "mue", "ptp_edits"]


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
        _ptp.on_claim(by_code, dos, day, tables.ptp, policy, findings, denied)
    if tables.mue is not None:
        _mue.on_claim(by_code, dos, tables.mue, findings, denied)
    if tables.aoc is not None:
        _aoc.on_claim(by_code, dos, day, tables.aoc, policy, program, findings, denied)
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
    known = _SETTINGS.get(setting) if isinstance(setting, str) else None
    chosen = claim.setting or known or normalize_setting(setting)
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
