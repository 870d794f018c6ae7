"""ICD-10-CM from CMS's release files: the order file and the code-description addenda.

Order file ``icd10cm_order_YYYY.txt`` (one line per tabular entry, fixed positions, 1-based):
order number 1-5, code 7-13 (no dot, left-justified), header flag 15 (``0`` header, ``1``
billable), short description 17-76, long description from 78. It becomes an ``icd10cm`` pack
of release ``FYYYYY`` (effective October 1 of the year before, until September 30; the
April update — a zip or file whose name says ``april`` — is ``FYYYYY-APR`` from April 1).
Categories (three characters) are ``category`` items. The order file has no chapters,
blocks or notes: they are taken from the newest release already available (packaged
first), each category under its block there (a new category under the narrowest block
whose range holds it), notes only where the description is unchanged.

Addenda ``icd10cm[-_]codes[-_]addenda[-_]YYYY.txt``: ``<tag padded to 13><code padded to
8><description>`` with tags ``Add:``, ``Delete:``, ``Revise from:`` + ``Revise to:``. They
install as an ``icd10cm_addenda`` pack (the changes, each an item whose ``action``
attribute says what happened), and — when the release before is available and the
release itself is not — as the ``icd10cm`` release they produce, so that the validity
history reaches the new fiscal year.
"""

from codekit._importers.icd10cm.addenda import Change, apply_changes, parse_addenda
from codekit._importers.icd10cm.hierarchy import enrich
from codekit._importers.icd10cm.importer import ICD10CM_ADDENDA, ICD10CM_ORDER
from codekit._importers.icd10cm.order import (
    OrderEntry,
    april_update,
    dotted,
    fiscal_period,
    order_items,
    parse_order,
)

__all__ = [
    "ICD10CM_ADDENDA",
    "ICD10CM_ORDER",
    "Change",
    "OrderEntry",
    "apply_changes",
    "april_update",
    "dotted",
    "enrich",
    "fiscal_period",
    "order_items",
    "parse_addenda",
    "parse_order",
]
