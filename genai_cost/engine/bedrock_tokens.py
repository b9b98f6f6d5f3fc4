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
    Groups,
    ObjArray,
    OptionResult,
    OptionRows,
    empty_objects,
    expand_groups,
    failure_codes,
    objects,
    sum_components,
    tuples,
    unpriced_failures,
)
from genai_cost.engine.context import PricingContext, WorkloadSpec
from genai_cost.scenario.models import Option, Workload

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


def price_label(w: Workload, region: str, detail: str = "") -> str:
    """What a Bedrock price row of a workload is, for messages: `model (scope, where[, detail])`
    — where is the region, or the geographic profile called from it."""
    where = region if w.scope != "geo" else f"{w.geo_profile}. profile from {region}"
    return f"{w.base_model} ({w.scope}, {where}{', ' + detail if detail else ''})"


def token_price_rows(
    ctx: PricingContext, option: Option, columns: tuple[str, ...], tiers: bool = False
) -> OptionRows:
    """One row per workload that wants `option` (per service tier with `tiers`), with the
    named price columns (NaN = none); the variant names a tier other than standard.

    A join, not a lookup per workload: workloads are grouped by what decides their rows
    (model, named tier, scope, region, day, whether they list their options); each group's
    tiers, labels and price keys are worked out once, the prices looked up once per distinct
    key, and every workload takes its group's rows by index."""
    groups = Groups()
    wanting = ctx.wanting(option)
    c, at = ctx.columns(), np.asarray(wanting, dtype=np.intp)
    groups.add_all(
        wanting,
        list(
            zip(
                c.model[at].tolist(),
                c.service_tier[at].tolist(),
                c.endpoint_scope[at].tolist(),
                c.region[at].tolist(),
                ctx.days()[at].tolist(),
                c.explicit[at].tolist(),
                strict=True,
            )
        ),
    )
    wanting, member = groups.wanting, groups.member
    # the rows of each group, in tier order: (group's first row, tiers)
    keys: list[PriceKey] = []
    labels: list[str] = []
    variants: list[str] = []
    explicit_rows: list[bool] = []
    counts: list[int] = []
    for first in groups.first:
        probe = ctx.specs[first]
        named, region, day = probe.workload.service_tier, probe.region, ctx.day_for(probe)
        asked = probe.workload.options is not None
        found = service_tiers(ctx.catalog, probe) if tiers else ["standard"]
        w = probe.workload
        scope: str = w.scope
        for tier in found:
            labels.append(price_label(w, region, "" if tier == "standard" else f"{tier} tier"))
            variants.append("" if tier == "standard" else tier)
            explicit_rows.append(asked and (tier == "standard" or named is not None))
            keys.append((w.base_model, scope, region, w.geo_profile, day, tier))
        counts.append(len(found))
    params, reason, sources = lookup_token_prices(ctx.catalog, keys, columns)
    origins: dict[tuple[str, ...], str] = {}
    for row, found_sources in enumerate(sources):
        if not found_sources:
            continue
        origin = origins.get(found_sources)
        if origin is None:
            origin = origins[found_sources] = ctx.catalog.origin(found_sources[0])
        if origin:  # messages about a price the row lacks name the book that supplied it
            labels[row] = f"{labels[row][:-1]}; row from {origin})"
    take = expand_groups(np.asarray(member, dtype=np.int64), np.asarray(counts, dtype=np.int64))
    n = take.shape[0]
    per_workload = np.asarray(counts, dtype=np.int64)[np.asarray(member, dtype=np.int64)]
    return OptionRows(
        option=option.value,
        workload_index=np.repeat(np.asarray(wanting, dtype=np.int64), per_workload),
        variant=objects(variants)[take],
        platform=empty_objects(n),
        instance_type=empty_objects(n),
        label=objects(labels)[take],
        params={c: v[take] for c, v in params.items()},
        reason=reason[take],
        explicit=np.asarray(explicit_rows, dtype=bool)[take],
        sources=tuples(sources)[take],
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
    monthly = sum_components(components, rows.size)
    monthly[failure != 0] = np.nan
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(*[text for _, text in conditions], *templates),
        monthly_cost_usd=monthly,
        capacity=np.full(rows.size, np.nan),
        capacity_unit="",
        utilization_fraction=np.full(rows.size, np.nan),
        components=components,
    )
