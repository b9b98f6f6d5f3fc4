"""100,000 workloads end to end: load, validate, price, render JSON.

    python -m benchmarks.end_to_end --files 20 --workloads 5000

Writes FILES scenario files of WORKLOADS one-line workloads each (4 on-demand models, a
file stays under the 5 MiB input cap) into a temporary folder and times `genai-cost estimate
FOLDER -f json -o out.json` in a fresh process, with its peak memory.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = (
    "amazon.nova-lite-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-1-8b-instruct-v1:0",
)


def write_scenarios(folder: Path, files: int, workloads: int) -> None:
    for f in range(files):
        lines = [f"name: bulk-{f:03d}", "region: us-east-1", "workloads:"]
        for w in range(workloads):
            model = MODELS[(f * workloads + w) % len(MODELS)]
            lines.append(
                f"  - {{name: w{w:05d}, model: {model}, options: [on_demand], "
                f"tokens_per_request: {{input: {500 + w % 1500}, output: {100 + w % 400}}}, "
                f"traffic: {{requests_per_month: {1000 + 37 * w}}}}}"
            )
        (folder / f"bulk-{f:03d}.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--workloads", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scenarios = Path(folder) / "scenarios"
        scenarios.mkdir()
        write_scenarios(scenarios, args.files, args.workloads)
        out = Path(folder) / "out.json"
        command = [sys.executable, "-m", "genai_cost", "estimate", str(scenarios), "-f", "json"]
        command += ["-o", str(out)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        total = args.files * args.workloads
        print(
            f"{total:,} workloads in {args.files} files: {took:.2f} s, peak {peak:,.0f} MB, "
            f"JSON {out.stat().st_size / 1e6:,.0f} MB"
        )


if __name__ == "__main__":
    main()
