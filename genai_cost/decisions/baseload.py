"""A capacity + on-demand mix as two workloads: the split `mix` finds, pinned so a bill can
count it (a workload's `base_load`) or proposed as a change (`optimize`'s base-load lever).

For a workload with an hourly profile (weights w_h) and n units of a capacity option that
serve `cap` requests an hour each (decisions/mix.py), the request rate r_h of hour h splits
into what the units serve, `min(r_h, n · cap)`, and the overflow, `max(0, r_h − n · cap)`.
The base workload NAME-base is pinned to the capacity row, with that hourly profile and
`Σ_h (730/24) · min(r_h, n · cap)` requests a (730-hour) month, so the engine sizes it to
exactly n units; NAME, pinned to on-demand, keeps the overflow. The two bills sum to the
mix's `cost(n)`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genai_cost.decisions.curves import workload_curves
from genai_cost.decisions.mix import MAX_MIX_UNITS, Split, solve_split
from genai_cost.errors import ScenarioError
from genai_cost.scenario.models import Workload
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate
    from genai_cost.scenario.load import LoadedScenario
    from genai_cost.scenario.models import Scenario

BASE_SUFFIX = "-base"


def rounded(value: float) -> float:
    """A figure as written into a scenario: 6 decimals, and an integer when whole."""
    r = round(value, 6)
    return int(r) if r == int(r) else r


def pin_fields(
    w: Workload, option: str, variant: str, platform: str, instance: str
) -> dict[str, Any]:
    """The workload fields that choose exactly this row: `options`, and what the option's
    own module says (`pin`, engine/options/)."""
    from genai_cost.engine.core import MODULES

    module: Any = MODULES[option]
    return {"options": [option], **module.pin(w, variant, platform, instance)}


def merge(target: dict[str, Any], change: dict[str, Any]) -> None:
    """Merge `change` into `target` (nested mappings merged; None removes a key)."""
    for key, value in change.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


@dataclass(frozen=True)
class BaseSplit:
    """A workload's best split on one capacity row."""

    label: str
    split: Split
    base: dict[str, Any] | None
    """NAME-base's fields (None when no unit is kept: all on demand)."""
    overflow: dict[str, Any]
    """The fields NAME changes: its traffic and its pin to on-demand (or, when the units
    carry the peak, to the capacity row)."""


def best_splits(
    estimate: Estimate,
    index: int,
    raw: dict[str, Any],
    *,
    written: bool = True,
    units: int | None = None,
) -> list[BaseSplit]:
    """Every capacity row's split of workload `index` at its cheapest count of units, or at
    `units` when given (`raw` is the workload as written, whose fields the pieces start
    from). `written`: figures rounded as a scenario file shows them (else exact, for a bill)."""
    import numpy as np

    spec = estimate.specs[index]
    w = spec.workload
    fractions = w.traffic.profile_fractions
    if fractions is None:
        return []
    curves, volume = workload_curves(estimate, index)
    a = estimate.arrays
    rows = {a.label(r): r for r in a.rows_of(index).tolist() if a.feasible[r]}
    on_demand = next((c for c in curves if c.label == "on_demand"), None)
    if on_demand is None or "on_demand" not in rows:
        return []
    weights = np.asarray(fractions, dtype=np.float64)
    found = []
    for curve in curves:
        if not curve.is_step or curve.label not in rows:
            continue
        if not np.ceil(curve.units_per_request * volume) <= MAX_MIX_UNITS:
            continue
        split = solve_split(curve, on_demand.slope_usd_per_request, weights, volume)
        if units is not None:
            split = with_units(split, units)
        found.append(
            _pieces(
                estimate,
                index,
                raw,
                curve.label,
                rows[curve.label],
                rows["on_demand"],
                split,
                written,
            )
        )
    return found


def with_units(split: Split, units: int) -> Split:
    """The same split with `units` kept instead of the cheapest count."""
    return Split(
        min(units, split.units_for_peak),
        split.units_for_peak,
        split.unit_rate,
        split.rates,
        split.totals,
        split.fixed,
        split.variable,
    )


