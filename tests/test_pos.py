"""Packaged Place of Service codes against their registry source, read here independently
(``claim-validator``'s ``pos_codes.json.gz``, the only file taken from that package)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import importlib.metadata
import json
from pathlib import Path

import pytest

import codekit
from codekit.exceptions import InvalidCodeError, UnknownCodeError, UnknownReleaseError

POS_FILE = "claim_validator/data/pos_codes.json.gz"


# Only packaged data: an empty data directory, so no installed pack can answer.
pytestmark = pytest.mark.usefixtures("data_dir")


def _installed(name: str) -> Path:
    return Path(str(importlib.metadata.distribution("claim-validator").locate_file(name)))


def source() -> dict[str, str]:
    data = json.loads(gzip.decompress(_installed(POS_FILE).read_bytes()))
    assert isinstance(data, dict)
    return {str(code): str(name) for code, name in data.items()}


def test_every_source_code_is_packaged_with_its_name() -> None:
    codes = source()
    assert len(codes) == 51
    found = codekit.get_many(list(codes), code_set="pos")
    assert [f.description if f else None for f in found] == list(codes.values())
    assert all(f is not None and f.billable and f.code_set == "pos" for f in found)


def test_nothing_else_is_packaged() -> None:
    every = [f"{n:02d}" for n in range(100)]
    found = codekit.get_many(every, code_set="pos")
    assert sorted(c for c, f in zip(every, found, strict=True) if f is not None) == sorted(source())


def test_release_matches_the_source_manifest_and_file() -> None:
    (release,) = codekit.data_releases("pos")
    meta = json.loads(_installed("claim_validator/data/manifest.json").read_text("utf-8"))
    entry = meta["pos_codes"]
    assert release.release == entry["version"] == "2026"
    assert release.effective == dt.date.fromisoformat(entry["effective_date"])
    assert release.until is None
    assert release.rows == entry["code_count"] == 51
    assert release.sha256 == hashlib.sha256(_installed(POS_FILE).read_bytes()).hexdigest()
    assert release.source == f"claim-validator==0.3.0: {POS_FILE}"


def test_lookup_needs_the_code_set() -> None:
    office = codekit.lookup("11", code_set="pos")
    assert (office.code, office.description, office.release) == ("11", "Office", "2026")
    assert codekit.describe(" 21 ", code_set="pos") == source()["21"]
    with pytest.raises(InvalidCodeError):
        codekit.lookup("1", code_set="pos")


def test_validity_by_date() -> None:
    assert codekit.is_valid("11", code_set="pos", as_of="2026-01-01")
    assert not codekit.is_valid("ab", code_set="pos", as_of="2026-06-01")
    with pytest.raises(UnknownReleaseError):
        codekit.is_valid("11", code_set="pos", as_of="2025-12-31")


def test_gaps_in_the_source_are_unknown_codes() -> None:
    # 66 (PACE Center) is on CMS's list but not in the source: documented as missing.
    assert "66" not in source()
    assert not codekit.is_valid("66", code_set="pos", as_of="2026-03-01")
    with pytest.raises(UnknownCodeError) as caught:
        codekit.lookup("66", code_set="pos")
    assert caught.value.suggestions  # the nearest existing codes
