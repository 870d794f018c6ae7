"""The values search and suggest hand out."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from codekit._search._explain import Wording
    from codekit.models import Code, CodeKind

__all__ = ["SearchHit", "SearchResults", "Suggestion", "Suggestions"]

_Item = TypeVar("_Item", "SearchHit", "Suggestion")


def _named(item: SearchHit | Suggestion) -> dict[str, Any]:
    """The first fields of a hit's or a suggestion's dictionary: what it names, its score."""
    return {
        "code": item.code,
        "code_set": item.code_set,
        "description": item.description,
        "score": round(item.score, 4),
    }


def _kind(item: SearchHit | Suggestion) -> dict[str, Any]:
    """The last fields of a hit's or a suggestion's dictionary: what kind of item it is."""
    return {"kind": item.kind, "billable": item.billable, "release": item.release}


class _Page(Generic[_Item]):
    """A page of hits or suggestions as a sequence: iterate, index, ``len``."""

    __slots__ = ()

    def _entries(self) -> tuple[_Item, ...]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[_Item]:
        return iter(self._entries())

    def __len__(self) -> int:
        return len(self._entries())

    @overload
    def __getitem__(self, index: int) -> _Item: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[_Item, ...]: ...
    def __getitem__(self, index: int | slice) -> _Item | tuple[_Item, ...]:
        return self._entries()[index]

    def __bool__(self) -> bool:
        return bool(self._entries())


@attrs.frozen(kw_only=True)
class SearchHit:
    """One search result.

    ``score`` orders the results (higher is better): a code matched by its code scores 100
    (exactly) or 50 (by prefix), above every text match. ``matched`` lists the query words
    this item matched (after abbreviations and corrections: ``"htn"`` matches as itself).
    ``term`` is why it matched: the name it was found by (its description, an inclusion
    term such as "Bronzed diabetes", the title of the heading it is the default code of, a
    short description or index term, or for a code match the code), and ``term_span`` the
    ``(start, end)`` characters of ``term`` that the query's words (or their abbreviations'
    wording, their stems, their corrections) cover.
    """

    code: str
    code_set: str
    description: str
    score: float
    matched: tuple[str, ...] = ()
    #: With ``reason`` (the query's wording), ``term`` is the name matched: the line of it
    #: that shows the query's words, and their span, are worked out when first asked (most
    #: hits never are), in place (so neither is compared: ``code`` and ``score`` tell hits
    #: apart).
    _term: str = attrs.field(default="", alias="term", eq=False, repr=False)
    _term_span: tuple[int, int] = attrs.field(
        default=(0, 0), alias="term_span", eq=False, repr=False
    )
    _reason: Wording | None = attrs.field(default=None, alias="reason", eq=False, repr=False)
    kind: CodeKind = "code"
    billable: bool = False
    release: str = ""

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def _explain(self) -> None:
        reason = self._reason
        if reason is not None:
            from codekit._search._explain import explain

            term, span = explain(self._term, reason.forms)
            object.__setattr__(self, "_term", term)
            object.__setattr__(self, "_term_span", span)
            object.__setattr__(self, "_reason", None)

    @property
    def term(self) -> str:
        """The name this hit was found by (see the class docstring)."""
        if self._reason is not None:
            self._explain()
        return self._term

    @property
    def term_span(self) -> tuple[int, int]:
        """The ``(start, end)`` characters of :attr:`term` the query's words cover."""
        if self._reason is not None:
            self._explain()
        return self._term_span

    def lookup(self) -> Code:
        """The full :class:`~codekit.models.Code` (notes, attributes, hierarchy)."""
        from codekit._lookup import lookup

        return lookup(self.code, code_set=self.code_set, release=self.release)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            **_named(self),
            "matched": list(self.matched),
            "term": self.term,
            "term_span": list(self.term_span),
            **_kind(self),
        }

    def why(self) -> str:
        """``term`` with the part the query matched in brackets: ``"Bronzed [diabetes]"``."""
        start, end = self.term_span
        if start == end:
            return self.term
        return f"{self.term[:start]}[{self.term[start:end]}]{self.term[end:]}"


def _marked(term: str, span: tuple[int, int]) -> str:
    esc = html.escape
    start, end = span
    if start == end:
        return esc(term)
    return f"{esc(term[:start])}<mark>{esc(term[start:end])}</mark>{esc(term[end:])}"


