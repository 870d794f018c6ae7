"""Running the Medicare Code Editor over institutional claims.

:func:`check_institutional` picks the MCE version in force on the claim's discharge date
(the registry's one rule over the releases of the table kind ``mce``), reads every code's
MCE attributes on that date and runs the edit families (:mod:`~codekit._edits.mce.codes`,
:mod:`~codekit._edits.mce.patient`, :mod:`~codekit._edits.mce.coverage`). Each edit that
fires is one :class:`~codekit.Finding` of kind ``mce`` naming its ``rule``, the codes and
their places on the claim (``line_ids`` such as ``principal``, ``secondary[0]``,
``procedures[1]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._edits.finding import EditReport, Finding, Provenance
from codekit._edits.institutional import InstitutionalClaim
from codekit._edits.mce.codes import code_edits
from codekit._edits.mce.context import Context
from codekit._edits.mce.coverage import coverage_edits
from codekit._edits.mce.patient import patient_edits
from codekit._edits.mce.plugin import KIND, NAME
from codekit._edits.mce.table import MceVersion
from codekit._tables import rule
from codekit.exceptions import InvalidClaimError, InvalidValueError, UnknownReleaseError

if TYPE_CHECKING:
    import pandas as pd

    from codekit._tables.release import Release

__all__ = ["RULES", "check_institutional", "check_institutional_claims", "mce_versions"]

#: Every MCE edit codekit runs, in the order findings are listed.
RULES = (
    "invalid_code",
    "invalid_admit_dx",
    "e_code_as_pdx",
    "duplicate_of_pdx",
    "manifestation_as_pdx",
    "questionable_admission",
    "unacceptable_pdx",
    "unspecified",
    "wrong_procedure_performed",
    "requires_sdx",
    "age_conflict",
    "sex_conflict",
    "invalid_sex",
    "invalid_discharge_status",
    "non_covered",
    "limited_coverage",
    "questionable_obstetric_admission",
    "inconsistent_with_length_of_stay",
)


def _claim(value: object) -> InstitutionalClaim:
    if isinstance(value, InstitutionalClaim):
        return value
    if isinstance(value, Mapping):
        return InstitutionalClaim.from_dict(value)
    raise InvalidClaimError(
        f"the MCE checks an InstitutionalClaim (or its mapping), not {type(value).__name__}; "
        "build one with codekit.InstitutionalClaim.from_dict"
    )


def _release(claim: InstitutionalClaim, version: str | None) -> tuple[Release | None, str]:
    """The MCE release to run, or ``None`` and why none can run."""
    registry = _registry.current()
    releases = registry.tables(KIND, NAME)
    if version is not None:
        if not isinstance(version, str):
            raise InvalidValueError(
                "version", version, f"version= names an MCE version such as 'v42', not {version!r}"
            )
        chosen = rule.by_id(releases, version.strip())
        if chosen is None:
            ids = [r.info.release for r in releases]
            raise UnknownReleaseError(
                NAME,
                f"no MCE version {version!r}; the versions are {', '.join(ids) or 'none'} "
                "(leave out version= to use the one in force on the discharge date)",
                ids,
            )
        return chosen, ""
    choice = registry.choose(KIND, NAME, claim.discharge_date)
    span = rule.coverage(releases, rule.ends(releases)) if releases else "nothing"
    if choice is None or choice.stale:
        return None, (
            f"no MCE version is in force on the discharge date "
            f"{claim.discharge_date.isoformat()} (the installed versions cover {span}); "
            "upgrade codekit for a newer MCE, or pass version= to run one anyway"
        )
    return choice.release, ""


def _day(version: MceVersion, discharge: dt.date) -> dt.date:
    """The day the lists are read on: the discharge date, within the version's period."""
    return min(max(discharge, version.effective), version.until)


