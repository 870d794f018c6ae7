"""HCPCS / CPT codes as integers: five characters ``[0-9A-Z]`` read as a base-36 number.

Digits sort before letters in both ASCII and base 36, so integer order is code order.
36**5 fits in 32 bits; a PTP pair ``(column 1, column 2)`` is one 64-bit key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CODE", "decode", "decode_many", "encode", "encode_many", "pair_key"]

CODE = re.compile(r"[0-9A-Z]{5}")
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUE = {c: i for i, c in enumerate(_DIGITS)}
#: 36**5: every code's integer is below it.
LIMIT = 36**5


@lru_cache(maxsize=1 << 16)
def encode(code: str) -> int:
    """The integer of a canonical 5-character code (raises ``KeyError``/``ValueError`` if not)."""
    if len(code) != 5:
        raise ValueError(f"{code!r} is not a 5-character HCPCS/CPT code")
    value = 0
    for char in code:
        value = value * 36 + _VALUE[char]
    return value


@lru_cache(maxsize=1 << 16)
def decode(value: int) -> str:
    """The code of an integer made by :func:`encode`."""
    value = int(value)
    chars = []
    for _ in range(5):
        value, digit = divmod(value, 36)
        chars.append(_DIGITS[digit])
    return "".join(reversed(chars))


def pair_key(column1: int, column2: int) -> int:
    """The 64-bit key of a PTP pair."""
    return (column1 << 32) | column2


def encode_many(codes: Sequence[str]) -> Any:
    """A ``uint32`` numpy array of codes (each already canonical); vectorised."""
    import numpy as np

    raw = np.asarray(codes, dtype="S6")
    if raw.size == 0:
        return np.zeros(0, dtype=np.uint32)
    table = np.full(256, 255, dtype=np.uint32)
    for char, value in _VALUE.items():
        table[ord(char)] = value
    matrix = raw.view(np.uint8).reshape(-1, 6)
    digits = table[matrix[:, :5]]
    wrong = (digits == 255).any(axis=1) | (matrix[:, 5] != 0)
    if wrong.any():
        bad = raw[wrong][0].decode("latin-1")
        raise ValueError(f"{bad!r} is not a 5-character HCPCS/CPT code")
    weights = np.array([36**4, 36**3, 36**2, 36, 1], dtype=np.uint32)
    return (digits * weights).sum(axis=1, dtype=np.uint32)


def decode_many(values: Any) -> list[str]:
    """The codes of integers made by :func:`encode` (an array or sequence), as a list;
    vectorised. Raises ``ValueError`` for a value that is not one (negative, or >= 36**5)."""
    import numpy as np

    number = np.asarray(values)
    if number.size == 0:
        return []
    if number.dtype.kind not in "iu" or int(number.min()) < 0 or int(number.max()) >= LIMIT:
        raise ValueError("not the integers of 5-character HCPCS/CPT codes")
    number = number.astype(np.uint32).reshape(-1)
    digits = np.frombuffer(_DIGITS.encode("ascii"), dtype=np.uint8)
    chars = np.empty((len(number), 5), dtype=np.uint8)
    for place in range(4, -1, -1):
        number, digit = np.divmod(number, np.uint32(36))
        chars[:, place] = digits[digit]
    return chars.view("S5").reshape(-1).astype(str).tolist()
