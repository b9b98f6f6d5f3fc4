"""A scenario's bill month by month, and its cash flows — the one builder behind `roi` and the
Monte Carlo (docs/methodology.md, "ROI" and "Uncertainty").

For S samples of the scenario's inputs (S = 1 and the scenario's own values for `roi`) and
months t = 1..M, traffic in month t is the sample's × (1 + g)^(t−1):

- the inference of every workload the engine prices is re-priced at that month's volume (its
  cheapest option each month, so capacity steps and option switches are exact), with the
  input tokens a chosen prompting or rag path adds;
- every other line of the bill is fixed a month, or — when it scales with requests (query
  embeddings, a custom model's tokens) — multiplied by the month's requests of its workloads
  over the scenario's;
- one-off payments (training, corpus embedding, teacher data) are cash in the months they are
  paid; in the monthly bill they are spread over the horizon as the bill spreads them.

Cash flows (months 0..H, month 0 = before launch): cost = run cost + one-off payments +
development; benefit = fixed + per-request × the requests of the workloads it names (all when
it names none); NPV = Σ net_t / (1 + r)^t with r = (1 + annual)^(1/12) − 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from genai_cost.engine.arrays import OptionRows, WorkloadArrays
from genai_cost.engine.breakeven import Curve, day_cost, line_cost, step_cost
from genai_cost.engine.context import run_columns, workload_arrays
from genai_cost.engine.core import TRAITS, cheapest_costs
from genai_cost.results.estimate import Estimate
from genai_cost.scenario.models import Scenario
from genai_cost.units import HOURS_PER_DAY

Floats = npt.NDArray[np.float64]
FIELDS_BY_INPUT = {
    "tokens_per_request.input": "input_tokens",
    "tokens_per_request.output": "output_tokens",
    "tokens_per_request.cache_read": "cache_read_tokens",
    "tokens_per_request.cache_write": "cache_write_tokens",
    "traffic.requests_per_month": "requests_per_month",
    "traffic.peak_to_average_ratio": "peak_factor",
}
"""The workload fields the Monte Carlo's uncertain inputs set."""
FIELDS = (
    "requests_per_month",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "peak_factor",
)


def monthly_rate(annual_percent: float) -> float:
    return float((1.0 + annual_percent / 100.0) ** (1.0 / 12.0) - 1.0)


@dataclass
class Months:
    """A scenario's bill for S samples and M months."""

    inference: Floats
    """(S, M): the engine-priced inference (and its redundancy) of each month."""
    other: Floats
    """(S, M): every other monthly line (not the spread one-offs)."""
    spread_one_offs: float
    """The one-off payments as the monthly bill spreads them (the same every month)."""
    requests: Floats
    """(S, W, M): requests of each of the scenario's workloads each month."""
    winners: npt.NDArray[np.int64]
    """(S, E): in month 1, the base-estimate row that wins for each engine-priced workload
    (-1: none)."""

    @property
    def bill(self) -> Floats:
        """(S,): the whole bill a month in month 1, as the estimate's bill counts it."""
        result: Floats = self.inference[:, 0] + self.other[:, 0] + self.spread_one_offs
        return result


ARRAYS_FROM = 64
"""Curve workloads from which their curves are evaluated as arrays; fewer are evaluated one
by one (quicker for a handful: no gathering of the curves' parameters)."""


