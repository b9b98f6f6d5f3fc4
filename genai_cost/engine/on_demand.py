"""Bedrock on-demand tokens, with prompt caching.

monthly = requests x (input x p_in + output x p_out + cache_read x p_cr + cache_write x p_cw) / 1e6
"""

from __future__ import annotations

from collections.abc import Mapping

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
PRICE_COLUMNS = (
    "usd_per_1m_input_tokens",
    "usd_per_1m_output_tokens",
    "usd_per_1m_cache_read_input_tokens",
    "usd_per_1m_cache_write_input_tokens",
)
UNIT = "1M tokens"


def prepare(ctx: PricingContext) -> OptionRows:
    return token_price_rows(ctx, OPTION, PRICE_COLUMNS)


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


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    million_requests = w.requests_per_month[i] / TOKENS_PER_MILLION
    components = token_components(
        million_requests * w.input_tokens[i],
        million_requests * w.output_tokens[i],
        million_requests * w.cache_read_tokens[i],
        million_requests * w.cache_write_tokens[i],
        rows.params,
    )
    return token_option_result(rows, components, "on-demand")
