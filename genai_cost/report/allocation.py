"""Chargeback reports: Markdown and CSV (the terminal table lives in report/terminal.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.tracking import (
    AllocationDocument,
    CurAllocationDocument,
    ReconcileDocument,
    VarianceDocument,
    VarianceRow,
)
from genai_cost.report.labels import usd
from genai_cost.report.sanitize import csv_table, markdown_cell, markdown_code

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
                f"--columns {name!r}: not a column of this report"
                + (f" ({hint})" if hint else "")
                + f"; columns: {', '.join(offered)}"
            )
        wanted.add(heading)
    return [h for h in available if h in wanted]


def keep_columns(
    heads: Sequence[str], rows: Sequence[list[str]], chosen: Sequence[str]
) -> tuple[list[str], list[list[str]]]:
    """The headings and each row's cells of `chosen` columns only."""
    index = [i for i, h in enumerate(heads) if h in chosen]
    return [heads[i] for i in index], [[row[i] for i in index] for row in rows]


def cells(row: Mapping[str, Any], shared: bool) -> list[str]:
    """Display text of a row's numeric columns, in `headings(shared)` order."""
    numbers = [f"{row[c]:,}" for c in ("requests", *TOKEN_COLUMNS)]
    capacity = [usd(row["capacity_usd"], 4)] if shared else []
    share = f"{row['share'] * 100:.1f}%" if "share" in row else "100.0%"
    return [*numbers, *capacity, usd(row["cost_usd"], 4), share]


def period_text(document: AllocationDocument) -> str:
    period = document["period"]
    if period["first_day"] is None:
        return "no records allocated"
    return f"{period['first_day']} to {period['last_day']}"


def render_allocation_markdown(
    document: AllocationDocument, columns: list[str] | None = None
) -> str:
    names = document["by"]
    shared = bool(document.get("capacity"))
    heads = list(headings(shared))
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    total = document["total"]
    shown, figures = keep_columns(
        heads,
        [*(cells(row, shared) for row in rows), cells(total, shared)],
        chosen_columns(columns, heads) or heads,
    )
    lines = [
        "## Chargeback",
        "",
        f"Period {period_text(document)} · tenant key "
        f"`{markdown_code(document['tenant_key'])}` · "
        f"snapshot `{markdown_code(document['snapshot'])}` · "
        f"{document['records']['allocated']:,} of {document['records']['read']:,} records "
        "allocated",
        "",
        "| " + " | ".join([*(n.capitalize() for n in names), *shown]) + " |",
        "|" + "---|" * len(names) + "---:|" * len(shown),
    ]
    for row, values in zip(rows, figures, strict=False):
        lines.append("| " + " | ".join([*(markdown_cell(row[n]) for n in names), *values]) + " |")
    lines.append("| " + " | ".join(["**Total**", *[""] * (len(names) - 1), *figures[-1]]) + " |")
    return "\n".join(lines + sections(document)) + "\n"


