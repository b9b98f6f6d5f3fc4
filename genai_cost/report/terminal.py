"""The terminal tables (the default `table` format), laid out by report/texttable.py."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.changes import CheckDocument, DiffDocument
from genai_cost.documents.estimate import EstimateDocument
from genai_cost.documents.tracking import AllocationDocument, VarianceDocument
from genai_cost.report.labels import (
    capacity,
    option_lines,
    percent,
    period_text,
    records_by_workload,
    usd,
)
from genai_cost.report.markdown import notes, summary_section
from genai_cost.report.sanitize import plain
from genai_cost.report.sections import Section, lines_section, scenario_sections
from genai_cost.report.texttable import STYLES, Column, Table, wrap


def _note(text: str, *, color: bool, width: int, style: str = "dim") -> str:
    code = STYLES[style]
    lines = wrap(plain(text), max(width, 20))
    if color:
        lines = [f"\x1b[{code}m{line}\x1b[0m" for line in lines]
    return "\n".join(lines) + "\n"


def section_table(section: Section, *, color: bool, width: int) -> str:
    """A report section as a terminal table, with its paragraphs and points as notes."""
    parts = [_note(text, color=color, width=width, style="") for text in section.before]
    table = Table(
        [
            Column(name, "right" if align == "r" else "left", align != "r")
            for name, align in zip(section.columns, section.align, strict=True)
        ],
        section.title,
    )
    for k, row in enumerate(section.rows):
        table.add(*row, style="bold" if k in section.strong else "")
    parts.append(table.render(width, color=color))
    parts += [_note(f"• {item}", color=color, width=width) for item in section.after]
    return "".join(parts)


def render_table(
    document: EstimateDocument, *, color: bool, width: int, expand: bool = False
) -> str:
    snapshot = document["snapshot"]
    parts = [
        _note(
            f"Prices: snapshot {snapshot['id']} (as of {snapshot['as_of']}), "
            f"priced for {document['pricing_date']}; {period_text(document['scenarios'])}.",
            color=color,
            width=width,
        )
    ]
    for warning in document["warnings"]:
        parts.append(_note(f"warning: {warning}", color=color, width=width, style="yellow"))
    by_workload = records_by_workload(document)
    columns = (
        Column("Option"),
        Column("Monthly", "right", wrap=False),
        Column("Per 1K req", "right", wrap=False),
        Column("Capacity", "right", wrap=False),
        Column("Util.", "right", wrap=False),
        Column("Notes"),
    )
    for scenario in document["scenarios"]:
        for w in scenario["workloads"]:
            table = Table(
                columns, f"{scenario['name']} · {w['name']} · {w['model']} · {w['region']}"
            )
            records = by_workload.get((scenario["name"], w["name"]), [])
            for item in option_lines(records, expand):
                r = item.record
                if r is None:
                    table.add(item.label, "—", "—", "—", "—", item.reason, style="dim")
                    continue
                table.add(
                    item.label + (" ✓" if r["cheapest"] else ""),
                    usd(r["monthly_cost_usd"]),
                    usd(r["cost_per_1k_requests_usd"], 4),
                    capacity(r),
                    percent(r["utilization_fraction"]),
                    notes(r),
                    style="bold green" if r["cheapest"] else ("" if r["feasible"] else "dim"),
                )
            parts.append(table.render(width, color=color))
        if scenario["bill"]["components"]:
            parts.append(section_table(lines_section(scenario["bill"]), color=color, width=width))
        for section in scenario_sections(scenario)[1:]:
            parts.append(section_table(section, color=color, width=width))
        summary = summary_section(scenario)
        summary.title = f"{scenario['name']}: the whole bill"
        parts.append(section_table(summary, color=color, width=width))
        parts.append(section_table(scenario_sections(scenario)[0], color=color, width=width))
    if document.get("monte_carlo"):
        from genai_cost.report.sections import monte_carlo_sections

        for section in monte_carlo_sections(document["monte_carlo"]):
            parts.append(section_table(section, color=color, width=width))
    return "".join(parts)


def render_diff_table(document: DiffDocument, *, color: bool, width: int) -> str:
    from genai_cost.report.changes import (
        change_text,
        detail_change,
        line_label,
        signed_usd,
        verdict_line,
    )

    table = Table(
        (
            Column("Scenario"),
            Column("Line"),
            Column("Base", "right", False),
            Column("Head", "right", False),
            Column("Change", "right", False),
            Column("Usage", "right", False),
            Column("Prices", "right", False),
            Column("What"),
        )
    )
    for s in document["scenarios"]:
        for ln in s["lines"]:
            table.add(
                s["name"],
                line_label(ln),
                usd(ln["base_monthly_cost_usd"]),
                usd(ln["head_monthly_cost_usd"]),
                change_text(ln),
                signed_usd(ln["usage_effect_usd"]),
                signed_usd(ln["price_effect_usd"]),
                detail_change(ln),
            )
    total = document["total"]
    table.add(
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
    parts = [
        _note(
            verdict_line(document).replace("**", "").replace("`", ""),
            color=color,
            width=width,
            style="",
        ),
        table.render(width, color=color),
    ]
    for side in ("base", "head"):
        info = document[side]
        parts.append(
            _note(
                f"{side}: {info['label']} — {info['prices']}, priced for {info['pricing_date']}",
                color=color,
                width=width,
            )
        )
    return "".join(parts)


def render_check_table(document: CheckDocument, *, color: bool, width: int) -> str:
    table = Table(
        [
            Column(c)
            for c in ("Scenario", "Workload", "Monthly bill", "Budget", "Used", "Alerts", "Result")
        ],
        f"Budgets: {document['verdict']}",
    )
    for b in document["budgets"]:
        alerts = ", ".join(f"{a:g}%" for a in b["alerts_crossed_percent"]) or "—"
        table.add(
            b["scenario"],
            b["workload"] or "(scenario)",
            usd(b["monthly_cost_usd"]),
            usd(b["budget_usd"]),
            f"{b['used_percent']:.1f}%",
            alerts,
            b["level"],
            style={"fail": "bold red", "alert": "yellow"}.get(b["level"], ""),
        )
    return table.render(width, color=color)


def render_allocation_table(document: AllocationDocument, *, color: bool, width: int) -> str:
    from genai_cost.report.allocation import cells, headings, period_text, sections

    shared = bool(document.get("capacity"))
    table = Table(
        [
            *(Column(name.capitalize()) for name in document["by"]),
            *(Column(h, "right", False) for h in headings(shared)),
        ],
        f"Chargeback, {period_text(document)} (tenant key {document['tenant_key']})",
    )
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    for row in rows:
        table.add(*(row[n] for n in document["by"]), *cells(row, shared))
    table.add(
        "Total",
        *[""] * (len(document["by"]) - 1),
        *cells(document["total"], shared),
        style="bold",
    )
    rest = sections(document)
    text = render_markdown_table("\n".join(rest), color=color, width=width) if rest else ""
    return table.render(width, color=color) + text


def render_variance_table(document: VarianceDocument, *, color: bool, width: int) -> str:
    from genai_cost.report.allocation import variance_cells, variance_heading

    table = Table(
        [
            Column(
                c,
                "left" if c in ("Scenario", "Workload") else "right",
                c in ("Scenario", "Workload"),
            )
            for c in (
                "Scenario",
                "Workload",
                "Estimate",
                "Actual",
                "Variance",
                "%",
                "Requests (est.)",
                "Requests",
            )
        ],
        variance_heading(document),
    )
    for row in document["workloads"]:
        table.add(*variance_cells(row))
    out = table.render(width, color=color)
    for r in document["not_in_estimate"]:
        out += plain(f"not matched to a workload: {r['key']} {usd(r['actual_usd'])}") + "\n"
    return out


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (escaped pipes kept), emphasis and code marks gone."""
    inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
    cells = [c.replace("\0", "|") for c in inner.replace("\\|", "\0").split("|")]
    return [_unmark(c.strip()) for c in cells]


