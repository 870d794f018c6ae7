"""PTP (procedure-to-procedure) edits, on one claim and on a frame of lines.

When both codes of an edit in force are reported for the same beneficiary, provider and date
of service, the column 2 line is denied unless a PTP-associated modifier bypasses it
(:func:`~codekit._edits.ncci.rules.ptp_bypassed`; the rows that apply:
:func:`~codekit._edits.ncci.rules.ptp_applies`).
:func:`on_claim` walks one claim's few codes through the table's per-code dictionaries;
:func:`on_frame` looks every line pair of a frame up in the sorted pair keys at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._edits.finding import Finding, finding_fields, made_finding
from codekit._edits.ncci.lines import NONE
from codekit._edits.ncci.pairs import SMALL, listed_rank_pairs, pairs_by_listing
from codekit._edits.ncci.rules import CARC, from_ordinal, ptp_applies, ptp_bypassed

if TYPE_CHECKING:
    import datetime as dt

    import numpy as np

    from codekit._edits.claim import ClaimLine
    from codekit._edits.ncci import store
    from codekit._edits.ncci.lines import Lines
    from codekit._edits.ncci.policy import Policy
    from codekit._edits.ncci.tables import PtpTable

__all__ = ["on_claim", "on_frame"]

#: The fields every PTP finding of one claim starts from (the severity is ``deny`` or ``warn``).
_PTP = finding_fields(
    kind="ptp", severity="deny", line_ids=(), codes=(), message="", provenance=None
)
_CARC = CARC["ptp"]


# -- one claim ---------------------------------------------------------------------------


def on_claim(  # noqa: PLR0917 - hot path, called positionally
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    day: int,
    ptp: tuple[store.Installed, PtpTable],
    policy: Policy,
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = ptp
    modifiers: frozenset[str] | None = None
    claim_codes = by_code.keys()
    cached = table.partners_cache
    for column1, lines1 in by_code.items():
        partners = cached.get(column1)
        if partners is None:
            partners = table.partners(column1)
        # most codes pair with none of the claim's: isdisjoint walks the claim's few codes
        # in C without building a set; the others intersect (also walking the claim's codes)
        if not partners or partners.keys().isdisjoint(claim_codes):
            continue
        for column2 in partners.keys() & claim_codes:
            if column2 == column1:
                continue
            rows = partners[column2]
            chosen = None
            for candidate in rows:
                if ptp_applies(candidate[1], candidate[2], candidate[3], day):
                    chosen = candidate
                    break
            if chosen is None:
                continue
            if modifiers is None:
                modifiers = policy.modifiers_on(dos)
            _ptp_findings(
                lines1,
                by_code[column2],
                chosen,
                dos,
                entry,
                table,
                policy,
                modifiers,
                findings,
                denied,
            )


def _first_bypass(line_modifiers: tuple[str, ...], modifiers: frozenset[str]) -> str | None:
    for modifier in line_modifiers:
        if modifier in modifiers:
            return modifier
    return None


def _ptp_findings(  # noqa: PLR0917 - hot path, called positionally
    lines1: list[ClaimLine],
    lines2: list[ClaimLine],
    chosen: tuple[int, int, int, int, str],
    dos: dt.date,
    entry: store.Installed,
    table: PtpTable,
    policy: Policy,
    modifiers: frozenset[str],
    findings: list[Finding],
    denied: set[str],
) -> None:
    ind = chosen[3]
    column1_counts = policy.column1_modifier_bypasses
    deny: dict[str, Any] | None = None
    for line2 in lines2:
        bypass2 = _first_bypass(line2.modifiers, modifiers) if line2.modifiers else None
        id2 = line2.line_id
        for line1 in lines1:
            bypass = bypass2
            if bypass is None and column1_counts and line1.modifiers:
                bypass = _first_bypass(line1.modifiers, modifiers)
            if ptp_bypassed(ind, bypass is not None):
                warn = _fields(table, chosen, dos, entry, lines1[0].code, lines2[0].code, bypass)
                findings.append(made_finding({**warn, "line_ids": (line1.line_id, id2)}))
                continue
            if deny is None:
                deny = _fields(table, chosen, dos, entry, lines1[0].code, lines2[0].code, None)
            denied.add(id2)
            findings.append(
                made_finding({**deny, "line_ids": (line1.line_id, id2), "denied_line_ids": (id2,)})
            )


def _fields(  # noqa: PLR0917 - hot path, called positionally
    table: PtpTable,
    chosen: tuple[int, int, int, int, str],
    dos: dt.date,
    entry: store.Installed,
    code1: str,
    code2: str,
    bypass: str | None,
) -> dict[str, Any]:
    """The fields of the findings of one PTP row on a date of service, but their lines: the
    denial (``bypass`` ``None``) or the warning of one bypass modifier. Remembered by the
    table (a bounded number; the table goes with the registry that opened it)."""
    key = (chosen[0], dos, bypass)
    cache = table.findings_cache
    found = cache.get(key)
    if found is not None:
        return found
    _, effective, deletion, ind, rationale = chosen
    found = {
        **_PTP,
        "codes": (code1, code2),
        "provenance": entry.provenance,
        "date_of_service": dos,
        "indicator": ind,
        "rationale": rationale,
        "effective": from_ordinal(effective),
        "deletion": from_ordinal(deletion),
    }
    if bypass is None:
        why = (
            "no modifier allowed (indicator 0)"
            if ind == 0
            else "no PTP-associated modifier on the column 2 line"
        )
        found["message"] = f"{code2} is denied when reported with {code1} (PTP: {why})"
        found["carc"] = _CARC
    else:
        found["severity"] = "warn"
        found["bypass_modifier"] = bypass
        found["message"] = (
            f"{code2} is bundled into {code1} (PTP, modifier allowed); "
            f"bypassed by modifier {bypass}: documentation must support it"
        )
    if len(cache) >= table.CACHE:
        cache.clear()
    cache[key] = found
    return found


# -- a frame of lines -------------------------------------------------------------------


def _sorted_search(keys: Any, query: Any, side: str = "left") -> Any:
    """``keys.searchsorted(query)``, fast for many repeated queries.

    Claim lines repeat the same code pairs: the distinct queries are found by hashing, sorted
    (random probes into a big sorted array miss the cache; sorted ones do not) and looked up
    once each.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(query)
    uniques = np.asarray(uniques)
    order = np.argsort(uniques)
    found = np.empty(len(uniques), dtype=np.int64)
    found[order] = keys.searchsorted(uniques[order], side=side)
    return found[codes]


