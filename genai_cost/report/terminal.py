"""The terminal tables (the default `table` format), laid out by report/texttable.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.changes import CheckDocument, DiffDocument
from genai_cost.documents.estimate import EstimateDocument
from genai_cost.documents.tracking import (
    AllocationDocument,
    CurAllocationDocument,
    VarianceDocument,
)
from genai_cost.report.allocation import keep_columns
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
from genai_cost.report.texttable import STYLES, Column, Table, fits, wrap


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


LEFT_OUT_NOTE = (
    "Left out to fit {width} columns: {names} (--columns chooses, -f csv has every figure)"
)


def _fitted(
    document: Mapping[str, Any],
    heads: Sequence[str],
    figures: Sequence[list[str]],
    order: Sequence[str],
    chosen: Sequence[str] | None,
    width: int,
    title: str = "",
) -> tuple[Table, list[str], list[str]]:
    """A chargeback table — the keys of `document["by"]`, then `figures` (one list per row
    and a last one for the total) under `heads` — with the `chosen` headings, or, when none
    are chosen, without `order`'s columns (first to last) while it does not fit `width`.
    Returns the table, the headings kept and those left out."""
    keys = [name.capitalize() for name in document["by"]]
    rows: Sequence[Mapping[str, Any]] = document["rows"]

    def build(kept: Sequence[str]) -> Table:
        shown, cells = keep_columns(heads, figures, kept)
        table = Table(
            [*(Column(k) for k in keys), *(Column(h, "right", False) for h in shown)], title
        )
        for row, values in zip(rows, cells, strict=False):
            table.add(*(row[n] for n in document["by"]), *values)
        table.add("Total", *[""] * (len(keys) - 1), *cells[-1], style="bold")
        return table

    kept, dropped = list(chosen or heads), []
    if chosen is None:
        for name in order:
            if fits(build(kept), width):
                break
            if name in kept:
                kept.remove(name)
                dropped.append(name)
    return build(kept), kept, dropped


def _left_out(dropped: list[str], *, color: bool, width: int) -> str:
    if not dropped:
        return ""
    text = LEFT_OUT_NOTE.format(width=width, names=", ".join(dropped))
    return _note(text, color=color, width=width)


def render_cur_allocation_table(
    document: CurAllocationDocument, *, color: bool, width: int, columns: list[str] | None = None
) -> str:
    """The bill's chargeback for a terminal: as its Markdown report, with the main table
    narrowed to fit (token detail left out first, said in a note) unless `columns` chooses."""
    from genai_cost.report.allocation import (
        CUR_HEADINGS,
        CUR_NARROWING,
        chosen_columns,
        cur_allocation_markdown,
        cur_cells,
    )

    rows: Sequence[Mapping[str, Any]] = document["rows"]
    figures = [cur_cells(row) for row in [*rows, document["total"]]]
    chosen = chosen_columns(columns, CUR_HEADINGS)
    _, kept, dropped = _fitted(document, CUR_HEADINGS, figures, CUR_NARROWING, chosen, width)
    markdown = cur_allocation_markdown(document, kept)
    text = render_markdown_table(markdown, color=color, width=width)
    return _left_out(dropped, color=color, width=width) + text


def render_allocation_table(
    document: AllocationDocument, *, color: bool, width: int, columns: list[str] | None = None
) -> str:
    """The chargeback table; `columns` (`allocate --columns`) chooses the figures shown.
    Without it, a terminal too narrow for every column gets a narrower table — token detail
    left out first (`NARROWING`), said in a note — rather than a card per tenant."""
    from genai_cost.report.allocation import (
        NARROWING,
        cells,
        chosen_columns,
        headings,
        period_text,
        sections,
    )

    shared = bool(document.get("capacity"))
    heads = list(headings(shared))
    rows: Sequence[Mapping[str, Any]] = document["rows"]
    figures = [cells(row, shared) for row in [*rows, document["total"]]]
    title = f"Chargeback, {period_text(document)} (tenant key {document['tenant_key']})"
    chosen = chosen_columns(columns, heads)
    table, _, dropped = _fitted(document, heads, figures, NARROWING, chosen, width, title)
    text = table.render(width, color=color) + _left_out(dropped, color=color, width=width)
    rest = sections(document)
    more = render_markdown_table("\n".join(rest), color=color, width=width) if rest else ""
    return text + more


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
    for p in document["not_attributed"]:
        out += plain(f"in no actual: {p['records']:,} record(s): {p['reason']}") + "\n"
    return out


def render_markdown_table(markdown: str, *, color: bool, width: int) -> str:
    """A Markdown report laid out for the terminal: headings as titles, pipe tables as tables
    sized to `width` (ids wrap, nothing is cut), paragraphs wrapped — so every command's
    `table` format is a terminal table even where its report is written as Markdown."""
    from genai_cost.report.markdown_tables import blocks

    parts: list[str] = []
    title = ""
    for block in blocks(markdown):
        if block.kind == "heading":
            if title:
                parts.append(_note(title, color=color, width=width, style="bold"))
            title = block.text
        elif block.kind == "table":
            table = Table(
                [
                    Column(h, "right", wrap=False) if right else Column(h)  # figures: one line
                    for h, right in zip(block.header, block.right, strict=True)
                ],
                title,
            )
            title = ""
            for k, row in enumerate(block.rows):
                table.add(*row, style="bold" if k in block.strong else "")
            parts.append(table.render(width, color=color))
        else:
            if title:
                parts.append(_note(title, color=color, width=width, style="bold"))
                title = ""
            if block.kind == "code":
                parts.append("".join(f"    {plain(line)}\n" for line in block.text.splitlines()))
            else:
                parts.append(_note(block.text, color=color, width=width, style=""))
    if title:
        parts.append(_note(title, color=color, width=width, style="bold"))
    return "".join(parts)
