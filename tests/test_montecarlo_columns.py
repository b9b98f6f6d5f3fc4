"""The Monte Carlo at a portfolio's size: the curve workloads' costs as arrays are the curves'
own, bit for bit; wins are counted as arrays; a table's rows are read from its columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from genai_cost.decisions import cashflow
from genai_cost.decisions.cashflow import _CurveTable
from genai_cost.engine.breakeven import Curve


def _loop(curves: list[Curve], volume: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference: each workload's curves one by one (`ScenarioModel._inference` before
    the curves became arrays): the cheapest cost, and month 1's first cheapest curve."""
    cost = curves[0].cost(volume)
    first = np.zeros(volume.shape[0], dtype=np.int64)
    for r, curve in enumerate(curves[1:], start=1):
        other = curve.cost(volume)
        first = np.where(other[:, 0] < cost[:, 0], r, first)
        cost = np.minimum(cost, other)
    return cost, first


def _random_curves(rng: np.random.Generator, count: int) -> list[Curve]:
    curves: list[Curve] = []
    for _ in range(count):
        kind = rng.integers(0, 5)
        if kind == 4:  # capacity that follows the day (autoscaled, asynchronous)
            shape = rng.uniform(0, 1, size=24)
            shape[rng.integers(0, 24)] = 0.0  # an idle hour
            curves.append(
                Curve(
                    "day",
                    hourly_units_per_request=tuple(float(x) * 1e-6 for x in shape),
                    usd_per_unit_hour=float(rng.uniform(0.5, 40)),
                    regions=float(rng.integers(1, 3)),
                    standby_fraction=float(rng.choice([0.0, 0.25])),
                    min_units=float(rng.integers(0, 3)),
                    max_units=float(rng.choice([np.inf, 5.0, 40.0])),
                    lead_fraction=float(rng.choice([0.0, 0.1, 0.6])),
                    cooldown_fraction=float(rng.choice([0.0, 0.25, 0.7])),
                    hours=float(rng.choice([672.0, 730.0, 744.0])),
                )
            )
        elif kind == 0:  # a line
            curves.append(Curve("line", slope_usd_per_request=float(rng.uniform(0, 1e-3))))
        elif kind == 1:  # a line with a fixed part and a cap volume reaches
            curves.append(
                Curve(
                    "capped",
                    slope_usd_per_request=float(rng.uniform(0, 1e-3)),
                    fixed_usd=float(rng.uniform(0, 50)),
                    max_requests=float(rng.uniform(1e5, 1e7)),
                )
            )
        else:  # steps, with redundancy and a standby share some of the time
            curves.append(
                Curve(
                    "step",
                    units_per_request=float(rng.uniform(1e-7, 1e-5)),
                    usd_per_unit_hour=float(rng.uniform(0.5, 40)),
                    regions=float(rng.integers(1, 3)),
                    standby_fraction=float(rng.choice([0.0, 0.25, 0.5])),
                    hours=float(rng.choice([672.0, 730.0, 744.0])),
                )
            )
    if count > 1 and rng.random() < 0.3:
        curves[-1] = curves[0]  # an exact tie: the first of equals wins
    return curves


