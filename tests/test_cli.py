"""The command line end to end: every command and format, golden files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
CHATBOT = "scenarios/support-chatbot.yaml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_scenario_estimates_cleanly(cli: Any, path: Path) -> None:
    result = cli("estimate", str(path.relative_to(ROOT)), "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    for scenario in doc["scenarios"]:
        for workload in scenario["workloads"]:
            assert workload["cheapest_option"] is not None
            assert workload["monthly_cost_usd"] > 0


@pytest.mark.parametrize(
    "fmt,suffix", [("markdown", "md"), ("csv", "csv"), ("json", "json"), ("table", "txt")]
)
def test_golden_reports(cli: Any, golden: Any, fmt: str, suffix: str) -> None:
    result = cli("estimate", CHATBOT, "scenarios/ticket-classifier.yaml", "--format", fmt)
    assert result.code == 0, result
    golden(f"estimate.{suffix}", result.out)


def test_json_contract(cli: Any) -> None:
    doc = json.loads(cli("estimate", CHATBOT, "-f", "json").out)
    assert doc["schema_version"] == 2
    assert doc["snapshot"] == {"id": "2026-11-28", "as_of": "2026-11-28"}
    assert {
        "scenario",
        "workload",
        "option",
        "variant",
        "feasible",
        "reason",
        "monthly_cost_usd",
        "components",
    } <= set(doc["options"][0])
    scenario = doc["scenarios"][0]
    assert set(scenario) >= {"name", "path", "sha256", "workloads"}
    assert len(scenario["sha256"]) == 64
    assert set(scenario["workloads"][0]) >= {
        "name",
        "cheapest_option",
        "cheapest_variant",
        "monthly_cost_usd",
    }
    # The chatbot's chat turns, hand-computed from the published Claude Haiku 4.5 global
    # prices ($1 input, $5 output, $0.10 cache read, $1.25 cache write per 1M tokens):
    # 1.5M x (350 x 1 + 2,400 x 0.1 + 120 x 1.25 + 280 x 5) / 1M = 1.5 x 2,140 = $3,210.
    assert scenario["workloads"][0]["monthly_cost_usd"] == 3210.0


def test_json_matches_published_schema(cli: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "docs" / "schemas" / "estimate.schema.json").read_text())
    for path in SCENARIOS:
        doc = json.loads(cli("estimate", str(path.relative_to(ROOT)), "-f", "json").out)
        jsonschema.validate(doc, schema)


def test_output_file_is_written_atomically(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("old")
    result = cli("estimate", CHATBOT, "-f", "json", "-o", str(target))
    assert result.code == 0
    assert result.out == ""
    assert f"wrote {target}" in result.err
    assert json.loads(target.read_text())["schema_version"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["estimate.json"]  # no temp file left


def test_csv_parses_and_is_formula_safe(cli: Any, write_scenario: Any) -> None:
    path = write_scenario("""
        name: "=HYPERLINK(\\"http://evil\\")"
        workloads:
          - name: "+cmd"
            model: amazon.nova-lite-v1:0
            tokens_per_request: {input: 1000, output: 100}
            traffic: {requests_per_month: 1000}
        """)
    out = cli("estimate", str(path), "-f", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["scenario"] for r in rows} == {'\'=HYPERLINK("http://evil")'}
    assert {r["workload"] for r in rows if r["record"] in ("line", "option")} == {"'+cmd"}
    on_demand = next(r for r in rows if r["option"] == "on_demand")
    # 1,000 x (1,000 x $0.06 + 100 x $0.24) / 1M = $0.084
    assert float(on_demand["monthly_cost_usd"]) == pytest.approx(0.084)


def test_markdown_escapes_table_cells(cli: Any, write_scenario: Any) -> None:
    path = write_scenario("""
        name: "a|b <script>"
        workloads:
          - name: w
            model: amazon.nova-lite-v1:0
            tokens_per_request: {input: 10, output: 1}
            traffic: {requests_per_month: 10}
        """)
    out = cli("estimate", str(path), "-f", "markdown").out
    assert "## a\\|b &lt;script&gt;" in out


def test_folder_argument_prices_every_scenario(cli: Any) -> None:
    doc = json.loads(cli("estimate", "scenarios", "-f", "json").out)
    assert [s["path"] for s in doc["scenarios"]] == [
        str(Path("scenarios") / p.name) for p in SCENARIOS
    ]


def test_validate(cli: Any) -> None:
    result = cli("validate", "scenarios")
    assert result.code == 0
    assert result.out.count("ok: ") == len(SCENARIOS)


def test_schema_matches_docs(cli: Any) -> None:
    result = cli("schema")
    assert result.code == 0
    published = (ROOT / "docs" / "scenario.schema.json").read_text()
    assert result.out == published, (
        "docs/scenario.schema.json is stale: regenerate it with "
        "`genai-cost schema -o docs/scenario.schema.json`"
    )


def test_models_lists_catalog(cli: Any) -> None:
    result = cli("models", "-f", "json")
    models = {m["model_id"]: m for m in json.loads(result.out)["models"]}
    assert "global:*" in models["anthropic.claude-sonnet-4-6"]["on_demand_priced_for"]
    assert cli("models").code == 0
    assert cli("models", "-f", "csv").out.startswith("model_id,")


def test_version_and_help(cli: Any) -> None:
    assert cli("--version").out.startswith("genai-cost ")
    result = cli("estimate", "--help")
    assert result.code == 0
    assert "Examples:" in result.out


def test_stale_snapshot_warns_on_stderr(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_COST_TODAY", "2027-06-01")
    result = cli("estimate", CHATBOT, "-f", "json", "--max-snapshot-age-days", "30")
    assert result.code == 0
    assert "warning: pricing snapshot 2026-11-28 is 185 days old (limit 30)" in result.err
    assert json.loads(result.out)["warnings"]


def test_flat_traffic_warning_for_capacity_options(cli: Any, write_scenario: Any) -> None:
    path = write_scenario("""
        name: t
        workloads:
          - name: w
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 2048, output: 128}
            traffic: {requests_per_second: 5}
        """)
    result = cli("estimate", str(path), "-f", "json")
    assert "capacity options are sized for flat traffic" in result.err


def test_docs_cli_reference_is_current() -> None:
    from tests.cli_docs import render_cli_reference

    current = (ROOT / "docs" / "cli.md").read_text()
    assert current == render_cli_reference(), (
        "docs/cli.md is stale: run `python -m tests.cli_docs > docs/cli.md`"
    )


def test_console_script_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "genai-cost"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "genai_cost"]
    env = {**os.environ, "GENAI_COST_TODAY": "2026-11-28"}
    ok = subprocess.run(
        [*command, "estimate", CHATBOT, "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["scenarios"][0]["total_monthly_cost_usd"] == 3244.2
    bad = subprocess.run(
        [*command, "estimate", "missing.yaml"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genai_cost", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("genai-cost")


def test_internal_error_exit_code(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import genai_cost.api

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(genai_cost.api, "estimate_with", boom)
    result = cli("estimate", CHATBOT)
    assert result.code == 3
    assert "internal error: RuntimeError: kaboom" in result.err
    assert "please report it" in result.err


def test_written_reports_have_normal_permissions(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    cli("estimate", CHATBOT, "-f", "markdown", "-o", str(target))
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_warnings_print_once_in_a_table(cli: Any, write_scenario: Any) -> None:
    """A table on the terminal carries the warnings itself; they printed twice (stderr and
    the body). Other formats keep them on stderr, where a pipeline sees them."""
    flat = write_scenario(
        """
        name: flat
        region: us-east-1
        workloads:
          - name: w
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 200, output: 100}
            traffic: {requests_per_month: 20000000}
            options: [on_demand, self_hosted]
            self_hosted: {instance_type: p5.4xlarge, platform: ec2, purchase: on_demand}
        """
    )
    table = cli("estimate", str(flat))
    assert (table.out + table.err).count("no peak_to_average_ratio") == 1
    as_json = cli("estimate", str(flat), "-f", "json")
    assert as_json.err.count("no peak_to_average_ratio") == 1


def test_a_report_number_that_is_not_finite_is_named_by_its_path() -> None:
    """Before a decision's report is rendered, its first NaN or infinite number is named by
    its path in the document (an error, exit 2); strings, booleans and None are not numbers
    to check."""
    from genai_cost.cli.options import Format
    from genai_cost.cli.render import _first_not_finite, show
    from genai_cost.errors import OverflowInputError

    document = {"a": [1.0, {"b": 2, "c": [0.5, float("inf")]}], "d": "x", "e": float("nan")}
    assert _first_not_finite(document, "mix") == "mix.a[1].c[1]"
    assert _first_not_finite({"z": float("nan")}, "k") == "k.z"
    assert _first_not_finite({"a": [1.0, True, None, "nan", {"b": []}]}, "k") is None
    # a list of numbers is passed whole when their sum is finite; else read one by one
    assert _first_not_finite({"s": [1e308, 1e308, -1e308, 2**70]}, "k") is None
    assert _first_not_finite({"s": [1.0, float("-inf"), float("inf")]}, "k") == "k.s[1]"
    assert _first_not_finite({"s": [0.5, None, float("nan")]}, "k") == "k.s[2]"
    assert _first_not_finite({"t": ("x", (1.0, float("inf")))}, "k") == "k.t[1][1]"
    with pytest.raises(OverflowInputError, match=r"^mix\.a\[1\]\.c\[1\] is not a finite number"):
        show("mix", document, Format.json, None)
