"""Every error factdeck raises on purpose.

The CLI catches `FactdeckError` and prints its message without a traceback;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class FactdeckError(Exception):
    """Base of every error caused by the user's input or environment."""


# Control characters and line breaks quoted from the input, shown escaped so one problem stays one line.
_VISIBLE_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(32), 127, 0x85)} | {
    10: "\\n",
    13: "\\r",
    9: "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of `factdeck check`, located in a file (and line, where there is one)."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"
    # Problems that follow from this one (records/consequences.py), shown under it; never compared.
    folded: tuple[Problem, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}".translate(_VISIBLE_CONTROLS)


class InputError(FactdeckError):
    """A single problem in one input file, with its location."""

    def __init__(self, path: str | Path, line: int, message: str):
        self.problem = Problem(str(path), line, message)
        super().__init__(str(self.problem))


class ValidationFailed(FactdeckError):
    """The project has one or more errors; `problems` holds them all, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        first = str(errors[0]) if errors else "validation failed"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


class ProjectError(FactdeckError):
    """The project folder itself is unusable (missing folders, bad configuration)."""


class TemplateError(FactdeckError):
    """A template is missing, has a syntax error or uses an undefined variable."""


class OutputError(FactdeckError):
    """An output could not be written, or would be written twice or outside its folder."""


class RenderError(FactdeckError):
    """An output could not be rendered (for example, a PDF failed to compile)."""


class PartlyMade(RenderError):
    """Some of an output's files could not be made (the message says which and why); the others are good."""


class UsageError(FactdeckError):
    """The command line asks for something that does not exist (a deck id, say): exit status 2."""
