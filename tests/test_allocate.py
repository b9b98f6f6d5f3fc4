"""Chargeback from Bedrock invocation logs, priced from the fixture snapshot by hand.

Fixture prices (USD per 1M tokens, tests/fixtures/snapshot/bedrock_on_demand.csv):
acme.chat-v1:0 in-region us: input 8, output 24, cache read 0.8, cache write 10;
global: 7 / 21 / 0.7 / 8.75; in-region eu-west-1: 9 / 27, no cache prices.
acme.open-8b-v1:0 us: 0.2 / 0.2. acme.promo-v1:0: 1 / 4 until 2026-03-31, then 2 / 8.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from genai_cost.errors import GenaiCostError, ProfilesError
from genai_cost.tracking.allocate import identity_name
from genai_cost.tracking.chargeback import run_allocation
from genai_cost.tracking.profiles import ModelRef, from_model_id, profile_ref

ACCOUNT = "111122223333"
APP_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/a1b2c3d4e5f6"


def record(
    model: str,
    region: str,
    *,
    day: str = "2026-01-10",
    tokens: tuple[int, int, int, int] | None = (0, 0, 0, 0),
    team: str | None = None,
    arn: str = f"arn:aws:sts::{ACCOUNT}:assumed-role/AppRole/session-1",
) -> dict[str, Any]:
    """A record in AWS's shape (key order and optional fields as in real logs)."""
    data: dict[str, Any] = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": f"{day}T12:00:00Z",
        "accountId": ACCOUNT,
        "identity": {"arn": arn},
        "region": region,
        "requestId": "0b2c8c4e-0000-4000-8000-000000000000",
        "operation": "Converse",
        "modelId": model,
        "input": {"inputContentType": "application/json"},
        "output": {"outputContentType": "application/json"},
    }
    if tokens is not None:
        data["input"].update(
            inputTokenCount=tokens[0],
            cacheReadInputTokenCount=tokens[2],
            cacheWriteInputTokenCount=tokens[3],
        )
        data["output"]["outputTokenCount"] = tokens[1]
    if team is not None:
        data["requestMetadata"] = {"team": team}
    return data


SEARCH_1 = record("acme.chat-v1:0", "us-east-1", tokens=(1000, 500, 2000, 0), team="search")
# 1000*8 + 500*24 + 2000*0.8 = 21,600 per 1M -> $0.0216
SEARCH_2 = record(
    "global.acme.chat-v1:0", "us-west-2", tokens=(1_000_000, 100_000, 0, 10_000), team="search"
)
# 7 + 0.1*21 + 0.01*8.75 = $9.1875
ADS = record("us.acme.chat-v1:0", "us-west-2", tokens=(2_000_000, 0, 0, 0), team="ads")
# geo profile without its own row: source region's in-region rate, 2 * 8 = $16
UNTAGGED = record("acme.open-8b-v1:0", "us-east-1", tokens=(500_000, 500_000, 0, 0))
# 0.5*0.2 + 0.5*0.2 = $0.20
EU_CACHED = record("acme.chat-v1:0", "eu-west-1", tokens=(10, 10, 100, 0), team="ads")
GUARDRAIL = record("acme.chat-v1:0", "us-east-1", tokens=None, team="ads")


