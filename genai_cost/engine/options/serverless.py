"""SageMaker serverless inference: billed per second of compute at the endpoint's memory size,
plus the data processed in and out; nothing between requests.

    compute   = V × (seconds + cold-start share × cold-start seconds) × memory GB × $/GB-second
    data      = V × payload KB / 10^6 × $/GB processed

Feasible only with the measurements AWS cannot know for you (seconds per request on the chosen
memory size, payload size) and within the service's limits: 60 s per invocation, 4 MB payload,
`max_concurrency` (at most 200) concurrent invocations at the peak rate. Linear in volume.
Cold-start time is billed here as compute (a conservative assumption: AWS does not say).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from genai_cost.catalog.lookup import Missing, service_tiers
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    failure_codes,
    objects,
    scatter,
    tuples,
)
from genai_cost.engine.context import PricingContext, WorkloadSpec, stand_ins
from genai_cost.engine.latency import P50, P95
from genai_cost.engine.options.self_hosted import closed_weights_reason
from genai_cost.engine.traits import OptionTraits
from genai_cost.scenario.models import Option, Workload
from genai_cost.units import SECONDS_PER_HOUR

OPTION = Option.serverless
TRAITS = OptionTraits(pay_per_use=True, cost_curve="linear", answers_caller=True)
VARIANTS = ()
"""None fixed: a row's variant is its memory size from the scenario (`2048 MB`)."""
PRICE_COLUMNS = ("compute", "data_processed")
"""The catalog prices it reads: the sagemaker_serverless service items (GB-seconds, GB)."""
SERVICE = "sagemaker_serverless"
TIMEOUT_SECONDS = 60.0
"""Longest serverless invocation (AWS, "Serverless inference" feature limits)."""
MAX_PAYLOAD_KB = 4 * 1024.0
"""Largest serverless request payload, 4 MB (same page)."""
KB_PER_GB = 1e6
MB_PER_GB = 1024.0
COLD_P95_SHARE = 0.05
"""More than 5 % of requests cold: the 95th percentile includes a cold start."""
CONCURRENCY_REASON = (
    "{label}: the peak rate × seconds per request exceeds serverless.max_concurrency "
    "(requests would be throttled)"
)
NEEDS = (
    "supply serverless.memory_mb, serverless.max_concurrency, serverless.seconds_per_request "
    "(measured on that memory size) and serverless.payload_kb_per_request"
)


def _row(ctx: PricingContext, spec: WorkloadSpec) -> dict[str, object]:
    w = spec.workload
    s = w.serverless
    label = f"{w.base_model} on a serverless endpoint in {spec.region}"
    row: dict[str, object] = {
        "variant": f"{s.memory_mb} MB" if s.memory_mb else "",
        "label": label,
        "reason": "",
        "sources": (),
        "gb_seconds": np.nan,
        "gb_processed": np.nan,
        "usd_gb_second": np.nan,
        "usd_gb_processed": np.nan,
        "max_concurrency": np.nan,
        "seconds": np.nan,
        "p50": np.nan,
        "p95": np.nan,
        "explicit": spec.explicitly_asks(OPTION),
    }
    closed = closed_weights_reason(ctx, w.base_model)
    if closed:
        row["reason"] = closed
        return row
    if (
        s.memory_mb is None
        or s.max_concurrency is None
        or s.seconds_per_request is None
        or s.payload_kb_per_request is None
    ):
        row["reason"] = f"serverless inference needs measurements: {NEEDS}"
        return row
    billed = s.seconds_per_request + s.cold_start_fraction * s.cold_start_seconds
    slowest = s.seconds_per_request + (s.cold_start_seconds if s.cold_start_fraction else 0.0)
    row["seconds"] = billed
    row["gb_seconds"] = billed * s.memory_mb / MB_PER_GB
    row["gb_processed"] = s.payload_kb_per_request / KB_PER_GB
    row["max_concurrency"] = float(s.max_concurrency)
    row["p50"] = s.seconds_per_request
    if s.p95_seconds is not None:
        row["p95"] = s.p95_seconds
    elif s.cold_start_fraction > COLD_P95_SHARE:
        row["p95"] = s.seconds_per_request + s.cold_start_seconds
    if slowest > TIMEOUT_SECONDS:
        row["reason"] = (
            f"a request takes up to {slowest:g} s; serverless invocations time out after "
            f"{TIMEOUT_SECONDS:g} s"
        )
        return row
    if s.payload_kb_per_request > MAX_PAYLOAD_KB:
        row["reason"] = (
            f"payload {s.payload_kb_per_request:g} KB exceeds the serverless limit of 4 MB"
        )
        return row
    sources: list[str] = []
    day = ctx.day_for(spec)
    for key, item, override, field in (
        ("usd_gb_second", "compute", s.usd_per_gb_second, "usd_per_gb_second"),
        ("usd_gb_processed", "data_processed", s.usd_per_gb_processed, "usd_per_gb_processed"),
    ):
        if override is not None:
            row[key] = override
            sources.append("scenario")
            continue
        tiers = service_tiers(ctx.catalog, SERVICE, item, spec.region, day)
        if isinstance(tiers, Missing):
            row["reason"] = f"{tiers.reason}; supply serverless.{field}"
            return row
        row[key] = tiers[0].usd_per_unit
        sources.append(tiers[0].source)
    row["sources"] = tuple(dict.fromkeys(sources))
    return row


