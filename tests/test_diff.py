"""`genai-cost diff` and `check`: the usage/price split by hand, thresholds and exit codes.

Fixture prices (tests/fixtures/snapshot): acme.chat-v1:0 in us-east-1 costs $8 input and $24
output per 1M tokens. Snapshot "B" (made here) raises input to $10.
The scenario sends 1,000 requests of 11,000 input and 4,000 output tokens a month:
    base usage, A prices: 1,000 x (11,000 x 8 + 4,000 x 24) / 1M = $184
    base usage, B prices: 1,000 x (11,000 x 10 + 4,000 x 24) / 1M = $206
    2,000 requests, A prices: $368;   2,000 requests, B prices: $412
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_SNAPSHOT, ROOT

SCENARIO = """\
name: app
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {{input: 11000, output: 4000}}
    traffic: {{requests_per_month: {requests}}}
    options: [on_demand]
{extra}"""


@pytest.fixture
def snapshots(tmp_path: Path, fixture_snapshot: Path) -> tuple[str, str]:
    b = tmp_path / "snapshot-b"
    shutil.copytree(FIXTURE_SNAPSHOT, b)
    prices = b / "bedrock_on_demand.csv"
    prices.write_text(
        prices.read_text().replace(
            "acme.chat-v1:0,in_region,us,*,8,24", "acme.chat-v1:0,in_region,us,*,10,24"
        )
    )
    manifest = b / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace("snapshot_id: test-fixture", "snapshot_id: test-fixture-b")
    )
    return str(fixture_snapshot), str(b)


def scenario(tmp_path: Path, name: str, requests: int, extra: str = "") -> str:
    path = tmp_path / name
    path.write_text(SCENARIO.format(requests=requests, extra=extra))
    return str(path)


def diff_json(cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    result = cli("diff", *args, "--format", "json")
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)


def chat(document: dict[str, Any]) -> dict[str, Any]:
    """The bill line of the chat workload's inference."""
    line = document["scenarios"][0]["lines"][0]
    assert (line["family"], line["item"]) == ("inference", "chat")
    return line


def test_only_prices_changed(cli: Any, tmp_path: Path, snapshots: tuple[str, str]) -> None:
    a, b = snapshots
    path = scenario(tmp_path, "s.yaml", 1000)
    _, doc = diff_json(cli, path, path, "--base-snapshot", a, "--snapshot", b)
    w = chat(doc)
    assert (w["base_monthly_cost_usd"], w["head_monthly_cost_usd"]) == (184.0, 206.0)
    assert (w["usage_effect_usd"], w["price_effect_usd"]) == (0.0, 22.0)
    assert w["split"] == "repriced"
    assert doc["total"]["change_percent"] == pytest.approx(22 / 184 * 100, abs=1e-6)


def test_only_usage_changed(cli: Any, tmp_path: Path, snapshots: tuple[str, str]) -> None:
    a, _ = snapshots
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 2000)
    _, doc = diff_json(cli, base, head, "--snapshot", a)
    w = chat(doc)
    assert (w["usage_effect_usd"], w["price_effect_usd"]) == (184.0, 0.0)
    assert w["split"] == "same prices"


def test_usage_and_prices_changed(cli: Any, tmp_path: Path, snapshots: tuple[str, str]) -> None:
    a, b = snapshots
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 2000)
    _, doc = diff_json(cli, base, head, "--base-snapshot", a, "--snapshot", b)
    w = chat(doc)
    # $184 -> $412: usage at base prices $368 - $184 = +$184; prices $412 - $368 = +$44
    assert w["change_usd"] == 228.0
    assert (w["usage_effect_usd"], w["price_effect_usd"]) == (184.0, 44.0)
    assert doc["total"]["usage_effect_usd"] == 184.0
    assert doc["total"]["price_effect_usd"] == 44.0


