"""Customization paths, spot training, commitments, shared endpoints, redundancy, regions and
supporting services — each against hand-computed figures from the bundled snapshot's
published prices (or round fixture prices), with the arithmetic in comments."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cost.engine.costs.training import (
    expected_wall_time_hours,
    optimal_checkpoint_interval_hours,
    young_interval_hours,
)
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def scenario_doc(cli: Any, path: str, *args: str) -> dict[str, Any]:
    result = cli("estimate", path, "-f", "json", *args)
    assert result.code == 0, result
    return json.loads(result.out)["scenarios"][0]


# --- spot training: Daly 2006 / Young 1974 ---------------------------------------------------


def daly_by_hand(w: float, lam: float, tau: float, delta: float, r: float) -> float:
    m = 1 / lam
    return m * math.exp(r / m) * (math.exp((tau + delta) / m) - 1) * w / tau


def test_optimal_interval_and_wall_time_by_hand() -> None:
    # M = 20 h, δ = 0.1 h: Young √(2 × 0.1 × 20) = 2 h; Daly 2 × (1 + √0.0025/3 + 0.0025/9) − 0.1
    assert float(young_interval_hours(20, 0.1)) == pytest.approx(2.0)
    daly = 2 * (1 + 0.05 / 3 + 0.0025 / 9) - 0.1  # = 1.933889
    assert float(optimal_checkpoint_interval_hours(20, 0.1)) == pytest.approx(daly, rel=1e-12)
    # δ >= 2M: the interval is M
    assert float(optimal_checkpoint_interval_hours(1.0, 3.0)) == pytest.approx(1.0)
    # W = 40 h, λ = 0.05/h, τ = τ*, δ = 0.1 h, R = 0.25 h
    expected = daly_by_hand(40, 0.05, daly, 0.1, 0.25)
    assert expected == pytest.approx(44.84, abs=0.005)
    got = float(expected_wall_time_hours(40, 0.05, daly, 0.1, 0.25))
    assert got == pytest.approx(expected, rel=1e-12)
    # no interruptions: only the checkpoint writes remain, W (τ + δ) / τ
    assert float(expected_wall_time_hours(40, 0.0, 2.0, 0.1, 0.25)) == pytest.approx(42.0)


@settings(max_examples=300, deadline=None)
@given(
    w=st.floats(0.1, 1000),
    lam=st.floats(0, 2),
    delta=st.floats(0, 1),
    r=st.floats(0, 2),
    tau=st.floats(0.05, 50),
)
def test_spot_time_never_below_on_demand_time(
    w: float, lam: float, delta: float, r: float, tau: float
) -> None:
    t = float(expected_wall_time_hours(w, lam, tau, delta, r))
    assert t >= w * (1 - 1e-12) or not math.isfinite(t)
    more = float(expected_wall_time_hours(w, lam * 1.5 + 0.01, tau, delta, r))
    assert more >= t * (1 - 1e-9) or not math.isfinite(more)


def test_spot_training_job_scenario(cli: Any) -> None:
    [job] = scenario_doc(cli, "scenarios/spot-training.yaml")["training_jobs"]
    # on demand: 2 x 40 h x $10.49264 (g6e.12xlarge, us-east-1) = $839.4112, plus
    # checkpoints 60 GB x 3 months x $0.023 = $4.14: $843.5512 per run, once a month
    assert job["on_demand"]["usd_per_run"] == pytest.approx(843.5512)
    assert job["checkpoint_storage"]["usd"] == pytest.approx(4.14)
    spot = job["spot"]
    tau = 2 * (1 + 0.05 / 3 + 0.0025 / 9) - 0.1
    wall = daly_by_hand(40, 0.05, tau, 0.1, 0.25)
    assert spot["optimal_checkpoint_interval_hours"] == pytest.approx(tau)
    assert spot["wall_hours"] == pytest.approx(wall)
    assert spot["time_penalty_hours"] == pytest.approx(wall - 40)
    assert spot["usd_per_run"] == pytest.approx(2 * wall * 4.20 + 4.14)


# --- customization paths -----------------------------------------------------------------


def paths(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in doc["customization"]["paths"]}


def test_customization_paths_by_hand(cli: Any) -> None:
    doc = scenario_doc(cli, "scenarios/customization-paths.yaml")
    custom = doc["customization"]
    # today: 2M requests x (800 x $0.30 + 250 x $0.60) / 1M = $780 a month, $9,360 a year
    assert custom["baseline"] == {"monthly_cost_usd": 780.0, "horizon_cost_usd": 9360.0}
    p = paths(doc)
    # prompting: 2M x (2,000 x 0.30 + 250 x 0.60) / 1M = $1,500 a month
    assert p["few-shot-prompt"]["monthly_cost_usd"] == 1500.0
    assert p["few-shot-prompt"]["meets_target"] is False
    rag = {c["name"]: c["usd"] for c in p["rag-product-docs"]["components"]}
    assert rag == pytest.approx(
        {
            "corpus_embedding": 1.0,  # 50M tokens x $0.02 / 1M
            "inference": 1680.0,  # 2M x (2,300 x 0.30 + 250 x 0.60) / 1M
            "corpus_refresh_embedding": 0.1,  # 10 % of the corpus a month
            "query_embeddings": 2.4,  # 2M x 60 tokens x $0.02 / 1M
            "vector_store_compute": 700.8,  # minimum 4 OCU x 730 h x $0.24 (the store's floor)
            "vector_store_storage": 0.12,  # 5 GB x $0.024
        }
    )
    assert p["rag-product-docs"]["horizon_cost_usd"] == pytest.approx(1.0 + 12 * 2383.42)
    tune = {c["name"]: c["usd"] for c in p["fine-tuned-command-light"]["components"]}
    # training 20M tokens x 3 epochs x $1 / 1M = $60, at month 0 and every 3 months:
    # 1 + (12 - 1) // 3 = 4 trainings, $240 in all; storage $1.95 a month; 1 custom model
    # unit at the no-commitment custom price: 730 h x $8.56 = $6,248.80 a month
    assert tune == pytest.approx(
        {
            "training": 240.0,
            "custom_model_storage": 1.95,
            "custom_model_unit_hours": 6248.8,
        }
    )
    assert p["fine-tuned-command-light"]["horizon_cost_usd"] == pytest.approx(240 + 12 * 6250.75)
    assert p["distilled-nova-lite"]["feasible"] is False
    assert (
        "no public distillation price for amazon.nova-lite-v1:0"
        in p["distilled-nova-lite"]["reason"]
    )
    # cheapest over the year among the paths reaching 0.85: RAG ($28,602.04)
    assert custom["chosen"] == "rag-product-docs"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return str(path)


def test_target_changes_the_choice_and_distillation_by_hand(cli: Any, tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "customization-paths.yaml").read_text()
    higher = write(tmp_path, text.replace("target_quality: 0.85", "target_quality: 0.87"))
    assert scenario_doc(cli, higher)["customization"]["chosen"] == "fine-tuned-command-light"
    unreachable = write(tmp_path, text.replace("target_quality: 0.85", "target_quality: 0.99"))
    custom = scenario_doc(cli, unreachable)["customization"]
    assert custom["chosen"] is None
    assert custom["note"] == "no priced path reaches the target quality 0.99"
    priced = text.replace(
        "      epochs: 2\n",
        """      epochs: 2
      usd_per_1m_training_tokens: 2.0
      storage_usd_per_month: 1.5
      inference: {option: on_demand, usd_per_1m_input_tokens: 0.1, usd_per_1m_output_tokens: 0.4}