def sections(document: AllocationDocument, what: str = "Records") -> list[str]:
    """Shared capacity, budgets, records not allocated and price sources (Markdown lines)."""
    lines: list[str] = []
    if document.get("capacity") and document["kind"] == "cur-allocation":  # type: ignore[comparison-overlap]
        lines += ["", "### Shared capacity (from the bill)", ""]
        measured = any(c.get("utilization_fraction") is not None for c in document["capacity"])
        head = "| Capacity | Resources | Line items | Cost | Split |"
        rule = "|---|---|---:|---:|---|"
        if measured:  # utilisation measured on the capacity (--endpoint-metrics)
            head = "| Capacity | Resources | Line items | Cost | Utilisation | Idle | Split |"
            rule = "|---|---|---:|---:|---:|---:|---|"
        lines += [head, rule]
        for c in document["capacity"]:
            bill: Mapping[str, Any] = c
            shares = ", ".join(f"{t} {f * 100:.1f}%" for t, f in bill["shares"].items())
            used = bill.get("utilization_fraction")
            extra = (
                (
                    f"{'—' if used is None else f'{used * 100:.1f}%'} | "
                    f"{'—' if bill.get('idle_usd') is None else usd(bill['idle_usd'])} | "
                )
                if measured
                else ""
            )
            lines.append(
                f"| {markdown_cell(bill['name'])} | {len(bill['resource_ids'])} | "
                f"{bill['line_items']:,} | {usd(bill['cost_usd'])} | {extra}{bill['split']}: "
                f"{markdown_cell(shares)} |"
            )
    elif document.get("capacity"):
        lines += ["", "### Shared capacity", ""]
        lines += [
            "| Capacity | Held | Cost | Tokens | Utilisation | Effective per 1M tokens | Split |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for e in document["capacity"]:
            used = e["utilization_fraction"]
            split = e["split"] + (f", idle {e['idle']}" if e["idle"] else "")
            if e["idle_usd"]:
                split += f" ({usd(e['idle_usd'])} idle)"
            lines.append(
                f"| {markdown_cell(e['name'])} | {markdown_cell(e['description'])} × "
                f"{e['hours']:g} h | "
                f"{usd(e['cost_usd'])} | {e['tokens']:,} | "
                f"{'—' if used is None else f'{used * 100:.1f}%'} | "
                f"{usd(e['effective_usd_per_1m_tokens'])} | {split} |"
            )
    if document.get("budgets"):
        lines += ["", f"### Budgets: {document['verdict']}", ""]
        lines += [
            "| Tenant | Month to date | Projected month | Budget | Used | Projected | Result |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for b in document["budgets"]:
            lines.append(
                f"| {markdown_cell(b['tenant'])} | {usd(b['month_to_date_usd'])} | "
                f"{usd(b['projected_month_usd'])} | {usd(b['budget_usd'])} | "
                f"{b['used_percent']:.1f}% | {b['projected_percent']:.1f}% | {budget_result(b)} |"
            )
        first = document["budgets"][0]
        lines += [
            "",
            f"Projection: month-to-date ÷ {first['days_elapsed']} days elapsed × "
            f"{first['days_in_month']} days in {first['month']} (linear run rate).",
        ]
    lines += anomaly_lines(document)
    if document.get("idle_capacity"):
        lines += ["", "### Idle capacity", ""]
        lines += [
            "| Capacity | Utilisation | Threshold | Cost in the period | Idle | Idle a month |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for idle in document["idle_capacity"]:
            lines.append(
                f"| {markdown_cell(idle['name'])} | {idle['utilization_fraction'] * 100:.1f}% | "
                f"{idle['threshold_fraction'] * 100:.0f}% | {usd(idle['period_cost_usd'])} | "
                f"{usd(idle['idle_usd'])} | {usd(idle['monthly_idle_usd'])} |"
            )
    if document["problems"]:
        lines += ["", f"### {what} not allocated", ""]
        for p in document["problems"]:
            count = f"{p['records']:,} × " if p["records"] else ""
            lines.append(f"- {count}{markdown_cell(p['reason'])}")
            lines += [f"  - `{markdown_code(e)}`" for e in p["examples"]]
    for note in document.get("notes", []):
        lines += ["", f"Note: {markdown_cell(note)}"]
    if document.get("sources"):
        lines += ["", "Prices: " + ", ".join(f"`{markdown_code(s)}`" for s in document["sources"])]
    return lines


def anomaly_lines(document: Mapping[str, Any]) -> list[str]:
    """The anomalies section (Markdown lines; none when anomalies were not looked for)."""
    settings = document.get("anomaly_settings")
    if settings is None:
        return []
    found: Sequence[Mapping[str, Any]] = document.get("anomalies", [])
    lines = [
        "",
        f"### Anomalies: {len(found)}",
        "",
        f"A day is flagged when its spend exceeds the median of the {settings['window_days']} "
        f"days before it + {settings['k']:g} × max(1.4826 × MAD, "
        f"{settings['floor_share'] * 100:g}% of the median), with at least "
        f"{settings['min_history_days']} days of history and {usd(settings['min_usd'])} spent.",
    ]
    if found:
        lines += [
            "",
            "| Series | Day | Spend | Baseline | Threshold | Above baseline |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for a in found:
            series = ", ".join(f"{k} {v}" for k, v in a["series"].items())
            lines.append(
                f"| {markdown_cell(series)} | {a['day']} | {usd(a['cost_usd'])} | "
                f"{usd(a['baseline_usd'])} | {usd(a['threshold_usd'])} | "
                f"{usd(a['excess_usd'])} |"
            )
    return lines


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


def variance_cells(row: VarianceRow) -> list[str]:
    from genai_cost.report.changes import signed_usd

    percent = row["variance_percent"]
    actual = row["actual_requests"]
    return [
        row["scenario"],
        row["workload"],
        usd(row["estimate_usd"]),
        usd(row["actual_usd"]) if row["actual_usd"] is not None else "no actuals",
        signed_usd(row["variance_usd"]),
        "—" if percent is None else f"{percent:+.1f}%",
        f"{row['estimated_requests']:,.0f}",
        "—" if actual is None else f"{actual:,}",
    ]


def variance_heading(document: VarianceDocument) -> str:
    period = document["period"]
    return (
        f"Estimate vs actual, {period['first_day']} to {period['last_day']} "
        f"({period['days']} days = {period['days'] * 24} hours; the monthly estimate × "
        f"{period['estimate_factor']:.4f}) — actuals: {document['actuals_source']}"
    )


def render_variance_markdown(document: VarianceDocument) -> str:
    lines = [
        "## " + markdown_cell(variance_heading(document)),
        "",
        "| Scenario | Workload | Estimate | Actual | Variance | Variance % | Requests (est.) "
        "| Requests |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in document["workloads"]:
        lines.append("| " + " | ".join(markdown_cell(c) for c in variance_cells(row)) + " |")
    if document["not_in_estimate"]:
        lines += ["", "Actual spend not matched to a workload:", ""]
        lines += [
            f"- {markdown_cell(r['key'])}: {usd(r['actual_usd'])}"
            for r in document["not_in_estimate"]
        ]
    if document["not_attributed"]:
        lines += ["", "Log records in no actual (their cost is not counted):", ""]
        lines += [
            f"- {p['records']:,} record(s): {markdown_cell(p['reason'])}"
            for p in document["not_attributed"]
        ]
    return "\n".join(lines) + "\n"


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


def cur_cells(row: Mapping[str, Any]) -> list[str]:
    numbers = [f"{row[c]:,}" for c in TOKEN_COLUMNS]
    share = f"{row['share'] * 100:.1f}%" if "share" in row else "100.0%"
    return [
        *numbers,
        usd(row["token_cost_usd"], 4),
        usd(row["other_cost_usd"], 4),
        usd(row["cost_usd"], 4),
        share,
    ]


def render_cur_allocation_markdown(
    document: CurAllocationDocument, columns: list[str] | None = None
) -> str:
    """Chargeback from the bill: the spend by key, then budgets, anomalies, what was left out
    (`columns`: the `--columns` names of the figures to show; default all)."""
    heads = list(CUR_HEADINGS)
    return cur_allocation_markdown(document, chosen_columns(columns, heads) or heads)


def cur_allocation_markdown(document: CurAllocationDocument, headings: Sequence[str]) -> str:
    """`render_cur_allocation_markdown` with the figures' headings chosen already."""
    names = document["by"]
    items = document["line_items"]
    period = document["period"]
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    total: Mapping[str, Any] = document["total"]
    shown, figures = keep_columns(
        CUR_HEADINGS, [*(cur_cells(row) for row in rows), cur_cells(total)], headings
    )
    span = (
        "no line items allocated"
        if period["first_day"] is None
        else f"{period['first_day']} to {period['last_day']}"
    )
    lines = [
        "## Chargeback from the Cost and Usage Report",
        "",
        f"Period {span} · tenant key `{markdown_code(document['tenant_key'])}` · "
        f"{document['cost_basis']} cost · {items['allocated']:,} generative-AI line items of "
        f"{items['read']:,} read from {document['files']:,} file(s)",
        "",
        "| " + " | ".join([*(n.capitalize() for n in names), *shown]) + " |",
        "|" + "---|" * len(names) + "---:|" * len(shown),
    ]
    for row, values in zip(rows, figures, strict=False):
        lines.append("| " + " | ".join([*(markdown_cell(row[n]) for n in names), *values]) + " |")
    lines.append("| " + " | ".join(["**Total**", *[""] * (len(names) - 1), *figures[-1]]) + " |")
    lines += [
        "",
        f"Left out: {items['not_generative_ai']:,} line item(s) of other services "
        f"({usd(items['not_generative_ai_usd'])}); generative-AI spend is Amazon Bedrock "
        "(with Marketplace-billed models), Amazon SageMaker, accelerated EC2 instances and "
        "the services named with --service.",
    ]
    if document["excluded_line_item_types"]:
        lines += [
            "",
            f"Excluded ({', '.join(document['excluded_line_item_types'])}): "
            f"{items['excluded']:,} generative-AI line item(s), {usd(items['excluded_usd'])}.",
        ]
    codes = items.get("by_product_code") or []
    if codes:
        lines += [
            "",
            "### Selected and left out, by product code",
            "",
            "| Product code | Counted | Line items | Cost |",
            "|---|---|---:|---:|",
            *(
                f"| {markdown_cell(c['product_code'])} | "
                f"{'selected' if c['selected'] else 'left out'} | {c['line_items']:,} | "
                f"{usd(c['cost_usd'], 4)} |"
                for c in codes
            ),
        ]
    lines += sections(document, "Line items")  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


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


def render_reconcile_markdown(document: ReconcileDocument) -> str:
    """Logs and bill side by side per tenant, with what explains each difference."""
    lp, bp = document["logs_period"], document["bill_period"]
    lines = [
        "## Logs against the bill",
        "",
        f"Logs {lp['first_day']} to {lp['last_day']} (tenant `"
        f"{markdown_code(document['logs_tenant_key'])}`, priced from "
        f"`{markdown_code(document['snapshot'])}`) · bill {bp['first_day']} to "
        f"{bp['last_day']} (tenant `{markdown_code(document['bill_tenant_key'])}`, "
        f"{document['cost_basis']} cost)",
        "",
        "| Tenant | Logs (priced) | Bill: tokens | Difference | Bill: other | Bill | "
        "Tokens (logs) | Tokens (bill) | Why |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in document["rows"]:
        lines.append(
            f"| {markdown_cell(r['tenant'])} | {usd(r['logs_usd'], 4)} | "
            f"{usd(r['bill_token_usd'], 4)} | {usd(r['token_difference_usd'], 4)} | "
            f"{usd(r['bill_other_usd'], 4)} | {usd(r['bill_usd'], 4)} | {r['logs_tokens']:,} | "
            f"{r['bill_tokens']:,} | {markdown_cell(r['explanation'])} |"
        )
    t = document["total"]
    lines.append(
        f"| **Total** | {usd(t['logs_usd'], 4)} | {usd(t['bill_token_usd'], 4)} | "
        f"{usd(t['token_difference_usd'], 4)} | {usd(t['bill_other_usd'], 4)} | "
        f"{usd(t['bill_usd'], 4)} | | | |"
    )
    if document["records_not_allocated"]:
        lines += [
            "",
            f"{document['records_not_allocated']:,} logged record(s) could not be priced or "
            "read (`genai-cost allocate` lists them): their usage is in the bill only.",
        ]
    return "\n".join(lines) + "\n"


def render_reconcile_csv(document: ReconcileDocument) -> str:
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    return csv_table(RECONCILE_COLUMNS, ([r[c] for c in RECONCILE_COLUMNS] for r in rows))
