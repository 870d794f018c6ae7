"""What every MCE edit reads: the claim's codes with their MCE attributes on the discharge
date, and what an edit returns (:class:`Hit`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import attrs

from codekit._edits.mce.table import MceTable, packed
from codekit._normalize import compact_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from codekit._edits.institutional import InstitutionalClaim

__all__ = ["Context", "Hit", "Item"]


@attrs.frozen
class Item:
    """One code of the claim: where it is (``secondary[2]``), the code, its MCE attributes
    on the discharge date (``None``: the code is not valid then)."""

    field: str
    code: str
    compact: str
    flags: frozenset[str] | None

    def has(self, flag: str) -> bool:
        """Whether the code carries an MCE attribute."""
        return self.flags is not None and flag in self.flags


@attrs.frozen
class Hit:
    """An edit that fired: its rule, the codes involved and what to do about it."""

    rule: str
    items: tuple[Item, ...]
    message: str
    severity: Literal["deny", "warn"] = "deny"


@attrs.frozen(eq=False)
class Context:
    """A claim read against one MCE version's lists on one day."""

    claim: InstitutionalClaim
    table: MceTable
    day: dt.date
    principal: Item = attrs.field(init=False)
    secondary: tuple[Item, ...] = attrs.field(init=False)
    admitting: Item | None = attrs.field(init=False)
    procedures: tuple[Item, ...] = attrs.field(init=False)

    @principal.default
    def _principal(self) -> Item:
        return self._diagnosis("principal", self.claim.principal.code)

    @secondary.default
    def _secondary(self) -> tuple[Item, ...]:
        return tuple(
            self._diagnosis(f"secondary[{i}]", d.code) for i, d in enumerate(self.claim.secondary)
        )

    @admitting.default
    def _admitting(self) -> Item | None:
        found = self.claim.admitting
        return None if found is None else self._diagnosis("admitting", found.code)

    @procedures.default
    def _procedures(self) -> tuple[Item, ...]:
        day = packed(self.day)
        return tuple(
            Item(f"procedures[{i}]", p.code, p.code, self.table.procedure(p.code, day))
            for i, p in enumerate(self.claim.procedures)
        )

    def _diagnosis(self, field: str, code: str) -> Item:
        key = compact_key(code)
        return Item(field, code, key, self.table.diagnosis(key, packed(self.day)))

    @property
    def diagnoses(self) -> tuple[Item, ...]:
        """The principal diagnosis, then the secondary ones."""
        return (self.principal, *self.secondary)

    @property
    def packed_day(self) -> int:
        """The day as ``YYYYMMDD``."""
        return packed(self.day)

    def any_diagnosis(self, flag: str) -> bool:
        """Whether any diagnosis (principal or secondary) carries ``flag``."""
        return any(item.has(flag) for item in self.diagnoses)

    def any_procedure(self, flag: str) -> bool:
        """Whether any procedure carries ``flag``."""
        return any(item.has(flag) for item in self.procedures)


def codes_text(items: Iterable[Item]) -> str:
    """``E11.9 (principal), Z51.89 (secondary[0])``."""
    return ", ".join(f"{item.code} ({item.field})" for item in items)
