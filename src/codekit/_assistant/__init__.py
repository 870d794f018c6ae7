"""The coding assistant: ``codekit.ask`` answers coders' questions from codekit's data.

Rooms: :mod:`.parse` reads a question (codes, modifiers, date, setting), :mod:`.intent`
chooses what it asks, :mod:`.codes`, :mod:`.maps` and :mod:`.ncci` build the answers over
the public API, :mod:`.build` and :mod:`.model` hold the cited statements, and
:mod:`.backend` is the language-model hook (none by default).
"""

from __future__ import annotations

from codekit._assistant.asking import Conversation, ask
from codekit._assistant.backend import BACKEND_EXTENSION, AskBackend
from codekit._assistant.intent import INTENTS
from codekit._assistant.model import Answer, Citation, Fact, Statement

__all__ = [
    "BACKEND_EXTENSION",
    "INTENTS",
    "Answer",
    "AskBackend",
    "Citation",
    "Conversation",
    "Fact",
    "Statement",
    "ask",
]
