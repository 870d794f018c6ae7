"""The msdrg engine (``pip install 'codekit[drg]'``) as a codekit grouper.

msdrg 1.2.0 (MIT) ports CMS's MS-DRG grouper, v40 to v44, to native code. One engine
context serves every version; it is opened on the first grouping (not at import, not at
registration, so codekit works without msdrg until a claim is grouped) and closed when the
process exits. Calls into it are serialised: msdrg does not say that one context may be
used by several threads at once.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import threading
from typing import TYPE_CHECKING, Any

from codekit._grouping.model import Grouping, HacEffect, ProcedureResult, SecondaryResult
from codekit._grouping.versions import VERSIONS
from codekit.exceptions import GroupingError, IntegrationError

if TYPE_CHECKING:
    from codekit._edits.institutional import ClaimDiagnosis, InstitutionalClaim
    from codekit.models import DataRelease

__all__ = ["INSTALL_HINT", "MsdrgGrouper", "engine_version", "grouping", "open_engine", "payload"]

INSTALL_HINT = "pip install 'codekit[drg]'"

_SEX = {"M": 0, "F": 1, "U": 2}
_LEVELS: dict[str, Any] = {"CC": "CC", "MCC": "MCC"}
_DRIVES: dict[str, Any] = {"BOTH": "both", "INITIAL": "initial", "FINAL": "final"}

_NUMBERS = {v.version: v.number for v in VERSIONS}

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


def _met(hacs: list[dict[str, Any]] | None) -> tuple[str, ...]:
    if not hacs:
        return ()
    return tuple(h["hac_list"] for h in hacs if h.get("hac_status") == "HAC_CRITERIA_MET")


def _compact(diagnoses: tuple[ClaimDiagnosis, ...]) -> list[str]:
    return [d.code.replace(".", "") for d in diagnoses]


def _secondary(
    claim: InstitutionalClaim, codes: list[str], outputs: list[dict[str, Any]]
) -> tuple[SecondaryResult, ...]:
    if [o["code"] for o in outputs] != codes:
        # msdrg answers the secondary diagnoses sorted by severity: put them back in the
        # claim's order, matching repeated codes in turn
        by_code: dict[str, list[dict[str, Any]]] = {}
        for output in outputs:
            by_code.setdefault(output["code"], []).append(output)
        outputs = [(by_code.get(code) or [{}]).pop(0) for code in codes]
    results = []
    for diagnosis, output in zip(claim.secondary, outputs, strict=True):
        flags = output.get("flags") or ()
        excluded: Any = None
        if "EXCLUDED" in flags:
            excluded = "principal"
        elif "DEATH_EXCLUSION" in flags:
            excluded = "died"
        elif "CC_EXCLUDED_BY_DRG_LOGIC" in flags or "MCC_EXCLUDED_BY_DRG_LOGIC" in flags:
            excluded = "drg_logic"
        hacs = output.get("hacs")
        results.append(
            SecondaryResult(
                code=diagnosis.code,
                poa=diagnosis.poa,
                level=_LEVELS.get(output.get("severity", "")),
                excluded=excluded,
                drives=_DRIVES.get(output.get("drg_impact", "")),
                hacs=_met(hacs) if hacs else (),
                valid="VALID" in flags,
            )
        )
    return tuple(results)


def _procedures(
    claim: InstitutionalClaim, outputs: list[dict[str, Any]]
) -> tuple[ProcedureResult, ...]:
    by_code = {p["code"]: p for p in outputs}
    results = []
    for procedure in claim.procedures:
        output = by_code.get(procedure.code, {})
        results.append(
            ProcedureResult(
                code=procedure.code,
                drives=_DRIVES.get(output.get("drg_impact", "")),
                hacs=tuple(output.get("hac_usage") or ()),
            )
        )
    return tuple(results)


def _hac_categories(outputs: list[dict[str, Any]]) -> tuple[str, ...]:
    found = {name for output in outputs if output.get("hacs") for name in _met(output["hacs"])}
    return tuple(sorted(found)) if found else ()


_NO_HAC = HacEffect()


def _hac(flags: dict[str, Any], outputs: list[dict[str, Any]]) -> HacEffect:
    status = flags.get("hac_status_value") or "NOT_APPLICABLE"
    count = int(flags.get("num_hac_categories_satisfied") or 0)
    if status == "NOT_APPLICABLE" and not count:
        return _NO_HAC  # no HAC criteria met: nothing to look for in the diagnoses
    return HacEffect(status=status, categories=_hac_categories(outputs), count=count)


def grouping(
    claim: InstitutionalClaim,
    release: DataRelease,
    result: dict[str, Any],
    codes: list[str] | None = None,
) -> Grouping:
    """The :class:`Grouping` of msdrg's answer ``result`` for ``claim`` (``codes``: the
    claim's secondary codes as msdrg spells them, without the dot). Its secondary and
    procedure results are built on first use."""
    flags = result.get("grouper_flags") or {}
    outputs = result.get("sdx_output") or []
    compact = _compact(claim.secondary) if codes is None else codes
    procedures = result.get("proc_output") or []
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
        hac=_hac(flags, outputs),
        release=release,
        details=lambda: (
            _secondary(claim, compact, outputs) if claim.secondary else (),
            _procedures(claim, procedures) if claim.procedures else (),
        ),
    )


def _text(code: str, poa: str | None) -> str:
    # codes are canonical ICD-10 codes (letters and digits once the dot is gone), so they
    # need no JSON escaping; msdrg reads Y, N, U, W, and exempt (1) is blank to it
    if poa is None or poa == "1":
        return f'{{"code":"{code}"}}'
    return f'{{"code":"{code}","poa":"{poa}"}}'


def payload(claim: InstitutionalClaim, number: int, codes: list[str]) -> bytes:
    """The JSON text of msdrg's claim for ``claim`` under version ``number`` (``431``)."""
    principal = claim.principal
    parts = [
        f'{{"version":{number},"age":{claim.age},"sex":{_SEX[claim.sex]},'
        f'"discharge_status":{claim.discharge_status},'
        f'"pdx":{_text(principal.code.replace(".", ""), principal.poa)},"sdx":['
    ]
    parts.append(",".join(_text(c, d.poa) for c, d in zip(codes, claim.secondary, strict=True)))
    parts.append('],"procedures":[')
    parts.append(",".join(f'{{"code":"{p.code}"}}' for p in claim.procedures))
    parts.append("]")
    if claim.admitting is not None:
        admitting = claim.admitting
        parts.append(f',"admit_dx":{_text(admitting.code.replace(".", ""), admitting.poa)}')
    parts.append("}")
    text = "".join(parts)
    if not text.isascii():  # pragma: no cover - canonical codes are ASCII
        raise GroupingError(f"claim {claim.claim_id!r} holds a code msdrg cannot read")
    return text.encode()


