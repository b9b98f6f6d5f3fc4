"""Bedrock on-demand per unit: images generated or edited, and rerank queries.

monthly = requests x units per request x usd_per_unit

Units per request: `images.images_per_request` output images (image_generation,
image_edit), or ceil(documents_per_query / 100) queries for rerank — AWS counts up to 100
document chunks as one query (Amazon Bedrock User Guide, "Pricing and search units"). The
price is the snapshot's row for the model at the workload's endpoint scope and region and,
for a model priced by size and steps, the `images.variant` the workload names
(catalog/lookup.unit_price). No price: an infeasible row naming model, region and unit.

Only workloads of a kind billed per unit get rows here, and they get rows nowhere else
(`Workload.priced_by`): their cost is one purchase option, so cheapest = billed trivially.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from genai_cost.catalog.lookup import Missing, unit_price
from genai_cost.engine.arrays import (
    Component,
    Groups,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    empty_objects,
    objects,
    tuples,
)
from genai_cost.engine.bedrock_tokens import price_label, token_option_result
from genai_cost.engine.context import PricingContext
from genai_cost.engine.traits import OptionTraits
from genai_cost.scenario.models import Option, Workload

OPTION = Option.per_unit
TRAITS = OptionTraits(pay_per_use=True, cost_curve="linear", answers_caller=True)
VARIANTS = ("",)
PRICE = "usd_per_unit"
PRICE_COLUMNS = (PRICE,)
"""The catalog price this option reads (bedrock_unit_prices)."""
UNITS = "units_per_request"
IS_QUERY = "billed_per_query"
IMAGE_UNIT = "image"
QUERY_UNIT = "query"
SETTINGS = None
"""The workload fields holding this option's own settings: none (`images` and `rerank`
describe the workload, whatever prices it)."""


def _variant(w: Workload) -> str | None:
    return w.images.variant if w.images is not None else None


def prepare(ctx: PricingContext) -> OptionRows:
    """One row per workload billed per unit, with its price (NaN and the reason where the
    snapshot has none): looked up once per distinct (model, variant, scope, region, day)."""
    groups = Groups()
    for i in ctx.wanting(OPTION):
        spec = ctx.specs[i]
        w = spec.workload
        groups.add(
            i,
            (w.base_model, _variant(w), w.scope, w.geo_profile, spec.region, ctx.day_for(spec)),
        )
    prices: list[float] = []
    reasons: list[str] = []
    labels: list[str] = []
    variants: list[str] = []
    sources: list[tuple[str, ...]] = []
    for first in groups.first:
        spec = ctx.specs[first]
        w = spec.workload
        match = unit_price(
            ctx.catalog,
            w.base_model,
            w.scope,
            spec.region,
            w.geo_profile,
            ctx.day_for(spec),
            _variant(w),
        )
        if isinstance(match, Missing):
            prices.append(np.nan)
            reasons.append(match.reason)
            variants.append(_variant(w) or "")
            sources.append(())
        else:
            prices.append(match.usd_per_unit)
            reasons.append("")
            variants.append(match.variant)
            sources.append((match.source,))
        labels.append(price_label(w, spec.region, variants[-1]))
    take = np.asarray(groups.member, dtype=np.int64)  # one row per group: its workloads' row
    wanting = np.asarray(groups.wanting, dtype=np.int64)
    n = take.shape[0]
    specs = [ctx.specs[i] for i in groups.wanting]
    units = np.asarray([s.workload.units_per_request for s in specs], dtype=np.float64)
    query = np.asarray([s.workload.kind == "rerank" for s in specs], dtype=np.float64)
    return OptionRows(
        option=OPTION.value,
        workload_index=wanting,
        variant=objects(variants)[take],
        platform=empty_objects(n),
        instance_type=empty_objects(n),
        label=objects(labels)[take],
        params={
            PRICE: np.asarray(prices, dtype=np.float64)[take],
            UNITS: units,
            IS_QUERY: query,
        },
        reason=objects(reasons)[take],
        explicit=np.asarray([s.workload.options is not None for s in specs], dtype=bool),
        sources=tuples(sources)[take],
    )


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    units = w.requests_per_month[i] * p[UNITS]
    query = p[IS_QUERY] > 0
    components = [
        Component("images", IMAGE_UNIT, np.where(query, 0.0, units), p[PRICE], optional=True),
        Component(
            "rerank_queries", QUERY_UNIT, np.where(query, units, 0.0), p[PRICE], optional=True
        ),
    ]
    return token_option_result(rows, components, "per-unit")


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row: none (a workload
    billed per unit has one row)."""
    return {}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return "same model and output; billed per image or query"
