"""Code validity on a DataFrame of claim lines: :mod:`codekit._edits.ncci.validity`'s
verdicts, asked once per value and release period instead of once per value and day.

A code set's verdict on a day depends on the day only through the release that answers it
(:mod:`codekit._tables.rule`: constant between two release edges), the code's own start and
end, and for modifiers NCCI's list of PTP-associated ones. :func:`periods` cuts the calendar
at every such release and list edge; :func:`answers_on` maps each line's day to its period
with one ``searchsorted``, asks the store once per (value, period) (:func:`facts_of`) and judges
once per (value, period, side of the code's start and end) (:func:`judge`, the function the
single-claim path judges with). Warnings the questions raise (such as a
:class:`~codekit.exceptions.StaleDataWarning` for days after the newest release) are given
once per batch and cause.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from codekit._edits.memo import Memo
from codekit._edits.ncci.validity import CARC, code_set_of, facts_of, judge

__all__ = ["answers_on", "frame_validity", "periods"]


class _Entry:
    """The provenance a batch row of a validity finding names (the code set asked)."""

    def __init__(self, code_set: str, release: str) -> None:
        from codekit._edits.finding import Provenance

        self.provenance = Provenance(table="code_set", setting=code_set, release=release)
        self.setting = code_set
        self.program = "medicare"
        self.release = release
        self.source_files = ()


def periods(kind: str, code_set: str) -> Any:
    """The first days (ordinals, sorted) of the periods in which one release of a code set
    answers and NCCI's modifier list is one: every release's effective day and the day
    after its last (:mod:`codekit._tables.rule`), and for modifiers the list's start days.
    Days of one period get one :func:`facts_of` (cached by the registry)."""
    import numpy as np

    found = _PERIODS.get().get((kind, code_set))
    if found is not None:
        return found
    from codekit import _registry
    from codekit._edits.ncci.rules import PTP_MODIFIERS
    from codekit._tables import rule
    from codekit.exceptions import CodekitError

    try:
        releases = _registry.current().releases(code_set)
    except CodekitError:
        releases = ()
    edges = {r.info.effective.toordinal() for r in releases}
    edges |= {end.toordinal() + 1 for end in rule.ends(releases) if end is not None}
    if kind == "modifier":
        edges |= {start.toordinal() for start, _ in PTP_MODIFIERS}
    found = _PERIODS.get()[(kind, code_set)] = np.array(sorted(edges), dtype=np.int64)
    return found


#: ``(kind, code set)`` -> :func:`periods`.
_PERIODS = Memo(("ncci", "validity periods"), bound=1 << 8)


def answers_on(
    kind: str, distinct: list[str], value_of: Any, day_of: Any
) -> list[tuple[str, str, str, str]]:
    """:func:`verdict` of each ``(distinct[value_of[i]], day_of[i])`` (ordinals), asking the
    store once per value and release period (on the period's first day among ``day_of``),
    then judging once per value, period and side of the code's own start and end; a
    reason naming the day (a value that is no code, a date no release covers) is made per
    day."""
    import numpy as np
    import pandas as pd

    value_of = np.asarray(value_of, dtype=np.int64)
    day_of = np.asarray(day_of, dtype=np.int64)
    sets = [code_set_of(kind, value) for value in distinct]
    set_index, set_names = pd.factorize(pd.Series(sets, dtype=object))
    set_of = set_index[value_of].astype(np.int64)
    period = np.empty(len(day_of), dtype=np.int64)
    for i, name in enumerate(set_names):
        pick = set_of == i
        period[pick] = np.searchsorted(periods(kind, str(name)), day_of[pick], side="right")
    # the first day of each (code set, period) the keys have: one question per value there
    where, _ = pd.factorize(set_of * (1 << 20) + period)
    first = np.full(int(where.max()) + 1 if len(where) else 0, np.iinfo(np.int64).max)
    np.minimum.at(first, where, day_of)
    pair, pairs = pd.factorize(value_of * (1 << 32) + where)
    facts = []
    starts = np.full(len(pairs), np.iinfo(np.int64).min, dtype=np.int64)
    ends = np.full(len(pairs), np.iinfo(np.int64).max, dtype=np.int64)
    asked: dict[int, dt.date] = {}
    for position, packed in enumerate(pairs.tolist()):
        value, w = distinct[packed >> 32], packed & 0xFFFFFFFF
        day = asked.get(w) or asked.setdefault(w, dt.date.fromordinal(int(first[w])))
        found = facts_of(kind, value, day)
        facts.append(found)
        record = found[4]
        if record is not None and record.billable:
            start, end = record.attributes.get("start"), record.attributes.get("end")
            if start:
                starts[position] = _ordinal(start)
            if end:
                ends[position] = _ordinal(end)
    # the side of the code's own start and end each key's day is on (0 before, 1 in, 2 after)
    side = (day_of >= starts[pair]).astype(np.int64) + (day_of > ends[pair])
    group, groups = pd.factorize(pair.astype(np.int64) * 4 + side)
    representative = np.empty(len(groups), dtype=np.int64)
    representative[group] = np.arange(len(group))
    judged = []
    by_day = []  # the groups whose reason names the day (a value that is no code)
    for g, packed in enumerate(groups.tolist()):
        i, found = int(representative[g]), facts[packed >> 2]
        answer = judge(kind, distinct[value_of[i]], dt.date.fromordinal(int(day_of[i])), found)
        judged.append(answer)
        if found[3] is not None or (answer[0] == "invalid" and found[4] is None):
            by_day.append(g)
    answers = [judged[g] for g in group.tolist()]
    for i in np.flatnonzero(np.isin(group, by_day)).tolist():
        found = facts[int(groups[group[i]]) >> 2]
        value, day = distinct[value_of[i]], dt.date.fromordinal(int(day_of[i]))
        if found[3] is not None:  # why it could not be asked names the day: ask it on it
            found = facts_of(kind, value, day)  # (no release: no lookup, a cached answer)
        answers[i] = judge(kind, value, day, found)
    return answers


def _ordinal(text: str) -> int:
    from codekit._dates import to_date

    return to_date(text).toordinal()


def _warn_once(caught: list[warnings.WarningMessage]) -> None:
    """Each warning a batch's questions raised, once (one per code set and cause)."""
    from codekit._tables.codesets import caller_level

    seen: set[tuple[type[Warning], str]] = set()
    for item in caught:
        key = (item.category, str(item.message))
        if key not in seen:
            seen.add(key)
            warnings.warn(item.message, stacklevel=caller_level())


def _diagnosis_items(ctx: Any, frame: Any) -> list[tuple[Any, str, Any, Any]]:
    """Per claim, each diagnosis on the lines pointing to it (all lines when none does):
    ``(rows, "diagnosis", value per row, day per row)``."""
    import numpy as np
    import pandas as pd

    from codekit._edits.fields import _diagnoses, _pointers

    if "diagnoses" not in frame.columns:
        return []
    claim_index, _ = pd.factorize(pd.Series(ctx.claim_ids, dtype=object), use_na_sentinel=False)
    pointers = (
        frame["diagnosis_pointers"].tolist()
        if "diagnosis_pointers" in frame.columns
        else [None] * len(ctx.code)
    )
    raw = frame["diagnoses"].tolist()
    owners: list[int] = []
    codes: list[str] = []
    by_claim: dict[int, list[int]] = {}
    for row, claim in enumerate(claim_index.tolist()):
        by_claim.setdefault(claim, []).append(row)
    for members in by_claim.values():
        first = next((raw[r] for r in members if _diagnoses(raw[r])), ())
        diagnoses = _diagnoses(first)
        if not diagnoses:
            continue
        points = {r: _pointers(pointers[r], str(ctx.line_ids[r])) for r in members}
        pointed = {p for found in points.values() for p in found}
        for position, diagnosis in enumerate(diagnoses, 1):
            for r in members:
                if position in points[r] or position not in pointed:
                    owners.append(r)
                    codes.append(diagnosis)
    if not owners:
        return []
    owner = np.array(owners, dtype=np.int64)
    return [(owner, "diagnosis", np.array(codes, dtype=object), ctx.day[owner])]


def frame_validity(ctx: Any, frame: Any, mod_index: Any, modifier_lists: list[list[str]]) -> None:
    """The validity rows of the batch path, as
    :func:`~codekit._edits.ncci.validity.claim_findings` finds them."""
    import numpy as np
    import pandas as pd

    items: list[tuple[Any, str, Any, Any]] = []  # (rows, kind, value per row, day per row)
    # codes: every row
    rows = np.arange(len(ctx.code))
    items.append((rows, "code", ctx.canonical[ctx.code_index], ctx.day))
    # modifiers: every (row, modifier)
    counts = np.array([len(m) for m in modifier_lists], dtype=np.int64)[mod_index]
    if counts.any():
        owner = np.repeat(rows, counts)
        values = np.array([m for i in mod_index.tolist() for m in modifier_lists[i]], dtype=object)
        items.append((owner, "modifier", values, ctx.day[owner]))
    items.extend(_diagnosis_items(ctx, frame))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        judged = []
        for owner, kind, values, days in items:
            # one key per distinct (value, day): values as integers, then one key
            value_index, distinct = pd.factorize(pd.Series(values, dtype=object))
            key, uniques = pd.factorize(value_index.astype(np.int64) * (1 << 32) + days)
            answers = answers_on(kind, list(distinct), uniques >> 32, uniques & 0xFFFFFFFF)
            judged.append((owner, kind, values, key, answers))
    _warn_once(caught)
    for owner, kind, values, key, answers in judged:
        # one block per (verdict, code set, release): a handful, whatever the values
        groups: dict[tuple[str, str, str], list[int]] = {}
        for position, (answer, _, code_set, release) in enumerate(answers):
            if answer != "valid":
                groups.setdefault((answer, code_set, release), []).append(position)
        if not groups:
            continue
        reasons = np.array([a[1] for a in answers], dtype=object)
        for (answer, code_set, release), positions in groups.items():
            pick = np.flatnonzero(np.isin(key, positions))
            chosen = owner[pick]
            denied = answer == "invalid"
            if denied:
                ctx.denied[chosen] = True
            ctx.block(
                chosen,
                entry=_Entry(code_set, release),
                kind="validity",
                severity="deny" if denied else "unverifiable",
                code=values[pick],
                carc=CARC[kind] if denied else None,
                rationale=reasons[key[pick]],
                unchecked=np.full(len(chosen), not denied, dtype=bool),
            )
