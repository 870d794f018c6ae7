"""Shared fixtures: the CMS corpus, an isolated data directory, Hypothesis profiles."""

from __future__ import annotations

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
