"""The report model (report/blocks.py, report/formats.py, report/registry.py): typed cells
shown the same way in every human format and written raw in the data formats; every command
in every format its help lists; the compact estimate adds up; the CLI conventions of #29."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from genai_cost.report.blocks import Col, Report, human, raw, unit_price_text
from genai_cost.report.formats import to_csv, to_html, to_markdown, to_terminal
from tests.conftest import ROOT

# --- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (3.3, "money", "$3.30"),
        (1_234_567.5, "money", "$1,234,567.50"),
        (-60_000.4, "money", "-$60,000.40"),
        (0.0000166667, "unit_price", "$0.0000166667"),
        (0.0125, "unit_price", "$0.0125"),
        (16.5, "unit_price", "$16.50"),
        (2_000_000.0, "count", "2,000,000"),
        (1.5e6, "number", "1,500,000"),
        (0.125, "share", "12%"),
        (0.125, "signed_share", "+12.5%"),
        (12.0, "signed_money", "+$12.00"),
        (None, "money", "—"),
        (float("inf"), "money", "—"),
        ("≥ $3.00 (incomplete)", "money", "≥ $3.00 (incomplete)"),
    ],
)
def test_cells_for_people(value: Any, kind: Any, shown: str) -> None:
    assert human(value, kind) == shown
    assert "e+" not in human(value, kind) and "None" not in human(value, kind)


def test_cells_as_data() -> None:
    assert raw(3.30000000000004, "money") == 3.3  # the last float digit never shows
    assert raw(2_000_000.0, "count") == 2_000_000 and isinstance(raw(2e6, "count"), int)
    assert raw(None, "money") is None and raw(float("nan"), "share") is None
    assert unit_price_text(0.000001) == "$0.000001"


def _sample() -> Report:
    report = Report("Sample")
    report.heading("app · chat")
    table = report.table(
        Col("Name"), Col("Cost", "money", "cost_usd"), Col("Share", "share"), name="row"
    )
    table.add('=HYPERLINK("http://evil")', 1234.5, 0.25)
    table.add("<b>@team</b> | x", 0.004, 0.75)
    table.add("Total", 1234.504, 1.0, strong=True)
    return report


def test_every_format_draws_the_same_blocks() -> None:
    report = _sample()
    text = to_terminal(report, width=80)
    assert "$1,234.50" in text and "25%" in text and "app · chat" in text
    markdown = to_markdown(report)
    assert "| $1,234.50 | 25% |" in markdown and "**Total**" in markdown
    assert "&#64;team" in markdown and "\\|" in markdown  # no mention, no broken row
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == ["record", "section", "name", "cost_usd", "share"]
    assert rows[1][0:2] == ["row", "app · chat"] and rows[1][2].startswith("'=")  # inert
    assert rows[2][3] == "0.004"  # raw: more than the two decimals people see
    html = to_html(report)
    assert "&lt;b&gt;&#64;team&lt;/b&gt;" in html or "&lt;b&gt;@team&lt;/b&gt;" in html
    assert "<script" not in html and "$1,234.50" in html


def test_a_narrow_terminal_leaves_out_optional_columns_with_a_note() -> None:
    report = Report("Wide")
    table = report.table(Col("Option"), Col("Monthly", "money"), Col("Notes"), optional=("Notes",))
    table.add("self_hosted ec2 p5.4xlarge on_demand", 10.0, "a long note " * 12)
    narrow = to_terminal(report, width=60)  # the option would wrap: the notes go first
    assert "Notes" not in narrow.splitlines()[1] and "Left out to fit 60 columns: Notes" in narrow
    assert "self_hosted ec2 p5.4xlarge on_demand" in narrow
    wide = to_terminal(report, width=400)
    assert "Left out" not in wide and "a long note" in wide


# --- every command, every format --------------------------------------------------------------


def test_help_lists_the_formats_every_command_renders(cli: Any) -> None:
    """Every command with --format offers the registry's formats, and the goldens pin each
    of them (tests/test_goldens.py runs every command in every format)."""
    from genai_cost.report.registry import BUILDERS, FORMATS
    from tests.cli_docs import _help, commands
    from tests.test_goldens import ALL_FORMATS, COMMANDS

    assert tuple(FORMATS) == ALL_FORMATS
    with_format = [c for c in commands() if c and "--format" in _help(c)]
    assert len(with_format) >= 18
    for command in with_format:
        assert "|".join(FORMATS) in _help(command).replace("\n", " "), command
    pinned = {
        " ".join(args[:2]) if args[0] == "pricing" else args[0] for args, *_ in COMMANDS.values()
    }
    pinned |= {"pricing diff", "pricing refresh"}  # their own golden tests
    assert set(with_format) - {"advise"} <= pinned, set(with_format) - pinned
    assert {kind for _, _, kind, _ in COMMANDS.values()} and BUILDERS


def test_output_to_dev_null_and_dash(cli: Any) -> None:
    chatbot = str(ROOT / "scenarios/support-chatbot.yaml")
    assert cli("estimate", chatbot, "-o", "/dev/null").code == 0
    dash = cli("estimate", chatbot, "-f", "json", "-o", "-")
    assert dash.code == 0 and json.loads(dash.out)["schema_version"] == 2


def test_parquet_needs_a_file(cli: Any) -> None:
    result = cli("mix", str(ROOT / "scenarios/support-chatbot.yaml"), "-f", "parquet")
    assert result.code == 2 and "give -o FILE.parquet" in result.err


# --- the compact estimate ---------------------------------------------------------------------


BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_the_whole_bill_rows_add_up(path: Path) -> None:
    """The estimate's first table: each workload's cheapest option (its inference lines),
    then the bill's other families — rows that sum to the whole bill."""
    from genai_cost.api import estimate
    from genai_cost.report.estimate import estimate_report

    document = estimate([path]).to_dict()
    report = estimate_report(document)
    tables = [t for t in report.tables() if t.record == "workload"]
    for scenario, table in zip(document["scenarios"], tables, strict=True):
        bill = scenario["bill"]
        if not bill["complete"]:
            continue
        parts = [row[2] for n, row in enumerate(table.rows) if n not in table.strong]
        assert sum(parts) == pytest.approx(bill["total_monthly_cost_usd"], abs=0.011)
        assert table.rows[-1][2] == bill["total_monthly_cost_usd"]


