"""Benchmark: chargeback of N invocation-log records, DuckDB (the tool) against plain pandas.

Target: the whole allocation, pricing included, at >= 300,000 records/s on a 2-core machine
with peak memory under 1 GB. Each measurement runs in a fresh process so its peak resident
memory (ru_maxrss) is its own.

Records are written by this script (not committed): AWS's record shape without request or
response bodies (text delivery off), about 560 bytes each, gzip'd NDJSON in files of 100,000
records; 40 tenants in `requestMetadata.team` (2% of records untagged), 6 model ids (base ids
and `us.`/`global.` profiles), 3 source regions, 30 days, random token counts with cache reads
on a third of the Claude records.

`--high-cardinality` writes logs shaped like a real multi-tenant account instead: 300 tenants,
40 IAM role ARNs, 3 operations (Converse, InvokeModel, ConverseStream), and prints beside the
tool the floor of a bare DuckDB `read_json` + group-by-tenant over the same files, measured
in the same run, with the ratio (issue 35: within 2.5× of it, >= 400k records/s, < 1 GB).

`--huge-grouping` adds a `requestMetadata.session` with one value per two records and
allocates `--by tenant --by metadata:session` (a table as large as the logs): streamed to
Parquet and to CSV (tracking/chargeback.py) against the document held in memory and written
as JSON, each with its peak memory.

Run: python -m benchmarks.allocation [--records 1000000 10000000] [--folder DIR] [--single-file]
     [--high-cardinality] [--huge-grouping]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

PER_FILE = 100_000
MODELS = (
    "amazon.nova-lite-v1:0",
    "amazon.nova-micro-v1:0",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "meta.llama3-3-70b-instruct-v1:0",
)
CACHING = (2, 3, 4)
"""The Claude ids: the models here with a published cache-read price."""
REGIONS = ("us-east-1", "us-west-2", "us-east-2")


OPERATIONS = ("Converse", "InvokeModel", "ConverseStream")


def write_records(
    folder: Path,
    n: int,
    seed: int = 7,
    single_file: bool = False,
    tenants: int = 40,
    roles: int = 1,
    operations: int = 1,
    sessions: int = 0,
) -> None:
    """Records in files of PER_FILE, or all in one gzip file (`single_file`: a CloudWatch
    Logs export or an Athena UNLOAD looks like this); `tenants`, `roles` and `operations`
    set the cardinality of the callers; `sessions` > 0 adds `requestMetadata.session`, one of
    that many values (a grouping as large as the logs)."""
    rng = np.random.default_rng(seed)
    single = gzip.open(folder / "all.json.gz", "wt") if single_file else None  # noqa: SIM115 - closed below, after the loop
    for start in range(0, n, PER_FILE):
        count = min(PER_FILE, n - start)
        model = rng.integers(0, len(MODELS), count)
        region = rng.integers(0, len(REGIONS), count)
        day = rng.integers(1, 31, count)
        team = rng.integers(0, tenants, count)
        role = rng.integers(0, roles, count)
        operation = rng.integers(0, operations, count)
        tagged = rng.random(count) >= 0.02
        session = rng.integers(0, max(sessions, 1), count)
        tokens = rng.integers(1, 4000, (count, 2))
        caching = np.isin(model, CACHING) & (rng.random(count) < 1 / 3)
        cached = np.where(caching, rng.integers(0, 8000, count), 0)
        lines = []
        for i in range(count):
            record: dict[str, object] = {
                "schemaType": "ModelInvocationLog",
                "schemaVersion": "1.0",
                "timestamp": f"2026-09-{day[i]:02d}T10:11:12Z",
                "accountId": "111122223333",
                "identity": {
                    "arn": f"arn:aws:sts::111122223333:assumed-role/App-{role[i]:02d}/i-0abc"
                },
                "region": REGIONS[region[i]],
                "requestId": f"00000000-0000-4000-8000-{start + i:012d}",
                "operation": OPERATIONS[operation[i]],
                "modelId": MODELS[model[i]],
                "input": {
                    "inputContentType": "application/json",
                    "inputTokenCount": int(tokens[i, 0]),
                    "cacheReadInputTokenCount": int(cached[i]),
                    "cacheWriteInputTokenCount": 0,
                },
                "output": {
                    "outputContentType": "application/json",
                    "outputTokenCount": int(tokens[i, 1]),
                },
            }
            if tagged[i]:
                record["requestMetadata"] = {"team": f"team-{team[i]:03d}"}
                if sessions:
                    record["requestMetadata"]["session"] = f"s-{session[i]:09d}"
            lines.append(json.dumps(record))
        data = "\n".join(lines) + "\n"
        if single is not None:
            single.write(data)
        else:
            part = folder / f"part-{start // PER_FILE:05d}.json.gz"
            part.write_bytes(gzip.compress(data.encode(), 1))
    if single is not None:
        single.close()


PANDAS = """
import glob, gzip, json, sys
import numpy as np, pandas as pd
from genai_cost.api import priced_catalog
from genai_cost.tracking.profiles import from_model_id
from genai_cost.catalog.lookup import on_demand_price
import datetime as dt
frames = []
for name in sorted(glob.glob(sys.argv[1] + "/*.json.gz")):
    frame = pd.read_json(name, lines=True, compression="gzip")
    frames.append(pd.DataFrame({
        "model": frame["modelId"], "region": frame["region"],
        "day": frame["timestamp"].astype(str).str[:10],
        "tenant": frame["requestMetadata"].map(
            lambda m: m.get("team") if isinstance(m, dict) else None).fillna("(untagged)"),
        "input": frame["input"].map(lambda d: d["inputTokenCount"]),
        "cache_read": frame["input"].map(lambda d: d.get("cacheReadInputTokenCount", 0)),
        "output": frame["output"].map(lambda d: d["outputTokenCount"]),
    }))
