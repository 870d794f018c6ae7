"""One selectable release of a table: its :class:`~codekit.models.DataRelease` and its data.

A third-party plugin's data is opened contained: its failure becomes a
:class:`~codekit.exceptions.PluginError` naming the plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from codekit.exceptions import PluginError
from codekit.models import DataRelease

if TYPE_CHECKING:
    from collections.abc import Callable

    from codekit.plugins import CodeSource

__all__ = ["CODE_SET", "Release", "open_plugin_data"]

_T = TypeVar("_T")

#: The table kind of code-set releases.
CODE_SET = "code_set"


def _builtin(plugin: str) -> bool:
    return plugin.startswith("codekit.")


@attrs.frozen
class Release:
    """One selectable release of one table: its description and how to open its data.

    A third-party plugin's data is handed out checked and contained: a code set's through
    :class:`codekit._plugin.sources.CheckedSource` (a failure names the plugin, and work
    over every code set leaves the plugin out instead of failing), any other kind's through
    :func:`open_plugin_data`. ``spec`` is what the table's kind needs besides the release
    (a crosswalk's :class:`~codekit.plugins.CrosswalkSpec`).
    """

    info: DataRelease
    plugin: str
    _factory: Callable[[], Any] = attrs.field(alias="factory")
    spec: Any = attrs.field(default=None, eq=False, repr=False)
    _checked: Any = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not _builtin(self.plugin) and self.info.kind == CODE_SET:
            from codekit._plugin.sources import CheckedSource

            what = f"{self.info.code_set} {self.info.release}"
            object.__setattr__(self, "_checked", CheckedSource(self.plugin, what, self._factory))

    @property
    def kind(self) -> str:
        """The kind of table (``"code_set"``, ``"crosswalk"``, ``"ncci_ptp"``, ...)."""
        return self.info.kind

    def source(self) -> Any:
        """The release's data (a built-in's opened here; a plugin's checked, on first use)."""
        if self._checked is not None:
            return self._checked
        if self.info.kind != CODE_SET:
            what = f"{self.info.kind} {self.info.code_set} {self.info.release}"
            return open_plugin_data(self.plugin, what, self._factory)
        return self._factory()

    def open(self) -> CodeSource:
        """Open a code-set release's data now; a plugin's failure raises PluginError."""
        if self._checked is not None:
            self._checked.open()
            return self._checked  # type: ignore[no-any-return]
        return self.source()  # type: ignore[no-any-return]


def open_plugin_data(plugin: str, what: str, factory: Callable[[], _T]) -> _T:
    """Run a plugin's data factory; a third-party plugin's failure becomes a PluginError
    (``sys.exit()`` in it too).

    codekit's own plugins raise their own errors (``DataError`` and friends) unchanged.
    """
    if _builtin(plugin):
        return factory()
    from codekit._plugin.loading import blamed

    with blamed(plugin, f"failed to open {what}", passes=(PluginError,)):
        return factory()