def write_logs(folder: Path) -> Path:
    """Fixture logs in the S3 delivery layout: gzip'd and plain NDJSON, a `data/` body folder."""
    hour = folder / f"AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/us-east-1/2026/01/10/12"
    hour.mkdir(parents=True)
    lines = [json.dumps(r) for r in (SEARCH_1, SEARCH_2, ADS)]
    (hour / "20260110T120102Z_a.json.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    other = [json.dumps(r) for r in (UNTAGGED, EU_CACHED, GUARDRAIL)] + ["{not json", ""]
    (hour / "20260110T120502Z_b.json").write_text("\n".join(other) + "\n")
    (hour / "data").mkdir()
    (hour / "data" / "0b2c_input.json.gz").write_bytes(gzip.compress(b'{"messages": []}'))
    return folder


def rows_by(document: dict[str, Any], key: str = "tenant") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in document["rows"]}


def test_chargeback_per_tenant_by_hand(tmp_path: Path, fixture_snapshot: Path) -> None:
    document = run_allocation([str(write_logs(tmp_path))], tenant="metadata:team")
    rows = rows_by(document)
    assert set(rows) == {"search", "ads", "(untagged)"}
    assert rows["search"]["cost_usd"] == pytest.approx(0.0216 + 9.1875)
    assert rows["ads"]["cost_usd"] == pytest.approx(16.0)
    assert rows["(untagged)"]["cost_usd"] == pytest.approx(0.20)
    assert document["total"]["cost_usd"] == pytest.approx(25.4091)
    assert rows["ads"]["share"] == pytest.approx(16.0 / 25.4091)
    assert rows["search"]["requests"] == 2
    assert rows["search"]["input_tokens"] == 1_001_000
    assert rows["search"]["cache_read_input_tokens"] == 2000
    assert rows["search"]["cache_write_input_tokens"] == 10_000
    assert [r["tenant"] for r in document["rows"]] == ["ads", "search", "(untagged)"]
    assert document["records"] == {"read": 7, "allocated": 4, "not_allocated": 3}
    assert document["period"] == {"first_day": "2026-01-10", "last_day": "2026-01-10"}


def test_unreadable_and_unpriced_records_are_counted_with_examples(
    tmp_path: Path, fixture_snapshot: Path
) -> None:
    document = run_allocation([str(write_logs(tmp_path))], tenant="metadata:team")
    problems = {p["reason"]: p for p in document["problems"]}
    assert problems["not a JSON record"]["records"] == 1
    assert "{not json" in problems["not a JSON record"]["examples"][0]
    guardrail = problems["no token counts (for example a call stopped by a guardrail)"]
    assert guardrail["records"] == 1
    unpriced = [p for p in document["problems"] if p["reason"].startswith("not priced")]
    assert len(unpriced) == 1 and unpriced[0]["records"] == 1
    assert "cache_read" in unpriced[0]["reason"] and "eu-west-1" in unpriced[0]["reason"]


def test_group_by_tenant_and_model(tmp_path: Path, fixture_snapshot: Path) -> None:
    document = run_allocation(
        [str(write_logs(tmp_path))], tenant="metadata:team", by=["tenant", "model"]
    )
    keyed = {(r["tenant"], r["model"]): r["cost_usd"] for r in document["rows"]}
    assert keyed == pytest.approx(
        {
            ("ads", "acme.chat-v1:0"): 16.0,
            ("search", "acme.chat-v1:0"): 9.2091,
            ("(untagged)", "acme.open-8b-v1:0"): 0.20,
        }
    )


def test_identity_tenant(tmp_path: Path, fixture_snapshot: Path) -> None:
    logs = tmp_path / "logs.jsonl"
    logs.write_text(
        json.dumps(record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 0, 0, 0)))
        + "\n"
        + json.dumps(
            record(
                "acme.open-8b-v1:0",
                "us-east-1",
                tokens=(0, 2_000_000, 0, 0),
                arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
            )
        )
        + "\n"
    )
    rows = rows_by(run_allocation([str(logs)], tenant="identity"))
    assert rows["role/AppRole"]["cost_usd"] == pytest.approx(0.2)
    assert rows["user/alice"]["cost_usd"] == pytest.approx(0.4)


def test_identity_names() -> None:
    assert identity_name("arn:aws:sts::1:assumed-role/Team-A/jane@example.com") == "role/Team-A"
    assert identity_name("arn:aws:iam::1:user/build/bot") == "user/build/bot"
    assert identity_name(None) is None


def test_prices_each_day_at_the_rate_in_effect(tmp_path: Path, fixture_snapshot: Path) -> None:
    logs = tmp_path / "logs.jsonl"
    promo = [
        record("acme.promo-v1:0", "us-east-1", day=day, tokens=(1_000_000, 0, 0, 0), team="t")
        for day in ("2026-03-31", "2026-04-01")
    ]
    logs.write_text("".join(json.dumps(r) + "\n" for r in promo))
    rows = rows_by(run_allocation([str(logs)], tenant="metadata:team", by=["day"]), "day")
    assert rows["2026-03-31"]["cost_usd"] == pytest.approx(1.0)
    assert rows["2026-04-01"]["cost_usd"] == pytest.approx(2.0)


