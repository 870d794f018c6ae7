"""MS-DRG grouping speed: claims/s through ``codekit.group`` against the msdrg engine alone.

The same 20,000 random claims (real ICD-10-CM/PCS codes, 0 to 8 secondary diagnoses with
POA indicators, 0 to 3 procedures, discharges over FY2025-FY2026) are grouped:

- msdrg alone: ``MsdrgGrouper.group(dict)`` with the version given (the engine's own call);
- msdrg's JSON call alone: the native call ``MsdrgGrouper.group`` makes after checking the
  mapping, on ready JSON text (the floor under any caller; codekit makes this call);
- codekit: ``codekit.group(claim)`` on ``InstitutionalClaim`` values (the version chosen by
  discharge date, the answer mapped to a ``Grouping``): the overhead target (<= 20%) is
  this row against msdrg alone;
- codekit from mappings: ``codekit.group(dict)``, which also parses and checks each claim;
- ``codekit.group_frame`` on a DataFrame of the claims (one row per claim).

Each is timed warm (engine open, registry built), best of 3, the rounds alternating.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

N = 20_000


def _claims(rng: random.Random) -> list[dict[str, Any]]:
    from codekit import _registry

    registry = _registry.current()
    day = dt.date(2025, 10, 1)
    diagnoses = [
        r.code for r in registry.select("icd10cm", as_of=day).source().records() if r.billable
    ]
    procedures = [
        r.code for r in registry.select("icd10pcs", as_of=day).source().records() if r.billable
    ]
    first = dt.date(2024, 10, 1)
    return [
        {
            "claim_id": f"b{number}",
            "principal": {"code": rng.choice(diagnoses), "poa": "Y"},
            "secondary": [
                {"code": rng.choice(diagnoses), "poa": rng.choice("YNUW")}
                for _ in range(rng.randint(0, 8))
            ],
            "procedures": [rng.choice(procedures) for _ in range(rng.randint(0, 3))],
            "age": rng.randint(18, 95),
            "sex": rng.choice("MF"),
            "discharge_status": rng.choice((1, 1, 1, 3, 6, 20)),
            "discharge_date": first + dt.timedelta(days=rng.randint(0, 729)),
        }
        for number in range(N)
    ]


def _version(day: dt.date) -> int:
    fiscal_year = day.year + 1 if day.month >= 10 else day.year
    return (fiscal_year - 1983) * 10 + (1 if 4 <= day.month <= 9 else 0)


def _raw(claim: dict[str, Any]) -> dict[str, Any]:
    def dx(item: dict[str, Any]) -> dict[str, str]:
        return {"code": item["code"].replace(".", ""), "poa": item["poa"]}

    return {
        "version": _version(claim["discharge_date"]),
        "age": claim["age"],
        "sex": 0 if claim["sex"] == "M" else 1,
        "discharge_status": claim["discharge_status"],
        "pdx": dx(claim["principal"]),
        "sdx": [dx(d) for d in claim["secondary"]],
        "procedures": [{"code": p} for p in claim["procedures"]],
    }


def _frame(claims: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "claim_id": [c["claim_id"] for c in claims],
            "principal": [c["principal"]["code"] for c in claims],
            "principal_poa": [c["principal"]["poa"] for c in claims],
            "secondary": [[d["code"] for d in c["secondary"]] for c in claims],
            "secondary_poa": [[d["poa"] for d in c["secondary"]] for c in claims],
            "procedures": [c["procedures"] for c in claims],
            "age": [c["age"] for c in claims],
            "sex": [c["sex"] for c in claims],
            "discharge_status": [c["discharge_status"] for c in claims],
            "discharge_date": [c["discharge_date"] for c in claims],
        }
    )


def main() -> None:
    import msdrg

    import codekit
    from codekit._edits.institutional import InstitutionalClaim
    from codekit._grouping import engine as ck_engine

    claims = _claims(random.Random(2026))
    values = [InstitutionalClaim.from_dict(c) for c in claims]
    raws: list[Any] = [_raw(c) for c in claims]
    frame = _frame(claims)
    engine = msdrg.MsdrgGrouper()
    codekit.group(values[0])  # warm: registry built, engine open

    def alone() -> None:
        for raw in raws:
            engine.group(raw)

    texts = [
        ck_engine.payload(v, _version(v.discharge_date), ck_engine._compact(v.secondary))
        for v in values
    ]

    def native() -> None:
        for text in texts:
            ck_engine._native(engine, text)

    def ours() -> None:
        for value in values:
            codekit.group(value)

    def from_dicts() -> None:
        for claim in claims:
            codekit.group(claim)

    def batch() -> None:
        codekit.group_frame(frame)

    runs: dict[str, Callable[[], None]] = {
        "msdrg alone (dict, version given)": alone,
        "msdrg's JSON call alone (the floor)": native,
        "codekit.group(InstitutionalClaim)": ours,
        "codekit.group(dict) incl. parsing": from_dicts,
        "codekit.group_frame(DataFrame)": batch,
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(3):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    engine.close()
    base = best["msdrg alone (dict, version given)"]
    print(f"{N:,} claims, best of 3 (claims/s; overhead against msdrg alone)")
    for name, seconds in best.items():
        overhead = seconds / base - 1
        print(f"  {name:<38} {N / seconds:>9,.0f}/s   {overhead:+7.1%}")
    overhead = best["codekit.group(InstitutionalClaim)"] / base - 1
    verdict = "met" if overhead <= 0.20 else "missed"
    print(f"target: codekit.group overhead <= 20%: {overhead:+.1%} ({verdict})")
    floor = best["codekit.group(InstitutionalClaim)"] / best["msdrg's JSON call alone (the floor)"]
    print(f"codekit.group over msdrg's bare JSON call (choice and mapping): {floor - 1:+.1%}")


if __name__ == "__main__":
    main()
