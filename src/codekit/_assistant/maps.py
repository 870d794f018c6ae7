"""Answers from crosswalks and modifiers: map between code sets, HCC, modifier meaning."""

from __future__ import annotations

import datetime as dt

from codekit._assistant.build import (
    QUESTION,
    Builder,
    code_citation,
    crosswalk_citation,
    crosswalk_title,
    title,
)
from codekit._assistant.codes import resolved_codes
from codekit._assistant.intent import Request
from codekit._assistant.model import Citation

__all__ = ["hcc", "map_code", "modifier"]

#: Where a code maps to when the question names no target code set.
_DEFAULT_TARGET = {
    "icd9cm": "icd10cm",
    "icd10cm": "icd9cm",
    "icd9pcs": "icd10pcs",
    "icd10pcs": "icd9pcs",
}
_HCC_NAMES = {
    "hcc:V28": "CMS-HCC V28",
    "hcc:V24": "CMS-HCC V24",
    "hcc:V22": "CMS-HCC V22",
    "hcc:ESRD_V24": "CMS-HCC ESRD V24",
    "rxhcc:V08": "RxHCC V08",
}


def _target(request: Request, source: str) -> str | None:
    for hint in request.hints:
        if hint != source and hint in (
            "icd9cm",
            "icd10cm",
            "icd9pcs",
            "icd10pcs",
            "ccsr",
            "drg:cc",
        ):
            if source in ("icd9cm", "icd10cm") and hint in ("icd9pcs", "icd10pcs"):
                continue
            return hint
    return _DEFAULT_TARGET.get(source)


def _flags(mapping: object) -> str:
    words = []
    if getattr(mapping, "approximate", False):
        words.append("approximate")
    if getattr(mapping, "combination", False):
        words.append(
            f"part of combination scenario {getattr(mapping, 'scenario', 0)}, "
            f"choice list {getattr(mapping, 'choice_list', 0)}"
        )
    return f" ({', '.join(words)})" if words else " (exact)"


def map_code(builder: Builder, request: Request) -> None:
    import codekit
    from codekit.exceptions import CodekitError

    for code in resolved_codes(builder, request):
        target = _target(request, code.code_set)
        if target is None:
            builder.missing(
                f"codekit has no crosswalk from {title(code.code_set)} {code.code}; crosswalks "
                "map ICD-9-CM and ICD-10-CM diagnoses and procedures (GEMs), HCCs, CCSR and "
                "MS-DRG CC/MCC",
                QUESTION,
            )
            continue
        try:
            mappings = codekit.crosswalk(code.code, to=target, source=code.code_set, as_of=None)
        except CodekitError as error:
            builder.missing(f"{code.code} to {target}: {error}")
            continue
        if not mappings:
            builder.say(
                f"The {crosswalk_title(target, code.code_set)} crosswalk does not list {code.code}",
                Citation("crosswalk", crosswalk_title(target, code.code_set)),
                targets=(),
            )
            continue
        cite = crosswalk_citation(target, code.code_set, mappings[0].release)
        named = crosswalk_title(target, code.code_set)
        if mappings[0].no_map:
            builder.say(
                f"In the {named} {mappings[0].release}, {code.code} has no map to {title(target)}",
                cite,
                targets=(),
                no_map=True,
            )
            continue
        targets = tuple(dict.fromkeys(m.target for m in mappings if m.target))
        described = dict(
            zip(
                targets,
                codekit.describe_many(targets, code_set=mappings[0].target_code_set),
                strict=True,
            )
        )
        parts = [f"{m.target}{_flags(m)}" for m in mappings if m.target is not None]
        builder.say(
            f"In the {named} {mappings[0].release}, {code.code} maps "
            f"to {'; '.join(dict.fromkeys(parts))}",
            cite,
            code=code.code,
            targets=targets,
            approximate=all(m.approximate for m in mappings),
            combination=any(m.combination for m in mappings),
        )
        for target_code in targets[:6]:
            text = described.get(target_code)
            if text:
                found = codekit.get(target_code, code_set=mappings[0].target_code_set)
                if found is not None:
                    builder.say(f'{target_code} is "{text}"', code_citation(found))


