"""Properties of the HCPCS readers: any file in the record layout reads back what was written,
and the fixed-width and spreadsheet readers agree."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from codekit._importers import hcpcs

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789,()/-", min_size=1, max_size=12)
_TEXT = st.lists(_WORD, min_size=1, max_size=40).map(" ".join)
_CODE = st.from_regex(r"[A-V][0-9]{4}", fullmatch=True)
_MODIFIER = st.from_regex(r"[0-9A-Z]{2}", fullmatch=True)
_DATE = st.dates(dt.date(1980, 1, 1), dt.date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


@st.composite
def _entries(draw: st.DrawFn) -> list[tuple[str, bool, str, str, str]]:
    codes = draw(st.lists(_CODE, unique=True, max_size=8))
    modifiers = draw(st.lists(_MODIFIER, unique=True, max_size=5))
    found = []
    for code, modifier in [(m, True) for m in modifiers] + [(c, False) for c in codes]:
        found.append((code, modifier, draw(_TEXT), draw(_TEXT)[:28].strip(), draw(_DATE)))
    return found


def _record(hcpc: str, seq: int, recid: str, long: str, **fields: str) -> str:
    line = [" "] * hcpcs.RECORD_LENGTH
    values = {"HCPC": hcpc, "SEQNUM": f"{seq:05d}", "RECID": recid, "LONG DESCRIPTION": long}
    values.update(fields)
    for name, start, end in hcpcs.FIELDS:
        line[start - 1 : end] = list(values.get(name, "").ljust(end - start + 1))
    return "".join(line)


@given(entries=_entries(), preamble=st.integers(0, 9))
def test_fixed_width_reads_back_and_agrees_with_the_table_reader(
    entries: list[tuple[str, bool, str, str, str]], preamble: int
) -> None:
    import tempfile

    lines = [("*Disclaimer line\t\t" if i % 2 else "\t\t\t") for i in range(preamble)]
    rows: list[list[str]] = [list(hcpcs.COLUMNS)]
    for code, modifier, long, short, added in entries:
        hcpc = f"   {code}" if modifier else code
        parts = textwrap.wrap(long, 80, break_on_hyphens=False)
        first, rest = ("7", "8") if modifier else ("3", "4")
        lines.append(_record(hcpc, 100, first, parts[0], **{"SHORT DESCRIPTION": short,
                                                             "ADD DT": added}))  # fmt: skip
        lines += [_record(hcpc, 100 * (i + 2), rest, part) for i, part in enumerate(parts[1:])]
        row = dict.fromkeys(hcpcs.COLUMNS, "")
        row.update({"HCPC": hcpc, "RECID": first, "LONG DESCRIPTION": long,
                    "SHORT DESCRIPTION": short, "ADD DT": added})  # fmt: skip
        rows.append([row[c] for c in hcpcs.COLUMNS])
    if not entries:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "HCPC2030_JAN_ANWEB.txt"
        path.write_bytes("".join(f"{line}\r\n" for line in lines).encode("latin-1"))
        parsed = hcpcs.parse_text(path)
    assert parsed.stats["preamble"] == preamble
    assert parsed.stats["lines"] == len(lines)
    table = hcpcs.parse_rows(rows, "table")
    assert [(e.code, e.modifier, e.long, e.short) for e in parsed.entries] == [
        (code, modifier, " ".join(long.split()), short)
        for code, modifier, long, short, _ in entries
    ]
    assert [(e.code, e.long, dict(e.columns) | {"SEQNUM": "", "LONG DESCRIPTION": ""})
            for e in parsed.entries] == [
        (e.code, e.long, dict(e.columns) | {"SEQNUM": "", "LONG DESCRIPTION": ""})
        for e in table.entries
    ]  # fmt: skip
    for entry, (_, _, _, _, added) in zip(parsed.entries, entries, strict=True):
        attributes = hcpcs.attributes(entry, {})
        iso = f"{added[:4]}-{added[4:6]}-{added[6:]}"
        assert attributes["added"] == iso
