"""Importers and fetch sources are declared next to their code and found without a list.

Truths: the corpus folders (one per kind, described by each folder's SOURCE.md), the source
tree itself (which files are named ``importer.py``/``importers.py``), and the import
statements of the modules (read with ``ast``, not by importing them).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import codekit
from codekit._importers import _discover

SRC = Path(codekit.__file__).parent

#: The official release files of the corpus, by folder, and the pack kind each one is
#: (SOURCE.md of each folder says what the files are).
CORPUS_KINDS = {
    "aoc/AOC_V2026Q2-MCR.xlsx": "ncci_aoc",
    "gems/2018_I10gem.txt": "gem",
    "gems/2018_I9gem.txt": "gem",
    "hcpcs/HCPC2019_CONTR_ANWEB.txt": "hcpcs",
    "hcpcs/HCPC2019_CONTR_ANWEB.xlsx": "hcpcs",
    "hcpcs/HCPC2026_JAN_ANWEB_01122026.excerpt.txt": "hcpcs",
    "hcpcs/HCPC2026_OCT_ANWEB.excerpt.csv": "hcpcs",
    "hcpcs/proc_notes_2019.txt": "hcpcs",
    "icd10cm/icd10cm-codes-addenda-2025.excerpt.txt": "icd10cm_addenda",
    "icd10cm/icd10cm_order_2026.excerpt.txt": "icd10cm",
    "icd10pcs/icd10pcs_codes_2025.excerpt.txt": "icd10pcs",
    "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv": "ncci_mue",
    "ptp/ccipra-v322r0-f1.excerpt.txt": "ncci_ptp",
}
#: Files of CMS's zips that are not release data (read-me, record layout, change reports).
CORPUS_OTHERS = (
    "hcpcs/HCPC2019_README.txt",
    "hcpcs/HCPCS2019_recordlayout.txt",
    "hcpcs/HCPC2019_Trans_Alpha.xlsx",
    "hcpcs/Changes_by_ActionCode.prn",
    "hcpcs/Changes_by_HCPCSCode.prn",
)


def test_every_module_named_importer_is_found() -> None:
    on_disk = sorted(
        "codekit." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for name in _discover.MODULE_NAMES
        for p in SRC.rglob(f"{name}.py")
    )
    assert list(_discover.importer_modules()) == on_disk
    assert len(on_disk) >= 5  # HCPCS, ICD-10-CM, ICD-10-PCS, NCCI, GEMs


def test_importer_names_and_fetch_kinds_are_declared_once() -> None:
    from codekit._importers._discover import _modules

    names = [importer.name for importer in _discover.importers()]
    assert len(names) == len(set(names))
    kinds = [
        kind
        for module in _modules()
        for source in getattr(module, "FETCH_SOURCES", ())
        for kind in (source.kind, *source.aliases)
    ]
    assert len(kinds) == len(set(kinds))
    # what docs/data-packs.md documents for ``codekit data fetch``
    assert {"hcpcs", "modifier", "icd10cm", "icd10pcs", "ncci", "ncci_mue"} <= set(kinds)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_KINDS))
def test_each_official_corpus_file_is_claimed_by_exactly_one_importer(
    cms_corpus: Path, name: str
) -> None:
    """So the order importers are tried in never decides what a file is."""
    path = cms_corpus / name
    claims = [found for imp in _discover.importers() if (found := imp.detect(path)) is not None]
    assert [found.kind for found in claims] == [CORPUS_KINDS[name]]


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_OTHERS)
def test_other_files_of_cms_zips_are_claimed_by_none(cms_corpus: Path, name: str) -> None:
    path = cms_corpus / name
    assert [imp.name for imp in _discover.importers() if imp.detect(path) is not None] == []


def _imports(path: Path) -> set[str]:
    """Every codekit module a file imports, at any depth (``if TYPE_CHECKING:`` aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("codekit.")}


def test_the_reading_layer_imports_only_itself_and_the_exceptions() -> None:
    for path in sorted((SRC / "_read").glob("*.py")):
        outside = {
            name
            for name in _imports(path)
            if not name.startswith(("codekit._read", "codekit.exceptions"))
        }
        assert outside == set(), path.name


def test_the_install_and_fetch_machinery_imports_no_capability() -> None:
    """Lower layers never import capabilities: the central importer modules find the
    capabilities' importers by name, so they never import ``_edits.ncci`` or ``_crosswalk``."""
    central = list((SRC / "_importers").glob("*.py"))
    assert {p.name for p in central} >= {"__init__.py", "_discover.py", "api.py"}  # api: fetch too
    for path in central:
        upward = {
            name
            for name in _imports(path)
            if name.startswith(("codekit._edits.ncci", "codekit._crosswalk"))
        }
        assert upward == set(), path.name
