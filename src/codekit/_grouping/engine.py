"""The msdrg engine (``pip install 'codekit[drg]'``) as a codekit grouper.

msdrg 1.2.0 (MIT) ports CMS's MS-DRG grouper, v40 to v44, to native code. One engine
context serves every version; it is opened on the first grouping (not at import, not at
registration, so codekit works without msdrg until a claim is grouped) and closed when the
process exits. Calls into it are serialised: msdrg does not say that one context may be
used by several threads at once.
"""

from __future__ import annotations

import atexit
import threading
from typing import TYPE_CHECKING, Any

from codekit._grouping.model import Grouping, HacEffect, ProcedureResult, SecondaryResult
from codekit.exceptions import GroupingError, IntegrationError

if TYPE_CHECKING:
    from codekit._edits.institutional import ClaimDiagnosis, InstitutionalClaim
    from codekit.models import DataRelease

__all__ = ["INSTALL_HINT", "MsdrgGrouper", "engine_version", "open_engine"]

INSTALL_HINT = "pip install 'codekit[drg]'"

_SEX = {"M": 0, "F": 1, "U": 2}
_LEVELS: dict[str, Any] = {"CC": "CC", "MCC": "MCC"}
_DRIVES: dict[str, Any] = {"BOTH": "both", "INITIAL": "initial", "FINAL": "final"}
_LOGIC_EXCLUSIONS = frozenset({"CC_EXCLUDED_BY_DRG_LOGIC", "MCC_EXCLUDED_BY_DRG_LOGIC"})

_lock = threading.Lock()
_engine: Any = None


def engine_version() -> str:
    """The installed msdrg's version (``""`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("msdrg")
    except PackageNotFoundError:
        return ""


def open_engine() -> Any:
    """The process's msdrg grouper context, opened once."""
    global _engine
    if _engine is not None:
        return _engine
    with _lock:
        if _engine is None:
            try:
                import msdrg
            except ImportError:
                raise IntegrationError(
                    f"MS-DRG grouping needs the msdrg engine: {INSTALL_HINT} (or install a "
                    "plugin that registers its own drg_grouper releases)"
                ) from None
            try:
                _engine = msdrg.MsdrgGrouper()
            except (OSError, RuntimeError) as exc:
                raise IntegrationError(
                    f"the msdrg engine could not open its data ({exc}); reinstall it: "
                    f"pip install --force-reinstall 'msdrg=={engine_version() or '1.2.0'}'"
                ) from None
            atexit.register(_close)
        return _engine


def _close() -> None:
    global _engine
    with _lock:
        if _engine is not None:
            _engine.close()
            _engine = None


def _diagnosis(diagnosis: ClaimDiagnosis) -> dict[str, str]:
    code = diagnosis.code.replace(".", "")
    # msdrg reads Y, N, U, W; exempt (1) and unreported are both blank to the grouper
    poa = diagnosis.poa
    return {"code": code} if poa is None or poa == "1" else {"code": code, "poa": poa}


def request(claim: InstitutionalClaim, number: int) -> dict[str, Any]:
    """The msdrg claim mapping for ``claim`` under version ``number`` (``431``)."""
    data: dict[str, Any] = {
        "version": number,
        "age": claim.age,
        "sex": _SEX[claim.sex],
        "discharge_status": claim.discharge_status,
        "pdx": _diagnosis(claim.principal),
        "sdx": [_diagnosis(d) for d in claim.secondary],
        "procedures": [{"code": p.code} for p in claim.procedures],
    }
    if claim.admitting is not None:
        data["admit_dx"] = _diagnosis(claim.admitting)
    return data


def _met(hacs: list[dict[str, Any]] | None) -> tuple[str, ...]:
    if not hacs:
        return ()
    return tuple(h["hac_list"] for h in hacs if h.get("hac_status") == "HAC_CRITERIA_MET")


