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
