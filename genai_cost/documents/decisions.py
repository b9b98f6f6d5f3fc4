"""`breakeven`, `mix`, `roi`, `regions`: the decision documents. schema_version 1."""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef


class Crossing(TypedDict):
    """A volume where options `a` and `b` change order."""

    a: str
    b: str
    kind: Literal["equal", "step"]
    requests_per_month: float
    tokens_per_minute: float
    cost_a_usd: float
    cost_b_usd: float
    cheaper_below: str
    cheaper_above: str


class Band(TypedDict):
    from_requests_per_month: float
    to_requests_per_month: float
    cheapest: str


class Sweep(TypedDict):
    requests_per_month: list[float]
    monthly_cost_usd: dict[str, list[float | None]]
    """Per option; null above the volume an option can serve (an instance limit)."""


class WorkloadBreakeven(TypedDict):
    scenario: str
    workload: str
    requests_per_month: float
    range: list[float]
    options: list[str]
    crossings: list[Crossing]
    sweep_check_max_difference_usd: float
    bands: list[Band]
    sweep: Sweep


class BreakevenDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost breakeven"]
    workloads: list[WorkloadBreakeven]


class Mix(TypedDict):
    """How much of the load one capacity variant should carry, the rest on the cheapest
    pay-per-use option that can take it (schema_version 2: `burst_option` and `burst_usd`
    replace version 1's `on_demand_usd`, which was always on-demand)."""

    capacity_option: str
    burst_option: str | None
    """The pay-per-use option taking the overflow: on-demand (or a tier), serverless, batch."""
    units: int | None
    """Units kept (for autoscaled capacity: the most instances it may run in an hour)."""
    units_for_peak: int | None
    monthly_cost_usd: float | None
    fixed_usd: float | None
    burst_usd: float | None
    """The overflow's cost on `burst_option`."""
    share_served_by_capacity: float | None
    pure_on_demand_usd: float | None
    pure_capacity_usd: float | None
    saving_vs_on_demand_usd: float | None
    saving_vs_capacity_usd: float | None
    note: str | None


class Alternative(TypedDict):
    """An option with no fixed capacity to mix (it scales by itself), beside the mixes."""

    option: str
    monthly_cost_usd: float
    saving_vs_on_demand_usd: float | None
    """Null when on-demand cannot be priced."""


class WorkloadMix(TypedDict):
    scenario: str
    workload: str
    mixes: list[Mix]
    note: str | None
    alternatives: NotRequired[list[Alternative]]
    """Pay-per-use options priced for the whole load (serverless, batch, batch transform,
    on-demand tiers) at the current volume, cheapest first; autoscaled and asynchronous
    capacity are bases in `mixes`."""


class MixDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost mix"]
    workloads: list[WorkloadMix]


class RoiMonth(TypedDict):
    month: int
    requests: float
    run_cost_usd: float
    """Every monthly line of the bill at that month's traffic (one-offs apart)."""
    one_off_usd: float
    """The bill's one-off payments made that month (training, corpus embedding …)."""
    development_usd: float
    benefit_usd: float
    net_usd: float
    cumulative_net_usd: float
    discounted_net_usd: float


class ScenarioRoi(TypedDict):
    scenario: str
    horizon_months: int
    monthly_discount_rate: float
    bill_monthly_cost_usd: float
    """The whole bill a month in month 1 (as `estimate` shows it, one-offs spread)."""
    months: list[RoiMonth]
    total_cost_usd: float
    total_benefit_usd: float
    net_value_usd: float
    npv_usd: float
    payback_month: int | None
    roi_percent: float | None


class RoiDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost roi"]
    scenarios: list[ScenarioRoi]


class RegionWorkload(TypedDict):
    name: str
    cheapest_option: str | None
    monthly_cost_usd: float | None


class RegionRow(TypedDict):
    region: str
    feasible: bool
    """The whole bill can be priced there."""
    monthly_cost_usd: float | None
    """The whole bill a month; null when part of it cannot be priced there."""
    priced_monthly_cost_usd: float | None
    """What could be priced (a lower bound when the bill is incomplete)."""
    workloads: list[RegionWorkload]
    reason: str | None


class RegionsDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost regions"]
    scenario: str
    path: str
    snapshot: SnapshotRef
    regions: list[RegionRow]


class OptimizeLever(TypedDict):
    """One lever: a scenario change and what it saves against the scenario as it is."""

    rank: int
    """1 = the largest monthly saving; `optimize --apply RANK` applies its patch."""
    kind: Literal[
        "option",
        "batch",
        "caching",
        "model",
        "profile",
        "region",
        "base_load",
        "right_size",
        "training_spot",
        "packing",
    ]
    action: str
    workload: str | None
    monthly_saving_usd: float
    """The whole bill now minus the whole bill of the patched scenario (same engine)."""
    share_of_bill: float | None
    monthly_cost_after_usd: float
    """The patched scenario's whole bill: what `estimate` prints for it."""
    one_off_usd: float
    payback_months: float
    """one_off_usd / monthly_saving_usd (0: immediate)."""
    risk: str
    """What the saving assumes, or what it costs in other terms."""
    patch: dict[str, Any]
    """A merge patch of the scenario YAML: mappings merge, `workloads` and `training_jobs`
    items are matched by `name`, null removes a field, other values replace."""


class OptimizeNotPriced(TypedDict):
    kind: str
    action: str
    reason: str


class OptimizeScenario(TypedDict):
    scenario: str
    file: str
    monthly_cost_usd: float | None
    """The whole bill now; null when incomplete (then no lever is priced)."""
    complete: bool
    levers: list[OptimizeLever]
    not_priced: list[OptimizeNotPriced]
    """Levers the scenario asked for (candidate models and regions, caching, spot) that
    cannot be priced, with the reason."""


class OptimizeDocument(TypedDict):
    """`genai-cost optimize -f json`: savings are not additive (each is against the scenario
    as it is)."""

    schema_version: int
    kind: Literal["genai-cost optimize"]
    scenarios: list[OptimizeScenario]
