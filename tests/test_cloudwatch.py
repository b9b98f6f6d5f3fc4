"""`calibrate` from Bedrock's CloudWatch metrics: metrics generated from a known scenario
come back as that scenario, from a saved AWS CLI response and through the API (botocore's
Stubber with responses in GetMetricData's and ListMetrics' own shapes), with clear errors.

Shapes: CloudWatch API reference, GetMetricData (MetricDataResults[{Id, Label, Timestamps,
Values, StatusCode}], NextToken) and ListMetrics (Metrics[{Namespace, MetricName,
Dimensions[{Name, Value}]}]); metric names: Bedrock user guide, "Monitor bedrock-runtime
inference using CloudWatch metrics"."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.calibrate import ROUND_TRIP
from genai_cost.api import estimate
from genai_cost.tracking.cloudwatch import label

START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
DAYS = 30
MODELS = {
    "assistant": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "tagger": "amazon.nova-lite-v1:0",
}
LATENCY_MS = {"assistant": (850.0, 2400.0, 4100.0), "tagger": (300.0, 700.0, 900.0)}
QUIET_DAY = 15
"""The tagger has no datapoint on this day: hours without requests."""


def _hourly(workload: dict[str, Any]) -> list[int]:
    """Requests in each UTC hour of a day: the scenario's volume over 730 h, by its profile."""
    per_day = workload["traffic"]["requests_per_month"] * 24 / 730
    weights = workload["traffic"]["hourly_profile"]
    return [round(per_day * w / sum(weights)) for w in weights]


def generated() -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """MetricDataResults for the round-trip scenario's November, and per workload the totals
    it holds (requests and tokens over the period)."""
    scenario = yaml.safe_load(ROUND_TRIP)
    results: list[dict[str, Any]] = []
    totals: dict[str, dict[str, float]] = {}
    for w in scenario["workloads"]:
        name, model = w["name"], MODELS[w["name"]]
        hourly = _hourly(w)
        tokens = w["tokens_per_request"]
        series: dict[str, list[tuple[str, float]]] = {
            m: []
            for m in ("Invocations", "InputTokenCount", "OutputTokenCount")
            + (("CacheReadInputTokenCount",) if tokens.get("cache_read") else ())
        }
        done = {"requests": 0.0, "input": 0.0, "output": 0.0, "cache_read": 0.0}
        for day in range(DAYS):
            if name == "tagger" and day + 1 == QUIET_DAY:
                continue
            for hour, n in enumerate(hourly):
                if n == 0:
                    continue
                stamp = (START + dt.timedelta(days=day, hours=hour)).isoformat()
                series["Invocations"].append((stamp, n))
                series["InputTokenCount"].append((stamp, n * tokens["input"]))
                series["OutputTokenCount"].append((stamp, n * tokens["output"]))
                if "CacheReadInputTokenCount" in series:
                    series["CacheReadInputTokenCount"].append((stamp, n * tokens["cache_read"]))
                done["requests"] += n
                done["input"] += n * tokens["input"]
                done["output"] += n * tokens["output"]
                done["cache_read"] += n * tokens.get("cache_read", 0)
        for metric, points in series.items():
            results.append(
                {
                    "Id": f"q{len(results)}",
                    "Label": label(metric, "Sum", model),
                    "Timestamps": [s for s, _ in points],
                    "Values": [float(v) for _, v in points],
                    "StatusCode": "Complete",
                }
            )
        for p, ms in zip(("p50", "p95", "p99"), LATENCY_MS[name], strict=True):
            results.append(
                {
                    "Id": f"q{len(results)}",
                    "Label": label("InvocationLatency", p, model),
                    "Timestamps": [START.isoformat()],
                    "Values": [ms],
                    "StatusCode": "Complete",
                }
            )
        totals[name] = done
    return results, totals


