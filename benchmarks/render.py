"""Benchmark: `genai-cost estimate` of N workloads in every output format, against JSON.

Target: every format within 2x the time of `-f json` for 10,000 workloads (the whole command:
load, validate, price, build the document, render, write). Each format runs in a fresh process;
the figure is the median of `--runs` runs and its ratio to the JSON median.

Run: python -m benchmarks.render [--workloads 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

MODELS = (
    "amazon.nova-lite-v1:0",
    "meta.llama3-1-8b-instruct-v1:0",
    "global.anthropic.claude-haiku-4-5-20251001-v1:0",
)
FORMATS = ("json", "csv", "markdown", "table", "html")


def scenario(n: int) -> dict[str, object]:
    return {
        "name": "render-benchmark",
        "workloads": [
            {
                "name": f"w{i}",
                "model": MODELS[i % len(MODELS)],
                "tokens_per_request": {"input": 500 + i % 7, "output": 100},
                "traffic": {"requests_per_month": 100_000 + i, "peak_to_average_ratio": 2},
            }
            for i in range(n)
        ],
    }


def run(path: Path, fmt: str, out: Path) -> float:
    env = {**os.environ, "GENAI_COST_TODAY": "2026-11-23"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "genai_cost", "estimate", str(path), "-f", fmt, "-o", str(out)],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(yaml.safe_dump(scenario(args.workloads)))
        medians = {}
        for fmt in FORMATS:
            samples = [run(path, fmt, Path(folder) / f"out.{fmt}") for _ in range(args.runs)]
            medians[fmt] = statistics.median(samples)
            size = (Path(folder) / f"out.{fmt}").stat().st_size / 1e6
            print(
                f"{fmt:>9}: {medians[fmt]:6.2f} s  {medians[fmt] / medians['json']:4.2f}x json  "
                f"({size:,.1f} MB)",
                flush=True,
            )


if __name__ == "__main__":
    main()
