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
from genai_cost.engine.arrays import OptionResult
from genai_cost.engine.context import PricingContext, WorkloadSpec
from genai_cost.engine.core import EstimateArrays, component_listed
from genai_cost.results.bill import BillInputs, workload_shares
from genai_cost.scenario.load import LoadedScenario
from genai_cost.version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from genai_cost.report.csv_report import EstimateRows


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

    def table(self) -> EstimateRows:
        """The estimate's CSV/Parquet rows, made from the arrays without the document."""
        from genai_cost.report.csv_report import EstimateRows

        return EstimateRows(lambda: table_rows(self))

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


def _rounded_column(values: np.ndarray, digits: int) -> list[float | None]:
    """`round(v, digits)` of every value, None where not finite — Python's correctly rounded
    `round`, run once per distinct value (prices repeat across rows) and skipped for whole
    numbers (which it returns unchanged)."""
    if values.size == 0:
        return []
    unique, inverse = np.unique(values, return_inverse=True)
    isfinite = math.isfinite
    table = np.empty(unique.size, dtype=object)
    table[:] = [
        v if v.is_integer() else (round(v, digits) if isfinite(v) else None)
        for v in unique.tolist()
    ]
    out: list[float | None] = table[inverse.reshape(-1)].tolist()
    zeros = values == 0  # np.unique folds 0.0 and -0.0 together; round() keeps the sign
    if zeros.any():
        for i in np.flatnonzero(zeros).tolist():
            out[i] = -0.0 if np.signbit(values[i]) else 0.0
    return out


def _money_column(values: np.ndarray) -> list[float | None]:
    """`_money` of every value of a column."""
    return _rounded_column(values, 6)


def _number_column(values: np.ndarray) -> list[float | None]:
    """`_number` of every value of a column."""
    return _rounded_column(values, 9)


def _component_records(result: OptionResult, feasible: list[bool]) -> list[list[ComponentRecord]]:
    """Per row of one option, its component records (as `EstimateArrays.components`: an
    optional line only where it has a quantity; an infeasible row lists what it would buy)."""
    records: list[list[ComponentRecord]] = [[] for _ in feasible]
    for c in result.components:
        quantities = c.quantity.tolist()
        rounded = _number_column(c.quantity)
        prices = _number_column(c.usd_per_unit)
        usds = _money_column(c.usd)
        for local, quantity in enumerate(quantities):
            if not component_listed(c.optional, feasible[local], quantity):
                continue
            records[local].append(
                {
                    "name": c.name,
                    "quantity": rounded[local],
                    "unit": c.unit,
                    "usd_per_unit": prices[local],
                    "usd": usds[local],
                }
            )
    return records


def _option_records(estimate: Estimate) -> list[OptionRecord]:
    """One record per row, in `row_order`; columns converted once, option by option."""
    a = estimate.arrays
    monthly = _money_column(a.monthly_cost_usd)
    per_1k = _money_column(a.cost_per_1k_requests_usd)
    per_1m = _money_column(a.cost_per_1m_tokens_usd)
    capacity = _number_column(a.capacity)
    utilization = _number_column(a.utilization_fraction)
    breakeven = _number_column(a.commitment_breakeven_fraction())
    cheapest = np.zeros(a.size, dtype=bool)
    cheapest[a.cheapest_row[a.cheapest_row >= 0]] = True
    is_cheapest = cheapest.tolist()
    records: list[OptionRecord | None] = [None] * a.size
    specs = estimate.specs
    for k, result in enumerate(a.results):
        offset = int(a.offsets[k])
        rows = result.rows
        feasible = (result.failure == 0).tolist()
        components = _component_records(result, feasible)
        option = cast(OptionName, rows.option)
        variants, platforms = rows.variant.tolist(), rows.platform.tolist()
        instance_types, sources = rows.instance_type.tolist(), rows.sources.tolist()
        params = rows.params
        rates = _rates_at_shape(params, rows.workload_index, specs)
        for local, w_index in enumerate(rows.workload_index.tolist()):
            row = offset + local
            spec = specs[w_index]
            ok = feasible[local]
            record: OptionRecord = {
                "scenario": spec.scenario_name,
                "workload": spec.workload.name,
                "model": spec.workload.model,
                "region": spec.region,
                "option": option,
                "variant": str(variants[local]) or None,
                "platform": str(platforms[local]) or None,
                "instance_type": str(instance_types[local]) or None,
                "feasible": ok,
                "reason": None if ok else (result.reason(local) or None),
                "monthly_cost_usd": monthly[row],
                "cost_per_1k_requests_usd": per_1k[row],
                "cost_per_1m_tokens_usd": per_1m[row],
                "capacity": capacity[row],
                "capacity_unit": (result.capacity_unit or None) if ok else None,
                "utilization_fraction": utilization[row],
                "cheapest": is_cheapest[row],
                "sources": list(sources[local]),
                "components": components[local],
                "commitment_breakeven_fraction": breakeven[row],
            }
            w = spec.workload
            if w.latency_target is not None or w.measured_latency:
                p50, p95 = a.latency(row)
                record["latency_p50_seconds"] = _number(p50)
                record["latency_p95_seconds"] = _number(p95)
            if ok and rates is not None:
                record["throughput"] = _throughput(params, local, float(rates[local]))
            if result.schedule is not None and ok:
                hours = [_number(x) for x in result.schedule[local].tolist()]
                record["instances_by_hour"] = cast(list[float], hours)
            records[row] = record
    return [cast(OptionRecord, records[row]) for row in row_order(estimate).tolist()]


