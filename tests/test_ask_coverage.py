"""``codekit.ask`` for a date no installed NCCI table covers.

Truth: the corpus files are CMS's 2026 Q3 practitioner PTP and MUE tables (PTP file
``ccipra-v322r0-f1``, MUE file ``..._Eff_07-01-2026``: in force from 2026-07-01) and the
2026 Q2 AOC workbook (from 2026-04-01). By the one table rule (``codekit._tables.rule``,
rule 5) a date before the oldest table has no table, so the answer must say plainly that
the installed tables do not cover it, which they are, and what to install.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import codekit
from codekit import _registry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ask import CORPUS_FILES  # noqa: E402


@pytest.fixture(scope="module")
def installed(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        codekit.data.install([cms_corpus / name for name in CORPUS_FILES])
        yield
    _registry.reset()


#: question, table, the date asked, the installed table's release and first day, the
#: quarter to install.
CASES = [
    ("0001A and 36591 on 6/1/2022 with modifier XS?", "PTP practitioner", "2022-06-01",
     "2026Q3-practitioner", "2026-07-01", "2022Q2"),
    ("What is the MUE for 97110 on 1/1/2020?", "MUE practitioner", "2020-01-01",
     "2026Q3-practitioner", "2026-07-01", "2020Q1"),
    ("Is 99292 an add-on code on 2020-01-01?", "AOC", "2020-01-01", "2026Q2", "2026-04-01",
     "2020Q1"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_a_date_before_every_installed_table_is_said_plainly(
    installed: None, case: tuple[str, str, str, str, str, str]
) -> None:
    question, table, day, release, effective, quarter = case
    answer = codekit.ask(question)
    assert not answer.answered
    assert f"No installed NCCI {table} table covers {day}" in answer.text
    assert f"{release}, in force from {effective}" in answer.text
    assert f"--release {quarter}" in answer.text


def test_a_date_the_tables_cover_is_answered(installed: None) -> None:
    answer = codekit.ask("What is the MUE for 97110 on 8/3/2026?")
    assert answer.answered
    assert "No installed NCCI" not in answer.text
