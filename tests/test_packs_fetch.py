"""``codekit data fetch`` against a local HTTP server serving official-layout files."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

import codekit
import codekit.data
from codekit._cli.main import main
from codekit._read import download as fetch_module
from codekit.exceptions import (
    ChecksumError,
    DataError,
    DownloadError,
    LicenseNotAcceptedError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


def _hcpcs_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "HCPC2030_JAN_ANWEB.txt", "HCPC2030_JAN_ANWEB.txt")
        archive.write(FIXTURES / "proc_notes_JAN2030.txt", "proc_notes_JAN2030.txt")
        archive.writestr("HCPC2030_recordlayout.txt", "CMS RIF REPORT\r\n")
        # Padding so the download takes many blocks (progress, cut-offs mid-file).
        archive.writestr("zz-padding.bin", bytes(range(256)) * 2048, zipfile.ZIP_STORED)
    return buffer.getvalue()


ZIP = _hcpcs_zip()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``files``; ``cut`` names files whose body stops half-way ``cut[name]`` times."""

    files: ClassVar[dict[str, bytes]] = {}
    cut: ClassVar[dict[str, int]] = {}
    fail: ClassVar[dict[str, int]] = {}
    requests: ClassVar[list[tuple[str, str | None]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        self.requests.append((name, self.headers.get("Range")))
        if self.fail.get(name, 0) > 0:
            self.fail[name] -= 1
            self.send_error(503, "busy")
            return
        body = self.files.get(name)
        if body is None:
            self.send_error(404)
            return
        start = 0
        ranged = self.headers.get("Range")
        if ranged and ranged.startswith("bytes="):
            start = int(ranged[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        part = body[start:]
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if self.cut.get(name, 0) > 0:
            self.cut[name] -= 1
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(part)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Handler]]:
    _Handler.files = {}
    _Handler.cut = {}
    _Handler.fail = {}
    _Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CODEKIT_CMS_BASE_URL", f"http://127.0.0.1:{httpd.server_port}/files/zip")
    monkeypatch.setattr("codekit._read.download.time.sleep", lambda _: None)  # no back-off
    try:
        yield _Handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _nothing_installed(data_dir: Path) -> bool:
    return codekit.data.list() == [] and not [
        p for p in data_dir.rglob("*") if p.is_file() and p.name != ".lock"
    ]


def test_fetch_downloads_installs_and_records_the_sha256(
    data_dir: Path, server: type[_Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    server.files["january-2030-alpha-numeric-hcpcs-file.zip"] = ZIP
    installed = codekit.data.fetch("hcpcs", "2030-JAN", progress=True)
    assert [(p.kind, p.release) for p in installed] == [
        ("hcpcs", "2030-JAN"),
        ("modifier", "2030-JAN"),
    ]
    download = installed[0].manifest["download"]
    assert download["sha256"] == hashlib.sha256(ZIP).hexdigest()
    assert download["url"].endswith("/files/zip/january-2030-alpha-numeric-hcpcs-file.zip")
    err = capsys.readouterr().err
    assert "january-2030-alpha-numeric-hcpcs-file.zip [" in err
    assert "100%" in err
    assert codekit.describe("J9999", code_set="hcpcs").startswith("Injection, synthetic drug")
    assert codekit.lookup("ZZ", code_set="modifier").release == "2030-JAN"


def test_fetch_tries_the_plural_file_name_cms_used_some_quarters(
    data_dir: Path, server: type[_Handler]
) -> None:
    server.files["april-2030-alpha-numeric-hcpcs-files.zip"] = _zip_of("HCPC2030_APR_ANWEB.txt")
    installed = codekit.data.fetch("hcpcs", "2030-APR", progress=False)
    assert {p.release for p in installed} == {"2030-APR"}
    assert [r for r, _ in server.requests] == [
        "april-2030-alpha-numeric-hcpcs-file.zip",
        "april-2030-alpha-numeric-hcpcs-files.zip",
    ]


def _zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.write(FIXTURES / name, name)
    return buffer.getvalue()


def test_checksum_mismatch_is_refused(data_dir: Path, server: type[_Handler]) -> None:
    server.files["january-2030-alpha-numeric-hcpcs-file.zip"] = ZIP
    with pytest.raises(ChecksumError, match="expected 00"):
        codekit.data.fetch("hcpcs", "2030-JAN", progress=False, sha256="00" * 32)
    assert _nothing_installed(data_dir)
    right = hashlib.sha256(ZIP).hexdigest()
    assert codekit.data.fetch("hcpcs", "2030-JAN", progress=False, sha256=right)


def test_server_error_mid_download_leaves_nothing_half_installed(
    data_dir: Path, server: type[_Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    name = "january-2030-alpha-numeric-hcpcs-file.zip"
    server.files[name] = ZIP
    server.cut[name] = 10  # every try stops half-way
    with pytest.raises(DownloadError, match="download failed after 4 tries"):
        codekit.data.fetch("hcpcs", "2030-JAN", progress=False)
    assert _nothing_installed(data_dir)
    code = main(["data", "fetch", "hcpcs", "--release", "2030-JAN", "--no-progress"])
    assert code == 3
    assert "download failed" in capsys.readouterr().err
    assert _nothing_installed(data_dir)


def test_a_cut_off_download_resumes_with_a_range_request(
    data_dir: Path, server: type[_Handler]
) -> None:
    name = "january-2030-alpha-numeric-hcpcs-file.zip"
    server.files[name] = ZIP
    server.cut[name] = 1
    server.fail[name] = 1  # and a 503 before that
    installed = codekit.data.fetch("hcpcs", "2030-JAN", progress=False)
    assert installed[0].manifest["download"]["sha256"] == hashlib.sha256(ZIP).hexdigest()
    ranges = [r for n, r in server.requests if n == name]
    assert ranges[0] is None
    assert ranges[-1] == f"bytes={len(ZIP) // 2}-"


def test_unknown_release_and_kind(data_dir: Path, server: type[_Handler]) -> None:
    with pytest.raises(DownloadError, match="no HCPCS Level II"):
        codekit.data.fetch("hcpcs", "2031-JUL", progress=False)
    with pytest.raises(DataError, match="not like 2026-JAN"):
        codekit.data.fetch("hcpcs", "July 2031", progress=False)
    with pytest.raises(DataError, match="known kinds"):
        codekit.data.fetch("snomed", "2031", progress=False)
    assert _nothing_installed(data_dir)


def test_ncci_kinds_need_the_ama_licence(
    data_dir: Path, server: type[_Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LicenseNotAcceptedError, match="CPT codes"):
        codekit.data.fetch("ncci_mue", "2030Q1", progress=False)
    assert main(["data", "fetch", "ncci_ptp", "--release", "2030Q1"]) == 2
    assert "--accept-ama-license" in capsys.readouterr().err
    assert server.requests == []  # nothing was even requested
    with pytest.raises(DataError, match="version number"):
        codekit.data.fetch("ncci_ptp", "2030Q1", accept_ama_license=True, progress=False)
    with pytest.raises(LicenseNotAcceptedError):
        codekit.data.fetch("ncci", "2030Q1", progress=False)
    with pytest.raises(DownloadError):
        codekit.data.fetch("ncci_mue", "2030Q1", accept_ama_license=True, progress=False)
    assert server.requests == [("medicare-ncci-2030-q1-practitioner-services-mue-table.zip", None)]
    # "ncci" fetches every table of the quarter; with none published it says what to do.
    with pytest.raises(DownloadError, match="no NCCI file of 2030Q1"):
        codekit.data.fetch("ncci", "2030Q1", accept_ama_license=True, progress=False)
    asked = [name for name, _ in server.requests]
    assert "medicare-ncci-2030q1-practitioner-ptp-edits-ccipra-v360r0-f1.zip" in asked


def test_icd10_fetch_uses_the_fiscal_year_file_names(
    data_dir: Path, server: type[_Handler]
) -> None:
    server.files["2031-code-descriptions-tabular-order.zip"] = _zip_of("icd10cm_order_2031.txt")
    server.files["2031-icd-10-pcs-codes-file.zip"] = _zip_of("icd10pcs_codes_2031.txt")
    (cm,) = codekit.data.fetch("icd10cm", "FY2031", progress=False)
    (pcs,) = codekit.data.fetch("icd10pcs", "2031", progress=False)
    assert (cm.kind, cm.release, str(cm.effective)) == ("icd10cm", "FY2031", "2030-10-01")
    assert (pcs.kind, pcs.release, str(pcs.until)) == ("icd10pcs", "FY2031", "2031-09-30")
    assert codekit.describe("X2C0361", code_set="icd10pcs", as_of="2031-01-01") == (
        "Synthetic new technology title"
    )


def test_install_accepts_urls(data_dir: Path, server: type[_Handler]) -> None:
    server.files["anything.zip"] = ZIP
    base = fetch_module.base_url()
    installed = codekit.data.install(f"{base}/anything.zip")
    assert installed[0].manifest["downloads"] == [
        {"url": f"{base}/anything.zip", "sha256": hashlib.sha256(ZIP).hexdigest(), "size": len(ZIP)}
    ]
