"""Chargeback from the bill: CUR files in AWS's real column layout, allocated by hand.

The line items below are a small month of a real-looking bill: Bedrock token usage types
(`USE1-NovaLite-input-tokens`, unit "1K tokens"), a Marketplace-billed model (product code of
random letters, `product_name` "… (Amazon Bedrock Edition)", unit "Units" = millions of
tokens), a SageMaker hosting instance, an accelerated EC2 instance and an EC2 instance that is
not generative AI.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from genai_cost.errors import ArgumentError
from genai_cost.tracking.anomalies import AnomalyRule, find_anomalies
from genai_cost.tracking.cur_allocate import run_cur_allocation
from tests.curgen import (
    CUR2_COLUMNS,
    line_item,
    write_cur2_csv,
    write_cur2_parquet,
    write_legacy_csv,
)

ROLE_A = "arn:aws:sts::111122223333:assumed-role/Team-A/session-1"
ROLE_B = "arn:aws:sts::111122223333:assumed-role/Team-B/session-9"
PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"
MP_CODE = "c7s9kq1uxyz0abcdefghij123"
SONNET = {"product_name": "Claude Sonnet 4.6 (Amazon Bedrock Edition)"}

ITEMS = [
    # search: 1,000K input tokens at $0.00006/1K = $0.06, 100K output at $0.00024/1K = $0.024
    line_item(
        day="2026-10-01",
        usage_type="USE1-NovaLite-input-tokens",
        usage_amount=1000,
        unit="1K tokens",
        cost=0.06,
        resource_tags={"user_team": "search"},
        resource_id=PROFILE,
        principal=ROLE_A,
    ),
    line_item(
        day="2026-10-01",
        usage_type="USE1-NovaLite-output-tokens",
        usage_amount=100,
        unit="1K tokens",
        cost=0.024,
        resource_tags={"user_team": "search"},
        resource_id=PROFILE,
        principal=ROLE_A,
    ),
    # ads: 2 Units = 2M input tokens of a Marketplace model, $6.00; 0.5 Units cache read $0.15
    line_item(
        day="2026-10-02",
        product_code=MP_CODE,
        usage_type="USE1-MP:USE1_InputTokenCount-Units",
        usage_amount=2,
        unit="Units",
        cost=6.0,
        product=SONNET,
        principal=ROLE_B,
        resource_tags={"user_team": "ads"},
        tags={"iamPrincipal/project": "DocFlow"},
    ),
    line_item(
        day="2026-10-02",
        product_code=MP_CODE,
        usage_type="USE1-MP:USE1_CacheReadInputTokenCount-Units",
        usage_amount=0.5,
        unit="Units",
        cost=0.15,
        product=SONNET,
        principal=ROLE_B,
        resource_tags={"user_team": "ads"},
        tags={"iamPrincipal/project": "DocFlow"},
    ),
    # ml: a SageMaker endpoint, 24 h of ml.g5.xlarge at $1.408 = $33.792
    line_item(
        day="2026-10-02",
        product_code="AmazonSageMaker",
        usage_type="USE1-Host:ml.g5.xlarge",
        usage_amount=24,
        unit="Hrs",
        cost=33.792,
        operation="RunInstance",
        resource_tags={"user_team": "ml"},
        resource_id="arn:aws:sagemaker:us-east-1:111122223333:endpoint/ranker",
    ),
    # untagged: a p5.48xlarge for a day ($1,000 to keep it round); not gen AI: an m5.large
    line_item(
        day="2026-10-02",
        product_code="AmazonEC2",
        usage_type="BoxUsage:p5.48xlarge",
        usage_amount=24,
        unit="Hrs",
        cost=1000.0,
        operation="RunInstances",
        instance_type="p5.48xlarge",
    ),
    line_item(
        day="2026-10-02",
        product_code="AmazonEC2",
        usage_type="BoxUsage:m5.large",
        usage_amount=24,
        unit="Hrs",
        cost=2.304,
        operation="RunInstances",
        instance_type="m5.large",
    ),
]


def by_tenant(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["tenant"]: r for r in document["rows"]}


def write_bill(folder: Path, kind: str = "parquet") -> Path:
    """The month in the Data Exports layout (data/BILLING_PERIOD=…/, a manifest beside)."""
    data = folder / "genai-export/data/BILLING_PERIOD=2026-10"
    if kind == "parquet":
        write_cur2_parquet(data / "genai-export-00001.snappy.parquet", ITEMS)
    elif kind == "csv":
        write_cur2_csv(data / "genai-export-00001.csv.gz", ITEMS)
    else:
        write_legacy_csv(data / "genai-export-00001.csv.gz", ITEMS)
    manifest = folder / "genai-export/metadata/BILLING_PERIOD=2026-10/genai-export-Manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"dataFiles": ["…"]}))
    return folder / "genai-export"


def test_the_generated_bill_has_aws_columns(tmp_path: Path) -> None:
    import duckdb

    path = write_cur2_parquet(tmp_path / "x.parquet", ITEMS)
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    assert [(r[0], r[1]) for r in described] == list(CUR2_COLUMNS)
    assert len(described) == 131


@pytest.mark.parametrize("kind", ["parquet", "csv", "legacy"])
def test_allocation_by_tag_by_hand(tmp_path: Path, kind: str) -> None:
    document, _ = run_cur_allocation([str(write_bill(tmp_path, kind))], tenant="tag:team")
    rows = by_tenant(document)
    assert rows["search"]["cost_usd"] == pytest.approx(0.084)
    assert rows["search"]["input_tokens"] == 1_000_000
    assert rows["search"]["output_tokens"] == 100_000
    assert rows["ads"]["token_cost_usd"] == pytest.approx(6.15)
    assert rows["ads"]["input_tokens"] == 2_000_000
    assert rows["ads"]["cache_read_input_tokens"] == 500_000
    assert rows["ml"]["other_cost_usd"] == pytest.approx(33.792)
    assert rows["ml"]["token_cost_usd"] == 0
    assert rows["(untagged)"]["cost_usd"] == pytest.approx(1000.0)
    assert document["total"]["cost_usd"] == pytest.approx(1040.026)
    codes = document["line_items"].pop("by_product_code")
    # what was selected and left out, per product code: the six allocated items add up to the
    # total, the one left out to the other-services figure
    selected = [c for c in codes if c["selected"]]
    assert sum(c["cost_usd"] for c in selected) == pytest.approx(1040.026)
    assert sum(c["line_items"] for c in selected) == 6
    assert [(c["product_code"], c["line_items"]) for c in codes if not c["selected"]] == [
        ("AmazonEC2", 1)  # the m5.large: not an accelerated family
    ]
    assert sum(c["cost_usd"] for c in codes if not c["selected"]) == pytest.approx(2.304)
    assert document["line_items"] == {
        "read": 7,
        "allocated": 6,
        "not_generative_ai": 1,
        "not_generative_ai_usd": pytest.approx(2.304),
        "excluded": 0,
        "excluded_usd": 0.0,
    }
    assert document["rows"][0]["tenant"] == "(untagged)"  # largest first


def test_other_keys(tmp_path: Path) -> None:
    bill = str(write_bill(tmp_path))
    principal, _ = run_cur_allocation([bill], tenant="principal-tag:project")
    assert by_tenant(principal)["DocFlow"]["cost_usd"] == pytest.approx(6.15)
    identity, _ = run_cur_allocation([bill], tenant="identity", by=["tenant", "model"])
    rows = {(r["tenant"], r["model"]): r["cost_usd"] for r in identity["rows"]}
    assert rows[("role/Team-A", "NovaLite")] == pytest.approx(0.084)
    assert rows[("role/Team-B", "Claude Sonnet 4.6")] == pytest.approx(6.15)
    assert rows[("(untagged)", "p5.48xlarge")] == pytest.approx(1000.0)
    profile, _ = run_cur_allocation([bill], tenant="profile")
    assert by_tenant(profile)[PROFILE]["cost_usd"] == pytest.approx(0.084)
    services, _ = run_cur_allocation([bill], tenant="account", by=["service"])
    spend = {r["service"]: r["cost_usd"] for r in services["rows"]}
    assert spend == {
        "AmazonEC2": pytest.approx(1000.0),
        "AmazonSageMaker": pytest.approx(33.792),
        "AmazonBedrock": pytest.approx(6.234),
    }
    daily, _ = run_cur_allocation([bill], tenant="tag:team", by=["tenant", "day", "month"])
    rows = {(r["tenant"], r["day"], r["month"]): r["cost_usd"] for r in daily["rows"]}
    assert rows[("search", "2026-10-01", "2026-10")] == pytest.approx(0.084)
    assert rows[("ml", "2026-10-02", "2026-10")] == pytest.approx(33.792)
    more, _ = run_cur_allocation([bill], tenant="account", services=["AmazonEC2"])
    assert more["total"]["cost_usd"] == pytest.approx(1040.026 + 2.304)  # --service AmazonEC2


def _sp_ri_items() -> list[dict[str, Any]]:
    """Savings Plan and Reserved Instance line items, with the columns AWS fills for them."""
    return [
        line_item(  # covered by a Savings Plan: on-demand $10.00, effective $7.00
            day="2026-10-03",
            product_code="AmazonSageMaker",
            usage_type="USE1-Host:ml.g5.xlarge",
            usage_amount=7.1,
            unit="Hrs",
            cost=10.0,
            line_item_type="SavingsPlanCoveredUsage",
            resource_tags={"user_team": "ml"},
            savings_plan_savings_plan_effective_cost=7.0,
            savings_plan_net_savings_plan_effective_cost=6.5,
        ),
        line_item(  # the negation of the covered usage's on-demand cost
            day="2026-10-03",
            product_code="AmazonSageMaker",
            usage_type="USE1-Host:ml.g5.xlarge",
            usage_amount=7.1,
            unit="Hrs",
            cost=-10.0,
            line_item_type="SavingsPlanNegation",
            resource_tags={"user_team": "ml"},
        ),
        line_item(  # an EC2 instance on a reservation: $0 unblended, $5.00 effective
            day="2026-10-03",
            product_code="AmazonEC2",
            usage_type="BoxUsage:g6e.xlarge",
            usage_amount=24,
            unit="Hrs",
            cost=0.0,
            line_item_type="DiscountedUsage",
            instance_type="g6e.xlarge",
            resource_tags={"user_team": "ml"},
            reservation_effective_cost=5.0,
            reservation_net_effective_cost=5.0,
        ),
        line_item(  # the reservation's fee: $100 unblended; $20 + $10 unused
            day="2026-10-01",
            product_code="AmazonEC2",
            usage_type="HeavyUsage:g6e.xlarge",
            usage_amount=720,
            unit="Hrs",
            cost=100.0,
            line_item_type="RIFee",
            instance_type="g6e.xlarge",
            resource_tags={"user_team": "ml"},
            reservation_unused_amortized_upfront_fee_for_billing_period=20.0,
            reservation_unused_recurring_fee=10.0,
            reservation_net_unused_amortized_upfront_fee_for_billing_period=20.0,
            reservation_net_unused_recurring_fee=10.0,
        ),
        line_item(  # the reservation's up-front payment: $500 unblended, 0 amortized
            day="2026-10-01",
            product_code="AmazonEC2",
            usage_type="HeavyUsage:g6e.xlarge",
            usage_amount=1,
            unit="Quantity",
            cost=500.0,
            line_item_type="Fee",
            instance_type="g6e.xlarge",
            resource_tags={"user_team": "ml"},
            reservation_reservation_a_r_n="arn:aws:ec2:us-east-1:111122223333:reserved-instances/ri-1",
        ),
    ]


def test_cost_bases_by_hand(tmp_path: Path) -> None:
    path = write_cur2_parquet(tmp_path / "sp.parquet", _sp_ri_items())

    def ml(basis: str) -> float:
        document, _ = run_cur_allocation([str(path)], tenant="tag:team", basis=basis)
        return float(by_tenant(document)["ml"]["cost_usd"])

    # unblended as Cost Explorer shows it: the negation line dropped (AWS's CUR query library)
    assert ml("unblended") == pytest.approx(10.0 + 0.0 + 100.0 + 500.0)  # $610.00
    assert ml("invoice") == pytest.approx(10.0 - 10.0 + 0.0 + 100.0 + 500.0)  # $600.00
    assert ml("amortized") == pytest.approx(7.0 + 0.0 + 5.0 + 30.0)  # $42.00
    assert ml("net-amortized") == pytest.approx(6.5 + 0.0 + 5.0 + 30.0)  # $41.50


def test_budgets_and_anomalies_from_the_bill(tmp_path: Path, cli: Any) -> None:
    items = [
        line_item(
            day=f"2026-10-{d:02d}",
            usage_type="USE1-NovaLite-input-tokens",
            usage_amount=100_000,
            unit="1K tokens",
            cost=6.0,
            resource_tags={"user_team": "search"},
        )
        for d in range(1, 21)
    ]
    items.append(  # day 21: $30.00 against a flat $6.00 baseline
        line_item(
            day="2026-10-21",
            usage_type="USE1-NovaLite-input-tokens",
            usage_amount=500_000,
            unit="1K tokens",
            cost=30.0,
            resource_tags={"user_team": "search"},
        )
    )
    bill = write_cur2_parquet(tmp_path / "month.parquet", items)
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text("tenants:\n  search: {monthly_usd: 100}\n")
    result = cli(
        "allocate", "--cur", str(bill), "--tenant", "tag:team", "--budgets", str(budgets),
        "-f", "json",
    )  # fmt: skip
    assert result.code == 1, result.err  # 20 × $6 + $30 = $150 of a $100 budget
    document = json.loads(result.out)
    [budget] = document["budgets"]
    assert budget["month_to_date_usd"] == pytest.approx(150.0)
    # baseline median $6.00, MAD 0 -> spread max(0, 10 % × 6) = $0.60, threshold $7.80
    [anomaly] = document["anomalies"]
    assert anomaly["series"] == {"tenant": "search"} and anomaly["day"] == "2026-10-21"
    assert anomaly["baseline_usd"] == pytest.approx(6.0)
    assert anomaly["threshold_usd"] == pytest.approx(7.8)
    budgets.write_text("tenants:\n  search: {monthly_usd: 1000}\n")
    args = ["allocate", "--cur", str(bill), "--tenant", "tag:team"]
    assert cli(*args).code == 0
    failed = cli(*args, "--fail-on-anomaly")
    assert failed.code == 1 and "1 spend anomaly (latest 2026-10-21)" in failed.err
    assert "### Anomalies: 1" in cli(*args, "-f", "markdown").out


def test_anomaly_rule_by_hand() -> None:
    """Tenant a: 100, 101, 102 repeating for 20 days, then 400. The 14 days before day 21
    hold 4 × 100, 5 × 101, 5 × 102: median 101, MAD 1 → spread max(1.4826, 10.1) = 10.1,
    threshold 101 + 3 × 10.1 = 131.3. Tenant b: $50 a day, $54 on day 21 (below its
    threshold of 65) and $80 on day 22 (above)."""
    import pandas as pd

    rows = []
    for d in range(1, 21):
        rows += [
            {"tenant": "a", "day": f"2026-10-{d:02d}", "cost_usd": 100.0 + d % 3},
            {"tenant": "b", "day": f"2026-10-{d:02d}", "cost_usd": 50.0},
        ]
    rows += [
        {"tenant": "a", "day": "2026-10-21", "cost_usd": 400.0},
        {"tenant": "b", "day": "2026-10-21", "cost_usd": 54.0},
        {"tenant": "b", "day": "2026-10-22", "cost_usd": 80.0},
    ]
    found = find_anomalies(pd.DataFrame(rows), ["tenant"], AnomalyRule())
    assert [(a["series"]["tenant"], a["day"]) for a in found] == [
        ("a", "2026-10-21"),
        ("b", "2026-10-22"),
    ]
    assert found[0]["threshold_usd"] == pytest.approx(131.3)
    assert found[1]["threshold_usd"] == pytest.approx(65.0)
    # a new series has no history: its first big days are not anomalies
    fresh = [{"tenant": "c", "day": f"2026-10-{d:02d}", "cost_usd": 1000.0 * d} for d in (1, 2)]
    assert find_anomalies(pd.DataFrame(fresh), ["tenant"], AnomalyRule()) == []


def test_formats_and_bad_input(tmp_path: Path, cli: Any) -> None:
    bill = str(write_bill(tmp_path))
    md = cli("allocate", "--cur", bill, "--tenant", "tag:team", "-f", "markdown")
    assert md.code == 0 and "| (untagged) |" in md.out and "1 line item(s) of other" in md.out
    csv = cli("allocate", "--cur", bill, "--tenant", "tag:team", "-f", "csv").out
    assert csv.splitlines()[0].startswith("tenant,input_tokens,output_tokens")
    assert cli("allocate", "--cur", bill, "--tenant", "tag:team").code == 0
    not_cur = tmp_path / "other.csv"
    not_cur.write_text("a,b\n1,2\n")
    bad = cli("allocate", "--cur", str(not_cur), "--tenant", "tag:team")
    assert bad.code == 2 and "not a Cost and Usage Report: no column" in bad.err
    wrong_key = cli("allocate", "--cur", bill, "--tenant", "tags:team")
    assert wrong_key.code == 2 and "tag:KEY" in wrong_key.err
    both = cli("allocate", str(tmp_path), "--cur", bill)
    assert both.code == 2 and "genai-cost reconcile" in both.err
    empty = tmp_path / "empty"
    empty.mkdir()
    none = cli("allocate", "--cur", str(empty), "--tenant", "tag:team")
    assert none.code == 2 and "no Cost and Usage Report files" in none.err
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(
        "line_item_usage_start_date,line_item_usage_account_id,line_item_product_code,"
        "line_item_usage_type,line_item_line_item_type,line_item_usage_amount,"
        'line_item_unblended_cost\n2026-10-01,1,AmazonBedrock,X,Usage,1,1\n"unterminated,1\n'
    )
    torn = cli("allocate", "--cur", str(ragged), "--tenant", "tag:team")
    assert torn.code == 2 and "not a well-formed CSV" in torn.err
    assert len(torn.err.strip().splitlines()) == 1
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 not really")
    broken = cli("allocate", "--cur", str(corrupt), "--tenant", "tag:team")
    assert broken.code == 2 and "cannot read as Parquet" in broken.err


def test_data_exports_prefix_through_moto(tmp_path: Path) -> None:
    import boto3
    from moto import mock_aws

    local = write_bill(tmp_path / "local")
    with mock_aws():
        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="billing")
        for file in local.rglob("*"):
            if file.is_file():
                key = "cur/genai-export/" + str(file.relative_to(local))
                s3.put_object(Bucket="billing", Key=key, Body=file.read_bytes())
        document, _ = run_cur_allocation(
            ["s3://billing/cur/genai-export/"], tenant="tag:team", s3_client=s3
        )
    assert document["total"]["cost_usd"] == pytest.approx(1040.026)  # the manifest is skipped
    assert document["files"] == 1


def test_reconcile_logs_with_the_bill_to_the_cent(
    tmp_path: Path, cli: Any, fixture_snapshot: Path
) -> None:
    """Team A and Team B call acme.chat-v1:0 in us-east-1 (fixture prices $8 / $24 per 1M
    input / output tokens). The bill of the same usage has one line item per day, role and
    token type in 1K tokens; Team A's role also runs an untagged-in-the-logs endpoint."""
    from tests.test_allocate import record

    logs = tmp_path / "logs.jsonl.gz"
    records = []
    for day, role, tokens in (
        ("2026-10-01", ROLE_A, (1_200_000, 300_000)),
        ("2026-10-02", ROLE_A, (800_000, 100_000)),
        ("2026-10-02", ROLE_B, (2_500_000, 400_000)),
    ):
        records.append(record("acme.chat-v1:0", "us-east-1", day=day, arn=role,
                              tokens=(*tokens, 0, 0)))  # fmt: skip
    logs.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    items = []
    for r in records:
        day, role = r["timestamp"][:10], r["identity"]["arn"]
        for kind, count, price in (
            ("input", r["input"]["inputTokenCount"], 8.0),
            ("output", r["output"]["outputTokenCount"], 24.0),
        ):
            items.append(
                line_item(
                    day=day,
                    usage_type=f"USE1-AcmeChat-{kind}-tokens",
                    usage_amount=count / 1000,
                    unit="1K tokens",
                    cost=count * price / 1e6,
                    principal=role,
                )
            )
    items.append(
        line_item(
            day="2026-10-02",
            product_code="AmazonSageMaker",
            usage_type="USE1-Host:ml.g5.xlarge",
            usage_amount=24,
            unit="Hrs",
            cost=33.792,
            principal=ROLE_A,
        )
    )
    bill = write_cur2_parquet(tmp_path / "bill.parquet", items)
    result = cli("reconcile", str(logs), "--cur", str(bill), "--tenant", "identity", "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    rows = {r["tenant"]: r for r in document["rows"]}
    # A: 2.0M input × $8 + 0.4M output × $24 = $25.60; B: 2.5 × 8 + 0.4 × 24 = $29.60
    assert round(rows["role/Team-A"]["logs_usd"], 2) == 25.60
    assert round(rows["role/Team-A"]["bill_token_usd"], 2) == 25.60
    assert round(rows["role/Team-B"]["bill_token_usd"], 2) == 29.60
    assert abs(document["total"]["token_difference_usd"]) < 0.005
    assert rows["role/Team-A"]["bill_other_usd"] == pytest.approx(33.792)
    assert rows["role/Team-A"]["logs_tokens"] == rows["role/Team-A"]["bill_tokens"] == 2_400_000
    assert "agree to the cent" in rows["role/Team-A"]["explanation"]
    assert "non-token charges" in rows["role/Team-A"]["explanation"]
    md = cli("reconcile", str(logs), "--cur", str(bill), "--tenant", "identity", "-f", "markdown")
    assert "| role/Team-B | $29.6000 | $29.6000 | $0.0000 |" in md.out


ATHENA_TO_DUCKDB = {
    "string": "VARCHAR",
    "double": "DOUBLE",
    "bigint": "BIGINT",
    "boolean": "BOOLEAN",
}


@pytest.mark.parametrize(
    "command",
    [
        ["allocate", "--cur", "tests/fixtures/cur", "--tenant", "tag:team", "--by", "tenant",
         "--by", "model"],
        ["allocate", "tests/fixtures/logs/invocations.jsonl", "--tenant", "metadata:team"],
        ["reconcile", "tests/fixtures/logs/invocations.jsonl", "--cur", "tests/fixtures/cur"],
        ["estimate", "scenarios/support-chatbot.yaml"],
    ],
    ids=["cur-allocation", "allocation", "reconcile", "estimate"],
)  # fmt: skip
def test_parquet_loads_with_the_athena_ddl_schema(
    command: list[str], tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    import duckdb

    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    table = tmp_path / "table.parquet"
    assert cli(*command, "-f", "parquet", "-o", str(table)).code == 0
    result = cli(
        "export", "athena-ddl", str(table), "--location", "s3://bi-reports/genai/", "--table", "t"
    )
    assert result.code == 0, result.err
    ddl = result.out
    assert ddl.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `t` (")
    assert "STORED AS PARQUET" in ddl and "LOCATION 's3://bi-reports/genai/'" in ddl
    columns = re.findall(r"^  `([^`]+)` (\w+),?$", ddl, flags=re.MULTILINE)
    connection = duckdb.connect()
    # the DDL's table, created in DuckDB, takes the Parquet file as it is
    connection.execute(
        "CREATE TABLE t (" + ", ".join(f'"{n}" {ATHENA_TO_DUCKDB[k]}' for n, k in columns) + ")"
    )
    connection.execute(f"INSERT INTO t BY NAME SELECT * FROM read_parquet('{table}')")
    described = connection.execute(f"DESCRIBE SELECT * FROM read_parquet('{table}')").fetchall()
    assert [(r[0], r[1]) for r in described] == [(n, ATHENA_TO_DUCKDB[k]) for n, k in columns]
    count = connection.execute("SELECT count(*) FROM t").fetchone()
    assert count is not None and count[0] > 0
    to_stdout = cli(*command, "-f", "parquet")
    assert to_stdout.code == 2 and "give -o FILE.parquet" in to_stdout.err


def test_parquet_figures_equal_the_json(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    args = ["allocate", "--cur", "tests/fixtures/cur", "--tenant", "tag:team"]
    table = tmp_path / "t.parquet"
    assert cli(*args, "-f", "parquet", "-o", str(table)).code == 0
    rows = json.loads(cli(*args, "-f", "json").out)["rows"]
    read = duckdb.sql(f"SELECT tenant, cost_usd FROM read_parquet('{table}')").fetchall()
    assert read == [(r["tenant"], r["cost_usd"]) for r in rows]
    # every document kind has a Parquet form: the report's tables under a `record` column
    mix = tmp_path / "mix.parquet"
    assert cli("mix", "scenarios/support-chatbot.yaml", "-f", "parquet", "-o", str(mix)).code == 0
    records = duckdb.sql(f"SELECT DISTINCT record FROM read_parquet('{mix}')").fetchall()
    assert records and all(isinstance(r, str) for (r,) in records)


def _spark_missing() -> str | None:
    from tests.test_allocate import _spark_missing as missing

    return missing()


def _rounded(value: Any) -> Any:
    """Floats to 9 decimals: the two engines sum in different orders."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


@pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))
@pytest.mark.parametrize("kind", ["parquet", "csv", "legacy"])
def test_spark_and_duckdb_allocate_the_bill_identically(tmp_path: Path, kind: str) -> None:
    bill = str(write_bill(tmp_path, kind))
    for tenant, by in (
        ("tag:team", ["tenant", "model"]),
        ("principal-tag:project", ["tenant", "service", "day"]),
        ("identity", ["tenant", "usage-type"]),
    ):
        if kind == "legacy" and tenant.startswith("principal-tag"):
            # the legacy CUR holds no principal tags: both engines say so, naming none
            for engine in ("duckdb", "spark"):
                with pytest.raises(ArgumentError, match="principal tags are: none"):
                    run_cur_allocation([bill], tenant=tenant, by=by, engine=engine)
            continue
        duck, _ = run_cur_allocation([bill], tenant=tenant, by=by)
        spark, _ = run_cur_allocation([bill], tenant=tenant, by=by, engine="spark")
        assert _rounded(spark) == _rounded(duck), (kind, tenant)


def test_shared_capacity_from_the_bill_by_shares(tmp_path: Path, cli: Any) -> None:
    """The ranker endpoint ($33.792 in the bill, tagged ml) shared 3 : 1 between search and
    ads by headcount: $25.344 and $8.448; the rest as before."""
    capacity = tmp_path / "capacity.yaml"
    capacity.write_text(
        "capacity:\n"
        "  - name: ranker\n"
        "    kind: self_hosted\n"
        "    region: us-east-1\n"
        "    instance_type: g5.xlarge\n"
        "    model_ids: [ranker]\n"
        "    resource_ids: ['arn:aws:sagemaker:us-east-1:111122223333:endpoint/ranker']\n"
        "    split: headcount\n"
        "    shares: {search: 3, ads: 1}\n"
    )
    bill = str(write_bill(tmp_path / "bill"))
    document, _ = run_cur_allocation(
        [bill], tenant="tag:team", by=["tenant", "model"], capacity=capacity
    )
    rows = {(r["tenant"], r["model"]): r["cost_usd"] for r in document["rows"]}
    assert rows[("search", "ml.g5.xlarge")] == pytest.approx(25.344)
    assert rows[("ads", "ml.g5.xlarge")] == pytest.approx(8.448)
    assert ("ml", "ml.g5.xlarge") not in rows
    assert document["total"]["cost_usd"] == pytest.approx(1040.026)
    [entry] = document["capacity"]
    assert entry["cost_usd"] == pytest.approx(33.792) and entry["shares"] == {
        "search": 0.75,
        "ads": 0.25,
    }
    md = cli("allocate", "--cur", bill, "--tenant", "tag:team", "--capacity", str(capacity),
             "-f", "markdown")  # fmt: skip
    assert "### Shared capacity (from the bill)" in md.out and "search 75.0%" in md.out
    capacity.write_text(capacity.read_text().replace("split: headcount", "split: tokens")
                        .replace("    shares: {search: 3, ads: 1}\n", ""))  # fmt: skip
    bad = cli("allocate", "--cur", bill, "--tenant", "tag:team", "--capacity", str(capacity))
    assert bad.code == 2 and "split: headcount or fixed" in bad.err


def test_a_generated_month_reconciles_to_the_cent(
    tmp_path: Path, cli: Any, fixture_snapshot: Path
) -> None:
    """30 days of logs from three roles calling two models (fixture prices per 1M tokens:
    acme.chat $8 in, $24 out, $0.80 cache read; acme.open-8b $0.20 / $0.20), and the bill of
    the same usage: one line item per day, role, model and token type in 1K tokens at those
    rates. Every role's token charges reconcile to the cent, with the same token counts."""
    import random

    from tests.test_allocate import record

    rng = random.Random(18)
    roles = [f"arn:aws:sts::111122223333:assumed-role/Team-{t}/s" for t in "ABC"]
    models = {
        "acme.chat-v1:0": ("AcmeChat", {"input": 8.0, "output": 24.0, "cache-read-input": 0.8}),
        "acme.open-8b-v1:0": ("AcmeOpen8B", {"input": 0.2, "output": 0.2}),
    }
    records, sums = [], {}
    for day in range(1, 31):
        for _ in range(60):
            role, model = rng.choice(roles), rng.choice(list(models))
            tokens = {"input": rng.randint(1, 9000), "output": rng.randint(1, 2000)}
            if model == "acme.chat-v1:0":
                tokens["cache-read-input"] = rng.randint(0, 20000)
            date = f"2026-10-{day:02d}"
            records.append(
                record(model, "us-east-1", day=date, arn=role,
                       tokens=(tokens["input"], tokens["output"],
                               tokens.get("cache-read-input", 0), 0))
            )  # fmt: skip
            for kind, count in tokens.items():
                key = (date, role, model, kind)
                sums[key] = sums.get(key, 0) + count
    logs = tmp_path / "month.jsonl.gz"
    logs.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    items = []
    for (date, role, model, kind), count in sorted(sums.items()):
        name, prices = models[model]
        suffix = (
            "-cache-read-input-token-count" if kind == "cache-read-input" else f"-{kind}-tokens"
        )
        items.append(
            line_item(day=date, usage_type=f"USE1-{name}{suffix}", usage_amount=count / 1000,
                      unit="1K tokens", cost=count * prices[kind] / 1e6, principal=role)
        )  # fmt: skip
    bill = write_cur2_parquet(tmp_path / "month.parquet", items)
    result = cli("reconcile", str(logs), "--cur", str(bill), "--tenant", "identity", "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert len(records) == 1800 and len(document["rows"]) == 3
    for row in document["rows"]:
        assert abs(row["token_difference_usd"]) < 0.005, row
        assert row["logs_tokens"] == row["bill_tokens"]
        assert row["explanation"] == "same tokens; token charges agree to the cent"
    expected = sum(count * models[m][1][k] / 1e6 for (_, _, m, k), count in sums.items())
    assert document["total"]["bill_token_usd"] == pytest.approx(expected)
    assert round(document["total"]["logs_usd"], 2) == round(expected, 2)
