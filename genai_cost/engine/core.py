"""Running every option module and assembling the results with a fixed column contract."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import ModuleType

import numpy as np
import numpy.typing as npt

from genai_cost.engine.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    scatter,
)
from genai_cost.engine.context import PricingContext
from genai_cost.engine.labels import option_label
from genai_cost.engine.latency import P50, P95, apply_latency, judged
from genai_cost.engine.options import REGISTRY
from genai_cost.engine.traits import OptionTraits
from genai_cost.scenario.table import first_seen_codes
from genai_cost.units import REQUESTS_PER_THOUSAND, TOKENS_PER_MILLION

OPTION_MODULES: tuple[ModuleType, ...] = REGISTRY
"""The option modules, in the registry's order (engine/options/__init__.py)."""


OPTION_NAMES: tuple[str, ...] = tuple(m.OPTION.value for m in OPTION_MODULES)
MODULES: dict[str, ModuleType] = {m.OPTION.value: m for m in OPTION_MODULES}
"""Each option's module by its name: its `pin` and `risk` (optimize, base load), `SETTINGS`."""
TRAITS: dict[str, OptionTraits] = {m.OPTION.value: m.TRAITS for m in OPTION_MODULES}
"""Every option's traits, as its module declares them (engine/traits.py)."""
PAY_PER_USE = tuple(name for name, t in TRAITS.items() if t.pay_per_use)
LINEAR = tuple(name for name, t in TRAITS.items() if t.cost_curve == "linear")
NOT_FOR_CALLERS = tuple(name for name, t in TRAITS.items() if not t.answers_caller)
OFFLINE_JOBS = tuple(name for name, t in TRAITS.items() if t.offline_jobs)


def component_listed(optional: bool, feasible: bool, quantity: float) -> bool:
    """Whether a row lists a component: an optional one (redundant capacity) only where it
    has a quantity; any other always for a feasible row, and for an infeasible row where it
    has a quantity (what the row would buy)."""
    return quantity > 0 if optional else (feasible or quantity > 0)


def listed_rows(optional: bool, feasible: BoolArray, quantity: FloatArray) -> BoolArray:
    """`component_listed` of every row of a component at once."""
    positive: BoolArray = quantity > 0
    return positive if optional else (feasible | positive)


_ComponentColumns = tuple[str, str, bool, list[float], list[float], list[float]]
"""A component's name, unit, whether optional, and its quantity, usd_per_unit and usd."""


