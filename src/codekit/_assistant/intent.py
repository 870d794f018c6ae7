"""Which question was asked: the intent and its arguments (a :class:`Request`)."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from codekit._assistant.parse import Parsed


def _words(text: str, *phrases: str) -> tuple[str, ...]:
    return (*text.split(), *phrases)


__all__ = ["INTENTS", "Request", "classify"]

#: Every intent :func:`codekit.ask` recognises, with what it answers.
INTENTS: dict[str, str] = {
    "describe": "what a code is",
    "compare": "how two codes differ",
    "ptp": "whether two codes may be billed together, and with which modifiers (NCCI PTP)",
    "mue": "how many units of a code may be billed (NCCI MUE value and MAI)",
    "addon": "the primaries of an add-on code, or the add-on codes of a primary (NCCI AOC)",
    "find": "codes for a condition or procedure",
    "map": "what a code maps to in another code set (GEMs, crosswalks)",
    "modifier": "what a modifier is and whether it bypasses NCCI PTP edits",
    "validity": "whether a code is valid on a date, and what replaced a deleted code",
    "hcc": "the HCC of a diagnosis",
    "hierarchy": "the codes under (or above) a code",
    "unknown": "nothing codekit can answer from its data",
}

_UNITS = re.compile(r"\b(\d{1,4})\s*(?:units?|times|x)\b", re.I)
_HCC_MODELS = ("hcc:V28", "hcc:V24", "hcc:V22", "hcc:ESRD_V24", "rxhcc:V08")


@attrs.frozen
class Request:
    """An intent with its arguments."""

    intent: str
    codes: tuple[tuple[str, str], ...] = ()
    modifiers: tuple[str, ...] = ()
    as_of: dt.date | None = None
    setting: str | None = None
    hints: tuple[str, ...] = ()
    text: str = ""
    units: int | None = None
    parsed: Parsed | None = None

    def understood(self) -> dict[str, str | int | tuple[str, ...] | None]:
        """The arguments in words (for the answer's ``understood``)."""
        return {
            "intent": self.intent,
            "codes": tuple(code for code, _ in self.codes),
            "modifiers": self.modifiers,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "setting": self.setting,
            "units": self.units,
        }


_PTP_WORDS = _words(
    "together bundle bundled bundling ptp ncci column separately bypass bypasses unbundle "
    "edit edits claim deny denied denial",
    "same day",
    "same date",
    "same claim",
)
_VALIDITY_WORDS = _words(
    "valid invalid active effective deleted deletion expired discontinued terminated "
    "replaced replacement replaces retired still billable current good ok okay usable"
)
_HIERARCHY_WORDS = _words(
    "under children child subcodes subcategories below hierarchy parent inside list "
    "contain contains includes above",
    "more specific",
    "what in",
)


def _procedure_codes(parsed: Parsed) -> int:
    return sum(shape in ("procedure", "hcpcs_or_icd") for _, shape in parsed.codes)


def _intent(p: Parsed) -> str:
    n = len(p.codes)
    hcc = any(h in _HCC_MODELS for h in p.hints)
    if n and (p.has("add-on", "add on", "primary", "primaries") or (n >= 2 and p.has("without"))):
        return "addon"
    if n and (
        p.has("mue", "units", "unit", "maximum", "max", "limit", "limits", "per day", "daily")
        or p.has("medically unlikely")
        or p.has("how many times")
        or (_UNITS.search(p.text) is not None and not p.has("together"))
    ):
        return "mue"
    ptp_words = p.has(*_PTP_WORDS)
    if n >= 2 and _procedure_codes(p) >= 2 and (ptp_words or p.has("bill", "billed", "with")):
        return "ptp"
    if n == 1 and ptp_words and not p.has("valid", "map", "maps"):
        return "ptp"
    if p.modifiers and n == 0:
        return "modifier"
    if n and (hcc or p.has("hcc", "risk", "raf", "risk adjustment", "adjustment")):
        return "hcc"
    if n and (
        p.has("map", "maps", "mapped", "mapping", "crosswalk", "convert", "converts", "gem", "gems")
        or p.has("equivalent", "translate", "translates", "to icd-10", "in icd-10", "icd-10 for")
        or _asks_other_code_set(p)
    ):
        return "map"
    if n and p.has(*_VALIDITY_WORDS):
        return "validity"
    if n and p.has(*_HIERARCHY_WORDS):
        return "hierarchy"
    if n >= 2:
        return "compare"
    if n == 1:
        return "describe"
    if p.has("modifier", "modifiers"):
        return "unknown"
    if p.residue.strip() and _content_words(p):
        return "find"
    return "unknown"


_FILLER = frozenset(
    _words(
        "what which is are the a an code codes for to use i should do how find me please "
        "correct right best icd icd-10 icd10 icd-10-cm cm dx diagnosis diagnoses cpt hcpcs "
        "pcs of get give look up lookup search can you tell whats what's there any number "
        "billing bill coding with and in on"
    )
)


def _content_words(p: Parsed) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9'-]+", p.residue.lower()) if w not in _FILLER]


def _asks_other_code_set(p: Parsed) -> bool:
    shapes = {shape for _, shape in p.codes}
    named = {h for h in p.hints if h in ("icd9cm", "icd10cm", "icd10pcs", "icd9pcs")}
    if "icd9cm" in shapes and "icd10cm" in named:
        return True
    if "icd10cm" in shapes and "icd9cm" in named:
        return True
    return "icd10pcs" in shapes and "icd9pcs" in named


def classify(parsed: Parsed) -> Request:
    """The intent of a parsed question and its arguments."""
    match = _UNITS.search(parsed.text)
    return Request(
        intent=_intent(parsed),
        codes=parsed.codes,
        modifiers=parsed.modifiers,
        as_of=parsed.as_of,
        setting=parsed.setting,
        hints=parsed.hints,
        text=parsed.residue,
        units=int(match.group(1)) if match else None,
        parsed=parsed,
    )
