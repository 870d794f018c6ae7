"""The institutional (inpatient) claim: :class:`InstitutionalClaim` with its
:class:`ClaimDiagnosis` and :class:`ClaimProcedure` values.

It carries what the UB-04 / 837I gives the Medicare Code Editor and an MS-DRG grouper: the
principal, admitting and (at most 24) secondary diagnoses with their present-on-admission
indicators, (at most 25) ICD-10-PCS procedures with their dates, the patient's age and sex,
the discharge status and the admission and discharge dates. Codes are normalised the way the
rest of codekit normalises them (``e11.9`` and ``E119`` are both ``E11.9``); whether a code
is valid on the discharge date is the MCE's question, not the value's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from codekit._edits.fields import _missing
from codekit._edits.institutional_fields import (
    MAX_PROCEDURES,
    MAX_SECONDARY,
    POA_VALUES,
    Poa,
    Sex,
    _admission_date,
    _age,
    _cell_missing,
    _diagnosis_code,
    _discharge_date,
    _discharge_status,
    _items,
    _paired,
    _poa,
    _procedure_code,
    _procedure_date,
    _sex,
    _within,
)
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_PROCEDURES",
    "MAX_SECONDARY",
    "POA_VALUES",
    "ClaimDiagnosis",
    "ClaimProcedure",
    "InstitutionalClaim",
    "Poa",
    "Sex",
]


_Coded = TypeVar("_Coded", "ClaimDiagnosis", "ClaimProcedure")


def _read_coded(cls: type[_Coded], value: object, field: str, what: str, second: str) -> _Coded:
    """``cls`` from a code, a mapping of ``code`` and ``second``, or a ``cls`` value."""
    if isinstance(value, cls):
        return value
    try:
        if isinstance(value, Mapping):
            unknown = sorted(map(str, set(value) - {"code", second}))
            if unknown:
                raise InvalidClaimError(
                    f"unknown {what} key(s) {', '.join(map(repr, unknown))}; a "
                    f"{what} takes code and {second}",
                    field=field,
                )
            if value.get("code") is None:
                raise InvalidClaimError(f"the {what} code is missing", field=field)
            return cls(value["code"], value.get(second))
        return cls(value)
    except InvalidClaimError as exc:
        raise _within(exc, field) from None


@attrs.frozen
class ClaimDiagnosis:
    """An ICD-10-CM diagnosis with its present-on-admission indicator (``None``: not reported)."""

    code: str = attrs.field(converter=_diagnosis_code)
    poa: Poa | None = attrs.field(default=None, converter=_poa)

    @classmethod
    def read(cls, value: object, field: str) -> ClaimDiagnosis:
        """A diagnosis from a code, a mapping ``{"code": ..., "poa": ...}`` or a value."""
        return _read_coded(cls, value, field, "diagnosis", "poa")

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`read` takes."""
        return {"code": self.code, "poa": self.poa}