def _pair_search(ctx: Lines, left: Any, right: Any, keys: Any) -> tuple[Any, Any]:
    """The pair keys of ``(code[left], code[right])`` and where each falls in ``keys``.

    The queries are searched in sorted order (random probes into a big sorted array miss
    the cache). Sorting one packed integer — the ranks of both codes among the distinct
    codes, then the query's position — is much cheaper than an argsort.
    """
    import numpy as np

    code, distinct = ctx.code, ctx.distinct
    count = len(left)
    bits = max(1, int(len(distinct) - 1).bit_length())
    position_bits = max(1, int(count).bit_length())
    query = (code[left].astype(np.uint64) << np.uint64(32)) | code[right].astype(np.uint64)
    if 2 * bits + position_bits > 63:
        return query, _sorted_search(keys, query)
    packed = (ctx.code_rank[left] << bits) | ctx.code_rank[right]
    packed <<= position_bits
    packed |= np.arange(count, dtype=np.int64)
    packed.sort()
    order = packed & ((1 << position_bits) - 1)
    packed >>= position_bits
    ordered = (distinct[packed >> bits].astype(np.uint64) << np.uint64(32)) | distinct[
        packed & ((1 << bits) - 1)
    ].astype(np.uint64)
    where = np.empty(count, dtype=np.int64)
    where[order] = keys.searchsorted(ordered)
    return query, where


def _pairs(ctx: Lines, rows: np.ndarray[Any, Any]) -> tuple[Any, Any]:
    """Every ordered pair (i, j), i != j, of ``rows`` in the same group (row numbers)."""
    import numpy as np

    group = ctx.group
    if len(rows) == len(group):
        order = ctx.group_order
    else:
        wanted = np.zeros(len(group), dtype=bool)
        wanted[rows] = True
        order = ctx.group_order[wanted[ctx.group_order]]
    g = group[order]
    if len(order) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    boundary = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[boundary, len(order)])
    size_of = np.repeat(sizes, sizes)
    start_of = np.repeat(boundary, sizes)
    multi = size_of > 1
    pos = np.flatnonzero(multi)
    if len(pos) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    reps = size_of[pos]
    left_pos = np.repeat(pos, reps)
    within = np.arange(len(left_pos)) - np.repeat(np.cumsum(reps) - reps, reps)
    right_pos = np.repeat(start_of[pos], reps) + within
    keep = left_pos != right_pos
    if len(rows) == len(group) and ctx.in_order:  # order is the identity
        return left_pos[keep], right_pos[keep]
    return order[left_pos[keep]], order[right_pos[keep]]


