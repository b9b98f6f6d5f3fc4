"""Cost curves of a workload's feasible options, read off an estimate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genai_cost.engine.breakeven import Curve
from genai_cost.errors import GenaiCostError

if TYPE_CHECKING:
    from genai_cost.api import Estimate

LINEAR = ("on_demand", "batch")


def option_label(option: str, variant: str, platform: str, instance_type: str) -> str:
    return " ".join(p for p in (option, platform, instance_type, variant) if p)


def workload_curves(estimate: Estimate, index: int) -> tuple[list[Curve], float]:
    """Curves of every feasible option of workload `index`, and its current monthly volume."""
    arrays = estimate.arrays
    spec = estimate.specs[index]
    volume = spec.workload.traffic.monthly_requests
    if volume <= 0:
        raise GenaiCostError(
            f"workload {spec.workload.name!r} has no traffic; break-even needs a volume to scale"
        )
    curves = []
    for row in range(arrays.size):
        if arrays.workload_index[row] != index or not arrays.feasible[row]:
            continue
        result, local = arrays.locate(row)
        label = option_label(
            arrays.option(row),
            arrays.text(row, "variant"),
            arrays.text(row, "platform"),
            arrays.text(row, "instance_type"),
        )
        if arrays.option(row) in LINEAR:
            curves.append(
                Curve(label, slope_usd_per_request=float(arrays.monthly_cost_usd[row]) / volume)
            )
            continue
        assert result.demand is not None
        params = result.rows.params
        curves.append(
            Curve(
                label,
                units_per_request=float(result.demand[local]) / volume,
                usd_per_unit_hour=float(result.components[0].usd_per_unit[local]),
                regions=float(params["redundancy_regions"][local]),
                standby_fraction=float(params["standby_fraction"][local]),
            )
        )
    return curves, volume


def engine_sweep(estimate: Estimate, index: int, volumes: Any) -> dict[str, Any]:
    """The engine's own monthly cost of each feasible option at every volume, in one call:
    the workload's rows are tiled once per volume and evaluated together."""
    import numpy as np

    from genai_cost.engine.arrays import OptionRows, WorkloadArrays
    from genai_cost.engine.context import workload_arrays
    from genai_cost.engine.core import evaluate_all

    volumes = np.asarray(volumes, dtype=np.float64)
    n = volumes.shape[0]
    base = workload_arrays([estimate.specs[index]])
    w = WorkloadArrays(
        requests_per_month=volumes,
        input_tokens=np.repeat(base.input_tokens, n),
        output_tokens=np.repeat(base.output_tokens, n),
        cache_read_tokens=np.repeat(base.cache_read_tokens, n),
        cache_write_tokens=np.repeat(base.cache_write_tokens, n),
        peak_factor=np.repeat(base.peak_factor, n),
        batch_tolerant=np.repeat(base.batch_tolerant, n),
    )
    tiled = []
    for result in estimate.arrays.results:
        rows = result.rows
        keep = np.flatnonzero(rows.workload_index == index)
        k = keep.shape[0]
        tiled.append(
            OptionRows(
                rows.option,
                np.repeat(np.arange(n), k),
                np.tile(rows.variant[keep], n),
                np.tile(rows.platform[keep], n),
                np.tile(rows.instance_type[keep], n),
                np.tile(rows.label[keep], n),
                {name: np.tile(v[keep], n) for name, v in rows.params.items()},
                np.tile(rows.reason[keep], n),
                np.tile(rows.explicit[keep], n),
                sources=np.tile(rows.sources[keep], n),
                blocked=np.tile(rows.blocked[keep], n),
            )
        )
    arrays = evaluate_all(w, tiled)
    costs: dict[str, Any] = {}
    for row in np.flatnonzero(arrays.feasible).tolist():
        label = option_label(
            arrays.option(row),
            arrays.text(row, "variant"),
            arrays.text(row, "platform"),
            arrays.text(row, "instance_type"),
        )
        costs.setdefault(label, np.full(n, np.nan))[arrays.workload_index[row]] = (
            arrays.monthly_cost_usd[row]
        )
    return costs
