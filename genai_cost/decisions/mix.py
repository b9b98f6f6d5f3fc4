"""The cheapest mix of capacity for the base load and a pay-per-use option for the rest.

With a 24-hour profile of relative weights w_h, the request rate in hour h is
r_h = V / 730 · w_h / mean(w). A unit of capacity (model unit or instance) serves at most
k / (730 · c) requests an hour, where c is the units the peak needs per monthly request and
k = max(w)/mean(w) the peak factor (so n_peak = ceil(c · V) units cover the peak). With n
units, the overflow max(0, r_h − n · cap) goes to on-demand at a per request, each hour of the
day occurring 730 / 24 times a month:

    cost(n) = 730 · p · (regions · n + ceil(standby · n)) + a · Σ_h (730/24) · max(0, r_h − n·cap)

evaluated for every n from 0 (all on-demand) to n_peak (all capacity) at once; the minimum is
the mix. Each capacity variant (a 1- or 6-month term, a reserved instance) gets its own answer:
how much steady load that commitment should cover.

The overflow may go to any pay-per-use option the workload can use (`burst`): on-demand (or
its tiers), serverless inference — only while the overflow's busiest hour stays within its
concurrency limit, `max_concurrency / billed seconds` requests a second — or, for
batch-tolerant work, batch or batch transform (with its job start-ups when there is any
overflow); each base gets the cheapest. Autoscaled capacity can be the base too: capped at n
instances, hour h runs `min(instances_h, n)` of the instances it would run (so the lead and
cooldown it bills follow the capped counts), serves `min(r_h, n · cap)`, and the rest
overflows; n runs from 0 to the busiest hour's count (at least `min_instances` when any).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from genai_cost.decisions.curves import capped_curves, workload_curves
from genai_cost.documents.decisions import Mix, MixDocument, WorkloadMix
from genai_cost.engine.arrays import FloatArray
from genai_cost.engine.breakeven import Curve
from genai_cost.engine.capacity import CEIL_TOLERANCE, with_redundancy
from genai_cost.engine.core import LINEAR
from genai_cost.engine.options.autoscaled import billed_per_day, hourly_instances
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate


MAX_MIX_UNITS = 100_000
"""Most capacity units a mix is solved for (every count from 0 up is evaluated)."""


def _too_large(label: str, units: float) -> Mix:
    return {
        "capacity_option": label,
        "burst_option": None,
        "units": None,
        "units_for_peak": None,
        "monthly_cost_usd": None,
        "fixed_usd": None,
        "burst_usd": None,
        "share_served_by_capacity": None,
        "pure_on_demand_usd": None,
        "pure_capacity_usd": None,
        "saving_vs_on_demand_usd": None,
        "saving_vs_capacity_usd": None,
        "note": f"the peak needs {units:,.6g} units, more than the {MAX_MIX_UNITS:,} a mix is "
        "solved for",
    }


@dataclass(frozen=True)
class Split:
    """The cheapest number of capacity units under on-demand overflow, for one curve."""

    units: int
    units_for_peak: int
    unit_rate: float
    """Requests an hour one unit serves."""
    rates: FloatArray
    """Requests in each hour of the day (a 730-hour month)."""
    totals: FloatArray
    fixed: FloatArray
    variable: FloatArray
    """Monthly cost for 0, 1, …, units_for_peak units: all, the capacity's, the overflow's."""

    @property
    def position(self) -> int:
        """The chosen count's position in `totals`, `fixed` and `variable`."""
        return self.units

    @property
    def served(self) -> FloatArray:
        """Requests an hour the chosen units serve, in each hour of the day."""
        result: FloatArray = np.minimum(self.rates, self.units * self.unit_rate)
        return result

    @property
    def share_served_by_capacity(self) -> float:
        total = float(self.rates.sum())
        return float(self.served.sum()) / total if total else 0.0