def test_round_trip_from_a_saved_response(cli: Any, tmp_path: Path) -> None:
    """Requests and tokens come back within 1 % (to the request, here), the hourly profile
    exactly, the latency percentiles as measured, the quiet day named; and the estimate of
    the written scenario is the metrics priced directly."""
    results, totals = generated()
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"MetricDataResults": results, "Messages": []}))
    measured = tmp_path / "measured.yaml"
    result = cli(
        "calibrate",
        "--cloudwatch-file",
        str(metrics),
        "--region",
        "us-east-1",
        "--month",
        "2026-11",
        "-o",
        str(measured),
        "--name",
        "measured",
    )
    assert result.code == 0, result.err
    assert "2 workload(s)" in result.err
    text = measured.read_text()
    written = yaml.safe_load(text)
    scenario = yaml.safe_load(ROUND_TRIP)
    by_model = {w["model"]: w for w in written["workloads"]}
    for w in scenario["workloads"]:
        got = by_model[MODELS[w["name"]]]
        done = totals[w["name"]]
        monthly = done["requests"] / DAYS * 730 / 24
        assert got["traffic"]["requests_per_month"] == pytest.approx(monthly, rel=1e-9)
        assert got["traffic"]["requests_per_month"] == pytest.approx(
            w["traffic"]["requests_per_month"] * (29 / 30 if w["name"] == "tagger" else 1),
            rel=0.01,
        )
        days = DAYS - (1 if w["name"] == "tagger" else 0)
        assert got["traffic"]["hourly_profile"] == [n * days for n in _hourly(w)]
        for kind in ("input", "output"):
            assert got["tokens_per_request"][kind] == pytest.approx(w["tokens_per_request"][kind])
        p50, p95, _ = LATENCY_MS[w["name"]]
        assert got["measured_latency"]["on_demand"] == {
            "p50_seconds": p50 / 1000,
            "p95_seconds": p95 / 1000,
        }
    assistant = by_model[MODELS["assistant"]]
    assert assistant["tokens_per_request"]["cache_read"] == pytest.approx(2400)
    # the tagger's quiet day: 24 hours without data, counted as no requests, and said
    assert "amazon.nova-lite-v1:0: hours without data, counted as no requests: 24 hours " in text
    assert "(2026-11-15 00:00–2026-11-15 23:00 UTC)" in text
    assert "amazon.nova-lite-v1:0: no CacheRead/CacheWriteInputTokenCount metrics" in text
    # the estimate is the metrics priced directly: tokens over the period at the snapshot's
    # on-demand prices, × 730 / (24 × 30) a month
    from genai_cost.catalog.lookup import on_demand_price
    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.tracking.profiles import from_model_id

    catalog = PricingOptions().catalog()
    expected = 0.0
    day = dt.date.today()
    for name, model in MODELS.items():
        ref = from_model_id(model)
        row = on_demand_price(
            catalog, str(ref.base_model), ref.scope, "us-east-1", ref.geo_profile, day
        ).row  # type: ignore[union-attr]
        done = totals[name]
        usd = (
            done["input"] * row.usd_per_1m_input_tokens
            + done["output"] * row.usd_per_1m_output_tokens
            + done["cache_read"] * (row.usd_per_1m_cache_read_input_tokens or 0.0)
        ) / 1e6
        expected += usd / DAYS * 730 / 24
    bill = estimate([measured]).to_dict()["scenarios"][0]
    assert bill["total_monthly_cost_usd"] == pytest.approx(expected, abs=0.01)


