"""A console run of `estimate` leaves its result to the end of the process and exits at once
(genai_cost/cli/ending.py): everything it printed is still there, in full, with its exit
code; in-process runs keep their usual lifetime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from genai_cost.cli import ending

from .conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genai_cost", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_the_quick_exit_flushes_what_is_still_buffered() -> None:
    """`end` with something kept: text still in the buffers of stdout and stderr reaches the
    pipe before the process exits with the code given; without anything kept it exits as
    `sys.exit` does."""
    script = (
        "import sys\n"
        "from genai_cost.cli import ending\n"
        "ending.keep(object())\n"
        "sys.stdout.write('x' * 100_000)\n"
        "sys.stderr.write('no newline at the end')\n"
        "ending.end(3)\n"
        "print('not reached')\n"
    )
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=buffered,
    )
    assert done.returncode == 3
    assert (done.stdout, done.stderr) == ("x" * 100_000, "no newline at the end")
    plain = subprocess.run(
        [sys.executable, "-c", "from genai_cost.cli import ending\nending.end(4)\n"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert plain.returncode == 4


def test_a_piped_document_is_whole_after_the_quick_exit() -> None:
    """The JSON `estimate` writes to a pipe is complete after the quick exit: it parses, and
    holds every option row the in-process API prices."""
    from genai_cost import api

    done = _run("estimate", "scenarios/support-platform.yaml", "-f", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    expected = api.estimate([ROOT / "scenarios" / "support-platform.yaml"]).to_dict()
    assert len(document["options"]) == len(expected["options"]) > 10
    assert document["scenarios"][0]["bill"] == expected["scenarios"][0]["bill"]


def test_a_file_report_and_a_warning_survive_the_quick_exit(tmp_path: Path) -> None:
    target = tmp_path / "estimate.csv"
    done = _run("estimate", "scenarios/support-platform.yaml", "-f", "csv", "-o", str(target))
    assert done.returncode == 0, done.stderr
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("record,scenario,workload") and len(rows) > 10
    assert "wrote" in done.stdout + done.stderr


def test_an_error_after_pricing_keeps_its_message_and_exit_code(tmp_path: Path) -> None:
    """A report that cannot be written (its folder is a file) fails after the result was
    kept: exit 2, the error on stderr."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    done = _run(
        "estimate", "scenarios/support-platform.yaml", "-f", "json", "-o", str(blocker / "x.json")
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and done.stdout == ""


def test_in_process_runs_let_go_of_what_earlier_ones_kept() -> None:
    from genai_cost.cli.main import main

    assert main(["estimate", str(ROOT / "scenarios" / "support-platform.yaml"), "-f", "json"]) == 0
    assert len(ending._KEPT) == 1
    assert main(["--version"]) == 0
    assert ending._KEPT == []


def test_a_profiled_run_still_writes_its_profile(tmp_path: Path) -> None:
    """Under cProfile the run ends as usual, so the profile is written at its exit."""
    profile = tmp_path / "estimate.prof"
    report = str(tmp_path / "e.json")
    estimate = ["estimate", "scenarios/support-chatbot.yaml", "-f", "json", "-o", report]
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "genai_cost", *estimate],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert profile.stat().st_size > 1000


def test_a_reader_that_stops_early_is_not_a_failed_check() -> None:
    """`genai-cost … | head`: the reader closes the pipe; the command exits 0 (1 means a
    check failed), quietly, whether or not it kept a result — with buffered streams."""
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for args in (
        ["estimate", "scenarios/support-platform.yaml", "-f", "json"],
        ["estimate", "scenarios/support-platform.yaml", "-f", "markdown"],
        ["models"],
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "genai_cost", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=buffered,
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10)  # the reader takes a little, then stops
        process.stdout.close()
        errors = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=300) == 0, (args, errors)
        assert "Traceback" not in errors and "Exception ignored" not in errors, errors
