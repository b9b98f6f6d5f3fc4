"""Nothing lost: a command killed while it writes leaves the old file or the new one at the
target, never a partial file (reports and scenarios are written to a temporary file beside
the target and renamed into place)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

OLD = '{"old": true}\n'


def _run_and_kill(args: list[str], after: float, cwd: Path) -> None:
    env = {**os.environ, "GENAI_COST_TODAY": "2026-11-28", "NO_COLOR": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "genai_cost", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait()


@pytest.mark.parametrize("after", [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0, 1.5, 3.0])
def test_a_killed_report_write_leaves_the_old_or_the_new_file(tmp_path: Path, after: float) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)
    scenario = str(ROOT / "scenarios" / "support-platform.yaml")
    _run_and_kill(
        [
            "estimate",
            scenario,
            "--samples",
            "20000",
            "--seed",
            "1",
            "-f",
            "json",
            "-o",
            str(target),
        ],
        after,
        tmp_path,
    )
    text = target.read_text()
    if text != OLD:
        document = json.loads(text)  # complete, or this raises
        assert document["schema_version"] and document["monte_carlo"]["samples"] == 20000


@pytest.mark.parametrize("after", [0.05, 0.3, 0.6, 1.0, 2.0])
def test_a_killed_init_leaves_no_partial_scenario(tmp_path: Path, after: float) -> None:
    target = tmp_path / "app.yaml"
    _run_and_kill(["init", str(target)], after, tmp_path)
    if target.exists():
        assert target.read_text().rstrip().endswith("all when omitted")
