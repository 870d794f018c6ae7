"""Write ``tests/fixtures/ask_questions.jsonl``: questions with facts from independent truths.

Run ``python -m bench._ask_truth`` with ``CODEKIT_CMS_CORPUS`` set. Nothing here calls
codekit: the truths are the CMS corpus files (PTP, MUE, AOC, GEMs, ICD-10-PCS, HCPCS) read
with plain Python and openpyxl, the peer library simple_icd_10_cm (CDC tabular XML),
hccpy's CMS HCC mapping files, and coding knowledge written out below with its source.
"""

# ruff: noqa
# mypy: ignore-errors
import csv, io, json, datetime as dt, os, random, sys
from pathlib import Path
import openpyxl
import simple_icd_10_cm as icd

C = Path(os.environ["CODEKIT_CMS_CORPUS"])
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ask_questions.jsonl"
out = []


def add(q, intent, facts, source, ncci=False):
    out.append({"question": q, "intent": intent, "facts": facts, "corpus": ncci, "source": source})


# ---------- PTP truth
lines = (C / "ptp/ccipra-v322r0-f1.excerpt.txt").read_bytes().decode("ascii").split("\r\n")[6:]
ptp = []
for l in lines:
    if not l:
        continue
    f = l.split("\t")
    d = lambda s: dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    ptp.append(
        dict(
            c1=f[0],
            c2=f[1],
            eff=d(f[3]),
            dele=None if f[4] == "*" else d(f[4]),
            ind=int(f[5]),
            rat=f[6],
        )
    )
TABLE_DAY = dt.date(2026, 7, 1)  # the installed table's effective date (file name: 2026Q3)


def active(r, day):
    return r["eff"] <= day and (r["dele"] is None or day <= r["dele"])


PSRC = "CMS NCCI practitioner PTP v32.2 f1 (corpus excerpt)"
ptp_q = [
    ("Can {a} and {b} be billed together?", None),
    ("can i bill {a} with {b}", None),
    ("Is {b} bundled into {a}?", None),
    ("PTP edit {a} {b}", None),
    ("are {a} and {b} billable on the same day on 3/15/2026", dt.date(2026, 3, 15)),
    ("Can {a} and {b} be billed togther on 2026-05-01?", dt.date(2026, 5, 1)),
    ("ncci edit between {a} and {b} on 1/10/2023", dt.date(2023, 1, 10)),
    ("Can {a} and {b} be reported together on March 1, 2024?", dt.date(2024, 3, 1)),
]
pairs = [
    ("0001U", "0034U"),
    ("0001U", "0049U"),
    ("0001U", "81105"),
    ("0001U", "80503"),
    ("0001U", "0029U"),
    ("0001A", "99213"),
    ("0001A", "36591"),
    ("0001A", "G0443"),
    ("0001M", "80050"),
    ("0001U", "0428U"),
    ("0001U", "0128U"),
    ("0001A", "96523"),
    ("0001U", "0317U"),
    ("0001U", "80500"),
    ("0001A", "90473"),
    ("0001U", "81161"),
    ("0001M", "80502"),
    ("0001A", "99406"),
    ("0001U", "0231U"),
    ("0001U", "81120"),
]
for i, (a, b) in enumerate(pairs):
    tmpl, day = ptp_q[i % len(ptp_q)]
    rows = [r for r in ptp if r["c1"] == a and r["c2"] == b]
    when = day or TABLE_DAY
    act = [r for r in rows if active(r, when) and r["ind"] != 9]
    if act:
        r = act[-1]
        facts = {
            "edit": True,
            "column1": a,
            "column2": b,
            "indicator": r["ind"],
            "rationale": r["rat"],
            "effective": r["eff"].isoformat(),
            "deletion": r["dele"].isoformat() if r["dele"] else None,
            "denied": b,
            "bypass_allowed": r["ind"] == 1,
        }
    elif rows and rows[-1]["ind"] == 9:
        facts = {"indicator": 9, "column1": a, "column2": b}
    else:
        facts = {"edit": False}
    add(tmpl.format(a=a, b=b), "ptp", facts, PSRC, ncci=True)
