"""Answers about codes of the code sets: describe, compare, validity, hierarchy, find."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from codekit._assistant.build import QUESTION, Builder, code_citation, title
from codekit._assistant.intent import Request, _content_words
from codekit._assistant.model import Citation
from codekit._assistant.resolve import describe_code, resolve, say_problem

if TYPE_CHECKING:
    from codekit.models import Code

__all__ = ["compare", "describe", "find", "hierarchy", "validity"]

_LISTED = 12


def _code_set_hint(request: Request) -> str | None:
    for hint in request.hints:
        if hint in ("icd10cm", "icd10pcs", "hcpcs", "cpt", "icd9cm", "icd9pcs"):
            return hint
    return None


def resolved_codes(builder: Builder, request: Request) -> list[Code]:
    """The question's codes that name one code each (problems are said)."""
    out = []
    hint = _code_set_hint(request)
    for written, shape in request.codes:
        found = resolve(written, shape, as_of=request.as_of)
        if found.code is None and hint is not None:
            named = resolve(written, shape, as_of=request.as_of, code_set=hint)
            found = named if named.code is not None else found
        if found.code is None:
            say_problem(builder, found)
        else:
            out.append(found.code)
    return out


def describe(builder: Builder, request: Request) -> None:
    for code in resolved_codes(builder, request):
        describe_code(builder, code)


def compare(builder: Builder, request: Request) -> None:
    codes = resolved_codes(builder, request)
    for code in codes:
        describe_code(builder, code)
    if len(codes) < 2:
        return
    first, second = codes[0], codes[1]
    if first.code_set != second.code_set:
        builder.say(
            f"{first.code} and {second.code} are of different code sets "
            f"({title(first.code_set)} and {title(second.code_set)})",
            code_citation(second),
            same_code_set=False,
        )
        return
    above = {a.code for a in first.ancestors()}
    common = next((a for a in second.ancestors() if a.code in above), None)
    if first.code in {a.code for a in second.ancestors()}:
        common = first
    if common is not None:
        builder.say(
            f'Both are under {common.code} ("{common.description}") in '
            f"{title(common.code_set)} {common.release}",
            code_citation(common),
            common_parent=common.code,
            same_code_set=True,
        )


def _history_day(code: Code, day: dt.date) -> Code | None:
    import codekit

    return codekit.get(code.code, code_set=code.code_set, as_of=day)


def validity(builder: Builder, request: Request) -> None:
    import codekit
    from codekit.exceptions import CodekitError

    day = request.as_of
    for written, shape in request.codes:
        found = resolve(written, shape, as_of=day)
        if found.code is None and not found.readings:
            newest = resolve(written, shape, as_of=None)
            if newest.code is None:
                say_problem(builder, found)
                continue
            _deleted(builder, newest.code, day)
            continue
        if found.code is None:
            say_problem(builder, found)
            continue
        code = found.code
        when = f"on {day.isoformat()}" if day else f"in {title(code.code_set)} {code.release}"
        try:
            valid = codekit.is_valid(code.code, code_set=code.code_set, as_of=day or None)
        except CodekitError as error:
            builder.missing(str(error))
            continue
        cite = code_citation(code)
        if valid:
            builder.say(
                f"{code.code} is valid and billable {when} ({title(code.code_set)} {code.release})",
                cite,
                code=code.code,
                valid=True,
                release=code.release,
            )
            continue
        if not code.billable:
            below = tuple(c.code for c in code.children())
            builder.say(
                f"{code.code} is not valid for reporting {when}: in {title(code.code_set)} "
                f"{code.release} it is a {code.kind} heading, not billable",
                cite,
                code=code.code,
                valid=False,
                release=code.release,
            )
            if below:
                builder.say(
                    f"Report one of the codes below it instead: {_code_list(code.children())}",
                    cite,
                    replaced_by=below,
                )
            _when_changed(builder, code)
            continue
        builder.say(
            f"{code.code} is in {title(code.code_set)} {code.release} but not in force {when}",
            cite,
            code=code.code,
            valid=False,
        )


