"""Every `genai-cost` command shown in README.md and docs/*.md runs, and output shown in the
docs is what the command prints.

Commands are read from fenced code blocks (`sh`, `console`, `text`; a leading `$ ` is
dropped). They run in a scratch folder that holds what the docs refer to: the bundled
scenarios, invocation logs (`logs/`), a budgets file, `scenario.yaml`. A command that needs
AWS or the network is listed in OFFLINE with the test that covers it with a recorded or
stubbed response instead; a new command in the docs must run here or be listed there.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP_PAGES = {"cli.md"}  # generated from --help: its examples are the commands' own
FENCE = re.compile(r"^```(sh|bash|console|text|shell)?\s*$")

OFFLINE = {
    "s3://billing": "reads S3 (tests/test_cur.py runs it against moto)",
    "s3://": "reads S3 (tests/test_allocate.py runs it against moto)",
    "--cost-explorer": "calls Cost Explorer (tests/test_allocate.py stubs it)",
    "--cloudwatch --region": "reads CloudWatch (tests/test_cloudwatch.py stubs it)",
    "pricing refresh": "calls the AWS Price List API (tests/test_refresh.py stubs it)",
    "--base-ref origin/main": "needs a git remote (tests/test_ci_integration.py builds one)",
    "--snapshot BASE": "a placeholder for a staging folder (the build steps of the snapshot)",
    "./prices/2026-12-01": "the output of a live pricing refresh",
    "--snapshot s1": "the build steps of the bundled snapshot",
    "--snapshot s2": "the build steps of the bundled snapshot",
}


def documented_commands() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        if page.name in SKIP_PAGES:
            continue
        fenced = shell = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("```"):
                fenced = not fenced
                shell = fenced and bool(FENCE.match(line.strip()))
                continue
            text = line.strip().removeprefix("$ ")
            if shell and text.startswith("genai-cost "):
                command = text.split("  #")[0].split(" # ")[0].strip()
                found.append((page.name, number, command))
    return found


COMMANDS = documented_commands()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "tests" / "fixtures" / "logs", tmp_path / "logs")
    shutil.copytree(ROOT / "tests" / "fixtures" / "cur", tmp_path / "cur")
    shutil.copytree(ROOT / "tests" / "fixtures" / "infra", tmp_path / "infra")
    shutil.copy(ROOT / "scenarios" / "support-chatbot.yaml", tmp_path / "scenario.yaml")
    shutil.copy(ROOT / "scenarios" / "support-chatbot.yaml", tmp_path / "app.yaml")
    (tmp_path / "budgets.yaml").write_text("tenants:\n  search: {monthly_usd: 100}\n")
    (tmp_path / "capacity.yaml").write_text("capacity: []\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_docs_show_commands() -> None:
    assert len(COMMANDS) >= 10
    assert any(page == "README.md" for page, _, _ in COMMANDS)


@pytest.mark.parametrize("page,line,command", COMMANDS, ids=[f"{p}:{n}" for p, n, _ in COMMANDS])
def test_documented_command_runs(
    cli: Any, workspace: Path, page: str, line: int, command: str
) -> None:
    reason = next((why for mark, why in OFFLINE.items() if mark in command), None)
    if reason is not None:
        pytest.skip(f"{page}:{line} {reason}")
    args = shlex.split(command)[1:]
    if page == "from-logs-to-a-plan.md":  # a month of logs with real volume beside the fixture's
        import yaml

        from benchmarks.calibrate import ROUND_TRIP, write_logs

        (workspace / "logs" / "generated").mkdir()
        write_logs(workspace / "logs" / "generated", yaml.safe_load(ROUND_TRIP), 0.01)
        import json

        from tests.test_cloudwatch import generated

        results, _ = generated()  # a month of metrics, as the AWS CLI saves them
        (workspace / "metrics.json").write_text(json.dumps({"MetricDataResults": results}))
    if args[:1] == ["diff"] and "base.json" in args:  # the baseline the page makes first
        assert cli("estimate", "scenarios/", "--format", "json", "--output", "base.json").code == 0
    if "measured.yaml" in args and args[0] != "calibrate":  # from-logs-to-a-plan.md, step 1
        assert (
            cli("calibrate", "logs/", "--by", "model,metadata:team", "-o", "measured.yaml").code
            == 0
        )
        _add_what_logs_cannot_know(workspace / "measured.yaml")
    if "plan.yaml" in args and "--apply" not in args:  # step 3
        assert cli("calibrate", "logs/", "-o", "measured.yaml").code == 0
        _add_what_logs_cannot_know(workspace / "measured.yaml")
        assert cli("optimize", "measured.yaml", "--apply", "1", "-o", "plan.yaml").code == 0
    result = cli(*args)
    assert result.code in (0, 1), f"{page}:{line}: {command}\n{result.err}"


def _add_what_logs_cannot_know(path: Path) -> None:
    """Step 1 of from-logs-to-a-plan.md: before optimizing, add what logs cannot know — here,
    that half of each prompt is a cacheable prefix most requests share."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for w in data["workloads"]:
        w["optimize"] = {"cacheable_input_fraction": 0.5, "cache_hit_fraction": 0.9}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_readme_output_is_what_the_command_prints(cli: Any) -> None:
    """The table README shows under its command is the command's output."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = text.split("$ genai-cost estimate scenarios/support-platform.yaml -f markdown")[1]
    table = [ln for ln in shown.split("```", 2)[1].splitlines() if ln.startswith(("|", "**"))]
    table = table[: next(i for i, ln in enumerate(table) if "Whole bill" in ln) + 1]
    out = cli("estimate", str(ROOT / "scenarios/support-platform.yaml"), "-f", "markdown").out
    for row in table:
        assert row in out, row


def _fields(model: Any, seen: set[Any]) -> set[str]:
    """Every field name of a pydantic model and of the models its fields hold."""
    import typing

    from pydantic import BaseModel

    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        stack = [info.annotation]
        while stack:
            kind = stack.pop()
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                names |= _fields(kind, seen)
            stack.extend(typing.get_args(kind))
    return names


def test_the_scenario_reference_documents_every_field() -> None:
    from genai_cost.scenario.models import Scenario

    page = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    missing = sorted(n for n in _fields(Scenario, set()) if f"`{n}`" not in page)
    assert missing == []
