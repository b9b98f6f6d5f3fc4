"""Benchmark: a Monte Carlo of a 5-workload scenario across all options.

Target: 1,000,000 samples in under 2 s wall and under 500 MB peak memory on a 2-core
machine, with peak memory flat as N grows tenfold. Each N runs in a fresh process so the
peak resident memory (ru_maxrss) is its own.

Beside each N it prints the floor: a bare NumPy draw of the same three inputs for N samples
and a total over the five workloads (requests × tokens × one price, no options), measured in
the same run, and the ratio to it (issue 35: within 5× of it).

A second scenario, `--volume-only`, samples only volumes and growth over a 12-month ROI: 12
sample-months per sample, every workload priced from its cost curves; it prints the time
with the engine evaluating every workload instead (the path for sampled tokens), measured
in the same run.

Run: python -m benchmarks.montecarlo [--samples 100000 1000000] [--volume-only]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = textwrap.dedent("""\
    name: five-workloads
    workloads:
      - name: chat
        model: global.anthropic.claude-haiku-4-5-20251001-v1:0
        tokens_per_request: {input: 350, cache_read: 2400, cache_write: 120, output: 280}
        traffic: {requests_per_month: 1500000, peak_to_average_ratio: 2}
      - name: summaries
        model: amazon.nova-lite-v1:0
        latency: batch_tolerant
        tokens_per_request: {input: 3000, output: 200}
        traffic: {requests_per_month: 300000}
      - name: triage
        model: meta.llama3-1-8b-instruct-v1:0
        tokens_per_request: {input: 2048, output: 128}
        traffic: {requests_per_second: 40, peak_to_average_ratio: 1.5}
      - name: legacy
        model: anthropic.claude-instant-v1
        tokens_per_request: {input: 1000, output: 300}
        traffic: {requests_per_second: 20, peak_to_average_ratio: 1.3}
        provisioned:
          input_tokens_per_minute_per_model_unit: 400000
          output_tokens_per_minute_per_model_unit: 80000
      - name: reasoning
        model: meta.llama3-1-405b-instruct-v1:0
        tokens_per_request: {input: 1000, output: 1000}
        traffic: {requests_per_second: 2, peak_to_average_ratio: 2}
    uncertainty:
      - {input: traffic.requests_per_month, distribution: lognormal, p50: 1500000, p90: 3000000}
      - {input: tokens_per_request.output, distribution: pert, low: 100, mode: 250, high: 900}
      - {input: traffic.peak_to_average_ratio, distribution: uniform, low: 1.2, high: 3}
    """)

VOLUME_ONLY = SCENARIO[: SCENARIO.index("uncertainty:")] + textwrap.dedent("""\
    horizon_months: 12
    uncertainty:
      - {input: traffic.requests_per_month, workload: chat, distribution: lognormal,
         p50: 1500000, p90: 3000000}
      - {input: traffic.requests_per_month, workload: triage, distribution: uniform,
         low: 1000000, high: 400000000}
      - {input: roi.monthly_traffic_growth_percent, distribution: uniform, low: 0, high: 8}
    roi:
      benefits: [{name: time saved, usd_per_month: 20000}]
    """)
"""The same workloads with only volumes uncertain (requests of two, growth of all) and a
12-month ROI: every workload is priced from its cost curves (decisions/cashflow.py), each
sample for 12 months."""

CHILD = """
import json, resource, sys, time
from genai_cost.api import estimate, simulate
if len(sys.argv) > 3 and sys.argv[3] == "engine":  # every workload evaluated by the engine
    from genai_cost.decisions.cashflow import ScenarioModel
    ScenarioModel._curve_workloads = lambda self, every: {}
result = estimate([sys.argv[1]])
start = time.perf_counter()
mc = simulate(result, int(sys.argv[2]), seed=1)
wall = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "peak_mb": peak_mb, "p50": mc["monthly_cost_usd"]["p50"]}))
"""


FLOOR = """
import json, sys, time
import numpy as np
n = int(sys.argv[1])
start = time.perf_counter()
rng = np.random.default_rng(1)
requests = rng.lognormal(np.log(1.5e6), (np.log(3e6) - np.log(1.5e6)) / 1.2815515655, n)
output = 100 + 800 * rng.beta(1 + 4 * 150 / 800, 1 + 4 * 650 / 800, n)
peak = rng.uniform(1.2, 3.0, n)  # drawn as the tool draws it; the floor needs no sizing
tokens = np.asarray([3030.0, 3200.0, 2176.0, 1300.0, 2000.0])  # input + cache, per workload
price = np.asarray([1.0, 0.24, 0.22, 8.0, 2.4]) / 1e6
monthly = (requests[:, None] * (tokens[None, :] + output[:, None]) * price[None, :]).sum(axis=1)
p50 = float(np.percentile(monthly, 50))
print(json.dumps({"wall": time.perf_counter() - start, "p50": p50}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--volume-only",
        action="store_true",
        help="the scenario with only volumes uncertain and a 12-month ROI (cost curves)",
    )
    args = parser.parse_args()
    path = ROOT / "benchmarks" / ".results"
    path.mkdir(exist_ok=True)
    if args.volume_only:
        volume_only(path, args.samples)
        return
    scenario = path / "five-workloads.yaml"
    scenario.write_text(SCENARIO)
    baseline = json.loads(
        subprocess.run(
            [sys.executable, "-c", CHILD, str(scenario), "1"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    )
    print(f"process with the scenario priced, 1 sample: peak {baseline['peak_mb']:.0f} MB")
    for n in args.samples:
        out = json.loads(
            subprocess.run(
                [sys.executable, "-c", CHILD, str(scenario), str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
        )
        floor = json.loads(
            subprocess.run(
                [sys.executable, "-c", FLOOR, str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
        )
        print(
            f"{n:>10,} samples: {out['wall']:.2f} s wall, peak {out['peak_mb']:.0f} MB, "
            f"P50 ${out['p50']:,.2f}; floor (bare NumPy draw and total) {floor['wall']:.2f} s, "
            f"{out['wall'] / floor['wall']:.1f}x"
        )


def volume_only(path: Path, samples: list[int]) -> None:
    scenario = path / "five-workloads-volume-only.yaml"
    scenario.write_text(VOLUME_ONLY)

    def run(n: int, *how: str) -> dict[str, float]:
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(scenario), str(n), *how],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return dict(json.loads(result.stdout))

    for n in samples:
        curves, engine = run(n), run(n, "engine")
        print(
            f"{n:>10,} samples x 12 months: {curves['wall']:.2f} s wall, peak "
            f"{curves['peak_mb']:.0f} MB, P50 ${curves['p50']:,.2f}; every workload by the "
            f"engine {engine['wall']:.2f} s, peak {engine['peak_mb']:.0f} MB, P50 "
            f"${engine['p50']:,.2f}; {engine['wall'] / curves['wall']:.1f}x"
        )


if __name__ == "__main__":
    main()