@dataclass
class EstimateArrays:
    """Results for N rows (workload x option x variant ...), option by option.

    Numeric columns have shape (N,), rows ordered option by option as in OPTION_MODULES;
    `cheapest_row` has shape (W,) (-1: nothing feasible). Text (variant names, reasons) and
    cost components are read per row through `results`, so evaluation stays numeric.
    """

    results: list[OptionResult]
    offsets: IntArray
    workload_index: IntArray
    option_code: npt.NDArray[np.int8]
    feasible: BoolArray
    explicit: BoolArray
    monthly_cost_usd: FloatArray
    cost_per_1k_requests_usd: FloatArray
    cost_per_1m_tokens_usd: FloatArray
    capacity: FloatArray
    utilization_fraction: FloatArray
    cheapest_row: IntArray

    @property
    def size(self) -> int:
        return int(self.workload_index.shape[0])

    @cached_property
    def _locations(self) -> tuple[list[int], list[int]]:
        """Each row's option result and its row within it (found once, for every row)."""
        rows = np.arange(self.size)
        k = np.searchsorted(self.offsets, rows, side="right") - 1
        return k.tolist(), (rows - self.offsets[k]).tolist()

    def locate(self, row: int) -> tuple[OptionResult, int]:
        results, local = self._locations
        return self.results[results[row]], local[row]

    def option(self, row: int) -> str:
        return OPTION_NAMES[int(self.option_code[row])]

    def is_cheapest(self) -> BoolArray:
        """Per row, whether it is its workload's cheapest (`cheapest_row`)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.cheapest_row[self.cheapest_row >= 0]] = True
        return mask

    def text(self, row: int, column: str) -> str:
        """`variant`, `platform`, `instance_type` or `label` of a row."""
        result, local = self.locate(row)
        return str(getattr(result.rows, column)[local])

    def reason(self, row: int) -> str:
        result, local = self.locate(row)
        return result.reason(local)

    def sources(self, row: int) -> tuple[str, ...]:
        """Source keys of the prices (and throughput) a row used; "scenario" for its own."""
        result, local = self.locate(row)
        return tuple(result.rows.sources[local])

    def capacity_unit(self, row: int) -> str:
        result, local = self.locate(row)
        return result.capacity_unit if result.failure[local] == 0 else ""

    @cached_property
    def _component_lists(self) -> list[tuple[list[bool], list[_ComponentColumns]]]:
        """Per option result: each row's feasibility and each component's columns as Python
        floats (converted once; reports read them row by row)."""
        return [
            (
                (result.failure == 0).tolist(),
                [
                    (
                        c.name,
                        c.unit,
                        c.optional,
                        c.quantity.tolist(),
                        c.usd_per_unit.tolist(),
                        c.usd.tolist(),
                    )
                    for c in result.listed_components
                ],
            )
            for result in self.results
        ]

    def components(self, row: int) -> list[tuple[str, str, float, float, float]]:
        """(name, unit, quantity, usd_per_unit, usd) of a row's components with a quantity."""
        results, locals_ = self._locations
        feasible, columns = self._component_lists[results[row]]
        local = locals_[row]
        ok = feasible[local]
        out = []
        for name, unit, optional, quantity, usd_per_unit, usd in columns:
            q = quantity[local]
            if component_listed(optional, ok, q):
                out.append((name, unit, q, usd_per_unit[local], usd[local]))
        return out

    def latency(self, row: int) -> tuple[float, float]:
        """(P50, P95) seconds known for a row (NaN where not known)."""
        result, local = self.locate(row)
        params = result.rows.params
        known = [params.get(name) for name in (P50, P95)]
        p50, p95 = (float(v[local]) if v is not None else np.nan for v in known)
        return p50, p95

    def schedule(self, row: int) -> list[float] | None:
        """Instances in each hour of the day, for options whose capacity follows the day."""
        result, local = self.locate(row)
        if result.schedule is None or result.failure[local] != 0:
            return None
        return [float(x) for x in result.schedule[local]]

    def label(self, row: int) -> str:
        """The row's option label (see `option_label`)."""
        result, local = self.locate(row)
        rows = result.rows
        return option_label(
            rows.option,
            str(rows.variant[local]),
            str(rows.platform[local]),
            str(rows.instance_type[local]),
        )

    def rows_of(self, workload: int) -> IntArray:
        """Rows of one workload, in row order (the grouping is computed once)."""
        bounds = self.__dict__.get("_bounds")
        if bounds is None:
            order = np.argsort(self.workload_index, kind="stable")
            edges = np.searchsorted(
                self.workload_index[order], np.arange(self.cheapest_row.shape[0] + 1)
            )
            bounds = self.__dict__["_bounds"] = (order, edges)
        order, edges = bounds
        rows: IntArray = order[edges[workload] : edges[workload + 1]]
        return rows

    def commitment_breakeven_fraction(self) -> FloatArray:
        """Per row, for a commitment (a term, a reserved instance, a savings plan): its hourly
        price over the no-commitment price of the same capacity — the share of hours below
        which the commitment costs more than paying only for the hours used. NaN elsewhere
        (and where either row cannot be priced). Found for all rows at once: each row's
        capacity (workload, platform, instance type) as one number, joined to the base
        variant's rows (the last base row of a capacity, where there are several)."""
        fraction = np.full(self.size, np.nan)
        for k, result in enumerate(self.results):
            if result.usd_per_capacity_hour is None:
                continue
            rows = result.rows
            price = np.where(result.feasible, result.usd_per_capacity_hour, np.nan)
            platform = first_seen_codes(rows.platform)
            instance = first_seen_codes(rows.instance_type)
            key = (
                rows.workload_index.astype(np.int64) * (int(platform.max(initial=0)) + 1) + platform
            ) * (int(instance.max(initial=0)) + 1) + instance
            with np.errstate(invalid="ignore"):
                is_base = (rows.variant == result.base_variant) & (price > 0)
            base_keys, base_prices = key[is_base][::-1], price[is_base][::-1]
            known, last = np.unique(base_keys, return_index=True)  # reversed: the last row
            if not known.size:
                continue
            committed = np.ones(rows.size, dtype=bool)
            for variant in result.uncommitted:
                committed &= rows.variant != variant
            at = np.minimum(np.searchsorted(known, key), known.size - 1)
            joined = committed & (known[at] == key) & np.isfinite(price)
            local = np.flatnonzero(joined)
            fraction[int(self.offsets[k]) + local] = price[local] / base_prices[last[at[local]]]
        return fraction

    def option_names(self) -> ObjArray:
        """Option name of every row (an object array, for analysis and tests)."""
        names: ObjArray = np.asarray(OPTION_NAMES, dtype=object)[self.option_code]
        return names


def prepare_all(ctx: PricingContext) -> list[OptionRows]:
    """Resolve every option's prices once (catalog lookups; no arithmetic), and judge known
    response times against the workloads' latency targets."""
    prepared = [module.prepare(ctx) for module in OPTION_MODULES]
    if judged(ctx):
        for rows in prepared:
            apply_latency(ctx, rows, offline_jobs=TRAITS[rows.option].offline_jobs)
    return prepared


