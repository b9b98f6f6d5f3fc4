"""The estimate document (`estimate --format json`): every option of every workload, and the
scenarios with their cheapest choices, sections and whole bill. schema_version 2."""

from __future__ import annotations

from typing import Literal, NotRequired, Required

from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef, SourceInfo


class ComponentRecord(TypedDict):
    """One named line of a bill: `usd = quantity × usd_per_unit`."""

    name: str
    quantity: float | None
    unit: str
    usd_per_unit: float | None
    usd: float | None


OptionName = Literal[
    "on_demand",
    "batch",
    "provisioned",
    "self_hosted",
    "autoscaled",
    "async_inference",
    "serverless",
    "batch_transform",
    "per_unit",
]


class ThroughputRecord(TypedDict):
    """The published benchmark an instance option was sized with: the nearest measured
    request shape (input and output tokens) to the workload's, its output rate, the rate at
    the workload's own shape, and which of input or output tokens bind."""

    benchmark_input_tokens: float
    benchmark_output_tokens: float
    benchmark_output_tokens_per_second: float
    output_tokens_per_second: float
    bound_by: Literal["input", "output"]


class OptionRecord(TypedDict):
    """One purchase option (and variant) of one workload."""

    scenario: str
    workload: str
    model: str
    region: str
    option: OptionName
    variant: str | None
    platform: str | None
    instance_type: str | None
    feasible: bool
    reason: str | None
    monthly_cost_usd: float | None
    cost_per_1k_requests_usd: float | None
    cost_per_1m_tokens_usd: float | None
    capacity: float | None
    capacity_unit: str | None
    utilization_fraction: float | None
    cheapest: bool
    sources: list[str]
    components: list[ComponentRecord]
    commitment_breakeven_fraction: float | None
    latency_p50_seconds: NotRequired[float | None]
    """Known median response time (measured, or derived from measurements); null when not
    known. Present when the workload has a latency target or a measured latency."""
    latency_p95_seconds: NotRequired[float | None]
    instances_by_hour: NotRequired[list[float] | None]
    throughput: NotRequired[ThroughputRecord | None]
    """Instance options sized from a published benchmark: which one, and why (null when
    the scenario supplies its own throughput)."""
    """Options whose capacity follows the day (autoscaled, async_inference): instances
    running in each hour 0-23, redundancy included."""


class WorkloadSummary(TypedDict):
    """A workload, its cheapest option, and its share of the whole bill."""

    name: str
    model: str
    region: str
    requests_per_month: float | None
    tokens_per_request: NotRequired[dict[str, float]]
    """The scenario's tokens per request (input, output, cache_read, cache_write,
    cache_write_1h), so a diff can name what changed."""
    cheapest_option: str | None
    cheapest_variant: str | None
    cheapest_platform: str | None
    cheapest_instance_type: str | None
    monthly_cost_usd: float | None
    """The "option monthly": what it costs on its cheapest option, with the prompts a chosen
    customization path gives it, without redundancy (which is only in the bill's redundancy
    lines): the sum of its inference lines when the engine serves it."""
    bill_monthly_cost_usd: float | None
    """Its share of the whole bill: its own lines (inference under the chosen path,
    redundancy) plus its share of shared lines; null when one of them cannot be priced."""
    tags: NotRequired[dict[str, str]]
    """The workload's tags (a workloads table's tag columns), when it has any."""


Family = Literal[
    "inference",
    "customization",
    "training",
    "shared_endpoints",
    "services",
    "infrastructure",
    "redundancy",
]
"""The cost families of a bill, in the order reports list them."""
FAMILIES: tuple[Family, ...] = (
    "inference",
    "customization",
    "training",
    "shared_endpoints",
    "services",
    "infrastructure",
    "redundancy",
)


class OneOff(TypedDict):
    """A cost paid once (or every few months), spread evenly over the horizon in the bill."""

    usd_per_payment: float
    paid_in_months: list[int]
    """Months it is paid in (0 = before launch)."""
    amortized_over_months: int


