"""The Python API: the same results as the CLI, DataFrames on request, heavy imports fenced."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from genai_cost import estimate, load_scenario
from tests.conftest import ROOT

CHATBOT = ROOT / "scenarios" / "support-chatbot.yaml"


def test_options_frame() -> None:
    result = estimate([CHATBOT])
    frame = result.options_frame()
    assert len(frame) == len(result.to_dict()["options"])
    cheapest = frame[frame["cheapest"]]
    assert list(cheapest["option"]) == ["on_demand", "batch"]
    assert cheapest["monthly_cost_usd"].sum() == pytest.approx(3244.2)


def test_components_frame() -> None:
    frame = estimate([CHATBOT]).components_frame()
    chat = frame[(frame["workload"] == "chat-turns") & (frame["option"] == "on_demand")]
    # 1.5M x 350 x $1 = $525; 1.5M x 280 x $5 = $2,100; 1.5M x 2,400 x $0.10 = $360;
    # 1.5M x 120 x $1.25 = $225; total $3,210
    assert dict(zip(chat["name"], chat["usd"], strict=True)) == pytest.approx(
        {
            "input_tokens": 525.0,
            "output_tokens": 2100.0,
            "cache_read_input_tokens": 360.0,
            "cache_write_input_tokens": 225.0,
        }
    )


def test_load_scenario_api() -> None:
    loaded = load_scenario(CHATBOT)
    assert loaded.scenario.name == "support-chatbot"
    assert loaded.scenario.workloads[0].traffic.peak_factor == pytest.approx(12 / 6.875)
    assert len(loaded.sha256) == 64


def test_estimate_path_imports_no_heavy_modules() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from genai_cost.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['estimate', 'scenarios/support-chatbot.yaml', '-f', 'json'])\n"
        "heavy = ('pandas', 'boto3', 'botocore', 'jinja2', 'rich')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert json.loads(out.strip().replace("'", '"')) == []


def test_frames_join_a_table_repeated_per_workload_into_one() -> None:
    """`api.frames` makes a table the report repeats per workload (break-even bands) one
    frame, with a `section` column naming each row's workload, every row once and in
    order."""
    from genai_cost import api

    document = api.breakeven(ROOT / "scenarios" / "saas-tenants.yaml")
    bands = api.frames(document)["band"]
    expected = [b["cheapest"] for w in document["workloads"] for b in w["bands"]]
    assert len(document["workloads"]) > 1
    assert bands.columns[0] == "section"
    assert bands["cheapest"].tolist() == expected
    assert bands["section"].nunique() == len(document["workloads"])
    assert bands.index.tolist() == list(range(len(expected)))
