"""`diff` (schema_version 2: the whole bill, line by line) and `check` (schema_version 2:
budgets against the whole bill): the documents of the CI gates."""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef
from genai_cost.documents.estimate import Family

Status = Literal["added", "removed", "changed", "unchanged"]
Split = Literal["added", "removed", "same prices", "repriced", "components", "not available"]
"""How a line's change was split between usage and prices."""


class TotalChange(TypedDict):
    """What changed, in USD a month; `usage_effect_usd + price_effect_usd = change_usd`
    (null when the split is not available)."""

    status: Status
    base_monthly_cost_usd: float | None
    head_monthly_cost_usd: float | None
    change_usd: float | None
    change_percent: float | None
    usage_effect_usd: float | None
    price_effect_usd: float | None


class LineChange(TotalChange):
    """One line of the bill (a cost family's item: a workload's inference, a customization
    path, a training job, an endpoint, the supporting services …)."""

    scenario: str
    family: Family
    item: str
    split: Split
    base_detail: str | None
    """What the line stands for on each side (a workload's option …)."""
    head_detail: str | None


class WorkloadChange(TypedDict):
    """A workload's share of the bill, on each side."""

    scenario: str
    name: str
    status: Status
    base_monthly_cost_usd: float | None
    head_monthly_cost_usd: float | None
    change_usd: float | None
    change_percent: float | None
    base_option: str | None
    head_option: str | None
    base_model: str | None
    head_model: str | None
    inputs: NotRequired[list[str]]
    """The inputs that changed ("model a → b", "tokens_per_request.input 500 → 800",
    "requests_per_month 1,000 → 2,000", "region …")."""


class ScenarioChange(TotalChange):
    name: str
    lines: list[LineChange]
    workloads: list[WorkloadChange]


class SideSummary(TypedDict):
    label: str
    prices: str
    snapshot: SnapshotRef
    pricing_date: str
    total_monthly_cost_usd: float | None


class CheckResult(TypedDict):
    rule: str
    level: Literal["fail", "warn"]
    subject: str
    breached: bool


class DiffDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost diff"]
    tool_version: str
    base: SideSummary
    head: SideSummary
    total: TotalChange
    scenarios: list[ScenarioChange]
    checks: list[CheckResult]
    verdict: Literal["pass", "warn", "fail"]


class BudgetRow(TypedDict):
    """One budget against the estimated monthly spend: a scenario's whole bill, or a
    workload's share of it."""

    scenario: str
    path: str
    workload: str | None
    monthly_cost_usd: float | None
    budget_usd: float
    used_percent: float
    alerts_crossed_percent: list[float]
    fail_at_percent: float
    level: Literal["ok", "alert", "fail"]


class CheckDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost check"]
    tool_version: str
    pricing_date: str
    snapshot: SnapshotRef
    budgets: list[BudgetRow]
    verdict: Literal["pass", "alert", "fail"]
    without_budget: NotRequired[list[str]]
    """Scenario files with no budget, skipped (`check --skip-unbudgeted`, the pre-commit
    hook); present only then."""
