"""CSV: one table, a `record` column saying what each row is — per scenario its whole bill
(`total`), each cost family (`family`), each line of the bill (`line`) and each part that
cannot be priced (`missing`); then every workload × option × variant (`option`). Cells cannot
run as spreadsheet formulas."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from genai_cost.documents.estimate import Bill, EstimateDocument
from genai_cost.report.sanitize import csv_table

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate

COLUMNS = (
    "record",
    "scenario",
    "workload",
    "family",
    "item",
    "line",
    "model",
    "region",
    "option",
    "variant",
    "platform",
    "instance_type",
    "feasible",
    "cheapest",
    "quantity",
    "unit",
    "usd_per_unit",
    "monthly_cost_usd",
    "cost_per_1k_requests_usd",
    "cost_per_1m_tokens_usd",
    "capacity",
    "capacity_unit",
    "utilization_fraction",
    "components",
    "detail",
    "reason",
)
OPTION_FIELDS = (
    "workload",
    "model",
    "region",
    "option",
    "variant",
    "platform",
    "instance_type",
    "feasible",
    "cheapest",
    "monthly_cost_usd",
    "cost_per_1k_requests_usd",
    "cost_per_1m_tokens_usd",
    "capacity",
    "capacity_unit",
    "utilization_fraction",
    "reason",
)


def _components(record: Mapping[str, Any]) -> str:
    return "; ".join(
        component_text(c["name"], c["quantity"], c["unit"], c["usd_per_unit"])
        for c in record["components"]
    )


def _row(record: str, scenario: str, **cells: Any) -> list[Any]:
    return [record, scenario, *(cells.get(c) for c in COLUMNS[2:])]


def _rows(document: EstimateDocument) -> Iterator[list[Any]]:
    for s in document["scenarios"]:
        yield from bill_rows(s["name"], s["bill"])
    for r in document["options"]:
        yield option_row(
            r["scenario"],
            r["workload"],
            r["model"],
            r["region"],
            r["option"],
            r["variant"],
            r["platform"],
            r["instance_type"],
            r["feasible"],
            r["cheapest"],
            r["monthly_cost_usd"],
            r["cost_per_1k_requests_usd"],
            r["cost_per_1m_tokens_usd"],
            r["capacity"],
            r["capacity_unit"],
            r["utilization_fraction"],
            _components(r),
            r["reason"],
        )


def bill_rows(name: str, bill: Bill) -> Iterator[list[Any]]:
    """The rows of one scenario's bill: its total, families, lines and missing parts."""
    missing = "; ".join(f"{m['family']} {m['item']} {m['name']}" for m in bill["missing"])
    yield _row(
        "total",
        name,
        monthly_cost_usd=bill["total_monthly_cost_usd"],
        reason=None
        if bill["complete"]
        else f"incomplete: at least {bill['priced_monthly_cost_usd']} USD; missing {missing}",
    )
    for f in bill["families"]:
        yield _row(
            "family",
            name,
            family=f["family"],
            monthly_cost_usd=f["monthly_cost_usd"],
            reason=None
            if f["monthly_cost_usd"] is not None
            else f"incomplete: at least {f['priced_monthly_cost_usd']} USD",
        )
    for c in bill["components"]:  # as `_row("line", ...)` would, in COLUMNS order
        yield [
            "line",
            name,
            ";".join(c["workloads"]),
            c["family"],
            c["item"],
            c["name"],
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            c["quantity"],
            c["unit"],
            c["usd_per_unit"],
            c["usd"],
            None,
            None,
            None,
            None,
            None,
            None,
            c["detail"],
            None,
        ]
    for m in bill["missing"]:
        yield _row(
            "missing",
            name,
            workload=";".join(m["workloads"]),
            family=m["family"],
            item=m["item"],
            line=m["name"],
            reason=m["reason"],
        )


