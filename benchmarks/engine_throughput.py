"""Benchmark (b): engine throughput on a generated scenario of 100,000 workloads.

Workloads cycle through the bundled scenarios' models, token shapes and traffic with
random variation; every option is evaluated. The vectorized engine is timed against the
per-row reference implementation of the same formulas (benchmarks/reference.py) and the
results compared (relative tolerance 1e-12).

Run: python -m benchmarks.engine_throughput [--workloads N] [--reference-rows N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from benchmarks.reference import reference_costs
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.engine.arrays import OptionRows
from genai_cost.engine.context import PricingContext, WorkloadSpec, workload_arrays
from genai_cost.engine.core import evaluate_all, prepare_all
from genai_cost.scenario.models import Scenario

MODELS = [
    ("global.anthropic.claude-haiku-4-5-20251001-v1:0", {}),
    ("amazon.nova-lite-v1:0", {}),
    ("meta.llama3-1-8b-instruct-v1:0", {"self_hosted": {"target_utilization_fraction": 0.8}}),
    (
        "anthropic.claude-instant-v1",
        {
            "provisioned": {
                "input_tokens_per_minute_per_model_unit": 400000,
                "output_tokens_per_minute_per_model_unit": 80000,
            }
        },
    ),
    ("meta.llama3-1-405b-instruct-v1:0", {}),
]


def generate(n: int, seed: int = 1) -> Scenario:
    rng = np.random.default_rng(seed)
    workloads = []
    for i in range(n):
        model, extra = MODELS[i % len(MODELS)]
        workloads.append(
            {
                "name": f"w{i}",
                "model": model,
                "latency": "batch_tolerant" if i % 3 == 0 else "interactive",
                "tokens_per_request": {
                    "input": float(rng.integers(50, 8000)),
                    "output": float(rng.integers(10, 2000)),
                    "cache_read": float(rng.integers(0, 3000)) if "claude" in model else 0.0,
                },
                "traffic": {
                    "requests_per_second": float(rng.uniform(0.01, 200)),
                    "peak_to_average_ratio": float(rng.uniform(1, 4)),
                },
                **extra,
            }
        )
    return Scenario.model_validate({"name": "generated", "workloads": workloads})


def subset(rows: OptionRows, keep: np.ndarray) -> OptionRows:
    return OptionRows(
        rows.option,
        rows.workload_index[keep],
        rows.variant[keep],
        rows.platform[keep],
        rows.instance_type[keep],
        rows.label[keep],
        {k: v[keep] for k, v in rows.params.items()},
        rows.reason[keep],
        rows.explicit[keep],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workloads", type=int, default=100_000)
    parser.add_argument(
        "--reference-rows",
        type=int,
        default=100_000,
        help="rows the per-row reference evaluates (it is slow)",
    )
    args = parser.parse_args()

    start = time.perf_counter()
    scenario = generate(args.workloads)
    specs = [
        WorkloadSpec(0, scenario.name, w, scenario.workload_region(w)) for w in scenario.workloads
    ]
    generated = time.perf_counter() - start

    catalog = load_catalog("2026-11-23")
    start = time.perf_counter()
    w = workload_arrays(specs)
    rows = prepare_all(PricingContext(catalog, dt.date(2026, 11, 23), specs))
    prepared = time.perf_counter() - start
    total_rows = sum(r.size for r in rows)

    print(f"workloads: {args.workloads:,}; workload-option rows: {total_rows:,}")
    print(
        f"generate scenario (pydantic): {generated:.2f} s; prepare (catalog lookups): "
        f"{prepared:.2f} s"
    )
    priced = [subset(r, ~r.blocked) for r in rows]
    compare("all rows", w, rows, args.reference_rows)
    compare("rows with every price found", w, priced, args.reference_rows)


def best_of(runs: int, w: object, rows: list[OptionRows]) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = evaluate_all(w, rows)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - start)
    return min(timings), result


def compare(title: str, w: object, rows: list[OptionRows], reference_rows: int) -> None:
    total_rows = sum(r.size for r in rows)
    evaluate_all(w, rows)  # type: ignore[arg-type]  # warm-up
    vectorized, result = best_of(5, w, rows)
    limit = min(reference_rows, total_rows)
    share = limit / total_rows
    keep_rows = [subset(r, np.arange(r.size) < int(np.ceil(r.size * share))) for r in rows]
    kept = sum(r.size for r in keep_rows)
    start = time.perf_counter()
    expected = reference_costs(w, keep_rows)  # type: ignore[arg-type]
    looped = time.perf_counter() - start
    actual = evaluate_all(w, keep_rows).monthly_cost_usd  # type: ignore[arg-type]
    both = ~np.isnan(expected)
    assert np.array_equal(np.isnan(expected), np.isnan(actual)), "feasibility differs"
    max_rel = float(
        np.max(np.abs(actual[both] - expected[both]) / np.maximum(np.abs(expected[both]), 1e-300))
    )
    vec_rate = total_rows / vectorized
    loop_rate = kept / looped
    print(f"[{title}] {total_rows:,} rows, {int(result.feasible.sum()):,} feasible")  # type: ignore[attr-defined]
    print(f"  vectorized engine: {vectorized * 1000:.1f} ms -> {vec_rate:,.0f} rows/s")
    print(f"  per-row reference: {looped:.2f} s for {kept:,} rows -> {loop_rate:,.0f} rows/s")
    print(f"  speed-up: {vec_rate / loop_rate:,.0f}x; max relative difference {max_rel:.2e}")


if __name__ == "__main__":
    main()
