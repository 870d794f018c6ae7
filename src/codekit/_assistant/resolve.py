"""From a code written in a question to the code (or codes) of codekit's data it names."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import attrs

from codekit._assistant.build import QUESTION, Builder, code_citation, title

if TYPE_CHECKING:
    from codekit.models import Code

__all__ = ["Resolved", "cpt_descriptor", "describe_code", "resolve"]

_ICD9 = re.compile(r"(?:[0-9]{3}|V[0-9]{2}|E[0-9]{3})\.[0-9]{1,2}")


@attrs.frozen
class Resolved:
    """A code of the question: its :class:`Code` when found, else why not."""

    written: str
    code: Code | None = None
    readings: tuple[Code, ...] = ()
    problem: str = ""


def resolve(
    written: str,
    shape: str,
    *,
    as_of: dt.date | None,
    code_set: str | None = None,
) -> Resolved:
    """Look ``written`` up as a code of its shape (ICD-9-shaped codes in ICD-9-CM).

    A code of ICD-9-CM's shape that no detected code set holds (``V58.67``) is looked up
    in ICD-9-CM, which is never identified by shape alone.
    """
    found = _resolve(written, shape, as_of=as_of, code_set=code_set)
    if found.code is None and not found.readings and code_set is None and _ICD9.fullmatch(written):
        icd9 = _resolve(written, "icd9cm", as_of=None, code_set="icd9cm")
        if icd9.code is not None:
            return icd9
    return found


def _resolve(
    written: str,
    shape: str,
    *,
    as_of: dt.date | None,
    code_set: str | None = None,
) -> Resolved:
    import codekit
    from codekit.exceptions import (
        AmbiguousCodeError,
        CodekitError,
        UnknownCodeError,
        UnknownReleaseError,
    )

    if code_set is None and shape in ("icd9cm", "icd9pcs", "icd10pcs"):
        code_set = shape
    try:
        found = codekit.lookup(written, code_set=code_set, as_of=as_of)
    except AmbiguousCodeError as error:
        readings = []
        for name, canonical in error.candidates.items():
            reading = codekit.get(canonical, code_set=name, as_of=as_of)
            if reading is not None:
                readings.append(reading)
        return Resolved(written, readings=tuple(readings), problem=str(error))
    except UnknownCodeError as error:
        return Resolved(written, problem=str(error))
    except UnknownReleaseError as error:
        return Resolved(written, problem=str(error))
    except CodekitError as error:
        return Resolved(written, problem=str(error))
    return Resolved(written, code=found)


def cpt_descriptor(code: Code) -> tuple[str, str] | None:
    """A licensed descriptor of a CPT code and its source, when a plugin supplies one."""
    import codekit

    if code.description:
        return code.description, ""
    page = codekit.page(code.code, code_set="cpt", as_of=code_release_day(code))
    for description in page.descriptions:
        if description.text:
            return description.text, description.source
    return None


def code_release_day(code: Code) -> dt.date | None:
    """The first day of the code's release (to ask other functions about the same release)."""
    import codekit

    for release in codekit.data_releases(code.code_set):
        if release.release == code.release:
            return release.effective
    return None


def describe_code(builder: Builder, code: Code, *, with_status: bool = True) -> None:
    """Say what ``code`` is: its description (CPT: only a licensed one) and its status."""
    from codekit._assistant.model import Citation

    cite = code_citation(code)
    where = f"{title(code.code_set)} {code.release}"
    if code.code_set == "cpt":
        found = cpt_descriptor(code)
        if found is None:
            builder.say(
                f"{code.code} is a CPT code in {where}; its descriptor is AMA-licensed and is "
                "shown only when a licensed CPT plugin supplies it",
                cite,
                code=code.code,
                code_set=code.code_set,
                release=code.release,
            )
        else:
            text, source = found
            builder.say(
                f'{code.code} is the CPT code "{text}"',
                Citation("descriptor", source) if source else cite,
                code=code.code,
                code_set=code.code_set,
                description=text,
                release=code.release,
            )
    elif code.description:
        builder.say(
            f'{code.code} is "{code.description}" in {where}',
            cite,
            code=code.code,
            code_set=code.code_set,
            description=code.description,
            release=code.release,
        )
    else:
        builder.say(
            f"{code.code} is a code of {where}, but no description of it is installed",
            cite,
            code=code.code,
            code_set=code.code_set,
            release=code.release,
        )
    if not with_status:
        return
    if code.billable:
        builder.say(f"{code.code} is billable in {where}", cite, billable=True)
    else:
        builder.say(
            f"{code.code} is a {code.kind} heading in {where}, not billable: report a more "
            "specific code below it",
            cite,
            billable=False,
        )


def say_problem(builder: Builder, resolved: Resolved) -> None:
    """Say why a written code could not be read as one code."""
    if resolved.readings:
        sets = " and ".join(title(r.code_set) for r in resolved.readings)
        builder.say(
            f"{resolved.written} is a code of more than one code set ({sets}); name the code "
            "set (or write an ICD-10-CM code with its dot) to choose",
            QUESTION,
            ambiguous=True,
        )
        for reading in resolved.readings:
            describe_code(builder, reading, with_status=False)
        builder.answered = False
        return
    builder.missing(f"{resolved.written}: {resolved.problem}", QUESTION)
