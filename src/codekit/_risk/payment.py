"""The payment score: CMS's stepwise normalization and MA coding-pattern adjustment.

Each step is rounded to three decimals, halves away from zero, in decimal arithmetic on the
numbers as written (CMS's risk adjustment methodology: divide, round, multiply, round).
"""

from __future__ import annotations

import decimal

from codekit.exceptions import InvalidMemberError

__all__ = ["adjustment", "payment_score", "round3"]

_THOUSANDTH = decimal.Decimal("0.001")


def _decimal(value: float) -> decimal.Decimal:
    # the number as written (its shortest repr), not the float's binary expansion
    return decimal.Decimal(repr(float(value)))


def _round3(value: decimal.Decimal) -> decimal.Decimal:
    return value.quantize(_THOUSANDTH, rounding=decimal.ROUND_HALF_UP)


def round3(value: float) -> float:
    """``value`` rounded to three decimals, halves away from zero, as the number is written
    (``1.0005`` gives ``1.001``; Python's ``round`` rounds the float's binary value)."""
    return float(_round3(_decimal(value)))


def payment_score(raw: float, normalization: float, coding_intensity: float) -> float:
    """CMS's payment risk score from the raw score, stepwise: divide by the normalization
    factor and round to three decimals, then multiply by one minus the MA coding-pattern
    adjustment and round to three decimals again (in decimal arithmetic, so that a product
    such as ``0.500 * 0.941 = 0.4705`` rounds up as written)."""
    with decimal.localcontext() as context:
        context.prec = 28
        normalized = _round3(_decimal(raw) / _decimal(normalization))
        return float(_round3(normalized * (1 - _decimal(coding_intensity))))


def adjustment(
    name: str, given: object, default: float | None, low: float, high: float
) -> float | None:
    if given is None:
        return default
    if isinstance(given, bool) or not isinstance(given, int | float) or not low <= given <= high:
        raise InvalidMemberError(
            name, given, f"{name}= takes a number from {low} to {high}, not {given!r}"
        )
    return float(given)
