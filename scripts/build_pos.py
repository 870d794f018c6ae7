"""Build the packaged Place of Service dataset (CMS POS code set, release 2026).

Source: ``claim-validator==0.3.0``, ONLY its ``claim_validator/data/pos_codes.json.gz`` (CMS
Place of Service names, a JSON object ``{"11": "Office", ...}``) and, for the release and
effective date, the ``pos_codes`` entry of ``claim_validator/data/manifest.json``. The
package's other files carry licensed content (NUCC taxonomy, X12 code lists) and are never
read.

The file has 51 codes; CMS's list also has 66 (PACE Center), which the source lacks: see
``docs/data-sources.md``.

Output: ``src/codekit/data/pos.sqlite`` and ``pos.manifest.json``. Same inputs give the same
bytes (for a given SQLite version).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _sources import VALIDATOR, member

from codekit._store.sqlite import FORMAT_VERSION, Item, write_dataset

POS_FILE = "claim_validator/data/pos_codes.json.gz"
POS_SHA256 = "ae769647eaeeca1a4aaad168f9e351d120ecf279db26c344feaf58cd3a2a3112"
MANIFEST_FILE = "claim_validator/data/manifest.json"
EXPECTED_CODES = 51
LICENCE = "Public domain (CMS, US government work)"
_CODE = re.compile(r"[0-9]{2}")


def read_pos(raw: bytes) -> dict[str, str]:
    """Code → name, refusing anything that is not a two-digit code with a name."""
    data = json.loads(gzip.decompress(raw).decode("utf-8"))
    if not isinstance(data, dict):
        raise SystemExit(f"{POS_FILE}: expected a JSON object")
    codes: dict[str, str] = {}
    for code, name in data.items():
        if not _CODE.fullmatch(code) or not isinstance(name, str) or not name.strip():
            raise SystemExit(f"{POS_FILE}: unexpected entry {code!r}: {name!r}")
        codes[code] = name.strip()
    return dict(sorted(codes.items()))


def release_info(raw: bytes) -> tuple[str, str]:
    """The release id and effective date the source's manifest gives for its POS file."""
    entry = json.loads(raw.decode("utf-8"))["pos_codes"]
    if entry.get("source") != "CMS Place of Service":
        raise SystemExit(f"{MANIFEST_FILE}: pos_codes source is {entry.get('source')!r}")
    return str(entry["version"]), str(entry["effective_date"])


def build(out_dir: Path) -> None:
    """Write ``pos.sqlite`` and ``pos.manifest.json`` into ``out_dir``."""
    raw = member(VALIDATOR, POS_FILE)
    actual = hashlib.sha256(raw).hexdigest()
    if actual != POS_SHA256:
        raise SystemExit(f"{POS_FILE}: sha256 {actual} != pinned {POS_SHA256}")
    codes = read_pos(raw)
    if len(codes) != EXPECTED_CODES:
        raise SystemExit(f"{POS_FILE}: {len(codes)} codes, expected {EXPECTED_CODES}")
    release, effective = release_info(member(VALIDATOR, MANIFEST_FILE))
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "pos.sqlite"
    aside = out.with_suffix(".sqlite.tmp")
    aside.unlink(missing_ok=True)
    write_dataset(
        aside,
        meta={"code_set": "pos", "releases": [release]},
        items=(
            Item(code, "code", name, None, None, None, 1, 1, seq)
            for seq, (code, name) in enumerate(codes.items())
        ),
    )
    aside.replace(out)
    manifest = {
        "file": out.name,
        "code_set": "pos",
        "format": FORMAT_VERSION,
        "source_package": VALIDATOR.name,
        "source_version": VALIDATOR.version,
        "source_sha256": VALIDATOR.sha256,
        "source_file": POS_FILE,
        "licence": LICENCE,
        "rows": len(codes),
        "releases": [
            {
                "release": release,
                "bit": 0,
                "effective": effective,
                "until": None,
                "origin": "packaged",
                "source": f"{VALIDATOR.pin}: {POS_FILE}",
                "source_file": POS_FILE,
                "sha256": POS_SHA256,
                "licence": LICENCE,
                "rows": len(codes),
            }
        ],
    }
    (out_dir / "pos.manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"pos: {len(codes)} codes (release {release}, from {effective})", file=sys.stderr)


def main() -> None:
    build(Path(__file__).resolve().parents[1] / "src" / "codekit" / "data")


if __name__ == "__main__":
    main()
