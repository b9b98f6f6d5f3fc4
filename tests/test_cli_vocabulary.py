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
    assert "| provisioned (3 terms) | — |" in markdown


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
    assert unit_price(1_234_567.5) == "$1,234,567.5"
    assert unit_price(-3.5) == "-$3.5"
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
