"""Wheel size and what fills it: builds the wheel from this checkout and lists its largest files.

The wheel must stay well under 50 MB. Packaged datasets are most of it, so each one is listed
with its compressed and uncompressed size.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LIMIT_MB = 50.0


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                tmp,
                str(root),
            ],
            check=True,
        )
        (wheel,) = Path(tmp).glob("codekit-*.whl")
        size = wheel.stat().st_size / 1e6
        with zipfile.ZipFile(wheel) as archive:
            infos = sorted(archive.infolist(), key=lambda i: -i.compress_size)
    print(f"{'file':<48} {'in wheel MB':>12} {'installed MB':>13}")
    for info in infos[:12]:
        print(
            f"{info.filename:<48} {info.compress_size / 1e6:>12.2f} {info.file_size / 1e6:>13.2f}"
        )
    installed = sum(i.file_size for i in infos) / 1e6
    print(
        f"\nwheel: {size:.1f} MB ({size / LIMIT_MB:.0%} of the {LIMIT_MB:.0f} MB limit); "
        f"installed: {installed:.1f} MB"
    )


if __name__ == "__main__":
    main()
