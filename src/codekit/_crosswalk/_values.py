"""The values crosswalks hand out: :class:`Mapping`, :class:`Crosswalk`, :class:`Hcc`, and the
:class:`CrosswalkSpec` plugins register."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from codekit._frozen import frozen_mapping

if TYPE_CHECKING:
    from collections.abc import Mapping as AbcMapping

    from codekit.models import DataRelease

__all__ = ["Crosswalk", "CrosswalkSpec", "Hcc", "Mapping"]

_NAME = re.compile(r"[a-z][a-z0-9_]*(:[A-Za-z0-9_]+)?")
_EMPTY: AbcMapping[str, Any] = MappingProxyType({})


def _attributes(value: Any) -> AbcMapping[str, Any]:
    return frozen_mapping(value, "Mapping", "attributes", "{'approximate': True}")


def _check_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(
            f"{attribute.name} must be a lower-case name, optionally with ':VARIANT': {value!r}"
        )


@attrs.frozen(kw_only=True)
class CrosswalkSpec:
    """What a crosswalk is: its name (what ``to=`` takes), source and target code sets.

    ``name`` is usually the target code set (``"icd10cm"``) or a family with a variant
    (``"hcc:V28"``, ``"drg:cc"``). ``target`` is the code set of the targets (for HCCs the
    crosswalk name itself). ``gem`` says the rows carry the five GEM flags.
    """

    name: str = attrs.field(validator=_check_name)
    source: str = attrs.field(validator=_check_name)
    target: str
    title: str = ""
    gem: bool = False


@attrs.frozen(kw_only=True)
class Crosswalk:
    """A registered crosswalk with its releases (oldest first), as :func:`crosswalks` lists.

    The releases' ``code_set`` reads ``"<source>><name>"`` (``"icd9cm>icd10cm"``) for the
    packaged crosswalks and installed GEM packs.
    """

    name: str
    source: str
    target: str
    title: str
    plugin: str
    releases: tuple[DataRelease, ...] = ()


@attrs.frozen(kw_only=True)
class Mapping:
    """One row of a crosswalk: ``source`` maps to ``target`` (canonical spellings).

    ``target`` is ``None`` on a GEM "no map" row (``no_map`` is then ``True``). The five GEM
    flags are ``approximate``, ``no_map``, ``combination``, ``scenario`` and ``choice_list``;
    a combination entry needs one target from *each* choice list of its scenario, so group
    the rows of one source by ``scenario`` then ``choice_list`` to rebuild the combinations
    (:attr:`flags` gives CMS's five digits). ``description`` is the target's label where the
    crosswalk has one (HCC names); ``attributes`` holds crosswalk-specific fields (MS-DRG PDX
    collection).
    """

    source: str
    target: str | None
    source_code_set: str
    target_code_set: str
    crosswalk: str
    release: str
    approximate: bool = False
    no_map: bool = False
    combination: bool = False
    scenario: int = 0
    choice_list: int = 0
    description: str | None = None
    attributes: AbcMapping[str, Any] = attrs.field(
        default=_EMPTY, converter=_attributes, hash=False
    )

    @property
    def flags(self) -> str:
        """The five GEM flag digits as CMS prints them (``"10113"``)."""
        return (
            f"{int(self.approximate)}{int(self.no_map)}{int(self.combination)}"
            f"{self.scenario}{self.choice_list}"
        )

    @property
    def exact(self) -> bool:
        """A GEM entry that is neither approximate, nor "no map", nor a combination."""
        return not (self.approximate or self.no_map or self.combination)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of this mapping."""
        return {
            "source": self.source,
            "target": self.target,
            "source_code_set": self.source_code_set,
            "target_code_set": self.target_code_set,
            "crosswalk": self.crosswalk,
            "release": self.release,
            "approximate": self.approximate,
            "no_map": self.no_map,
            "combination": self.combination,
            "scenario": self.scenario,
            "choice_list": self.choice_list,
            "description": self.description,
            "attributes": dict(self.attributes),
        }


@attrs.frozen(kw_only=True)
class Hcc:
    """One hierarchical condition category a patient has after hierarchies are applied.

    ``hcc`` is the category number as CMS writes it (``"37"``); ``diagnoses`` are the
    patient's ICD-10-CM codes that map to it.
    """

    hcc: str
    label: str
    model: str
    payment_year: int
    diagnoses: tuple[str, ...] = ()
