"""Code pages: every part present, labelled sources, history, NCCI and crosswalk parts,
CPT numbers without licensed text, descriptor and plain-language plugins."""

from __future__ import annotations

import datetime as dt
import html
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

import codekit
from codekit._cli.main import main
from codekit._codesets import cpt
from codekit.exceptions import (
    AmbiguousCodeError,
    DataError,
    InvalidCodeError,
    PluginError,
    UnknownCodeError,
)
from codekit.plugins import PageContext, PagePart, PageSection, Registrar, hookimpl
from codekit.quota import MemoryStore
from codekit.testing import isolated_registry

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = "SYNTHETIC TEST DESCRIPTOR"


def plugin_module(distribution: str, module: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import a plugin from its source folder in ``plugins/`` (no install needed)."""
    monkeypatch.syspath_prepend(str(ROOT / "plugins" / distribution / "src"))
    return importlib.import_module(module)


# -- CPT numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category", "section"),
    [
        # AMA CPT code ranges: Anesthesia 00100-01999, Surgery 10004-69990, Radiology
        # 70010-79999, Pathology and Laboratory 80047-89398, Medicine 90281-99199 and
        # 99500-99607, Evaluation and Management 99202-99499 (and 99091).
        ("00100", "Category I", "Anesthesia"),
        ("01999", "Category I", "Anesthesia"),
        ("10004", "Category I", "Surgery"),
        ("69990", "Category I", "Surgery"),
        ("70010", "Category I", "Radiology"),
        ("80047", "Category I", "Pathology and Laboratory"),
        ("89398", "Category I", "Pathology and Laboratory"),
        ("90281", "Category I", "Medicine"),
        ("99100", "Category I", "Medicine"),  # qualifying circumstances for anesthesia
        ("99091", "Category I", "Evaluation and Management"),
        ("99213", "Category I", "Evaluation and Management"),
        ("99499", "Category I", "Evaluation and Management"),
        ("99607", "Category I", "Medicine"),
        ("00001", "Category I", "outside the published section ranges"),
    ],
)
def test_cpt_category_i_sections(code: str, category: str, section: str) -> None:
    info = cpt.info(code)
    assert (info["category"], info["section"]) == (category, section)


def test_cpt_page_without_licensed_text() -> None:
    # The packaged CPT numbers hold 0628T (valid in the IOCE quarters, see
    # test_hcpcs_packaged.py), with no descriptor: the page has the number, not the text.
    page = codekit.page(" 0628t ")
    assert (page.code, page.code_set, page.found, page.description) == ("0628T", "cpt", True, None)
    assert page.info["category"].startswith("Category III")
    assert codekit.page("1036F").info["category"].startswith("Category II ")
    assert codekit.page("0001U").info["section"] == "Pathology and Laboratory"
    assert not page.descriptions
    assert any("AMA-licensed" in m and "CODEKIT_CPT_DESCRIPTORS" in m for m in page.missing)
    # every part is present, and an unavailable one says how to install it
    assert [p.name for p in page.parts] == ["history", "crosswalks", "ptp", "mue", "addons"]
    for part in page.parts:
        assert part.available or "install" in part.message, part


def test_bad_input_raises_a_codekit_error() -> None:
    with pytest.raises(InvalidCodeError):
        codekit.page("0628T!")
    with pytest.raises(AmbiguousCodeError):
        codekit.page("A0100")  # HCPCS A0100 or ICD-10-CM A01.00
    assert codekit.page("A0100", code_set="hcpcs").code_set == "hcpcs"


# -- ICD-10-CM pages (packaged data) -------------------------------------------------------


def test_icd10cm_page_matches_the_cdc_tabular_via_a_peer_library() -> None:
    simple = pytest.importorskip("simple_icd_10_cm")
    page = codekit.page("e119")
    assert page.found
    assert page.billable
    assert page.kind == "code"
    assert page.description == simple.get_description("E11.9")
    official = [d for d in page.descriptions if d.kind == "official"]
    assert official[0].source.startswith("ICD-10-CM FY")
    assert [h.code for h in page.hierarchy] == list(reversed(simple.get_ancestors("E11.9")))
    category = codekit.page("E11")
    assert [c.code for c in category.children] == simple.get_children("E11")
    assert "excludes1" in page.notes


def test_history_added_revised_deleted_by_release() -> None:
    # CDC FY2020 addenda: new R11.15; G43.A0 revised to "Cyclical vomiting, in migraine, ...".
    rows = [(r.release, r.change) for r in codekit.page("R11.15").history_entries]
    assert rows == [("FY2020", "added")]
    revised = codekit.page("G43.A0").history_entries
    assert [(r.release, r.change) for r in revised] == [
        ("FY2016", "present"),  # in the MCE list since FY2016
        ("FY2020", "revised"),
    ]
    assert revised[1].description == "Cyclical vomiting, in migraine, not intractable"
    # FY2021 expanded T40.4 (fentanyl T40.41-, tramadol T40.42-): T40.4X1A was deleted.
    deleted = codekit.page("T40.4X1A").history_entries
    assert deleted[-1].release == "FY2021"
    assert deleted[-1].change == "deleted"
    assert codekit.page("T40.411A").history_entries[0].change == "added"
    # FY2022 expanded M54.5 (low back pain) into M54.50/51/59: no longer billable.
    low_back = codekit.page("M54.5").history_entries[-1]
    assert (low_back.release, low_back.change, low_back.billable) == ("FY2022", "revised", False)


def test_a_code_in_no_release_is_unknown_with_suggestions() -> None:
    with pytest.raises(UnknownCodeError) as unknown:
        codekit.page("E11.99")
    assert "E11.9" in unknown.value.suggestions
    assert "FY2016 to FY2027" in str(unknown.value)
    client = codekit.Client(codekit.Principal("typo"), store=MemoryStore())
    with pytest.raises(UnknownCodeError):
        client.page("E11.99")
    assert client.remaining() == 1  # a typo is not charged
    # a deleted code keeps its page: the release in force lacks it, the history says when
    gone = codekit.page("T40.4X1A")
    assert not gone.found
    assert gone.history_entries[-1].change == "deleted"


def test_page_as_of_picks_the_release_in_force() -> None:
    page = codekit.page("G43.A0", as_of=dt.date(2019, 5, 1))
    assert page.release == "FY2019"
    assert page.description == "Cyclical vomiting, not intractable"


def test_crosswalk_part_lists_gem_targets() -> None:
    page = codekit.page("E11.9")
    if not page.crosswalks.available:
        pytest.skip(page.crosswalks.message)
    # CMS 2018 GEM (ICD-10-CM to ICD-9-CM): E11.9 -> 250.00
    gem = [r for r in page.crosswalks.rows if r["crosswalk"] == "icd9cm"]
    assert [r["target"] for r in gem] == ["250.00"]


def test_to_dict_is_json_and_html_escapes() -> None:
    page = codekit.page("E11.9")
    data = json.loads(json.dumps(page.to_dict()))
    assert data["code"] == "E11.9"
    assert data["history"][0]["release"] == "FY2016"
    # a diagnosis's page has its MS-DRG CC/MCC part and its risk view (issue 15)
    assert set(data["parts"]) == {"history", "crosswalks", "ms_drg", "ptp", "mue", "addons", "risk"}
    rendered = page._repr_html_()
    assert "<h3>E11.9" in rendered
    assert html.escape(page.description or "") in rendered
    cpt_html = codekit.page("0628T")._repr_html_()
    assert "<h4>Not installed</h4>" in cpt_html
    assert "AMA-licensed" in cpt_html


# -- NCCI parts ------------------------------------------------------------------------------


@pytest.fixture
def ncci_installed(cms_corpus: Path, data_dir: Path) -> Path:
    import codekit.data

    codekit.data.install([cms_corpus / "aoc" / "AOC_V2026Q2-MCR.xlsx"])
    return data_dir


@pytest.mark.corpus
def test_page_of_0628t_names_0627t_as_primary(ncci_installed: Path) -> None:
    page = codekit.page("0628t")
    assert page.addons.available, page.addons.message
    primaries = {(row["primary"], row.get("type")) for row in page.addons.rows}
    assert ("0627T", 1) in primaries  # CMS AOC 2026Q2: 0628T is a type 1 add-on of 0627T
    # PTP and MUE tables were not installed: present, saying how to install them
    assert not page.ptp.available
    assert "codekit data install" in page.ptp.message
    assert not page.mue.available
    assert "codekit data install" in page.mue.message


def _ptp_rows_of(path: Path, code: str) -> set[tuple[int, str, int]]:
    """(column of ``code``, partner, modifier indicator) read straight from a CMS PTP file."""
    found = set()
    for line in path.read_text(encoding="latin-1").splitlines():
        fields = line.split("\t")
        if len(fields) < 7 or not fields[3].strip().isdigit():
            continue  # notice and header lines
        column1, column2, indicator = fields[0].strip(), fields[1].strip(), int(fields[5])
        if column1 == code:
            found.add((1, column2, indicator))
        elif column2 == code:
            found.add((2, column1, indicator))
    return found


@pytest.mark.corpus
def test_ptp_and_mue_parts_match_the_cms_files(cms_corpus: Path, data_dir: Path) -> None:
    import codekit.data

    ptp = cms_corpus / "ptp" / "ccipra-v322r0-f1.excerpt.txt"
    mue = cms_corpus / "mue" / "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
    codekit.data.install([ptp, mue])
    for code in ("0001A", "36591"):
        page = codekit.page(code)
        assert page.ptp.available, page.ptp.message
        rows = {
            (r["column"], r["partner"], r["modifier_indicator"])
            for r in page.ptp.rows
            if r["setting"] == "practitioner"
        }
        assert rows == _ptp_rows_of(ptp, code)
        assert "outpatient_hospital" in page.ptp.message  # that table is not installed
    mue_rows = [
        line.split(",")
        for line in mue.read_text(encoding="latin-1").splitlines()
        if line[:5].isdigit() or line[:4].isdigit()
    ]
    code, value, mai = mue_rows[0][0], int(mue_rows[0][1]), int(mue_rows[0][2][0])
    page = codekit.page(code, code_set="cpt" if code[:4].isdigit() else "hcpcs")
    practitioner = [r for r in page.mue.rows if r["setting"] == "practitioner"]
    assert [(r["value"], r["mai"]) for r in practitioner] == [(value, mai)]


def test_ncci_parts_without_tables_say_how_to_install(data_dir: Path) -> None:
    page = codekit.page("0628T")
    for part in (page.ptp, page.mue, page.addons):
        assert not part.available
        assert "install" in part.message
    icd = codekit.page("E11.9")
    assert icd.ptp.available
    assert "do not apply" in icd.ptp.message


# -- descriptor plugins ------------------------------------------------------------------------


def write_descriptors(path: Path) -> Path:
    path.write_text(
        "code\tshort\tlong\tconsumer\tclinician\n"
        f"0628T\t{SYNTHETIC} SHORT\t{SYNTHETIC} LONG\t{SYNTHETIC} CONSUMER\t{SYNTHETIC} C1\n"
        f"0628t\t\t\t\t{SYNTHETIC} C2\n"
        "# a comment\n"
        f"99213\t{SYNTHETIC} E/M\n",
        encoding="utf-8",
    )
    return path


def test_cpt_plugin_registers_licensee_descriptors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = plugin_module("codekit-cpt", "codekit_cpt", monkeypatch)
    monkeypatch.setenv(plugin.ENV, str(write_descriptors(tmp_path / "cpt.tsv")))
    plugin.configure(None)
    with isolated_registry(plugin):
        page = codekit.page("0628T")
        labelled = [(d.kind, d.text, d.source) for d in page.descriptions]
        # the long descriptor is the official text; each other text is shown once
        assert labelled == [
            ("official", f"{SYNTHETIC} LONG", "AMA CPT (licensed file)"),
            ("short", f"{SYNTHETIC} SHORT", "AMA CPT (licensed file)"),
            ("consumer", f"{SYNTHETIC} CONSUMER", "AMA CPT (licensed file)"),
            ("clinician", f"{SYNTHETIC} C1", "AMA CPT (licensed file)"),
            ("clinician", f"{SYNTHETIC} C2", "AMA CPT (licensed file)"),
        ]
        assert page.found
        assert page.info["category"].startswith("Category III")
        assert not any("AMA-licensed" in m for m in page.missing)
        assert [d.text for d in codekit.page("99213").descriptions] == [f"{SYNTHETIC} E/M"]
        # the licensee's file is the release in force (a plugin wins over the packaged
        # numbers): a number it does not hold is not in it, though earlier releases list it
        assert not codekit.page("0627T").found
        with pytest.raises(UnknownCodeError, match="9999T"):
            codekit.page("9999T")  # in no release at all


def test_cpt_plugin_file_problems_are_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = plugin_module("codekit-cpt", "codekit_cpt", monkeypatch)
    plugin.configure(tmp_path / "missing.tsv")
    try:
        with (
            isolated_registry(plugin),
            pytest.raises((DataError, PluginError), match="CODEKIT_CPT_DESCRIPTORS"),
        ):
            codekit.page("0628T")
        bad = tmp_path / "bad.tsv"
        bad.write_text(f"not-a-code\t{SYNTHETIC}\n", encoding="utf-8")
        plugin.configure(bad)
        with isolated_registry(plugin), pytest.raises((DataError, PluginError), match="line 1"):
            codekit.page("0628T")
    finally:
        plugin.configure(None)


def test_plain_language_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = plugin_module("codekit-plain-language", "codekit_plain_language", monkeypatch)
    with isolated_registry(plugin):
        page = codekit.page("e11.9")
        plain = [d for d in page.descriptions if d.kind == "plain_language"]
        assert [(d.text, d.source) for d in plain] == [
            (plugin.PLAIN_LANGUAGE["E11.9"], plugin.SOURCE)
        ]
        # every hand-written entry names a real ICD-10-CM code
        for code in plugin.PLAIN_LANGUAGE:
            assert codekit.get(code) is not None, code


def test_a_failing_description_plugin_is_a_plugin_error() -> None:
    from codekit.plugins import hookimpl

    class Broken:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            def explode(code: str) -> str:
                raise KeyError(code)

            registrar.add_descriptions("cpt", source="broken", kind="short", descriptions=explode)

    with isolated_registry(Broken()), pytest.raises(PluginError, match="0628T"):
        codekit.page("0628T")


def test_registrar_checks_description_arguments() -> None:
    from codekit.plugins import Registrar

    registrar = Registrar("t")
    with pytest.raises(TypeError, match="source"):
        registrar.add_descriptions("cpt", source="", kind="short", descriptions={})
    with pytest.raises(TypeError, match="kind"):
        registrar.add_descriptions("cpt", source="s", kind="Short Text", descriptions={})
    with pytest.raises(TypeError, match="mapping"):
        registrar.add_descriptions("cpt", source="s", kind="short", descriptions=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="allowance"):
        registrar.add_quota_policy("p", object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scheme"):
        registrar.add_quota_store("Bad Scheme", lambda url: None)  # type: ignore[arg-type,return-value]


# -- the example quota policy distribution, installed ---------------------------------------


@pytest.mark.slow
def test_example_quota_policy_distribution_installs(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "plugins" / "codekit-quota-example"),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), *sys.path])}
    script = """
import codekit
from codekit.exceptions import QuotaExceededError
client = codekit.Client(codekit.Principal("v"), policy="metered-daily")
for code in ["0627T", "0628T", " 0628t ", "99213", "99214"]:
    try:
        client.page(code)
        print(code.strip(), "ok", client.remaining())
    except QuotaExceededError as exc:
        print(code.strip(), "refused", exc.limit, exc.upgrade)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    # the README's rules: guests 3 pages per UTC day, re-reading a page that day is free
    assert out.stdout.splitlines() == [
        "0627T ok 2",
        "0628T ok 1",
        "0628t ok 1",
        "99213 ok 0",
        "99214 refused 3 Become a member for 25 pages a day.",
    ]


def test_html_escapes_plugin_text() -> None:
    from codekit.plugins import hookimpl

    class Markup:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_descriptions(
                "cpt",
                source="<i>site</i>",
                kind="short",
                descriptions={"0628t": f"<script>alert(1)</script> {SYNTHETIC}"},
            )

    with isolated_registry(Markup()):
        rendered = codekit.page("0628T")._repr_html_()
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;i&gt;site&lt;/i&gt;" in rendered


def test_cli_page(capsys: pytest.CaptureFixture[str]) -> None:
    from codekit._cli.main import main

    assert main(["page", " 0628t "]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0628T\n")
    assert "Category III" in out
    assert "AMA-licensed" in out
    assert main(["page", "E11.9", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["description"] == (
        "Type 2 diabetes mellitus without complications"
    )
    assert main(["page", "E11.99"]) == 1
    assert "did you mean E11.9?" in capsys.readouterr().err


def test_page_html_escapes_every_field_kind_included() -> None:
    from collections.abc import Iterator

    from codekit.models import DataRelease
    from codekit.plugins import CodeRecord, CodeSetSpec, hookimpl

    record = CodeRecord(code="ZZ1", description="<i>desc</i>")

    class Source:  # a plugin's own CodeSource
        def find(self, code: str) -> list[CodeRecord]:
            return [record] if code == "ZZ1" else []

        def item(self, code: str, kind: str) -> CodeRecord | None:
            return None

        def children(self, code: str, kind: str) -> list[CodeRecord]:
            return []

        def near(self, code: str, limit: int) -> list[str]:
            return []

        def records(self) -> Iterator[CodeRecord]:
            return iter([record])

    class Crafted:
        @hookimpl
        def codekit_register(self, registrar: Registrar) -> None:
            registrar.add_code_set(CodeSetSpec(name="zz", title="ZZ", pattern="ZZ[0-9]"))
            registrar.add_release(
                DataRelease(
                    code_set="zz", release="1", effective=dt.date(2000, 1, 1), origin="plugin"
                ),
                source=Source(),
            )

    with isolated_registry(Crafted()):
        page = codekit.page("ZZ1", code_set="zz")
    # The plugin layer refuses a record whose kind is not a kind, so a page value built by
    # hand carries the hostile kind: the HTML must still escape it.
    html = attrs.evolve(page, kind="<script>alert(1)</script>")._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>desc</i>" not in html


def test_cpt_plugin_descriptors_reach_every_face(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = plugin_module("codekit-cpt", "codekit_cpt", monkeypatch)
    monkeypatch.setenv(plugin.ENV, str(write_descriptors(tmp_path / "cpt.tsv")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plugin.configure(None)
    try:
        with isolated_registry(plugin):
            code = codekit.lookup("0628t")
            assert (code.code, code.code_set) == ("0628T", "cpt")
            assert code.description == f"{SYNTHETIC} LONG"
            assert code.short_description == f"{SYNTHETIC} SHORT"
            assert codekit.describe("99213") == f"{SYNTHETIC} E/M"
            assert codekit.describe("99213", code_set="cpt", as_of="2026-03-01") == (
                f"{SYNTHETIC} E/M"
            )
            assert codekit.is_valid("0628T")
            assert not codekit.is_valid("0627T")
            assert codekit.describe_many(["99213", "0628T", "0627T", "E11.9"]) == [
                f"{SYNTHETIC} E/M",
                f"{SYNTHETIC} LONG",
                None,
                codekit.describe("E11.9"),
            ]
            hits = codekit.search("synthetic test descriptor", code_sets="cpt")
            assert {hit.code for hit in hits} == {"0628T", "99213"}
            assert any(hit.code == "0628T" for hit in codekit.search("synthetic consumer"))
            assert codekit.page("0628T").description == f"{SYNTHETIC} LONG"
    finally:
        plugin.configure(None)


def test_cpt_plugin_release_year_bounds_the_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codekit.exceptions import MissingTitleError, StaleDataWarning, UnknownReleaseError

    plugin = plugin_module("codekit-cpt", "codekit_cpt", monkeypatch)
    try:
        plugin.configure(write_descriptors(tmp_path / "cpt.tsv"), release="2026")
        with isolated_registry(plugin):
            (release,) = [r for r in codekit.data_releases("cpt") if r.origin == "plugin"]
            assert (release.release, release.effective, release.until) == (
                "2026",
                dt.date(2026, 1, 1),
                dt.date(2026, 12, 31),
            )
            # On every date it covers, the licensee's release wins over the packaged CPT
            # numbers (2026-JAN and 2026-APR also cover 2026-01-01 to 2026-06-30) ...
            for day in ("2026-01-01", "2026-06-30", "2026-08-01", "2026-12-31"):
                assert codekit.describe("99213", as_of=day) == f"{SYNTHETIC} E/M"
                assert codekit.lookup("99213", as_of=day).release == "2026"
            assert codekit.describe("99213") == f"{SYNTHETIC} E/M"  # dateless, too
            assert codekit.data_releases("cpt", newest=True) == (release,)
            # ... and outside them the packaged numbers answer, with no descriptor
            assert codekit.lookup("99213", as_of="2025-12-31").release == "2025-OCT"
            with pytest.raises(MissingTitleError, match="plugins/codekit-cpt"):
                codekit.describe("99213", as_of="2025-12-31")
            with pytest.warns(StaleDataWarning, match="2026"):
                assert codekit.describe("99213", as_of="2027-01-04") == f"{SYNTHETIC} E/M"
            with pytest.raises(UnknownReleaseError, match="2019-07-01"):
                codekit.describe("99213", as_of="2019-06-30")
        with pytest.raises(DataError, match="CPT year"):
            plugin.configure(tmp_path / "cpt.tsv", release="last year")
    finally:
        plugin.configure(None)


def test_cpt_without_a_licensed_file_says_how_to_get_one() -> None:
    from codekit.exceptions import MissingTitleError

    # The packaged release has the number and its validity, never a descriptor.
    assert codekit.lookup("99213").title_release is None
    with pytest.raises(MissingTitleError) as caught:
        codekit.describe("99213")
    message = str(caught.value)
    assert "AMA" in message
    assert "plugins/codekit-cpt" in message
    assert "CODEKIT_CPT_DESCRIPTORS" in message


# -- page sections -----------------------------------------------------------------------


def _fees(context: PageContext) -> PagePart | None:
    """A capability's section for HCPCS codes only (synthetic amounts, clearly fake)."""
    if context.code_set != "hcpcs":
        return None
    return FEES.part(available=True, rows=[{"locality": "01", "amount": "12.34"}])


FEES = PageSection(
    name="fees",
    title="Fee schedule",
    build=_fees,
    text=lambda part: [f"  {part.title}: {part.rows[0]['amount']} (synthetic)"],
)


class _SectionPlugin:
    __name__ = "section_plugin"

    def __init__(self, *sections: PageSection) -> None:
        self.sections = sections

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        for section in self.sections:
            registrar.add_page_section(section)


def test_a_plugin_adds_a_page_section_without_editing_pages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 12: a new capability supplies its own section; the built-in parts stay."""
    with isolated_registry(_SectionPlugin(FEES)):
        shown = codekit.page("G0008")
        names = [part.name for part in shown.parts]
        assert names == ["history", "crosswalks", "ptp", "mue", "addons", "fees"]
        assert shown.part("fees").rows[0]["amount"] == "12.34"
        assert shown.to_dict()["parts"]["fees"]["title"] == "Fee schedule"
        assert "<h4>Fee schedule</h4>" in shown._repr_html_()
        assert main(["page", "G0008"]) == 0
        assert "  Fee schedule: 12.34 (synthetic)" in capsys.readouterr().out.splitlines()
        # a section for one code set leaves the others' pages alone
        assert "fees" not in [part.name for part in codekit.page("E11.9").parts]


def test_a_plugin_section_of_a_built_in_name_replaces_it() -> None:
    mine = PageSection(
        name="crosswalks",
        title="Our crosswalks",
        order=20,
        build=lambda context: PagePart(name="crosswalks", title="Our crosswalks", available=True),
    )
    with isolated_registry(_SectionPlugin(mine)):
        shown = codekit.page("E11.9")
    assert [part.name for part in shown.parts] == [
        "history",
        "crosswalks",
        "ms_drg",  # a diagnosis's MS-DRG CC/MCC part (issue 15)
        "ptp",
        "mue",
        "addons",
        "risk",  # the risk-adjustment view (issue 15)
    ]
    assert shown.crosswalks.title == "Our crosswalks"
    assert shown.crosswalks.section is mine


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda context: 1 / 0, "ZeroDivisionError"),
        (lambda context: sys.exit(4), r"sys\.exit\(4\)"),
        (lambda context: "a row", "returned str, not a PagePart"),
    ],
)
def test_a_failing_plugin_section_is_named(build: Any, reason: str) -> None:
    broken = PageSection(name="broken", title="Broken", build=build)
    with (
        isolated_registry(_SectionPlugin(broken)),
        pytest.raises(PluginError, match=rf"section_plugin.*'broken'.*{reason}"),
    ):
        codekit.page("E11.9")


def test_a_page_without_a_section_says_so() -> None:
    """A page built while a section's plugin is blocked still answers its old attribute."""
    empty = codekit.CodePage(
        code="X", code_set="x", code_set_title="X", release=None, found=False, description=None
    )
    assert not empty.ptp.available
    assert "no page section 'ptp'" in empty.ptp.message
