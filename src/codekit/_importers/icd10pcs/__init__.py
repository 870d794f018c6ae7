"""ICD-10-PCS from CMS's release files: the codes file or the order file, any year.

Codes file ``icd10pcs_codes_YYYY.txt``: ``<7-character code> <long description>``.
Order file ``icd10pcs_order_YYYY.txt``: the ICD-10-CM order-file layout (order number 1-5,
code 7-13, flag 15 — ``0`` for the three-character table headers, ``1`` for codes — short
description 17-76, long from 78); table headers are counted, not stored (codekit's
ICD-10-PCS items are the seven-character codes). Either becomes an ``icd10pcs`` pack of
release ``FYYYYY`` (October 1 of the year before to September 30), or ``FYYYYY-APR`` (from
April 1) when the file or its zip is named as the April update.
"""

from codekit._importers.icd10pcs.importer import ICD10PCS, codes_from_lines, parse_codes

__all__ = ["ICD10PCS", "codes_from_lines", "parse_codes"]
