"""NCCI rows as columns, as the readers give them to the table builders."""

from __future__ import annotations

import attrs

__all__ = ["AOC_COLUMNS", "AocRows", "MueRows", "PtpRows"]


@attrs.define
class PtpRows:
    """PTP rows as columns (dates are day ordinals; ``deletion`` OPEN for ``*``)."""

    column1: list[str] = attrs.field(factory=list)
    column2: list[str] = attrs.field(factory=list)
    prior_1996: list[bool] = attrs.field(factory=list)
    effective: list[int] = attrs.field(factory=list)
    deletion: list[int] = attrs.field(factory=list)
    indicator: list[int] = attrs.field(factory=list)
    rationale: list[str] = attrs.field(factory=list)
    part: list[int] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.column1)


@attrs.define
class MueRows:
    """MUE rows as columns."""

    code: list[str] = attrs.field(factory=list)
    value: list[int] = attrs.field(factory=list)
    mai: list[int] = attrs.field(factory=list)
    mai_text: list[str] = attrs.field(factory=list)
    rationale: list[str] = attrs.field(factory=list)
    value_header: str = ""

    def __len__(self) -> int:
        return len(self.code)


AOC_COLUMNS = (
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
)


@attrs.define
class AocRows:
    """AOC rows as columns (dates are day ordinals; empty deletion dates OPEN)."""

    aoc_type: list[int] = attrs.field(factory=list)
    add_on: list[str] = attrs.field(factory=list)
    add_on_deletion: list[int] = attrs.field(factory=list)
    primary: list[str] = attrs.field(factory=list)
    primary_deletion: list[int] = attrs.field(factory=list)
    effective: list[int] = attrs.field(factory=list)
    deletion: list[int] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.add_on)
