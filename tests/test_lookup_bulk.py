"""Bulk calls over a plugin's code source that has only ``find`` (no ``find_many`` or
``descriptions``, which the packaged SQLite store offers): the answers are those of the
one-code calls, ``get`` and ``describe``, code by code."""

from __future__ import annotations

import datetime as dt

import codekit
from codekit.exceptions import CodekitError
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

# Placeholder titles of a made-up code set; "Q02" has no title.
_TITLES = {"Q01": "first", "Q02": "", "Q10.1": "tenth, one"}


class _Plain:
    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(
            CodeSetSpec(name="acme", title="Acme", pattern=r"Q[0-9]{2}[0-9]?", detect=True)
        )
        registrar.add_release(
            DataRelease(
                code_set="acme", release="1", effective=dt.date(2024, 1, 1), origin="plugin"
            ),
            records=[CodeRecord(code=c, description=t) for c, t in _TITLES.items()],
        )


COLUMN = ["Q01", "q01", "Q02", "Q10.1", "Q101", "Q99", "not a code", "Q01", "E11.9", None]


def _one(code: object, **how: str) -> tuple[str | None, str | None]:
    found = codekit.get(code, **how) if isinstance(code, str) else None
    if found is None:
        return None, None
    return found.code, found.description or None


def test_bulk_calls_over_a_find_only_source_answer_as_single_calls_do() -> None:
    with isolated_registry(_Plain()):
        for how in ({"code_set": "acme"}, {"code_sets": "acme"}, {}):
            got = codekit.get_many(COLUMN, **how)  # type: ignore[arg-type]
            texts = codekit.describe_many(COLUMN, **how)  # type: ignore[arg-type]
            for code, value, text in zip(COLUMN, got, texts, strict=True):
                try:
                    expected = _one(code, **how)
                except CodekitError:  # ambiguous or malformed: None in bulk
                    expected = (None, None)
                assert (value.code if value else None) == expected[0], (how, code)
                assert text == expected[1], (how, code)
