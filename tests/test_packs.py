"""The data-pack store: atomic installs, listing, removal, checksums, faults, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

import codekit
import codekit.data
from codekit import _registry
from codekit._cli.main import main
from codekit._store import packs
from codekit._store.sqlite import Dataset, SqliteRelease
from codekit.exceptions import DataError, DataFileError, UnrecognizedFileError

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
JAN = FIXTURES / "HCPC2030_JAN_ANWEB.txt"
APR = FIXTURES / "HCPC2030_APR_ANWEB.txt"
NOTES = FIXTURES / "proc_notes_JAN2030.txt"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _build_text(text: str) -> Any:
    def build(folder: Path) -> dict[str, Any]:
        (folder / "table.txt").write_text(text)
        return {"rows": 1}

    return build


# -- where packs live ---------------------------------------------------------------------


def test_data_dir_env_var_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(tmp_path / "x"))
    assert packs.data_dir() == tmp_path / "x"
    assert codekit.data.data_dir() == tmp_path / "x"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies to Linux/Unix")
def test_data_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CODEKIT_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert packs.data_dir() == tmp_path / "codekit"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert packs.data_dir() == Path.home() / ".local" / "share" / "codekit"


# -- install / list / remove / verify ------------------------------------------------------


def test_install_records_checksums_and_is_a_noop_the_second_time(data_dir: Path) -> None:
    calls: list[Path] = []

    def build(folder: Path) -> dict[str, Any]:
        calls.append(folder)
        (folder / "table.txt").write_text("one\n")
        return {"rows": 1, "source": "test"}

    pack = packs.install_pack(
        "demo", "R1", effective=dt.date(2030, 1, 1), until=None, build=build, sources=[JAN]
    )
    assert pack.path == data_dir / "demo" / "R1"
    manifest = json.loads((pack.path / "manifest.json").read_text())
    assert manifest["kind"] == "demo"
    assert manifest["release"] == "R1"
    assert manifest["effective"] == "2030-01-01"
    assert manifest["until"] is None
    import hashlib

    assert manifest["sources"] == [
        {
            "name": JAN.name,
            "size": JAN.stat().st_size,
            "sha256": hashlib.sha256(JAN.read_bytes()).hexdigest(),
        }
    ]
    assert manifest["files"]["table.txt"]["sha256"] == hashlib.sha256(b"one\n").hexdigest()
    again = packs.install_pack(
        "demo", "R1", effective=dt.date(2030, 1, 1), until=None, build=build, sources=[]
    )
    assert len(calls) == 1
    assert again.path == pack.path
    forced = packs.install_pack(
        "demo", "R1", effective=dt.date(2030, 1, 1), until=None, build=build, sources=[], force=True
    )
    assert len(calls) == 2
    assert forced.manifest["sources"] == []
    assert [p.release for p in packs.list_packs("demo")] == ["R1"]
    assert not [p for p in (data_dir / "demo").iterdir() if p.name.startswith(".")]


def test_failed_build_leaves_the_installed_release_intact(data_dir: Path) -> None:
    packs.install_pack(
        "demo", "R1", effective=dt.date(2030, 1, 1), until=None,
        build=_build_text("old"), sources=[],
    )  # fmt: skip
    before = _snapshot(data_dir)

    def broken(folder: Path) -> dict[str, Any]:
        (folder / "table.txt").write_text("half")
        raise KeyboardInterrupt  # Ctrl-C in the middle of a build

    with pytest.raises(KeyboardInterrupt):
        packs.install_pack(
            "demo", "R1", effective=dt.date(2030, 1, 1), until=None, build=broken, sources=[],
            force=True,
        )  # fmt: skip
    assert _snapshot(data_dir) == before
    assert not [p for p in (data_dir / "demo").iterdir() if p.name.startswith(".")]


def test_verify_reports_damage_and_remove_deletes(data_dir: Path) -> None:
    pack = packs.install_pack(
        "demo", "R1", effective=dt.date(2030, 1, 1), until=None,
        build=_build_text("ok"), sources=[],
    )  # fmt: skip
    assert codekit.data.verify() == []
    (pack.path / "table.txt").write_text("tampered")
    assert codekit.data.verify() == [
        "demo R1: table.txt does not match its checksum (reinstall it)"
    ]
    (pack.path / "table.txt").unlink()
    assert codekit.data.verify() == ["demo R1: table.txt is missing"]
    codekit.data.remove("demo", "R1")
    assert codekit.data.list() == []
    with pytest.raises(DataError, match="no pack demo R1 is installed"):
        codekit.data.remove("demo", "R1")


def test_pack_names_cannot_escape_the_data_dir(data_dir: Path) -> None:
    for kind, release in (("../x", "R1"), ("demo", "../../etc"), ("demo", "")):
        with pytest.raises(DataError):
            packs.install_pack(
                kind, release, effective=dt.date(2030, 1, 1), until=None,
                build=_build_text("x"), sources=[],
            )  # fmt: skip


def test_a_reader_keeps_reading_while_a_release_is_replaced(data_dir: Path) -> None:
    codekit.data.install(JAN)
    pack = packs.list_packs("hcpcs")[0]
    reader = SqliteRelease(Dataset(lambda: pack.path / "codes.sqlite", "reader"), 0)
    assert reader.find("A9999")[0].description == "Synthetic dressing item, per each"
    codekit.data.install(JAN, force=True)  # replaces the directory while `reader` is open
    assert reader.find("A9999")[0].description == "Synthetic dressing item, per each"
    assert codekit.describe("A9999", code_set="hcpcs") == "Synthetic dressing item, per each"


# -- as_of across releases -----------------------------------------------------------------


def test_releases_coexist_and_as_of_picks_the_one_in_force(data_dir: Path) -> None:
    codekit.data.install([JAN, NOTES])
    codekit.data.install(APR)
    releases = [
        (r.release, r.effective, r.origin)
        for r in codekit.data_releases("hcpcs")
        if r.origin == "pack"  # beside the packaged quarters
    ]
    assert releases == [
        ("2030-JAN", dt.date(2030, 1, 1), "pack"),
        ("2030-APR", dt.date(2030, 4, 1), "pack"),
    ]
    jan = codekit.lookup("A9999", code_set="hcpcs", as_of="2030-02-01")
    apr = codekit.lookup("A9999", code_set="hcpcs", as_of="2030-04-01")
    assert (jan.release, jan.description) == ("2030-JAN", "Synthetic dressing item, per each")
    assert (apr.release, apr.description) == (
        "2030-APR",
        "Synthetic dressing item, revised text, per each",
    )
    # K9999 is terminated on 2030-03-31 (TERM DT) and gone from the April file.
    assert codekit.is_valid("K9999", code_set="hcpcs", as_of="2030-03-31")
    assert not codekit.is_valid("K9999", code_set="hcpcs", as_of="2030-04-01")
    assert codekit.get("Q9999", code_set="hcpcs", as_of="2030-02-01") is None
    assert codekit.is_valid("Q9999", code_set="hcpcs", as_of="2030-04-02")


def test_a_terminated_code_is_invalid_after_its_termination_date(data_dir: Path) -> None:
    codekit.data.install(JAN)  # the only release: in force until superseded
    assert codekit.is_valid("K9999", code_set="hcpcs", as_of="2030-03-31")
    assert not codekit.is_valid("K9999", code_set="hcpcs", as_of="2030-04-01")
    code = codekit.lookup("K9999", code_set="hcpcs")
    assert code.attributes["terminated"] == "2030-03-31"
    assert code.attributes["action_code"] == "D"


# -- faults: killed installs, bad files ----------------------------------------------------

_KILLED_INSTALL = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from codekit._importers import hcpcs
    from codekit._importers._codeset import install_code_set

    flag = Path(sys.argv[1])
    entries = hcpcs.parse_text(Path(sys.argv[2])).entries
    rows = hcpcs.items(entries, modifiers=False, notes={})

    class Slow(list):
        def __iter__(self):
            flag.write_text("writing")
            time.sleep(60)  # SIGKILLed here, half-way through writing the dataset
            return super().__iter__()

    install_code_set("hcpcs", "2030-JAN", effective=dt.date(2030, 1, 1), until=None,
                     items=Slow(rows), sources=[], source="killed", force=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_install_leaves_the_previous_release_answering(
    data_dir: Path, tmp_path: Path
) -> None:
    codekit.data.install(JAN)
    before = _snapshot(data_dir)
    flag = tmp_path / "flag"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_INSTALL, str(flag), str(APR)],
        env={**os.environ, "CODEKIT_DATA_DIR": str(data_dir)},
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None, "the install finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    # The half-written release sits in a hidden temporary directory, ignored by readers.
    leftovers = [p.name for p in (data_dir / "hcpcs").iterdir() if p.name.startswith(".tmp-")]
    assert leftovers
    _registry.reset()
    assert codekit.describe("K9999", code_set="hcpcs") == (
        "Synthetic accessory that CMS terminates at the end of the first quarter"
    )
    assert [p.release for p in codekit.data.list()] == ["2030-JAN", "2030-JAN"]
    assert codekit.data.verify() == []
    # The next install sweeps the remains.
    codekit.data.install(APR)
    assert not [p for p in (data_dir / "hcpcs").iterdir() if p.name.startswith(".")]
    assert {k: v for k, v in before.items() if "2030-JAN" in k} == {
        k: v for k, v in _snapshot(data_dir).items() if "2030-JAN" in k
    }


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "case",
    [
        ("empty.txt", b"", "is empty"),
        ("notes.txt", b"just some text\r\n", "is not an official release file"),
        ("HCPC2030_JAN_ANWEB.zip", "truncated", "is not a readable zip"),
        ("icd10cm_order_2031.txt", b"this is not an order file\r\n", "its lines are not"),
        ("bundle.zip", "readme-only", "holds no official release file"),
    ],
)
def test_bad_files_are_refused_with_exit_code_2_and_nothing_changes(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, bytes | str, str],
) -> None:
    name, content, message = case
    codekit.data.install(JAN)
    before = _snapshot(data_dir)
    path = tmp_path / name
    if content == "truncated":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(APR, APR.name)
        path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    elif content == "readme-only":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("README.txt", "read me\r\n")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    code, _, err = _cli(["data", "install", str(path), str(APR)], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert _snapshot(data_dir) == before
    with pytest.raises(DataFileError):
        codekit.data.install([APR, path])
    assert _snapshot(data_dir) == before


def test_unrecognized_file_is_a_data_file_error(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(UnrecognizedFileError) as caught:
        codekit.data.install(path)
    assert caught.value.path == "notes.csv"
    assert isinstance(caught.value, ValueError)


def test_zip_as_cms_ships_it_installs_its_release_files(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive_path = tmp_path / "january-2030-alpha-numeric-hcpcs-file.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(JAN, JAN.name)
        archive.write(NOTES, NOTES.name)
        archive.writestr("HCPC2030_recordlayout.txt", "CMS RIF REPORT\r\n")
        archive.writestr("HCPCREAD.TXT", "read me\r\n")
    code, out, err = _cli(["data", "install", str(archive_path)], capsys)
    assert code == 0, err
    assert "HCPCS Level II + modifiers (fixed-width text), release 2030-JAN" in err
    assert "HCPCS processing notes, release 2030-JAN" in err
    assert "hcpcs     2030-JAN" in out
    assert "modifier  2030-JAN" in out
    code, out, _ = _cli(["data", "list", "--json"], capsys)
    listed = json.loads(out)
    assert [(p["kind"], p["release"]) for p in listed] == [
        ("hcpcs", "2030-JAN"),
        ("modifier", "2030-JAN"),
    ]
    assert _cli(["data", "verify"], capsys)[0] == 0
    j9999 = codekit.lookup("J9999", code_set="hcpcs")
    assert j9999.attributes["processing_note_text"] == (
        "SYNTHETIC NOTE FOR CODEKIT TESTS: REPORT ONE UNIT PER MILLIGRAM, NEVER A REAL INSTRUCTION."
    )
    code, out, _ = _cli(["data", "remove", "modifier", "2030-JAN"], capsys)
    assert code == 0
    assert [p.kind for p in codekit.data.list()] == ["hcpcs"]
    shutil.rmtree(data_dir / "hcpcs" / "2030-JAN")
    assert codekit.data.list() == []


_READER = textwrap.dedent(
    """
    import sys, time
    import codekit
    from codekit import _registry

    stop = time.monotonic() + float(sys.argv[1])
    reads = errors = 0
    while time.monotonic() < stop:
        _registry.reset()  # list the packs and open the dataset again every time
        try:
            text = codekit.describe("A9999", code_set="hcpcs")
            assert text.startswith("Synthetic dressing item"), text
            reads += 1
        except Exception as exc:
            errors += 1
            print(type(exc).__name__, exc, file=sys.stderr)
    print(reads, errors)
    """
)


@pytest.mark.slow
def test_readers_in_another_process_are_never_disturbed(data_dir: Path) -> None:
    codekit.data.install(JAN)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, "4"],
        env={**os.environ, "CODEKIT_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)
        deadline = time.monotonic() + 3
        installs = 0
        while time.monotonic() < deadline:
            codekit.data.install(JAN, force=True)  # swap the release directory under it
            installs += 1
    finally:
        out, err = reader.communicate(timeout=60)
    reads, errors = (int(n) for n in out.split())
    assert installs > 3
    assert reads > 0
    assert (errors, err) == (0, "")


def test_a_pack_that_lost_its_data_says_what_to_do(data_dir: Path) -> None:
    (pack, _) = codekit.data.install(JAN)
    (pack.path / "codes.sqlite").unlink()
    with pytest.raises(DataError, match="codekit data remove hcpcs 2030-JAN"):
        codekit.lookup("A9999", code_set="hcpcs")
    assert codekit.data.verify() == ["hcpcs 2030-JAN: codes.sqlite is missing"]
