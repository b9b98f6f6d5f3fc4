"""Array containers passed between the scenario, the option modules and the report.

Shapes: `W` workloads; `R` evaluation rows of one option (workload x variant x platform x
instance type). Missing prices are NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


@dataclass
class WorkloadArrays:
    """Per-workload quantities, each of shape (W,)."""

    requests_per_month: FloatArray
    input_tokens: FloatArray
    """Non-cached input tokens per request."""
    output_tokens: FloatArray
    cache_read_tokens: FloatArray
    cache_write_tokens: FloatArray
    """5-minute cache writes per request."""
    cache_write_1h_tokens: FloatArray
    """1-hour cache writes per request."""
    peak_factor: FloatArray
    """Peak request rate / average request rate (>= 1)."""
    batch_tolerant: BoolArray
    hours: FloatArray
    """Hours of each workload's billing month (730, or a calendar month's 672-744)."""
    hourly_share: FloatArray | None = None
    """Shape (W, 24): each hour's share of a day's requests (rows sum to 1); a flat 1/24 when
    the scenario gives no peak information, NaN when it gives only a peak-to-average ratio
    (which does not say how long the peak lasts). None: unknown for every workload. May be a
    read-only view (one flat row for every workload): read it, never write into it."""

    @property
    def size(self) -> int:
        return int(self.requests_per_month.shape[0])

    @property
    def all_input_tokens(self) -> FloatArray:
        """Input tokens per request including cached ones."""
        return (
            self.input_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
            + self.cache_write_1h_tokens
        )

    def scaled(self, factor: float) -> WorkloadArrays:
        """The same workloads with traffic multiplied by `factor` (used by properties/sweeps)."""
        return WorkloadArrays(
            self.requests_per_month * factor,
            self.input_tokens,
            self.output_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
            self.cache_write_1h_tokens,
            self.peak_factor,
            self.batch_tolerant,
            self.hours,
            self.hourly_share,
        )

    def shares(self) -> FloatArray:
        """`hourly_share`, or NaN everywhere when it is unknown."""
        if self.hourly_share is None:
            return np.full((self.size, 24), np.nan)
        return self.hourly_share

    @cached_property
    def profile_known(self) -> BoolArray:
        """Shape (W,): whether the workload's every hourly share is known (the options that
        follow the day size hour by hour only these). Worked out once for the workloads (a
        pass over W x 24 shares), not once per option that reads it; the arrays are never
        written after they are made."""
        if self.hourly_share is None:
            return np.zeros(self.size, dtype=bool)
        known: BoolArray = np.asarray(np.isfinite(self.hourly_share).all(axis=1), dtype=bool)
        return known


def tuples(values: list[tuple[str, ...]]) -> ObjArray:
    """An object array holding one tuple per element (numpy would otherwise unpack them)."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def empty_objects(n: int, value: str = "") -> ObjArray:
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


def objects(values: list[str]) -> ObjArray:
    """An object array of the given strings (one element per value)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class OptionRows:
    """The rows one option evaluates, with prices resolved (NaN where none was found)."""

    option: str
    workload_index: IntArray
    variant: ObjArray
    platform: ObjArray
    instance_type: ObjArray
    label: ObjArray
    """What is priced, for messages: model id and location, or instance and region."""
    params: dict[str, FloatArray]
    reason: ObjArray
    """Why the row cannot be priced, found while resolving prices ("" when none)."""
    explicit: BoolArray
    """The scenario asked for this option or exact variant by name."""
    sources: ObjArray = field(default_factory=lambda: np.empty(0, dtype=object))
    """Per row, a tuple of the source keys of its prices and throughput ("scenario" for
    figures the scenario supplied)."""
    blocked: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """`reason != ""`, kept as booleans so evaluation never touches strings."""

    def __post_init__(self) -> None:
        if self.sources.shape[0] != self.workload_index.shape[0]:
            self.sources = tuples([() for _ in range(self.workload_index.shape[0])])
        if self.blocked.shape[0] != self.workload_index.shape[0]:
            self.blocked = np.asarray([bool(r) for r in self.reason], dtype=bool)

    @property
    def size(self) -> int:
        return int(self.workload_index.shape[0])

    def for_evaluation(self, take: IntArray, workload_index: IntArray) -> OptionRows:
        """Rows `take` (indexes into these rows, repeats allowed) under new workload indexes,
        with only what evaluation reads: the prices and parameters, and whether each row is
        blocked. Text columns are left empty — the tiling behind sweeps and Monte Carlo."""
        empty = np.empty(take.shape[0], dtype=object)
        return OptionRows(
            self.option,
            workload_index,
            empty,
            empty,
            empty,
            empty,
            {name: values[take] for name, values in self.params.items()},
            empty,
            np.zeros(take.shape[0], dtype=bool),
            sources=empty,
            blocked=self.blocked[take],
        )


@dataclass
class Component:
    """One named line of the bill: quantity x unit price, per row (NaN price = not found)."""

    name: str
    unit: str
    quantity: FloatArray
    usd_per_unit: FloatArray
    optional: bool = False
    """Listed only for rows where its quantity is not zero (e.g. redundant capacity)."""

    def __post_init__(self) -> None:
        self._any_missing = bool(np.isnan(self.usd_per_unit).any())

    @cached_property
    def usd(self) -> FloatArray:
        """quantity × price per row, computed once (reports read it row by row)."""
        if not self._any_missing:
            product: FloatArray = self.quantity * self.usd_per_unit
            return product
        # A zero quantity costs nothing even when no price exists for it.
        with np.errstate(invalid="ignore"):
            return np.where(self.quantity > 0, self.quantity * self.usd_per_unit, 0.0)

    @property
    def unpriced(self) -> BoolArray:
        if not self._any_missing:
            return np.zeros(self.quantity.shape[0], dtype=bool)
        missing: BoolArray = (self.quantity > 0) & np.isnan(self.usd_per_unit)
        return missing


PREPARED_REASON = 1
"""Failure code: the row's own `reason`, found while resolving prices."""


