"""A `Report` (report/blocks.py) in each format: the terminal, Markdown, CSV, HTML and Parquet.

Every format draws the same blocks, so a command's table, its PR comment, its spreadsheet
and its HTML page say the same thing. Text from inputs is encoded for where it goes here:
Markdown cells escaped, CSV cells formula-safe, HTML autoescaped, terminal text without
control characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genai_cost.report.blocks import (
    Chart,
    Code,
    Col,
    Figures,
    Heading,
    Report,
    Table,
    Text,
    columns_of,
    human,
    raw,
    raw_text,
)
from genai_cost.report.sanitize import csv_cell, markdown_cell, markdown_code, plain
from genai_cost.report.texttable import STYLES, Column, fits, squeezed, wrap
from genai_cost.report.texttable import Table as TextTable

LEFT_OUT_NOTE = (
    "Left out to fit {width} columns: {names} (a wider terminal, -f markdown or -f csv "
    "shows them{choose})"
)


# ── terminal ────────────────────────────────────────────────────────────────────────────


def _note(text: str, *, color: bool, width: int, style: str = "dim") -> str:
    code = STYLES.get(style, "")
    lines = wrap(plain(text), max(width, 20))
    if color and code:
        lines = [f"\x1b[{code}m{line}\x1b[0m" for line in lines]
    return "\n".join(lines) + "\n"


def _text_table(table: Table, columns: Sequence[int], title: str) -> TextTable:
    cols = [table.columns[k] for k in columns]
    out = TextTable(
        [Column(c.header, "right", wrap=False) if c.numeric else Column(c.header) for c in cols],
        title,
    )
    for n, row in enumerate(table.rows):
        style = table.styles.get(n, "bold" if n in table.strong else "")
        out.add(
            *(human(row[k], c.kind, c.decimals) for k, c in zip(columns, cols, strict=True)),
            style=style,
        )
    return out


def _cramped(table: Table, kept: list[int], title: str, width: int) -> bool:
    """Whether, at `width`, the table would be cards or would wrap a column that is not
    optional (the answer's columns keep their width before a detail column does)."""
    text = _text_table(table, kept, title)
    if not fits(text, width):
        return True
    return any(
        wrapped and table.columns[k].header not in table.optional
        for k, wrapped in zip(kept, squeezed(text, width), strict=True)
    )


def terminal_table(table: Table, *, title: str, color: bool, width: int) -> str:
    """A table sized to `width`: its optional columns left out, first to last, while it
    would otherwise be cards or wrap one of its other columns (said in a note under it)."""
    kept = list(range(len(table.columns)))
    dropped: list[str] = []
    headers = [c.header for c in table.columns]
    for name in table.optional:
        if not _cramped(table, kept, title, width):
            break
        if name in headers and headers.index(name) in kept:
            kept.remove(headers.index(name))
            dropped.append(name)
    text = _text_table(table, kept, title).render(width, color=color)
    if dropped:
        choose = "; --columns chooses" if table.name == "row" else ""  # chargeback tables
        note = LEFT_OUT_NOTE.format(width=width, names=", ".join(dropped), choose=choose)
        text += _note(note, color=color, width=width)
    return text


def _figures_text(block: Figures, *, color: bool, width: int) -> str:
    label = max((len(plain(f.label)) for f in block.items), default=0) + 2
    out = []
    for f in block.items:
        value = human(f.value, f.kind, f.decimals)
        shown = f"\x1b[1m{plain(value)}\x1b[0m" if color else plain(value)
        head = (plain(f.label) + ":").ljust(label)
        lines = wrap(plain(value), max(width - label, 20))
        if len(lines) == 1:
            out.append(head + shown)
        else:
            out.append(head + lines[0])
            out += [" " * label + more for more in lines[1:]]
    return "\n".join(out) + "\n"


def to_terminal(report: Report, *, color: bool = False, width: int = 120) -> str:
    """The report for a terminal: a heading just above a table becomes its title; tables fit
    `width` (ids wrap, nothing is cut); notes are quiet, warnings yellow."""
    parts: list[str] = []
    title = ""

    def flush() -> None:
        nonlocal title
        if title:
            parts.append(_note(title, color=color, width=width, style="bold"))
            title = ""

    for block in report.blocks:
        if isinstance(block, Heading):
            flush()
            title = block.text
        elif isinstance(block, Table):
            heading = " · ".join(t for t in (title, block.title) if t)
            title = ""
            if block.folded:
                parts.append(_note(block.folded, color=color, width=width, style=""))
            parts.append(terminal_table(block, title=heading, color=color, width=width))
        else:
            flush()
            if isinstance(block, Text):
                styles = {"note": "dim", "warning": "yellow", "lead": "bold"}
                text, style = block.text, styles.get(block.style, "")
                if block.style == "bullet":
                    text, style = f"• {text}", "dim"
                elif block.style == "warning":
                    text = f"warning: {text}"
                parts.append(_note(text, color=color, width=width, style=style))
            elif isinstance(block, Figures):
                parts.append(_figures_text(block, color=color, width=width))
            elif isinstance(block, Code):
                parts.append("".join(f"    {plain(line)}\n" for line in block.text.splitlines()))
            elif isinstance(block, Chart) and block.ascii:
                parts.append("".join(f"  {plain(line)}\n" for line in block.ascii.splitlines()))
    flush()
    return "".join(parts)


# ── Markdown ────────────────────────────────────────────────────────────────────────────


def markdown_value(value: Any, column: Col) -> str:
    text = human(value, column.kind, column.decimals)
    if column.kind == "id" and text:
        return f"`{markdown_code(text)}`"
    return markdown_cell(text)


def markdown_table(table: Table) -> list[str]:
    lines = []
    if table.title:
        lines += [f"**{markdown_cell(table.title)}**", ""]
    lines.append("| " + " | ".join(markdown_cell(c.header) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|")
    for n, row in enumerate(table.rows):
        cells = [markdown_value(v, c) for v, c in zip(row, table.columns, strict=True)]
        if n in table.strong:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown (a PR comment, a wiki page)."""
    lines: list[str] = []
    previous: object = None
    for block in report.blocks:
        if isinstance(block, Text) and block.style == "bullet":
            if not (isinstance(previous, Text) and previous.style == "bullet"):
                lines.append("")
            lines.append(f"- {markdown_cell(block.text)}")
            previous = block
            continue
        if lines:
            lines.append("")
        if isinstance(block, Heading):
            lines.append("#" * min(max(block.level, 1), 6) + " " + markdown_cell(block.text))
        elif isinstance(block, Text):
            text = markdown_cell(block.text)
            if block.style == "warning":
                text = f"> **Warning:** {text}"
            elif block.style == "lead":
                text = f"**{text}**"
            lines.append(text)
        elif isinstance(block, Figures):
            for f in block.items:
                value = markdown_cell(human(f.value, f.kind, f.decimals))
                lines.append(f"- {markdown_cell(f.label)}: **{value}**")
        elif isinstance(block, Table):
            if block.folded:
                lines += ["<details>", f"<summary>{markdown_cell(block.folded)}</summary>", ""]
            lines += markdown_table(block)
            if block.folded:
                lines += ["", "</details>"]
        elif isinstance(block, Code):
            lines += [f"```{block.language}", *block.text.splitlines(), "```"]
        elif isinstance(block, Chart) and block.ascii:
            lines += ["```text", *block.ascii.splitlines(), "```"]
        previous = block
    text = "\n".join(lines).lstrip("\n") + "\n"
    return f"{report.marker}\n{text}" if report.marker else text


# ── CSV and Parquet ─────────────────────────────────────────────────────────────────────

RECORD = "record"
"""The first CSV/Parquet column: which table of the report a row comes from."""


SECTION = "section"
"""The second CSV/Parquet column: the heading (and title) the row's table is under — the
workload or scenario a repeated table is of."""


def data_tables(report: Report) -> list[tuple[str, Table]]:
    """The tables a data format writes, each with its section (the heading above it and its
    title): every table, or (a report without one) its key figures as a `figures` table."""
    found: list[tuple[str, Table]] = []
    heading = ""
    for block in report.blocks:
        if isinstance(block, Heading):
            heading = block.text
        elif isinstance(block, Table):
            found.append((" · ".join(t for t in (heading, block.title) if t), block))
    if found:
        return found
    figures = [f for b in report.blocks if isinstance(b, Figures) for f in b.items]
    table = Table([Col("Figure"), Col("Value")], name="figures")
    for f in figures:
        table.add(f.label, raw_text(raw(f.value, f.kind)))
    return [("", table)]


def data_rows(report: Report) -> tuple[list[Col], list[list[Any]]]:
    """The report's tables stacked under the union of their columns, `record` (the row's
    table) and `section` (what it is under) first; values raw (numbers as numbers)."""
    tables = data_tables(report)
    columns = columns_of([t for _, t in tables])
    rows = []
    for section, table in tables:
        index = {c.name: k for k, c in enumerate(table.columns)}
        for row in table.rows:
            rows.append(
                [
                    table.record,
                    section,
                    *(
                        raw(row[index[c.name]], table.columns[index[c.name]].kind)
                        if c.name in index
                        else None
                        for c in columns
                    ),
                ]
            )
    return columns, rows


def to_csv(report: Report) -> str:
    """Every table of the report as one CSV (RFC 4180 quoting, formula-safe cells): `record`
    and `section`, then the union of the tables' columns by machine name; numbers raw, no
    value an empty cell."""
    columns, rows = data_rows(report)
    out = [",".join(csv_cell(h) for h in (RECORD, SECTION, *(c.name for c in columns)))]
    for row in rows:
        out.append(",".join(_csv_value(v) for v in row))
    return "\n".join(out) + "\n"


def _csv_value(value: Any) -> str:
    """A number as written (no exponent, never taken for a formula); text formula-safe."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return raw_text(value)
    return csv_cell(value)


# ── HTML ────────────────────────────────────────────────────────────────────────────────


def _svg(chart: Chart) -> str:
    from genai_cost.report import svg

    return svg.line_chart(
        chart.title,
        chart.series,
        chart.x,
        log_x=True,
        log_y=True,
        x_label=chart.x_label,
        markers=chart.markers,
        today=chart.today,
    )


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page (jinja2, autoescaped; inline SVG charts;
    no scripts or network)."""
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("genai_cost.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("report.html.j2")
    from genai_cost.version import __version__

    return template.render(
        report=report,
        human=human,
        kind=lambda block: type(block).__name__.lower(),
        svg=lambda chart: Markup(_svg(chart)),
        version=__version__,
    )
