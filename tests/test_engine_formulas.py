"""Every option's formula against hand-computed figures on the fixture snapshot.

Fixture prices (tests/fixtures/snapshot, fictitious round numbers), USD per 1M tokens:
acme.chat-v1:0 in us: input 8, output 24, cache read 0.8, cache write 10, batch 4 / 12;
global: 7 / 21 / 0.7 / 8.75; eu-west-1: 9 / 27 (no cache prices).
Provisioned acme.chat-v1:0 us-east-1: no_commitment 50, 1_month 40, 6_months 20 (any region).
Instances us-east-1: ec2 gpu.small on_demand 2, reserved_1y 1.25, spot 0.5; sagemaker 3;
ec2 gpu.large 20. Throughput acme.open-8b-v1:0: gpu.small 1000 tok/s at 1000/1000 and
250 tok/s at 2000/100; gpu.large 10000 tok/s at 1000/1000.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from genai_cost.api import estimate
from genai_cost.errors import PricingError


def rows(
    path: Path, **kwargs: Any
) -> dict[tuple[str, str | None, str | None, str | None], dict[str, Any]]:
    doc = estimate([path], **kwargs).to_dict()
    return {
        (r["option"], r["variant"], r["platform"], r["instance_type"]): r for r in doc["options"]
    }


CHAT = """
name: t
workloads:
  - name: w
    model: {model}
    latency: {latency}
    tokens_per_request: {{input: 11000, output: 4000, cache_read: {cr}, cache_write: {cw}}}
    traffic: {{requests_per_month: 1000}}
    options: {options}
"""


def chat(
    write_scenario: Any,
    model: str = "acme.chat-v1:0",
    latency: str = "interactive",
    cr: int = 0,
    cw: int = 0,
    options: str = "[on_demand]",
) -> Path:
    return write_scenario(CHAT.format(model=model, latency=latency, cr=cr, cw=cw, options=options))


def test_on_demand_input_and_output(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(chat(write_scenario))[("on_demand", None, None, None)]
    # 1,000 x (11,000 x $8/1M + 4,000 x $24/1M) = 1,000 x $0.184 = $184
    assert r["monthly_cost_usd"] == pytest.approx(184.0, rel=1e-12)
    assert r["cost_per_1k_requests_usd"] == pytest.approx(184.0)
    # 15,000 tokens per request: $184 / 15M tokens x 1M = $12.2667
    assert r["cost_per_1m_tokens_usd"] == pytest.approx(184.0 / 15.0, abs=1e-6)  # rounded
    names = {c["name"]: c for c in r["components"]}
    assert names["input_tokens"]["quantity"] == pytest.approx(11.0)  # 11M tokens
    assert names["input_tokens"]["usd"] == pytest.approx(88.0)
    assert names["output_tokens"]["usd"] == pytest.approx(96.0)


def test_on_demand_with_prompt_caching(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(chat(write_scenario, cr=5000, cw=1000))[("on_demand", None, None, None)]
    # 1,000 x (11,000 x 8 + 4,000 x 24 + 5,000 x 0.8 + 1,000 x 10) / 1M
    # = 1,000 x (0.088 + 0.096 + 0.004 + 0.010) = $198
    assert r["monthly_cost_usd"] == pytest.approx(198.0, rel=1e-12)
    usd = {c["name"]: c["usd"] for c in r["components"]}
    assert usd == pytest.approx(
        {
            "input_tokens": 88.0,
            "output_tokens": 96.0,
            "cache_read_input_tokens": 4.0,
            "cache_write_input_tokens": 10.0,
        }
    )


def test_global_profile_uses_global_price(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(chat(write_scenario, model="global.acme.chat-v1:0", options="[on_demand]"))
    # 1,000 x (11,000 x 7 + 4,000 x 21) / 1M = $161
    assert r[("on_demand", None, None, None)]["monthly_cost_usd"] == pytest.approx(161.0)


def test_batch_bills_cached_input_as_batch_input(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    r = rows(
        chat(
            write_scenario, latency="batch_tolerant", cr=5000, cw=1000, options="[on_demand, batch]"
        )
    )
    # 1,000 x ((11,000 + 5,000 + 1,000) x 4 + 4,000 x 12) / 1M = 1,000 x 0.116 = $116
    assert r[("batch", None, None, None)]["monthly_cost_usd"] == pytest.approx(116.0)
    assert r[("batch", None, None, None)]["cheapest"] is True


def test_batch_infeasible_for_interactive(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(chat(write_scenario, options="[on_demand]"))
    assert ("batch", None, None, None) not in r  # not asked for, not listed
    path = chat(write_scenario, options="[on_demand, batch]")
    with pytest.raises(PricingError, match=r"batch was requested.*interactive"):
        estimate([path])


def test_batch_unsupported_model_is_infeasible_not_free(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario(
        CHAT.format(
            model="acme.nobatch-v1:0",
            latency="batch_tolerant",
            cr=0,
            cw=0,
            options="[on_demand, batch]",
        ).replace("    options: [on_demand, batch]\n", "")
    )
    r = rows(path)[("batch", None, None, None)]
    assert r["feasible"] is False
    assert r["monthly_cost_usd"] is None
    assert "no batch price for batch input tokens of acme.nobatch-v1:0" in r["reason"]


def test_missing_cache_price_is_infeasible_with_reason(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario("""
        name: t
        region: eu-west-1
        workloads:
          - name: w
            model: acme.chat-v1:0
            tokens_per_request: {input: 1000, output: 100, cache_read: 10}
            traffic: {requests_per_month: 1000}
            options: [on_demand]
        """)
    with pytest.raises(
        PricingError,
        match="no on-demand price for cache read input tokens of "
        r"acme.chat-v1:0 \(in_region, eu-west-1\)",
    ):
        estimate([path])


def test_eu_in_region_price(fixture_snapshot: Path, write_scenario: Any) -> None:
    path = write_scenario("""
        name: t
        region: eu-west-1
        workloads:
          - name: w
            model: acme.chat-v1:0
            tokens_per_request: {input: 11000, output: 4000}
            traffic: {requests_per_month: 1000}
            options: [on_demand]
        """)
    # 1,000 x (11,000 x 9 + 4,000 x 27) / 1M = $207
    assert rows(path)[("on_demand", None, None, None)]["monthly_cost_usd"] == pytest.approx(207)


PROVISIONED = """
name: t
workloads:
  - name: w
    model: acme.chat-v1:0
    tokens_per_request: {input: 1000, output: 200}
    traffic: {requests_per_month: 1314000, peak_to_average_ratio: 2}
    provisioned:
      input_tokens_per_minute_per_model_unit: 25000
      output_tokens_per_minute_per_model_unit: 5000
