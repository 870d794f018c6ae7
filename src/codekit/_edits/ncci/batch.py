"""The batch path: a DataFrame of claim lines in, a DataFrame of findings out, vectorised.

Lines are compared per beneficiary + rendering provider + date of service (+ setting and
program), across claims. Each edit's array path sits beside its single-claim path in its own
module (:mod:`~codekit._edits.ncci.ptp`, :mod:`~codekit._edits.ncci.mue`,
:mod:`~codekit._edits.ncci.aoc`, :mod:`~codekit._edits.ncci.validity` and
:mod:`~codekit._edits.ncci.validity_frame`), over the same rules
(:mod:`~codekit._edits.ncci.rules`); the test suite checks that both paths give the same
findings. Here the frame is read into arrays (:mod:`~codekit._edits.ncci.frame`), lines are
grouped and given their tables, and the edits run in
NCCI's order: PTP and MUE per table, then AOC (which needs every PTP/MUE denial).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._edits import codes as _codes
from codekit._edits.claim import Claim
from codekit._edits.fields import _code, _date, _program, normalize_setting
from codekit._edits.ncci import aoc as _aoc
from codekit._edits.ncci import mue as _mue
from codekit._edits.ncci import policy as _policy
from codekit._edits.ncci import ptp as _ptp
from codekit._edits.ncci.frame import (
    _bad,
    _bypass_table,
    _canonical_codes,
    _claims_of,
    _column,
    _factor,
    _frame_of_claims,
    _nan,
    _to_day,
    _units_of,
)
from codekit._edits.ncci.lines import _EPOCH, FINDING_COLUMNS, Lines, MissingEntry, text_source
from codekit._edits.ncci.policy import Policy
from codekit._edits.ncci.rules import PTP_MODIFIERS
from codekit._edits.ncci.selection import Tables, tables_for
from codekit._edits.ncci.validity_frame import frame_validity
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

__all__ = ["FINDING_COLUMNS", "check_claims"]


def check_claims(  # noqa: PLR0915 - one vectorised pipeline, read top to bottom
    frame: pd.DataFrame | Iterable[Claim],
    *,
    setting: str = "practitioner",
    as_of: dt.date | str | None = None,
    policy: Policy | None = None,
) -> pd.DataFrame:
    """Check many claim lines at once; one row per finding and line (:data:`FINDING_COLUMNS`).

    ``line_id`` is the line the finding is about (PTP: the column 2 line, ``other_line_id``
    the column 1 line; an MUE date-of-service edit gives one row per line of the code, with
    the summed ``units``); ``date_of_service``, ``effective`` and ``deletion`` are
    ``datetime64`` (``NaT`` = open-ended).

    :param frame: one row per line with the columns of :class:`~codekit.Claim` /
        :class:`~codekit.ClaimLine` (a pandas or Polars DataFrame or a pyarrow Table;
        ``code`` and ``date_of_service`` required; ``modifiers``
        a list or a space/comma separated string; ``units`` default 1), or an iterable of
        :class:`~codekit.Claim`. A ``date_of_service`` column of ``datetime64`` is fastest.
    :param setting: the setting of rows without a ``setting`` column / value.
    :param as_of: use the tables in force on this date for every row.
    :param policy: options, as for :func:`~codekit.check_claim`.
    """
    import numpy as np

    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas is an optional dependency
        raise ImportError(
            "codekit.check_claims needs pandas: pip install 'codekit[pandas]' "
            "(codekit.check_claim checks one claim without it)"
        ) from exc

    policy = policy or _policy.DEFAULT_POLICY
    if not isinstance(policy, Policy):
        raise InvalidClaimError(
            f"policy must be a codekit.ncci.Policy, not {type(policy).__name__}", field="policy"
        )
    from codekit._frames.convert import as_pandas_lines

    frame = as_pandas_lines(frame)  # a pyarrow Table or a Polars DataFrame: as pandas
    if not isinstance(frame, pd.DataFrame):
        frame = _frame_of_claims(_claims_of(frame))
    n = len(frame)
    if n == 0:
        return pd.DataFrame(columns=list(FINDING_COLUMNS))
    for required in ("code", "date_of_service"):
        if required not in frame.columns:
            raise InvalidClaimError(f"the frame has no {required!r} column", field=required)
    known = Claim.KEYS | {
        "line_id",
        "code",
        "modifiers",
        "units",
        "date_of_service",
        "place_of_service",
        "diagnosis_pointers",
    }
    unknown = sorted(set(map(str, frame.columns)) - known)
    if unknown:
        raise InvalidClaimError(
            f"unknown column(s) {', '.join(map(repr, unknown))}", field=unknown[0]
        )

    # codes -> integers: read from the characters when every code is already canonical,
    # else factorised (each distinct spelling is checked once)
    fast = _canonical_codes(frame["code"])
    if fast is not None:
        code_index, canonical, encoded = fast
    else:
        code_index, code_uniques = pd.factorize(frame["code"], use_na_sentinel=True)
        if (code_index < 0).any():
            raise _bad(frame, code_index < 0, "code", "code is missing")
        canonical = []
        for position, raw in enumerate(code_uniques):
            try:  # each distinct value read as check_claim reads it
                canonical.append(_code(raw))
            except InvalidClaimError as exc:
                raise _bad(frame, code_index == position, "code", str(exc)) from None
        # spellings of one code ("e0100", " E0100") are one code
        code_index, spelled = pd.factorize(np.array(canonical, dtype=object)[code_index])
        canonical = list(spelled)
        encoded = _codes.encode_many(canonical).astype(np.int64)
    code = encoded[code_index]
    # each row's rank among the distinct codes (sorted): pair keys pack ranks, not codes
    distinct = np.unique(encoded)
    code_rank = np.searchsorted(distinct, encoded)[code_index]
    canonical_arr = np.array(canonical, dtype=object)

    # dates -> day ordinals
    raw_dates = frame["date_of_service"]
    if pd.api.types.is_datetime64_any_dtype(raw_dates):
        if raw_dates.isna().any():
            raise _bad(frame, raw_dates.isna().to_numpy(), "date_of_service", "missing (NaT)")
        if getattr(raw_dates.dtype, "tz", None) is not None:
            raw_dates = raw_dates.dt.tz_localize(None)  # the date as written, like check_claim
        day = raw_dates.to_numpy().astype("datetime64[D]").astype(np.int64) + _EPOCH
    else:
        # each distinct value read as check_claim reads it (ISO text, YYYYMMDD, dates...)
        date_index, date_uniques = pd.factorize(raw_dates, use_na_sentinel=False)
        ordinals = np.empty(len(date_uniques), dtype=np.int64)
        for position, raw in enumerate(date_uniques):
            try:
                ordinals[position] = _date(raw).toordinal()
            except InvalidClaimError as exc:
                raise _bad(frame, date_index == position, "date_of_service", str(exc)) from None
        day = ordinals[date_index]

    # units
    units = _units_of(frame) if "units" in frame.columns else np.ones(n, dtype=np.int64)

    line_ids = (
        text_source(frame["line_id"])  # made text only for the rows of findings
        if "line_id" in frame.columns
        else np.array([str(i + 1) for i in range(n)], dtype=object)
    )
    # a str column without missing values is text already (no per-finding conversion)
    id_dtype = frame["line_id"].dtype if "line_id" in frame.columns else None
    ids_are_text = "line_id" not in frame.columns or (
        isinstance(id_dtype, pd.StringDtype)
        and getattr(id_dtype, "na_value", pd.NA) is not pd.NA
        and not frame["line_id"].isna().any()
    )
    # text columns are taken from as they are, only for the rows of findings
    claim_ids = (
        text_source(frame["claim_id"]) if "claim_id" in frame else _column(frame, "claim_id", "")
    )
    bene = (
        text_source(frame["beneficiary_id"])
        if "beneficiary_id" in frame
        else _column(frame, "beneficiary_id", "")
    )
    prov = (
        text_source(frame["provider_id"])
        if "provider_id" in frame
        else _column(frame, "provider_id", "")
    )

    # setting / program per row
    set_index, set_uniques = _factor(frame, "setting", None)
    set_names = [normalize_setting(setting if _nan(s) or s is None else s) for s in set_uniques]
    prog_index, prog_uniques = _factor(frame, "program", "medicare")
    prog_names = [_program("medicare" if _nan(p) or p is None else p) for p in prog_uniques]

    # groups: beneficiary + provider + day + setting + program
    b_index, _ = _factor(frame, "beneficiary_id", "")
    p_index, p_uniques = _factor(frame, "provider_id", "")
    day0 = day - day.min()
    composite = (
        ((b_index.astype(np.int64) * (len(p_uniques) + 1) + p_index) * (int(day0.max()) + 1) + day0)
        * (len(set_uniques) + 1)
        + set_index
    ) * (len(prog_uniques) + 1) + prog_index
    group, _ = pd.factorize(composite)
    group = group.astype(np.int64)

    # tables per (setting, program, day)
    select_day = None if as_of is None else _to_day(as_of)
    combo = (set_index.astype(np.int64) * len(prog_uniques) + prog_index) * (
        int(day0.max()) + 1
    ) + day0
    combo_index, combo_uniques = pd.factorize(combo)
    chosen: list[Tables] = []
    for value in combo_uniques:
        rest, d0 = divmod(int(value), int(day0.max()) + 1)
        s_i, p_i = divmod(rest, len(prog_uniques))
        on = select_day or dt.date.fromordinal(int(day.min()) + d0)
        chosen.append(tables_for(set_names[s_i], prog_names[p_i], on))

    modifier_lists: list[list[str]] = []
    mod_index, mod_table = _bypass_table(frame, policy.ptp_modifiers, modifier_lists)
    cutoff = PTP_MODIFIERS[0][0].toordinal()
    # (whether a list has a bypassing modifier is decided once per distinct list)
    if policy.ptp_modifiers is not None:
        fixed = np.array([c for _, _, c in mod_table], dtype=object)
        bypass_names = fixed[mod_index]
        has_bypass = np.array([c is not None for c in fixed], dtype=bool)[mod_index]
    else:
        newest = np.array([a for a, _, _ in mod_table], dtype=object)
        oldest = np.array([b for _, b, _ in mod_table], dtype=object)
        recent = day >= cutoff
        bypass_names = np.where(recent, newest[mod_index], oldest[mod_index])
        has_newest = np.array([a is not None for a in newest], dtype=bool)
        has_oldest = np.array([b is not None for b in oldest], dtype=bool)
        has_bypass = np.where(recent, has_newest[mod_index], has_oldest[mod_index])

    out: list[dict[str, Any]] = []
    denied = np.zeros(n, dtype=bool)
    in_order = bool((np.diff(group) >= 0).all())  # groups already in row order
    group_rank = group
    ctx = Lines(
        code=code,
        code_rank=code_rank,
        distinct=distinct,
        day=day,
        units=units,
        group=group,
        line_ids=line_ids,
        claim_ids=claim_ids,
        bene=bene,
        prov=prov,
        canonical=canonical_arr,
        canonical_text=text_source(pd.Series(canonical_arr)),
        code_index=code_index,
        bypass=bypass_names,
        has_bypass=has_bypass,
        policy=policy,
        out=out,
        denied=denied,
        prog_names=prog_names,
        prog_index=prog_index,
        group_rank=group_rank,
        group_order=(np.arange(n) if in_order else np.argsort(group, kind="stable")),
        in_order=in_order,
        ids_are_text=ids_are_text,
    )
    # PTP and MUE per table choice, then AOC (which needs every PTP/MUE denial)
    by_ptp: dict[int, list[int]] = {}
    by_mue: dict[int, list[int]] = {}
    by_aoc: dict[int, list[int]] = {}
    for i, tables in enumerate(chosen):
        for part, bucket in ((tables.ptp, by_ptp), (tables.mue, by_mue), (tables.aoc, by_aoc)):
            if part is not None:
                bucket.setdefault(id(part[1]), []).append(i)
    part_of = {id(p[1]): p for t in chosen for p in (t.ptp, t.mue, t.aoc) if p is not None}
    for key, combos in by_ptp.items():
        rows = np.flatnonzero(np.isin(combo_index, combos))
        _ptp.on_frame(ctx, rows, part_of[key])
    for key, combos in by_mue.items():
        rows = np.flatnonzero(np.isin(combo_index, combos))
        _mue.on_frame(ctx, rows, part_of[key])
    for key, combos in by_aoc.items():
        rows = np.flatnonzero(np.isin(combo_index, combos))
        _aoc.on_frame(ctx, rows, part_of[key])
    # an edit kind whose table is missing: one unverifiable row per line (as check_claim)
    for i, tables in enumerate(chosen):
        if not tables.missing:
            continue
        rows = np.flatnonzero(combo_index == i)
        for table, provenance, _ in tables.missing:
            ctx.block(
                rows,
                entry=MissingEntry(provenance),
                kind=table,
                severity="unverifiable",
                unchecked=np.ones(len(rows), dtype=bool),
            )
    if policy.validate_codes:
        frame_validity(ctx, frame, mod_index, modifier_lists)
    return ctx.frame()
