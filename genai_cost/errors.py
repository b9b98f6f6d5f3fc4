"""The one exception hierarchy of genai-cost.

::

    GenaiCostError            base; the CLI turns every subclass into one message and exit code 2
    ├── ScenarioError         unreadable or invalid scenario (file, line, column, field path)
    ├── PricingError          an explicitly requested price is missing (model, region, option, term)
    └── SnapshotError         a pricing snapshot is missing, malformed or inconsistent

Anything else escaping to the CLI is a bug: exit code 3 with a hint to report it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class GenaiCostError(Exception):
    """Base class of every error a user can cause (bad input). Exit code 2."""

    def render(self) -> str:
        return str(self)


@dataclass
class Problem:
    """One problem found in a scenario file."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    field_path: str = ""
    hint: str = ""

    def render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.field_path:
            text += f"{self.field_path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class ScenarioError(GenaiCostError):
    """A scenario could not be read or is invalid; carries one or more located problems."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)


class PricingError(GenaiCostError):
    """A price the scenario asks for explicitly is not in the catalog."""

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        region: str | None = None,
        option: str | None = None,
        term: str | None = None,
    ) -> None:
        super().__init__(message)
        self.model = model
        self.region = region
        self.option = option
        self.term = term


class SnapshotError(GenaiCostError):
    """A pricing snapshot is missing, malformed or inconsistent."""
