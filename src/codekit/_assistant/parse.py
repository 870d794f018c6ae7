"""Reading a question: its codes, modifiers, date, setting, code-set hints and words.

Nothing here reads data: the shapes of codes are recognised by pattern, and the intent is
chosen from the words (after a small spelling correction) in :mod:`codekit._assistant.intent`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

import attrs


def _words(text: str) -> list[str]:
    return text.split()


__all__ = ["Parsed", "parse"]

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DATES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), "mdy"),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "Mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.I), "dMy"),
    (re.compile(r"\b(\d{4})\s*-?\s*q([1-4])\b", re.I), "yq"),
    (re.compile(r"\bq([1-4])\s*-?\s*(\d{4})\b", re.I), "qy"),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I), "My"),
    (re.compile(r"\bfy\s*-?\s*(\d{4})\b", re.I), "fy"),
    (re.compile(r"\b(?:in|during|for|of|on)\s+((?:19|20)\d{2})\b", re.I), "y"),
)

_SETTINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:outpatient[\s-]+hospital|hospital[\s-]+outpatient|hopd|opps|oph|"
            r"outpatient\s+(?:facility|department|setting)|facility\s+claims?)\b",
            re.I,
        ),
        "outpatient_hospital",
    ),
    (
        re.compile(r"\b(?:dme(?:pos)?|durable\s+medical\s+equipment|supplier)s?\b", re.I),
        "dme",
    ),
    (
        re.compile(
            r"\b(?:practitioner|physicians?|professional|office|clinic|asc|"
            r"ambulatory\s+surgery(?:\s+cent(?:er|re))?|doctor'?s?)\b",
            re.I,
        ),
        "practitioner",
    ),
)

#: Words that name a code set (or an HCC model) in a question.
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bicd[\s-]*9[\s-]*(?:cm[\s-]*)?(?:proc(?:edure)?s?|pcs|vol(?:ume)?\s*3)\b", re.I
        ),
        "icd9pcs",
    ),
    (re.compile(r"\bicd[\s-]*9(?:[\s-]*cm)?\b|\bnine\b", re.I), "icd9cm"),
    (re.compile(r"\bicd[\s-]*10[\s-]*pcs\b|\bpcs\b|\binpatient\s+procedure", re.I), "icd10pcs"),
    (re.compile(r"\bicd[\s-]*10(?:[\s-]*cm)?\b|\bicd\b|\bdx\b|\bdiagnos[ie]s\b", re.I), "icd10cm"),
    (re.compile(r"\bhcpcs\b|\blevel\s+ii\b", re.I), "hcpcs"),
    (re.compile(r"\bcpt\b", re.I), "cpt"),
    (re.compile(r"\bccsr\b", re.I), "ccsr"),
    (re.compile(r"\bms[\s-]*drg\b|\bdrg\b|\bcc\s*/\s*mcc\b", re.I), "drg:cc"),
    (re.compile(r"\brx\s*hcc\b", re.I), "rxhcc:V08"),
    (re.compile(r"\bv\s*28\b", re.I), "hcc:V28"),
    (re.compile(r"\bv\s*24\b", re.I), "hcc:V24"),
    (re.compile(r"\bv\s*22\b", re.I), "hcc:V22"),
    (re.compile(r"\besrd\b", re.I), "hcc:ESRD_V24"),
)

_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")
_CPT = re.compile(r"[0-9]{4}[0-9A-Z]")
_HCPCS = re.compile(r"[A-V][0-9]{4}")
_PCS = re.compile(r"(?=.*[0-9])[0-9B-DF-HX][0-9A-HJ-NP-Z]{6}")
_ICD9 = re.compile(r"(?:[0-9]{3}|V[0-9]{2}|E[0-9]{3})\.[0-9]{1,2}")
_ICD9_BARE = re.compile(r"[0-9]{3}|V[0-9]{2}")
_ICD9_PROC = re.compile(r"[0-9]{2}\.[0-9]{1,2}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]*[A-Za-z0-9]|[A-Za-z0-9]")
_MOD_AFTER = re.compile(
    r"\b(?:modifiers?|mods?|modifer|modifier's)\s*[:#-]?\s*-?([0-9a-z]{2})\b", re.I
)
_MOD_BEFORE = re.compile(r"(?:^|\s)-?([0-9A-Za-z]{2})\s+(?:modifiers?|mods?)\b", re.I)
_MOD_DASH = re.compile(r"\b([0-9A-Z]{5}|[A-Z][0-9]{4})-([0-9A-Z]{2})\b", re.I)
#: HCPCS modifiers written bare in upper case are recognised as modifiers.
_BARE_MODIFIERS = frozenset(
    _words(
        "LT RT XS XE XP XU TC GA GY GZ GT KX QW JW JZ GW GV SG AI AS AQ E1 E2 E3 E4 F1 F2 F3 "
        "F4 F5 F6 F7 F8 F9 FA T1 T2 T3 T4 T5 T6 T7 T8 T9 TA LC LD LM RC RI"
    )
)

#: Intent words, for spelling correction (a misspelt word close to one of these is read as it).
VOCABULARY = frozenset(
    _words(
        "together bill billed billing billable bundle bundled bundling separately same ptp "
        "ncci edit edits column modifier modifiers bypass bypasses override allowed allow "
        "units unit mue maximum max limit limits many times daily per day add-on addon "
        "primary primaries without requires require map maps mapped mapping crosswalk convert "
        "converts equivalent translate translates gem gems valid validity invalid active "
        "effective deleted deletion expired discontinued terminated replaced replacement "
        "replaces retired still hcc risk adjustment raf category categories under children "
        "child subcodes subcategories below hierarchy parent codes code compare difference "
        "different versus describe description definition meaning mean means what which find "
        "search lookup diagnosis procedure billed reported report payable pay paid denied "
        "deny denial"
    )
)

_TYPOS = {
    "modifer": "modifier",
    "modifyer": "modifier",
    "modifers": "modifiers",
    "mod": "modifier",
    "mods": "modifiers",
    "togther": "together",
    "togeter": "together",
    "togather": "together",
    "wth": "with",
    "w/": "with",
    "w/o": "without",
    "wo": "without",
    "biled": "billed",
    "bil": "bill",
    "unts": "units",
    "untis": "units",
    "mue's": "mue",
    "mues": "mue",
    "add-ons": "add-on",
    "addons": "add-on",
    "addon": "add-on",
    "xwalk": "crosswalk",
    "x-walk": "crosswalk",
    "whats": "what",
    "what's": "what",
    "vaild": "valid",
    "vallid": "valid",
    "hccs": "hcc",
    "descibe": "describe",
    "replacment": "replacement",
    "primay": "primary",
    "pimary": "primary",
    "heirarchy": "hierarchy",
    "hierachy": "hierarchy",
}

#: Two-letter English words that are not read as modifiers after "modifier".
_ENGLISH = frozenset(_words("is to do be on in of or an at by if it me my no so up us we he am"))

_WORD = re.compile(r"[a-z0-9][a-z0-9'/-]*")


@attrs.frozen
class Parsed:
    """What a question holds, in the order written."""

    text: str
    words: tuple[str, ...]
    codes: tuple[tuple[str, str], ...]
    modifiers: tuple[str, ...]
    as_of: dt.date | None
    setting: str | None
    hints: tuple[str, ...]
    residue: str

    def has(self, *words: str) -> bool:
        """Whether any of ``words`` (or phrases) occurs in the corrected question."""
        joined = " " + " ".join(self.words) + " "
        return any(f" {w} " in joined for w in words)


def _date(kind: str, groups: tuple[str, ...]) -> dt.date | None:
    try:
        if kind == "ymd":
            return dt.date(int(groups[0]), int(groups[1]), int(groups[2]))
        if kind == "mdy":
            year = int(groups[2])
            year += 2000 if year < 100 else 0
            return dt.date(year, int(groups[0]), int(groups[1]))
        if kind == "Mdy":
            return dt.date(int(groups[2]), _MONTHS[groups[0].lower()], int(groups[1]))
        if kind == "dMy":
            return dt.date(int(groups[2]), _MONTHS[groups[1].lower()], int(groups[0]))
        if kind == "yq":
            return dt.date(int(groups[0]), 3 * int(groups[1]) - 2, 1)
        if kind == "qy":
            return dt.date(int(groups[1]), 3 * int(groups[0]) - 2, 1)
        if kind == "My":
            return dt.date(int(groups[1]), _MONTHS[groups[0].lower()], 1)
        if kind == "fy":
            return dt.date(int(groups[0]) - 1, 10, 1)
        return dt.date(int(groups[0]), 1, 1)
    except ValueError:  # 2/30/2024: not a date
        return None


def _find_date(text: str) -> tuple[dt.date | None, str]:
    for pattern, kind in _DATES:
        match = pattern.search(text)
        if match is not None:
            day = _date(kind, match.groups())
            if day is not None and 1900 < day.year < 2200:
                return day, text[: match.start()] + " " + text[match.end() :]
    return None, text


def _code_shape(token: str, hints: tuple[str, ...]) -> str | None:
    upper = token.upper()
    if _ICD9.fullmatch(upper) and (not _ICD10CM.fullmatch(upper) or "icd9cm" in hints):
        return "icd9cm"
    if "icd9pcs" in hints and _ICD9_PROC.fullmatch(upper):
        return "icd9pcs"
    if "icd9cm" in hints and _ICD9_BARE.fullmatch(upper):
        return "icd9cm"
    if _CPT.fullmatch(upper):
        return "procedure"
    if _HCPCS.fullmatch(upper):
        return "hcpcs_or_icd"
    if _PCS.fullmatch(upper):
        return "icd10pcs"
    if _ICD10CM.fullmatch(upper) and any(c.isdigit() for c in upper[1:]):
        return "icd10cm"
    return None


def _correct(word: str) -> str:
    if word in _TYPOS:
        return _TYPOS[word]
    if len(word) >= 6 and word.isalpha() and word not in VOCABULARY:
        close = difflib.get_close_matches(word, VOCABULARY, n=1, cutoff=0.86)
        if close:
            return close[0]
    return word


def parse(question: str) -> Parsed:
    """Read ``question`` (any string; at most its first 2,000 characters)."""
    text = question[:2000].replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"(?i)\b(what|that|it|who|where|how)'s\b", r"\1 is", text)
    text = re.sub(r"'s\b", "", text)
    as_of, rest = _find_date(text)
    setting = next((name for pattern, name in _SETTINGS if pattern.search(rest)), None)
    hints = tuple(name for pattern, name in _HINTS if pattern.search(rest))
    for pattern, _name in _HINTS:
        rest = pattern.sub(" ", rest)
    codes: list[tuple[str, str]] = []
    modifiers = [match.group(2).upper() for match in _MOD_DASH.finditer(rest)]
    rest = _MOD_DASH.sub(lambda m: m.group(1), rest)
    for pattern in (_MOD_AFTER, _MOD_BEFORE):
        found = (m.group(1) for m in pattern.finditer(rest))
        modifiers += [m.upper() for m in found if m.lower() not in _ENGLISH]
        rest = pattern.sub(
            lambda m: m.group(0) if m.group(1).lower() in _ENGLISH else " modifier ", rest
        )
    residue_words: list[str] = []
    for token in _TOKEN.findall(rest):
        clean = token.rstrip(".")
        if clean in _BARE_MODIFIERS:
            modifiers.append(clean)
            continue
        shape = _code_shape(clean, hints)
        if shape is not None and not (clean.isdigit() and len(clean) == 4):
            codes.append((clean.upper(), shape))
        else:
            residue_words.append(clean)
    words = tuple(_correct(w) for w in _WORD.findall(text.lower()))
    return Parsed(
        text=text,
        words=words,
        codes=tuple(dict.fromkeys(codes)),
        modifiers=tuple(dict.fromkeys(m for m in modifiers if _MODIFIER.fullmatch(m))),
        as_of=as_of,
        setting=setting,
        hints=hints,
        residue=" ".join(residue_words),
    )
