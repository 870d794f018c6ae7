"""Policy options of the NCCI engine, defaulted per NCCI.md, and plugin-supplied primaries.

* ``column1_modifier_bypasses`` (default ``False``): NCCI.md — a PTP-associated modifier
  bypasses an indicator-1 edit when it is on the **column 2** line; whether one on the
  column 1 line also counts is this option.
* ``contractor_primaries`` (default ``True``): consult the primaries plugins registered with
  :meth:`codekit.plugins.Registrar.add_aoc_primaries` for AOC types 2 and 3.
* ``ptp_modifiers`` (default ``None``): replace the versioned list of PTP-associated
  modifiers (:data:`codekit._edits.ncci.rules.PTP_MODIFIERS`) with a fixed set.
* ``validate_codes`` (default ``True``): the validity of codes, modifiers and diagnoses
  (:mod:`codekit._edits.ncci.validity`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from codekit._edits.ncci.rules import ptp_modifiers_on

if TYPE_CHECKING:
    import datetime as dt

    from codekit.plugins import AocPrimaries

__all__ = ["DEFAULT_POLICY", "Policy", "contractor_primaries"]


def _modifier_set(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return frozenset(str(m).strip().upper() for m in value)  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class Policy:
    """Options of :func:`codekit.check_claim` and :func:`codekit.check_claims`.

    ``column1_modifier_bypasses`` (default ``False``): a PTP-associated modifier bypasses an
    indicator-1 edit when it is on the column 2 line (NCCI); with this option one on the
    column 1 line also counts. ``contractor_primaries`` (default ``True``): consult the
    primaries plugins register with :meth:`codekit.plugins.Registrar.add_aoc_primaries` for
    AOC types 2 and 3. ``ptp_modifiers`` (default ``None``: the versioned list
    :data:`codekit.ncci.PTP_MODIFIERS`): a fixed set of PTP-associated modifiers instead.
    ``validate_codes`` (default ``True``): check that every line's code and modifiers and
    every diagnosis are valid on the date of service (``validity`` findings; a code set with
    no release for the date gives an unverifiable, unchecked finding).
    """

    column1_modifier_bypasses: bool = False
    contractor_primaries: bool = True
    ptp_modifiers: frozenset[str] | None = attrs.field(default=None, converter=_modifier_set)
    validate_codes: bool = True

    def modifiers_on(self, day: dt.date) -> frozenset[str]:
        """The PTP-associated modifiers in force on a date of service."""
        return self.ptp_modifiers if self.ptp_modifiers is not None else ptp_modifiers_on(day)


DEFAULT_POLICY = Policy()


def contractor_primaries(program: str) -> dict[str, tuple[frozenset[str], str]]:
    """``add-on code -> (primaries, "plugin: source")`` from every plugin, merged (once
    per registry: the registry's cache context drops it when the registry is rebuilt)."""
    from codekit import _registry
    from codekit._tables.sections import AOC_PRIMARIES

    registry = _registry.current()

    def merge() -> dict[str, dict[str, tuple[frozenset[str], str]]]:
        merged: dict[str, dict[str, tuple[set[str], list[str]]]] = {}
        entry: AocPrimaries
        for plugin, entry in registry.section(AOC_PRIMARIES).entries():
            codes, sources = merged.setdefault(entry.program, {}).setdefault(
                entry.add_on, (set(), [])
            )
            codes.update(entry.primaries)
            label = f"{plugin}: {entry.source}" if entry.source else plugin
            if label not in sources:
                sources.append(label)
        return {
            prog: {a: (frozenset(c), "; ".join(s)) for a, (c, s) in found.items()}
            for prog, found in merged.items()
        }

    return registry.memo(("ncci", "contractor_primaries"), merge).get(program, {})
