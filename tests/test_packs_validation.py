"""Installs refuse what is not a complete official file, all or nothing (issues 10 and 11).

Every test here reproduces a defect seen with real files: the genuine CMS corpus cut,
duplicated or re-labelled the ways downloads and hand edits break them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codekit
import codekit.data
from codekit._cli.main import main
from codekit._read import archive as _archive
from codekit._store import generation
from codekit.exceptions import (
    CodekitError,
    DataError,
    DataFileError,
    DownloadError,
    IncompleteReleaseError,
    MalformedFileError,
    UnknownCodeError,
    UnknownReleaseError,
)

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
JAN = FIXTURES / "HCPC2030_JAN_ANWEB.txt"


def _snapshot(root: Path) -> list[str]:
    """Every installed file (the lock and stamp files aside)."""
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def _hcpcs_lines(corpus: Path) -> list[bytes]:
    return (corpus / "hcpcs" / "HCPC2019_CONTR_ANWEB.txt").read_bytes().split(b"\r\n")


def _first_lines_of_codes(lines: list[bytes]) -> list[int]:
    """Indexes of the lines starting a Level II code (record id 3), per the CMS layout."""
    return [
        i
        for i, line in enumerate(lines)
        if len(line) > 11 and line[:1].isalpha() and line[1:5].isdigit() and line[10:11] == b"3"
    ]


# -- truncated files ---------------------------------------------------------------------


def test_a_truncated_hcpcs_file_is_refused(
    data_dir: Path, cms_corpus: Path, tmp_path: Path
) -> None:
    lines = _hcpcs_lines(cms_corpus)
    starts = _first_lines_of_codes(lines)
    assert len(starts) == 6440  # the release's Level II codes (CMS file, issue 11)
    # cut the download in the middle of the record of code 2,813: 2,812 whole codes remain
    kept = b"\r\n".join(lines[: starts[2812]]) + b"\r\n" + lines[starts[2812]][:150]
    cut = tmp_path / "HCPC2019_CONTR_ANWEB.txt"
    cut.write_bytes(kept)
    with pytest.raises(MalformedFileError, match=r"HCPC2019_CONTR_ANWEB.txt: line \d+: ") as info:
        codekit.data.install(cut)
    assert info.value.line == starts[2812] + 1
    assert codekit.data.list() == []


def test_a_codes_file_far_smaller_than_the_packaged_release_is_refused(
    data_dir: Path, cms_corpus: Path, tmp_path: Path
) -> None:
    # 154 genuine lines of a codes file, given as the whole FY2024 release (as a download
    # cut at a line end would be)
    excerpt = tmp_path / "icd10pcs_codes_2024.txt"
    excerpt.write_bytes((cms_corpus / "icd10pcs" / "icd10pcs_codes_2025.excerpt.txt").read_bytes())
    packaged = next(r for r in codekit.data_releases("icd10pcs") if r.release == "FY2024")
    with pytest.raises(IncompleteReleaseError, match=r"holds 154 icd10pcs codes") as info:
        codekit.data.install(excerpt)
    assert (info.value.count, info.value.expected) == (154, packaged.rows)
    assert codekit.data.list() == []
    # the packaged release still answers for a code the excerpt lacks (laparoscopic
    # appendectomy, in CMS's FY2024 tables)
    assert codekit.lookup("0DTJ4ZZ", code_set="icd10pcs", as_of="2024-01-15").release == "FY2024"
    # the user may still insist
    (forced,) = codekit.data.install(excerpt, force=True)
    assert (forced.release, forced.manifest["rows"]) == ("FY2024", 154)


def test_a_100_line_order_file_does_not_replace_the_packaged_release(
    data_dir: Path, cms_corpus: Path
) -> None:
    excerpt = cms_corpus / "icd10cm" / "icd10cm_order_2026.excerpt.txt"
    packaged = next(r for r in codekit.data_releases("icd10cm") if r.release == "FY2026")
    with pytest.raises(IncompleteReleaseError, match=f"{packaged.rows:,} of release FY2026"):
        codekit.data.install(excerpt)
    assert codekit.data.list() == []
    # E11.9 is in the packaged FY2026 release (CDC's tabular); it stays found
    assert codekit.lookup("E11.9", as_of="2026-01-15").code == "E11.9"
    assert main(["data", "install", str(excerpt)]) == 2


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("icd10pcs", "icd10pcs_codes_2025.excerpt.txt"),
        ("mue", "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"),
        ("ptp", "ccipra-v322r0-f1.excerpt.txt"),
        ("icd10cm", "icd10cm_order_2026.excerpt.txt"),
    ],
)
def test_files_cut_mid_line_are_refused(
    data_dir: Path, cms_corpus: Path, tmp_path: Path, folder: str, name: str
) -> None:
    data = (cms_corpus / folder / name).read_bytes()
    lines = data.split(b"\n")
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) - len(lines[-2]) // 2 - 2])  # half the last line
    with pytest.raises(MalformedFileError, match=f"line {len(lines) - 1}: has no line end"):
        codekit.data.install(cut, force=True)
    assert _snapshot(data_dir) == []


# -- contents that are not what the name says ---------------------------------------------


def test_a_gem_file_with_the_other_directions_content_is_refused(
    data_dir: Path, cms_corpus: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "2018_I9gem.txt"
    wrong.write_bytes((cms_corpus / "gems" / "2018_I10gem.txt").read_bytes())
    with pytest.raises(MalformedFileError, match=r"2018_I9gem.txt: line 1: maps A000 to 0010"):
        codekit.data.install(wrong)
    assert codekit.data.list() == []


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("icd10pcs", "icd10pcs_codes_2025.excerpt.txt"),
        ("icd10cm", "icd10cm_order_2026.excerpt.txt"),
        ("icd10cm", "icd10cm-codes-addenda-2025.excerpt.txt"),
        ("mue", "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"),
    ],
)
def test_duplicate_lines_are_refused_with_both_line_numbers(
    data_dir: Path, cms_corpus: Path, tmp_path: Path, folder: str, name: str
) -> None:
    lines = (cms_corpus / folder / name).read_bytes().split(b"\r\n")
    doubled = tmp_path / name
    doubled.write_bytes(b"\r\n".join([*lines[:-1], lines[-2], b""]))  # the last line twice
    last = doubled.read_bytes().count(b"\n")  # line numbers as an editor shows them
    with pytest.raises(MalformedFileError, match=rf"twice \(lines {last - 1} and {last}\)"):
        codekit.data.install(doubled, force=True)
    assert _snapshot(data_dir) == []


def _hcpcs_with(record: str, field: tuple[int, int], value: str, tmp_path: Path) -> Path:
    """The synthetic HCPCS file with one field of one code's first record replaced."""
    lines = JAN.read_bytes().split(b"\r\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(record.encode()))
    line = lines[at].decode("latin-1")
    start, end = field
    lines[at] = (line[: start - 1] + value + line[end:]).encode("latin-1")
    path = tmp_path / JAN.name
    path.write_bytes(b"\r\n".join(lines))
    return path


def test_impossible_dates_are_refused(data_dir: Path, tmp_path: Path) -> None:
    bad = _hcpcs_with("A9999", (269, 276), "20301399", tmp_path)  # ADD DT, month 13
    with pytest.raises(MalformedFileError, match=r"line \d+: ADD DT '20301399' is not"):
        codekit.data.install(bad)
    assert codekit.data.list() == []


def test_terminal_escape_sequences_are_refused_at_import(data_dir: Path, tmp_path: Path) -> None:
    bad = _hcpcs_with("A9999", (12, 21), "\x1b]0;pwn\x07\x1b[2J", tmp_path)
    with pytest.raises(MalformedFileError, match=r"control character '\\x1b'"):
        codekit.data.install(bad)
    assert codekit.data.list() == []


def test_a_ptp_file_with_control_characters_is_refused(
    data_dir: Path, cms_corpus: Path, tmp_path: Path
) -> None:
    text = (cms_corpus / "ptp" / "ccipra-v322r0-f1.excerpt.txt").read_bytes()
    bad = tmp_path / "ccipra-v322r0-f1.txt"
    bad.write_bytes(text.replace(b"Misuse of", b"\x1b[31mMisuse of", 1))
    with pytest.raises(MalformedFileError, match=r"ccipra-v322r0-f1.txt: line \d+: holds"):
        codekit.data.install(bad)
    assert codekit.data.list() == []


# -- all or nothing ------------------------------------------------------------------------


def test_an_install_that_fails_half_way_installs_nothing(
    data_dir: Path, cms_corpus: Path, tmp_path: Path
) -> None:
    # detection reads only the head of each file: the PCS file's fault is found while
    # installing, after the HCPCS packs were built
    lines = (
        (cms_corpus / "icd10pcs" / "icd10pcs_codes_2025.excerpt.txt").read_bytes().split(b"\r\n")
    )
    pcs = tmp_path / "icd10pcs_codes_2025.txt"
    pcs.write_bytes(b"\r\n".join([*lines[:-2], b"00500Z3 Destruction", lines[-2], b""]))
    with pytest.raises(DataFileError):
        codekit.data.install([JAN, pcs], force=True)
    assert codekit.data.list() == []
    assert _snapshot(data_dir) == []
    codekit.data.install(JAN)  # and nothing is left half-locked
    assert {p.kind for p in codekit.data.list()} == {"hcpcs", "modifier"}


# -- archives --------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _patch_headers(path: Path, *, flag: int | None = None, method: int | None = None) -> None:
    """Set the flag bits / compression method of every member (local and central headers)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            if flag is not None:
                struct.pack_into("<H", data, at + offset, flag)
            if method is not None:
                struct.pack_into("<H", data, at + offset + 2, method)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_an_encrypted_zip_is_refused(data_dir: Path, tmp_path: Path) -> None:
    archive = _zip(tmp_path / "hcpcs.zip", {JAN.name: JAN.read_bytes()})
    _patch_headers(archive, flag=0x1)
    with pytest.raises(MalformedFileError, match="is encrypted"):
        codekit.data.install(archive)


def test_a_zip_with_an_unknown_compression_method_is_refused(
    data_dir: Path, tmp_path: Path
) -> None:
    archive = _zip(tmp_path / "hcpcs.zip", {JAN.name: JAN.read_bytes()})
    _patch_headers(archive, method=99)  # AES, which Python's zipfile cannot read
    with pytest.raises(MalformedFileError, match="compression method 99"):
        codekit.data.install(archive)


def test_a_zip_member_with_a_very_long_name_installs(data_dir: Path, tmp_path: Path) -> None:
    long_name = "HCPC2030_JAN_ANWEB_" + "x" * 300 + ".txt"
    archive = _zip(tmp_path / "hcpcs.zip", {f"dir/{long_name}": JAN.read_bytes()})
    installed = codekit.data.install(archive)
    assert {p.kind for p in installed} == {"hcpcs", "modifier"}


def test_a_zip_bomb_is_refused_before_extraction(data_dir: Path, tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "hcpcs.zip", {JAN.name: b"\0" * (64 << 20)})
    assert bomb.stat().st_size < (1 << 20)
    with pytest.raises(MalformedFileError, match="zip bomb"):
        codekit.data.install(bomb)


def test_a_zip_beyond_the_size_cap_is_refused(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_archive, "MAX_TOTAL", JAN.stat().st_size - 1)
    archive = _zip(tmp_path / "hcpcs.zip", {JAN.name: JAN.read_bytes()})
    with pytest.raises(MalformedFileError, match="would extract to"):
        codekit.data.install(archive)


# -- removal, paths and URLs -------------------------------------------------------------


def test_two_concurrent_removes_one_wins_the_other_is_told(data_dir: Path) -> None:
    codekit.data.install(JAN)
    errors: list[BaseException] = []

    def remove() -> None:
        try:
            codekit.data.remove("hcpcs", "2030-JAN")
        except BaseException as exc:
            errors.append(exc)

    with (data_dir / ".lock").open("a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # both removers queue behind this
        threads = [threading.Thread(target=remove) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        for thread in threads:
            thread.join(30)
    assert len(errors) == 1
    assert isinstance(errors[0], DataError)
    assert "no pack hcpcs 2030-JAN is installed" in str(errors[0])
    assert [p.kind for p in codekit.data.list()] == ["modifier"]


def test_list_kind_never_becomes_a_path(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codekit.data.install(JAN)
    outside = data_dir.parent / "outside"
    (outside / "2030-JAN").mkdir(parents=True)
    manifest = (data_dir / "hcpcs" / "2030-JAN" / "manifest.json").read_text()
    (outside / "2030-JAN" / "manifest.json").write_text(manifest)
    with pytest.raises(SystemExit) as exit_info:
        main(["data", "list", "--kind", "../outside"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is not a pack kind" in err
    assert "Traceback" not in err
    with pytest.raises(DataError, match="must be lower-case letters"):
        codekit.data.list("../outside")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/files/HCPC2030_JAN_ANWEB%00.zip",
        "http://127.0.0.1:9/files/%2E%2E",
        "http://127.0.0.1:9/files/a%2Fb%2F..%2F..%2Fetc",
    ],
)
def test_urls_that_decode_to_no_file_name_are_refused(data_dir: Path, url: str) -> None:
    with pytest.raises(DownloadError, match="is not a file name"):
        codekit.data.install(url)
    assert main(["data", "install", url]) == 3


# -- another process installs or removes ---------------------------------------------------

_OTHER = textwrap.dedent(
    """
    import sys
    import codekit.data
    if sys.argv[1] == "install":
        codekit.data.install(sys.argv[2])
    else:
        codekit.data.remove("hcpcs", "2030-JAN")
        codekit.data.remove("modifier", "2030-JAN")
    """
)


def _other_process(data_dir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", _OTHER, *args],
        env={**os.environ, "CODEKIT_DATA_DIR": str(data_dir)},
        check=True,
        timeout=120,
    )


SYNTHETIC = "Synthetic dressing item, per each"  # A9999 in the synthetic 2030 file


def _a9999() -> str | None:
    """A9999's description in the synthetic 2030-JAN release, ``None`` while it is not installed.

    (A9999 is also a packaged HCPCS code, so the release is named.)
    """
    try:
        return codekit.describe("A9999", code_set="hcpcs", release="2030-JAN")
    except (UnknownReleaseError, UnknownCodeError):
        return None


def test_refresh_sees_what_another_process_installed_and_removed(data_dir: Path) -> None:
    assert _a9999() is None
    _other_process(data_dir, "install", str(JAN))
    codekit.refresh()
    assert _a9999() == SYNTHETIC
    _other_process(data_dir, "remove")
    codekit.refresh()
    assert _a9999() is None


def test_changes_by_another_process_are_noticed_without_refresh(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generation, "INTERVAL", 0.0)  # look at the stamp on every call
    assert _a9999() is None
    _other_process(data_dir, "install", str(JAN))
    assert _a9999() == SYNTHETIC
    _other_process(data_dir, "remove")
    # no "lost its codes.sqlite": the registry was rebuilt from what is installed now
    assert _a9999() is None


def test_noticing_costs_a_stat_at_most_every_interval(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = generation.stamp

    def counting() -> tuple[object, ...]:
        calls.append(1)
        return real()

    monkeypatch.setattr(generation, "INTERVAL", 3600.0)
    monkeypatch.setattr(generation, "stamp", counting)
    codekit.refresh()
    codekit.get("E11.9")
    built = len(calls)
    for _ in range(1000):
        codekit.get("E11.9")
    assert len(calls) == built
    codekit.data.install(JAN)  # this process's own change is seen at once
    assert _a9999() == SYNTHETIC


def test_only_codekit_errors_escape_installs_of_hostile_files(
    data_dir: Path, tmp_path: Path
) -> None:
    hostile = {
        "HCPC2030_JAN_ANWEB.txt": b"\xff\xfe\x00\x1b" * 100,
        "icd10pcs_codes_2031.txt": b"0016070 x\r\n\x00\x00",
        "2018_I9gem.txt": b"0010  A000    00000\r\n0010 A000\r\n",
        "icd10cm_order_2031.txt": b"00001 A00     0 " + b"Cholera\x1b[2J".ljust(60) + b" x\r\n",
        "MCR_MUE_PractitionerServices_Eff_01-01-2030.csv": b"HCPCS,x,y\r\nJ1100,-1,1\r\n",
    }
    for name, data in hostile.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CodekitError):
            codekit.data.install(path)
    assert codekit.data.list() == []


_ANYTHING = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=20),
    st.text(max_size=40).filter(lambda t: not t.lower().startswith(("http:", "https:"))),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=8)), max_size=3),
)


@settings(max_examples=60, deadline=None)
@given(value=_ANYTHING, other=_ANYTHING)
def test_the_data_pack_api_raises_only_codekit_errors(
    value: object, other: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("anything")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(folder))
        patch.setenv("CODEKIT_CMS_BASE_URL", "http://127.0.0.1:9")  # never the network
        anything: Any = value
        more: Any = other
        calls: list[Callable[[], object]] = [
            lambda: codekit.data.install(anything),
            lambda: codekit.data.list(anything),
            lambda: codekit.data.remove(anything, more),
            lambda: codekit.data.fetch(anything, more, progress=False),
        ]
        for call in calls:
            with contextlib.suppress(CodekitError):
                call()
    assert not any(p.is_file() for p in folder.rglob("*") if p.name != ".lock")


def test_a_pack_removed_between_two_looks_fails_once_then_is_seen_gone(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generation, "INTERVAL", 3600.0)  # the stamp is not looked at again
    codekit.data.install(JAN)
    assert [r.release for r in codekit.data_releases("hcpcs")][-1] == "2030-JAN"  # listed,
    _other_process(data_dir, "remove")  # ... and removed before its data was ever opened
    with pytest.raises(DataError, match="removed by another process"):
        codekit.describe("A9999", code_set="hcpcs", release="2030-JAN")
    assert _a9999() is None


def test_an_install_in_this_process_is_seen_at_once_by_every_path(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hot paths (the remembered newest answers, the title index, ``recent()``) see this
    process's own install and removal on the next call, however recently they last looked."""
    from codekit import _registry, _titles

    monkeypatch.setattr(_registry, "RECHECK", 3600.0)  # recent() would not look again
    monkeypatch.setattr(generation, "INTERVAL", 3600.0)  # nor would current() stat the stamp
    monkeypatch.setattr(_titles, "PROMOTE_AFTER", 1)  # the first plain answer builds the index
    codekit.refresh()
    packaged = codekit.lookup("A9999", code_set="hcpcs")
    assert packaged.release != "2030-JAN"
    before = packaged.description
    assert before
    assert before != SYNTHETIC
    for _ in range(3):  # remembered by every path that remembers
        assert codekit.describe("A9999", code_set="hcpcs") == before
        assert codekit.get("A9999", code_set="hcpcs") == packaged
    seen = _registry.recent()

    codekit.data.install(JAN)
    assert _registry.recent() is not seen
    assert "2030-JAN" in {r.info.release for r in _registry.recent().releases("hcpcs")}
    assert codekit.lookup("A9999", code_set="hcpcs").release == "2030-JAN"
    assert codekit.get("A9999", code_set="hcpcs").description == SYNTHETIC  # type: ignore[union-attr]
    assert codekit.describe("A9999", code_set="hcpcs") == SYNTHETIC

    codekit.data.remove("hcpcs", "2030-JAN")
    assert codekit.describe("A9999", code_set="hcpcs") == before
    assert codekit.lookup("A9999", code_set="hcpcs") == packaged
