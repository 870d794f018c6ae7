"""NCCI edit engine: install, load, per-claim and batch speed on a full-size synthetic table set.

The issue names no peer library that applies PTP, MUE and AOC edits with dates, modifiers and
MAIs (the open-source checkers it surveys get those rules wrong), so the figures stand next to
the issue's targets, with the ratio measured / target:

* install: reading the CMS-layout files (``bench/make_ncci_tables.py``: 1.25 million PTP rows
  in four parts, 15,000 MUE rows, the genuine 2026 Q2 AOC file when ``CODEKIT_CMS_CORPUS`` is
  set) into packs;
* load: a fresh process that imports codekit, opens the three tables and checks one claim —
  wall time of that first check, and the process's peak RSS (median of runs);
* one 10-line claim with PTP hits, an MUE denial and add-on codes (hot, per claim, CPU time);
* the batch path over 1,000,000 lines (200,000 claims) in a DataFrame, on one core; and
  with code validity over two years of distinct dates of service (CPU time);
* the batch path over 1,000,000 lines in **one** (beneficiary, provider, date) group — a frame
  without beneficiary or provider ids — which used to enumerate every line pair (quadratic:
  100,000 lines tried to allocate 74 GiB); it is now linear in the pairs the tables list.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

RUNS = int(os.environ.get("CODEKIT_BENCH_RUNS", "5"))
BATCH_LINES = int(os.environ.get("CODEKIT_BENCH_NCCI_LINES", "1000000"))

_LOAD = r"""
import json, time
start = time.perf_counter()
import codekit
imported = time.perf_counter()
import numpy
numpy_done = time.perf_counter()
claim = codekit.Claim.from_dict(json.loads(CLAIM))
report = codekit.check_claim(claim)
done = time.perf_counter()
rss = 0
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1]) / 1024
print(json.dumps({"import": imported - start, "numpy": numpy_done - imported,
                  "load_and_check": done - numpy_done, "peak_mb": rss,
                  "findings": len(report.findings)}))
