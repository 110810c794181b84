"""The one error a scenario file can cause: it names the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path

from copytrade.domain.errors import DomainError


class ScenarioError(DomainError):
    """A scenario file is unreadable, malformed or inconsistent.

    ``field`` is a path into the document (``events[3].settings.multiplier``),
    or None when the problem is the file itself (missing, YAML syntax); ``line``
    is set for syntax errors. ``also`` lists further problems found in the same
    pass as (field, problem) pairs, so one run shows every shape error at once.
    """

    def __init__(
        self,
        file: str | Path,
        field: str | None,
        problem: str,
        *,
        line: int | None = None,
        also: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.file = str(file)
        self.field = field
        self.problem = problem
        self.line = line
        self.also = also
        where = self.file if line is None else f"{self.file}, line {line}"
        head = f"{where}: {problem}" if field is None else f"{where}: {field}: {problem}"
        more = "".join(f"\n  {self.file}: {path}: {text}" for path, text in also)
        super().__init__(head + more)