def _hcc_model(request: Request) -> str:
    return next((h for h in request.hints if h in _HCC_NAMES), "hcc:V28")


def hcc(builder: Builder, request: Request) -> None:
    import codekit
    from codekit.exceptions import CodekitError

    model = _hcc_model(request)
    year = _payment_year(model, request.as_of)
    for code in resolved_codes(builder, request):
        if code.code_set != "icd10cm":
            builder.missing(
                f"HCCs are assigned to ICD-10-CM diagnoses; {code.code} is a "
                f"{title(code.code_set)} code",
                code_citation(code),
            )
            continue
        try:
            mappings = codekit.crosswalk(code.code, to=model, release=year)
        except CodekitError as error:
            builder.missing(f"{code.code} to {model}: {error}")
            continue
        release = mappings[0].release if mappings else (year or _newest(model))
        cite = crosswalk_citation(model, "icd10cm", release)
        name = _HCC_NAMES[model]
        if not mappings:
            builder.say(
                f"{code.code} maps to no HCC in {name} (payment year {release})",
                cite,
                code=code.code,
                hcc=None,
                model=model,
                payment_year=release,
            )
            continue
        for mapping in mappings:
            builder.say(
                f'{code.code} maps to {name} HCC {mapping.target} "{mapping.description}" '
                f"(payment year {mapping.release})",
                cite,
                code=code.code,
                hcc=mapping.target,
                hcc_label=mapping.description,
                model=model,
                payment_year=mapping.release,
            )


def _newest(model: str) -> str:
    import codekit

    for crosswalk in codekit.crosswalks():
        if crosswalk.name == model and crosswalk.releases:
            return crosswalk.releases[-1].release
    return ""


def _payment_year(model: str, day: dt.date | None) -> str | None:
    import codekit

    if day is None:
        return None
    for crosswalk in codekit.crosswalks():
        if crosswalk.name == model:
            years = {r.release for r in crosswalk.releases}
            if str(day.year) in years:
                return str(day.year)
    return None


def modifier(builder: Builder, request: Request) -> None:
    import codekit
    import codekit.ncci

    day = request.as_of or dt.date.today()
    associated = codekit.ncci.ptp_modifiers_on(day)
    rule = Citation(
        "rule",
        "NCCI PTP-associated modifiers (codekit.ncci.PTP_MODIFIERS, per the NCCI policy manual)",
    )
    for written in request.modifiers:
        found = codekit.get(written, code_set="modifier", as_of=request.as_of)
        if found is None:
            builder.missing(f"{written} is not a modifier in the installed modifier list", QUESTION)
            continue
        cite = code_citation(found)
        if found.description:
            builder.say(
                f'Modifier {found.code} is "{found.description}" ({title("modifier")} '
                f"{found.release})",
                cite,
                modifier=found.code,
                description=found.description,
            )
        elif found.code[:1].isdigit():
            builder.say(
                f"Modifier {found.code} is a CPT modifier in the modifier list {found.release}; "
                "its descriptor is AMA-licensed and shown only when a licensed plugin supplies it",
                cite,
                modifier=found.code,
            )
        else:
            builder.say(
                f"Modifier {found.code} is in the modifier list {found.release}, but no "
                "description of it is installed (install the HCPCS release file as a pack)",
                cite,
                modifier=found.code,
            )
        if found.code in associated:
            builder.say(
                f"{found.code} is an NCCI PTP-associated modifier: on the column 2 code's line "
                "it bypasses a PTP edit whose modifier indicator is 1, never one whose "
                "indicator is 0",
                rule,
                ptp_associated=True,
            )
        else:
            builder.say(
                f"{found.code} is not an NCCI PTP-associated modifier: it bypasses no PTP edit",
                rule,
                ptp_associated=False,
            )