def cheapest_rows(
    workload_index: IntArray, cost: FloatArray, feasible: BoolArray, workloads: int
) -> IntArray:
    """Index of the cheapest feasible row per workload (first in row order on ties), or -1."""
    rows = np.flatnonzero(feasible)
    owner, ranked = workload_index[rows], cost[rows]
    lowest = np.full(workloads, np.inf)
    np.minimum.at(lowest, owner, ranked)
    winners = np.flatnonzero(ranked == lowest[owner])
    first = np.full(workloads, -1, dtype=np.int64)
    owner, rows = owner[winners], rows[winners]
    if np.bincount(owner, minlength=workloads).max(initial=0) <= 1:
        first[owner] = rows  # one winner per workload (no tie): no index repeats
    else:  # ties: the first row in row order
        first[:] = np.iinfo(np.int64).max
        np.minimum.at(first, owner, rows)
    first[~np.isfinite(lowest)] = -1  # no feasible row, or none with a finite cost
    return first


def _unit_cost(spent: FloatArray, amount: FloatArray, per: float) -> FloatArray:
    """`spent / amount * per`, NaN where there is no amount (> 0): each step in place on one
    new array (the same operations, in the same order, as the expression)."""
    cost = np.divide(spent, amount)
    cost[~(amount > 0)] = np.nan
    np.multiply(cost, per, out=cost)
    return cost


def evaluate_all(w: WorkloadArrays, option_rows: list[OptionRows]) -> EstimateArrays:
    """Evaluate every option over all its rows at once and concatenate the numeric results.

    Floating-point overflow is not warned about here (a warning would print numpy's source
    path on stderr): a result that is not finite is reported by the caller, naming the inputs.
    """
    with np.errstate(all="ignore"):
        return _evaluate_all(w, option_rows)


def cheapest_costs(w: WorkloadArrays, option_rows: list[OptionRows]) -> tuple[FloatArray, IntArray]:
    """Each row's monthly cost (NaN where infeasible) and each workload's cheapest row, as
    `evaluate_all` finds them (rows in the same order), without the per-unit figures,
    capacities and components a report needs; options with no rows are not evaluated. For
    the month-by-month models, which evaluate the same rows for every sample."""
    costs, owners = [], []
    with np.errstate(all="ignore"):
        for module, rows in zip(OPTION_MODULES, option_rows, strict=True):
            if rows.size == 0:
                continue
            result = module.evaluate(w, rows)
            costs.append(np.where(result.feasible, result.monthly_cost_usd, np.nan))
            owners.append(rows.workload_index)
    if not costs:
        return np.zeros(0), np.full(w.size, -1, dtype=np.int64)
    monthly: FloatArray = np.concatenate(costs)
    workload_index = np.concatenate(owners)
    return monthly, cheapest_rows(workload_index, monthly, np.isfinite(monthly), w.size)


def _evaluate_all(w: WorkloadArrays, option_rows: list[OptionRows]) -> EstimateArrays:
    results: list[OptionResult] = [
        module.evaluate(w, rows) for module, rows in zip(OPTION_MODULES, option_rows, strict=True)
    ]
    sizes = [r.rows.size for r in results]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def cat(values: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(values)

    workload_index = cat([r.rows.workload_index for r in results])
    feasible = cat([r.feasible for r in results])
    monthly = cat([r.monthly_cost_usd for r in results])
    ok = np.flatnonzero(feasible)  # unit costs of feasible rows only; NaN elsewhere
    owner = workload_index[ok]
    requests = w.requests_per_month[owner]
    tokens = requests * (w.all_input_tokens[owner] + w.output_tokens[owner])
    spent = monthly[ok]
    per_1k_requests = scatter(
        monthly.shape[0], ok, _unit_cost(spent, requests, REQUESTS_PER_THOUSAND)
    )
    per_1m_tokens = scatter(monthly.shape[0], ok, _unit_cost(spent, tokens, TOKENS_PER_MILLION))
    return EstimateArrays(
        results=results,
        offsets=offsets,
        workload_index=workload_index,
        option_code=np.repeat(np.arange(len(results), dtype=np.int8), sizes),
        feasible=feasible,
        explicit=cat([r.rows.explicit for r in results]),
        monthly_cost_usd=monthly,
        cost_per_1k_requests_usd=per_1k_requests,
        cost_per_1m_tokens_usd=per_1m_tokens,
        capacity=cat([r.capacity for r in results]),
        utilization_fraction=cat([r.utilization_fraction for r in results]),
        cheapest_row=cheapest_rows(workload_index, monthly, feasible, w.size),
    )
