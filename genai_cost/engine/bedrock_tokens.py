"""Resolving Bedrock token prices for every workload (shared by on-demand and batch)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import TIERS
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    BoolArray,
    Component,
    FloatArray,
    ObjArray,
    OptionResult,
    OptionRows,
    empty_objects,
    failure_codes,
    objects,
    sum_components,
    tuples,
    unpriced_failures,
)
from genai_cost.engine.context import PricingContext, WorkloadSpec
from genai_cost.scenario.models import Option

PriceKey = tuple[str, str, str, str | None, dt.date, str]
"""(base model id, scope, region, geographic profile, day, service tier) of a token price
lookup."""


def lookup_token_prices(
    catalog: Catalog, keys: Sequence[PriceKey], columns: tuple[str, ...]
) -> tuple[dict[str, FloatArray], ObjArray, list[tuple[str, ...]]]:
    """The named price columns of the on-demand row in effect for each key (NaN = none), the
    reason where there is no row (""), and each row's source: one catalog lookup per distinct
    key, then every row takes its key's values by index (a join, not a lookup per row).
    Shared by the estimate's token options and by chargeback (tracking/allocate.py)."""
    index: dict[PriceKey, int] = {}
    inverse = [index.setdefault(key, len(index)) for key in keys]
    m = len(index)
    values = {c: np.full(m, np.nan) for c in columns}
    why = empty_objects(m)
    origin: list[tuple[str, ...]] = [() for _ in range(m)]
    for j, (model, scope, region, geo_profile, day, tier) in enumerate(index):
        match = on_demand_price(catalog, model, scope, region, geo_profile, day, tier)
        if isinstance(match, Missing):
            why[j] = match.reason
            continue
        origin[j] = (match.row.source,)
        for column in columns:
            value = getattr(match.row, column)
            values[column][j] = np.nan if value is None else value
    take = np.asarray(inverse, dtype=np.intp)
    params = {c: v[take] for c, v in values.items()}
    reason: ObjArray = why[take]
    return params, reason, [origin[j] for j in inverse]


def service_tiers(catalog: Catalog, spec: WorkloadSpec) -> list[str]:
    """The on-demand service tiers to compare for a workload: the one it names, else standard
    and every other tier the snapshot prices for its model anywhere."""
    w = spec.workload
    if w.service_tier is not None:
        return [w.service_tier]
    priced = {r.tier for r in catalog.on_demand.get(w.base_model, [])}
    return ["standard", *[t for t in TIERS if t != "standard" and t in priced]]


def token_price_rows(
    ctx: PricingContext, option: Option, columns: tuple[str, ...], tiers: bool = False
) -> OptionRows:
    """One row per workload that wants `option` (per service tier with `tiers`), with the
    named price columns (NaN = none); the variant names a tier other than standard. What a
    row's model, location and day decide (its price key, its label) is worked out once per
    distinct combination, not once per workload."""
    tiers_of: dict[tuple[str, str | None], list[str]] = {}
    workload_index: list[int] = []
    row_tiers: list[str] = []
    for i, s in enumerate(ctx.specs):
        if not s.wants(option):
            continue
        if tiers:
            named = s.workload.service_tier
            asked = (s.workload.model, named)
            found = tiers_of.get(asked)
            if found is None:
                found = tiers_of[asked] = service_tiers(ctx.catalog, s)
        else:
            found = ["standard"]
        for tier in found:
            workload_index.append(i)
            row_tiers.append(tier)
    n = len(workload_index)
    explicit = np.zeros(n, dtype=bool)
    keys: list[PriceKey] = []
    row_labels: list[str] = []
    described: dict[tuple[str, str | None, str, str], tuple[str, str, str | None, str]] = {}
    for row, (i, tier) in enumerate(zip(workload_index, row_tiers, strict=True)):
        spec = ctx.specs[i]
        w = spec.workload
        probe = (w.model, w.endpoint_scope, spec.region, tier)
        facts = described.get(probe)
        if facts is None:
            scope: str = w.scope
            where = (
                spec.region if scope != "geo" else f"{w.geo_profile}. profile from {spec.region}"
            )
            shown = "" if tier == "standard" else f", {tier} tier"
            facts = described[probe] = (
                w.base_model,
                scope,
                w.geo_profile,
                f"{w.base_model} ({scope}, {where}{shown})",
            )
        base_model, scope, geo_profile, label = facts
        row_labels.append(label)
        explicit[row] = spec.explicitly_asks(option) and (
            tier == "standard" or w.service_tier is not None
        )
        keys.append((base_model, scope, spec.region, geo_profile, ctx.day_for(spec), tier))
    params, reason, sources = lookup_token_prices(ctx.catalog, keys, columns)
    origins: dict[tuple[str, ...], str] = {}
    for row, found_sources in enumerate(sources):
        if not found_sources:
            continue
        origin = origins.get(found_sources)
        if origin is None:
            origin = origins[found_sources] = ctx.catalog.origin(found_sources[0])
        if origin:  # messages about a price the row lacks name the book that supplied it
            row_labels[row] = f"{row_labels[row][:-1]}; row from {origin})"
    return OptionRows(
        option=option.value,
        workload_index=np.asarray(workload_index, dtype=np.int64),
        variant=objects(["" if tier == "standard" else tier for tier in row_tiers]),
        platform=empty_objects(n),
        instance_type=empty_objects(n),
        label=objects(row_labels),
        params=params,
        reason=reason,
        explicit=explicit,
        sources=tuples(sources),
    )


def token_option_result(
    rows: OptionRows,
    components: list[Component],
    what: str,
    conditions: tuple[tuple[BoolArray, str], ...] = (),
) -> OptionResult:
    """The result of a pay-per-token option: feasible when every condition mask is false, the
    prices resolved, and every component with a quantity priced; no capacity is bought."""
    first = 2 + len(conditions)
    unpriced, templates = unpriced_failures(components, what, first_code=first)
    failure = failure_codes(
        rows.size,
        [
            *[(mask, 2 + k) for k, (mask, _) in enumerate(conditions)],
            (rows.blocked, PREPARED_REASON),
            *unpriced,
        ],
    )
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(*[text for _, text in conditions], *templates),
        monthly_cost_usd=np.where(failure == 0, sum_components(components, rows.size), np.nan),
        capacity=np.full(rows.size, np.nan),
        capacity_unit="",
        utilization_fraction=np.full(rows.size, np.nan),
        components=components,
    )
