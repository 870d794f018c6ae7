"""Every error codekit raises.

All of them derive from :class:`CodekitError`; each leaf also derives from the builtin
exception a caller would naturally catch (``ValueError`` for bad input, ``LookupError``
for something that is not there), carries the offending value, and says what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousCodeError",
    "ChecksumError",
    "CodekitError",
    "CodekitWarning",
    "DataError",
    "DataFileError",
    "DownloadError",
    "GroupingError",
    "IncompleteReleaseError",
    "IntegrationError",
    "InvalidClaimError",
    "InvalidCodeError",
    "InvalidDateError",
    "InvalidMemberError",
    "InvalidQueryError",
    "InvalidQuestionError",
    "InvalidValueError",
    "LicenseNotAcceptedError",
    "MalformedFileError",
    "MissingTitleError",
    "PluginError",
    "PluginWarning",
    "QuotaConfigError",
    "QuotaExceededError",
    "QuotaStoreError",
    "QuotaWarning",
    "StaleDataWarning",
    "UnknownCodeError",
    "UnknownCodeSetError",
    "UnknownCrosswalkError",
    "UnknownReleaseError",
    "UnrecognizedFileError",
]


class CodekitError(Exception):
    """Base class of every error codekit raises on purpose."""


class CodekitWarning(UserWarning):
    """Base class of the warnings codekit emits."""


class PluginWarning(CodekitWarning):
    """A plugin failed to load or to register; the rest of codekit keeps working."""


class InvalidCodeError(CodekitError, ValueError):
    """The input is not shaped like a code of any (or of the requested) code set."""

    def __init__(self, value: object, message: str | None = None) -> None:
        self.value = value
        super().__init__(message or f"{value!r} is not a well-formed code")


class UnknownCodeError(CodekitError, LookupError):
    """The code is well formed but not in the selected release.

    ``suggestions`` holds close codes that do exist (may be empty).
    """

    def __init__(
        self,
        code: str,
        *,
        code_set: str,
        release: str | None = None,
        suggestions: Sequence[str] = (),
        hint: str | None = None,
    ) -> None:
        self.code = code
        self.code_set = code_set
        self.release = release
        self.suggestions = tuple(suggestions)
        where = f"{code_set} {release}" if release else code_set
        message = f"{code} is not a code in {where}"
        if self.suggestions:
            message += f"; did you mean {_or_list(self.suggestions)}?"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UnknownCodeSetError(CodekitError, LookupError):
    """No code set of that name is registered."""

    def __init__(self, name: str, known: Sequence[str] = (), *, message: str | None = None) -> None:
        self.name = name
        self.known = tuple(known)
        message = message or f"unknown code set {name!r}"
        if self.known:
            message += f"; known code sets: {', '.join(self.known)}"
        super().__init__(message)


class UnknownReleaseError(CodekitError, LookupError):
    """No release of the code set matches ``release=`` or is in force on ``as_of``."""

    def __init__(self, code_set: str, message: str, available: Sequence[str] = ()) -> None:
        self.code_set = code_set
        self.available = tuple(available)
        super().__init__(message)


class AmbiguousCodeError(CodekitError, ValueError):
    """The input fits more than one code set; pass ``code_set=`` to choose.

    ``candidates`` maps each code set to the canonical code it would mean there.
    """

    def __init__(
        self, value: str, candidates: dict[str, str], *, message: str | None = None
    ) -> None:
        self.value = value
        self.candidates = dict(candidates)
        options = ", ".join(f"{name} {code}" for name, code in self.candidates.items())
        super().__init__(
            message
            or f"{value!r} is a code of more than one code set ({options}); pass code_set= "
            "(or kind=) to choose (ICD-10-CM codes may also be written with their dot)"
        )


class PluginError(CodekitError, RuntimeError):
    """A plugin failed; what it would have provided is unavailable."""

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")


class DataError(CodekitError, RuntimeError):
    """Data files are missing, corrupt, or cannot be read."""


class DataFileError(DataError, ValueError):
    """A file given to ``codekit data install`` is empty, truncated or not what it claims.

    ``path`` is the offending file (or URL). Nothing was installed or changed.
    """

    def __init__(self, path: object, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class UnrecognizedFileError(DataFileError):
    """codekit cannot tell which official release file this is (kind, release)."""


class ChecksumError(DataFileError):
    """A downloaded or installed file does not match its expected sha256."""


class DownloadError(DataError):
    """A release could not be downloaded (after retries); nothing was installed."""


class LicenseNotAcceptedError(CodekitError, PermissionError):
    """The data contains licensed content (CPT codes in NCCI files) and the licence was not
    accepted: pass ``accept_ama_license=True`` / ``--accept-ama-license``."""


def _or_list(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


class InvalidDateError(CodekitError, ValueError):
    """A date (``as_of``, a date of service) could not be read."""

    def __init__(self, value: object, what: str = "date") -> None:
        self.value = value
        super().__init__(f"{what} {value!r} is not a date; use YYYY-MM-DD or a datetime.date")


class InvalidClaimError(CodekitError, ValueError):
    """A claim or claim line given to the NCCI engine is malformed.

    ``line`` is the line id (``None`` for a claim-level problem) and ``field`` the key at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        line: str | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.line = line
        self.field = field
        self.value = value
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = f"claim {', '.join(where)}: " if where else "claim: "
        super().__init__(prefix + message)


class UnknownCrosswalkError(CodekitError, LookupError):
    """No crosswalk of that name (``to=``) is registered for the source code set."""

    def __init__(self, name: str, known: Sequence[str] = (), message: str | None = None) -> None:
        self.name = name
        self.known = tuple(known)
        if message is None:
            message = f"unknown crosswalk target {name!r}"
            if self.known:
                message += f"; available: {', '.join(self.known)}"
        super().__init__(message)


