"""Laws of the domain, checked with hypothesis over the vectorized engine."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genai_cost.api import load_scenarios
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.engine.arrays import OptionRows, WorkloadArrays
from genai_cost.engine.context import PricingContext, flatten
from genai_cost.engine.core import EstimateArrays, evaluate_all, prepare_all
from genai_cost.units import HOURS_PER_MONTH
from tests.conftest import FIXTURE_SNAPSHOT

SCENARIO = """
name: properties
workloads:
  - name: open
    model: acme.open-8b-v1:0
    latency: batch_tolerant
    tokens_per_request: {input: 1, output: 1}
    traffic: {requests_per_month: 1}
    provisioned: {term: 1_month, usd_per_model_unit_hour: 30,
                  input_tokens_per_minute_per_model_unit: 50000,
                  output_tokens_per_minute_per_model_unit: 10000}
    autoscaling: {min_instances: 1, scale_out_lead_seconds: 900}
    async_inference: {min_instances: 0}
    serverless: {memory_mb: 2048, max_concurrency: 200, seconds_per_request: 2,
                 cold_start_fraction: 0.1, cold_start_seconds: 10, payload_kb_per_request: 50,
                 usd_per_gb_second: 0.00002, usd_per_gb_processed: 0.016}
    batch_transform: {instance_type: gpu.small, usd_per_hour: 1.9, jobs_per_month: 30,
                      startup_minutes_per_job: 6}
  - name: chat
    model: acme.chat-v1:0
    latency: batch_tolerant
    tokens_per_request: {input: 1, output: 1}
    traffic: {requests_per_month: 1}
    provisioned:
      input_tokens_per_minute_per_model_unit: 30000
      output_tokens_per_minute_per_model_unit: 6000
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> list[OptionRows]:
    path = tmp_path_factory.mktemp("props") / "s.yaml"
    path.write_text(SCENARIO)
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    loaded = load_scenarios([path], catalog)
    return prepare_all(PricingContext(catalog, dt.date(2026, 1, 15), flatten(loaded)))


# Zero, or a realistic magnitude (products of near-underflow floats are not a cost question).
tokens = st.just(0.0) | st.floats(min_value=1e-3, max_value=200_000)
volume = st.just(0.0) | st.floats(min_value=1e-3, max_value=1e10)
peak = st.floats(min_value=1, max_value=20, allow_nan=False)


@st.composite
def workloads(draw: Any, cached: bool = True) -> WorkloadArrays:
    def pair(strategy: Any) -> np.ndarray:
        return np.array([draw(strategy), draw(strategy)], dtype=np.float64)

    zero = st.just(0.0)
    return WorkloadArrays(
        requests_per_month=pair(volume),
        input_tokens=pair(tokens),
        output_tokens=pair(tokens),
        cache_read_tokens=pair(tokens if cached else zero),
        cache_write_tokens=pair(tokens if cached else zero),
        cache_write_1h_tokens=pair(zero),
        peak_factor=pair(peak),
        batch_tolerant=np.array([True, True]),
        hours=np.array([730.0, 730.0]),
    )


def run(w: WorkloadArrays, rows: list[OptionRows]) -> EstimateArrays:
    return evaluate_all(w, rows)


@settings(max_examples=200, deadline=None)
@given(w=workloads(), factor=st.floats(min_value=1, max_value=1000))
def test_cost_never_falls_when_volume_rises(
    prepared: list[OptionRows], w: WorkloadArrays, factor: float
) -> None:
    low, high = run(w, prepared), run(w.scaled(factor), prepared)
    both = low.feasible & high.feasible
    # more volume can only exhaust a limit (serverless concurrency, max instances), never
    # make an option feasible that was not
    assert not np.any(high.feasible & ~low.feasible)
    assert np.all(high.monthly_cost_usd[both] >= low.monthly_cost_usd[both] * (1 - 1e-12))


@settings(max_examples=200, deadline=None)
@given(w=workloads(cached=False))
def test_batch_never_dearer_than_on_demand(prepared: list[OptionRows], w: WorkloadArrays) -> None:
    result = run(w, prepared)
    options = result.option_names()
    for workload in range(w.size):
        mine = result.workload_index == workload
        on_demand = result.monthly_cost_usd[mine & (options == "on_demand")]
        batch = result.monthly_cost_usd[mine & (options == "batch")]
        assert batch[0] <= on_demand[0] * (1 + 1e-12)