def test_model_id_forms() -> None:
    assert from_model_id("acme.chat-v1:0") == ModelRef("acme.chat-v1:0")
    assert from_model_id("eu.acme.chat-v1:0") == ModelRef("acme.chat-v1:0", "geo", "eu")
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/global.acme.chat-v1:0"
    assert from_model_id(arn) == ModelRef("acme.chat-v1:0", "global")
    assert from_model_id("arn:aws:bedrock:us-east-1::foundation-model/acme.chat-v1:0") == (
        ModelRef("acme.chat-v1:0")
    )
    provisioned = from_model_id(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/x1")
    assert provisioned.base_model is None and "provisioned-model" in str(provisioned.reason)


def _profile_logs(tmp_path: Path) -> Path:
    logs = tmp_path / "logs.jsonl"
    logs.write_text(json.dumps(record(APP_PROFILE, "us-east-1", tokens=(1_000_000, 0, 0, 0))))
    return logs


def test_application_profile_from_mapping_file(tmp_path: Path, fixture_snapshot: Path) -> None:
    profiles = tmp_path / "profiles.yaml"
    profiles.write_text(
        f"profiles:\n  {APP_PROFILE}:\n    model: acme.chat-v1:0\n    tags: {{team: ml}}\n"
    )
    document = run_allocation(
        [str(_profile_logs(tmp_path))], tenant="profile-tag:team", profiles=profiles
    )
    assert rows_by(document)["ml"]["cost_usd"] == pytest.approx(8.0)


def test_application_profile_unknown_is_reported(tmp_path: Path, fixture_snapshot: Path) -> None:
    document = run_allocation([str(_profile_logs(tmp_path))], tenant="profile-tag:team")
    assert document["rows"] == []
    assert "not in the profiles file" in document["problems"][0]["reason"]


def test_application_profile_through_bedrock_api(tmp_path: Path, fixture_snapshot: Path) -> None:
    import boto3

    client = boto3.client(
        "bedrock", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        stub.add_response(
            "get_inference_profile",
            {
                "inferenceProfileName": "search-prod",
                "inferenceProfileArn": APP_PROFILE,
                "inferenceProfileId": "a1b2c3d4e5f6",
                "status": "ACTIVE",
                "type": "APPLICATION",
                "models": [
                    {"modelArn": f"arn:aws:bedrock:{r}::foundation-model/acme.chat-v1:0"}
                    for r in ("us-east-1", "us-west-2")
                ],
            },
            {"inferenceProfileIdentifier": APP_PROFILE},
        )
        stub.add_response(
            "list_tags_for_resource",
            {"tags": [{"key": "team", "value": "search"}]},
            {"resourceARN": APP_PROFILE},
        )
        document = run_allocation(
            [str(_profile_logs(tmp_path))], tenant="profile-tag:team", bedrock_client=client
        )
        stub.assert_no_pending_responses()
    # two US regions: a copy of a US cross-region profile, billed at us-east-1's rate
    assert rows_by(document)["search"]["cost_usd"] == pytest.approx(8.0)


def test_profile_ref_scopes() -> None:
    def models(*regions: str) -> dict[str, object]:
        return {
            "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/m.x"} for r in regions]
        }

    assert profile_ref(models("us-east-1"), {}).scope == "in_region"
    assert profile_ref(models("us-east-1", "us-west-2"), {}).geo_profile == "us"
    assert profile_ref(models("us-east-1", "eu-west-1"), {}).scope == "global"


def test_s3_prefix_through_moto(tmp_path: Path, fixture_snapshot: Path) -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="genai-logs-test")
        prefix = f"AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/us-east-1/2026/01/10/12/"
        body = gzip.compress((json.dumps(SEARCH_1) + "\n" + json.dumps(ADS) + "\n").encode())
        s3.put_object(
            Bucket="genai-logs-test", Key=prefix + "20260110T120102Z_a.json.gz", Body=body
        )
        s3.put_object(
            Bucket="genai-logs-test", Key=prefix + "data/x_input.json.gz", Body=b"\x1f\x8b"
        )
        document = run_allocation(
            ["s3://genai-logs-test/AWSLogs/"], tenant="metadata:team", s3_client=s3
        )
    rows = rows_by(document)
    assert rows["search"]["cost_usd"] == pytest.approx(0.0216)
    assert rows["ads"]["cost_usd"] == pytest.approx(16.0)
    assert document["problems"] == []


BUDGETS = """\
tenants:
  search: {monthly_usd: 10, alert_at_percent: [50, 80, 100]}
  ads: {monthly_usd: 15}
  data: {monthly_usd: 5}
"""


def test_budgets_with_month_end_projection(tmp_path: Path, fixture_snapshot: Path) -> None:
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text(BUDGETS)
    document = run_allocation(
        [str(write_logs(tmp_path / "logs"))], tenant="metadata:team", budgets=budgets
    )
    status = {b["tenant"]: b for b in document["budgets"]}
    assert status["search"]["used_percent"] == pytest.approx(92.091)
    assert status["search"]["alerts_crossed_percent"] == [50, 80]
    assert status["search"]["level"] == "alert"
    # 10 days into a 31-day January: 9.2091 / 10 * 31
    assert status["search"]["projected_month_usd"] == pytest.approx(28.54821)
    assert status["search"]["projected_level"] == "fail"
    assert status["ads"]["level"] == "fail"
    assert status["data"]["month_to_date_usd"] == 0.0 and status["data"]["level"] == "ok"
    assert document["verdict"] == "fail"