def _when_changed(builder: Builder, code: Code) -> None:
    import codekit

    page = codekit.page(code.code, code_set=code.code_set)
    for entry in page.history_entries:
        if entry.change in ("revised", "deleted", "added") and entry.billable is not None:
            state = "billable" if entry.billable else "not billable"
            builder.say(
                f"{code.code} became {state} in {title(code.code_set)} {entry.release} "
                f"(effective {entry.effective.isoformat()})",
                Citation("code_set", f"{title(code.code_set)} {entry.release}", entry.release, ""),
                changed=entry.release,
            )


def _deleted(builder: Builder, newest: Code, day: dt.date | None) -> None:
    import codekit

    page = codekit.page(newest.code, code_set=newest.code_set)
    cite = code_citation(newest)
    when = f"on {day.isoformat()}" if day else "now"
    deleted = [e for e in page.history_entries if e.change == "deleted"]
    added = [e for e in page.history_entries if e.change in ("added", "present")]
    if deleted:
        entry = deleted[-1]
        builder.say(
            f"{newest.code} is not valid {when}: it was deleted from {title(newest.code_set)} "
            f"in {entry.release} (effective {entry.effective.isoformat()})",
            Citation("code_set", f"{title(newest.code_set)} {entry.release}", entry.release, ""),
            code=newest.code,
            valid=False,
            deleted_in=entry.release,
        )
        return
    first = added[0] if added else None
    since = (
        f" (it is in releases from {first.release}, effective {first.effective})" if first else ""
    )
    builder.say(
        f"{newest.code} is not a code of {title(newest.code_set)} in force {when}{since}",
        cite,
        code=newest.code,
        valid=False,
    )


def _code_list(codes: tuple[Code, ...] | list[Code]) -> str:
    shown = [f'{c.code} "{c.description}"' if c.description else c.code for c in codes[:_LISTED]]
    more = f" and {len(codes) - _LISTED} more" if len(codes) > _LISTED else ""
    return "; ".join(shown) + more


def hierarchy(builder: Builder, request: Request) -> None:
    upward = request.parsed is not None and request.parsed.has("parent", "above")
    for code in resolved_codes(builder, request):
        cite = code_citation(code)
        where = f"{title(code.code_set)} {code.release}"
        if upward:
            ancestors = code.ancestors()
            if not ancestors:
                builder.say(f"{code.code} is at the top of {where}", cite, parent=None)
                continue
            builder.say(
                f"Above {code.code} in {where}: {_code_list(ancestors)}",
                cite,
                parent=ancestors[0].code,
                ancestors=tuple(a.code for a in ancestors),
            )
            continue
        children = code.children()
        if not children:
            builder.say(
                f"Nothing is under {code.code} in {where}: it is the most specific level",
                cite,
                children=(),
                count=0,
            )
            continue
        label = f' ("{code.description}")' if code.description else ""
        builder.say(
            f"Under {code.code}{label} {where} lists {len(children)} items: {_code_list(children)}",
            cite,
            children=tuple(c.code for c in children),
            count=len(children),
        )


def find(builder: Builder, request: Request) -> None:
    import codekit

    terms = " ".join(_content_words(request.parsed)) if request.parsed else request.text
    hint = _code_set_hint(request)
    if hint == "cpt":
        builder.missing(
            "CPT descriptors are AMA-licensed and not shipped with codekit, so CPT codes "
            "cannot be searched by words unless a licensed CPT plugin is installed",
            Citation("rule", "codekit data policy: CPT descriptors only from a licensed plugin"),
        )
        return
    builder.understood["search"] = terms
    results = codekit.search(terms, code_sets=hint, limit=5, as_of=request.as_of)
    hits = list(results)
    words = terms.split()
    if words and all(w in results.corrections or w in results.ignored for w in words):
        hits = []
    preferred = [h for h in hits if h.billable] or hits
    if not preferred:
        builder.missing(f'No code matches "{terms}" in the installed code sets', QUESTION)
        return
    shown = preferred[:3]
    for hit in shown:
        cite = Citation("code_set", f"{title(hit.code_set)} {hit.release}", hit.release, "")
        billable = "billable" if hit.billable else "not billable"
        builder.say(
            f'{hit.code} "{hit.description}" ({title(hit.code_set)} {hit.release}, {billable}) '
            f'matches "{terms}"',
            cite,
            match=hit.code,
        )
    first = Citation(
        "code_set", f"{title(shown[0].code_set)} {shown[0].release}", shown[0].release, ""
    )
    builder.add_fact("codes", tuple(h.code for h in shown), first)
