"""Context in a case text that changes what a finding is coded as.

A drug named after ``on``, ``taking``, ``uses`` ... ("on insulin", "taking aspirin daily") is
current drug therapy, coded with ICD-10-CM's long-term drug therapy codes ("Long term
(current) use of insulin", Z79.4), not as the drug's own conditions (insulin resistance).
"""

from __future__ import annotations

import re

from codekit._search._text import Word, words

__all__ = ["THERAPY_WORDING", "therapy_spans"]

#: Words that introduce a drug the patient takes.
_THERAPY = re.compile(
    r"\b(?:on|taking|takes|take|using|uses|started on|maintained on|continues on|"
    r"prescribed|receiving|receives)\s+",
    re.IGNORECASE,
)
#: Up to this many words after the trigger may name the drug ("on long-acting insulin").
_DRUG_WORDS = 3
#: The wording of the long-term drug therapy codes' titles, searched with the drug's words.
THERAPY_WORDING = "long term current use"
_END = re.compile(r"[,.;:!?()\n]|\b(?:and|or|but|for|since|with|because)\b", re.IGNORECASE)


def therapy_spans(text: str) -> list[tuple[int, list[Word]]]:
    """Each drug-therapy context of ``text``: (where its trigger starts, the words after it
    up to the end of the phrase, at most three)."""
    found = []
    for match in _THERAPY.finditer(text):
        start = match.end()
        end_match = _END.search(text, start)
        end = end_match.start() if end_match else len(text)
        after = words(text[start:end])[:_DRUG_WORDS]
        if after:
            shifted = [Word(w.text, w.start + start, w.end + start) for w in after]
            found.append((match.start(), shifted))
    return found
