"""Crosswalks: mappings from one code set to another (GEMs, HCC, MS-DRG CC/MCC, CCSR).

``_store`` is the on-disk format (written by ``scripts/build_crosswalks.py`` and the GEM
importer), ``_values`` the public values, ``_registry`` what plugins registered, ``_api`` the
Python API, ``_frame`` the pandas function, ``_hcc`` risk-adjustment hierarchies,
``plugin`` the built-in plugin registering packaged data and installed GEM packs.
"""
