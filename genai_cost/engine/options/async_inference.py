"""SageMaker asynchronous inference: requests queue, and the endpoint's instances follow the
queue — down to zero (`async_inference.min_instances`, default 0) when it is empty.

Billed like autoscaled capacity (see `autoscaled`), hour by hour at the SageMaker hosting
instance rate: an asynchronous endpoint is a hosting endpoint with an `AsyncInferenceConfig`
(AWS, "Asynchronous inference"). Queued requests wait for capacity, so the option serves
batch-tolerant workloads, or interactive ones whose latency target allows the queue (a
`measured_latency.async_inference` that meets it).
"""

from __future__ import annotations

from typing import Any

from genai_cost.engine.arrays import OptionResult, OptionRows, WorkloadArrays
from genai_cost.engine.context import (
    PricingContext,
    WorkloadSpec,
    by_workload,
    distinct_indexes,
    stand_ins,
)
from genai_cost.engine.options import autoscaled
from genai_cost.engine.options.self_hosted import (
    SPOT_INTERACTIVE_REASON,
    InstanceChoice,
    prepare_instances,
)
from genai_cost.engine.traits import OPERATE, OptionTraits, commitment_risk
from genai_cost.scenario.models import Option, Workload

OPTION = Option.async_inference
TRAITS = OptionTraits(
    pay_per_use=False,
    cost_curve="day",
    answers_caller=False,
    static_failures=(2, 3, 5),
    unit_price="usd_per_hour",
)
VARIANTS = ("on_demand",)
"""Instances bought on demand (SageMaker asynchronous endpoints have no other purchase here)."""
PRICE_COLUMNS = ("usd_per_hour",)
"""The catalog price it reads: InstancePrice (instance_prices), SageMaker on demand."""
QUEUE_REASON = (
    "{label}: asynchronous inference queues requests and returns results through S3; an "
    "interactive workload needs a latency_target and a measured_latency.async_inference "
    "that meets it"
)


def choice(spec: WorkloadSpec) -> InstanceChoice:
    base = autoscaled.choice(spec, OPTION)
    return InstanceChoice(
        OPTION,
        ("sagemaker",),
        VARIANTS,
        base.instance_type,
        base.usd_per_hour,
        base.usd_purchase,
        base.tokens_per_second,
        base.target_utilization,
        False,
    )


MAX_PROCESSING_SECONDS = 3600.0
"""Longest processing time of an asynchronous request (AWS, "Asynchronous inference")."""


def _too_slow(spec: WorkloadSpec) -> str:
    """Why measured processing times exceed the asynchronous limit ("" when they do not)."""
    measured = spec.workload.measured_latency.get(OPTION)
    slowest = max(
        (v for v in (measured.p50_seconds, measured.p95_seconds) if v is not None)
        if measured
        else (),
        default=0.0,
    )
    if slowest > MAX_PROCESSING_SECONDS:
        return (
            f"measured asynchronous latency {slowest:g} s exceeds the one-hour processing limit "
            "of asynchronous inference"
        )
    return ""


def _queue_allowed(spec: WorkloadSpec) -> bool:
    w = spec.workload
    return w.latency.value == "batch_tolerant" or (
        w.latency_target is not None and Option.async_inference in w.measured_latency
    )


def prepare(ctx: PricingContext) -> OptionRows:
    option_rows = prepare_instances(ctx, OPTION, choice)
    wanting = distinct_indexes(option_rows.workload_index).tolist()
    # measured latency is a setting: a table's rows (none measured) read as one each
    stand = stand_ins(ctx, wanting).tolist()
    too_slow = {r: _too_slow(ctx.specs[r]) for r in dict.fromkeys(stand)}
    slow = {  # the few workloads whose measured latency is over the limit
        i: reason for i, r in zip(wanting, stand, strict=True) if (reason := too_slow[r])
    }
    if slow:
        for r, i in enumerate(option_rows.workload_index.tolist()):
            reason = slow.get(i, "")
            if reason and not option_rows.reason[r]:
                option_rows.reason[r] = reason
                option_rows.blocked[r] = True
    autoscaled.scaling_params(option_rows, ctx, "async_inference")
    option_rows.params["queue_allowed"] = by_workload(
        ctx,
        option_rows.workload_index,
        lambda spec: float(_queue_allowed(spec)),
        cells=("latency",),
    )
    return option_rows


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    not_allowed = (rows.params["queue_allowed"] == 0) & ~rows.blocked
    return autoscaled.evaluate_scaled(
        w,
        rows,
        [(not_allowed, 5)],
        (
            autoscaled.NO_PROFILE_REASON,
            SPOT_INTERACTIVE_REASON,
            autoscaled.ABOVE_MAX_REASON,
            QUEUE_REASON,
        ),
    )


SETTINGS = "async_inference"
"""The workload field holding this option's own settings (the instance is `self_hosted`'s)."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return {"self_hosted": {"instance_type": instance}}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return commitment_risk(variant) or OPERATE