# modifiers on a PTP pair (NCCI.md: PTP-associated modifiers; indicator 0 allows none)
for a, b, mod, q in [
    ("0001U", "0034U", "59", "Can 0001U and 0034U be billed together with modifier 59?"),
    ("0001U", "0049U", "XU", "can 0001U and 0049U be billed together with modifer XU"),
    ("0001A", "36591", "59", "0001A and 36591 on 6/1/2022 with modifier 59 - bypass?"),
    ("0001M", "80050", "XS", "does XS bypass the edit between 0001M and 80050 on 2018-01-02"),
    ("0001U", "81105", "25", "Can 0001U and 81105 be billed together with modifier 25?"),
    ("0001U", "81107", "GA", "Can 0001U and 81107 be billed together with modifier GA?"),
    ("0001A", "99213", "25", "0001A with 99213-25 on 2023-06-01, allowed?"),
    ("0001U", "0070U", "LT", "bill 0001U and 0070U together with LT"),
]:
    rows = [r for r in ptp if r["c1"] == a and r["c2"] == b]
    day = {
        "36591": dt.date(2022, 6, 1),
        "80050": dt.date(2018, 1, 2),
        "99213": dt.date(2023, 6, 1),
    }.get(b, TABLE_DAY)
    r = [r for r in rows if active(r, day)][-1]
    assoc = mod in {
        "59",
        "XE",
        "XS",
        "XP",
        "XU",
        "LT",
        "RT",
        "25",
        "24",
        "57",
        "58",
        "78",
        "79",
        "27",
        "91",
    }
    add(
        q,
        "ptp",
        {"indicator": r["ind"], "modifier": mod, "bypass": bool(assoc and r["ind"] == 1)},
        PSRC + " + NCCI.md PTP-associated modifiers",
        ncci=True,
    )

# ---------- MUE truth
text = (
    (C / "mue/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv")
    .read_bytes()
    .decode("latin-1")
)
mue = {
    r[0]: (int(r[1]), int(r[2][0]), r[3])
    for r in list(csv.reader(io.StringIO(text, newline="")))[2:]
}
MSRC = "CMS NCCI practitioner MUE 2026-07-01 (corpus excerpt)"
mue_q = [
    "How many units of {c} per day?",
    "MUE for {c}",
    "what is the max units for {c}",
    "mue limit {c}",
    "how many times can {c} be billed in a day",
    "{c} unit limit per day in the office",
    "maximum unts of {c} on 8/1/2026",
    "Medically unlikely edit value for {c}?",
]
for i, c in enumerate(
    [
        "0001U",
        "0002M",
        "0009U",
        "0010U",
        "0016M",
        "0018U",
        "0022U",
        "0026U",
        "0036U",
        "0041U",
        "0004M",
        "0017U",
        "0030U",
        "0038U",
    ]
):
    v, mai, rat = mue[c]
    add(
        mue_q[i % len(mue_q)].format(c=c),
        "mue",
        {"mue_value": v, "mai": mai, "rationale": rat},
        MSRC,
        ncci=True,
    )
for c, units in [("0009U", 3), ("0001U", 1), ("0010U", 2), ("0002M", 4)]:
    v, mai, rat = mue[c]
    add(
        f"Can I bill {units} units of {c}?",
        "mue",
        {"mue_value": v, "exceeds": units > v},
        MSRC,
        ncci=True,
    )
for c in ["J1100", "99213"]:  # not in the excerpt: no published limit there
    add(
        f"How many units of {c} per day?",
        "mue",
        {"mue_value": None},
        MSRC + ": code absent",
        ncci=True,
    )

# ---------- AOC truth
book = openpyxl.load_workbook(C / "aoc/AOC_V2026Q2-MCR.xlsx", read_only=True)
aoc = {}
prim_of = {}
for row in book.worksheets[0].iter_rows(min_row=3, values_only=True):
    cells = [str(x).strip() if x is not None else "" for x in row]
    kind, add_on, _ad, prim, _pd, eff, dele, _n = cells[:8]
    aoc.setdefault(add_on, {"type": int(kind), "prim": set()})
    if not dele and prim != "CCCCC":
        aoc[add_on]["prim"].add(prim)
    if not dele:
        prim_of.setdefault(prim, set()).add(add_on)