def _client() -> Any:
    import boto3

    return boto3.client(
        "cloudwatch",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def test_through_the_api_with_pages(tmp_path: Path) -> None:
    """ListMetrics finds the models; GetMetricData's pages (NextToken) are all read, with
    datetimes as boto3 returns them; the scenario is the saved response's."""
    from botocore.stub import ANY, Stubber

    from genai_cost.tracking.calibrate import run_cloudwatch_calibration

    results, _ = generated()
    for r in results:
        r["Timestamps"] = [dt.datetime.fromisoformat(s) for s in r["Timestamps"]]
    client = _client()
    stub = Stubber(client)
    stub.add_response(
        "list_metrics",
        {
            "Metrics": [
                {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "ModelId", "Value": MODELS["assistant"]}],
                }
            ],
            "NextToken": "more",
        },
        {"Namespace": "AWS/Bedrock", "MetricName": "Invocations"},
    )
    stub.add_response(
        "list_metrics",
        {
            "Metrics": [
                {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "ModelId", "Value": MODELS["tagger"]}],
                }
            ]
        },
        {"Namespace": "AWS/Bedrock", "MetricName": "Invocations", "NextToken": "more"},
    )
    half = len(results) // 2
    expected = {
        "MetricDataQueries": ANY,
        "StartTime": ANY,
        "EndTime": ANY,
        "ScanBy": "TimestampAscending",
    }
    stub.add_response(
        "get_metric_data",
        {"MetricDataResults": results[:half], "NextToken": "page2", "Messages": []},
        expected,
    )
    stub.add_response(
        "get_metric_data",
        {"MetricDataResults": results[half:], "Messages": []},
        {**expected, "NextToken": "page2"},
    )
    with stub:
        text, result, warnings = run_cloudwatch_calibration(
            region="us-east-1",
            month="2026-11",
            cloudwatch_client=client,
            today=dt.date(2026, 12, 7),
        )
    stub.assert_no_pending_responses()
    assert len(result.workloads) == 2 and warnings == []
    saved = tmp_path / "metrics.json"
    saved.write_text(json.dumps({"MetricDataResults": generated()[0]}))
    from_file, _, _ = run_cloudwatch_calibration(
        file=saved, region="us-east-1", month="2026-11", today=dt.date(2026, 12, 7)
    )
    assert text.split("\n", 1)[1] == from_file.split("\n", 1)[1].replace(
        str(saved), "CloudWatch AWS/Bedrock in us-east-1"
    )


def test_queries_for_the_aws_cli(cli: Any, tmp_path: Path) -> None:
    """`--cloudwatch-queries` writes the GetMetricData request the AWS CLI takes: hourly sums
    and the period's latency percentiles, each labelled with what it is."""
    target = tmp_path / "queries.json"
    result = cli(
        "calibrate",
        "--cloudwatch-queries",
        MODELS["tagger"],
        "--month",
        "2026-11",
        "-o",
        str(target),
    )
    assert result.code == 0, result.err
    request = json.loads(target.read_text())
    assert request["StartTime"] == "2026-11-01T00:00:00Z"
    assert request["EndTime"] == "2026-12-01T00:00:00Z"
    labels = {q["Label"]: q["MetricStat"]["Period"] for q in request["MetricDataQueries"]}
    assert labels[label("Invocations", "Sum", MODELS["tagger"])] == 3600
    assert labels[label("InvocationLatency", "p95", MODELS["tagger"])] == 30 * 86400
    import boto3

    model = boto3.client("cloudwatch", region_name="us-east-1").meta.service_model
    from botocore.validate import validate_parameters

    validate_parameters(request, model.operation_model("GetMetricData").input_shape)


def test_clear_errors(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.stub import Stubber

    from genai_cost.errors import AwsError
    from genai_cost.tracking.calibrate import run_cloudwatch_calibration

    # access denied names the IAM actions needed
    client = _client()
    stub = Stubber(client)
    stub.add_client_error(
        "list_metrics",
        service_error_code="AccessDenied",
        service_message="not allowed",
        http_status_code=403,
    )
    with stub, pytest.raises(AwsError, match="cloudwatch:GetMetricData, cloudwatch:ListMetrics"):
        run_cloudwatch_calibration(
            region="us-east-1",
            month="2026-11",
            cloudwatch_client=client,
            today=dt.date(2026, 12, 7),
        )
    # no credentials at all
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = cli("calibrate", "--cloudwatch", "--region", "us-east-1", "--month", "2026-11")
    assert result.code == 2 and "no AWS credentials found" in result.err
    assert "--cloudwatch-file" in result.err
    # a file: without a region, not JSON, no labelled series, a bad number
    results, _ = generated()
    good = tmp_path / "m.json"
    good.write_text(json.dumps({"MetricDataResults": results}))
    no_region = cli("calibrate", "--cloudwatch-file", str(good))
    assert no_region.code == 2 and "give --region" in no_region.err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert (
        "not a JSON file"
        in cli("calibrate", "--cloudwatch-file", str(broken), "--region", "us-east-1").err
    )
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"MetricDataResults": [{"Id": "m1", "Label": "CPU"}]}))
    unlabelled = cli("calibrate", "--cloudwatch-file", str(other), "--region", "us-east-1")
    assert unlabelled.code == 2 and "--cloudwatch-queries" in unlabelled.err
    results[0]["Values"][0] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"MetricDataResults": results}))
    negative = cli("calibrate", "--cloudwatch-file", str(bad), "--region", "us-east-1")
    assert negative.code == 2 and "-5 is not a count or a duration" in negative.err
    # a period with no traffic
    empty = cli(
        "calibrate",
        "--cloudwatch-file",
        str(good),
        "--region",
        "us-east-1",
        "--month",
        "2026-09",
    )
    assert empty.code == 2 and "no requests to measure" in empty.err


