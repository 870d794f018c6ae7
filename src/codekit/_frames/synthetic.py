"""Synthetic claim lines for tests, docs and benchmarks of the frame and Spark paths.

Lines are drawn from the codes you give (for instance those of the installed NCCI tables),
with a fixed seed: several claims per beneficiary, provider and day (so PTP pairs across
claims occur), modifiers that bypass or not, and units around the MUE limits. No
descriptors are written, only code numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

__all__ = ["claim_lines"]

_MODIFIERS: tuple[tuple[str, ...], ...] = ((), (), (), ("59",), ("25",), ("LT", "RT"), ("XU",))


def claim_lines(
    codes: Sequence[str],
    n: int,
    *,
    first_day: dt.date,
    days: int = 7,
    seed: int = 13,
) -> dict[str, list[Any]]:
    """``n`` claim lines as columns (a dict of lists, for pandas, Arrow or Polars).

    Columns: ``claim_id``, ``line_id``, ``beneficiary_id``, ``provider_id``, ``code``,
    ``modifiers`` (a list), ``units``, ``date_of_service`` (a date). Claims have 1 to 8
    lines; a beneficiary sees one of three providers on one of ``days`` days from
    ``first_day``; about one claim in four shares its beneficiary, provider and day with
    the claim before it.
    """
    rng = random.Random(seed)
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "claim_id",
            "line_id",
            "beneficiary_id",
            "provider_id",
            "code",
            "modifiers",
            "units",
            "date_of_service",
        )
    }
    claim = 0
    scope = ("B0", "P0", first_day)
    while len(columns["code"]) < n:
        claim += 1
        if rng.random() >= 0.25:
            scope = (
                f"B{rng.randrange(max(1, n // 10))}",
                f"P{rng.randrange(3)}",
                first_day + dt.timedelta(days=rng.randrange(days)),
            )
        for line in range(min(rng.randint(1, 8), n - len(columns["code"]))):
            columns["claim_id"].append(f"C{claim}")
            columns["line_id"].append(str(line + 1))
            columns["beneficiary_id"].append(scope[0])
            columns["provider_id"].append(scope[1])
            columns["code"].append(rng.choice(codes))
            columns["modifiers"].append(list(rng.choice(_MODIFIERS)))
            columns["units"].append(rng.choice((1, 1, 1, 2, 3, 5, 12)))
            columns["date_of_service"].append(scope[2])
    return columns
