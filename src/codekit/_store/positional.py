"""Attributes spelled by the characters of a code, stored once per dataset.

ICD-10-PCS codes are built from seven axes (section, body system, root operation, body
part, approach, device, qualifier); what a character means depends on the characters
before it (body part ``J`` of body system ``D`` is the appendix). Storing the seven labels
with each of ~68,000 codes would triple the dataset, so the writer stores each axis once,
as a table from *key* (the code's characters at the axis's ``positions``) to label, in the
dataset's ``meta`` under :data:`META_KEY`::

    {"axes": [{"name": "body_part", "positions": [0, 1, 3],
               "labels": {"0DJ": "Appendix", ...}}, ...],
     "source": "..."}

and the reader decodes a code's labels when it is looked up. A code whose key is not in an
axis's table simply has no attribute for that axis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["META_KEY", "PositionalAttributes"]

#: The ``meta`` key under which a dataset stores its axis tables.
META_KEY = "positional_attributes"


class PositionalAttributes:
    """Decodes the labels of a code's axes from per-axis tables."""

    def __init__(self, axes: Sequence[tuple[str, tuple[int, ...], Mapping[str, str]]]) -> None:
        self._axes = tuple(axes)
        self._width = max((max(pos) + 1 for _, pos, _ in self._axes if pos), default=0)
        # Each axis's key as slices of the code: (0, 1, 3) is code[0:2] + code[3:4].
        self._keys = tuple((name, _runs(pos), labels) for name, pos, labels in self._axes)

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> PositionalAttributes | None:
        """The decoder a dataset's ``meta`` describes, or ``None`` when it has none."""
        spec = meta.get(META_KEY)
        if not spec:
            return None
        return cls(
            [(axis["name"], tuple(axis["positions"]), axis["labels"]) for axis in spec["axes"]]
        )

    def decode(self, code: str) -> dict[str, str]:
        """The labels of ``code``'s axes, in axis order (axes without a label are left out)."""
        if len(code) < self._width:
            return {}
        found = {}
        for name, runs, labels in self._keys:
            key = code[runs[0]] if len(runs) == 1 else "".join([code[run] for run in runs])
            label = labels.get(key)
            if label is not None:
                found[name] = label
        return found


def _runs(positions: Sequence[int]) -> tuple[slice, ...]:
    """``positions`` as slices of consecutive characters, in their order."""
    runs: list[list[int]] = []
    for position in positions:
        if runs and runs[-1][1] == position:
            runs[-1][1] = position + 1
        else:
            runs.append([position, position + 1])
    return tuple(slice(start, stop) for start, stop in runs)