def table_rows(estimate: Estimate) -> Iterator[list[Any]]:
    """The estimate's CSV/Parquet rows (`report/csv_report.COLUMNS`) straight from its arrays
    and bills: the rows `csv_report._rows` makes of `estimate_document(estimate)`, without
    building the document's records first (a record per option row, most of a large
    estimate's time and memory). Checked against the document path by
    tests/test_workloads_table.py on every bundled scenario."""
    from genai_cost.report.csv_report import bill_rows, component_text, option_row

    if len(estimate.bills) != len(estimate.scenarios):
        raise AssertionError("an estimate's rows need its bills (decisions/bill.py)")
    for number, loaded in enumerate(estimate.scenarios):
        bill = estimate.bills[number]
        sections = estimate.sections[number] if number < len(estimate.sections) else {}
        _check_finite(sections, "", loaded.path)
        _check_bill_finite(bill, loaded.path)
    for number, loaded in enumerate(estimate.scenarios):
        yield from bill_rows(loaded.scenario.name, estimate.bills[number])
    a = estimate.arrays
    monthly = _money_column(a.monthly_cost_usd)
    per_1k = _money_column(a.cost_per_1k_requests_usd)
    per_1m = _money_column(a.cost_per_1m_tokens_usd)
    capacity = _number_column(a.capacity)
    utilization = _number_column(a.utilization_fraction)
    cheapest = np.zeros(a.size, dtype=bool)
    cheapest[a.cheapest_row[a.cheapest_row >= 0]] = True
    is_cheapest = cheapest.tolist()
    specs = estimate.specs
    scenario_of = [s.scenario_name for s in specs]
    name_of = [s.workload.name for s in specs]
    model_of = [s.workload.model for s in specs]
    region_of = [s.region for s in specs]
    rows: list[list[Any] | None] = [None] * a.size
    for k, result in enumerate(a.results):
        offset = int(a.offsets[k])
        r = result.rows
        feasible = (result.failure == 0).tolist()
        texts = _component_texts(result, feasible, component_text)
        option = r.option
        variants, platforms = r.variant.tolist(), r.platform.tolist()
        instance_types = r.instance_type.tolist()
        unit = result.capacity_unit or None
        for local, w in enumerate(r.workload_index.tolist()):
            row = offset + local
            ok = feasible[local]
            rows[row] = option_row(
                scenario_of[w],
                name_of[w],
                model_of[w],
                region_of[w],
                option,
                str(variants[local]) or None,
                str(platforms[local]) or None,
                str(instance_types[local]) or None,
                ok,
                is_cheapest[row],
                monthly[row],
                per_1k[row],
                per_1m[row],
                capacity[row],
                unit if ok else None,
                utilization[row],
                texts[local],
                None if ok else (result.reason(local) or None),
            )
    for row in row_order(estimate).tolist():
        yield cast(list[Any], rows[row])


