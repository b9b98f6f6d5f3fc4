"""Plain-text tables for the terminal, sized to a width: the `table` format's layout.

Drawn with the box characters of rich's default table style (heavy header), but laid out here:
rendering is a few string operations per cell, so a report of 10,000 workloads prints in about
the time its JSON takes (rich measures every cell of every table through its console, which
is two orders of magnitude slower at that size), and `estimate` never imports rich.

Layout: every column gets its natural width (its widest cell) when the table fits; otherwise
the columns that may wrap share what is left, never narrower than their longest word while
that fits — so a model id wraps at its `.`, `-` or `:` rather than being cut. Nothing is ever
truncated. Every cell passes through `sanitize.plain` (no control characters reach the
terminal, and text is never interpreted as markup).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from genai_cost.report.sanitize import plain

STYLES = {
    "": "",
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "bold green": "1;32",
    "bold red": "1;31",
    "yellow": "33",
    "green": "32",
    "red": "31",
}
"""Row styles and their ANSI SGR codes (used only when colour is on)."""

_BREAKS = ".-:/_,"
"""Characters after which a long word (an id) may wrap."""


def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _split_word(word: str, width: int) -> list[str]:
    """A word longer than `width`, broken after a punctuation mark where possible."""
    pieces = []
    ascii_only = word.isascii()
    while (len(word) if ascii_only else cell_width(word)) > width:
        if ascii_only:
            head = word[:width]
            cut = max(head.rfind(c) for c in _BREAKS) + 1
        else:
            cut, used = 0, 0
            for i, char in enumerate(word):
                used += cell_width(char)
                if used > width:
                    cut = cut or max(1, i)
                    break
                if char in _BREAKS:
                    cut = i + 1
        if cut <= 0:  # no break point inside the width: cut at the width
            cut = max(1, width)
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns; words are kept whole when they fit."""
    size = len if text.isascii() else cell_width
    if size(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        for piece in _split_word(word, width) if size(word) > width else [word]:
            candidate = f"{current} {piece}" if current else piece
            if size(candidate) <= width:
                current = candidate
            else:
                if current:
                    lines.append(current)
                current = piece
    if current or not lines:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    wrap: bool = True
    """False for figures (kept on one line; they are short)."""


@dataclass
class Table:
    columns: Sequence[Column]
    title: str = ""
    rows: list[tuple[list[str], list[int], str]] = field(default_factory=list)
    """(cells, their widths, style) of each row."""

    def add(self, *cells: object, style: str = "") -> None:
        texts = [plain(c) for c in cells]
        self.rows.append((texts, [cell_width(t) for t in texts], style))

    def render(self, width: int, *, color: bool = False) -> str:
        return render_table(self, width, color=color)


def _layout(table: Table, width: int) -> list[int]:
    """Column widths (content only) fitting `width` where possible."""
    count = len(table.columns)
    natural = [cell_width(c.header) for c in table.columns]
    for _, widths, _ in table.rows:
        natural = list(map(max, natural, widths))
    available = width - (3 * count + 1)
    if sum(natural) <= available:
        return natural
    fixed = [not c.wrap for c in table.columns]
    longest_word = [
        natural[k]
        if fixed[k]
        else max(
            max(map(cell_width, text.split(" ")))
            for text in (table.columns[k].header, *(cells[k] for cells, _, _ in table.rows))
        )
        for k in range(count)
    ]
    widths = list(natural)
    # Shrink the widest wrapping column a step at a time: first down to its longest word,
    # then (a very narrow terminal) below it, but never under 4 columns.
    for floor in (longest_word, [min(4, n) for n in natural]):
        while sum(widths) > available:
            candidates = [k for k in range(count) if not fixed[k] and widths[k] > max(floor[k], 1)]
            if not candidates:
                break
            k = max(candidates, key=lambda j: widths[j])
            excess = sum(widths) - available
            second = max((widths[j] for j in candidates if j != k), default=0)
            step = max(1, min(excess, widths[k] - max(second, floor[k], 1)))
            widths[k] -= step
    return widths


CARD_MIN_COLUMN = 10
"""A wrapping column narrower than this (or than its longest word, if shorter) makes the
table unreadable: it is printed as cards instead."""


def _too_narrow(table: Table, widths: list[int]) -> bool:
    for k, column in enumerate(table.columns):
        if not column.wrap:
            continue
        longest = max(
            (cell_width(word) for cells, _, _ in table.rows for word in cells[k].split(" ")),
            default=0,
        )
        header = max(cell_width(word) for word in column.header.split(" "))
        if widths[k] < min(CARD_MIN_COLUMN, max(longest, header)):
            return True
    return False


def squeezed(table: Table, width: int) -> list[bool]:
    """Per column: whether it is laid out narrower than its longest cell (it wraps) at
    `width`."""
    natural = [cell_width(c.header) for c in table.columns]
    for _, widths, _ in table.rows:
        natural = list(map(max, natural, widths))
    return [w < n for w, n in zip(_layout(table, width), natural, strict=True)]


def fits(table: Table, width: int) -> bool:
    """Whether `table` renders as a table (not as cards) at `width` columns."""
    return not (table.rows and _too_narrow(table, _layout(table, width)))


def render_cards(table: Table, width: int, *, color: bool = False) -> str:
    """The table as one block per row — `Header: value` lines, wrapped to `width` — for a
    terminal too narrow for its columns (nothing is cut; ids wrap at punctuation)."""

    def styled(text: str, style: str) -> str:
        code = STYLES.get(style, "")
        return f"\x1b[{code}m{text}\x1b[0m" if color and code and text else text

    out: list[str] = []
    if table.title:
        out += [styled(t, "italic") for t in wrap(plain(table.title), width)]
        out.append("─" * min(width, max(cell_width(table.title), 1)))
    label = max(cell_width(c.header) for c in table.columns) + 2
    inline = label <= width // 2
    for n, (cells, _, style) in enumerate(table.rows):
        if n:
            out.append("")
        for column, text in zip(table.columns, cells, strict=True):
            if not text:
                continue
            head = f"{column.header}:"
            if inline:
                body = wrap(text, max(width - label, 8))
                out.append(styled(head.ljust(label) + body[0], style))
                out += [styled(" " * label + more, style) for more in body[1:]]
            else:
                out.append(styled(head, "bold"))
                out += [styled("  " + line, style) for line in wrap(text, max(width - 2, 8))]
    return "\n".join(out) + "\n"


def render_table(table: Table, width: int, *, color: bool = False) -> str:
    """The table as text, at most `width` columns wide where the content allows; as cards
    (one block per row) when the terminal is too narrow for its columns."""
    widths = _layout(table, width)
    if table.rows and _too_narrow(table, widths):
        return render_cards(table, width, color=color)
    right = [c.justify == "right" for c in table.columns]

    def line(left: str, fill: str, middle: str, end: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + end

    def styled(text: str, style: str) -> str:
        code = STYLES.get(style, "")
        return f"\x1b[{code}m{text}\x1b[0m" if code and text else text

    def row_lines(cells: list[str], cell_widths: list[int], style: str, bar: str) -> list[str]:
        sep = f" {bar} "
        if all(map(int.__le__, cell_widths, widths)):  # every cell on one line
            parts = [
                (" " * (w - cw) + (styled(t, style) if color else t))
                if r
                else ((styled(t, style) if color else t) + " " * (w - cw))
                for t, cw, w, r in zip(cells, cell_widths, widths, right, strict=True)
            ]
            return [f"{bar} {sep.join(parts)} {bar}"]
        wrapped = [wrap(text, widths[k]) for k, text in enumerate(cells)]
        out = []
        for i in range(max(len(w) for w in wrapped)):
            parts = []
            for k, lines_k in enumerate(wrapped):
                text = lines_k[i] if i < len(lines_k) else ""
                pad = " " * (widths[k] - (len(text) if text.isascii() else cell_width(text)))
                shown = styled(text, style) if color else text
                parts.append(pad + shown if right[k] else shown + pad)
            out.append(f"{bar} {sep.join(parts)} {bar}")
        return out

    out = []
    if table.title:
        title_lines = wrap(plain(table.title), max(width, 20))
        out += [styled(t, "italic") if color else t for t in title_lines]
    out.append(line("┏", "━", "┳", "┓"))
    headers = [c.header for c in table.columns]
    out += row_lines(headers, [cell_width(h) for h in headers], "bold", "┃")
    out.append(line("┡", "━", "╇", "┩"))
    for cells, cell_widths, style in table.rows:
        out += row_lines(cells, cell_widths, style, "│")
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out) + "\n"
