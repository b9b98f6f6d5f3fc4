"""Price books over the fixture snapshot, and `genai-cost pricing list/show/diff`.

Fixture: acme.chat-v1:0 in us-east-1 at $8 / $24 per 1M input / output tokens; provisioned
6_months $20 per model unit-hour anywhere; ec2 gpu.small on_demand $2, reserved_1y $1.25.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_SNAPSHOT

SCENARIO = """\
name: t
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {input: 11000, output: 4000}
    traffic: {requests_per_month: 1000}
    options: [on_demand]
"""


def book(tmp_path: Path, text: str) -> str:
    path = tmp_path / "book.yaml"
    path.write_text("name: acme\nas_of: 2026-01-01\nreference: EDP contract 42\n" + text)
    return str(path)


def estimate(cli: Any, tmp_path: Path, *args: str, scenario: str = SCENARIO) -> dict[str, Any]:
    path = tmp_path / "s.yaml"
    path.write_text(scenario)
    result = cli("estimate", str(path), "-f", "json", *args)
    assert result.code == 0, result
    return json.loads(result.out)


def chat_row(doc: dict[str, Any], option: str = "on_demand") -> dict[str, Any]:
    return next(r for r in doc["options"] if r["option"] == option and r["feasible"])


def test_discount_applies_to_snapshot_prices(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    path = book(tmp_path, "discounts: [{percent: 10, applies_to: bedrock}]\n")
    doc = estimate(cli, tmp_path, "--price-book", path)
    row = chat_row(doc)
    # $184 list price less 10 % = $165.60
    assert row["monthly_cost_usd"] == pytest.approx(165.6)
    assert row["sources"] == ["discount:acme:10%:test"]
    title = doc["sources"]["discount:acme:10%:test"]["title"]
    assert "less 10 % (price book acme)" in title


def test_book_price_beats_snapshot_and_is_not_discounted(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    path = book(
        tmp_path,
        """\
discounts: [{percent: 10}]
bedrock_on_demand:
  - {model_id: acme.chat-v1:0, region: us-east-1, usd_per_1m_input_tokens: 5,
     usd_per_1m_output_tokens: 20}
""",
    )
    row = chat_row(estimate(cli, tmp_path, "--price-book", path))
    # 1,000 x (11,000 x 5 + 4,000 x 20) / 1M = $135 (private prices are already net)
    assert row["monthly_cost_usd"] == pytest.approx(135.0)
    assert row["sources"] == ["pricebook:acme"]


def test_book_from_environment(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_COST_PRICE_BOOK", book(tmp_path, "discounts: [{percent: 50}]\n"))
    assert chat_row(estimate(cli, tmp_path))["monthly_cost_usd"] == pytest.approx(92.0)


PROVISIONED = SCENARIO.replace(
    "    options: [on_demand]\n",
    """\
    options: [provisioned]
    provisioned:
      term: 6_months
      input_tokens_per_minute_per_model_unit: 1000000
      output_tokens_per_minute_per_model_unit: 1000000
""",
)


def test_precedence_scenario_then_book_then_snapshot(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    quote = (
        "bedrock_provisioned: [{model_id: acme.chat-v1:0, term: 6_months, "
        "usd_per_model_unit_hour: 15}]\n"
    )
    # snapshot: 1 unit x 730 h x $20 = $14,600
    doc = estimate(cli, tmp_path, scenario=PROVISIONED)
    assert chat_row(doc, "provisioned")["monthly_cost_usd"] == pytest.approx(14600.0)
    # price book quote $15: $10,950
    doc = estimate(cli, tmp_path, "--price-book", book(tmp_path, quote), scenario=PROVISIONED)
    row = chat_row(doc, "provisioned")
    assert row["monthly_cost_usd"] == pytest.approx(10950.0)
    assert row["sources"] == ["pricebook:acme", "scenario"]
    # the scenario's own price $12 beats both: $8,760
    own = PROVISIONED.replace(
        "      term: 6_months\n", "      term: 6_months\n      usd_per_model_unit_hour: 12\n"
    )
    doc = estimate(cli, tmp_path, "--price-book", book(tmp_path, quote), scenario=own)
    assert chat_row(doc, "provisioned")["monthly_cost_usd"] == pytest.approx(8760.0)


def test_book_instance_price_enables_a_purchase_model(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    scenario = """\
name: t
workloads:
  - name: open
    model: acme.open-8b-v1:0
    tokens_per_request: {input: 1000, output: 1000}
    traffic: {requests_per_second: 1}
    options: [self_hosted]
    self_hosted: {instance_type: gpu.small, platform: ec2, purchase: savings_plan_1y}