class BillComponent(TypedDict):
    """One line of a scenario's bill: `usd = quantity × usd_per_unit`, per month."""

    family: Family
    item: str
    """What it belongs to: a workload, customization path, training job, endpoint, or
    "supporting services"."""
    workloads: list[str]
    """Workloads it is charged to (shared lines are split among them in proportion to their
    own inference cost); empty when the scenario has no workloads."""
    name: str
    quantity: float | None
    """Per month."""
    unit: str
    usd_per_unit: float | None
    usd: float | None
    """Per month; null when it cannot be priced (it is then listed in `missing`)."""
    sources: list[str]
    detail: str | None
    """The option, tier or amortisation this line stands for."""
    one_off: OneOff | None
    scales_with_requests: bool
    """Whether the line grows with the requests of its workloads (tokens, embeddings)."""


class MissingPart(TypedDict):
    """A part of the bill that cannot be priced, and why."""

    family: Family
    item: str
    name: str
    workloads: list[str]
    """Workloads whose share of the bill it leaves unknown."""
    reason: str


class FamilyTotal(TypedDict):
    family: Family
    monthly_cost_usd: float | None
    """Null when a line of the family cannot be priced."""
    priced_monthly_cost_usd: float
    """What could be priced (a lower bound when incomplete)."""


class Bill(TypedDict):
    """Everything the scenario describes, per month: the whole bill, or what is missing."""

    complete: bool
    total_monthly_cost_usd: float | None
    """The whole bill; null when incomplete (never a smaller number that looks complete)."""
    priced_monthly_cost_usd: float
    """Sum of the lines that could be priced: the whole bill, or a lower bound."""
    one_off_usd: float
    """One-off payments over the horizon (already spread over it in the monthly lines)."""
    horizon_months: int
    families: list[FamilyTotal]
    components: list[BillComponent]
    missing: list[MissingPart]
    notes: list[str]


class PricedLine(TypedDict):
    """A line priced from graduated tiers (supporting services, checkpoint storage)."""

    name: str
    quantity: float
    unit: str
    usd: float | None
    reason: str | None
    sources: list[str]
    tiers: list[ComponentRecord]
    """The tiers the quantity falls in, each `quantity × usd_per_unit`."""
    free_quantity: NotRequired[float]
    """Units covered by an account-level free tier (with --free-tier), not billed."""


class TrainingRun(TypedDict):
    """A training job run one way (on demand, or on spot with checkpoints)."""

    wall_hours: float | None
    usd_per_instance_hour: float | None
    usd_per_run: float | None
    monthly_cost_usd: float | None
    reason: str | None
    sources: list[str]


class SpotRun(TrainingRun):
    interruptions_per_hour: float
    checkpoint_interval_hours: float
    optimal_checkpoint_interval_hours: float | None
    time_penalty_hours: float | None


class TrainingJobRecord(TypedDict):
    name: str
    platform: str
    instance_type: str
    instance_count: int
    region: str
    work_hours: float
    runs_per_month: float
    checkpoint_storage: PricedLine | None
    on_demand: TrainingRun
    spot: SpotRun | None
    chosen: Literal["on_demand", "spot"] | None
    """The way the bill counts: the scenario's `purchase`, else the cheaper priced one."""


class PackedEndpoint(TypedDict):
    instances: int | None
    monthly_cost_usd: float | None
    assignment: list[list[str]]
    dedicated_replicas: dict[str, int]


class SeparateEndpoints(TypedDict):
    instances: int | None
    monthly_cost_usd: float | None


class SharedEndpointRecord(TypedDict):
    name: str
    platform: str
    instance_type: str
    region: str
    purchase: str
    accelerator_memory_gib: float
    feasible: bool
    reason: str | None
    usd_per_hour: float | None
    sources: list[str]
    shared: PackedEndpoint
    separate: SeparateEndpoints


class ServicesRecord(TypedDict):
    region: str
    monthly_cost_usd: float | None
    components: list[PricedLine]


class PathComponent(TypedDict):
    name: str
    usd: float
    recurrence: Literal["once", "monthly"]


class PathRecord(TypedDict):
    name: str
    kind: str
    quality: float | None
    meets_target: bool
    feasible: bool
    reason: str | None
    one_off_usd: float | None
    monthly_cost_usd: float | None
    horizon_cost_usd: float | None
    components: list[PathComponent]
    notes: list[str]


