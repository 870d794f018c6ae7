"""Building the plugin manager and running the registration hook, one plugin at a time.

Built-in plugins come from :data:`DEFAULT_PLUGINS`; third-party ones from the ``codekit``
entry-point group. ``CODEKIT_DISABLE_PLUGINS`` (comma-separated plugin names, or ``*`` for
every third-party plugin) blocks plugins. A plugin that fails to import, to validate or to
register (raising anything, ``sys.exit()`` included) is reported with a warning and
recorded, never allowed to take codekit down.

Registration runs in pluggy's own call order: ``tryfirst`` hooks, then the others with the
last registered first, then ``trylast`` ones (every built-in). What is registered first has
precedence, so a third-party plugin overrides a built-in: its code set replaces a built-in
one of that name, and its quota policies and stores are chosen over built-ins of the same
name (see :mod:`codekit._tables.sections`).

The built-ins in :data:`LAZY` are not imported when the registry is built: each holds its
place in that order as a stand-in (:func:`stand_in`), and is imported and registered the first
time the registry is asked for a table kind or a section it provides (see
:meth:`codekit._tables.registry.Registry.pend`). A lookup asks for none of them, so the
first lookup imports none of those capabilities.
"""

from __future__ import annotations

import functools
import importlib
import os
import types
import warnings
from typing import TYPE_CHECKING, Any

import pluggy

from codekit import hookspecs
from codekit._plugin import entrypoints
from codekit._plugin.loading import contained, describe_failure, hooked_classes, plugin_object
from codekit._plugin.registrar import Registrar
from codekit._tables.registry import Registry
from codekit.exceptions import PluginWarning

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "LAZY",
    "build_registry",
    "load_lazy",
    "make_plugin_manager",
    "stand_in",
]

ENTRY_POINT_GROUP = "codekit"
DISABLE_ENV = "CODEKIT_DISABLE_PLUGINS"

#: Built-in plugins, registered exactly like third-party ones (their hooks are ``trylast``).
#:
#: Kept by hand, as pytest keeps its own: deriving it from the ``codekit`` entry points
#: would lose every built-in to a stale or missing dist-info (an editable install, a
#: vendored copy), and deriving it by walking the package would read a directory and
#: import every module at the first lookup. ``tests/test_architecture.py`` derives the list
#: from the source (every module with a ``codekit_register`` hook) and checks it is this
#: one, so a new built-in is one line here and the test says when it is missing.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "codekit._codesets.icd10cm",
    "codekit._codesets.icd10pcs",
    "codekit._codesets.hcpcs",
    "codekit._codesets.modifier",
    "codekit._codesets.cpt",
    "codekit._codesets.pos",
    "codekit._codesets.icd9cm",
    "codekit._codesets.icd9pcs",
    "codekit._crosswalk.plugin",
    "codekit._risk.plugin",
    "codekit._grouping.plugin",
    "codekit._edits.ncci.store",
    "codekit._edits.mce.plugin",
    "codekit._codesets.packs",
    "codekit._codesets.packaged",
    "codekit._quota.plugin",
    "codekit._pages.builtin",
)

#: Built-ins registered on first use, with the table kinds and sections each provides
#: (``(kinds, sections)``). Their hooks may register nothing else (no code set, no other
#: kind or section): ``tests/test_plugins_lazy.py`` runs each and checks it against this.
LAZY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "codekit._crosswalk.plugin": (("crosswalk",), ()),
    "codekit._risk.plugin": (("risk_coefficients",), ("page_section",)),
    "codekit._grouping.plugin": (("drg_grouper",), ("page_section",)),
    "codekit._edits.ncci.store": (("ncci_ptp", "ncci_mue", "ncci_aoc"), ()),
    "codekit._edits.mce.plugin": (("mce",), ()),
    "codekit._quota.plugin": ((), ("quota_policy", "quota_store")),
    "codekit._pages.builtin": ((), ("page_section",)),
}

_hookimpl = pluggy.HookimplMarker("codekit")


@_hookimpl(trylast=True)
def _pending_hook(registrar: Registrar) -> None:
    """The hook of a lazy built-in's stand-in: registers nothing now (see :func:`stand_in`)."""


def stand_in(module: str) -> types.ModuleType:
    """What the plugin manager holds for a built-in of :data:`LAZY`, in its place.

    A bare module (pluggy reads a module's few attributes quickly) whose one hook
    registers nothing: :func:`run_registration` hands the registry a pending entry
    instead, which imports ``module`` and runs its hook on first use (:func:`load_lazy`).
    """
    stub = types.ModuleType(module, f"Stands in for {module} until first use.")
    stub.codekit_register = _pending_hook  # type: ignore[attr-defined]
    return stub