@dataclass
class _CurveTable:
    """The cost curves of a scenario's curve workloads (`ScenarioModel.curves`), in their
    order: from ARRAYS_FROM of them, as arrays of the curves' parameters (each workload's
    curves one after another, in row order: lines, steps and curves that follow the day);
    fewer, curve by curve."""

    ks: npt.NDArray[np.intp]
    """(K,) each curve workload's position in `ScenarioModel.engine`, ascending."""
    vector: npt.NDArray[np.intp]
    """Indexes into `ks` of the workloads evaluated as arrays."""
    looped: list[int]
    """Indexes into `ks` of the workloads evaluated curve by curve."""
    columns: npt.NDArray[np.intp]
    """(V,) each array-evaluated workload's column in the samples' fields."""
    starts: npt.NDArray[np.intp]
    """(V,) where each array-evaluated workload's curves start (N curves in all)."""
    having: list[npt.NDArray[np.intp]]
    """For r = 1, 2, …: the array-evaluated workloads with more than r curves."""
    owner: npt.NDArray[np.intp]
    """(N,) each curve's workload, as an index into `columns`."""
    rows: npt.NDArray[np.int64]
    """(N,) each curve's row of the base estimate."""
    step: npt.NDArray[np.bool_]
    day: npt.NDArray[np.bool_]
    """(N,) the curves that follow the day (autoscaled, asynchronous)."""
    hourly: Floats
    """(D, 24) the day curves' units each hour per monthly request, in order."""
    min_units: Floats
    max_units: Floats
    lead: Floats
    cooldown: Floats
    slope: Floats
    fixed: Floats
    max_requests: Floats
    units_per_request: Floats
    standby: Floats
    regions: Floats
    hours: Floats
    usd_per_unit_hour: Floats

    @classmethod
    def of(
        cls, curves: dict[int, tuple[npt.NDArray[np.int64], list[Curve]]], engine: list[int]
    ) -> _CurveTable:
        ks = np.asarray(list(curves), dtype=np.intp)
        vector: list[int] = []
        looped: list[int] = []
        flat: list[tuple[int, int, Curve]] = []  # (workload's place in `vector`, row, curve)
        few = len(curves) < ARRAYS_FROM
        for i, (rows, found) in enumerate(curves.values()):
            if few:
                looped.append(i)
                continue
            flat += [(len(vector), int(r), c) for r, c in zip(rows.tolist(), found, strict=True)]
            vector.append(i)
        counts = np.bincount([f[0] for f in flat], minlength=len(vector)).astype(np.intp)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)

        def column(read: Callable[[Curve], float]) -> Floats:
            return np.fromiter((read(c) for _, _, c in flat), np.float64, len(flat))

        return cls(
            ks=ks,
            vector=np.asarray(vector, dtype=np.intp),
            looped=looped,
            columns=np.asarray([engine[int(ks[i])] for i in vector], dtype=np.intp),
            starts=starts,
            having=[np.flatnonzero(counts > r) for r in range(1, int(counts.max(initial=0)))],
            owner=np.asarray([f[0] for f in flat], dtype=np.intp),
            rows=np.asarray([f[1] for f in flat], dtype=np.int64),
            step=np.fromiter((c.is_step for _, _, c in flat), bool, len(flat)),
            day=np.fromiter((c.follows_day for _, _, c in flat), bool, len(flat)),
            hourly=np.asarray(
                [c.hourly_units_per_request for _, _, c in flat if c.follows_day],
                dtype=np.float64,
            ).reshape(-1, HOURS_PER_DAY),
            min_units=column(lambda c: c.min_units),
            max_units=column(lambda c: c.max_units),
            lead=column(lambda c: c.lead_fraction),
            cooldown=column(lambda c: c.cooldown_fraction),
            slope=column(lambda c: c.slope_usd_per_request),
            fixed=column(lambda c: c.fixed_usd),
            max_requests=column(lambda c: c.max_requests),
            units_per_request=column(lambda c: c.units_per_request),
            standby=column(lambda c: c.standby_fraction),
            regions=column(lambda c: c.regions),
            hours=column(lambda c: c.hours),
            usd_per_unit_hour=column(lambda c: c.usd_per_unit_hour),
        )

    def cheapest(self, requests: Floats, scale: Floats) -> tuple[Floats, npt.NDArray[np.intp]]:
        """For the array-evaluated workloads at the samples' monthly volumes (`requests`
        (S, W) × `scale` (S, M)): each one's cheapest cost (V, S, M) and its month-1 winner
        (V, S), as a curve index (the first of equals, as the engine breaks ties). Each
        curve's cost is `Curve.cost`'s line, step or day (`line_cost`, `step_cost`,
        `day_cost`: the same functions, on arrays of the curves' numbers), and the curves are
        compared in the per-curve loop's order, every workload at once."""
        volume = requests[:, self.columns].T[:, :, None] * scale[None, :, :]  # (V, S, M)
        v = volume[self.owner]  # (N, S, M)
        cost = np.empty_like(v)
        line = np.flatnonzero(~self.step & ~self.day)
        if line.size:
            cost[line] = line_cost(
                self.slope[line, None, None],
                self.fixed[line, None, None],
                self.max_requests[line, None, None],
                v[line],
            )
        steps = np.flatnonzero(self.step)
        if steps.size:
            cost[steps] = step_cost(
                self.units_per_request[steps, None, None],
                self.standby[steps, None, None],
                self.regions[steps, None, None],
                self.hours[steps, None, None],
                self.usd_per_unit_hour[steps, None, None],
                v[steps],
            )
        days = np.flatnonzero(self.day)
        if days.size:
            cost[days] = day_cost(
                self.hourly,
                self.min_units[days],
                self.max_units[days],
                self.regions[days],
                self.standby[days],
                self.lead[days],
                self.cooldown[days],
                self.hours[days],
                self.usd_per_unit_hour[days],
                v[days],
            )
        # each workload's curves in turn, as `Curve`s one by one: the running minimum, and
        # month 1's winner where a later curve is strictly cheaper (the first of equals wins)
        low: Floats = cost[self.starts]  # (V, S, M)
        first = np.zeros(low.shape[:2], dtype=np.intp)  # (V, S)
        for r, has in enumerate(self.having, start=1):
            other = cost[self.starts[has] + r]
            current = low[has]
            first[has] = np.where(other[:, :, 0] < current[:, :, 0], r, first[has])
            low[has] = np.minimum(current, other)
        best: npt.NDArray[np.intp] = self.starts[:, None] + first
        return low, best


