"""Risk scores for many members at once: a DataFrame in, one row per member out.

The demographic part is worked out column-wise; the disease part per member from the
diagnoses, with the sum of a segment's disease factors cached per set of HCCs (members share
few combinations). Every row scores exactly as :func:`codekit.risk_score` scores it.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from codekit._risk import demographics
from codekit._risk.arrays import ModelArrays
from codekit._risk.payment import adjustment, payment_score
from codekit._risk.scorer import scorer
from codekit.exceptions import IntegrationError, InvalidCodeError, InvalidMemberError

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    from codekit._risk.scorer import Scorer

#: A group of members with the same demographics: the member, segment, demographic score.
Person = tuple[demographics.Member, str, float]

__all__ = ["COLUMNS", "risk_scores"]

#: The columns a members frame may have (``age``, ``sex`` and ``diagnoses`` are required).
COLUMNS = (
    "age",
    "sex",
    "diagnoses",
    "dual",
    "medicaid",
    "orec",
    "institutional",
    "new_enrollee",
    "snp",
    "segment",
    "graft_months",
    "low_income",
)
_OPTIONAL = {
    "dual": None,
    "medicaid": None,
    "orec": "0",
    "institutional": False,
    "new_enrollee": False,
    "snp": False,
    "segment": None,
    "graft_months": None,
    "low_income": False,
}


def _python(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (ages read from a frame are numpy ints)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


def risk_scores(
    members: pd.DataFrame,
    *,
    model: str = "V28",
    payment_year: int | None = None,
    normalization_factor: float | None = None,
    coding_intensity: float | None = None,
) -> pd.DataFrame:
    """One row per member: segment, payment HCCs, demographic, disease and total scores.

    ``members`` has the columns ``age``, ``sex`` and ``diagnoses`` (a list of ICD-10-CM
    codes per member), and optionally ``dual``, ``medicaid``, ``orec``, ``institutional``,
    ``new_enrollee``, ``snp``, ``segment``, ``graft_months`` (the ESRD models) and
    ``low_income`` (the RxHCC models), read as
    :func:`codekit.risk_score` reads its arguments. The result keeps the frame's index and
    has the columns ``segment``, ``hccs`` (a tuple of HCC numbers), ``demographic_score``,
    ``disease_score``, ``risk_score`` and ``payment_score`` (empty where codekit has no
    normalization factor for the year and none was passed). A row codekit cannot score raises
    :class:`~codekit.exceptions.InvalidMemberError` naming the row.

    >>> import pandas as pd
    >>> from codekit.risk import risk_scores
    >>> members = pd.DataFrame({"age": [72, 45], "sex": ["F", "M"], "orec": ["0", "1"],
    ...                         "diagnoses": [["E11.9", "I50.9"], []]})
    >>> risk_scores(members, payment_year=2026)[["segment", "hccs", "risk_score"]].round(3)
      segment       hccs  risk_score
    0     CNA  (38, 226)       1.033
    1     CND         ()       0.215
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas comes with the pandas extra
        raise IntegrationError("risk_scores needs pandas: pip install 'codekit[pandas]'") from exc
    if not isinstance(members, pd.DataFrame):
        raise InvalidMemberError(
            "members",
            members,
            f"risk_scores takes a pandas DataFrame, not {type(members).__name__}",
        )
    missing = [name for name in ("age", "sex", "diagnoses") if name not in members.columns]
    if missing:
        raise InvalidMemberError(
            "members", list(members.columns), f"the members frame lacks the column(s) {missing}"
        )
    ready = scorer(model, payment_year)
    table = ready.table
    norm = adjustment(
        "normalization_factor", normalization_factor, table.normalization, 0.01, 100.0
    )
    intensity = adjustment("coding_intensity", coding_intensity, table.coding_intensity, 0.0, 0.99)
    assert intensity is not None
    arrays = ready.compiled
    if arrays is None:
        arrays = ready.compiled = ModelArrays(ready)
    groups, people = _demographics(members, ready)
    segment_of_group = np.array([arrays.segment_index[p[1]] for p in people], dtype=np.intp)
    rows = _hcc_rows(members, ready, arrays, groups, people)
    hccs_column = _hcc_tuples(rows, arrays)
    segments = segment_of_group[groups]
    flagged = np.array([ready.flagged(p[0]) for p in people], dtype=bool)[groups]
    demographic = np.array([p[2] for p in people], dtype=np.float64)[groups]
    disease = arrays.disease_scores(rows, segments, flagged)
    total = demographic + disease
    frame = pd.DataFrame(
        {
            "segment": np.array(ready.segments, dtype=object)[segments],
            "hccs": pd.Series(hccs_column, dtype=object),
            "demographic_score": demographic,
            "disease_score": disease,
            "risk_score": total,
        }
    )
    frame.index = members.index
    if normalization_factor is None and table.graft_normalization is not None:
        # the ESRD models: the graft segments have a normalization factor of their own
        by_segment = np.array([table.normalization_of(s) for s in ready.segments])[segments]
        paid = np.full(len(total), np.nan)
        for factor in np.unique(by_segment).tolist():
            chosen = by_segment == factor
            paid[chosen] = _payment_scores(total[chosen], factor, intensity)
        frame["payment_score"] = paid
    else:
        frame["payment_score"] = (
            _payment_scores(total, norm, intensity) if norm is not None else float("nan")
        )
    frame.attrs.update(
        model=ready.definition.name,
        payment_year=table.payment_year,
        status=table.status,
        normalization_factor=norm,
        coding_intensity=intensity,
    )
    return frame


