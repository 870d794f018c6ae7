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

Both the per-claim and the batch path ask :func:`verdict`, once per distinct value and day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from codekit._edits.memo import Memo

if TYPE_CHECKING:
    from codekit._edits.claim import Claim
    from codekit._edits.finding import Finding

__all__ = ["CARC", "KINDS", "code_set_of", "verdict"]

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


def _verdict(kind: str, value: str, day: dt.date) -> tuple[str, str, str, str]:
    from codekit._edits.ncci.rules import ptp_modifiers_on
    from codekit._lookup import get, is_valid
    from codekit.exceptions import CodekitError

    code_set = code_set_of(kind, value)
    title = _TITLES[code_set]
    release, origin, problem = _release(code_set, day)
    if release is None:  # no release covers the day: the same answer for every value
        return "unverifiable", f"{title} validity was not checked: {problem}", code_set, ""
    try:
        valid = is_valid(value, code_set=code_set, as_of=day)
    except CodekitError as exc:
        return "unverifiable", f"{title} validity was not checked: {exc}", code_set, release
    if valid:
        return "valid", "", code_set, release
    try:
        found = get(value, code_set=code_set, as_of=day)
    except CodekitError:
        found = None
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
    if end:
        return "invalid", f"{value} was deleted: valid until {end}", code_set, release
    return "invalid", f"{value} is not in force yet: valid from {start}", code_set, release


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


class _Entry:
    """The provenance a batch row of a validity finding names (the code set asked)."""

    def __init__(self, code_set: str, release: str) -> None:
        from codekit._edits.finding import Provenance

        self.provenance = Provenance(table="code_set", setting=code_set, release=release)
        self.setting = code_set
        self.program = "medicare"
        self.release = release
        self.source_files = ()


def frame_validity(ctx: Any, frame: Any, mod_index: Any, modifier_lists: list[list[str]]) -> None:
    """The validity rows of the batch path, as :func:`claim_findings` finds them."""
    import numpy as np
    import pandas as pd

    from codekit._edits.fields import _diagnoses, _pointers

    items: list[tuple[Any, str, Any, Any]] = []  # (rows, kind, value per row, day per row)
    # codes: once per distinct (code, day)
    rows = np.arange(len(ctx.code))
    items.append((rows, "code", ctx.canonical[ctx.code_index], ctx.day))
    # modifiers: every (row, modifier)
    counts = np.array([len(m) for m in modifier_lists], dtype=np.int64)[mod_index]
    if counts.any():
        owner = np.repeat(rows, counts)
        values = np.array([m for i in mod_index.tolist() for m in modifier_lists[i]], dtype=object)
        items.append((owner, "modifier", values, ctx.day[owner]))
    # diagnoses: per claim, each one on the lines pointing to it (all lines when none does)
    if "diagnoses" in frame.columns:
        claim_index, _ = pd.factorize(pd.Series(ctx.claim_ids, dtype=object), use_na_sentinel=False)
        pointers = (
            frame["diagnosis_pointers"].tolist()
            if "diagnosis_pointers" in frame.columns
            else [None] * len(rows)
        )
        raw = frame["diagnoses"].tolist()
        owners: list[int] = []
        codes: list[str] = []
        by_claim: dict[int, list[int]] = {}
        for row, claim in enumerate(claim_index.tolist()):
            by_claim.setdefault(claim, []).append(row)
        for members in by_claim.values():
            first = next((raw[r] for r in members if _diagnoses(raw[r])), ())
            diagnoses = _diagnoses(first)
            if not diagnoses:
                continue
            points = {r: _pointers(pointers[r], str(ctx.line_ids[r])) for r in members}
            pointed = {p for found in points.values() for p in found}
            for position, diagnosis in enumerate(diagnoses, 1):
                for r in members:
                    if position in points[r] or position not in pointed:
                        owners.append(r)
                        codes.append(diagnosis)
        if owners:
            owner = np.array(owners, dtype=np.int64)
            items.append((owner, "diagnosis", np.array(codes, dtype=object), ctx.day[owner]))
    for owner, kind, values, days in items:
        # one verdict per distinct (value, day): values as integers, then one key
        value_index, distinct = pd.factorize(pd.Series(values, dtype=object))
        key, uniques = pd.factorize(value_index.astype(np.int64) * (1 << 32) + days)
        answers = [
            verdict(kind, distinct[int(k) >> 32], dt.date.fromordinal(int(k) & 0xFFFFFFFF))
            for k in uniques.tolist()
        ]
        # one block per (verdict, code set, release): a handful, whatever the values
        groups: dict[tuple[str, str, str], list[int]] = {}
        for position, (answer, _, code_set, release) in enumerate(answers):
            if answer != "valid":
                groups.setdefault((answer, code_set, release), []).append(position)
        if not groups:
            continue
        reasons = np.array([a[1] for a in answers], dtype=object)
        for (answer, code_set, release), positions in groups.items():
            pick = np.flatnonzero(np.isin(key, positions))
            chosen = owner[pick]
            denied = answer == "invalid"
            if denied:
                ctx.denied[chosen] = True
            ctx.block(
                chosen,
                entry=_Entry(code_set, release),
                kind="validity",
                severity="deny" if denied else "unverifiable",
                code=values[pick],
                carc=CARC[kind] if denied else None,
                rationale=reasons[key[pick]],
                unchecked=np.full(len(chosen), not denied, dtype=bool),
            )