def test_cli_exit_codes_and_formats(tmp_path: Path, fixture_snapshot: Path, cli: Any) -> None:
    logs = str(write_logs(tmp_path / "logs"))
    result = cli("allocate", logs, "--tenant", "metadata:team", "--format", "json")
    assert result.code == 0
    document = json.loads(result.out)
    assert document["schema_version"] == 1 and document["kind"] == "allocation"
    assert "warning: 3 record(s) not allocated" in result.err

    strict = cli("allocate", logs, "--tenant", "metadata:team", "--strict")
    assert strict.code == 2 and "not a JSON record" in strict.err and strict.out == ""

    budgets = tmp_path / "budgets.yaml"
    budgets.write_text(BUDGETS)
    out = tmp_path / "report.md"
    failed = cli(
        "allocate",
        logs,
        "--tenant",
        "metadata:team",
        "--budgets",
        str(budgets),
        "--format",
        "markdown",
        "--output",
        str(out),
    )
    assert failed.code == 1
    text = out.read_text()
    assert "### Budgets: fail" in text and "| ads | $16.00 |" in text
    assert "9.2091" in text and "Records not allocated" in text

    table = cli("allocate", logs, "--tenant", "metadata:team")
    assert table.code == 0 and "(untagged)" in table.out and "$25.4091" in table.out


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path, fixture_snapshot: Path, cli: Any) -> None:
    logs = tmp_path / "logs.jsonl"
    evil = record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 0, 0, 0), team="=1+1")
    logs.write_text(json.dumps(evil) + "\n")
    result = cli("allocate", str(logs), "--tenant", "metadata:team", "--format", "csv")
    assert result.code == 0
    assert result.out.splitlines() == [
        "tenant,requests,input_tokens,output_tokens,cache_read_input_tokens,"
        "cache_write_input_tokens,capacity_usd,cost_usd,share",
        "'=1+1,1,1000000,0,0,0,0.0,0.2,1.0",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "modle"], "did you mean 'model'"),
        (["--tenant", "team"], "--tenant 'team'"),
        (["--tenant", "model"], "expected metadata:KEY"),
    ],
)
def test_bad_options(
    args: list[str], message: str, tmp_path: Path, fixture_snapshot: Path, cli: Any
) -> None:
    logs = tmp_path / "l.jsonl"
    logs.write_text("")
    result = cli("allocate", str(logs), *args)
    assert result.code == 2 and message in result.err


def test_bad_files(tmp_path: Path, fixture_snapshot: Path, cli: Any) -> None:
    (tmp_path / "empty").mkdir()
    assert "no invocation-log files" in cli("allocate", str(tmp_path / "empty")).err
    assert cli("allocate", str(tmp_path / "nope")).code == 2
    budgets = tmp_path / "b.yaml"
    budgets.write_text("tenants:\n  search: {monthly_usd: 10, alert_at: [50]}\n")
    logs = write_logs(tmp_path / "logs")
    result = cli("allocate", str(logs), "--budgets", str(budgets))
    assert result.code == 2
    assert "b.yaml:2" in result.err and "alert_at_percent" in result.err


def test_bad_profiles_file(tmp_path: Path, fixture_snapshot: Path) -> None:
    profiles = tmp_path / "p.yaml"
    profiles.write_text(
        "profiles:\n  arn:aws:bedrock:us-east-1:1:inference-profile/x:\n    model: acme.chat-v1:0\n"
    )
    with pytest.raises(ProfilesError, match="application inference profile ARN"):
        run_allocation([str(_profile_logs(tmp_path))], profiles=profiles)
    with pytest.raises(GenaiCostError, match="each key may be given once"):
        run_allocation([str(_profile_logs(tmp_path))], by=["model", "model"])