def test_unusable_options_collapse_by_reason(cli: Any) -> None:
    out = cli("estimate", str(ROOT / "scenarios/support-chatbot.yaml"), "-f", "markdown").out
    assert "5 self-hosting options: not an open-weights model" in out
    assert "is not an open-weights model; it cannot be self-hosted" not in out  # --all says it
    every = cli("estimate", str(ROOT / "scenarios/support-chatbot.yaml"), "--all").out
    assert "it cannot be self-hosted" in every and "Sources" in every


# --- models, suggestions, init -----------------------------------------------------------------


def test_models_filters_and_whole_ids(cli: Any) -> None:
    out = cli("models", "--provider", "Amazon", "--search", "nova lite", "-f", "csv").out
    ids = [row["model_id"] for row in csv.DictReader(io.StringIO(out))]
    assert "amazon.nova-lite-v1:0" in ids and all(i.startswith("amazon.") for i in ids)
    frankfurt = json.loads(cli("models", "--region", "eu-central-1", "-f", "json").out)
    assert frankfurt["models"] and len(frankfurt["models"]) < len(
        json.loads(cli("models", "-f", "json").out)["models"]
    )
    bad = cli("models", "--region", "eu-centrall-1")
    assert bad.code == 2 and "--region 'eu-centrall-1'" in bad.err and "eu-central-1" in bad.err
    table = cli("models", "--search", "haiku 4-5").out  # the terminal keeps ids whole
    assert "anthropic.claude-haiku-4-5-20251001-v1:0" in table