ENDPOINT_SCENARIO = """
name: served
workloads:
  - name: chat
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic: {requests_per_second: 3.2, peak_to_average_ratio: 1}
    options: [self_hosted]
    self_hosted:
      platform: sagemaker
      instance_type: gpu.small
      purchase: on_demand
      target_utilization_fraction: 0.8
      endpoint_name: chat-endpoint
"""


def _endpoint_metrics(gpu_percent: float = 18.0) -> dict[str, Any]:
    """A day of the endpoint's hourly metrics: 3.2 requests a second in its busiest hour
    (11,520 invocations, 2,880 per instance: 4 instances) at `gpu_percent` GPU; quieter hours
    at half that."""
    stamps = [(START + dt.timedelta(hours=h)).isoformat() for h in range(24)]
    invocations = [11_520.0 if h == 14 else 5_760.0 for h in range(24)]
    key = "chat-endpoint/AllTraffic"
    return {
        "MetricDataResults": [
            {
                "Id": "a",
                "Label": label("Invocations", "Sum", key),
                "Timestamps": stamps,
                "Values": invocations,
                "StatusCode": "Complete",
            },
            {
                "Id": "b",
                "Label": label("InvocationsPerInstance", "Sum", key),
                "Timestamps": stamps,
                "Values": [v / 4 for v in invocations],
                "StatusCode": "Complete",
            },
            {
                "Id": "c",
                "Label": label("GPUUtilization", "Average", key),
                "Timestamps": stamps,
                "Values": [gpu_percent if h == 14 else gpu_percent / 2 for h in range(24)],
                "StatusCode": "Complete",
            },
        ]
    }


def test_right_sizing_from_measured_utilisation_by_hand(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    """The benchmark (1,000 output tokens/s an instance at 1,000 / 1,000 tokens: one request
    a second) sizes 3.2 requests/s at 80 % to 4 × ml.gpu.small ($3/h): 4 × 730 × $3 =
    $8,760. CloudWatch measured those 4 instances at 18 % GPU in the busiest hour (3.2
    requests/s): one instance at full use serves 3.2 / 4 / 0.18 = 4.444 requests/s, 4,444
    output tokens/s. The peak at 80 % then needs ceil(3.2 / (4.444 × 0.8)) = ceil(0.9) = 1
    instance: $2,190, a saving of 3 × 730 × $3 = $6,570 — and applying the lever saves
    exactly that."""
    scenario = tmp_path / "served.yaml"
    scenario.write_text(ENDPOINT_SCENARIO)
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(_endpoint_metrics()))
    before = estimate([scenario]).to_dict()["scenarios"][0]["total_monthly_cost_usd"]
    assert before == pytest.approx(4 * 730 * 3.0)
    result = cli("optimize", str(scenario), "--endpoint-metrics", str(metrics), "-f", "json")
    assert result.code == 0, result.err
    [lever] = [
        lv for lv in json.loads(result.out)["scenarios"][0]["levers"] if lv["kind"] == "right_size"
    ]
    assert lever["monthly_saving_usd"] == pytest.approx(3 * 730 * 3.0)
    assert (
        "4 instances at 18% GPU" in lever["action"] and "4,444 output tokens/s" in lever["action"]
    )
    patch = lever["patch"]["workloads"][0]["self_hosted"]
    assert patch["output_tokens_per_second_per_instance"] == pytest.approx(3.2 / 4 / 0.18 * 1000)
    applied = tmp_path / "sized.yaml"
    rank = str(lever["rank"])
    done = cli(
        "optimize",
        str(scenario),
        "--endpoint-metrics",
        str(metrics),
        "--apply",
        rank,
        "-o",
        str(applied),
    )
    assert done.code == 0, done.err
    after = estimate([applied]).to_dict()["scenarios"][0]["total_monthly_cost_usd"]
    assert after == pytest.approx(730 * 3.0)
    assert before - after == pytest.approx(lever["monthly_saving_usd"], abs=0.005)