ASRC = "CMS NCCI AOC 2026Q2 (AOC_V2026Q2-MCR.xlsx)"
add(
    "Can 0628T be billed without 0627T?",
    "addon",
    {
        "is_addon": True,
        "aoc_type": aoc["0628T"]["type"],
        "primary_listed": "0627T" in aoc["0628T"]["prim"],
    },
    ASRC,
    ncci=True,
)
add(
    "what is the primary code for add-on 0628T",
    "addon",
    {"is_addon": True, "primaries~": sorted(aoc["0628T"]["prim"])},
    ASRC,
    ncci=True,
)
add(
    "Primary codes for 0072U?",
    "addon",
    {"is_addon": True, "primaries~": sorted(aoc["0072U"]["prim"])},
    ASRC,
    ncci=True,
)
add(
    "what add-on codes go with 99213",
    "addon",
    {"is_addon": False, "addons~": sorted(prim_of["99213"])},
    ASRC,
    ncci=True,
)
add(
    "add on codes for 0627T",
    "addon",
    {"is_addon": False, "addons~": sorted(prim_of["0627T"])},
    ASRC,
    ncci=True,
)
add(
    "is 0054T an add-on code?",
    "addon",
    {"is_addon": True, "aoc_type": aoc["0054T"]["type"]},
    ASRC,
    ncci=True,
)
rng = random.Random(14)
addons = sorted(k for k, v in aoc.items() if v["prim"])
aoc_q = [
    "What are the primary codes for add-on code {c}?",
    "{c} add-on primaries",
    "addon {c} needs which primary",
    "which primary procedure is required for {c} (add on)",
    "Is {c} an add-on code?",
]
for i, c in enumerate(rng.sample(addons, 14)):
    f = {"is_addon": True, "aoc_type": aoc[c]["type"]}
    if i % 5 != 4:
        f["primaries~"] = sorted(aoc[c]["prim"])[:5]
    add(aoc_q[i % len(aoc_q)].format(c=c), "addon", f, ASRC, ncci=True)
for a in rng.sample(addons, 6):
    p = sorted(aoc[a]["prim"])[0]
    add(
        f"Can {a} be billed without {p}?",
        "addon",
        {"is_addon": True, "primary_listed": True},
        ASRC,
        ncci=True,
    )

# ---------- describe / validity / hierarchy (ICD-10-CM: CDC tabular via simple_icd_10_cm)
ISRC = "CDC ICD-10-CM tabular (simple_icd_10_cm 1.5.0, April 2026)"
desc_q = [
    "What is {c}?",
    "what is icd-10 code {c}",
    "describe {c}",
    "{c}",
    "meaning of dx code {c}",
    "whats {c}",
    "What does {c} stand for?",
    "define {lc}",
]
dx = [
    "E11.9",
    "I10",
    "J44.1",
    "N18.30",
    "F32.A",
    "Z79.4",
    "M54.50",
    "K21.9",
    "E78.5",
    "J45.909",
    "R05.9",
    "U07.1",
    "S72.001A",
    "O24.410",
    "G43.909",
    "I48.91",
    "E66.01",
    "L03.115",
    "C50.911",
    "A41.9",
    "E11",
    "I25.10",
    "Z00.00",
    "F41.1",
]
for i, c in enumerate(dx):
    add(
        desc_q[i % len(desc_q)].format(c=c, lc=c.lower().replace(".", "")),
        "describe",
        {"code": c, "description": icd.get_description(c), "billable": icd.is_leaf(c)},
        ISRC,
    )
for c, q in [
    ("E11.9", "is E11.9 billable"),
    ("E11", "Is E11 a billable code?"),
    ("I10", "is I10 still valid"),
    ("Z79.4", "is z79.4 valid on 10/01/2025"),
    ("E11.65", "Is E11.65 valid on 2020-01-01?"),
    ("E11.9", "Is E11.9 valid on 2020-01-01?"),
    ("J44.1", "is J44.1 active in FY2024"),
    ("F32.A", "is F32.A valid on 6/1/2022"),
]:
    add(q, "validity", {"code": c, "valid": icd.is_leaf(c)}, ISRC)
