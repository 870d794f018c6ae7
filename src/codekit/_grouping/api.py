"""``codekit.group``: one institutional claim to an MS-DRG."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._edits.institutional import InstitutionalClaim
from codekit._grouping.model import Grouping
from codekit._grouping.select import choose_release
from codekit._plugin.loading import contained
from codekit.exceptions import CodekitError, GroupingError, InvalidClaimError, PluginError

if TYPE_CHECKING:
    from codekit._tables.release import Release

__all__ = ["as_claim", "group"]


def as_claim(claim: object) -> InstitutionalClaim:
    """``claim`` as an :class:`InstitutionalClaim` (from a mapping or JSON text)."""
    if isinstance(claim, InstitutionalClaim):
        return claim
    if isinstance(claim, Mapping):
        return InstitutionalClaim.from_dict(claim)
    if isinstance(claim, str | bytes):
        return InstitutionalClaim.from_json(claim)
    raise InvalidClaimError(
        f"group takes an InstitutionalClaim, a mapping or JSON text, not {type(claim).__name__}"
    )


def group(claim: InstitutionalClaim | Mapping[str, Any] | str, *, version: Any = None) -> Grouping:
    """Group an inpatient claim to an MS-DRG.

    The grouper version is the one in force on the claim's discharge date (v40 to v44,
    FY2023 to FY2027, each fiscal year's April update included), unless ``version`` names
    one (``"43.1"``, ``431``), which then groups the claim whatever its date. The grouping
    gives the final MS-DRG and MDC, the secondary diagnoses with their CC/MCC level and
    which drove the MS-DRG or were excluded by the principal diagnosis, the HAC effect, and
    the version's release with its effective period.

    :param claim: an :class:`~codekit.InstitutionalClaim`, or the mapping or JSON text
        :meth:`~codekit.InstitutionalClaim.from_dict` reads.
    :param version: an MS-DRG version to group under instead of the discharge date's.
    :raises InvalidClaimError: the claim is malformed (the message names the field).
    :raises UnknownReleaseError: no version groups the discharge date, or ``version`` is
        not one.
    :raises IntegrationError: the msdrg engine is not installed (``pip install
        'codekit[drg]'``).

    >>> import codekit
    >>> grouping = codekit.group({
    ...     "principal": "I50.21", "secondary": ["N17.9"], "age": 72, "sex": "F",
    ...     "discharge_status": 1, "discharge_date": "2026-05-04",
    ... })
    >>> grouping.drg, grouping.drg_title, grouping.version
    (292, 'Heart Failure and Shock with CC', '43.1')
    """
    claim = as_claim(claim)
    registry = _registry.current()
    chosen, grouper = choose_release(registry, claim.discharge_date, version)
    if chosen.plugin.startswith("codekit."):
        result = grouper.group(claim, chosen.info)
    else:
        result = _plugin_group(chosen, grouper, claim)
    if not isinstance(result, Grouping):
        raise GroupingError(
            f"the grouper of MS-DRG v{chosen.info.release} ({chosen.plugin}) returned "
            f"{type(result).__name__}, not a codekit Grouping; fix or disable that plugin"
        )
    return result


def _plugin_group(chosen: Release, grouper: Any, claim: InstitutionalClaim) -> Any:
    """A third-party grouper's answer; its failure is a PluginError naming it."""
    try:
        with contained():
            return grouper.group(claim, chosen.info)
    except CodekitError:
        raise
    except Exception as exc:
        raise PluginError(
            chosen.plugin, f"its MS-DRG grouper v{chosen.info.release} failed: {exc!r}"
        ) from exc