"""


def test_provisioned_units_from_peak_per_term(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(write_scenario(PROVISIONED))
    # 1,314,000 requests / 43,800 minutes = 30 req/min; x 1,000 = 30,000 input TPM, x 200 =
    # 6,000 output TPM; peak x2 = 60,000 / 12,000; per unit 25,000 / 5,000 -> 2.4 -> 3 units.
    for term, hourly in (("no_commitment", 50), ("1_month", 40), ("6_months", 20)):
        row = r[("provisioned", term, None, None)]
        assert row["capacity"] == 3
        assert row["monthly_cost_usd"] == pytest.approx(3 * 730 * hourly)  # 109,500 / ...
        # average load 30,000 / 25,000 = 1.2 units of 3 -> 40 %
        assert row["utilization_fraction"] == pytest.approx(0.4)
        assert row["components"] == [
            {
                "name": "model_unit_hours",
                "quantity": 2190.0,
                "unit": "model-unit-hours",
                "usd_per_unit": hourly,
                "usd": pytest.approx(2190.0 * hourly),
            }
        ]
    # on-demand: 1.314M x (1,000 x 8 + 200 x 24) / 1M = 1.314 x 12,800 = $16,819.20
    assert r[("on_demand", None, None, None)]["monthly_cost_usd"] == pytest.approx(16819.2)
    assert r[("on_demand", None, None, None)]["cheapest"] is True


def test_provisioned_user_price_beats_snapshot(fixture_snapshot: Path, write_scenario: Any) -> None:
    text = PROVISIONED + "      term: 1_month\n      usd_per_model_unit_hour: 5\n"
    r = rows(write_scenario(text))
    assert {k for k in r if k[0] == "provisioned"} == {("provisioned", "1_month", None, None)}
    # 3 units x 730 h x $5 = $10,950 -- now cheaper than on-demand ($16,819.20)
    assert r[("provisioned", "1_month", None, None)]["monthly_cost_usd"] == pytest.approx(10950)
    assert r[("provisioned", "1_month", None, None)]["cheapest"] is True


def test_provisioned_without_capacity_is_infeasible(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    text = PROVISIONED.replace("      input_tokens_per_minute_per_model_unit: 25000\n", "")
    row = rows(write_scenario(text))[("provisioned", "1_month", None, None)]
    assert row["feasible"] is False
    assert "no tokens-per-minute capacity per model unit" in row["reason"]


def test_provisioned_exact_multiple_is_not_rounded_up(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    # peak 60,000 input TPM / 20,000 per unit = exactly 3 units (not 4 from float noise)
    text = PROVISIONED.replace("25000", "20000").replace("5000\n", "4000\n")
    assert rows(write_scenario(text))[("provisioned", "6_months", None, None)]["capacity"] == 3


SELF_HOSTED = """
name: t
workloads:
  - name: w
    model: acme.open-8b-v1:0
    latency: {latency}
    tokens_per_request: {{input: 1000, output: 1000}}
    traffic: {{requests_per_second: 2, peak_to_average_ratio: 1.5}}
    self_hosted: {{target_utilization_fraction: 0.75}}
