"""Flattening validated scenarios into the engine's per-workload arrays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from operator import attrgetter, is_
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np

from genai_cost.catalog.snapshot import Catalog
from genai_cost.engine.arrays import WorkloadArrays
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import Latency, Option, Workload
from genai_cost.scenario.table import split_workloads
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH, SECONDS_PER_HOUR

if TYPE_CHECKING:
    from genai_cost.scenario.table import WorkloadTable

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WorkloadSpec:
    """One workload with the scenario facts the option modules need."""

    scenario_index: int
    scenario_name: str
    held: Workload | None
    """The workload; None for a workloads table's row, which the engine reads from the
    table's columns and `workload` makes only when something asks for it."""
    region: str
    path: str = ""
    """The scenario file the workload is in, for messages."""
    day: dt.date | None = None
    """The scenario's own pricing date, when it sets one."""
    hours: float = HOURS_PER_MONTH
    """Hours of the scenario's billing month."""

    source: LoadedScenario | None = field(default=None, repr=False, compare=False)
    """The loaded file, whose positions give the workload's line when a message needs it."""
    index_in_file: int = -1

    def __post_init__(self) -> None:
        if self.held is None and self.source is None:
            raise ValueError("a spec without its workload needs the scenario that holds it")

    @property
    def workload(self) -> Workload:
        """The workload (a table's row made when first asked for, `TableWorkloads`)."""
        held = self.held
        if held is None:
            assert self.source is not None
            return self.source.scenario.workloads[self.index_in_file]
        return held

    def with_workload(self, workload: Workload) -> WorkloadSpec:
        """The same spec for another workload."""
        return replace(self, held=workload)

    @property
    def where(self) -> str:
        """`file:line` of the workload in its scenario file (the line found on first use), or
        its row in the scenario's workloads table."""
        if self.source is None:
            return self.path
        return self.source.workload_where(self.index_in_file)

    def explicitly_asks(self, option: Option) -> bool:
        return self.workload.options is not None and option in self.workload.options

    def wants(self, option: Option) -> bool:
        """Whether `option` gets rows for this workload: it can price the workload's kind
        and the workload lists it (or lists no options)."""
        w = self.workload
        return w.priced_by(option) and (w.options is None or option in w.options)

    @property
    def redundancy(self) -> tuple[float, float]:
        """(full copies, standby fraction) of fixed capacity."""
        r = self.workload.redundancy
        if r.mode == "active_active":
            return float(r.regions), 0.0
        if r.mode == "warm_standby":
            return 1.0, r.standby_fraction
        return 1.0, 0.0


@dataclass(frozen=True)
class SpecColumns:
    """Per workload of a run (its specs' order), the texts and flags the option modules group
    and choose by, as columns: a table's rows (as the table has them) read from its
    columns at once, every other workload from its model in one pass (`spec_columns`)."""

    model: np.ndarray
    """The model id as written (objects)."""
    service_tier: np.ndarray
    """The tier the workload names, or None (objects)."""
    endpoint_scope: np.ndarray
    """The endpoint scope the workload names, or None (objects)."""
    region: np.ndarray
    """The region the workload runs in (`WorkloadSpec.region`; objects)."""
    options: np.ndarray
    """Each workload's index into `option_sets`."""
    option_sets: list[tuple[Option, ...] | None]
    """The distinct `options` lists (None: the workload lists none)."""
    kind: np.ndarray
    """The workload's kind (objects)."""
    kind_code: np.ndarray
    """The workload's kind as a number (the same number for the same kind)."""
    on_demand_only: np.ndarray
    """Speech tokens or media inputs (`Workload.on_demand_only`; booleans)."""
    long_requests: list[int]
    """The workloads whose tokens describe long requests."""
    name: np.ndarray
    """The workload's name (objects)."""
    special: list[int]
    """The workloads with guardrails, a backfill or redundancy beyond a single region (their
    bill has more than their option's lines)."""
    latency: list[int]
    """The workloads with a latency target or a measured latency."""
    base_load: list[int]
    """The workloads with a `base_load` setting."""

    @property
    def explicit(self) -> np.ndarray:
        """Whether each workload lists its options (booleans)."""
        listed = np.asarray([o is not None for o in self.option_sets], dtype=bool)
        explicit: np.ndarray = listed[self.options]
        return explicit


