"""Reading a DataFrame of claim lines (or claims) into arrays for the batch path.

Each distinct value of a column is read once, as :func:`~codekit.check_claim` reads it (the
readers of :mod:`codekit._edits.fields`); an unreadable value raises
:class:`~codekit.exceptions.InvalidClaimError` naming its row.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._edits import codes as _codes
from codekit._edits.claim import Claim
from codekit._edits.fields import UNITS_CAP, _date, _modifiers, _units
from codekit._edits.ncci.rules import PTP_MODIFIERS
from codekit.exceptions import InvalidClaimError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd


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
    return index, _codes.decode_many(encoded), encoded


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


def _units_of(frame: pd.DataFrame) -> Any:
    """Units per row as ``int64``, read as :func:`~codekit.check_claim` reads them (missing
    = 1), with values beyond :data:`~codekit._edits.fields.UNITS_CAP` counted as the cap (more
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
    return _date(value)
