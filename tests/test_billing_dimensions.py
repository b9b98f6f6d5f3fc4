"""Billing dimensions AWS invoices by, worked by hand: calendar months.

A provisioned model unit or an instance runs every hour of the month, and the invoice bills
the hours of the calendar month (744 in December, 720 in November, 672 in February 2026);
the default stays AWS's 730-hour pricing convention.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from genai_cost.units import month_hours

# One model unit of Claude 2.1 at the pricing page's $35.00 an hour (6-month term): the
# scenario's token rates need exactly one unit (100,000 requests a month are far below
# 100,000 input tokens a minute).
PT = """\
name: pt-month
region: us-east-1
BILLING
workloads:
  - name: legacy
    model: anthropic.claude-v2:1
    tokens_per_request: {input: 1000, output: 200}
    traffic: {requests_per_month: 100000, peak_to_average_ratio: 1}
    options: [provisioned]
    provisioned:
      term: 6_months
      usd_per_model_unit_hour: 35.00
      input_tokens_per_minute_per_model_unit: 100000
      output_tokens_per_minute_per_model_unit: 20000
"""


def total(cli: Any, path: Path, *args: str) -> float:
    result = cli("estimate", str(path), "-f", "json", *args)
    assert result.code == 0, result
    scenario = json.loads(result.out)["scenarios"][0]
    return float(scenario["total_monthly_cost_usd"])


@pytest.mark.parametrize(
    ("month", "hours"),
    [("2026-12", 744), ("2026-11", 720), ("2026-02", 672), ("2028-02", 696)],
)
def test_month_hours(month: str, hours: int) -> None:
    assert month_hours(month) == hours
    assert month_hours(None) == 730


def test_a_provisioned_bill_for_a_calendar_month(cli: Any, write_scenario: Any) -> None:
    path = write_scenario(PT.replace("BILLING\n", ""))
    assert total(cli, path) == 25_550.00  # 730 h x $35.00
    assert total(cli, path, "--month", "2026-12") == 26_040.00  # 744 h x $35.00
    assert total(cli, path, "--month", "2026-11") == 25_200.00  # 720 h x $35.00
    assert total(cli, path, "--month", "2026-02") == 23_520.00  # 672 h x $35.00


def test_the_scenario_names_its_month_and_the_report_says_so(cli: Any, write_scenario: Any) -> None:
    path = write_scenario(PT.replace("BILLING", "billing_month: 2026-12"))
    assert total(cli, path) == 26_040.00
    assert total(cli, path, "--month", "2026-11") == 25_200.00  # --month beats it
    markdown = cli("estimate", str(path), "-f", "markdown").out
    assert "billing month 2026-12 (744 hours)" in markdown
    document = json.loads(cli("estimate", str(path), "-f", "json").out)
    assert document["scenarios"][0]["billing_month"] == "2026-12"
    assert document["scenarios"][0]["month_hours"] == 744


def test_requests_per_second_count_the_months_seconds(cli: Any, write_scenario: Any) -> None:
    """1 request a second is 2,678,400 requests in December and 2,628,000 in 730 hours;
    on-demand tokens follow: 2,678,400 x 1,000 input tokens at $3.30 per 1M (Claude Sonnet
    4.6 in-region) = $8,838.72."""
    path = write_scenario(
        """
        name: rps
        workloads:
          - name: chat
            model: anthropic.claude-sonnet-4-6
            tokens_per_request: {input: 1000, output: 0}
            traffic: {requests_per_second: 1}
            options: [on_demand]
        """
    )
    document = json.loads(cli("estimate", str(path), "--month", "2026-12", "-f", "json").out)
    workload = document["scenarios"][0]["workloads"][0]
    assert workload["requests_per_month"] == 2_678_400
    assert document["scenarios"][0]["total_monthly_cost_usd"] == pytest.approx(8_838.72)
    assert total(cli, path) == pytest.approx(2_628_000 * 1000 / 1e6 * 3.30)


def test_instances_bill_the_months_hours(cli: Any, write_scenario: Any) -> None:
    """One self-hosted instance at your $4.00 an hour: 744 h in December = $2,976.00."""
    path = write_scenario(
        """
        name: hosted
        workloads:
          - name: classify
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 500, output: 10}
            traffic: {requests_per_month: 1000, peak_to_average_ratio: 1}
            options: [self_hosted]
            self_hosted:
              platform: ec2
              instance_type: g6.xlarge
              purchase: on_demand
              usd_per_hour: 4.00
              output_tokens_per_second_per_instance: 100
        """
    )
    assert total(cli, path, "--month", "2026-12") == 2_976.00
    assert total(cli, path) == 2_920.00


def test_a_month_that_is_not_one_is_bad_input(cli: Any, write_scenario: Any) -> None:
    path = write_scenario(PT.replace("BILLING\n", ""))
    result = cli("estimate", str(path), "--month", "2026-13")
    assert result.code == 2 and "expected a calendar month YYYY-MM" in result.err
    bad = write_scenario(PT.replace("BILLING", "billing_month: December"), name="bad.yaml")
    result = cli("estimate", str(bad))
    assert result.code == 2 and "billing_month" in result.err


def test_variance_over_a_whole_calendar_month_uses_its_hours(cli: Any, write_scenario: Any) -> None:
    """Actuals for all of December are compared with the December estimate (factor 1): the
    provisioned unit's 744 hours, $26,040.00, not 31 x 24 / 730 of a 730-hour month."""
    import datetime as dt

    from genai_cost.tracking.variance import Actuals, compare, whole_month

    december = Actuals({"legacy": 26_040.0}, None, dt.date(2026, 12, 1), 31, "bill")
    assert whole_month(december) == "2026-12"
    assert whole_month(Actuals({}, None, dt.date(2026, 12, 2), 30, "bill")) is None
    assert whole_month(Actuals({}, None, dt.date(2026, 11, 1), 31, "bill")) is None
    path = write_scenario(PT.replace("BILLING\n", ""))
    estimate = json.loads(cli("estimate", str(path), "--month", "2026-12", "-f", "json").out)
    document = compare(estimate, december)
    [row] = document["workloads"]
    assert document["period"]["estimate_factor"] == 1.0
    assert row["estimate_usd"] == pytest.approx(26_040.0)
    assert row["variance_usd"] == pytest.approx(0.0)