""",
    )
    p = paths(scenario_doc(cli, write(tmp_path, priced)))["distilled-nova-lite"]
    parts = {c["name"]: c["usd"] for c in p["components"]}
    # teacher (Claude Sonnet 4.6 in-region): 50,000 x 1,000 x $3.30 / 1M = $165 of input and
    # 50,000 x 600 x $16.50 / 1M = $495 of output, $660 in all
    assert parts["teacher_input_tokens"] == pytest.approx(165.0)
    assert parts["teacher_output_tokens"] == pytest.approx(495.0)
    # student: 80M x 2 epochs x $2 / 1M = $320; serving 2M x 800 x 0.1 / 1M = $160 of input
    # and 2M x 250 x 0.4 / 1M = $200 of output a month
    assert parts["training"] == pytest.approx(320.0)
    assert parts["custom_model_input_tokens"] == pytest.approx(160.0)
    assert parts["custom_model_output_tokens"] == pytest.approx(200.0)
    assert p["horizon_cost_usd"] == pytest.approx(980 + 12 * 361.5)


# --- redundancy, shared endpoints, services, commitments, regions -------------------------


def test_active_active_duplicates_fixed_capacity_only(cli: Any, tmp_path: Path) -> None:
    doc = json.loads(cli("estimate", "scenarios/multi-region-endpoints.yaml", "-f", "json").out)
    rows = {
        (r["option"], r["variant"]): r for r in doc["options"] if r["platform"] in (None, "ec2")
    }
    # 30 req/s x 128 x 1.5 peak = 5,760 tok/s over 3,450 x 0.8 -> 3 p5.4xlarge per region,
    # 2 regions active-active: 6 x 730 h x $6.88 = $30,134.40
    od = rows[("self_hosted", "on_demand")]
    assert od["capacity"] == 6 and od["monthly_cost_usd"] == pytest.approx(30134.40)
    # on-demand tokens are not duplicated: 78.84M x 2,176 x $0.22 / 1M = $37,742.29
    assert rows[("on_demand", None)]["monthly_cost_usd"] == pytest.approx(37742.2848)
    standby = (
        (ROOT / "scenarios" / "multi-region-endpoints.yaml")
        .read_text()
        .replace(
            "redundancy: {mode: active_active, regions: 2}",
            "redundancy: {mode: warm_standby, standby_fraction: 0.5}",
        )
    )
    doc = json.loads(cli("estimate", write(tmp_path, standby), "-f", "json").out)
    warm = next(
        r for r in doc["options"] if r["option"] == "self_hosted" and r["variant"] == "on_demand"
    )
    assert warm["capacity"] == 5  # 3 + ceil(3 x 0.5)


def test_shared_endpoint_packing(cli: Any, tmp_path: Path) -> None:
    [endpoint] = scenario_doc(cli, "scenarios/multi-region-endpoints.yaml")["shared_endpoints"]
    # 78 GiB of models within 96 GiB; load 150/900 + 90/900 + 200/1100 + 60/1100 + 40/1500
    # = 0.53 <= 0.8: one ml.g5.12xlarge, $7.09 x 730 = $5,175.70, against five ($25,878.50)
    assert endpoint["shared"]["instances"] == 1
    assert endpoint["shared"]["monthly_cost_usd"] == pytest.approx(5175.70)
    assert endpoint["separate"] == {"instances": 5, "monthly_cost_usd": 25878.5}
    text = (
        (ROOT / "scenarios" / "multi-region-endpoints.yaml")
        .read_text()
        .replace("memory_gib: 8,", "memory_gib: 30,")
        .replace("peak_output_tokens_per_second: 200,", "peak_output_tokens_per_second: 2000,")
    )
    [endpoint] = scenario_doc(cli, write(tmp_path, text))["shared_endpoints"]
    # email-router now needs 2,000 / (1,100 x 0.8) -> 3 dedicated instances; the other four
    # (20 + 30 + 18 + 16 GiB = 84 GiB) still fit one instance
    assert endpoint["shared"]["dedicated_replicas"] == {"email-router": 3}
    assert endpoint["shared"]["instances"] == 4


def test_supporting_services_tiers(cli: Any, tmp_path: Path) -> None:
    services = scenario_doc(cli, "scenarios/multi-region-endpoints.yaml")["supporting_services"]
    lines = {c["name"]: c["usd"] for c in services["components"]}
    assert lines == pytest.approx(
        {
            "s3_storage": 11.5,  # 500 GB x $0.023
            "data_transfer_out": 180.0,  # 2,000 GB x $0.09
            "inter_region_transfer": 16.0,  # 800 GB x $0.02
            "lambda_requests": 15.768,  # 78.84M x $0.20 / 1M
            "lambda_duration": 131.400657,  # 9,855,000 GB-s x $0.0000133334 (Arm)
            "api_gateway_requests": 78.84,  # 78.84M x $1.00 / 1M (HTTP API)
        }
    )
    text = (
        (ROOT / "scenarios" / "multi-region-endpoints.yaml")
        .read_text()
        .replace("data_transfer_out_gb: 2000", "data_transfer_out_gb: 20000")
        .replace("s3_storage_gb: 500", "s3_storage_gb: 60000")
    )
    services = scenario_doc(cli, write(tmp_path, text))["supporting_services"]
    lines = {c["name"]: c for c in services["components"]}
    # 10,240 GB x $0.09 + 9,760 GB x $0.085 = $921.60 + $829.60
    assert lines["data_transfer_out"]["usd"] == pytest.approx(1751.2)
    # beyond S3's first 50 TB (51,200 GB) the snapshot has no price: not silently priced
    assert lines["s3_storage"]["usd"] is None and "beyond 51,200" in lines["s3_storage"]["reason"]
    assert services["monthly_cost_usd"] is None


def test_commitment_breakeven(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    text = """\
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic: {requests_per_second: 2}
    self_hosted: {instance_type: gpu.small, platform: ec2}
    provisioned:
      input_tokens_per_minute_per_model_unit: 1000000
      output_tokens_per_minute_per_model_unit: 1000000
