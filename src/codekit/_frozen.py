"""Read-only mapping fields of codekit's values (``Code.notes``, ``CodePage.info``, ...)."""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from codekit.exceptions import InvalidValueError

__all__ = ["EMPTY", "frozen_mapping"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


def frozen_mapping(value: Any, owner: str, field: str, example: str) -> Mapping[str, Any]:
    """``value`` (``field`` of ``owner``) as a read-only copy of a mapping.

    ``None`` and empty values give the shared empty mapping; a mapping or an iterable of
    (key, value) pairs is copied; anything else raises :class:`InvalidValueError`.
    """
    try:
        if value is None or not value:
            return EMPTY
        return MappingProxyType(dict(value))
    except (TypeError, ValueError):  # not a mapping, or not (key, value) pairs
        raise InvalidValueError(
            field,
            value,
            f"{owner}({field}=...) takes a mapping such as {example}, not "
            f"{type(value).__name__} {reprlib.repr(value)}; pass a dict or leave {field} out",
        ) from None
