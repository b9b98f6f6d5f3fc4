"""Uncertainty: a Monte Carlo over the scenarios' whole bills.

Each sample draws every uncertain input of a scenario from its named distribution — PERT (a
Beta between low and high, α = 1 + 4(mode − low)/(high − low), β = 1 + 4(high − mode)/(high −
low)), triangular, uniform, or lognormal from p50 and p90 (μ = ln p50, σ = (ln p90 − ln p50)
/ 1.2815515655) — and re-prices the scenario's bill with decisions/cashflow.py, the builder
`roi` uses: the sample's monthly bill (month 1, every workload at its cheapest option) and,
when the scenario has a `roi:` section, its NPV with every month re-priced at that month's
traffic (so with near-certain inputs the P50 NPV is `roi`'s NPV). Scenarios are drawn
independently; the total over all scenarios is the sum of theirs, sample by sample.

Samples run in chunks sized by memory — about 120,000 option rows × sample-months at once
(CHUNK_ROW_SAMPLES) — so working memory stays bounded whatever N and the number of options
are; each input draws from its own random stream (spawned from the seed), so the samples
— and every figure — do not depend on the chunk size. One bill (and one NPV) per sample is
kept, so P10/P50/P90 are exact. The
tornado ranks each input by the swing of its scenario's monthly bill between the input's P10
and P90, the other inputs at the scenario's own values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from genai_cost.decisions.bill import require_complete
from genai_cost.decisions.cashflow import FIELDS_BY_INPUT as FIELDS
from genai_cost.decisions.cashflow import ScenarioModel, cash_flows
from genai_cost.documents.estimate import (
    MonteCarlo,
    OptionShares,
    Quantiles,
    ScenarioUncertainty,
    TornadoBar,
    UncertainInputRecord,
)

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate
    from genai_cost.scenario.models import Uncertain

Floats = npt.NDArray[np.float64]
CHUNK_ROW_SAMPLES = 120_000
"""Option rows × sample-months priced at once: about 1 MB an array of float64. A chunk holds
this many, however many rows a scenario has, so working memory is the same for 5 rows or
500 (and small enough to stay in the processor's caches: 10,000 sample-months of the
benchmark's 12 rows ran fastest, benchmarks/README.md)."""
Z90 = 1.2815515655446004
GROWTH = "roi.monthly_traffic_growth_percent"


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


def _quantiles(values: Floats, mean: bool = True) -> Quantiles:
    p10, p50, p90 = np.nanpercentile(values, [10, 50, 90])
    result: Quantiles = {
        "p10": round(float(p10), 6),
        "p50": round(float(p50), 6),
        "p90": round(float(p90), 6),
    }
    if mean:
        result["mean"] = round(float(np.nanmean(values)), 6)
    return result


def _apply(
    model: ScenarioModel, fields: dict[str, Floats], u: Uncertain, values: Floats
) -> Floats | None:
    """Put the values of one uncertain input into `fields`; the growth values are returned."""
    if u.input == GROWTH:
        return values
    column = fields[FIELDS[u.input]]
    if u.workload is None:  # every workload
        column[:, :] = values[:, None]
    elif u.workload in model.name_position:
        column[:, model.name_position[u.workload]] = values
    return None


class _Scenario:
    """The samples of one scenario: its bill and NPV per sample, and each workload's winners."""

    def __init__(self, estimate: Estimate, number: int, samples: int) -> None:
        self.model = ScenarioModel(estimate, number)
        self.scenario = self.model.scenario
        self.has_roi = self.scenario.roi is not None
        self.months = self.scenario.horizon_months if self.has_roi else 1
        self.bills = np.empty(samples)
        self.npvs = np.empty(samples) if self.has_roi else None
        # how often each row of the scenario's workloads wins month 1, counted as arrays
        owner = estimate.arrays.workload_index
        mine = np.zeros(len(estimate.specs), dtype=bool)
        mine[np.asarray(self.model.workloads, dtype=np.intp)] = True
        self.rows = np.flatnonzero(mine[owner]) if owner.size else np.zeros(0, np.intp)
        """The base estimate's rows of the scenario's workloads, ascending."""
        self.win_counts = np.zeros(self.rows.shape[0], dtype=np.int64)

    def run_chunk(self, streams: list[np.random.Generator], start: int, n: int) -> None:
        """Samples start..start + n; `streams` holds one generator per uncertain input."""
        fields = self.model.base_fields(n)
        growth = None
        for u, stream in zip(self.scenario.uncertainty, streams, strict=True):
            values = _apply(self.model, fields, u, draw(u, stream, n))
            if values is not None:
                growth = values
        if self.has_roi:
            flows, months = cash_flows(self.model, fields, growth)
            assert self.npvs is not None
            self.npvs[start : start + n] = flows.npv
        else:
            months = self.model.months(fields, growth if growth is not None else np.zeros(n), 1)
        self.bills[start : start + n] = months.bill
        won = months.winners[months.winners >= 0]
        if won.size:
            at = np.searchsorted(self.rows, won)
            self.win_counts += np.bincount(at, minlength=self.rows.shape[0])

    def wins(self) -> list[dict[int, int]]:
        """Per engine-priced workload (`ScenarioModel.engine`'s order), how many samples each
        of its rows won in month 1, by row, ascending (rows that never won left out)."""
        won = np.flatnonzero(self.win_counts)
        rows = self.rows[won]
        counts = self.win_counts[won]
        owner = self.model.estimate.arrays.workload_index[rows]
        order = np.argsort(owner, kind="stable")  # rows ascending within each workload
        rows, counts, owner = rows[order], counts[order], owner[order]
        found: list[dict[int, int]] = []
        for index in self.model.inputs.engine_workloads:
            a, b = np.searchsorted(owner, [index, index + 1])
            found.append(dict(zip(rows[a:b].tolist(), counts[a:b].tolist(), strict=True)))
        return found

    def bill_at(self, u: Uncertain, value: float) -> float:
        """The monthly bill with one input at `value`, the others at the scenario's own."""
        fields = self.model.base_fields(1)
        growth = _apply(self.model, fields, u, np.array([value]))
        if growth is None:
            growth = np.array(
                [self.scenario.roi.monthly_traffic_growth_percent if self.scenario.roi else 0.0]
            )
        return float(self.model.months(fields, growth, 1).bill[0])


def _reuse_freed_memory() -> None:
    """Let the chunks' arrays reuse freed memory. glibc's malloc serves blocks above its mmap
    threshold (128 KiB at start) with fresh pages from the OS and unmaps them when freed, so
    every chunk's arrays (about 1 MB each) would fault their pages in anew — half of a 1 M
    sample run (2.5–2.9 s against 1.2–1.3 s, benchmarks/README.md). Freeing one mapped block
    raises the threshold to its size (glibc caps it at 32 MiB), after which such arrays come
    from the heap and are reused. An allocation never touched costs nothing; with another
    allocator it is a harmless no-op."""
    np.empty(16 << 20, dtype=np.uint8)


def run_monte_carlo(
    estimate: Estimate,
    samples: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """P10/P50/P90 of every scenario's monthly bill (and NPV), option win shares, a tornado.
    `progress(n)` is called after each chunk of n samples of a scenario."""
    require_complete(estimate, "«samples»")
    _reuse_freed_memory()
    # one stream per uncertain input, so the samples do not depend on how they are chunked
    seeds = np.random.SeedSequence(seed)
    arrays = estimate.arrays
    runs = [_Scenario(estimate, number, samples) for number in range(len(estimate.scenarios))]
    for run in runs:
        streams = [np.random.default_rng(s) for s in seeds.spawn(len(run.scenario.uncertainty))]
        rows = max(1, run.model.rows_per_sample_month)
        per_chunk = max(1, CHUNK_ROW_SAMPLES // (rows * run.months))
        for start in range(0, samples, per_chunk):
            n = min(per_chunk, samples - start)
            run.run_chunk(streams, start, n)
            if progress:
                progress(n)
    inputs: list[UncertainInputRecord] = []
    tornado: list[TornadoBar] = []
    shares: list[OptionShares] = []
    per_scenario: list[ScenarioUncertainty] = []
    for run in runs:
        name = run.scenario.name
        for u in run.scenario.uncertainty:
            record = {"scenario": name, **u.model_dump(exclude_none=True)}
            inputs.append(record)  # type: ignore[arg-type]
            if u.input == GROWTH:
                continue  # growth moves the NPV, not the month-1 bill the tornado ranks
            low, high = quantile(u, 0.1), quantile(u, 0.9)
            at_low, at_high = run.bill_at(u, low), run.bill_at(u, high)
            tornado.append(
                {
                    "scenario": name,
                    "input": u.input,
                    "workload": u.workload,
                    "p10_input": low,
                    "p90_input": high,
                    "cost_at_p10_usd": round(at_low, 6),
                    "cost_at_p90_usd": round(at_high, 6),
                    "swing_usd": round(abs(at_high - at_low), 6),
                }
            )
        for w, won in zip(run.model.engine, run.wins(), strict=True):
            counted = {arrays.label(row): round(count / samples, 6) for row, count in won.items()}
            shares.append(
                {"scenario": name, "workload": run.model.names[w], "cheapest_option_share": counted}
            )
        per_scenario.append(
            {
                "scenario": name,
                "monthly_cost_usd": _quantiles(run.bills),
                "npv_usd": _quantiles(run.npvs, mean=False) if run.npvs is not None else None,
            }
        )
    tornado.sort(key=lambda t: -t["swing_usd"])
    with_roi = [run.npvs for run in runs if run.npvs is not None]
    return {
        "schema_version": 2,
        "kind": "genai-cost monte carlo",
        "samples": samples,
        "seed": seed,
        "inputs": inputs,
        "monthly_cost_usd": _quantiles(np.sum([run.bills for run in runs], axis=0)),
        "scenarios": per_scenario,
        "cheapest_option": shares,
        "tornado": tornado,
        "npv_usd": _quantiles(np.sum(with_roi, axis=0), mean=False) if with_roi else None,
    }