def _unmark(text: str) -> str:
    """Markdown inline marks removed: **bold**, `code`, backslash escapes."""
    for mark in ("**", "`"):
        text = text.replace(mark, "")
    for char in "\\*_[]()#+-.!|<>":
        text = text.replace("\\" + char, char)
    return text


def render_markdown_table(markdown: str, *, color: bool, width: int) -> str:
    """A Markdown report laid out for the terminal: headings as titles, pipe tables as tables
    sized to `width` (ids wrap, nothing is cut), paragraphs wrapped — so every command's
    `table` format is a terminal table even where its report is written as Markdown."""
    parts: list[str] = []
    title = ""
    lines = markdown.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        stripped = line.strip()
        if stripped.startswith("#"):
            title = _unmark(stripped.lstrip("#").strip())
            k += 1
            continue
        is_table = (
            stripped.startswith("|")
            and k + 1 < len(lines)
            and set(lines[k + 1].replace(" ", "")) <= set("|-:")
            and lines[k + 1].strip().startswith("|")
        )
        if is_table:
            header = _cells(line)
            aligns = _cells(lines[k + 1])
            table = Table(
                [
                    Column(h, "right", wrap=False)  # figures stay on one line
                    if a.endswith(":") and not a.startswith(":")
                    else Column(h)
                    for h, a in zip(header, aligns + [""] * len(header), strict=False)
                ],
                title,
            )
            title = ""
            k += 2
            while k < len(lines) and lines[k].strip().startswith("|"):
                strong = "**" in lines[k]
                cells = _cells(lines[k])
                table.add(
                    *(cells + [""] * (len(header) - len(cells))), style="bold" if strong else ""
                )
                k += 1
            parts.append(table.render(width, color=color))
            continue
        if title:
            parts.append(_note(title, color=color, width=width, style="bold"))
            title = ""
        if stripped:
            text = _unmark(stripped.lstrip(">").strip())
            if stripped.startswith(("- ", "* ")):
                text = "• " + _unmark(stripped[2:])
            parts.append(_note(text, color=color, width=width, style=""))
        k += 1
    if title:
        parts.append(_note(title, color=color, width=width, style="bold"))
    return "".join(parts)


