"""Cost curves of a workload's feasible options, read off an estimate."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