def _pieces(
    estimate: Estimate,
    index: int,
    raw: dict[str, Any],
    label: str,
    row: int,
    on_demand_row: int,
    split: Split,
    written: bool,
) -> BaseSplit:
    import numpy as np

    def figure(value: float) -> float:
        return rounded(value) if written else float(value)

    a = estimate.arrays
    w = estimate.specs[index].workload
    volume = float(split.rates.sum()) * HOURS_PER_MONTH / HOURS_PER_DAY
    capacity_pin = pin_fields(
        w,
        a.option(row),
        a.text(row, "variant"),
        a.text(row, "platform"),
        a.text(row, "instance_type"),
    )
    on_demand_pin = pin_fields(w, "on_demand", a.text(on_demand_row, "variant"), "", "")
    # a bill's pieces drop the setting that made them (a written patch never had it)
    unpinned: dict[str, Any] = {} if written else {"base_load": None, "budget": None}
    if split.units == 0:
        return BaseSplit(label, split, None, {**unpinned, **on_demand_pin})
    if split.units >= split.units_for_peak:
        return BaseSplit(label, split, None, {**unpinned, **capacity_pin})
    days = HOURS_PER_MONTH / HOURS_PER_DAY
    capacity = split.units * split.unit_rate
    base_weights = split.served / capacity  # 1 where the units are full
    if written:
        base_weights = np.round(base_weights, 6)
    base_requests = figure(capacity * float(base_weights.sum()) * days)
    base = copy.deepcopy(raw)
    for key in ("optimize", "base_load", "budget"):
        base.pop(key, None)
    base["name"] = f"{w.name}{BASE_SUFFIX}"
    base["traffic"] = {
        "requests_per_month": base_requests,
        "hourly_profile": [figure(x) for x in base_weights.tolist()],
    }
    merge(base, capacity_pin)
    overflow = (split.rates - split.served) / capacity
    if written:
        overflow = np.round(overflow, 6)
    overflow_fields: dict[str, Any] = {
        **unpinned,
        "traffic": {
            "requests_per_second": None,
            "peak_to_average_ratio": None,
            "requests_per_month": figure(volume - base_requests),
            "hourly_profile": [figure(x) for x in overflow.tolist()],
        },
        **on_demand_pin,
    }
    return BaseSplit(label, split, base, overflow_fields)


def pinned_split(estimate: Estimate, index: int) -> BaseSplit:
    """The split a workload's `base_load` asks for: its capacity option (or the cheapest
    mix's), at its count of units (or the cheapest count)."""
    spec = estimate.specs[index]
    w = spec.workload
    setting = w.base_load
    assert setting is not None
    raw = w.model_dump(mode="json", exclude_unset=True)
    units = None if setting.units == "auto" else int(setting.units)
    splits = [
        s
        for s in best_splits(estimate, index, raw, written=False, units=units)
        if setting.capacity is None or s.label.split(" ")[0] == setting.capacity
    ]
    if not splits:
        wanted = setting.capacity or "provisioned or self_hosted"
        raise ScenarioError.at(
            spec.where,
            f"workload {w.name!r}: base_load needs on-demand and a priced {wanted} row for the "
            "base (see the options table for why they cannot be priced)",
        )
    return min(splits, key=lambda s: (float(s.split.totals[s.split.units]), s.label))


def split_scenarios(estimate: Estimate, scenarios: list[LoadedScenario]) -> list[LoadedScenario]:
    """`scenarios` with every workload that sets `base_load` priced as two: NAME (on demand,
    the overflow) where it was and NAME-base (the capacity) after the scenario's workloads."""
    from dataclasses import replace

    changed: dict[int, tuple[list[Workload], list[Workload]]] = {}
    for index, spec in enumerate(estimate.specs):
        w = spec.workload
        if w.base_load is None:
            continue
        scenario = scenarios[spec.scenario_index].scenario
        if any(x.name == f"{w.name}{BASE_SUFFIX}" for x in scenario.workloads):
            raise ScenarioError.at(
                spec.where,
                f"workload {w.name!r}: base_load names its capacity part "
                f"{w.name + BASE_SUFFIX!r}, and a workload of that name exists; rename one",
            )
        if referenced(w.name, scenario):
            raise ScenarioError.at(
                spec.where,
                f"workload {w.name!r}: base_load splits it in two, and a benefit or an "
                "uncertainty names it; name both parts there (NAME and NAME-base), or drop "
                "base_load",
            )
        pieces = pinned_split(estimate, index)
        raw = w.model_dump(mode="json", exclude_unset=True)
        merge(raw, pieces.overflow)
        kept, added = changed.setdefault(spec.scenario_index, (list(scenario.workloads), []))
        kept[kept.index(w)] = Workload.model_validate(raw)
        if pieces.base is not None:
            added.append(Workload.model_validate(pieces.base))
    result = list(scenarios)
    for number, (kept, added) in changed.items():
        loaded = scenarios[number]
        result[number] = replace(
            loaded, scenario=loaded.scenario.model_copy(update={"workloads": kept + added})
        )
    return result


def referenced(name: str, scenario: Scenario) -> bool:
    """Whether anything but the workload itself names it (a split would change its meaning)."""
    return any(
        name in (b.workloads or ()) for b in (scenario.roi.benefits if scenario.roi else ())
    ) or any(u.workload == name for u in scenario.uncertainty)
