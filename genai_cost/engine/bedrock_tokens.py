"""Resolving Bedrock token prices for every workload (shared by on-demand and batch)."""

from __future__ import annotations

import numpy as np

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    BoolArray,
    Component,
    OptionResult,
    OptionRows,
    empty_objects,
    failure_codes,
    sum_components,
    tuples,
    unpriced_failures,
)
from genai_cost.engine.context import PricingContext
from genai_cost.scenario.models import Option


def token_price_rows(ctx: PricingContext, option: Option, columns: tuple[str, ...]) -> OptionRows:
    """One row per workload that wants `option`, with the named price columns (NaN = none)."""
    specs = [(i, s) for i, s in enumerate(ctx.specs) if s.wants(option)]
    n = len(specs)
    params = {c: np.full(n, np.nan) for c in columns}
    reason = empty_objects(n)
    label = empty_objects(n)
    explicit = np.zeros(n, dtype=bool)
    sources: list[tuple[str, ...]] = [() for _ in specs]
    for row, (_, spec) in enumerate(specs):
        w = spec.workload
        scope = w.scope.value
        where = spec.region if scope != "geo" else f"{w.geo_profile}. profile from {spec.region}"
        label[row] = f"{w.base_model} ({scope}, {where})"
        explicit[row] = spec.explicitly_asks(option)
        match = on_demand_price(
            ctx.catalog, w.base_model, scope, spec.region, w.geo_profile, ctx.day_for(spec)
        )
        if isinstance(match, Missing):
            reason[row] = match.reason
            continue
        sources[row] = (match.row.source,)
        for column in columns:
            value = getattr(match.row, column)
            params[column][row] = np.nan if value is None else value
    return OptionRows(
        option=option.value,
        workload_index=np.asarray([i for i, _ in specs], dtype=np.int64),
        variant=empty_objects(n),
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
