"""CPT code numbers: five digits, category II ``NNNNF``, category III ``NNNNT``, PLA ``NNNNU``,
vaccine administration ``NNNNA`` and administrative MAAA ``NNNNM``.

Only the numbers are known to codekit: CPT descriptors are AMA-licensed and come only from a
licensee's own file through a plugin. The numbers and their quarterly validity windows are
packaged (from CMS's IOCE tables, ``scripts/build_cpt.py``) with no descriptor at all, so
validity is answered without a licence. What the number itself tells (its category and, for
category I, the section of the code book its range belongs to) is shown on code pages.
"""

from __future__ import annotations

from typing import Any

from codekit.plugins import CodeSetSpec, Registrar, hookimpl

_PLUGIN = (
    "installs the codekit-cpt plugin from codekit's source repository (plugins/codekit-cpt;"
    " it is not on PyPI) and sets CODEKIT_CPT_DESCRIPTORS to their descriptor file"
)

SPEC = CodeSetSpec(
    name="cpt",
    title="CPT",
    pattern=r"[0-9]{4}[0-9AFMTU]",
    description="Current Procedural Terminology code numbers (descriptors are AMA-licensed)",
    role="procedure",
    claim_edits=("ncci",),
    licensed=True,
    descriptor_hint=(
        "CPT descriptors are AMA-licensed and never shipped with codekit; licensees install "
        "the codekit-cpt plugin (from codekit's source repository, plugins/codekit-cpt) and "
        "point CODEKIT_CPT_DESCRIPTORS at their descriptor file"
    ),
    install_hint=(
        f"CPT descriptors are licensed by the AMA and never ship with codekit: a licensee "
        f"{_PLUGIN}; `codekit page CODE` shows what is known about a CPT code number without it"
    ),
    title_hint=(
        "codekit packages CPT code numbers and their validity only: descriptors are licensed "
        f"by the AMA and come only from a licensee's own file, for which a licensee {_PLUGIN}"
    ),
)

#: Category I section ranges (inclusive), most specific first: E/M lies inside the span of
#: the Medicine section, and qualifying circumstances 99100-99140 belong to Medicine.
SECTIONS: tuple[tuple[int, int, str], ...] = (
    (99091, 99091, "Evaluation and Management"),
    (99202, 99499, "Evaluation and Management"),
    (100, 1999, "Anesthesia"),
    (10004, 69990, "Surgery"),
    (70010, 79999, "Radiology"),
    (80047, 89398, "Pathology and Laboratory"),
    (90281, 99199, "Medicine"),
    (99500, 99607, "Medicine"),
)

CATEGORIES: dict[str, str] = {
    "A": "Category I (vaccine administration)",
    "M": "Category I (administrative MAAA: multianalyte assays with algorithmic analyses)",
    "F": "Category II (performance measurement)",
    "T": "Category III (emerging technology, services and procedures)",
    "U": "Proprietary Laboratory Analyses (PLA)",
}


def info(code: str) -> dict[str, Any]:
    """What a canonical CPT number says about itself: category and section.

    >>> info("99213")["section"], info("99213")["section_range"]
    ('Evaluation and Management', '99202-99499')
    >>> info("0628T")["category"]
    'Category III (emerging technology, services and procedures)'
    """
    suffix = code[-1]
    if suffix in CATEGORIES:
        found: dict[str, Any] = {"category": CATEGORIES[suffix]}
        if suffix in "UM":
            found["section"] = "Pathology and Laboratory"
        elif suffix == "A":
            found["section"] = "Medicine"
        return found
    number = int(code)
    for low, high, section in SECTIONS:
        if low <= number <= high:
            return {
                "category": "Category I",
                "section": section,
                "section_range": f"{low:05d}-{high:05d}",
            }
    return {"category": "Category I", "section": "outside the published section ranges"}


@hookimpl(trylast=True)
def codekit_register(registrar: Registrar) -> None:
    registrar.add_code_set(SPEC, fallback=True)
    registrar.add_extension("page_info", ("cpt", info))