# --- service tiers ------------------------------------------------------------------------

TIERED = """\
name: tiers
workloads:
  - name: summaries
    model: amazon.nova-pro-v1:0
    tokens_per_request: {input: 1000, output: 200}
    traffic: {requests_per_month: 1000000}
    options: [on_demand]
LATENCY
"""


def options(cli: Any, path: Path) -> dict[str, dict[str, Any]]:
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result
    return {
        " ".join(filter(None, (o["option"], o["variant"]))): o
        for o in json.loads(result.out)["options"]
    }


def test_service_tiers_are_compared_like_variants(cli: Any, write_scenario: Any) -> None:
    """Nova Pro in us-east-1, 1M requests x (1,000 in, 200 out): standard 1,000 x $0.80 +
    200 x $3.20 = $1,440; flex ($0.40 / $1.60) $720; priority ($1.40 / $5.60) $2,520;
    latency-optimized ($1.00 / $4.00, AWS page 2025-07-20) $1,800."""
    interactive = options(cli, write_scenario(TIERED.replace("LATENCY\n", "")))
    assert interactive["on_demand"]["monthly_cost_usd"] == pytest.approx(1_440.0)
    assert interactive["on_demand priority"]["monthly_cost_usd"] == pytest.approx(2_520.0)
    assert interactive["on_demand latency_optimized"]["monthly_cost_usd"] == pytest.approx(1_800.0)
    flex = interactive["on_demand flex"]
    assert not flex["feasible"] and "flex tier trades latency for price" in flex["reason"]
    assert interactive["on_demand"]["cheapest"]

    tolerant = options(
        cli, write_scenario(TIERED.replace("LATENCY", "    latency: batch_tolerant"), "t.yaml")
    )
    assert tolerant["on_demand flex"]["monthly_cost_usd"] == pytest.approx(720.0)
    assert tolerant["on_demand flex"]["cheapest"]


def test_a_named_tier_is_the_only_one_priced(cli: Any, write_scenario: Any) -> None:
    named = options(cli, write_scenario(TIERED.replace("LATENCY", "    service_tier: flex")))
    assert list(named) == ["on_demand flex"]
    assert named["on_demand flex"]["monthly_cost_usd"] == pytest.approx(720.0)
    # a model without the tier: an error naming the tiers it has
    path = write_scenario(
        TIERED.replace("amazon.nova-pro-v1:0", "amazon.titan-text-express-v1").replace(
            "LATENCY", "    service_tier: priority"
        ),
        "none.yaml",
    )
    result = cli("estimate", str(path))
    assert result.code == 2 and "priority" in result.err and "standard" in result.err


