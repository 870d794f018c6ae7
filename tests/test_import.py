"""Importing codekit does nothing: no data read, no plugin manager, no entry points."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import codekit
import codekit.data


def _run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_import_is_free() -> None:
    result = _run(
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import codekit\n"
        "new = sorted(set(sys.modules) - before)\n"
        "print(json.dumps({'new': new, 'version': codekit.__version__}))\n"
    )
    new = result["new"]
    assert isinstance(new, list)
    assert [m for m in new if m.startswith("codekit")] == ["codekit"]
    for heavy in ("sqlite3", "pluggy", "importlib.metadata", "pandas", "numpy", "attrs", "cattrs"):
        assert heavy not in new, f"import codekit imported {heavy}"
    assert result["version"]


def test_first_lookup_opens_only_what_it_needs() -> None:
    result = _run(
        "import sys, json\n"
        "import codekit\n"
        "codekit.lookup('E11.9')\n"
        "print(json.dumps({'mods': sorted(sys.modules)}))\n"
    )
    mods = result["mods"]
    assert isinstance(mods, list)
    for heavy in ("pandas", "numpy", "openpyxl", "cattrs", "urllib.request"):
        assert heavy not in mods, f"a lookup imported {heavy}"
    # Page sections and quota policies/stores are deferred sections (Registrar.defer): the
    # registry a lookup builds registers them without importing those capabilities.
    for capability in ("codekit._pages.section", "codekit._quota.policy", "codekit._quota.stores"):
        assert capability not in mods, f"a lookup imported {capability}"


def _type_checking_imports(module: Path) -> dict[str, str]:
    """name -> module of every import inside the ``if TYPE_CHECKING:`` block."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.Import):  # a module for annotations only
                    continue
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                assert statement.module is not None
                for alias in statement.names:
                    found[alias.asname or alias.name] = statement.module
    return found


@pytest.mark.parametrize("package", [codekit, codekit.data], ids=lambda p: p.__name__)
def test_one_list_of_public_names(package: types.ModuleType) -> None:
    """``__all__`` is ``_LAZY``'s names; type checkers see the same objects from the same
    modules; and every name resolves to the object its module defines."""
    lazy: dict[str, Any] = package._LAZY
    targets = {
        name: (target if isinstance(target, str) else target[0]) for name, target in lazy.items()
    }
    assert set(package.__all__) - {"__version__"} == set(lazy)
    assert package.__file__ is not None
    assert _type_checking_imports(Path(package.__file__)) == targets
    renamed = {name: t[1] for name, t in lazy.items() if not isinstance(t, str)}
    for name, module in targets.items():
        value = getattr(package, name)
        assert value is getattr(importlib.import_module(module), renamed.get(name, name))