def prepare(ctx: PricingContext) -> OptionRows:
    wanting = ctx.wanting(OPTION)
    # a table's rows with the same model, region and options are read as one (`stand_ins`):
    # one row made per workload read, taken by every workload it stands for
    readers, take = np.unique(
        stand_ins(ctx, wanting, ("model", "region", "options")), return_inverse=True
    )
    rows = [_row(ctx, ctx.specs[r]) for r in readers.tolist()]
    take = take.reshape(-1)

    def column(key: str) -> np.ndarray:
        values: np.ndarray = np.asarray([r[key] for r in rows], dtype=np.float64)[take]
        return values

    n = len(wanting)
    return OptionRows(
        option=OPTION.value,
        workload_index=np.asarray(wanting, dtype=np.int64),
        variant=objects([str(r["variant"]) for r in rows])[take],
        platform=objects(["sagemaker"] * n),
        instance_type=objects([""] * n),
        label=objects([str(r["label"]) for r in rows])[take],
        params={
            "gb_seconds_per_request": column("gb_seconds"),
            "gb_processed_per_request": column("gb_processed"),
            "usd_per_gb_second": column("usd_gb_second"),
            "usd_per_gb_processed": column("usd_gb_processed"),
            "max_concurrency": column("max_concurrency"),
            "billed_seconds_per_request": column("seconds"),
            P50: column("p50"),
            P95: column("p95"),
        },
        reason=objects([str(r["reason"]) for r in rows])[take],
        explicit=np.asarray([bool(r["explicit"]) for r in rows], dtype=bool)[take],
        sources=tuples([cast(tuple[str, ...], r["sources"]) for r in rows])[take],
    )


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    i = rows.workload_index
    p = rows.params
    requests = w.requests_per_month[i]
    peak_rps = requests / (w.hours[i] * SECONDS_PER_HOUR) * w.peak_factor[i]
    concurrency = peak_rps * p["billed_seconds_per_request"]
    throttled = (concurrency > p["max_concurrency"]) & ~rows.blocked
    # concurrency is linear in requests: the volume at which it reaches the limit
    per_request = (
        w.peak_factor[i] * p["billed_seconds_per_request"] / (w.hours[i] * SECONDS_PER_HOUR)
    )
    max_requests = np.where(per_request > 0, p["max_concurrency"] / per_request, np.inf)
    failure = failure_codes(rows.size, [(rows.blocked, PREPARED_REASON), (throttled, 2)])
    ok = np.flatnonzero(failure == 0)
    components = [
        Component(
            "compute",
            "GB-seconds",
            scatter(rows.size, ok, requests[ok] * p["gb_seconds_per_request"][ok]),
            p["usd_per_gb_second"],
        ),
        Component(
            "data_processed",
            "GB",
            scatter(rows.size, ok, requests[ok] * p["gb_processed_per_request"][ok]),
            p["usd_per_gb_processed"],
        ),
    ]
    monthly = scatter(rows.size, ok, components[0].usd[ok] + components[1].usd[ok])
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(CONCURRENCY_REASON,),
        monthly_cost_usd=monthly,
        capacity=scatter(rows.size, ok, concurrency[ok]),
        capacity_unit="concurrent invocations at the peak",
        max_requests=max_requests,
        utilization_fraction=np.full(rows.size, np.nan),
        components=components,
    )


SETTINGS = "serverless"
"""The workload field holding this option's own settings."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return {}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return "cold starts add latency; CPU only, 6 GB at most"
