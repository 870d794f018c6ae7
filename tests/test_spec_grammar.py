"""A code set's grammar is a trait of its spec: LOINC's ``2345-7`` through a plugin.

The truth: LOINC's published mod-10 check digit rule (the same as Luhn's over the digits
before the hyphen), applied by the plugin's own parser, and a handful of real LOINC
numbers with their published check digits.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

import codekit
from codekit.exceptions import InvalidCodeError
from codekit.models import DataRelease
from codekit.plugins import CodeGrammar, CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

#: Real LOINC numbers (each with the check digit LOINC publishes) and their component.
LOINC = {
    "2345-7": "Glucose [Mass/volume] in Serum or Plasma",
    "718-7": "Hemoglobin [Mass/volume] in Blood",
    "4548-4": "Hemoglobin A1c/Hemoglobin.total in Blood",
    "2160-0": "Creatinine [Mass/volume] in Serum or Plasma",
    "2951-2": "Sodium [Moles/volume] in Serum or Plasma",
}
_SHAPE = re.compile(r"([0-9]{1,7})-([0-9])")


def check_digit(number: str) -> int:
    """LOINC's mod-10 rule: double the number formed by the digits in odd places from the
    right, put the even-place digits in front, sum every digit, and take what is missing
    to the next multiple of ten."""
    odd = number[::-1][0::2][::-1]
    even = number[::-1][1::2][::-1]
    total = sum(int(d) for d in even + str(int(odd) * 2))
    return (10 - total % 10) % 10


def parse_loinc(code: str, dot: int | None) -> str | None:
    """The plugin's parser: the number, a hyphen, and the right check digit."""
    match = _SHAPE.fullmatch(code)
    if match is None or dot is not None:
        return None
    number, digit = match.groups()
    return code if check_digit(number) == int(digit) else None


class LoincPlugin:
    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(
            CodeSetSpec(
                name="loinc",
                title="LOINC",
                pattern=r"[0-9]{1,7}-[0-9]",
                parser=parse_loinc,
                grammar=CodeGrammar(symbols="-"),
                role="observation",
            )
        )
        registrar.add_release(
            DataRelease(
                code_set="loinc", release="2.80", effective=dt.date(2025, 1, 1), origin="plugin"
            ),
            records=[CodeRecord(code=code, description=text) for code, text in LOINC.items()],
        )


def test_the_rule_gives_the_published_check_digits() -> None:
    for code in LOINC:
        number, digit = code.split("-")
        assert check_digit(number) == int(digit), code


def test_a_hyphenated_code_is_looked_up_through_its_code_set() -> None:
    """Reproduces issue 12: ``_normalize`` rejected the hyphen before any parser ran."""
    with isolated_registry(LoincPlugin()):
        for code, text in LOINC.items():
            assert codekit.lookup(code, code_set="loinc").description == text
            assert codekit.lookup(f" {code} ").code_set == "loinc"  # identified by shape
        assert codekit.describe("2345-7") == LOINC["2345-7"]
        assert codekit.is_valid("718-7")
        assert codekit.lookup("718-7", kind="observation").code == "718-7"
        assert codekit.page("4548-4").description == LOINC["4548-4"]


def test_a_wrong_check_digit_is_no_loinc_code() -> None:
    with isolated_registry(LoincPlugin()):
        for code in LOINC:
            number, digit = code.split("-")
            wrong = f"{number}-{(int(digit) + 1) % 10}"
            with pytest.raises(InvalidCodeError):
                codekit.lookup(wrong, code_set="loinc")
            assert not codekit.is_valid(wrong)


def test_the_hyphen_stays_foreign_to_code_sets_of_the_default_grammar() -> None:
    with isolated_registry(LoincPlugin()):
        with pytest.raises(InvalidCodeError, match="letters, digits and at most one dot"):
            codekit.lookup("E11-9", code_set="icd10cm")
        with pytest.raises(InvalidCodeError):
            codekit.lookup("E11-9")
        assert codekit.lookup("e11.9").code == "E11.9"
    # without the plugin nothing reads a hyphen
    with pytest.raises(InvalidCodeError, match="letters, digits and at most one dot"):
        codekit.lookup("2345-7")


@pytest.mark.parametrize("symbols", ["a", "7", " ", ".", "\u2010", "-\x00"])
def test_a_grammar_takes_only_ascii_punctuation(symbols: str) -> None:
    with pytest.raises(ValueError, match="punctuation"):
        CodeGrammar(symbols=symbols)


def test_a_case_keeping_grammar_keeps_the_case() -> None:
    class Cased:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(
                CodeSetSpec(
                    name="cased",
                    title="Cased",
                    pattern=r"xY[0-9]",
                    grammar=CodeGrammar(upper=False),
                    detect=False,
                )
            )
            registrar.add_release(
                DataRelease(
                    code_set="cased", release="1", effective=dt.date(2025, 1, 1), origin="plugin"
                ),
                records=[CodeRecord(code="xY1", description="cased")],
            )

    with isolated_registry(Cased()):
        assert codekit.lookup(" xY1", code_set="cased").code == "xY1"
        with pytest.raises(InvalidCodeError):
            codekit.lookup("XY1", code_set="cased")
