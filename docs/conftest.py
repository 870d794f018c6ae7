"""Lets the docs session (``pytest docs``) execute the example notebooks too."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".ipynb":
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class NotebookFile(pytest.File):
    def collect(self) -> Any:
        yield NotebookItem.from_parent(self, name="execute")


class NotebookItem(pytest.Item):
    """Runs every cell in a fresh kernel; a cell that raises fails the item."""

    def runtest(self) -> None:
        for needed in ("ipykernel", "nbclient", "nbformat"):
            if importlib.util.find_spec(needed) is None:
                pytest.skip(f"{needed} is not installed (it is in the docs dependency group)")
        import nbformat
        from nbclient import NotebookClient

        notebook = nbformat.read(self.path, as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3").execute()

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"notebook {self.path.name}"
