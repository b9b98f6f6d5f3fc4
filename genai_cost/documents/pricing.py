"""`pricing list|show|diff|refresh` and `models`: documents about the snapshots themselves.
schema_version 1."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import WithJsonSchema
from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef, SourceInfo
from genai_cost.records import (
    BedrockModel,
    InstancePrice,
    InstanceType,
    OnDemandPrice,
    ProvisionedPrice,
    ThroughputBenchmark,
    UnitPrice,
    row_schema,
)

# The snapshot's rows as these documents write them (`records.json_row`), each with the JSON
# Schema of its row type (here, not in records.py: building them imports pydantic's schema
# module, which no pricing run needs).
OnDemandRow = Annotated[dict[str, Any], WithJsonSchema(row_schema(OnDemandPrice))]
"""A bedrock_on_demand row as JSON (`json_row`)."""
ProvisionedRow = Annotated[dict[str, Any], WithJsonSchema(row_schema(ProvisionedPrice))]
UnitPriceRow = Annotated[dict[str, Any], WithJsonSchema(row_schema(UnitPrice))]
"""A bedrock_unit_prices row as JSON: per image or per rerank query."""
ThroughputRow = Annotated[dict[str, Any], WithJsonSchema(row_schema(ThroughputBenchmark))]
ModelInfo = Annotated[dict[str, Any], WithJsonSchema(row_schema(BedrockModel))]
InstanceSpec = Annotated[dict[str, Any], WithJsonSchema(row_schema(InstanceType))]
InstancePriceRow = Annotated[
    dict[str, Any], WithJsonSchema(row_schema(InstancePrice, ("instance_type",)))
]
"""An instance_prices row without its instance type (the document names it once)."""


class SnapshotSummary(TypedDict):
    id: str
    as_of: str
    path: str
    models: int
    on_demand_rows: int
    provisioned_rows: int
    instance_price_rows: int
    sources: int


class SnapshotList(TypedDict):
    schema_version: int
    kind: Literal["genai-cost pricing list"]
    snapshots: list[SnapshotSummary]


class ModelPrices(TypedDict):
    """Every price the snapshot holds for one Bedrock model."""

    schema_version: int
    kind: Literal["genai-cost pricing show"]
    snapshot: SnapshotRef
    model: ModelInfo
    on_demand: list[OnDemandRow]
    provisioned: list[ProvisionedRow]
    unit_prices: list[UnitPriceRow]
    """Prices per unit other than tokens (per image, per rerank query), by variant."""
    self_hosted_throughput: list[ThroughputRow]
    sources: dict[str, SourceInfo]


class InstancePrices(TypedDict):
    """Every price and benchmark the snapshot holds for one instance type (EC2 and SageMaker,
    every purchase and region)."""

    schema_version: int
    kind: Literal["genai-cost pricing show instance"]
    snapshot: SnapshotRef
    instance_type: str
    spec: InstanceSpec | None
    prices: list[InstancePriceRow]
    self_hosted_throughput: list[ThroughputRow]
    sources: dict[str, SourceInfo]


class PriceChange(TypedDict):
    column: str
    old: float | None
    new: float | None
    change_percent: float | None


class RowChange(TypedDict):
    table: str
    """bedrock_on_demand, bedrock_provisioned or instance_prices."""
    change: Literal["added", "removed", "changed"]
    key: dict[str, str]
    """The row's key columns ("" for an empty effective_from)."""
    prices: list[PriceChange]
    source: str


class ChangeCounts(TypedDict):
    added: int
    removed: int
    changed: int


class PricingDiff(TypedDict):
    schema_version: int
    kind: Literal["genai-cost pricing diff"]
    old: SnapshotRef
    new: SnapshotRef
    counts: ChangeCounts
    changes: list[RowChange]


class ModelRow(TypedDict):
    model_id: str
    name: str
    provider: str
    kind: str
    """text, embedding, or a kind billed per unit: image_generation, image_edit, rerank."""
    open_weights: bool
    on_demand_priced_for: str
    provisioned_terms: str


class ModelList(TypedDict):
    schema_version: int
    kind: Literal["genai-cost models"]
    snapshot: str
    models: list[ModelRow]


class Skipped(TypedDict):
    count: int
    examples: list[str]


class CarriedPrice(TypedDict):
    model_id: str
    scope: str
    region: str
    column: str
    value: float
    reason: str


class RefreshReport(TypedDict):
    schema_version: int
    kind: Literal["genai-cost pricing refresh"]
    snapshot_id: str
    path: str
    refreshed_rows: dict[str, int]
    carried_over_rows: dict[str, int]
    api_calls: int
    used: dict[str, int]
    skipped: dict[str, Skipped]
    problems: list[str]
    carried_over_prices: list[CarriedPrice]


class ImportDecision(TypedDict):
    decision: str
    rows: int


class PricingImport(TypedDict):
    """`pricing import`: a candidate snapshot built from an installed price package, its
    differences from the current snapshot, and where it was written (with --write)."""

    schema_version: int
    kind: Literal["genai-cost pricing import"]
    package: str
    version: str
    source_key: str
    as_of: str
    base_snapshot: str
    written: str | None
    """The new snapshot's folder, or null when only the differences were reported."""
    decisions: list[ImportDecision]
    skipped: dict[str, Skipped]
    disagreements: list[str]
    """Prices the package disagrees with but the import did not apply (see price_conflicts)."""
    diff: PricingDiff


class CoverageRow(TypedDict):
    subject: str
    """A model id, `ec2 g5.xlarge` / `sagemaker ml.g5.xlarge`, or `lambda duration_arm`."""
    region: str
    priced: list[str]
    """Models: `in-region`, `<profile>. profile`, `global`, plus `batch`, `priority`, `flex`
    when a price exists; instances: the purchase models priced."""
    as_of: str
    """The newest as-of date among the rows that price it."""


class PricingCoverage(TypedDict):
    """`pricing coverage`: what the snapshot prices where."""

    schema_version: int
    kind: Literal["genai-cost pricing coverage"]
    snapshot: str
    day: str
    regions: list[str]
    models: list[CoverageRow]
    instances: list[CoverageRow]
    services: list[CoverageRow]
    """Supporting services (`lambda duration_arm` …): priced by a row for the `region`
    itself, for its `geography`, or for `everywhere`."""
