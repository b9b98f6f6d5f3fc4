"""Break-even points: re-priced by the engine at the reported volume, they are equal (to the
cent) and ordered on either side; a hand-worked crossing; properties of the solver."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cost.api import estimate
from genai_cost.decisions.breakeven import breakeven_document
from genai_cost.decisions.curves import engine_sweep
from genai_cost.engine.breakeven import Curve, crossings
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_crossings_really_cross(path: Path) -> None:
    result = estimate([path])
    document = breakeven_document(result)
    for index, workload in enumerate(document["workloads"]):
        assert workload["sweep_check_max_difference_usd"] < 1e-6
        for c in workload["crossings"]:
            v = c["requests_per_month"]
            at = engine_sweep(result, index, [v * (1 - 1e-7), v, v * (1 + 1e-7)])
            # an option past its instance limit is infeasible: infinitely dear, never cheaper
            a, b = (np.nan_to_num(at[c[k]], nan=np.inf) for k in ("a", "b"))
            if c["kind"] == "equal":
                assert abs(a[1] - b[1]) < 0.01, c  # equal to the cent
            below = c["a"] if a[0] < b[0] else c["b"]
            above = c["a"] if a[2] < b[2] else c["b"]
            assert (below, above) == (c["cheaper_below"], c["cheaper_above"]), c
            assert below != above


def test_ticket_classifier_crossing_by_hand(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = cli(
        "breakeven", "scenarios/ticket-classifier.yaml", "--range", "1e6:3e7", "-f", "json"
    )
    [workload] = json.loads(result.out)["workloads"]
    [c] = workload["crossings"]
    # on demand: (2,048 + 128) x $0.22 / 1M = $0.00047872 a request; one p5.4xlarge (it
    # covers up to ~37.8M requests) = 730 h x $6.88 = $5,022.40: 5,022.40 / 0.00047872
    assert c["requests_per_month"] == pytest.approx(5022.40 / 0.00047872)
    assert c["kind"] == "equal" and c["cost_a_usd"] == pytest.approx(5022.40)
    # tokens a minute at that volume: 10,491,310 / 43,800 x 2,176
    assert c["tokens_per_minute"] == pytest.approx(5022.40 / 0.00047872 / 43800 * 2176)
    assert [b["cheapest"] for b in workload["bands"]] == [
        "on_demand",
        "self_hosted ec2 p5.4xlarge on_demand",
    ]
    assert "requests/month" in cli("breakeven", "scenarios/ticket-classifier.yaml").out


def test_bad_breakeven_input(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    bad = cli("breakeven", "scenarios/ticket-classifier.yaml", "--range", "10:1")
    assert bad.code == 2 and "0 < LOW < HIGH" in bad.err
    bad = cli("breakeven", "scenarios/ticket-classifier.yaml", "--workload", "triag")
    assert bad.code == 2 and "did you mean 'triage'" in bad.err
    # too many capacity steps in the range: the workload that has them is named (the
    # second of nightly-summaries': its first, on Bedrock alone, has none)
    bad = cli("breakeven", "scenarios/nightly-summaries.yaml", "--range", "1:1e17")
    assert bad.code == 2 and "Traceback" not in bad.err
    assert bad.err.startswith("error: workload 'summary-titles': self_hosted ec2 g6e.xlarge")
    assert "more than 2,000,000 capacity steps" in bad.err and "narrow the volumes" in bad.err


@settings(max_examples=200, deadline=None)
@given(
    slope=st.floats(1e-6, 1e-2),
    units=st.floats(1e-8, 1e-4),
    price=st.floats(0.1, 100),
    regions=st.integers(1, 3),
    standby=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
)
def test_solver_finds_every_order_change(
    slope: float, units: float, price: float, regions: int, standby: float
) -> None:
    linear = Curve("linear", slope_usd_per_request=slope)
    step = Curve(
        "step",
        units_per_request=units,
        usd_per_unit_hour=price,
        regions=regions,
        standby_fraction=standby,
    )
    low, high = 1.0 / units * 0.3, 1.0 / units * 40
    found = crossings(linear, step, low, high)
    for c in found:
        if c.kind == "equal":
            assert abs(c.cost_a_usd - c.cost_b_usd) <= 1e-9 * max(1.0, c.cost_a_usd)
    # a fine sweep changes order exactly as many times as there are crossings
    grid = np.geomspace(low, high, 20001)
    order = np.sign(linear.cost(grid) - step.cost(grid))
    order = order[order != 0]
    changes = int(np.sum(order[1:] != order[:-1]))
    assert changes <= len(found)


def test_breakeven_json_is_written_a_chunk_of_workloads_at_a_time(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`breakeven -f json` writes the workloads' entries a few at a time, each chunk's
    sweeps made as it is written: the same bytes as the whole document, to a file and to
    stdout, whatever the chunk size."""
    from genai_cost import api
    from genai_cost.decisions import breakeven
    from genai_cost.report.json_report import render_json

    path = ROOT / "scenarios" / "saas-tenants.yaml"
    whole = render_json(api.breakeven(path))
    monkeypatch.setattr(breakeven, "BREAKEVEN_CHUNK", 2)
    printed = cli("breakeven", str(path), "-f", "json")
    assert printed.code == 0, printed.err
    assert printed.out == whole
    written = cli("breakeven", str(path), "-f", "json", "-o", str(tmp_path / "b.json"))
    assert written.code == 0, written.err
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == whole
    assert len(json.loads(whole)["workloads"]) > 2  # more than one chunk


