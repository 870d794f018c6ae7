"""Long titles lent to a release that carries only short descriptors.

Some sources of a code set give only its short descriptors (the HCPCS files of the
Integrated OCE: "Walker rigid adjust/fixed ht"), others the official long titles too (the
CMS HCPCS file: "Walker, rigid (pickup), adjustable or fixed height"). Long titles are how
coders and users name an item, and they are written head term first, as an index is. When
the release searched has no long titles and another installed release of the same code set
from another source has them, each code whose short descriptor is the same in both (the
same item) is indexed by the other release's long title, its short descriptor kept as its
short description (as in a release that has both).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from codekit import _registry
from codekit._search._names import counted_words
from codekit._search._text import STOPWORDS, word_texts

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codekit._registry import Release

__all__ = ["Lent", "borrowed_titles", "compound"]

#: The registry's memo of what each release is lent (see ``Registry.memo``).
_LENT = ("search lent titles",)
_MEMO_MAX = 64
#: Words after a title's comma that count or qualify the item, not name a kind of it.
_NO_MODIFIER = frozenset({"each", "any", "other", "only", "both", "per"})


@attrs.frozen
class Lent:
    """The long titles another release lends to one that has short descriptors only.

    ``identity`` names the donor ("" when nothing is lent); ``titles`` are the lent long
    titles by code; ``short_only`` the codes of the release that the donor does not hold
    as the same item (an item added after the donor's release, or one whose descriptor
    changed): they keep their short descriptors while the others have long titles."""

    identity: str = ""
    titles: Mapping[str, str] = attrs.field(factory=dict)
    short_only: frozenset[str] = frozenset()


_NOTHING = Lent()


def _has_long_titles(release: Release) -> bool:
    source = release.source()
    # a packaged or installed release answers in one query; a plugin's source is read through
    ask = getattr(source, "has_long_titles", None)
    if callable(ask):
        return bool(ask())
    return any(
        r.short_description and r.short_description != r.description for r in source.records()
    )


def _donor(release: Release) -> Release | None:
    """The newest other release of the code set, from another source file, with long
    titles (releases of one source file are alike: none of them is checked twice)."""
    info = release.info
    try:
        others = _registry.current().releases(info.code_set)
    except LookupError:
        return None
    checked = {info.sha256} if info.sha256 else set()
    for other in sorted(others, key=lambda r: r.info.effective or dt.date.min, reverse=True):
        source = other.info.sha256
        if other is release or other.info == info or (source and source in checked):
            continue
        if source:
            checked.add(source)
        if _has_long_titles(other):
            return other
    return None


def borrowed_titles(release: Release) -> Lent:
    """The long titles lent to ``release`` (nothing when it has long titles of its own or
    no other release has them). Remembered by the registry (its one cache context)."""
    info = release.info
    registry = _registry.current()
    try:
        installed = tuple(r.info for r in registry.releases(info.code_set))
    except LookupError:
        installed = ()
    memo: dict[object, Lent] = registry.memo(_LENT, dict)
    key = (info, release.plugin, installed)
    found = memo.get(key)
    if found is None:
        found = _lend(release)
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = found
    return found


def _lend(release: Release) -> Lent:
    if not release.info.sha256 or _has_long_titles(release):
        return _NOTHING
    donor = _donor(release)
    if donor is None:
        return _NOTHING
    # The donor's items by code: (short descriptor, long title if it has one).
    donated = {
        r.code: (
            (r.short_description or r.description).casefold(),
            r.description if r.short_description and r.short_description != r.description else None,
        )
        for r in donor.source().records()
    }
    titles = {}
    short_only = set()
    for record in release.source().records():
        same = donated.get(record.code)
        short = (record.short_description or record.description).casefold()
        if same is None or same[0] != short:
            short_only.add(record.code)  # not the same item in the donor
        elif same[1] is not None:
            titles[record.code] = same[1]
    d = donor.info
    return Lent(f"titles:{d.code_set}:{d.release}:{d.sha256}", titles, frozenset(short_only))


def compound(title: str) -> str | None:
    """The two-word compound a user types for a title written head term first, as an index
    is: the modifier after the first comma, when it is one word, before the head term's
    last word ("External ambulatory infusion pump, insulin" -> "insulin pump", "Walker,
    rigid (pickup), ..." -> "rigid walker"); None for other titles, and for a head term
    with a preposition or a modifier that is a quantity ("..., each")."""
    head, comma, rest = title.partition(",")
    if not comma:
        return None
    if any(w in STOPWORDS for w in word_texts(head)):
        return None  # "Shock absorber for manual wheelchair": its noun is not its last word
    head_words = counted_words(head)
    modifier = counted_words(rest.split(",", 1)[0])  # without words in parentheses
    if not head_words or len(modifier) != 1:
        return None
    word, noun = modifier[0], head_words[-1]
    if not word.isalpha() or len(word) < 3 or word in head_words or word in _NO_MODIFIER:
        return None
    return f"{word} {noun}"
