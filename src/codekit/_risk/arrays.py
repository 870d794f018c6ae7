"""A scorer's tables as arrays, for scoring many members at once (:mod:`codekit._risk.batch`).

Each member's HCCs are a row of bits (``words`` 64-bit words; bit *i* is HCC ``hccs[i]``).
The hierarchy runs statement by statement over every row at once, in the order
:meth:`~codekit._crosswalk._table.CrosswalkTable.apply_hierarchy` runs it; the coefficients
are matrices indexed by segment and variable. Members whose HCCs touch a model edit of the
model's own (V28's HCC 223 rule) are finished through the scalar path instead, so the
rule is written once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from codekit._risk.scorer import Scorer

__all__ = ["ModelArrays"]

#: HCCs the model's own edits (``codekit._crosswalk._api._model_rules``) look at, by model.
SCALAR_HCCS = {"V28": frozenset({"223"}), "V24": frozenset()}


class ModelArrays:
    """One :class:`~codekit._risk.scorer.Scorer` compiled to bit masks and matrices."""

    def __init__(self, ready: Scorer) -> None:
        self.ready = ready
        crosswalk = ready.crosswalk
        found: set[str] = set()
        for _, target, _ in crosswalk:
            if target is not None:
                found.add(target)
        for parent, children in crosswalk.hierarchy.items():
            found.add(parent)
            found.update(children)
        found.update(e.hcc for e in ready.table.edits.values() if e.hcc is not None)
        self.hccs: tuple[str, ...] = tuple(sorted(found, key=lambda h: (len(h), h)))
        self.index = {hcc: i for i, hcc in enumerate(self.hccs)}
        self.words = max(1, (len(self.hccs) + 63) // 64)
        self.hierarchy = [
            (self.index[parent], self.mask(children))
            for parent, children in crosswalk.hierarchy.items()
        ]
        self.scalar = self.mask(SCALAR_HCCS.get(ready.definition.name, frozenset()))
        coefficients = ready.coefficients
        segments = ready.segments
        self.segment_index = {segment: i for i, segment in enumerate(segments)}

        def matrix(names: list[str]) -> NDArray[np.float64]:
            return np.array(
                [[coefficients.get(f"{s}_{n}".upper(), 0.0) for n in names] for s in segments],
                dtype=np.float64,
            )

        prefix = ready.definition.hcc_prefix
        self.hcc_coefficients = matrix([f"{prefix}{h}" for h in self.hccs])
        definition = ready.definition
        self.groups = {name: self.mask(members) for name, members in definition.groups.items()}
        self.interactions = list(definition.interactions.items())
        self.interaction_coefficients = matrix([name for name, _ in self.interactions])
        self.count_coefficients = matrix([f"D{n}" for n in range(1, 10)] + ["D10P"])
        # new enrollees' scores are demographic only
        for segment in ready.new_enrollee_segments:
            row = self.segment_index[segment]
            self.hcc_coefficients[row] = 0.0
            self.interaction_coefficients[row] = 0.0
            self.count_coefficients[row] = 0.0

    def mask(self, hccs: object) -> NDArray[np.uint64]:
        """The bit mask of a set of HCCs (those outside the model are left out)."""
        words = np.zeros(self.words, dtype=np.uint64)
        for hcc in hccs:  # type: ignore[attr-defined]
            position = self.index.get(hcc)
            if position is not None:
                words[position >> 6] |= np.uint64(1) << np.uint64(position & 63)
        return words

    def bit(self, rows: NDArray[np.uint64], position: int) -> NDArray[np.bool_]:
        word = rows[:, position >> 6]
        return ((word >> np.uint64(position & 63)) & np.uint64(1)).astype(bool)

    def apply_hierarchy(self, rows: NDArray[np.uint64]) -> None:
        """Run the hierarchy's statements in order over every row (in place)."""
        for parent, children in self.hierarchy:
            has = self.bit(rows, parent)
            if not has.any():
                continue
            keep = ~children
            for word in range(self.words):
                if children[word]:
                    rows[has, word] &= keep[word]

    def any_of(self, rows: NDArray[np.uint64], mask: NDArray[np.uint64]) -> NDArray[np.bool_]:
        result: NDArray[np.bool_] = ((rows & mask) != 0).any(axis=1)
        return result

    def disease_scores(
        self, rows: NDArray[np.uint64], segments: NDArray[np.intp], flagged: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """The sum of each row's HCC, interaction and count factors."""
        total = np.zeros(len(rows), dtype=np.float64)
        present = np.flatnonzero(np.bitwise_or.reduce(rows, axis=0) != 0)
        for word in present:
            for offset in range(64):
                position = int(word) * 64 + offset
                if position >= len(self.hccs):
                    break
                has = self.bit(rows, position)
                if has.any():
                    total += np.where(has, self.hcc_coefficients[segments, position], 0.0)
        factors: dict[str, NDArray[np.bool_]] = {self.ready.definition.flag: flagged}
        for name, mask in self.groups.items():
            factors[name] = self.any_of(rows, mask)
        for number, (_, parts) in enumerate(self.interactions):
            on = np.ones(len(rows), dtype=bool)
            for part in parts:
                value = factors.get(part)
                if value is None:  # an HCC of its own: "HCC238"
                    single = self.index.get(part[3:])
                    value = (
                        self.bit(rows, single)
                        if single is not None
                        else np.zeros(len(rows), dtype=bool)
                    )
                    factors[part] = value
                on &= value
            if on.any():
                total += np.where(on, self.interaction_coefficients[segments, number], 0.0)
        counts = _popcount(rows)
        counted = counts > 0
        column = np.minimum(counts, 10) - 1
        total += np.where(counted, self.count_coefficients[segments, np.maximum(column, 0)], 0.0)
        return total


def _popcount(rows: NDArray[np.uint64]) -> NDArray[np.intp]:
    """The number of bits set in each row (numpy 2's ``bitwise_count``, else unpacked)."""
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        return np.asarray(count(rows).sum(axis=1), dtype=np.intp)
    bits = np.unpackbits(rows.astype("<u8").view(np.uint8), axis=1)
    return np.asarray(bits.sum(axis=1), dtype=np.intp)