def test_a_streamed_chunk_with_a_number_that_is_not_finite_is_named() -> None:
    """Each chunk of a streamed document is checked before it is written: a number that is
    not finite is bad input, named by its path in the whole document."""
    from genai_cost.cli.render import finite_chunks
    from genai_cost.errors import OverflowInputError

    chunks = iter([[{"a": 1.0}, {"a": 2.0}], [{"a": [0.5, float("inf")]}]])
    checked = finite_chunks("breakeven", chunks)
    assert next(checked) == [{"a": 1.0}, {"a": 2.0}]
    with pytest.raises(OverflowInputError, match=r"^breakeven\.workloads\[2\]\.a\[1\] is not"):
        next(checked)


@settings(max_examples=300, deadline=None)
@given(
    hourly=st.lists(
        st.one_of(st.just(0.0), st.floats(1e-9, 1e-3, allow_nan=False)), min_size=24, max_size=24
    ),
    low=st.floats(1.0, 1e4),
    widen=st.floats(1.01, 1e4),
)
def test_a_day_curves_edges_are_its_hours_step_edges(
    hourly: list[float], low: float, widen: float
) -> None:
    """The volumes where a day-following curve's units step up (found for all hours at once)
    are the union of each hour's own step curve's edges: (n + 1e-9) / c_h for every whole n
    whose edge falls inside (low, high)."""
    high = low * widen
    curve = Curve("autoscaled", hourly_units_per_request=tuple(hourly))
    per_hour = [Curve("", units_per_request=c).edges(low, high) for c in hourly if c > 0]
    expected = np.unique(np.concatenate(per_hour)) if per_hour else np.zeros(0)
    found = curve.edges(low, high)
    assert found.shape == expected.shape and np.array_equal(found, expected)
    assert np.all(np.diff(found) > 0) and np.all((found > low) & (found < high))


def test_a_day_curves_edges_by_hand() -> None:
    """Two busy hours of 0.001 and 0.0025 units a request, between 500 and 1,500 requests:
    0.001 steps at (1 + 1e-9) / 0.001 = 1,000.000001; 0.0025 at (2 + 1e-9) / 0.0025 =
    800.0000004 and (3 + 1e-9) / 0.0025 = 1,200.0000004."""
    curve = Curve("autoscaled", hourly_units_per_request=(0.001, 0.0025) + (0.0,) * 22)
    assert curve.edges(500.0, 1500.0).tolist() == pytest.approx(
        [800.0000004, 1000.000001, 1200.0000004], rel=1e-15
    )


