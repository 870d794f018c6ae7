"""Each model's disease groups and interaction variables, as CMS's model software defines them.

A group is a set of payment HCCs (``DIABETES_V28``: HCCs 35-38). An interaction is the
product of its factors: a group, one HCC (``HCC238``) or ``DISABLED`` (under 65 and entitled
by disability or ESRD: OREC not 0; in the ESRD models ``NONAGED``, under 65). The variable
names are CMS's; a variable counts only where
the segment's coefficient table has a factor for it (``CNA_DIABETES_HF_V28``), so the
segments that lack an interaction are decided by CMS's tables, not here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MODELS", "ModelDefinition"]


def _hccs(text: str) -> frozenset[str]:
    found: set[str] = set()
    for part in text.split():
        low, _, high = part.partition("-")
        found.update(str(n) for n in range(int(low), int(high or low) + 1))
    return frozenset(found)


@attrs.frozen
class ModelDefinition:
    """One model's groups (name → HCCs) and interactions (name → factor names).

    ``family`` is ``"cms-hcc"`` (the CMS-HCC segments: community, institutional, new
    enrollee), ``"esrd"`` (the dialysis and functioning-graft segments) or ``"rxhcc"``
    (the Part D segments: low income, aged, institutional, new enrollee); ``flag`` names
    the demographic factor of the interactions (``DISABLED`` or ``NONAGED``).
    """

    name: str
    crosswalk: str
    groups: Mapping[str, frozenset[str]]
    interactions: Mapping[str, tuple[str, ...]]
    family: str = "cms-hcc"
    flag: str = "DISABLED"
    #: How CMS names an HCC's variable: ``HCC`` (``CNA_HCC37``) or ``RXHCC`` (RxHCC).
    hcc_prefix: str = "HCC"

    def interactions_of(self, hccs: frozenset[str], flagged: bool) -> list[str]:
        """The interaction variables that are 1 for these HCCs (``flagged``: the member has
        the model's demographic ``flag``)."""
        present = {name for name, members in self.groups.items() if members & hccs}
        present.update(f"HCC{hcc}" for hcc in hccs)
        if flagged:
            present.add(self.flag)
        return [
            name
            for name, factors in self.interactions.items()
            if all(factor in present for factor in factors)
        ]


def _definition(
    name: str,
    crosswalk: str,
    groups: dict[str, str],
    interactions: dict[str, str],
    *,
    family: str = "cms-hcc",
    flag: str = "DISABLED",
    hcc_prefix: str = "HCC",
) -> ModelDefinition:
    return ModelDefinition(
        name=name,
        crosswalk=crosswalk,
        groups=MappingProxyType({key: _hccs(value) for key, value in groups.items()}),
        interactions=MappingProxyType(
            {key: tuple(value.split()) for key, value in interactions.items()}
        ),
        family=family,
        flag=flag,
        hcc_prefix=hcc_prefix,
    )


# CMS-HCC V28 (the 2024 CMS-HCC model, software V28xxT2M).
V28 = _definition(
    "V28",
    "hcc:V28",
    {
        "CANCER_V28": "17-23",
        "DIABETES_V28": "35-38",
        "CARD_RESP_FAIL_V28": "211-213",
        "HF_V28": "221-226",
        "CHR_LUNG_V28": "276-280",
        "KIDNEY_V28": "326-329",
        "gSubUseDisorder_V28": "135-139",
        "gPsychiatric_V28": "151-155",
        "NEURO_V28": "180-182 190-192 195 196 198 199",
        "ULCER_V28": "379-382",
    },
    {
        "DIABETES_HF_V28": "DIABETES_V28 HF_V28",
        "HF_CHR_LUNG_V28": "HF_V28 CHR_LUNG_V28",
        "HF_KIDNEY_V28": "HF_V28 KIDNEY_V28",
        "CHR_LUNG_CARD_RESP_FAIL_V28": "CHR_LUNG_V28 CARD_RESP_FAIL_V28",
        "HF_HCC238_V28": "HF_V28 HCC238",
        "gSubUseDisorder_gPsych_V28": "gSubUseDisorder_V28 gPsychiatric_V28",
        "DISABLED_CANCER_V28": "DISABLED CANCER_V28",
        "DISABLED_NEURO_V28": "DISABLED NEURO_V28",
        "DISABLED_HF_V28": "DISABLED HF_V28",
        "DISABLED_CHR_LUNG_V28": "DISABLED CHR_LUNG_V28",
        "DISABLED_ULCER_V28": "DISABLED ULCER_V28",
    },
)

# CMS-HCC V24 (the 2020 CMS-HCC model, software V24xxP1M).
V24 = _definition(
    "V24",
    "hcc:V24",
    {
        "CANCER": "8-12",
        "DIABETES": "17-19",
        "CARD_RESP_FAIL": "82-84",
        "CHF": "85",
        "gCopdCF": "110-112",
        "RENAL_V24": "134-138",
        "SEPSIS": "2",
        "gSubstanceUseDisorder_V24": "54-56",
        "gPsychiatric_V24": "57-60",
        "PRESSURE_ULCER": "157-159",
    },
    {
        "HCC47_gCancer": "HCC47 CANCER",
        "DIABETES_CHF": "DIABETES CHF",
        "CHF_gCopdCF": "CHF gCopdCF",
        "HCC85_gRenal_V24": "HCC85 RENAL_V24",
        "gCopdCF_CARD_RESP_FAIL": "gCopdCF CARD_RESP_FAIL",
        "HCC85_HCC96": "HCC85 HCC96",
        "gSubstanceUseDisorder_gPsych": "gSubstanceUseDisorder_V24 gPsychiatric_V24",
        "SEPSIS_PRESSURE_ULCER": "SEPSIS PRESSURE_ULCER",
        "SEPSIS_ARTIF_OPENINGS": "SEPSIS HCC188",
        "ART_OPENINGS_PRESS_ULCER": "HCC188 PRESSURE_ULCER",
        "gCopdCF_ASP_SPEC_B_PNEUM": "gCopdCF HCC114",
        "ASP_SPEC_B_PNEUM_PRES_ULC": "HCC114 PRESSURE_ULCER",
        "SEPSIS_ASP_SPEC_BACT_PNEUM": "SEPSIS HCC114",
        "SCHIZOPHRENIA_gCopdCF": "HCC57 gCopdCF",
        "SCHIZOPHRENIA_CHF": "HCC57 CHF",
        "SCHIZOPHRENIA_SEIZURES": "HCC57 HCC79",
        "DISABLED_HCC85": "DISABLED HCC85",
        "DISABLED_PRESSURE_ULCER": "DISABLED PRESSURE_ULCER",
        "DISABLED_HCC161": "DISABLED HCC161",
        "DISABLED_HCC39": "DISABLED HCC39",
        "DISABLED_HCC77": "DISABLED HCC77",
        "DISABLED_HCC6": "DISABLED HCC6",
    },
)

# CMS-HCC ESRD V24 (the 2023 ESRD model): the ESRD V24 condition categories (V24's, with
# HCCs 134-137 dropped before the hierarchies, as codekit.hccs does), and the interactions
# of the dialysis and functioning-graft segments.
ESRD_V24 = _definition(
    "ESRD_V24",
    "hcc:ESRD_V24",
    {
        "CANCER": "8-12",
        "DIABETES": "17-19",
        "CARD_RESP_FAIL": "82-84",
        "CHF": "85",
        "gCopdCF": "110-112",
        "RENAL_V24": "134-138",
        "SEPSIS": "2",
        "PRESSURE_ULCER": "157-159",
        "gSubUseDs_V24": "54-56",
        "gPsych_V24": "57-60",
    },
    {
        "HCC47_gCancer": "HCC47 CANCER",
        "DIABETES_CHF": "DIABETES CHF",
        "CHF_gCopdCF": "CHF gCopdCF",
        "HCC85_gRenal_V24": "HCC85 RENAL_V24",
        "gCopdCF_CARD_RESP_FAIL": "gCopdCF CARD_RESP_FAIL",
        "HCC85_HCC96": "HCC85 HCC96",
        "gSubUseDs_gPsych_V24": "gSubUseDs_V24 gPsych_V24",
        "NONAGED_gSubUseDs_gPsych": "NONAGED gSubUseDs_V24 gPsych_V24",
        "SEPSIS_PRESSURE_ULCER_V24": "SEPSIS PRESSURE_ULCER",
        "SEPSIS_ARTIF_OPENINGS": "SEPSIS HCC188",
        "ART_OPENINGS_PRESS_ULCER_V24": "HCC188 PRESSURE_ULCER",
        "gCopdCF_ASP_SPEC_B_PNEUM": "gCopdCF HCC114",
        "ASP_SPEC_B_PNEUM_PRES_ULC_V24": "HCC114 PRESSURE_ULCER",
        "SEPSIS_ASP_SPEC_BACT_PNEUM": "SEPSIS HCC114",
        "SCHIZOPHRENIA_gCopdCF": "HCC57 gCopdCF",
        "SCHIZOPHRENIA_CHF": "HCC57 CHF",
        "SCHIZOPHRENIA_SEIZURES": "HCC57 HCC79",
        "NONAGED_HCC6": "NONAGED HCC6",
        "NONAGED_HCC34": "NONAGED HCC34",
        "NONAGED_HCC46": "NONAGED HCC46",
        "NONAGED_HCC110": "NONAGED HCC110",
        "NONAGED_HCC176": "NONAGED HCC176",
        "NONAGED_HCC85": "NONAGED HCC85",
        "NONAGED_PRESSURE_ULCER_V24": "NONAGED PRESSURE_ULCER",
        "NONAGED_HCC161": "NONAGED HCC161",
        "NONAGED_HCC39": "NONAGED HCC39",
        "NONAGED_HCC77": "NONAGED HCC77",
    },
    family="esrd",
    flag="NONAGED",
)

# CMS-HCC ESRD V21 (the 2019 ESRD model): the ESRD V21 condition categories (V21's, HCC 134
# dropped before the hierarchies, as codekit.hccs does) and its interactions.
ESRD_V21 = _definition(
    "ESRD_V21",
    "hcc:ESRD_V21",
    {
        "CANCER": "8-12",
        "DIABETES": "17-19",
        "IMMUNE": "47",
        "CARD_RESP_FAIL": "82-84",
        "CHF": "85",
        "COPD": "110 111",
        "RENAL": "134-141",
        "SEPSIS": "2",
        "PRESSURE_ULCER": "157-160",
    },
    {
        "SEPSIS_CARD_RESP_FAIL": "SEPSIS CARD_RESP_FAIL",
        "CANCER_IMMUNE": "CANCER IMMUNE",
        "DIABETES_CHF": "DIABETES CHF",
        "CHF_COPD": "CHF COPD",
        "CHF_RENAL": "CHF RENAL",
        "COPD_CARD_RESP_FAIL": "COPD CARD_RESP_FAIL",
        "NONAGED_HCC6": "NONAGED HCC6",
        "NONAGED_HCC34": "NONAGED HCC34",
        "NONAGED_HCC46": "NONAGED HCC46",
        "NONAGED_HCC54": "NONAGED HCC54",
        "NONAGED_HCC55": "NONAGED HCC55",
        "NONAGED_HCC110": "NONAGED HCC110",
        "NONAGED_HCC176": "NONAGED HCC176",
        "SEPSIS_PRESSURE_ULCER": "SEPSIS PRESSURE_ULCER",
        "SEPSIS_ARTIF_OPENINGS": "SEPSIS HCC188",
        "ART_OPENINGS_PRESSURE_ULCER": "HCC188 PRESSURE_ULCER",
        "COPD_ASP_SPEC_BACT_PNEUM": "COPD HCC114",
        "ASP_SPEC_BACT_PNEUM_PRES_ULC": "HCC114 PRESSURE_ULCER",
        "SEPSIS_ASP_SPEC_BACT_PNEUM": "SEPSIS HCC114",
        "SCHIZOPHRENIA_COPD": "HCC57 COPD",
        "SCHIZOPHRENIA_CHF": "HCC57 CHF",
        "SCHIZOPHRENIA_SEIZURES": "HCC57 HCC79",
        "NONAGED_HCC85": "NONAGED HCC85",
        "NONAGED_PRESSURE_ULCER": "NONAGED PRESSURE_ULCER",
        "NONAGED_HCC161": "NONAGED HCC161",
        "NONAGED_HCC39": "NONAGED HCC39",
        "NONAGED_HCC77": "NONAGED HCC77",
    },
    family="esrd",
    flag="NONAGED",
)


def _rxhcc(name: str) -> ModelDefinition:
    """RxHCC V08 (the Part D model, software R08): its condition categories are
    codekit's ``rxhcc:V08`` crosswalk; its only interactions are those of the institutional
    segment, an RxHCC with ``NONAGED`` (under 65). ``name`` is the plan type the factors
    were calibrated for (CMS's CY 2027 Advance Notice calibrates MA-PD plans and PDPs
    separately)."""
    return _definition(
        name,
        "rxhcc:V08",
        {},
        {f"NONAGED_RXHCC{hcc}": f"NONAGED HCC{hcc}" for hcc in (1, 130, 131, 132, 133, 159, 163)},
        family="rxhcc",
        flag="NONAGED",
        hcc_prefix="RXHCC",
    )


RXHCC_MAPD = _rxhcc("RxHCC_MAPD")
RXHCC_PDP = _rxhcc("RxHCC_PDP")
RXHCC_PDP_AND_MAPD = _rxhcc("RxHCC_PDP_AND_MAPD")

#: Every model codekit scores, by name.
MODELS: Mapping[str, ModelDefinition] = MappingProxyType(
    {
        "V28": V28,
        "V24": V24,
        "ESRD_V24": ESRD_V24,
        "ESRD_V21": ESRD_V21,
        "RxHCC_MAPD": RXHCC_MAPD,
        "RxHCC_PDP": RXHCC_PDP,
        "RxHCC_PDP_AND_MAPD": RXHCC_PDP_AND_MAPD,
    }
)
