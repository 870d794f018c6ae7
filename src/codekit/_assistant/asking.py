"""``codekit.ask``: a coder's question answered from codekit's data, one citation a sentence."""

from __future__ import annotations

import collections
import datetime as dt
import threading
from collections.abc import Callable

import attrs

from codekit._assistant import codes, maps, ncci
from codekit._assistant.backend import rephrased
from codekit._assistant.build import QUESTION, Builder, quiet
from codekit._assistant.intent import INTENTS, Request, classify
from codekit._assistant.model import Answer
from codekit._assistant.parse import parse

__all__ = ["Conversation", "ask"]

_HANDLERS: dict[str, Callable[[Builder, Request], None]] = {
    "describe": codes.describe,
    "compare": codes.compare,
    "validity": codes.validity,
    "hierarchy": codes.hierarchy,
    "find": codes.find,
    "map": maps.map_code,
    "hcc": maps.hcc,
    "modifier": maps.modifier,
    "ptp": ncci.ptp,
    "mue": ncci.mue,
    "addon": ncci.addon,
}
_SETTINGS = {
    "practitioner": "practitioner",
    "physician": "practitioner",
    "asc": "practitioner",
    "outpatient_hospital": "outpatient_hospital",
    "outpatient hospital": "outpatient_hospital",
    "outpatient-hospital": "outpatient_hospital",
    "dme": "dme",
}
#: How many answers a Conversation keeps in its history.
_KEPT = 100
#: Follow-ups that carry no intent of their own keep the previous one.
_WEAK = frozenset({"describe", "compare", "modifier", "unknown"})


def _as_of(value: object) -> dt.date | None:
    from codekit.exceptions import InvalidDateError

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDateError(value, "as_of")


def _setting(value: object) -> str | None:
    from codekit.exceptions import InvalidQuestionError

    if value is None:
        return None
    name = _SETTINGS.get(value.strip().lower()) if isinstance(value, str) else None
    if name is None:
        raise InvalidQuestionError(
            "setting",
            value,
            f"setting {value!r} is not one of practitioner, outpatient_hospital or dme; "
            "pass one of those (or leave it out)",
        )
    return name


def _question(value: object) -> str:
    from codekit.exceptions import InvalidQuestionError

    if not isinstance(value, str):
        raise InvalidQuestionError(
            "question", value, f"ask() takes the question as a str, not {type(value).__name__}"
        )
    return value


def _unknown(builder: Builder, request: Request) -> None:
    parsed = request.parsed
    if parsed is not None and parsed.has(*_OUT_OF_SCOPE):
        builder.missing(
            "codekit answers from code sets, crosswalks and NCCI tables; it holds no coding "
            "guidelines, coverage policies (LCD/NCD) or fee schedules to answer this from",
            QUESTION,
        )
        return
    topics = "; ".join(v for k, v in INTENTS.items() if k != "unknown")
    builder.missing(
        f"codekit did not find a code or a question it can answer here; it answers: {topics}",
        QUESTION,
    )


_OUT_OF_SCOPE = (
    "guideline",
    "guidelines",
    "coverage",
    "lcd",
    "ncd",
    "rvu",
    "rvus",
    "fee",
    "fees",
    "price",
    "pricing",
    "reimbursement",
    "payment",
    "documentation",
    "policy",
    "cost",
)


def _run(request: Request, question: str) -> Answer:
    from codekit.exceptions import CodekitError

    intent = request.intent
    parsed = request.parsed
    if parsed is not None and parsed.has(*_OUT_OF_SCOPE) and intent in ("describe", "find"):
        intent = "unknown"
    builder = Builder(question, intent)
    builder.understood.update(attrs.evolve(request, intent=intent).understood())
    handler = _HANDLERS.get(intent, _unknown)
    try:
        with quiet(builder):
            handler(builder, request)
    except CodekitError as error:
        builder.missing(f"codekit could not answer: {error}")
    if not builder.statements:
        builder.missing("codekit found nothing to say about this question", QUESTION)
    return rephrased(builder.answer())


def _request(question: str, as_of: object, setting: object) -> Request:
    request = classify(parse(question))
    if request.as_of is None:
        request = attrs.evolve(request, as_of=_as_of(as_of))
    else:
        _as_of(as_of)  # still refuse a malformed argument
    if request.setting is None:
        request = attrs.evolve(request, setting=_setting(setting))
    else:
        _setting(setting)
    return request


def ask(question: str, *, as_of: dt.date | str | None = None, setting: str | None = None) -> Answer:
    """Answer a coder's question from codekit's data, with a citation for every sentence.

    :param question: the question as a coder or a patient writes it: ``"What is E11.9?"``,
        ``"Can 0001U and 0029U be billed together?"``, ``"How many units of 0009U per
        day?"``, ``"ICD-10 for type 2 diabetes with neuropathy"``. Dates (``on 3/1/2024``)
        and settings (``in the outpatient hospital``) in the question are understood.
    :param as_of: the date of service when the question names none.
    :param setting: ``practitioner`` (default), ``outpatient_hospital`` or ``dme`` when
        the question names none (NCCI questions).
    :returns: an :class:`Answer`; when data is missing or nothing was recognised its
        sentences say what was understood and what to install (``answered`` is false).
    :raises InvalidQuestionError: ``question`` is not a string, or ``setting`` is unknown.
    :raises InvalidDateError: ``as_of`` is not a date.
    """
    text = _question(question)
    return _run(_request(text, as_of, setting), text)


class Conversation:
    """Questions asked one after another: a follow-up without codes reuses the last ones.

    >>> import codekit
    >>> chat = codekit.Conversation()
    >>> chat.ask("What is E11.9?").fact("billable")
    True
    >>> chat.ask("and what does it map to in ICD-9?").facts_named("targets")
    (('250.00',),)

    The last codes, intent, date and setting are kept; a follow-up with no intent of its
    own (``"and with modifier 59?"``) keeps the previous intent. Thread-safe.
    """

    def __init__(self, *, as_of: dt.date | str | None = None, setting: str | None = None) -> None:
        self._as_of = _as_of(as_of)
        self._setting = _setting(setting)
        self._lock = threading.Lock()
        self._last: Request | None = None
        self._history: collections.deque[Answer] = collections.deque(maxlen=_KEPT)

    @property
    def history(self) -> tuple[Answer, ...]:
        """The last answers, oldest first (at most 100 are kept)."""
        return tuple(self._history)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes the next follow-up refers to."""
        return tuple(code for code, _ in self._last.codes) if self._last else ()

    def ask(
        self, question: str, *, as_of: dt.date | str | None = None, setting: str | None = None
    ) -> Answer:
        """Answer ``question`` in the context of the previous ones (as :func:`ask`)."""
        text = _question(question)
        request = _request(text, as_of or self._as_of, setting or self._setting)
        with self._lock:
            last = self._last
            if last is not None and not request.codes and last.codes:
                evolved = attrs.evolve(request.parsed, codes=last.codes) if request.parsed else None
                follow = classify(evolved) if evolved is not None else request
                follow = attrs.evolve(
                    follow,
                    as_of=request.as_of or last.as_of,
                    setting=request.setting or last.setting,
                    units=request.units if request.units is not None else last.units,
                )
                keep = last.intent not in ("find", "unknown", follow.intent)
                if follow.intent in _WEAK and keep:
                    follow = attrs.evolve(follow, intent=last.intent)
                request = follow
            answer = _run(request, text)
            if request.codes or request.intent == "modifier":
                self._last = request
            self._history.append(answer)
            return answer