def option_row(
    scenario: str,
    workload: str,
    model: str,
    region: str,
    option: str,
    variant: str | None,
    platform: str | None,
    instance_type: str | None,
    feasible: bool,
    cheapest: bool,
    monthly_cost_usd: float | None,
    cost_per_1k_requests_usd: float | None,
    cost_per_1m_tokens_usd: float | None,
    capacity: float | None,
    capacity_unit: str | None,
    utilization_fraction: float | None,
    components: str,
    reason: str | None,
) -> list[Any]:
    """One option row, in COLUMNS order (most rows of a large estimate are these: built
    directly, not through `_row`; tests/test_workloads_table.py checks they agree)."""
    return [
        "option",
        scenario,
        workload,
        None,
        None,
        None,
        model,
        region,
        option,
        variant,
        platform,
        instance_type,
        feasible,
        cheapest,
        None,
        None,
        None,
        monthly_cost_usd,
        cost_per_1k_requests_usd,
        cost_per_1m_tokens_usd,
        capacity,
        capacity_unit,
        utilization_fraction,
        components,
        None,
        reason,
    ]


def component_text(name: str, quantity: Any, unit: str, usd_per_unit: Any) -> str:
    """One component in an option row's `components` cell ("no price" where it has none)."""
    price = "no price" if usd_per_unit is None else usd_per_unit
    return f"{name}={quantity} {unit} x {price}"


def render_csv(document: EstimateDocument | EstimateRows) -> str:
    if isinstance(document, EstimateRows):
        return b"".join(csv_chunks(document)).decode("utf-8")
    return csv_table(COLUMNS, _rows(document))


CSV_ROWS_AT_A_TIME = 50_000
"""Rows of an estimate's CSV encoded at a time (`csv_chunks`)."""


def csv_chunks(document: EstimateRows) -> Iterator[bytes]:
    """The estimate's CSV (`csv_table` of its rows) as UTF-8 pieces whose concatenation is
    the same text: each block's columns made into cells column by column (`csv_cells`), a
    few thousand rows at a time, so a large estimate is never held as text whole."""
    from genai_cost.report.sanitize import csv_row

    yield csv_row(COLUMNS).encode("utf-8")
    for block in table_blocks(document.estimate):
        size = len(block[COLUMNS[0]])
        for start in range(0, size, CSV_ROWS_AT_A_TIME):
            end = min(start + CSV_ROWS_AT_A_TIME, size)
            cells = [csv_cells(block[name][start:end]) for name in COLUMNS]
            lines = map(",".join, zip(*cells, strict=True))
            yield ("\n".join(lines) + "\n").encode("utf-8")


def csv_cells(values: Any) -> list[str]:
    """`csv_cell` of each value of a block's column (a list, or an array whose float NaN is
    the rows' None: an empty cell), worked out for the column: numbers by their kind once,
    text through the cell cache."""
    import numpy as np

    from genai_cost.report.sanitize import csv_cell, csv_text

    if isinstance(values, np.ndarray):
        if values.dtype == np.float64:
            cells: list[str] = list(map(repr, values.tolist()))  # `csv_cell` of a float
            for i in np.flatnonzero(np.isnan(values)).tolist():
                cells[i] = ""
            return cells
        if values.dtype == np.bool_:
            return ["true" if v else "false" for v in values.tolist()]
        values = values.tolist()
    return ["" if v is None else csv_text(v) if type(v) is str else csv_cell(v) for v in values]


class EstimateRows:
    """The CSV/Parquet rows of an estimate made straight from its arrays and bills, without
    building the JSON document first: what `estimate -f csv|parquet` renders. The rows are
    those `_rows` makes of the document (tested on every bundled scenario)."""

    def __init__(self, estimate: Estimate) -> None:
        self.estimate = estimate

    def rows(self) -> Iterator[list[Any]]:
        return table_rows(self.estimate)

    def blocks(self) -> Iterator[dict[str, Any]]:
        return table_blocks(self.estimate)


