"""Bedrock on-demand tokens, with prompt caching, service tiers and long-context rates.

monthly = requests x (input x p_in + output x p_out + cache_read x p_cr
                      + cache_write x p_cw + cache_write_1h x p_cw1h) / 1e6

Each service tier the snapshot prices for the model (standard, priority, flex,
latency-optimized) is a variant with its own prices; flex is for batch-tolerant workloads.
Long context: when a request's input (cached tokens included) exceeds the model's
`long_context_threshold_tokens`, the whole request is billed at the `…_long` rates; a price
row without them, for a model that has a threshold elsewhere, cannot price such a request
(it is not billed at the standard rate).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from genai_cost.engine.arrays import (
    Component,
    FloatArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
)
from genai_cost.engine.bedrock_tokens import token_option_result, token_price_rows
from genai_cost.engine.context import PricingContext
from genai_cost.scenario.models import Option
from genai_cost.units import TOKENS_PER_MILLION

OPTION = Option.on_demand
VARIANTS = ("",)
BASE_COLUMNS = (
    "usd_per_1m_input_tokens",
    "usd_per_1m_output_tokens",
    "usd_per_1m_cache_read_input_tokens",
    "usd_per_1m_cache_write_input_tokens",
)
LONG_COLUMNS = {c: f"{c}_long" for c in BASE_COLUMNS}
"""The rate above the long-context threshold of each base column."""
CACHE_1H = "usd_per_1m_cache_write_1h_input_tokens"
THRESHOLD = "long_context_threshold_tokens"
MODEL_THRESHOLD = "model_long_context_threshold_tokens"
"""The model's threshold from any of its rows (NaN when it has none)."""
PRICE_COLUMNS = (*BASE_COLUMNS, CACHE_1H, THRESHOLD, *LONG_COLUMNS.values())
UNIT = "1M tokens"
IS_FLEX = "is_flex_tier"
NAMED_TIER = "tier_named_by_workload"
LONG_REASON = (
    "each request's input exceeds the model's long-context threshold and the snapshot has no "
    "long-context price for {label}"
)
FLEX_REASON = (
    "the flex tier trades latency for price; set latency: batch_tolerant (or "
    "service_tier: flex) if that is acceptable"
)


def prepare(ctx: PricingContext) -> OptionRows:
    rows = token_price_rows(ctx, OPTION, PRICE_COLUMNS, tiers=True)
    thresholds = {}
    for spec in ctx.specs:
        model = spec.workload.base_model
        found = [
            r.long_context_threshold_tokens
            for r in ctx.catalog.on_demand.get(model, [])
            if r.long_context_threshold_tokens is not None
        ]
        thresholds[model] = min(found) if found else np.nan
    rows.params[IS_FLEX] = np.asarray(rows.variant == "flex", dtype=np.float64)
    rows.params[NAMED_TIER] = np.asarray(
        [ctx.specs[i].workload.service_tier is not None for i in rows.workload_index],
        dtype=np.float64,
    )
    rows.params[MODEL_THRESHOLD] = np.asarray(
        [thresholds[ctx.specs[i].workload.base_model] for i in rows.workload_index],
        dtype=np.float64,
    )
    return rows


def token_components(
    million_input: FloatArray,
    million_output: FloatArray,
    million_cache_read: FloatArray,
    million_cache_write: FloatArray,
    prices: Mapping[str, FloatArray],
) -> list[Component]:
    """The four token lines (millions of tokens × USD per 1M) — of an estimate's workloads,
    or of chargeback's summed invocation logs (tracking/allocate.py)."""
    return [
        Component("input_tokens", UNIT, million_input, prices["usd_per_1m_input_tokens"]),
        Component("output_tokens", UNIT, million_output, prices["usd_per_1m_output_tokens"]),
        Component(
            "cache_read_input_tokens",
            UNIT,
            million_cache_read,
            prices["usd_per_1m_cache_read_input_tokens"],
        ),
        Component(
            "cache_write_input_tokens",
            UNIT,
            million_cache_write,
            prices["usd_per_1m_cache_write_input_tokens"],
        ),
    ]


def long_context(w: WorkloadArrays, rows: OptionRows) -> np.ndarray:
    """Rows whose requests exceed the model's long-context threshold (the row's own, else
    the model's from another row)."""
    p = rows.params
    threshold = np.where(np.isnan(p[THRESHOLD]), p[MODEL_THRESHOLD], p[THRESHOLD])
    with np.errstate(invalid="ignore"):
        return np.asarray(w.all_input_tokens[rows.workload_index] > threshold)


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    long = long_context(w, rows)
    # above the threshold the whole request is billed at the long-context rates (NaN where
    # the row has none: the request cannot be priced, rather than priced at the standard rate)
    prices = {c: np.where(long, p[LONG_COLUMNS[c]], p[c]) for c in BASE_COLUMNS}
    cache_1h = np.where(long, np.nan, p[CACHE_1H])  # no source has a long-context 1-hour rate
    million_requests = w.requests_per_month[i] / TOKENS_PER_MILLION
    components = token_components(
        million_requests * w.input_tokens[i],
        million_requests * w.output_tokens[i],
        million_requests * w.cache_read_tokens[i],
        million_requests * w.cache_write_tokens[i],
        prices,
    )
    components.append(
        Component(
            "cache_write_1h_input_tokens",
            UNIT,
            million_requests * w.cache_write_1h_tokens[i],
            cache_1h,
            optional=True,
        )
    )
    flex = (p[IS_FLEX] > 0) & ~w.batch_tolerant[i] & ~(p[NAMED_TIER] > 0)
    unpriced_long = long & np.isnan(prices["usd_per_1m_input_tokens"])
    return token_option_result(
        rows, components, "on-demand", ((flex, FLEX_REASON), (unpriced_long, LONG_REASON))
    )
