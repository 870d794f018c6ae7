"""The table registry (issue 12): one release type, one registrar call, one selection rule.

The rule under test is the one written in ``codekit._tables.rule`` (and docs/architecture.md):
in force from ``effective`` to ``until`` (an open-ended release until the next begins); a
pack over a plugin over packaged data; a date after every end answered by the last release,
marked stale; a date before the oldest (or in a gap) has no release.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

import codekit
from codekit.exceptions import PluginWarning, StaleDataWarning, UnknownReleaseError
from codekit.models import DataRelease, Origin
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.quota import Client, MemoryStore, Principal, TieredPolicy, policies
from codekit.testing import isolated_registry

D = dt.date


def fee(
    release: str,
    effective: D,
    until: D | None = None,
    *,
    origin: Origin = "plugin",
    attributes: dict[str, str] | None = None,
) -> DataRelease:
    return DataRelease(
        code_set="physician",
        release=release,
        effective=effective,
        until=until,
        origin=origin,
        attributes=attributes or {},
    )


class FeeSchedules:
    """A plugin with its own kind of table: two yearly releases and a later open one."""

    __name__ = "fees"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_table(
            "fee_schedule", fee("2025", D(2025, 1, 1), D(2025, 12, 31)), lambda: {"99213": 1}
        )
        registrar.add_table(
            "fee_schedule", fee("2026", D(2026, 1, 1), D(2026, 12, 31)), lambda: {"99213": 2}
        )


def test_a_plugin_kind_is_selected_by_date_by_the_one_rule() -> None:
    with isolated_registry(FeeSchedules(), builtins=False) as registry:
        pick = registry.select_table
        assert pick("fee_schedule", as_of=D(2025, 6, 1)).source() == {"99213": 1}
        assert pick("fee_schedule", as_of=D(2026, 1, 1)).source() == {"99213": 2}
        assert pick("fee_schedule").info.release == "2026"  # dateless: the newest
        assert pick("fee_schedule", release="2025").info.kind == "fee_schedule"
        # before the oldest release: no release
        with pytest.raises(UnknownReleaseError, match="2024-12-31"):
            pick("fee_schedule", as_of=D(2024, 12, 31))
        # after every release's end: the last one answers, said to be stale
        with pytest.warns(StaleDataWarning, match="2027-01-01"):
            assert pick("fee_schedule", as_of=D(2027, 1, 1)).info.release == "2026"


class Gapped:
    __name__ = "gapped"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_table("fee_schedule", fee("a", D(2020, 1, 1), D(2020, 6, 30)), dict)
        registrar.add_table("fee_schedule", fee("b", D(2021, 1, 1)), dict)
        # a pack of the same period as the plugin's "b" wins over it (rule 2)
        registrar.add_table("fee_schedule", fee("b-pack", D(2021, 1, 1), origin="pack"), dict)


def test_a_gap_has_no_release_and_a_pack_wins_over_a_plugin() -> None:
    with isolated_registry(Gapped(), builtins=False) as registry:
        with pytest.raises(UnknownReleaseError):
            registry.select_table("fee_schedule", as_of=D(2020, 9, 1))
        chosen = registry.select_table("fee_schedule", as_of=D(2022, 1, 1))
        assert (chosen.info.release, chosen.info.origin) == ("b-pack", "pack")


class Faceted:
    __name__ = "faceted"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        for setting, day in (("office", D(2024, 1, 1)), ("hospital", D(2025, 1, 1))):
            release = fee(f"2025-{setting}", day, attributes={"setting": setting})
            registrar.add_table("fee_schedule", release, dict)


def test_facets_pick_a_table_and_each_facet_has_its_own_periods() -> None:
    with isolated_registry(Faceted(), builtins=False) as registry:
        office = registry.select_table("fee_schedule", as_of=D(2024, 6, 1), setting="office")
        assert office.info.release == "2025-office"
        # the hospital release does not end the office one (another facet)
        later = registry.select_table("fee_schedule", as_of=D(2026, 1, 1), setting="office")
        assert later.info.release == "2025-office"
        with pytest.raises(UnknownReleaseError):
            registry.select_table("fee_schedule", as_of=D(2024, 6, 1), setting="hospital")


def test_code_set_and_crosswalk_releases_are_tables_of_their_kind() -> None:
    registry = codekit._registry.current()
    assert {"code_set", "crosswalk"} <= set(registry.kinds())
    # the packaged ICD-10-CM releases are the code-set tables of that name
    assert registry.tables("code_set", "icd10cm") == registry.releases("icd10cm")
    # crosswalks no longer pose as code sets
    assert all(r.info.kind == "crosswalk" for r in registry.tables("crosswalk"))
    assert not any(">" in cs.name for cs in codekit.code_sets())


class BadRelease:
    __name__ = "bad_release"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_table(
            "fee_schedule",
            fee("x", D(2026, 1, 1), D(2025, 1, 1)),
            dict,  # ends before start
        )


def test_an_invalid_release_is_contained_and_the_plugin_named() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with isolated_registry(BadRelease()) as registry:
            assert "bad_release" in registry.failures
            assert codekit.describe("E11.9").startswith("Type 2 diabetes")
    assert any(
        issubclass(w.category, PluginWarning) and "bad_release" in str(w.message) for w in caught
    )


class OverridesIcd10cm:
    """Registers, under built-in names, a quota policy, a quota store and ICD-10-CM."""

    __name__ = "site_icd"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_quota_policy("default", TieredPolicy(limits={"guest": 3}))
        registrar.add_quota_store("memory", lambda url: MemoryStore(f"{url}#site"))
        registrar.add_code_set(
            CodeSetSpec(
                name="icd10cm", title="Site ICD", pattern=r"[A-Z][0-9]{2}[0-9A-Z]*", dot_after=3
            )
        )
        registrar.add_release(
            DataRelease(
                code_set="icd10cm", release="site", effective=D(2030, 1, 1), origin="plugin"
            ),
            records=[CodeRecord(code="Z99.9", description="Site's own title")],
        )


def test_a_plugin_overrides_the_builtin_policy_store_and_icd10cm() -> None:
    with isolated_registry(OverridesIcd10cm()) as registry:
        assert policies()["default"] == TieredPolicy(limits={"guest": 3})
        assert Client(Principal("visitor")).store.url == "memory://#site"
        assert next(c for c in codekit.code_sets() if c.name == "icd10cm").plugin == "site_icd"
        assert registry.spec("icd10cm").title == "Site ICD"
        assert codekit.describe("Z99.9", code_set="icd10cm", release="site") == "Site's own title"


class OwnSection:
    __name__ = "own_section"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_extension("site_colours", ("E11.9", "blue"))
        registrar.add_quota_policy("site", TieredPolicy(limits={"guest": 2}))


def test_sections_are_read_typed_and_a_plugin_may_bring_its_own() -> None:
    from codekit._tables.sections import QUOTA_POLICIES, Section

    colours: Section[tuple[str, str]] = Section("site_colours", "own_section")
    with isolated_registry(OwnSection()) as registry:
        assert registry.section(colours).entries() == [("own_section", ("E11.9", "blue"))]
        winners = registry.section(QUOTA_POLICIES).by_key()
        assert winners["site"] == ("own_section", TieredPolicy(limits={"guest": 2}))
        assert winners["default"][0] == "codekit._quota.plugin"  # the built-in, unshadowed


def test_caches_go_with_the_registry_and_reset_callbacks_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from codekit import _registry

    monkeypatch.setattr(_registry, "_on_reset", [])  # this test's callback goes afterwards
    calls: list[int] = []
    cleared: list[str] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    _registry.on_reset(lambda: cleared.append("x"))
    first = _registry.current()
    assert first.memo("k", compute) == 1
    assert first.memo("k", compute) == 1  # computed once
    codekit.refresh()
    assert cleared == ["x"]
    second = _registry.current()
    assert second is not first
    assert second.memo("k", compute) == 2  # a new registry