class ScenarioModel:
    """Re-prices one scenario's bill (estimate.bills[number]) for given inputs and months."""

    def __init__(self, estimate: Estimate, number: int) -> None:
        self.estimate = estimate
        self.scenario: Scenario = estimate.scenarios[number].scenario
        self.inputs = estimate.bill_inputs[number]
        self.workloads = [i for i, s in enumerate(estimate.specs) if s.scenario_index == number]
        # names from the run's columns (a table's rows are not made into workloads for them)
        names = run_columns(estimate.context, estimate.specs).name
        self.names: list[str] = names[np.asarray(self.workloads, dtype=np.intp)].tolist()
        self.name_position = {name: k for k, name in enumerate(self.names)}
        self.base = workload_arrays([estimate.specs[i] for i in self.workloads])
        self.position = position = {index: k for k, index in enumerate(self.workloads)}
        self.engine = [position[i] for i in self.inputs.engine_workloads]
        extra = np.zeros(len(self.workloads))
        for i, tokens in self.inputs.extra_input_tokens.items():
            extra[position[i]] = tokens
        self.extra = extra
        every = self._kept(self.inputs.engine_workloads)
        self.curves = self._curve_workloads(every)
        evaluated = [i for k, i in enumerate(self.inputs.engine_workloads) if k not in self.curves]
        self.evaluated = [k for k in range(len(self.engine)) if k not in self.curves]
        """Positions in `self.engine` of the workloads the engine evaluates per sample."""
        self.local, self.kept, self.base_rows = every if not self.curves else self._kept(evaluated)
        self._tiles: dict[int, tuple[dict[str, Any], list[OptionRows]]] = {}
        self.table = _CurveTable.of(self.curves, self.engine)

    def _kept(
        self, workloads: list[int]
    ) -> tuple[npt.NDArray[np.int64], list[tuple[OptionRows, npt.NDArray[np.int64]]], list[Any]]:
        """For the estimate's `workloads`: each one's position among them (-1: not one of
        them), and per option its rows that can win a sample — not those that fail for a
        reason no sample changes (engine/traits.static_failures) nor dearer purchases of the
        same capacity — as local rows and as rows of the base estimate."""
        arrays = self.estimate.arrays
        local = np.full(len(self.estimate.specs), -1, dtype=np.int64)
        local[np.asarray(workloads, dtype=np.int64)] = np.arange(len(workloads))
        kept: list[tuple[OptionRows, npt.NDArray[np.int64]]] = []
        base_rows = []
        for result, offset in zip(arrays.results, arrays.offsets[:-1], strict=True):
            rows = result.rows
            mine = local[rows.workload_index] >= 0 if rows.size else np.zeros(0, dtype=bool)
            static = np.isin(result.failure, TRAITS[rows.option].static_failures)
            keep = np.flatnonzero(mine & ~rows.blocked & ~static).astype(np.int64)
            keep = _undominated(rows, keep, TRAITS[rows.option].unit_price)
            kept.append((rows, keep))
            base_rows.append(int(offset) + keep)
        return local, kept, base_rows

    def _curve_workloads(
        self, every: tuple[Any, list[tuple[OptionRows, npt.NDArray[np.int64]]], list[Any]]
    ) -> dict[int, tuple[npt.NDArray[np.int64], list[Curve]]]:
        """The engine-priced workloads whose samples change only their volume (requests a
        month, growth), by position in `self.engine`: each with its rows (of the base
        estimate) and their cost curves, read once from the engine's own figures
        (decisions/curves.py). Each sample's cost of a row is then its curve at the
        sample's volume — a line, or whole units with `ceil` — as array broadcasts, not a
        new evaluation of every row (the curves equal the engine at every volume: the
        break-even invariants in tests/test_one_truth.py). A workload whose tokens or peak
        are sampled, whose prompt a chosen path lengthens, or that has a row infeasible at
        its own volume for a reason volume may change, is evaluated by the engine."""
        from genai_cost.decisions.curves import row_curve

        arrays = self.estimate.arrays
        found: dict[int, tuple[npt.NDArray[np.int64], list[Curve]]] = {}
        shaped = [
            u.workload
            for u in self.scenario.uncertainty
            if u.input in FIELDS_BY_INPUT and FIELDS_BY_INPUT[u.input] != "requests_per_month"
        ]
        rows_of_all = np.concatenate(every[2]) if every[2] else np.zeros(0, dtype=np.int64)
        # each workload's rows, ascending: the rows sorted by owner, then by row, once
        order = np.lexsort((rows_of_all, arrays.workload_index[rows_of_all]))
        by_owner = rows_of_all[order]
        owners = arrays.workload_index[by_owner]
        for k, index in enumerate(self.inputs.engine_workloads):
            position = self.position[index]
            name = self.names[position]
            volume = float(self.base.requests_per_month[position])
            if any(who in (None, name) for who in shaped):
                continue
            if self.inputs.extra_input_tokens.get(index) or not volume > 0:
                continue
            start, end = np.searchsorted(owners, [index, index + 1])
            rows = by_owner[start:end]
            if not rows.size or not arrays.feasible[rows].all():
                continue
            found[k] = (rows, [row_curve(self.estimate, int(r), volume) for r in rows])
        return found

    @property
    def rows_per_sample_month(self) -> int:
        """Option rows priced for each sample and month (the engine's kept rows and the
        curves' rows): what a chunk's working memory grows with."""
        kept = sum(int(keep.shape[0]) for _, keep in self.kept)
        return kept + sum(int(rows.shape[0]) for rows, _ in self.curves.values())

    def base_fields(self, samples: int) -> dict[str, Floats]:
        """(S, W) arrays of the scenario's own values."""
        return {
            name: np.tile(getattr(self.base, name), (samples, 1)).astype(np.float64)
            for name in FIELDS
        }

    def months(self, fields: dict[str, Floats], growth_percent: Floats, count: int) -> Months:
        """The bill of S samples (`fields` (S, W), `growth_percent` (S,)) for `count` months."""
        samples = growth_percent.shape[0]
        t = np.arange(count)
        scale = (1.0 + growth_percent[:, None] / 100.0) ** t[None, :]  # (S, M)
        requests = fields["requests_per_month"][:, :, None] * scale[:, None, :]  # (S, W, M)
        inference, winners = self._inference(fields, scale)
        other = np.zeros((samples, count))
        spread = 0.0
        base_requests = self.base.requests_per_month
        for c in self.inputs.other_lines:
            usd = c["usd"] or 0.0
            if c["one_off"] is not None:
                spread += usd
                continue
            if c["scales_with_requests"] and c["workloads"]:
                position = self.name_position
                mine = [position[w] for w in c["workloads"] if w in position]
                before = float(base_requests[mine].sum())
                factor = requests[:, mine, :].sum(axis=1) / before if before > 0 else 1.0
                other += usd * factor
            else:
                other += usd
        return Months(inference, other, spread, requests, winners)

    def _inference(
        self, fields: dict[str, Floats], scale: Floats
    ) -> tuple[Floats, npt.NDArray[np.int64]]:
        samples, count = scale.shape
        e = len(self.engine)
        inference = np.zeros((samples, count))
        winners = np.full((samples, e), -1, dtype=np.int64)
        t = self.table
        if t.vector.size:
            # many curve workloads: each one's cost (K, S, M), lines and steps as arrays,
            # curves that follow the day one workload at a time; summed in the workloads'
            # order, one after another, as adding them one by one does (a cumulative sum
            # is sequential)
            costs = np.empty((t.ks.size, samples, count))
            low, best = t.cheapest(fields["requests_per_month"], scale)
            feasible = np.isfinite(low)
            costs[t.vector] = np.where(feasible, low, np.nan)
            winners[:, t.ks[t.vector]] = np.where(feasible[:, :, 0], t.rows[best], -1).T
            for i in t.looped:
                k = int(t.ks[i])
                costs[i], winners[:, k] = self._curve_cost(k, fields, scale)
            inference += np.cumsum(costs, axis=0)[-1]
        else:  # a few: one after another
            for k in self.curves:
                cost, winners[:, k] = self._curve_cost(k, fields, scale)
                inference += cost
        if self.evaluated:
            evaluated, chosen = self._evaluated(fields, scale)
            inference += evaluated
            winners[:, self.evaluated] = chosen
        return inference, winners

    def _curve_cost(
        self, k: int, fields: dict[str, Floats], scale: Floats
    ) -> tuple[Floats, npt.NDArray[np.int64]]:
        """Curve workload `k`'s cheapest cost (S, M) (NaN where no option serves it) and its
        month-1 winner (S,) as a row of the base estimate (-1: none), its curves one by one."""
        rows, curves = self.curves[k]
        volume = fields["requests_per_month"][:, self.engine[k], None] * scale  # (S, M)
        cost = curves[0].cost(volume)
        first = np.zeros(scale.shape[0], dtype=np.int64)  # month 1's winner
        for r, curve in enumerate(curves[1:], start=1):
            other = curve.cost(volume)
            first = np.where(other[:, 0] < cost[:, 0], r, first)  # first of equals wins,
            cost = np.minimum(cost, other)  # as the engine breaks ties
        feasible = np.isfinite(cost)
        return np.where(feasible, cost, np.nan), np.where(feasible[:, 0], rows[first], -1)

    def _evaluated(
        self, fields: dict[str, Floats], scale: Floats
    ) -> tuple[Floats, npt.NDArray[np.int64]]:
        """The cost of the workloads the engine evaluates per sample, and their month-1
        winners: every kept row of every sample-month in one engine call per option."""
        samples, count = scale.shape
        engine = np.asarray(self.engine, dtype=np.int64)[self.evaluated]
        e = engine.shape[0]
        copies = samples * count

        def spread_over_months(values: Floats) -> Floats:  # (S, E) -> (S·M·E,)
            if count == 1:  # one month (a bill, not a horizon): no copy per month
                return values.reshape(-1)
            return np.repeat(values[:, None, :], count, axis=1).reshape(-1)

        chosen = {name: fields[name][:, engine] for name in FIELDS}
        chosen["input_tokens"] = chosen["input_tokens"] + self.extra[engine][None, :]
        requests = (chosen["requests_per_month"][:, None, :] * scale[:, :, None]).reshape(-1)
        fixed, tiled = self._tiled(copies)
        sampled = WorkloadArrays(
            requests_per_month=requests,
            input_tokens=spread_over_months(chosen["input_tokens"]),
            output_tokens=spread_over_months(chosen["output_tokens"]),
            cache_read_tokens=spread_over_months(chosen["cache_read_tokens"]),
            cache_write_tokens=spread_over_months(chosen["cache_write_tokens"]),
            cache_write_1h_tokens=spread_over_months(chosen["cache_write_1h_tokens"]),
            peak_factor=spread_over_months(chosen["peak_factor"]),
            **fixed,
        )
        monthly, best = cheapest_costs(sampled, tiled)
        cost = np.where(best >= 0, monthly[np.maximum(best, 0)], np.nan)
        inference = cost.reshape(samples, count, e).sum(axis=2)
        # month-1 winners, as rows of the base estimate
        base_of_tiled = np.concatenate([np.tile(rows, copies) for rows in self.base_rows]).astype(
            np.int64
        )
        first = best.reshape(samples, count, e)[:, 0, :]
        winners = np.where(first >= 0, base_of_tiled[np.maximum(first, 0)], -1)
        return inference, winners

    def _tiled(self, copies: int) -> tuple[dict[str, Any], list[OptionRows]]:
        """The engine workloads' fixed columns and the option rows, tiled `copies` times. The
        same for every chunk of a run (all but the last have one size), so built once per
        size: re-gathering every parameter of every row per chunk was a sixth of a Monte
        Carlo's time."""
        found = self._tiles.get(copies)
        if found is not None:
            return found
        engine = np.asarray(self.engine, dtype=np.int64)[self.evaluated]
        e = engine.shape[0]
        fixed: dict[str, Any] = {
            "batch_tolerant": np.tile(self.base.batch_tolerant[engine], copies),
            "hours": np.tile(self.base.hours[engine], copies),
            "hourly_share": np.tile(self.base.shares()[engine], (copies, 1)),
        }
        tiled = []
        for rows, keep in self.kept:
            owner = self.local[rows.workload_index[keep]]
            index = np.tile(owner, copies) + np.repeat(np.arange(copies) * e, keep.shape[0])
            tiled.append(rows.for_evaluation(np.tile(keep, copies), index.astype(np.int64)))
        if len(self._tiles) >= 2:  # a run has at most two chunk sizes; keep memory bounded
            self._tiles.clear()
        self._tiles[copies] = (fixed, tiled)
        return fixed, tiled

    def one_off_payments(self, horizon: int) -> Floats:
        """(H + 1,): the one-off payments of the bill by month (0 = before launch)."""
        paid = np.zeros(horizon + 1)
        for c in self.inputs.other_lines:
            if c["one_off"] is None:
                continue
            for month in c["one_off"]["paid_in_months"]:
                if month <= horizon:
                    paid[month] += c["one_off"]["usd_per_payment"]
        return paid


