"""Helpers for testing codekit plugins (and codekit itself).

Test a plugin in three lines::

    from codekit.testing import isolated_registry
    import my_plugin

    def test_my_code():
        with isolated_registry(my_plugin):
            assert codekit.describe("MC001", code_set="mycodes") == "First code"

The registry built inside the ``with`` block sees the given plugins (plus the built-ins unless
``builtins=False``) and no installed entry-point plugins; the process-wide registry is restored
afterwards.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from codekit import _registry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from codekit._registry import Registry

__all__ = ["isolated_registry"]


@contextlib.contextmanager
def isolated_registry(
    *plugins: object, builtins: bool = True, entry_points: bool = False
) -> Iterator[Registry]:
    """Build a fresh registry from ``plugins`` and use it for the duration of the block.

    :param plugins: plugin objects (modules, classes or instances with ``codekit_*`` hooks);
        each is registered under its ``__name__`` (or its type's name).
    :param builtins: also register codekit's built-in plugins.
    :param entry_points: also load installed ``codekit`` entry-point plugins.
    :returns: the registry in use (its ``failures`` tell which plugins failed).
    """
    from codekit._plugin.manager import make_plugin_manager, run_registration

    named = [(getattr(p, "__name__", type(p).__name__), p) for p in plugins]

    def build() -> Registry:
        pm, failures = make_plugin_manager(
            builtins=builtins, entry_point_plugins=entry_points, plugins=named
        )
        return run_registration(pm, failures)

    previous = _registry._builder
    _registry.install_builder(build)
    try:
        yield _registry.current()
    finally:
        _registry.install_builder(previous)