#: Most bits the pair bitmap of :func:`_listed_pairs` may take (64 MB).
_BITMAP_BITS = 1 << 29


def _listed_pairs(ctx: Lines, listed: tuple[Any, Any]) -> Any:
    """A bitmap over (rank, rank) of the frame's distinct codes: bit ``r1 * d + r2`` is set
    when the PTP table holds a row for that (column 1, column 2) pair, whatever its dates.

    Looking every line pair up in it is a gather, far cheaper than sorting and searching
    millions of pair keys; only the pairs it lets through are searched. ``None`` when the
    frame has too many distinct codes for a bitmap of :data:`_BITMAP_BITS`.
    """
    import numpy as np

    d = len(ctx.distinct)
    if d * d > _BITMAP_BITS:
        return None
    bits = np.zeros((d * d + 7) // 8, dtype=np.uint8)
    index = listed[0] * d + listed[1]
    np.bitwise_or.at(bits, index >> 3, (1 << (index & 7)).astype(np.uint8))
    return bits


def on_frame(ctx: Lines, rows: Any, part: Any) -> None:
    import numpy as np

    entry, table = part
    keys = table.key
    pairs = listed_rank_pairs(ctx.distinct, keys)
    # small groups: every line pair; large ones: only the pairs the table lists (pairs.py)
    sizes = np.bincount(ctx.group[rows])[ctx.group[rows]]
    large = sizes > SMALL
    if large.any():
        left, right = _pairs(ctx, rows[~large])
        more = pairs_by_listing(ctx.group, ctx.code_rank, rows[large], pairs, len(ctx.distinct))
        left, right = np.concatenate([left, more[0]]), np.concatenate([right, more[1]])
    else:
        left, right = _pairs(ctx, rows)
    if len(left) == 0:
        return
    # left = column 1 line, right = column 2 line
    differ = ctx.code[left] != ctx.code[right]
    listed = _listed_pairs(ctx, pairs)
    if listed is not None:  # keep only pairs of codes that have a row in the table
        index = ctx.code_rank[left] * len(ctx.distinct) + ctx.code_rank[right]
        differ &= ((listed[index >> 3] >> (index & 7)) & 1).astype(bool)
    left, right = left[differ], right[differ]
    if len(left) == 0:
        return
    size = len(keys)
    query, where = _pair_search(ctx, left, right, keys)
    hit = keys[np.minimum(where, size - 1)] == query
    if not hit.any():
        return
    left, right, query, start = left[hit], right[hit], query[hit], where[hit]
    stop = _sorted_search(keys, query, side="right")
    counts = stop - start
    pair = np.repeat(np.arange(len(left)), counts)
    row = np.repeat(start, counts) + (
        np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    day = ctx.day[right][pair]
    active = ptp_applies(table.effective[row], table.deletion[row], table.indicator[row], day)
    if not active.any():
        return
    pair, row = pair[active], row[active]
    first_pair, first_at = np.unique(pair, return_index=True)
    row = row[first_at]
    left, right = left[first_pair], right[first_pair]
    indicator = table.indicator[row].astype(np.int64)
    bypass = ctx.has_bypass[right]
    bypass_name = ctx.bypass[right]
    if ctx.policy.column1_modifier_bypasses:
        use_left = ~bypass & ctx.has_bypass[left]
        bypass_name = np.where(use_left, ctx.bypass[left], bypass_name)
        bypass = bypass | use_left
    warn = ptp_bypassed(indicator, bypass)
    ctx.denied[right[~warn]] = True
    ctx.block(
        right,
        other=left,
        entry=entry,
        kind="ptp",
        severity=np.where(warn, "warn", "deny").astype(object),
        carc=np.where(warn, NONE, CARC["ptp"]),
        bypass_modifier=np.where(warn, bypass_name, NONE),
        indicator=indicator,
        rationale=np.array(table.meta["rationales"], dtype=object)[table.rationale[row]],
        effective=table.effective[row].astype(np.int64),
        deletion=table.deletion[row].astype(np.int64),
    )
