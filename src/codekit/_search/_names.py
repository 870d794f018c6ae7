"""The names of an item as the index holds them, what each counts, and their static rank.

An item is found by its names: its description, each inclusion term and index term; its
short description and synonyms are other text, in a row of its own ranked after every
name. What a name counts for ranking is its words less stop words, "unspecified"/"NOS",
the 7th-character encounter wording and (ICD-10-CM's nonessential modifiers) the words in
parentheses (:func:`size`, :func:`head_size`). :func:`add_names` gives each name row its
static rank (see ``_build`` for the file the rows go to).

**The prior for generic queries.** A heading that may not be reported (a category such as
E11 "Type 2 diabetes mellitus", or a subcategory) lends each of its names to its *default
code*: the billable code below it that a coder reports when nothing more is known, found
from the hierarchy and the wording (:mod:`codekit._search._prior`). The lent name ranks just before
the heading's own, so "type 2 diabetes" gives E11.9 before E11, and no heading ranks above
its own default code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from codekit._codesets.spec import kind_rank
from codekit._search._text import STOPWORDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from codekit.plugins import CodeRecord

__all__ = [
    "INDEXED_NOTES",
    "OTHER_TEXT",
    "NameRow",
    "Sizes",
    "add_names",
    "counted_words",
    "first_word",
    "head_size",
    "size",
    "terms",
    "with_terms",
]

#: Note kinds whose texts name the item itself (never excludes or "code first" notes).
INDEXED_NOTES = ("inclusion_term", "includes", "index_term", "synonym")
#: Of those, the kinds that are names of the item on their own (indexed as separate names):
#: a coders' index term names its code as an inclusion term does ("Colonoscopy", 0DJD8ZZ).
_NAME_NOTES = ("inclusion_term", "includes", "index_term")
#: The others: more text of the item, not names of their own.
_OTHER_NOTES = tuple(kind for kind in INDEXED_NOTES if kind not in _NAME_NOTES)

#: The ``size`` of rows of other text (short descriptions) is this plus the description's.
OTHER_TEXT = 10000
_UNCOUNTED = STOPWORDS | {"unspecified", "nos"}
_WORD = re.compile(r"[^\W_]+")
_NOT_SPECIFIED = re.compile(r"\b(?:site )?not specified\b", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
#: The 7th-character wording of ICD-10-CM injuries ("..., initial encounter for closed
#: fracture"): it tells encounters apart, not conditions, so it does not count.
_ENCOUNTER = re.compile(r",? (?:initial|subsequent) encounter\b.*$|,? sequela$", re.IGNORECASE)


def terms(record: CodeRecord) -> list[str]:
    """Every text of ``record`` that the index holds besides its description."""
    texts = []
    if record.short_description and record.short_description != record.description:
        texts.append(record.short_description)
    for kind in INDEXED_NOTES:
        texts.extend(record.notes.get(kind, ()))
    return texts


def counted_words(text: str, *, full: bool = False) -> list[str]:
    """The words of a name that count for ranking (see :func:`size`), lower case."""
    bare = text.lower()
    if "encounter" in bare or "sequela" in bare:
        bare = _ENCOUNTER.sub("", bare)
    if "specified" in bare:
        bare = _NOT_SPECIFIED.sub(" ", bare)
    if not full and ("(" in bare or "[" in bare):
        bare = _PARENTHESES.sub(" ", bare)
    return [w for w in _WORD.findall(bare) if w not in _UNCOUNTED]


def size(text: str, *, full: bool = False) -> int:
    """How many words of a name count for ranking.

    Not stop words, not "unspecified"/"NOS", not the 7th-character encounter wording, and
    (unless ``full``) not the words in parentheses, which ICD-10-CM uses for nonessential
    modifiers ("Essential (primary) hypertension").
    """
    return max(1, len(counted_words(text, full=full)))


def head_size(text: str) -> int:
    """The counted words of a name's head term: the words before its first comma
    ("Pneumonia, unspecified organism" has the head "Pneumonia", of one word)."""
    head = text.split(",", 1)[0]
    return max(1, len(counted_words(head)))


def _part_of_a_body_part(record: CodeRecord) -> int:
    """1 for an ICD-10-PCS Excision (root operation B: a portion of a body part), else 0.

    An index term shared by Excision and Resection codes ("Appendectomy": 0DBJ and 0DTJ)
    names the removal of the organ, which guideline B3.8 codes as Resection (all of a body
    part): among the names of one size, the Resection code comes first."""
    code = record.code
    return int(len(code) == 7 and code[0] == "0" and code[2] == "B" and code.isalnum())


def _encounter_rank(description: str) -> int:
    """Initial encounters (and items without one) first, then subsequent, then sequela."""
    lowered = description.lower()
    if lowered.endswith("sequela"):
        return 2
    return 1 if "subsequent encounter" in lowered else 0


def first_word(name: str) -> str | None:
    """The first word of a name, lower case, unless it is not counted (see :func:`size`)."""
    first = _WORD.search(name.lower())
    if first is None or first.group() in _UNCOUNTED:
        return None
    return first.group()


def _names(record: CodeRecord) -> list[tuple[str, str]]:
    """The rows an item is found by: (name, other text). Its description and each inclusion
    term and index term are names; its short description and synonyms are other text, in a
    row of their own (an empty name) that ranks after every name."""
    names = [(record.description, "")]
    notes = record.notes
    if notes:
        for kind in _NAME_NOTES:
            names.extend((term, "") for term in notes.get(kind, ()))
    extra = []
    if record.short_description and record.short_description != record.description:
        extra.append(record.short_description)
    if notes:
        for kind in _OTHER_NOTES:
            extra.extend(notes.get(kind, ()))
    if extra:
        names.append(("", "\n".join(extra)))
    return names


_Rank = tuple[Any, ...]
#: A name row: (static rank, item, name, other text, size with parentheses, release
#: number, the name shown as the term matched or None).
NameRow = tuple[_Rank, int, str, str, int, int, "str | None"]


class Sizes(dict[str, tuple[int, int, int]]):
    """The counted words of names, each text measured once per build (headings lend their
    names to their default codes, and many codes share a description): for a name, its
    :func:`size`, its size with the words in parentheses, and its :func:`head_size`."""

    def __missing__(self, text: str) -> tuple[int, int, int]:
        # size() and size(full=True) in one pass: they differ only by the parentheses.
        bare = text.lower()
        if "encounter" in bare or "sequela" in bare:
            bare = _ENCOUNTER.sub("", bare)
        if "specified" in bare:
            bare = _NOT_SPECIFIED.sub(" ", bare)
        full = max(1, len([w for w in _WORD.findall(bare) if w not in _UNCOUNTED]))
        if "(" in bare or "[" in bare:
            bare = _PARENTHESES.sub(" ", bare)
            outer = max(1, len([w for w in _WORD.findall(bare) if w not in _UNCOUNTED]))
        else:
            outer = full
        head = head_size(text) if "," in text else outer
        found = self[text] = (outer, full, head)
        return found


class _Owner:
    """What the static rank of a name takes from the item it names (see
    :func:`add_names`): worked out once per item rather than once per name."""

    __slots__ = ("described", "encounter", "heading", "part", "short", "unspecified")

    def __init__(
        self, record: CodeRecord, lent_to: CodeRecord | None, sizes: Sizes, *, short_only: bool
    ) -> None:
        owner = lent_to or record
        # Known by a short descriptor only (no long title lent: see ``_build.fill``).
        self.short = int(short_only)
        self.heading = (0 if owner.billable else 1, kind_rank(owner.kind))
        self.encounter = _encounter_rank(record.description)
        self.unspecified = 0 if "unspecified" in record.description.lower() else 1
        self.described = sizes[record.description][0]
        self.part = _part_of_a_body_part(record)


def with_terms(record: CodeRecord, names: Sequence[str]) -> CodeRecord:
    """``record`` with more names (as its inclusion terms)."""
    if not names:
        return record
    notes = dict(record.notes)
    notes["inclusion_term"] = (*notes.get("inclusion_term", ()), *names)
    return attrs.evolve(record, notes=notes)


def add_names(
    names: list[NameRow],
    record: CodeRecord,
    rankid: int,
    docid: int,
    cs: int,
    *,
    sizes: Sizes,
    lent_to: CodeRecord | None = None,
    short_only: bool = False,
) -> None:
    """Append the name rows of ``record`` for the item ``docid`` (``record`` itself, or
    its default code ``lent_to`` that the heading ``record`` lends its names to).

    The static rank of a name (lower first): fewer counted words first (see :func:`size`),
    then an item with a long title before one known by a short descriptor only (in a
    release lent long titles, ``short_only``), then fewer words in its head term, then an
    item's own description before its inclusion terms (and of those, an ICD-10-PCS
    Resection before an Excision: :func:`_part_of_a_body_part`), initial encounters,
    "unspecified" items, billable codes before headings (a default code before the heading
    that lends it the name), shorter names.
    Other text ranks after every name, by the size of the description.
    """
    item = _Owner(record, lent_to, sizes, short_only=short_only)
    billable, kind = item.heading
    description = record.description
    for name, extra in _names(record):
        if not name:
            rank = (OTHER_TEXT + item.described, item.short, 0, 1, 0, item.encounter, 1,
                    billable, kind, 0, rankid)  # fmt: skip
            names.append((rank, docid, name, extra, item.described, cs, extra))
            continue
        bare, full, head = sizes[name]
        own = name == description
        rank = (bare, item.short, head, 0 if own else 1, 0 if own else item.part,
                item.encounter, item.unspecified, billable, kind, len(name), rankid)  # fmt: skip
        term = None if own and lent_to is None else name
        names.append((rank, docid, name, extra, full, cs, term))
