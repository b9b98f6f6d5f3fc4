"""The estimate: the result of pricing scenarios, and its document — the stable JSON contract
every renderer and CI baseline reads.

Shape (schema_version 2: scenarios carry their whole bill) — documented in docs/output-format.md and
docs/schemas/estimate.schema.json. Money is rounded to 1e-6 USD; missing values are null.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.estimate import (
    Bill,
    ComponentRecord,
    EstimateDocument,
    MonteCarlo,
    OptionName,
    OptionRecord,
    ScenarioSections,
    ScenarioSummary,
    ThroughputRecord,
    WorkloadSummary,
)
from genai_cost.engine.context import (
    PricingContext,
    WorkloadSpec,
    distinct_indexes,
    run_columns,
    workload_arrays,
)
from genai_cost.engine.core import EstimateArrays, listed_rows
from genai_cost.results.bill import BillInputs, workload_shares
from genai_cost.results.rounding import rounded_array, rounded_column
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.table import workload_names
from genai_cost.version import __version__

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Estimate:
    """The result of pricing one or more scenarios."""

    catalog: Catalog
    day: dt.date
    scenarios: list[LoadedScenario]
    specs: list[WorkloadSpec]
    arrays: EstimateArrays
    warnings: list[str] = field(default_factory=list)
    context: PricingContext | None = None
    sections: list[ScenarioSections] = field(default_factory=list)
    """Per scenario: training_jobs, shared_endpoints, supporting_services, customization."""
    bills: list[Bill] = field(default_factory=list)
    """Per scenario, the whole bill (decisions/bill.py assembles it)."""
    bill_inputs: list[BillInputs] = field(default_factory=list)
    """Per scenario, what re-pricing its bill month by month needs (ROI, Monte Carlo)."""
    monte_carlo: MonteCarlo | None = None
    """Set by `genai_cost.api.simulate`: quantiles of monthly cost and NPV, option win shares,
    tornado."""

    def to_dict(self) -> EstimateDocument:
        """The estimate document (schema_version'd JSON contract, docs/output-format.md)."""
        return estimate_document(self)

    def document_parts(
        self,
    ) -> tuple[dict[str, Any], Iterator[list[OptionRecord]], dict[str, Any]]:
        """The document's keys before `options`, its option records a few thousand at a
        time, and its keys after them (`document_parts`): to write it without holding it."""
        return document_parts(self)

    def listed_document(self, listed: Callable[[ScenarioSummary], list[str]]) -> EstimateDocument:
        """The document, except that its option records are only those of the workloads
        `listed` names for each scenario (as its summary has them): what a report that lists
        a few workloads one by one reads, without a record for every other row."""
        head, _, tail = document_parts(self)
        wanted: list[int] = []
        first = 0
        for scenario in head["scenarios"]:
            names = set(listed(scenario))
            workloads = scenario["workloads"]
            wanted += [first + k for k, w in enumerate(workloads) if w["name"] in names]
            first += len(workloads)
        chunks = option_record_chunks(self, workloads=np.asarray(wanted, dtype=np.intp))
        options = [record for chunk in chunks for record in chunk]
        return cast(EstimateDocument, {**head, "options": options, **tail})

    def options_frame(self) -> pd.DataFrame:
        """One row per workload x option x variant (components as a list column)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["options"])

    def components_frame(self) -> pd.DataFrame:
        """One row per cost component, with the option row it belongs to."""
        import pandas as pd

        rows = []
        for record in self.to_dict()["options"]:
            for component in record["components"]:
                rows.append(
                    {
                        k: record[k]
                        for k in (
                            "scenario",
                            "workload",
                            "option",
                            "variant",
                            "platform",
                            "instance_type",
                        )
                    }
                    | component
                )
        return pd.DataFrame(rows)


SCHEMA_VERSION = 2


def _money(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _number(value: float) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 9)


def _text(value: str) -> str | None:
    return value or None


def row_order(estimate: Estimate) -> np.ndarray:
    """Rows grouped by workload (scenario order), keeping option and variant order inside."""
    a = estimate.arrays
    return np.lexsort((np.arange(a.size), a.workload_index))


def _nested_sources(value: Any) -> set[str]:
    """Every string in any `sources` list inside a nested structure."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                found |= {s for s in item if isinstance(s, str)}
            else:
                found |= _nested_sources(item)
    elif isinstance(value, list):
        for item in value:
            found |= _nested_sources(item)
    return found


def _assert_finite(value: Any, where: str, scenario_path: str) -> None:
    """Every number in a scenario's sections is finite; an overflow is bad input, named."""
    if isinstance(value, float) and not math.isfinite(value):
        from genai_cost.errors import ScenarioError

        raise ScenarioError.at(
            scenario_path,
            f"{where} is not a finite number (an input overflows it)",
            hint="check the quantities and prices in that section",
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_finite(item, f"{where}.{key}" if where else str(key), scenario_path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _assert_finite(item, f"{where}[{i}]", scenario_path)


def _check_finite(value: Any, where: str, scenario_path: str) -> None:
    """`_assert_finite`, at the standard library's C encoder's speed: the walk in Python runs
    only to name the field once the encoder has found a NaN or an infinity."""
    try:
        json.dumps(value, allow_nan=False, check_circular=False, default=str)
    except ValueError:
        _assert_finite(value, where, scenario_path)
        raise


def _check_workloads_finite(workloads: list[WorkloadSummary], scenario_path: str) -> None:
    """`_check_finite` of a scenario's workload summaries, as an array of the numbers that
    are not finite by construction: each workload's tokens (a path's extra input tokens are
    added to them) and its share of the bill (a sum). Its requests and option monthly are
    rounded, NaN and infinity to null. The summaries are walked to name the field only when
    a number is not finite."""
    numbers = np.fromiter(
        chain.from_iterable(
            (w["bill_monthly_cost_usd"] or 0.0, *w["tokens_per_request"].values())
            for w in workloads
        ),
        dtype=np.float64,
    )
    if not np.isfinite(numbers).all():
        _assert_finite(workloads, "workloads", scenario_path)


def _check_bill_finite(bill: Bill, scenario_path: str) -> None:
    """`_check_finite` of a bill. Its lines' numbers are finite by construction (`line()`
    rounds them, NaN and infinity to null), so only the totals and one-off payments —
    sums and products that can still overflow — are checked, not every line again."""
    _check_finite({k: v for k, v in bill.items() if k != "components"}, "bill", scenario_path)
    for i, component in enumerate(bill["components"]):
        if component["one_off"] is not None:
            where = f"bill.components[{i}].one_off"
            _check_finite(component["one_off"], where, scenario_path)


def _bill_sources(bill: Bill) -> set[str]:
    """`_nested_sources` of a bill, reading its (many) lines' `sources` directly."""
    found: set[str] = set()
    for component in bill["components"]:
        found.update(component["sources"])
        found |= _nested_sources(component["one_off"])
    rest = {key: value for key, value in bill.items() if key != "components"}
    return found | _nested_sources(rest)


def _add_sections(summary: ScenarioSummary, sections: ScenarioSections) -> None:
    for key in ("training_jobs", "shared_endpoints", "supporting_services", "customization"):
        if key in sections:
            summary[key] = sections[key]


_TOKEN_FIELDS = ("input", "output", "cache_read", "cache_write", "cache_write_1h")
"""The token fields a workload summary shows (where not zero), in the model's field order."""


def _money_column(values: np.ndarray) -> list[float | None]:
    """`_money` of every value of a column."""
    return rounded_column(values, 6)


def _number_column(values: np.ndarray) -> list[float | None]:
    """`_number` of every value of a column."""
    return rounded_column(values, 9)


def row_columns(a: EstimateArrays, rows: np.ndarray) -> tuple[list[Any], ...]:
    """Each of `rows`' monthly cost, cost per 1k requests and per 1M tokens (money),
    capacity and utilization (numbers), as presented, and whether it is its workload's
    cheapest, in the order of `rows`."""
    return (
        _money_column(a.monthly_cost_usd[rows]),
        _money_column(a.cost_per_1k_requests_usd[rows]),
        _money_column(a.cost_per_1m_tokens_usd[rows]),
        _number_column(a.capacity[rows]),
        _number_column(a.utilization_fraction[rows]),
        a.is_cheapest()[rows].tolist(),
    )


RECORDS_AT_A_TIME = 2_000
"""Option records made at a time when a document is streamed (`option_record_chunks`)."""


class _OptionColumns:
    """One option's rows as Python values, converted once for all its records: every row,
    or only the rows `local` (positions in the option, ascending) when records of a few
    workloads are made; `places` then maps a row's position in the option to its place in
    the converted values."""

    def __init__(self, estimate: Estimate, k: int, local: np.ndarray | None = None) -> None:
        a = estimate.arrays
        result = a.results[k]
        rows = result.rows
        take: Any = slice(None) if local is None else local
        self.places = None if local is None else {r: j for j, r in enumerate(local.tolist())}
        self.result = result
        self.offset = int(a.offsets[k])
        self.option = cast(OptionName, rows.option)
        feasible = result.failure == 0
        self.feasible = feasible[take].tolist()
        # texts as records show them ("" is None), converted once for all the option's rows
        self.variants = [str(v) or None for v in rows.variant[take].tolist()]
        self.platforms = [str(v) or None for v in rows.platform[take].tolist()]
        self.instance_types = [str(v) or None for v in rows.instance_type[take].tolist()]
        self.sources = rows.sources[take].tolist()
        self.capacity_unit = result.capacity_unit or None
        self.workloads = rows.workload_index[take].tolist()
        self.params = rows.params
        self.rates = _rates_at_shape(
            {name: values[take] for name, values in rows.params.items()},
            rows.workload_index[take],
            estimate.specs,
        )
        # each failed row's reason (each distinct text made once), and each row's instances
        # by hour rounded as records show them, for the whole option at once
        everyone = np.arange(rows.size) if local is None else local
        self.reasons: list[str] = result.reasons_at(everyone).tolist()
        self.hourly: np.ndarray | None = None
        if result.schedule is not None:  # (rows, 24), NaN where not finite (a record's None)
            schedule = result.schedule[take]
            self.hourly = rounded_array(schedule.reshape(-1), 9).reshape(schedule.shape)
        self.components = [
            (
                c.name,
                c.unit,
                listed_rows(c.optional, feasible, c.quantity)[take].tolist(),
                _number_column(c.quantity[take]),
                _number_column(c.usd_per_unit[take]),
                _money_column(c.usd[take]),
            )
            for c in result.listed_components
        ]

    def component_records(self, j: int) -> list[ComponentRecord]:
        """The component records of the row at place `j`, as `EstimateArrays.components`:
        an optional line only where it has a quantity; an infeasible row lists what it would
        buy."""
        return [
            {
                "name": name,
                "quantity": rounded[j],
                "unit": unit,
                "usd_per_unit": prices[j],
                "usd": usds[j],
            }
            for name, unit, listed, rounded, prices, usds in self.components
            if listed[j]
        ]


def option_record_chunks(
    estimate: Estimate, size: int = RECORDS_AT_A_TIME, workloads: np.ndarray | None = None
) -> Iterator[list[OptionRecord]]:
    """The document's option records, in `row_order`, `size` at a time: a streamed document
    never holds them all (a large estimate's records are most of its memory). Each option's
    columns are converted once. With `workloads` (indexes into the estimate's specs), only
    those workloads' records, and only their rows converted."""
    a = estimate.arrays
    order = row_order(estimate)
    if workloads is not None:
        order = order[np.isin(a.workload_index[order], workloads)]
    monthly, per_1k, per_1m, capacity, utilization, is_cheapest = row_columns(a, order)
    breakeven = _number_column(a.commitment_breakeven_fraction()[order])
    specs = estimate.specs
    # names, models and whether a latency is judged from the run's columns (a table's rows
    # are read from its columns, not made into workloads)
    columns_of = run_columns(estimate.context, specs)
    names, models = columns_of.name.tolist(), columns_of.model.tolist()
    judged = set(columns_of.latency)
    option_index = np.searchsorted(a.offsets, order, side="right") - 1
    option_of = option_index.tolist()
    order_list = order.tolist()
    columns: dict[int, _OptionColumns] = {}
    for start in range(0, len(order_list), size):
        chunk: list[OptionRecord] = []
        stop = start + size
        for p, row, k in zip(
            range(start, min(stop, len(order_list))),
            order_list[start:stop],
            option_of[start:stop],
            strict=True,
        ):
            c = columns.get(k)
            if c is None:
                local_rows = None
                if workloads is not None:
                    local_rows = np.sort(order[option_index == k] - a.offsets[k])
                c = columns[k] = _OptionColumns(estimate, k, local_rows)
            local = row - c.offset
            j = local if c.places is None else c.places[local]
            w_index = c.workloads[j]
            spec = specs[w_index]
            ok = c.feasible[j]
            record: OptionRecord = {
                "scenario": spec.scenario_name,
                "workload": names[w_index],
                "model": models[w_index],
                "region": spec.region,
                "option": c.option,
                "variant": c.variants[j],
                "platform": c.platforms[j],
                "instance_type": c.instance_types[j],
                "feasible": ok,
                "reason": None if ok else (c.reasons[j] or None),
                "monthly_cost_usd": monthly[p],
                "cost_per_1k_requests_usd": per_1k[p],
                "cost_per_1m_tokens_usd": per_1m[p],
                "capacity": capacity[p],
                "capacity_unit": c.capacity_unit if ok else None,
                "utilization_fraction": utilization[p],
                "cheapest": is_cheapest[p],
                "sources": list(c.sources[j]),
                "components": c.component_records(j),
                "commitment_breakeven_fraction": breakeven[p],
            }
            if w_index in judged:  # a latency target or a measured latency
                p50, p95 = a.latency(row)
                record["latency_p50_seconds"] = _number(p50)
                record["latency_p95_seconds"] = _number(p95)
            if ok and c.rates is not None:
                record["throughput"] = _throughput(c.params, local, float(c.rates[j]))
            if c.hourly is not None and ok:
                hours = c.hourly[j].tolist()
                if not all(map(math.isfinite, hours)):
                    hours = [x if math.isfinite(x) else None for x in hours]
                record["instances_by_hour"] = cast(list[float], hours)
            chunk.append(record)
        yield chunk


def _option_records(estimate: Estimate) -> list[OptionRecord]:
    """One record per row, in `row_order`."""
    return [record for chunk in option_record_chunks(estimate) for record in chunk]


def check_finite_bills(estimate: Estimate) -> None:
    """Every scenario's bill and sections hold finite numbers (an overflow is bad input,
    named): what `estimate_document` checks, for renderers that read the estimate itself."""
    if len(estimate.bills) != len(estimate.scenarios):
        raise AssertionError("an estimate's rows need its bills (decisions/bill.py)")
    for number, loaded in enumerate(estimate.scenarios):
        sections = estimate.sections[number] if number < len(estimate.sections) else {}
        _check_finite(sections, "", loaded.path)
        _check_bill_finite(estimate.bills[number], loaded.path)


def _cheapest_columns(
    a: EstimateArrays,
) -> list[tuple[str | None, str | None, str | None, str | None, float | None]]:
    """Per workload, its cheapest row's option, variant, platform and instance type (None
    where it has none or the text is empty) and its "option monthly" as money: what the
    workload costs on that option — its prompts as a chosen customization path makes them —
    without redundancy, which the bill shows only in its own lines. (The options table's
    monthly cost includes the redundant capacity each option needs, since that decides which
    option is cheapest.) Read column by column for all workloads at once."""
    from genai_cost.engine.capacity import REDUNDANCY_PREFIX
    from genai_cost.engine.core import OPTION_NAMES

    best = a.cheapest_row
    priced = best >= 0
    rows = best[priced]
    texts: dict[str, list[Any]] = {}
    for column in ("variant", "platform", "instance_type"):
        joined = np.empty(a.size, dtype=object)
        for k, result in enumerate(a.results):
            start = int(a.offsets[k])
            joined[start : start + result.rows.size] = getattr(result.rows, column)
        texts[column] = [str(v) or None for v in joined[rows].tolist()]
    names = np.asarray(OPTION_NAMES, dtype=object)[a.option_code[rows]].tolist()
    # what each row's redundancy lines add (the finite ones, in component order)
    redundant = np.zeros(a.size)
    for k, result in enumerate(a.results):
        start = int(a.offsets[k])
        mine = redundant[start : start + result.rows.size]
        for c in result.listed_components:
            if c.name.startswith(REDUNDANCY_PREFIX):
                mine += np.where(np.isfinite(c.usd), c.usd, 0.0)
    costs = rounded_column(a.monthly_cost_usd[rows] - redundant[rows], 6)
    out: list[tuple[str | None, str | None, str | None, str | None, float | None]] = [
        (None, None, None, None, None)
    ] * best.shape[0]
    for n, w in enumerate(np.flatnonzero(priced).tolist()):
        out[w] = (
            names[n],
            texts["variant"][n],
            texts["platform"][n],
            texts["instance_type"][n],
            costs[n],
        )
    return out


def _rates_at_shape(params: dict[str, Any], workload_index: Any, specs: list[WorkloadSpec]) -> Any:
    """Per row of an instance option, the output rate at its workload's shape, as the engine
    sized it (engine/capacity.rate_at_shape), in one call; None for other options."""
    if "benchmark_input_tokens" not in params:
        return None
    from genai_cost.engine.capacity import rate_at_shape

    # the shapes of the workloads the rows hold, as the engine read them (a table's rows
    # from its columns: `workload_arrays`)
    present = distinct_indexes(workload_index)
    shapes = workload_arrays([specs[i] for i in present.tolist()])
    at = np.empty(len(specs), dtype=np.intp)
    at[present] = np.arange(present.size)
    rows = at[workload_index]
    return rate_at_shape(
        params["output_tokens_per_second_per_instance"],
        params,
        shapes.all_input_tokens[rows],
        shapes.output_tokens[rows],
    )


def _throughput(params: dict[str, Any], local: int, rate: float) -> ThroughputRecord | None:
    """Which throughput an instance row was sized with: the benchmark's shape and rate, the
    rate at the workload's shape, and whether input or output tokens bind (None when the
    scenario supplies its own rate, which is used as given)."""
    bench_in = float(params["benchmark_input_tokens"][local])
    if not math.isfinite(bench_in):
        return None
    bench_rate = float(params["output_tokens_per_second_per_instance"][local])
    return {
        "benchmark_input_tokens": bench_in,
        "benchmark_output_tokens": float(params["benchmark_output_tokens"][local]),
        "benchmark_output_tokens_per_second": bench_rate,
        "output_tokens_per_second": round(rate, 6),
        "bound_by": "input" if rate < bench_rate * (1 - 1e-12) else "output",
    }


def estimate_document(estimate: Estimate) -> EstimateDocument:
    """The document; every number in it is finite (NaN and infinity are null in option rows
    and summaries, and an error naming the field in bills, sections and Monte Carlo results),
    which the JSON renderer relies on (`report.json_report.FINITE_KINDS`)."""
    head, chunks, tail = document_parts(estimate)
    options = [record for chunk in chunks for record in chunk]
    return cast(EstimateDocument, {**head, "options": options, **tail})


_Summary = tuple[str, str, float, dict[str, float], dict[str, str]]
"""A workload summary's name, model, requests in the month, tokens and tags."""


def _table_summaries(specs: list[WorkloadSpec]) -> dict[int, _Summary]:
    """The summary fields of each table row priced as the table has it (its spec holds no
    workload), by its place in `specs`, read from the table's columns as the row's model
    would give them (`WorkloadTable.workloads`): the requests in the month as the engine reads
    them (`table_figures`), the token cells that are not zero in `_TOKEN_FIELDS` order (an
    empty cache cell is 0), the tags with a value."""
    from genai_cost.engine.context import from_table, table_figures

    out: dict[int, _Summary] = {}
    for positions, table, rows, hours in from_table(specs):
        requests = table_figures(table, rows, hours)[0].tolist()
        names = table.text["name"][rows].tolist()
        models = table.text["model"][rows].tolist()
        cells = [table.numbers[f"{k}_tokens"][rows].tolist() for k in _TOKEN_FIELDS]
        tags = [(k, v[rows].tolist()) for k, v in table.tags.items()]
        for i, place in enumerate(positions.tolist()):
            out[place] = (
                names[i],
                models[i],
                requests[i],
                {
                    k: v
                    for k, column in zip(_TOKEN_FIELDS, cells, strict=True)
                    if (v := column[i]) and v == v
                },
                {k: str(column[i]) for k, column in tags if column[i]},
            )
    return out


def document_parts(
    estimate: Estimate,
) -> tuple[dict[str, Any], Iterator[list[OptionRecord]], dict[str, Any]]:
    """The estimate document in three parts: its keys before `options`, the option records
    `RECORDS_AT_A_TIME` at a time, and its keys after them — what a streamed document is
    written from without holding every record (`estimate_document` joins them)."""
    a = estimate.arrays
    catalog = estimate.catalog
    if len(estimate.bills) != len(estimate.scenarios):
        raise AssertionError("an estimate's document needs its bills (decisions/bill.py)")
    scenarios: list[ScenarioSummary] = []
    cheapest = _cheapest_columns(a)
    from_columns = _table_summaries(estimate.specs)
    w_index = 0
    for number, loaded in enumerate(estimate.scenarios):
        bill = estimate.bills[number]
        shares = workload_shares(bill, workload_names(loaded.scenario.workloads))
        workloads: list[WorkloadSummary] = []
        for _ in range(len(loaded.scenario.workloads)):
            option, variant, platform, instance_type, cost = cheapest[w_index]
            spec = estimate.specs[w_index]
            fields = from_columns.get(w_index)
            if fields is None:
                workload = spec.workload  # as priced (a path's tokens in)
                fields = (
                    workload.name,
                    workload.model,
                    workload.traffic.requests_in(loaded.scenario.hours),
                    {k: v for k in _TOKEN_FIELDS if (v := getattr(workload.tokens_per_request, k))},
                    workload.tags,
                )
            name, model, requests, tokens, tags = fields
            workloads.append(
                {
                    "name": name,
                    "model": model,
                    "region": spec.region,  # the scenario's `workload_region`
                    "requests_per_month": _number(requests),
                    "tokens_per_request": tokens,
                    "cheapest_option": option,
                    "cheapest_variant": variant,
                    "cheapest_platform": platform,
                    "cheapest_instance_type": instance_type,
                    "monthly_cost_usd": cost,
                    "bill_monthly_cost_usd": shares[name],
                }
            )
            if tags:
                workloads[-1]["tags"] = dict(tags)
            w_index += 1
        sections = estimate.sections[number] if number < len(estimate.sections) else {}
        _check_finite(sections, "", loaded.path)
        _check_bill_finite(bill, loaded.path)
        _check_workloads_finite(workloads, loaded.path)
        day = loaded.scenario.pricing_date
        if estimate.context is not None and estimate.context.override:
            day = None
        summary: ScenarioSummary = {
            "name": loaded.scenario.name,
            "pricing_date": (day or estimate.day).isoformat(),
            "billing_month": loaded.scenario.billing_month,
            "month_hours": loaded.scenario.hours,
            "path": loaded.path,
            "sha256": loaded.sha256,
            "total_monthly_cost_usd": bill["total_monthly_cost_usd"],
            "complete": bill["complete"],
            "workloads": workloads,
            "bill": bill,
        }
        _add_sections(summary, sections)
        scenarios.append(summary)
    used_keys: set[str] = set()  # every option row's sources (its record's `sources`)
    for result in a.results:
        for keys in set(result.rows.sources.tolist()):
            used_keys.update(keys)
    for bill, sections in zip(estimate.bills, estimate.sections, strict=True):
        used_keys |= _bill_sources(bill) | _nested_sources(sections)
    used = sorted(used_keys - {"scenario"})
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "pricing_date": estimate.day.isoformat(),
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "warnings": list(estimate.warnings),
        "sources": {
            key: {
                "title": catalog.sources[key].title,
                "reference": catalog.sources[key].reference,
                "as_of": catalog.sources[key].as_of.isoformat(),
            }
            for key in used
        },
        "scenarios": scenarios,
    }
    tail: dict[str, Any] = {}
    if estimate.monte_carlo:
        _check_finite(estimate.monte_carlo, "monte_carlo", "")
        tail["monte_carlo"] = estimate.monte_carlo
    return head, option_record_chunks(estimate), tail