@attrs.frozen
class ClaimProcedure:
    """An ICD-10-PCS procedure with the date it was performed (``None``: not reported)."""

    code: str = attrs.field(converter=_procedure_code)
    date: dt.date | None = attrs.field(default=None, converter=_procedure_date)

    @classmethod
    def read(cls, value: object, field: str) -> ClaimProcedure:
        """A procedure from a code, a mapping ``{"code": ..., "date": ...}`` or a value."""
        return _read_coded(cls, value, field, "procedure", "date")

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`read` takes (the date as ISO text)."""
        return {"code": self.code, "date": None if self.date is None else self.date.isoformat()}


def _secondary(value: object) -> tuple[ClaimDiagnosis, ...]:
    items = _items(value, "secondary", MAX_SECONDARY)
    return tuple(ClaimDiagnosis.read(item, f"secondary[{i}]") for i, item in enumerate(items))


def _procedures(value: object) -> tuple[ClaimProcedure, ...]:
    items = _items(value, "procedures", MAX_PROCEDURES)
    return tuple(ClaimProcedure.read(item, f"procedures[{i}]") for i, item in enumerate(items))


def _principal(value: object) -> ClaimDiagnosis:
    if value is None or _missing(value):
        raise InvalidClaimError(
            "the principal diagnosis is missing; every inpatient claim has one",
            field="principal",
        )
    return ClaimDiagnosis.read(value, "principal")


def _admitting(value: object) -> ClaimDiagnosis | None:
    if value is None or _missing(value) or value == "":
        return None
    return ClaimDiagnosis.read(value, "admitting")


@attrs.frozen(kw_only=True)
class InstitutionalClaim:
    """An inpatient stay's claim (UB-04 / 837I): diagnoses, procedures, the patient, the dates.

    The discharge date chooses the code-set releases and the MCE and grouper versions.
    ``age`` is in years (0 to 124), ``sex`` ``M``, ``F`` or ``U``, ``discharge_status``
    the two-digit UB-04 patient status code as a number (``1`` for ``01``, home).
    """

    claim_id: str = attrs.field(default="", converter=str)
    principal: ClaimDiagnosis = attrs.field(converter=_principal)
    admitting: ClaimDiagnosis | None = attrs.field(default=None, converter=_admitting)
    secondary: tuple[ClaimDiagnosis, ...] = attrs.field(default=(), converter=_secondary)
    procedures: tuple[ClaimProcedure, ...] = attrs.field(default=(), converter=_procedures)
    age: int = attrs.field(converter=_age)
    sex: Sex = attrs.field(converter=_sex)
    discharge_status: int = attrs.field(converter=_discharge_status)
    admission_date: dt.date | None = attrs.field(default=None, converter=_admission_date)
    discharge_date: dt.date = attrs.field(converter=_discharge_date)

    KEYS = frozenset(
        [
            "claim_id",
            "principal",
            "admitting",
            "secondary",
            "procedures",
            "age",
            "sex",
            "discharge_status",
            "admission_date",
            "discharge_date",
        ]
    )
    #: Frame columns besides :attr:`KEYS`: the POA indicators and procedure dates that go
    #: with the codes of ``principal``, ``secondary`` and ``procedures`` columns.
    FRAME_COLUMNS = frozenset(["principal_poa", "secondary_poa", "procedure_dates"])

    def __attrs_post_init__(self) -> None:
        if self.admission_date is not None and self.admission_date > self.discharge_date:
            raise InvalidClaimError(
                f"admission_date {self.admission_date} is after discharge_date "
                f"{self.discharge_date}; check the two dates",
                field="admission_date",
                value=self.admission_date,
            )
        for i, procedure in enumerate(self.procedures):
            if procedure.date is not None and procedure.date > self.discharge_date:
                raise InvalidClaimError(
                    f"procedure {procedure.code} is dated {procedure.date}, after the "
                    f"discharge on {self.discharge_date}; check the procedure date",
                    field=f"procedures[{i}].date",
                    value=procedure.date,
                )

    @property
    def diagnoses(self) -> tuple[ClaimDiagnosis, ...]:
        """The principal diagnosis, then the secondary ones (the admitting one is apart)."""
        return (self.principal, *self.secondary)

    @property
    def length_of_stay(self) -> int | None:
        """Days from admission to discharge (``None`` without an admission date)."""
        if self.admission_date is None:
            return None
        return (self.discharge_date - self.admission_date).days

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InstitutionalClaim:
        """A claim from a mapping with exactly the keys of :attr:`KEYS`.

        Diagnoses are codes or mappings ``{"code": ..., "poa": ...}``, procedures codes or
        mappings ``{"code": ..., "date": ...}``; dates are ISO text, ``YYYYMMDD`` or
        ``datetime.date``. ``principal``, ``age``, ``sex``, ``discharge_status`` and
        ``discharge_date`` are required. Anything wrong raises
        :class:`~codekit.exceptions.InvalidClaimError` naming the field.
        """
        if not isinstance(data, Mapping):
            raise InvalidClaimError(
                f"an institutional claim must be a mapping, not {type(data).__name__}"
            )
        unknown = sorted(map(str, set(data) - cls.KEYS))
        if unknown:
            raise InvalidClaimError(
                f"unknown claim key(s) {', '.join(map(repr, unknown))}; an institutional "
                f"claim takes {', '.join(sorted(cls.KEYS))}",
                field=unknown[0],
            )
        for required in ("principal", "age", "sex", "discharge_status", "discharge_date"):
            if data.get(required) is None:
                raise InvalidClaimError(f"{required} is missing", field=required)
        claim_id = data.get("claim_id")
        return cls(
            claim_id="" if claim_id is None or _missing(claim_id) else str(claim_id),
            principal=data["principal"],
            admitting=data.get("admitting"),
            secondary=data.get("secondary", ()),
            procedures=data.get("procedures", ()),
            age=data["age"],
            sex=data["sex"],
            discharge_status=data["discharge_status"],
            admission_date=data.get("admission_date"),
            discharge_date=data["discharge_date"],
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> InstitutionalClaim:
        """A claim from the JSON text of :meth:`from_dict`'s mapping."""
        if not isinstance(text, str | bytes):
            raise InvalidClaimError(f"JSON must be text, not {type(text).__name__}")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise InvalidClaimError(f"not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> tuple[InstitutionalClaim, ...]:
        """Claims from a DataFrame with one row per claim.

        The columns are the keys of :attr:`KEYS`; ``secondary`` and ``procedures`` hold a
        list or codes separated by spaces or commas. ``principal_poa``, ``secondary_poa``
        (one indicator per secondary code, ``-`` for none) and ``procedure_dates`` (one date
        per procedure, ``-`` for none) give the indicators and dates of those codes. The
        first bad row raises :class:`~codekit.exceptions.InvalidClaimError` naming it
        (``row 2: ...``); :meth:`from_frame_rows` gives every row's outcome instead.
        """
        claims = []
        for outcome in cls.from_frame_rows(frame):
            if isinstance(outcome, InvalidClaimError):
                raise outcome
            claims.append(outcome)
        return tuple(claims)

    @classmethod
    def from_frame_rows(
        cls, frame: pd.DataFrame
    ) -> tuple[InstitutionalClaim | InvalidClaimError, ...]:
        """Each row's claim, or the :class:`~codekit.exceptions.InvalidClaimError` that row
        gives (its ``field`` and ``value``, the message beginning ``row N:``, counted from
        1), in row order: the columns as :meth:`from_frame` reads them. A frame whose
        columns are wrong raises."""
        columns = getattr(frame, "columns", None)
        records = getattr(frame, "to_dict", None)
        if columns is None or not callable(records):
            raise InvalidClaimError(f"from_frame takes a DataFrame, not {type(frame).__name__}")
        unknown = sorted(map(str, set(columns) - cls.KEYS - cls.FRAME_COLUMNS))
        if unknown:
            raise InvalidClaimError(
                f"unknown column(s) {', '.join(map(repr, unknown))}; the columns are "
                f"{', '.join(sorted(cls.KEYS | cls.FRAME_COLUMNS))}",
                field=unknown[0],
            )
        outcomes: list[InstitutionalClaim | InvalidClaimError] = []
        for position, row in enumerate(records("records"), 1):
            try:
                outcomes.append(cls.from_dict(_row_claim(row)))
            except InvalidClaimError as exc:
                message = str(exc).split(": ", 1)[-1]
                outcomes.append(
                    InvalidClaimError(
                        f"row {position}: {message}", field=exc.field, value=exc.value
                    )
                )
        return tuple(outcomes)

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`from_dict` reads (dates as ISO text)."""
        return {
            "claim_id": self.claim_id,
            "principal": self.principal.to_dict(),
            "admitting": None if self.admitting is None else self.admitting.to_dict(),
            "secondary": [d.to_dict() for d in self.secondary],
            "procedures": [p.to_dict() for p in self.procedures],
            "age": self.age,
            "sex": self.sex,
            "discharge_status": self.discharge_status,
            "admission_date": None
            if self.admission_date is None
            else self.admission_date.isoformat(),
            "discharge_date": self.discharge_date.isoformat(),
        }


def _row_claim(row: Mapping[Any, Any]) -> dict[str, Any]:
    data = {k: v for k, v in row.items() if k in InstitutionalClaim.KEYS and not _cell_missing(v)}
    poa = row.get("principal_poa")
    if (
        "principal" in data
        and not _cell_missing(poa)
        and not isinstance(data["principal"], Mapping)
    ):
        data["principal"] = {"code": data["principal"], "poa": poa}
    data["secondary"] = _paired(
        data.get("secondary"), row.get("secondary_poa"), "secondary", "poa", MAX_SECONDARY
    )
    data["procedures"] = _paired(
        data.get("procedures"), row.get("procedure_dates"), "procedures", "date", MAX_PROCEDURES
    )
    return data
