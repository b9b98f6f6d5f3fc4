"""Bedrock on-demand tokens, with prompt caching.

monthly = requests x (input x p_in + output x p_out + cache_read x p_cr + cache_write x p_cw) / 1e6
"""

from __future__ import annotations

import numpy as np

from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    failure_codes,
    sum_components,
    unpriced_failures,
)
from genai_cost.engine.bedrock_tokens import token_price_rows
from genai_cost.engine.context import PricingContext
from genai_cost.scenario import Option
from genai_cost.units import TOKENS_PER_MILLION

OPTION = Option.on_demand
VARIANTS = ("",)
PRICE_COLUMNS = (
    "usd_per_1m_input_tokens",
    "usd_per_1m_output_tokens",
    "usd_per_1m_cache_read_input_tokens",
    "usd_per_1m_cache_write_input_tokens",
)
UNIT = "1M tokens"


def prepare(ctx: PricingContext) -> OptionRows:
    return token_price_rows(ctx, OPTION, PRICE_COLUMNS)


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    million_requests = w.requests_per_month[i] / TOKENS_PER_MILLION
    components = [
        Component(
            "input_tokens", UNIT, million_requests * w.input_tokens[i], p["usd_per_1m_input_tokens"]
        ),
        Component(
            "output_tokens",
            UNIT,
            million_requests * w.output_tokens[i],
            p["usd_per_1m_output_tokens"],
        ),
        Component(
            "cache_read_input_tokens",
            UNIT,
            million_requests * w.cache_read_tokens[i],
            p["usd_per_1m_cache_read_input_tokens"],
        ),
        Component(
            "cache_write_input_tokens",
            UNIT,
            million_requests * w.cache_write_tokens[i],
            p["usd_per_1m_cache_write_input_tokens"],
        ),
    ]
    unpriced, templates = unpriced_failures(components, "on-demand", first_code=2)
    failure = failure_codes(rows.size, [(rows.blocked, PREPARED_REASON), *unpriced])
    monthly = np.where(failure == 0, sum_components(components, rows.size), np.nan)
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=templates,
        monthly_cost_usd=monthly,
        capacity=np.full(rows.size, np.nan),
        capacity_unit="",
        utilization_fraction=np.full(rows.size, np.nan),
        components=components,
    )
