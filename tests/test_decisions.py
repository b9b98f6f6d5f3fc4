"""The capacity mix, ROI and the Monte Carlo against hand-worked examples (fixture prices:
acme.chat-v1:0 $8 / $24 per 1M tokens; acme.open-8b-v1:0 $0.20 / $0.20; gpu.small serves
1,000 output tokens/s)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genai_cost.api import estimate, simulate
from genai_cost.decisions.montecarlo import draw
from genai_cost.scenario.models import Uncertain

MIX = """\
name: mix
workloads:
  - name: w
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic:
      requests_per_second: 2
      hourly_profile: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    options: [on_demand, self_hosted]
    self_hosted: {instance_type: gpu.small, platform: ec2, purchase: on_demand, usd_per_hour: 1.0}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_mix_by_hand(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    result = cli("mix", str(write(tmp_path, MIX)), "-f", "json")
    [entry] = json.loads(result.out)["workloads"]
    [m] = entry["mixes"]
    # 5,256,000 requests: 1 req/s in the 12 quiet hours, 3 req/s in the busy ones; peak needs
    # 3 instances of 1 req/s. All on demand: 5,256,000 x 2,000 x $0.20 / 1M = $2,102.40.
    # 1 instance ($730) + the busy hours' overflow of 2 req/s: 2 x 3,600 x 12 h x 365/12 days
    # = 2,628,000 requests x $0.0004 = $1,051.20 -> $1,781.20 (2: $1,985.60; 3: $2,190).
    assert m["units"] == 1 and m["units_for_peak"] == 3
    assert m["monthly_cost_usd"] == pytest.approx(1781.2)
    assert m["share_served_by_capacity"] == pytest.approx(0.5)
    assert m["saving_vs_on_demand_usd"] == pytest.approx(2102.4 - 1781.2)
    assert m["saving_vs_capacity_usd"] == pytest.approx(2190.0 - 1781.2)
    flat_text = "\n".join(line for line in MIX.splitlines() if "hourly_profile" not in line)
    flat = cli("mix", str(write(tmp_path, flat_text + "\n")), "-f", "json")
    assert "needs a 24-value hourly_profile" in flat.out


ROI = """\
name: roi
horizon_months: 3
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {input: 11000, output: 4000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
roi:
  annual_discount_rate_percent: 12
  monthly_traffic_growth_percent: GROWTH
  development:
    - {name: build, usd: 300, month: 0}
  benefits:
    - {name: value, usd_per_request: 0.5}
"""


def test_roi_by_hand(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    doc = json.loads(
        cli("roi", str(write(tmp_path, ROI.replace("GROWTH", "0"))), "-f", "json").out
    )["scenarios"][0]
    # run cost 1,000 x $0.184 = $184 a month; benefit 1,000 x $0.50 = $500; build $300 at 0
    assert [m["net_usd"] for m in doc["months"]] == [-300.0, 316.0, 316.0, 316.0]
    assert [m["cumulative_net_usd"] for m in doc["months"]] == [-300.0, 16.0, 332.0, 648.0]
    assert doc["payback_month"] == 1
    assert doc["total_cost_usd"] == 852.0 and doc["total_benefit_usd"] == 1500.0
    assert doc["roi_percent"] == pytest.approx(648 / 852 * 100)
    r = 1.12 ** (1 / 12) - 1  # 0.9489 % a month
    assert doc["monthly_discount_rate"] == pytest.approx(r)
    assert doc["npv_usd"] == pytest.approx(-300 + sum(316 / (1 + r) ** t for t in (1, 2, 3)))
    grown = json.loads(
        cli("roi", str(write(tmp_path, ROI.replace("GROWTH", "10"))), "-f", "json").out
    )["scenarios"][0]
    # 10 % growth: 1,000 / 1,100 / 1,210 requests -> run $184 / $202.40 / $222.64,
    # benefit $500 / $550 / $605
    assert [m["run_cost_usd"] for m in grown["months"][1:]] == pytest.approx([184.0, 202.4, 222.64])
    assert [m["benefit_usd"] for m in grown["months"][1:]] == pytest.approx([500, 550, 605])


def test_roi_not_within_horizon_and_missing_section(
    cli: Any, fixture_snapshot: Path, tmp_path: Path
) -> None:
    text = ROI.replace("GROWTH", "0").replace("usd: 300", "usd: 3000")
    doc = json.loads(cli("roi", str(write(tmp_path, text)), "-f", "json").out)["scenarios"][0]
    assert doc["payback_month"] is None  # -3,000 + 3 x 316 < 0
    assert "not within the horizon" in cli("roi", str(write(tmp_path, text))).out
    bare = text.split("roi:\n")[0]
    result = cli("roi", str(write(tmp_path, bare)))
    assert result.code == 2 and "no `roi:` section" in result.err


def test_distributions_match_their_parameters() -> None:
    rng = np.random.default_rng(1)
    pert = draw(
        Uncertain(
            input="tokens_per_request.input", distribution="pert", low=100, mode=200, high=600
        ),
        rng,
        400_000,
    )
    # PERT mean = (low + 4 mode + high) / 6 = 250
    assert pert.mean() == pytest.approx(250, rel=0.01)
    assert pert.min() >= 100 and pert.max() <= 600
    logn = draw(
        Uncertain(input="traffic.requests_per_month", distribution="lognormal", p50=1000, p90=3000),
        rng,
        400_000,
    )
    assert np.median(logn) == pytest.approx(1000, rel=0.02)
    assert np.quantile(logn, 0.9) == pytest.approx(3000, rel=0.02)
    uni = draw(
        Uncertain(input="traffic.peak_to_average_ratio", distribution="uniform", low=1, high=3),
        rng,
        400_000,
    )
    assert uni.mean() == pytest.approx(2.0, rel=0.01)


MC = """\
name: mc
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {input: 11000, output: 4000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
uncertainty:
  - {input: traffic.requests_per_month, distribution: uniform, low: 500, high: 1500}
  - {input: tokens_per_request.output, distribution: triangular, low: 3000, mode: 4000, high: 5000}
"""


def test_monte_carlo_quantiles_and_reproducibility(fixture_snapshot: Path, tmp_path: Path) -> None:
    path = write(tmp_path, MC)
    first = simulate(estimate([path]), 120_000, seed=3)
    again = simulate(estimate([path]), 120_000, seed=3)
    assert first == again  # --seed reproduces every figure
    # cost = requests x (11,000 x 8 + output x 24) / 1M; with output fixed at its median
    # 4,000 the P10/P90 of requests (600 / 1,400) give $110.40 / $257.60; the triangular
    # spread of output widens that slightly
    cost = first["monthly_cost_usd"]
    assert 100 < cost["p10"] < 112 and 255 < cost["p90"] < 270
    assert cost["p50"] == pytest.approx(184.0, rel=0.01)
    assert first["cheapest_option"] == [
        {"scenario": "mc", "workload": "chat", "cheapest_option_share": {"on_demand": 1.0}}
    ]
    assert first["scenarios"][0]["monthly_cost_usd"] == cost  # one scenario: its bill is all
    top = first["tornado"][0]
    assert top["input"] == "traffic.requests_per_month"
    # requests 600 -> 1,400 at output 4,000: $110.40 -> $257.60
    assert top["cost_at_p10_usd"] == pytest.approx(110.4, rel=0.01)
    assert top["cost_at_p90_usd"] == pytest.approx(257.6, rel=0.01)


def test_monte_carlo_option_shares_change_with_volume(
    fixture_snapshot: Path, tmp_path: Path
) -> None:
    # at $0.50 an instance-hour self-hosting wins at high volume (20M requests: 12 instances,
    # $4,380, against $8,000 on demand) and loses at low volume (100,000: $365 against $40)
    text = (
        MIX.replace("usd_per_hour: 1.0", "usd_per_hour: 0.5")
        + """\
uncertainty:
  - {input: traffic.requests_per_month, distribution: uniform, low: 100000, high: 20000000}
"""
    )
    mc = simulate(estimate([write(tmp_path, text)]), 50_000, seed=1)
    shares = mc["cheapest_option"][0]["cheapest_option_share"]
    assert set(shares) == {"on_demand", "self_hosted ec2 gpu.small on_demand"}
    assert math.isclose(sum(shares.values()), 1.0)


def test_samples_through_the_cli(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    path = write(tmp_path, MC)
    result = cli("estimate", str(path), "--samples", "2000", "--seed", "9", "-f", "json")
    assert json.loads(result.out)["monte_carlo"]["samples"] == 2000
    markdown = cli("estimate", str(path), "--samples", "2000", "-f", "markdown").out
    assert "## Uncertainty (2,000 samples)" in markdown
    bad = cli("estimate", str(path), "--samples", "0")
    assert bad.code == 2
    broken = write(tmp_path, MC.replace("low: 500, high: 1500", "low: 1500, high: 500"))
    result = cli("estimate", str(broken))
    assert result.code == 2 and "need low <= mode <= high" in result.err


ROOT_SCENARIOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").rglob("*.yaml"))


@pytest.mark.parametrize("path", ROOT_SCENARIOS, ids=[p.stem for p in ROOT_SCENARIOS])
def test_decisions_work_on_every_bundled_scenario(cli: Any, path: Path) -> None:
    if not json.loads(cli("estimate", str(path), "-f", "json").out)["scenarios"][0]["complete"]:
        # an incomplete bill (the European example): what needs the whole bill refuses and
        # says why; the per-workload decisions still work
        for command in (["roi"], ["estimate", "--samples", "100"]):
            refused = cli(*command[:1], str(path), *command[1:])
            assert refused.code == 2 and "cannot be priced" in refused.err, command
        assert cli("breakeven", str(path), "-f", "json").code == 0
        assert cli("mix", str(path), "-f", "json").code == 0
        return
    roi = cli("roi", str(path), "-f", "json")
    if "\nroi:" not in path.read_text():  # the case studies price a change, not a business case
        assert roi.code == 2 and "no `roi:` section" in roi.err
    else:
        assert roi.code == 0, roi
        assert json.loads(roi.out)["scenarios"][0]["months"][0]["month"] == 0
    samples = cli("estimate", str(path), "--samples", "3000", "--seed", "2", "-f", "json")
    assert samples.code == 0, samples
    quantiles = json.loads(samples.out)["monte_carlo"]["monthly_cost_usd"]
    assert quantiles["p10"] <= quantiles["p50"] <= quantiles["p90"]
    breakeven = cli("breakeven", str(path), "-f", "json")
    if "\nworkloads:" in path.read_text():
        assert breakeven.code == 0, breakeven
    else:  # training jobs or shared endpoints only
        assert breakeven.code == 2 and "no workloads" in breakeven.err
    assert cli("mix", str(path), "-f", "json").code == 0


TWO_WORKLOADS = """\
name: NAME
horizon_months: 12
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {input: 11000, output: 4000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
  - name: bulk
    model: acme.chat-v1:0
    tokens_per_request: {input: 1000, output: 0}
    traffic: {requests_per_month: 500000}
    options: [on_demand]
roi:
  annual_discount_rate_percent: 10
  monthly_traffic_growth_percent: 3
  development: [{name: build, usd: 20000, month: 0}]
  benefits:
    - {name: answers, usd_per_request: 2.0, workloads: [chat]}
uncertainty:
  - input: traffic.requests_per_month
    workload: chat
    distribution: pert
    low: 999.9
    mode: 1000
    high: 1000.1
  - {input: roi.monthly_traffic_growth_percent, distribution: uniform, low: 2.9999, high: 3.0001}
"""


def test_monte_carlo_npv_agrees_with_roi(cli: Any, fixture_snapshot: Path, tmp_path: Path) -> None:
    """Near-certain inputs: the Monte Carlo's P50 NPV is `roi`'s, for every ROI scenario, and
    a benefit counts only the requests of the workloads it names."""
    a = write(tmp_path, TWO_WORKLOADS.replace("NAME", "a"), "a.yaml")
    b = write(
        tmp_path, TWO_WORKLOADS.replace("NAME", "b").replace("usd: 20000", "usd: 5000"), "b.yaml"
    )
    roi = json.loads(cli("roi", str(a), str(b), "-f", "json").out)["scenarios"]
    # month 1: chat 1,000 x (11,000 x 8 + 4,000 x 24) / 1M = $184, bulk 500,000 x 1,000 x 8
    # / 1M = $4,000; the benefit is 1,000 chat requests x $2 = $2,000 (not 501,000 x $2)
    assert roi[0]["months"][1]["run_cost_usd"] == pytest.approx(4184.0)
    assert roi[0]["months"][1]["benefit_usd"] == pytest.approx(2000.0)
    result = simulate(estimate([a, b]), 4000, seed=7)
    npv = {s["scenario"]: s["npv_usd"] for s in result["scenarios"]}
    for scenario in roi:
        assert npv[scenario["scenario"]]["p50"] == pytest.approx(scenario["npv_usd"], rel=1e-3)
    total = result["npv_usd"]
    assert total is not None
    assert total["p50"] == pytest.approx(roi[0]["npv_usd"] + roi[1]["npv_usd"], rel=1e-3)
    bill = {s["scenario"]: s["monthly_cost_usd"]["p50"] for s in result["scenarios"]}
    assert bill == pytest.approx({"a": 4184.0, "b": 4184.0}, rel=1e-4)


def test_roi_counts_one_off_payments_when_they_are_paid(cli: Any) -> None:
    """The customization example retrains its chosen path only when fine-tuning is chosen;
    with RAG the corpus is embedded once, before launch."""
    doc = json.loads(cli("roi", "scenarios/customization-paths.yaml", "-f", "json").out)
    months = doc["scenarios"][0]["months"]
    # corpus: 50M tokens x $0.02 / 1M = $1.00, paid in month 0 only
    assert [m["one_off_usd"] for m in months] == [1.0] + [0.0] * 12
    # the month-1 run cost is the bill without the spread one-off: $2,383.42
    assert months[1]["run_cost_usd"] == pytest.approx(2383.42)
    assert doc["scenarios"][0]["bill_monthly_cost_usd"] == pytest.approx(2383.42 + 1 / 12, abs=1e-6)
