"""A workload's one-off backfill: the same requests run once (embedding an existing corpus),
priced by the engine itself as offline work.

The workload is priced again with `backfill.requests` requests, as batch-tolerant work (nobody
waits for a backfill, so batch inference qualifies), over the pay-per-use options only (a
one-off run buys no monthly capacity); the cheapest feasible row's lines are the backfill's,
paid once in `backfill.month` and spread over the horizon by results/bill.py. Nothing is
priced here that the engine does not price for the monthly traffic.
"""

from __future__ import annotations

import dataclasses

from genai_cost.engine.context import PricingContext, WorkloadSpec, workload_arrays
from genai_cost.scenario.models import Latency, Traffic


@dataclasses.dataclass(frozen=True)
class BackfillRun:
    """The chosen row's lines (name, unit, quantity, usd_per_unit, usd), its option label and
    sources; or, with `reason`, why no pay-per-use option can price it."""

    lines: list[tuple[str, str, float, float, float]]
    label: str = ""
    sources: tuple[str, ...] = ()
    reason: str | None = None


def price_backfill(ctx: PricingContext, spec: WorkloadSpec) -> BackfillRun:
    from genai_cost.engine.core import PAY_PER_USE, evaluate_all, prepare_all

    backfill = spec.workload.backfill
    assert backfill is not None
    workload = spec.workload.model_copy(
        update={
            "latency": Latency.batch_tolerant,
            "traffic": Traffic.model_validate({"requests_per_month": backfill.requests}),
            "latency_target": None,
            "measured_latency": {},
            "base_load": None,
        }
    )
    once = spec.with_workload(workload)
    one = dataclasses.replace(ctx, specs=[once], memo={})
    arrays = evaluate_all(workload_arrays([once]), prepare_all(one))
    rows = [
        r
        for r in arrays.rows_of(0).tolist()
        if arrays.feasible[r] and arrays.option(r) in PAY_PER_USE
    ]
    if not rows:
        why = "; ".join(
            dict.fromkeys(f"{arrays.option(r)}: {arrays.reason(r)}" for r in arrays.rows_of(0))
        )
        return BackfillRun([], reason=f"no pay-per-use option can price the backfill ({why})")
    best = min(rows, key=lambda r: float(arrays.monthly_cost_usd[r]))
    return BackfillRun(arrays.components(best), arrays.label(best), arrays.sources(best))