def test_right_sizing_needs_the_metrics_it_reads(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "served.yaml"
    scenario.write_text(ENDPOINT_SCENARIO)
    data = _endpoint_metrics()
    data["MetricDataResults"] = data["MetricDataResults"][:2]  # no GPUUtilization
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(data))
    result = cli("optimize", str(scenario), "--endpoint-metrics", str(metrics), "-f", "json")
    assert result.code == 0, result.err
    skipped = json.loads(result.out)["scenarios"][0]["not_priced"]
    [why] = [s["reason"] for s in skipped if s["kind"] == "right_size"]
    assert (
        "no /aws/sagemaker/Endpoints GPUUtilization datapoint for chat-endpoint/AllTraffic" in why
    )
    # metrics for a scenario whose workloads name no endpoint: said, not silently ignored
    unnamed = tmp_path / "unnamed.yaml"
    unnamed.write_text(ENDPOINT_SCENARIO.replace("      endpoint_name: chat-endpoint\n", ""))
    nothing = cli("optimize", str(unnamed), "--endpoint-metrics", str(metrics))
    assert nothing.code == 2 and "no workload names the endpoint" in nothing.err
    # the request to save them with the AWS CLI
    target = tmp_path / "q.json"
    written = cli(
        "calibrate", "--endpoint-queries", "chat-endpoint", "--month", "2026-11", "-o", str(target)
    )
    assert written.code == 0, written.err
    request = json.loads(target.read_text())
    metrics_asked = {q["MetricStat"]["Metric"]["MetricName"] for q in request["MetricDataQueries"]}
    assert {"Invocations", "InvocationsPerInstance", "GPUUtilization"} <= metrics_asked


def test_idle_capacity_from_an_endpoints_measured_utilisation(
    fixture_snapshot: Path, tmp_path: Path
) -> None:
    """A pool of 3 × ml.gpu.small ($3/h) for 100 hours, $900, whose endpoint CloudWatch
    measured at 18 % GPU in 1 hour and 9 % in 23 (mean (18 + 23 × 9) / 24 = 9.375 %): with
    idle: separate the users pay 9.375 % ($84.375) by tokens and $815.625 is the idle line;
    below a 50 % threshold it is flagged with $815.625 / 100 h × 730 = $5,954.06 a month."""
    from genai_cost.tracking.chargeback import run_allocation
    from tests.test_allocate import PT_ARN, _capacity_logs

    capacity = tmp_path / "capacity.yaml"
    capacity.write_text(
        f"""\
capacity:
  - name: pool
    kind: self_hosted
    platform: sagemaker
    instance_type: gpu.small
    region: us-east-1
    count: 3
    hours: 100
    idle: separate
    endpoint_name: chat-endpoint
    model_ids: ["{PT_ARN}"]
"""
    )
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(_endpoint_metrics()))
    document = run_allocation(
        [str(_capacity_logs(tmp_path))],
        tenant="metadata:team",
        capacity=capacity,
        endpoint_metrics=metrics,
        idle_threshold=0.5,
    )
    [entry] = document["capacity"]
    used = (18 + 23 * 9) / 24 / 100
    assert entry["utilization_fraction"] == pytest.approx(used)
    assert entry["utilization_measured"] is True
    assert entry["cost_usd"] == pytest.approx(900)
    assert entry["idle_usd"] == pytest.approx(900 * (1 - used))
    rows = {r["tenant"]: r for r in document["rows"]}
    assert rows["(idle capacity: pool)"]["cost_usd"] == pytest.approx(900 * (1 - used))
    # a used 3M of the 4M tokens on the pool, b 1M: the attributed $84.375 split 3:1
    assert rows["a"]["capacity_usd"] == pytest.approx(900 * used * 0.75)
    [idle] = document["idle_capacity"]
    assert idle["monthly_idle_usd"] == pytest.approx(900 * (1 - used) / 100 * 730)
    # without the metrics the entry cannot say its utilisation
    from genai_cost.errors import ArgumentError

    with pytest.raises(ArgumentError, match="give endpoint_metrics FILE"):
        run_allocation([str(_capacity_logs(tmp_path))], tenant="metadata:team", capacity=capacity)


