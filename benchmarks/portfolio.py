"""Portfolios at scale: N workloads from a Parquet table and from YAML, end to end.

    python -m benchmarks.portfolio --sizes 1000,10000,100000 --runs 3
    python -m benchmarks.portfolio --sizes 100000 --runs 3 --every-option

For each size, the same N workloads (tenants cycling through four models, token shapes and
volumes varying row by row, a tag column; priced on demand only, or with --every-option
under every purchase option: the table has no options column, and its Llama rows get the
self-hosted, autoscaled, asynchronous, serverless and batch-transform rows) are written
once as a Parquet table and once as YAML; each form is priced by `genai-cost estimate …
-f parquet -o out.parquet`
in a fresh process, and the wall time, CPU time and peak RSS of that process are printed,
with the yardsticks measured in the same run:

- the floor: a bare NumPy tokens × price over the same rows (four models' prices gathered by
  index, one multiply-add per token kind, the per-workload cost and the total);
- reading the table: PyArrow's `read_table` when PyArrow is installed, else DuckDB's
  `read_parquet` to NumPy (the reader the tool uses);
- reading the YAML: PyYAML's CSafeLoader over the same files (5,000 workloads a file: a
  scenario file holds at most 200,000 YAML values).

The growth exponent is the slope of log(wall) against log(N) between consecutive sizes
(1.0 is linear). Nothing here is an assertion; figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODELS = (
    "amazon.nova-lite-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-1-8b-instruct-v1:0",
)
PRICES = {  # USD per 1M input / output tokens in us-east-1, as the bundled snapshot has them
    "amazon.nova-lite-v1:0": (0.06, 0.24),
    "amazon.nova-micro-v1:0": (0.035, 0.14),
    "amazon.nova-pro-v1:0": (0.8, 3.2),
    "meta.llama3-1-8b-instruct-v1:0": (0.22, 0.22),
}


def columns(n: int) -> dict[str, np.ndarray]:
    """The workloads as columns: the same rows for every form."""
    w = np.arange(n)
    return {
        "name": np.asarray([f"tenant-{i:07d}" for i in range(n)], dtype=object),
        "model": np.asarray(MODELS, dtype=object)[w % len(MODELS)],
        "input_tokens": (500 + w % 1500).astype(np.float64),
        "output_tokens": (100 + w % 400).astype(np.float64),
        "requests_per_month": (1000 + 37 * (w % 100_000)).astype(np.float64),
        "options": np.full(n, "on_demand", dtype=object),
        "team": np.asarray([f"team-{i % 40:02d}" for i in range(n)], dtype=object),
    }


def write_parquet(data: dict[str, np.ndarray], path: Path) -> None:
    import duckdb
    import pandas as pd

    frame = pd.DataFrame(data)  # noqa: F841 (read by DuckDB's replacement scan)
    duckdb.connect().execute(f"COPY frame TO '{path}' (FORMAT parquet)")


YAML_PER_FILE = 5000
"""Workloads per YAML file: a scenario file holds at most 200,000 YAML values (the loader's
limit against hostile input), about 5,000 one-line workloads; larger YAML portfolios are a
folder of scenarios, priced by one command."""


def write_yaml(data: dict[str, np.ndarray], folder: Path) -> list[Path]:
    folder.mkdir()
    rows = list(zip(*data.values(), strict=True))
    files = []
    for part, start in enumerate(range(0, len(rows), YAML_PER_FILE)):
        lines = [f"name: portfolio-{part:04d}", "region: us-east-1", "workloads:"]
        for row in rows[start : start + YAML_PER_FILE]:
            cells = dict(zip(data, row, strict=True))
            listed = f"options: [{cells['options']}], " if "options" in cells else ""
            lines.append(
                f"  - {{name: {cells['name']}, model: {cells['model']}, {listed}"
                f"tokens_per_request: {{input: {cells['input_tokens']:g}, "
                f"output: {cells['output_tokens']:g}}}, "
                f"traffic: {{requests_per_month: {cells['requests_per_month']:g}}}, "
                f"tags: {{team: {cells['team']}}}}}"
            )
        path = folder / f"part-{part:04d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh process."""
    env = dict(os.environ, GENAI_COST_TODAY="2026-11-28")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[:2000]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def floor(data: dict[str, np.ndarray]) -> float:
    """Seconds of a bare NumPy tokens x price over the rows (median of 5)."""
    names = list(PRICES)
    codes = np.searchsorted(np.asarray(names), data["model"].astype(str))
    p_in = np.asarray([PRICES[m][0] for m in names])
    p_out = np.asarray([PRICES[m][1] for m in names])
    times = []
    for _ in range(5):
        start = time.perf_counter()
        cost = (
            data["requests_per_month"]
            * (data["input_tokens"] * p_in[codes] + data["output_tokens"] * p_out[codes])
            / 1e6
        )
        float(cost.sum())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_table_seconds(path: Path) -> tuple[str, float]:
    try:
        import pyarrow.parquet as pq

        start = time.perf_counter()
        pq.read_table(path)
        return "PyArrow read_table", time.perf_counter() - start
    except ImportError:
        import duckdb

        start = time.perf_counter()
        duckdb.connect().execute("SELECT * FROM read_parquet($1)", [str(path)]).fetchnumpy()
        return "DuckDB read_parquet", time.perf_counter() - start


def read_yaml_seconds(files: list[Path]) -> float:
    import yaml

    start = time.perf_counter()
    for path in files:
        with path.open("rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-yaml", action="store_true", help="Parquet only (1 M rows).")
    parser.add_argument(
        "--every-option",
        action="store_true",
        help="no options column: every option priced (Llama rows get the self-hosting ones)",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    tool = [sys.executable, "-m", "genai_cost", "estimate"]
    previous: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for n in sizes:
            data = columns(n)
            if args.every_option:
                del data["options"]
            table = root / f"w{n}.parquet"
            write_parquet(data, table)
            forms = {"parquet": [*tool, "--workloads", str(table), "--tag", "team"]}
            if not args.no_yaml:
                yaml_files = write_yaml(data, root / f"yaml-{n}")
                forms["yaml"] = [*tool, str(root / f"yaml-{n}")]
            base = floor(data)
            reader, read = read_table_seconds(table)
            print(f"{n:,} workloads: floor (NumPy) {base * 1e3:.1f} ms; {reader} {read:.3f} s")
            for form, command in forms.items():
                out = root / f"out-{form}-{n}.parquet"
                figures = [
                    run([*command, "-f", "parquet", "-o", str(out)]) for _ in range(args.runs)
                ]
                wall = statistics.median(f[0] for f in figures)
                cpu = statistics.median(f[1] for f in figures)
                peak = max(f[2] for f in figures)
                ratio = wall / (base + read) if form == "parquet" else None
                line = f"  {form:8s} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak {peak:7,.0f} MB"
                if ratio is not None:
                    line += f"  {ratio:,.0f}x (floor + table read)"
                else:
                    yaml_read = read_yaml_seconds(yaml_files)
                    line += f"  {wall / yaml_read:,.1f}x CSafeLoader ({yaml_read:.2f} s)"
                if form in previous:
                    n0, w0 = previous[form]
                    line += f"  growth exponent {math.log(wall / w0) / math.log(n / n0):.2f}"
                previous[form] = (n, wall)
                print(line, flush=True)


if __name__ == "__main__":
    main()
