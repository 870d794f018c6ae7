"""Search, autocomplete and case-to-code suggestions over every installed code set.

One FTS5 index per release (see :mod:`codekit._search._index`), built on first use into the
user cache and shared by all processes; :func:`search` ranks codes for what a user types and
:func:`suggest` proposes codes for a free-text case description.
"""

from __future__ import annotations

from codekit._search._engine import search
from codekit._search._results import SearchHit, SearchResults, Suggestion, Suggestions
from codekit._search._suggest import suggest

__all__ = ["SearchHit", "SearchResults", "Suggestion", "Suggestions", "search", "suggest"]
