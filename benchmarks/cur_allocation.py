"""Chargeback from the bill at scale: N CUR 2.0 line items allocated by tag and model.

    python -m benchmarks.cur_allocation --items 10000000 [--engine duckdb|spark]

(`--engine spark` runs the same command on a local Spark session: the figures compare the
engines on one machine; Spark is for bills that outgrow it.)

Writes a month of generated line items in CUR 2.0's full column layout (the 131 columns of
tests/curgen.py, most NULL as in a real export that has nothing to say there) as Snappy
Parquet files in a temporary folder, then times `genai-cost allocate --cur FOLDER --tenant
tag:team --by tenant --by model -f json` in a fresh process (start-up included) and reports
line items a second and the process's peak memory. The mix: Bedrock token line items of
six usage types (60 %), Marketplace model units (10 %), SageMaker hosting hours (10 %),
accelerated EC2 (5 %), other EC2 and S3 (15 %, not generative AI); 40 teams in
`resource_tags['user_team']`, 3 % untagged; 30 days.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.curgen import CUR2_COLUMNS

SET = {
    "line_item_usage_start_date": "TIMESTAMP '2026-10-01' + to_days(CAST(i % 30 AS INTEGER))",
    "line_item_usage_end_date": "TIMESTAMP '2026-10-02' + to_days(CAST(i % 30 AS INTEGER))",
    "bill_billing_period_start_date": "TIMESTAMP '2026-10-01'",
    "line_item_usage_account_id": "'1111222233' || lpad(CAST(i % 4 AS VARCHAR), 2, '0')",
    "line_item_line_item_type": "'Usage'",
    "line_item_product_code": """CASE WHEN k < 60 THEN 'AmazonBedrock'
        WHEN k < 70 THEN 'c7s9kq1uxyz0abcdefghij123' WHEN k < 80 THEN 'AmazonSageMaker'
        WHEN k < 95 THEN 'AmazonEC2' ELSE 'AmazonS3' END""",
    "line_item_usage_type": """CASE WHEN k < 60 THEN ['USE1-NovaLite-input-tokens',
        'USE1-NovaLite-output-tokens', 'USE1-Claude4.6Sonnet-input-tokens',
        'USE1-Claude4.6Sonnet-output-tokens', 'USE1-Claude4.6Sonnet-cache-read-input-token-count',
        'USE1-NovaPro-input-tokens'][1 + i % 6]
        WHEN k < 70 THEN 'USE1-MP:USE1_InputTokenCount-Units'
        WHEN k < 80 THEN 'USE1-Host:ml.g5.xlarge' WHEN k < 85 THEN 'BoxUsage:p5.48xlarge'
        WHEN k < 95 THEN 'BoxUsage:m5.large' ELSE 'TimedStorage-ByteHrs' END""",
    "line_item_operation": "CASE WHEN k < 70 THEN 'InvokeModel' ELSE 'RunInstances' END",
    "line_item_usage_amount": "1 + (i % 997) / 10.0",
    "pricing_unit": """CASE WHEN k < 60 THEN '1K tokens' WHEN k < 70 THEN 'Units'
        WHEN k < 95 THEN 'Hrs' ELSE 'GB-Mo' END""",
    "line_item_unblended_cost": "(1 + (i % 997) / 10.0) * 0.0123",
    "line_item_net_unblended_cost": "(1 + (i % 997) / 10.0) * 0.0123",
    "line_item_currency_code": "'USD'",
    "product_region_code": "'us-east-1'",
    "product_instance_type": """CASE WHEN k >= 80 AND k < 85 THEN 'p5.48xlarge'
        WHEN k >= 85 AND k < 95 THEN 'm5.large' END""",
    "resource_tags": """CASE WHEN i % 100 < 3 THEN NULL
        ELSE MAP {'user_team': 'team-' || CAST(i % 40 AS VARCHAR)} END""",
    "product": """CASE WHEN k >= 60 AND k < 70
        THEN MAP {'product_name': 'Claude Sonnet 4.6 (Amazon Bedrock Edition)'} END""",
}


def write_bill(folder: Path, items: int, files: int = 10) -> None:
    import duckdb

    columns = ", ".join(
        f"CAST({SET.get(name, 'NULL')} AS {kind}) AS {name}" for name, kind in CUR2_COLUMNS
    )
    per_file = -(-items // files)
    connection = duckdb.connect()
    for f in range(files):
        start, stop = f * per_file, min(items, (f + 1) * per_file)
        path = folder / f"data/BILLING_PERIOD=2026-10/genai-export-{f + 1:05d}.snappy.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        connection.execute(
            f"COPY (SELECT {columns} FROM (SELECT i, (i * 7919) % 100 AS k "
            f"FROM range({start}, {stop}) t(i))) TO '{path}' (FORMAT parquet, COMPRESSION snappy)"
        )
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bill = Path(folder) / "genai-export"
        start = time.perf_counter()
        write_bill(bill, args.items)
        size = sum(p.stat().st_size for p in bill.rglob("*.parquet"))
        print(
            f"wrote {args.items:,} line items ({size / 1e6:,.0f} MB Parquet) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        command = [sys.executable, "-m", "genai_cost", "allocate", "--cur", str(bill)]
        command += ["--tenant", "tag:team", "--by", "tenant", "--by", "model", "-f", "json"]
        command += ["--engine", args.engine]
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        document = json.loads(done.stdout)
        print(
            f"allocate --cur ({args.engine}, whole command): {took:.2f} s, "
            f"{args.items / took:,.0f} line items/s, peak {peak:,.0f} MB"
        )
        print(
            f"allocated {document['line_items']['allocated']:,} line items, "
            f"${document['total']['cost_usd']:,.2f}; left out "
            f"{document['line_items']['not_generative_ai']:,}; rows {len(document['rows']):,}"
        )


if __name__ == "__main__":
    main()