def test_odd_records(tmp_path: Path, fixture_snapshot: Path) -> None:
    late = record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 0, 0, 0), team="t")
    late["timestamp"] = "2026-01-31T23:30:00-05:00"  # 2026-02-01 in UTC
    negative = record("acme.open-8b-v1:0", "us-east-1", tokens=(-5, 0, 0, 0), team="t")
    text = record("acme.open-8b-v1:0", "us-east-1", team="t")
    text["output"]["outputTokenCount"] = "many"
    logs = tmp_path / "odd.ndjson"
    lines = [json.dumps(r) for r in (late, negative, text)] + ["[1, 2]", '"text"']
    logs.write_text("\n".join(lines) + "\n")
    document = run_allocation([str(logs)], tenant="metadata:team", by=["day"])
    assert [r["day"] for r in document["rows"]] == ["2026-02-01"]
    problems = {p["reason"]: p["records"] for p in document["problems"]}
    assert problems == {
        "not a JSON object": 2,
        "token count input.inputTokenCount is not a whole number >= 0": 1,
        "token count output.outputTokenCount is not a whole number >= 0": 1,
    }


PT_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abc123xyz789"


def _capacity_logs(tmp_path: Path) -> Path:
    logs = tmp_path / "capacity.jsonl"
    records = [
        record(PT_ARN, "us-east-1", tokens=(2_000_000, 1_000_000, 0, 0), team="a"),
        record(PT_ARN, "us-east-1", day="2026-01-11", tokens=(500_000, 500_000, 0, 0), team="b"),
        record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 0, 0, 0), team="a"),
    ]
    logs.write_text("".join(json.dumps(r) + "\n" for r in records))
    return logs


def _allocate_with(tmp_path: Path, capacity: str) -> dict[str, Any]:
    file = tmp_path / "capacity.yaml"
    file.write_text(capacity)
    return run_allocation([str(_capacity_logs(tmp_path))], tenant="metadata:team", capacity=file)


PT = f"""\
capacity:
  - name: chat-pt
    kind: provisioned
    model: acme.chat-v1:0
    region: us-east-1
    term: 1_month
    model_units: 2
    hours: 10
    model_ids: ["{PT_ARN}"]
"""


def test_provisioned_capacity_split_by_tokens(tmp_path: Path, fixture_snapshot: Path) -> None:
    document = _allocate_with(tmp_path, PT)
    rows = rows_by(document)
    # 2 units x $40/h x 10 h = $800 over 4M tokens: a used 3M, b 1M
    assert rows["a"]["capacity_usd"] == pytest.approx(600.0)
    assert rows["a"]["cost_usd"] == pytest.approx(600.2)  # + 1M open-8b input tokens at $0.20
    assert rows["b"]["cost_usd"] == pytest.approx(200.0)
    assert document["total"]["cost_usd"] == pytest.approx(800.2)
    [entry] = document["capacity"]
    assert entry["cost_usd"] == pytest.approx(800.0)
    assert entry["effective_usd_per_1m_tokens"] == pytest.approx(200.0)
    assert entry["utilization_fraction"] is None
    assert document["problems"] == []


def test_idle_capacity_as_its_own_line(tmp_path: Path, fixture_snapshot: Path) -> None:
    capacity = PT + "    idle: separate\n    capacity_tokens_per_minute: 10000\n"
    document = _allocate_with(tmp_path, capacity)
    rows = rows_by(document)
    # capacity 10,000 x 60 x 10 h = 6M tokens; 4M used -> 2/3 of $800 attributed
    assert document["capacity"][0]["utilization_fraction"] == pytest.approx(2 / 3)
    assert rows["a"]["capacity_usd"] == pytest.approx(400.0)
    assert rows["b"]["capacity_usd"] == pytest.approx(400.0 / 3)
    assert rows["(idle capacity: chat-pt)"]["cost_usd"] == pytest.approx(800.0 / 3)
    assert document["total"]["cost_usd"] == pytest.approx(800.2)


def test_idle_capacity_is_flagged_below_the_threshold(
    tmp_path: Path, fixture_snapshot: Path
) -> None:
    """Used 2/3 of its 6M tokens: above a 50 % threshold, below 80 %. Idle: 1/3 of $800 over
    10 hours = $266.67, $19,466.67 in a 730-hour month."""
    file = tmp_path / "capacity.yaml"
    file.write_text(PT + "    capacity_tokens_per_minute: 10000\n")
    logs = [str(_capacity_logs(tmp_path))]
    kept = run_allocation(logs, tenant="metadata:team", capacity=file, idle_threshold=0.5)
    assert kept["idle_capacity"] == []
    flagged = run_allocation(logs, tenant="metadata:team", capacity=file, idle_threshold=0.8)
    [idle] = flagged["idle_capacity"]
    assert idle["name"] == "chat-pt" and idle["utilization_fraction"] == pytest.approx(2 / 3)
    assert idle["idle_usd"] == pytest.approx(800 / 3)
    assert idle["monthly_idle_usd"] == pytest.approx(800 / 3 / 10 * 730)


