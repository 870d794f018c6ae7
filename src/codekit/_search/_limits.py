"""What search and suggest accept: the caps that bound the cost of every call, and the
checks of each argument (anything else raises :class:`~codekit.exceptions.InvalidQueryError`
with a message that says what is allowed).
"""

from __future__ import annotations

from codekit.exceptions import InvalidQueryError

__all__ = [
    "MAX_CASE_TEXT_LENGTH",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_QUERY_LENGTH",
    "MAX_SUGGESTIONS",
    "check_case_text",
    "check_count",
    "check_query",
    "code_set_names",
]

#: The longest query :func:`~codekit.search` reads, in characters (a search box, not a
#: document: :func:`~codekit.suggest` reads case texts).
MAX_QUERY_LENGTH = 1_000
#: The most hits of one page, and the furthest page start.
MAX_LIMIT = 10_000
MAX_OFFSET = 100_000
#: The longest case text :func:`~codekit.suggest` reads, in characters (about 15,000 words),
#: and the most suggestions it gives.
MAX_CASE_TEXT_LENGTH = 100_000
MAX_SUGGESTIONS = 1_000


def check_query(text: str) -> None:
    """Refuse a search query longer than :data:`MAX_QUERY_LENGTH`."""
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQueryError(
            f"search text is {len(text):,} characters; a search reads at most "
            f"{MAX_QUERY_LENGTH:,}: search for fewer words, or use codekit.suggest for a case "
            "text"
        )


def check_case_text(text: str) -> None:
    """Refuse a case text longer than :data:`MAX_CASE_TEXT_LENGTH`."""
    if len(text) > MAX_CASE_TEXT_LENGTH:
        raise InvalidQueryError(
            f"case text is {len(text):,} characters; suggest reads at most "
            f"{MAX_CASE_TEXT_LENGTH:,}: split the text (one note or section at a time)"
        )


def code_set_names(code_sets: object) -> tuple[str, ...] | None:
    """The code set names of a ``code_sets=`` argument: ``None`` (every code set), one name,
    or an iterable of names. Anything else raises :class:`InvalidQueryError`."""
    if code_sets is None:
        return None
    if isinstance(code_sets, str):
        return (code_sets,)
    if isinstance(code_sets, bytes | bytearray | dict) or not hasattr(code_sets, "__iter__"):
        raise InvalidQueryError(
            f"code_sets must be a code set name or a list of names, not {_shown(code_sets)}"
        )
    try:
        names = tuple(code_sets)
    except Exception as error:  # an iterable may fail while iterated
        raise InvalidQueryError(f"code_sets could not be read: {error}") from error
    if not all(isinstance(n, str) for n in names):
        raise InvalidQueryError(
            "code_sets must name code sets, like code_sets=['icd10cm', 'hcpcs'], not "
            f"{_shown(code_sets)}"
        )
    return names


def check_count(value: object, name: str, low: int, high: int) -> None:
    """Raise :class:`InvalidQueryError` unless ``value`` is an int from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQueryError(f"{name} must be an integer, not {_shown(value)}")
    if not low <= value <= high:
        raise InvalidQueryError(
            f"{name} must be at least {low:,} and at most {high:,}, not {_shown(value)}"
        )


def _shown(value: object) -> str:
    """A short form of a bad argument for a message (a huge number or text is cut)."""
    try:
        text = repr(value)
    except Exception:  # any object may be passed, and its repr may fail
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."
