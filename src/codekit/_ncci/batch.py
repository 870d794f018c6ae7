"""The batch path: a DataFrame of claim lines in, a DataFrame of findings out, vectorised.

Lines are compared per beneficiary + rendering provider + date of service (+ setting and
program), across claims. The semantics are those of :mod:`codekit._ncci.engine` — the test
suite checks that both paths give the same findings — computed with numpy over all lines at
once: codes become integers, each group's ordered line pairs are looked up in the sorted PTP
keys with one ``searchsorted``, MUE units are summed per group and code with ``bincount``, and
AOC primaries are matched as sorted ``(rule, primary)`` keys, iterating while an AOC denial
removes a primary.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._ncci import codes as _codes
from codekit._ncci import policy as _policy
from codekit._ncci.engine import Tables, tables_for
from codekit._ncci.model import (
    EDIT_KINDS,
    UNITS_CAP,
    Claim,
    _code,
    _date,
    _modifiers,
    _program,
    _units,
    normalize_setting,
)
from codekit._ncci.pairs import SMALL, expand, listed_rank_pairs, pairs_by_listing
from codekit._ncci.policy import Policy, contractor_primaries
from codekit._ncci.rules import CARC, NEVER, OPEN, PTP_MODIFIERS
from codekit._ncci.validity import frame_validity
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np
    import pandas as pd

__all__ = ["FINDING_COLUMNS", "check_claims"]

#: The columns of the findings DataFrame.
FINDING_COLUMNS = (
    "claim_id",
    "line_id",
    "beneficiary_id",
    "provider_id",
    "date_of_service",
    "kind",
    "severity",
    "code",
    "other_claim_id",
    "other_line_id",
    "other_code",
    "carc",
    "bypass_modifier",
    "indicator",
    "mai",
    "mue_value",
    "units",
    "appealable",
    "aoc_type",
    "primaries",
    "rationale",
    "effective",
    "deletion",
    "table",
    "setting",
    "program",
    "release",
    "source_file",
    "unchecked",
)
_EPOCH = dt.date(1970, 1, 1).toordinal()
_CODE_BITS = 26  # a code is below 36**5 < 2**26: (group << 26) | code is one key
_LOW = (1 << 32) - 1
_NONE: Any = None  # a missing value in an object column


def _frame_of_claims(claims: Iterable[Claim]) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {
            "claim_id": claim.claim_id,
            "beneficiary_id": claim.beneficiary_id,
            "provider_id": claim.provider_id,
            "setting": claim.setting,
            "program": claim.program,
            "diagnoses": claim.diagnoses,
            **line.to_dict(),
        }
        for claim in claims
        for line in claim.lines
    ]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["modifiers"] = [tuple(m) for m in frame["modifiers"]]
    if frame["setting"].isna().all():
        frame = frame.drop(columns="setting")
    return frame


def _claims_of(value: object) -> list[Claim]:
    """The claims of a non-DataFrame argument: claims or claim mappings, else a clear error."""
    from collections.abc import Iterable, Mapping

    if isinstance(value, Claim | Mapping):
        value = [value]
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidClaimError(
            f"check_claims takes a pandas DataFrame of claim lines or a list of codekit.Claim, "
            f"not {type(value).__name__}",
            value=value,
        )
    claims = []
    for item in value:
        if isinstance(item, Claim):
            claims.append(item)
        elif isinstance(item, Mapping):
            claims.append(Claim.from_dict(item))
        else:
            raise InvalidClaimError(
                f"check_claims takes claims (codekit.Claim or mappings), not {type(item).__name__}",
                value=item,
            )
    return claims


def _column(frame: pd.DataFrame, name: str, default: object) -> Any:
    import numpy as np

    if name in frame.columns:
        return frame[name].to_numpy()
    return np.full(len(frame), default, dtype=object)


def _factor(frame: pd.DataFrame, name: str, default: object) -> tuple[Any, Any]:
    """Codes and distinct values of a column (a constant when the column is absent)."""
    import numpy as np
    import pandas as pd

    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64), [default]
    return pd.factorize(frame[name], use_na_sentinel=False)


def _canonical_codes(column: pd.Series[Any]) -> tuple[Any, list[str], Any] | None:
    """``(index, canonical, encoded)`` as the factorising path makes them, when every value
    is already a canonical five-character code: read straight from the characters (one
    pass in numpy, then integers factorised) instead of hashing every string. ``None``
    when any value is not (missing, lower case, padded, not text...): the caller then
    takes the checking path.
    """
    import numpy as np
    import pandas as pd

    values = column.to_numpy()
    if values.dtype != object or len(values) == 0:
        return None
    if not all(type(v) is str for v in values[:: max(1, len(values) // 64)]):
        return None
    try:
        # six characters: a sixth one (cut off there) means the value is too long
        chars = values.astype("U6")
    except (TypeError, ValueError):  # pragma: no cover - str() of a value failed
        return None
    points = chars.view(np.uint32).reshape(-1, 6)
    if points[:, 5].any():
        return None
    digit = np.full(128, 255, dtype=np.uint8)
    for char, value in _codes._VALUE.items():
        digit[ord(char)] = value
    digits = digit[np.minimum(points[:, :5], 127)]
    if (digits == 255).any():
        return None
    encoded_rows = digits[:, 0].astype(np.int64)
    for place in range(1, 5):
        encoded_rows *= 36
        encoded_rows += digits[:, place]
    index, uniques = pd.factorize(encoded_rows)
    encoded = np.asarray(uniques, dtype=np.int64)
    return index, [_codes.decode(int(c)) for c in encoded.tolist()], encoded


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


def _pair_search(ctx: _Ctx, left: Any, right: Any, keys: Any) -> tuple[Any, Any]:
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


def _bad(frame: pd.DataFrame, mask: Any, field: str, message: str) -> InvalidClaimError:
    import numpy as np

    row = int(np.flatnonzero(mask)[0])
    line = str(frame["line_id"].iloc[row]) if "line_id" in frame.columns else str(row + 1)
    value = frame[field].iloc[row] if field in frame.columns else None
    message = message.removeprefix("claim: ")  # the text of a scalar reader's error
    return InvalidClaimError(
        f"{message}: {value!r} (row {row + 1})", line=line, field=field, value=value
    )


def _bypass_table(
    frame: pd.DataFrame, fixed: frozenset[str] | None, lists: list[list[str]]
) -> tuple[Any, list[tuple[str | None, str | None, str | None]]]:
    """Per row, an index into the distinct modifier lists, and each list's first
    PTP-associated modifier under the current list, the pre-2015 list and ``fixed``
    (``lists`` receives the modifiers of each distinct list).
    """
    import numpy as np
    import pandas as pd

    values = _column(frame, "modifiers", "")
    try:
        dtype = frame["modifiers"].dtype if "modifiers" in frame.columns else None
        if isinstance(dtype, pd.StringDtype) and getattr(dtype, "na_value", pd.NA) is not pd.NA:
            # a str column (missing = NaN): factorised as it is, faster than as Python objects
            index, uniques = pd.factorize(frame["modifiers"], use_na_sentinel=False)
        else:
            index, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    except TypeError:  # lists are not hashable
        keys = [tuple(v) if isinstance(v, list | tuple | np.ndarray) else v for v in values]
        index, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=False)
    newest, oldest = PTP_MODIFIERS[0][1], PTP_MODIFIERS[-1][1]
    found: list[tuple[str | None, str | None, str | None]] = []
    lists.clear()
    for position, raw in enumerate(uniques):
        try:
            items = _split(raw)
        except InvalidClaimError as exc:
            raise _bad(frame, index == position, "modifiers", str(exc)) from None
        lists.append(items)
        found.append(
            (
                next((m for m in items if m in newest), None),
                next((m for m in items if m in oldest), None),
                next((m for m in items if fixed is not None and m in fixed), None),
            )
        )
    return index, found


def _nan(value: object) -> bool:
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN is the value unequal to itself
    except (TypeError, ValueError):
        return False


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
        frame["line_id"].to_numpy()  # made text only for the rows of findings
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
    claim_ids = _column(frame, "claim_id", "")
    bene = _column(frame, "beneficiary_id", "")
    prov = _column(frame, "provider_id", "")

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
    ctx = _Ctx(
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
        _ptp(ctx, rows, part_of[key])
    for key, combos in by_mue.items():
        rows = np.flatnonzero(np.isin(combo_index, combos))
        _mue(ctx, rows, part_of[key])
    for key, combos in by_aoc.items():
        rows = np.flatnonzero(np.isin(combo_index, combos))
        _aoc(ctx, rows, part_of[key])
    # an edit kind whose table is missing: one unverifiable row per line (as check_claim)
    for i, tables in enumerate(chosen):
        if not tables.missing:
            continue
        rows = np.flatnonzero(combo_index == i)
        for table, provenance, _ in tables.missing:
            ctx.block(
                rows,
                entry=_MissingEntry(provenance),
                kind=table,
                severity="unverifiable",
                unchecked=np.ones(len(rows), dtype=bool),
            )
    if policy.validate_codes:
        frame_validity(ctx, frame, mod_index, modifier_lists)
    return ctx.frame()


def _units_of(frame: pd.DataFrame) -> Any:
    """Units per row as ``int64``, read as :func:`~codekit.check_claim` reads them (missing
    = 1), with values beyond :data:`~codekit._ncci.model.UNITS_CAP` counted as the cap (more
    than any MUE allows) instead of wrapping around.
    """
    import numpy as np
    import pandas as pd

    column = frame["units"]
    if pd.api.types.is_integer_dtype(column.dtype) and not pd.api.types.is_unsigned_integer_dtype(
        column.dtype
    ):
        values = column.to_numpy(dtype=np.int64, na_value=1)
        if (values < 0).any():
            raise _bad(frame, values < 0, "units", "units must be a whole number >= 0")
        return np.minimum(values, UNITS_CAP)
    index, uniques = pd.factorize(column, use_na_sentinel=False)
    found = np.empty(len(uniques), dtype=np.int64)
    for position, raw in enumerate(uniques):
        try:
            found[position] = min(_units(raw), UNITS_CAP)
        except InvalidClaimError as exc:
            raise _bad(frame, index == position, "units", str(exc)) from None
    return found[index]


def _split(value: object) -> list[str]:
    import numpy as np

    if isinstance(value, np.ndarray):
        value = value.tolist()
    return list(_modifiers(value))


def _to_day(value: dt.date | str) -> dt.date:
    from codekit._ncci.model import _date

    return _date(value)


class _Ctx:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    code: np.ndarray[Any, Any]
    day: np.ndarray[Any, Any]
    units: np.ndarray[Any, Any]
    group: np.ndarray[Any, Any]
    line_ids: np.ndarray[Any, Any]
    claim_ids: np.ndarray[Any, Any]
    bene: np.ndarray[Any, Any]
    prov: np.ndarray[Any, Any]
    canonical: np.ndarray[Any, Any]
    code_index: np.ndarray[Any, Any]
    bypass: np.ndarray[Any, Any]
    has_bypass: np.ndarray[Any, Any]
    policy: Policy
    out: list[dict[str, Any]]
    denied: np.ndarray[Any, Any]
    prog_names: list[str]
    prog_index: np.ndarray[Any, Any]

    group_rank: np.ndarray[Any, Any]
    group_order: np.ndarray[Any, Any]
    in_order: bool
    ids_are_text: bool
    code_rank: np.ndarray[Any, Any]
    distinct: np.ndarray[Any, Any]

    def _ids(self, rows: Any) -> Any:
        """The line ids of ``rows`` as text."""
        if self.ids_are_text:
            return self.line_ids[rows]
        return self.line_ids[rows].astype(str).astype(object)

    def block(
        self,
        rows: Any,
        *,
        entry: Any,
        kind: str,
        severity: Any,
        other: Any = None,
        **columns: Any,
    ) -> None:
        """Record findings about ``rows`` (arrays of row numbers), one output row each."""
        import numpy as np

        if len(rows) == 0:
            return
        block: dict[str, Any] = {
            "claim_id": self.claim_ids[rows],
            "line_id": self._ids(rows),
            "beneficiary_id": self.bene[rows],
            "provider_id": self.prov[rows],
            "date_of_service": self.day[rows],
            "kind": kind,
            "severity": severity,
            "code": self.canonical[self.code_index[rows]],
            "table": entry.provenance.table,
            "setting": entry.setting,
            "program": entry.program,
            "release": entry.release,
            "source_file": ", ".join(entry.source_files),
            **columns,
        }
        if other is not None:
            block["other_claim_id"] = self.claim_ids[other]
            block["other_line_id"] = self._ids(other)
            block["other_code"] = self.canonical[self.code_index[other]]
        rank = EDIT_KINDS.index(kind)
        second = self.code[other] if other is not None else np.zeros(len(rows), dtype=np.int64)
        block["_sort"] = (
            self.group_rank[rows],
            np.full(len(rows), rank),
            self.code[rows],
            second,
            rows,
        )
        block["_n"] = len(rows)
        self.out.append(block)

    def frame(self) -> pd.DataFrame:
        """The findings recorded, as a DataFrame in a stable order."""
        import numpy as np
        import pandas as pd

        if not self.out:
            return pd.DataFrame(columns=list(FINDING_COLUMNS))
        defaults: dict[str, Any] = {
            "other_claim_id": None,
            "other_line_id": None,
            "other_code": None,
            "carc": None,
            "bypass_modifier": None,
            "indicator": -1,
            "mai": -1,
            "mue_value": -1,
            "units": -1,
            "appealable": False,
            "aoc_type": -1,
            "primaries": None,
            "rationale": "",
            "effective": NEVER,
            "deletion": OPEN,
            "unchecked": False,
        }
        data: dict[str, Any] = {}
        for name in FINDING_COLUMNS:
            parts = []
            for block in self.out:
                value = block.get(name, defaults.get(name))
                if not isinstance(value, np.ndarray):
                    filled = np.empty(
                        block["_n"],
                        dtype=object if not isinstance(value, int | bool) else type(value),
                    )
                    filled[:] = value if not isinstance(value, tuple) else [value] * block["_n"]
                    value = filled
                parts.append(value)
            data[name] = np.concatenate(parts) if len(parts) > 1 else parts[0]
        keys = [np.concatenate([b["_sort"][i] for b in self.out]) for i in range(5)]
        order = np.lexsort(keys[::-1])
        for name in FINDING_COLUMNS:
            data[name] = data[name][order]
        epoch = np.datetime64("1970-01-01", "D")
        data["date_of_service"] = epoch + (data["date_of_service"].astype(np.int64) - _EPOCH)
        for name in ("effective", "deletion"):
            raw = data[name].astype(np.int64)
            dates = epoch + (np.where((raw == OPEN) | (raw == NEVER), _EPOCH, raw) - _EPOCH)
            data[name] = np.where((raw == OPEN) | (raw == NEVER), np.datetime64("NaT"), dates)
        frame = pd.DataFrame(data, columns=list(FINDING_COLUMNS))
        for name in ("indicator", "mai", "mue_value", "units", "aoc_type"):
            frame[name] = frame[name].astype(np.int64).where(frame[name] >= 0).astype("Int64")
        return frame


def _pairs(ctx: _Ctx, rows: np.ndarray[Any, Any]) -> tuple[Any, Any]:
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


def _listed_pairs(ctx: _Ctx, listed: tuple[Any, Any]) -> Any:
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


def _ptp(ctx: _Ctx, rows: Any, part: Any) -> None:
    import numpy as np

    from codekit._ncci.rules import ptp_applies

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
    warn = (indicator == 1) & bypass
    ctx.denied[right[~warn]] = True
    ctx.block(
        right,
        other=left,
        entry=entry,
        kind="ptp",
        severity=np.where(warn, "warn", "deny").astype(object),
        carc=np.where(warn, _NONE, CARC["ptp"]),
        bypass_modifier=np.where(warn, bypass_name, _NONE),
        indicator=indicator,
        rationale=np.array(table.meta["rationales"], dtype=object)[table.rationale[row]],
        effective=table.effective[row].astype(np.int64),
        deletion=table.deletion[row].astype(np.int64),
    )


def _mue(ctx: _Ctx, rows: Any, part: Any) -> None:
    import numpy as np
    import pandas as pd

    entry, table = part
    mue_codes = table.code
    # look each distinct code up once, then spread to the rows by rank
    at = np.minimum(mue_codes.searchsorted(ctx.distinct.astype(np.uint32)), len(mue_codes) - 1)
    found = mue_codes[at] == ctx.distinct
    rank = ctx.code_rank[rows]
    listed = found[rank]
    where = at[rank]
    rows, where = rows[listed], where[listed]
    if len(rows) == 0:
        return
    value = table.value[where].astype(np.int64)
    mai = table.mai[where].astype(np.int64)
    units = ctx.units[rows]
    line_over = (mai == 1) & (units > value)
    # units summed per group and code, for the date of service edits only (MAI 2 and 3)
    totals = units.copy()
    by_date = np.flatnonzero(mai != 1)
    if len(by_date):
        key = ctx.group[rows[by_date]] * (1 << 32) + ctx.code[rows[by_date]]
        key_index, _ = pd.factorize(key)
        summed = np.bincount(key_index, weights=units[by_date]).astype(np.int64)
        totals[by_date] = summed[key_index]
    date_over = (mai != 1) & (totals > value)
    over = line_over | date_over
    if not over.any():
        return
    ctx.denied[rows[over]] = True
    pick = np.flatnonzero(over)
    ctx.block(
        rows[pick],
        entry=entry,
        kind="mue",
        severity="deny",
        carc=CARC["mue"],
        mai=mai[pick],
        mue_value=value[pick],
        units=np.where(line_over[pick], units[pick], totals[pick]),
        appealable=mai[pick] == 3,
        rationale=np.array(table.meta["rationales"], dtype=object)[table.rationale[where[pick]]],
    )


def _aoc(ctx: _Ctx, rows: Any, part: Any) -> None:  # noqa: PLR0915 - see _ptp
    import numpy as np
    import pandas as pd

    entry, table = part
    rules = table.by_add_on()
    add_on_codes = np.fromiter(rules.keys(), dtype=np.int64, count=len(rules))
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
        verdict = np.full(len(subject), 0, dtype=np.int64)  # 0 pass, 1 deny, 2 unverifiable
        verdict[(kind == 1) & ~listed_here] = 1
        k23 = (kind == 2) | (kind == 3)
        missing = k23 & ~((kind == 3) & listed_here)
        verdict[missing & has_extra & ~contractor_here & (kind == 2)] = 1
        verdict[missing & has_extra & ~contractor_here & (kind == 3)] = 2
        verdict[missing & ~has_extra] = 2
        verdict[kind == 0] = 0
        lost = subject[(verdict == 1) & payable[subject]]
        if len(lost) == 0:
            break
        payable[lost] = False
    flagged = np.flatnonzero(verdict != 0)
    if len(flagged) == 0:
        return
    denied = verdict[flagged] == 1
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
            carc=np.where(sub_denied, CARC["aoc"], _NONE),
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
        from codekit._ncci.model import Provenance

        self.provenance = Provenance(
            table="plugin", setting="all", program=program, source_file=source
        )
        self.setting = "all"
        self.program = program
        self.release = ""
        self.source_files = (source,)


class _MissingEntry:
    """Provenance of a table that is not installed (an ``unchecked`` finding names it)."""

    def __init__(self, provenance: Any) -> None:
        self.provenance = provenance
        self.setting = provenance.setting
        self.program = provenance.program
        self.release = ""
        self.source_files = ()
