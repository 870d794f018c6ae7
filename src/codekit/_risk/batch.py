"""Risk scores for many members at once: a DataFrame in, one row per member out.

The demographic part is worked out column-wise; the disease part per member from the
diagnoses, with the sum of a segment's disease factors cached per set of HCCs (members share
few combinations). Every row scores exactly as :func:`codekit.risk_score` scores it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codekit._risk import demographics
from codekit._risk.score import adjustment, scorer
from codekit.exceptions import IntegrationError, InvalidCodeError, InvalidMemberError

if TYPE_CHECKING:
    import pandas as pd

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
)
_OPTIONAL = {
    "dual": None,
    "medicaid": None,
    "orec": "0",
    "institutional": False,
    "new_enrollee": False,
    "snp": False,
    "segment": None,
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
    ``new_enrollee``, ``snp`` and ``segment``, read as :func:`codekit.risk_score` reads its
    arguments. The result keeps the frame's index and has the columns ``segment``,
    ``hccs`` (a tuple of HCC numbers), ``demographic_score``, ``disease_score``,
    ``risk_score`` and ``payment_score`` (empty where codekit has no normalization factor
    for the year and none was passed). A row codekit cannot score raises
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
    coefficients = table.coefficients
    norm = adjustment(
        "normalization_factor", normalization_factor, table.normalization, 0.01, 100.0
    )
    intensity = adjustment("coding_intensity", coding_intensity, table.coding_intensity, 0.0, 0.99)
    assert intensity is not None
    columns = {
        name: (members[name].tolist() if name in members.columns else None) for name in COLUMNS
    }
    size = len(members)
    segments: list[str] = []
    kept_hccs: list[tuple[str, ...]] = []
    demographic = [0.0] * size
    disease = [0.0] * size
    people: dict[tuple[Any, ...], tuple[demographics.Member, str, float]] = {}
    for row in range(size):
        values = {
            name: (column[row] if column is not None else _OPTIONAL[name])
            for name, column in columns.items()
        }
        key = tuple(_python(values[name]) for name in COLUMNS if name != "diagnoses")
        known = people.get(key)
        try:
            if known is None:
                person = demographics.member(
                    age=key[0],
                    sex=key[1],
                    dual=key[2],
                    medicaid=key[3],
                    orec=key[4],
                    institutional=key[5],
                    new_enrollee=key[6],
                    snp=key[7],
                )
                segment = (
                    demographics.segment_of(person)
                    if key[8] is None
                    else demographics.check_segment(key[8])
                )
                names = ready.demographic_factor_names(person, segment)
                known = (person, segment, sum(coefficients[n.upper()] for n in names))
                people[key] = known
            person, segment, part = known
            codes = values["diagnoses"]
            if isinstance(codes, str) or codes is None or not hasattr(codes, "__iter__"):
                raise InvalidMemberError(
                    "diagnoses", codes, "the diagnoses column holds a list of codes per member"
                )
            hccs = ready.payment_hccs(ready.categories(codes, person))
        except (InvalidMemberError, InvalidCodeError) as exc:
            label = members.index[row]
            raise InvalidMemberError(
                getattr(exc, "field", "diagnoses"),
                getattr(exc, "value", None),
                f"row {label!r}: {exc}",
            ) from exc
        segments.append(segment)
        kept_hccs.append(tuple(sorted(hccs, key=lambda h: (len(h), h))))
        demographic[row] = part
        disease[row] = ready.disease_part(segment, hccs, person.disabled)
    total = [d + s for d, s in zip(demographic, disease, strict=True)]
    frame = pd.DataFrame(
        {
            "segment": segments,
            "hccs": pd.Series(kept_hccs, dtype=object),
            "demographic_score": demographic,
            "disease_score": disease,
            "risk_score": total,
        }
    )
    frame.index = members.index
    frame["payment_score"] = (
        frame["risk_score"] / norm * (1 - intensity) if norm is not None else float("nan")
    )
    frame.attrs.update(
        model=ready.definition.name,
        payment_year=table.payment_year,
        status=table.status,
        normalization_factor=norm,
        coding_intensity=intensity,
    )
    return frame