def table_rows(estimate: Estimate) -> Iterator[list[Any]]:
    """The estimate's rows (COLUMNS) from its arrays and bills: `_rows` of
    `estimate_document(estimate)`, without a record per option row (most of a large
    estimate's time and memory) — `table_blocks` turned back into rows (a float array's NaN
    is the rows' None)."""
    import numpy as np

    for block in table_blocks(estimate):
        columns: list[list[Any]] = []
        for name in COLUMNS:
            values = block[name]
            if not isinstance(values, np.ndarray):
                columns.append(list(values))
                continue
            cells = values.tolist()
            if values.dtype == np.float64:
                for i in np.flatnonzero(np.isnan(values)).tolist():
                    cells[i] = None
            columns.append(cells)
        yield from map(list, zip(*columns, strict=True))


Block = dict[str, Any]
"""Rows as columns: COLUMNS to a list or a NumPy array each (float arrays: NaN is null)."""


def _block(rows: list[list[Any]]) -> Block:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    return {name: list(values) for name, values in zip(COLUMNS, columns, strict=True)}


def table_blocks(estimate: Estimate) -> Iterator[Block]:
    """The estimate's rows (`_rows` of its document) as blocks of columns, in order: each
    scenario's bill (its lines read field by field) and then every option row, made from
    the arrays column by column — what the Parquet writer takes without a Python list per
    row, and what `table_rows` turns back into rows for CSV."""
    from genai_cost.results.estimate import check_finite_bills

    check_finite_bills(estimate)
    for number, loaded in enumerate(estimate.scenarios):
        name = loaded.scenario.name
        bill = estimate.bills[number]
        head: list[list[Any]] = []
        tail: list[list[Any]] = []
        for row in bill_rows(name, {**bill, "components": []}):
            (tail if row[0] == "missing" else head).append(row)
        yield _block(head)
        lines = bill["components"]
        if lines:
            n = len(lines)
            block: Block = dict.fromkeys(COLUMNS, _filled(n, None))  # one array, shared
            block["record"] = ["line"] * n
            block["scenario"] = [name] * n
            block["workload"] = [";".join(c["workloads"]) for c in lines]
            for column, key in (
                ("family", "family"),
                ("item", "item"),
                ("line", "name"),
                ("quantity", "quantity"),
                ("unit", "unit"),
                ("usd_per_unit", "usd_per_unit"),
                ("monthly_cost_usd", "usd"),
                ("detail", "detail"),
            ):
                block[column] = list(map(itemgetter(key), lines))
            yield block
        if tail:
            yield _block(tail)
    if estimate.arrays.size:
        yield option_columns(estimate)


def _nulls(values: Any) -> Any:
    """An object array of text with "" as None (the rows' `str(v) or None`)."""
    import numpy as np

    out = np.asarray(values, dtype=object).copy()
    out[out == ""] = None
    return out


def _filled(size: int, value: Any) -> Any:
    """An object array holding `value` itself in every cell (`np.full` would make a copy of
    a string per cell)."""
    import numpy as np

    out = np.empty(size, dtype=object)
    out.fill(value)
    return out


def _components_cells(result: Any, ok: Any) -> Any:
    """The `components` cell of each row of one option (`component_text` of each component
    the row lists, joined by "; "), as an object array. Rows listing the same components
    share one template, filled with each row's rounded numbers in one formatting each."""
    import numpy as np

    from genai_cost.engine.core import listed_rows
    from genai_cost.results.rounding import rounded_texts

    size = ok.size
    cells = _filled(size, "")
    listed_by: list[tuple[Any, Any]] = []  # (component, rows that list it)
    for c in result.listed_components:
        listed = listed_rows(c.optional, ok, c.quantity)
        if listed.any():
            listed_by.append((c, listed))
    if not listed_by:
        return cells
    # each row's pattern: which components it lists, as bits (rows alike, one group): one
    # number a row while they fit in one (a sort of numbers, not of byte rows)
    count = len(listed_by)
    patterns: Any
    if count < 63:
        code = np.zeros(size, dtype=np.int64)
        for k, (_, listed) in enumerate(listed_by):
            code |= listed.astype(np.int64) << k
        patterns, group = np.unique(code, return_inverse=True)
        patterns = ((patterns[:, None] >> np.arange(count)) & 1).astype(bool)
    else:
        bits = np.packbits(np.stack([listed for _, listed in listed_by], axis=1), axis=1)
        patterns, group = np.unique(bits, axis=0, return_inverse=True)
        patterns = np.unpackbits(patterns, axis=1)[:, :count].astype(bool)
    group = group.reshape(-1)
    texts: dict[int, tuple[Any, Any]] = {}  # per component: quantity and price texts
    for g, members in enumerate(patterns):
        if not members.any():
            continue
        rows = np.flatnonzero(group == g)
        parts: list[str] = []
        values: list[Any] = []
        for k in np.flatnonzero(members).tolist():
            c = listed_by[k][0]
            if k not in texts:
                texts[k] = (
                    rounded_texts(c.quantity, 9, "None"),
                    rounded_texts(c.usd_per_unit, 9, "no price"),
                )
            quantities, prices = texts[k]
            name, unit = (str(x).replace("%", "%%") for x in (c.name, c.unit))
            parts.append(component_text(name, "%s", unit, "%s"))  # its texts filled in below
            values += [quantities[rows].tolist(), prices[rows].tolist()]
        template = "; ".join(parts)
        cells[rows] = [template % row for row in zip(*values, strict=True)]
    return cells


