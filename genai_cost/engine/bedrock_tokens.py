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
    reason where there is no row (""), and each row's source — one lookup per distinct key.
    Shared by the estimate's token options and by chargeback (tracking/allocate.py)."""
    n = len(keys)
    params = {c: np.full(n, np.nan) for c in columns}
    reason = empty_objects(n)
    sources: list[tuple[str, ...]] = [() for _ in range(n)]
    seen: dict[PriceKey, int] = {}
    for row, key in enumerate(keys):
        first = seen.setdefault(key, row)
        if first != row:
            for column in columns:
                params[column][row] = params[column][first]
            reason[row], sources[row] = reason[first], sources[first]
            continue
        model, scope, region, geo_profile, day, tier = key
        match = on_demand_price(catalog, model, scope, region, geo_profile, day, tier)
        if isinstance(match, Missing):
            reason[row] = match.reason
            continue
        sources[row] = (match.row.source,)
        for column in columns:
            value = getattr(match.row, column)
            params[column][row] = np.nan if value is None else value
    return params, reason, sources


def service_tiers(catalog: Catalog, spec: WorkloadSpec) -> list[str]:
    """The on-demand service tiers to compare for a workload: the one it names, else standard
    and every other tier the snapshot prices for its model anywhere."""
    w = spec.workload
    if w.service_tier is not None:
        return [w.service_tier.value]
    priced = {r.tier for r in catalog.on_demand.get(w.base_model, [])}
    return ["standard", *[t for t in TIERS if t != "standard" and t in priced]]


def token_price_rows(
    ctx: PricingContext, option: Option, columns: tuple[str, ...], tiers: bool = False
) -> OptionRows:
    """One row per workload that wants `option` (per service tier with `tiers`), with the
    named price columns (NaN = none); the variant names a tier other than standard."""
    specs = [
        (i, s, tier)
        for i, s in enumerate(ctx.specs)
        if s.wants(option)
        for tier in (service_tiers(ctx.catalog, s) if tiers else ["standard"])
    ]
    n = len(specs)
    label = empty_objects(n)
    variant = empty_objects(n)
    explicit = np.zeros(n, dtype=bool)
    keys: list[PriceKey] = []
    for row, (_, spec, tier) in enumerate(specs):
        w = spec.workload
        scope = w.scope.value
        where = spec.region if scope != "geo" else f"{w.geo_profile}. profile from {spec.region}"
        shown = "" if tier == "standard" else f", {tier} tier"
        label[row] = f"{w.base_model} ({scope}, {where}{shown})"
        variant[row] = "" if tier == "standard" else tier
        explicit[row] = spec.explicitly_asks(option) and (
            tier == "standard" or w.service_tier is not None
        )
        keys.append((w.base_model, scope, spec.region, w.geo_profile, ctx.day_for(spec), tier))
    params, reason, sources = lookup_token_prices(ctx.catalog, keys, columns)
    for row, found in enumerate(sources):
        origin = ctx.catalog.origin(found[0]) if found else ""
        if origin:  # messages about a price the row lacks name the book that supplied it
            label[row] = f"{label[row][:-1]}; row from {origin})"
    return OptionRows(
        option=option.value,
        workload_index=np.asarray([i for i, _, _ in specs], dtype=np.int64),
        variant=variant,
        platform=empty_objects(n),
        instance_type=empty_objects(n),
        label=label,
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