class Baseline(TypedDict):
    monthly_cost_usd: float
    horizon_cost_usd: float


class CustomizationRecord(TypedDict):
    workloads: list[str]
    horizon_months: int
    target_quality: float | None
    baseline: Baseline
    paths: list[PathRecord]
    chosen: str | None
    pinned: bool
    """The scenario names the path to use (`customization.use`)."""
    note: str | None


class ScenarioSections(TypedDict, total=False):
    """The sections a scenario may hold besides its workloads, priced."""

    training_jobs: list[TrainingJobRecord]
    shared_endpoints: list[SharedEndpointRecord]
    supporting_services: ServicesRecord
    customization: CustomizationRecord | None


class ScenarioSummary(ScenarioSections):
    """A scenario: where it came from, its workloads' choices, its other sections, its bill."""

    name: Required[str]
    pricing_date: Required[str]
    billing_month: Required[str | None]
    """The calendar month priced (YYYY-MM), or null for the 730-hour month."""
    month_hours: Required[float]
    """Hours of the month priced: 730, or the calendar month's days x 24."""
    path: Required[str]
    sha256: Required[str]
    total_monthly_cost_usd: Required[float | None]
    """The whole bill a month (= bill.total_monthly_cost_usd); null when incomplete."""
    complete: Required[bool]
    workloads: Required[list[WorkloadSummary]]
    bill: Required[Bill]


class Quantiles(TypedDict):
    p10: float
    p50: float
    p90: float
    mean: NotRequired[float]


class OptionShares(TypedDict):
    scenario: str
    workload: str
    cheapest_option_share: dict[str, float]


class UncertainInputRecord(TypedDict, total=False):
    scenario: Required[str]
    input: Required[str]
    workload: str
    distribution: Required[str]
    low: float
    mode: float
    high: float
    p50: float
    p90: float


class ScenarioUncertainty(TypedDict):
    scenario: str
    monthly_cost_usd: Quantiles
    """The whole bill a month (month 1 of the horizon, one-offs spread as in the bill)."""
    npv_usd: Quantiles | None
    """When the scenario has a `roi:` section."""


class TornadoBar(TypedDict):
    scenario: str
    input: str
    workload: str | None
    p10_input: float
    p90_input: float
    cost_at_p10_usd: float
    cost_at_p90_usd: float
    swing_usd: float


class MonteCarlo(TypedDict):
    """`estimate --samples N`: the spread of the whole bill (and NPV), per scenario and
    over all of them."""

    schema_version: int
    kind: Literal["genai-cost monte carlo"]
    samples: int
    seed: int | None
    inputs: list[UncertainInputRecord]
    monthly_cost_usd: Quantiles
    """All scenarios together."""
    scenarios: list[ScenarioUncertainty]
    cheapest_option: list[OptionShares]
    tornado: list[TornadoBar]
    npv_usd: Quantiles | None
    """The sum of the NPVs of the scenarios with a `roi:` section (null when none has)."""


class EstimateHead(TypedDict):
    """The estimate document's keys before its option records: what a diff or a region
    comparison reads (the bills and the workload summaries) without making the records,
    most of a large document."""

    schema_version: int
    tool_version: str
    pricing_date: str
    snapshot: SnapshotRef
    warnings: list[str]
    sources: dict[str, SourceInfo]
    scenarios: list[ScenarioSummary]


class EstimateDocument(EstimateHead):
    options: list[OptionRecord]
    monte_carlo: NotRequired[MonteCarlo]


class ValidatedFile(TypedDict):
    """A scenario file that was read: what it holds (null fields when it could not be read)."""

    path: str
    scenario: str | None
    contents: str | None
    """'2 workloads, 1 training job' — what a readable scenario holds."""
    valid: bool


class ValidationProblem(TypedDict):
    path: str
    line: int | None
    column: int | None
    field: str
    message: str
    hint: str


class ValidationDocument(TypedDict):
    """`validate`: every scenario file checked against the schema and the snapshot."""

    schema_version: int
    kind: Literal["genai-cost validate"]
    snapshot: str
    valid: bool
    files: list[ValidatedFile]
    problems: list[ValidationProblem]
