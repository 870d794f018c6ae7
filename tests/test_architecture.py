"""The package's import graph has no cycles (issue 12: lower layers never import upward).

Read from the source with :mod:`ast`, not by importing: every ``import`` and ``from ...
import`` counts, function-local ones too, except those inside ``if TYPE_CHECKING:`` (they
never run). ``from codekit import _x`` is an import of ``codekit._x``, not of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import codekit

ROOT = Path(codekit.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports anywhere but in ``if TYPE_CHECKING:``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in modules else module)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(frozenset(component))
    return components


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_the_checker_finds_a_cycle_it_is_shown() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]


def test_the_graph_counts_function_local_imports_and_skips_type_checking() -> None:
    graph = _graph()
    # codekit._registry imports the plugin manager inside current() (function-local)
    assert "codekit._plugin.manager" in graph["codekit._registry"]
    # ... and CodeSetSpec only for annotations: not an edge
    assert "codekit.plugins" not in graph["codekit._registry"]
    # `from codekit import _registry` is an import of the module, not of the package
    assert "codekit._registry" in graph["codekit._lookup"]
    assert "codekit" not in graph["codekit._lookup"]


def test_no_import_cycles_among_the_package_modules() -> None:
    cycles = [sorted(c) for c in _cycles(_graph())]
    assert cycles == [], f"import cycles: {cycles}"


def _registers(path: Path) -> bool:
    """Whether a module defines a ``codekit_register`` hook at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef)
        and node.name == "codekit_register"
        and any("hookimpl" in ast.unparse(d) for d in node.decorator_list)
        for node in tree.body
    )


def test_default_plugins_are_every_builtin_hook_module() -> None:
    """``DEFAULT_PLUGINS`` is kept by hand (so the registry build reads no directory and no
    entry-point metadata); this check derives the list from the source instead, so a built-in
    module that registers and is missing from it, or a stale name in it, fails here."""
    from codekit._plugin.manager import DEFAULT_PLUGINS

    hooked = {name for name, path in _modules().items() if _registers(path)}
    assert set(DEFAULT_PLUGINS) == hooked
    assert len(DEFAULT_PLUGINS) == len(set(DEFAULT_PLUGINS))
