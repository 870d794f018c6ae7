"""Building an answer: cited statements, facts, and the citations of codekit's data."""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from codekit._assistant.model import Answer, Citation, Fact, FactValue, Statement

if TYPE_CHECKING:
    from codekit.models import Code
    from codekit.ncci import Provenance

__all__ = [
    "QUESTION",
    "Builder",
    "code_citation",
    "crosswalk_citation",
    "ncci_citation",
    "quarter",
    "quiet",
]

#: The citation of statements about the question itself (what was understood).
QUESTION = Citation("question", "the question as codekit read it")

_TITLES = {
    "icd10cm": "ICD-10-CM",
    "icd10pcs": "ICD-10-PCS",
    "icd9cm": "ICD-9-CM",
    "icd9pcs": "ICD-9-CM procedures",
    "hcpcs": "HCPCS Level II",
    "cpt": "CPT",
    "modifier": "HCPCS modifier",
    "pos": "Place of Service",
}


def title(code_set: str) -> str:
    """A code set's name in words (``ICD-10-CM``)."""
    return _TITLES.get(code_set, code_set)


class Builder:
    """Collects the statements, facts and citations of one answer."""

    def __init__(self, question: str, intent: str) -> None:
        self.question = question
        self.intent = intent
        self.statements: list[Statement] = []
        self.citations: list[Citation] = []
        self.facts: list[Fact] = []
        self.understood: dict[str, FactValue] = {}
        self.answered = True

    def cite(self, citation: Citation) -> int:
        """The index of ``citation`` (added once)."""
        try:
            return self.citations.index(citation)
        except ValueError:
            self.citations.append(citation)
            return len(self.citations) - 1

    def say(self, text: str, citation: Citation, **facts: FactValue) -> None:
        """Add one sentence (square brackets become parentheses) and the facts it states."""
        index = self.cite(citation)
        clean = " ".join(text.replace("[", "(").replace("]", ")").split())
        self.statements.append(Statement(clean, index))
        for name, value in facts.items():
            self.facts.append(Fact(name, value, index))

    def add_fact(self, name: str, value: FactValue, citation: Citation) -> None:
        """Add a fact stated by a sentence already cited with ``citation``."""
        self.facts.append(Fact(name, value, self.cite(citation)))

    def missing(self, text: str, citation: Citation | None = None) -> None:
        """Say what data is missing; the answer is then not complete."""
        self.answered = False
        self.say(text, citation or Citation("inventory", "installed data (codekit.data.list())"))

    def answer(self) -> Answer:
        """The finished answer."""
        return Answer(
            question=self.question,
            intent=self.intent,
            statements=tuple(self.statements),
            citations=tuple(self.citations),
            facts=tuple(self.facts),
            understood=tuple(self.understood.items()),
            answered=self.answered,
        )


def code_citation(code: Code) -> Citation:
    """The code set and release a :class:`~codekit.models.Code` comes from."""
    import codekit

    source_file = ""
    for release in codekit.data_releases(code.code_set):
        if release.release == code.release:
            source_file = release.source_file
    return Citation("code_set", f"{title(code.code_set)} {code.release}", code.release, source_file)


def crosswalk_title(name: str, source: str) -> str:
    """A crosswalk's title as registered (``GEM ICD-9-CM to ICD-10-CM``)."""
    import codekit

    for crosswalk in codekit.crosswalks():
        if crosswalk.name == name and crosswalk.source == source:
            return crosswalk.title
    return f"{title(source)} to {title(name)} crosswalk"


def crosswalk_citation(name: str, source: str, release: str) -> Citation:
    """A crosswalk release (``GEM ICD-9-CM to ICD-10-CM 2015``)."""
    import codekit

    source_file = ""
    for crosswalk in codekit.crosswalks():
        if crosswalk.name == name and crosswalk.source == source:
            for info in crosswalk.releases:
                if info.release == release:
                    source_file = info.source_file
    label = f"{crosswalk_title(name, source)} {release}"
    return Citation("crosswalk", label, release, source_file)


def ncci_citation(provenance: Provenance) -> Citation:
    """An NCCI table: kind, program, setting, release and the CMS file name."""
    setting = "" if provenance.setting == "all" else f" {provenance.setting}"
    return Citation(
        "ncci",
        f"NCCI {provenance.table} {provenance.program}{setting} {provenance.release}",
        provenance.release,
        provenance.source_file,
    )


def quarter(day: dt.date) -> str:
    """The NCCI quarter of a date (``2026Q3``)."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@contextlib.contextmanager
def quiet(builder: Builder) -> Iterator[None]:
    """Run data calls with codekit's stale-data warnings turned into cited statements."""
    from codekit.exceptions import StaleDataWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StaleDataWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, StaleDataWarning):
            builder.say(
                f"Note: {warning.message}",
                Citation("inventory", "installed data (codekit.data_releases())"),
            )
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