"""


def _claim(
    ptp_pairs: list[tuple[str, str]], mue_code: str, add_on: tuple[str, str]
) -> dict[str, object]:
    codes: list[tuple[str, int, list[str]]] = []
    for col1, col2 in ptp_pairs[:3]:
        codes += [(col1, 1, []), (col2, 1, ["59"] if len(codes) % 4 else [])]
    codes += [(mue_code, 9, []), (add_on[1], 1, []), (add_on[0], 1, []), ("0628T", 1, [])]
    return {
        "claim_id": "BENCH",
        "lines": [
            {
                "line_id": str(i + 1),
                "code": c,
                "units": u,
                "modifiers": m,
                "date_of_service": "2026-08-03",
            }
            for i, (c, u, m) in enumerate(codes[:10])
        ],
    }


def main() -> None:  # noqa: PLR0915 - one benchmark script, top to bottom
    import numpy as np

    from bench.make_ncci_tables import make
    from codekit import _registry
    from codekit._importers import install_files

    with tempfile.TemporaryDirectory(prefix="codekit-bench-ncci-") as tmp:
        os.environ["CODEKIT_DATA_DIR"] = str(Path(tmp) / "data")
        _registry.reset()
        start = time.perf_counter()
        files = make(Path(tmp) / "cms")
        generated = time.perf_counter() - start
        installs = {}
        for table in ("ptp", "mue", "aoc"):
            start = time.perf_counter()
            install_files(files[table])
            installs[table] = time.perf_counter() - start
        import datetime as dt

        import codekit
        from codekit._edits import codes as _codes
        from codekit._edits.ncci.selection import tables_for

        tables = tables_for("practitioner", "medicare", dt.date(2026, 8, 3))
        assert tables.ptp
        assert tables.mue
        assert tables.aoc
        ptp_rows = len(tables.ptp[1])
        rng = np.random.default_rng(7)
        keys = tables.ptp[1].key
        open_rows = np.flatnonzero(np.asarray(tables.ptp[1].deletion) == 2**31 - 1)
        picks = keys[rng.choice(open_rows, 3, replace=False)]
        pairs = [(_codes.decode(int(k) >> 32), _codes.decode(int(k) & 0xFFFFFFFF)) for k in picks]
        mue_table = tables.mue[1]
        mue_code = _codes.decode(
            int(mue_table.code[int(np.flatnonzero(np.asarray(mue_table.value) < 9)[0])])
        )
        aoc = tables.aoc[1].by_add_on()
        add_on = next(
            (_codes.decode(a), _codes.decode(rows[0][1]))
            for a, rows in aoc.items()
            if rows[0][0] == 1
        )
        claim_data = _claim(pairs, mue_code, add_on)

        # load in a fresh process
        loads = []
        for _ in range(RUNS):
            out = subprocess.run(
                [sys.executable, "-c", f"CLAIM = {json.dumps(json.dumps(claim_data))}\n" + _LOAD],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ},
            ).stdout
            loads.append(json.loads(out))
        load_s = statistics.median(r["load_and_check"] for r in loads)
        numpy_s = statistics.median(r["numpy"] for r in loads)
        start = time.perf_counter()
        for _ in range(100):
            for _ in range(1000):
                pass
        loop_us = (time.perf_counter() - start) / 100 * 1e6
        peak = statistics.median(r["peak_mb"] for r in loads)
        floor = subprocess.run(
            [
                sys.executable,
                "-c",
                "import numpy, attrs, pluggy\nfor l in open('/proc/self/status'):\n"
                "    print(int(l.split()[1])/1024) if l.startswith('VmHWM') else None",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

        # one claim, hot
        from codekit.exceptions import StaleDataWarning
        from codekit.ncci import Policy

        # the NCCI edits alone: code validity off (with no CPT or HCPCS release installed,
        # validity adds an unverifiable finding per line and per modifier)
        edits_only = Policy(validate_codes=False)
        claim = codekit.Claim.from_dict(claim_data)
        report = codekit.check_claim(claim, policy=edits_only)
        kinds = sorted({f.kind for f in report.findings})
        n = 1000

        def per_call(value: codekit.Claim, policy: Policy = edits_only) -> float:
            # best of several runs of CPU time: the machine is shared, a run may be interrupted
            runs = []
            for _ in range(5):
                start = time.process_time()
                for _ in range(n):
                    codekit.check_claim(value, policy=policy)
                runs.append((time.process_time() - start) / n)
            return min(runs)

        per_claim = per_call(claim)
        per_claim_validity = per_call(claim, Policy())
        # ten lines whose codes are in every table but fire no edit (different dates of service
        # would be different groups: one date, codes from MUE rows with room to spare)
        quiet_codes = [
            _codes.decode(int(c))
            for c in mue_table.code[np.flatnonzero(np.asarray(mue_table.value) >= 10)[:10]]
        ]
        quiet = codekit.Claim.from_dict(
            {
                "lines": [
                    {"line_id": str(i), "code": c, "date_of_service": "2026-08-03"}
                    for i, c in enumerate(quiet_codes)
                ]
            }
        )
        quiet_findings = len(codekit.check_claim(quiet, policy=edits_only).findings)
        per_quiet = per_call(quiet)

        # batch
        import pandas as pd

        pool = np.array(
            sorted(
                {c for pair in pairs for c in pair}
                | {_codes.decode(int(c)) for c in mue_table.code[:4000]}
            )
        )
        lines_per_claim = 5
        claims = BATCH_LINES // lines_per_claim
        col1 = keys[rng.integers(0, len(keys), size=claims)]
        frame_codes = pool[rng.integers(0, len(pool), size=claims * lines_per_claim)].astype(object)
        frame_codes[::lines_per_claim] = [_codes.decode(int(k) >> 32) for k in col1]
        frame_codes[1::lines_per_claim] = [_codes.decode(int(k) & 0xFFFFFFFF) for k in col1]
        frame = pd.DataFrame(
            {
                "claim_id": np.repeat(np.arange(claims), lines_per_claim).astype(str),
                "beneficiary_id": np.repeat(np.arange(claims) % 50_000, lines_per_claim).astype(
                    str
                ),
                "provider_id": np.repeat(np.arange(claims) % 3_000, lines_per_claim).astype(str),
                "line_id": np.tile(np.arange(1, lines_per_claim + 1), claims).astype(str),
                "code": frame_codes,
                "modifiers": rng.choice(
                    ["", "", "", "59", "LT", "25"], size=claims * lines_per_claim
                ),
                "units": rng.choice([1] * 9 + [2], size=claims * lines_per_claim),
                "date_of_service": pd.to_datetime("2026-07-01")
                + pd.to_timedelta(
                    np.repeat(rng.integers(0, 60, size=claims), lines_per_claim), unit="D"
                ),
            }
        )
        start = time.perf_counter()
        found = codekit.check_claims(frame)
        batch_s = time.perf_counter() - start
        lines_per_s = len(frame) / batch_s
        start = time.perf_counter()
        found_edits = codekit.check_claims(frame, policy=edits_only)
        edits_lines_per_s = len(frame) / (time.perf_counter() - start)
        # validity over two years of distinct dates of service (eight packaged quarters and
        # the stale days after them): once per value and release period, not per day (CPU)
        spread = frame.assign(
            date_of_service=pd.to_datetime("2024-07-01")
            + pd.to_timedelta(
                np.repeat(rng.integers(0, 730, size=claims), lines_per_claim), unit="D"
            )
        )
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StaleDataWarning)
            codekit.check_claims(spread)
        spread_lines_per_s = len(spread) / (time.process_time() - start)

        # one group of BATCH_LINES lines: codes in no PTP row, plus the three PTP pairs and
        # an add-on code with its primary once each
        in_ptp = np.union1d(keys >> np.uint64(32), keys & np.uint64(0xFFFFFFFF))
        candidates = np.array([_codes.encode(f"Z{i:04d}") for i in range(3000)], dtype=np.uint64)
        lonely = np.setdiff1d(candidates, in_ptp)[:2000]
        lonely_codes = np.array([_codes.decode(int(c)) for c in lonely], dtype=object)
        one_group_codes = lonely_codes[rng.integers(0, len(lonely_codes), size=BATCH_LINES)]
        extra = [c for pair in pairs for c in pair] + [add_on[1], add_on[0]]
        one_group_codes[: len(extra)] = extra
        one_group = pd.DataFrame(
            {
                "code": one_group_codes,
                "date_of_service": pd.to_datetime(["2026-08-03"] * BATCH_LINES),
            }
        )
        start = time.perf_counter()
        found_one = codekit.check_claims(one_group, policy=edits_only)
        one_group_s = time.perf_counter() - start

    print(
        f"generated {ptp_rows:,} PTP rows (+ MUE, AOC) in {generated:.1f} s; "
        f"claim findings: {', '.join(kinds)}; batch findings: {len(found):,} "
        f"({len(found_edits):,} NCCI edits); "
        f"one-group findings: {len(found_one):,}"
    )
    rows = [
        ("install PTP (4 parts, s)", installs["ptp"], None),
        ("install MUE (s)", installs["mue"], None),
        ("install AOC (s)", installs["aoc"], None),
        ("fresh process: import numpy (s)", numpy_s, None),
        ("fresh process: open tables + first claim (s)", load_s, 0.2),
        ("  (open + first claim + numpy import)", load_s + numpy_s, 0.2),
        ("fresh process peak RSS (MB)", peak, 60.0),
        ("  floor: python + numpy + attrs + pluggy (MB)", float(floor), None),
        (
            f"10-line claim, PTP+MUE+AOC, {len(report.findings)} findings (µs)",
            per_claim * 1e6,
            25.0,
        ),
        ("10-line claim, PTP+MUE+AOC, validity too (µs)", per_claim_validity * 1e6, None),
        (
            f"10-line claim, all tables looked up, {quiet_findings} findings (µs)",
            per_quiet * 1e6,
            25.0,
        ),
        (f"batch, {len(frame):,} lines, validity too (lines/s)", lines_per_s, None),
        (f"batch, {len(frame):,} lines, NCCI edits (lines/s)", edits_lines_per_s, 500_000.0),
        (
            f"batch, {len(spread):,} lines over 730 dates, validity too (CPU lines/s)",
            spread_lines_per_s,
            None,
        ),
        (
            f"batch, {len(one_group):,} lines in one group (lines/s)",
            len(one_group) / one_group_s,
            500_000.0,
        ),
        ("machine: empty 1000-step Python loop (µs)", loop_us, None),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'codekit':>12}  {'target':>10}  {'ratio':>6}")
    for name, value, target in rows:
        ratio = "" if target is None else f"{value / target:.2f}"
        shown = f"{value:,.0f}" if value >= 1000 else f"{value:.3g}"
        goal = "" if target is None else (f"{target:,.0f}" if target >= 1000 else f"{target:g}")
        print(f"{name:<{width}}  {shown:>12}  {goal:>10}  {ratio:>6}")
