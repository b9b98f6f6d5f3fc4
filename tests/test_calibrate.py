"""`calibrate`: invocation logs generated from a known scenario come back as that scenario."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.calibrate import ROUND_TRIP, write_logs
from genai_cost.api import estimate
from tests.test_allocate import _spark_missing

SCALE = 0.03
"""Of the round-trip scenario's volumes: about 30,000 records in 30 days."""


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    write_logs(folder, yaml.safe_load(ROUND_TRIP), SCALE)
    return folder


def total(path: Path) -> float:
    value = estimate([path]).to_dict()["scenarios"][0]["total_monthly_cost_usd"]
    assert value is not None
    return float(value)


def test_round_trip_within_one_percent(cli: Any, logs: Path, tmp_path: Path) -> None:
    measured = tmp_path / "measured.yaml"
    result = cli("calibrate", str(logs), "-o", str(measured), "--name", "measured")
    assert result.code == 0, result.err
    assert "wrote" in result.err and "2 workload(s)" in result.err
    original = yaml.safe_load(ROUND_TRIP)
    for w in original["workloads"]:
        w["traffic"]["requests_per_month"] *= SCALE
    source = tmp_path / "original.yaml"
    source.write_text(yaml.safe_dump(original))
    assert total(measured) == pytest.approx(total(source), rel=0.01)

    doc = yaml.safe_load(measured.read_text())
    by_model = {w["model"]: w for w in doc["workloads"]}
    haiku = by_model["global.anthropic.claude-haiku-4-5-20251001-v1:0"]
    # 600,000 × 0.03 = 18,000 requests a month: 18,000 × 30 × 24 / 730 = 17,753 records in 30
    # days, calibrated back as 17,753 / 30 × 730 / 24 = 18,000 (to rounding of the count)
    assert haiku["traffic"]["requests_per_month"] == pytest.approx(18_000, abs=1.0)
    assert haiku["tokens_per_request"]["input"] == pytest.approx(1800, rel=0.01)
    assert haiku["tokens_per_request"]["cache_read"] == pytest.approx(2400, rel=0.01)
    profile = haiku["traffic"]["hourly_profile"]
    assert max(range(24), key=lambda h: profile[h]) in range(9, 17)  # office hours
    assert profile[3] < profile[12] / 5
    assert haiku["latency"] == "interactive"
    text = measured.read_text()
    assert "# Period 2026-10-01 to 2026-10-30 (30 days, UTC)" in text
    assert "# mean of inputTokenCount" in text and "peak-to-average" in text
    assert {u["input"] for u in doc["uncertainty"]} == {
        "tokens_per_request.input",
        "tokens_per_request.output",
    }


def record(model: str, day: int, hour: int, team: str | None, operation: str) -> str:
    data: dict[str, Any] = {
        "timestamp": f"2026-10-{day:02d}T{hour:02d}:00:00Z",
        "region": "us-east-1",
        "operation": operation,
        "modelId": model,
        "input": {"inputTokenCount": 100},
        "output": {"outputTokenCount": 10},
    }
    if team:
        data["requestMetadata"] = {"team": team}
    return json.dumps(data)


def test_by_metadata_and_batch_operations(cli: Any, tmp_path: Path) -> None:
    lines = [record("amazon.nova-lite-v1:0", d, 9, t, "Converse") for d in (1, 2) for t in "ab"]
    lines += [record("amazon.nova-micro-v1:0", 3, 2, "a", "ModelInvocationJob")]
    path = tmp_path / "logs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = cli("calibrate", str(path), "--by", "model,metadata:team")
    assert result.code == 0, result.err
    doc = yaml.safe_load(result.out)
    workloads = {w["name"]: w for w in doc["workloads"]}
    # team b called one model one way: named by the team alone (variance matches it by name)
    assert set(workloads) == {"a nova-lite-v1:0", "b", "a nova-micro-v1:0"}
    # two records each over a 3-day period: 2 / 3 × 730 / 24
    assert workloads["a nova-lite-v1:0"]["traffic"]["requests_per_month"] == pytest.approx(
        2 / 3 * 730 / 24, abs=1e-3
    )
    assert workloads["a nova-micro-v1:0"]["latency"] == "batch_tolerant"
    assert workloads["a nova-lite-v1:0"]["traffic"]["hourly_profile"][9] == 2


def test_bad_input_is_exit_2(cli: Any, tmp_path: Path) -> None:
    assert cli("calibrate", str(tmp_path), "--by", "team").code == 2
    empty = tmp_path / "empty.jsonl"
    empty.write_text("not json\n")
    result = cli("calibrate", str(empty))
    assert result.code == 2 and "no usable invocation-log records" in result.err
    arn = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123"
    profiled = tmp_path / "profiled.jsonl.gz"
    profiled.write_bytes(gzip.compress((record(arn, 1, 1, None, "Converse") + "\n").encode()))
    result = cli("calibrate", str(profiled))
    assert result.code == 2 and "--profiles" in result.err
    assert "Traceback" not in result.err


@pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))
def test_spark_gives_the_same_scenario(logs: Path) -> None:
    from genai_cost.tracking.calibrate import run_calibration

    duck, _ = run_calibration([str(logs)], engine="duckdb")
    spark, _ = run_calibration([str(logs)], engine="spark")
    assert spark.replace("(spark)", "(duckdb)") == duck