def test_bundled_batch_prices_never_exceed_on_demand() -> None:
    catalog = load_catalog("2026-11-28")
    for rows in catalog.on_demand.values():
        for row in rows:
            if row.usd_per_1m_batch_input_tokens is not None:
                assert row.usd_per_1m_batch_input_tokens <= row.usd_per_1m_input_tokens  # type: ignore[operator]
            if row.usd_per_1m_batch_output_tokens is not None:
                assert row.usd_per_1m_batch_output_tokens <= row.usd_per_1m_output_tokens  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(w=workloads())
def test_doubling_traffic_doubles_per_token_lines(
    prepared: list[OptionRows], w: WorkloadArrays
) -> None:
    single, double = run(w, prepared), run(w.scaled(2.0), prepared)
    for one, two in zip(single.results, double.results, strict=True):
        for c1, c2 in zip(one.components, two.components, strict=True):
            if c1.unit == "1M tokens":  # a pico-dollar absorbs float underflow
                np.testing.assert_allclose(c2.usd, 2 * c1.usd, rtol=1e-12, atol=1e-12)
    per_token = np.isin(single.option_names(), ["on_demand", "batch"]) & single.feasible
    np.testing.assert_allclose(
        double.monthly_cost_usd[per_token],
        2 * single.monthly_cost_usd[per_token],
        rtol=1e-12,
        atol=1e-12,
    )


@settings(max_examples=200, deadline=None)
@given(w=workloads())
def test_capacity_costs_are_whole_steps_that_cover_the_peak(
    prepared: list[OptionRows], w: WorkloadArrays
) -> None:
    result = run(w, prepared)
    fixed = result.feasible & np.isin(result.option_names(), ["provisioned", "self_hosted"])
    capacity = result.capacity[fixed]
    assert np.all(capacity >= 1) and np.all(capacity == np.round(capacity))
    hourly = np.array([result.components(r)[0][3] for r in np.nonzero(fixed)[0]])
    np.testing.assert_allclose(
        result.monthly_cost_usd[fixed], capacity * HOURS_PER_MONTH * hourly, rtol=1e-12
    )
    # enough capacity: average load / capacity <= 1 / peak factor (+ float slack)
    util = result.utilization_fraction[fixed]
    peaks = w.peak_factor[result.workload_index[fixed]]
    assert np.all(util * peaks <= 1 + 1e-6)


@settings(max_examples=100, deadline=None)
@given(w=workloads())
def test_cheapest_is_no_dearer_than_any_feasible_option(
    prepared: list[OptionRows], w: WorkloadArrays
) -> None:
    result = run(w, prepared)
    for workload in range(w.size):
        mine = (result.workload_index == workload) & result.feasible
        best = result.cheapest_row[workload]
        assert best >= 0
        assert result.monthly_cost_usd[best] <= result.monthly_cost_usd[mine].min()


