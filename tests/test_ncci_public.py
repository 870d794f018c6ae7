"""``codekit.ncci``: the NCCI policy, fetch and engine are public API, not
``codekit._edits.ncci``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import codekit
import codekit.ncci
from codekit.exceptions import InvalidClaimError, LicenseNotAcceptedError


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in codekit.ncci.__all__:
        value = getattr(codekit.ncci, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name
    assert codekit.ncci.check_claim is codekit.check_claim
    assert codekit.ncci.check_claims is codekit.check_claims


def test_codekit_ncci_is_reachable_from_the_package() -> None:
    code = "import codekit; print(codekit.ncci.Policy.__name__, callable(codekit.ncci.fetch))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["Policy", "True"]


def test_fetch_requires_accepting_the_ama_licence() -> None:
    # DATA.md: NCCI files contain CPT codes; a download needs explicit acceptance
    with pytest.raises(LicenseNotAcceptedError):
        codekit.ncci.fetch("2026Q3")
    assert any(
        "ccipra-v322r0-f1" in name
        for name in codekit.ncci.candidates("2026Q3")["ptp_practitioner"][0]
    )


def test_policy_options_and_a_wrong_policy() -> None:
    policy = codekit.ncci.Policy(ptp_modifiers="lt, rt")
    assert policy.ptp_modifiers == frozenset({"LT", "RT"})
    assert codekit.ncci.DEFAULT_POLICY.column1_modifier_bypasses is False
    claim = {"lines": [{"code": "11111", "date_of_service": "2026-08-03"}]}
    with pytest.raises(InvalidClaimError, match=r"codekit\.ncci\.Policy"):
        codekit.check_claim(claim, policy="strict")  # type: ignore[arg-type]
    with pytest.raises(InvalidClaimError, match=r"codekit\.ncci\.Policy"):
        codekit.check_claims([codekit.Claim.from_dict(claim)], policy=1)  # type: ignore[arg-type]
