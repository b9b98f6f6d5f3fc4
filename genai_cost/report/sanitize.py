"""The one output sanitiser: every renderer passes text from inputs through here.

Names of workloads, scenarios, tenants and models come from files and log records that other
people write (a tenant name is whatever an API caller puts in `requestMetadata`), so text that
reaches a terminal, a Markdown comment, a spreadsheet or a web page is made inert:

- `plain`: one line, no control characters — ESC, BEL, CR, LF, TAB, DEL, the C1 range, and the
  bidirectional overrides that can make text display in another order than it reads;
- terminal output: `plain`, and never interpreted as rich markup (renderers wrap it in `Text`);
- `markdown_cell` / `markdown_code`: `plain`, with the characters that make tables, links,
  HTML or mentions escaped;
- `csv_cell` / `csv_row`: control characters shown as escapes (`\x1b`), so no byte of a cell
  drives a terminal the CSV is printed to; a cell that starts with `= + - @` cannot run as a
  formula, and a cell holding a quote or comma is quoted;
- `escaped`: one line with every control character shown as an escape (`\x1b`, `\u2028`),
  for CSV cells and YAML comments (where a line break would start a new key);
- HTML: jinja2's autoescaping, with `plain` applied to every value (report/html.py).
"""

from __future__ import annotations

import functools
import numbers
import re
from collections.abc import Iterable
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\r\n\t\v\f\x85\u2028\u2029]+")
_KEEP_NEWLINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet evaluate a cell (OWASP CSV injection)."""


def plain(value: Any) -> str:
    """One line of text without control characters (line breaks become spaces)."""
    text = value if type(value) is str else str(value)
    if text.isprintable():  # no control, format or separator character but the space
        return text
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))


def lines(value: Any) -> str:
    """Text that may span lines, without any other control character (for messages)."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _KEEP_NEWLINES.sub("", text)


def _escape_character(character: str) -> str:
    code = ord(character)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def escaped(value: Any) -> str:
    """One line with every character that is not printable shown as an escape (`\\x1b`,
    `\\x0a`, `\\u2028`, `\\ufffe`): controls, line and paragraph separators, direction
    overrides, unassigned code points and lone surrogates. Nothing in it moves a cursor,
    starts a line or reorders text, and nothing is silently dropped."""
    text = value if type(value) is str else str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape_character(c) for c in text)


_MARKDOWN = {
    "\\": "\\\\",
    "|": "\\|",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "\\[",
    "]": "\\]",
    "`": "\\`",
    "*": "\\*",
    "~": "\\~",
    "@": "&#64;",
}
_MARKDOWN_SPECIAL = re.compile("[" + re.escape("".join(_MARKDOWN)) + "]")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto)(:)|\b(www)(\.)")
"""What GitHub turns into a link by itself (the extended autolinks): its `:` or `.` escaped."""


def markdown_cell(value: Any) -> str:
    """Text safe in a Markdown table cell or paragraph: no row breaks, no links (autolinks
    included), images, HTML, emphasis or strike-through, and no @-mentions (a pull-request
    comment must not ping anyone)."""
    text = _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN[m.group(0)], plain(value))
    if "_" in text:  # `_` marks emphasis only at a word's edge (`on_demand` stays as it is)
        text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    if ":" in text or "." in text:
        text = _AUTOLINK.sub(
            lambda m: f"{m.group(1) or m.group(3)}\\{m.group(2) or m.group(4)}", text
        )
    return text


def markdown_code(value: Any) -> str:
    """Text for inside a `code span` in a table cell: backticks dropped, pipes escaped."""
    return plain(value).replace("`", "").replace("|", "\\|")


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_cell(value: Any) -> str:
    """A cell that a spreadsheet will not evaluate; numbers stay numbers. A cell holding a
    quote, comma, CR or LF comes back quoted (so it cannot start a new row)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is float:
        return repr(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is not str:  # text skips the numeric ABCs' checks (slow, and most cells are text)
        import numpy as np

        if isinstance(value, (bool, np.bool_)):  # NumPy's booleans as Python's
            return "true" if value else "false"
        if isinstance(value, numbers.Integral):  # NumPy integers
            return str(int(value))
        if isinstance(value, numbers.Real):  # NumPy floats: a negative number is not a formula
            return repr(float(value))
    return csv_text(value if kind is str else str(value))


@functools.lru_cache(maxsize=4096)
def csv_text(value: str) -> str:
    """`csv_cell` of text, remembered: a report's texts repeat down its rows (a model, an
    option, a unit in every row)."""
    text = escaped(value)
    if text.startswith(FORMULA_START):
        text = "'" + text
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(values: Iterable[Any]) -> str:
    """One CSV line (RFC 4180 quoting, `\\n` line end) of sanitised cells."""
    return ",".join(map(csv_cell, values)) + "\n"


def csv_table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    return csv_row(header) + "".join(csv_row(row) for row in rows)
