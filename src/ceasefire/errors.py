"""Errors and warnings of ceasefire.

Every error carries the place it is about and a hint, and its message follows one
formula: *where*, *what was given*, *what is allowed*, *how to fix it*.

::

    CeasefireError (Exception)
    ├── ScenarioError (also ValueError)   a scenario file or object is invalid
    ├── InputError (also ValueError)      another input file or argument is invalid
    └── ModelError                        an engine cannot answer (e.g. degenerate input)

    CeasefireWarning (UserWarning)        the test suite turns these into errors
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "CeasefireError",
    "CeasefireWarning",
    "InputError",
    "ModelError",
    "Problem",
    "ScenarioError",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what is wrong, how to fix it."""

    path: str
    message: str
    hint: str = ""
    file: str | None = None
    line: int | None = None

    def location(self) -> str:
        """Return ``file:line: path`` with the parts that are known."""
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        if self.path:
            where = f"{where}: {self.path}" if where else self.path
        return where or "<input>"

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class CeasefireError(Exception):
    """Base class of every error ceasefire raises on purpose."""


MAX_LISTED_PROBLEMS = 50
"""Problems a :class:`ScenarioError` lists; the rest are counted in a last line."""


class ScenarioError(CeasefireError, ValueError):
    """A scenario is invalid; ``problems`` lists every problem found, not just the first.

    Past :data:`MAX_LISTED_PROBLEMS`, the list ends with one line "... and N more
    problems", so a file with 100,000 unknown keys gives a readable error; ``total``
    counts them all.
    """

    def __init__(self, problems: list[Problem] | Problem | str, *, file: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(path="", message=problems, file=file)]
        elif isinstance(problems, Problem):
            problems = [problems]
        problems = list(problems)
        self.total = count = len(problems)
        if count > MAX_LISTED_PROBLEMS:
            rest = count - MAX_LISTED_PROBLEMS
            problems = [*problems[:MAX_LISTED_PROBLEMS],
                        Problem(path="", message=f"\u2026 and {rest:,} more problems",
                                hint="fix those listed, then validate again", file=file)]
        self.problems: list[Problem] = problems
        self.file = file
        head = f"{file or 'scenario'}: {count:,} problem{'s' if count != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class InputError(CeasefireError, ValueError):
    """An input other than a scenario (a table file, a CLI argument) is invalid."""


class ModelError(CeasefireError):
    """An engine cannot compute an answer for this input, and says why."""


class CeasefireWarning(UserWarning):
    """A result is valid but should be read with care (e.g. few draws)."""
