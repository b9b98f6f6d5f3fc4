"""Bedrock on-demand tokens, with prompt caching, service tiers and long-context rates.

monthly = requests x (input x p_in + output x p_out + cache_read x p_cr
                      + cache_write x p_cw + cache_write_1h x p_cw1h) / 1e6

Each service tier the snapshot prices for the model (standard, priority, flex,
latency-optimized) is a variant with its own prices; flex is for batch-tolerant workloads.
Long context: when a request's input (cached tokens included) exceeds the model's
`long_context_threshold_tokens`, the whole request is billed at the `…_long` rates (lines
named `…_long_context`); a price row without them, for a model that has a threshold
elsewhere, cannot price such a request (it is not billed at the standard rate). With
`tokens_per_request.long_requests`, a share of requests has a long prompt and the rest the
typical one: each kind is billed at its own rates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from genai_cost.engine.arrays import (
    BoolArray,
    Component,
    FloatArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
)
from genai_cost.engine.bedrock_tokens import token_option_result, token_price_rows
from genai_cost.engine.context import PricingContext, distinct_indexes
from genai_cost.engine.traits import SAME_TOKENS, OptionTraits
from genai_cost.scenario.models import Option, Workload, split_model_id
from genai_cost.units import TOKENS_PER_MILLION

OPTION = Option.on_demand
TRAITS = OptionTraits(
    pay_per_use=True, cost_curve="linear", answers_caller=True, static_failures=(2,)
)
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
AUDIO_COLUMNS = ("usd_per_1m_audio_input_tokens", "usd_per_1m_audio_output_tokens")
"""Speech (audio) token prices, where a model bills them apart from text (Nova Sonic)."""


@dataclass(frozen=True)
class ExtraLine:
    """A line on-demand bills besides text tokens, for the models whose rows price it: its
    name, the price column, the unit, the per-request quantity of a workload and the divisor
    of quantities (1e6 for prices per 1M tokens)."""

    name: str
    column: str
    unit: str
    per_request: Callable[[Workload], float]
    per: float = 1.0

    @property
    def param(self) -> str:
        return f"{self.name}_per_request"


EXTRA_LINES = (
    ExtraLine(
        "audio_input_tokens",
        AUDIO_COLUMNS[0],
        "1M tokens",
        lambda w: w.tokens_per_request.audio_input,
        TOKENS_PER_MILLION,
    ),
    ExtraLine(
        "audio_output_tokens",
        AUDIO_COLUMNS[1],
        "1M tokens",
        lambda w: w.tokens_per_request.audio_output,
        TOKENS_PER_MILLION,
    ),
    ExtraLine(
        "input_images",
        "usd_per_input_image",
        "image",
        lambda w: w.media_per_request.images if w.media_per_request else 0.0,
    ),
    ExtraLine(
        "input_video_seconds",
        "usd_per_input_video_second",
        "second",
        lambda w: w.media_per_request.video_seconds if w.media_per_request else 0.0,
    ),
    ExtraLine(
        "input_audio_seconds",
        "usd_per_input_audio_second",
        "second",
        lambda w: w.media_per_request.audio_seconds if w.media_per_request else 0.0,
    ),
)
"""Speech tokens and media inputs: each priced only on demand (the one purchase the sources
price them for), each a NaN price — an infeasible row — where the model's row lacks it."""
PRICE_COLUMNS = (
    *BASE_COLUMNS,
    CACHE_1H,
    THRESHOLD,
    *LONG_COLUMNS.values(),
    *(x.column for x in EXTRA_LINES),
)
UNIT = "1M tokens"
LONG_SHARE = "long_requests_share"
LONG_INPUT = "long_requests_input_tokens"
LONG_NAMES = (
    "input_tokens_long_context",
    "output_tokens_long_context",
    "cache_read_input_tokens_long_context",
    "cache_write_input_tokens_long_context",
    "cache_write_1h_input_tokens_long_context",
)
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
    rows.params[IS_FLEX] = np.asarray(rows.variant == "flex", dtype=np.float64)
    named = [tier is not None for tier in ctx.columns().service_tier.tolist()]
    rows.params[NAMED_TIER] = np.asarray(named, dtype=np.float64)[rows.workload_index]
    add_long_context_params(ctx, rows)
    some = ctx.on_demand_only()  # the workloads with any speech or media (usually none)
    for extra in EXTRA_LINES:  # per workload once, then each row by its workload's index
        values = np.zeros(len(ctx.specs))
        values[some] = [extra.per_request(ctx.specs[i].workload) for i in some]
        rows.params[extra.param] = values[rows.workload_index]
    return rows


def add_long_context_params(ctx: PricingContext, rows: OptionRows) -> None:
    """Each row's model long-context threshold (the smallest any of its on-demand price rows
    states; NaN when none does) and its workload's long-request share and input tokens."""
    specs, c, index = ctx.specs, ctx.columns(), rows.workload_index
    present = distinct_indexes(index)
    models = c.model[present].tolist()
    thresholds: dict[str, float] = {}  # by model id as written, each worked out once
    for model in set(models):
        found = [
            r.long_context_threshold_tokens
            for r in ctx.catalog.on_demand.get(split_model_id(model)[1], [])
            if r.long_context_threshold_tokens is not None
        ]
        thresholds[model] = min(found) if found else np.nan
    threshold = np.full(len(specs), np.nan)
    threshold[present] = [thresholds[m] for m in models]
    # long requests (rare): per workload that has them; each row takes its workload's values
    share, long_input = np.zeros(len(specs)), np.zeros(len(specs))
    for i in c.long_requests:
        long = specs[i].workload.tokens_per_request.long_requests
        assert long is not None
        share[i], long_input[i] = long.share, long.input
    rows.params[LONG_SHARE] = share[index]
    rows.params[LONG_INPUT] = long_input[index]
    rows.params[MODEL_THRESHOLD] = threshold[index]