# coding knowledge (CMS FY2022 / FY2021 addenda)
add(
    "What replaced M54.5?",
    "validity",
    {"valid": False, "replaced_by~": ["M54.50", "M54.51", "M54.59"]},
    "CMS FY2022 ICD-10-CM addenda: M54.5 expanded",
)
add(
    "Is M54.5 valid on 10/1/2022?",
    "validity",
    {"valid": False, "replaced_by~": ["M54.50", "M54.51", "M54.59"]},
    "CMS FY2022 ICD-10-CM addenda",
)
add(
    "is M54.5 valid on 2021-01-15",
    "validity",
    {"valid": True},
    "ICD-10-CM FY2021: M54.5 billable until 2021-09-30",
)
add(
    "was R05 deleted?",
    "validity",
    {"valid": False, "replaced_by~": ["R05.1", "R05.9"]},
    "CMS FY2022 ICD-10-CM addenda: R05 expanded",
)
add("Is R05 valid on 2021-06-01?", "validity", {"valid": True}, "ICD-10-CM FY2021: R05 billable")
add("Is U07.1 valid on 3/1/2020?", "validity", {"valid": False}, "CDC: U07.1 effective 2020-04-01")
add("Is U07.1 valid on 5/1/2020?", "validity", {"valid": True}, "CDC: U07.1 effective 2020-04-01")
add("is e11.9 still valid", "validity", {"valid": True}, ISRC)
add(
    "is N18.3 valid on 2020-06-01",
    "validity",
    {"valid": True},
    "ICD-10-CM FY2020: N18.3 billable until 2020-09-30 (expanded in FY2021)",
)
add(
    "N18.3 replaced by what",
    "validity",
    {"valid": False, "replaced_by~": ["N18.30", "N18.31", "N18.32"]},
    "CMS FY2021 addenda: N18.3 expanded (effective 2020-10-01)",
)
hier_q = [
    "What's under {c}?",
    "children of {c}",
    "list the codes under {c}",
    "subcodes of {c}",
    "more specific codes for {c}",
    "what codes are below {c}",
]
for i, c in enumerate(
    ["E11", "E11.4", "I10", "J44", "M54.5", "R05", "E11.6", "S72.00", "N18", "F32"]
):
    kids = icd.get_children(c)
    add(
        hier_q[i % len(hier_q)].format(c=c),
        "hierarchy",
        {"children": kids, "count": len(kids)},
        ISRC,
    )
for c in ["E11.9", "E11.40", "J44.1"]:
    add(f"what is the parent of {c}", "hierarchy", {"parent": icd.get_parent(c)}, ISRC)
for a, b in [
    ("E11.9", "E11.65"),
    ("E11.9", "E10.9"),
    ("I10", "I11.9"),
    ("J44.1", "J44.0"),
    ("E11.40", "E11.42"),
    ("M54.50", "M54.59"),
]:
    common = next((x for x in icd.get_ancestors(b) if x in icd.get_ancestors(a)), None)
    add(
        [f"compare {a} and {b}", f"What's the difference between {a} and {b}?", f"{a} vs {b}"][
            len(out) % 3
        ],
        "compare",
        {"code~": [a, b], "common_parent": common},
        ISRC,
    )
add("compare E11.9 and J1100 (hcpcs)", "compare", {"code~": ["E11.9"]}, ISRC)

# ---------- ICD-10-PCS (CMS order excerpt)
PSRC2 = "CMS ICD-10-PCS FY2025 codes file (corpus excerpt)"
pcs = dict(
    l.rstrip("\n").split(" ", 1) for l in open(C / "icd10pcs/icd10pcs_codes_2025.excerpt.txt")
)
for i, c in enumerate(sorted(pcs)[::30][:5]):
    add(
        [
            "What is {c}?",
            "icd-10-pcs {c}",
            "describe procedure code {c}",
            "what does {c} mean",
            "{c} pcs",
        ][i].format(c=c),
        "describe",
        {"code": c, "description": pcs[c]},
        PSRC2,
    )

# ---------- HCPCS (CMS 2019 annual file, complete): short descriptions
H19 = "CMS HCPCS 2019 annual file (HCPC2019_CONTR_ANWEB.txt), short description"
h19 = {}
for l in open(C / "hcpcs/HCPC2019_CONTR_ANWEB.txt", encoding="latin-1"):
    if len(l) > 120 and l[5:10] == "00100":
        h19.setdefault(l[:5], l[91:119].strip())
