"""Markdown reports read back as blocks, so one report written as Markdown also serves the
`table` format (laid out for the terminal, report/terminal.py) and the `csv` format (its
tables, here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from genai_cost.report.sanitize import csv_table


@dataclass
class Block:
    """A heading (`kind` "heading"), a paragraph or list item ("text"), a fenced code block
    ("code": its lines verbatim in `text`), or a pipe table ("table": `header`, right-aligned
    columns in `right`, `rows`, bold rows in `strong`)."""

    kind: str
    text: str = ""
    header: list[str] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    strong: set[int] = field(default_factory=set)


_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&#64;": "@"}
_UNMARK = re.compile(r"\\([!-/:-@\[-`{-~])|\*\*|`|&(?:lt|gt|amp|#64);")


def unmark(text: str) -> str:
    """Markdown inline marks removed: **bold** and `code` marks gone, backslash escapes and
    the entities `markdown_cell` writes read back, so a name shows as it was written."""

    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        if match.group(1) is not None:
            return match.group(1)
        return _ENTITIES.get(found, "")

    return _UNMARK.sub(one, text)


def _cells(line: str) -> list[str]:
    """The cells of a table row (escaped pipes kept), inline marks gone."""
    inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
    cells = [c.replace("\0", "|") for c in inner.replace("\\|", "\0").split("|")]
    return [unmark(c.strip()) for c in cells]


def _is_rule(line: str) -> bool:
    return line.strip().startswith("|") and set(line.replace(" ", "")) <= set("|-:")


def blocks(markdown: str) -> Iterator[Block]:
    """The headings, paragraphs, code blocks and tables of a Markdown report, in order."""
    lines = markdown.splitlines()
    k = 0
    while k < len(lines):
        stripped = lines[k].strip()
        if stripped.startswith("```"):
            end = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == "```"), None)
            stop = len(lines) if end is None else end
            yield Block("code", "\n".join(lines[k + 1 : stop]))
            k = stop + 1
            continue
        if stripped.startswith("#"):
            yield Block("heading", unmark(stripped.lstrip("#").strip()))
        elif stripped.startswith("|") and k + 1 < len(lines) and _is_rule(lines[k + 1]):
            header = _cells(lines[k])
            aligns = _cells(lines[k + 1])
            table = Block(
                "table",
                header=header,
                right=[
                    a.endswith(":") and not a.startswith(":")
                    for a in aligns + [""] * (len(header) - len(aligns))
                ][: len(header)],
            )
            k += 2
            while k < len(lines) and lines[k].strip().startswith("|"):
                if "**" in lines[k]:
                    table.strong.add(len(table.rows))
                cells = _cells(lines[k])
                table.rows.append(cells + [""] * (len(header) - len(cells)))
                k += 1
            yield table
            continue
        elif stripped.startswith(("- ", "* ")):
            yield Block("text", "• " + unmark(stripped[2:]))
        elif stripped:
            yield Block("text", unmark(stripped.lstrip(">").strip()))
        k += 1


def render_markdown_csv(markdown: str) -> str:
    """The tables of a Markdown report as one CSV: a `table` column names the section each
    row comes from (its heading), then the table's own columns; tables with different
    columns are stacked under the union of their headers. Cells are formula-safe."""
    tables: list[tuple[str, Block]] = []
    title = ""
    for block in blocks(markdown):
        if block.kind == "heading":
            title = block.text
        elif block.kind == "table":
            tables.append((title, block))
    columns: list[str] = []
    for _, table in tables:
        columns += [h for h in table.header if h not in columns]
    out = []
    for name, table in tables:
        for row in table.rows:
            cells = dict(zip(table.header, row, strict=False))
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
