"""Uncertainty: a Monte Carlo over the vectorized engine.

Each sample draws every uncertain input from its named distribution — PERT (a Beta between
low and high, α = 1 + 4(mode − low)/(high − low), β = 1 + 4(high − mode)/(high − low)),
triangular, uniform, or lognormal from p50 and p90 (μ = ln p50, σ = (ln p90 − ln p50) /
1.2815515655) — and prices every workload under every option; the sample's monthly cost is
the sum of the workloads' cheapest options. Samples run in chunks, so working memory stays
bounded whatever N is; one total (and one NPV) per sample is kept, so P10/P50/P90 are exact.

NPV per sample (when the scenario has a `roi:` section) scales the sample's month-1 run cost
with its traffic growth, (1 + g)^(t−1), i.e. run cost is taken as proportional to volume
there (exact for pay-per-token options; capacity steps are not re-solved per month and
sample). The tornado ranks inputs by the swing in monthly cost between their P10 and P90,
the others at their medians.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from genai_cost.documents.estimate import MonteCarlo, OptionShares, TornadoBar
from genai_cost.engine.arrays import OptionRows, WorkloadArrays
from genai_cost.engine.context import workload_arrays
from genai_cost.engine.core import evaluate_all

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate
    from genai_cost.scenario.models import Uncertain

Floats = npt.NDArray[np.float64]
CHUNK_SAMPLES = 10000
Z90 = 1.2815515655446004
FIELDS = {
    "tokens_per_request.input": "input_tokens",
    "tokens_per_request.output": "output_tokens",
    "tokens_per_request.cache_read": "cache_read_tokens",
    "tokens_per_request.cache_write": "cache_write_tokens",
    "traffic.requests_per_month": "requests_per_month",
    "traffic.peak_to_average_ratio": "peak_factor",
}


def draw(u: Uncertain, rng: np.random.Generator, n: int) -> Floats:
    if u.distribution == "lognormal":
        assert u.p50 is not None and u.p90 is not None
        sigma = (np.log(u.p90) - np.log(u.p50)) / Z90
        return np.asarray(rng.lognormal(np.log(u.p50), sigma, n), dtype=np.float64)
    low, high = float(u.low or 0.0), float(u.high or 0.0)
    if u.distribution == "uniform":
        return np.asarray(rng.uniform(low, high, n), dtype=np.float64)
    mode = float(u.mode if u.mode is not None else low)
    if u.distribution == "triangular":
        return np.asarray(rng.triangular(low, mode, high, n), dtype=np.float64)
    alpha = 1 + 4 * (mode - low) / (high - low)
    beta = 1 + 4 * (high - mode) / (high - low)
    return np.asarray(low + (high - low) * rng.beta(alpha, beta, n), dtype=np.float64)


def quantile(u: Uncertain, q: float) -> float:
    """The q-quantile of an input's distribution (for the tornado), from 200,001 draws."""
    return float(np.quantile(draw(u, np.random.default_rng(12345), 200_001), q))


def _tile(
    rows: OptionRows,
    keep: npt.NDArray[np.int64],
    local: npt.NDArray[np.int64],
    copies: int,
    stride: int,
) -> OptionRows:
    """`copies` copies of the kept rows, workload indexes shifted by `stride` each copy."""
    k = keep.shape[0]
    index = (np.tile(local, copies) + np.repeat(np.arange(copies) * stride, k)).astype(np.int64)
    return rows.for_evaluation(np.tile(keep, copies), index)


