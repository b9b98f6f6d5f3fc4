"""Bedrock batch inference: the batch token price, for workloads that tolerate hours of latency.

monthly = requests x ((input + cache_read + cache_write) x p_batch_in + output x p_batch_out) / 1e6

Prompt caching does not apply to batch jobs, so cached input is billed as ordinary batch input.
Models without a published batch price are infeasible, never free. Requests whose input
exceeds the model's long-context threshold are billed on demand at the long-context rates;
no source publishes batch rates for them (and a batch price is never derived by a ratio), so a
workload with such requests cannot be priced on batch: infeasible, with the reason.
"""

from __future__ import annotations

from typing import Any

from genai_cost.engine.arrays import Component, OptionResult, OptionRows, WorkloadArrays
from genai_cost.engine.bedrock_tokens import token_option_result, token_price_rows
from genai_cost.engine.context import PricingContext
from genai_cost.engine.options.on_demand import (
    MODEL_THRESHOLD,
    add_long_context_params,
    request_kinds,
)
from genai_cost.engine.traits import SAME_TOKENS, OptionTraits
from genai_cost.scenario.models import Option, Workload
from genai_cost.units import TOKENS_PER_MILLION

OPTION = Option.batch
TRAITS = OptionTraits(
    pay_per_use=True,
    cost_curve="linear",
    answers_caller=False,
    offline_jobs=True,
    static_failures=(2,),
)
VARIANTS = ("",)
PRICE_COLUMNS = ("usd_per_1m_batch_input_tokens", "usd_per_1m_batch_output_tokens")
UNIT = "1M tokens"
INTERACTIVE_REASON = (
    "the workload is interactive; batch inference returns results within hours "
    "(set latency: batch_tolerant if that is acceptable)"
)


LONG_REASON = (
    "some requests exceed the model's long-context threshold; on demand bills them at the "
    "long-context rates, and no source publishes batch rates for them"
)


def prepare(ctx: PricingContext) -> OptionRows:
    rows = token_price_rows(ctx, OPTION, PRICE_COLUMNS)
    add_long_context_params(ctx, rows)
    return rows


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    million_requests = w.requests_per_month[i] / TOKENS_PER_MILLION
    components = [
        Component(
            "batch_input_tokens",
            UNIT,
            million_requests * w.all_input_tokens[i],
            p["usd_per_1m_batch_input_tokens"],
        ),
        Component(
            "batch_output_tokens",
            UNIT,
            million_requests * w.output_tokens[i],
            p["usd_per_1m_batch_output_tokens"],
        ),
    ]
    _, longs = request_kinds(w, rows, p[MODEL_THRESHOLD])
    long = longs[0] | longs[1]
    return token_option_result(
        rows,
        components,
        "batch",
        ((~w.batch_tolerant[i], INTERACTIVE_REASON), (long & w.batch_tolerant[i], LONG_REASON)),
    )


SETTINGS = None
"""The workload field holding this option's own settings (none)."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return {}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return SAME_TOKENS
