"""The line pairs of the batch path, in time linear in what the tables list.

A (beneficiary, provider, date) group of ``k`` lines has ``k (k - 1)`` ordered line pairs;
enumerating them is fine for a claim but quadratic for a group of a million lines (a frame
without beneficiary ids). So a group of at most :data:`SMALL` lines takes every pair, and a
larger one is joined on its distinct codes instead: each distinct code of the group looks up
the codes the PTP table pairs it with, and only pairs whose two codes are both in the group
become line pairs. The work is then bounded by ``SMALL`` per line plus the listed pairs and
the findings they produce.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SMALL", "expand", "listed_rank_pairs", "pairs_by_listing"]

#: Groups of at most this many lines take every ordered line pair.
SMALL = 64


def listed_rank_pairs(distinct: Any, keys: Any) -> tuple[Any, Any]:
    """``(r1, r2)``: the ranks among ``distinct`` (sorted codes) of every table row whose
    column 1 and column 2 codes are both in ``distinct`` (sorted by ``r1``, then ``r2``;
    a pair with several history rows appears once per row)."""
    import numpy as np

    d = len(distinct)
    wide = distinct.astype(np.uint64)
    low = keys.searchsorted(wide << np.uint64(32))
    high = keys.searchsorted((wide + np.uint64(1)) << np.uint64(32))
    counts = (high - low).astype(np.int64)
    total = int(counts.sum())
    if total == 0 or d == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    first = np.repeat(np.arange(d, dtype=np.int64), counts)
    row = np.repeat(low.astype(np.int64), counts) + (
        np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    column2 = (keys[row] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    at = np.minimum(distinct.searchsorted(column2), d - 1)
    found = distinct[at] == column2
    return first[found], at[found]


def expand(starts: Any, counts: Any) -> tuple[Any, Any]:
    """For ranges ``[start, start + count)``: the owner of each element and the element."""
    import numpy as np

    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    offset = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    return owner, np.repeat(starts, counts) + offset


def pairs_by_listing(
    group: Any, rank: Any, rows: Any, listed: tuple[Any, Any], d: int
) -> tuple[Any, Any]:
    """Ordered line pairs ``(left, right)`` of ``rows`` in one group whose codes (ranks
    ``rank``, ``d`` distinct) are a listed ``(r1, r2)`` pair, the codes different."""
    import numpy as np

    empty = np.zeros(0, dtype=np.int64)
    r1s, r2s = listed
    if len(rows) == 0 or len(r1s) == 0:
        return empty, empty
    pairs = np.unique(r1s * d + r2s)  # history rows of one pair: one candidate
    pairs = pairs[pairs // d != pairs % d]
    start = np.searchsorted(pairs // d, np.arange(d + 1))
    key = group[rows].astype(np.int64) * d + rank[rows]
    order = np.argsort(key, kind="stable")
    unique, first, count = np.unique(key[order], return_index=True, return_counts=True)
    r1 = unique % d
    # each distinct (group, code) with its listed partner codes
    owner, at = expand(start[r1], start[r1 + 1] - start[r1])
    wanted = (unique[owner] // d) * d + pairs[at] % d
    where = np.minimum(np.searchsorted(unique, wanted), len(unique) - 1)
    hit = unique[where] == wanted
    a, b = owner[hit], where[hit]
    if len(a) == 0:
        return empty, empty
    # every line of the first code with every line of the second
    sizes = count[a] * count[b]
    pair, element = expand(np.zeros(len(a), dtype=np.int64), sizes)
    left = order[first[a][pair] + element // count[b][pair]]
    right = order[first[b][pair] + element % count[b][pair]]
    return rows[left], rows[right]