"""
    doc = json.loads(cli("estimate", write(tmp_path, text), "-f", "json").out)
    rows = {(r["option"], r["variant"]): r for r in doc["options"]}
    # reserved $1.25 / on-demand $2.00: the reservation pays off above 62.5 % of hours
    assert rows[("self_hosted", "reserved_1y")]["commitment_breakeven_fraction"] == 0.625
    assert rows[("self_hosted", "on_demand")]["commitment_breakeven_fraction"] is None


def test_regions_comparison(cli: Any) -> None:
    result = cli(
        "regions",
        "scenarios/support-chatbot.yaml",
        "--region",
        "eu-west-1",
        "--region",
        "us-east-1",
        "-f",
        "json",
    )
    rows = {r["region"]: r for r in json.loads(result.out)["regions"]}
    assert rows["us-east-1"]["monthly_cost_usd"] == 3244.2
    # Nova Lite has no in-region price in eu-west-1; from there it is called through the eu.
    # profile: 300,000 x (3,000 x $0.078 + 200 x $0.312) / 1M = $88.92, plus chat-turns on
    # the global profile, $3,210.00 as in us-east-1
    eu = rows["eu-west-1"]
    assert eu["feasible"] is True
    assert eu["monthly_cost_usd"] == pytest.approx(3210.00 + 88.92)
    assert "conversation-summaries called through the eu. profile" in eu["reason"]
    assert cli("regions", "scenarios/support-chatbot.yaml", "--region", "us-west-2").code == 0


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "instance_type: g6e.12xlarge",
            "instance_type: g6e.12xlarg",
            "did you mean 'g6e.12xlarge'?",
        ),
        (
            "interruptions_per_hour: 0.05",
            "interruptions_per_hour: -1",
            "greater than or equal to 0",
        ),
    ],
)
def test_bad_training_jobs(cli: Any, tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (ROOT / "scenarios" / "spot-training.yaml").read_text().replace(old, new)
    result = cli("estimate", write(tmp_path, text))
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_bad_customization_reference(cli: Any, tmp_path: Path) -> None:
    text = (
        (ROOT / "scenarios" / "customization-paths.yaml")
        .read_text()
        .replace(
            "  target_quality: 0.85\n", "  target_quality: 0.85\n  workloads: [product-answer]\n"
        )
    )
    result = cli("validate", write(tmp_path, text))
    assert result.code == 2 and "did you mean 'product-answers'" in result.err


@settings(max_examples=100, deadline=None)
@given(regions=st.integers(1, 4), fraction=st.floats(0.01, 1.0), units=st.integers(1, 50))
def test_redundancy_never_cheaper_than_one_region(
    regions: int, fraction: float, units: int
) -> None:
    from genai_cost.engine.capacity import with_redundancy

    base = np.array([float(units)])
    active = with_redundancy(base, np.array([float(regions)]), np.array([0.0]))
    warm = with_redundancy(base, np.array([1.0]), np.array([fraction]))
    assert active[0] >= base[0] and warm[0] >= base[0] + 1


def _breakeven_row_by_row(a: Any) -> Any:
    """`commitment_breakeven_fraction` as first written: each capacity's base price looked
    up row by row (the last base row of a capacity kept)."""
    import numpy as np

    fraction = np.full(a.size, np.nan)
    for k, result in enumerate(a.results):
        if result.usd_per_capacity_hour is None:
            continue
        rows = result.rows
        price = np.where(result.feasible, result.usd_per_capacity_hour, np.nan)
        base: dict[tuple[object, ...], float] = {}
        for local in range(rows.size):
            if rows.variant[local] == result.base_variant and price[local] > 0:
                key = (rows.workload_index[local], rows.platform[local], rows.instance_type[local])
                base[key] = float(price[local])
        for local in range(rows.size):
            if rows.variant[local] in result.uncommitted:
                continue
            key = (rows.workload_index[local], rows.platform[local], rows.instance_type[local])
            if key in base and np.isfinite(price[local]):
                fraction[int(a.offsets[k]) + local] = price[local] / base[key]
    return fraction


def test_commitment_breakeven_joined_at_once_is_the_row_by_row_answer(tmp_path: Path) -> None:
    """The commitment break-even of every row, found for all rows at once, is the row-by-row
    answer on every bundled scenario and on open-weights workloads self-hosted under every
    purchase (a commitment's price over its capacity's base price, NaN where either cannot
    be priced) — and some rows have one."""
    import numpy as np

    from genai_cost import api

    mine = tmp_path / "commitments.yaml"
    mine.write_text(
        "name: commitments\nregion: us-east-1\nworkloads:\n"
        "  - {name: a, model: meta.llama3-1-8b-instruct-v1:0, tokens_per_request: "
        "{input: 800, output: 200}, traffic: {requests_per_second: 20, "
        "peak_to_average_ratio: 2}}\n"
        "  - {name: b, model: meta.llama3-1-70b-instruct-v1:0, latency: batch_tolerant, "
        "tokens_per_request: {input: 2000, output: 300}, traffic: {requests_per_second: 5}}\n"
        "  - {name: c, model: mistral.mistral-7b-instruct-v0:2, tokens_per_request: "
        "{input: 128, output: 2048}, traffic: {requests_per_month: 1000000}}\n",
        encoding="utf-8",
    )
    found = 0
    for path in [*sorted((ROOT / "scenarios").glob("*.yaml")), mine]:
        a = api.estimate([path]).arrays
        got, want = a.commitment_breakeven_fraction(), _breakeven_row_by_row(a)
        assert np.array_equal(got, want, equal_nan=True), path.name
        found += int(np.isfinite(got).sum())
    assert found >= 6
