"""A straightforward per-row Python implementation of the option formulas.

It exists to check and to benchmark the vectorized engine: same formulas, one row at a time,
plain floats and `math`. Infeasible rows are NaN.
"""

from __future__ import annotations

import math

import numpy as np

from genai_cost.engine.arrays import OptionRows, WorkloadArrays
from genai_cost.units import HOURS_PER_MONTH, MINUTES_PER_MONTH, SECONDS_PER_MONTH


def _units(x: float) -> float:
    return max(math.ceil(x - 1e-9), 1.0)


def _tokens_cost(prices: list[float], quantities: list[float]) -> float:
    total = 0.0
    for price, quantity in zip(prices, quantities, strict=True):
        if quantity > 0:
            if math.isnan(price):
                return math.nan
            total += quantity * price
    return total


def _rate(w: WorkloadArrays, i: int, p: dict[str, float]) -> float:
    """An instance's output tokens a second at workload i's shape: the benchmark's rate, or
    less when the workload carries more input per output token than the benchmark did."""
    rate = p["output_tokens_per_second_per_instance"]
    bench_in = p.get("benchmark_input_tokens", math.nan)
    bench_out = p.get("benchmark_output_tokens", math.nan)
    tin = float(
        w.input_tokens[i]
        + w.cache_read_tokens[i]
        + w.cache_write_tokens[i]
        + w.cache_write_1h_tokens[i]
    )
    tout = float(w.output_tokens[i])
    if math.isnan(bench_in) or tin <= 0 or tout <= 0:
        return rate
    input_per_second = rate * bench_in / bench_out  # what the benchmark's instance carried
    return min(rate, input_per_second * tout / tin)


def _scaled(w: WorkloadArrays, i: int, rows: OptionRows, r: int, p: dict[str, float]) -> float:
    """Autoscaled / asynchronous capacity, one hour of the day at a time."""
    if w.hourly_share is None or any(math.isnan(x) for x in w.hourly_share[i]):
        return math.nan
    if rows.variant[r] == "spot" and not w.batch_tolerant[i]:
        return math.nan
    if rows.option == "async_inference" and p["queue_allowed"] == 0:
        return math.nan
    days = float(w.hours[i]) / 24.0
    per_instance = _rate(w, i, p) * p["target_utilization_fraction"]
    counts = []
    for share in w.hourly_share[i]:
        tps = float(w.requests_per_month[i]) / days * float(share) * float(w.output_tokens[i])
        demand = tps / 3600.0 / per_instance
        n = max(math.ceil(demand - 1e-9), 1.0) if demand > 0 else 0.0
        counts.append(max(n, p["min_instances"]))
    if max(counts) > p["max_instances"]:
        return math.nan
    standby = p["standby_fraction"]
    totals = [
        n * p["redundancy_regions"] + (math.ceil(n * standby - 1e-9) if standby > 0 else 0.0)
        for n in counts
    ]
    lead, cooldown = p["lead_fraction"], p["cooldown_fraction"]
    overlap = max(lead + cooldown - 1.0, 0.0)
    billed = 0.0
    for h, n in enumerate(totals):
        rise = max(totals[(h + 1) % 24] - n, 0.0)
        fall = max(totals[h - 1] - n, 0.0)
        billed += n + lead * rise + cooldown * fall - overlap * min(rise, fall)
    return days * billed * p["usd_per_hour"]


def reference_costs(w: WorkloadArrays, option_rows: list[OptionRows]) -> np.ndarray:
    out: list[float] = []
    for rows in option_rows:
        for r in range(rows.size):
            i = int(rows.workload_index[r])
            p = {k: float(v[r]) for k, v in rows.params.items()}
            req = float(w.requests_per_month[i])
            tin, tout = float(w.input_tokens[i]), float(w.output_tokens[i])
            cr, cw = float(w.cache_read_tokens[i]), float(w.cache_write_tokens[i])
            peak = float(w.peak_factor[i])
            if rows.reason[r]:
                out.append(math.nan)
            elif rows.option == "on_demand":
                m = req / 1e6
                out.append(
                    _tokens_cost(
                        [
                            p["usd_per_1m_input_tokens"],
                            p["usd_per_1m_output_tokens"],
                            p["usd_per_1m_cache_read_input_tokens"],
                            p["usd_per_1m_cache_write_input_tokens"],
                        ],
                        [m * tin, m * tout, m * cr, m * cw],
                    )
                )
            elif rows.option == "batch":
                m = req / 1e6
                if not w.batch_tolerant[i]:
                    out.append(math.nan)
                    continue
                out.append(
                    _tokens_cost(
                        [p["usd_per_1m_batch_input_tokens"], p["usd_per_1m_batch_output_tokens"]],
                        [m * (tin + cr + cw), m * tout],
                    )
                )
            elif rows.option == "provisioned":
                per_minute = req / MINUTES_PER_MONTH
                units = _units(
                    max(
                        per_minute
                        * (tin + cr + cw)
                        * peak
                        / p["input_tokens_per_minute_per_model_unit"],
                        per_minute * tout * peak / p["output_tokens_per_minute_per_model_unit"],
                    )
                )
                out.append(units * HOURS_PER_MONTH * p["usd_per_model_unit_hour"])
            elif rows.option in ("autoscaled", "async_inference"):
                out.append(_scaled(w, i, rows, r, p))
            elif rows.option == "serverless":
                seconds = p["billed_seconds_per_request"]
                concurrency = req / (float(w.hours[i]) * 3600.0) * peak * seconds
                if concurrency > p["max_concurrency"]:
                    out.append(math.nan)
                    continue
                out.append(
                    req * p["gb_seconds_per_request"] * p["usd_per_gb_second"]
                    + req * p["gb_processed_per_request"] * p["usd_per_gb_processed"]
                )
            elif rows.option == "batch_transform":
                if not w.batch_tolerant[i]:
                    out.append(math.nan)
                    continue
                hours = req * tout / _rate(w, i, p) / 3600.0
                out.append((hours + p["startup_instance_hours"]) * p["usd_per_hour"])
            else:
                if rows.variant[r] == "spot" and not w.batch_tolerant[i]:
                    out.append(math.nan)
                    continue
                tps = req * tout / SECONDS_PER_MONTH
                instances = _units(tps * peak / (_rate(w, i, p) * p["target_utilization_fraction"]))
                out.append(instances * HOURS_PER_MONTH * p["usd_per_hour"])
    return np.asarray(out, dtype=np.float64)
