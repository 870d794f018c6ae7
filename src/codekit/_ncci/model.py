"""The NCCI values: claims in, findings out, and the table rows behind them.

Every value is a frozen attrs class. :class:`Claim` / :class:`ClaimLine` are what a caller
builds (``Claim.from_dict`` reads exactly the documented keys and names the line and field
of anything wrong); :class:`Finding` / :class:`EditReport` are what the engine returns;
:class:`PtpEdit`, :class:`MueLimit` and :class:`AocEdit` are table rows answered by the
per-code questions.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from codekit._dates import to_date
from codekit._ncci.codes import CODE
from codekit.exceptions import InvalidClaimError, InvalidDateError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AocEdit",
    "Claim",
    "ClaimLine",
    "EditKind",
    "EditReport",
    "Finding",
    "MueLimit",
    "Program",
    "Provenance",
    "PtpEdit",
    "Setting",
    "Severity",
    "normalize_setting",
]

EditKind = Literal["ptp", "mue", "aoc", "validity"]
EDIT_KINDS: tuple[EditKind, ...] = ("ptp", "mue", "aoc", "validity")
#: Most diagnoses on a claim (the 837P and CMS-1500 carry up to 12), pointers per line.
MAX_DIAGNOSES, MAX_POINTERS = 12, 4
Severity = Literal["deny", "warn", "unverifiable"]
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


def _modifiers(value: object, line: str | None = None) -> tuple[str, ...]:
    if value is None or _missing(value):
        return ()
    items: Iterable[object]
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif _whole(value) is not None:
        items = [value]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
    else:
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
    items: Iterable[object]
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif _whole(value) is not None:
        items = [value]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
    else:
        items = [value]
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


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN is the value unequal to itself  # NaN / NaT
    except (TypeError, ValueError):
        return False


# -- findings ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Provenance:
    """Where a rule came from: the table, setting, program, release and CMS file name."""

    table: Literal["PTP", "MUE", "AOC", "plugin", "code_set"]
    setting: str
    program: str = "medicare"
    release: str = ""
    source_file: str = ""

    def __str__(self) -> str:
        where = f"{self.table} {self.program} {self.setting} {self.release}".strip()
        return f"{where} ({self.source_file})" if self.source_file else where


def _date_text(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen(kw_only=True)
class Finding:
    """One edit that fired on a claim.

    ``line_ids`` are the lines involved (PTP: column 1 line, column 2 line); ``denied_line_ids``
    the lines whose units are denied (empty for ``warn`` and ``unverifiable``). ``unchecked``
    marks a finding that says an edit could not run at all (its table is not installed for the
    date, setting and program): such a claim is not verified, whatever else it shows. The rule
    values are those of the table row that fired: PTP ``indicator`` (0/1), MUE ``mai`` and
    ``mue_value``, AOC ``aoc_type`` and listed ``primaries``, with ``rationale`` and the
    row's ``effective``/``deletion`` dates. ``bypass_modifier`` is the PTP-associated
    modifier that turned a denial into a warning. ``carc`` hints the claim adjustment reason
    code a payer would use.
    """

    kind: EditKind
    severity: Severity
    line_ids: tuple[str, ...]
    codes: tuple[str, ...]
    message: str
    provenance: Provenance
    denied_line_ids: tuple[str, ...] = ()
    carc: str | None = None
    date_of_service: dt.date | None = None
    bypass_modifier: str | None = None
    indicator: int | None = None
    mai: int | None = None
    mue_value: int | None = None
    units: int | None = None
    appealable: bool = False
    aoc_type: int | None = None
    primaries: tuple[str, ...] = ()
    rationale: str = ""
    effective: dt.date | None = None
    deletion: dt.date | None = None
    unchecked: bool = False

    def sort_key(self) -> tuple[Any, ...]:
        """A key that orders findings the same way whatever the order of the lines."""
        return (
            self.date_of_service or dt.date.min,
            EDIT_KINDS.index(self.kind),
            self.codes,
            self.line_ids,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "line_ids": list(self.line_ids),
            "denied_line_ids": list(self.denied_line_ids),
            "codes": list(self.codes),
            "date_of_service": _date_text(self.date_of_service),
            "message": self.message,
            "carc": self.carc,
            "bypass_modifier": self.bypass_modifier,
            "indicator": self.indicator,
            "mai": self.mai,
            "mue_value": self.mue_value,
            "units": self.units,
            "appealable": self.appealable,
            "aoc_type": self.aoc_type,
            "primaries": list(self.primaries),
            "rationale": self.rationale,
            "effective": _date_text(self.effective),
            "deletion": _date_text(self.deletion),
            "unchecked": self.unchecked,
            "provenance": attrs.asdict(self.provenance),
        }


@attrs.frozen(kw_only=True)
class EditReport:
    """The findings of one claim, in a stable order, plus notes on what could not be checked.

    A report is :attr:`clean` only when it has no finding at all, and :attr:`verified` only
    when every edit could run: a claim whose tables are missing carries one ``unverifiable``
    finding per edit kind not checked (``unchecked=True``), so it is neither.
    """

    claim_id: str
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    tables: tuple[Provenance, ...] = ()

    @property
    def denied(self) -> bool:
        """Whether any finding denies units."""
        return any(f.severity == "deny" for f in self.findings)

    @property
    def clean(self) -> bool:
        """Whether the claim was fully checked and nothing fired."""
        return not self.findings

    @property
    def verified(self) -> bool:
        """Whether every edit could run (no table was missing for the claim's lines)."""
        return not any(f.unchecked for f in self.findings)

    @property
    def unchecked(self) -> tuple[Finding, ...]:
        """The findings that say an edit could not run (what is missing, how to install it)."""
        return tuple(f for f in self.findings if f.unchecked)

    @property
    def denied_line_ids(self) -> tuple[str, ...]:
        """Every line with denied units, in first-seen order."""
        seen: dict[str, None] = {}
        for finding in self.findings:
            for line_id in finding.denied_line_ids:
                seen[line_id] = None
        return tuple(seen)

    @property
    def verdict(self) -> str:
        """``denied``, ``unverified`` (an edit could not run), ``findings`` or ``clean``."""
        if self.denied:
            return "denied"
        if not self.verified:
            return "unverified"
        return "findings" if self.findings else "clean"

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of one severity."""
        return tuple(f for f in self.findings if f.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "claim_id": self.claim_id,
            "clean": self.clean,
            "verified": self.verified,
            "denied": self.denied,
            "denied_line_ids": list(self.denied_line_ids),
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "tables": [attrs.asdict(t) for t in self.tables],
        }

    def _repr_html_(self) -> str:
        esc = html.escape
        head = (
            "<tr><th>kind</th><th>severity</th><th>lines</th><th>codes</th>"
            "<th>message</th><th>CARC</th><th>source</th></tr>"
        )
        rows = "".join(
            f"<tr><td>{esc(f.kind.upper())}</td><td>{esc(f.severity)}</td>"
            f"<td>{esc(', '.join(f.line_ids))}</td><td>{esc(', '.join(f.codes))}</td>"
            f"<td>{esc(f.message)}</td><td>{esc(f.carc or '')}</td>"
            f"<td>{esc(str(f.provenance))}</td></tr>"
            for f in self.findings
        )
        notes = "".join(f"<li>{esc(note)}</li>" for note in self.notes)
        verdict = self.verdict
        return (
            f"<div class='codekit-edit-report'><h4>Claim {esc(self.claim_id or '(no id)')}: "
            f"{verdict}</h4><table>{head}{rows}</table>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


# -- table rows --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PtpEdit:
    """One PTP row: ``column2`` is denied when reported with ``column1`` while in force."""

    column1: str
    column2: str
    effective: dt.date
    deletion: dt.date | None
    modifier_indicator: int
    rationale: str
    prior_1996: bool
    provenance: Provenance

    def applies(self, day: dt.date) -> bool:
        """Whether the edit applies on a date of service (see :mod:`codekit._ncci.rules`)."""
        from codekit._ncci.rules import OPEN, ptp_applies

        deletion = OPEN if self.deletion is None else self.deletion.toordinal()
        return bool(
            ptp_applies(
                self.effective.toordinal(), deletion, self.modifier_indicator, day.toordinal()
            )
        )


@attrs.frozen(kw_only=True)
class MueLimit:
    """The MUE of one code: at most ``value`` units, adjudicated per ``mai`` (1, 2 or 3)."""

    code: str
    value: int
    mai: int
    mai_text: str
    rationale: str
    provenance: Provenance

    @property
    def per_line(self) -> bool:
        """MAI 1: each line is compared alone; MAI 2/3 sum the units of the date of service."""
        return self.mai == 1


@attrs.frozen(kw_only=True)
class AocEdit:
    """One AOC row: ``add_on`` (type 1, 2 or 3) with one listed primary (``CCCCC`` = contractor)."""

    add_on: str
    aoc_type: int
    primary: str
    effective: dt.date | None
    deletion: dt.date | None
    add_on_deletion: dt.date | None
    primary_deletion: dt.date | None
    notes: str
    provenance: Provenance