def _component_texts(
    result: OptionResult, feasible: list[bool], text: Callable[[str, Any, str, Any], str]
) -> list[str]:
    """Per row of one option, its components as the CSV's `components` cell writes them
    (the components `_component_records` lists, with the same rounding)."""
    parts: list[list[str]] = [[] for _ in feasible]
    for c in result.components:
        quantities = c.quantity.tolist()
        rounded = _number_column(c.quantity)
        prices = _number_column(c.usd_per_unit)
        for local, quantity in enumerate(quantities):
            if component_listed(c.optional, feasible[local], quantity):
                parts[local].append(text(c.name, rounded[local], c.unit, prices[local]))
    return ["; ".join(p) for p in parts]


def _serving_cost(a: EstimateArrays, row: int) -> float:
    """The "option monthly" of `row`: what the workload costs on that option — its prompts as a
    chosen customization path makes them — without redundancy, which the bill shows only in
    its own lines. (The options table's monthly cost includes the redundant capacity each
    option needs, since that decides which option is cheapest.)"""
    from genai_cost.engine.capacity import REDUNDANCY_PREFIX

    result, local = a.locate(row)
    redundant = sum(
        float(c.usd[local])
        for c in result.components
        if c.name.startswith(REDUNDANCY_PREFIX) and math.isfinite(float(c.usd[local]))
    )
    return float(a.monthly_cost_usd[row]) - redundant


def _rates_at_shape(params: dict[str, Any], workload_index: Any, specs: list[WorkloadSpec]) -> Any:
    """Per row of an instance option, the output rate at its workload's shape, as the engine
    sized it (engine/capacity.rate_at_shape), in one call; None for other options."""
    if "benchmark_input_tokens" not in params:
        return None
    from genai_cost.engine.capacity import rate_at_shape

    shapes = [specs[i].workload.tokens_per_request for i in workload_index.tolist()]
    return rate_at_shape(
        params["output_tokens_per_second_per_instance"],
        params,
        np.asarray([t.all_input for t in shapes], dtype=np.float64),
        np.asarray([t.output for t in shapes], dtype=np.float64),
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
    a = estimate.arrays
    catalog = estimate.catalog
    options = _option_records(estimate)
    if len(estimate.bills) != len(estimate.scenarios):
        raise AssertionError("an estimate's document needs its bills (decisions/bill.py)")
    scenarios: list[ScenarioSummary] = []
    w_index = 0
    for number, loaded in enumerate(estimate.scenarios):
        bill = estimate.bills[number]
        shares = workload_shares(bill, [w.name for w in loaded.scenario.workloads])
        workloads: list[WorkloadSummary] = []
        for workload in loaded.scenario.workloads:
            best = int(a.cheapest_row[w_index])
            cost = _serving_cost(a, best) if best >= 0 else math.nan
            workload = estimate.specs[w_index].workload  # as priced (a path's tokens in)
            workloads.append(
                {
                    "name": workload.name,
                    "model": workload.model,
                    "region": loaded.scenario.workload_region(workload),
                    "requests_per_month": _number(
                        workload.traffic.requests_in(loaded.scenario.hours)
                    ),
                    "tokens_per_request": {
                        k: v
                        for k in _TOKEN_FIELDS
                        if (v := getattr(workload.tokens_per_request, k))
                    },
                    "cheapest_option": a.option(best) if best >= 0 else None,
                    "cheapest_variant": _text(a.text(best, "variant")) if best >= 0 else None,
                    "cheapest_platform": _text(a.text(best, "platform")) if best >= 0 else None,
                    "cheapest_instance_type": (
                        _text(a.text(best, "instance_type")) if best >= 0 else None
                    ),
                    "monthly_cost_usd": _money(cost),
                    "bill_monthly_cost_usd": shares[workload.name],
                }
            )
            if workload.tags:
                workloads[-1]["tags"] = dict(workload.tags)
            w_index += 1
        sections = estimate.sections[number] if number < len(estimate.sections) else {}
        _check_finite(sections, "", loaded.path)
        _check_bill_finite(bill, loaded.path)
        _check_finite(workloads, "workloads", loaded.path)
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
    used_keys = {key for record in options for key in record["sources"]}
    for bill, sections in zip(estimate.bills, estimate.sections, strict=True):
        used_keys |= _bill_sources(bill) | _nested_sources(sections)
    used = sorted(used_keys - {"scenario"})
    document: EstimateDocument = {
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
        "options": options,
    }
    if estimate.monte_carlo:
        _check_finite(estimate.monte_carlo, "monte_carlo", "")
        document["monte_carlo"] = estimate.monte_carlo
    return document