hq = [
    "What is HCPCS {c}?",
    "what is {c}",
    "describe hcpcs code {c}",
    "{c} hcpcs meaning",
    "what's {c}",
]
for i, c in enumerate(
    ["J1100", "A4253", "E0130", "G0008", "J3420", "A4772", "E0601", "J0696", "E0114", "A0428"]
):
    add(
        hq[i % len(hq)].format(c=c),
        "describe",
        {"code": c, "code_set": "hcpcs", "description": h19[c]},
        H19,
    )
CSRC = "AMA CPT numbering (Category I / III), as CMS's IOCE lists CPT numbers"
for q, c in [
    ("what is cpt code 99213", "99213"),
    ("CPT 99214?", "99214"),
    ("what is 0627T", "0627T"),
    ("describe cpt 36591", "36591"),
    ("What is 81105?", "81105"),
]:
    add(q, "describe", {"code": c, "code_set": "cpt"}, CSRC)

# ---------- GEMs (CMS 2018 GEM files)
gem9 = {}
for l in open(C / "gems/2018_I9gem.txt"):
    s, t, fl = l.split()
    gem9.setdefault(s, []).append((t, fl))


def dot9(c):
    return c if len(c) <= 3 else (c[:4] + "." + c[4:] if c[0] == "E" else c[:3] + "." + c[3:])


def dot10(c):
    return c if len(c) <= 3 else c[:3] + "." + c[3:]


GSRC = "CMS 2018 GEMs (2018_I9gem.txt)"
map_q = [
    "What did {c} map to?",
    "icd-9 {c} to icd-10",
    "convert {c} to ICD-10",
    "ICD-10 equivalent of {c}",
    "crosswalk {c}",
    "what's the icd10 code for icd9 {c}",
    "GEM for {c}",
]
for i, c in enumerate(
    [
        "25000",
        "4019",
        "4280",
        "49390",
        "5990",
        "78650",
        "V5867",
        "2724",
        "311",
        "41401",
        "53081",
        "2859",
    ]
):
    tg = [dot10(t) for t, fl in gem9[c] if t != "NoDx"]
    add(
        map_q[i % len(map_q)].format(c=dot9(c)),
        "map",
        {"targets~": sorted(set(tg))},
        GSRC,
        ncci=True,
    )
gem10 = {}
for l in open(C / "gems/2018_I10gem.txt"):
    s, t, fl = l.split()
    gem10.setdefault(s, []).append((t, fl))
for i, c in enumerate(["E119", "I10", "J449", "N390", "E785", "F329", "K219", "R079"]):
    tg = [dot9(t) for t, fl in gem10[c] if t != "NoDx"]
    add(
        ["What is {c} in ICD-9?", "{c} to icd 9", "map {c} to icd-9-cm", "icd9 equivalent of {c}"][
            i % 4
        ].format(c=dot10(c)),
        "map",
        {"targets~": sorted(set(tg))},
        "CMS 2018 GEMs (2018_I10gem.txt)",
        ncci=True,
    )

# ---------- HCC (hccpy's CMS mapping files)
import hccpy

d = os.path.dirname(hccpy.__file__) + "/data/"
v28 = {}
for l in open(d + "F2823T2N_FY22FY23.TXT"):
    p = l.split()
    if len(p) >= 2:
        v28.setdefault(p[0], set()).add(p[1])
v24 = {}
for l in open(d + "F24_AllYearsCombined.TXT"):
    p = l.split()
    if len(p) >= 2:
        v24.setdefault(p[0], set()).add(p[1])
hcc_q = [
    "HCC for {c}",
    "what hcc does {c} map to",
    "Does {c} risk adjust?",
    "{c} hcc v28",
    "risk adjustment category for {c}",
]
for i, c in enumerate(
    [
        "E119",
        "E1122",
        "I5022",
        "J449",
        "N184",
        "F329",
        "E6601",
        "C50911",
        "I10",
        "Z794",
        "E1140",
        "F200",
    ]
):
    hs = v28.get(c, set())
    f = {"hcc|": sorted(hs)} if hs else {"hcc": None}
    add(hcc_q[i % len(hcc_q)].format(c=dot10(c)), "hcc", f, "CMS V28 mappings (hccpy F2823T2N)")
for c in ["E119", "E1122", "I5022", "J449"]:
    add(
        f"V24 HCC for {dot10(c)}",
        "hcc",
        {"hcc|": sorted(v24[c]), "model": "hcc:V24"},
        "CMS V24 mappings (hccpy F24)",
    )

