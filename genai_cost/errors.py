"""The one exception hierarchy of genai-cost.

::

    GenaiCostError              base: a user can cause it (bad input); the CLI prints it, exit 2
    ├── InputFileError          an input file is unreadable or invalid; located problems
    │   ├── ScenarioError       a scenario file (or a scenario read from git)
    │   ├── PriceBookError      a price book (`--price-book`)
    │   ├── BudgetsError        a tenant budgets file (`allocate --budgets`)
    │   ├── CapacityError       a shared-capacity file (`allocate --capacity`)
    │   ├── ProfilesError       an application-profiles file (`allocate --profiles`)
    │   ├── InfrastructureError a Terraform plan or CloudFormation template (`infra`)
    │   ├── LogsError           invocation logs that cannot be read at all
    │   ├── OfferFileError      a Price List offer file (`pricing refresh --from-offer-file`)
    │   ├── BaselineError       an estimate JSON used as a side of `diff`
    │   └── ManifestError       a pricing snapshot's manifest.yaml
    ├── PricingError            a price the input asks for is missing (model, region, option, term)
    │   └── PathInfeasible      a customization path cannot be priced (reported, never raised out)
    ├── SnapshotError           a pricing snapshot is missing, malformed or inconsistent
    │   └── RefreshError        a refresh could not complete; no snapshot was written or changed
    ├── RevisionError           a git revision cannot be read, or its tree is refused
    ├── AwsError                an AWS API call failed (S3, Cost Explorer, Bedrock)
    ├── UnsafePathError         a name from outside data (S3 key, tree entry) is no safe path
    ├── OverflowInputError      a figure of a result is not finite: an input is out of scale
    ├── OutputError             a report or snapshot cannot be written where `--output` says
    └── ArgumentError           a command-line value that is not valid (`--range`, `--as-of` …)

    CheckFailed                 not an error: a requested check failed (threshold, budget); exit 1

Anything else escaping to the CLI is a bug: exit code 3 with a hint to report it. The CLI maps
these to exit codes in one place (genai_cost/cli/main.py).

Messages name the library's parameters as `«name»` (`«volume_range» LOW:HIGH`): a Python user
reads the parameter's name (`volume_range`), the CLI its flag (`--range`, from the one table
in genai_cost/cli/options.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

PARAMETER = re.compile(r"«([a-z][a-z0-9_]*)»")
"""A parameter named in a message."""


def named(text: str, name: Callable[[str], str] | None = None) -> str:
    """`text` with each `«parameter»` shown as `name(parameter)` (default: the parameter's own
    name, as a Python caller writes it)."""
    return PARAMETER.sub(lambda m: name(m.group(1)) if name else m.group(1), text)


class GenaiCostError(Exception):
    """Base class of every error a user can cause (bad input). Exit code 2."""

    def __str__(self) -> str:
        return named(self.raw())

    def raw(self) -> str:
        """The message with its parameters marked (`«volume_range»`)."""
        return super().__str__()

    def render(self, name: Callable[[str], str] | None = None) -> str:
        """The message, each parameter shown by `name` (the CLI: its flag)."""
        return named(self.raw(), name)


@dataclass
class Problem:
    """One problem found in an input file."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    field_path: str = ""
    hint: str = ""

    def render(self) -> str:
        where = "" if not self.path and self.line is None else self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: " if where else ""
        if self.field_path:
            text += f"{self.field_path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class InputFileError(GenaiCostError):
    """An input file could not be read or is invalid; carries one or more located problems."""

    problems: list[Problem] = field(default_factory=list)

    kind: ClassVar[str] = "input file"
    """What the file is, in messages ("scenario", "price book" …)."""
    empty_hint: ClassVar[str] = ""
    """What a valid file of this kind holds at least (said when a file is empty)."""

    def __post_init__(self) -> None:
        super().__init__(self.raw())

    def raw(self) -> str:
        return "\n".join(p.render() for p in self.problems)

    @classmethod
    def at(
        cls,
        path: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        field_path: str = "",
        hint: str = "",
    ) -> InputFileError:
        """One located problem of this kind of file."""
        return cls([Problem(message, path, line, column, field_path, hint)])


class ScenarioError(InputFileError):
    kind = "scenario"
    empty_hint = "a scenario needs at least 'name' and 'workloads'"


class PriceBookError(InputFileError):
    kind = "price book"
    empty_hint = "a price book needs at least 'name' and 'as_of'"


class BudgetsError(InputFileError):
    kind = "budgets file"
    empty_hint = "a budgets file needs 'tenants:' mapping tenant names to a monthly_usd"


class CapacityError(InputFileError):
    kind = "capacity file"
    empty_hint = "a capacity file needs 'capacity:' with at least one entry"


class ProfilesError(InputFileError):
    kind = "profiles file"
    empty_hint = "a profiles file needs 'profiles:' mapping profile ARNs to a model"


class InfrastructureError(InputFileError):
    kind = "infrastructure definition"
    empty_hint = "a Terraform plan (terraform show -json) or a CloudFormation template"


class LogsError(InputFileError):
    kind = "invocation logs"


class OfferFileError(InputFileError):
    kind = "offer file"


class BaselineError(InputFileError):
    kind = "estimate baseline"


class ManifestError(InputFileError):
    kind = "snapshot manifest"
    empty_hint = "a manifest needs snapshot_id, as_of, currency and sources"


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


class PathInfeasible(PricingError):
    """A customization path cannot be priced; it is reported as an infeasible path with this
    message as the reason (it never stops an estimate)."""


class SnapshotError(GenaiCostError):
    """A pricing snapshot is missing, malformed or inconsistent."""


class RefreshError(SnapshotError):
    """The refresh could not complete; no snapshot was written or changed."""


class RevisionError(GenaiCostError):
    """A git revision cannot be read (`diff --base-ref`), or its tree is not acceptable."""


class AwsError(GenaiCostError):
    """An AWS API call failed: credentials, permissions, a missing bucket, throttling beyond
    the retries (S3, Cost Explorer, Bedrock; the Price List raises RefreshError)."""


class UnsafePathError(GenaiCostError):
    """A name from outside data (an S3 key, a git tree entry) that cannot become a local path:
    absolute, climbing out of its folder, or landing on a file another name already took."""


class OverflowInputError(GenaiCostError):
    """A figure of a command's result is not a finite number: an input (traffic, tokens, a
    benefit, a growth rate) is so large or so small that the arithmetic overflows."""


class OutputError(GenaiCostError):
    """A report or snapshot cannot be written to the place asked for."""


class ArgumentError(GenaiCostError):
    """A command-line value is not valid."""


class CheckFailed(Exception):
    """Not an error: a check the user asked for failed (a `--fail-*` threshold, a budget's fail
    level). The CLI turns it into exit code 1; it is outside the GenaiCostError tree so it is
    never mistaken for bad input."""