# --- long context and 1-hour cache writes -------------------------------------------------

LONG = """\
name: long
workloads:
  - name: contracts
    model: MODEL
    tokens_per_request: {input: INPUT, output: 1000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
"""


def test_a_prompt_beyond_the_threshold_is_billed_at_the_long_context_rate(
    cli: Any, write_scenario: Any
) -> None:
    """Claude Sonnet 4.5 global: above 200,000 input tokens the whole request is billed at
    $6 / $22.50 per 1M (litellm 1.110.2) instead of $3 / $15. 1,000 requests of 250,000
    input and 1,000 output tokens: 250 x $6 + 1 x $22.50 = $1,522.50; at 150,000 input
    tokens the standard rates apply: 150 x $3 + 1 x $15 = $465."""
    model = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    long = write_scenario(LONG.replace("MODEL", model).replace("INPUT", "250000"))
    assert total(cli, long) == pytest.approx(1_522.50)
    short = write_scenario(LONG.replace("MODEL", model).replace("INPUT", "150000"), "s.yaml")
    assert total(cli, short) == pytest.approx(465.0)
    # in-region the sources give no long-context rate: not priced at the standard rate
    regional = write_scenario(
        LONG.replace("MODEL", "anthropic.claude-sonnet-4-5-20250929-v1:0").replace(
            "INPUT", "250000"
        ),
        "r.yaml",
    )
    result = cli("estimate", str(regional))
    assert result.code == 2
    assert "exceeds the model's long-context threshold" in result.err


def test_one_hour_cache_writes_have_their_own_rate(cli: Any, write_scenario: Any) -> None:
    """Claude Haiku 4.5 global: 10,000 requests x 10,000 tokens written to the 1-hour cache
    = 100M x $2.00 (litellm 1.110.2) = $200, plus 100M 5-minute writes x $1.25 = $125 and
    100 input tokens x 10,000 = 1M x $1.00."""
    path = write_scenario(
        """
        name: cached
        workloads:
          - name: agent
            model: global.anthropic.claude-haiku-4-5-20251001-v1:0
            tokens_per_request: {input: 100, output: 0, cache_write: 10000, cache_write_1h: 10000}
            traffic: {requests_per_month: 10000}
            options: [on_demand]
        """
    )
    document = json.loads(cli("estimate", str(path), "-f", "json").out)
    lines = {c["name"]: c["usd"] for c in document["scenarios"][0]["bill"]["components"]}
    assert lines["cache_write_1h_input_tokens"] == pytest.approx(200.0)
    assert lines["cache_write_input_tokens"] == pytest.approx(125.0)
    assert document["scenarios"][0]["total_monthly_cost_usd"] == pytest.approx(326.0)


# --- account-level free tiers --------------------------------------------------------------

SERVERLESS = """\
name: serverless
supporting_services:
  data_transfer_out_gb: 150
  lambda: {requests_per_month: 3000000, gb_seconds_per_month: 1500000, architecture: x86}
  api_gateway: {kind: http, requests_per_month: 3000000}
"""


def test_free_tiers_only_when_asked(cli: Any, write_scenario: Any) -> None:
    """AWS's own Lambda example: 3M requests of 1 s at 512 MB = 1,500,000 GB-s. Without free
    tiers: 3 x $0.20 + 1,500,000 x $0.0000166667 + 150 GB x $0.09 + 3 x $1.00 (HTTP API) =
    $0.60 + $25.00 + $13.50 + $3.00 = $42.10. With --free-tier: (3 - 1) x $0.20 +
    (1,500,000 - 400,000) x $0.0000166667 + (150 - 100) x $0.09 + $3.00 (API Gateway's free
    tier is for new accounts' first 12 months only: not applied) = $0.40 + $18.33 + $4.50 +
    $3.00 = $26.23."""
    path = write_scenario(SERVERLESS)
    assert total(cli, path) == pytest.approx(0.60 + 1_500_000 * 0.0000166667 + 13.50 + 3.00)
    assert total(cli, path, "--free-tier") == pytest.approx(
        0.40 + 1_100_000 * 0.0000166667 + 4.50 + 3.00
    )
    result = cli("estimate", str(path), "--free-tier", "-f", "json")
    document = json.loads(result.out)
    assert any("free tiers applied" in w for w in document["warnings"])
    services = document["scenarios"][0]["supporting_services"]["components"]
    egress = next(c for c in services if c["name"] == "data_transfer_out")
    assert egress["free_quantity"] == 100 and egress["tiers"][0]["quantity"] == 50
    assert "after 100 GB free" in egress["tiers"][0]["name"]