"""


def test_self_hosted_instances_and_purchase_models(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    r = rows(write_scenario(SELF_HOSTED.format(latency="interactive")))
    # average 2 req/s x 1,000 = 2,000 output tok/s; peak x1.5 = 3,000; gpu.small serves
    # 1,000 x 0.75 = 750 -> 4 instances; gpu.large 10,000 x 0.75 -> 1 instance.
    small = r[("self_hosted", "on_demand", "ec2", "gpu.small")]
    assert small["capacity"] == 4
    assert small["monthly_cost_usd"] == pytest.approx(4 * 730 * 2.0)  # $5,840
    assert small["utilization_fraction"] == pytest.approx(0.5)  # 2,000 / 4,000
    assert r[("self_hosted", "reserved_1y", "ec2", "gpu.small")][
        "monthly_cost_usd"
    ] == pytest.approx(4 * 730 * 1.25)  # $3,650
    assert r[("self_hosted", "on_demand", "sagemaker", "gpu.small")][
        "monthly_cost_usd"
    ] == pytest.approx(4 * 730 * 3.0)  # $8,760
    large = r[("self_hosted", "on_demand", "ec2", "gpu.large")]
    assert large["capacity"] == 1
    assert large["monthly_cost_usd"] == pytest.approx(730 * 20.0)  # $14,600
    spot = r[("self_hosted", "spot", "ec2", "gpu.small")]
    assert spot["feasible"] is False and "batch-tolerant" in spot["reason"]
    assert (
        "no public savings_plan_1y price"
        in r[("self_hosted", "savings_plan_1y", "ec2", "gpu.small")]["reason"]
    )
    assert (
        "no reserved instances"
        in r[("self_hosted", "reserved_1y", "sagemaker", "gpu.small")]["reason"]
    )
    # Bedrock on-demand: 5,256,000 requests x 2,000 tokens x $0.2/1M = $2,102.40 (cheapest)
    assert r[("on_demand", None, None, None)]["monthly_cost_usd"] == pytest.approx(2102.4)
    assert r[("on_demand", None, None, None)]["cheapest"] is True


def test_self_hosted_spot_for_batch_tolerant(fixture_snapshot: Path, write_scenario: Any) -> None:
    r = rows(write_scenario(SELF_HOSTED.format(latency="batch_tolerant")))
    # 4 instances x 730 h x $0.50 = $1,460; batch: 5.256M x (1,000 x 0.1 + 1,000 x 0.1)/1M
    # = $1,051.20 is cheaper still.
    assert r[("self_hosted", "spot", "ec2", "gpu.small")]["monthly_cost_usd"] == pytest.approx(
        1460.0
    )
    assert r[("batch", None, None, None)]["monthly_cost_usd"] == pytest.approx(1051.2)


def test_self_hosted_picks_nearest_benchmark_shape(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario("""
        name: t
        workloads:
          - name: w
            model: acme.open-8b-v1:0
            tokens_per_request: {input: 2000, output: 100}
            traffic: {requests_per_second: 5}
            self_hosted: {instance_type: gpu.small, platform: ec2, purchase: on_demand}
        """)
    row = rows(path)[("self_hosted", "on_demand", "ec2", "gpu.small")]
    # 5 req/s x 100 = 500 output tok/s over the 2,000/100 benchmark's 250 tok/s -> 2 instances
    assert row["capacity"] == 2
    assert row["monthly_cost_usd"] == pytest.approx(2 * 730 * 2.0)


def test_self_hosted_user_throughput_and_price(fixture_snapshot: Path, write_scenario: Any) -> None:
    path = write_scenario("""
        name: t
        workloads:
          - name: w
            model: acme.open-8b-v1:0
            tokens_per_request: {input: 100, output: 100}
            traffic: {requests_per_second: 10}
            self_hosted:
              instance_type: gpu.small
              platform: ec2
              purchase: savings_plan_1y
              usd_per_hour: 1.5
              output_tokens_per_second_per_instance: 300
        """)
    row = rows(path)[("self_hosted", "savings_plan_1y", "ec2", "gpu.small")]
    # 1,000 output tok/s / 300 -> 4 instances x 730 x $1.50 = $4,380
    assert row["capacity"] == 4
    assert row["monthly_cost_usd"] == pytest.approx(4380.0)


def test_pinned_purchase_needs_one_priced_candidate(
    fixture_snapshot: Path, write_scenario: Any
) -> None:
    """A pinned purchase with the instance type left open is priced where it can be (ec2
    gpu.small reserved_1y, $1.25/h) and the other candidates stay infeasible rows; only when
    no candidate can be priced does the estimate stop."""
    body = """
        name: t
        workloads:
          - name: w
            model: acme.open-8b-v1:0
            tokens_per_request: {{input: 1000, output: 1000}}
            traffic: {{requests_per_second: 0.5}}
            self_hosted: {{purchase: {purchase}}}
            options: [self_hosted]
        """
    r = rows(write_scenario(body.format(purchase="reserved_1y")))
    # 0.5 × 1,000 = 500 tok/s on gpu.small (1,000 tok/s): 1 × 730 h × $1.25 = $912.50
    assert r[("self_hosted", "reserved_1y", "ec2", "gpu.small")]["monthly_cost_usd"] == 912.5
    assert (
        "no public reserved_1y price for ec2 gpu.large"
        in (r[("self_hosted", "reserved_1y", "ec2", "gpu.large")]["reason"])
    )
    assert (
        "no reserved instances"
        in (r[("self_hosted", "reserved_1y", "sagemaker", "gpu.small")]["reason"])
    )
    with pytest.raises(PricingError, match="self_hosted savings_plan_1y: no public"):
        estimate([write_scenario(body.format(purchase="savings_plan_1y"))])


def test_closed_model_cannot_be_self_hosted(fixture_snapshot: Path, write_scenario: Any) -> None:
    path = chat(write_scenario, options="[on_demand, self_hosted]")
    with pytest.raises(PricingError, match="not an open-weights model"):
        estimate([path])


def test_dated_prices_follow_the_pricing_day(fixture_snapshot: Path, write_scenario: Any) -> None:
    import datetime as dt

    path = write_scenario(
        CHAT.format(
            model="acme.promo-v1:0", latency="interactive", cr=0, cw=0, options="[on_demand]"
        )
    )
    promo = rows(path, day=dt.date(2026, 3, 31))[("on_demand", None, None, None)]
    standard = rows(path, day=dt.date(2026, 4, 1))[("on_demand", None, None, None)]
    # promo: 1,000 x (11,000 x 1 + 4,000 x 4)/1M = $27; standard: x (2, 8) = $54
    assert promo["monthly_cost_usd"] == pytest.approx(27.0)
    assert standard["monthly_cost_usd"] == pytest.approx(54.0)


def test_scenario_pricing_date_and_as_of_flag(
    cli: Any, fixture_snapshot: Path, write_scenario: Any
) -> None:
    path = write_scenario(
        CHAT.format(
            model="acme.promo-v1:0", latency="interactive", cr=0, cw=0, options="[on_demand]"
        ).replace("name: t\n", "name: t\npricing_date: 2026-03-15\n")
    )
    # the scenario's own date is in the promotion: 1,000 x (11,000 x 1 + 4,000 x 4)/1M = $27
    doc = json.loads(cli("estimate", str(path), "-f", "json").out)
    assert doc["scenarios"][0]["pricing_date"] == "2026-03-15"
    assert doc["scenarios"][0]["total_monthly_cost_usd"] == pytest.approx(27.0)
    # --as-of beats it: standard prices from 2026-04-01 give $54
    doc = json.loads(cli("estimate", str(path), "-f", "json", "--as-of", "2026-05-01").out)
    assert doc["pricing_date"] == doc["scenarios"][0]["pricing_date"] == "2026-05-01"
    assert doc["scenarios"][0]["total_monthly_cost_usd"] == pytest.approx(54.0)
    bad = cli("estimate", str(path), "--as-of", "May 1st")
    assert bad.code == 2 and "expected a date YYYY-MM-DD" in bad.err