@dataclass
class OptionResult:
    """What one option module computes for its rows.

    `failure` is 0 for a feasible row, PREPARED_REASON when `rows.reason` applies, and
    k >= 2 for `reasons[k - 2]`, a template completed with the row's label. Messages are
    composed only for rows that are reported, so evaluation stays numeric.
    """

    rows: OptionRows
    failure: npt.NDArray[np.int16]
    reasons: tuple[str, ...]
    monthly_cost_usd: FloatArray
    capacity: FloatArray
    """Model units or instances bought; NaN for pay-per-token options."""
    capacity_unit: str
    utilization_fraction: FloatArray
    components: list[Component] = field(default_factory=list)
    demand: FloatArray | None = None
    """Capacity options: units the peak needs before rounding up and redundancy (NaN where
    infeasible). Linear in volume, so break-even points can be solved exactly."""
    usd_per_capacity_hour: FloatArray | None = None
    """Capacity options: the price of one unit (model unit, instance) for an hour."""
    base_variant: str = ""
    """Capacity options: the variant bought without commitment (the commitment's reference)."""
    uncommitted: tuple[str, ...] = ()
    """Capacity options: variants that are not commitments (the base, and spot)."""
    hourly_demand: FloatArray | None = None
    """Options whose capacity follows the day: units each hour needs before rounding, shape
    (R, 24) (NaN where infeasible); linear in volume, like `demand`."""
    schedule: FloatArray | None = None
    """Options whose capacity follows the day: instances in each hour, shape (R, 24) (NaN
    where infeasible)."""
    max_requests: FloatArray | None = None
    """Pay-per-use options with a limit that volume reaches (serverless concurrency): the
    most monthly requests each row can serve at its workload's shape (inf: no limit), so the
    break-even curves and the Monte Carlo stop the option where the engine does."""

    @property
    def feasible(self) -> BoolArray:
        ok: BoolArray = self.failure == 0
        return ok

    @cached_property
    def listed_components(self) -> list[Component]:
        """The components some row lists (`engine/core.component_listed`): an optional one
        only where a row has a quantity, so one no row uses (speech lines of a text model,
        redundancy without redundancy) is skipped whole by the per-row loops of reports."""
        return [c for c in self.components if not c.optional or bool(np.any(c.quantity > 0))]

    def reason(self, row: int) -> str:
        code = int(self.failure[row])
        if code == 0:
            return ""
        if code == PREPARED_REASON:
            return str(self.rows.reason[row])
        return self.reasons[code - 2].format(label=self.rows.label[row])

    def reasons_at(self, at: IntArray) -> ObjArray:
        """`reason` of each row of `at` (objects): a row's own reason as resolved, else its
        failure's text filled in once for each distinct label (rows sharing one share the
        text: a million failed rows hold a handful of strings)."""
        codes = self.failure[at].astype(np.int64)
        out: ObjArray = np.full(at.size, "", dtype=object)
        own = codes == PREPARED_REASON
        out[own] = self.rows.reason[at[own]]
        other = np.flatnonzero(codes >= 2)
        if other.size:
            labels = self.rows.label[at[other]]
            # rows share their label objects (taken from their group's template): grouped by
            # the object and the failure, each group's text is made once
            ids = np.fromiter(map(id, labels.tolist()), dtype=np.int64, count=other.size)
            label_of = np.unique(ids, return_inverse=True)[1].reshape(-1)
            key = label_of * (len(self.reasons) + 2) + codes[other]
            _, first, group = np.unique(key, return_index=True, return_inverse=True)
            texts = np.empty(first.size, dtype=object)
            texts[:] = [
                self.reasons[code - 2].format(label=label)
                for code, label in zip(
                    codes[other[first]].tolist(), labels[first].tolist(), strict=True
                )
            ]
            out[other] = texts[group.reshape(-1)]
        return out