def test_application_profiles_make_a_workload_per_tenant(tmp_path: Path) -> None:
    """CloudWatch's ModelId is what the caller used: two application inference profiles of
    one model, resolved with --profiles, split by their `team` tag into two workloads with
    their own volumes."""
    from genai_cost.tracking.calibrate import run_cloudwatch_calibration

    arn = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/"
    profiles = tmp_path / "profiles.yaml"
    profiles.write_text(
        "profiles:\n"
        f"  {arn}search01:\n    model: amazon.nova-lite-v1:0\n    tags: {{team: search}}\n"
        f"  {arn}ads00001:\n    model: amazon.nova-lite-v1:0\n    tags: {{team: ads}}\n"
    )
    results = []
    for profile, per_hour in (("search01", 100.0), ("ads00001", 40.0)):
        stamps = [(START + dt.timedelta(hours=h)).isoformat() for h in range(24 * DAYS)]
        for metric, each in (
            ("Invocations", 1),
            ("InputTokenCount", 500),
            ("OutputTokenCount", 50),
        ):
            results.append(
                {
                    "Id": f"q{len(results)}",
                    "Label": label(metric, "Sum", arn + profile),
                    "Timestamps": stamps,
                    "Values": [per_hour * each] * len(stamps),
                    "StatusCode": "Complete",
                }
            )
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"MetricDataResults": results}))
    _, result, _ = run_cloudwatch_calibration(
        file=metrics,
        region="us-east-1",
        by="model,profile-tag:team",
        profiles=profiles,
        today=dt.date(2026, 12, 7),
    )
    monthly = {w.tag: w.requests_per_month for w in result.workloads}
    # 100 and 40 requests an hour: × 730 a month
    assert monthly == {"search": pytest.approx(73_000), "ads": pytest.approx(29_200)}
    assert {w.name for w in result.workloads} == {"search", "ads"}
    with pytest.raises(Exception, match="CloudWatch metrics carry no requestMetadata"):
        run_cloudwatch_calibration(file=metrics, region="us-east-1", by="model,metadata:team")


