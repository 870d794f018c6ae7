"""Reading the fields of a claim: settings, programs, codes, modifiers, units, dates,
diagnosis pointers and diagnoses, as people write them (text, numbers read by ``pd.read_csv``,
numpy values). Shared by every claim edit: each reader either returns the canonical value or
raises :class:`~codekit.exceptions.InvalidClaimError` naming the line and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal

from codekit._dates import to_date
from codekit._edits.codes import CODE
from codekit.exceptions import InvalidClaimError, InvalidDateError

__all__ = ["PROGRAMS", "SETTINGS", "UNITS_CAP", "Program", "Setting", "normalize_setting"]

#: Most diagnoses on a claim (the 837P and CMS-1500 carry up to 12), pointers per line.
MAX_DIAGNOSES, MAX_POINTERS = 12, 4
Setting = Literal["practitioner", "outpatient_hospital", "dme"]
Program = Literal["medicare", "medicaid"]


SETTINGS: tuple[Setting, ...] = ("practitioner", "outpatient_hospital", "dme")
PROGRAMS: tuple[Program, ...] = ("medicare", "medicaid")
_SETTING_ALIASES: dict[str, Setting] = {
    "practitioner": "practitioner",
    "asc": "practitioner",
    "ambulatory_surgical_center": "practitioner",
    "outpatient_hospital": "outpatient_hospital",
    "outpatient": "outpatient_hospital",
    "hospital": "outpatient_hospital",
    "oph": "outpatient_hospital",
    "dme": "dme",
    "dme_supplier": "dme",
}
_MODIFIER_SHAPE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalize_setting(value: object) -> Setting:
    """``practitioner`` (also ASC), ``outpatient_hospital`` or ``dme`` from common spellings."""
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    setting = _SETTING_ALIASES.get(key)
    if setting is None:
        raise InvalidClaimError(
            f"unknown setting {value!r}; use one of {', '.join(SETTINGS)} (asc = practitioner)",
            field="setting",
            value=value,
        )
    return setting


def _program(value: object) -> Program:
    key = str(value).strip().lower()
    if key in ("medicare", "mcr"):
        return "medicare"
    if key in ("medicaid", "mcd"):
        return "medicaid"
    raise InvalidClaimError(
        f"unknown program {value!r}; use medicare or medicaid", field="program", value=value
    )


# -- claims ------------------------------------------------------------------------------


#: Units beyond this count as this many: more than any MUE allows (values are int32), and
#: summing a million such lines still fits in 64 bits.
UNITS_CAP = 1 << 40


def _whole(value: object) -> int | None:
    """The integer of an int-like value (numpy integers, integral floats), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if hasattr(value, "__index__") and not isinstance(value, str | bytes):  # numpy integers
        try:
            return int(value.__index__())
        except TypeError:
            return None
    item = getattr(value, "item", None)  # numpy floats
    if callable(item) and type(value).__module__ == "numpy":
        found = item()
        return _whole(found) if isinstance(found, float) else None
    return None


def _code(value: object, line: str | None = None) -> str:
    number = None if isinstance(value, str) else _whole(value)
    if number is not None and 0 <= number <= 99999:
        # a CPT number read as a number (pd.read_csv): its leading zeros come back
        return f"{number:05d}"
    if not isinstance(value, str):
        raise InvalidClaimError(
            f"code must be a string, not {type(value).__name__} (read CSV files with "
            "dtype=str so that codes keep their letters and leading zeros)",
            line=line,
            field="code",
            value=value,
        )
    code = value.strip().upper()
    if not CODE.fullmatch(code):
        raise InvalidClaimError(
            f"code {value!r} is not a 5-character HCPCS/CPT code",
            line=line,
            field="code",
            value=value,
        )
    return code


def _modifier(item: object, value: object, line: str | None) -> str:
    number = None if isinstance(item, str) else _whole(item)
    # a numeric modifier read as a number (59 -> 59.0 in a pd.read_csv column)
    text = f"{number:02d}" if number is not None and 0 <= number <= 99 else str(item)
    text = text.strip().upper()
    if len(text) != 2 or not set(text) <= _MODIFIER_SHAPE:
        raise InvalidClaimError(
            f"modifier {item!r} is not a two-character modifier",
            line=line,
            field="modifiers",
            value=value,
        )
    return text


