"""Errors the core raises. Each message is written for a billing clerk: what went wrong
and what to do next. The interface and the command line show ``str(error)`` as it is."""

from __future__ import annotations


class LmpError(Exception):
    """Base of every error the core raises on purpose."""


class InvalidInput(LmpError):
    """A value typed by a person (or read from a file) was refused; nothing changed."""


class NotFound(LmpError):
    """The report, line, user or code does not exist for this user."""


class NotAllowed(LmpError):
    """The user's role does not allow the action."""


class InvalidTransition(LmpError):
    """The report's status does not allow the action."""


class CodeRefused(LmpError):
    """A promotional code failed one of the verification checks."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


class Conflict(LmpError):
    """Someone else saved the report first; nothing of this save was written. ``who``
    saved it, which made it ``version`` (for a screen that words it its own way)."""

    def __init__(self, message: str, who: str = "someone", version: int | None = None) -> None:
        super().__init__(message)
        self.who, self.version = who, version


class DatabaseUnavailable(LmpError):
    """The database could not be opened or reached."""


#: the problems an import lists before it counts the rest
MAX_PROBLEMS = 50


class ImportProblems(LmpError):
    """The file was refused; ``problems`` are its ``FILE:LINE: column: what`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n…and {more:,} more problem(s)." if more else ""
        super().__init__("\n".join(shown) + tail + "\nNothing was imported; correct the file and import it again.")
