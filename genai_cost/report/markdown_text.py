"""Markdown written by the report modules, shown on a terminal: tables as text tables sized to
the width, headings and paragraphs as wrapped lines, code blocks as they are.

Only the Markdown this package writes is read (pipe tables, `#` headings, paragraphs, bullet
lists, fenced code): this is a renderer of our own documents' Markdown, not a general parser.
"""

from __future__ import annotations

import re

from genai_cost.report.sanitize import plain
from genai_cost.report.texttable import STYLES, Column, Table, wrap

_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_UNESCAPE = (
    ("\\|", "|"),
    ("\\[", "["),
    ("\\]", "]"),
    ("\\`", "`"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&#64;", "@"),
    ("\\\\", "\\"),
)


def unescape(text: str) -> str:
    """Markdown source text as a reader sees it: escapes undone, emphasis and code marks gone."""
    text = re.sub(r"(?<!\\)\*\*", "", text)
    text = re.sub(r"(?<!\\)`", "", text)
    for escaped, char in _UNESCAPE:
        text = text.replace(escaped, char)
    return text.strip()


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return _CELL_SPLIT.split(inner)


def _table(block: list[str], width: int, color: bool) -> str:
    header = [unescape(c) for c in _cells(block[0])]
    rule = _cells(block[1]) if len(block) > 1 else []
    columns = [
        Column(
            text,
            "right" if k < len(rule) and rule[k].strip().endswith(":") else "left",
            wrap=not (k < len(rule) and rule[k].strip().endswith(":")),
        )
        for k, text in enumerate(header)
    ]
    table = Table(columns)
    for line in block[2:]:
        raw = _cells(line)
        bold = any(c.strip().startswith("**") for c in raw if c.strip())
        cells = [unescape(c) for c in raw][: len(columns)]
        cells += [""] * (len(columns) - len(cells))
        table.add(*cells, style="bold" if bold else "")
    return table.render(width, color=color)


def markdown_as_text(markdown: str, *, width: int, color: bool) -> str:
    lines = markdown.splitlines()
    out: list[str] = []
    i = 0

    def styled(text: str, style: str) -> str:
        return f"\x1b[{STYLES[style]}m{text}\x1b[0m" if color and text else text

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(plain(lines[i]))
                i += 1
            i += 1
            continue
        if line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(_table(block, width, color).rstrip("\n"))
            continue
        if line.startswith("#"):
            title = unescape(line.lstrip("#"))
            out += [styled(t, "bold") for t in wrap(plain(title), max(width, 20))]
        elif not line.strip():
            out.append("")
        else:
            indent = len(line) - len(line.lstrip())
            text = unescape(line)
            prefix = " " * indent
            wrapped = wrap(plain(text), max(width - indent, 20))
            out += [prefix + w for w in wrapped]
        i += 1
    return "\n".join(out).rstrip("\n") + "\n"