def _undominated(rows: OptionRows, keep: npt.NDArray[np.int64], price: str | None) -> Any:
    """`keep` without the rows a cheaper row of the same workload dominates: the same
    parameters but a higher unit price (`price`, engine/traits.unit_price) — a dearer purchase
    of the same capacity never wins a sample. Equal prices are all kept (ties stay as the
    engine breaks them)."""
    if price is None or keep.shape[0] < 2:
        return keep
    names = sorted(n for n in rows.params if n != price)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for r in keep.tolist():
        key = (
            int(rows.workload_index[r]),
            *(repr(float(rows.params[n][r])) for n in names),
        )
        groups.setdefault(key, []).append(r)
    prices = rows.params[price]
    kept = [
        r
        for members in groups.values()
        for r in members
        if not float(prices[r]) > min(float(prices[m]) for m in members)
    ]
    return np.asarray(sorted(kept), dtype=np.int64)


@dataclass
class CashFlows:
    """Per sample (S) and month 0..H: what the scenario costs and earns."""

    requests: Floats
    """(S, H + 1) all workloads' requests (0 in month 0)."""
    run: Floats
    """(S, H + 1) run cost (0 in month 0)."""
    one_off: Floats
    """(H + 1,) one-off payments of the bill."""
    development: Floats
    """(H + 1,)"""
    benefit: Floats
    """(S, H + 1)"""
    rate: float
    """The monthly discount rate."""

    @property
    def cost(self) -> Floats:
        result: Floats = self.run + self.one_off[None, :] + self.development[None, :]
        return result

    @property
    def net(self) -> Floats:
        result: Floats = self.benefit - self.cost
        return result

    @property
    def discount(self) -> Floats:
        months = np.arange(self.development.shape[0], dtype=np.float64)
        result: Floats = np.power(1.0 + self.rate, -months)
        return result

    @property
    def npv(self) -> Floats:
        result: Floats = self.net @ self.discount
        return result