def load_lazy(module: str) -> Registrar | str:
    """Import a lazy built-in and run its hook: its registrar, or why it failed."""
    registrar = Registrar(module)
    try:
        with contained():
            importlib.import_module(module).codekit_register(registrar=registrar)
    except Exception as exc:  # contained like any plugin's failure
        return describe_failure(exc)
    return registrar


def _blocked() -> set[str]:
    raw = os.environ.get(DISABLE_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def _nothing_registered(name: str, plugin: object) -> None:
    """Warn that ``plugin`` has no hook at all (a module naming no ``@hookimpl``)."""
    where = getattr(plugin, "__name__", type(plugin).__name__)
    message = f"codekit plugin {name!r} registers nothing: {where} has no @hookimpl codekit_*"
    classes = hooked_classes(plugin)
    if classes:
        message += (
            f" function, but it defines {', '.join(classes)} with hooks; name the class in "
            f'the entry point ({name} = "{where}:{classes[0]}")'
        )
    else:
        message += " function; mark codekit_register with @codekit.plugins.hookimpl"
    warnings.warn(message, PluginWarning, stacklevel=4)


def make_plugin_manager(
    *,
    builtins: bool = True,
    entry_point_plugins: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
) -> tuple[pluggy.PluginManager, dict[str, str]]:
    """A fresh, validated plugin manager and the plugins that failed to load (name → why).

    An entry point may name a module, an object, or a class (which is instantiated). A
    third-party plugin with no hook at all is not registered, with a warning.
    """
    pm = pluggy.PluginManager("codekit")
    pm.add_hookspecs(hookspecs)
    failures: dict[str, str] = {}
    blocked = _blocked()
    for name in blocked - {"*"}:
        pm.set_blocked(name)

    def register(name: str, load: Any) -> None:
        if pm.is_blocked(name):
            return
        try:
            with contained():
                plugin = plugin_object(load())
                pm.register(plugin, name=name)
        except Exception as exc:  # any failure of foreign code is contained here
            failures[name] = describe_failure(exc)
            return
        unknown = [
            attr
            for attr in dir(plugin)
            if attr.startswith("codekit_")
            and getattr(getattr(pm.hook, attr, None), "spec", None) is None
        ]
        if unknown:
            pm.unregister(name=name)
            failures[name] = f"implements unknown hooks: {', '.join(sorted(unknown))}"
        elif not pm.get_hookcallers(plugin) and not name.startswith("codekit."):
            pm.unregister(name=name)
            _nothing_registered(name, plugin)

    if builtins:
        for module in DEFAULT_PLUGINS:
            if module in LAZY:
                register(module, lambda module=module: stand_in(module))
            else:
                register(module, lambda module=module: importlib.import_module(module))
    for name, plugin in plugins:
        register(name, lambda plugin=plugin: plugin)
    if entry_point_plugins and "*" not in blocked:
        for ep in sorted(entrypoints.find(ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name.startswith("codekit."):
                # codekit trusts plugins of these names as its own: never a third party's
                failures[ep.name] = (
                    f"entry point names starting with 'codekit.' are codekit's own; "
                    f"rename it (it points to {ep.value})"
                )
                continue
            register(ep.name, ep.load)
    return pm, failures


def run_registration(pm: pluggy.PluginManager, failures: dict[str, str] | None = None) -> Registry:
    """Call ``codekit_register`` on each plugin separately, in pluggy's call order (what
    comes first has precedence), and merge what succeeded."""
    registry = Registry()
    for plugin, message in (failures or {}).items():
        registry.fail(plugin, message)
    # get_hookimpls() lists implementations in the reverse of the order pluggy calls them.
    for impl in reversed(pm.hook.codekit_register.get_hookimpls()):
        if impl.function is _pending_hook:
            kinds, sections = LAZY[impl.plugin_name]
            load = functools.partial(load_lazy, impl.plugin_name)
            registry.pend(impl.plugin_name, kinds, sections, load)
            continue
        registrar = Registrar(impl.plugin_name)
        kwargs = {"registrar": registrar}
        try:
            with contained():
                impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
        except Exception as exc:  # contain plugin failures; see module docstring
            registry.fail(impl.plugin_name, describe_failure(exc), registrar)
            continue
        if registrar.empty and not impl.plugin_name.startswith("codekit."):
            warnings.warn(
                f"codekit plugin {impl.plugin_name!r} registers nothing: its codekit_register "
                "ran but added no code set, release or other capability",
                PluginWarning,
                stacklevel=3,
            )
        registry.merge(registrar)
    registry.finish()
    return registry


def build_registry() -> Registry:
    """The registry of every enabled built-in and installed plugin."""
    pm, failures = make_plugin_manager()
    return run_registration(pm, failures)
