"""Whether a claim's codes, modifiers and diagnoses are valid on its dates of service.

Each value is asked of the lookup layer with an explicit code set, on the line's date of
service: a line's code is a CPT number (``cpt``) when it has a CPT number's shape and a HCPCS
Level II code (``hcpcs``) otherwise; modifiers are ``modifier``; diagnoses ``icd10cm``.
The verdict is ``valid``, ``invalid`` (unknown, deleted, not yet in force, or a header code
that is not billable: a ``deny`` finding) or ``unverifiable`` (no release covers the date:
an ``unchecked`` finding, never silence). The packaged CPT numbers and modifier codes (CMS's
IOCE lists, 2019-07-01 to 2026-06-30) answer every date they cover. The packaged modifiers
include the CPT (Level I) ones; an installed CMS HCPCS file lists Level II modifiers only, so
on a date its release answers, a two-digit modifier it does not list counts as valid when
NCCI names it PTP-associated, and is unverifiable otherwise.

A date after the newest release of a code set (after 2026-06-30 for the packaged CPT, HCPCS
and modifier quarters, unless a newer pack or plugin release covers it) is answered from
that newest release with a :class:`~codekit.exceptions.StaleDataWarning`, as every lookup
is: codes change quarterly at most, so a verdict from the last quarter is far more useful
than none, and the warning (which a pipeline can turn into an error) says it may be out of
date. A date before the first release stays ``unverifiable``.

The per-claim path asks :func:`verdict` once per distinct value and day; the batch path
(:mod:`~codekit._edits.ncci.validity_frame`) asks the store once per value and release
period. Both judge with :func:`judge`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from codekit._edits.memo import Memo

if TYPE_CHECKING:
    from codekit._edits.claim import Claim
    from codekit._edits.finding import Finding

__all__ = ["CARC", "KINDS", "Facts", "code_set_of", "facts_of", "judge", "verdict"]

_CPT = re.compile(r"[0-9]{4}[0-9AFMTU]")
#: What each kind of value is called in a finding.
KINDS = {"code": "procedure code", "modifier": "modifier", "diagnosis": "diagnosis code"}
#: Claim adjustment reason codes: procedure code / modifier / diagnosis invalid on the date.
CARC = {"code": "CO-181", "modifier": "CO-182", "diagnosis": "CO-146"}
_TITLES = {
    "cpt": "CPT",
    "hcpcs": "HCPCS Level II",
    "modifier": "HCPCS modifier",
    "icd10cm": "ICD-10-CM",
}


def code_set_of(kind: str, value: str) -> str:
    """The code set a value of ``kind`` (``code``, ``modifier``, ``diagnosis``) is asked of."""
    if kind == "modifier":
        return "modifier"
    if kind == "diagnosis":
        return "icd10cm"
    return "cpt" if _CPT.fullmatch(value) else "hcpcs"


def verdict(kind: str, value: str, day: dt.date) -> tuple[str, str, str, str]:
    """``(verdict, reason, code set, release)`` of one value on a date of service (cached
    by the registry: a pack or plugin release installed or removed is seen at once)."""
    verdicts = _VERDICTS.get()
    key = (kind, value, day)
    found = verdicts.get(key)
    if found is None:
        found = verdicts[key] = _verdict(kind, value, day)
    return found


#: ``(kind, value, day)`` -> :func:`verdict`; ``(code set, day)`` -> :func:`_release`.
_VERDICTS = Memo(("ncci", "validity verdicts"), bound=1 << 16)
_RELEASES = Memo(("ncci", "validity releases"), bound=1 << 12)


def _release(code_set: str, day: dt.date) -> tuple[str | None, str, str]:
    """The release of a code set in force on a day and its origin, or ``None`` and why
    there is none."""
    releases = _RELEASES.get()
    found: tuple[str | None, str, str] | None = releases.get((code_set, day))
    if found is not None:
        return found
    from codekit import _registry
    from codekit.exceptions import CodekitError

    try:
        info = _registry.current().select(code_set, as_of=day).info
    except CodekitError as exc:
        found = (None, "", str(exc))
    else:
        found = (info.release, info.origin, "")
    releases[(code_set, day)] = found
    return found


#: What the store says of one value in one release period: ``(code set, release, origin,
#: problem, record)``; ``problem`` is why nothing could be asked (``None``: asked), ``record``
#: the code as that release has it (``None``: not a code of it).
Facts = tuple[str, str, str, "str | None", Any]


def facts_of(kind: str, value: str, day: dt.date) -> Facts:
    """What the store says of a value on a day: the same for every day of one release
    period (:func:`~codekit._edits.ncci.validity_frame.periods`), which is what lets the
    batch path ask once per period."""
    from codekit._lookup import get
    from codekit.exceptions import CodekitError, InvalidCodeError

    code_set = code_set_of(kind, value)
    release, origin, problem = _release(code_set, day)
    if release is None:  # no release covers the day: the same answer for every value
        return code_set, "", origin, problem, None
    try:  # whether it exists: no "did you mean" suggestions built for an unknown code
        found = get(value, code_set=code_set, as_of=day)
    except InvalidCodeError:
        found = None
    except CodekitError as exc:
        return code_set, release, origin, str(exc), None
    return code_set, release, origin, None, found


def judge(kind: str, value: str, day: dt.date, facts: Facts) -> tuple[str, str, str, str]:
    """The verdict of a value on a day from its :func:`facts_of` (no lookups): the day
    matters only against the code's own start and end and NCCI's modifier list."""
    from codekit._dates import to_date
    from codekit._edits.ncci.rules import ptp_modifiers_on

    code_set, release, origin, problem, found = facts
    title = _TITLES[code_set]
    if problem is not None:
        return "unverifiable", f"{title} validity was not checked: {problem}", code_set, release
    if found is None:
        if kind == "modifier" and value.isdigit() and origin != "packaged":
            if value in ptp_modifiers_on(day):
                return "valid", "", code_set, release
            return (
                "unverifiable",
                f"{value} may be a CPT (Level I) modifier: their list is AMA-licensed and not "
                "in CMS's HCPCS file, so it was not checked",
                code_set,
                release,
            )
        where = f" (release {release})" if release else ""
        return (
            "invalid",
            f"{value} is not a {title} code on {day.isoformat()}{where}",
            code_set,
            release,
        )
    if not found.billable:
        reason = f"{value} is a {title} header code, not billable: report one of its codes below it"
        return "invalid", reason, code_set, release
    start, end = found.attributes.get("start"), found.attributes.get("end")
    if not (start and day < to_date(start)) and not (end and day > to_date(end)):
        return "valid", "", code_set, release
    if end:
        return "invalid", f"{value} was deleted: valid until {end}", code_set, release
    return "invalid", f"{value} is not in force yet: valid from {start}", code_set, release


def _verdict(kind: str, value: str, day: dt.date) -> tuple[str, str, str, str]:
    return judge(kind, value, day, facts_of(kind, value, day))


def _finding(
    kind: str,
    value: str,
    line_ids: tuple[str, ...],
    day: dt.date,
    fields: dict[tuple[str, str, dt.date], dict[str, Any] | None],
) -> Finding | None:
    """The finding of one value on the lines it concerns (``None`` when it is valid);
    ``fields`` is the registry's dict of :func:`_fields` (read once per claim)."""
    from codekit._edits.finding import made_finding

    key = (kind, value, day)
    known = fields.get(key, _UNSEEN)
    if known is _UNSEEN:
        known = fields[key] = _fields(kind, value, day)
    if known is None:
        return None
    denied = line_ids if known["severity"] == "deny" else ()
    return made_finding({**known, "line_ids": line_ids, "denied_line_ids": denied})