def test_json_baselines_on_both_sides(cli: Any, tmp_path: Path, snapshots: tuple[str, str]) -> None:
    a, b = snapshots
    base_json, head_json = tmp_path / "base.json", tmp_path / "head.json"
    assert (
        cli(
            "estimate",
            scenario(tmp_path, "a.yaml", 1000),
            "--snapshot",
            a,
            "-f",
            "json",
            "-o",
            str(base_json),
        ).code
        == 0
    )
    assert (
        cli(
            "estimate",
            scenario(tmp_path, "b.yaml", 2000),
            "--snapshot",
            b,
            "-f",
            "json",
            "-o",
            str(head_json),
        ).code
        == 0
    )
    _, doc = diff_json(cli, str(base_json), str(head_json))
    w = chat(doc)
    # the head baseline's components (22M input, 8M output tokens) at the base's unit prices:
    # 22 x 8 + 8 x 24 = $368 -> usage +$184, prices +$44, as when re-priced
    assert (w["usage_effect_usd"], w["price_effect_usd"]) == (184.0, 44.0)
    assert w["split"] == "components"
    assert doc["base"]["prices"].endswith("recorded in baseline)")


def test_baseline_against_scenario_reprices_with_bundled_id(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    base_json = tmp_path / "base.json"
    cli("estimate", "scenarios/support-chatbot.yaml", "-f", "json", "-o", str(base_json))
    _, doc = diff_json(cli, str(base_json), "scenarios/support-chatbot.yaml")
    assert doc["verdict"] == "pass"
    assert doc["total"]["status"] == "unchanged"


def test_added_and_removed(cli: Any, tmp_path: Path, fixture_snapshot: Path) -> None:
    extra = (
        "  - name: extra\n    model: acme.chat-v1:0\n"
        "    tokens_per_request: {input: 1000, output: 0}\n"
        "    traffic: {requests_per_month: 1000}\n"
    )
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 1000, extra)
    _, doc = diff_json(cli, base, head)
    extra_row = doc["scenarios"][0]["workloads"][1]
    # 1,000 x 1,000 x $8 / 1M = $8
    assert (extra_row["status"], extra_row["change_usd"]) == ("added", 8.0)
    extra_line = doc["scenarios"][0]["lines"][1]
    assert (extra_line["item"], extra_line["status"], extra_line["split"]) == (
        "extra",
        "added",
        "added",
    )
    _, doc = diff_json(cli, head, base)
    assert doc["scenarios"][0]["workloads"][1]["status"] == "removed"
    other = tmp_path / "other.yaml"
    other.write_text(Path(head).read_text().replace("name: app", "name: other"))
    _, doc = diff_json(cli, base, str(other))
    assert [s["status"] for s in doc["scenarios"]] == ["removed", "added"]


@pytest.mark.parametrize(
    "args,verdict,code",
    [
        (["--fail-on-increase", "10%"], "fail", 1),
        (["--fail-on-increase", "150%"], "pass", 0),
        (["--fail-on-increase", "100"], "fail", 1),  # +$184 > $100
        (["--fail-above", "400"], "fail", 1),  # head $368 > $400? no -> see next
        (["--fail-above", "300"], "fail", 1),
        (["--warn-on-increase", "10%"], "warn", 0),
        (["--warn-above", "300", "--fail-above", "1000"], "warn", 0),
        (["--fail-on-increase", "workload:50%"], "fail", 1),
        (["--fail-above", "workload:1000"], "pass", 0),
    ],
)
def test_thresholds_and_exit_codes(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, args: list[str], verdict: str, code: int
) -> None:
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 2000)
    if args == ["--fail-above", "400"]:
        verdict, code = "pass", 0
    result = cli("diff", base, head, "-f", "json", *args)
    assert result.code == code, result
    assert json.loads(result.out)["verdict"] == verdict


@pytest.mark.parametrize(
    "args,message",
    [
        (["--fail-on-increase", "ten%"], "expected a percentage like 10%"),
        (["--fail-above", "10%"], "takes an amount in USD"),
        (["only-one.yaml"], "diff takes two sides"),
    ],
)
def test_bad_diff_input(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, args: list[str], message: str
) -> None:
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 2000)
    sides = [] if args == ["only-one.yaml"] else [base, head]
    result = cli("diff", *sides, *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_bad_baseline(cli: Any, tmp_path: Path, fixture_snapshot: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("diff", str(broken), scenario(tmp_path, "b.yaml", 1))
    assert result.code == 2 and f"{broken}:1:2: not valid JSON" in result.err
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"schema_version": 99, "scenarios": []}))
    result = cli("diff", str(old), scenario(tmp_path, "b.yaml", 1))
    assert result.code == 2 and "schema_version 99 is not supported" in result.err