def test_a_near_miss_model_id_suggests_the_dated_id_of_its_family() -> None:
    from genai_cost.modelfile import suggest

    ids = ["anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-5-5", "x.y"]
    hint = suggest("anthropic.claude-haiku-4-5", ids)
    assert hint == "did you mean 'anthropic.claude-haiku-4-5-20251001-v1:0'?"


def test_init_writes_whole_numbers(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "app.yaml"
    result = cli("init", str(target), "--requests-per-month", "2000000")
    assert result.code == 0, result
    assert "requests_per_month: 2000000\n" in target.read_text() and "e+" not in target.read_text()


# --- diff --base-ref anywhere, check without budgets -------------------------------------------


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    source = (ROOT / "tests/fixtures/scenarios/diff-base.yaml").read_text()
    (repo / "scenarios" / "app.yaml").write_text(source)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")
    head = (ROOT / "tests/fixtures/scenarios/diff-head.yaml").read_text()
    (repo / "scenarios" / "app.yaml").write_text(head)
    return repo


def test_diff_base_ref_from_outside_the_repository(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("diff", "--base-ref", "main", "--repo", str(repo), "scenarios/", "-f", "json")
    assert result.code == 0, result
    assert json.loads(result.out)["total"]["change_usd"] == 1233.5
    unknown = cli("diff", "--base-ref", "nope", "--repo", str(repo), "scenarios/")
    assert unknown.code == 2 and "--base-ref 'nope': no such revision" in unknown.err
    outside = cli("diff", "--base-ref", "main", "scenarios/")
    assert outside.code == 2 and "not inside a git repository; give --repo PATH" in outside.err


def test_the_pre_commit_check_passes_files_without_a_budget(cli: Any) -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "entry: genai-cost check --skip-unbudgeted" in hooks
    unbudgeted = str(ROOT / "scenarios/business-hours-assistant.yaml")
    assert cli("check", unbudgeted).code == 2
    skipped = cli("check", unbudgeted, "--skip-unbudgeted", "-f", "json")
    assert skipped.code == 0 and json.loads(skipped.out)["without_budget"] == [unbudgeted]


# --- the pricing option group -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["estimate", "diff", "check", "breakeven", "mix", "optimize", "roi", "regions"]
)
def test_every_pricing_command_has_the_whole_option_group(command: str) -> None:
    from tests.cli_docs import _help

    text = _help(command)
    for flag in ("--format", "--output", "--snapshot", "--as-of", "--price-book", "--month",
                 "--free-tier", "--max-snapshot-age-days"):  # fmt: skip
        assert flag in text, (command, flag)


def test_breakeven_for_a_calendar_month_is_the_estimate_of_that_month() -> None:
    """With --month, the curves bill capacity for the month's own hours, as the estimate
    does (February: 672 hours): the sweep at today's volume is the estimate's figure."""
    from genai_cost.api import PricingOptions, breakeven, estimate

    path = ROOT / "scenarios/ticket-classifier.yaml"
    options = PricingOptions(month="2026-02")
    document = breakeven(path, options=options)
    assert document["workloads"][0]["sweep_check_max_difference_usd"] == 0.0
    rows = estimate([path], month="2026-02").options_frame()
    self_hosted = rows.query("option == 'self_hosted' and feasible")["monthly_cost_usd"].min()
    assert self_hosted == pytest.approx(672 * 20.64)


def test_warnings_print_once(cli: Any) -> None:
    """In the terminal the report lists what was not allocated itself; elsewhere (JSON, a
    file) stderr says it."""
    logs = str(ROOT / "tests/fixtures/logs/invocations.jsonl")
    table = cli("allocate", logs, "--tenant", "metadata:team")
    assert "Records not allocated" in table.out and "warning" not in table.err
    as_json = cli("allocate", logs, "--tenant", "metadata:team", "-f", "json")
    assert "warning: 1 record(s) not allocated" in as_json.err