_UNSEEN: Any = object()
#: ``(kind, value, day)`` -> the fields of its finding but its lines (``None``: valid).
_FIELDS = Memo(("ncci", "validity findings"), bound=1 << 16)


def _fields(kind: str, value: str, day: dt.date) -> dict[str, Any] | None:
    """The fields of the finding of one value on a day, but its lines (``None``: valid)."""
    from codekit._edits.finding import Provenance, finding_fields

    answer, reason, code_set, release = verdict(kind, value, day)
    if answer == "valid":
        return None
    what = KINDS[kind]
    provenance = Provenance(table="code_set", setting=code_set, release=release)
    if answer == "invalid":
        return finding_fields(
            kind="validity",
            severity="deny",
            line_ids=(),
            codes=(value,),
            message=f"{what} {value} is not valid on {day.isoformat()}: {reason}",
            provenance=provenance,
            carc=CARC[kind],
            date_of_service=day,
            rationale=reason,
        )
    return finding_fields(
        kind="validity",
        severity="unverifiable",
        line_ids=(),
        codes=(value,),
        message=f"{what} {value} could not be checked on {day.isoformat()}: {reason}",
        provenance=provenance,
        date_of_service=day,
        rationale=reason,
        unchecked=True,
    )


def claim_findings(claim: Claim) -> list[Finding]:
    """The validity findings of a claim: per line its code and modifiers, per diagnosis the
    lines pointing to it (every line when none does), on each line's date of service."""
    found = []
    verdicts = _FIELDS.get()
    for line in claim.lines:
        day = line.date_of_service
        for kind, value in (("code", line.code), *(("modifier", m) for m in line.modifiers)):
            finding = _finding(kind, value, (line.line_id,), day, verdicts)
            if finding is not None:
                found.append(finding)
    pointed = {p for line in claim.lines for p in line.diagnosis_pointers}
    for position, diagnosis in enumerate(claim.diagnoses, 1):
        lines = [
            line
            for line in claim.lines
            if position in line.diagnosis_pointers or position not in pointed
        ]
        by_day: dict[dt.date, list[str]] = {}
        for line in lines:
            by_day.setdefault(line.date_of_service, []).append(line.line_id)
        for day, ids in by_day.items():
            finding = _finding("diagnosis", diagnosis, tuple(sorted(ids)), day, verdicts)
            if finding is not None:
                found.append(finding)
    return found