def _row_html(
    index: int,
    code: str,
    code_set: str,
    *,
    text: str,
    extra: str,
    score: float,
    marked: bool = False,
) -> str:
    esc = html.escape
    shown = extra if marked else esc(extra)
    return (
        f"<tr><td>{index}</td><td><code>{esc(code)}</code></td><td>{esc(code_set)}</td>"
        f"<td>{esc(text)}</td><td>{shown}</td><td>{score:.2f}</td></tr>"
    )


@attrs.frozen(kw_only=True)
class SearchResults(_Page["SearchHit"]):
    """One page of search results: iterate, index, ``len``; ``offset`` pages on.

    ``has_more`` tells whether another page exists (ask for it with ``offset=next_offset``).
    ``corrections`` maps query words that were not found to the words searched instead;
    ``ignored`` lists words that matched nothing anywhere and were left out.
    """

    query: str
    hits: tuple[SearchHit, ...]
    offset: int = 0
    limit: int = 10
    has_more: bool = False
    corrections: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    ignored: tuple[str, ...] = ()

    def _entries(self) -> tuple[SearchHit, ...]:
        return self.hits

    def codes(self) -> list[str]:
        """The codes of the hits, in order."""
        return [hit.code for hit in self.hits]

    @property
    def next_offset(self) -> int:
        """The ``offset`` of the next page."""
        return self.offset + len(self.hits)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "query": self.query,
            "offset": self.offset,
            "limit": self.limit,
            "has_more": self.has_more,
            "corrections": {k: list(v) for k, v in self.corrections.items()},
            "ignored": list(self.ignored),
            "hits": [hit.to_dict() for hit in self.hits],
        }

    def _repr_html_(self) -> str:
        rows = "".join(
            _row_html(
                self.offset + i + 1,
                h.code,
                h.code_set,
                text=h.description,
                extra=_marked(h.term, h.term_span),
                score=h.score,
                marked=True,
            )
            for i, h in enumerate(self.hits)
        )
        note = ""
        if self.corrections:
            fixed = ", ".join(f"{k} → {'/'.join(v)}" for k, v in self.corrections.items())
            note = f"<p>searched for: {html.escape(fixed)}</p>"
        more = f"<p>more results: use offset={self.next_offset}</p>" if self.has_more else ""
        return (
            f"<div class='codekit-search'><p>search {html.escape(self.query)!s}</p>{note}"
            "<table><tr><th>#</th><th>code</th><th>code set</th><th>description</th>"
            f"<th>matched</th><th>score</th></tr>{rows}</table>{more}</div>"
        )


@attrs.frozen(kw_only=True)
class Suggestion:
    """One code suggested for a case text, with the evidence it rests on.

    ``evidence`` is the text of the case the suggestion rests on and ``span`` its
    ``(start, end)`` character offsets in the case text.
    """

    code: str
    code_set: str
    description: str
    score: float
    evidence: str
    span: tuple[int, int]
    matched: tuple[str, ...] = ()
    kind: CodeKind = "code"
    billable: bool = False
    release: str = ""

    def __str__(self) -> str:
        return f"{self.code} {self.description} [{self.evidence}]"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            **_named(self),
            "evidence": self.evidence,
            "span": list(self.span),
            "matched": list(self.matched),
            **_kind(self),
        }


@attrs.frozen(kw_only=True)
class Suggestions(_Page["Suggestion"]):
    """The suggestions for one case text, best first; ``negated`` lists the spans left out
    because the text negates them (``"denies chest pain"``)."""

    text: str
    items: tuple[Suggestion, ...]
    negated: tuple[tuple[int, int], ...] = ()

    def _entries(self) -> tuple[Suggestion, ...]:
        return self.items

    def codes(self) -> list[str]:
        """The suggested codes, in order."""
        return [s.code for s in self.items]

    def negated_text(self) -> list[str]:
        """The negated parts of the case text."""
        return [self.text[a:b] for a, b in self.negated]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "text": self.text,
            "negated": [list(span) for span in self.negated],
            "suggestions": [s.to_dict() for s in self.items],
        }

    def _repr_html_(self) -> str:
        rows = "".join(
            _row_html(
                i + 1, s.code, s.code_set, text=s.description, extra=s.evidence, score=s.score
            )
            for i, s in enumerate(self.items)
        )
        negated = ", ".join(html.escape(t) for t in self.negated_text())
        note = f"<p>negated: {negated}</p>" if negated else ""
        return (
            "<div class='codekit-suggest'><table><tr><th>#</th><th>code</th><th>code set</th>"
            f"<th>description</th><th>evidence</th><th>score</th></tr>{rows}</table>{note}</div>"
        )