def test_engine_matches_per_row_reference(prepared: list[OptionRows], tmp_path: Path) -> None:
    """The vectorized engine equals the straightforward per-row formulas of the benchmark."""
    from benchmarks.reference import reference_costs

    rng = np.random.default_rng(7)
    n = 50
    weights = rng.uniform(0, 10, (n, 24)) * (rng.uniform(0, 1, (n, 24)) > 0.3)
    weights[:, 12] += 1.0  # never an all-zero day
    shares = weights / weights.sum(axis=1, keepdims=True)
    shares[::7] = np.nan  # a peak-to-average ratio without a profile
    w = WorkloadArrays(
        requests_per_month=rng.uniform(0, 1e8, n),
        input_tokens=rng.uniform(0, 5000, n),
        output_tokens=rng.uniform(0, 2000, n),
        cache_read_tokens=rng.uniform(0, 3000, n),
        cache_write_tokens=rng.uniform(0, 500, n),
        cache_write_1h_tokens=np.zeros(n),
        peak_factor=rng.uniform(1, 4, n),
        batch_tolerant=np.ones(n, dtype=bool),
        hours=np.full(n, 730.0),
        hourly_share=shares,
    )
    rows = [
        OptionRows(
            r.option,
            np.tile(r.workload_index, n // 2) + np.repeat(np.arange(0, n, 2), r.size),
            np.tile(r.variant, n // 2),
            np.tile(r.platform, n // 2),
            np.tile(r.instance_type, n // 2),
            np.tile(r.label, n // 2),
            {k: np.tile(v, n // 2) for k, v in r.params.items()},
            np.tile(r.reason, n // 2),
            np.tile(r.explicit, n // 2),
        )
        for r in prepared
    ]
    result = evaluate_all(w, rows)
    expected = reference_costs(w, rows)
    np.testing.assert_allclose(result.monthly_cost_usd, expected, rtol=1e-12)


def _near_half(k: int, digits: int, step: int) -> float:
    """The double `step` ulps from (k + ½)·10^-digits: where rounding a column in floating
    point could go the other way from `round`."""
    value = (k + 0.5) / 10**digits
    for _ in range(abs(step)):
        value = float(np.nextafter(value, math.inf if step > 0 else -math.inf))
    return value


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=-1e7, max_value=1e7),
            st.sampled_from(
                [0.0, -0.0, 1.0, 0.1234565, 2.5e-7, -1e-9, 1e300, 2.675, 2.0**52 + 0.5, 4.5e15]
            ),
            st.builds(
                _near_half,
                st.integers(min_value=-(10**12), max_value=10**12),
                st.sampled_from([6, 9, 12]),
                st.integers(min_value=-2, max_value=2),
            ),
        ),
        max_size=40,
    ),
    digits=st.sampled_from([6, 9, 12]),
)
def test_column_rounding_is_round_value_by_value(values: list[float], digits: int) -> None:
    """Reports round whole columns at once in floating point (results/rounding.py); each
    result must be Python's `round(v, digits)` (None where not finite), sign of zero
    included — values a few ulps from a half included."""
    from genai_cost.results.rounding import rounded_column

    got = rounded_column(np.asarray(values, dtype=np.float64), digits)
    want = [round(v, digits) if math.isfinite(v) else None for v in values]
    assert [(g, None if g is None else math.copysign(1.0, g)) for g in got] == [
        (w, None if w is None else math.copysign(1.0, w)) for w in want
    ]


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=7), st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(document=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=5))
def test_json_written_in_pieces_is_the_same_bytes(document: dict[str, Any]) -> None:
    """A large report is written in pieces (long lists a few items at a time); the pieces
    must join into exactly the bytes of the whole document encoded at once."""
    from genai_cost.report import json_report

    default = json_report.CHUNK_ITEMS
    json_report.CHUNK_ITEMS = 2  # so that lists of three or more items are split
    try:
        pieces = b"".join(json_report.render_json_chunks(document))
    finally:
        json_report.CHUNK_ITEMS = default
    assert pieces == json_report.render_json_bytes(document)


def test_json_pieces_leave_what_orjson_cannot_encode_to_the_whole_document() -> None:
    """An integer beyond 64 bits: the pieces fail (the CLI then writes the whole-document
    encoding, which falls back to the standard library)."""
    from genai_cost.report import json_report

    document = {"n": [2**70]}
    with pytest.raises(TypeError):
        b"".join(json_report.render_json_chunks(document))
    assert (
        json_report.render_json_bytes(document)
        == b'{\n  "n": [\n    1180591620717411303424\n  ]\n}\n'
    )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(index=st.lists(st.integers(min_value=0, max_value=30), max_size=60))
def test_distinct_indexes_and_by_workload_read_each_workload_once(index: list[int]) -> None:
    """`distinct_indexes` is `np.unique` of non-negative indexes; `by_workload` gives each row
    its workload's value, asking each workload present once."""
    from genai_cost.engine.context import by_workload, distinct_indexes

    array = np.asarray(index, dtype=np.intp)
    assert distinct_indexes(array).tolist() == np.unique(array).tolist()
    asked: list[int] = []

    def value(spec: Any) -> float:
        asked.append(spec)
        return spec * 1.5

    from types import SimpleNamespace

    run: Any = SimpleNamespace(specs=list(range(31)))  # what by_workload reads of a context
    assert by_workload(run, array, value).tolist() == [i * 1.5 for i in index]
    assert sorted(asked) == sorted(set(index))


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([0.0, -0.0, 3.0, 1e-300, math.nan]), min_size=4, max_size=4),
            st.lists(st.sampled_from([0.5, 2e-6, 0.0, math.nan]), min_size=4, max_size=4),
        ),
        max_size=6,
    )
)
def test_components_without_quantity_add_nothing(columns: list[Any]) -> None:
    """`sum_components` skips components with no quantity on any row (all ±0.0), and
    `unpriced_failures` their masks: the totals are the same bits as adding every
    component's dollars (signs of zero and NaN included), and the failure codes the same
    as with every component's mask."""
    from genai_cost.engine.arrays import (
        Component,
        failure_codes,
        sum_components,
        unpriced_failures,
    )

    components = [
        Component(f"c{k}", "unit", np.array(q), np.array(p)) for k, (q, p) in enumerate(columns)
    ]
    every = np.zeros(4)
    for c in components:
        every = every + c.usd
    total = sum_components(components, 4)
    assert np.array_equal(total, every, equal_nan=True)
    assert np.array_equal(np.signbit(total), np.signbit(every))
    masks, _ = unpriced_failures(components, "test", first_code=2)
    all_masks = [(c.unpriced, 2 + k) for k, c in enumerate(components) if c._any_missing]
    assert np.array_equal(failure_codes(4, masks), failure_codes(4, all_masks))