class QuotaExceededError(CodekitError, PermissionError):
    """A quota policy refused a request (a code page beyond the principal's allowance).

    ``limit`` is the allowance in the window, ``remaining`` what is left (``0``),
    ``resets_at`` when the window frees a view again (an aware UTC ``datetime``, or ``None``
    for a lifetime allowance), ``window`` the window in words (``"per day"``; empty for a
    lifetime allowance) and ``upgrade`` the policy's message on how to get more.
    """

    def __init__(
        self,
        *,
        principal: str,
        tier: str,
        resource: str,
        limit: int,
        remaining: int,
        resets_at: object | None,
        upgrade: str,
        window: str,
    ) -> None:
        self.principal = principal
        self.tier = tier
        self.resource = resource
        self.limit = limit
        self.remaining = remaining
        self.resets_at = resets_at
        self.upgrade = upgrade
        self.window = window
        views = "view" if limit == 1 else "views"
        message = f"{tier.capitalize()} accounts are limited to {limit} page {views}"
        if window:
            message += f" {window}"
        if resets_at is not None:
            when = getattr(resets_at, "isoformat", lambda: str(resets_at))()
            message += f" (the allowance resets at {when})"
        message += "."
        if upgrade:
            message += f" {upgrade}"
        super().__init__(message)


class QuotaStoreError(CodekitError, RuntimeError):
    """The quota store cannot be reached or used; the request is refused (fails closed).

    Pass ``fail_open=True`` to :class:`codekit.Client` to grant instead (with a
    :class:`QuotaWarning`) while the store is down.
    """

    def __init__(self, store: str, message: str) -> None:
        self.store = store
        super().__init__(f"quota store {store}: {message}")


class QuotaWarning(CodekitWarning):
    """A request was granted without counting it because the quota store failed (fail-open)."""


class QuotaConfigError(CodekitError, ValueError):
    """A quota set-up is wrong: an unknown policy, tier or store URL scheme, or a principal,
    window or allowance that is not valid (the message says what to write)."""


class InvalidQueryError(CodekitError, ValueError):
    """A search or suggest argument is of the wrong type or out of range."""


class StaleDataWarning(CodekitWarning):
    """A date of service lies after the newest release's period: the newest one answered.

    The answer may be out of date (codes added or deleted since are not known). Install a
    newer release, or filter the warning::

        warnings.filterwarnings("ignore", category=codekit.exceptions.StaleDataWarning)
    """


class MalformedFileError(DataFileError):
    """A release file breaks its format at one place: ``line`` says where (1-based).

    Raised for a record of the wrong length or column count, a code of the wrong shape, an
    impossible date, a key given twice, control characters, a file cut mid-line, or an
    archive codekit will not open. Nothing was installed or changed.
    """

    def __init__(self, path: object, line: int | None, message: str, *, unit: str = "line") -> None:
        self.line = line
        where = f"{unit} {line}: " if line is not None else ""
        super().__init__(path, f"{where}{message}")


class IncompleteReleaseError(DataFileError):
    """A file declares a complete release but holds far fewer codes than the release it
    would replace (a truncated download, an excerpt). ``count`` is what the file holds,
    ``expected`` what the compared release holds. Pass ``force=True`` (``--force``) to
    install it anyway."""

    def __init__(self, path: object, message: str, *, count: int, expected: int) -> None:
        self.count = count
        self.expected = expected
        super().__init__(path, message)


class MissingTitleError(CodekitError, LookupError):
    """The code exists in the release, but no title for it is packaged (a new code of a
    release whose titles no package ships, such as FY2027 ICD-10-CM)."""

    def __init__(self, code: str, *, code_set: str, release: str, hint: str | None = None) -> None:
        self.code = code
        self.code_set = code_set
        self.release = release
        advice = hint or (
            "install that release's CMS order file or CDC tabular XML as a pack "
            "(`codekit data install FILE`) to get one"
        )
        super().__init__(
            f"{code} is a code in {code_set} {release}, but no title for it is packaged; {advice}"
        )


class InvalidValueError(CodekitError, TypeError):
    """An argument, or a field of a value (:class:`~codekit.models.Code`, a code page, a
    crosswalk mapping, a pack), has the wrong type, such as ``notes=True`` where a mapping
    belongs or ``report=False`` where a function does.

    ``field`` names the argument or field and ``value`` holds what was given.
    """

    def __init__(self, field: str, value: object, message: str) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class InvalidQuestionError(CodekitError, ValueError):
    """A question given to :func:`codekit.ask` is not a string, or an argument of it (such
    as ``setting=``) is not one codekit knows; the message says what to pass.

    ``field`` names the argument and ``value`` holds what was given.
    """

    def __init__(self, field: str, value: object, message: str) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class IntegrationError(CodekitError, RuntimeError):
    """An optional integration (Spark, Polars, pyarrow, FHIR) cannot run as asked: its extra
    is not installed (``pip install 'codekit[spark]'``), or the session or value given cannot
    be used (the message says what to do instead)."""


class InvalidMemberError(CodekitError, ValueError):
    """A member given to :func:`codekit.risk_score` (or a row of a frame given to
    :func:`codekit.risk.risk_scores`) has a demographic field codekit cannot score, such as
    ``age=-3``, ``sex="X"`` or ``orec="7"``, or names a segment the model does not have;
    the message says which values are accepted.

    ``field`` names the argument (or column) and ``value`` holds what was given.
    """

    def __init__(self, field: str, value: object, message: str) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class GroupingError(CodekitError, RuntimeError):
    """A grouper could not group a claim (the engine refused it or failed); the message
    names the claim, the grouper version and the engine's reason."""
