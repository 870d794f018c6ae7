"""The claims a caller builds: :class:`Claim` and its :class:`ClaimLine` values.

``Claim.from_dict`` reads exactly the documented keys and names the line and field of anything
wrong (the field readers are :mod:`codekit._edits.fields`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from codekit._edits.codes import CODE
from codekit._edits.fields import (
    Program,
    Setting,
    _code,
    _date,
    _diagnoses,
    _missing,
    _modifiers,
    _pointers,
    _program,
    _units,
    normalize_setting,
)
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Claim", "ClaimLine"]


def _line_tuple(value: Iterable[ClaimLine]) -> tuple[ClaimLine, ...]:
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        raise InvalidClaimError(
            f"lines must be a list of ClaimLine values, not {type(value).__name__}; "
            "use Claim.from_dict to read lines from mappings",
            field="lines",
            value=value,
        )
    return tuple(value)


def _optional_setting(value: object) -> Setting | None:
    return None if value is None else normalize_setting(value)


def _line_code(line: ClaimLine, _: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise InvalidClaimError(
            f"code {value!r} is not a 5-character HCPCS/CPT code (upper case)",
            line=line.line_id,
            field="code",
            value=value,
        )


def _line_units(line: ClaimLine, _: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidClaimError(
            f"units must be a whole number >= 0, not {value!r}",
            line=line.line_id,
            field="units",
            value=value,
        )


@attrs.frozen(kw_only=True)
class ClaimLine:
    """One service line: a HCPCS/CPT code with its modifiers and units on a date of service."""

    line_id: str
    code: str = attrs.field(validator=_line_code)
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=_modifiers)
    units: int = attrs.field(default=1, validator=_line_units)
    date_of_service: dt.date
    place_of_service: str | None = None
    #: 1-based positions in the claim's ``diagnoses`` of the diagnoses this line treats.
    diagnosis_pointers: tuple[int, ...] = attrs.field(default=(), converter=_pointers)

    KEYS = frozenset(
        [
            "line_id",
            "code",
            "modifiers",
            "units",
            "date_of_service",
            "place_of_service",
            "diagnosis_pointers",
        ]
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, position: int = 1) -> ClaimLine:
        """A line from a mapping with exactly the keys of :attr:`KEYS`.

        ``code`` and ``date_of_service`` are required; ``line_id`` defaults to the
        1-based position, ``units`` to 1.
        """
        if not isinstance(data, Mapping):
            raise InvalidClaimError(
                f"line {position} must be a mapping, not {type(data).__name__}", line=str(position)
            )
        line_id = str(data.get("line_id", position))
        unknown = sorted(set(data) - cls.KEYS)
        if unknown:
            raise InvalidClaimError(
                f"unknown key(s) {', '.join(map(repr, unknown))}; a line takes "
                f"{', '.join(sorted(cls.KEYS))}",
                line=line_id,
                field=unknown[0],
            )
        for required in ("code", "date_of_service"):
            if data.get(required) is None:
                raise InvalidClaimError(f"{required} is missing", line=line_id, field=required)
        pos = data.get("place_of_service")
        return cls(
            line_id=line_id,
            code=_code(data["code"], line_id),
            modifiers=_modifiers(data.get("modifiers"), line_id),
            units=_units(data.get("units", 1), line_id),
            date_of_service=_date(data["date_of_service"], line_id),
            place_of_service=None
            if pos is None or _missing(pos) or pos == ""
            else str(pos).strip(),
            diagnosis_pointers=_pointers(data.get("diagnosis_pointers"), line_id),
        )

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`from_dict` reads (dates as ISO strings)."""
        return {
            "line_id": self.line_id,
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "date_of_service": self.date_of_service.isoformat(),
            "place_of_service": self.place_of_service,
            "diagnosis_pointers": list(self.diagnosis_pointers),
        }


def _unique_lines(
    claim: Claim, _: attrs.Attribute[tuple[ClaimLine, ...]], value: tuple[ClaimLine, ...]
) -> None:
    seen: set[str] = set()
    for line in value:
        if not isinstance(line, ClaimLine):
            raise InvalidClaimError(f"lines must be ClaimLine values, not {type(line).__name__}")
        if line.line_id in seen:
            raise InvalidClaimError(
                f"line id {line.line_id!r} is used twice; line ids must be unique in a claim",
                line=line.line_id,
                field="line_id",
            )
        seen.add(line.line_id)