@pytest.mark.parametrize(
    ("split", "shares", "a", "b"),
    [("fixed", "{a: 0.25, b: 0.75}", 150.0, 450.0), ("headcount", "{a: 3, b: 1}", 450.0, 150.0)],
)
def test_self_hosted_capacity_by_shares(
    split: str, shares: str, a: float, b: float, tmp_path: Path, fixture_snapshot: Path
) -> None:
    capacity = f"""\
capacity:
  - name: gpu-pool
    kind: self_hosted
    platform: ec2
    instance_type: gpu.small
    region: us-east-1
    count: 3
    hours: 100
    split: {split}
    shares: {shares}
    model_ids: ["{PT_ARN}"]
"""
    rows = rows_by(_allocate_with(tmp_path, capacity))
    # 3 x $2/h x 100 h = $600
    assert rows["a"]["cost_usd"] == pytest.approx(a + 0.2)
    assert rows["b"]["cost_usd"] == pytest.approx(b)


def test_capacity_hours_default_to_the_logged_days(tmp_path: Path, fixture_snapshot: Path) -> None:
    document = _allocate_with(tmp_path, PT.replace("    hours: 10\n", ""))
    # records on 10 and 11 January: 48 h x 2 units x $40
    assert document["capacity"][0]["hours"] == 48.0
    assert document["total"]["capacity_usd"] == pytest.approx(3840.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("model: acme.chat-v1:0", "model: acme.open-8b-v1:0"), "no public provisioned-throughput"),
        (
            ("model_units: 2", "model_units: 2\n    split: fixed\n    shares: {a: 0.5}"),
            "must sum to 1",
        ),
        (("model_units: 2", "model_units: 2\n    idle: separate"), "capacity_tokens_per_minute"),
        (("kind: provisioned", "kind: provisoned"), "provisioned"),
    ],
)
def test_bad_capacity(
    change: tuple[str, str], message: str, tmp_path: Path, fixture_snapshot: Path
) -> None:
    with pytest.raises(GenaiCostError, match=message):
        _allocate_with(tmp_path, PT.replace(*change))


SCENARIO = """\
name: acme-app
region: us-east-1
workloads:
  - name: chat
    model: acme.open-8b-v1:0
    options: [on_demand]
    tokens_per_request: {input: 1000, output: 1000}
    traffic: {requests_per_month: 73000}
  - name: search
    model: acme.open-8b-v1:0
    options: [on_demand]
    tokens_per_request: {input: 500, output: 0}
    traffic: {requests_per_month: 7300}
"""
# chat: 73,000 x 2,000 tokens x $0.20/1M = $29.20 a month; search: 7,300 x 500 x 0.2/1M = $0.73


def _variance_logs(tmp_path: Path) -> Path:
    logs = tmp_path / "variance.jsonl"
    chat = record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 1_000_000, 0, 0))
    chat["requestMetadata"] = {"workload": "chat"}
    other = record("acme.open-8b-v1:0", "us-east-1", day="2026-01-19", tokens=(500_000, 0, 0, 0))
    other["requestMetadata"] = {"workload": "experiments"}
    logs.write_text(json.dumps(chat) + "\n" + json.dumps(other) + "\n")
    return logs


def test_variance_from_logs(tmp_path: Path, fixture_snapshot: Path) -> None:
    from genai_cost.api import variance as run_variance

    scenario = tmp_path / "acme.yaml"
    scenario.write_text(SCENARIO)
    document = run_variance([scenario], logs=[str(_variance_logs(tmp_path))])
    # 10 January to 19 January: 10 days = 240 h of a 730-hour month
    factor = 240 / 730
    assert document["period"]["days"] == 10
    assert document["period"]["estimate_factor"] == pytest.approx(factor)
    rows = {r["workload"]: r for r in document["workloads"]}
    assert rows["chat"]["estimate_usd"] == pytest.approx(29.20 * factor)
    assert rows["chat"]["actual_usd"] == pytest.approx(0.40)
    assert rows["chat"]["variance_usd"] == pytest.approx(0.40 - 29.20 * factor)
    assert rows["chat"]["variance_percent"] == pytest.approx((0.40 / (29.20 * factor) - 1) * 100)
    assert rows["chat"]["estimated_requests"] == pytest.approx(73000 * factor)
    assert rows["chat"]["actual_requests"] == 1
    assert rows["search"]["actual_usd"] is None and rows["search"]["variance_usd"] is None
    assert document["not_in_estimate"] == [{"key": "experiments", "actual_usd": pytest.approx(0.1)}]