def request_kinds(
    w: WorkloadArrays, rows: OptionRows, threshold: FloatArray
) -> tuple[list[tuple[FloatArray, FloatArray]], list[BoolArray]]:
    """The two kinds of request of each row's workload — (weight, input tokens): the typical
    one and, with tokens_per_request.long_requests, a share `s` with `L` input tokens
    (w.input_tokens holds the mean of the two) — and, per kind, whether its whole input
    (cached included) exceeds `threshold` (never where the threshold is NaN). Without any
    threshold or long share, no kinds are listed and no request is long."""
    i = rows.workload_index
    p = rows.params
    share, long_input = p[LONG_SHARE], p[LONG_INPUT]
    if np.isnan(threshold).all() and not share.any():  # no long context anywhere: one kind
        never = np.zeros(rows.size, dtype=bool)
        return [], [never, never]
    typical = np.where(
        share < 1, (w.input_tokens[i] - share * long_input) / np.maximum(1 - share, 1e-12), 0.0
    )
    cached = w.cache_read_tokens[i] + w.cache_write_tokens[i] + w.cache_write_1h_tokens[i]
    kinds = [(1 - share, typical), (share, long_input)]
    with np.errstate(invalid="ignore"):  # NaN threshold: never long
        longs = [(weight > 0) & ((inputs + cached) > threshold) for weight, inputs in kinds]
    return kinds, longs


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


def _threshold(rows: OptionRows) -> FloatArray:
    """The long-context threshold of each row: its own, else the model's from another row."""
    p = rows.params
    return np.asarray(np.where(np.isnan(p[THRESHOLD]), p[MODEL_THRESHOLD], p[THRESHOLD]))


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    threshold = _threshold(rows)
    # A request whose whole input exceeds the threshold is billed at the long-context rates,
    # all of it.
    share = p[LONG_SHARE]
    kinds, longs = request_kinds(w, rows, threshold)
    per_token = {
        "usd_per_1m_input_tokens": None,
        "usd_per_1m_output_tokens": w.output_tokens[i],
        "usd_per_1m_cache_read_input_tokens": w.cache_read_tokens[i],
        "usd_per_1m_cache_write_input_tokens": w.cache_write_tokens[i],
        CACHE_1H: w.cache_write_1h_tokens[i],
    }
    if not share.any() and not longs[0].any():
        # the usual case (no long prompts anywhere): every request at the standard rates
        standard = {c: w.input_tokens[i] if t is None else t for c, t in per_token.items()}
        above: dict[str, FloatArray] = {}
    else:
        standard = {c: np.zeros(rows.size) for c in per_token}
        above = {c: np.zeros(rows.size) for c in per_token}
        for (weight, inputs), long in zip(kinds, longs, strict=True):
            for column, tokens in per_token.items():
                amount = weight * (inputs if tokens is None else tokens)
                standard[column] += np.where(long, 0.0, amount)
                above[column] += np.where(long, amount, 0.0)
    million_requests = w.requests_per_month[i] / TOKENS_PER_MILLION
    components = token_components(
        million_requests * standard["usd_per_1m_input_tokens"],
        million_requests * standard["usd_per_1m_output_tokens"],
        million_requests * standard["usd_per_1m_cache_read_input_tokens"],
        million_requests * standard["usd_per_1m_cache_write_input_tokens"],
        {c: p[c] for c in BASE_COLUMNS},
    )
    components.append(
        Component(
            "cache_write_1h_input_tokens",
            UNIT,
            million_requests * standard[CACHE_1H],
            p[CACHE_1H],
            optional=True,
        )
    )
    # speech tokens and media at their own rates (NaN where the model has none: not priced)
    requests = w.requests_per_month[i]
    counted = bool(np.isfinite(requests).all())
    for extra in EXTRA_LINES:
        per_request = p[extra.param]
        if counted and not per_request.any():
            # no row has this line (a text model): finite requests x 0 is +0.0 on every row
            quantity = np.zeros(rows.size)
        else:
            quantity = requests * per_request / extra.per
        components.append(
            Component(extra.name, extra.unit, quantity, p[extra.column], optional=True)
        )
    # above the threshold: the `…_long` rates (NaN where the row has none: such requests cannot
    # be priced, rather than priced at the standard rate; no source has a 1-hour long rate)
    unpriced_long = np.zeros(rows.size, dtype=bool)
    if above:
        long_prices = {
            **{c: p[LONG_COLUMNS[c]] for c in BASE_COLUMNS},
            CACHE_1H: p[CACHE_1H] * np.nan,
        }
        for column, name in zip((*BASE_COLUMNS, CACHE_1H), LONG_NAMES, strict=True):
            components.append(
                Component(
                    name, UNIT, million_requests * above[column], long_prices[column], optional=True
                )
            )
        unpriced_long = (above["usd_per_1m_input_tokens"] > 0) & np.isnan(
            p[LONG_COLUMNS["usd_per_1m_input_tokens"]]
        )
    flex = (p[IS_FLEX] > 0) & ~w.batch_tolerant[i] & ~(p[NAMED_TIER] > 0)
    return token_option_result(
        rows, components, "on-demand", ((flex, FLEX_REASON), (unpriced_long, LONG_REASON))
    )


SETTINGS = None
"""The workload field holding this option's own settings (none: the workload's tokens and
`service_tier` are all it reads)."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row (optimize's
    levers and a pinned base load write them)."""
    return {"service_tier": variant} if variant else {}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    if variant == "flex":
        return "flex tier: slower, lower priority"
    return SAME_TOKENS
