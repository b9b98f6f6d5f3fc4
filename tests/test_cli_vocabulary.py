"""The CLI as people read it: compact option tables, terminal widths, plain help, numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from genai_cost.report.labels import percent
from genai_cost.report.sections import unit_price
from tests.cli_docs import _help as help_text
from tests.cli_docs import commands

CHATBOT = "scenarios/support-chatbot.yaml"
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"


def test_options_are_compact_by_default_and_complete_with_all(cli: Any) -> None:
    compact = cli("estimate", CHATBOT).out
    assert compact.count("provisioned (3 terms)") == 2  # one line per workload
    assert "provisioned no_commitment" not in compact
    assert "term no_commitment/1_month/6_months" in compact
    every = cli("estimate", CHATBOT, "--all").out
    assert "provisioned no_commitment" in every and "provisioned 6_months" in every
    markdown = cli("estimate", CHATBOT, "-f", "markdown").out
    assert "5 self-hosting options: not an open-weights model" in markdown  # once per reason
    assert markdown.count("open-weights") == 2  # one line per workload, not one per option
    every_markdown = cli("estimate", CHATBOT, "-f", "markdown", "--all").out
    assert "| provisioned 6_months | — |" in every_markdown


@pytest.mark.parametrize("columns", [40, 200])
def test_no_terminal_width_cuts_a_model_id(
    cli: Any, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = cli("estimate", CHATBOT).out
    assert max(len(line) for line in out.splitlines()) <= columns
    joined = re.sub(r"[\s│┃]", "", out)
    assert MODEL in joined
    assert "…" not in out


def test_every_table_format_is_a_terminal_table(cli: Any) -> None:
    out = cli("roi", "scenarios/support-platform.yaml").out
    assert "┏" in out and "| Month |" not in out


def test_help_speaks_plainly() -> None:
    for name in commands():
        text = help_text(name)
        assert not re.search(r"<(list\[|str>|int>|path>|Path>)", text), name
        assert "{FILE" not in text and "{LOGS" not in text, name


def test_numbers_for_people() -> None:
    assert percent(-0.001) == "0%"
    assert unit_price(1_234_567.5) == "$1,234,567.50"  # money: two decimals, no exponent
    assert unit_price(-3.5) == "-$3.50"
    assert unit_price(3.3) == "$3.30"
    assert unit_price(0.0125) == "$0.0125"  # more only below a cent's resolution
    assert unit_price(0.0000166667) == "$0.0000166667"


def test_a_wrong_tenant_key_names_the_keys_the_records_have(cli: Any) -> None:
    result = cli(
        "allocate",
        "tests/fixtures/logs/invocations.jsonl",
        "--tenant",
        "metadata:tem",
        "-f",
        "json",
    )
    [note] = json.loads(result.out)["notes"]
    assert "the records' requestMetadata keys are: team, workload" in note
    assert "did you mean 'team'?" in note


def test_folders_hold_scenarios_only(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(Path(CHATBOT).read_text())
    (tmp_path / "book.yaml").write_text("name: book\ndiscounts:\n  - {percent: 5}\n")
    result = cli("estimate", str(tmp_path), "-f", "json")
    assert result.code == 0, result
    assert f"skipped (not scenarios): {tmp_path / 'book.yaml'}" in result.err


def test_a_bundled_workload_has_a_non_trivial_mix(cli: Any) -> None:
    """office-hours-triage: 25 req/s of Llama 3.1 8B (2,048 in, 128 out at $0.22 / $0.22 per
    1M) is 65.7M requests = $31,451.90 on demand; three p5.4xlarge ($6.88 an hour) carry the
    peak for 3 × 730 × 6.88 = $15,067.20; keeping two (2 × 730 × 6.88 = $10,044.80) and
    sending the office-hours peak on demand is cheaper than either."""
    document = json.loads(cli("mix", "scenarios/office-hours-triage.yaml", "-f", "json").out)
    [mix] = document["workloads"][0]["mixes"]
    assert (mix["units"], mix["units_for_peak"]) == (2, 3)
    assert mix["fixed_usd"] == pytest.approx(10_044.80)
    assert mix["pure_capacity_usd"] == pytest.approx(15_067.20)
    assert mix["pure_on_demand_usd"] == pytest.approx(65_700_000 * 2_176 * 0.22 / 1e6)
    assert mix["monthly_cost_usd"] < min(mix["pure_capacity_usd"], mix["pure_on_demand_usd"])


def test_init_writes_a_starter_that_estimates(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    made = cli(
        "init", str(path), "--model", "amazon.nova-lite-v1:0", "--requests-per-month", "50000"
    )
    assert made.code == 0 and f"next: genai-cost estimate {path}" in made.err
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result
    # 50,000 requests × (500 × $0.06 + 200 × $0.24) / 1M = $3.90
    assert json.loads(result.out)["scenarios"][0]["total_monthly_cost_usd"] == pytest.approx(3.90)
    again = cli("init", str(path))
    assert again.code == 2 and "--force" in again.err
    wrong = cli("init", str(tmp_path / "x.yaml"), "--model", "amazon.nova-lyte-v1:0")
    assert wrong.code == 2 and "did you mean 'amazon.nova-lite-v1:0'?" in wrong.err
    assert not (tmp_path / "x.yaml").exists()


def test_progress_bars_never_pass_their_total(capsys: pytest.CaptureFixture[str]) -> None:
    from genai_cost.console import progress_bar

    with progress_bar(20, "work", enabled=True) as step:
        for _ in range(100):  # more steps than the total
            step("x")
    err = capsys.readouterr().err
    assert "100/20" not in err and "/20" not in err.replace("20/20", "")


def test_capacity_label_counts_one_in_the_singular() -> None:
    from genai_cost.report.labels import capacity

    def label(n: float, unit: str) -> str:
        return capacity({"capacity": n, "capacity_unit": unit})

    assert label(1, "instances") == "1 instance"
    assert label(3, "instances") == "3 instances"
    assert label(1, "instances at the busiest hour") == "1 instance at the busiest hour"
    assert label(1, "model units") == "1 model unit"
    assert label(1, "concurrent invocations at the peak") == ("1 concurrent invocation at the peak")
    assert label(1.2, "instance-hours") == "1 instance-hour"  # shown rounded
    assert label(1_500, "instance-hours") == "1,500 instance-hours"
    assert capacity({"capacity": None}) == "—"