# ---------- modifiers (NCCI.md list)
assoc = set(
    "E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LT RT LC LD RC LM RI 24 25 57 58 78 79 27 59 91 XE XS XP XU".split()
)
mod_q = [
    "What does modifier {m} mean?",
    "modifier {m}",
    "what is mod {m}",
    "Does modifier {m} bypass NCCI edits?",
    "meaning of modifer {m}",
]
for i, m in enumerate(["59", "25", "XS", "LT", "XU", "GA", "26", "TC", "RT", "91", "76", "KX"]):
    add(
        mod_q[i % len(mod_q)].format(m=m),
        "modifier",
        {"modifier": m, "ptp_associated": m in assoc},
        "NCCI.md: PTP-associated modifiers",
    )

# ---------- find (coding knowledge: ICD-10-CM index / HCPCS)
FSRC = "ICD-10-CM alphabetic index / tabular (coding knowledge)"
finds = [
    (
        "ICD-10 for type 2 diabetes with neuropathy",
        ["E11.40", "E11.42", "E11.41", "E11.43", "E11.44", "E11.49"],
    ),
    ("what's the icd 10 code for hypertension", ["I10"]),
    ("icd10 code for htn", ["I10"]),
    ("code for copd exacerbation", ["J44.1"]),
    ("dx code for low back pain", ["M54.50", "M54.59"]),
    ("ICD-10 code for UTI", ["N39.0"]),
    ("icd 10 for urinary tract infection", ["N39.0"]),
    ("diagnosis code for chronic kidney disease stage 3", ["N18.30", "N18.31", "N18.32"]),
    ("what code for hyperlipidemia", ["E78.5", "E78.4", "E78.49", "E78.2"]),
    ("icd-10 for gerd", ["K21.9", "K21.90", "K21.00"]),
    ("code for major depressive disorder single episode", ["F32.9", "F32.A"]),
    ("icd-10 for atrial fibrillation", ["I48.91", "I48.20", "I48.0"]),
    ("ICD-10 code for type 2 diabetes without complications", ["E11.9"]),
    ("code for morbid obesity", ["E66.01"]),
    ("icd 10 for acute cough", ["R05.1"]),
    ("diabetis type 2 with hyperglycemia icd-10", ["E11.65"]),
    ("HCPCS code for blood glucose test strips", ["A4253", "A4772"]),
    ("hcpcs for walker", ["E0130", "E0135", "E0143", "E0141"]),
    (
        "icd-10 code for asthma",
        ["J45.909", "J45.20", "J45.901", "J45.998", "J45.50", "J45.40", "J45.30"],
    ),
    ("code for migraine", ["G43.909", "G43.009", "G43.909", "G43.919", "G43.109"]),
    ("icd 10 for sepsis", ["A41.9"]),
    ("what is the code for chest pain", ["R07.9", "R07.89"]),
]
for q, codes in finds:
    add(q, "find", {"codes|": codes}, FSRC)


# ---------- harder phrasing (lay terms, typos, no punctuation), same truths
def ptp_facts(a, b, day=TABLE_DAY):
    rows = [r for r in ptp if r["c1"] == a and r["c2"] == b and active(r, day) and r["ind"] != 9]
    return {"edit": True, "indicator": rows[-1]["ind"], "denied": b} if rows else {"edit": False}


for q, a, b in [
    ("my coder says 0001U and 0034U cant go on the same claim, true?", "0001U", "0034U"),
    ("is there an ncci bundling edit for 0001U + 81111", "0001U", "81111"),
    ("0001U 0029U bundled?", "0001U", "0029U"),
    ("will medicare deny 0034U if its billed with 0001U", "0001U", "0034U"),
    ("0001u and 0086u same day ok?", "0001U", "0086U"),
    ("CAN I BILL 0001U AND 81163 TOGETHER", "0001U", "81163"),
]:
    add(q, "ptp", ptp_facts(a, b), PSRC, ncci=True)
for q, c in [
    ("whats the MUE on 0017U", "0017U"),
    ("how many 0036U can i bill per patient per day", "0036U"),
    ("units allowed for 0040U", "0040U"),
    ("max number of units 0011M", "0011M"),
]:
    add(q, "mue", {"mue_value": mue[c][0], "mai": mue[c][1]}, MSRC, ncci=True)