# --- Custom Model Import ---------------------------------------------------------------------

IMPORTED = """\
name: imported
imported_models:
  - name: my-llama
    custom_model_units_per_copy: 2
    usd_per_cmu_minute: 0.10          # your rate for the model's CMU version (an example)
    copies: COPIES
ACTIVE
"""


def test_custom_model_import_bills_cmu_minutes_in_five_minute_windows(
    cli: Any, write_scenario: Any
) -> None:
    """Active 6,002 minutes → 1,201 five-minute windows = 6,005 billed minutes; 1 copy × 2
    CMUs × 6,005 × $0.10 = $1,201.00. Two copies: $2,402.00. Always on in December: 744 h ×
    60 = 44,640 minutes = 8,928 windows → 2 × 44,640 × $0.10 = $8,928.00."""
    one = write_scenario(
        IMPORTED.replace("COPIES", "1").replace("ACTIVE", "    active_minutes_per_month: 6002")
    )
    assert total(cli, one) == pytest.approx(1_201.00)
    document = json.loads(cli("estimate", str(one), "-f", "json").out)
    [component] = document["scenarios"][0]["bill"]["components"]
    assert component["name"] == "custom_model_unit_minutes"
    assert (component["quantity"], component["unit"]) == (12_010, "CMU-minutes")
    two = write_scenario(
        IMPORTED.replace("COPIES", "2").replace("ACTIVE", "    active_minutes_per_month: 6002"),
        "two.yaml",
    )
    assert total(cli, two) == pytest.approx(2_402.00)
    always = write_scenario(IMPORTED.replace("COPIES", "1").replace("ACTIVE\n", ""), "on.yaml")
    assert total(cli, always, "--month", "2026-12") == pytest.approx(8_928.00)


def test_a_share_of_long_prompts_is_billed_by_request_share(cli: Any, write_scenario: Any) -> None:
    """1,000 requests on global Claude Sonnet 4.5, 10 % of them with 250,000 input tokens and
    the rest 10,000; 1,000 output tokens each. Typical: 9M x $3 + 0.9M x $15 = $40.50; long:
    25M x $6 + 0.1M x $22.50 = $152.25; whole: $192.75."""
    path = write_scenario(
        """
        name: mixed
        workloads:
          - name: contracts
            model: global.anthropic.claude-sonnet-4-5-20250929-v1:0
            tokens_per_request:
              input: 10000
              output: 1000
              long_requests: {share: 0.1, input: 250000}
            traffic: {requests_per_month: 1000}
            options: [on_demand]
        """
    )
    document = json.loads(cli("estimate", str(path), "-f", "json").out)
    scenario = document["scenarios"][0]
    assert scenario["total_monthly_cost_usd"] == pytest.approx(192.75)
    lines = {c["name"]: c["usd"] for c in scenario["bill"]["components"]}
    assert lines["input_tokens"] == pytest.approx(27.0)
    assert lines["output_tokens"] == pytest.approx(13.5)
    assert lines["input_tokens_long_context"] == pytest.approx(150.0)
    assert lines["output_tokens_long_context"] == pytest.approx(2.25)


def test_a_prompt_beyond_the_context_window_is_bad_input(cli: Any, write_scenario: Any) -> None:
    """Nova Lite's context window is 300,000 tokens (litellm 1.110.2): 1e29 input tokens a
    request (or 290,000 plus 20,000 cached) cannot be sent, so nothing is priced."""
    for tokens in ("{input: 1e29, output: 100}", "{input: 290000, output: 1, cache_read: 20000}"):
        path = write_scenario(
            LONG.replace("MODEL", "amazon.nova-lite-v1:0").replace(
                "{input: INPUT, output: 1000}", tokens
            )
        )
        result = cli("estimate", str(path))
        assert result.code == 2, result
        assert "exceed the context window of amazon.nova-lite-v1:0, 300,000 tokens" in result.err
        assert "tokens_per_request.input" in result.err