def cash_flows(
    model: ScenarioModel, fields: dict[str, Floats], growth_percent: Floats | None = None
) -> tuple[CashFlows, Months]:
    """The cash flows of the scenario's `roi:` section for S samples (growth as sampled, else
    the section's), and the bill month by month they come from."""
    roi = model.scenario.roi
    assert roi is not None
    horizon = model.scenario.horizon_months
    samples = fields["requests_per_month"].shape[0]
    growth = (
        growth_percent
        if growth_percent is not None
        else np.full(samples, float(roi.monthly_traffic_growth_percent))
    )
    months = model.months(fields, growth, horizon)
    zero = np.zeros((samples, 1))
    run = np.hstack([zero, months.inference + months.other])
    requests = np.hstack([zero, months.requests.sum(axis=1)])
    development = np.zeros(horizon + 1)
    for item in roi.development:
        if item.usd and item.month <= horizon:
            development[item.month] += item.usd
        if item.usd_per_month:
            last = min(item.end_month or horizon, horizon)
            development[item.start_month : last + 1] += item.usd_per_month
    benefit = np.zeros((samples, horizon + 1))
    for b in roi.benefits:
        mine = [model.name_position[n] for n in (b.workloads or model.names)]
        volume = months.requests[:, mine, :].sum(axis=1)  # (S, H)
        per_request = b.usd_per_request + b.hours_saved_per_request * b.usd_per_hour
        benefit[:, 1:] += b.usd_per_month + volume * per_request
    flows = CashFlows(
        requests=requests,
        run=run,
        one_off=model.one_off_payments(horizon),
        development=development,
        benefit=benefit,
        rate=monthly_rate(roi.annual_discount_rate_percent),
    )
    return flows, months