data = pd.concat(frames)
catalog = priced_catalog(None, None)
keys = data[["model", "region", "day"]].drop_duplicates()
prices = []
for model, region, day in keys.itertuples(index=False):
    ref = from_model_id(model)
    row = on_demand_price(catalog, ref.base_model, ref.scope, region, ref.geo_profile,
                          dt.date.fromisoformat(day)).row
    prices.append((model, region, day, row.usd_per_1m_input_tokens, row.usd_per_1m_output_tokens,
                   row.usd_per_1m_cache_read_input_tokens or 0.0))
prices = pd.DataFrame(prices, columns=["model", "region", "day", "p_in", "p_out", "p_cr"])
data = data.merge(prices, on=["model", "region", "day"])
data["cost"] = (data["input"] * data["p_in"] + data["output"] * data["p_out"]
                + data["cache_read"] * data["p_cr"]) / 1e6
print(json.dumps({"total": float(data.groupby("tenant")["cost"].sum().sum())}))
"""

DUCKDB = """
import json, sys
from genai_cost.tracking.chargeback import run_allocation
document = run_allocation([sys.argv[1]], tenant="metadata:team")
print(json.dumps({"total": document["total"]["cost_usd"], "problems": len(document["problems"])}))
"""

FLOOR = """
import duckdb, glob, json, sys
files = sorted(glob.glob(sys.argv[1] + "/*.json.gz"))
rows = duckdb.sql(
    "SELECT json_extract_string(line, '$.requestMetadata.team') AS tenant, count(*), "
    "sum(CAST(json_extract(line, '$.input.inputTokenCount') AS BIGINT)) "
    f"FROM read_csv({files!r}, columns = {{'line': 'VARCHAR'}}, delim = '\\x01', "
    "quote = '', escape = '', header = false) GROUP BY ALL"
).fetchall()
print(json.dumps({"groups": len(rows)}))
"""

HUGE = """
import json, sys
from pathlib import Path
from genai_cost.tracking.chargeback import StreamTarget, run_allocation
fmt, out = sys.argv[2], Path(sys.argv[3])
document = run_allocation([sys.argv[1]], tenant="metadata:team", by=["tenant", "metadata:session"],
                          stream_to=StreamTarget(fmt, out) if fmt != "json" else None)
if fmt == "json":
    from genai_cost.output import write_atomic
    from genai_cost.report.json_report import render_json_chunks
    write_atomic(out, render_json_chunks(document, finite=False))
    rows = len(document["rows"])
else:
    rows = document["table"]["rows"]
print(json.dumps({"total": round(document["total"]["cost_usd"], 6), "rows": rows}))
"""

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True,
                     text=True, check=True).stdout
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{wall:.3f} {peak:.0f} {out.strip()}")
"""


def measure(code: str, folder: Path, *extra: str) -> tuple[float, float, str]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, code, str(folder), *extra],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(" ", 2)
    return float(out[0]), float(out[1]), out[2].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--single-file", action="store_true", help="All records in one .json.gz file."
    )
    parser.add_argument(
        "--high-cardinality",
        action="store_true",
        help="300 tenants, 40 roles, 3 operations; with the bare DuckDB floor and the ratio.",
    )
    parser.add_argument(
        "--huge-grouping",
        action="store_true",
        help="--by tenant --by metadata:session with a session per two records: the table "
        "streamed to Parquet and CSV against the document held in memory (JSON).",
    )
    args = parser.parse_args()
    if args.huge_grouping:
        huge_grouping(args.records, args.folder)
        return
    shape = {"tenants": 300, "roles": 40, "operations": 3} if args.high_cardinality else {}
    for n in args.records:
        with tempfile.TemporaryDirectory(dir=args.folder) as holder:
            folder = Path(holder)
            write_records(folder, n, single_file=args.single_file, **shape)
            if args.high_cardinality:
                floor, floor_peak, _ = measure(FLOOR, folder)
                print(
                    f"floor   {n:>11,} records: {floor:7.2f} s  {n / floor:>10,.0f} records/s  "
                    f"peak {floor_peak:,.0f} MB  (bare DuckDB read + group by tenant)"
                )
            size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
            wall, peak, result = measure(DUCKDB, folder)
            print(
                f"duckdb  {n:>11,} records ({size:,.0f} MB gz): {wall:7.2f} s  "
                f"{n / wall:>10,.0f} records/s  peak {peak:,.0f} MB  {result}"
            )
            if args.high_cardinality:
                print(f"        {wall / floor:.2f}x the floor")
            if not args.skip_pandas:
                wall, peak, result = measure(PANDAS, folder)
                print(
                    f"pandas  {n:>11,} records: {wall:7.2f} s  {n / wall:>10,.0f} records/s  "
                    f"peak {peak:,.0f} MB  {result}"
                )


def huge_grouping(records: list[int], parent: Path | None) -> None:
    for n in records:
        with tempfile.TemporaryDirectory(dir=parent) as holder:
            folder = Path(holder)
            logs = folder / "logs"
            logs.mkdir()
            write_records(logs, n, tenants=300, roles=40, operations=3, sessions=n // 2)
            for fmt in ("parquet", "csv", "json"):
                wall, peak, result = measure(HUGE, logs, fmt, str(folder / f"table.{fmt}"))
                how = "held in memory" if fmt == "json" else "streamed"
                print(
                    f"{fmt:<8}{n:>11,} records: {wall:7.2f} s  {n / wall:>10,.0f} records/s  "
                    f"peak {peak:,.0f} MB  ({how})  {result}"
                )


if __name__ == "__main__":
    main()
