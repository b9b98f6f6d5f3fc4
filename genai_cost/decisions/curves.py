"""Cost curves of a workload's feasible options, read off an estimate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from genai_cost.engine.breakeven import Curve
from genai_cost.engine.core import LINEAR
from genai_cost.engine.options.batch_transform import FIXED_COMPONENTS
from genai_cost.errors import ScenarioError

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate


def workload_curves(estimate: Estimate, index: int) -> tuple[list[Curve], float]:
    """Curves of every feasible option of workload `index`, and its current monthly volume."""
    arrays = estimate.arrays
    spec = estimate.specs[index]
    volume = spec.workload.traffic.requests_in(spec.hours)
    if volume <= 0:
        raise ScenarioError.at(
            spec.where,
            f"workload {spec.workload.name!r} has no traffic; break-even needs a volume to scale",
        )
    curves = [
        row_curve(estimate, row, volume)
        for row in arrays.rows_of(index).tolist()
        if arrays.feasible[row]
    ]
    return curves, volume


def row_curve(estimate: Estimate, row: int, volume: float) -> Curve:
    """The cost curve of one feasible row of the estimate, whose workload has `volume`
    requests a month: the engine's own figures at that volume, read as the line, step or
    day-following function of volume its option's cost curve is (engine/traits.py)."""
    arrays = estimate.arrays
    result, local = arrays.locate(row)
    label = arrays.label(row)
    params = result.rows.params
    if arrays.option(row) in LINEAR:
        fixed = sum(float(c.usd[local]) for c in result.components if c.name in FIXED_COMPONENTS)
        slope = (float(arrays.monthly_cost_usd[row]) - fixed) / volume
        cap = float(result.max_requests[local]) if result.max_requests is not None else np.inf
        return Curve(label, slope_usd_per_request=slope, fixed_usd=fixed, max_requests=cap)
    hours = float(estimate.specs[int(arrays.workload_index[row])].hours)
    if result.hourly_demand is not None:
        return Curve(
            label,
            hours=hours,
            usd_per_unit_hour=float(result.components[0].usd_per_unit[local]),
            regions=float(params["redundancy_regions"][local]),
            standby_fraction=float(params["standby_fraction"][local]),
            hourly_units_per_request=tuple(float(x) / volume for x in result.hourly_demand[local]),
            min_units=float(params["min_instances"][local]),
            max_units=float(params["max_instances"][local]),
            lead_fraction=float(params["lead_fraction"][local]),
            cooldown_fraction=float(params["cooldown_fraction"][local]),
        )
    assert result.demand is not None
    return Curve(
        label,
        hours=hours,
        units_per_request=float(result.demand[local]) / volume,
        usd_per_unit_hour=float(result.components[0].usd_per_unit[local]),
        regions=float(params["redundancy_regions"][local]),
        standby_fraction=float(params["standby_fraction"][local]),
    )


def capped_curves(estimate: Estimate, index: int, volume: float) -> list[Curve]:
    """Curves of workload `index`'s pay-per-use rows that cannot serve its whole volume only
    because of a limit volume reaches (serverless concurrency, `max_requests`), read from the
    engine at a quarter and a half of that limit: they can still take part of the load (the
    overflow of a mix, decisions/mix.py)."""
    arrays = estimate.arrays
    found: list[tuple[int, float]] = []
    for row in arrays.rows_of(index).tolist():
        if arrays.feasible[row] or arrays.option(row) not in LINEAR:
            continue
        result, local = arrays.locate(row)
        if result.max_requests is None:
            continue
        cap = float(result.max_requests[local])
        if 0 < cap < volume:
            found.append((row, cap))
    curves = []
    for row, cap in found:
        label = arrays.label(row)
        low, high = engine_sweep(estimate, index, [cap / 4, cap / 2]).get(label, [np.nan] * 2)
        if not (np.isfinite(low) and np.isfinite(high)):
            continue  # infeasible for another reason too
        slope = (high - low) / (cap / 4)
        fixed = low - slope * cap / 4
        curves.append(
            Curve(label, slope_usd_per_request=slope, fixed_usd=max(fixed, 0.0), max_requests=cap)
        )
    return curves


SWEEP_BATCH_ROWS = 1_000_000
"""Rows evaluated at once by `engine_sweeps` (workloads are batched up to this many)."""


