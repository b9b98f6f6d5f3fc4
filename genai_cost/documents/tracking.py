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
    utilization_measured: bool
    """Whether the utilisation was measured on the capacity (measured_utilization_fraction, or
    an endpoint's GPUUtilization) rather than tokens over capacity_tokens_per_minute."""
    effective_usd_per_1m_tokens: float | None
    split: Literal["tokens", "headcount", "fixed"]
    idle: Literal["spread", "separate"] | None
    idle_usd: float
    source: str


class IdleCapacity(TypedDict):
    """Shared capacity used below the idle threshold, with what the unused share costs."""

    name: str
    utilization_fraction: float
    threshold_fraction: float
    period_cost_usd: float
    idle_usd: float
    """(1 − utilisation) × the capacity's cost over the period."""
    monthly_idle_usd: float
    """idle_usd scaled to a 730-hour month."""


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


class Anomaly(TypedDict):
    """A day whose spend is above its series' rolling baseline (docs/methodology.md)."""

    series: dict[str, str]
    day: str
    cost_usd: float
    baseline_usd: float
    """Median of the series' daily spend over the window before the day."""
    threshold_usd: float
    """baseline + k × max(1.4826 × MAD, floor share × baseline)."""
    excess_usd: float


class AnomalySettings(TypedDict):
    window_days: int
    min_history_days: int
    k: float
    floor_share: float
    min_usd: float


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
    anomalies: NotRequired[list[Anomaly]]
    anomaly_settings: NotRequired[AnomalySettings]
    idle_capacity: NotRequired[list[IdleCapacity]]
    notes: NotRequired[list[str]]
    """What the reader should know that is not a record lost (e.g. a tenant key no record
    has: every record is then untagged)."""
    table: NotRequired[StreamedTable]
    """Set when the rows were too many to hold and were streamed to a CSV or Parquet file
    (`rows` is then empty; the other fields are the allocation by tenant)."""


class StreamedTable(TypedDict):
    """An allocation table written straight to a file (tracking/chargeback.py)."""

    format: Literal["csv", "parquet"]
    path: str
    rows: int
    groups_summed: int
    """Groups of the logs' sums that were priced (the `--by` keys and the pricing keys)."""


@with_config(ConfigDict(extra="allow"))
class CurAllocationRow(TypedDict):
    """One group of a bill's allocation. Besides these fields, a row holds one text field per
    `--by` key (`tenant`, `account`, `tag:team` …) with the group's value."""

    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    token_cost_usd: float
    """Cost of Bedrock token line items (input, output, cache read, cache write)."""
    other_cost_usd: float
    """Everything else: instance-hours, provisioned throughput, customization, storage …"""
    cost_usd: float
    line_items: int
    share: float


class CurAllocationTotal(TypedDict):
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    token_cost_usd: float
    other_cost_usd: float
    cost_usd: float
    line_items: int


class ProductCodeRow(TypedDict):
    """One product code of the bill: its line items selected as generative-AI spend, or left
    out (the excluded types are counted apart)."""

    product_code: str
    selected: bool
    line_items: int
    cost_usd: float


class LineItemCounts(TypedDict):
    read: int
    allocated: int
    not_generative_ai: int
    """Line items of other services (not Bedrock, SageMaker, accelerated EC2, --service)."""
    not_generative_ai_usd: float
    excluded: int
    """Generative-AI line items of a type left out with `--exclude` (credit, refund, tax)."""
    excluded_usd: float
    by_product_code: NotRequired[list[ProductCodeRow]]
    """What was selected and what was left out, per product code (CUR allocation)."""


class CurCapacity(TypedDict):
    """Shared capacity found in the bill by resource id, split by shares."""

    name: str
    resource_ids: list[str]
    cost_usd: float
    line_items: int
    split: Literal["tokens", "headcount", "fixed"]
    shares: dict[str, float]
    """Tenant -> fraction of the cost."""
    utilization_fraction: float | None
    """Measured on the capacity (measured_utilization_fraction, or an endpoint's mean
    GPUUtilization with --endpoint-metrics); null when not measured."""
    idle_usd: float | None
    """cost × (1 − utilisation): what the unused share of the capacity cost."""


class CurAllocationDocument(TypedDict):
    schema_version: int
    kind: Literal["cur-allocation"]
    cost_basis: str
    """unblended, net-unblended, amortized, net-amortized or invoice (docs/methodology.md)."""
    excluded_line_item_types: list[str]
    """`--exclude`: credit, refund and/or tax line items left out of the allocation."""
    by: list[str]
    tenant_key: str
    period: Period
    line_items: LineItemCounts
    files: int
    rows: list[CurAllocationRow]
    total: CurAllocationTotal
    problems: list[AllocationProblem]
    budgets: NotRequired[list[TenantBudget]]
    verdict: NotRequired[Literal["ok", "alert", "fail"]]
    anomalies: NotRequired[list[Anomaly]]
    anomaly_settings: NotRequired[AnomalySettings]
    capacity: NotRequired[list[CurCapacity]]
    idle_capacity: NotRequired[list[IdleCapacity]]
    """With --endpoint-metrics (or measured_utilization_fraction) and --idle-threshold: shared
    capacity used below the threshold, with its idle cost."""
    notes: NotRequired[list[str]]


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
    not_attributed: list[AllocationProblem]
    """Log records whose cost is in no actual (not priced, an application profile that could
    not be resolved — pass its tags with --profiles), with examples; empty for Cost Explorer."""


class ReconcileRow(TypedDict):
    tenant: str
    logs_usd: float
    """The tenant's logged tokens priced from the snapshot."""
    bill_token_usd: float
    """The bill's token charges carrying the tenant."""
    bill_other_usd: float
    bill_usd: float
    token_difference_usd: float
    """bill_token_usd − logs_usd."""
    logs_tokens: int
    bill_tokens: int
    explanation: str


class ReconcileTotal(TypedDict):
    logs_usd: float
    bill_token_usd: float
    bill_other_usd: float
    bill_usd: float
    token_difference_usd: float


class ReconcileDocument(TypedDict):
    schema_version: int
    kind: Literal["reconcile"]
    logs_tenant_key: str
    bill_tenant_key: str
    cost_basis: str
    logs_period: Period
    bill_period: Period
    snapshot: str
    rows: list[ReconcileRow]
    total: ReconcileTotal
    records_not_allocated: int


class EndpointMeasure(TypedDict):
    """A SageMaker endpoint variant in its busiest hour, as CloudWatch measured it
    (tracking/cloudwatch.endpoint_use; optimize's right-sizing reads it)."""

    endpoint: str
    hour: str
    """The busiest UTC hour, ISO 8601."""
    requests_per_second: float
    instances: float
    """Invocations / invocations per instance in that hour."""
    gpu_utilization: float
    """Of one instance's GPUs (CloudWatch sums GPUUtilization over them), 0-1."""
    p50_seconds: NotRequired[float]
    """ModelLatency + OverheadLatency p50 over the period, when measured."""
    p95_seconds: NotRequired[float]