"""
    path = book(
        tmp_path,
        "instance_prices: [{platform: ec2, instance_type: gpu.small, "
        "region: us-east-1, purchase: savings_plan_1y, usd_per_hour: 1.1}]\n",
    )
    row = chat_row(estimate(cli, tmp_path, "--price-book", path, scenario=scenario), "self_hosted")
    # 1,000 output tok/s needs 1 instance of 1,000: 730 h x $1.10 = $803
    assert row["monthly_cost_usd"] == pytest.approx(803.0)
    assert row["sources"] == ["pricebook:acme", "test"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("discounts: [{percent: 150}]\n", "discounts[0].percent"),
        ("bedrock_on_demand: [{model_id: acme.chat-v2:0}]\n", "did you mean 'acme.chat-v1:0'"),
        ("discount: [{percent: 5}]\n", "did you mean 'discounts'"),
    ],
)
def test_bad_price_book(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, text: str, message: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    result = cli("estimate", str(path), "--price-book", book(tmp_path, text))
    assert result.code == 2, result
    assert message in result.err and "Traceback" not in result.err


# --- pricing list / show / diff ----------------------------------------------------------


def changed_snapshot(tmp_path: Path) -> Path:
    new = tmp_path / "snap-new"
    shutil.copytree(FIXTURE_SNAPSHOT, new)
    prices = new / "bedrock_on_demand.csv"
    text = prices.read_text().replace(
        "acme.chat-v1:0,in_region,us,*,8,24", "acme.chat-v1:0,in_region,us,*,10,24"
    )
    text = text.replace("acme.nobatch-v1:0,in_region,us,*,1,2,,,,,,,test,2026-01-01,\n", "")
    prices.write_text(text)
    instances = new / "instance_prices.csv"
    instances.write_text(
        instances.read_text() + "ec2,gpu.large,us-east-1,spot,6,,,test,2026-01-01,\n"
    )
    return new


def test_pricing_diff(cli: Any, tmp_path: Path, fixture_snapshot: Path) -> None:
    new = changed_snapshot(tmp_path)
    doc = json.loads(cli("pricing", "diff", str(FIXTURE_SNAPSHOT), str(new), "-f", "json").out)
    assert doc["counts"] == {"added": 1, "removed": 1, "changed": 1}
    changed = next(c for c in doc["changes"] if c["change"] == "changed")
    assert changed["key"]["model_id"] == "acme.chat-v1:0"
    # $8 -> $10 per 1M input tokens: +25 %
    assert changed["prices"] == [
        {"column": "usd_per_1m_input_tokens", "old": 8.0, "new": 10.0, "change_percent": 25.0}
    ]
    markdown = cli("pricing", "diff", str(FIXTURE_SNAPSHOT), str(new), "-f", "markdown").out
    assert "1 added, 1 removed, 1 changed." in markdown
    assert "usd_per_1m_input_tokens: $8.00 → $10.00 (+25.0%)" in markdown


def test_pricing_show_and_list(cli: Any, fixture_snapshot: Path) -> None:
    doc = json.loads(cli("pricing", "show", "acme.chat-v1:0", "-f", "json").out)
    assert {r["scope"] for r in doc["on_demand"]} == {"in_region", "global"}
    assert [r["term"] for r in doc["provisioned"]] == ["no_commitment", "1_month", "6_months"]
    table = cli("pricing", "show", "global.acme.chat-v1:0", "-f", "markdown").out
    assert "| global | \\* (any region) | $7.00 | $21.00 |" in table
    listed = json.loads(cli("pricing", "list", "-f", "json").out)["snapshots"]
    assert [s["id"] for s in listed] == ["2026-11-23", "2026-11-28", "test-fixture"]
    bad = cli("pricing", "show", "acme.chat")
    assert bad.code == 2 and "unknown model id" in bad.err


def test_diff_prices_scenario_sides_with_the_price_book(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    path = book(tmp_path, "discounts: [{percent: 10, applies_to: bedrock}]\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO)
    base = tmp_path / "base.json"
    assert (
        cli("estimate", str(scenario), "-f", "json", "-o", str(base), "--price-book", path).code
        == 0
    )
    result = cli("diff", str(base), str(scenario), "-f", "json", "--price-book", path)
    assert result.code == 0
    document = json.loads(result.out)
    # both sides at the discounted $165.60: nothing changed
    assert document["total"]["base_monthly_cost_usd"] == pytest.approx(165.6)
    assert document["total"]["head_monthly_cost_usd"] == pytest.approx(165.6)
