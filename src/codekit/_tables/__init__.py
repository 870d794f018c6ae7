"""The table registry: every versioned dataset, one release type, one selection rule.

:mod:`codekit._tables.rule` is the rule, :mod:`codekit._tables.release` one release and its
data, :mod:`codekit._tables.registry` the registry the plugins fill, and
:mod:`codekit._tables.sections` the typed registrar sections. The process-wide registry
(``current()``) lives in :mod:`codekit._registry`.
"""