def option_columns(estimate: Estimate) -> Block:
    """Every option row (`option_row` cells) as columns, in `row_order`: texts gathered by
    workload and option, numbers rounded as the rows round them, each row's components cell
    filled from its listing pattern's template (`_components_cells`)."""
    import numpy as np

    from genai_cost.engine.context import run_columns
    from genai_cost.results.estimate import row_order
    from genai_cost.results.rounding import rounded_array

    a = estimate.arrays
    n = a.size
    specs = estimate.specs
    c = run_columns(estimate.context, specs)
    scenarios = np.empty(len(specs), dtype=object)
    scenarios[:] = list(map(attrgetter("scenario_name"), specs))
    per_workload = {"scenario": scenarios, "workload": c.name, "model": c.model, "region": c.region}
    block: Block = {}
    for column, values in per_workload.items():
        block[column] = values[a.workload_index]
    texts: dict[str, list[Any]] = {
        c: [] for c in ("option", "variant", "platform", "instance_type", "capacity_unit")
    }
    feasible_parts: list[Any] = []
    components: list[Any] = []
    reasons: list[Any] = []
    for result in a.results:
        r = result.rows
        size = r.size
        ok = result.failure == 0
        feasible_parts.append(ok)
        texts["option"].append(_filled(size, r.option))
        for column in ("variant", "platform", "instance_type"):
            texts[column].append(_nulls(getattr(r, column)))
        unit = _filled(size, result.capacity_unit or None)
        unit[~ok] = None
        texts["capacity_unit"].append(unit)
        components.append(_components_cells(result, ok))
        reason = _filled(size, None)
        failed = np.flatnonzero(~ok)
        said = result.reasons_at(failed)  # a reason many rows share is one text
        said[said == ""] = None
        reason[failed] = said
        reasons.append(reason)
    for column, parts in texts.items():
        block[column] = np.concatenate(parts)
    block["feasible"] = np.concatenate(feasible_parts)
    block["cheapest"] = a.is_cheapest()
    block["monthly_cost_usd"] = rounded_array(a.monthly_cost_usd, 6)
    block["cost_per_1k_requests_usd"] = rounded_array(a.cost_per_1k_requests_usd, 6)
    block["cost_per_1m_tokens_usd"] = rounded_array(a.cost_per_1m_tokens_usd, 6)
    block["capacity"] = rounded_array(a.capacity, 9)
    block["utilization_fraction"] = rounded_array(a.utilization_fraction, 9)
    block["components"] = np.concatenate(components)
    block["reason"] = np.concatenate(reasons)
    order = row_order(estimate)
    nothing = _filled(n, None)
    out: Block = {}
    for column in COLUMNS:
        if column == "record":
            out[column] = _filled(n, "option")
        elif column in block:
            out[column] = block[column][order]
        else:
            out[column] = nothing
    return out
