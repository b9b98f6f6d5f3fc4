"""`allocate` and `variance`: chargeback and estimate-vs-actual documents. schema_version 1."""

from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict


@with_config(ConfigDict(extra="allow"))
class AllocationRow(TypedDict):
    """One group of the report. Besides these fields, a row holds one text field per `--by`
    key (`tenant`, `model`, `metadata:team` …) with the group's value."""

    requests: int
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    capacity_usd: float
    cost_usd: float
    share: float


class AllocationTotal(TypedDict):
    requests: int
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    capacity_usd: float
    cost_usd: float


class Period(TypedDict):
    first_day: str | None
    last_day: str | None


class RecordCounts(TypedDict):
    read: int
    allocated: int
    not_allocated: int


class AllocationProblem(TypedDict):
    """Records (or a whole file: `records` 0) that could not be allocated, and why."""

    reason: str
    records: int
    examples: list[str]


class CapacityEntry(TypedDict):
    """A shared capacity entry (provisioned throughput or a self-hosted pool) and its split."""

    name: str
    kind: Literal["provisioned", "self_hosted"]
    description: str
    usd_per_hour: float
    hours: float
    cost_usd: float
    tokens: int
    utilization_fraction: float | None
    effective_usd_per_1m_tokens: float | None
    split: Literal["tokens", "headcount", "fixed"]
    idle: Literal["spread", "separate"] | None
    idle_usd: float
    source: str


class TenantBudget(TypedDict):
    """Month-to-date spend of a tenant against its budget, with a linear month-end projection."""

    tenant: str
    month: str
    days_elapsed: int
    days_in_month: int
    month_to_date_usd: float
    projected_month_usd: float
    budget_usd: float
    used_percent: float
    projected_percent: float
    alerts_crossed_percent: list[float]
    projected_alerts_percent: list[float]
    fail_at_percent: float
    level: Literal["ok", "alert", "fail"]
    projected_level: Literal["ok", "alert", "fail"]


class AllocationDocument(TypedDict):
    schema_version: int
    kind: Literal["allocation"]
    snapshot: str
    by: list[str]
    tenant_key: str
    period: Period
    records: RecordCounts
    rows: list[AllocationRow]
    total: AllocationTotal
    problems: list[AllocationProblem]
    sources: list[str]
    capacity: NotRequired[list[CapacityEntry]]
    budgets: NotRequired[list[TenantBudget]]
    verdict: NotRequired[Literal["ok", "alert", "fail"]]
    notes: NotRequired[list[str]]
    """What the reader should know that is not a record lost (e.g. a tenant key no record
    has: every record is then untagged)."""


class VariancePeriod(TypedDict):
    first_day: str
    last_day: str
    days: int
    estimate_factor: float


class VarianceRow(TypedDict):
    scenario: str
    workload: str
    estimate_usd: float | None
    actual_usd: float | None
    variance_usd: float | None
    variance_percent: float | None
    estimated_requests: float
    actual_requests: int | None


class Unmatched(TypedDict):
    key: str
    actual_usd: float


class VarianceDocument(TypedDict):
    schema_version: int
    kind: Literal["variance"]
    actuals_source: str
    snapshot: str
    period: VariancePeriod
    workloads: list[VarianceRow]
    not_in_estimate: list[Unmatched]