def engine_sweep(estimate: Estimate, index: int, volumes: Any) -> dict[str, Any]:
    """The engine's own monthly cost of each feasible option of workload `index` at every
    volume: option label -> costs (NaN where infeasible)."""
    import numpy as np

    return engine_sweeps(estimate, [index], np.asarray(volumes, dtype=np.float64)[None, :])[0]


def engine_sweeps(estimate: Estimate, indexes: list[int], volumes: Any) -> list[dict[str, Any]]:
    """`engine_sweep` for many workloads: `volumes` has one row of volumes per workload in
    `indexes`. Workloads are tiled (each of their option rows once per volume) and evaluated
    together in batches, so a sweep of thousands of workloads is a few engine calls."""
    import numpy as np

    volumes = np.asarray(volumes, dtype=np.float64)
    arrays = estimate.arrays
    rows_per_workload = [max(1, arrays.rows_of(i).shape[0]) for i in indexes]
    per_batch = max(1, SWEEP_BATCH_ROWS // max(1, volumes.shape[1] * max(rows_per_workload)))
    out: list[dict[str, Any]] = []
    for start in range(0, len(indexes), per_batch):
        out += _sweep_batch(
            estimate, indexes[start : start + per_batch], volumes[start : start + per_batch]
        )
    return out


def _sweep_batch(estimate: Estimate, indexes: list[int], volumes: Any) -> list[dict[str, Any]]:
    import numpy as np

    from genai_cost.engine.arrays import WorkloadArrays
    from genai_cost.engine.context import workload_arrays
    from genai_cost.engine.core import evaluate_all
    from genai_cost.engine.labels import option_label

    n = volumes.shape[1]
    base = workload_arrays([estimate.specs[i] for i in indexes])
    # Sample s = j * n + i is workload j (of this batch) at volume i.
    w = WorkloadArrays(
        requests_per_month=volumes.reshape(-1),
        input_tokens=np.repeat(base.input_tokens, n),
        output_tokens=np.repeat(base.output_tokens, n),
        cache_read_tokens=np.repeat(base.cache_read_tokens, n),
        cache_write_tokens=np.repeat(base.cache_write_tokens, n),
        cache_write_1h_tokens=np.repeat(base.cache_write_1h_tokens, n),
        peak_factor=np.repeat(base.peak_factor, n),
        batch_tolerant=np.repeat(base.batch_tolerant, n),
        hours=np.repeat(base.hours, n),
        hourly_share=np.repeat(base.shares(), n, axis=0),
    )
    arrays = estimate.arrays
    place = np.full(len(estimate.specs), -1, dtype=np.int64)  # a workload's place in the batch
    place[np.asarray(indexes, dtype=np.int64)] = np.arange(len(indexes))
    mine = np.concatenate([arrays.rows_of(i) for i in indexes] or [np.zeros(0, dtype=np.int64)])
    tiled, kept = [], []
    for k, result in enumerate(arrays.results):
        rows = result.rows
        offset = int(arrays.offsets[k])
        keep = np.sort(mine[(mine >= offset) & (mine < offset + rows.size)] - offset)
        # a row blocked while its prices were resolved fails at every volume (every option
        # fails a blocked row): it is never swept
        keep = keep[~rows.blocked[keep]]
        kept.append(keep)
        owner = place[rows.workload_index[keep]]
        # Row-major: each kept row repeated once per volume (row r, volume i) -> r * n + i.
        sample = (owner[:, None] * n + np.arange(n)[None, :]).reshape(-1)
        tiled.append(rows.for_evaluation(np.repeat(keep, n), sample))
    swept = evaluate_all(w, tiled)
    costs: list[dict[str, Any]] = [{} for _ in indexes]
    for original, result, keep in zip(arrays.results, swept.results, kept, strict=True):
        m = keep.shape[0]
        if not m:
            continue
        feasible = result.feasible.reshape(m, n)
        monthly = np.where(feasible, result.monthly_cost_usd.reshape(m, n), np.nan)
        rows = original.rows
        for r in np.flatnonzero(feasible.any(axis=1)).tolist():
            local = int(keep[r])
            label = option_label(
                rows.option,
                str(rows.variant[local]),
                str(rows.platform[local]),
                str(rows.instance_type[local]),
            )
            costs[int(place[rows.workload_index[local]])][label] = monthly[r]
    return costs