def _items(value: object) -> list[object] | None:
    """The items of a list-valued field: a string split at commas and white space, a whole
    number as one item, or a collection's elements; ``None`` for anything else (the field
    says what it takes)."""
    if isinstance(value, str):
        return list(value.replace(",", " ").split())
    if _whole(value) is not None:
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        return list(value)
    return None


def _modifiers(value: object, line: str | None = None) -> tuple[str, ...]:
    if value is None or _missing(value):
        return ()
    items = _items(value)
    if items is None:
        raise InvalidClaimError(
            "modifiers must be a list of two-character modifiers",
            line=line,
            field="modifiers",
            value=value,
        )
    return tuple(_modifier(item, value, line) for item in items)


def _units(value: object, line: str | None = None) -> int:
    if value is None or _missing(value):
        return 1  # missing units (an empty CSV cell): the default, one
    number = None if isinstance(value, str) else _whole(value)
    if isinstance(value, str):
        number = int(value.strip()) if value.strip().isdigit() else None
    if number is None:
        raise InvalidClaimError(
            f"units must be a whole number, not {value!r}", line=line, field="units", value=value
        )
    if number < 0:
        raise InvalidClaimError(
            f"units must not be negative ({number})", line=line, field="units", value=value
        )
    return number


def _date(value: object, line: str | None = None) -> dt.date:
    if value is None or _missing(value):  # None, NaN, NaT
        raise InvalidClaimError(
            "date_of_service is missing", line=line, field="date_of_service", value=value
        )
    number = None if isinstance(value, str) else _whole(value)
    text = str(number) if number is not None else value
    if isinstance(text, str) and len(text.strip()) == 8 and text.strip().isdigit():
        digits = text.strip()  # YYYYMMDD, as CMS writes dates (and pd.read_csv reads them)
        text = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    dtype = getattr(value, "dtype", None)
    if dtype is not None and str(dtype).startswith("datetime64"):  # numpy.datetime64
        text = value.astype("datetime64[D]").item()  # type: ignore[attr-defined]
    try:
        return to_date(text, "date_of_service")
    except (InvalidDateError, ValueError):
        raise InvalidClaimError(
            f"date_of_service {value!r} is not a date; use YYYY-MM-DD",
            line=line,
            field="date_of_service",
            value=value,
        ) from None


def _pointers(value: object, line: str | None = None) -> tuple[int, ...]:
    """Diagnosis pointers of a line: 1-based positions in the claim's diagnoses (at most 4)."""
    if value is None or _missing(value):
        return ()
    items = _items(value)
    if items is None:
        items = [value]  # one value that is not a position: refused below, named
    found = []
    for item in items:
        number = _whole(item) if not isinstance(item, str) else None
        if isinstance(item, str) and item.strip().isdigit():
            number = int(item.strip())
        if number is None or not 1 <= number <= MAX_DIAGNOSES:
            raise InvalidClaimError(
                f"diagnosis pointer {item!r} is not a position 1-{MAX_DIAGNOSES}",
                line=line,
                field="diagnosis_pointers",
                value=value,
            )
        found.append(number)
    if len(found) > MAX_POINTERS:
        raise InvalidClaimError(
            f"a line points to at most {MAX_POINTERS} diagnoses, not {len(found)}",
            line=line,
            field="diagnosis_pointers",
            value=value,
        )
    return tuple(found)


def _diagnoses(value: object) -> tuple[str, ...]:
    """A claim's ICD-10-CM diagnosis codes (at most 12), as written (validity is checked)."""
    if value is None or _missing(value):
        return ()
    items: Iterable[object]
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
    else:
        items = [value]
    found = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InvalidClaimError(
                f"a diagnosis must be an ICD-10-CM code as text, not {item!r}",
                field="diagnoses",
                value=value,
            )
        found.append(item.strip().upper())
    if len(found) > MAX_DIAGNOSES:
        raise InvalidClaimError(
            f"a claim carries at most {MAX_DIAGNOSES} diagnoses, not {len(found)}",
            field="diagnoses",
            value=value,
        )
    return tuple(found)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN is the value unequal to itself  # NaN / NaT
    except (TypeError, ValueError):
        return False
