"""AOC (add-on code) edits, on one claim and on a frame of lines.

An add-on line needs a payable primary on the same beneficiary, provider and date of service
(:func:`~codekit._edits.ncci.rules.aoc_verdict` per AOC type). Only lines still payable after PTP,
MUE and earlier AOC denials count as primaries, so the verdicts are iterated until no new
add-on line is denied.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from codekit._edits import codes as _codes
from codekit._edits.codes import decode
from codekit._edits.finding import Finding, Provenance, finding_fields, made_finding
from codekit._edits.ncci.lines import NONE
from codekit._edits.ncci.pairs import expand
from codekit._edits.ncci.policy import contractor_primaries
from codekit._edits.ncci.rules import (
    AOC_DENY,
    AOC_PASS,
    CARC,
    aoc_verdict,
    aoc_verdicts,
    from_ordinal,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from collections.abc import Set as AbstractSet

    from codekit._edits.claim import ClaimLine
    from codekit._edits.ncci import store
    from codekit._edits.ncci.lines import Lines
    from codekit._edits.ncci.policy import Policy
    from codekit._edits.ncci.tables import AocTable

__all__ = ["on_claim", "on_frame"]

_CODE_BITS = 26  # a code is below 36**5 < 2**26: (group << 26) | code is one key
_LOW = (1 << 32) - 1
#: The fields every AOC finding starts from.
_AOC = finding_fields(
    kind="aoc", severity="deny", line_ids=(), codes=(), message="", provenance=None
)


# -- one claim ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _names(codes: frozenset[int]) -> tuple[str, ...]:
    """Sorted codes of a primary list (lists are shared by the rule cache, so cached too)."""
    return tuple(sorted(decode(c) for c in codes))


def _verdicts(
    add_ons: list[tuple[ClaimLine, int, int, frozenset[int], list[Any]]],
    payable: dict[str, int],
    extra: Mapping[str, tuple[frozenset[str], str]],
) -> list[int]:
    """The verdict of each add-on line, iterated until no new add-on line is denied
    (``payable``, line id -> code, loses the lines denied on the way)."""
    while True:
        results = []
        count: dict[int, int] = {}
        for code in payable.values():
            count[code] = count.get(code, 0) + 1
        held = count.keys()
        for line, code, kind, listed, _ in add_ons:
            # the codes of the payable lines other than this one: ``held`` without the
            # line's own code when it is the only payable line of that code (which matters
            # only when the code is one of the primaries asked about)
            alone = count.get(code) == 1 and line.line_id in payable
            present: AbstractSet[int] = held - {code} if alone and code in listed else held
            contractor = extra.get(line.code) if extra and kind in (2, 3) else None
            results.append(
                aoc_verdict(
                    kind,
                    not listed.isdisjoint(present),
                    contractor is not None,
                    contractor is not None
                    and any(decode(c) in contractor[0] for c in (held - {code} if alone else held)),
                )
            )
        lost = [
            item
            for item, verdict in zip(add_ons, results, strict=True)
            if verdict == AOC_DENY and item[0].line_id in payable
        ]
        if not lost:
            break
        for item in lost:
            del payable[item[0].line_id]
        # the verdicts change only if a lost line may be another add-on's primary
        gone = {item[1] for item in lost}
        if not extra and all(item[3].isdisjoint(gone) for item in add_ons):
            break
    return results


def on_claim(  # noqa: PLR0917 - hot path, called positionally; one pass per step
    by_code: dict[int, list[ClaimLine]],
    dos: dt.date,
    day: int,
    aoc: tuple[store.Installed, AocTable],
    policy: Policy,
    program: str,
    findings: list[Finding],
    denied: set[str],
) -> None:
    entry, table = aoc
    # the claim's add-on codes, found in C (most claims have none). ``intersection`` walks
    # the claim's few codes; ``add_ons() & by_code.keys()`` would walk every add-on code
    here = table.add_ons().intersection(by_code)
    if not here:
        return
    add_ons: list[tuple[ClaimLine, int, int, frozenset[int], list[Any]]] = []
    wanted = False
    for code in here:
        rule = table.rule_on(code, day)
        if rule is None:
            continue
        kind, listed, active = rule
        wanted = wanted or kind in (2, 3)
        add_ons += [(line, code, kind, listed, active) for line in by_code[code]]
    if not add_ons:
        return
    # plugin lists are consulted only for type 2/3 add-ons (building the registry costs)
    extra: Mapping[str, tuple[frozenset[str], str]] = (
        contractor_primaries(program) if wanted and policy.contractor_primaries else {}
    )
    payable = {line.line_id: code for code, lines in by_code.items() for line in lines}
    for line_id in denied:
        payable.pop(line_id, None)
    add_ons.sort(key=lambda item: item[0].line_id)
    results = _verdicts(add_ons, payable, extra)
    for (line, code, kind, listed, active), verdict in zip(add_ons, results, strict=True):
        if verdict == AOC_PASS:
            continue
        contractor = extra.get(line.code) if kind in (2, 3) else None
        if contractor is None:  # the fields depend on the code, date and verdict alone
            key = (code, dos, verdict)
            fields = table.findings_cache.get(key)
            if fields is None:
                fields = _fields(table, entry, line.code, dos, kind, listed, active, verdict)
                if len(table.findings_cache) >= 65536:
                    table.findings_cache.clear()
                table.findings_cache[key] = fields
        else:
            fields = _fields(
                table, entry, line.code, dos, kind, listed, active, verdict, contractor, program
            )
        if verdict == AOC_DENY:
            denied.add(line.line_id)
            lost_ids: tuple[str, ...] = (line.line_id,)
        else:
            lost_ids = ()
        findings.append(
            made_finding({**fields, "line_ids": (line.line_id,), "denied_line_ids": lost_ids})
        )


def _fields(  # noqa: PLR0917 - one finding's facts, called positionally
    table: AocTable,
    entry: store.Installed,
    code: str,
    dos: dt.date,
    kind: int,
    listed: frozenset[int],
    active: list[Any],
    verdict: int,
    contractor: tuple[frozenset[str], str] | None = None,
    program: str = "medicare",
) -> dict[str, Any]:
    """The fields of the finding on an add-on line of ``code``, but its lines."""
    primaries = _names(listed)
    provenance = entry.provenance
    if contractor is not None and kind == 2:
        provenance = Provenance(
            table="plugin", setting="all", program=program, source_file=contractor[1]
        )
        primaries = tuple(sorted(contractor[0]))
    if verdict == AOC_DENY:
        message = (
            f"add-on code {code} (AOC type {kind}) has no payable primary code on {dos.isoformat()}"
        )
        severity, carc = "deny", CARC["aoc"]
    else:
        why = (
            "its primaries are contractor-defined and no contractor list is registered"
            if kind == 2
            else "no CMS-listed primary is payable on the claim and the list is not exclusive"
        )
        message = f"add-on code {code} (AOC type {kind}) cannot be verified: {why}"
        severity, carc = "unverifiable", None
    first = active[0]
    return {
        **_AOC,
        "severity": severity,
        "codes": (code,),
        "message": message,
        "provenance": provenance,
        "carc": carc,
        "date_of_service": dos,
        "aoc_type": kind,
        "primaries": primaries,
        "rationale": table.meta["notes"][int(table.notes[first[6]])],
        "effective": from_ordinal(first[2]),
        "deletion": from_ordinal(min(first[3], first[4])),
    }


# -- a frame of lines -------------------------------------------------------------------


def on_frame(ctx: Lines, rows: Any, part: Any) -> None:  # noqa: PLR0915 - one pipeline
    import numpy as np
    import pandas as pd

    entry, table = part
    add_on_codes = np.fromiter(table.add_ons(), dtype=np.int64)
    is_add_on = np.isin(ctx.distinct, add_on_codes)[ctx.code_rank[rows]]
    subject = rows[is_add_on]
    if len(subject) == 0:
        return
    # one rule per (add-on code, day, program): its type and listed primaries
    rule_key = (ctx.code[subject] * 1_000_000 + ctx.day[subject]) * 4 + ctx.prog_index[subject]
    rule_index, rule_uniques = pd.factorize(rule_key)
    kinds = np.zeros(len(rule_uniques), dtype=np.int64)
    first_row = np.zeros(len(rule_uniques), dtype=np.int64)
    member_keys: list[int] = []
    contractor_keys: list[int] = []
    has_contractor = np.zeros(len(rule_uniques), dtype=bool)
    listed_of: list[tuple[str, ...]] = []
    # rules of the same add-on share their primary lists (one object per span of days)
    named: dict[frozenset[int], tuple[list[int], tuple[str, ...]]] = {}
    plugin_lists: dict[int, Any] = {}
    for i, value in enumerate(rule_uniques.tolist()):
        rest, prog = divmod(int(value), 4)
        code, day = divmod(rest, 1_000_000)
        rule = table.rule_on(code, day)
        if rule is None:
            listed_of.append(())
            continue
        kind, listed_set, active = rule
        kinds[i] = kind
        first_row[i] = active[0][6]
        names = named.get(listed_set)
        if names is None:
            ordered = sorted(listed_set)
            names = named[listed_set] = (ordered, tuple(_codes.decode(p) for p in ordered))
        member_keys.extend((i << 32) | p for p in names[0])
        listed_of.append(names[1])
        if kind in (2, 3) and ctx.policy.contractor_primaries:
            lists = plugin_lists.get(prog)
            if lists is None:
                lists = plugin_lists[prog] = contractor_primaries(ctx.prog_names[prog])
            extra = lists.get(_codes.decode(code))
            if extra is not None:
                has_contractor[i] = True
                contractor_keys.extend((i << 32) | _codes.encode(c) for c in extra[0])
    members = np.array(sorted(member_keys), dtype=np.int64)
    contractor = np.array(sorted(contractor_keys), dtype=np.int64)
    rule_of = rule_index
    # candidate primaries: the lines of the add-on's group whose code its rule lists, found
    # per add-on line from its rule's list (linear in the lists, whatever the group's size)
    in_groups = rows[np.isin(ctx.group[rows], ctx.group[subject])]
    rule_start = rule_of.astype(np.int64) << 32

    def listed_by(sorted_keys: Any) -> tuple[Any, Any, Any]:
        """Per add-on line and listed primary: the line, the (group, code) key, whether the
        primary is the line's own code."""
        low = sorted_keys.searchsorted(rule_start)
        high = sorted_keys.searchsorted(rule_start + (1 << 32))
        owner, at = expand(low, high - low)
        primary = sorted_keys[at] & _LOW
        key = (ctx.group[subject[owner]] << _CODE_BITS) | primary
        return owner, key, primary == ctx.code[subject[owner]]

    by_listed = listed_by(members)
    by_contractor = listed_by(contractor)
    payable = ~ctx.denied.copy()
    kind = kinds[rule_of]

    def present(live: Any, found: tuple[Any, Any, Any]) -> Any:
        """Whether each add-on line has a payable line of another line's listed code."""
        owner, key, own = found
        here = np.zeros(len(subject), dtype=bool)
        if len(live) == 0 or len(owner) == 0:
            return here
        held, counts = np.unique(
            (ctx.group[live] << _CODE_BITS) | ctx.code[live], return_counts=True
        )
        at = np.minimum(held.searchsorted(key), len(held) - 1)
        count = np.where(held[at] == key, counts[at], 0) - (own & payable[subject[owner]])
        here[owner[count > 0]] = True
        return here

    while True:
        live = in_groups[payable[in_groups]]
        listed_here = present(live, by_listed)
        contractor_here = present(live, by_contractor)
        has_extra = has_contractor[rule_of]
        verdict = aoc_verdicts(kind, listed_here, has_extra, contractor_here)
        lost = subject[(verdict == AOC_DENY) & payable[subject]]
        if len(lost) == 0:
            break
        payable[lost] = False
    flagged = np.flatnonzero(verdict != AOC_PASS)
    if len(flagged) == 0:
        return
    denied = verdict[flagged] == AOC_DENY
    ctx.denied[subject[flagged[denied]]] = True
    rule = rule_of[flagged]
    src = first_row[rule]
    plugin = has_contractor[rule] & (kinds[rule] == 2)
    notes = np.array(table.meta["notes"], dtype=object)
    primaries = np.empty(len(flagged), dtype=object)
    primaries[:] = [listed_of[r] for r in rule.tolist()]
    # one block for CMS's table, one per contractor list (each names its own source)
    entries: dict[Any, Any] = {None: entry}
    owner = np.empty(len(flagged), dtype=object)
    for i in np.flatnonzero(plugin).tolist():
        r = int(subject[flagged[i]])
        program = ctx.prog_names[int(ctx.prog_index[r])]
        extra = contractor_primaries(program).get(ctx.canonical[ctx.code_index[r]])
        if extra is None:  # pragma: no cover - has_contractor says there is one
            continue
        primaries[i] = tuple(sorted(extra[0]))
        owner[i] = (extra[1], program)
        entries.setdefault(owner[i], _PluginEntry(extra[1], program))
    for key, record_entry in entries.items():
        pick = np.flatnonzero(np.array([o == key for o in owner], dtype=bool))
        if len(pick) == 0:
            continue
        sub_denied = denied[pick]
        ctx.block(
            subject[flagged[pick]],
            entry=record_entry,
            kind="aoc",
            severity=np.where(sub_denied, "deny", "unverifiable").astype(object),
            carc=np.where(sub_denied, CARC["aoc"], NONE),
            aoc_type=kinds[rule[pick]],
            primaries=primaries[pick],
            rationale=notes[table.notes[src[pick]]],
            effective=table.effective[src[pick]].astype(np.int64),
            deletion=np.minimum(table.deletion[src[pick]], table.add_on_deletion[src[pick]]).astype(
                np.int64
            ),
        )


class _PluginEntry:
    """Provenance of a contractor list registered by a plugin (AOC type 2)."""

    def __init__(self, source: str, program: str) -> None:
        from codekit._edits.finding import Provenance

        self.provenance = Provenance(
            table="plugin", setting="all", program=program, source_file=source
        )
        self.setting = "all"
        self.program = program
        self.release = ""
        self.source_files = (source,)
