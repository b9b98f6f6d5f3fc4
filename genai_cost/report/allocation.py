"""Chargeback reports (report/blocks.py), and their record tables as CSV: one record kind
per file, the columns of the JSON rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.tracking import (
    AllocationDocument,
    CurAllocationDocument,
    ReconcileDocument,
    VarianceDocument,
)
from genai_cost.report.blocks import Col, Report
from genai_cost.report.labels import usd
from genai_cost.report.sanitize import csv_table

TOKEN_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_write_input_tokens",
)
COLUMNS = ("requests", *TOKEN_COLUMNS, "capacity_usd", "cost_usd", "share")
HEADINGS = ("Requests", "Input", "Output", "Cache read", "Cache write", "Cost", "Share")


def headings(shared: bool) -> tuple[str, ...]:
    """Column headings; `shared`: the document has shared capacity (a Capacity column)."""
    return (*HEADINGS[:5], "Capacity", *HEADINGS[5:]) if shared else HEADINGS


NARROWING = ("Cache write", "Cache read", "Requests", "Input", "Output", "Capacity")
"""Columns a terminal table leaves out, first to last, when the terminal is too narrow for
all of them (the keys, Cost and Share always stay)."""
COLUMN_NAMES = {
    "requests": "Requests",
    "input": "Input",
    "output": "Output",
    "cache-read": "Cache read",
    "cache-write": "Cache write",
    "capacity": "Capacity",
    "token-charges": "Token charges",
    "other-charges": "Other charges",
    "cost": "Cost",
    "share": "Share",
}
"""`allocate --columns` names → headings."""


def chosen_columns(names: Sequence[str] | None, available: Sequence[str]) -> list[str] | None:
    """The headings `--columns` names (in the report's order), or None for all; a name that
    is not a column of this report is an ArgumentError naming those that are."""
    if not names:
        return None
    from genai_cost.errors import ArgumentError
    from genai_cost.modelfile import suggest

    wanted = set()
    offered = [k for k, v in COLUMN_NAMES.items() if v in available]
    for name in names:
        heading = COLUMN_NAMES.get(name.strip().lower())
        if heading is None or heading not in available:
            hint = suggest(name, offered)
            raise ArgumentError(
                f"«columns» {name!r}: not a column of this report"
                + (f" ({hint})" if hint else "")
                + f"; columns: {', '.join(offered)}"
            )
        wanted.add(heading)
    return [h for h in available if h in wanted]


def period_text(document: AllocationDocument) -> str:
    period = document["period"]
    if period["first_day"] is None:
        return "no records allocated"
    return f"{period['first_day']} to {period['last_day']}"


def _shown(columns: list[str] | None, available: Sequence[str]) -> tuple[str, ...]:
    """`--columns` as headings (all when none are named)."""
    return tuple(chosen_columns(columns, available) or available)


def _figure_columns(shared: bool) -> list[Col]:
    cols = [
        Col("Requests", "count", "requests"),
        Col("Input", "count", "input_tokens"),
        Col("Output", "count", "output_tokens"),
        Col("Cache read", "count", "cache_read_input_tokens"),
        Col("Cache write", "count", "cache_write_input_tokens"),
    ]
    if shared:
        cols.append(Col("Capacity", "money", "capacity_usd", decimals=4))
    return [*cols, Col("Cost", "money", "cost_usd", decimals=4), Col("Share", "share", decimals=1)]


def _keyed_table(
    report: Report,
    document: Mapping[str, Any],
    figures: list[Col],
    shown: Sequence[str],
    narrowing: Sequence[str],
    chosen: bool,
    title: str = "",
) -> None:
    """The chargeback table: the `--by` keys, then the `shown` figures, then a total row;
    without `--columns`, a terminal too narrow leaves out `narrowing` first to last."""
    names: list[str] = document["by"]
    cols = [c for c in figures if c.header in shown]
    table = report.table(
        *(Col(n.capitalize(), key=n) for n in names),
        *cols,
        title=title,
        name="row",
        optional=() if chosen else tuple(narrowing),
    )
    for row in [*document["rows"], document["total"]]:
        total = row is document["total"]
        values = [row.get(c.name, 1.0 if c.name == "share" else None) for c in cols]
        keys = ["Total", *[""] * (len(names) - 1)] if total else [row[n] for n in names]
        table.add(*keys, *values, strong=total)


def allocation_report(document: AllocationDocument, columns: list[str] | None = None) -> Report:
    """Chargeback from invocation logs: the spend by key, then shared capacity, budgets,
    anomalies, idle capacity and what was not allocated (`columns`: `--columns` names)."""
    shared = bool(document.get("capacity"))
    report = Report("Chargeback")
    report.heading("Chargeback")
    report.text(
        f"Period {period_text(document)} · tenant key {document['tenant_key']} · "
        f"snapshot {document['snapshot']} · {document['records']['allocated']:,} of "
        f"{document['records']['read']:,} records allocated"
    )
    heads = headings(shared)
    _keyed_table(
        report,
        document,
        _figure_columns(shared),
        _shown(columns, heads),
        NARROWING,
        bool(columns),
    )
    sections(report, document)
    return report


def sections(report: Report, document: AllocationDocument, what: str = "Records") -> None:
    """Shared capacity, budgets, anomalies, idle capacity, records not allocated, notes and
    price sources."""
    if document.get("capacity") and document["kind"] == "cur-allocation":  # type: ignore[comparison-overlap]
        report.heading("Shared capacity (from the bill)", 3)
        measured = any(c.get("utilization_fraction") is not None for c in document["capacity"])
        cols = [
            Col("Capacity", "id", "name"),
            Col("Resources", "count"),
            Col("Line items", "count"),
            Col("Cost", "money", "cost_usd"),
        ]
        if measured:  # utilisation measured on the capacity (--endpoint-metrics)
            cols += [
                Col("Utilisation", "share", "utilization_fraction", decimals=1),
                Col("Idle", "money", "idle_usd"),
            ]
        table = report.table(*cols, Col("Split"), name="capacity")
        for c in document["capacity"]:
            bill: Mapping[str, Any] = c
            shares = ", ".join(f"{t} {f * 100:.1f}%" for t, f in bill["shares"].items())
            extra = [bill.get("utilization_fraction"), bill.get("idle_usd")] if measured else []
            table.add(
                bill["name"],
                len(bill["resource_ids"]),
                bill["line_items"],
                bill["cost_usd"],
                *extra,
                f"{bill['split']}: {shares}",
            )
    elif document.get("capacity"):
        report.heading("Shared capacity", 3)
        table = report.table(
            Col("Capacity", "id", "name"),
            Col("Held"),
            Col("Cost", "money", "cost_usd"),
            Col("Tokens", "count"),
            Col("Utilisation", "share", "utilization_fraction", decimals=1),
            Col("Effective per 1M tokens", "unit_price", "effective_usd_per_1m_tokens"),
            Col("Split"),
            name="capacity",
        )
        for e in document["capacity"]:
            split = e["split"] + (f", idle {e['idle']}" if e["idle"] else "")
            if e["idle_usd"]:
                split += f" ({usd(e['idle_usd'])} idle)"
            table.add(
                e["name"],
                f"{e['description']} × {e['hours']:g} h",
                e["cost_usd"],
                e["tokens"],
                e["utilization_fraction"],
                e["effective_usd_per_1m_tokens"],
                split,
            )
    if document.get("budgets"):
        report.heading(f"Budgets: {document['verdict']}", 3)
        table = report.table(
            Col("Tenant"),
            Col("Month to date", "money", "month_to_date_usd"),
            Col("Projected month", "money", "projected_month_usd"),
            Col("Budget", "money", "budget_usd"),
            Col("Used", "share", "used_fraction", decimals=1),
            Col("Projected", "share", "projected_fraction", decimals=1),
            Col("Result"),
            name="budget",
        )
        for b in document["budgets"]:
            table.add(
                b["tenant"],
                b["month_to_date_usd"],
                b["projected_month_usd"],
                b["budget_usd"],
                b["used_percent"] / 100,
                b["projected_percent"] / 100,
                budget_result(b),
            )
        first = document["budgets"][0]
        report.text(
            f"Projection: month-to-date ÷ {first['days_elapsed']} days elapsed × "
            f"{first['days_in_month']} days in {first['month']} (linear run rate).",
            "note",
        )
    anomalies(report, document)
    if document.get("idle_capacity"):
        report.heading("Idle capacity", 3)
        table = report.table(
            Col("Capacity", "id", "name"),
            Col("Utilisation", "share", "utilization_fraction", decimals=1),
            Col("Threshold", "share", "threshold_fraction"),
            Col("Cost in the period", "money", "period_cost_usd"),
            Col("Idle", "money", "idle_usd"),
            Col("Idle a month", "money", "monthly_idle_usd"),
            name="idle",
        )
        for idle in document["idle_capacity"]:
            table.add(
                idle["name"],
                idle["utilization_fraction"],
                idle["threshold_fraction"],
                idle["period_cost_usd"],
                idle["idle_usd"],
                idle["monthly_idle_usd"],
            )
    if document["problems"]:
        report.heading(f"{what} not allocated", 3)
        for p in document["problems"]:
            count = f"{p['records']:,} × " if p["records"] else ""
            examples = "; ".join(p["examples"])
            report.text(
                f"{count}{p['reason']}" + (f" (e.g. {examples})" if examples else ""), "bullet"
            )
    for note in document.get("notes", []):
        report.text(f"Note: {note}", "note")
    if document.get("sources"):
        report.text("Prices: " + ", ".join(document["sources"]), "note")


def anomalies(report: Report, document: Mapping[str, Any]) -> None:
    """The anomalies section (none when anomalies were not looked for)."""
    settings = document.get("anomaly_settings")
    if settings is None:
        return
    found: Sequence[Mapping[str, Any]] = document.get("anomalies", [])
    report.heading(f"Anomalies: {len(found)}", 3)
    report.text(
        f"A day is flagged when its spend exceeds the median of the {settings['window_days']} "
        f"days before it + {settings['k']:g} × max(1.4826 × MAD, "
        f"{settings['floor_share'] * 100:g}% of the median), with at least "
        f"{settings['min_history_days']} days of history and {usd(settings['min_usd'])} spent.",
        "note",
    )
    if found:
        table = report.table(
            Col("Series"),
            Col("Day", "id"),
            Col("Spend", "money", "cost_usd"),
            Col("Baseline", "money", "baseline_usd"),
            Col("Threshold", "money", "threshold_usd"),
            Col("Above baseline", "money", "excess_usd"),
            name="anomaly",
        )
        for a in found:
            series = ", ".join(f"{k} {v}" for k, v in a["series"].items())
            table.add(
                series,
                a["day"],
                a["cost_usd"],
                a["baseline_usd"],
                a["threshold_usd"],
                a["excess_usd"],
            )


def render_allocation_csv(document: AllocationDocument) -> str:
    names = document["by"]
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    return csv_table([*names, *COLUMNS], ([row[c] for c in (*names, *COLUMNS)] for row in rows))


VARIANCE_COLUMNS = (
    "scenario",
    "workload",
    "estimate_usd",
    "actual_usd",
    "variance_usd",
    "variance_percent",
    "estimated_requests",
    "actual_requests",
)


def variance_report(document: VarianceDocument) -> Report:
    report = Report("Estimate against actual")
    period = document["period"]
    report.heading(f"Estimate vs actual, {period['first_day']} to {period['last_day']}")
    report.text(
        f"{period['days']} days = {period['days'] * 24} hours: the monthly estimate × "
        f"{period['estimate_factor']:.4f}; actuals: {document['actuals_source']}",
        "note",
    )
    table = report.table(
        Col("Scenario"),
        Col("Workload"),
        Col("Estimate", "money", "estimate_usd"),
        Col("Actual", "money", "actual_usd"),
        Col("Variance", "signed_money", "variance_usd"),
        Col("Variance %", "signed_share", "variance_fraction"),
        Col("Requests (est.)", "count", "estimated_requests"),
        Col("Requests", "count", "actual_requests"),
        name="workload",
    )
    for row in document["workloads"]:
        percent = row["variance_percent"]
        table.add(
            row["scenario"],
            row["workload"],
            row["estimate_usd"],
            row["actual_usd"] if row["actual_usd"] is not None else "no actuals",
            row["variance_usd"],
            None if percent is None else percent / 100,
            row["estimated_requests"],
            row["actual_requests"],
        )
    if document["not_in_estimate"]:
        report.text("Actual spend not matched to a workload:")
        report.bullets(f"{r['key']}: {usd(r['actual_usd'])}" for r in document["not_in_estimate"])
    if document["not_attributed"]:
        report.text("Log records in no actual (their cost is not counted):")
        report.bullets(
            f"{p['records']:,} record(s): {p['reason']}" for p in document["not_attributed"]
        )
    return report


def render_variance_csv(document: VarianceDocument) -> str:
    rows: Sequence[Mapping[str, Any]] = document["workloads"]
    return csv_table(VARIANCE_COLUMNS, ([row[c] for c in VARIANCE_COLUMNS] for row in rows))


def budget_result(budget: Mapping[str, Any]) -> str:
    """The budget's level so far, and the projected month's when it is worse ("ok; projected
    fail" for a tenant heading past its budget)."""
    order = ("ok", "alert", "fail")
    level, projected = str(budget["level"]), str(budget.get("projected_level", budget["level"]))
    if order.index(projected) > order.index(level):
        return f"{level}; projected {projected}"
    return level


CUR_COLUMNS = (
    *TOKEN_COLUMNS,
    "token_cost_usd",
    "other_cost_usd",
    "cost_usd",
    "line_items",
    "share",
)
CUR_HEADINGS = (
    "Input",
    "Output",
    "Cache read",
    "Cache write",
    "Token charges",
    "Other charges",
    "Cost",
    "Share",
)


CUR_NARROWING = ("Cache write", "Cache read", "Token charges", "Other charges", "Input", "Output")
"""Columns the bill's terminal table leaves out first to last when it does not fit."""


CUR_FIGURES = [
    Col("Input", "count", "input_tokens"),
    Col("Output", "count", "output_tokens"),
    Col("Cache read", "count", "cache_read_input_tokens"),
    Col("Cache write", "count", "cache_write_input_tokens"),
    Col("Token charges", "money", "token_cost_usd", decimals=4),
    Col("Other charges", "money", "other_cost_usd", decimals=4),
    Col("Cost", "money", "cost_usd", decimals=4),
    Col("Share", "share", decimals=1),
]


def cur_allocation_report(
    document: CurAllocationDocument, columns: list[str] | None = None
) -> Report:
    """Chargeback from the bill: the spend by key, then budgets, anomalies, what was left out
    (`columns`: the `--columns` names of the figures to show; default all)."""
    items = document["line_items"]
    period = document["period"]
    report = Report("Chargeback from the Cost and Usage Report")
    report.heading("Chargeback from the Cost and Usage Report")
    span = (
        "no line items allocated"
        if period["first_day"] is None
        else f"{period['first_day']} to {period['last_day']}"
    )
    report.text(
        f"Period {span} · tenant key {document['tenant_key']} · "
        f"{document['cost_basis']} cost · {items['allocated']:,} generative-AI line items of "
        f"{items['read']:,} read from {document['files']:,} file(s)"
    )
    _keyed_table(
        report,
        document,
        CUR_FIGURES,
        _shown(columns, CUR_HEADINGS),
        CUR_NARROWING,
        bool(columns),
    )
    report.text(
        f"Left out: {items['not_generative_ai']:,} line item(s) of other services "
        f"({usd(items['not_generative_ai_usd'])}); generative-AI spend is Amazon Bedrock "
        "(with Marketplace-billed models), Amazon SageMaker, accelerated EC2 instances and "
        "the services named with --service.",
        "note",
    )
    if document["excluded_line_item_types"]:
        report.text(
            f"Excluded ({', '.join(document['excluded_line_item_types'])}): "
            f"{items['excluded']:,} generative-AI line item(s), {usd(items['excluded_usd'])}.",
            "note",
        )
    codes = items.get("by_product_code") or []
    if codes:
        report.heading("Selected and left out, by product code", 3)
        table = report.table(
            Col("Product code", "id"),
            Col("Counted"),
            Col("Line items", "count"),
            Col("Cost", "money", "cost_usd", decimals=4),
            name="product_code",
        )
        for c in codes:
            table.add(
                c["product_code"],
                "selected" if c["selected"] else "left out",
                c["line_items"],
                c["cost_usd"],
            )
    sections(report, document, "Line items")  # type: ignore[arg-type]
    return report


def render_cur_allocation_csv(document: CurAllocationDocument) -> str:
    names = document["by"]
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    return csv_table(
        [*names, *CUR_COLUMNS], ([row[c] for c in (*names, *CUR_COLUMNS)] for row in rows)
    )


RECONCILE_COLUMNS = (
    "tenant",
    "logs_usd",
    "bill_token_usd",
    "token_difference_usd",
    "bill_other_usd",
    "bill_usd",
    "logs_tokens",
    "bill_tokens",
    "explanation",
)


def reconcile_report(document: ReconcileDocument) -> Report:
    """Logs and bill side by side per tenant, with what explains each difference."""
    lp, bp = document["logs_period"], document["bill_period"]
    report = Report("Logs against the bill")
    report.heading("Logs against the bill")
    report.text(
        f"Logs {lp['first_day']} to {lp['last_day']} (tenant {document['logs_tenant_key']}, "
        f"priced from {document['snapshot']}) · bill {bp['first_day']} to {bp['last_day']} "
        f"(tenant {document['bill_tenant_key']}, {document['cost_basis']} cost)"
    )
    table = report.table(
        Col("Tenant"),
        Col("Logs (priced)", "money", "logs_usd", decimals=4),
        Col("Bill: tokens", "money", "bill_token_usd", decimals=4),
        Col("Difference", "money", "token_difference_usd", decimals=4),
        Col("Bill: other", "money", "bill_other_usd", decimals=4),
        Col("Bill", "money", "bill_usd", decimals=4),
        Col("Tokens (logs)", "count", "logs_tokens"),
        Col("Tokens (bill)", "count", "bill_tokens"),
        Col("Why", key="explanation"),
        name="tenant",
        optional=("Tokens (logs)", "Tokens (bill)", "Bill: other"),
    )
    for r in document["rows"]:
        table.add(
            r["tenant"],
            r["logs_usd"],
            r["bill_token_usd"],
            r["token_difference_usd"],
            r["bill_other_usd"],
            r["bill_usd"],
            r["logs_tokens"],
            r["bill_tokens"],
            r["explanation"],
        )
    t = document["total"]
    table.add(
        "Total",
        t["logs_usd"],
        t["bill_token_usd"],
        t["token_difference_usd"],
        t["bill_other_usd"],
        t["bill_usd"],
        None,
        None,
        "",
        strong=True,
    )
    if document["records_not_allocated"]:
        report.text(
            f"{document['records_not_allocated']:,} logged record(s) could not be priced or "
            "read (genai-cost allocate lists them): their usage is in the bill only.",
            "note",
        )
    return report


def render_reconcile_csv(document: ReconcileDocument) -> str:
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    return csv_table(RECONCILE_COLUMNS, ([r[c] for c in RECONCILE_COLUMNS] for r in rows))
