"""Autoscaled, asynchronous, serverless and batch-transform serving, and latency targets,
against hand-computed figures (fixture snapshot: ec2 gpu.small on_demand $2/h, spot $0.5/h,
sagemaker gpu.small $3/h; acme.open-8b-v1:0 on gpu.small 1,000 output tok/s at 1,000/1,000
tokens). A 730-hour month has 730 / 24 = 30.41666… days."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_cost.api import estimate
from genai_cost.decisions.curves import engine_sweep, workload_curves
from genai_cost.engine.options.autoscaled import billed_per_day
from tests.conftest import ROOT

DAYS = 730 / 24

# 12 quiet hours (weight 1), 12 busy hours (weight 3): the busy hours carry 3/48 of a day each.
PROFILE = [1] * 12 + [3] * 12


def rows(path: Path) -> dict[tuple[str, str | None, str | None], dict[str, Any]]:
    doc = estimate([path]).to_dict()
    return {(r["option"], r["variant"], r["platform"]): r for r in doc["options"]}


def scenario(body: str, *, latency: str = "interactive", volume: float = 4_380_000) -> str:
    return f"""
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    latency: {latency}
    tokens_per_request: {{input: 1000, output: 1000}}
    traffic: {{requests_per_month: {volume}, hourly_profile: {PROFILE}}}
    self_hosted: {{instance_type: gpu.small}}
{body}"""


def test_autoscaled_follows_the_profile_hour_by_hour(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario(
        scenario("    autoscaling: {scale_out_lead_seconds: 900, scale_in_cooldown_seconds: 300}\n")
    )
    r = rows(path)
    auto = r[("autoscaled", "on_demand", "ec2")]
    # busy hours: 4,380,000 / 30.4167 days × 3/48 / 3,600 s × 1,000 tokens = 2,500 tok/s
    # -> 3 instances of 1,000; quiet hours 833 tok/s -> 1.
    assert auto["instances_by_hour"] == [1.0] * 12 + [3.0] * 12
    # a day: 12 × 1 + 12 × 3 = 48 instance-hours; +2 started 900 s (0.25 h) before hour 12;
    # +2 kept 300 s (1/12 h) into hour 0 (the day wraps): 48 + 0.5 + 1/6 = 48.6667
    day = 48 + 0.5 + 2 / 12
    assert auto["components"][0]["quantity"] == pytest.approx(day * DAYS)
    assert auto["monthly_cost_usd"] == pytest.approx(day * DAYS * 2.0, abs=0.005)  # $2,960.56
    assert round(auto["monthly_cost_usd"], 2) == 2960.56  # to the cent
    fixed = r[("self_hosted", "on_demand", "ec2")]
    assert fixed["monthly_cost_usd"] == pytest.approx(3 * 730 * 2.0)  # $4,380.00, peak-sized
    assert auto["monthly_cost_usd"] < fixed["monthly_cost_usd"]
    # SageMaker endpoint autoscaling: the same hours at $3; no spot on SageMaker endpoints
    assert r[("autoscaled", "on_demand", "sagemaker")]["monthly_cost_usd"] == pytest.approx(
        day * DAYS * 3.0, abs=0.005
    )
    assert "spot" in r[("autoscaled", "spot", "sagemaker")]["reason"]
    # spot on EC2 only for batch-tolerant work; committed purchases are not autoscaled
    assert "two minutes" in r[("autoscaled", "spot", "ec2")]["reason"]
    assert ("autoscaled", "reserved_1y", "ec2") not in r


def test_autoscaled_limits_and_missing_profile(fixture_snapshot: Path, write_scenario: Any) -> None:
    capped = rows(write_scenario(scenario("    autoscaling: {max_instances: 2}\n")))
    assert "max_instances" in capped[("autoscaled", "on_demand", "ec2")]["reason"]
    ratio_only = write_scenario("""
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic: {requests_per_second: 2, peak_to_average_ratio: 1.5}
    self_hosted: {instance_type: gpu.small}
""")
    reason = rows(ratio_only)[("autoscaled", "on_demand", "ec2")]["reason"]
    assert "hourly_profile" in reason and "peak_to_average_ratio" in reason


def test_overlapping_lead_and_cooldown_bill_the_larger_count_not_the_sum() -> None:
    counts = np.full((1, 24), 3.0)
    counts[0, 1] = 1.0  # a one-hour dip: 2 kept for the cooldown, 2 started for the lead
    # lead 0.75 h and cooldown 0.5 h cover the whole dip hour: 3 instances run all of it
    billed = billed_per_day(counts, np.asarray([0.75]), np.asarray([0.5]))
    assert billed[0] == pytest.approx(23 * 3 + 3)
    # without overlap: 1 + 0.25 × 2 + 0.5 × 2 = 2.5 in the dip hour
    assert billed_per_day(counts, np.asarray([0.25]), np.asarray([0.5]))[0] == pytest.approx(
        69 + 2.5
    )


def test_async_inference_scales_to_zero(fixture_snapshot: Path, write_scenario: Any) -> None:
    zero_then_busy = f"""
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    latency: {{latency}}
    tokens_per_request: {{{{input: 1000, output: 1000}}}}
    traffic: {{{{requests_per_month: 1971000, hourly_profile: {[0] * 12 + [1] * 12}}}}}
    self_hosted: {{{{instance_type: gpu.small}}}}