def run_monte_carlo(
    estimate: Estimate,
    samples: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """P10/P50/P90 of monthly cost (and NPV), option win shares, and a tornado."""
    from genai_cost.decisions.roi import constant_monthly_costs, monthly_rate

    rng = np.random.default_rng(seed)
    specs = estimate.specs
    w_count = len(specs)
    base = workload_arrays(specs)
    arrays = estimate.arrays
    labels: list[list[str]] = [[] for _ in range(w_count)]
    # Rows blocked while resolving prices stay infeasible whatever is sampled: skip them.
    row_maps = [(r.rows, np.flatnonzero(~r.rows.blocked).astype(np.int64)) for r in arrays.results]
    for row in range(arrays.size):
        labels[int(arrays.workload_index[row])].append(arrays.label(row))
    uncertain = [u for loaded in estimate.scenarios for u in loaded.scenario.uncertainty]
    document_scenarios = estimate.to_dict()["scenarios"]
    constant = sum(sum(constant_monthly_costs(s).values()) for s in document_scenarios)

    tiled_cache: dict[int, list[OptionRows]] = {}

    def evaluate(values: dict[int, dict[str, Floats]], n: int) -> tuple[Floats, Any]:
        """Monthly totals of n samples, and the option code of each workload's winner."""
        fields = {name: np.tile(getattr(base, name), n) for name in FIELDS.values()}
        for w, changes in values.items():
            for name, draws in changes.items():
                fields[name][w::w_count] = draws
        sampled = WorkloadArrays(**fields, batch_tolerant=np.tile(base.batch_tolerant, n))
        tiled = tiled_cache.get(n)
        if tiled is None:  # the same for every full chunk: built once
            tiled = [
                _tile(rows, keep, rows.workload_index[keep], n, w_count) for rows, keep in row_maps
            ]
            tiled_cache[n] = tiled
        priced = evaluate_all(sampled, tiled)
        best = priced.cheapest_row
        cost = np.where(best >= 0, priced.monthly_cost_usd[np.maximum(best, 0)], np.nan)
        totals = cost.reshape(n, w_count).sum(axis=1) + constant
        return totals, best

    def draws_for(
        n: int, generator: np.random.Generator
    ) -> tuple[dict[int, dict[str, Floats]], Floats | None]:
        values: dict[int, dict[str, Floats]] = {}
        growth = None
        for u in uncertain:
            sample = draw(u, generator, n)
            if u.input == "roi.monthly_traffic_growth_percent":
                growth = sample
                continue
            targets = [i for i, s in enumerate(specs) if u.workload in (None, s.workload.name)]
            for w in targets:
                values.setdefault(w, {})[FIELDS[u.input]] = sample
        return values, growth

    totals = np.empty(samples)
    npvs = np.empty(samples)
    wins = np.zeros((w_count, max(len(x) for x in labels) + 1), dtype=np.int64)
    offsets = _row_offsets(arrays, w_count)
    roi_scenarios = [s.scenario for s in estimate.scenarios if s.scenario.roi is not None]
    for start in range(0, samples, CHUNK_SAMPLES):
        n = min(CHUNK_SAMPLES, samples - start)
        values, growth = draws_for(n, rng)
        chunk, best = evaluate(values, n)
        totals[start : start + n] = chunk
        local = best.reshape(n, w_count) - 0
        for w in range(w_count):
            idx = local[:, w]
            ok = idx >= 0
            mapped = offsets[w][_position_in_tile(idx[ok], arrays, row_maps, n)]
            wins[w] += np.bincount(mapped, minlength=wins.shape[1])[: wins.shape[1]]
        if roi_scenarios:
            npvs[start : start + n] = _npv(roi_scenarios[0], chunk, growth, monthly_rate)
        if progress:
            progress(n)
    tornado: list[TornadoBar] = []
    for u in uncertain:
        if u.input == "roi.monthly_traffic_growth_percent":
            continue
        swing = []
        for q in (0.1, 0.9):
            value = quantile(u, q)
            values = {
                w: {FIELDS[u.input]: np.array([value])}
                for w, s in enumerate(specs)
                if u.workload in (None, s.workload.name)
            }
            swing.append(float(evaluate(values, 1)[0][0]))
        tornado.append(
            {
                "input": u.input,
                "workload": u.workload,
                "p10_input": quantile(u, 0.1),
                "p90_input": quantile(u, 0.9),
                "cost_at_p10_usd": round(swing[0], 6),
                "cost_at_p90_usd": round(swing[1], 6),
                "swing_usd": round(abs(swing[1] - swing[0]), 6),
            }
        )
    tornado.sort(key=lambda t: -float(t["swing_usd"] or 0.0))
    p10, p50, p90 = np.nanpercentile(totals, [10, 50, 90])
    win_shares: list[OptionShares] = []
    for w, spec in enumerate(specs):
        shares = {
            labels[w][k]: round(int(wins[w][k]) / samples, 6)
            for k in range(len(labels[w]))
            if wins[w][k]
        }
        win_shares.append({"workload": spec.workload.name, "cheapest_option_share": shares})
    result: MonteCarlo = {
        "schema_version": 1,
        "kind": "genai-cost monte carlo",
        "samples": samples,
        "seed": seed,
        "inputs": [u.model_dump(exclude_none=True) for u in uncertain],
        "monthly_cost_usd": {
            "p10": round(float(p10), 6),
            "p50": round(float(p50), 6),
            "p90": round(float(p90), 6),
            "mean": round(float(np.nanmean(totals)), 6),
        },
        "cheapest_option": win_shares,
        "tornado": tornado,
        "npv_usd": None,
    }
    if roi_scenarios:
        q10, q50, q90 = np.nanpercentile(npvs, [10, 50, 90])
        result["npv_usd"] = {
            "p10": round(float(q10), 6),
            "p50": round(float(q50), 6),
            "p90": round(float(q90), 6),
        }
    return result


def _row_offsets(arrays: Any, w_count: int) -> list[npt.NDArray[np.int64]]:
    """Per workload: global row index (in the base estimate) -> position in its label list."""
    offsets = []
    for w in range(w_count):
        rows = np.flatnonzero(arrays.workload_index == w)
        mapping = np.full(arrays.size, -1, dtype=np.int64)
        mapping[rows] = np.arange(rows.shape[0])
        offsets.append(mapping)
    return offsets


def _position_in_tile(
    tiled_rows: npt.NDArray[np.int64],
    arrays: Any,
    row_maps: list[tuple[OptionRows, npt.NDArray[np.int64]]],
    n: int,
) -> npt.NDArray[np.int64]:
    """Map rows of the tiled evaluation back to rows of the base estimate.

    Tiling keeps each option's kept rows together: option k's block holds n copies of them,
    so a tiled row is (block start, copy, kept row within the option)."""
    kept = [keep for _, keep in row_maps]
    sizes = np.asarray([k.shape[0] for k in kept], dtype=np.int64)
    base_offsets = np.concatenate([[0], np.cumsum([r.rows.size for r in arrays.results])])
    tiled_offsets = np.concatenate([[0], np.cumsum(sizes * n)])
    option = np.searchsorted(tiled_offsets, tiled_rows, side="right") - 1
    within = (tiled_rows - tiled_offsets[option]) % np.maximum(sizes[option], 1)
    mapped = np.empty(tiled_rows.shape[0], dtype=np.int64)
    for k, keep in enumerate(kept):
        here = option == k
        mapped[here] = base_offsets[k] + keep[within[here]]
    return mapped


def _npv(
    scenario: Any, monthly: Floats, growth: Floats | None, rate_of: Callable[[float], float]
) -> Floats:
    """NPV per sample with run cost and per-request benefits scaling with traffic growth."""
    roi = scenario.roi
    horizon = scenario.horizon_months
    g = (
        growth
        if growth is not None
        else np.full(monthly.shape[0], roi.monthly_traffic_growth_percent)
    ) / 100
    rate = rate_of(roi.annual_discount_rate_percent)
    t = np.arange(1, horizon + 1)
    scale = (1.0 + g[:, None]) ** (t[None, :] - 1)
    discount = (1.0 + rate) ** -t
    requests = sum(w.traffic.monthly_requests for w in scenario.workloads)
    per_request = sum(
        b.usd_per_request + b.hours_saved_per_request * b.usd_per_hour for b in roi.benefits
    )
    fixed_benefit = sum(b.usd_per_month for b in roi.benefits)
    development_now = sum(
        d.usd * (1.0 + rate) ** -d.month for d in roi.development if d.month <= horizon
    )
    recurring = sum(
        d.usd_per_month * discount[d.start_month - 1 : min(d.end_month or horizon, horizon)].sum()
        for d in roi.development
    )
    net = ((requests * per_request - monthly[:, None]) * scale + fixed_benefit) @ discount
    result: Floats = net - development_now - recurring
    return result