def spec_columns(specs: list[WorkloadSpec]) -> SpecColumns:
    """The `SpecColumns` of `specs`."""
    n = len(specs)
    columns = {
        name: np.empty(n, dtype=object)
        for name in ("name", "model", "service_tier", "endpoint_scope", "kind")
    }
    options = np.empty(n, dtype=np.intp)
    kind_code = np.empty(n, dtype=np.intp)
    on_demand_only = np.zeros(n, dtype=bool)
    sets: dict[tuple[Option, ...] | None, int] = {}
    kinds: dict[str, int] = {}
    tables = from_table(specs)
    by_object = np.ones(n, dtype=bool)
    for positions, table, rows, _ in tables:
        by_object[positions] = False
        text = table.text
        columns["name"][positions] = text["name"][rows]
        columns["model"][positions] = text["model"][rows]
        tiers = text["service_tier"][rows]
        tiers[tiers == ""] = None
        columns["service_tier"][positions] = tiers
        columns["endpoint_scope"][positions] = None
        columns["kind"][positions] = "text"
        kind_code[positions] = kinds.setdefault("text", len(kinds))
        cells = table.option_lists()
        code = {
            cell: sets.setdefault(None if listed is None else tuple(listed), len(sets))
            for cell, listed in cells.items()
        }
        options[positions] = list(map(code.__getitem__, text["options"][rows].tolist()))
    others = np.flatnonzero(by_object).tolist()
    long_requests: list[int] = []
    special: list[int] = []
    latency: list[int] = []
    base_load: list[int] = []
    if others:
        facts = [
            (
                (w := specs[i].workload).name,
                w.model,
                w.service_tier,
                w.endpoint_scope,
                w.kind,
                None if w.options is None else tuple(w.options),
                w.on_demand_only,
                w.tokens_per_request is not None and w.tokens_per_request.long_requests is not None,
                w.guardrails is not None or w.backfill is not None or w.redundancy.mode != "single",
                bool(w.latency_target or w.measured_latency),
                w.base_load is not None,
            )
            for i in others
        ]
        read = list(zip(*facts, strict=True))
        for k, name in enumerate(("name", "model", "service_tier", "endpoint_scope", "kind")):
            columns[name][others] = read[k]
        options[others] = [sets.setdefault(o, len(sets)) for o in read[5]]
        kind_code[others] = [kinds.setdefault(k, len(kinds)) for k in read[4]]
        on_demand_only[others] = read[6]
        long_requests = [i for i, long in zip(others, read[7], strict=True) if long]
        special = [i for i, more in zip(others, read[8], strict=True) if more]
        latency = [i for i, judged in zip(others, read[9], strict=True) if judged]
        base_load = [i for i, pinned in zip(others, read[10], strict=True) if pinned]
    region = np.empty(n, dtype=object)
    region[:] = list(map(attrgetter("region"), specs))
    return SpecColumns(
        model=columns["model"],
        service_tier=columns["service_tier"],
        endpoint_scope=columns["endpoint_scope"],
        region=region,
        options=options,
        option_sets=list(sets),
        kind=columns["kind"],
        kind_code=kind_code,
        on_demand_only=on_demand_only,
        long_requests=long_requests,
        name=columns["name"],
        special=special,
        latency=latency,
        base_load=base_load,
    )


def run_columns(context: PricingContext | None, specs: list[WorkloadSpec]) -> SpecColumns:
    """The `SpecColumns` of a priced run: its pricing context's (worked out once per run),
    or worked out now for `specs` when the run kept no context."""
    return context.columns() if context is not None else spec_columns(specs)