@given(
    st.lists(st.integers(0, 4), max_size=30),
    st.lists(st.integers(0, 4), max_size=30),
)
def test_groups_added_at_once_are_groups_added_one_by_one(
    before: list[int], keys: list[int]
) -> None:
    """`Groups.add_all` groups as `add` does, after any earlier `add`s: the same first
    workloads, members and order."""
    from genai_cost.engine.arrays import Groups

    one, many = Groups(), Groups()
    for workload, key in enumerate(before):
        one.add(workload, key)
        many.add(workload, key)
    workloads = [100 + k for k in range(len(keys))]
    for workload, key in zip(workloads, keys, strict=True):
        one.add(workload, key)
    many.add_all(workloads, list(keys))
    assert (many.first, many.wanting, many.member) == (one.first, one.wanting, one.member)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),  # line breaks and quotes included
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON_VALUES, st.lists(_JSON_VALUES, min_size=1, max_size=5))
def test_values_encoded_deeper_are_the_reindented_encoding(value: Any, items: list[Any]) -> None:
    """`_deeper` (encoded inside a wrapping object) is the value's own encoding with every
    line two spaces deeper, and `_deeper_items` a list's items four spaces deep: the bytes
    the JSON reports were written with before."""
    import orjson

    from genai_cost.report.json_report import _deeper, _deeper_items

    option = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
    assert _deeper(value, option) == orjson.dumps(value, option=option).replace(b"\n", b"\n  ")
    part = orjson.dumps(items, option=option)
    assert _deeper_items(items, option) == b"  " + part[2:-2].replace(b"\n", b"\n  ")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    classes=st.lists(st.integers(min_value=0, max_value=6), max_size=40),
    keys=st.lists(st.integers(min_value=0, max_value=3), min_size=7, max_size=7),
)
def test_groups_of_stand_ins_are_the_groups_added_one_by_one(
    classes: list[int], keys: list[int]
) -> None:
    """`Groups.add_stand_ins` (each stand-in's key asked once) groups the workloads as
    adding each with its stand-in's key one by one does: the same first workloads, keys
    and members."""
    from genai_cost.engine.arrays import Groups

    wanting = list(range(0, 3 * len(classes), 3))  # ascending, with gaps
    first_of: dict[int, int] = {}
    readers = [first_of.setdefault(c, w) for c, w in zip(classes, wanting, strict=True)]
    stand = np.asarray(readers, dtype=np.int64)
    class_of = dict(zip(wanting, classes, strict=True))
    asked: list[int] = []

    def key_of(workload: int) -> object:
        asked.append(workload)
        return ("key", keys[class_of[workload]])

    together, alone = Groups(), Groups()
    together.add_stand_ins(wanting, stand, key_of)
    for workload, reader in zip(wanting, stand.tolist(), strict=True):
        alone.add(workload, ("key", keys[class_of[reader]]))
    assert (together.first, together.keys, together.member, together.wanting) == (
        alone.first,
        alone.keys,
        alone.member,
        alone.wanting,
    )
    assert sorted(asked) == sorted(set(stand.tolist()))


@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from([1.0, 2.0, 2.0, 3.5, 0.0, math.inf, math.nan]),
            st.booleans(),
        ),
        max_size=40,
    )
)
@example([(0, 2.0, True), (0, 2.0, True)])  # a tie: the first row wins
@example([(1, math.inf, True), (1, math.inf, True)])  # infinite only: no cheapest row
@example([(2, 3.5, True), (3, 1.0, True)])  # one winner each: the direct path
def test_cheapest_row_is_the_first_lowest_feasible_row(rows: list[Any]) -> None:
    """`cheapest_rows` against a row-by-row reading of its rule: per workload, the first
    feasible row (in row order) with the lowest cost, where that cost is finite; else -1.
    Exercises both its paths (no workload with tied winners, and ties)."""
    from genai_cost.engine.core import cheapest_rows

    workloads = 6
    owner = np.array([r[0] for r in rows], dtype=np.int64)
    cost = np.array([r[1] for r in rows], dtype=np.float64)
    feasible = np.array([r[2] for r in rows], dtype=bool)
    expected = []
    for w in range(workloads):
        mine = [k for k, (o, _, ok) in enumerate(rows) if o == w and ok]
        costs = [rows[k][1] for k in mine]
        if not mine or any(math.isnan(c) for c in costs) or not math.isfinite(min(costs)):
            expected.append(-1)  # no feasible row; NaN poisons the lowest; or no finite one
            continue
        lowest = min(costs)
        expected.append(next(k for k in mine if rows[k][1] == lowest))
    with np.errstate(invalid="ignore"):  # as its callers run it (NaN costs compared)
        found = cheapest_rows(owner, cost, feasible, workloads)
    assert found.tolist() == expected


