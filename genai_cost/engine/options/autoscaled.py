"""Self-hosted capacity that follows the day: EC2 Auto Scaling or SageMaker endpoint autoscaling.

For each hour h of the day (shares s_h of the day's requests, from the hourly profile):

    output tokens/s in hour h   t_h = (V / days) · s_h · output tokens / 3600,  days = hours / 24
    instances in hour h         n_h = clip(ceil(t_h / (per-instance tokens/s × target)),
                                           min_instances, ...)   (0 only when min is 0 and t_h = 0)
    rise r_h = max(0, n_{h+1} − n_h),  fall f_h = max(0, n_{h−1} − n_h)   (the day wraps)
    billed in hour h            n_h + lead · r_h + cooldown · f_h
                                − max(0, lead + cooldown − 1) · min(r_h, f_h)
    monthly                     days × Σ_h billed_h × price per instance-hour

`lead` is the scale-out lead time and `cooldown` the scale-in cooldown, each as a share of the
hour: instances started early for a rise are paid in the hour before, surplus instances run on
for the cooldown after a fall; where both windows overlap in one hour the larger count runs,
not their sum. Redundancy applies hour by hour as for fixed capacity. Vectorized over rows ×
24 hours. An hour needing more than `max_instances` makes the row infeasible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    FloatArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    failure_codes,
    scatter,
)
from genai_cost.engine.capacity import CEIL_TOLERANCE, rate_at_shape, with_redundancy
from genai_cost.engine.context import PricingContext, WorkloadSpec, by_workload
from genai_cost.engine.options import self_hosted
from genai_cost.engine.options.self_hosted import (
    REDUNDANT_INSTANCE_HOURS,
    SPOT_INTERACTIVE_REASON,
    InstanceChoice,
    prepare_instances,
    self_hosted_choice,
)
from genai_cost.engine.traits import OptionTraits, commitment_risk
from genai_cost.scenario.models import Option, Workload
from genai_cost.units import HOURS_PER_DAY, SECONDS_PER_HOUR

OPTION = Option.autoscaled
TRAITS = OptionTraits(
    pay_per_use=False,
    cost_curve="day",
    answers_caller=True,
    static_failures=(2, 3),
    unit_price="usd_per_hour",
)
VARIANTS = ("on_demand", "spot")
"""Purchases without a commitment: a commitment pays for its hours whether used or not."""
PRICE_COLUMNS = ("usd_per_hour",)
"""The catalog price it reads: InstancePrice (instance_prices), per platform and purchase."""
NO_PROFILE_REASON = (
    "{label}: autoscaling follows traffic.hourly_profile; a peak_to_average_ratio alone does "
    "not say how long the peak lasts"
)
ABOVE_MAX_REASON = "{label} would need more instances than max_instances in its busiest hour"


def choice(spec: WorkloadSpec, option: Option = OPTION) -> InstanceChoice:
    base = self_hosted_choice(spec)
    purchases = tuple(p for p in base.purchases if p in VARIANTS)
    target = spec.workload.autoscaling.target_utilization_fraction
    return InstanceChoice(
        option,
        base.platforms,
        purchases,
        base.instance_type,
        base.usd_per_hour,
        base.usd_purchase,
        base.tokens_per_second,
        target if target is not None else base.target_utilization,
        base.explicit_variant,
    )


def scaling_params(rows: OptionRows, ctx: PricingContext, min_field: str = "autoscaling") -> None:
    """Add the scaling parameters of each row's workload to `rows.params` (in place)."""

    i = rows.workload_index

    def bound(spec: WorkloadSpec) -> Any:
        return getattr(spec.workload, min_field)

    def maximum(spec: WorkloadSpec) -> float:
        most = bound(spec).max_instances
        return float(most) if most is not None else np.inf

    # settings alone: a table's rows (at the defaults) read as one each (`stand_ins`)
    rows.params["min_instances"] = by_workload(
        ctx, i, lambda s: float(bound(s).min_instances), cells=()
    )
    rows.params["max_instances"] = by_workload(ctx, i, maximum, cells=())
    rows.params["lead_fraction"] = by_workload(
        ctx,
        i,
        lambda s: s.workload.autoscaling.scale_out_lead_seconds / SECONDS_PER_HOUR,
        cells=(),
    )
    rows.params["cooldown_fraction"] = by_workload(
        ctx,
        i,
        lambda s: s.workload.autoscaling.scale_in_cooldown_seconds / SECONDS_PER_HOUR,
        cells=(),
    )


def prepare(ctx: PricingContext) -> OptionRows:
    option_rows = prepare_instances(ctx, OPTION, choice)
    scaling_params(option_rows, ctx)
    return option_rows


def hourly_instances(demand: FloatArray, minimum: FloatArray) -> FloatArray:
    """Instances per hour, shape (R, 24): whole instances covering each hour's demand (units
    of per-instance capacity), at least `minimum` (R,); an idle hour may run none."""
    # in place on one new array: ceil(demand - tol), at least 1 where demand > 0 (else 0),
    # at least `minimum`
    counts: FloatArray = np.subtract(demand, CEIL_TOLERANCE)
    np.ceil(counts, out=counts)
    np.maximum(counts, 1.0, out=counts)
    np.copyto(counts, 0.0, where=~(demand > 0))
    np.maximum(counts, minimum[:, None], out=counts)
    return counts


