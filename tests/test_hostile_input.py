"""Every public function takes any input: only ``CodekitError`` subclasses escape (issue 11).

The suite calls everything in ``codekit.__all__``, ``codekit.data``, ``codekit.quota`` (and
the public methods of its values), the value constructors, and the command line
(``codekit._cli.main.run`` with arbitrary argv) with arbitrary text, types (None, ints,
floats, lists, dicts, bytes, huge ints, NaN, dates) and sizes. The rule it checks is the
team's contract (docs: "Every public function takes any input without crashing"):

* a function returns, or raises a :class:`~codekit.exceptions.CodekitError` subclass;
* the command line exits with an int status; a non-zero status comes with a message on
  stderr, and no traceback is ever printed.

It runs offline and writes nowhere but temporary folders: ``CODEKIT_DATA_DIR``,
``CODEKIT_CACHE_DIR`` and the working directory are temporary, every socket connection and
name lookup fails at once (so the fetchers meet an offline machine), and paths come from a
small set of local files or are made relative to the temporary working directory.

Every case is strict: a new escape fails the suite (fix its cause; do not mark it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import io
import math
import os
import socket
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codekit
import codekit.data
import codekit.quota
from codekit import _registry
from codekit.exceptions import CodekitError, CodekitWarning
from codekit.models import DataRelease
from codekit.plugins import CodeRecord, CodeSetSpec, Registrar, hookimpl
from codekit.testing import isolated_registry

#: Few examples per function (there are about 70 of them), the same ones on every run (the
#: suite must not fail at random on a case nobody has seen). To explore, set
#: ``CODEKIT_HOSTILE_EXPLORE=1`` (new random examples) and ``CODEKIT_HOSTILE_EXAMPLES=500``.
HOSTILE = settings(
    max_examples=int(os.environ.get("CODEKIT_HOSTILE_EXAMPLES", "25")),
    derandomize=not os.environ.get("CODEKIT_HOSTILE_EXPLORE"),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# -- values ------------------------------------------------------------------------------------

#: Texts that mean something somewhere in codekit, or that broke it once (issue 11).
CURATED = [
    "", " ", "\t\n", "E11.9", "e119", "E1122", "E11.", "E11", "J1100", "G0008", "A4253",
    "99213", "0627T", "G2211", "25", "11", "59", "250.00", "ZZZZZ", "QQ", "I10", "0DT",
    "0DTJ4ZZ", "D0120", "U07.1", ".", "..", "../outside", "%00", "%2E%2E", "a%00b", "\x00",
    "\x1b[31mred\x1b[0m", "\ud800", "2021-09-30 garbage", "2021-09-30", "20301399",
    "2024-02-30", "2024-13-01", "0000-00-00", "FY2026", "2026", "2019-JAN", "icd10cm",
    "hcpcs", "icd10pcs", "modifier", "pos", "cpt", "icd9cm", "icd9pcs", "icd9cm>icd10cm",
    "icd10cm>icd9cm", "gem", "hcc", "ccsr", "drg", "ncci", "ptp", "mue", "aoc", "V28", "V24",
    "practitioner", "outpatient_hospital", "dme", "medicare", "medicaid", "guest", "paid",
    "default", "day", "month", "lifetime", "rolling:24", "memory://", "redis://127.0.0.1:1",
    "sqlite://", "bogus://x", "https://www.cms.gov/files/zip/x.zip", "http://127.0.0.1:1/x",
    "NaN", "nan", "None", "null", "-1", "0", "1e309", "\U0001f600", "\uff25\uff11\uff11",
    "E" * 300, "9" * 30,
]  # fmt: skip

TEXT = st.one_of(st.text(max_size=30), st.sampled_from(CURATED), st.just("x" * 5000))
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**30, -(10**30), 2**63, 2**64 + 1, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0]),
    st.binary(max_size=12),
    st.dates(),
    st.datetimes(),
    TEXT,
)
VALUE = st.one_of(
    SCALAR,
    st.lists(SCALAR, max_size=4),
    st.lists(SCALAR, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(["code", "lines"])), SCALAR,
                    max_size=3),
    st.just(object()),
)  # fmt: skip

_CLAIM_KEYS = [
    "claim_id", "beneficiary_id", "provider_id", "setting", "program", "lines", "line_id",
    "code", "modifiers", "units", "date_of_service", "place_of_service", "diagnoses",
]  # fmt: skip
LINE = st.dictionaries(st.sampled_from(_CLAIM_KEYS), VALUE, max_size=6)
CLAIM = st.one_of(
    VALUE,
    st.fixed_dictionaries(
        {"claim_id": VALUE, "lines": st.one_of(VALUE, st.lists(LINE, max_size=3))},
        optional=dict.fromkeys(("setting", "program", "beneficiary_id"), VALUE),
    ),
)


@st.composite
def frames(draw: st.DrawFn) -> Any:
    """Small data frames with claim columns (and others) holding any values."""
    import pandas as pd

    rows = draw(st.integers(0, 4))
    columns = draw(st.lists(st.one_of(st.sampled_from(_CLAIM_KEYS), st.text(max_size=4)),
                            max_size=7, unique=True))  # fmt: skip
    kinds = st.one_of(
        st.lists(SCALAR, min_size=rows, max_size=rows),
        st.just([pd.NaT] * rows),
        st.just([math.nan] * rows),
    )
    data = {name: draw(kinds) for name in columns}
    return pd.DataFrame(data, index=range(rows)) if columns else pd.DataFrame(index=range(rows))


FRAME = st.one_of(frames(), VALUE, st.lists(CLAIM, max_size=2))


def _safe_text(text: str) -> str:
    """``text`` made a plain relative name (paths are written or read only in the temporary
    working directory)."""
    return "".join("_" if c in "/\\~:" or c == "\x00" else c for c in text)[:100] or "_"


# -- local files for the functions and commands that read paths --------------------------------


def _make_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty.txt": b"",
        "garbage.bin": bytes(range(256)) * 4,
        "latin1.csv": "claim_id,line_id,code,units,date_of_service\nC1,1,99213,\xff,2024-01-01\n"
        .encode("latin-1"),
        "claims.csv": b"claim_id,line_id,code,modifiers,units,date_of_service\n"
        b"C1,1,99213,,1,2024-01-01\nC1,2,ZZZZZ,QQ,99999999999999999999999,2021-09-30 garbage\n",
        "claims.json": b'[{"claim_id": "C1", "lines": [{"line_id": "1", "code": null}]}]',
        "HCPC2030_JAN_ANWEB.txt": b"J1100 truncated",
        "MCR_MUE_PractitionerServices_Eff_01-01-2024.csv": b"notice\n\xff\xfe\x00",
        "icd10cm_order_2031.txt": b"00001 A00     0 Cholera\n",
    }  # fmt: skip
    for name, content in files.items():
        (folder / name).write_bytes(content)
    with zipfile.ZipFile(folder / "nested.zip", "w") as archive:
        archive.writestr("inner/HCPC2030_JAN_ANWEB.txt", b"\x00" * 64)
        archive.writestr("../escape.txt", b"outside")
    (folder / "fake.zip").write_bytes(b"PK\x03\x04 not a zip")
    (folder / "subdir").mkdir(exist_ok=True)
    return [folder / name for name in sorted(os.listdir(folder))]


FIXTURES = Path(__file__).parent / "fixtures" / "packs"
_files: list[Path] = []


def _paths() -> st.SearchStrategy[Any]:
    local = st.sampled_from([*_files, *sorted(FIXTURES.iterdir())])
    return st.one_of(
        local,
        local.map(str),
        TEXT.map(_safe_text),
        st.sampled_from(["https://www.cms.gov/files/zip/x.zip", "http://127.0.0.1:1/x.txt"]),
        VALUE,
        st.lists(local, max_size=3),
    )


# -- the environment: temporary folders, no network -------------------------------------------


def _offline(*args: object, **kwargs: object) -> Any:
    raise OSError("network disabled in the hostile-input tests")


@pytest.fixture(scope="module", autouse=True)
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile")
    _files[:] = _make_files(root / "files")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEKIT_DATA_DIR", str(root / "data"))
        patch.setenv("CODEKIT_CACHE_DIR", str(root / "cache"))
        patch.chdir(root / "files")
        patch.setattr(socket.socket, "connect", _offline)
        patch.setattr(socket.socket, "connect_ex", _offline)
        patch.setattr(socket, "create_connection", _offline)
        patch.setattr(socket, "getaddrinfo", _offline)
        _registry.reset()
        yield root
    _registry.reset()


class TinyCodes:
    """A small plugin code set: search and suggest over it build an index in milliseconds."""

    __name__ = "hostile_tiny_codes"

    @hookimpl
    def codekit_register(self, registrar: Registrar) -> None:
        registrar.add_code_set(CodeSetSpec(name="tinydx", title="Tiny", pattern=r"T[0-9]{2}"))
        registrar.add_release(
            DataRelease(
                code_set="tinydx", release="1", effective=dt.date(2020, 1, 1), origin="plugin"
            ),
            records=[
                CodeRecord(code="T10", description="Type 2 diabetes mellitus"),
                CodeRecord(code="T20", description="Fever, unspecified"),
                CodeRecord(code="T30", description="Chest pain, unspecified"),
            ],
        )


@contextlib.contextmanager
def _tiny() -> Iterator[None]:
    with isolated_registry(TinyCodes(), builtins=False):
        yield


# -- what is called ----------------------------------------------------------------------------


def _call(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Call ``func``; return normally or by a CodekitError (anything else fails the test)."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.suppress(CodekitError),
    ):
        warnings.simplefilter("ignore", CodekitWarning)
        func(*args, **kwargs)


def _parameters(func: Callable[..., Any]) -> list[inspect.Parameter]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature
        return []
    return [
        p
        for p in signature.parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _draw_arguments(
    data: st.DataObject, func: Callable[..., Any], special: dict[str, st.SearchStrategy[Any]]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for p in _parameters(func):
        if p.default is not p.empty and data.draw(st.booleans(), label=f"omit {p.name}"):
            continue
        value = data.draw(special.get(p.name, VALUE), label=p.name)
        if p.kind is p.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[p.name] = value
    return tuple(args), kwargs


#: Strategies for parameters whose name says what they hold (paths, frames, claims); other
#: parameters get any value.
SPECIAL: dict[str, st.SearchStrategy[Any]] = {
    "claim": CLAIM,
    "frame": FRAME,
    "lines": st.one_of(VALUE, st.lists(LINE, max_size=3)),
    "paths_or_urls": st.deferred(_paths),
    "path": st.one_of(TEXT.map(_safe_text), VALUE.filter(lambda v: not isinstance(v, str))),
    "store": st.one_of(
        st.sampled_from(["memory://", "bogus://x", "", "sqlite://", "redis://127.0.0.1:1"]),
        TEXT.map(lambda t: "sqlite://" + _safe_text(t)),
        VALUE.filter(lambda v: not isinstance(v, str)),
    ),
    "url": st.one_of(
        st.sampled_from(["memory://", "redis://127.0.0.1:1", "redis://nowhere.invalid/0"]),
        TEXT.map(_safe_text),
    ),
    "codes": st.one_of(VALUE, st.lists(TEXT, max_size=5), st.lists(SCALAR, max_size=5)),
}


def _public(module: Any) -> list[tuple[str, Any]]:
    return [(f"{module.__name__}.{name}", getattr(module, name)) for name in module.__all__]


def _functions() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for name, obj in _public(codekit) + _public(codekit.data) + _public(codekit.quota):
        if callable(obj) and not getattr(obj, "_is_protocol", False):  # Protocols: no values
            found.append((name, obj))
    seen: set[int] = set()
    unique = []
    for name, obj in found:  # codekit.Client is codekit.quota.Client
        if id(obj) not in seen:
            seen.add(id(obj))
            unique.append((name, obj))
    return sorted(unique)


#: Functions that search or suggest run over the tiny plugin code set (building the index of
#: every packaged code set takes seconds; the code paths are the same).
_OVER_TINY = {"codekit.search", "codekit.suggest"}


FUNCTIONS = [pytest.param(name, f, id=name) for name, f in _functions()]


@pytest.mark.parametrize(("name", "func"), FUNCTIONS)
def test_public_functions_raise_only_codekit_errors(name: str, func: Callable[..., Any]) -> None:
    @HOSTILE
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        args, kwargs = _draw_arguments(data, func, SPECIAL)
        context = _tiny() if name in _OVER_TINY else contextlib.nullcontext()
        with context:
            _call(func, args, kwargs)

    check()


#: Values every parameter is given in turn by the sweep below (the others keep their defaults,
#: or a plain code when they have none).
CANONICAL: list[Any] = [
    None, True, 0, -1, 10**30, math.nan, math.inf, 1.5, "", " ", "x" * 5000, "\x00",
    "../outside", "2021-09-30 garbage", b"E11.9", [], [None], ["E11.9", 7], (), {}, {"a": 1},
    object(), dt.date(1900, 1, 1), dt.datetime(2200, 1, 1),
]  # fmt: skip


def _sweep(name: str, func: Callable[..., Any]) -> None:
    parameters = _parameters(func)
    for target in parameters:
        for value in CANONICAL:
            args: list[Any] = []
            kwargs: dict[str, Any] = {}
            for p in parameters:
                if p is not target and p.default is not p.empty:
                    continue
                given_value = value if p is target else "E11.9"
                if p.kind is p.POSITIONAL_ONLY:
                    args.append(given_value)
                else:
                    kwargs[p.name] = given_value
            context = _tiny() if name in _OVER_TINY else contextlib.nullcontext()
            with context:
                _call(func, tuple(args), kwargs)


@pytest.mark.parametrize(("name", "func"), FUNCTIONS)
def test_each_argument_alone_takes_any_value(name: str, func: Callable[..., Any]) -> None:
    _sweep(name, func)


# -- methods of the values a caller holds ------------------------------------------------------


def _client() -> Any:
    return codekit.quota.Client(codekit.quota.Principal("u1"), store="memory://")


def _sqlite_store() -> Any:
    return codekit.quota.SqliteStore("hostile-quota.sqlite")


def _tiny_results() -> Any:
    with _tiny():
        return codekit.search("fever")


def _tiny_suggestions() -> Any:
    with _tiny():
        return codekit.suggest("Fever. Denies chest pain.")


METHODS: list[tuple[str, Callable[[], Any], str]] = [
    ("Client.charge", _client, "charge"),
    ("Client.page", _client, "page"),
    ("Client.status", _client, "status"),
    ("Client.remaining", _client, "remaining"),
    ("MemoryStore.charge", codekit.quota.MemoryStore, "charge"),
    ("MemoryStore.usage", codekit.quota.MemoryStore, "usage"),
    ("SqliteStore.charge", _sqlite_store, "charge"),
    ("SqliteStore.usage", _sqlite_store, "usage"),
    ("TieredPolicy.allowance", codekit.quota.TieredPolicy, "allowance"),
    ("TieredPolicy.upgrade_message", codekit.quota.TieredPolicy, "upgrade_message"),
    ("Window.parse", lambda: codekit.quota.Window, "parse"),
    ("Window.rolling", lambda: codekit.quota.Window, "rolling"),
    ("Window.start", codekit.quota.Window, "start"),
    ("Window.resets_at", codekit.quota.Window, "resets_at"),
    ("SearchResults.codes", _tiny_results, "codes"),
    ("SearchResults.to_dict", _tiny_results, "to_dict"),
    ("Suggestions.negated_text", _tiny_suggestions, "negated_text"),
]


@pytest.mark.parametrize(
    ("name", "make", "method"),
    [pytest.param(*m, id=m[0]) for m in METHODS],
)
def test_public_methods_raise_only_codekit_errors(
    name: str, make: Callable[[], Any], method: str
) -> None:
    @HOSTILE
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        bound = getattr(make(), method)
        args, kwargs = _draw_arguments(data, bound, SPECIAL)
        try:
            _call(bound, args, kwargs)
        finally:
            closer = getattr(bound.__self__, "close", None)
            if callable(closer) and not isinstance(bound.__self__, type):
                closer()

    check()
    _sweep(name, getattr(make(), method))


# -- the command line --------------------------------------------------------------------------


def _cli_words() -> list[str]:
    import argparse

    from codekit._cli.main import build_parser

    words: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            words.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    words.add(name)
                    walk(sub)

    walk(build_parser())
    return sorted(words - {"-h", "--help", "--version"})


_COMMANDS = ["lookup", "releases", "data", "map", "hcc", "check", "search", "suggest", "page"]
ARG = st.one_of(
    st.sampled_from(_cli_words()),
    TEXT.map(_safe_text),
    st.sampled_from([*CURATED[:60], "-", "--", "-1", "99999999999999999999", "--limit=0"]),
    st.deferred(lambda: st.sampled_from([str(p) for p in _files])),
)
ARGV = st.one_of(
    st.lists(ARG, max_size=6),
    st.tuples(st.sampled_from(_COMMANDS), st.lists(ARG, max_size=6)).map(lambda t: [t[0], *t[1]]),
    st.tuples(
        st.sampled_from(["install", "list", "remove", "verify", "fetch", "dir"]),
        st.lists(ARG, max_size=5),
    ).map(lambda t: ["data", t[0], *t[1]]),
)


@HOSTILE
@given(argv=ARGV, stdin=TEXT)
def test_the_command_line_exits_with_a_status_and_a_message_never_a_traceback(
    argv: list[str], stdin: str
) -> None:
    _run_cli(argv, stdin)


def _commands() -> dict[str, tuple[list[str], list[str]]]:
    """Each command (``data install`` is one) -> (its words, its options)."""
    import argparse

    from codekit._cli.main import build_parser

    found: dict[str, tuple[list[str], list[str]]] = {}

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if words and not subs:
            options = [o for a in parser._actions for o in a.option_strings[-1:]]
            found[" ".join(words)] = (words, sorted(set(options) - {"--help"}))
        for action in subs:
            for name, sub in action.choices.items():
                walk(sub, [*words, name])

    walk(build_parser(), [])
    return found


_CLI_VALUES = ["", "E11.9", "../outside", "%2E%2E", "\x1b[31m", "99999999999999999999", "-1",
               "2021-09-30 garbage", "x" * 5000, "-"]  # fmt: skip


@pytest.mark.parametrize("command", list(_commands()))
def test_each_command_takes_any_argument_and_option(command: str) -> None:
    """Each command with each local file or hostile text as its first argument, then each of
    its options with each hostile value: a status, a message, never a traceback."""
    words, options = _commands()[command]
    for value in [*(str(f) for f in _files), *_CLI_VALUES]:
        _run_cli([*words, value], stdin=value)
    for option in options:
        for value in _CLI_VALUES:
            _run_cli([*words, "E11.9", option, value], stdin="")


def _run_cli(argv: list[str], stdin: str) -> None:
    from codekit._cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        warnings.catch_warnings(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        warnings.simplefilter("ignore", CodekitWarning)
        patch.setattr(sys, "argv", ["codekit", *argv])
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        context = _tiny() if argv[:1] in (["search"], ["suggest"]) else contextlib.nullcontext()
        with context, pytest.raises(SystemExit) as exited:
            run()
    status = exited.value.code
    assert isinstance(status, int), (argv, status)
    assert "Traceback" not in err.getvalue(), argv
    if status != 0:
        assert err.getvalue().strip(), f"{argv}: exit {status} without a message"