"""
    r = rows(write_scenario(zero_then_busy.format(latency="batch_tolerant")))
    a = r[("async_inference", "on_demand", "sagemaker")]
    # busy hours: 1,971,000 / 30.4167 / 12 / 3,600 × 1,000 = 1,500 tok/s -> 2 instances;
    # the queue is empty half the day -> 0. Day: 24 instance-hours + 2 × 300 s cooldown.
    assert a["instances_by_hour"] == [0.0] * 12 + [2.0] * 12
    assert a["monthly_cost_usd"] == pytest.approx((24 + 2 / 12) * DAYS * 3.0, abs=0.005)
    assert round(a["monthly_cost_usd"], 2) == 2205.21
    slow = rows(
        write_scenario(
            zero_then_busy.format(latency="batch_tolerant")
            + "    measured_latency: {async_inference: {p95_seconds: 4000}}\n"
        )
    )
    assert (
        "one-hour processing limit" in slow[("async_inference", "on_demand", "sagemaker")]["reason"]
    )
    interactive = rows(write_scenario(zero_then_busy.format(latency="interactive")))
    assert "queues requests" in interactive[("async_inference", "on_demand", "sagemaker")]["reason"]


SERVERLESS = """
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {{input: 200, output: 100}}
    traffic: {{requests_per_month: {volume}}}
    serverless:
      memory_mb: 2048
      max_concurrency: {concurrency}
      seconds_per_request: 2
      cold_start_fraction: 0.1
      cold_start_seconds: 10
      payload_kb_per_request: 50
      {prices}
{extra}"""
PRICES = "usd_per_gb_second: 0.00002\n      usd_per_gb_processed: 0.016"


def serverless_row(write_scenario: Any, **fields: Any) -> dict[str, Any]:
    values = {"volume": 100000, "concurrency": 10, "prices": PRICES, "extra": ""} | fields
    return rows(write_scenario(SERVERLESS.format(**values)))[("serverless", "2048 MB", "sagemaker")]


def test_serverless_compute_and_data(fixture_snapshot: Path, write_scenario: Any) -> None:
    row = serverless_row(write_scenario)
    # billed 2 s + 10 % × 10 s = 3 s at 2 GB = 6 GB-s a request: 600,000 GB-s × $0.00002 = $12
    # data: 100,000 × 50 KB = 5 GB × $0.016 = $0.08
    parts = {c["name"]: c for c in row["components"]}
    assert parts["compute"]["quantity"] == pytest.approx(600_000)
    assert parts["compute"]["usd"] == pytest.approx(12.0)
    assert parts["data_processed"]["quantity"] == pytest.approx(5.0)
    assert row["monthly_cost_usd"] == pytest.approx(12.08)
    assert row["cost_per_1k_requests_usd"] == pytest.approx(0.1208)


def test_serverless_limits_and_missing_prices(fixture_snapshot: Path, write_scenario: Any) -> None:
    # 10 M requests: 3.8 req/s × 3 s = 11.4 concurrent > 10
    throttled = serverless_row(write_scenario, volume=10_000_000)
    assert "max_concurrency" in throttled["reason"]
    unpriced = serverless_row(write_scenario, prices="")
    assert "no public price for sagemaker_serverless compute" in unpriced["reason"]
    assert "serverless.usd_per_gb_second" in unpriced["reason"]
    measured = rows(
        write_scenario("""
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 200, output: 100}
    traffic: {requests_per_month: 1000}
""")
    )[("serverless", None, "sagemaker")]
    assert "serverless.seconds_per_request" in measured["reason"]


def test_latency_targets(fixture_snapshot: Path, write_scenario: Any) -> None:
    extra = (
        "    latency: batch_tolerant\n"
        "    latency_target: {p95_seconds: 10}\n"
        "    measured_latency: {on_demand: {p50_seconds: 1, p95_seconds: 12}}\n"
    )
    r = rows(
        write_scenario(SERVERLESS.format(volume=1000, concurrency=10, prices=PRICES, extra=extra))
    )
    # serverless: more than 5 % cold, so P95 >= 2 s + 10 s cold start = 12 s > 10 s
    serverless = r[("serverless", "2048 MB", "sagemaker")]
    assert serverless["reason"] == "misses the latency target: P95 12 s > target 10 s"
    assert serverless["latency_p50_seconds"] == 2 and serverless["latency_p95_seconds"] == 12
    assert r[("on_demand", None, None)]["reason"] == (
        "misses the latency target: P95 12 s > target 10 s"
    )
    assert "measured_latency.batch" in r[("batch", None, None)]["reason"]


def test_batch_transform_instance_hours(fixture_snapshot: Path, write_scenario: Any) -> None:
    body = """
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    latency: {latency}
    tokens_per_request: {{input: 1000, output: 1000}}
    traffic: {{requests_per_month: 3600000}}
    batch_transform:
      instance_type: gpu.small
      usd_per_hour: 1.9
      jobs_per_month: 30
      startup_minutes_per_job: 6
