"""The Medicare Code Editor (MCE): CMS's edits of an inpatient claim before it is grouped.

``table`` reads the packaged MCE lists (per code: its attributes in each validity window),
``plugin`` registers one release of the table kind ``mce`` per MCE version, ``codes``,
``patient`` and ``coverage`` are the edit families (diagnosis and procedure codes; age, sex
and discharge status; non-covered and limited-coverage procedures), ``engine`` runs them
over an :class:`~codekit.InstitutionalClaim` and returns an
:class:`~codekit.EditReport`.
"""
