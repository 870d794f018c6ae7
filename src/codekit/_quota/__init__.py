"""The quota layer: who may open how many code pages, counted atomically in a store.

``model`` holds the values (principal, resource, window, allowance, status), ``policy`` the
policy protocol and the built-in tiered policy, ``stores`` the memory / SQLite / Redis
stores, ``client`` the :class:`Client` that charges a page, and ``plugin`` registers the
built-ins through the ordinary registrar. The public names live in :mod:`codekit.quota`.
"""