@dataclass(frozen=True)
class PricingContext:
    """One pricing run: the catalog, the pricing date, the workloads' specs, the run's flags
    and the catalog look-ups its options share."""

    catalog: Catalog
    day: dt.date
    """The pricing date: `--as-of`, else each scenario's `pricing_date`, else today."""
    specs: list[WorkloadSpec]
    override: bool = False
    """True when `day` was given explicitly (`--as-of`) and beats scenario dates."""
    free_tier: bool = False
    """Apply the account-level free tiers of supporting services (`--free-tier`)."""
    memo: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False)
    """Catalog lookups shared by the options that price the same thing (instance prices and
    throughput are read by self-hosted, autoscaled, async and batch transform alike)."""

    def remember(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """`compute()`, once per key for this pricing run."""
        if key not in self.memo:
            self.memo[key] = compute()
        return cast(T, self.memo[key])

    def columns(self) -> SpecColumns:
        """The `SpecColumns` of this run's specs (once per run)."""
        return self.remember(("columns",), lambda: spec_columns(self.specs))

    def days(self) -> np.ndarray:
        """`day_for` of every spec, in order (objects; once per run)."""

        def compute() -> np.ndarray:
            out = np.empty(len(self.specs), dtype=object)
            if self.override:
                out.fill(self.day)
            else:
                day = self.day
                out[:] = [day if d is None else d for d in map(attrgetter("day"), self.specs)]
            return out

        return self.remember(("days",), compute)

    def wanting(self, option: Option) -> list[int]:
        """The workloads that get rows of `option` (`WorkloadSpec.wants`), in order: decided
        in one pass over the workloads for every option (once per run), per distinct
        (kind, on-demand-only, options) — a table's rows share a handful."""

        return self._wanting()[0][option]

    def _wanting(self) -> tuple[dict[Option, list[int]], list[int]]:
        """`wanting` of every option, and `on_demand_only`, from one pass (once per run)."""

        def compute() -> tuple[dict[Option, list[int]], list[int]]:
            c = self.columns()
            # each workload's (kind, on-demand-only, options) as one number; the options of
            # each distinct key are decided by its first workload, keys numbered as they
            # first appear
            key = (c.kind_code * 2 + c.on_demand_only) * max(len(c.option_sets), 1) + c.options
            n = key.size
            first = np.full(int(key.max()) + 1 if n else 0, n, dtype=np.intp)
            np.minimum.at(first, key, np.arange(n, dtype=np.intp))
            firsts = np.sort(first[first < n])
            dense = np.zeros(first.size, dtype=np.intp)
            dense[key[firsts]] = np.arange(firsts.size)
            codes = dense[key]
            chosen = [tuple(o for o in Option if self.specs[i].wants(o)) for i in firsts.tolist()]
            out: dict[Option, list[int]] = {}
            for o in Option:
                wants = np.asarray([o in options for options in chosen], dtype=bool)
                out[o] = np.flatnonzero(wants[codes]).tolist() if wants.any() else []
            only: list[int] = np.flatnonzero(c.on_demand_only).tolist()
            return out, only

        return self.remember(("wanting",), compute)

    def on_demand_only(self) -> list[int]:
        """The workloads with speech tokens or media inputs (priced on demand only)."""
        return self._wanting()[1]

    def day_for(self, spec: WorkloadSpec) -> dt.date:
        if self.override or spec.day is None:
            return self.day
        return spec.day

    def day_for_scenario(self, own: dt.date | None) -> dt.date:
        """The pricing date of a scenario whose own `pricing_date` is `own`."""
        return self.day if self.override or own is None else own


def by_workload(
    ctx: PricingContext,
    index: np.ndarray,
    value: Callable[[WorkloadSpec], float],
    cells: tuple[str, ...] | None = None,
) -> np.ndarray:
    """Per row, `value` of its workload (`index` into `ctx.specs`), worked out once per workload
    the rows hold — not for every workload of the run (an option most workloads do not want
    reads only those that do). `cells`: the table columns `value` reads of a table's row
    besides the settings every row leaves at their defaults (`stand_ins`); a table's rows
    agreeing on them then share one call."""
    return by_workload_columns(ctx, index, lambda spec: (value(spec),), 1, cells)[0]


def by_workload_columns(
    ctx: PricingContext,
    index: np.ndarray,
    values: Callable[[WorkloadSpec], tuple[float, ...]],
    count: int,
    cells: tuple[str, ...] | None = None,
) -> list[np.ndarray]:
    """`by_workload` of several figures read together: `values(spec)` gives a workload's
    `count` figures in one call, once per workload the rows hold (with `cells`, once per
    workload standing in for a table's rows); one array per figure."""
    if index.size == 0:
        return [np.zeros(0, dtype=np.float64) for _ in range(count)]
    specs = ctx.specs
    present = distinct_indexes(index)
    at = np.empty(len(specs), dtype=np.intp)  # each present workload's place in `present`
    at[present] = np.arange(present.size)
    read = present
    if cells is not None:
        stand = stand_ins(ctx, present.tolist(), cells)
        read = distinct_indexes(stand)
        place = np.empty(len(specs), dtype=np.intp)
        place[read] = np.arange(read.size)
    # read straight into the array (no list of a tuple per workload in between)
    table = np.fromiter(
        (values(specs[i]) for i in read.tolist()),
        dtype=np.dtype((np.float64, count)),
        count=read.size,
    ).reshape(read.size, count)
    if cells is not None:
        table = table[place[stand]]  # each present workload's its stand-in's
    rows = at[index]
    return [table[:, k][rows] for k in range(count)]


def stand_ins(
    ctx: PricingContext,
    wanting: list[int],
    cells: tuple[str, ...] = (),
    codes: tuple[np.ndarray, ...] = (),
) -> np.ndarray:
    """For each workload of `wanting` (places in `ctx.specs`), the one whose workload an option
    module reads for it: for a table's row as the table has it (its spec holds no
    workload), the first row of `wanting` from the same table that agrees with it on the
    table columns `cells` and on `codes` (numbers aligned with `wanting`); for every other
    workload, itself.

    A table's rows differ only in their cells: every section a table has no column for
    (self_hosted, autoscaling, provisioned, serverless, batch_transform, async_inference,
    redundancy …) is at its defaults in each of them. So what reads a row's workload for no
    more than `cells`, `codes` and those sections reads the same for every row it stands
    for, and a million rows are read as a handful (none made into a workload)."""
    at = np.asarray(wanting, dtype=np.intp)
    out = at.copy()
    for positions, table, rows, _ in table_runs(ctx, at):
        parts = [table.codes(cell)[rows] for cell in cells]
        parts += [np.asarray(code)[positions] for code in codes]
        key = np.zeros(positions.size, dtype=np.int64)
        for part in parts:  # one number per distinct combination, kept small
            key = np.unique(key * (int(part.max()) + 1) + part, return_inverse=True)[1]
            key = key.reshape(-1).astype(np.int64)
        _, first = np.unique(key, return_index=True)  # each key's first row
        first_of = np.empty(int(key.max()) + 1, dtype=np.intp)
        first_of[key[first]] = first
        out[positions] = at[positions][first_of[key]]
    return out


def distinct_indexes(index: np.ndarray) -> np.ndarray:
    """The distinct values of `index` (non-negative integers: workload or option indexes),
    ascending — `np.unique`'s answer, by counting: `np.unique` imports `numpy.ma` on first
    use, a few milliseconds of every start-up."""
    if index.size == 0:
        return np.zeros(0, dtype=np.intp)
    present: np.ndarray = np.flatnonzero(np.bincount(index))
    return present


def flatten(loaded: list[LoadedScenario]) -> list[WorkloadSpec]:
    """One spec per workload, in scenario order. Each is made as the dataclass's own
    `__init__` makes it (each field set on the frozen instance), written out: a table holds
    hundreds of thousands of workloads. A spec holds its fields in slots (144 bytes against
    368 with an attribute dict: 224 MB less for a million workloads)."""
    specs = []
    new = object.__new__
    setter = object.__setattr__
    for i, item in enumerate(loaded):
        s = item.scenario
        default_region = s.region
        name, path, day, hours = s.name, item.path, s.pricing_date, s.hours
        # a workloads table's rows, as the table has them: no workload object (`held`
        # None), the region from its column
        own, table = split_workloads(s.workloads)
        held: list[Workload | None] = [*own]
        regions = [w.region or default_region for w in own]  # `s.workload_region(w)`
        if table is not None:
            held += [None] * table.size
            cells = table.text["region"]
            regions += np.where(cells == "", default_region, cells).tolist()
        for j, (w, region) in enumerate(zip(held, regions, strict=True)):
            spec = new(WorkloadSpec)
            setter(spec, "scenario_index", i)
            setter(spec, "scenario_name", name)
            setter(spec, "held", w)
            setter(spec, "region", region)
            setter(spec, "path", path)
            setter(spec, "day", day)
            setter(spec, "hours", hours)
            setter(spec, "source", item)
            setter(spec, "index_in_file", j)
            specs.append(spec)
    return specs


def workload_arrays(specs: list[WorkloadSpec]) -> WorkloadArrays:
    """Per-workload arrays of shape (W,), built once from the validated scenarios. A
    workloads table's row as the table has it (its spec holds no workload) has its figures
    taken from the table's columns at once (`table_figures`); every other workload's are
    read in one pass (the models' own properties). Either way, one column per figure."""
    n = len(specs)
    # one contiguous row per figure (a column of a (W, FIGURES) table would be strided)
    figures = np.empty((FIGURES, n), dtype=np.float64)
    tables = from_table(specs)
    by_object = np.ones(n, dtype=bool)
    for positions, table, rows, hours in tables:
        by_object[positions] = False
        figures[:, positions] = table_figures(table, rows, hours)
    others = np.flatnonzero(by_object)
    if others.size:
        figures[:, others] = _object_figures([specs[i] for i in others.tolist()])
    shaped, ratio_only = figures[9] > 0, figures[10] > 0
    if shaped.any():
        share = np.full((n, HOURS_PER_DAY), 1.0 / HOURS_PER_DAY)
        # a peak ratio alone does not say how long the peak lasts (NaN: `_hourly_share`); a
        # profile's shares are read row by row
        share[ratio_only] = np.nan
        for i in np.flatnonzero(shaped & ~ratio_only).tolist():
            share[i] = _hourly_share(specs[i].workload)
    else:  # every workload flat: one row seen W times (read-only; 192 MB less a million)
        share = np.broadcast_to(np.full(HOURS_PER_DAY, 1.0 / HOURS_PER_DAY), (n, HOURS_PER_DAY))
    return WorkloadArrays(
        requests_per_month=figures[0],
        input_tokens=figures[1],
        output_tokens=figures[2],
        cache_read_tokens=figures[3],
        cache_write_tokens=figures[4],
        cache_write_1h_tokens=figures[5],
        peak_factor=figures[6],
        hours=figures[7],
        batch_tolerant=figures[8] > 0,
        hourly_share=share,
    )


FIGURES = 11
"""Rows of `_object_figures` and `table_figures`: requests in the month, mean uncached
input, output, cache read, 5-minute and 1-hour cache writes per request, peak factor, hours,
batch tolerant, peak information given (a profile or a ratio), a ratio without a profile."""


def _object_figures(specs: list[WorkloadSpec]) -> np.ndarray:
    """The FIGURES rows of workloads read from their models, shape (FIGURES, len(specs))."""
    batch = Latency.batch_tolerant
    facts = (
        (
            (traffic := (w := s.workload).traffic).requests_in(s.hours),
            (tokens := w.tokens_per_request).mean_input,
            tokens.output,
            tokens.cache_read,
            tokens.cache_write,
            tokens.cache_write_1h,
            traffic.peak_factor,
            s.hours,
            w.latency == batch,
            traffic.hourly_profile is not None or traffic.peak_to_average_ratio is not None,
            traffic.hourly_profile is None and traffic.peak_to_average_ratio is not None,
        )
        for s in specs
    )
    # read straight into the array (no list of a tuple per workload in between: 1,000,000
    # workloads made a 380 MB list)
    n = len(specs)
    out = np.fromiter(facts, dtype=np.dtype((np.float64, FIGURES)), count=n)
    return out.reshape(n, FIGURES).T


def from_table(
    specs: list[WorkloadSpec],
) -> list[tuple[np.ndarray, WorkloadTable, np.ndarray, np.ndarray]]:
    """The specs of a table's rows as the table has them (`held` None: a workload changed
    since, such as by a path's extra input tokens, is held), per table: (their positions in
    `specs`, the table, their rows in it, their months' hours)."""
    n = len(specs)
    if not n:
        return []
    lazy = np.fromiter(map(partial(is_, None), map(attrgetter("held"), specs)), bool, n)
    if not lazy.any():
        return []
    positions = np.flatnonzero(lazy)
    picked = _picked(specs, positions)
    sources = list(map(attrgetter("source"), picked))
    ids = np.fromiter(map(id, sources), dtype=np.uintp, count=len(sources))
    starts = [0, *(np.flatnonzero(ids[1:] != ids[:-1]) + 1).tolist()]  # runs of one source
    found: list[tuple[np.ndarray, WorkloadTable, np.ndarray, np.ndarray]] = []
    for a, b in zip(starts, [*starts[1:], len(sources)], strict=True):
        source = sources[a]
        table = source.table
        assert table is not None  # a spec holds no workload only for a table's row
        run = picked[a:b]
        rows = np.fromiter(map(attrgetter("index_in_file"), run), np.int64, b - a)
        rows -= source.yaml_workloads
        hours = np.fromiter(map(attrgetter("hours"), run), np.float64, b - a)
        found.append((positions[a:b], table, rows, hours))
    return found


def table_runs(
    ctx: PricingContext, at: np.ndarray
) -> list[tuple[np.ndarray, WorkloadTable, np.ndarray, np.ndarray]]:
    """`from_table` of the run's specs at `at` (places in `ctx.specs`), with what it reads
    of each spec (whether it holds its workload, its scenario, row and hours) read once per
    run: option modules ask this many times over."""

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[WorkloadTable]]:
        specs = ctx.specs
        n = len(specs)
        lazy = np.fromiter(map(partial(is_, None), map(attrgetter("held"), specs)), bool, n)
        tables: list[WorkloadTable] = []
        code = np.full(n, -1, dtype=np.int64)
        row = np.zeros(n, dtype=np.int64)
        hours = np.zeros(n, dtype=np.float64)
        for positions, table, rows, row_hours in from_table(specs):
            code[positions] = len(tables)
            tables.append(table)
            row[positions] = rows
            hours[positions] = row_hours
        return lazy, code, row, hours, tables

    at = np.asarray(at, dtype=np.intp)
    if not at.size:  # (an option no workload wants: nothing read)
        return []
    lazy, code, row, hours, tables = ctx.remember(("table runs",), compute)
    positions = np.flatnonzero(lazy[at])
    if not positions.size:
        return []
    codes = code[at[positions]]
    starts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1).tolist()]
    out = []
    for a, b in zip(starts, [*starts[1:], positions.size], strict=True):
        mine = positions[a:b]
        out.append((mine, tables[int(codes[a])], row[at[mine]], hours[at[mine]]))
    return out


