"""Asking a code page for a part it does not have: the message says why and what to ask.

CMS's MS-DRG CC/MCC designations and the CMS-HCC risk model's mappings are lists of
ICD-10-CM diagnosis codes, so a CPT page has neither part; those sections are registered,
but leave a CPT page out. A name no section has is a different case (a typo, or a plugin
that is blocked or not installed).
"""

from __future__ import annotations

import pytest

import codekit


@pytest.mark.parametrize(("name", "title"), [("ms_drg", "MS-DRG CC/MCC"), ("risk", "Risk")])
def test_a_section_that_does_not_apply_to_the_code_set_says_so(name: str, title: str) -> None:
    diagnosis = codekit.page("E11.9", code_set="icd10cm")
    assert diagnosis.part(name).available  # the section is registered and applies there
    procedure = codekit.page("99213", code_set="cpt")
    assert name not in [part.name for part in procedure.parts]
    part = procedure.part(name)
    assert not part.available
    assert part.title == diagnosis.part(name).title
    assert "is registered" not in part.message
    assert f"does not apply to {procedure.code_set_title} codes" in part.message
    # what to ask instead: a page of a code set it covers, or a part this page has
    assert "page of a code it covers" in part.message
    assert all(p.name in part.message for p in procedure.parts)


def test_an_unknown_section_name_is_named_with_the_parts_there_are() -> None:
    page = codekit.page("E11.9", code_set="icd10cm")
    part = page.part("ms_drgg")
    assert not part.available
    assert "no page section 'ms_drgg' is registered" in part.message
    assert "ms_drg" in part.message.split("parts:")[1]