CURVE = st.one_of(
    st.builds(
        lambda slope, fixed, cap: {
            "slope_usd_per_request": slope,
            "fixed_usd": fixed,
            "max_requests": cap,
        },
        st.floats(1e-5, 1e-2),
        st.sampled_from([0.0, 40.0]),
        st.sampled_from([np.inf, 5e4]),
    ),
    st.builds(
        lambda units, price, regions, standby: {
            "units_per_request": units,
            "usd_per_unit_hour": price,
            "regions": regions,
            "standby_fraction": standby,
        },
        st.floats(1e-6, 1e-3),
        st.floats(0.1, 10.0),
        st.sampled_from([1.0, 2.0]),
        st.sampled_from([0.0, 0.5]),
    ),
    st.builds(
        lambda hourly, price, least, most, lead, cooldown: {
            "hourly_units_per_request": tuple(hourly),
            "usd_per_unit_hour": price,
            "min_units": least,
            "max_units": most,
            "lead_fraction": lead,
            "cooldown_fraction": cooldown,
        },
        st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e-4)), min_size=24, max_size=24),
        st.floats(0.1, 10.0),
        st.sampled_from([0.0, 1.0]),
        st.sampled_from([np.inf, 6.0]),
        st.floats(0.0, 1.0),
        st.floats(0.0, 1.0),
    ),
)


@settings(max_examples=150, deadline=None)
@given(specs=st.lists(CURVE, min_size=2, max_size=6), low=st.floats(1.0, 1e3))
def test_all_crossings_are_each_pairs_own(specs: list[dict[str, Any]], low: float) -> None:
    """The crossings of a workload's curves, found with each curve's edges found once and
    each curve read twice in all, are every pair's crossings as that pair alone finds them
    (`crossings`: its own edges and its own reads), pair by pair, to the bit."""
    from genai_cost.engine.breakeven import TooManySteps, all_crossings

    curves = [Curve(f"option {k}", **spec) for k, spec in enumerate(specs)]
    high = low * 1e3
    try:
        expected = [
            c for a, b in itertools.combinations(curves, 2) for c in crossings(a, b, low, high)
        ]
    except TooManySteps:
        with pytest.raises(TooManySteps):
            all_crossings(curves, low, high)
        return
    found = all_crossings(curves, low, high)
    assert found == expected
    # and each is where both options can serve: a step inside the range, a meeting within it
    limit = {c.label: c.max_volume for c in curves}
    for c in found:
        top = min(high, limit[c.a], limit[c.b])
        assert low < c.volume < top if c.kind == "step" else low <= c.volume <= top


@settings(max_examples=150, deadline=None)
@given(
    specs=st.lists(CURVE, min_size=1, max_size=6),
    volumes=st.lists(
        st.lists(st.floats(0.0, 1e7), max_size=5).map(lambda v: np.asarray(v, dtype=np.float64)),
        min_size=6,
        max_size=6,
    ),
)
def test_curves_read_together_are_each_curves_own_reads(
    specs: list[dict[str, Any]], volumes: list[Any]
) -> None:
    """`read_curves`, which reads curves of a kind together in one call of a row per
    volume, READ_ROWS volumes at most, gives each curve's `cost` at its own volumes, to the
    bit (NaN, infinity and the sign of zero included); also in runs of a few volumes
    (READ_ROWS lowered to 3), and with linear and step curves grouped from two of a kind
    (GROUP_AT_LEAST lowered to 2)."""
    from unittest import mock

    from genai_cost.engine import breakeven

    curves = [Curve(f"option {k}", **spec) for k, spec in enumerate(specs)]
    wanted = volumes[: len(curves)]
    together = breakeven.read_curves(curves, wanted)
    with mock.patch.object(breakeven, "READ_ROWS", 3):
        in_runs = breakeven.read_curves(curves, wanted)
    with mock.patch.object(breakeven, "GROUP_AT_LEAST", 2):
        grouped = breakeven.read_curves(curves, wanted)
        with mock.patch.object(breakeven, "READ_ROWS", 3):
            grouped_runs = breakeven.read_curves(curves, wanted)
    for curve, v, *reads in zip(
        curves, wanted, together, in_runs, grouped, grouped_runs, strict=True
    ):
        alone = curve.cost(v)
        for read in reads:
            assert read.shape == alone.shape
            assert np.array_equal(read, alone, equal_nan=True)
            assert np.array_equal(np.signbit(read), np.signbit(alone))