def billed_per_day(counts: FloatArray, lead: FloatArray, cooldown: FloatArray) -> FloatArray:
    """Instance-hours billed per day (R,) for hourly counts (R, 24), with instances started
    `lead` of an hour before each rise and kept `cooldown` of an hour after each fall."""
    rise = np.roll(counts, -1, axis=1)  # started late in hour h
    rise -= counts
    np.maximum(rise, 0.0, out=rise)
    fall = np.roll(counts, 1, axis=1)  # kept early in hour h
    fall -= counts
    np.maximum(fall, 0.0, out=fall)
    overlap = np.maximum(lead + cooldown - 1.0, 0.0)[:, None]
    # counts + lead·rise + cooldown·fall - overlap·min(rise, fall), term by term in that
    # order (each operation's operands too), in place
    billed = np.multiply(lead[:, None], rise)
    np.add(counts, billed, out=billed)
    billed += cooldown[:, None] * fall
    np.minimum(rise, fall, out=rise)
    rise *= overlap
    billed -= rise
    total: FloatArray = billed.sum(axis=1)
    return total


def evaluate_scaled(
    w: WorkloadArrays,
    rows: OptionRows,
    extra: list[tuple[np.ndarray, int]],
    reasons: tuple[str, ...],
) -> OptionResult:
    """Evaluate rows whose instances follow the hourly profile; `extra` are more failure
    masks (codes from 5 on, templates in `reasons` after the three of this module). The hourly
    arrays (rows × 24) are built only for rows that can still be priced."""
    p_all = rows.params
    index = rows.workload_index
    shares_w = w.shares()
    has_profile = w.profile_known[index]
    spot = p_all["is_spot"] > 0
    early = failure_codes(
        rows.size,
        [
            (rows.blocked, PREPARED_REASON),
            (~has_profile, 2),
            (spot & ~w.batch_tolerant[index], 3),
            *extra,
        ],
    )
    c = np.flatnonzero(early == 0)  # candidates: sized hour by hour
    i = index[c]
    days = w.hours[i] / HOURS_PER_DAY
    tps = (w.requests_per_month[i] / days * w.output_tokens[i] / SECONDS_PER_HOUR)[
        :, None
    ] * shares_w[i]
    rate = rate_at_shape(
        p_all["output_tokens_per_second_per_instance"][c],
        {name: values[c] for name, values in p_all.items()},
        w.all_input_tokens[i],
        w.output_tokens[i],
    )
    per_instance = rate * p_all["target_utilization_fraction"][c]
    with np.errstate(invalid="ignore", divide="ignore"):
        demand = tps / per_instance[:, None]
    counts = hourly_instances(demand, p_all["min_instances"][c])
    above = np.zeros(rows.size, dtype=bool)
    above[c] = counts.max(axis=1) > p_all["max_instances"][c]
    failure = np.where(above, np.int16(4), early).astype(np.int16)
    fits = ~above[c]
    ok = c
    if not fits.all():  # (rows × 24 copies only when some row is above its limit)
        ok, counts, demand, tps, days = c[fits], counts[fits], demand[fits], tps[fits], days[fits]
        rate = rate[fits]
    p = {name: values[ok] for name, values in p_all.items()}
    totals = with_redundancy(
        counts, p["redundancy_regions"][:, None], p["standby_fraction"][:, None]
    )
    serving = days * billed_per_day(counts, p["lead_fraction"], p["cooldown_fraction"])
    if np.array_equal(totals.view(np.int64), counts.view(np.int64)):
        everything = serving  # no redundancy bought: the same hours, bit for bit
    else:
        everything = days * billed_per_day(totals, p["lead_fraction"], p["cooldown_fraction"])
    price = p_all["usd_per_hour"]
    avg_tps = tps.sum(axis=1) / HOURS_PER_DAY
    with np.errstate(invalid="ignore", divide="ignore"):
        utilization = np.where(
            everything > 0,
            avg_tps * w.hours[index[ok]] / (everything * rate),
            np.nan,
        )
    schedule = hourly_demand = None  # (rows × 24) only when some row can be priced
    if ok.size:
        schedule = np.full((rows.size, HOURS_PER_DAY), np.nan)
        schedule[ok] = totals
        hourly_demand = np.full((rows.size, HOURS_PER_DAY), np.nan)
        hourly_demand[ok] = demand
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=reasons,
        monthly_cost_usd=scatter(rows.size, ok, everything * p["usd_per_hour"]),
        capacity=scatter(rows.size, ok, totals.max(axis=1)),
        capacity_unit="instances at the busiest hour",
        utilization_fraction=scatter(rows.size, ok, utilization),
        components=[
            Component("instance_hours", "instance-hours", scatter(rows.size, ok, serving), price),
            Component(
                REDUNDANT_INSTANCE_HOURS,
                "instance-hours",
                scatter(rows.size, ok, everything - serving),
                price,
                optional=True,
            ),
        ],
        usd_per_capacity_hour=price,
        base_variant="on_demand",
        uncommitted=VARIANTS,
        schedule=schedule,
        hourly_demand=hourly_demand,
    )


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    return evaluate_scaled(
        w, rows, [], (NO_PROFILE_REASON, SPOT_INTERACTIVE_REASON, ABOVE_MAX_REASON)
    )


SETTINGS = "autoscaling"
"""The workload field holding this option's own settings (the instance is `self_hosted`'s)."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return self_hosted.pin(workload, variant, platform, instance)


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return commitment_risk(variant) or (
        "capacity follows the hourly profile: bursts within an hour and slow scale-out "
        "(autoscaling.scale_out_lead_seconds) are yours to test"
    )
