"""Latency targets: options whose known response time misses a workload's target are
infeasible, with the figures in the reason.

A row's response time is known when the scenario measured it for the option
(`measured_latency`), or the option derives it from the scenario's own measurements
(serverless: seconds per request, plus a cold start when more than 5 % of requests start cold).
Offline jobs (Bedrock batch, batch transform) have no per-request response time: under a
target they need a measured figure. Everything else is not judged (no public latency figures
exist for Bedrock models or self-hosted instances); its latency columns stay empty.
"""

from __future__ import annotations

import numpy as np

from genai_cost.engine.arrays import OptionRows
from genai_cost.engine.context import PricingContext
from genai_cost.scenario.models import Option

P50, P95 = "latency_p50_seconds", "latency_p95_seconds"


def judged(ctx: PricingContext) -> bool:
    """Whether any workload states a latency target or a measured latency."""
    return bool(ctx.columns().latency)


def apply_latency(ctx: PricingContext, rows: OptionRows, *, offline_jobs: bool) -> None:
    """Fill the rows' latency columns and block the rows that miss their target (in place).
    Call only when `judged(ctx)`: without targets or measurements there is nothing to do."""
    n = rows.size
    p50 = rows.params.get(P50, np.full(n, np.nan)).copy()
    p95 = rows.params.get(P95, np.full(n, np.nan)).copy()
    option = Option(rows.option)
    changed = False
    for r in range(n):
        w = ctx.specs[int(rows.workload_index[r])].workload
        measured = w.measured_latency.get(option)
        if measured is not None:
            if measured.p50_seconds is not None:
                p50[r] = measured.p50_seconds
            if measured.p95_seconds is not None:
                p95[r] = measured.p95_seconds
        target = w.latency_target
        if target is None or rows.reason[r]:
            continue
        if offline_jobs and measured is None:
            rows.reason[r] = (
                f"{rows.option} runs offline jobs with no per-request response time; the "
                f"workload's latency target needs measured_latency.{rows.option}"
            )
            changed = True
            continue
        misses = [
            f"P{q} {value:g} s > target {limit:g} s"
            for q, value, limit in (
                (50, p50[r], target.p50_seconds),
                (95, p95[r], target.p95_seconds),
            )
            if limit is not None and np.isfinite(value) and value > limit
        ]
        if misses:
            rows.reason[r] = "misses the latency target: " + ", ".join(misses)
            changed = True
    rows.params[P50] = p50
    rows.params[P95] = p95
    if changed:
        rows.blocked = np.asarray([bool(x) for x in rows.reason], dtype=bool)
