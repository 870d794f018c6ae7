"""Reading the fields of an institutional claim (:mod:`codekit._edits.institutional`) as
people write them: ICD-10-CM and ICD-10-PCS codes in any spelling codekit reads, POA
indicators, ages, sexes, UB-04 discharge status codes, dates (ISO, ``YYYYMMDD``, numpy and
pandas values) and lists of codes. Each reader returns the canonical value or raises
:class:`~codekit.exceptions.InvalidClaimError` naming the field, at a cost bounded for any
input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from codekit._codesets.icd10cm import SPEC as ICD10CM
from codekit._codesets.icd10pcs import SPEC as ICD10PCS
from codekit._dates import to_date
from codekit._edits.fields import _missing, _whole
from codekit._normalize import parse_for
from codekit.exceptions import InvalidClaimError, InvalidCodeError, InvalidDateError

if TYPE_CHECKING:
    from codekit._codesets.spec import CodeSetSpec

__all__ = [
    "MAX_AGE",
    "MAX_PROCEDURES",
    "MAX_SECONDARY",
    "MIN_AGE",
    "POA_VALUES",
    "SEXES",
    "Poa",
    "Sex",
]

Poa = Literal["Y", "N", "U", "W", "1"]
Sex = Literal["M", "F", "U"]
#: The present-on-admission indicators of the UB-04 (``1``: exempt from POA reporting).
POA_VALUES: tuple[Poa, ...] = ("Y", "N", "U", "W", "1")
SEXES: tuple[Sex, ...] = ("M", "F", "U")
#: The UB-04 / 837I carry a principal and 24 other diagnoses, and 25 procedures.
MAX_SECONDARY, MAX_PROCEDURES = 24, 25
#: The ages the MCE accepts (its "invalid age" edit fires outside them).
MIN_AGE, MAX_AGE = 0, 124
#: Longer text cannot be a code; refusing it first keeps the cost of any input bounded.
_LONGEST_CODE = 16


def _code_of(value: object, spec: CodeSetSpec, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidClaimError(
            f"a {spec.title} code must be text, not {type(value).__name__} (read CSV files "
            "with dtype=str so that codes keep their letters and leading zeros)",
            field=field,
            value=value,
        )
    if len(value) > _LONGEST_CODE * 2:
        raise InvalidClaimError(
            f"{value[:20]!r}... is too long to be a {spec.title} code", field=field, value=value
        )
    try:
        return parse_for(value, spec)
    except InvalidCodeError:
        raise InvalidClaimError(
            f"{value!r} is not a well-formed {spec.title} code; write it like "
            + ("E11.9 or E119" if spec is ICD10CM else "0DTJ4ZZ"),
            field=field,
            value=value,
        ) from None


def _diagnosis_code(value: object) -> str:
    return _code_of(value, ICD10CM, "code")


def _procedure_code(value: object) -> str:
    return _code_of(value, ICD10PCS, "code")


def _poa(value: object) -> Poa | None:
    if value is None or _missing(value):
        return None
    number = None if isinstance(value, str) else _whole(value)
    text = str(number) if number is not None else value
    if isinstance(text, str):
        key = text.strip().upper()
        if key == "":
            return None
        if key in POA_VALUES:
            return key
    raise InvalidClaimError(
        f"POA indicator {value!r} is not one of Y, N, U, W or 1 (exempt); leave it out "
        "(None) when it is not reported",
        field="poa",
        value=value,
    )


def _day(value: object, field: str) -> dt.date:
    number = None if isinstance(value, str) else _whole(value)
    text: object = str(number) if number is not None else value
    if isinstance(text, str) and len(text.strip()) == 8 and text.strip().isdigit():
        digits = text.strip()  # YYYYMMDD, as CMS writes dates
        text = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    dtype = getattr(value, "dtype", None)
    if dtype is not None and str(dtype).startswith("datetime64"):  # numpy.datetime64
        text = value.astype("datetime64[D]").item()  # type: ignore[attr-defined]
    try:
        return to_date(text, field)
    except (InvalidDateError, ValueError):
        raise InvalidClaimError(
            f"{field} {value!r} is not a date; use YYYY-MM-DD", field=field, value=value
        ) from None


def _optional_day(value: object, field: str) -> dt.date | None:
    return None if value is None or _missing(value) else _day(value, field)


def _procedure_date(value: object) -> dt.date | None:
    return _optional_day(value, "date")


def _within(exc: InvalidClaimError, field: str) -> InvalidClaimError:
    """``exc`` restated for the claim field that holds the item (``secondary[3].poa``)."""
    inner = exc.field
    where = field if inner in (None, field) else f"{field}.{inner}"
    message = str(exc).split(": ", 1)[-1]
    return InvalidClaimError(message, field=where, value=exc.value)


def _items(value: object, field: str, most: int) -> list[object]:
    """The items of a list field (a list, a tuple, a Series, or codes in one text)."""
    if value is None or _missing(value):
        return []
    if isinstance(value, str):
        items: list[object] = list(value.replace(",", " ").split()[: most + 1])
    elif isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = []
        for item in value:
            items.append(item)
            if len(items) > most:
                break
    else:
        raise InvalidClaimError(
            f"{field} must be a list, not {type(value).__name__}", field=field, value=value
        )
    if len(items) > most:
        raise InvalidClaimError(
            f"a claim carries at most {most} {field} (as the UB-04 and 837I do); "
            "split the stay's claim or drop the codes that do not affect payment",
            field=field,
        )
    return items


def _age(value: object) -> int:
    number = None if isinstance(value, str) else _whole(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
        number = int(value.strip())
    if number is None or not MIN_AGE <= number <= MAX_AGE:
        raise InvalidClaimError(
            f"age must be a whole number of years from {MIN_AGE} to {MAX_AGE} (the ages the "
            f"Medicare Code Editor accepts), not {value!r}; newborns are 0",
            field="age",
            value=value,
        )
    return number


_SEX_ALIASES: dict[str, Sex] = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "U": "U"}


def _sex(value: object) -> Sex:
    sex = _SEX_ALIASES.get(value.strip().upper()) if isinstance(value, str) else None
    if sex is None:
        raise InvalidClaimError(
            f"sex must be M, F or U (unknown), as on the UB-04, not {value!r}",
            field="sex",
            value=value,
        )
    return sex


def _discharge_status(value: object) -> int:
    number = None if isinstance(value, str) else _whole(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 2:
        number = int(value.strip())
    if number is None or not 1 <= number <= 99:
        raise InvalidClaimError(
            f"discharge status must be a two-digit UB-04 patient status code such as 01 "
            f"(home) or 20 (expired), not {value!r}",
            field="discharge_status",
            value=value,
        )
    return number


def _discharge_date(value: object) -> dt.date:
    if value is None or _missing(value):
        raise InvalidClaimError(
            "discharge_date is missing; it chooses the code sets and the MCE version",
            field="discharge_date",
        )
    return _day(value, "discharge_date")


def _admission_date(value: object) -> dt.date | None:
    return _optional_day(value, "admission_date")


def _paired(codes: object, extras: object, field: str, key: str, most: int) -> list[object]:
    """The items of a frame cell of codes, each paired with its indicator or date."""
    items = _items(codes, field, most)
    if extras is None or _missing(extras):
        return items
    values = [None if v in ("-", "") else v for v in _items(extras, f"{field} {key}s", most)]
    if len(values) != len(items):
        raise InvalidClaimError(
            f"{len(values)} {key} value(s) for {len(items)} {field} code(s); give one per "
            "code, '-' for none",
            field=field,
        )
    return [
        item if isinstance(item, Mapping) else {"code": item, key: value}
        for item, value in zip(items, values, strict=True)
    ]


def _cell_missing(value: object) -> bool:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return False
    return value is None or _missing(value)