def solve_split(
    curve: Curve,
    slope: float,
    weights: FloatArray,
    volume: float,
    burst: Burst | None = None,
) -> Split:
    """cost(n) for every n from 0 to the units the peak needs (module docstring); `slope` is
    the burst option's cost per request (`burst`, when given, also its start-ups and the
    busiest overflow hour it can take), `weights` the hourly profile (largest 1). A count
    whose overflow the burst option cannot take costs infinity."""
    rates = volume / HOURS_PER_MONTH * weights / weights.mean()
    peak = float(1.0 / weights.mean())
    days = HOURS_PER_MONTH / HOURS_PER_DAY
    if curve.follows_day:
        return _day_split(curve, slope, rates, volume, burst)
    n_peak = int(np.ceil(curve.units_per_request * volume - CEIL_TOLERANCE))
    n = np.arange(0, max(n_peak, 1) + 1, dtype=np.float64)
    per_unit = peak / (HOURS_PER_MONTH * curve.units_per_request)
    overflow = np.maximum(0.0, rates[None, :] - n[:, None] * per_unit)
    variable = _burst_cost(overflow, slope, days, burst)
    standby = np.where(
        curve.standby_fraction > 0, np.ceil(n * curve.standby_fraction - CEIL_TOLERANCE), 0.0
    )
    fixed = HOURS_PER_MONTH * curve.usd_per_unit_hour * (curve.regions * n + standby)
    total = fixed + variable
    return Split(int(np.argmin(total)), n_peak, per_unit, rates, total, fixed, variable)


@dataclass(frozen=True)
class Burst:
    """A pay-per-use option taking the overflow: its curve's line, and the most requests an
    hour it can take (serverless: its concurrency limit; else unlimited)."""

    label: str
    slope: float
    fixed_usd: float
    max_hourly: float


def bursts(curves: list[Curve], peak_factor: float) -> list[Burst]:
    """The workload's feasible pay-per-use options as burst options (curves of LINEAR
    options; a curve with a volume limit reached it at the workload's own peak factor, so
    its hourly limit is that volume's busiest hour)."""
    found = []
    for c in curves:
        if c.is_step or c.follows_day or c.label.split(" ")[0] not in LINEAR:
            continue
        limit = c.max_requests / HOURS_PER_MONTH * peak_factor
        found.append(Burst(c.label, c.slope_usd_per_request, c.fixed_usd, limit))
    return found


def _burst_cost(overflow: FloatArray, slope: float, days: float, burst: Burst | None) -> Any:
    """The monthly cost of the overflow (N, 24) per count: slope × requests, the burst's
    start-ups when it has any overflow, infinity where its busiest hour is beyond its limit."""
    monthly = days * overflow.sum(axis=1)
    variable = slope * monthly
    if burst is None:
        return variable
    variable = variable + np.where(monthly > 0, burst.fixed_usd, 0.0)
    return np.where(overflow.max(axis=1) > burst.max_hourly * (1 + 1e-12), np.inf, variable)


def _day_split(
    curve: Curve, slope: float, rates: FloatArray, volume: float, burst: Burst | None
) -> Split:
    """An autoscaled base capped at n instances (module docstring), for n = 0 and from
    min_instances (at least 1) to the busiest hour's count."""
    days = HOURS_PER_MONTH / HOURS_PER_DAY
    demand = np.asarray(curve.hourly_units_per_request, dtype=np.float64) * volume
    counts = hourly_instances(demand[None, :], np.full(1, curve.min_units))[0]
    top = int(min(counts.max(), curve.max_units))
    first = int(max(curve.min_units, 1))
    n = np.asarray([0, *range(first, max(top, first) + 1)], dtype=np.float64)
    busiest = int(np.argmax(demand))
    per_unit = float(rates[busiest] / demand[busiest]) if demand[busiest] > 0 else 0.0
    capped = np.minimum(counts[None, :], n[:, None])  # (N, 24)
    served = np.minimum(rates[None, :], capped * per_unit)
    overflow = np.maximum(0.0, rates[None, :] - served)
    variable = _burst_cost(overflow, slope, days, burst)
    totals = with_redundancy(
        capped, np.full((1, 1), curve.regions), np.full((1, 1), curve.standby_fraction)
    )
    count = capped.shape[0]
    billed = billed_per_day(
        totals, np.full(count, curve.lead_fraction), np.full(count, curve.cooldown_fraction)
    )
    fixed = billed * days * curve.usd_per_unit_hour
    total = fixed + variable
    best = int(np.argmin(total))
    return DaySplit(
        int(n[best]), top, per_unit, rates, total, fixed, variable, int(best), n, counts
    )


