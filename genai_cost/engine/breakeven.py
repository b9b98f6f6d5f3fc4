"""Break-even volumes: where two purchase options' monthly costs cross.

Every option's monthly cost is a function of the monthly request volume V (same tokens and
daily shape): pay-per-token options are linear, `a · V`; capacity options are steps,
`730 h · p · (regions · n + ceil(standby · n))` with `n = max(1, ceil(c · V))` units, where
`c` is the units the peak needs per request a month (before rounding; from the engine). The
difference of two such functions is linear between consecutive step edges `V = (n + 1e-9)/c`
(the engine ignores demand within 1e-9 of a whole unit), so every crossing is found exactly:
inside a piece where the line meets the other curve (costs equal there), or at an edge where
the step jumps past the other curve (a "step" crossing: costs jump across each other).
Arrays throughout; no loop over volumes.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from genai_cost.engine.capacity import CEIL_TOLERANCE, with_redundancy
from genai_cost.engine.options.autoscaled import billed_per_day, hourly_instances
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH

Floats = npt.NDArray[np.float64]
MAX_EDGES = 2_000_000
EDGE_NUDGE = 1e-12
"""Relative step just before and after a capacity edge, to read the costs either side."""
SIDE_NUDGE = 1e-6
"""Relative step either side of a crossing, to say which option is cheaper below and above."""


NONE_FEASIBLE = "(no option can serve this volume)"
"""The band label of volumes that every option is unable to serve (all capped)."""


class TooManySteps(ValueError):
    """A capacity curve steps more often in the range than can be solved exactly."""

    index: int | None = None
    """Which set of curves it was found in (`all_crossings_many`)."""


def line_cost(
    slope: float | Floats, fixed: float | Floats, max_requests: float | Floats, volume: Floats
) -> Floats:
    """A linear option's monthly cost at `volume` requests a month: `slope · V + fixed`,
    infinite (the option cannot serve it) above `max_requests`. The parameters are one
    curve's numbers or arrays of many curves' (`Curve.cost`; the Monte Carlo's curve table)."""
    cost: Floats = slope * volume + fixed
    if np.ndim(max_requests) or np.isfinite(max_requests):  # (one curve without a cap: none)
        cost = np.where(volume > max_requests, np.inf, cost)
    return cost


def step_units(
    units_per_request: float | Floats,
    standby_fraction: float | Floats,
    regions: float | Floats,
    volume: Floats,
) -> Floats:
    """Units a capacity option buys at `volume`: `regions · n + ceil(standby · n)` with
    `n = max(1, ceil(c · V))`, demand within CEIL_TOLERANCE of a whole unit not rounded up."""
    n = np.maximum(np.ceil(units_per_request * volume - CEIL_TOLERANCE), 1.0)
    standby: float | Floats = 0.0  # (one curve without a standby share: none)
    if np.ndim(standby_fraction) or standby_fraction > 0:
        standby = np.where(
            np.asarray(standby_fraction) > 0, np.ceil(n * standby_fraction - CEIL_TOLERANCE), 0.0
        )
    total: Floats = n * regions + standby
    return total


def step_cost(
    units_per_request: float | Floats,
    standby_fraction: float | Floats,
    regions: float | Floats,
    hours: float | Floats,
    usd_per_unit_hour: float | Floats,
    volume: Floats,
) -> Floats:
    """A capacity option's monthly cost at `volume`: its units × hours × the unit's price."""
    cost: Floats = (
        step_units(units_per_request, standby_fraction, regions, volume) * hours * usd_per_unit_hour
    )
    return cost


def day_cost(
    hourly_units_per_request: Floats,
    min_units: Floats,
    max_units: Floats,
    regions: Floats,
    standby_fraction: Floats,
    lead_fraction: Floats,
    cooldown_fraction: Floats,
    hours: Floats,
    usd_per_unit_hour: Floats,
    volume: Floats,
) -> Floats:
    """The monthly cost of N capacity options that follow the day (autoscaled,
    asynchronous: `autoscaled`'s hour-by-hour formula) at `volume` (N, ...): each hour's
    instances for c_h · V (at least `min_units`), with redundancy, billed with the lead and
    cooldown of each rise and fall, × the month's days × the unit's price; infinite where an
    hour needs more than `max_units`. The parameters are arrays of the N curves' numbers
    (`hourly_units_per_request` (N, 24)): one curve's for `Curve.cost`, many curves' for
    the Monte Carlo's curve table."""
    n = hourly_units_per_request.shape[0]
    flat = volume.reshape(n, -1)  # (N, K): each curve's volumes
    k = flat.shape[1]
    hours_a_day = hourly_units_per_request.shape[1]  # (not -1: a read at no volumes is 0 rows)
    demand = (hourly_units_per_request[:, None, :] * flat[:, :, None]).reshape(n * k, hours_a_day)

    def each(values: Floats) -> Floats:  # one value a curve, for each of its volumes
        spread: Floats = np.repeat(values, k)
        return spread

    counts = hourly_instances(demand, each(min_units))
    totals = with_redundancy(counts, each(regions)[:, None], each(standby_fraction)[:, None])
    billed = billed_per_day(totals, each(lead_fraction), each(cooldown_fraction))
    cost = billed * (each(hours) / HOURS_PER_DAY) * each(usd_per_unit_hour)
    result: Floats = np.where(counts.max(axis=1) > each(max_units), np.inf, cost)
    return result.reshape(volume.shape)


@dataclass(frozen=True)
class Curve:
    """Monthly cost of one option as a function of monthly requests."""

    label: str
    slope_usd_per_request: float = 0.0
    """Linear options: cost per request."""
    units_per_request: float = 0.0
    """Capacity options: units the peak needs per monthly request (c)."""
    usd_per_unit_hour: float = 0.0
    regions: float = 1.0
    standby_fraction: float = 0.0
    fixed_usd: float = 0.0
    """Linear options: a monthly cost that does not scale (batch-transform start-ups)."""
    hourly_units_per_request: tuple[float, ...] = ()
    """Capacity that follows the day (autoscaled, async): units hour h needs per monthly
    request (c_h); its cost is `autoscaled`'s hour-by-hour formula."""
    min_units: float = 0.0
    max_units: float = np.inf
    lead_fraction: float = 0.0
    cooldown_fraction: float = 0.0
    max_requests: float = np.inf
    """Linear options with a limit volume reaches (serverless concurrency): the most
    requests a month they serve (engine OptionResult.max_requests); above it, infeasible."""
    hours: float = HOURS_PER_MONTH
    """Hours of the month capacity is billed for (a calendar month's own with `--month`)."""

    @property
    def is_step(self) -> bool:
        return self.units_per_request > 0

    @property
    def follows_day(self) -> bool:
        return bool(self.hourly_units_per_request)

    @property
    def max_volume(self) -> float:
        """The largest volume the option can serve (`max_units` in its busiest hour); above it
        the option is infeasible (its cost is infinite)."""
        if not self.follows_day or not np.isfinite(self.max_units):
            return self.max_requests
        busiest = max(self.hourly_units_per_request)
        return float((self.max_units + CEIL_TOLERANCE) / busiest) if busiest > 0 else np.inf

    def _day_cost(self, v: Floats) -> Floats:
        def one(value: float) -> Floats:
            return np.full(1, value)

        return day_cost(
            np.asarray(self.hourly_units_per_request, dtype=np.float64)[None, :],
            one(self.min_units),
            one(self.max_units),
            one(self.regions),
            one(self.standby_fraction),
            one(self.lead_fraction),
            one(self.cooldown_fraction),
            one(self.hours),
            one(self.usd_per_unit_hour),
            v[None, ...],
        ).reshape(v.shape)

    def units(self, volume: npt.ArrayLike) -> Floats:
        return step_units(
            self.units_per_request,
            self.standby_fraction,
            self.regions,
            np.asarray(volume, dtype=np.float64),
        )

    def cost(self, volume: npt.ArrayLike) -> Floats:
        v = np.asarray(volume, dtype=np.float64)
        if self.follows_day:
            return self._day_cost(v)
        if self.is_step:
            return step_cost(
                self.units_per_request,
                self.standby_fraction,
                self.regions,
                self.hours,
                self.usd_per_unit_hour,
                v,
            )
        return line_cost(self.slope_usd_per_request, self.fixed_usd, self.max_requests, v)

    def edges(self, low: float, high: float) -> Floats:
        """Volumes in (low, high) where the unit count steps up."""
        if self.follows_day:
            return self._day_edges(low, high)
        if not self.is_step:
            return np.zeros(0)
        top = self.units_per_request * high
        if not np.isfinite(top) or top - self.units_per_request * low > MAX_EDGES:
            raise TooManySteps(
                f"{self.label}: more than {MAX_EDGES:,} capacity steps between {low:,.6g} and "
                f"{high:,.6g} requests a month"
            )
        first = max(1, int(np.floor(self.units_per_request * low)))
        last = int(np.ceil(top)) + 1
        n = np.arange(first, last, dtype=np.float64)
        v = (n + CEIL_TOLERANCE) / self.units_per_request
        edges: Floats = v[(v > low) & (v < high)]
        return edges

    def _day_edges(self, low: float, high: float) -> Floats:
        """Volumes in (low, high) where some hour's unit count steps up."""
        c = np.asarray([x for x in self.hourly_units_per_request if x > 0], dtype=np.float64)
        if not c.size:
            return np.zeros(0)
        if not np.isfinite(c.sum() * high) or (c * high).sum() > MAX_EDGES:
            raise TooManySteps(
                f"{self.label}: more than {MAX_EDGES:,} capacity steps between {low:,.6g} and "
                f"{high:,.6g} requests a month"
            )
        # each hour's edges as `edges` finds one step curve's, for all hours at once: the
        # unit counts n from max(1, floor(c·low)) to ceil(c·high) of every hour in one array
        first = np.maximum(np.floor(c * low), 1.0).astype(np.int64)
        last = np.ceil(c * high).astype(np.int64) + 1
        counts = np.maximum(last - first, 0)
        hour = np.repeat(np.arange(c.size), counts)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        n = (first[hour] + (np.arange(hour.size) - starts)).astype(np.float64)
        v = (n + CEIL_TOLERANCE) / c[hour]
        edges: Floats = np.unique(v[(v > low) & (v < high)])
        return edges


@dataclass(frozen=True)
class Crossing:
    a: str
    b: str
    volume: float
    kind: Literal["equal", "step"]
    """"equal": the costs are equal there; "step": a capacity step jumps across the other."""
    cost_a_usd: float
    cost_b_usd: float
    cheaper_below: str
    cheaper_above: str


def crossings(a: Curve, b: Curve, low: float, high: float) -> list[Crossing]:
    """Every volume in [low, high] where a and b change order (within the volumes both can
    serve: an option with an instance limit stops at its `max_volume`), by volume."""
    return all_crossings([a, b], low, high)


def all_crossings(curves: list[Curve], low: float, high: float) -> list[Crossing]:
    """`crossings` of every pair of `curves` (pairs in `itertools.combinations` order, each
    pair's by volume). Each curve's step edges are found once, up to its own limit, and each
    curve is read twice in all: once at every volume its pairs' pieces need (their midpoints,
    and just before and after each inner edge), once at their crossings. A curve's cost at
    a volume does not depend on the other volumes read with it, so every figure is the one
    a pair alone would read."""
    return all_crossings_many([(curves, low, high)])[0]


def all_crossings_many(
    sets: Sequence[tuple[list[Curve], float, float]],
) -> list[list[Crossing]]:
    """`all_crossings` of each (curves, low, high), their reads made together: every set's
    piece volumes in one `read_curves`, then every set's crossings in another (a read of
    one set's curves is a handful of small array operations a curve; thousands of
    workloads' reads are a few large ones). A set whose curves step too often raises
    TooManySteps with its `index` (the first such set, in order)."""
    steps = [_crossing_steps(curves, low, high) for curves, low, high in sets]
    wanted: list[list[list[Floats]]] = []
    for k, step in enumerate(steps):
        try:
            wanted.append(next(step))
        except TooManySteps as exc:
            exc.index = k
            raise
    curve_sets = [curves for curves, _, _ in sets]
    sides = [
        step.send(read) for step, read in zip(steps, _read_many(curve_sets, wanted), strict=True)
    ]
    out: list[list[Crossing]] = []
    for step, read in zip(steps, _read_many(curve_sets, sides), strict=True):
        try:
            step.send(read)
        except StopIteration as done:
            out.append(done.value)
        else:  # pragma: no cover - the steps end after their second read
            raise AssertionError("crossing steps did not end after their second read")
    return out


CrossingSteps = Generator[list[list[Floats]], list[Iterator[Floats]], list[Crossing]]
"""`all_crossings` of one set of curves in steps: it yields the volumes it wants each curve
read at (twice), is sent the costs (`_read_many`), and returns the crossings."""


def _crossing_steps(curves: list[Curve], low: float, high: float) -> CrossingSteps:
    own: dict[int, Floats | None] = {}  # a curve's edges up to its own limit (None: too many)

    def edges_of(k: int, top: float) -> Floats:
        if k not in own:
            try:
                own[k] = curves[k].edges(low, min(high, curves[k].max_volume))
            except TooManySteps:  # its whole range steps too often; a pair's may not
                own[k] = None
        found = own[k]
        if found is None:
            return curves[k].edges(low, top)
        return found[found < top]

    # 1. each pair's pieces, and the volumes it reads its two curves at
    pairs: list[tuple[int, int, Floats, Floats]] = []  # (a, b, edges, volumes)
    wanted: list[list[Floats]] = [[] for _ in curves]
    for i, j in itertools.combinations(range(len(curves)), 2):
        top = min(high, curves[i].max_volume, curves[j].max_volume)
        if not top > low:
            continue
        edges = np.unique(np.concatenate([[low, top], edges_of(i, top), edges_of(j, top)]))
        inner = edges[1:-1]
        mids = (edges[:-1] + edges[1:]) / 2
        volumes = np.concatenate([mids, inner * (1 - EDGE_NUDGE), inner * (1 + EDGE_NUDGE)])
        pairs.append((i, j, edges, volumes))
        wanted[i].append(volumes)
        wanted[j].append(volumes)
    read = yield wanted
    # 2. each pair's crossing volumes: inside a piece where the lines meet, or at an edge
    # the step jumps across
    found: list[tuple[int, int, list[tuple[float, Literal["equal", "step"]]]]] = []
    sides: list[list[Floats]] = [[] for _ in curves]
    for i, j, edges, _ in pairs:
        a, b = curves[i], curves[j]
        at_a, at_b = next(read[i]), next(read[j])
        starts, ends, inner = edges[:-1], edges[1:], edges[1:-1]
        mids = (starts + ends) / 2
        pieces, before = mids.size, mids.size + inner.size
        # On each piece the difference D(V) = (sa - sb) V + (ka - kb) is linear.
        sa = a.slope_usd_per_request if not a.is_step else 0.0
        sb = b.slope_usd_per_request if not b.is_step else 0.0
        slope = sa - sb
        offset = (at_a[:pieces] - sa * mids) - (at_b[:pieces] - sb * mids)
        points: list[tuple[float, Literal["equal", "step"]]] = []
        if slope != 0:
            v = -offset / slope
            inside = (v > starts) & (v <= ends) & (v >= low) & (v <= edges[-1])
            points += [(float(volume), "equal") for volume in v[inside]]
        # Jumps at step edges: compare just before the edge (n units) and just after (n + 1).
        if inner.size:
            left = at_a[pieces:before] - at_b[pieces:before]
            right = at_a[before:] - at_b[before:]
            jumps = np.sign(left) * np.sign(right) < 0
            points += [(float(volume), "step") for volume in inner[jumps]]
        if points:
            at = np.asarray([p[0] for p in points])
            both = np.concatenate([at * (1 - SIDE_NUDGE), at * (1 + SIDE_NUDGE), at])
            sides[i].append(both)
            sides[j].append(both)
        found.append((i, j, points))
    side = yield sides
    # 3. each crossing's costs, and which curve is cheaper either side
    out: list[Crossing] = []
    for i, j, points in found:
        if not points:
            continue
        a, b = curves[i], curves[j]
        n = len(points)
        costs_a, costs_b = next(side[i]).tolist(), next(side[j]).tolist()
        pair = [
            Crossing(
                a.label,
                b.label,
                volume,
                kind,
                costs_a[2 * n + k],
                costs_b[2 * n + k],
                a.label if costs_a[k] < costs_b[k] else b.label,
                a.label if costs_a[n + k] < costs_b[n + k] else b.label,
            )
            for k, (volume, kind) in enumerate(points)
        ]
        pair.sort(key=lambda c: c.volume)
        out += pair
    return out


def read_curves(curves: Sequence[Curve], volumes: Sequence[Floats]) -> list[Floats]:
    """`curve.cost(volume)` of each curve at its own volumes (1-D arrays), curves of a kind
    read together: one `day_cost`, `step_cost` or `line_cost` call of a row per volume
    (READ_ROWS at most), each row with its curve's numbers. A row's cost does not depend on
    the rows read with it, so every figure is the one the curve alone gives (to the bit:
    tested). The curves that follow the day are always read together (a dozen array
    operations a read, whatever its size); linear and step curves only from GROUP_AT_LEAST
    of them (a chunk's sweeps): a few of them cost less read one by one than grouped."""
    out: list[Floats] = [np.zeros(0)] * len(curves)
    kinds: dict[tuple[str, int], list[int]] = {}  # curves of a kind with volumes to read
    for k, (curve, v) in enumerate(zip(curves, volumes, strict=True)):
        if not v.size:
            out[k] = curve.cost(v)
        elif curve.follows_day:
            kinds.setdefault(("day", len(curve.hourly_units_per_request)), []).append(k)
        else:
            kinds.setdefault(("step" if curve.is_step else "line", 0), []).append(k)
    for (kind, _), found in kinds.items():
        if kind != "day" and len(found) < GROUP_AT_LEAST:
            for k in found:
                out[k] = curves[k].cost(volumes[k])
            continue
        for group in _batches(found, volumes):
            if len(group) == 1:
                out[group[0]] = curves[group[0]].cost(volumes[group[0]])
                continue
            costs = _read_kind(kind, [curves[k] for k in group], [volumes[k] for k in group])
            cuts = np.cumsum([volumes[k].size for k in group])[:-1]
            for k, part in zip(group, np.split(costs, cuts), strict=True):
                out[k] = part
    return out


GROUP_AT_LEAST = 64
"""Linear or step curves `read_curves` reads together only from this many (fewer: one by one)."""


def _read_kind(kind: str, chosen: list[Curve], volumes: list[Floats]) -> Floats:
    """The costs of curves of one kind at their volumes, one curve's after another: one
    call of a row per volume, each row with its curve's numbers."""
    take = np.repeat(np.arange(len(chosen)), [v.size for v in volumes])  # each volume's curve
    v = np.concatenate(volumes)

    def each(name: str) -> Floats:
        values: Floats = np.asarray([getattr(c, name) for c in chosen], np.float64)
        return values[take]

    if kind == "line":
        return line_cost(each("slope_usd_per_request"), each("fixed_usd"), each("max_requests"), v)
    if kind == "step":
        return step_cost(
            each("units_per_request"),
            each("standby_fraction"),
            each("regions"),
            each("hours"),
            each("usd_per_unit_hour"),
            v,
        )
    costs: Floats = day_cost(
        each("hourly_units_per_request"),
        each("min_units"),
        each("max_units"),
        each("regions"),
        each("standby_fraction"),
        each("lead_fraction"),
        each("cooldown_fraction"),
        each("hours"),
        each("usd_per_unit_hour"),
        v[:, None],
    ).reshape(-1)
    return costs


READ_ROWS = 65_536
"""Volumes `read_curves` reads in one call at most (a curve that follows the day makes a
row of 24 hours of each: a few arrays of 12.6 MB at this size), unless one curve asks for
more alone."""


def _batches(group: list[int], volumes: Sequence[Floats]) -> Iterator[list[int]]:
    """The curves of `group` in runs of at most READ_ROWS volumes (a larger curve alone)."""
    batch: list[int] = []
    rows = 0
    for k in group:
        size = volumes[k].size
        if batch and rows + size > READ_ROWS:
            yield batch
            batch, rows = [], 0
        batch.append(k)
        rows += size
    if batch:
        yield batch


def _read_many(
    curve_sets: Sequence[list[Curve]], wanted_sets: Sequence[list[list[Floats]]]
) -> list[list[Iterator[Floats]]]:
    """For each set of curves, each curve's costs at the volume arrays it is wanted at,
    handed back array by array in the order they were asked for: every curve of every set
    read once, all in one `read_curves`."""
    curves = [c for curve_set in curve_sets for c in curve_set]
    joined = [
        np.concatenate(arrays) if arrays else np.zeros(0)
        for wanted in wanted_sets
        for arrays in wanted
    ]
    costs = iter(read_curves(curves, joined))
    out: list[list[Iterator[Floats]]] = []
    for wanted in wanted_sets:
        mine: list[Iterator[Floats]] = []
        for arrays in wanted:
            read = next(costs)
            if not arrays:
                mine.append(iter(()))
                continue
            cuts = np.cumsum([a.size for a in arrays])[:-1]
            mine.append(iter(np.split(read, cuts)))
        out.append(mine)
    return out


def cheapest_bands(
    curves: list[Curve], low: float, high: float, points: list[float]
) -> list[tuple[float, float, str]]:
    """(from, to, cheapest option) over [low, high], split at the crossing points and where
    an option stops being able to serve the volume (its `max_volume`): between those cuts the
    order of every pair of options is fixed, so the cheapest is read at one volume inside each
    piece. A stretch no option can serve is named `NONE_FEASIBLE`."""
    return cheapest_bands_many([(curves, low, high, points)])[0]


def cheapest_bands_many(
    sets: Sequence[tuple[list[Curve], float, float, list[float]]],
) -> list[list[tuple[float, float, str]]]:
    """`cheapest_bands` of each (curves, low, high, points), every set's curves read at its
    pieces' volumes in one `read_curves`."""
    pieces_of: list[list[tuple[float, float]]] = []
    mids_of: list[Floats] = []
    for curves, low, high, points in sets:
        limits = [c.max_volume for c in curves if low < c.max_volume < high]
        cuts = np.unique(
            np.clip(np.asarray([low, high, *points, *limits], dtype=np.float64), low, high)
        )
        pieces = list(itertools.pairwise(cuts))
        # one volume inside each piece; every curve read at all of them
        middle = [
            float(np.sqrt(start * end)) if start > 0 else float(end / 2) for start, end in pieces
        ]
        pieces_of.append(pieces)
        mids_of.append(np.asarray(middle, dtype=np.float64))
    read = iter(
        read_curves(
            [c for curves, _, _, _ in sets for c in curves],
            [mids for (curves, _, _, _), mids in zip(sets, mids_of, strict=True) for _ in curves],
        )
    )
    out: list[list[tuple[float, float, str]]] = []
    for (curves, _, _, _), pieces, mids in zip(sets, pieces_of, mids_of, strict=True):
        costs = np.asarray([next(read) for _ in curves], dtype=np.float64).reshape(
            len(curves), mids.size
        )
        bands: list[tuple[float, float, str]] = []
        for k, (start, end) in enumerate(pieces):
            at = costs[:, k]
            best = (
                curves[int(np.argmin(at))].label
                if at.size and np.isfinite(at.min())
                else NONE_FEASIBLE
            )
            if bands and bands[-1][2] == best:
                bands[-1] = (bands[-1][0], float(end), best)
            else:
                bands.append((float(start), float(end), best))
        out.append(bands)
    return out
