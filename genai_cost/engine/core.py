"""Running every option module and assembling the results with a fixed column contract."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from genai_cost.engine import batch, on_demand, provisioned, self_hosted
from genai_cost.engine.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
)
from genai_cost.engine.context import PricingContext
from genai_cost.units import REQUESTS_PER_THOUSAND, TOKENS_PER_MILLION

OPTION_MODULES: tuple[ModuleType, ...] = (on_demand, batch, provisioned, self_hosted)


@dataclass
class EstimateArrays:
    """Results for N rows (workload x option x variant...) and their cost components.

    Row columns have shape (N,); component columns (C,) with `component_row` pointing at the
    row each component belongs to; `cheapest_row` has shape (W,) (-1: nothing feasible).
    """

    workload_index: IntArray
    option: ObjArray
    variant: ObjArray
    platform: ObjArray
    instance_type: ObjArray
    feasible: BoolArray
    reason: ObjArray
    explicit: BoolArray
    monthly_cost_usd: FloatArray
    cost_per_1k_requests_usd: FloatArray
    cost_per_1m_tokens_usd: FloatArray
    capacity: FloatArray
    capacity_unit: ObjArray
    utilization_fraction: FloatArray
    component_row: IntArray
    component_name: ObjArray
    component_unit: ObjArray
    component_quantity: FloatArray
    component_usd_per_unit: FloatArray
    component_usd: FloatArray
    cheapest_row: IntArray

    @property
    def size(self) -> int:
        return int(self.workload_index.shape[0])


def prepare_all(ctx: PricingContext) -> list[OptionRows]:
    """Resolve every option's prices once (catalog lookups; no arithmetic)."""
    return [module.prepare(ctx) for module in OPTION_MODULES]


def cheapest_rows(
    workload_index: IntArray, cost: FloatArray, feasible: BoolArray, workloads: int
) -> IntArray:
    """Index of the cheapest feasible row per workload (first in row order on ties), or -1."""
    ranked = np.where(feasible, cost, np.inf)
    order = np.lexsort((np.arange(ranked.shape[0]), ranked, workload_index))
    sorted_w = workload_index[order]
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = sorted_w[1:] != sorted_w[:-1]
    best = order[first]
    result = np.full(workloads, -1, dtype=np.int64)
    result[workload_index[best]] = np.where(np.isfinite(ranked[best]), best, -1)
    return result


def evaluate_all(w: WorkloadArrays, option_rows: list[OptionRows]) -> EstimateArrays:
    """Evaluate every option over all its rows at once and concatenate the results."""
    results: list[OptionResult] = [
        module.evaluate(w, rows) for module, rows in zip(OPTION_MODULES, option_rows, strict=True)
    ]
    offsets = np.cumsum([0] + [r.rows.size for r in results])

    def cat(get: str) -> np.ndarray:
        return np.concatenate([getattr(r, get) for r in results])

    def cat_rows(get: str) -> np.ndarray:
        return np.concatenate([getattr(r.rows, get) for r in results])

    def labelled(get_value: str) -> ObjArray:
        parts = []
        for r in results:
            out = np.empty(r.rows.size, dtype=object)
            out[:] = getattr(r, get_value) if get_value == "capacity_unit" else r.rows.option
            parts.append(out)
        return np.concatenate(parts)

    workload_index = cat_rows("workload_index").astype(np.int64)
    monthly = cat("monthly_cost_usd")
    requests = w.requests_per_month[workload_index]
    tokens = requests * (w.all_input_tokens + w.output_tokens)[workload_index]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        per_1k_requests = np.where(requests > 0, monthly / requests * REQUESTS_PER_THOUSAND, np.nan)
        per_1m_tokens = np.where(tokens > 0, monthly / tokens * TOKENS_PER_MILLION, np.nan)

    comp_rows, names, units, quantities, prices, usd = [], [], [], [], [], []
    for offset, r in zip(offsets[:-1], results, strict=True):
        for c in r.components:
            keep = r.feasible | (c.quantity > 0)
            index = np.nonzero(keep)[0]
            comp_rows.append(index + offset)
            names.append(np.full(index.shape[0], c.name, dtype=object))
            units.append(np.full(index.shape[0], c.unit, dtype=object))
            quantities.append(c.quantity[index])
            prices.append(c.usd_per_unit[index])
            usd.append(c.usd[index])
    comp_row = np.concatenate(comp_rows) if comp_rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(comp_row, kind="stable")

    def ordered(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        joined: np.ndarray = np.concatenate(parts)[order] if parts else np.zeros(0, dtype=dtype)
        return joined

    feasible = cat("feasible").astype(bool)
    return EstimateArrays(
        workload_index=workload_index,
        option=labelled("option"),
        variant=cat_rows("variant"),
        platform=cat_rows("platform"),
        instance_type=cat_rows("instance_type"),
        feasible=feasible,
        reason=cat("reason"),
        explicit=cat_rows("explicit").astype(bool),
        monthly_cost_usd=monthly,
        cost_per_1k_requests_usd=per_1k_requests,
        cost_per_1m_tokens_usd=per_1m_tokens,
        capacity=cat("capacity"),
        capacity_unit=labelled("capacity_unit"),
        utilization_fraction=cat("utilization_fraction"),
        component_row=comp_row[order].astype(np.int64),
        component_name=ordered(names, object),
        component_unit=ordered(units, object),
        component_quantity=ordered(quantities, np.float64),
        component_usd_per_unit=ordered(prices, np.float64),
        component_usd=ordered(usd, np.float64),
        cheapest_row=cheapest_rows(workload_index, monthly, feasible, w.size),
    )