def test_right_sizing_sets_the_autoscaling_limit_from_the_observed_peak(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    """Autoscaled on the same endpoint, with the day it measured: 1.6 requests/s an hour and
    3.2 in hour 14 (4,380,000 a month). The benchmark's 1 request/s an instance at 80 % needs
    2 instances an hour and 4 in hour 14; the measured 4,444 tokens/s an instance serve the
    busiest hour at 80 % with ceil(0.9) = 1, so the lever caps the policy at 1 instance
    (max_instances) beside the measured throughput: 24 instance-hours a day instead of 50."""
    profile = [1] * 14 + [2] + [1] * 9
    text = (
        ENDPOINT_SCENARIO.replace("options: [self_hosted]", "options: [autoscaled]").replace(
            "traffic: {requests_per_second: 3.2, peak_to_average_ratio: 1}",
            f"traffic: {{requests_per_month: 4380000, hourly_profile: {profile}}}",
        )
        + "    autoscaling: {scale_in_cooldown_seconds: 0}\n"
    )
    scenario = tmp_path / "auto.yaml"
    scenario.write_text(text)
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(_endpoint_metrics()))
    result = cli("optimize", str(scenario), "--endpoint-metrics", str(metrics), "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)["scenarios"][0]
    [lever] = [lv for lv in document["levers"] if lv["kind"] == "right_size"]
    patch = lever["patch"]["workloads"][0]
    assert patch["autoscaling"] == {"max_instances": 1}
    assert "autoscaling up to 1 instances" in lever["action"]
    # (50 − 24) instance-hours a day × 730 / 24 days × $3
    assert lever["monthly_saving_usd"] == pytest.approx(26 * 730 / 24 * 3.0)


def test_bill_capacity_measured_by_its_endpoint(tmp_path: Path, cli: Any) -> None:
    """The bill's ranker endpoint ($33.792, split 3 : 1 by headcount) measured at a mean 30 %
    GPU: $23.6544 of it idle; below a 50 % threshold it is flagged, with the idle cost over
    the bill's period scaled to a 730-hour month."""
    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.tracking.cur_allocate import run_cur_allocation
    from tests.test_cur import write_bill

    capacity = tmp_path / "capacity.yaml"
    capacity.write_text(
        "capacity:\n"
        "  - name: ranker\n"
        "    kind: self_hosted\n"
        "    region: us-east-1\n"
        "    instance_type: g5.xlarge\n"
        "    endpoint_name: ranker\n"
        "    model_ids: [ranker]\n"
        "    resource_ids: ['arn:aws:sagemaker:us-east-1:111122223333:endpoint/ranker']\n"
        "    split: headcount\n"
        "    shares: {search: 3, ads: 1}\n"
    )
    stamps = [(START + dt.timedelta(hours=h)).isoformat() for h in range(48)]
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(
        json.dumps(
            {
                "MetricDataResults": [
                    {
                        "Id": "g",
                        "Label": label("GPUUtilization", "Average", "ranker/AllTraffic"),
                        "Timestamps": stamps,
                        "Values": [20.0, 40.0] * 24,
                        "StatusCode": "Complete",
                    }
                ]
            }
        )
    )
    bill = str(write_bill(tmp_path / "bill"))
    document, _ = run_cur_allocation(
        [bill],
        tenant="tag:team",
        capacity=capacity,
        endpoint_metrics=metrics,
        idle_threshold=0.5,
        catalog=PricingOptions().catalog(),
    )
    [entry] = document["capacity"]
    assert entry["utilization_fraction"] == pytest.approx(0.30)
    assert entry["idle_usd"] == pytest.approx(33.792 * 0.7)
    [idle] = document["idle_capacity"]
    period = document["period"]
    days = (
        dt.date.fromisoformat(str(period["last_day"]))
        - dt.date.fromisoformat(str(period["first_day"]))
    ).days + 1
    assert idle["monthly_idle_usd"] == pytest.approx(33.792 * 0.7 / (days * 24) * 730)
    md = cli(
        "allocate",
        "--cur",
        bill,
        "--tenant",
        "tag:team",
        "--capacity",
        str(capacity),
        "--endpoint-metrics",
        str(metrics),
        "-f",
        "markdown",
    )
    assert md.code == 0, md.err
    assert "| `ranker` | 1 | " in md.out and "30.0% | $23.65 |" in md.out
    assert "### Idle capacity" in md.out


def test_right_sizing_to_another_instance_type_scales_by_the_benchmarks(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    """gpu.large's benchmark is 10 × gpu.small's at this shape (10,000 against 1,000 output
    tokens/s), so the measured 4,444 tokens/s on gpu.small become 44,444 on gpu.large. The
    workload is on SageMaker, where the snapshot has no gpu.large price: the lever is listed
    with the figure and that reason, not dropped."""
    scenario = tmp_path / "served.yaml"
    scenario.write_text(ENDPOINT_SCENARIO)
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(_endpoint_metrics()))
    result = cli("optimize", str(scenario), "--endpoint-metrics", str(metrics), "-f", "json")
    document = json.loads(result.out)["scenarios"][0]
    [moved] = [s for s in document["not_priced"] if "to gpu.large" in s["action"]]
    assert "× 10 (the benchmarks of gpu.large and gpu.small) = 44,444" in moved["action"]
    assert "no public on_demand price for sagemaker ml.gpu.large" in moved["reason"]


@pytest.mark.parametrize(("model_p95_us", "meets"), [(1_500_000, True), (2_500_000, False)])
def test_an_endpoints_measured_latency_is_the_options_evidence(
    cli: Any, fixture_snapshot: Path, tmp_path: Path, model_p95_us: float, meets: bool
) -> None:
    """ModelLatency + OverheadLatency (microseconds) over the period: P95 1.5 s + 0.1 s =
    1.6 s meets a 2 s target and goes into the plan as self_hosted's measured latency;
    2.5 s + 0.1 s = 2.6 s misses it, and the lever is listed with that reason."""
    scenario = tmp_path / "served.yaml"
    scenario.write_text(ENDPOINT_SCENARIO + "    latency_target: {p95_seconds: 2}\n")
    data = _endpoint_metrics()
    key = "chat-endpoint/AllTraffic"
    for metric, p50, p95 in (
        ("ModelLatency", 600_000.0, model_p95_us),
        ("OverheadLatency", 20_000.0, 100_000.0),
    ):
        for stat, value in (("p50", p50), ("p95", p95)):
            data["MetricDataResults"].append(
                {
                    "Id": f"{metric}{stat}",
                    "Label": label(metric, stat, key),
                    "Timestamps": [START.isoformat()],
                    "Values": [value],
                    "StatusCode": "Complete",
                }
            )
    metrics = tmp_path / "endpoint.json"
    metrics.write_text(json.dumps(data))
    result = cli("optimize", str(scenario), "--endpoint-metrics", str(metrics), "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)["scenarios"][0]
    if meets:
        [lever] = [lv for lv in document["levers"] if lv["kind"] == "right_size"]
        latency = lever["patch"]["workloads"][0]["measured_latency"]["self_hosted"]
        assert latency == {"p50_seconds": 0.62, "p95_seconds": 1.6}
        assert "measured P50 0.62 s, P95 1.6 s" in lever["action"]
    else:
        [skipped] = [
            s
            for s in document["not_priced"]
            if s["kind"] == "right_size" and "to gpu.large" not in s["action"]
        ]
        assert "misses the latency target: P95 2.6 s > target 2 s" in skipped["reason"]


def test_endpoint_metrics_fetched_from_the_account(
    cli: Any, fixture_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`calibrate --endpoint-queries NAME --cloudwatch` runs the request (every page) and saves
    the response as the AWS CLI would; optimize reads it as it reads the CLI's."""
    from botocore.stub import ANY, Stubber

    from genai_cost.tracking import cloudwatch

    results = _endpoint_metrics()["MetricDataResults"]
    for r in results:
        r["Timestamps"] = [dt.datetime.fromisoformat(t) for t in r["Timestamps"]]
    client = _client()
    stub = Stubber(client)
    expected = {
        "MetricDataQueries": ANY,
        "StartTime": ANY,
        "EndTime": ANY,
        "ScanBy": "TimestampAscending",
    }
    stub.add_response(
        "get_metric_data", {"MetricDataResults": results[:1], "NextToken": "t"}, expected
    )
    stub.add_response(
        "get_metric_data", {"MetricDataResults": results[1:]}, {**expected, "NextToken": "t"}
    )
    monkeypatch.setattr(cloudwatch, "client", lambda region, profile: client)
    saved = tmp_path / "endpoint.json"
    with stub:
        result = cli(
            "calibrate",
            "--endpoint-queries",
            "chat-endpoint",
            "--cloudwatch",
            "--region",
            "us-east-1",
            "--month",
            "2026-11",
            "-o",
            str(saved),
        )
    assert result.code == 0, result.err
    stub.assert_no_pending_responses()
    assert "3 series" in result.err
    scenario = tmp_path / "served.yaml"
    scenario.write_text(ENDPOINT_SCENARIO)
    optimized = cli("optimize", str(scenario), "--endpoint-metrics", str(saved), "-f", "json")
    levers = json.loads(optimized.out)["scenarios"][0]["levers"]
    [lever] = [lv for lv in levers if lv["kind"] == "right_size"]
    assert lever["monthly_saving_usd"] == pytest.approx(3 * 730 * 3.0)