def _ce_client() -> Any:
    import boto3

    return boto3.client(
        "ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_variance_from_cost_explorer(tmp_path: Path, fixture_snapshot: Path, cli: Any) -> None:
    import datetime as dt

    from genai_cost.api import variance as run_variance

    scenario = tmp_path / "acme.yaml"
    scenario.write_text(SCENARIO)
    client = _ce_client()
    period = {"Start": "2026-01-01", "End": "2026-01-11"}
    services = ["Amazon Bedrock", "Claude 3.5 Sonnet (Amazon Bedrock Edition)"]
    with Stubber(client) as stub:
        stub.add_response(
            "get_dimension_values",
            {
                "DimensionValues": [{"Value": s, "Attributes": {}} for s in services],
                "ReturnSize": 2,
                "TotalSize": 2,
            },
            {"TimePeriod": period, "Dimension": "SERVICE", "SearchString": "Bedrock"},
        )
        expected = {
            "TimePeriod": period,
            "Granularity": "MONTHLY",
            "Metrics": ["UnblendedCost"],
            "GroupBy": [{"Type": "TAG", "Key": "workload"}],
            "Filter": {
                "And": [
                    {"Dimensions": {"Key": "SERVICE", "Values": services}},
                    {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Usage"]}},
                ]
            },
        }

        def page(groups: list[tuple[str, str]], token: str | None) -> dict[str, Any]:
            answer: dict[str, Any] = {
                "GroupDefinitions": [{"Type": "TAG", "Key": "workload"}],
                "ResultsByTime": [
                    {
                        "TimePeriod": period,
                        "Total": {},
                        "Groups": [
                            {
                                "Keys": [k],
                                "Metrics": {"UnblendedCost": {"Amount": a, "Unit": "USD"}},
                            }
                            for k, a in groups
                        ],
                        "Estimated": True,
                    }
                ],
            }
            if token:
                answer["NextPageToken"] = token
            return answer

        stub.add_response("get_cost_and_usage", page([("workload$chat", "10.5")], "p2"), expected)
        stub.add_response(
            "get_cost_and_usage",
            page([("workload$chat", "1.5"), ("workload$", "2.25")], None),
            {**expected, "NextPageToken": "p2"},
        )
        document = run_variance(
            [scenario],
            ce_client=client,
            tag="workload",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 1, 11),
        )
        stub.assert_no_pending_responses()
    rows = {r["workload"]: r for r in document["workloads"]}
    factor = 240 / 730
    assert rows["chat"]["actual_usd"] == pytest.approx(12.0)
    assert rows["chat"]["variance_usd"] == pytest.approx(12.0 - 29.20 * factor)
    assert rows["chat"]["actual_requests"] is None
    assert document["not_in_estimate"] == [{"key": "(untagged)", "actual_usd": 2.25}]


def test_variance_cli(tmp_path: Path, fixture_snapshot: Path, cli: Any) -> None:
    scenario = tmp_path / "acme.yaml"
    scenario.write_text(SCENARIO)
    logs = str(_variance_logs(tmp_path))
    result = cli("variance", str(scenario), "--logs", logs, "--format", "markdown")
    assert result.code == 0
    assert "| acme-app | chat | $9.60 | $0.40 | -$9.20 | -95.8% |" in result.out
    assert "experiments: $0.10" in result.out
    assert cli("variance", str(scenario)).code == 2
    bad = cli(
        "variance",
        str(scenario),
        "--cost-explorer",
        "--tag",
        "w",
        "--start",
        "2026-13-01",
        "--end",
        "2026-02-01",
    )
    assert bad.code == 2 and "--start '2026-13-01'" in bad.err
    table = cli("variance", str(scenario), "--logs", logs)
    assert table.code == 0 and "no actuals" in table.out


def _spark_missing() -> str | None:
    """Why Spark cannot run here (None: it can). CI installs both and never skips."""
    import importlib.util
    import shutil

    if os.environ.get("CI"):
        return None
    if shutil.which("java") is None:
        return "Spark needs a Java 17+ runtime"
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed: pip install -e '.[dev,spark]'"
    return None


@pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))
def test_spark_and_duckdb_give_identical_allocations(
    tmp_path: Path, fixture_snapshot: Path
) -> None:
    logs = write_logs(tmp_path / "logs")
    odd = tmp_path / "logs" / "odd.ndjson"
    late = record("acme.open-8b-v1:0", "us-east-1", tokens=(1_000_000, 0, 0, 0), team="t")
    late["timestamp"] = "2026-01-31T23:30:00-05:00"
    negative = record("acme.open-8b-v1:0", "us-east-1", tokens=(-5, 0, 0, 0), team="t")
    odd.write_text("\n".join([json.dumps(late), json.dumps(negative), "[1, 2]", '"x"']) + "\n")
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text(BUDGETS)
    options: dict[str, Any] = {
        "tenant": "metadata:team",
        "by": ["tenant", "model", "day"],
        "budgets": budgets,
    }
    duck = run_allocation([str(logs)], engine="duckdb", **options)
    spark = run_allocation([str(logs)], engine="spark", **options)
    assert spark == duck
    assert duck["records"] == {"read": 11, "allocated": 5, "not_allocated": 6}
    assert {r["day"] for r in duck["rows"]} == {"2026-01-10", "2026-02-01"}