"""
    r = rows(write_scenario(body.format(latency="batch_tolerant")))
    row = r[("batch_transform", "on_demand", "sagemaker_transform")]
    # 3.6 M × 1,000 tokens / 1,000 tok/s / 3,600 = 1,000 instance-hours; 30 × 6 min = 3 h
    parts = {c["name"]: c["quantity"] for c in row["components"]}
    assert parts == {"instance_hours": pytest.approx(1000), "startup_instance_hours": 3}
    assert row["monthly_cost_usd"] == pytest.approx(1003 * 1.9)  # $1,905.70
    interactive = rows(write_scenario(body.format(latency="interactive")))
    assert (
        "interactive"
        in interactive[("batch_transform", "on_demand", "sagemaker_transform")]["reason"]
    )


def test_breakeven_curves_match_the_engine(fixture_snapshot: Path, write_scenario: Any) -> None:
    """The break-even curves of the new options give the engine's own cost at any volume."""
    path = write_scenario(
        scenario(
            "    autoscaling: {scale_out_lead_seconds: 900}\n"
            "    options: [on_demand, autoscaled, batch_transform, serverless]\n"
            "    batch_transform: {usd_per_hour: 1.9, startup_minutes_per_job: 6}\n"
            "    serverless: {memory_mb: 2048, max_concurrency: 200, seconds_per_request: 2,"
            " payload_kb_per_request: 50, " + PRICES.replace("\n      ", ", ") + "}\n",
            latency="batch_tolerant",
        )
    )
    est = estimate([path])
    curves, _ = workload_curves(est, 0)
    volumes = np.asarray([1e5, 7.3e5, 2e6, 4.38e6, 9e6])
    swept = engine_sweep(est, 0, volumes)
    checked = 0
    for curve in curves:
        if curve.label in swept and (
            curve.follows_day or curve.fixed_usd or "serverless" in curve.label
        ):
            assert curve.cost(volumes) == pytest.approx(swept[curve.label], rel=1e-9)
            checked += 1
    assert checked >= 4  # autoscaled ec2 and sagemaker, batch transform, serverless


