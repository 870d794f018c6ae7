"""The batch path's lines as arrays, and the findings recorded about them as a DataFrame.

Shared by every claim edit's array path: :class:`Lines` holds one array per line field; an
edit records findings about rows with :meth:`Lines.block`, and :meth:`Lines.frame` returns
them as one DataFrame of :data:`FINDING_COLUMNS` in a stable order.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from codekit._edits.finding import EDIT_KINDS
from codekit._edits.ncci.rules import NEVER, OPEN

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from codekit._edits.ncci.policy import Policy

__all__ = ["FINDING_COLUMNS", "NONE", "Lines", "MissingEntry"]


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


NONE: Any = None  # a missing value in an object column


class Lines:
    """The lines of a frame as arrays (one element per row), and the findings recorded about
    them: each edit's :func:`on_frame` reads the arrays and calls :meth:`block`."""

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
    #: the distinct codes as a text column (see :func:`text_source`) or ``canonical``
    canonical_text: Any
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
        import numpy as np

        if self.ids_are_text:
            return _pick(self.line_ids, rows)
        return np.asarray(self.line_ids[rows], dtype=object).astype(str).astype(object)

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
            "claim_id": _pick(self.claim_ids, rows),
            "line_id": self._ids(rows),
            "beneficiary_id": _pick(self.bene, rows),
            "provider_id": _pick(self.prov, rows),
            "date_of_service": self.day[rows],
            "kind": kind,
            "severity": severity,
            "code": _pick(self.canonical_text, self.code_index[rows]),
            "table": entry.provenance.table,
            "setting": entry.setting,
            "program": entry.program,
            "release": entry.release,
            "source_file": ", ".join(entry.source_files),
            **columns,
        }
        if other is not None:
            block["other_claim_id"] = _pick(self.claim_ids, other)
            block["other_line_id"] = self._ids(other)
            block["other_code"] = _pick(self.canonical_text, self.code_index[other])
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
        keys = [np.concatenate([b["_sort"][i] for b in self.out]) for i in range(5)]
        order = np.lexsort(keys[::-1])
        data: dict[str, Any] = {}
        for name in FINDING_COLUMNS:
            taken = _taken(self.out, name, order)
            if taken is not None:
                data[name] = taken
                continue
            parts = []
            for block in self.out:
                value = block.get(name, defaults.get(name))
                if isinstance(value, _Taken):
                    value = np.asarray(value.source.take(value.index), dtype=object)
                if not isinstance(value, np.ndarray):
                    filled = np.empty(
                        block["_n"],
                        dtype=object if not isinstance(value, int | bool) else type(value),
                    )
                    filled[:] = value if not isinstance(value, tuple) else [value] * block["_n"]
                    value = filled
                parts.append(value)
            data[name] = (np.concatenate(parts) if len(parts) > 1 else parts[0])[order]
        epoch = np.datetime64("1970-01-01", "D")
        data["date_of_service"] = epoch + (data["date_of_service"].astype(np.int64) - _EPOCH)
        for name in ("effective", "deletion"):
            raw = data[name].astype(np.int64)
            dates = epoch + (np.where((raw == OPEN) | (raw == NEVER), _EPOCH, raw) - _EPOCH)
            data[name] = np.where((raw == OPEN) | (raw == NEVER), np.datetime64("NaT"), dates)
        for name in FINDING_COLUMNS:
            data[name] = _as_column(data[name])
        frame = pd.DataFrame(data, columns=list(FINDING_COLUMNS))
        for name in ("indicator", "mai", "mue_value", "units", "aoc_type"):
            frame[name] = frame[name].astype(np.int64).where(frame[name] >= 0).astype("Int64")
        return frame


_TEXT: list[Any] = []


def _text_dtype() -> Any:
    """The dtype pandas gives an array of Python strings (``str`` since pandas 3)."""
    if not _TEXT:
        import numpy as np
        import pandas as pd

        _TEXT.append(pd.Series(np.array(["a"], dtype=object)).dtype)
    return _TEXT[0]


def text_source(column: Any) -> Any:
    """What findings take a text column's values from: a pandas text column as its array
    (values are then taken by position, never made Python strings), anything else as a
    numpy array."""
    import numpy as np
    import pandas as pd

    if isinstance(column, pd.Series) and column.dtype == _text_dtype() != np.dtype(object):
        return column.array
    return column.to_numpy() if isinstance(column, pd.Series) else np.asarray(column)


class _Taken:
    """Rows to take from a text column when the findings frame is made (see :func:`_pick`)."""

    __slots__ = ("index", "source")

    def __init__(self, source: Any, index: Any) -> None:
        self.source = source
        self.index = index


def _pick(source: Any, index: Any) -> Any:
    """``source[index]``; from a pandas text column (:func:`text_source`), deferred."""
    import numpy as np

    return source[index] if isinstance(source, np.ndarray) else _Taken(source, index)


def _taken(blocks: list[dict[str, Any]], name: str, order: Any) -> Any:
    """The column ``name`` of the findings taken at once from its text column, ``None``
    when a block holds a plain array; a block without the column (``other_*`` of findings
    about one line) gives missing values."""
    import numpy as np

    found = [b.get(name) for b in blocks]
    sources = [f for f in found if isinstance(f, _Taken)]
    if not sources or len(sources) != sum(f is not None for f in found):
        return None  # (a block that gives the column its own values: made as they are)
    index = np.concatenate(
        [
            f.index if isinstance(f, _Taken) else np.full(b["_n"], -1, dtype=np.int64)
            for f, b in zip(found, blocks, strict=True)
        ]
    )[order]
    return sources[0].source.take(index, allow_fill=bool((index < 0).any()))


def _as_column(values: Any) -> Any:
    """An object array as the column pandas would make of it, made from its distinct values.

    pandas (3 and later) stores text as its ``str`` dtype: converting an array of Python
    strings element by element costs most of the batch path's time (the findings repeat a
    few values: kinds, codes, rationales, ids of a few lines each). The distinct values are
    found by hashing, converted once, and spread with a ``take``; anything that is not text
    (the ``primaries`` tuples) or a pandas that keeps ``object`` is left as it is.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(values, np.ndarray) or values.dtype != object or len(values) == 0:
        return values
    try:
        codes, uniques = pd.factorize(values)
    except TypeError:  # unhashable values: pandas keeps them as objects anyway
        return values
    if len(uniques) == 0:
        return values
    distinct = pd.Series(uniques)
    if not isinstance(distinct.dtype, pd.StringDtype):
        return values
    return distinct.array.take(codes, allow_fill=True)


class MissingEntry:
    """Provenance of a table that is not installed (an ``unchecked`` finding names it)."""

    def __init__(self, provenance: Any) -> None:
        self.provenance = provenance
        self.setting = provenance.setting
        self.program = provenance.program
        self.release = ""
        self.source_files = ()