def monthly_requests(specs: list[WorkloadSpec]) -> np.ndarray:
    """Each workload's requests in a 730-hour month (`Traffic.monthly_requests`), a table's
    rows from its columns (`table_figures`, the same definition)."""
    out = np.empty(len(specs), dtype=np.float64)
    read = np.zeros(len(specs), dtype=bool)
    for positions, table, rows, _ in from_table(specs):
        out[positions] = table_figures(table, rows, np.full(rows.size, HOURS_PER_MONTH))[0]
        read[positions] = True
    for i in np.flatnonzero(~read).tolist():
        out[i] = specs[i].workload.traffic.monthly_requests
    return out


def peak_information(ctx: PricingContext, among: np.ndarray) -> np.ndarray:
    """Whether each workload of `among` (places in `ctx.specs`) says how its traffic peaks
    (`Traffic.has_peak_information`: a profile or a ratio), a table's rows from their
    columns (`table_figures`, the same definition)."""
    out = np.zeros(among.size, dtype=bool)
    read = np.zeros(among.size, dtype=bool)
    for positions, table, rows, hours in table_runs(ctx, among):
        out[positions] = table_figures(table, rows, hours)[9] > 0
        read[positions] = True
    for k in np.flatnonzero(~read).tolist():
        out[k] = ctx.specs[int(among[k])].workload.traffic.has_peak_information
    return out