def test_markdown_comments(cli: Any, tmp_path: Path, fixture_snapshot: Path, golden: Any) -> None:
    base, head = scenario(tmp_path, "a.yaml", 1000), scenario(tmp_path, "b.yaml", 2000)
    changed = cli("diff", base, head, "-f", "markdown", "--fail-on-increase", "10%").out
    golden("diff-fail.md", changed.replace(str(tmp_path), "TMP"))
    same = cli("diff", base, base, "-f", "markdown").out
    golden("diff-unchanged.md", same)
    assert same.count("\n") == 2  # the marker and one line


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_base_ref_in_a_git_repository(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, monkeypatch: Any, golden: Any
) -> None:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "CI")
    (repo / "scenarios" / "app.yaml").write_text(SCENARIO.format(requests=1000, extra=""))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "scenarios" / "app.yaml").write_text(SCENARIO.format(requests=2000, extra=""))
    (repo / "scenarios" / "new.yaml").write_text(
        SCENARIO.format(requests=500, extra="").replace("name: app", "name: new")
    )
    monkeypatch.chdir(repo)
    result = cli(
        "diff", "--base-ref", "HEAD", "scenarios", "-f", "markdown", "--fail-on-increase", "10%"
    )
    assert result.code == 1, result
    golden("diff-git.md", result.out)
    # the working tree is untouched and nothing was left behind
    assert "2000" in (repo / "scenarios" / "app.yaml").read_text()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert status.split() == ["M", "scenarios/app.yaml", "??", "scenarios/new.yaml"]
    bad = cli("diff", "--base-ref", "no-such-ref", "scenarios")
    assert bad.code == 2 and "no-such-ref" in bad.err


BUDGET = """\
name: app
budget: {{monthly_usd: {budget}, alert_at_percent: [50, 80, 100]}}
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {{input: 11000, output: 4000}}
    traffic: {{requests_per_month: 1000}}
    options: [on_demand]
    budget: {{monthly_usd: 1000}}
"""


@pytest.mark.parametrize(
    "budget,level,code,crossed",
    [
        (400, "ok", 0, []),  # $184 is 46 % of $400
        (300, "alert", 0, [50.0]),  # 61.3 %
        (200, "alert", 0, [50.0, 80.0]),  # 92 %
        (184, "fail", 1, [50.0, 80.0, 100.0]),
    ],
)
def test_check_budgets(
    cli: Any,
    tmp_path: Path,
    fixture_snapshot: Path,
    budget: int,
    level: str,
    code: int,
    crossed: list[float],
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BUDGET.format(budget=budget))
    result = cli("check", str(path), "-f", "json")
    assert result.code == code, result
    rows = json.loads(result.out)["budgets"]
    scenario_row = next(r for r in rows if r["workload"] is None)
    assert scenario_row["level"] == level
    assert scenario_row["alerts_crossed_percent"] == crossed
    assert scenario_row["used_percent"] == pytest.approx(184 / budget * 100)
    assert next(r for r in rows if r["workload"] == "chat")["level"] == "ok"
    assert cli("check", str(path)).code == code
    assert cli("check", str(path), "-f", "markdown").code == code


def test_check_without_budget_is_bad_input(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    result = cli("check", scenario(tmp_path, "s.yaml", 10))
    assert result.code == 2
    assert "no budget to check" in result.err


def test_budget_validation(cli: Any, tmp_path: Path, fixture_snapshot: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BUDGET.format(budget=100).replace("[50, 80, 100]", "[80, 50]"))
    result = cli("check", str(path))
    assert result.code == 2
    assert "alert_at_percent must be increasing" in result.err


def test_a_side_priced_here_holds_its_document_without_the_option_records() -> None:
    """A side priced here keeps the estimate document's keys before the option records (what
    a diff compares) and makes the records only when a line is priced at the other side's
    component prices: both are the estimate document's own."""
    from genai_cost.api import DEFAULT_PRICING
    from genai_cost.api.core import scenario_side

    side = scenario_side([str(ROOT / "scenarios" / "support-platform.yaml")], DEFAULT_PRICING)
    assert side.estimate is not None
    whole = json.loads(json.dumps(side.estimate.to_dict()))
    records = whole.pop("options")
    assert records and "options" not in side.document
    assert json.loads(json.dumps(side.document)) == whole
    assert json.loads(json.dumps(side.option_records())) == records
