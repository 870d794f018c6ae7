"""The hooks a codekit plugin may implement.

Each hook hands the plugin a typed registrar rather than asking it to return values, so new
capabilities become new registrar methods and these signatures never change. Arguments may be
added in later versions, never renamed or removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from codekit.plugins import Registrar

__all__ = ["codekit_register", "hookspec"]

#: Marker for hook specifications (used by codekit itself).
hookspec = pluggy.HookspecMarker("codekit")


@hookspec
def codekit_register(registrar: Registrar) -> None:
    """Register what the plugin provides: code sets and their releases.

    Called once per process, the first time codekit needs its registry (never at import),
    in pluggy's call order: ``tryfirst`` implementations, then the others (the plugin
    registered last first), then ``trylast`` ones, which every built-in is. What is
    registered first has precedence, so a plugin's code set, quota policy or quota store
    of a built-in's name replaces the built-in one. A plugin that raises here (or calls
    ``sys.exit()``) is reported with a :class:`~codekit.exceptions.PluginWarning` and
    everything it registered is discarded; the other plugins keep working.

    :param registrar: collects the plugin's registrations; see
        :meth:`~codekit.plugins.Registrar.add_code_set`,
        :meth:`~codekit.plugins.Registrar.add_release` and, for a release of any kind of
        versioned table, :meth:`~codekit.plugins.Registrar.add_table`.
    :returns: nothing; registrations go through ``registrar``.

    .. versionadded:: 0.1
    """