def test_bundled_business_hours_assistant(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    doc = json.loads(cli("estimate", "scenarios/business-hours-assistant.yaml", "-f", "json").out)
    r = {(o["option"], o["platform"]): o for o in doc["options"]}
    auto = r[("autoscaled", "ec2")]
    # busy hours: 70,000,000 / 30.4167 days × 10/120 / 3,600 × 1,000 tokens = 53,272 tok/s over
    # 15,220 × 0.8 = 12,176 a p5.4xlarge -> 5; overnight and evening (≤ 10,654 tok/s) -> 1.
    assert auto["instances_by_hour"] == [1.0] * 8 + [5.0] * 10 + [1.0] * 6
    # a day: 14 × 1 + 10 × 5 = 64 instance-hours, + 4 started 600 s early (4/6), + 4 kept
    # 300 s (4/12) = 65; × 30.4167 days = 1,977.08 h × $6.88 = $13,602.33
    assert round(auto["monthly_cost_usd"], 2) == 13602.33  # to the cent
    assert r[("self_hosted", "ec2")]["monthly_cost_usd"] == 25112.00  # 5 × 730 h × $6.88
    text = cli("estimate", "scenarios/business-hours-assistant.yaml", "-f", "markdown").out
    assert "instances a day: 1 × 14 h, 5 × 10 h" in text


def self_hosted_on_demand(
    cli: Any, tmp_path: Path, *workloads: tuple[str, str, int, float, str | None]
) -> list[dict[str, Any]]:
    """Estimate rows of bundled-snapshot workloads (name, model, tokens in = out, requests/s,
    platform or None for both) self-hosted on demand in us-east-1, the instance type open."""
    blocks = "".join(
        f"""  - name: {name}
    model: {model}
    tokens_per_request: {{input: {tokens}, output: {tokens}}}
    traffic: {{requests_per_second: {rate}}}
    self_hosted: {{{f"platform: {platform}, " if platform else ""}purchase: on_demand}}
    options: [self_hosted]
"""
        for name, model, tokens, rate, platform in workloads
    )
    path = tmp_path / "s.yaml"
    path.write_text("name: t\nregion: us-east-1\nworkloads:\n" + blocks)
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result.err
    options: list[dict[str, Any]] = json.loads(result.out)["options"]
    return options


def test_right_sizing_across_gpu_families(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each instance type uses the benchmark nearest the workload's shape, whichever source
    measured it: at 200 / 200 tokens the 8-GPU systems use Lambda's vLLM 0.5.4 figures (205 /
    197 tokens), the one-H100 and L40S types TensorRT-LLM's 128 / 128."""
    monkeypatch.chdir(ROOT)
    options = self_hosted_on_demand(
        cli, tmp_path, ("w", "meta.llama3-1-70b-instruct-v1:0", 200, 5, "ec2")
    )
    r = {o["instance_type"]: o for o in options}
    # 5 req/s × 200 = 1,000 output tok/s: one p4de.24xlarge (8 × A100, 1,162.78 tok/s) at
    # $27.44705/h, or one p5.48xlarge (8 × H100, 2,572.8 tok/s) at $55.04/h
    assert r["p4de.24xlarge"]["monthly_cost_usd"] == pytest.approx(730 * 27.44705)
    assert r["p4de.24xlarge"]["utilization_fraction"] == pytest.approx(1000 / 1162.78)
    assert r["p5.48xlarge"]["monthly_cost_usd"] == pytest.approx(730 * 55.04)
    assert "lambda-vllm-benchmark-v0" in r["p4de.24xlarge"]["sources"]
    # one p5.4xlarge (one H100, 3,378.03 tok/s at 128 / 128) at $6.88/h is the cheapest;
    # one g6e.12xlarge (four L40S, 1,523.52 tok/s) at $10.49264/h
    assert r["p5.4xlarge"]["monthly_cost_usd"] == pytest.approx(730 * 6.88)
    assert r["p5.4xlarge"]["cheapest"]
    assert r["g6e.12xlarge"]["monthly_cost_usd"] == pytest.approx(730 * 10.49264)
    assert "trtllm-perf-overview-v0.17" in r["g6e.12xlarge"]["sources"]


def test_breakeven_and_mix_with_the_new_options_by_hand(
    cli: Any, fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario(
        scenario(
            "    options: [on_demand, autoscaled, batch_transform]\n"
            "    batch_transform: {usd_per_hour: 0.72, jobs_per_month: 30,"
            " startup_minutes_per_job: 6}\n",
            latency="batch_tolerant",
        )
    )
    doc = json.loads(cli("breakeven", str(path), "--range", "1000:1e6", "-f", "json").out)
    [workload] = doc["workloads"]
    crossing = next(
        c
        for c in workload["crossings"]
        if {c["a"], c["b"]} >= {"on_demand"}
        and any("batch_transform" in x for x in (c["a"], c["b"]))
    )
    # on demand: 2,000 tokens × $0.20 / 1M = $0.0004 a request; batch transform: 1,000 tokens
    # / 1,000 tok/s = 1/3,600 h × $0.72 = $0.0002 a request + 30 × 6 min × $0.72 = $2.16 fixed:
    # 2.16 + 0.0002 V = 0.0004 V at V = 10,800 requests a month
    assert crossing["requests_per_month"] == pytest.approx(10_800)
    assert crossing["kind"] == "equal" and crossing["cost_a_usd"] == pytest.approx(4.32)
    assert crossing["cheaper_above"].startswith("batch_transform")
    mix = json.loads(cli("mix", str(path), "-f", "json").out)["workloads"][0]
    mixes = {m["capacity_option"]: m for m in mix["mixes"]}
    auto = mixes["autoscaled ec2 gpu.small on_demand"]
    estimate_doc = json.loads(cli("estimate", str(path), "-f", "json").out)
    [priced] = [
        o
        for o in estimate_doc["options"]
        if o["option"] == "autoscaled" and o["platform"] == "ec2" and o["variant"] == "on_demand"
    ]
    # autoscaled is a base now: all of it is its own price; capping it at n instances and
    # sending the overflow to batch transform ($0.0002 a request + $2.16 of start-ups) is
    # cheapest at n = 0 (one instance all day, 24 × 30.4167 × $2 = $1,460, already costs
    # more than all 4.38 M requests on batch transform: $876 + $2.16 = $878.16)
    assert auto["pure_capacity_usd"] == pytest.approx(priced["monthly_cost_usd"])
    assert auto["units"] == 0 and auto["share_served_by_capacity"] == 0
    assert auto["burst_option"] == "batch_transform sagemaker_transform gpu.small on_demand"
    assert auto["monthly_cost_usd"] == pytest.approx(4_380_000 * 0.0002 + 2.16)
    on_demand = 4_380_000 * 0.0004  # $1,752.00
    assert auto["saving_vs_on_demand_usd"] == pytest.approx(on_demand - auto["monthly_cost_usd"])


QUEUE_AND_SERVERLESS = """
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    latency: batch_tolerant
    tokens_per_request: {{input: 1000, output: 1000}}
    traffic: {{requests_per_month: 4380000, hourly_profile: {profile}}}
    options: [on_demand, async_inference, serverless{more}]
    self_hosted: {{instance_type: gpu.small, output_tokens_per_second_per_instance: 10000}}
    serverless:
      memory_mb: 2048
      max_concurrency: 200
      seconds_per_request: 2
      cold_start_fraction: 0.1
      cold_start_seconds: 10
      payload_kb_per_request: 50
      {prices}
    batch_transform: {{usd_per_hour: 0.72, jobs_per_month: 30, startup_minutes_per_job: 6}}
"""


def test_breakeven_and_mix_with_async_and_serverless_by_hand(
    cli: Any, fixture_snapshot: Path, write_scenario: Any
) -> None:
    """Asynchronous inference (a step function of volume) and serverless (linear) in
    `breakeven` and `mix`, every figure worked by hand.

    on demand: 2,000 tokens × $0.20 / 1M = $0.0004 a request.
    serverless: (2 s + 10 % × 10 s) × 2 GB = 6 GB-s × $0.00002 = $0.00012, plus 50 KB =
    0.00005 GB × $0.016 = $0.0000008: $0.0001208 a request.
    async: busy 12 hours a day (the rest empty); one ml.gpu.small ($3/h) at 10,000 tok/s
    serves 10 requests/s, so one instance suffices up to 10 × 3,600 × 12 × 30.4167 =
    13,140,000 requests; a day bills 12 hours + the 300 s cooldown after the last busy hour:
    (12 + 1/12) × 30.4167 × $3 = 145 × 730 × 3 / 288 = $1,102.6042.
    """
    profile = [0] * 12 + [1] * 12
    path = write_scenario(QUEUE_AND_SERVERLESS.format(profile=profile, more="", prices=PRICES))
    result = cli("breakeven", str(path), "--range", "100000:12000000", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    [workload] = doc["workloads"]
    async_label = "async_inference sagemaker gpu.small on_demand"
    serverless_label = "serverless sagemaker 2048 MB"
    assert set(workload["options"]) == {"on_demand", async_label, serverless_label}
    async_usd = 145 * 730 * 3 / 288
    found = {frozenset((c["a"], c["b"])): c for c in workload["crossings"]}
    assert set(found) == {
        frozenset(("on_demand", async_label)),
        frozenset((serverless_label, async_label)),
    }  # on demand and serverless are both linear without a fixed part: they never cross
    on_demand_vs_async = found[frozenset(("on_demand", async_label))]
    assert on_demand_vs_async["requests_per_month"] == pytest.approx(async_usd / 0.0004)  # 2.76 M
    assert on_demand_vs_async["cost_a_usd"] == pytest.approx(async_usd)
    assert on_demand_vs_async["cheaper_below"] == "on_demand"
    assert on_demand_vs_async["cheaper_above"] == async_label
    serverless_vs_async = found[frozenset((serverless_label, async_label))]
    # $1,102.6042 / $0.0001208 = 9,127,518.6 requests
    assert serverless_vs_async["requests_per_month"] == pytest.approx(async_usd / 0.0001208)
    assert serverless_vs_async["cheaper_below"] == serverless_label
    assert [b["cheapest"] for b in workload["bands"]] == [serverless_label, async_label]
    assert workload["bands"][0]["to_requests_per_month"] == pytest.approx(async_usd / 0.0001208)

    # mix at the scenario's volume (4,380,000 requests), batch transform added: its
    # instance-hours are 4.38 M × 1,000 / 10,000 tok/s / 3,600 = 121.667, plus 30 jobs × 6
    # minutes = 3, at $0.72: $89.76.
    path = write_scenario(
        QUEUE_AND_SERVERLESS.format(profile=profile, more=", batch_transform", prices=PRICES)
    )
    mix = json.loads(cli("mix", str(path), "-f", "json").out)["workloads"][0]
    alternatives = {a["option"]: a for a in mix["alternatives"]}
    on_demand = 4_380_000 * 0.0004  # $1,752.00
    expected = {
        serverless_label: 4_380_000 * 0.0001208,  # $529.10
        "batch_transform sagemaker_transform gpu.small on_demand": (121 + 2 / 3 + 3) * 0.72,
    }
    assert set(alternatives) == set(expected)
    # asynchronous capacity is a base: one instance in the busy hours ($1,102.60) against all
    # of it on batch transform, the cheapest burst ($89.76): none kept
    [queue] = mix["mixes"]
    assert queue["capacity_option"] == async_label and queue["units"] == 0
    assert queue["pure_capacity_usd"] == pytest.approx(async_usd)
    assert queue["burst_option"] == "batch_transform sagemaker_transform gpu.small on_demand"
    assert queue["monthly_cost_usd"] == pytest.approx((121 + 2 / 3 + 3) * 0.72)
    for label, usd in expected.items():
        assert alternatives[label]["monthly_cost_usd"] == pytest.approx(usd)
        assert alternatives[label]["saving_vs_on_demand_usd"] == pytest.approx(on_demand - usd)


def test_right_sizing_llama_3_1_across_families_by_hand(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With TensorRT-LLM's published figures for L40S, A100 80GB and H100 systems, Llama 3.1
    8B compares g6e.xlarge with p5.4xlarge and 70B five instance types; the pinned purchase
    is priced where it can be and the unpriced candidate (SageMaker ml.p5.4xlarge) is an
    infeasible row, not an error."""
    monkeypatch.chdir(ROOT)
    options = self_hosted_on_demand(
        cli,
        tmp_path,
        ("small", "meta.llama3-1-8b-instruct-v1:0", 1000, 10, None),
        ("large", "meta.llama3-1-70b-instruct-v1:0", 1000, 2, "ec2"),
    )
    small = {(o["platform"], o["instance_type"]): o for o in options if o["workload"] == "small"}
    # 10 req/s × 1,000 = 10,000 output tok/s (1,000 / 1,000 shape). g6e.xlarge (one L40S,
    # 4,054.71 tok/s): 3 instances × 730 h × $1.861 = $4,075.59; ml.g6e.xlarge at $2.61:
    # $5,715.90; p5.4xlarge (one H100, 15,220 tok/s): 1 × 730 × $6.88 = $5,022.40.
    assert small[("ec2", "g6e.xlarge")]["monthly_cost_usd"] == pytest.approx(4075.59)
    assert small[("sagemaker", "g6e.xlarge")]["monthly_cost_usd"] == pytest.approx(5715.90)
    assert small[("ec2", "p5.4xlarge")]["monthly_cost_usd"] == pytest.approx(5022.40)
    assert small[("ec2", "g6e.xlarge")]["cheapest"]
    assert small[("ec2", "g6e.xlarge")]["utilization_fraction"] == pytest.approx(
        10_000 / (3 * 4054.71)
    )
    assert (
        "no public on_demand price for sagemaker ml.p5.4xlarge"
        in (small[("sagemaker", "p5.4xlarge")]["reason"])
    )
    large = {o["instance_type"]: o for o in options if o["workload"] == "large"}
    # 2 req/s × 1,000 = 2,000 tok/s: p5.4xlarge (839.97, TP1) 3 × 730 × $6.88 = $15,067.20;
    # g6e.12xlarge (1,209.25, TP4) 2 × 730 × $10.49264; p4de.24xlarge (3,320.41, TP8)
    # 1 × 730 × $27.44705; p5.48xlarge (11,451.16, TP8) 1 × 730 × $55.04; g6e.48xlarge
    # (1,333.62, TP8) 2 × 730 × $30.13118.
    expected = {
        "p5.4xlarge": 3 * 730 * 6.88,
        "g6e.12xlarge": 2 * 730 * 10.49264,
        "p4de.24xlarge": 730 * 27.44705,
        "p5.48xlarge": 730 * 55.04,
        "g6e.48xlarge": 2 * 730 * 30.13118,
    }
    assert {k: v["monthly_cost_usd"] for k, v in large.items()} == pytest.approx(expected)
    assert large["p5.4xlarge"]["cheapest"]
    assert "trtllm-perf-overview-v0.17" in large["p4de.24xlarge"]["sources"]


def test_bundled_nightly_titles_on_asynchronous_inference(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled nightly-summaries scenario prices asynchronous inference from the snapshot
    alone: Llama 3.1 8B titles (500 / 20 tokens, 200,000 a month, 01:00-05:00 UTC) on
    ml.g6e.xlarge ($2.61/h), whose nearest benchmark shape is 128 / 128 (9,104.61 tok/s)."""
    monkeypatch.chdir(ROOT)
    doc = json.loads(cli("estimate", "scenarios/nightly-summaries.yaml", "-f", "json").out)
    [row] = [
        o
        for o in doc["options"]
        if o["workload"] == "summary-titles"
        and o["option"] == "async_inference"
        and o["instance_type"] == "g6e.xlarge"
    ]
    # a busy hour: 200,000 / 30.4167 / 4 / 3,600 × 20 = 9.1 tok/s -> 1 instance in hours 1-4,
    # none otherwise; a day: 4 h + 300 s cooldown = 4 1/12 h × 30.4167 days × $2.61 = $324.17
    assert row["instances_by_hour"] == [0.0] + [1.0] * 4 + [0.0] * 19
    assert round(row["monthly_cost_usd"], 2) == round((4 + 1 / 12) * 730 / 24 * 2.61, 2) == 324.17
    [transform] = [
        o
        for o in doc["options"]
        if o["workload"] == "summary-titles"
        and o["option"] == "batch_transform"
        and o["instance_type"] == "g6e.xlarge"
    ]
    assert (
        "no public on_demand price for sagemaker_transform ml.g6e.xlarge in us-east-1"
        in (transform["reason"])
    )


def test_serverless_curve_stops_at_its_concurrency_limit(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    """Serverless serves until its peak concurrency reaches max_concurrency: 10 concurrent
    invocations of 3 billed seconds (2 s + 10 % × 10 s cold) at a peak-to-average of 1 carry
    10 / 3 requests a second, 10 / 3 × 3,600 × 730 = 8,760,000 requests a month. The curve
    (break-even bands, the Monte Carlo) stops there as the engine does; it was an unbounded
    line, so bands named serverless at volumes it cannot serve."""
    from genai_cost.decisions.breakeven import breakeven_document

    path = write_scenario(SERVERLESS.format(volume=100000, concurrency=10, prices=PRICES, extra=""))
    result = estimate([path])
    curves, _ = workload_curves(result, 0)
    [curve] = [c for c in curves if c.label.startswith("serverless")]
    assert curve.max_volume == pytest.approx(8_760_000)
    # $12.08 for 100,000 requests: $0.0001208 a request, up to the limit
    assert float(curve.cost(8_700_000)) == pytest.approx(8_700_000 * 0.0001208)
    assert float(curve.cost(8_800_000)) == np.inf
    swept = engine_sweep(result, 0, [8_700_000, 8_800_000])
    label = curve.label
    assert swept[label][0] == pytest.approx(8_700_000 * 0.0001208)
    assert np.isnan(swept[label][1])
    [workload] = breakeven_document(result)["workloads"]
    for band in workload["bands"]:
        if band["from_requests_per_month"] >= 8_760_000 * (1 + 1e-9):
            assert not band["cheapest"].startswith("serverless"), band


BASE_AND_BURST = """
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {{input: 500, output: 500}}
    traffic: {{requests_per_month: 4380000, hourly_profile: {profile}}}
{options}    self_hosted:
      {{instance_type: gpu.small, platform: ec2, purchase: on_demand, usd_per_hour: 0.5}}
    autoscaling: {{scale_in_cooldown_seconds: 0}}
    serverless:
      memory_mb: 2048
      max_concurrency: 2
      seconds_per_request: 2
      cold_start_fraction: 0.1
      cold_start_seconds: 10
      payload_kb_per_request: 50
      usd_per_gb_second: 0.00001
      usd_per_gb_processed: 0.016
"""


@pytest.mark.parametrize("serverless", [False, True])
def test_mix_with_an_autoscaled_base_and_a_serverless_burst_by_hand(
    cli: Any, fixture_snapshot: Path, write_scenario: Any, serverless: bool
) -> None:
    """4,380,000 requests a month, 12 quiet hours (weight 1) and 12 busy (weight 3): 3,000 and
    9,000 requests an hour. 500 + 500 tokens on the 1,000 / 1,000 benchmark: an instance
    writes 1,000 output tokens a second, 2 requests, 7,200 an hour, at the scenario's
    $0.50/h. On demand: 1,000 tokens × $0.20 / 1M = $0.0002 a request. A 730-hour month is
    30.4167 days.

    Autoscaled (no cooldown) needs 1 instance in quiet hours and 2 in busy ones. Capped at
    n: n = 0, all on demand: $876.00; n = 1, 24 instance-hours a day = $365.00, and the busy
    hours' 1,800 requests an hour over = 657,000 requests on demand = $131.40: $496.40;
    n = 2, 36 instance-hours a day = $547.50, nothing over. The mix keeps one: $496.40, $51.10
    less than autoscaling alone. Self-hosting (always on) at n = 1 is the same $496.40.

    Serverless: 3 billed seconds × 2 GB = 6 GB-s × $0.00001 + 50 KB × $0.016 / GB =
    $0.0000608 a request, cheaper than on demand, but 2 concurrent invocations of 3 s take at
    most 2,400 requests an hour: it cannot serve the workload (9,000 in a busy hour) or n = 0's
    overflow, but it can take n = 1's 1,800: $365.00 + 657,000 × $0.0000608 = $404.9456."""
    profile = [1] * 12 + [3] * 12
    # a pinned option must be priceable: with serverless, every option is looked at instead
    pinned = "" if serverless else "    options: [on_demand, self_hosted, autoscaled]\n"
    path = write_scenario(BASE_AND_BURST.format(profile=profile, options=pinned))
    options = json.loads(cli("estimate", str(path), "-f", "json").out)["options"]
    auto = next(o for o in options if o["option"] == "autoscaled" and o["platform"] == "ec2")
    assert auto["instances_by_hour"] == [1.0] * 12 + [2.0] * 12
    assert auto["monthly_cost_usd"] == pytest.approx(36 * 730 / 24 * 0.5)  # $547.50
    if serverless:
        alone = next(o for o in options if o["option"] == "serverless")
        assert not alone["feasible"] and "max_concurrency" in alone["reason"]
    result = cli("mix", str(path), "-f", "json")
    assert result.code == 0, result.err
    mixes = {m["capacity_option"]: m for m in json.loads(result.out)["workloads"][0]["mixes"]}
    base = mixes["autoscaled ec2 gpu.small on_demand"]
    always_on = mixes["self_hosted ec2 gpu.small on_demand"]
    assert base["units"] == 1 and base["units_for_peak"] == 2
    assert base["pure_capacity_usd"] == pytest.approx(547.50)
    assert base["pure_on_demand_usd"] == pytest.approx(876.00)
    if serverless:
        assert base["burst_option"] == "serverless sagemaker 2048 MB"
        assert base["monthly_cost_usd"] == pytest.approx(365 + 657_000 * 0.0000608)
        assert base["burst_usd"] == pytest.approx(657_000 * 0.0000608)
    else:
        assert base["burst_option"] == "on_demand"
        assert base["monthly_cost_usd"] == pytest.approx(496.40)
        assert base["burst_usd"] == pytest.approx(131.40)
        assert base["saving_vs_capacity_usd"] == pytest.approx(51.10)
        assert base["saving_vs_on_demand_usd"] == pytest.approx(876.00 - 496.40)
    assert base["fixed_usd"] == pytest.approx(365.00)
    # served by the base: 3,000 × 12 + 7,200 × 12 of 3,000 × 12 + 9,000 × 12 requests a day
    assert base["share_served_by_capacity"] == pytest.approx((3000 + 7200) / (3000 + 9000))
    assert always_on["units"] == 1
    assert always_on["monthly_cost_usd"] == pytest.approx(base["monthly_cost_usd"])


@pytest.mark.parametrize(
    ("units", "expected"),
    [("auto", 365 + 657_000 * 0.0000608), (1, 365 + 657_000 * 0.0000608), (2, 547.50)],
)
def test_a_pinned_autoscaled_base_with_serverless_peaks_is_billed_as_mixed(
    fixture_snapshot: Path, write_scenario: Any, units: Any, expected: float
) -> None:
    """`base_load: {capacity: autoscaled, overflow: serverless}` bills the mix worked above:
    NAME-base autoscaled at most one instance an hour ($365.00), NAME on serverless for the
    busy hours' 1,800 requests an hour over it (657,000 a month × $0.0000608 = $39.9456) —
    a serverless endpoint that could not take the whole load is priced for the peaks alone.
    Two instances are the peak's: autoscaling alone, $547.50."""
    profile = [1] * 12 + [3] * 12
    pinned = (
        "    options: [autoscaled, serverless]\n"
        f"    base_load: {{capacity: autoscaled, overflow: serverless, units: {units}}}\n"
    )
    path = write_scenario(BASE_AND_BURST.format(profile=profile, options=pinned))
    bill = estimate([path]).to_dict()["scenarios"][0]["bill"]
    assert bill["total_monthly_cost_usd"] == pytest.approx(expected, abs=0.005)
    assert sum(c["usd"] for c in bill["components"]) == pytest.approx(expected, abs=0.005)
    if units != 2:
        items = {c["item"] for c in bill["components"]}
        assert items == {"w", "w-base"}


@pytest.mark.parametrize("most", [5, 24])
def test_autoscaled_rows_alone_are_rows_together(tmp_path: Path, most: int) -> None:
    """Each autoscaled row is evaluated as it is alone, bit for bit, when a call holds rows
    above `max_instances` beside rows that fit (most=5: of the two instance types one fits)
    and when every row fits (most=24): what a row costs never depends on its neighbours."""
    from genai_cost.engine.context import workload_arrays
    from genai_cost.engine.options import autoscaled

    text = (ROOT / "scenarios" / "business-hours-assistant.yaml").read_text()
    text = text.replace("      instance_type: p5.4xlarge\n", "")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("max_instances: 8", f"max_instances: {most}"))
    result = estimate([path])
    w = workload_arrays(result.specs)
    [option] = [r for r in result.arrays.results if r.rows.option == "autoscaled"]
    rows = option.rows
    together = autoscaled.evaluate(w, rows)
    above = together.failure == 4  # the row needs more than max_instances in some hour
    assert together.feasible.any() and above.any() == (most == 5)

    def bits(values: Any) -> Any:
        return np.asarray(values, dtype=np.float64).view(np.int64)

    for r in range(rows.size):
        alone = autoscaled.evaluate(w, rows.for_evaluation(np.array([r]), rows.workload_index[[r]]))
        assert alone.failure.tolist() == [together.failure[r]]
        for name in ("monthly_cost_usd", "capacity", "utilization_fraction"):
            assert np.array_equal(bits(getattr(alone, name)), bits(getattr(together, name)[[r]]))
        for a, t in zip(alone.components, together.components, strict=True):
            assert np.array_equal(bits(a.quantity), bits(t.quantity[[r]]))
        if together.feasible[r]:
            assert alone.schedule is not None and together.schedule is not None
            assert np.array_equal(bits(alone.schedule), bits(together.schedule[[r]]))
