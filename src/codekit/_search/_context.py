"""Context in a case text that changes what a finding is coded as.

A drug named after ``on``, ``taking``, ``uses`` ... ("on insulin", "taking aspirin daily") is
current drug therapy, and so is each drug of a list after the trigger ("on aspirin, insulin
and warfarin"), coded with ICD-10-CM's long-term drug therapy codes ("Long term
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
#: Up to this many words of each item of the list may name the drug ("on long-acting insulin").
_DRUG_WORDS = 3
#: The wording of the long-term drug therapy codes' titles, searched with the drug's words.
THERAPY_WORDING = "long term current use"
#: Where the list of drugs after a trigger ends.
_END = re.compile(r"[.;:!?()\n]|\b(?:but|for|since|with|because)\b", re.IGNORECASE)
#: What separates the items of the list.
_ITEM = re.compile(r",|\b(?:and|or|plus)\b", re.IGNORECASE)


def therapy_spans(text: str) -> list[tuple[int, list[Word]]]:
    """Each drug the text says the patient is on: (where its context starts, the first words
    of its item of the list, at most three). The context of the first item starts at the
    trigger; a list ends at the end of the phrase or at the next trigger, so each word of
    the text belongs to one list at most."""
    found = []
    triggers = list(_THERAPY.finditer(text))
    for n, match in enumerate(triggers):
        start = match.end()
        end_match = _END.search(text, start)
        end = end_match.start() if end_match else len(text)
        if n + 1 < len(triggers):
            end = min(end, triggers[n + 1].start())
        begin, context = start, match.start()
        for item in [*_ITEM.finditer(text, start, end), None]:
            stop = item.start() if item is not None else end
            after = words(text[begin:stop])[:_DRUG_WORDS]
            if after:
                shifted = [Word(w.text, w.start + begin, w.end + begin) for w in after]
                found.append((context, shifted))
            if item is not None:
                begin = context = item.end()
    return found