def _native(engine: Any, data: bytes) -> dict[str, Any] | None:
    """msdrg's JSON call, made directly (``None``: the engine answered nothing).

    ``MsdrgGrouper.group`` checks a mapping field by field, serialises it and makes this
    call; an ``InstitutionalClaim`` is checked already, so codekit makes the call itself.
    """
    pointer = engine.lib.msdrg_group_json(engine.ctx, data)
    if not pointer:
        return None
    try:
        text = ctypes.cast(pointer, ctypes.c_char_p).value
    finally:
        engine.lib.msdrg_string_free(pointer)
    return json.loads(text) if text else None


class MsdrgGrouper:
    """Groups claims with the msdrg engine under the version of the release it is given."""

    def group(self, claim: InstitutionalClaim, release: DataRelease) -> Grouping:
        """The grouping of ``claim`` under ``release``'s version."""
        number = _number(release.release)
        engine = open_engine()
        codes = _compact(claim.secondary)
        data = payload(claim, number, codes)
        with _lock:
            result = _native(engine, data)
        if result is None:
            raise GroupingError(
                f"the msdrg engine could not group claim {claim.claim_id!r} under MS-DRG "
                f"v{release.release} (it answered nothing); check that msdrg "
                f"{engine_version()} supports that version"
            )
        return grouping(claim, release, result, codes)


def _number(version: str) -> int:
    known = _NUMBERS.get(version)
    if known is not None:
        return known
    major, _, minor = version.partition(".")
    try:
        return int(major) * 10 + int(minor or 0)
    except ValueError:
        raise GroupingError(
            f"{version!r} is not an MS-DRG version the msdrg engine can group with"
        ) from None