@dataclass(frozen=True)
class DaySplit(Split):
    """A capped autoscaled base: `units` is the cap n; the arrays are per candidate count
    (`counts`: 0, min_instances … top), `index` the chosen one's position, `hourly` the
    instances each hour would run uncapped."""

    index: int = 0
    counts: FloatArray = field(default_factory=lambda: np.zeros(1))
    hourly: FloatArray = field(default_factory=lambda: np.zeros(24))

    @property
    def position(self) -> int:
        return self.index

    @property
    def served(self) -> FloatArray:
        schedule = np.minimum(self.hourly, float(self.units))
        result: FloatArray = np.minimum(self.rates, schedule * self.unit_rate)
        return result


def mix_document(estimate: Estimate) -> MixDocument:
    from genai_cost.engine.context import workload_arrays

    workloads: list[WorkloadMix] = []
    # every workload's peak factor at once (a table's rows from its columns)
    peak_factors = workload_arrays(estimate.specs).peak_factor.tolist()
    for index, spec in enumerate(estimate.specs):
        traffic = spec.workload.traffic
        entry: WorkloadMix = {
            "scenario": spec.scenario_name,
            "workload": spec.workload.name,
            "mixes": [],
            "note": None,
        }
        curves, volume = workload_curves(estimate, index)
        on_demand = next((c for c in curves if c.label == "on_demand"), None)
        capacity = [c for c in curves if c.is_step or c.follows_day]
        # the overflow's options matter only to a workload with a profile to split
        burst_options = (
            bursts([*curves, *capped_curves(estimate, index, volume)], peak_factors[index])
            if traffic.hourly_profile is not None
            else []
        )
        others = sorted(
            (
                (float(c.cost(volume)), c.label)
                for c in curves
                if not c.is_step
                and not c.follows_day
                and c.label != "on_demand"
                and not c.label.startswith("on_demand ")
            ),
        )
        if others:
            entry["alternatives"] = [
                {
                    "option": label,
                    "monthly_cost_usd": round(cost, 6),
                    "saving_vs_on_demand_usd": round(float(on_demand.cost(volume)) - cost, 6)
                    if on_demand is not None
                    else None,
                }
                for cost, label in others
            ]
        if traffic.hourly_profile is None:
            entry["note"] = "needs a 24-value hourly_profile to split base load from peaks"
        elif not burst_options:
            entry["note"] = (
                "no pay-per-use option (on-demand, serverless, batch) can be priced, so nothing "
                "can take the overflow"
            )
        elif not capacity:
            entry["note"] = (
                "no capacity option (provisioned, self-hosted or autoscaled) can be priced"
            )
        if entry["note"]:
            workloads.append(entry)
            continue
        assert traffic.hourly_profile is not None
        weights = np.asarray(traffic.profile_fractions, dtype=np.float64)  # max 1, no overflow
        pure_on_demand = float(on_demand.cost(volume)) if on_demand is not None else None
        for curve in capacity:
            if curve.is_step:
                units_for_peak = float(np.ceil(curve.units_per_request * volume - 1e-9))
            else:
                units_for_peak = max(curve.hourly_units_per_request) * volume
            if not units_for_peak <= MAX_MIX_UNITS:
                entry["mixes"].append(_too_large(curve.label, units_for_peak))
                continue
            splits = [(b, solve_split(curve, b.slope, weights, volume, b)) for b in burst_options]
            burst, split = min(splits, key=lambda bs: float(bs[1].totals[bs[1].position]))
            k = split.position
            total = float(split.totals[k])
            if not np.isfinite(total):
                continue  # no burst option can take this base's overflow at any count
            entry["mixes"].append(
                {
                    "capacity_option": curve.label,
                    "burst_option": burst.label,
                    "units": split.units,
                    "units_for_peak": split.units_for_peak,
                    "monthly_cost_usd": round(total, 6),
                    "fixed_usd": round(float(split.fixed[k]), 6),
                    "burst_usd": round(float(split.variable[k]), 6),
                    "share_served_by_capacity": round(split.share_served_by_capacity, 9),
                    "pure_on_demand_usd": round(pure_on_demand, 6)
                    if pure_on_demand is not None
                    else None,
                    "pure_capacity_usd": round(float(curve.cost(volume)), 6),
                    "saving_vs_on_demand_usd": round(pure_on_demand - total, 6)
                    if pure_on_demand is not None
                    else None,
                    "saving_vs_capacity_usd": round(float(curve.cost(volume)) - total, 6),
                    "note": None,
                }
            )
        workloads.append(entry)
    return {"schema_version": 2, "kind": "genai-cost mix", "workloads": workloads}
