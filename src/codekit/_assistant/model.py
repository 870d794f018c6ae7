"""The values of an answer: citations, cited statements, structured facts, the answer."""

from __future__ import annotations

import html
from typing import Any

import attrs

__all__ = ["Answer", "Citation", "Fact", "Statement"]

#: What a fact's value may be: plain JSON-ready scalars, or a tuple of strings.
FactValue = str | int | bool | None | tuple[str, ...]


@attrs.frozen
class Citation:
    """Where a statement comes from.

    ``kind`` is ``code_set`` (a code set's release), ``crosswalk``, ``ncci`` (an NCCI table),
    ``rule`` (a rule of the NCCI semantics codekit implements) or ``inventory`` (what data
    is installed). ``source`` names it (``"ICD-10-CM FY2027"``, ``"NCCI PTP practitioner
    2026Q3-practitioner"``), ``release`` is the release id and ``file`` the source file name
    where one is known.
    """

    kind: str
    source: str
    release: str = ""
    file: str = ""

    def label(self) -> str:
        """The citation in words: ``NCCI MUE practitioner 2026Q3-practitioner, file X``."""
        text = self.source
        if self.file:
            text += f", file {self.file}"
        return text

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dictionary."""
        return {
            "kind": self.kind,
            "source": self.source,
            "release": self.release,
            "file": self.file,
        }


@attrs.frozen
class Statement:
    """One sentence of an answer and the index of its citation in ``Answer.citations``."""

    text: str
    citation: int


@attrs.frozen
class Fact:
    """One structured fact behind an answer (``name`` = ``value``) and its citation index."""

    name: str
    value: FactValue
    citation: int


@attrs.frozen(kw_only=True)
class Answer:
    """codekit's answer to one question.

    ``statements`` are the sentences, each with the index of its citation in ``citations``;
    ``text`` joins them, each sentence followed by its citation number (``[1]``).
    ``intent`` is what the question was understood to ask (``describe``, ``ptp``, ``mue``,
    ...; ``unknown`` when nothing was recognised) and ``understood`` the arguments found
    (codes, date, setting, modifiers). ``facts`` are the structured facts the sentences
    state; ``answered`` is false when the data to answer is missing or the question was
    not understood (the statements then say what was understood and what to install).
    """

    question: str
    intent: str
    statements: tuple[Statement, ...]
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...] = ()
    understood: tuple[tuple[str, FactValue], ...] = ()
    answered: bool = True

    @property
    def text(self) -> str:
        """The answer in plain sentences, each ending with its citation number."""
        return " ".join(_sentence(s) for s in self.statements)

    def fact(self, name: str) -> FactValue:
        """The value of the first fact called ``name`` (``None`` if there is none)."""
        for fact in self.facts:
            if fact.name == name:
                return fact.value
        return None

    def facts_named(self, name: str) -> tuple[FactValue, ...]:
        """Every value of the facts called ``name``, in order."""
        return tuple(f.value for f in self.facts if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "question": self.question,
            "intent": self.intent,
            "answered": self.answered,
            "text": self.text,
            "statements": [{"text": s.text, "citation": s.citation} for s in self.statements],
            "citations": [c.to_dict() for c in self.citations],
            "facts": [
                {"name": f.name, "value": _json(f.value), "citation": f.citation}
                for f in self.facts
            ],
            "understood": {key: _json(value) for key, value in self.understood},
        }

    def _repr_html_(self) -> str:
        esc = html.escape
        out = ['<div class="codekit-answer">', f"<p><i>{esc(self.question)}</i></p><ol>"]
        out += [f"<li>{esc(s.text)} <sup>[{s.citation + 1}]</sup></li>" for s in self.statements]
        out.append("</ol><p><small>")
        out += [f"[{i}] {esc(c.label())}<br>" for i, c in enumerate(self.citations, start=1)]
        out.append("</small></p></div>")
        return "".join(out)

    def __str__(self) -> str:
        lines = [self.text, ""]
        lines += [f"[{i}] {c.label()}" for i, c in enumerate(self.citations, start=1)]
        return "\n".join(lines)


def _sentence(statement: Statement) -> str:
    body = statement.text.rstrip()
    end = body[-1] if body and body[-1] in ".?!" else "."
    body = body.rstrip(".?!")
    return f"{body} [{statement.citation + 1}]{end}"


def _json(value: FactValue) -> Any:
    return list(value) if isinstance(value, tuple) else value
