"""The rich terminal table (the default format). The only report module importing rich."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genai_cost.report.extras import scenario_extras
from genai_cost.report.labels import capacity, option_label, percent, usd, workload_records
from genai_cost.report.markdown import notes
from genai_cost.report.sanitize import plain


def _text(value: object, style: str = "") -> Text:
    """Input text for a table: one line, no control characters, never read as rich markup."""
    return Text(plain(value), style=style)


def _row(table: Table, *cells: object, style: str | None = None) -> None:
    table.add_row(*(_text(c) for c in cells), style=style)


def _console(buffer: io.StringIO, *, color: bool, width: int) -> Console:
    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        soft_wrap=False,
    )


def render_table(document: dict[str, Any], *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = _console(buffer, color=color, width=width)
    snapshot = document["snapshot"]
    console.print(
        _text(
            f"Prices: snapshot {snapshot['id']} (as of {snapshot['as_of']}), "
            f"priced for {document['pricing_date']}; months of 730 h.",
            style="dim",
        )
    )
    for scenario in document["scenarios"]:
        for w in scenario["workloads"]:
            table = Table(
                title=_text(f"{scenario['name']} · {w['name']} · {w['model']} · {w['region']}"),
                title_justify="left",
                expand=False,
            )
            table.add_column("Option")
            table.add_column("Monthly", justify="right")
            table.add_column("Per 1K req", justify="right")
            table.add_column("Capacity", justify="right")
            table.add_column("Util.", justify="right")
            table.add_column("Notes", overflow="fold", max_width=60)
            for r in workload_records(document, scenario["name"], w["name"]):
                style = "bold green" if r["cheapest"] else ("" if r["feasible"] else "dim")
                _row(
                    table,
                    option_label(r) + (" ✓" if r["cheapest"] else ""),
                    usd(r["monthly_cost_usd"]),
                    usd(r["cost_per_1k_requests_usd"], 4),
                    capacity(r),
                    percent(r["utilization_fraction"]),
                    notes(r),
                    style=style,
                )
            console.print(table)
        summary = Table(
            title=_text(f"{scenario['name']}: cheapest option per workload"), title_justify="left"
        )
        summary.add_column("Workload")
        summary.add_column("Cheapest option")
        summary.add_column("Monthly", justify="right")
        for w in scenario["workloads"]:
            _row(summary, w["name"], option_label(w), usd(w["monthly_cost_usd"]))
        _row(summary, "Total", "", usd(scenario["total_monthly_cost_usd"]), style="bold")
        console.print(summary)
        extras = scenario_extras(scenario)
        if extras:
            from rich.markdown import Markdown

            console.print(Markdown("\n".join(extras)))
    return buffer.getvalue()


def render_diff_table(document: dict[str, Any], *, color: bool, width: int) -> str:
    from genai_cost.report.changes import change_text, signed_usd, verdict_line

    buffer = io.StringIO()
    console = _console(buffer, color=color, width=width)
    console.print(_text(verdict_line(document).replace("**", "").replace("`", "")))
    table = Table(title_justify="left")
    for column, justify in (
        ("Scenario", "left"),
        ("Workload", "left"),
        ("Base", "right"),
        ("Head", "right"),
        ("Change", "right"),
        ("Usage", "right"),
        ("Prices", "right"),
        ("Status", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for s in document["scenarios"]:
        for w in s["workloads"]:
            _row(
                table,
                s["name"],
                w["name"],
                usd(w["base_monthly_cost_usd"]),
                usd(w["head_monthly_cost_usd"]),
                change_text(w),
                signed_usd(w["usage_effect_usd"]),
                signed_usd(w["price_effect_usd"]),
                w["status"],
            )
    total = document["total"]
    _row(
        table,
        "Total",
        "",
        usd(total["base_monthly_cost_usd"]),
        usd(total["head_monthly_cost_usd"]),
        change_text(total),
        signed_usd(total["usage_effect_usd"]),
        signed_usd(total["price_effect_usd"]),
        total["status"],
        style="bold",
    )
    console.print(table)
    for side in ("base", "head"):
        info = document[side]
        console.print(
            _text(
                f"{side}: {info['label']} — {info['prices']}, priced for {info['pricing_date']}",
                style="dim",
            )
        )
    return buffer.getvalue()


def render_check_table(document: dict[str, Any], *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = _console(buffer, color=color, width=width)
    table = Table(title=_text(f"Budgets: {document['verdict']}"), title_justify="left")
    for column in ("Scenario", "Workload", "Monthly cost", "Budget", "Used", "Alerts", "Result"):
        table.add_column(column)
    for b in document["budgets"]:
        alerts = ", ".join(f"{a:g}%" for a in b["alerts_crossed_percent"]) or "—"
        style = {"fail": "bold red", "alert": "yellow"}.get(b["level"], "")
        _row(
            table,
            b["scenario"],
            b["workload"] or "(scenario)",
            usd(b["monthly_cost_usd"]),
            usd(b["budget_usd"]),
            f"{b['used_percent']:.1f}%",
            alerts,
            b["level"],
            style=style,
        )
    console.print(table)
    return buffer.getvalue()


def render_allocation_table(document: dict[str, Any], *, color: bool, width: int) -> str:
    from genai_cost.report.allocation import cells, headings, period_text, sections

    buffer = io.StringIO()
    console = _console(buffer, color=color, width=width)
    table = Table(
        title=_text(f"Chargeback, {period_text(document)} (tenant key {document['tenant_key']})"),
        title_justify="left",
    )
    for name in document["by"]:
        table.add_column(name.capitalize())
    shared = bool(document.get("capacity"))
    for heading in headings(shared):
        table.add_column(heading, justify="right")
    for row in document["rows"]:
        _row(table, *(row[n] for n in document["by"]), *cells(row, shared))
    _row(
        table,
        "Total",
        *[""] * (len(document["by"]) - 1),
        *cells(document["total"], shared),
        style="bold",
    )
    console.print(table)
    console.print("\n".join(sections(document)).replace("### ", ""), markup=False)
    return buffer.getvalue()


def render_variance_table(document: dict[str, Any], *, color: bool, width: int) -> str:
    from genai_cost.report.allocation import variance_cells, variance_heading

    buffer = io.StringIO()
    console = _console(buffer, color=color, width=width)
    table = Table(title=_text(variance_heading(document)), title_justify="left")
    for column in (
        "Scenario",
        "Workload",
        "Estimate",
        "Actual",
        "Variance",
        "%",
        "Requests (est.)",
        "Requests",
    ):
        table.add_column(column, justify="left" if column in ("Scenario", "Workload") else "right")
    for row in document["workloads"]:
        _row(table, *variance_cells(row))
    console.print(table)
    for r in document["not_in_estimate"]:
        console.print(_text(f"not matched to a workload: {r['key']} {usd(r['actual_usd'])}"))
    return buffer.getvalue()