def _payment_scores(
    total: NDArray[np.float64], norm: float, intensity: float
) -> NDArray[np.float64]:
    """:func:`~codekit._risk.payment.payment_score` of each raw score (once per distinct one)."""
    distinct, position = np.unique(total, return_inverse=True)
    paid = np.array([payment_score(float(v), norm, intensity) for v in distinct.tolist()])
    result: NDArray[np.float64] = paid[position].reshape(total.shape) if len(total) else total
    return result


def _row_error(members: pd.DataFrame, row: int, exc: Exception) -> InvalidMemberError:
    label = members.index[row]
    return InvalidMemberError(
        str(getattr(exc, "field", "diagnoses")),
        getattr(exc, "value", None),
        f"row {label!r}: {exc}",
    )


def _demographics(members: pd.DataFrame, ready: Scorer) -> tuple[NDArray[np.intp], list[Person]]:
    """Each row's demographic group, and each group's member, segment and demographic score."""
    names = [name for name in COLUMNS if name != "diagnoses" and name in members.columns]
    try:
        ngroup = members.groupby(names, dropna=False, sort=False).ngroup()
        groups: NDArray[np.intp] = np.asarray(ngroup.to_numpy(), dtype=np.intp)
    except TypeError as exc:  # an unhashable value (a list) in a demographic column
        raise InvalidMemberError(
            "members", None, f"the demographic columns {names} must hold plain values: {exc}"
        ) from exc
    _, first = np.unique(groups, return_index=True)
    people: list[Person] = []
    firsts = first.tolist()
    picked = {name: members[name].iloc[firsts].tolist() for name in names}
    for number, row in enumerate(firsts):
        values: dict[str, Any] = dict(_OPTIONAL)
        values.update({name: _python(column[number]) for name, column in picked.items()})
        for name, value in values.items():
            if isinstance(value, float) and math.isnan(value):  # the column's value is missing
                values[name] = _OPTIONAL.get(name)
        months = values["graft_months"]
        if isinstance(months, float) and months.is_integer():  # a column with gaps is float
            values["graft_months"] = int(months)
        try:
            person = demographics.member(
                age=values["age"],
                sex=values["sex"],
                dual=values["dual"],
                medicaid=values["medicaid"],
                orec=values["orec"],
                institutional=values["institutional"],
                new_enrollee=values["new_enrollee"],
                snp=values["snp"],
                graft_months=values["graft_months"],
                low_income=values["low_income"],
            )
            segment = ready.segment_of(person, values["segment"])
        except InvalidMemberError as exc:
            raise _row_error(members, row, exc) from exc
        people.append((person, segment, ready.demographic_score(person, segment)))
    return groups, people


