"""The cheapest mix of fixed capacity for the base load and on-demand tokens for the rest.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from genai_cost.decisions.curves import workload_curves
from genai_cost.documents.decisions import Mix, MixDocument, WorkloadMix
from genai_cost.engine.arrays import FloatArray
from genai_cost.engine.breakeven import Curve
from genai_cost.engine.capacity import CEIL_TOLERANCE
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate


MAX_MIX_UNITS = 100_000
"""Most capacity units a mix is solved for (every count from 0 up is evaluated)."""


def _too_large(label: str, units: float) -> Mix:
    return {
        "capacity_option": label,
        "units": None,
        "units_for_peak": None,
        "monthly_cost_usd": None,
        "fixed_usd": None,
        "on_demand_usd": None,
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
    def served(self) -> FloatArray:
        """Requests an hour the chosen units serve, in each hour of the day."""
        result: FloatArray = np.minimum(self.rates, self.units * self.unit_rate)
        return result

    @property
    def share_served_by_capacity(self) -> float:
        total = float(self.rates.sum())
        return float(self.served.sum()) / total if total else 0.0


def solve_split(curve: Curve, slope: float, weights: FloatArray, volume: float) -> Split:
    """cost(n) for every n from 0 to the units the peak needs (module docstring); `slope` is
    on-demand's cost per request, `weights` the hourly profile (largest 1)."""
    rates = volume / HOURS_PER_MONTH * weights / weights.mean()
    peak = float(1.0 / weights.mean())
    days = HOURS_PER_MONTH / HOURS_PER_DAY
    n_peak = int(np.ceil(curve.units_per_request * volume - CEIL_TOLERANCE))
    n = np.arange(0, max(n_peak, 1) + 1, dtype=np.float64)
    per_unit = peak / (HOURS_PER_MONTH * curve.units_per_request)
    overflow = np.maximum(0.0, rates[None, :] - n[:, None] * per_unit)
    variable = slope * days * overflow.sum(axis=1)
    standby = np.where(
        curve.standby_fraction > 0, np.ceil(n * curve.standby_fraction - CEIL_TOLERANCE), 0.0
    )
    fixed = HOURS_PER_MONTH * curve.usd_per_unit_hour * (curve.regions * n + standby)
    total = fixed + variable
    return Split(int(np.argmin(total)), n_peak, per_unit, rates, total, fixed, variable)


def mix_document(estimate: Estimate) -> MixDocument:
    workloads: list[WorkloadMix] = []
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
        capacity = [c for c in curves if c.is_step]
        others = sorted(
            (
                (float(c.cost(volume)), c.label)
                for c in curves
                if not c.is_step and c.label != "on_demand" and not c.label.startswith("on_demand ")
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
        elif on_demand is None:
            entry["note"] = "on-demand is not available, so nothing can take the overflow"
        elif not capacity:
            entry["note"] = "no capacity option (provisioned or self-hosted) can be priced"
        if entry["note"]:
            workloads.append(entry)
            continue
        assert on_demand is not None and traffic.hourly_profile is not None
        weights = np.asarray(traffic.profile_fractions, dtype=np.float64)  # max 1, no overflow
        pure_on_demand = float(on_demand.cost(volume))
        for curve in capacity:
            units_for_peak = float(np.ceil(curve.units_per_request * volume - 1e-9))
            if not units_for_peak <= MAX_MIX_UNITS:
                entry["mixes"].append(_too_large(curve.label, units_for_peak))
                continue
            split = solve_split(curve, on_demand.slope_usd_per_request, weights, volume)
            n_peak, best, total, fixed, variable = (
                split.units_for_peak,
                split.units,
                split.totals,
                split.fixed,
                split.variable,
            )
            served = split.share_served_by_capacity
            entry["mixes"].append(
                {
                    "capacity_option": curve.label,
                    "units": best,
                    "units_for_peak": n_peak,
                    "monthly_cost_usd": round(float(total[best]), 6),
                    "fixed_usd": round(float(fixed[best]), 6),
                    "on_demand_usd": round(float(variable[best]), 6),
                    "share_served_by_capacity": round(served, 9),
                    "pure_on_demand_usd": round(pure_on_demand, 6),
                    "pure_capacity_usd": round(float(total[-1] if n_peak > 0 else fixed[1]), 6),
                    "saving_vs_on_demand_usd": round(pure_on_demand - float(total[best]), 6),
                    "saving_vs_capacity_usd": round(
                        float(curve.cost(volume)) - float(total[best]), 6
                    ),
                    "note": None,
                }
            )
        workloads.append(entry)
    return {"schema_version": 1, "kind": "genai-cost mix", "workloads": workloads}
