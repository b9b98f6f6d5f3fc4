"""`optimize`: ranked levers, each re-priced by `estimate` on the patched scenario to the cent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from genai_cost.decisions.optimize import apply_patch
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def total(cli: Any, path: Path) -> float:
    doc = json.loads(cli("estimate", str(path), "-f", "json").out)
    return float(doc["scenarios"][0]["total_monthly_cost_usd"])


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_patch_is_repriced_by_estimate_to_the_cent(
    cli: Any, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("optimize", str(path), "-f", "json")
    assert result.code == 0, result.err
    [scenario] = json.loads(result.out)["scenarios"]
    before = total(cli, path)
    assert scenario["monthly_cost_usd"] == pytest.approx(before, abs=0.005)
    savings = [lever["monthly_saving_usd"] for lever in scenario["levers"]]
    assert savings == sorted(savings, reverse=True) and all(s > 0 for s in savings)
    for lever in scenario["levers"]:
        patched = tmp_path / f"patched-{lever['rank']}.yaml"
        applied = cli("optimize", str(path), "--apply", str(lever["rank"]), "-o", str(patched))
        assert applied.code == 0, applied.err
        after = total(cli, patched)
        assert round(after, 2) == round(lever["monthly_cost_after_usd"], 2), lever["action"]
        assert round(before - after, 2) == round(lever["monthly_saving_usd"], 2)


HINTED = """
name: hinted
region: us-east-1
workloads:
  - name: w
    model: acme.chat-v1:0
    tokens_per_request: {input: 10000, output: 1000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
    optimize:
      cacheable_input_fraction: 0.8
      cache_hit_fraction: 0.9
      candidate_models: [acme.open-8b-v1:0]
"""


def test_levers_by_hand(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    path = tmp_path / "hinted.yaml"
    path.write_text(HINTED)
    result = cli("optimize", str(path), "-f", "json")
    assert result.code == 0, result.err
    [scenario] = json.loads(result.out)["scenarios"]
    # now: 1,000 × (10,000 × $8 + 1,000 × $24) / 1M = $104.00
    assert scenario["monthly_cost_usd"] == pytest.approx(104.0)
    levers = {lever["kind"]: lever for lever in scenario["levers"]}
    # caching 80 %: 2,000 input × $8 + 7,200 cache reads × $0.8 + 800 cache writes × $10
    # + 1,000 output × $24 = $16 + $5.76 + $8 + $24 = $53.76 a thousand requests
    caching = levers["caching"]
    assert caching["monthly_cost_after_usd"] == pytest.approx(53.76)
    assert caching["monthly_saving_usd"] == pytest.approx(104.0 - 53.76)
    assert caching["share_of_bill"] == pytest.approx((104.0 - 53.76) / 104.0)
    assert caching["patch"] == {
        "workloads": [
            {
                "name": "w",
                "tokens_per_request": {"input": 2000, "cache_read": 7200, "cache_write": 800},
            }
        ]
    }
    # the named smaller model: 11,000 tokens × $0.20 / 1M × 1,000 = $2.20
    model = levers["model"]
    assert model["monthly_cost_after_usd"] == pytest.approx(2.2)
    assert "quality not assessed" in model["risk"]
    # batch would cost 10,000 × $4 + 1,000 × $12 = $52 a thousand requests, but the workload
    # is interactive: never moved to batch, listed as not offered with the reason
    assert "batch" not in levers
    skipped = {x["action"]: x["reason"] for x in scenario["not_priced"]}
    assert "not offered: the workload is interactive" in skipped["w: on_demand → batch"]
    # the global profile: 10,000 × $7 + 1,000 × $21 = $91 a thousand requests; leaving the
    # region for a global profile says so
    assert levers["profile"]["monthly_cost_after_usd"] == pytest.approx(91.0)
    assert "DATA RESIDENCY" in levers["profile"]["risk"]
    assert [lever["kind"] for lever in scenario["levers"]] == ["model", "caching", "profile"]
    text = cli("optimize", str(path), "-f", "markdown").out
    assert "| 1 |" in text and "```yaml" in text and "not additive" in text
    csv = cli("optimize", str(path), "-f", "csv")
    assert csv.code == 0 and "monthly_saving_usd" in csv.out.splitlines()[0]


def test_apply_writes_the_patched_scenario(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    path = tmp_path / "hinted.yaml"
    path.write_text(HINTED)
    [scenario] = json.loads(cli("optimize", str(path), "-f", "json").out)["scenarios"]
    rank = next(lever["rank"] for lever in scenario["levers"] if lever["kind"] == "caching")
    out = tmp_path / "new.yaml"
    assert cli("optimize", str(path), "--apply", str(rank), "-o", str(out)).code == 0
    written = yaml.safe_load(out.read_text())
    assert written["workloads"][0]["tokens_per_request"]["cache_read"] == 7200
    assert written["workloads"][0]["optimize"]["cache_hit_fraction"] == 0.9
    bad = cli("optimize", str(path), "--apply", "99")
    assert bad.code == 2 and "ranked 1 to" in bad.err


def test_merge_patch_semantics() -> None:
    data = {"name": "s", "workloads": [{"name": "a", "x": {"y": 1, "z": 2}}, {"name": "b"}]}
    patched = apply_patch(data, {"workloads": [{"name": "a", "x": {"y": None, "w": 3}}]})
    assert patched["workloads"][0] == {"name": "a", "x": {"z": 2, "w": 3}}
    assert data["workloads"][0]["x"] == {"y": 1, "z": 2}  # the original is untouched
    added = apply_patch(data, {"workloads": [{"name": "c", "model": "m"}]})
    assert [w["name"] for w in added["workloads"]] == ["a", "b", "c"]  # a new name is added


BASE_LOAD = """
name: base-load
region: us-east-1
workloads:
  - name: w
    model: meta.llama3-1-8b-instruct-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic:
      requests_per_month: 5256000
      hourly_profile: [1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1]
    options: [on_demand, self_hosted]
    self_hosted:
      platform: ec2
      instance_type: p5.4xlarge
      purchase: on_demand
      usd_per_hour: 1.0
      output_tokens_per_second_per_instance: 1000
"""


def test_base_load_lever_by_hand(cli: Any, tmp_path: Path) -> None:
    """Llama 3.1 8B on-demand: $0.22 per million input and output tokens (the bundled
    snapshot), so a request of 1,000 + 1,000 tokens costs $0.00044. An instance serves
    1,000 output tokens/s = 1 request/s = 3,600 requests an hour at $1.00 an hour.
    5,256,000 requests a month with weights 1 (12 hours) and 3 (12 hours), mean 2: 3,600
    requests an hour off-peak and 10,800 at the peak, so the peak needs 3 instances —
    $2,190.00 (730 h × 3), below all on-demand ($2,312.64): that is the current bill.
    One instance for the base: $730.00, plus the peak hours' overflow, 7,200 requests × 12 h
    × 730/24 days = 2,628,000 requests × $0.00044 = $1,156.32; $1,886.32 in all (two
    instances: $1,460 + $578.16 = $2,038.16)."""
    path = tmp_path / "base.yaml"
    path.write_text(BASE_LOAD)
    result = cli("optimize", str(path), "-f", "json")
    assert result.code == 0, result.err
    [scenario] = json.loads(result.out)["scenarios"]
    assert scenario["monthly_cost_usd"] == pytest.approx(2190.00, abs=1e-6)
    [lever] = [lever for lever in scenario["levers"] if lever["kind"] == "base_load"]
    assert lever["action"].startswith("w: 1 × self_hosted ec2 p5.4xlarge")
    assert lever["monthly_cost_after_usd"] == pytest.approx(1886.32, abs=1e-6)
    assert lever["monthly_saving_usd"] == pytest.approx(303.68, abs=1e-6)
    out = tmp_path / "split.yaml"
    assert cli("optimize", str(path), "--apply", str(lever["rank"]), "-o", str(out)).code == 0
    written = {w["name"]: w for w in yaml.safe_load(out.read_text())["workloads"]}
    assert written["w-base"]["traffic"]["requests_per_month"] == pytest.approx(2_628_000)
    assert written["w"]["traffic"]["requests_per_month"] == pytest.approx(2_628_000)
    assert written["w"]["options"] == ["on_demand"]
    assert written["w-base"]["options"] == ["self_hosted"]
    assert total(cli, out) == pytest.approx(1886.32, abs=0.005)


def test_one_off_costs_give_the_payback(cli: Any, tmp_path: Path) -> None:
    """A migration the user prices at $911.04 once, against $303.68 a month: 3 months."""
    path = tmp_path / "base.yaml"
    path.write_text(BASE_LOAD + "    optimize: {one_off_usd: {base_load: 911.04}}\n")
    [scenario] = json.loads(cli("optimize", str(path), "-f", "json").out)["scenarios"]
    [lever] = [lever for lever in scenario["levers"] if lever["kind"] == "base_load"]
    assert lever["one_off_usd"] == 911.04
    assert lever["payback_months"] == pytest.approx(3.0, abs=1e-6)
    markdown = cli("optimize", str(path), "-f", "markdown").out
    assert "| $911.04 | 3.0 months |" in markdown


def test_incomplete_bill_gets_no_levers(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("optimize", "scenarios/needs-prices/eu-rag-assistant.yaml", "-f", "json")
    assert result.code == 0, result.err
    [scenario] = json.loads(result.out)["scenarios"]
    assert scenario["complete"] is False and scenario["levers"] == []
    assert "incomplete" in cli("optimize", "scenarios/needs-prices/eu-rag-assistant.yaml").out


CASES = ROOT / "scenarios" / "case-studies"


def test_case_study_spot_training(cli: Any) -> None:
    """$25,000 a month of on-demand training; utilisation 60 % → 85 %, 80 % of the work on spot
    at 85 % off, interruptions adding about 10 %: the case says about 75 % saved."""
    before = total(cli, CASES / "gpu-training-before.yaml")
    after_doc = json.loads(
        cli("estimate", str(CASES / "gpu-training-after.yaml"), "-f", "json").out
    )
    after = float(after_doc["scenarios"][0]["total_monthly_cost_usd"])
    assert before == pytest.approx(25_000, abs=0.01)
    spot = next(
        c for c in after_doc["scenarios"][0]["bill"]["components"] if c["name"].startswith("spot")
    )
    stretch = spot["quantity"] / (2 * 321.47457)  # wall hours over work hours on spot
    assert stretch == pytest.approx(1.098, abs=0.001)  # the model's "+10 %"
    # (20 % + 80 % × 0.15 × 1.098) × 60/85 of $25,000
    expected = 25_000 * (0.2 + 0.8 * 0.15 * stretch) * 60 / 85
    assert after == pytest.approx(expected, rel=1e-6)
    assert 1 - after / before == pytest.approx(0.766, abs=0.001)  # "about 75 %"
    # optimize on the before scenario finds the spot lever (all of the job on spot)
    [scenario] = json.loads(
        cli("optimize", str(CASES / "gpu-training-before.yaml"), "-f", "json").out
    )["scenarios"]
    assert [lever["kind"] for lever in scenario["levers"]] == ["training_spot"]


def test_case_study_multi_model_endpoints(cli: Any) -> None:
    """40 low-traffic models on their own endpoints ($12,000 a month) onto 5 multi-model
    endpoints: about 70 % saved."""
    before = total(cli, CASES / "multi-model-endpoints-before.yaml")
    doc = json.loads(
        cli("estimate", str(CASES / "multi-model-endpoints-after.yaml"), "-f", "json").out
    )
    after = float(doc["scenarios"][0]["total_monthly_cost_usd"])
    assert before == pytest.approx(40 * 300, abs=0.01)
    assert doc["scenarios"][0]["shared_endpoints"][0]["shared"]["instances"] == 5
    assert after == pytest.approx(5 * 720, abs=0.01)
    assert 1 - after / before == pytest.approx(0.70, abs=1e-6)


def test_packing_lever_finds_the_case_study(cli: Any, tmp_path: Path) -> None:
    """The 'before' case lists the larger instance as a candidate: optimize's packing lever
    is the 'after' case — 5 × $0.986301 × 730 h = $3,600.00, $8,400.00 (70 %) saved."""
    before = CASES / "multi-model-endpoints-before.yaml"
    [scenario] = json.loads(cli("optimize", str(before), "-f", "json").out)["scenarios"]
    [lever] = scenario["levers"]
    assert lever["kind"] == "packing" and "case-large" in lever["action"]
    assert lever["monthly_saving_usd"] == pytest.approx(8400.00, abs=0.01)
    assert lever["share_of_bill"] == pytest.approx(0.70, abs=1e-6)
    assert "models" not in lever["patch"]["shared_endpoints"][0]  # throughput unchanged
    out = tmp_path / "after.yaml"
    assert cli("optimize", str(before), "--apply", "1", "-o", str(out)).code == 0
    assert total(cli, out) == pytest.approx(total(cli, CASES / "multi-model-endpoints-after.yaml"))


def test_packing_lever_needs_a_throughput_for_every_model(cli: Any, tmp_path: Path) -> None:
    text = (CASES / "multi-model-endpoints-before.yaml").read_text()
    per_model = text.replace(
        "output_tokens_per_second_per_instance: 200   #",
        "output_tokens_per_second_per_instance: {model-01: 400}   #",
    )
    path = tmp_path / "partial.yaml"
    path.write_text(per_model)
    [scenario] = json.loads(cli("optimize", str(path), "-f", "json").out)["scenarios"]
    assert scenario["levers"] == []
    [why] = scenario["not_priced"]
    assert why["kind"] == "packing"
    assert "for model-02, model-03, model-04 … (39 of 40 models)" in why["reason"]
