"""Shared capacity in a chargeback: provisioned throughput and self-hosted endpoints.

Their cost does not depend on traffic: `units × USD per unit-hour × hours`. It is split between
the records that used it by tokens consumed (all four token types), or by headcount or fixed
shares; the idle share is spread pro rata or reported as its own line (docs/methodology.md,
"Shared capacity").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from genai_cost.catalog.lookup import Missing, instance_price, provisioned_price
from genai_cost.catalog.snapshot import Catalog
from genai_cost.errors import ArgumentError, CapacityError, PricingError
from genai_cost.modelbase import Positive, Strict, Whole
from genai_cost.scenario.models import ProvisionedTerm
from genai_cost.vocabulary import Purchase


class _Shared(Strict):
    name: Annotated[str, Field(min_length=1)]
    """Shown in the report, e.g. `claude-pt`."""
    region: str
    model_ids: tuple[str, ...] = Field(min_length=1)
    """The `modelId` values in the logs that run on this capacity (e.g. provisioned-model ARNs)."""
    hours: Positive | None = None
    """Hours the capacity was held in the period (default: 24 × days from the first to the last
    day in the logs)."""
    split: Literal["tokens", "headcount", "fixed"] = "tokens"
    """How the cost is divided: by tokens consumed, by `shares` as headcounts, or by `shares` as
    fixed fractions (summing to 1)."""
    shares: dict[str, Positive] = Field(default_factory=dict)
    """Tenant -> headcount (split: headcount) or fraction (split: fixed)."""
    idle: Literal["spread", "separate"] = "spread"
    """With split: tokens, the unused share spread over the users pro rata, or its own line."""
    capacity_tokens_per_minute: Positive | None = None
    """Tokens per minute the capacity can serve (your measurement: AWS publishes none); gives
    the utilisation as tokens used / (this × 60 × hours)."""
    measured_utilization_fraction: Annotated[float, Field(gt=0, le=1)] | None = None
    """The utilisation measured on the capacity itself over the period (0-1], e.g. an
    endpoint's mean GPUUtilization; beats the token-based figure. `allocate
    --endpoint-metrics` fills it for an entry with an `endpoint_name`."""
    resource_ids: tuple[str, ...] = ()
    """With `allocate --cur`: the bill's `line_item_resource_id`s of this capacity (the
    provisioned model ARN, the SageMaker endpoint ARN, EC2 instance ids); their line items'
    cost is split by `shares` instead of the price (split: headcount or fixed)."""

    @model_validator(mode="after")
    def _consistent(self) -> _Shared:
        if self.split == "tokens" and self.shares:
            raise ValueError("shares are for split: headcount or fixed")
        if self.split != "tokens" and not self.shares:
            raise ValueError(f"split: {self.split} needs shares (tenant -> number)")
        if self.split == "fixed" and abs(sum(self.shares.values()) - 1) > 1e-6:
            raise ValueError(f"fixed shares must sum to 1, got {sum(self.shares.values()):g}")
        measured = self.measured_utilization_fraction is not None or bool(
            getattr(self, "endpoint_name", None)
        )
        if self.idle == "separate" and self.capacity_tokens_per_minute is None and not measured:
            raise ValueError(
                "idle: separate needs the utilisation: capacity_tokens_per_minute, "
                "measured_utilization_fraction, or (self_hosted) an endpoint_name with "
                "«endpoint_metrics»"
            )
        return self


class ProvisionedCapacity(_Shared):
    """Bedrock provisioned throughput: `model_units` of `model` for `term`."""

    kind: Literal["provisioned"]
    model: str
    """Base model id as priced in the snapshot."""
    term: ProvisionedTerm
    model_units: Annotated[Whole, Field(ge=1)]


class SelfHostedCapacity(_Shared):
    """`count` instances of `instance_type` (without `ml.`) on SageMaker or EC2."""

    kind: Literal["self_hosted"]
    platform: Literal["sagemaker", "ec2"] = "sagemaker"
    instance_type: str
    count: Annotated[Whole, Field(ge=1)] = 1
    purchase: Purchase = "on_demand"
    endpoint_name: Annotated[str, Field(min_length=1)] | None = None
    """The SageMaker endpoint (`NAME` or `NAME/VARIANT`) these instances are: with `allocate
    --endpoint-metrics FILE`, its mean GPUUtilization over the period is the utilisation."""


Capacity = Annotated[ProvisionedCapacity | SelfHostedCapacity, Field(discriminator="kind")]


class CapacityFile(Strict):
    """`capacity: [...]` — the shared capacity behind some of the logs' `modelId`s."""

    capacity: tuple[Capacity, ...]

    @model_validator(mode="after")
    def _unique(self) -> CapacityFile:
        names = [c.name for c in self.capacity]
        if len(set(names)) != len(names):
            raise ValueError("capacity names must be unique")
        ids = [m for c in self.capacity for m in c.model_ids]
        if len(set(ids)) != len(ids):
            raise ValueError("a modelId may belong to one capacity entry only")
        return self


def load_capacity(path: Path) -> CapacityFile:
    from genai_cost.modelfile import load_model_file

    return load_model_file(path, CapacityFile, error=CapacityError)


@dataclass(frozen=True)
class CapacityCost:
    usd_per_hour: float
    source: str
    description: str


def hourly_cost(
    entry: ProvisionedCapacity | SelfHostedCapacity, catalog: Catalog, day: dt.date
) -> CapacityCost:
    """USD per hour of the whole entry; a missing price is an error naming what is missing."""
    if isinstance(entry, ProvisionedCapacity):
        row = provisioned_price(catalog, entry.model, entry.region, entry.term, day)
        if isinstance(row, Missing):
            raise PricingError(
                f"capacity {entry.name!r}: {row.reason}",
                model=entry.model,
                region=entry.region,
                option="provisioned",
                term=entry.term,
            )
        return CapacityCost(
            entry.model_units * row.usd_per_model_unit_hour,
            row.source,
            f"{entry.model_units} × {entry.model} model unit ({entry.term}) at "
            f"${row.usd_per_model_unit_hour:g}/h",
        )
    found = instance_price(
        catalog, entry.platform, entry.instance_type, entry.region, entry.purchase, day
    )
    if isinstance(found, Missing):
        raise PricingError(
            f"capacity {entry.name!r}: {found.reason}",
            region=entry.region,
            option=f"self_hosted {entry.platform} {entry.instance_type}",
            term=entry.purchase,
        )
    return CapacityCost(
        entry.count * found.usd_per_hour,
        found.source,
        f"{entry.count} × {found.instance_type} ({entry.platform}, {entry.purchase}) at "
        f"${found.usd_per_hour:g}/h",
    )


def measured_capacity(
    capacity: CapacityFile, catalog: Catalog, endpoint_metrics: Path | None
) -> CapacityFile:
    """The capacity file with each self-hosted entry that names its endpoint measured: its
    mean GPUUtilization over the metrics' period (tracking/cloudwatch.endpoint_utilization)
    as `measured_utilization_fraction`."""
    named = [e for e in capacity.capacity if isinstance(e, SelfHostedCapacity) and e.endpoint_name]
    if not named:
        if endpoint_metrics is not None:
            raise ArgumentError(
                "«endpoint_metrics»: no self_hosted entry of «capacity» names an endpoint_name"
            )
        return capacity
    if endpoint_metrics is None:
        if any(e.measured_utilization_fraction is None and e.idle == "separate" for e in named):
            raise ArgumentError(
                f"{named[0].name}: endpoint_name is measured from CloudWatch: give "
                "«endpoint_metrics» FILE (the request: calibrate --endpoint-queries)"
            )
        return capacity
    from genai_cost.tracking.cloudwatch import endpoint_utilization, read_file

    metrics = read_file(endpoint_metrics)
    entries = []
    for entry in capacity.capacity:
        if isinstance(entry, SelfHostedCapacity) and entry.endpoint_name:
            spec = catalog.instance_types.get(entry.instance_type.removeprefix("ml."))
            used = endpoint_utilization(
                metrics, entry.endpoint_name, spec.accelerator_count if spec else 1
            )
            if isinstance(used, str):
                raise CapacityError.at(str(endpoint_metrics), f"{entry.name}: {used}")
            entry = entry.model_copy(update={"measured_utilization_fraction": used})
        entries.append(entry)
    return capacity.model_copy(update={"capacity": entries})
