"""The NCCI benchmarks run as ``python -m bench`` runs them: with no arguments."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_make_ncci_tables_runs_with_no_arguments(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `python -m bench` calls every benchmark's main() with no arguments; make_ncci_tables
    # required an OUTDIR and failed from a fresh clone
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.setattr(sys, "argv", ["bench", "ncci"])  # the runner's argv is not ours
    from bench import make_ncci_tables

    real = make_ncci_tables.make
    written: list[Path] = []

    def small(folder: Path, **options: Any) -> dict[str, list[Path]]:
        written.append(folder)
        return real(folder, **{**options, "ptp_rows": 2_000})

    monkeypatch.setattr(make_ncci_tables, "make", small)
    make_ncci_tables.main()
    out = capsys.readouterr().out
    assert "ptp: ccipra-v322r0-f1.txt" in out
    assert "(temporary, removed)" in out
    (folder,) = written
    assert not folder.exists()
