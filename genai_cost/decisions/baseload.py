"""A capacity + pay-per-use mix as two workloads: the split `mix` finds, pinned so a bill
can count it (a workload's `base_load`) or proposed as a change (`optimize`'s base-load lever).

For a workload with an hourly profile (weights w_h) and n units of a capacity option that
serve `cap` requests an hour each (decisions/mix.py), the request rate r_h of hour h splits
into what the units serve, `min(r_h, n · cap)` (autoscaled: `min(r_h, min(N_h, n) · cap)`),
and the overflow. The base workload NAME-base is pinned to the capacity row, with that hourly
profile and `Σ_h (730/24) · served_h` requests a (730-hour) month, so the engine sizes it to
exactly n units (autoscaled: the capped count each hour); NAME, pinned to the burst option
(on-demand, serverless, batch …), keeps the overflow. The two bills sum to the mix's
`cost(n)`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genai_cost.decisions.curves import capped_curves, workload_curves
from genai_cost.decisions.mix import MAX_MIX_UNITS, Burst, DaySplit, Split, bursts, solve_split
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
    """The fields NAME changes: its traffic and its pin to the overflow option (or, when the
    units carry the peak, to the capacity row)."""
    burst: str = "on_demand"
    """The overflow option's row label."""


def best_splits(
    estimate: Estimate,
    index: int,
    raw: dict[str, Any],
    *,
    written: bool = True,
    units: int | None = None,
    burst: str | None = None,
) -> list[BaseSplit]:
    """Every capacity row's split of workload `index` at its cheapest count of units (or at
    `units`) with the overflow on its cheapest pay-per-use option (or on the option `burst`
    names); `raw` is the workload as written, whose fields the pieces start from. `written`:
    figures rounded as a scenario file shows them (else exact, for a bill)."""
    import numpy as np

    from genai_cost.engine.context import workload_arrays

    spec = estimate.specs[index]
    w = spec.workload
    fractions = w.traffic.profile_fractions
    if fractions is None:
        return []
    curves, volume = workload_curves(estimate, index)
    a = estimate.arrays
    rows = {a.label(r): r for r in a.rows_of(index).tolist()}
    peak_factor = float(workload_arrays([spec]).peak_factor[0])
    options = [
        b
        for b in bursts([*curves, *capped_curves(estimate, index, volume)], peak_factor)
        if burst is None or b.label.split(" ")[0] == burst
    ]
    if not options:
        return []
    weights = np.asarray(fractions, dtype=np.float64)
    found = []
    for curve in curves:
        if not (curve.is_step or curve.follows_day) or curve.label not in rows:
            continue
        top = (
            np.ceil(curve.units_per_request * volume)
            if curve.is_step
            else max(curve.hourly_units_per_request) * volume
        )
        if not top <= MAX_MIX_UNITS:
            continue
        pairs = []
        for b in options:
            split = solve_split(curve, b.slope, weights, volume, b)
            if units is not None:
                split = with_units(split, units)
            pairs.append((float(split.totals[split.position]), b.label, b, split))
        total, _, chosen, split = min(pairs, key=lambda p: (p[0], p[1]))
        if not np.isfinite(total):
            continue
        found.append(
            _pieces(
                estimate, index, raw, curve.label, rows[curve.label], chosen, rows, split, written
            )
        )
    return found


def with_units(split: Split, units: int) -> Split:
    """The same split with `units` kept instead of the cheapest count (for autoscaled
    capacity: the largest count it can be capped at that is not above `units`)."""
    from dataclasses import replace

    if isinstance(split, DaySplit):
        import numpy as np

        allowed = np.flatnonzero(split.counts <= units)
        at = int(allowed[-1]) if allowed.size else 0
        capped: Split = replace(split, units=int(split.counts[at]), index=at)
        return capped
    kept: Split = replace(split, units=min(units, split.units_for_peak))
    return kept


def _pieces(
    estimate: Estimate,
    index: int,
    raw: dict[str, Any],
    label: str,
    row: int,
    burst: Burst,
    rows: dict[str, int],
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
    burst_row = rows[burst.label]
    overflow_pin = pin_fields(
        w,
        a.option(burst_row),
        a.text(burst_row, "variant"),
        a.text(burst_row, "platform"),
        a.text(burst_row, "instance_type"),
    )
    # a bill's pieces drop the setting that made them (a written patch never had it)
    unpinned: dict[str, Any] = {} if written else {"base_load": None, "budget": None}
    if split.units == 0:
        return BaseSplit(label, split, None, {**unpinned, **overflow_pin}, burst.label)
    if split.units >= split.units_for_peak:
        return BaseSplit(label, split, None, {**unpinned, **capacity_pin}, burst.label)
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
        **overflow_pin,
    }
    return BaseSplit(label, split, base, overflow_fields, burst.label)


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
        for s in best_splits(
            estimate, index, raw, written=False, units=units, burst=setting.overflow
        )
        if setting.capacity is None or s.label.split(" ")[0] == setting.capacity
    ]
    if not splits:
        wanted = setting.capacity or "capacity (provisioned, self_hosted or autoscaled)"
        overflow = setting.overflow or "pay-per-use option"
        raise ScenarioError.at(
            spec.where,
            f"workload {w.name!r}: base_load needs a priced {wanted} row for the base and a "
            f"priced {overflow} that can take the overflow (see the options table for why "
            "they cannot be priced)",
        )
    return min(splits, key=lambda s: (float(s.split.totals[s.split.position]), s.label))


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