def failure_codes(size: int, ordered: list[tuple[BoolArray, int]]) -> npt.NDArray[np.int16]:
    """Per row, the code of the first mask (in priority order) that is true, else 0."""
    code = np.zeros(size, dtype=np.int16)
    for mask, value in reversed(ordered):
        if mask.any():
            code[mask] = value
    return code


def unpriced_failures(
    components: list[Component], what: str, first_code: int
) -> tuple[list[tuple[BoolArray, int]], tuple[str, ...]]:
    """Masks and reason templates for components with a quantity but no price."""
    masks = [  # a component with no quantity anywhere has no row to fail
        (c.unpriced, first_code + k)
        for k, c in enumerate(components)
        if c._any_missing and c.quantity.any()
    ]
    templates = tuple(
        f"no {what} price for {c.name.replace('_', ' ')} of {{label}}" for c in components
    )
    return masks, templates


def scatter(size: int, index: IntArray, values: FloatArray) -> FloatArray:
    """An array of `size` NaNs with `values` placed at `index` (results of feasible rows)."""
    out = np.full(size, np.nan)
    out[index] = values
    return out


def sum_components(components: list[Component], size: int) -> FloatArray:
    """Each row's total of the components' dollars. A component with no quantity on any
    row (a speech line of a text model, a cache nobody writes) is skipped: its dollars are
    all ±0.0, and the total, which starts at +0.0 and adds nothing negative, cannot become
    -0.0, so adding them changes no bit."""
    total = np.zeros(size)
    for component in components:
        if component.quantity.any():  # NaN counts as a quantity
            np.add(total, component.usd, out=total)  # `total + usd`, in place
    return total


def expand_groups(member: IntArray, counts: IntArray) -> IntArray:
    """For workloads in groups `member` whose groups have `counts` rows each (stored one
    group after another), the index of every workload's rows, workload by workload: the
    join that lets an option resolve its rows once per group of alike workloads."""
    if member.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_workload = counts[member]
    first = np.repeat(starts[member], per_workload)
    offsets = np.arange(int(per_workload.sum())) - np.repeat(
        np.cumsum(per_workload) - per_workload, per_workload
    )
    expanded: IntArray = first + offsets
    return expanded


class Groups:
    """Workloads grouped by what decides an option's rows (a join key): each group's rows
    are resolved once, for its first workload, and every workload takes its group's rows by
    index (`expand_groups`)."""

    def __init__(self) -> None:
        self._index: dict[object, int] = {}
        self.first: list[int] = []
        """Each group's first workload."""
        self.keys: list[object] = []
        """Each group's key."""
        self.wanting: list[int] = []
        """Every workload added, in order."""
        self.member: list[int] = []
        """Each added workload's group."""

    def add(self, workload: int, key: object) -> None:
        group = self._index.get(key)
        if group is None:
            group = self._index[key] = len(self.first)
            self.first.append(workload)
            self.keys.append(key)
        self.wanting.append(workload)
        self.member.append(group)

    def add_stand_ins(
        self, wanting: list[int], stand: IntArray, key_of: Callable[[int], object]
    ) -> None:
        """`add` of each workload of `wanting` (ascending) with the key of the workload
        standing in for it (`stand`: `engine.context.stand_ins`, each the first of the
        workloads it stands for): `key_of` asked once for each stand-in, in order, and every
        workload given its group at once."""
        readers, place = np.unique(stand, return_inverse=True)
        group_of = np.empty(readers.size, dtype=np.int64)
        index, first, keys = self._index, self.first, self.keys
        for k, reader in enumerate(readers.tolist()):
            key = key_of(reader)
            group = index.get(key)
            if group is None:
                group = index[key] = len(first)
                first.append(reader)
                keys.append(key)
            group_of[k] = group
        self.wanting += wanting
        self.member += group_of[place.reshape(-1)].tolist()

    def add_all(self, workloads: list[int], keys: Sequence[object]) -> None:
        """`add` of each workload with its key, in order."""
        index = self._index
        member = [index.setdefault(key, len(index)) for key in keys]
        first = self.first
        for workload, group, key in zip(workloads, member, keys, strict=True):
            if group == len(first):  # groups are numbered as they first appear
                first.append(workload)
                self.keys.append(key)
        self.wanting += workloads
        self.member += member
