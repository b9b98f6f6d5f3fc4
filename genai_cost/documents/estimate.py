"""The estimate document (`estimate --format json`): every option of every workload, and the
scenarios with their cheapest choices and sections. schema_version 1."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required

from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef, SourceInfo


class ComponentRecord(TypedDict):
    """One named line of a bill: `usd = quantity × usd_per_unit`."""

    name: str
    quantity: float | None
    unit: str
    usd_per_unit: float | None
    usd: float | None


OptionName = Literal["on_demand", "batch", "provisioned", "self_hosted"]


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


class WorkloadSummary(TypedDict):
    """A workload and its cheapest option."""

    name: str
    model: str
    region: str
    requests_per_month: float | None
    cheapest_option: str | None
    cheapest_variant: str | None
    cheapest_platform: str | None
    cheapest_instance_type: str | None
    monthly_cost_usd: float | None


class ScenarioSections(TypedDict, total=False):
    """The sections a scenario may hold besides its workloads, priced."""

    training_jobs: list[dict[str, Any]]
    shared_endpoints: list[dict[str, Any]]
    supporting_services: dict[str, Any]
    customization: dict[str, Any] | None


class ScenarioSummary(ScenarioSections):
    """A scenario: where it came from, its workloads' choices, its other sections."""

    name: Required[str]
    pricing_date: Required[str]
    path: Required[str]
    sha256: Required[str]
    total_monthly_cost_usd: Required[float | None]
    workloads: Required[list[WorkloadSummary]]


class Quantiles(TypedDict):
    p10: float
    p50: float
    p90: float
    mean: NotRequired[float]


class OptionShares(TypedDict):
    workload: str
    cheapest_option_share: dict[str, float]


class TornadoBar(TypedDict):
    input: str
    workload: str | None
    p10_input: float
    p90_input: float
    cost_at_p10_usd: float
    cost_at_p90_usd: float
    swing_usd: float


class MonteCarlo(TypedDict):
    """`estimate --samples N`: the spread of the monthly cost (and NPV)."""

    schema_version: int
    kind: Literal["genai-cost monte carlo"]
    samples: int
    seed: int | None
    inputs: list[dict[str, Any]]
    monthly_cost_usd: Quantiles
    cheapest_option: list[OptionShares]
    tornado: list[TornadoBar]
    npv_usd: Quantiles | None


class EstimateDocument(TypedDict):
    schema_version: int
    tool_version: str
    pricing_date: str
    snapshot: SnapshotRef
    warnings: list[str]
    sources: dict[str, SourceInfo]
    scenarios: list[ScenarioSummary]
    options: list[OptionRecord]
    monte_carlo: NotRequired[MonteCarlo]
