"""The escapes the hostile-input suite found (issue 11), one test each.

The rule checked is the team's contract: a public function or value constructor given a
wrong type raises a :class:`~codekit.exceptions.CodekitError` subclass whose message says
what to pass instead, and the values that were valid stay valid.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import attrs
import pytest

import codekit
import codekit.data
from codekit.exceptions import (
    DataFileError,
    InvalidClaimError,
    InvalidCodeError,
    InvalidValueError,
    QuotaConfigError,
    UnknownCodeSetError,
)
from codekit.quota import Client, MemoryStore, Principal, Resource, SqliteStore, TieredPolicy

DAY = dt.date(2024, 1, 2)


@pytest.mark.parametrize("field", ["notes", "attributes"])
@pytest.mark.parametrize("value", [True, " ", 7, [0]])
def test_code_mapping_fields_refuse_what_is_not_a_mapping(field: str, value: object) -> None:
    fields: dict[str, Any] = {field: value}
    with pytest.raises(InvalidValueError, match=f"{field}=.*mapping"):
        codekit.Code(code="E11.9", code_set="icd10cm", description="x", **fields)


def test_code_mapping_fields_still_take_mappings_and_pairs() -> None:
    code = codekit.Code(
        code="E11.9",
        code_set="icd10cm",
        description="x",
        notes=[("excludes1", ("A00",))],  # type: ignore[arg-type]
    )
    assert dict(code.notes) == {"excludes1": ("A00",)}
    assert dict(codekit.Code(code="A", code_set="s", description="", notes=None).notes) == {}


@pytest.mark.parametrize("field", ["notes", "info"])
def test_code_page_mapping_fields_refuse_what_is_not_a_mapping(field: str) -> None:
    page = codekit.page("E11.9")
    fields: dict[str, Any] = {field: True}
    with pytest.raises(InvalidValueError, match=f"CodePage\\({field}="):
        attrs.evolve(page, **fields)


def test_crosswalk_mapping_attributes_refuse_what_is_not_a_mapping() -> None:
    mapping = codekit.crosswalk("250.00", to="icd10cm")[0]
    with pytest.raises(InvalidValueError, match="attributes"):
        attrs.evolve(mapping, attributes=" ")


def test_pack_manifest_must_be_a_mapping() -> None:
    with pytest.raises(InvalidValueError, match="manifest"):
        codekit.data.Pack("hcpcs", "2026-01", DAY, None, Path("p"), "E11.9")


def test_claim_lines_must_be_a_list_of_lines() -> None:
    with pytest.raises(InvalidClaimError, match="from_dict"):
        codekit.Claim(lines=None)  # type: ignore[arg-type]


def test_claim_line_reads_modifiers_and_pointers_as_from_dict_does() -> None:
    line = codekit.ClaimLine(
        line_id="1", code="99213", date_of_service=DAY, modifiers=None, diagnosis_pointers=None
    )
    assert (line.modifiers, line.diagnosis_pointers) == ((), ())
    as_read = codekit.ClaimLine.from_dict(
        {"code": "99213", "date_of_service": DAY, "modifiers": "59"}
    )
    assert (
        codekit.ClaimLine(line_id="1", code="99213", date_of_service=DAY, modifiers=["59"])
        == as_read
    )
    with pytest.raises(InvalidClaimError, match="modifiers"):
        codekit.ClaimLine(line_id="1", code="99213", date_of_service=DAY, modifiers=object())
    # NCCI.md: a line points to at most four of the claim's twelve diagnoses
    with pytest.raises(InvalidClaimError, match="diagnosis pointer"):
        codekit.ClaimLine(line_id="1", code="99213", date_of_service=DAY, diagnosis_pointers=[13])


@pytest.mark.parametrize(
    "call",
    [
        lambda: codekit.get_many(None),  # type: ignore[arg-type]
        lambda: codekit.describe_many(7),  # type: ignore[arg-type]
        lambda: codekit.hccs(None),  # type: ignore[arg-type]
        lambda: codekit.crosswalk_frame(None, to="icd10cm"),  # type: ignore[arg-type]
    ],
    ids=["get_many", "describe_many", "hccs", "crosswalk_frame"],
)
def test_functions_of_many_codes_refuse_what_is_not_a_collection(call: Any) -> None:
    with pytest.raises(InvalidCodeError, match=r"list \(or Series\) of codes"):
        call()


def test_crosswalk_frame_source_must_be_one_name() -> None:
    with pytest.raises(UnknownCodeSetError, match="one code set name"):
        codekit.crosswalk_frame(["250.00"], to="icd10cm", source=[])  # type: ignore[arg-type]


def test_preload_takes_names() -> None:
    with pytest.raises(UnknownCodeSetError, match="list of code set names"):
        codekit.preload(False)  # type: ignore[arg-type]
    with pytest.raises(UnknownCodeSetError, match="one code set name"):
        codekit.preload([["icd10cm"]])  # type: ignore[list-item]


def test_install_refuses_a_name_too_long_and_a_report_that_is_not_a_function(
    tmp_path: Path,
) -> None:
    with pytest.raises(DataFileError, match="cannot be read"):
        codekit.data.install("x" * 5000)
    with pytest.raises(InvalidValueError, match="report="):
        codekit.data.install(tmp_path / "none.txt", report=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [None, b"q.db", "", "a\x00b"])
def test_sqlite_store_needs_a_path(path: object) -> None:
    with pytest.raises(QuotaConfigError, match="file path"):
        SqliteStore(path)  # type: ignore[arg-type]


def test_client_charge_takes_a_resource() -> None:
    client = Client(Principal("u1"), store="memory://")
    with pytest.raises(QuotaConfigError, match="Resource"):
        client.charge(None)  # type: ignore[arg-type]


_GOOD: dict[str, Any] = {"limit": 2, "since": -math.inf, "now": 1.0, "free_repeat": False}


@pytest.mark.parametrize(
    ("account", "resource", "changes"),
    [
        ([], "cpt:0628T", {}),
        ("a", None, {}),
        ("a", "r", {"limit": None}),
        ("a", "r", {"limit": True}),
        ("a", "r", {"since": None}),
        ("a", "r", {"since": "2024"}),
        ("a", "r", {"since": math.nan}),
        ("a", "r", {"since": 10**400}),
        ("a", "r", {"now": math.inf}),
        ("a", "r", {"free_repeat": None}),
    ],
)
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_stores_check_their_arguments(
    kind: str, account: object, resource: object, changes: dict[str, Any], tmp_path: Path
) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "q.db")
    with pytest.raises(QuotaConfigError, match="quota store's"):
        store.charge(account, resource, **{**_GOOD, **changes})  # type: ignore[arg-type]
    store.close()


def test_stores_take_instants_beyond_sqlite_integers(tmp_path: Path) -> None:
    """A window starting after every grant holds none (2**63 overflowed SQLite INTEGER)."""
    for store in (MemoryStore(), SqliteStore(tmp_path / "q.db")):
        store.charge("a", "r", **_GOOD)
        assert store.usage("a", since=2**63).used == 0
        assert store.usage("a", since=-math.inf).used == 1
        with pytest.raises(QuotaConfigError, match="account"):
            store.usage([], since=0.0)  # type: ignore[arg-type]
        store.close()


def test_tiered_policy_checks_principal_resource_and_tier() -> None:
    policy = TieredPolicy()
    with pytest.raises(QuotaConfigError, match="Principal"):
        policy.allowance(None, Resource("cpt", "0628T"))  # type: ignore[arg-type]
    with pytest.raises(QuotaConfigError, match="Resource"):
        policy.allowance(Principal("v1"), "cpt:0628T")  # type: ignore[arg-type]
    tiers: list[Any] = [None, [], "nobody"]
    for tier in tiers:
        with pytest.raises(QuotaConfigError, match="its tiers are"):
            policy.upgrade_message(tier)
    assert (
        policy.upgrade_message("guest")
        == policy.allowance(Principal("v1"), Resource("cpt", "0628T")).upgrade
    )
