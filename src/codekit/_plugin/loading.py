"""Running foreign plugin code safely: what an entry point names, and containing its exits.

Plugin code may raise anything, ``SystemExit`` included (a ``sys.exit()`` in a plugin's
module, hook or data factory). :func:`contained` turns such an exit into an ordinary
exception so the callers that contain plugin failures see it, and the host process keeps
running. ``KeyboardInterrupt`` is the user's and is never held back.
"""

from __future__ import annotations

import contextlib
import inspect
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "PluginExit",
    "blamed",
    "contained",
    "describe_failure",
    "hooked_classes",
    "plugin_object",
]

#: The attribute pluggy's ``HookimplMarker("codekit")`` sets on a hook implementation.
_MARK = "codekit_impl"


class PluginExit(Exception):
    """Plugin code called ``sys.exit()`` (or raised ``SystemExit``)."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(f"plugin code called sys.exit({code!r}); codekit kept running")


@contextlib.contextmanager
def contained() -> Iterator[None]:
    """Run plugin code; a ``SystemExit`` it raises becomes :class:`PluginExit`."""
    try:
        yield
    except SystemExit as exc:
        raise PluginExit(exc.code) from exc


@contextlib.contextmanager
def blamed(
    plugin: str | None,
    what: str,
    *,
    passes: tuple[type[BaseException], ...] | None = None,
) -> Iterator[None]:
    """Run a plugin's code; what it raises becomes a ``PluginError`` naming ``plugin``.

    The message reads ``"{what}: {the failure}"``. ``passes`` are raised unchanged (by default
    :class:`~codekit.exceptions.CodekitError`: a plugin may refuse with codekit's own errors).
    ``plugin=None`` is codekit's own code: its failures are bugs and surface unchanged.
    """
    from codekit.exceptions import CodekitError, PluginError

    unchanged = (CodekitError,) if passes is None else passes
    try:
        with contained():
            yield
    except unchanged:
        raise
    except Exception as exc:
        if plugin is None:
            raise
        raise PluginError(plugin, f"{what}: {describe_failure(exc)}") from exc


def describe_failure(exc: BaseException) -> str:
    """The reason recorded for a failed plugin: the error's type and message."""
    if isinstance(exc, PluginExit):
        return f"SystemExit: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _has_hooks(target: object) -> bool:
    return any(
        name.startswith("codekit_") and hasattr(getattr(target, name, None), _MARK)
        for name in dir(target)
    )


def plugin_object(loaded: object) -> object:
    """What to register for an entry point's target: a class is instantiated, anything else
    (a module, an instance) is registered as it is."""
    if inspect.isclass(loaded):
        return loaded()
    return loaded


def hooked_classes(plugin: object) -> list[str]:
    """Names of the classes a module defines whose methods are codekit hooks."""
    if not isinstance(plugin, types.ModuleType):
        return []
    return [
        name
        for name, value in vars(plugin).items()
        if inspect.isclass(value) and value.__module__ == plugin.__name__ and _has_hooks(value)
    ]