def check_institutional(
    claim: InstitutionalClaim | Mapping[str, Any], *, version: str | None = None
) -> EditReport:
    """Run the Medicare Code Editor over one inpatient claim.

    ``claim`` is an :class:`~codekit.InstitutionalClaim` (or the mapping
    :meth:`~codekit.InstitutionalClaim.from_dict` reads). The MCE version in force on the
    discharge date runs (v40 from 2022-10-01 to v44, through 2027-03-31); ``version=``
    (``"v42"``, ``"v42.1"``) runs that version instead, reading its lists on the discharge
    date or, outside its period, the nearest day in it. A discharge date no version covers
    gives a report with one ``unverifiable`` finding (``unchecked=True``) saying so.

    >>> import codekit
    >>> claim = codekit.InstitutionalClaim(
    ...     principal="Z51.89", age=70, sex="F", discharge_status=1,
    ...     discharge_date="2025-01-04",
    ... )
    >>> [(f.rule, f.codes) for f in codekit.check_institutional(claim).findings]
    [('requires_sdx', ('Z51.89',))]
    """
    claim = _claim(claim)
    release, why = _release(claim, version)
    if release is None:
        provenance = Provenance(table="MCE", setting="inpatient")
        finding = Finding(
            kind="mce",
            severity="unverifiable",
            line_ids=(),
            codes=(),
            message=why,
            provenance=provenance,
            date_of_service=claim.discharge_date,
            unchecked=True,
            rule="mce_version",
        )
        return EditReport(claim_id=claim.claim_id, findings=(finding,))
    mce = release.source()
    if not isinstance(mce, MceVersion):
        raise InvalidValueError(
            "mce",
            mce,
            f"the MCE release {release.info.release} of {release.plugin} does not hand over "
            "an MceVersion; fix or disable that plugin",
        )
    provenance = Provenance(
        table="MCE",
        setting="inpatient",
        release=mce.version,
        source_file=release.info.source_file,
    )
    context = Context(claim, mce.table, _day(mce, claim.discharge_date))
    hits = [*code_edits(context), *patient_edits(context), *coverage_edits(context)]
    hits.sort(key=lambda hit: RULES.index(hit.rule))
    findings = tuple(
        Finding(
            kind="mce",
            severity=hit.severity,
            line_ids=tuple(item.field for item in hit.items),
            codes=tuple(item.code for item in hit.items),
            message=hit.message,
            provenance=provenance,
            date_of_service=claim.discharge_date,
            rule=hit.rule,
        )
        for hit in hits
    )
    notes: tuple[str, ...] = ()
    if version is not None and not mce.covers(claim.discharge_date):
        notes = (
            f"MCE {mce.version} ({mce.effective} to {mce.until}) was asked for; the "
            f"discharge date {claim.discharge_date} is outside it, so its lists were read on "
            f"{context.day}",
        )
    return EditReport(claim_id=claim.claim_id, findings=findings, notes=notes, tables=(provenance,))


def check_institutional_claims(
    claims: Iterable[InstitutionalClaim | Mapping[str, Any]] | pd.DataFrame,
    *,
    version: str | None = None,
) -> tuple[EditReport, ...]:
    """Run the MCE over many claims: values, mappings, or a DataFrame of one row per claim
    (the columns :meth:`~codekit.InstitutionalClaim.from_frame` reads)."""
    if hasattr(claims, "columns") and hasattr(claims, "to_dict"):
        values: Iterable[Any] = InstitutionalClaim.from_frame(claims)  # type: ignore[arg-type]
    elif isinstance(claims, Iterable) and not isinstance(claims, str | bytes | Mapping):
        values = claims
    else:
        raise InvalidClaimError(
            f"check_institutional_claims takes a list of claims or a DataFrame, not "
            f"{type(claims).__name__}; check one claim with codekit.check_institutional"
        )
    return tuple(check_institutional(claim, version=version) for claim in values)


def mce_versions() -> tuple[MceVersion, ...]:
    """The MCE versions registered, oldest first (each with its period of discharge dates)."""
    found = []
    for release in _registry.current().tables(KIND, NAME):
        value = release.source()
        if isinstance(value, MceVersion):
            found.append(value)
    return tuple(found)