def _picked(items: list[T], at: np.ndarray) -> list[T]:
    """`items` at the positions `at`: a slice when they run up one by one (a table's rows
    in order, the usual case), else one by one."""
    if at.size and bool((np.diff(at) == 1).all()):
        return items[int(at[0]) : int(at[-1]) + 1]
    return [items[i] for i in at.tolist()]


def table_figures(table: WorkloadTable, rows: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """The FIGURES rows of a table's `rows` from its columns, as the models compute them for
    the workloads the table makes (`WorkloadTable.workloads`: no long requests, no hourly
    profile; an empty cache cell is 0, an empty ratio none): `Traffic.requests_in` (a rate
    a 730-hour month scaled to the month's hours, or a rate a second × hours × 3,600),
    `TokensPerRequest.mean_input` (the input itself) and `Traffic.peak_factor` (the ratio,
    else 1). A test compares them with the models' figures."""
    numbers = table.numbers
    per_month = numbers["requests_per_month"][rows]
    per_second = numbers["requests_per_second"][rows]
    requests = np.where(
        np.isnan(per_month),
        per_second * hours * SECONDS_PER_HOUR,
        np.where(hours == HOURS_PER_MONTH, per_month, per_month * hours / HOURS_PER_MONTH),
    )

    def cached(column: str) -> np.ndarray:
        values = numbers[column][rows]
        return np.where(np.isnan(values), 0.0, values)

    ratio = numbers["peak_to_average_ratio"][rows]
    given = ~np.isnan(ratio)
    out = np.empty((FIGURES, rows.size), dtype=np.float64)
    out[0] = requests
    out[1] = numbers["input_tokens"][rows]
    out[2] = numbers["output_tokens"][rows]
    out[3] = cached("cache_read_tokens")
    out[4] = cached("cache_write_tokens")
    out[5] = cached("cache_write_1h_tokens")
    out[6] = np.where(given, ratio, 1.0)
    out[7] = hours
    out[8] = table.text["latency"][rows] == Latency.batch_tolerant.value
    out[9] = given
    out[10] = given
    return out


def _hourly_share(w: Workload) -> list[float]:
    """Each hour's share of the day's requests (see WorkloadArrays.hourly_share)."""
    fractions = w.traffic.profile_fractions
    if fractions is not None:
        total = sum(fractions)
        return [f / total for f in fractions]
    if w.traffic.peak_to_average_ratio is not None:
        return [float("nan")] * HOURS_PER_DAY
    return [1.0 / HOURS_PER_DAY] * HOURS_PER_DAY