def render_markdown_csv(markdown: str) -> str:
    """The tables of a Markdown report as one CSV: a `table` column names the section each
    row comes from (its heading), then the table's own columns; tables with different
    columns are stacked under the union of their headers. Cells are formula-safe."""
    from genai_cost.report.sanitize import csv_table

    tables: list[tuple[str, list[str], list[list[str]]]] = []
    title = ""
    lines = markdown.splitlines()
    k = 0
    while k < len(lines):
        stripped = lines[k].strip()
        if stripped.startswith("#"):
            title = _unmark(stripped.lstrip("#").strip())
        elif (
            stripped.startswith("|")
            and k + 1 < len(lines)
            and lines[k + 1].strip().startswith("|")
            and set(lines[k + 1].replace(" ", "")) <= set("|-:")
        ):
            header = _cells(lines[k])
            rows = []
            k += 2
            while k < len(lines) and lines[k].strip().startswith("|"):
                rows.append(_cells(lines[k]))
                k += 1
            tables.append((title, header, rows))
            continue
        k += 1
    columns: list[str] = []
    for _, header, _ in tables:
        columns += [h for h in header if h not in columns]
    out = []
    for name, header, rows in tables:
        for row in rows:
            cells = dict(zip(header, row, strict=False))
            out.append([name, *(_csv_value(cells.get(c, "")) for c in columns)])
    return csv_table(["table", *columns], out)


_FIGURE = re.compile(r"^([+-]?)\$?([0-9][0-9,]*(?:\.[0-9]+)?)$")


def _csv_value(text: str) -> str | float | int:
    """A money or count cell as a number ("-$60,000.40" → -60000.4, "1,234" → 1234) so a
    spreadsheet reads it as one; anything else as text."""
    if text.strip() in ("—", "-"):
        return ""  # no value: an empty cell, not a dash
    match = _FIGURE.match(text.strip())
    if match is None:
        return text
    number = match.group(2).replace(",", "")
    value = float(number) if "." in number else int(number)
    return -value if match.group(1) == "-" else value
