"""The report model: every command's document becomes one `Report` — headings, key figures,
tables with typed columns, notes, code and charts — which every format renders
(report/formats.py). Builders fill a report with raw values; formatting belongs to the
format: the terminal and Markdown show `$1,234.50`, CSV and Parquet carry `1234.5`.

Column kinds say what a value is, so each format knows how to show it:

| kind | value | human form |
|---|---|---|
| `text` | str | as written (wraps in the terminal) |
| `id` | str | as written, never wrapped or broken outside the terminal; code in Markdown |
| `money` | float (USD) | `$1,234.50`: always two decimals |
| `signed_money` | float (USD) | `+$12.00` / `-$3.50` |
| `unit_price` | float (USD per unit) | two decimals, more only below a cent (`$0.0000166667`) |
| `count` | int or float | `1,234,567`: whole, thousands separated, never an exponent |
| `number` | float | up to `decimals` places (2 by default), never an exponent |
| `share` | fraction | `12%` (`12.5%` with `decimals=1`) |
| `signed_share` | fraction | `+12.5%` |
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from genai_cost.report.labels import number, percent, usd

Kind = Literal[
    "text", "id", "money", "signed_money", "unit_price", "count", "number", "share", "signed_share"
]
NUMERIC: frozenset[str] = frozenset(
    {"money", "signed_money", "unit_price", "count", "number", "share", "signed_share"}
)
"""Kinds shown right-aligned and written as numbers in CSV and Parquet."""
TextStyle = Literal["", "lead", "bullet", "note", "warning"]
NONE = "—"
"""A cell with no value, in human formats (an empty cell in CSV, null in Parquet)."""


def slug(text: str) -> str:
    """A machine name for a heading (`Requests / month` → `requests_per_month`)."""
    text = text.replace("%", " percent ").replace("/", " per ").replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "value"


@dataclass(frozen=True)
class Col:
    """A table column: its heading, what its values are, and its machine name (CSV, Parquet)."""

    header: str
    kind: Kind = "text"
    key: str = ""
    decimals: int | None = None
    """Places for `number` (default 2), `share` (default 0) and `money` (default 2; 4 in
    chargeback tables, where a tenant's share is often a fraction of a cent)."""

    @property
    def name(self) -> str:
        return self.key or slug(self.header)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Text:
    """A paragraph (`style` ""), the answer in a sentence ("lead", bold), a point of a list
    ("bullet"), a quiet note ("note") or a warning ("warning")."""

    text: str
    style: TextStyle = ""


@dataclass
class Figure:
    label: str
    value: Any
    kind: Kind = "money"
    decimals: int | None = None


@dataclass
class Figures:
    """Key figures: the answer, first on the screen (`label: value` lines)."""

    items: list[Figure]


@dataclass
class Table:
    columns: list[Col]
    rows: list[list[Any]] = field(default_factory=list)
    title: str = ""
    name: str = ""
    """The record kind of its rows in CSV and Parquet (default: the title's slug)."""
    strong: set[int] = field(default_factory=set)
    """Rows shown bold: totals."""
    styles: dict[int, str] = field(default_factory=dict)
    """Terminal styles of rows (`bold green`, `dim` …)."""
    optional: tuple[str, ...] = ()
    """Headers the terminal leaves out, first to last, while the table does not fit (said
    in a note); other formats always show them."""
    folded: str = ""
    """A summary line: the table is folded under it where the format can fold (Markdown
    `<details>`, HTML); shown as is elsewhere."""

    def add(self, *cells: Any, strong: bool = False, style: str = "") -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        if strong:
            self.strong.add(len(self.rows))
        if style:
            self.styles[len(self.rows)] = style
        self.rows.append(list(cells))

    @property
    def record(self) -> str:
        return self.name or slug(self.title) or "table"


@dataclass
class Code:
    """Text shown verbatim (a YAML patch, an ASCII chart)."""

    text: str
    language: str = "text"


@dataclass
class Chart:
    """Cost curves against a volume: an SVG line chart in HTML, an ASCII chart where asked
    for in the terminal and Markdown (`ascii`)."""

    title: str
    x: list[float]
    series: dict[str, list[float | None]]
    x_label: str = ""
    markers: list[float] = field(default_factory=list)
    today: float | None = None
    ascii: str = ""
    """The chart as text (empty: not shown outside HTML)."""


Block = Heading | Text | Figures | Table | Code | Chart


@dataclass
class Report:
    """A document as blocks, in reading order; `title` heads the HTML page."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    marker: str = ""
    """A first line for Markdown only (the HTML comment a PR bot finds its comment by)."""

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Heading(text, level))

    def text(self, text: str, style: TextStyle = "") -> None:
        self.blocks.append(Text(text, style))

    def bullets(self, items: Iterable[str]) -> None:
        self.blocks.extend(Text(item, "bullet") for item in items)

    def figures(self, *items: Figure) -> None:
        self.blocks.append(Figures(list(items)))

    def table(self, *columns: Col, title: str = "", name: str = "", **options: Any) -> Table:
        table = Table(list(columns), title=title, name=name, **options)
        self.blocks.append(table)
        return table

    def code(self, text: str, language: str = "text") -> None:
        self.blocks.append(Code(text, language))

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def unit_price_text(value: float) -> str:
    """Two decimals, more only below a cent (`$3.30`, `$0.0125`, `$0.0000166667`)."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude == 0 or (magnitude >= 0.01 and round(magnitude, 2) == round(magnitude, 10)):
        return usd(value)
    if magnitude >= 0.01:
        digits = f"{magnitude:,.6f}".rstrip("0")
        return sign + "$" + (digits if len(digits.split(".")[1]) >= 2 else f"{magnitude:,.2f}")
    return sign + "$" + f"{magnitude:.10f}".rstrip("0")


def human(value: Any, kind: Kind, decimals: int | None = None) -> str:
    """A cell as people read it (terminal, Markdown, HTML): never an exponent, never `None`."""
    if value is None:
        return NONE if kind in NUMERIC else ""
    if kind not in NUMERIC:
        return str(value)
    if isinstance(value, str):
        return value  # a figure already worded ("≥ $10.00 (incomplete)")
    if isinstance(value, float) and not math.isfinite(value):
        return NONE
    if kind == "money":
        return usd(value, 2 if decimals is None else decimals)
    if kind == "signed_money":
        return ("+" if value > 0 else "") + usd(value) if round(value, 2) else "$0.00"
    if kind == "unit_price":
        return unit_price_text(value)
    if kind == "count":
        return number(value)
    if kind == "number":
        places = 2 if decimals is None else decimals
        text = f"{value:,.{places}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == "share":
        if decimals:
            return f"{value * 100:.{decimals}f}%"
        return percent(value)
    if kind == "signed_share":
        places = 1 if decimals is None else decimals
        text = f"{value * 100:+.{places}f}%"
        return text.replace("+0.0%", "0.0%").replace("-0.0%", "0.0%")
    raise ValueError(f"unknown column kind {kind!r}")


RAW_PLACES = {"money": 6, "signed_money": 6, "share": 6, "signed_share": 6, "number": 6}


def raw(value: Any, kind: Kind) -> Any:
    """A cell as data (CSV, Parquet): numbers as numbers — rounded past the cent so a last
    floating-point digit never shows — text as text, no value as None."""
    if value is None or value == "":
        return None
    if kind not in NUMERIC or isinstance(value, str | bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if kind == "count":
        return int(value) if float(value).is_integer() else round(float(value), 6)
    if kind == "unit_price":
        return float(f"{value:.10g}")
    return round(float(value), RAW_PLACES[kind])


def raw_text(value: Any) -> str:
    """A raw value in a text file: no exponent (`0.0000125`, `2000000`), no `.0` on whole
    numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return f"{value:.12f}".rstrip("0").rstrip(".")
    return str(value)


def columns_of(tables: Sequence[Table]) -> list[Col]:
    """The union of the tables' columns by machine name, in first-seen order."""
    seen: dict[str, Col] = {}
    for table in tables:
        for column in table.columns:
            seen.setdefault(column.name, column)
    return list(seen.values())
