"""The collector's pause (genai_cost/collector.py): off inside, restored after, nested."""

from __future__ import annotations

import gc

import pytest

from genai_cost.collector import paused
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _collector_restored():
    was_on = gc.isenabled()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_on_after():
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outer_end():
    gc.enable()
    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it off and leaves it off
    assert gc.isenabled()


def test_a_caller_who_turned_it_off_keeps_it_off():
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_restored_when_the_block_raises():
    gc.enable()
    with pytest.raises(ValueError), paused():
        raise ValueError("bad input")
    assert gc.isenabled()


def test_estimate_prices_with_the_collector_paused(monkeypatch):
    """The Python API's estimate runs its loading and pricing inside the pause, and gives
    the collector back on after."""
    from genai_cost import api
    from genai_cost.decisions import bill

    seen: list[bool] = []
    real = bill.price_bill

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr("genai_cost.api.core.price_bill", spy)
    gc.enable()
    result = api.estimate_with([ROOT / "scenarios" / "support-chatbot.yaml"], api.PricingOptions())
    assert seen == [False]
    assert gc.isenabled()
    assert result.bills[0]["complete"] is True


def test_resume_false_leaves_it_off():
    gc.enable()
    with paused(resume=False):
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_in_process_cli_estimate_gives_the_collector_back():
    """`main()` called in-process (tests, the API's callers) is not a console run: the
    collector is on again after the command."""
    from genai_cost.cli.main import main

    gc.enable()
    assert main(["estimate", str(ROOT / "scenarios" / "support-chatbot.yaml"), "-f", "json"]) == 0
    assert gc.isenabled()


def test_only_an_unprofiled_console_run_ends_when_done():
    """`ends_when_done` is true only after `console()` (the console entry point), and not
    under a profiler: a profiled run tidies up as usual."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from genai_cost.cli import ending\n"
        "print(ending.ends_when_done())\n"
        "ending.console()\n"
        "print(ending.ends_when_done())\n"
        "sys.setprofile(lambda *a: None)\n"
        "print(ending.ends_when_done())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["False", "True", "False"]