@attrs.frozen(kw_only=True)
class Claim:
    """A claim: its lines for one beneficiary and one rendering provider.

    ``setting`` (``practitioner``, ``outpatient_hospital`` or ``dme``) chooses the tables;
    when ``None`` the ``setting=`` argument of :func:`~codekit.check_claim` is used.
    ``program`` keeps Medicare and Medicaid tables apart.
    """

    claim_id: str = ""
    beneficiary_id: str = ""
    provider_id: str = ""
    setting: Setting | None = attrs.field(default=None, converter=_optional_setting)
    program: Program = attrs.field(default="medicare", converter=_program)
    lines: tuple[ClaimLine, ...] = attrs.field(
        default=(), converter=_line_tuple, validator=_unique_lines
    )
    #: ICD-10-CM diagnosis codes (at most 12); lines point to them by position.
    diagnoses: tuple[str, ...] = attrs.field(default=(), converter=_diagnoses)

    KEYS = frozenset(
        ["claim_id", "beneficiary_id", "provider_id", "setting", "program", "lines", "diagnoses"]
    )

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            for pointer in line.diagnosis_pointers:
                if pointer > len(self.diagnoses):
                    raise InvalidClaimError(
                        f"diagnosis pointer {pointer} points past the claim's "
                        f"{len(self.diagnoses)} diagnoses",
                        line=line.line_id,
                        field="diagnosis_pointers",
                        value=pointer,
                    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Claim:
        """A claim from a mapping with exactly the keys of :attr:`KEYS`.

        ``lines`` is a list of mappings read by :meth:`ClaimLine.from_dict`; dates may be
        ISO strings or ``datetime.date``. Anything wrong raises
        :class:`~codekit.exceptions.InvalidClaimError` naming the line and field.
        """
        if not isinstance(data, Mapping):
            raise InvalidClaimError(f"a claim must be a mapping, not {type(data).__name__}")
        unknown = sorted(set(data) - cls.KEYS)
        if unknown:
            raise InvalidClaimError(
                f"unknown claim key(s) {', '.join(map(repr, unknown))}; a claim takes "
                f"{', '.join(sorted(cls.KEYS))}",
                field=unknown[0],
            )
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, Sequence) or isinstance(raw_lines, str | bytes):
            raise InvalidClaimError("lines must be a list of line mappings", field="lines")
        lines = tuple(ClaimLine.from_dict(line, position=i) for i, line in enumerate(raw_lines, 1))
        return cls(
            claim_id=str(data.get("claim_id") or ""),
            beneficiary_id=str(data.get("beneficiary_id") or ""),
            provider_id=str(data.get("provider_id") or ""),
            setting=data.get("setting"),
            program=data.get("program") or "medicare",
            lines=lines,
            diagnoses=data.get("diagnoses"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Claim:
        """A claim from the JSON text of :meth:`from_dict`'s mapping."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidClaimError(f"not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> tuple[Claim, ...]:
        """Claims from a DataFrame with one row per line (columns = the claim and line keys).

        Rows are grouped by ``claim_id`` (one claim when the column is absent); the claim
        columns must agree within a claim.
        """
        columns = set(frame.columns)
        unknown = sorted(columns - cls.KEYS - ClaimLine.KEYS)
        if unknown:
            raise InvalidClaimError(
                f"unknown column(s) {', '.join(map(repr, unknown))}",
                field=str(unknown[0]),
            )
        line_keys = sorted(ClaimLine.KEYS & columns)
        claims: dict[str, dict[str, Any]] = {}
        for position, row in enumerate(frame.to_dict("records"), 1):
            claim_id = str(row.get("claim_id", "") or "")
            claim = claims.setdefault(
                claim_id,
                {
                    k: row[k]
                    for k in (
                        "claim_id",
                        "beneficiary_id",
                        "provider_id",
                        "setting",
                        "program",
                        "diagnoses",
                    )
                    if k in row and not _missing(row[k])
                },
            )
            claim.setdefault("lines", [])
            line = {k: row[k] for k in line_keys if not _missing(row[k])}
            line.setdefault("line_id", str(position))
            claim["lines"].append(line)
        return tuple(cls.from_dict(data) for data in claims.values())

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`from_dict` reads."""
        return {
            "claim_id": self.claim_id,
            "beneficiary_id": self.beneficiary_id,
            "provider_id": self.provider_id,
            "setting": self.setting,
            "program": self.program,
            "lines": [line.to_dict() for line in self.lines],
            "diagnoses": list(self.diagnoses),
        }
