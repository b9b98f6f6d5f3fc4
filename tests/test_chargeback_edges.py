"""Chargeback on real exports (issue 28, first items): dates in UTC whatever the machine's zone,
Bedrock under every product code AWS bills it with, and a missing optional engine as bad input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from genai_cost.tracking.anomalies import AnomalyRule, find_anomalies
from tests.conftest import ROOT
from tests.curgen import line_item, write_cur2_csv, write_cur2_parquet


def _item(day: str = "2026-11-01", **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "day": day,
        "usage_type": "USE1-NovaLite-input-tokens",
        "usage_amount": 1000,
        "unit": "1K tokens",
        "cost": 10.0,
        "resource_tags": {"user_team": "search"},
    }
    fields.update(changes)
    return line_item(**fields)


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_bill_days_are_utc_days_in_every_zone(tmp_path: Path, zone: str) -> None:
    """A zone-aware Parquet timestamp of 1 November 00:00 UTC landed on 31 October when the
    machine ran under TZ=America/Los_Angeles."""
    import duckdb

    naive = write_cur2_parquet(tmp_path / "naive.parquet", [_item()])
    aware = tmp_path / "aware.parquet"
    duckdb.sql(
        "COPY (SELECT * REPLACE (CAST(line_item_usage_start_date AS TIMESTAMPTZ) AS "
        f"line_item_usage_start_date) FROM read_parquet('{naive}')) TO '{aware}' (FORMAT parquet)"
    )
    text = write_cur2_csv(tmp_path / "bill.csv", [_item()])
    command = [sys.executable, "-m", "genai_cost", "allocate", "--tenant", "tag:team"]
    for bill in (aware, naive, text):
        done = subprocess.run(
            [*command, "--by", "day", "-f", "json", "--cur", str(bill)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "TZ": zone},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert [r["day"] for r in document["rows"]] == ["2026-11-01"], bill.name


def test_bedrock_under_the_bedrock_service_product_code(cli: Any, tmp_path: Path) -> None:
    """Claude billed under `AmazonBedrockService` (usage types like
    `USE1-Claude4.6Sonnet-input-tokens`) was "not generative AI": its cost and tokens count."""
    items = [
        _item(
            product_code="AmazonBedrockService",
            usage_type="USE1-Claude4.6Sonnet-input-tokens",
            cost=3.0,  # 1,000K input tokens at $3 / 1M
        ),
        _item(
            product_code="AmazonBedrockService",
            usage_type="USE1-Claude4.6Sonnet-output-tokens",
            usage_amount=100,
            cost=1.5,  # 100K output tokens at $15 / 1M
        ),
    ]
    bill = write_cur2_csv(tmp_path / "bill.csv", items)
    result = cli(
        "allocate", "--cur", str(bill), "--tenant", "tag:team", "--by", "tenant", "--by",
        "service", "-f", "json",
    )  # fmt: skip
    assert result.code == 0, result
    document = json.loads(result.out)
    (row,) = document["rows"]
    assert row["service"] == "AmazonBedrock"
    assert (row["input_tokens"], row["output_tokens"]) == (1_000_000, 100_000)
    assert row["token_cost_usd"] == pytest.approx(4.5)
    assert document["line_items"]["not_generative_ai"] == 0
    # the report says what was selected, by the product code the bill uses
    assert document["line_items"]["by_product_code"] == [
        {"product_code": "AmazonBedrockService", "selected": True, "line_items": 2, "cost_usd": 4.5}
    ]
    text = cli("allocate", "--cur", str(bill), "--tenant", "tag:team", "-f", "markdown").out
    assert "| `AmazonBedrockService` | selected | 2 | $4.5000 |" in text


@pytest.mark.parametrize(
    "arguments",
    [
        ["allocate", "tests/fixtures/logs/invocations.jsonl", "--engine", "spark"],
        ["calibrate", "tests/fixtures/logs/invocations.jsonl", "--engine", "spark"],
        ["allocate", "--cur", "tests/fixtures/cur", "--tenant", "tag:team", "--engine", "spark"],
    ],
)
def test_spark_engine_without_pyspark_is_an_install_hint(arguments: list[str]) -> None:
    """Without PySpark, `--engine spark` was an internal error (ModuleNotFoundError)."""
    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['pyspark.sql'] = None\n"
        "from genai_cost.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'genai-cost[spark]'" in done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(
    ("asked", "written"),
    [
        ("cost-center", "user_cost_center"),  # '-' rewritten to '_', with the user_ prefix
        ("karpenter.sh/nodepool", "user_karpenter_sh_nodepool"),
        ("aws:eks:workload-name", "aws_eks_workload_name"),  # an AWS-generated tag
        ("user_cost_center", "user_cost_center"),  # the key as CUR writes it
    ],
)
@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_tag_keys_as_cur_2_writes_them(
    cli: Any, tmp_path: Path, asked: str, written: str, layout: str
) -> None:
    """`--tenant tag:cost-center` put every dollar into (untagged): CUR 2.0 writes the key
    `user_cost_center` in `resource_tags`."""
    items = [_item(resource_tags={written: "finance"}), _item(cost=2.0, resource_tags=None)]
    path = tmp_path / f"bill.{layout}"
    (write_cur2_csv if layout == "csv" else write_cur2_parquet)(path, items)
    result = cli("allocate", "--cur", str(path), "--tenant", f"tag:{asked}", "-f", "json")
    assert result.code == 0, result
    tenants = {r["tenant"]: r["cost_usd"] for r in json.loads(result.out)["rows"]}
    assert tenants == {"finance": pytest.approx(10.0), "(untagged)": pytest.approx(2.0)}


@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_a_tag_no_line_item_carries_names_the_tags_that_exist(
    cli: Any, tmp_path: Path, layout: str
) -> None:
    items = [_item(resource_tags={"user_cost_center": "finance", "user_team": "search"})]
    path = tmp_path / f"bill.{layout}"
    (write_cur2_csv if layout == "csv" else write_cur2_parquet)(path, items)
    result = cli("allocate", "--cur", str(path), "--tenant", "tag:costcenter")
    assert result.code == 2, result
    assert "tag:costcenter: no generative-AI line item carries it" in result.err
    assert "user_cost_center, user_team" in result.err
    principal = cli("allocate", "--cur", str(path), "--tenant", "principal-tag:project")
    assert principal.code == 2 and "principal tags are: none" in principal.err


def test_every_accelerated_family_of_the_snapshots_is_known() -> None:
    """The family table decides which EC2 spend is generative AI: every GPU or accelerator
    family the bundled snapshots price or describe must be in it."""
    import csv

    from genai_cost.catalog.families import accelerated_families, family_of

    known = accelerated_families()
    seen: set[str] = set()
    for folder in sorted((ROOT / "pricing_snapshots").iterdir()):
        if not folder.is_dir():
            continue
        with (folder / "instance_types.csv").open() as handle:
            seen |= {
                family_of(r["instance_type"])
                for r in csv.DictReader(handle)
                if float(r["accelerator_count"] or 0) > 0
            }
        with (folder / "instance_prices.csv").open() as handle:
            seen |= {family_of(r["instance_type"]) for r in csv.DictReader(handle)}
    assert "gr6" in seen  # the family a name pattern missed
    assert sorted(seen - set(known)) == []


def test_gpu_instances_are_chosen_by_family_and_by_the_bill(cli: Any, tmp_path: Path) -> None:
    """`gr6` (NVIDIA L4) was not a GPU to the old name pattern; a family the table does not
    know yet counts when the bill itself says "GPU instance"; an m5 never does."""

    def instance(kind: str, cost: float, family: str | None = None) -> dict[str, Any]:
        return _item(
            product_code="AmazonEC2",
            usage_type=f"BoxUsage:{kind}",
            usage_amount=24,
            unit="Hrs",
            cost=cost,
            operation="RunInstances",
            instance_type=kind,
            product_instance_family=family,
        )

    items = [
        instance("gr6.4xlarge", 1108.22),
        instance("g9z.2xlarge", 500.0, family="GPU instance"),  # a family yet to come
        instance("m5.large", 2.304, family="General purpose"),
    ]
    bill = write_cur2_csv(tmp_path / "bill.csv", items)
    result = cli(
        "allocate", "--cur", str(bill), "--tenant", "tag:team", "--by", "model", "-f", "json"
    )
    assert result.code == 0, result
    document = json.loads(result.out)
    assert {r["model"]: r["cost_usd"] for r in document["rows"]} == {
        "gr6.4xlarge": pytest.approx(1108.22),
        "g9z.2xlarge": pytest.approx(500.0),
    }
    assert document["line_items"]["not_generative_ai_usd"] == pytest.approx(2.304)


def _basis_items() -> list[dict[str, Any]]:
    """A Savings-Plan-covered endpoint, its negation and the plan's fee, a Bedrock token
    line, and Bedrock's credit, refund and tax lines (untagged, as AWS writes them)."""

    def adjustment(kind: str, cost: float) -> dict[str, Any]:
        return _item(
            usage_type="", usage_amount=0, unit="", cost=cost, line_item_type=kind,
            resource_tags=None,
        )  # fmt: skip

    endpoint: dict[str, Any] = {
        "product_code": "AmazonSageMaker",
        "usage_type": "USE1-Host:ml.g5.xlarge",
        "usage_amount": 7.1,
        "unit": "Hrs",
        "resource_tags": {"user_team": "ml"},
    }
    return [
        _item(**endpoint, cost=10.0, line_item_type="SavingsPlanCoveredUsage",
              savings_plan_savings_plan_effective_cost=7.0,
              savings_plan_net_savings_plan_effective_cost=6.5),
        _item(**endpoint, cost=-10.0, line_item_type="SavingsPlanNegation"),
        _item(product_code="MachineLearningSavingsPlans", usage_type="SavingsPlanRecurringFee",
              usage_amount=1, unit="Hrs", cost=9.0, line_item_type="SavingsPlanRecurringFee",
              resource_tags=None, savings_plan_total_commitment_to_date=9.0,
              savings_plan_used_commitment=7.0),
        _item(cost=30.0),  # search's Nova Lite tokens
        adjustment("Credit", -20.0),
        adjustment("Refund", -5.0),
        adjustment("Tax", 3.0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("basis", "exclude", "tenants", "excluded"),
    [
        # Cost Explorer's unblended view: the covered hour at its on-demand $10, negation dropped
        ("unblended", [], {"ml": 10.0, "search": 30.0, "(untagged)": -22.0}, (0, 0.0)),
        # the invoice: the negation nets the covered hour to $0 (its cost is the plan's fee)
        ("invoice", [], {"ml": 0.0, "search": 30.0, "(untagged)": -22.0}, (0, 0.0)),
        # amortized: the hour at the plan's effective $7
        ("amortized", [], {"ml": 7.0, "search": 30.0, "(untagged)": -22.0}, (0, 0.0)),
        ("net-amortized", [], {"ml": 6.5, "search": 30.0, "(untagged)": -22.0}, (0, 0.0)),
        # usage only: credit −$20, refund −$5 and tax $3 counted apart, no tenant charged
        ("unblended", ["credit", "refund", "tax"], {"ml": 10.0, "search": 30.0}, (3, -22.0)),
        ("unblended", ["tax"], {"ml": 10.0, "search": 30.0, "(untagged)": -25.0}, (1, 3.0)),
    ],
)
def test_cost_bases_and_exclusions_by_hand(
    cli: Any,
    tmp_path: Path,
    basis: str,
    exclude: list[str],
    tenants: dict[str, float],
    excluded: tuple[int, float],
) -> None:
    bill = write_cur2_parquet(tmp_path / "bill.parquet", _basis_items())
    flags = [x for e in exclude for x in ("--exclude", e)]
    result = cli(
        "allocate", "--cur", str(bill), "--tenant", "tag:team", "--cost", basis, *flags,
        "-f", "json",
    )  # fmt: skip
    assert result.code == 0, result
    document = json.loads(result.out)
    got = {r["tenant"]: r["cost_usd"] for r in document["rows"]}
    assert got == {k: pytest.approx(v) for k, v in tenants.items()}
    items = document["line_items"]
    assert (items["excluded"], items["excluded_usd"]) == (excluded[0], pytest.approx(excluded[1]))
    assert document["excluded_line_item_types"] == exclude
    # the plan's fee is not generative-AI spend, left out: $9 unblended, its unused $2 amortized
    fee = 9.0 - 7.0 if basis.endswith("amortized") else 9.0
    assert items["not_generative_ai_usd"] == pytest.approx(fee)


def test_cost_bases_are_declared_once(cli: Any) -> None:
    """One declaration (genai_cost/vocabulary.py): the CLI's choices and the bill reader's."""
    from genai_cost import vocabulary
    from genai_cost.tracking.cur import COST_BASES

    assert COST_BASES is vocabulary.COST_BASES
    help_text = cli("allocate", "--help").out
    assert "|".join(vocabulary.COST_BASES) in help_text.replace("\n", "")


@pytest.mark.parametrize("command", ["allocate", "variance", "reconcile"])
def test_batch_job_records_are_priced_at_batch_rates(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, command: str
) -> None:
    """A batch job's record was priced at on-demand rates ($0.84 where batch is $0.42) in
    allocate, while calibrate treated it as batch. acme.chat-v1:0 (fixture prices): on demand
    $8 / $24, batch $4 / $12 per 1M: 50,000 input and 10,000 output tokens on demand is
    0.05 × 8 + 0.01 × 24 = $0.64; the same in a batch job 0.05 × 4 + 0.01 × 12 = $0.32."""
    from tests.test_allocate import record

    interactive = record("acme.chat-v1:0", "us-east-1", tokens=(50_000, 10_000, 0, 0), team="a")
    job = record("acme.chat-v1:0", "us-east-1", tokens=(50_000, 10_000, 0, 0), team="b")
    job["operation"] = "ModelInvocationJob"
    logs = tmp_path / "logs.jsonl"
    logs.write_text(json.dumps(interactive) + "\n" + json.dumps(job) + "\n")
    if command == "allocate":
        result = cli("allocate", str(logs), "--tenant", "metadata:team", "-f", "json")
        assert result.code == 0, result
        costs = {r["tenant"]: r["cost_usd"] for r in json.loads(result.out)["rows"]}
        assert costs == {"a": pytest.approx(0.64), "b": pytest.approx(0.32)}
    elif command == "variance":
        scenario = tmp_path / "s.yaml"
        workload = (
            "  - name: {}\n    model: acme.chat-v1:0\n"
            "    tokens_per_request: {{input: 50000, output: 10000}}\n"
            "    traffic: {{requests_per_month: 30}}\n    options: [on_demand]\n"
        )
        scenario.write_text("name: s\nworkloads:\n" + workload.format("a") + workload.format("b"))
        result = cli("variance", str(scenario), "--logs", str(logs), "--key", "metadata:team",
                     "-f", "json")  # fmt: skip
        assert result.code in (0, 1), result
        actual = {w["workload"]: w["actual_usd"] for w in json.loads(result.out)["workloads"]}
        assert actual == {"a": pytest.approx(0.64), "b": pytest.approx(0.32)}
    else:
        bill = write_cur2_csv(tmp_path / "bill.csv", [_item(cost=0.96)])
        result = cli("reconcile", str(logs), "--cur", str(bill), "--tenant", "metadata:team",
                     "--cur-tenant", "tag:team", "-f", "json")  # fmt: skip
        assert result.code == 0, result
        document = json.loads(result.out)
        assert document["total"]["logs_usd"] == pytest.approx(0.96)


def test_variance_through_application_profiles(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    """`variance --key profile-tag:KEY` had no --profiles, so records made through an
    application inference profile were attributed to nothing and dropped without a word
    ($11.02 reported against $11.50 allocated). 1,000,000 input tokens of acme.chat-v1:0
    through the profile tagged team=ml: $8.00."""
    from tests.test_allocate import APP_PROFILE, record

    logs = tmp_path / "logs.jsonl"
    through_profile = record(APP_PROFILE, "us-east-1", tokens=(1_000_000, 0, 0, 0))
    direct = record("acme.chat-v1:0", "us-east-1", tokens=(500_000, 0, 0, 0))  # $4.00, no tag
    logs.write_text(json.dumps(through_profile) + "\n" + json.dumps(direct) + "\n")
    profiles = tmp_path / "profiles.yaml"
    profiles.write_text(
        f"profiles:\n  {APP_PROFILE}:\n    model: acme.chat-v1:0\n    tags: {{team: ml}}\n"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\nworkloads:\n  - name: ml\n    model: acme.chat-v1:0\n"
        "    tokens_per_request: {input: 1000000, output: 0}\n"
        "    traffic: {requests_per_month: 30}\n    options: [on_demand]\n"
    )
    common = ["variance", str(scenario), "--logs", str(logs), "--key", "profile-tag:team"]
    with_profiles = cli(*common, "--profiles", str(profiles), "-f", "json")
    assert with_profiles.code in (0, 1), with_profiles
    document = json.loads(with_profiles.out)
    assert document["workloads"][0]["actual_usd"] == pytest.approx(8.0)
    assert document["not_attributed"] == []
    assert document["not_in_estimate"] == [{"key": "(untagged)", "actual_usd": 4.0}]
    without = cli(*common, "-f", "json")
    assert without.code in (0, 1), without  # the profile's record: listed, with a warning
    missed = json.loads(without.out)["not_attributed"]
    assert [m["records"] for m in missed] == [1]
    assert "not in the profiles file" in missed[0]["reason"]
    assert "priced into no actual" in without.err


def _days(start: str, count: int, every: int, usd: float, tenant: str) -> list[dict[str, Any]]:
    import datetime as dt

    first = dt.date.fromisoformat(start)
    return [
        {"tenant": tenant, "day": (first + dt.timedelta(days=k)).isoformat(), "cost_usd": usd}
        for k in range(0, count * every, every)
    ]


def test_anomalies_follow_each_spenders_own_cadence() -> None:
    """Days without spend counted as $0, so a team spending every ~10 days, or a periodic
    training job, was flagged each time against "Baseline $0.00" (86 anomalies on one
    generated month). Now the history is a series' own spend days:
    - daily: $100 a day for 20 days, then $400 — flagged (baseline 100, threshold 130);
    - weekly: $70 every 7th day for 20 weeks — never flagged; then $700 — flagged;
    - monthly training: $5,000 on the 1st of 3 months — never flagged (too little history)."""
    import pandas as pd

    rows = _days("2026-01-01", 20, 1, 100.0, "daily")
    rows += [{"tenant": "daily", "day": "2026-01-21", "cost_usd": 400.0}]
    rows += _days("2026-01-01", 20, 7, 70.0, "weekly")
    rows += [{"tenant": "weekly", "day": "2026-05-21", "cost_usd": 700.0}]  # week 21
    rows += [
        {"tenant": "training", "day": d, "cost_usd": 5000.0}
        for d in ("2026-01-01", "2026-02-01", "2026-03-01")
    ]
    found = find_anomalies(pd.DataFrame(rows), ["tenant"], AnomalyRule())
    assert [(a["series"]["tenant"], a["day"]) for a in found] == [
        ("daily", "2026-01-21"),
        ("weekly", "2026-05-21"),
    ]
    weekly = found[1]
    assert weekly["baseline_usd"] == pytest.approx(70.0)
    assert weekly["threshold_usd"] == pytest.approx(70.0 + 3 * 7.0)  # floor: 10 % of $70


def _ctrl_c_once_armed(before: Any) -> None:
    """Send Ctrl-C once the query's own handler is in place (whatever handler the test
    process had before: PySpark, for one, installs its own), and only then."""
    import os
    import signal
    import time

    deadline = time.monotonic() + 30
    while signal.getsignal(signal.SIGINT) is before and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # the query is running
    os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_during_a_log_query_stops_duckdb_and_closes_cleanly() -> None:
    """Ctrl-C while `allocate` or `calibrate` read logs was an internal error ("connection is
    busy") and, at exit, an abort: the interrupt was raised inside a DuckDB call. It is now a
    flag the progress loop acts on: DuckDB's query is interrupted, the connection closes."""
    import signal
    import threading

    import duckdb

    from genai_cost.tracking.logs import execute_with_progress

    connection = duckdb.connect()
    before = signal.getsignal(signal.SIGINT)
    threading.Thread(target=_ctrl_c_once_armed, args=(before,), daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        execute_with_progress(
            connection,
            "CREATE TEMP TABLE t AS SELECT i % 7 AS k, count(*) AS n "
            "FROM range(100000000000) r(i) GROUP BY 1",
            progress=False,
        )
    connection.close()  # not "busy": the query was stopped and its thread joined
    assert signal.getsignal(signal.SIGINT) is before  # the handler is put back


def test_ctrl_c_exits_130_with_a_word(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import genai_cost.tracking.chargeback as chargeback

    def interrupted(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(chargeback, "run_allocation", interrupted)
    result = cli("allocate", "tests/fixtures/logs/invocations.jsonl")
    assert result.code == 130
    assert result.err.startswith("interrupted")


def test_ctrl_c_during_a_bill_query_is_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while `allocate --cur` read the bill was an internal error (DuckDB's
    RuntimeError "Query interrupted", exit 3); the pass runs as the logs' does now, and
    Ctrl-C is a KeyboardInterrupt (exit 130) with the handler put back."""
    import signal
    import threading

    from genai_cost.tracking import cur_read
    from genai_cost.tracking.cur import CurKey

    bill = write_cur2_csv(tmp_path / "bill.csv", [_item()])
    monkeypatch.setattr(
        cur_read,
        "usage_sql",
        lambda *_args, **_kwargs: (
            "SELECT i % 7 AS k, count(*) FROM range(100000000000) r(i) GROUP BY 1"
        ),
    )
    before = signal.getsignal(signal.SIGINT)
    threading.Thread(target=_ctrl_c_once_armed, args=(before,), daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        cur_read.read_cur([bill], [CurKey("tenant", "tag", "team")])
    assert signal.getsignal(signal.SIGINT) is before


def test_calibrated_workloads_are_named_by_their_profile(cli: Any, tmp_path: Path) -> None:
    """The same model called in-region and through the global and US profiles came out as
    "nova-lite-v1:0", "nova-lite-v1:0 (2)" and "nova-lite-v1:0 (3)"; each is now named by
    how it was called."""
    import yaml

    from tests.test_allocate import record

    lines = [
        record(model, "us-east-1", tokens=(1000, 100, 0, 0))
        for model in (
            "amazon.nova-lite-v1:0",
            "global.amazon.nova-lite-v1:0",
            "us.amazon.nova-lite-v1:0",
        )
    ]
    lines.append(record("amazon.nova-micro-v1:0", "us-east-1", tokens=(500, 50, 0, 0)))
    logs = tmp_path / "logs.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in lines))
    out = tmp_path / "measured.yaml"
    result = cli("calibrate", str(logs), "-o", str(out))
    assert result.code == 0, result
    names = sorted(w["name"] for w in yaml.safe_load(out.read_text())["workloads"])
    assert names == [
        "nova-lite-v1:0 global profile",
        "nova-lite-v1:0 in-region",
        "nova-lite-v1:0 us profile",
        "nova-micro-v1:0",  # called one way only: no label
    ]


def test_one_model_one_name_across_usage_types_and_marketplace(cli: Any, tmp_path: Path) -> None:
    """`allocate --cur --by model` showed one model twice: "Claude4.6Sonnet" (from the usage
    type of `AmazonBedrockService` line items) and "Claude Sonnet 4.6" (a Marketplace line's
    product name). Same words and version: one model, shown by its spelled-out name."""
    items = [
        _item(
            product_code="AmazonBedrockService",
            usage_type="USE1-Claude4.6Sonnet-input-tokens",
            cost=3.0,
        ),
        _item(
            product_code="c7s9kq1uxyz0abcdefghij123",
            usage_type="USE1-MP:USE1_InputTokenCount-Units",
            usage_amount=1,
            unit="Units",
            cost=3.0,
            product={"product_name": "Claude Sonnet 4.6 (Amazon Bedrock Edition)"},
        ),
        _item(usage_type="USE1-NovaLite-input-tokens", cost=0.06),
    ]
    bill = write_cur2_csv(tmp_path / "bill.csv", items)
    result = cli(
        "allocate", "--cur", str(bill), "--tenant", "tag:team", "--by", "model", "-f", "json"
    )  # fmt: skip
    assert result.code == 0, result
    costs = {r["model"]: r["cost_usd"] for r in json.loads(result.out)["rows"]}
    # shown by the snapshot's model ids ("Claude Sonnet 4.6", "Nova Lite"), as logs name them
    assert costs == {
        "anthropic.claude-sonnet-4-6": pytest.approx(6.0),
        "amazon.nova-lite-v1:0": pytest.approx(0.06),
    }
    # a model the snapshot does not know keeps the bill's spelled-out name
    from genai_cost.tracking.model_names import display_names

    assert display_names(["Claude4.9Sonnet", "Claude Sonnet 4.9"], [("x", ["Nova Lite"])]) == {
        "Claude4.9Sonnet": "Claude Sonnet 4.9",
        "Claude Sonnet 4.9": "Claude Sonnet 4.9",
    }


def test_logs_and_bill_name_a_model_the_same_way(cli: Any) -> None:
    """The fixture bill is the fixture logs' usage: `--by model` names the same models."""
    logs = cli(
        "allocate", "tests/fixtures/logs/invocations.jsonl", "--tenant", "identity",
        "--by", "model", "-f", "json",
    )  # fmt: skip
    bill = cli(
        "allocate", "--cur", "tests/fixtures/cur", "--tenant", "tag:team", "--by", "model",
        "-f", "json",
    )  # fmt: skip
    from_logs = {r["model"] for r in json.loads(logs.out)["rows"]}
    from_bill = {r["model"] for r in json.loads(bill.out)["rows"]}
    assert {"amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"} <= from_logs & from_bill


def test_model_keys() -> None:
    from genai_cost.tracking.model_names import display_names, model_key

    shown = display_names(["Claude4.6Sonnet", "Claude Sonnet 4.6", "Claude4.5Sonnet", "NovaLite"])
    assert model_key("NovaLite") == model_key("Nova Lite") == ("lite", "nova")
    assert shown == {
        "Claude4.6Sonnet": "Claude Sonnet 4.6",
        "Claude Sonnet 4.6": "Claude Sonnet 4.6",
        "Claude4.5Sonnet": "Claude4.5Sonnet",  # another version: another model
        "NovaLite": "NovaLite",
    }


def test_a_narrow_terminal_gets_a_narrower_table_not_cards(cli: Any) -> None:
    """`allocate` printed a 10-line card per tenant when its table did not fit (517 lines for
    41 tenants): now the token detail is left out first, said in a note, and --columns
    chooses the figures."""
    from genai_cost.report.registry import render

    def render_allocation_table(document: Any, **options: Any) -> str:
        return str(render("allocation", document, "table", **options))

    result = cli(
        "allocate", "tests/fixtures/logs/invocations.jsonl", "--tenant", "identity", "-f", "json"
    )  # fmt: skip
    document = json.loads(result.out)
    many = dict(document)
    many["rows"] = [dict(document["rows"][0], tenant=f"role/team-{n:02d}") for n in range(41)]
    text = render_allocation_table(many, color=False, width=60)
    assert "Tenant:" not in text  # a table, not cards
    assert "Left out to fit 60 columns: Cache write, Cache read" in text
    assert len(text.splitlines()) < 41 + 20  # a line per tenant, not ten
    wide = render_allocation_table(many, color=False, width=200)
    assert "Cache write" in wide and "Left out" not in wide
    chosen = render_allocation_table(many, color=False, width=60, columns=["cost", "share"])
    header = next(line for line in chosen.splitlines() if "Tenant" in line)
    assert "Cost" in header and "Share" in header and "Input" not in header
    markdown = cli(
        "allocate", "tests/fixtures/logs/invocations.jsonl", "--tenant", "identity",
        "-f", "markdown", "--columns", "input,cost",
    )  # fmt: skip
    assert "| Tenant | Input | Cost |" in markdown.out
    bad = cli(
        "allocate", "tests/fixtures/logs/invocations.jsonl", "--tenant", "identity",
        "--columns", "cost,shar",
    )  # fmt: skip
    assert bad.code == 2 and "did you mean 'share'" in bad.err


def test_logs_are_summed_by_what_the_report_needs(tmp_path: Path) -> None:
    """Issue 35: the pass grouped by every field it read (model, region, account, operation,
    identity, metadata, day) whatever --by asked: 300 tenants x 40 roles x 3 operations made
    half a million groups from 1 M records. Now only the asked-for fields, model and region
    (pricing) and whether a record is a batch job's are kept: fewer groups, same totals."""
    import numpy as np

    from benchmarks.allocation import write_records
    from genai_cost.tracking.chargeback import run_allocation
    from genai_cost.tracking.logs import INTERACTIVE, TOKENS
    from genai_cost.tracking.readers import read_logs

    write_records(tmp_path, 20_000, tenants=2, roles=20, operations=3)
    every = read_logs([str(tmp_path)], ["team"])
    needed = read_logs([str(tmp_path)], ["team"], keep={"model_raw", "region"})
    assert len(needed) < len(every) / 5
    for t in TOKENS:
        assert int(np.sum(needed.columns[t])) == int(np.sum(every.columns[t]))
    assert set(needed.columns["operation"]) == {INTERACTIVE}  # Converse, InvokeModel, stream
    assert set(needed.columns["identity"]) == {None}
    # the report is the same, and asking for identities still reads them
    plain = run_allocation([str(tmp_path)], tenant="metadata:team")
    by_role = run_allocation([str(tmp_path)], tenant="metadata:team", by=["tenant", "identity"])
    assert plain["total"]["cost_usd"] == pytest.approx(by_role["total"]["cost_usd"], abs=1e-9)
    assert len({r["identity"] for r in by_role["rows"]}) == 20
