"""Executes docs/notebook.ipynb (a page, a search, a quota refusal) in a real Jupyter kernel."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"


def _outputs(cell: Any) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            texts.append(output["text"])
        for mime, value in output.get("data", {}).items():
            if mime in ("text/plain", "text/html"):
                texts.append(value)
    return "\n".join(texts)


@pytest.mark.slow
def test_notebook_runs_and_shows_page_search_and_refusal(tmp_path: Path) -> None:
    for needed in ("ipykernel", "nbclient", "nbformat"):
        if importlib.util.find_spec(needed) is None:
            pytest.skip(f"{needed} is not installed (it is in the test and docs dependency groups)")
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(o.get("output_type") != "error" for c in cells for o in c.get("outputs", []))
    page_html = _outputs(cells[0])
    assert '<div class="codekit-page">' in page_html
    assert "Type 2 diabetes mellitus without complications" in page_html
    assert "FY2020" in _outputs(cells[1])  # G43.A0 revised in FY2020
    assert "AMA-licensed" in _outputs(cells[2])
    search = _outputs(cells[3])
    assert "E11.9 Type 2 diabetes mellitus without complications" in search or (
        "not available" in search
    )
    refusal = _outputs(cells[4])
    assert "refused: Guest accounts are limited to 1 page view." in refusal
    assert "Register a free account to get 5 more views." in refusal
    assert _outputs(cells[5]).strip() == "5"