add(
    "does 0628T need a primary code",
    "addon",
    {"is_addon": True, "primaries~": sorted(aoc["0628T"]["prim"])},
    ASRC,
    ncci=True,
)
add("G2211 add on - what primary codes?", "addon", {"is_addon": True}, ASRC, ncci=True)
for q, codes in [
    ("code for high blood pressure", ["I10"]),
    ("icd10 for heart attack", ["I21.9", "I21.A1", "I21.3", "I21.4", "I21.0*", "I21.1*", "I21.2*"]),
    ("dx for pneumonia", ["J18.9", "J18.8", "J18.1", "J18.0"]),
    (
        "what's the diagnosis code for flu",
        ["J11.1", "J11.00", "J11.89", "J10.1", "J11.2", "J11.8*"],
    ),
    ("icd 10 code for obesity", ["E66.9", "E66.01", "E66.8*"]),
    ("code for anxiety", ["F41.9", "F41.1", "F41.8"]),
    ("broken hip icd10", ["S72.0*", "S72.1*", "S72.2*"]),
    ("hcpcs code for crutches", ["E0110", "E0111", "E0112", "E0113", "E0114", "E0116"]),
    ("icd-10 for kidney stone", ["N20.0", "N20.9", "N20.1", "N20.2"]),
    ("dx code for sore throat", ["J02.9", "J02.8", "J02.0"]),
]:
    add(q, "find", {"codes|": codes}, FSRC)
for q, c in [
    ("wat is E119", "E11.9"),
    ("E11.65 meaning??", "E11.65"),
    ("i10?", "I10"),
    ("tell me about j44.1", "J44.1"),
]:
    add(q, "describe", {"code": c, "description": icd.get_description(c)}, ISRC)
add(
    "can i still use M54.5 for low back pain",
    "validity",
    {"valid": False},
    "CMS FY2022 ICD-10-CM addenda",
)
add(
    "is R05 ok to bill in 2023",
    "validity",
    {"valid": False},
    "CMS FY2022 ICD-10-CM addenda: R05 expanded",
)
add(
    "whats the icd-9 for E11.9",
    "map",
    {"targets~": ["250.00"]},
    "CMS 2018 GEMs (2018_I10gem.txt)",
    ncci=True,
)
add("250.00 in icd10?", "map", {"targets~": ["E11.9"]}, GSRC, ncci=True)
add(
    "does diabetes code E11.9 risk adjust in v28",
    "hcc",
    {"hcc|": sorted(v28["E119"])},
    "CMS V28 mappings (hccpy F2823T2N)",
)
add("raf hcc for J44.1", "hcc", {"hcc|": sorted(v28["J441"])}, "CMS V28 mappings (hccpy F2823T2N)")
add("show me the codes under I10", "hierarchy", {"count": len(icd.get_children("I10"))}, ISRC)
add(
    "what's modifier XE for",
    "modifier",
    {"modifier": "XE", "ptp_associated": True},
    "NCCI.md: PTP-associated modifiers",
)
add(
    "is modifier 25 a ptp modifier",
    "modifier",
    {"modifier": "25", "ptp_associated": True},
    "NCCI.md: PTP-associated modifiers",
)
add(
    "E11.9 or E11.8, whats the difference",
    "compare",
    {"code~": ["E11.9", "E11.8"], "common_parent": "E11"},
    ISRC,
)

with open(OUT, "w") as fh:
    fh.write(
        "// codekit.ask question set: question, expected intent, expected facts and where they come from.\n"
    )
    fh.write(
        "// Facts: name = value (the answer's first fact of that name), name~ = every listed value\n"
    )
    fh.write(
        "// is among the answer's values, name| = one of the answer's values is listed (X* = a prefix). corpus: needs\n"
    )
    fh.write(
        "// the corpus files installed as packs (NCCI PTP v32.2 f1 excerpt, MUE 2026-07-01 excerpt,\n"
    )
    fh.write("// AOC 2026Q2, 2018 GEMs).\n")
    for item in out:
        fh.write(json.dumps(item) + "\n")
from collections import Counter

print(len(out), Counter(i["intent"] for i in out), file=sys.stderr)