@settings(max_examples=100, deadline=None)
@given(
    sets=st.lists(
        st.tuples(st.lists(CURVE, min_size=1, max_size=4), st.floats(1.0, 1e3)),
        min_size=1,
        max_size=5,
    ),
    group=st.sampled_from([2, 64]),
)
def test_curve_sets_read_together_are_each_sets_own(
    sets: list[tuple[list[dict[str, Any]], float]], group: int
) -> None:
    """`all_crossings_many` and `cheapest_bands_many`, which read the curves of many
    workloads together (grouped by kind from `group` curves of a kind), give each set of
    curves the crossings and bands it has alone; a set whose curves step too often is named
    by its index (the first such, in order)."""
    from unittest import mock

    from genai_cost.engine import breakeven

    curve_sets = [
        ([Curve(f"option {k}", **spec) for k, spec in enumerate(specs)], low, low * 1e3)
        for specs, low in sets
    ]
    alone: list[Any] = []
    for curves, low, high in curve_sets:
        try:
            alone.append(breakeven.all_crossings(curves, low, high))
        except breakeven.TooManySteps:
            alone.append(None)
    with mock.patch.object(breakeven, "GROUP_AT_LEAST", group):
        if None in alone:
            with pytest.raises(breakeven.TooManySteps) as raised:
                breakeven.all_crossings_many(curve_sets)
            assert raised.value.index == alone.index(None)
            return
        assert breakeven.all_crossings_many(curve_sets) == alone
        points = [[c.volume for c in found] for found in alone]
        bands = breakeven.cheapest_bands_many(
            [(c, lo, hi, p) for (c, lo, hi), p in zip(curve_sets, points, strict=True)]
        )
    assert bands == [
        breakeven.cheapest_bands(c, lo, hi, p)
        for (c, lo, hi), p in zip(curve_sets, points, strict=True)
    ]


def test_the_first_set_with_too_many_steps_is_named() -> None:
    """Of sets read together, the first (in order) whose curves step more than MAX_EDGES
    times in its range is the one `all_crossings_many` names; each of them fails alone."""
    from genai_cost.engine.breakeven import TooManySteps, all_crossings, all_crossings_many

    line = Curve("on demand", slope_usd_per_request=1e-3)
    fine = Curve("one unit a million requests", units_per_request=1e-6, usd_per_unit_hour=1.0)
    dense = Curve("one unit a request", units_per_request=1.0, usd_per_unit_hour=1.0)
    sets = [([line, fine], 1.0, 1e7), ([line, dense], 1.0, 1e7), ([dense, line], 1.0, 1e7)]
    for curves, low, high in sets[1:]:
        with pytest.raises(TooManySteps):
            all_crossings(curves, low, high)
    with pytest.raises(TooManySteps, match="more than 2,000,000 capacity steps") as raised:
        all_crossings_many(sets)
    assert raised.value.index == 1
    assert len(all_crossings_many(sets[:1])[0]) > 0  # the first alone has crossings


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_a_blocked_row_fails_at_every_volume(path: Path) -> None:
    """The sweep check leaves out rows blocked while their prices were resolved, because
    every option fails such a row whatever the volume: each option module's evaluation at a
    thousandth, once and a thousand times each workload's volume."""
    from genai_cost.engine.context import workload_arrays
    from genai_cost.engine.core import OPTION_MODULES

    result = estimate([path])
    w = workload_arrays(result.specs)
    blocked_seen = 0
    for module, option in zip(OPTION_MODULES, result.arrays.results, strict=True):
        rows = option.rows
        if not rows.blocked.any():
            continue
        blocked_seen += int(rows.blocked.sum())
        for factor in (1e-3, 1.0, 1e3):
            with np.errstate(all="ignore"):
                failure = module.evaluate(w.scaled(factor), rows).failure
            assert (failure[rows.blocked] != 0).all(), (path.stem, rows.option, factor)
    if path.stem == "support-chatbot":  # (closed-weights models: self-hosting is blocked)
        assert blocked_seen > 0