def test_progress_bar_goes_to_stderr_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from genai_cost.tracking.logs import read_usage
    from genai_cost.tracking.sources import local_files

    files = local_files(write_logs(tmp_path))
    quiet = read_usage(files, ["team"])
    shown = read_usage(files, ["team"], progress=True)
    assert capsys.readouterr().out == ""
    assert shown.records == quiet.records == 7
    assert {k: list(v) for k, v in shown.columns.items()} == {
        k: list(v) for k, v in quiet.columns.items()
    }


def test_resolve_profiles_makes_a_client_in_the_profile_region(
    tmp_path: Path, fixture_snapshot: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    made: list[str] = []

    def client(service: str, region_name: str) -> Any:
        made.append(f"{service} {region_name}")
        real = boto3.session.Session().client(
            service, region_name=region_name, aws_access_key_id="x", aws_secret_access_key="x"
        )
        stub = Stubber(real)
        stub.add_client_error("get_inference_profile", "AccessDeniedException", "not allowed")
        stub.activate()
        return real

    monkeypatch.setattr(boto3, "client", client)
    result = cli("allocate", str(_profile_logs(tmp_path)), "--resolve-profiles", "--format", "json")
    assert result.code == 0 and made == ["bedrock us-east-1"]
    document = json.loads(result.out)
    # the logs carry no requestMetadata at all: that is said too (every record is untagged)
    [untagged] = document["notes"]
    assert "keys are: none" in untagged
    [problem] = document["problems"]
    assert "AccessDeniedException" in problem["reason"] and APP_PROFILE in problem["reason"]


@pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))
def test_spark_errors_are_bad_input(cli: Any) -> None:
    result = cli("allocate", "s3a://genai-cost-no-such-bucket/logs/", "--engine", "spark")
    assert result.code == 2
    assert result.err.startswith("error: Spark could not read the logs: ")


def test_a_projected_overrun_shows_in_every_format_and_can_fail(
    tmp_path: Path, fixture_snapshot: Path, cli: Any
) -> None:
    """search is at 92 % of its budget ('alert') and projected at 285 % ('fail'): the table
    and Markdown say so, and --fail-on-projection turns it into exit 1."""
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text(BUDGETS.replace("  ads: {monthly_usd: 15}\n", "  ads: {monthly_usd: 500}\n"))
    logs = str(write_logs(tmp_path / "logs"))
    args = ("allocate", logs, "--tenant", "metadata:team", "--budgets", str(budgets))
    for fmt in ("table", "markdown"):
        result = cli(*args, "-f", fmt)
        assert result.code == 0, result
        assert "alert; projected fail" in result.out, fmt
    assert cli(*args, "--fail-on-projection").code == 1


def test_blank_lines_are_skipped_and_indented_records_read(
    tmp_path: Path, fixture_snapshot: Path
) -> None:
    """Only a line that is empty or all spaces is skipped (the reader trims only lines
    that do not start with '{'); an indented record is still a record."""
    one = record("acme.open-8b-v1:0", "us-east-1", tokens=(500_000, 500_000, 0, 0), team="t")
    logs = tmp_path / "spaced.ndjson"
    logs.write_text("\n".join(["", "   ", json.dumps(one), "  " + json.dumps(one)]) + "\n")
    document = run_allocation([str(logs)], tenant="metadata:team")
    assert document["problems"] == []
    assert rows_by(document)["t"]["requests"] == 2
    assert document["total"]["cost_usd"] == pytest.approx(0.4)  # 2 x (0.5*0.2 + 0.5*0.2)
