"""SageMaker batch transform: instances run only while a job works through the requests.

    processing instance-hours = V × output tokens / (tokens/s per instance) / 3600
    start-up instance-hours   = jobs × instances per job × start-up minutes / 60
    monthly                   = (processing + start-up) × batch-transform $/instance-hour

The throughput is the instance's offline (max-throughput) figure — the benchmarks' own setting
— so no utilisation target applies. Batch-tolerant workloads only. Priced at SageMaker's
batch-transform rates (`sagemaker_transform` rows), which differ slightly from hosting rates;
affine in volume (slope: processing; fixed: start-up).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from genai_cost.catalog.tables import TRANSFORM_PLATFORM
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    failure_codes,
    scatter,
)
from genai_cost.engine.capacity import rate_at_shape
from genai_cost.engine.context import PricingContext, WorkloadSpec, by_workload
from genai_cost.engine.options.self_hosted import InstanceChoice, prepare_instances
from genai_cost.engine.traits import SAME_TOKENS, OptionTraits, commitment_risk
from genai_cost.scenario.models import Option, Workload
from genai_cost.units import SECONDS_PER_HOUR

OPTION = Option.batch_transform
TRAITS = OptionTraits(
    pay_per_use=True,
    cost_curve="linear",
    answers_caller=False,
    offline_jobs=True,
    static_failures=(2,),
    unit_price="usd_per_hour",
)
VARIANTS = ("on_demand",)
"""Instances bought on demand for each job."""
PRICE_COLUMNS = ("usd_per_hour",)
"""The catalog price it reads: InstancePrice (instance_prices), SageMaker transform."""
PLATFORM = TRANSFORM_PLATFORM
STARTUP = "startup_instance_hours"
FIXED_COMPONENTS = (STARTUP,)
"""Components that do not grow with volume (the rest do: the option is affine)."""
INTERACTIVE_REASON = (
    "{label}: batch transform processes a whole dataset as a job; the workload is interactive "
    "(set latency: batch_tolerant if that is acceptable)"
)
MINUTES_PER_HOUR = 60.0


def choice(spec: WorkloadSpec) -> InstanceChoice:
    w = spec.workload
    b = w.batch_transform
    instance_type = b.instance_type or w.self_hosted.instance_type
    tps = b.output_tokens_per_second_per_instance
    if tps is None and b.instance_type in (None, w.self_hosted.instance_type):
        tps = w.self_hosted.output_tokens_per_second_per_instance
    return InstanceChoice(
        OPTION,
        (PLATFORM,),
        VARIANTS,
        instance_type,
        b.usd_per_hour,
        "on_demand" if b.usd_per_hour is not None else None,
        tps,
        1.0,
    )


def prepare(ctx: PricingContext) -> OptionRows:
    option_rows = prepare_instances(ctx, OPTION, choice)

    def startup_hours(spec: WorkloadSpec) -> float:
        b = spec.workload.batch_transform
        return b.jobs_per_month * b.instances_per_job * b.startup_minutes_per_job / MINUTES_PER_HOUR

    # per workload the rows hold, once (none at all when no row is batch transform's)
    # (settings alone: a table's rows, at the defaults, read as one: `stand_ins`)
    option_rows.params[STARTUP] = by_workload(
        ctx, option_rows.workload_index, startup_hours, cells=()
    )
    return option_rows


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    failure = failure_codes(
        rows.size, [(rows.blocked, PREPARED_REASON), (~w.batch_tolerant[i] & ~rows.blocked, 2)]
    )
    ok = np.flatnonzero(failure == 0)
    tokens = w.requests_per_month[i] * w.output_tokens[i]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = rate_at_shape(
            p["output_tokens_per_second_per_instance"],
            p,
            w.all_input_tokens[i],
            w.output_tokens[i],
        )
        processing = tokens / rate / SECONDS_PER_HOUR
    price = p["usd_per_hour"]
    components = [
        Component(
            "instance_hours", "instance-hours", scatter(rows.size, ok, processing[ok]), price
        ),
        Component(
            STARTUP,
            "instance-hours",
            scatter(rows.size, ok, p[STARTUP][ok]),
            price,
            optional=True,
        ),
    ]
    hours = processing[ok] + p[STARTUP][ok]
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(INTERACTIVE_REASON,),
        monthly_cost_usd=scatter(rows.size, ok, hours * price[ok]),
        capacity=scatter(rows.size, ok, hours),
        capacity_unit="instance-hours",
        utilization_fraction=np.full(rows.size, np.nan),
        components=components,
    )


SETTINGS = "batch_transform"
"""The workload field holding this option's own settings."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return {"batch_transform": {"instance_type": instance}}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return commitment_risk(variant) or SAME_TOKENS