def _diagnoses(members: pd.DataFrame) -> tuple[list[object], NDArray[np.intp]]:
    column = members["diagnoses"].tolist()
    for row, codes in enumerate(column):
        if isinstance(codes, str | bytes) or not hasattr(codes, "__len__"):
            raise _row_error(
                members,
                row,
                InvalidMemberError(
                    "diagnoses", codes, "the diagnoses column holds a list of codes per member"
                ),
            )
    lengths = np.fromiter(map(len, column), dtype=np.intp, count=len(column))
    return list(itertools.chain.from_iterable(column)), lengths


def _hcc_rows(
    members: pd.DataFrame,
    ready: Scorer,
    arrays: ModelArrays,
    groups: NDArray[np.intp],
    people: list[Person],
) -> NDArray[np.uint64]:
    """Each member's payment HCCs as a row of bits (edits, model rules and hierarchy applied)."""
    import pandas as pd

    flat, lengths = _diagnoses(members)
    rows = np.zeros((len(members), arrays.words), dtype=np.uint64)
    if not flat:
        return rows
    owner = np.repeat(np.arange(len(members), dtype=np.intp), lengths)
    try:
        codes, distinct = pd.factorize(np.array(flat, dtype=object), use_na_sentinel=False)
    except TypeError as exc:  # an unhashable diagnosis (a list in a list)
        raise InvalidMemberError("diagnoses", None, f"a diagnosis is not a code: {exc}") from exc
    positions: NDArray[np.intp] = np.asarray(codes, dtype=np.intp)
    uniques = list(distinct)
    masks = np.zeros((len(uniques), arrays.words), dtype=np.uint64)
    edits = []
    for number, code in enumerate(uniques):
        try:
            _, targets, edit = ready.code(code)
        except InvalidCodeError as exc:
            raise _row_error(members, int(owner[positions == number][0]), exc) from exc
        masks[number] = arrays.mask(targets)
        if edit is not None and targets:
            edits.append((number, edit))
    per_code = masks[positions]
    if edits:
        edit_of = dict(edits)
        flagged = np.zeros(len(uniques), dtype=bool)
        flagged[list(edit_of)] = True
        for position in np.flatnonzero(flagged[positions]).tolist():
            edit = edit_of[int(positions[position])]
            person = people[groups[owner[position]]][0]
            if edit.fires(person.age, "2" if person.sex == "F" else "1"):
                per_code[position] = 0 if edit.action == "invalid" else arrays.mask([edit.hcc])
    filled = np.flatnonzero(lengths > 0)
    starts = (np.cumsum(lengths) - lengths)[filled]
    rows[filled] = np.bitwise_or.reduceat(per_code, starts, axis=0)
    special = np.flatnonzero(arrays.any_of(rows, arrays.scalar))
    finished = [ready.payment_hccs(_hccs_of(rows[row], arrays)) for row in special.tolist()]
    arrays.apply_hierarchy(rows)
    for row, hccs in zip(special.tolist(), finished, strict=True):
        rows[row] = arrays.mask(hccs)
    return rows


def _hccs_of(row: NDArray[np.uint64], arrays: ModelArrays) -> list[str]:
    bits = np.unpackbits(row.astype("<u8").view(np.uint8), bitorder="little")
    return [arrays.hccs[i] for i in np.flatnonzero(bits[: len(arrays.hccs)]).tolist()]


def _hcc_tuples(rows: NDArray[np.uint64], arrays: ModelArrays) -> list[tuple[str, ...]]:
    """Each row's HCC numbers (in the order :func:`codekit.risk_score` lists them)."""
    names = np.array(arrays.hccs, dtype=object)
    found: list[tuple[str, ...]] = []
    for start in range(0, len(rows), 1 << 16):  # in chunks: the bits take a byte each
        chunk = rows[start : start + (1 << 16)].astype("<u8").view(np.uint8)
        bits = np.unpackbits(chunk, axis=1, bitorder="little")[:, : len(names)]
        which, position = np.nonzero(bits)
        flat = names[position].tolist()
        ends = np.cumsum(np.bincount(which, minlength=len(chunk))).tolist()
        begin = 0
        for end in ends:
            found.append(tuple(flat[begin:end]))
            begin = end
    return found