@pytest.mark.parametrize("seed", range(5))
def test_curves_as_arrays_are_the_curves_costs_bit_for_bit(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_CurveTable.cheapest` gives each workload's cheapest cost every month and its month-1
    winner exactly as evaluating its curves one by one does (lines, capped lines, steps with
    redundancy and standby, capacity that follows the day with a floor, a cap, lead and
    cooldown; ties; volumes past a cap), for samples × months of volumes."""
    rng = np.random.default_rng(seed)
    workloads = 40
    found = {}
    for k in range(workloads):
        count = int(rng.integers(1, 5))
        rows = np.sort(rng.choice(10_000, size=count, replace=False)).astype(np.int64)
        found[k] = (rows, _random_curves(rng, count))
    engine = list(range(workloads))
    assert _CurveTable.of(found, engine).vector.size == 0  # fewer than ARRAYS_FROM: a loop
    monkeypatch.setattr(cashflow, "ARRAYS_FROM", 2)
    table = _CurveTable.of(found, engine)
    assert table.looped == [] and table.vector.tolist() == list(range(workloads))
    samples, months = 7, 4
    requests = rng.uniform(0, 2e7, size=(samples, workloads))
    requests[0, :5] = 0.0
    scale = (1.0 + rng.uniform(0, 0.1, size=(samples, 1))) ** np.arange(months)[None, :]
    low, best = table.cheapest(requests, scale)
    for k, (rows, curves) in found.items():
        cost, first = _loop(curves, requests[:, k, None] * scale)
        assert np.array_equal(low[k], cost, equal_nan=True)
        assert table.rows[best[k]].tolist() == rows[first].tolist()


def test_curves_that_follow_the_day_are_arrays_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workload with a curve that follows the day is evaluated with the others, as arrays,
    in the workloads' order; the day curves' hours are gathered in curve order."""
    monkeypatch.setattr(cashflow, "ARRAYS_FROM", 2)
    day = Curve("day", hourly_units_per_request=(1e-6,) * 24, usd_per_unit_hour=2.0)
    found = {
        0: (np.array([3]), [Curve("line", slope_usd_per_request=1e-4)]),
        2: (np.array([5, 6]), [Curve("line", slope_usd_per_request=1e-4), day]),
        4: (np.array([9]), [Curve("line", slope_usd_per_request=2e-4)]),
    }
    table = _CurveTable.of(found, [10, 11, 12, 13, 14])
    assert table.ks.tolist() == [0, 2, 4]
    assert table.vector.tolist() == [0, 1, 2] and table.looped == []
    assert table.columns.tolist() == [10, 12, 14] and table.rows.tolist() == [3, 5, 6, 9]
    assert table.day.tolist() == [False, False, True, False]
    assert table.hourly.shape == (1, 24)


@pytest.mark.parametrize("arrays_from", [64, 2])
def test_a_tables_monte_carlo_reads_its_columns_and_counts_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrays_from: int
) -> None:
    """A Monte Carlo of a table's workloads makes no row's workload, and gives what the same
    workloads written in YAML give, option shares included — its curves one by one or as
    arrays, the same to the bit."""
    from genai_cost import api
    from genai_cost.scenario.table import TableWorkloads

    rows = [(f"t{k}", 100 + 37 * k, 10 + k, 1000 * (k + 1)) for k in range(60)]
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        + "".join(f"{n},amazon.nova-lite-v1:0,{i},{o},{r}\n" for n, i, o, r in rows),
        encoding="utf-8",
    )
    uncertainty = (
        "uncertainty:\n"
        "  - {input: traffic.requests_per_month, distribution: lognormal, p50: 5000, p90: 90000}\n"
        "  - {input: tokens_per_request.input, workload: t3, distribution: uniform, "
        "low: 10, high: 5000}\n"
    )
    (tmp_path / "table.yaml").write_text(
        "name: s\nregion: us-east-1\nworkloads_table: t.csv\n" + uncertainty, encoding="utf-8"
    )
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / "table.yaml").write_text(
        "name: s\nregion: us-east-1\nworkloads:\n"
        + "".join(
            f"  - {{name: {n}, model: amazon.nova-lite-v1:0, "
            f"tokens_per_request: {{input: {i}, output: {o}}}, "
            f"traffic: {{requests_per_month: {r}}}}}\n"
            for n, i, o, r in rows
        )
        + uncertainty,
        encoding="utf-8",
    )
    options = api.PricingOptions(day=dt.date(2026, 11, 23))
    if arrays_from != cashflow.ARRAYS_FROM:  # the YAML form's run one by one, as a reference
        reference = api.simulate(
            api.estimate_with([tmp_path / "yaml" / "table.yaml"], options), 300, seed=3
        )
        monkeypatch.setattr(cashflow, "ARRAYS_FROM", arrays_from)
    table = api.estimate_with([tmp_path / "table.yaml"], options)
    written = api.estimate_with([tmp_path / "yaml" / "table.yaml"], options)
    got = api.simulate(table, 300, seed=3)
    want = api.simulate(written, 300, seed=3)
    assert got == want
    if arrays_from != 64:
        assert got == reference
    shares = {s["workload"]: s["cheapest_option_share"] for s in got["cheapest_option"]}
    assert shares["t0"] == {"on_demand": 1.0} and len(shares) == 60
    workloads = table.scenarios[0].scenario.workloads
    assert isinstance(workloads, TableWorkloads) and workloads._made is None
