"""`infra`: a Terraform plan or CloudFormation template priced. schema_version 1."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from genai_cost.documents.common import SnapshotRef


class InfraLine(TypedDict):
    name: str
    quantity: float
    unit: str
    usd_per_unit: float | None
    usd: float | None
    sources: list[str]
    detail: str | None


class InfraResource(TypedDict):
    address: str
    type: str
    change: Literal["create", "update", "replace", "delete", "no-op"]
    status: str
    """After the change: `priced`, `missing` (a price the snapshot lacks), `unknown` (a value
    the definition leaves open), `usage` (usage-priced: a scenario describes its traffic),
    `included` (billed through another resource, or free) or `not-priced`; `absent` when
    deleted."""
    before_monthly_usd: float | None
    after_monthly_usd: float | None
    change_usd: float | None
    reason: str
    changed: list[str]
    """Attributes that decide the price and changed (`instance_type ml.g5.2xlarge →
    ml.g6e.2xlarge`)."""
    lines: list[InfraLine]
    """The price of the state after the change, line by line."""


class InfraTotal(TypedDict):
    before_monthly_usd: float
    after_monthly_usd: float
    change_usd: float
    complete: bool
    """False when a resource with fixed capacity cannot be priced (`missing` or `unknown`):
    the totals are then lower bounds."""
    not_priced: list[str]
    """Resources that cost money with usage (or that genai-cost does not price), by
    address: not in the totals."""


class InfraDocument(TypedDict):
    schema_version: int
    kind: Literal["genai-cost infra"]
    path: str
    base: str | None
    """The base definition compared with (`--base`), or null: a plan's own before and after."""
    source: Literal["terraform-plan", "cloudformation"]
    region: str
    snapshot: SnapshotRef
    pricing_date: str
    month_hours: float
    resources: list[InfraResource]
    total: InfraTotal
    verdict: Literal["pass", "warn", "fail"]
    """After the thresholds (`--fail-on-increase`, `--fail-above`, `--warn-*`)."""
    breached: list[str]
    """Each threshold breached, with its subject (`total` or a resource address)."""
