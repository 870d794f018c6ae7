"""Writing NCCI tables in codekit's on-disk format (install time).

The format (the arrays of each table and ``table.json``) is described in
:mod:`codekit._edits.ncci.tables`, which loads what these writers write.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from codekit._edits import codes as _codes
from codekit._edits.ncci.tables import FORMAT, META
from codekit.exceptions import DataError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from codekit._edits.ncci.formats import AocRows, MueRows, PtpRows

__all__ = ["build_aoc", "build_mue", "build_ptp"]


def _index(values: Sequence[str]) -> tuple[list[str], list[int]]:
    """Distinct strings (sorted) and each value's index among them."""
    distinct = sorted(set(values))
    where = {text: i for i, text in enumerate(distinct)}
    return distinct, [where[v] for v in values]


def _write(dest: Path, meta: dict[str, Any], arrays: Mapping[str, Any]) -> dict[str, Any]:
    import numpy as np

    dest.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(dest / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    meta = {"format": FORMAT, **meta}
    (dest / META).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", "utf-8")
    return meta


def build_ptp(rows: PtpRows, dest: Path, **meta: Any) -> dict[str, Any]:
    """Write PTP rows into ``dest``; returns the table metadata (also in ``table.json``)."""
    import numpy as np

    if len(rows) == 0:
        raise DataError("the PTP files hold no rows")
    col1 = _codes.encode_many(rows.column1).astype(np.uint64)
    col2 = _codes.encode_many(rows.column2).astype(np.uint64)
    key = (col1 << np.uint64(32)) | col2
    effective = np.asarray(rows.effective, dtype=np.int32)
    order = np.lexsort((effective, key))
    rationales, why = _index(rows.rationale)
    if len(rationales) > 255:
        raise DataError(f"the PTP files hold {len(rationales)} distinct rationales (max 255)")
    arrays = {
        "key": key[order],
        "effective": effective[order],
        "deletion": np.asarray(rows.deletion, dtype=np.int32)[order],
        "indicator": np.asarray(rows.indicator, dtype=np.uint8)[order],
        "rationale": np.asarray(why, dtype=np.uint8)[order],
        "prior_1996": np.asarray(rows.prior_1996, dtype=np.uint8)[order],
        "part": np.asarray(rows.part, dtype=np.uint8)[order],
    }
    return _write(
        dest, {"table": "ptp", "rows": len(rows), "rationales": rationales, **meta}, arrays
    )


def build_mue(rows: MueRows, dest: Path, **meta: Any) -> dict[str, Any]:
    """Write MUE rows into ``dest``; a code listed twice is an error."""
    import numpy as np

    if len(rows) == 0:
        raise DataError("the MUE file holds no rows")
    code = _codes.encode_many(rows.code)
    order = np.argsort(code, kind="stable")
    code = code[order]
    if len(code) > 1 and (code[1:] == code[:-1]).any():
        dup = _codes.decode(int(code[1:][code[1:] == code[:-1]][0]))
        raise DataError(f"the MUE file lists {dup} twice")
    rationales, why = _index(rows.rationale)
    mai_texts, mai_why = _index(rows.mai_text)
    arrays = {
        "code": code,
        "value": np.asarray(rows.value, dtype=np.int32)[order],
        "mai": np.asarray(rows.mai, dtype=np.uint8)[order],
        "rationale": np.asarray(why, dtype=np.uint16)[order],
        "mai_text": np.asarray(mai_why, dtype=np.uint16)[order],
    }
    extra = {"rationales": rationales, "mai_texts": mai_texts, "value_header": rows.value_header}
    return _write(dest, {"table": "mue", "rows": len(rows), **extra, **meta}, arrays)


def build_aoc(rows: AocRows, dest: Path, **meta: Any) -> dict[str, Any]:
    """Write AOC rows into ``dest``."""
    import numpy as np

    if len(rows) == 0:
        raise DataError("the AOC file holds no rows")
    add_on = _codes.encode_many(rows.add_on)
    primary = _codes.encode_many(rows.primary)
    effective = np.asarray(rows.effective, dtype=np.int32)
    order = np.lexsort((effective, primary, add_on))
    notes, why = _index(rows.notes)
    arrays = {
        "add_on": add_on[order],
        "primary": primary[order],
        "type": np.asarray(rows.aoc_type, dtype=np.uint8)[order],
        "effective": effective[order],
        "deletion": np.asarray(rows.deletion, dtype=np.int32)[order],
        "add_on_deletion": np.asarray(rows.add_on_deletion, dtype=np.int32)[order],
        "primary_deletion": np.asarray(rows.primary_deletion, dtype=np.int32)[order],
        "notes": np.asarray(why, dtype=np.uint16)[order],
    }
    return _write(dest, {"table": "aoc", "rows": len(rows), "notes": notes, **meta}, arrays)