def _secondary(
    claim: InstitutionalClaim, outputs: list[dict[str, Any]]
) -> tuple[SecondaryResult, ...]:
    # msdrg returns the secondary diagnoses reordered (by severity); put them back in the
    # claim's order, matching repeated codes in turn
    by_code: dict[str, list[dict[str, Any]]] = {}
    for output in outputs:
        by_code.setdefault(output["code"], []).append(output)
    results = []
    for diagnosis in claim.secondary:
        found = by_code.get(diagnosis.code.replace(".", ""))
        output = found.pop(0) if found else {}
        flags = output.get("flags") or ()
        if "EXCLUDED" in flags:
            excluded: Any = "principal"
        elif "DEATH_EXCLUSION" in flags:
            excluded = "died"
        elif _LOGIC_EXCLUSIONS.intersection(flags):
            excluded = "drg_logic"
        else:
            excluded = None
        results.append(
            SecondaryResult(
                code=diagnosis.code,
                poa=diagnosis.poa,
                level=_LEVELS.get(output.get("severity", "")),
                excluded=excluded,
                drives=_DRIVES.get(output.get("drg_impact", "")),
                hacs=_met(output.get("hacs")),
                valid="VALID" in flags,
            )
        )
    return tuple(results)


def _procedures(outputs: list[dict[str, Any]]) -> tuple[ProcedureResult, ...]:
    return tuple(
        ProcedureResult(
            code=output["code"],
            drives=_DRIVES.get(output.get("drg_impact", "")),
            hacs=tuple(output.get("hac_usage") or ()),
        )
        for output in outputs
    )


def grouping(claim: InstitutionalClaim, release: DataRelease, result: dict[str, Any]) -> Grouping:
    """The :class:`Grouping` of msdrg's answer ``result`` for ``claim``."""
    flags = result.get("grouper_flags") or {}
    categories = tuple(
        sorted({name for s in result.get("sdx_output") or () for name in _met(s.get("hacs"))})
    )
    procedures = result.get("proc_output") or ()
    by_code = {p["code"]: p for p in procedures}
    ordered = [by_code.get(p.code, {"code": p.code}) for p in claim.procedures]
    return Grouping(
        claim_id=claim.claim_id,
        drg=result.get("final_drg"),
        drg_title=result.get("final_drg_description"),
        mdc=result.get("final_mdc"),
        mdc_title=result.get("final_mdc_description"),
        severity=_LEVELS.get(flags.get("final_drg_secondary_dx_cc_mcc", "")),
        initial_drg=result.get("initial_drg"),
        initial_mdc=result.get("initial_mdc"),
        initial_severity=_LEVELS.get(flags.get("initial_drg_secondary_dx_cc_mcc", "")),
        return_code=result.get("return_code") or "OK",
        principal=claim.principal.code,
        secondary=_secondary(claim, list(result.get("sdx_output") or ())),
        procedures=_procedures(ordered) if ordered else (),
        hac=HacEffect(
            status=flags.get("hac_status_value") or "NOT_APPLICABLE",
            categories=categories,
            count=int(flags.get("num_hac_categories_satisfied") or 0),
        ),
        release=release,
    )


class MsdrgGrouper:
    """Groups claims with the msdrg engine under the version of the release it is given."""

    def group(self, claim: InstitutionalClaim, release: DataRelease) -> Grouping:
        """The grouping of ``claim`` under ``release``'s version."""
        number = _number(release.release)
        engine = open_engine()
        data = request(claim, number)
        try:
            with _lock:
                result = engine.group(data)
        except (ValueError, RuntimeError) as exc:
            raise GroupingError(
                f"the msdrg engine could not group claim {claim.claim_id!r} under MS-DRG "
                f"v{release.release}: {exc}"
            ) from None
        return grouping(claim, release, result)


def _number(version: str) -> int:
    major, _, minor = version.partition(".")
    try:
        return int(major) * 10 + int(minor or 0)
    except ValueError:
        raise GroupingError(
            f"{version!r} is not an MS-DRG version the msdrg engine can group with"
        ) from None
