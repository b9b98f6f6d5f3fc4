"""Benchmark and round trip: invocation logs generated from a known scenario, calibrated back.

Records follow each workload of the scenario: as many requests as its monthly volume gives for
the period, each on a random day, at an hour drawn from its hourly profile, with token counts
drawn uniformly around its means (so the sample means match to a fraction of a percent). The
calibrated scenario is then estimated and its monthly cost compared with the original's.

Run: python -m benchmarks.calibrate [--records 1000000] [--engine duckdb|spark]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

PER_FILE = 100_000
START = "2026-10"
DAYS = 30
HOURS_PER_MONTH = 730.0

ROUND_TRIP = """
name: round-trip
region: us-east-1
workloads:
  - name: assistant
    model: global.anthropic.claude-haiku-4-5-20251001-v1:0
    tokens_per_request: {input: 1800, output: 350, cache_read: 2400}
    traffic:
      requests_per_month: 600000
      hourly_profile: [1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 10, 10, 10, 10, 10, 8, 4, 2,
                       1, 1, 1, 1]
  - name: tagger
    model: amazon.nova-lite-v1:0
    tokens_per_request: {input: 900, output: 60}
    traffic:
      requests_per_month: 400000
      hourly_profile: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
"""


def _draw(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    """Whole token counts, uniform on [0.5 × mean, 1.5 × mean] (mean `mean`), 0 for 0."""
    if mean <= 0:
        return np.zeros(n, dtype=np.int64)
    return np.rint(rng.uniform(0.5 * mean, 1.5 * mean, n)).astype(np.int64)


def write_logs(folder: Path, scenario: dict[str, Any], scale: float = 1.0, seed: int = 11) -> int:
    """NDJSON.gz records of `scenario`'s workloads over DAYS days (volumes × `scale`); returns
    the number of records written."""
    rng = np.random.default_rng(seed)
    lines: list[str] = []
    written = part = 0

    def flush() -> None:
        nonlocal lines, part
        if lines:
            data = ("\n".join(lines) + "\n").encode()
            (folder / f"part-{part:05d}.json.gz").write_bytes(gzip.compress(data, 1))
            part += 1
            lines = []

    region = scenario.get("region", "us-east-1")
    for w in scenario["workloads"]:
        n = round(w["traffic"]["requests_per_month"] * scale * DAYS * 24 / HOURS_PER_MONTH)
        weights = np.asarray(w["traffic"].get("hourly_profile", [1] * 24), dtype=np.float64)
        hours = rng.choice(24, size=n, p=weights / weights.sum())
        days = rng.integers(1, DAYS + 1, n)
        minutes = rng.integers(0, 60, n)
        tokens = w["tokens_per_request"]
        counts = {k: _draw(rng, float(tokens.get(k, 0)), n) for k in ("input", "output")}
        counts["cache_read"] = _draw(rng, float(tokens.get("cache_read", 0)), n)
        for i in range(n):
            record = {
                "schemaType": "ModelInvocationLog",
                "schemaVersion": "1.0",
                "timestamp": f"{START}-{days[i]:02d}T{hours[i]:02d}:{minutes[i]:02d}:07Z",
                "accountId": "111122223333",
                "identity": {"arn": "arn:aws:sts::111122223333:assumed-role/App/i-0abc"},
                "region": w.get("region", region),
                "requestId": f"00000000-0000-4000-8000-{written:012d}",
                "operation": "Converse",
                "modelId": w["model"],
                "input": {
                    "inputContentType": "application/json",
                    "inputTokenCount": int(counts["input"][i]),
                    "cacheReadInputTokenCount": int(counts["cache_read"][i]),
                    "cacheWriteInputTokenCount": 0,
                },
                "output": {
                    "outputContentType": "application/json",
                    "outputTokenCount": int(counts["output"][i]),
                },
            }
            lines.append(json.dumps(record))
            written += 1
            if len(lines) >= PER_FILE:
                flush()
    flush()
    return written


def main() -> None:
    import yaml

    from genai_cost.api import estimate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    args = parser.parse_args()
    scenario = yaml.safe_load(ROUND_TRIP)
    base = sum(w["traffic"]["requests_per_month"] for w in scenario["workloads"])
    scale = args.records / (base * DAYS * 24 / HOURS_PER_MONTH)
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder) / "logs"
        logs.mkdir()
        start = time.perf_counter()
        n = write_logs(logs, scenario, scale)
        print(f"wrote {n:,} records in {time.perf_counter() - start:.1f} s")
        measured = Path(folder) / "measured.yaml"
        command = [sys.executable, "-m", "genai_cost", "calibrate", str(logs), "-o", str(measured)]
        command += ["--engine", args.engine]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)  # a fresh process: its own peak
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"calibrate ({args.engine}, whole command): {took:.2f} s, {n / took:,.0f} records/s, "
            f"peak {peak:,.0f} MB"
        )
        for w in scenario["workloads"]:
            w["traffic"]["requests_per_month"] *= scale
        original = Path(folder) / "original.yaml"
        original.write_text(yaml.safe_dump(scenario))
        costs = [
            estimate([p]).to_dict()["scenarios"][0]["total_monthly_cost_usd"]
            for p in (original, measured)
        ]
        print(
            f"monthly cost: original ${costs[0]:,.2f}, calibrated ${costs[1]:,.2f} "
            f"({(costs[1] / costs[0] - 1) * 100:+.3f} %)"
        )


if __name__ == "__main__":
    main()
