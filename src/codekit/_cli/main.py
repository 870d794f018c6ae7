"""The ``codekit`` command: a thin face over the Python API.

Each sub-command lives in its own module listed in :data:`COMMANDS`; a module provides
``register(subparsers)`` which adds its parser and sets ``handler`` (a function of the parsed
arguments returning the exit code). Exit codes: 0 success, 1 not found / denied,
2 bad input, 3 data or plugin failure. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import warnings
from collections.abc import Iterator, Sequence

from codekit.exceptions import (
    CodekitError,
    CodekitWarning,
    DataError,
    PluginError,
    UnknownCodeError,
    UnknownCodeSetError,
)

__all__ = ["COMMANDS", "main"]

#: Sub-command modules, in the order ``codekit --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "codekit._cli.lookup",
    "codekit._cli.data",
    "codekit._cli.map",
    "codekit._cli.check",
    "codekit._cli.mce",
    "codekit._cli.search",
    "codekit._cli.page",
    "codekit._cli.releases",
    "codekit._cli.ask",
)

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT, EXIT_DATA = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"codekit: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the docs)."""
    from codekit._version import __version__

    parser = _Parser(prog="codekit", description="Medical codes offline: lookup, search, edits.")
    parser.add_argument("--version", action="version", version=f"codekit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in COMMANDS:
        importlib.import_module(module).register(subparsers)
    return parser


def exit_code(error: CodekitError) -> int:
    """The exit code for an error: 1 not found, 2 bad input, 3 data/plugin failure."""
    if isinstance(error, UnknownCodeError):
        return EXIT_NOT_FOUND
    if isinstance(error, UnknownCodeSetError):
        return EXIT_BAD_INPUT
    if isinstance(error, DataError | PluginError):
        return EXIT_DATA
    if isinstance(error, LookupError):
        return EXIT_NOT_FOUND
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns (and, as a script, exits with) the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except CodekitError as error:
        print(f"codekit: {error}", file=sys.stderr)
        code = exit_code(error)
    except KeyboardInterrupt:
        print("codekit: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = 0
    return code


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """codekit's warnings (stale data, a failing plugin) as one ``codekit: warning:`` line
    each on stderr, instead of Python's file-and-line format."""
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *rest: object, **kw: object) -> None:
        if issubclass(category, CodekitWarning):
            text = str(message).removeprefix("codekit: ")
            print(f"codekit: warning: {text}", file=sys.stderr)
        else:
            shown(message, category, *rest, **kw)  # type: ignore[arg-type]

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script entry point (codekit's warnings shown as ``codekit: warning:`` lines)."""
    with _warnings_as_lines():
        code = main()
    sys.exit(code)
