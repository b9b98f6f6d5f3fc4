"""Chargeback reports: Markdown and CSV (the terminal table lives in report/terminal.py)."""

from __future__ import annotations

import csv
import io
from typing import Any

from genai_cost.report.csv_report import safe_cell
from genai_cost.report.labels import usd

TOKEN_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_write_input_tokens",
)
COLUMNS = ("requests", *TOKEN_COLUMNS, "cost_usd", "share")
HEADINGS = ("Requests", "Input", "Output", "Cache read", "Cache write", "Cost", "Share")


def cells(row: dict[str, Any]) -> list[str]:
    """Display text of a row's numeric columns, in COLUMNS order."""
    numbers = [f"{row[c]:,}" for c in ("requests", *TOKEN_COLUMNS)]
    share = f"{row['share'] * 100:.1f}%" if "share" in row else "100.0%"
    return [*numbers, usd(row["cost_usd"], 4), share]


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_allocation_markdown(document: dict[str, Any]) -> str:
    names = document["by"]
    period = document["period"]
    lines = [
        "## Chargeback",
        "",
        f"Period {period['first_day']} to {period['last_day']} · tenant key "
        f"`{document['tenant_key']}` · snapshot `{document['snapshot']}` · "
        f"{document['records']['allocated']:,} of {document['records']['read']:,} records "
        "allocated",
        "",
        "| " + " | ".join([*(n.capitalize() for n in names), *HEADINGS]) + " |",
        "|" + "---|" * len(names) + "---:|" * len(HEADINGS),
    ]
    for row in document["rows"]:
        lines.append("| " + " | ".join([*(_escape(row[n]) for n in names), *cells(row)]) + " |")
    total = document["total"]
    lines.append("| " + " | ".join(["**Total**", *[""] * (len(names) - 1), *cells(total)]) + " |")
    if document.get("budgets"):
        lines += ["", f"### Budgets: {document['verdict']}", ""]
        lines += [
            "| Tenant | Month to date | Projected month | Budget | Used | Projected | Result |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for b in document["budgets"]:
            lines.append(
                f"| {_escape(b['tenant'])} | {usd(b['month_to_date_usd'])} | "
                f"{usd(b['projected_month_usd'])} | {usd(b['budget_usd'])} | "
                f"{b['used_percent']:.1f}% | {b['projected_percent']:.1f}% | {b['level']} |"
            )
        first = document["budgets"][0]
        lines += [
            "",
            f"Projection: month-to-date ÷ {first['days_elapsed']} days elapsed × "
            f"{first['days_in_month']} days in {first['month']} (linear run rate).",
        ]
    if document["problems"]:
        lines += ["", "### Records not allocated", ""]
        for p in document["problems"]:
            lines.append(f"- {p['records']:,} × {_escape(p['reason'])}")
            lines += [f"  - `{_escape(e)}`" for e in p["examples"]]
    if document["sources"]:
        lines += ["", "Prices: " + ", ".join(f"`{s}`" for s in document["sources"])]
    return "\n".join(lines) + "\n"


def render_allocation_csv(document: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = document["by"]
    writer.writerow([*names, *COLUMNS])
    for row in document["rows"]:
        writer.writerow([safe_cell(row[c]) for c in (*names, *COLUMNS)])
    return buffer.getvalue()
