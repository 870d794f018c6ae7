"""What a claim edit returns: :class:`Finding` values in an :class:`EditReport`, each with the
:class:`Provenance` of the rule that fired. Shared by every kind of claim edit.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Literal

import attrs

__all__ = [
    "EDIT_KINDS",
    "EditKind",
    "EditReport",
    "Finding",
    "Provenance",
    "Severity",
    "finding_fields",
    "made_finding",
]

EditKind = Literal["ptp", "mue", "aoc", "validity", "mce"]
EDIT_KINDS: tuple[EditKind, ...] = ("ptp", "mue", "aoc", "validity", "mce")
Severity = Literal["deny", "warn", "unverifiable"]
_KIND_RANK = {kind: rank for rank, kind in enumerate(EDIT_KINDS)}


@attrs.frozen(kw_only=True)
class Provenance:
    """Where a rule came from: the table, setting, program, release and CMS file name."""

    table: Literal["PTP", "MUE", "AOC", "plugin", "code_set", "MCE"]
    setting: str
    program: str = "medicare"
    release: str = ""
    source_file: str = ""

    def __str__(self) -> str:
        where = f"{self.table} {self.program} {self.setting} {self.release}".strip()
        return f"{where} ({self.source_file})" if self.source_file else where


def _date_text(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# A dict class, not slots: the hot paths build a finding from a ready dictionary of its fields
# (:func:`made_finding`), which costs a fraction of the 22 frozen ``__setattr__`` of ``__init__``.
@attrs.frozen(kw_only=True, slots=False)
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
    #: The name of the edit that fired, for edit lists of many edits (MCE: ``age_conflict``).
    rule: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        """A key that orders findings the same way whatever the order of the lines."""
        return (
            self.date_of_service or dt.date.min,
            _KIND_RANK[self.kind],
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
            "rule": self.rule,
            "provenance": attrs.asdict(self.provenance),
        }


_FIELDS = attrs.fields(Finding)
_DEFAULTS = {a.name: a.default for a in _FIELDS if a.default is not attrs.NOTHING}
_REQUIRED = frozenset(a.name for a in _FIELDS if a.default is attrs.NOTHING)
_NAMES = frozenset(a.name for a in _FIELDS)
_new = object.__new__
_set = object.__setattr__


def finding_fields(**values: Any) -> dict[str, Any]:
    """Every field of a :class:`Finding`: the defaults with ``values`` on top.

    The hot paths build one such dictionary per rule that fired (checked here, once) and
    then each finding with :func:`made_finding`, changing only what differs per line. Raises
    ``TypeError`` for an unknown name or a missing required field, as ``Finding(...)`` would.
    """
    unknown = values.keys() - _NAMES
    if unknown:
        raise TypeError(f"Finding has no field(s) {', '.join(sorted(unknown))}")
    missing = _REQUIRED - values.keys()
    if missing:
        raise TypeError(f"Finding needs field(s) {', '.join(sorted(missing))}")
    return {**_DEFAULTS, **values}


def made_finding(fields: dict[str, Any]) -> Finding:
    """The :class:`Finding` of ``fields``: a dictionary from :func:`finding_fields`, or one
    made from it by setting fields (``{**template, "line_ids": ids, ...}``).

    The same frozen value ``Finding(**fields)`` gives — equal, same hash and repr — without
    running ``__init__``: the values must already be of the fields' types (the edit modules
    build them from validated claims and tables) and every key must name a field. ``fields``
    becomes the finding's own: do not change it afterwards.
    """
    finding = _new(Finding)
    _set(finding, "__dict__", fields)
    return finding


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
