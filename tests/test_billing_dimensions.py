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