@given(st.lists(st.sampled_from(["flat", "nan", "partial", "shaped"]), max_size=8))
def test_profile_known_is_every_hour_known(kinds: list[str]) -> None:
    """`WorkloadArrays.profile_known`: a workload's hourly shares are known when all 24 are
    finite (one unknown hour makes the day unknown); no shares at all: none known."""
    from genai_cost.engine.arrays import WorkloadArrays

    rows = {
        "flat": [1 / 24] * 24,
        "nan": [math.nan] * 24,
        "partial": [1 / 23] * 23 + [math.nan],
        "shaped": [0.0] * 12 + [1 / 12] * 12,
    }
    n = len(kinds)
    zeros = np.zeros(n)
    share = np.array([rows[k] for k in kinds]).reshape(n, 24)
    w = WorkloadArrays(zeros, zeros, zeros, zeros, zeros, zeros, zeros + 1, zeros > 0, zeros)
    assert w.profile_known.tolist() == [False] * n
    w = WorkloadArrays(
        zeros, zeros, zeros, zeros, zeros, zeros, zeros + 1, zeros > 0, zeros, hourly_share=share
    )
    assert w.profile_known.tolist() == [k in ("flat", "shaped") for k in kinds]


_HOURLY = st.lists(
    st.lists(
        st.sampled_from(
            [0.0, -0.0, 0.4, 1.0, 1.0 + 1e-10, 2.5, 7.0, math.nan, -math.nan, math.inf]
        ),
        min_size=24,
        max_size=24,
    ),
    max_size=4,
)


@given(_HOURLY, st.lists(st.sampled_from([0.0, 0.3, 0.7, 1.0, math.nan]), min_size=8, max_size=8))
@example(  # NaNs of both signs side by side: a sum of two NaNs keeps its first operand's
    [[math.nan, -math.nan, math.inf, math.inf, *[1.0] * 20]], [0.3, 0.3, 0.3, 0.3, 0.7] * 2
)
def test_in_place_capacity_steps_are_the_expressions(rows: list[Any], numbers: list[float]) -> None:
    """`hourly_instances`, `with_redundancy` and `billed_per_day` compute in place on new
    arrays; each is the one-expression form it replaced, to the bit (NaN, infinity and the
    sign of zero included)."""
    from genai_cost.engine.capacity import CEIL_TOLERANCE, with_redundancy
    from genai_cost.engine.options.autoscaled import billed_per_day, hourly_instances

    n = len(rows)
    demand = np.asarray(rows, dtype=np.float64).reshape(n, 24)
    minimum = np.resize(np.asarray([0.0, 1.0, 3.0]), n)
    lead, cooldown = np.resize(numbers[:4], n), np.resize(numbers[4:], n)
    regions, standby = np.resize([1.0, 2.0, 1.0], (n, 1)), np.resize(numbers, (n, 1))

    def same(a: Any, b: Any) -> bool:
        return a.shape == b.shape and bool(np.array_equal(a.view(np.int64), b.view(np.int64)))

    units = np.ceil(demand - CEIL_TOLERANCE)
    units = np.where(demand > 0, np.maximum(units, 1.0), 0.0)
    counts = np.maximum(units, minimum[:, None])
    assert same(hourly_instances(demand, minimum), counts)
    with np.errstate(invalid="ignore"):
        expected = counts * regions + np.where(
            standby > 0, np.ceil(counts * standby - CEIL_TOLERANCE), 0.0
        )
        assert same(with_redundancy(counts, regions, standby), expected)
        for hours in (counts, demand):  # (demand as counts: NaN among them too)
            rise = np.maximum(np.roll(hours, -1, axis=1) - hours, 0.0)
            fall = np.maximum(np.roll(hours, 1, axis=1) - hours, 0.0)
            overlap = np.maximum(lead + cooldown - 1.0, 0.0)[:, None]
            billed = (
                hours
                + lead[:, None] * rise
                + cooldown[:, None] * fall
                - overlap * np.minimum(rise, fall)
            ).sum(axis=1)
            assert same(billed_per_day(hours, lead, cooldown), billed)
