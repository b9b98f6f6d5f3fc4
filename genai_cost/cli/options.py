"""Option definitions shared by the commands, and the parsing of their values.

One format vocabulary: every command that prints a document takes `--format/-f` from the same
names (`table`, `markdown`, `csv`, `json`, `html`); the render dispatch (cli/render.py) says
which a document has.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import typing
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from genai_cost.catalog.selection import PricingOptions as PricingOptions
from genai_cost.errors import ArgumentError
from genai_cost.units import MONTH_PATTERN

FLAGS = {"volume_range": "--range", "services": "--service", "ranks": "--apply"}
"""Library parameters whose flag is not `--` + the name with dashes (the one table that
maps the parameters errors name to the flags a CLI user types)."""


def flag(parameter: str) -> str:
    """The command-line flag of a library parameter (`volume_range` → `--range`)."""
    return FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"
    parquet = "parquet"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table (for people), markdown, csv, json (a versioned "
        "contract), html (one self-contained page), parquet (the tables, with -o FILE).",
    ),
]

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to this file (atomically; '-' is stdout, /dev/null "
        "discards it) instead of stdout.",
    ),
]

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Price at the rates in effect on this day (beats a scenario's "
        "pricing_date; default: today).",
    ),
]

MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        metavar="YYYY-MM",
        help="Price this calendar month: fixed capacity for its real hours (744 in a 31-day "
        "month, as the AWS invoice bills it) instead of the 730-hour convention (beats a "
        "scenario's billing_month).",
    ),
]

FreeTierOption = Annotated[
    bool,
    typer.Option(
        "--free-tier",
        help="Apply the account-level free tiers of supporting services (Lambda requests and "
        "GB-seconds, internet egress); off by default because everything in the account "
        "shares them.",
    ),
]

PriceBookOption = Annotated[
    Path | None,
    typer.Option(
        "--price-book",
        metavar="FILE",
        envvar="GENAI_COST_PRICE_BOOK",
        help="Your own prices and discounts, layered over the snapshot (see docs/pricing-data.md).",
    ),
]

SnapshotOption = Annotated[
    str | None,
    typer.Option(
        "--snapshot",
        metavar="ID|PATH",
        envvar="GENAI_COST_SNAPSHOT",
        help="Pricing snapshot: a bundled id or a snapshot folder (default: newest bundled).",
    ),
]

MaxAgeOption = Annotated[
    int | None,
    typer.Option(
        "--max-snapshot-age-days",
        min=0,
        help="Warn when the snapshot is older than this "
        "[env: GENAI_COST_MAX_SNAPSHOT_AGE_DAYS; default: 90].",
    ),
]


def parse_day(text: str | None, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentError(f"{option} {text!r}: expected a date YYYY-MM-DD") from None


def parse_range(text: str | None) -> tuple[float, float] | None:
    """`--range LOW:HIGH` requests per month."""
    if text is None:
        return None
    try:
        low, high = (float(part.replace("_", "").replace(",", "")) for part in text.split(":"))
    except ValueError:
        raise ArgumentError(
            f"--range {text!r}: expected LOW:HIGH requests per month, e.g. 1e5:1e8"
        ) from None
    if not 0 < low < high:
        raise ArgumentError(f"--range {text!r}: need 0 < LOW < HIGH")
    return low, high


def parse_month(text: str | None) -> str | None:
    if text is None:
        return None
    if re.fullmatch(MONTH_PATTERN, text) is None:
        raise ArgumentError(f"--month {text!r}: expected a calendar month YYYY-MM, e.g. 2026-12")
    return text


def pricing(
    snapshot: str | None = None,
    as_of: str | None = None,
    price_book: Path | None = None,
    max_snapshot_age_days: int | None = None,
    month: str | None = None,
    free_tier: bool = False,
) -> PricingOptions:
    """The pricing options of a command from its flags."""
    return PricingOptions(
        snapshot=snapshot,
        price_book=price_book,
        as_of=parse_day(as_of),
        max_snapshot_age_days=max_snapshot_age_days,
        month=parse_month(month),
        free_tier=free_tier,
    )


FailOnIncreaseOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on-increase",
        metavar="[total:|workload:|line:]N[%]",
        help="Exit 1 when the monthly cost rises by more than N% (or N USD); repeatable; "
        "workload: applies it to each workload, line: to each line (or resource).",
    ),
]
FailAboveOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-above",
        metavar="[total:|workload:|line:]USD",
        help="Exit 1 when the monthly cost after the change is above this many USD.",
    ),
]
WarnOnIncreaseOption = Annotated[
    list[str] | None,
    typer.Option(
        "--warn-on-increase",
        metavar="[total:|workload:|line:]N[%]",
        help="Report, without failing, a rise of more than N% (or N USD).",
    ),
]
WarnAboveOption = Annotated[
    list[str] | None,
    typer.Option(
        "--warn-above",
        metavar="[total:|workload:|line:]USD",
        help="Report, without failing, a monthly cost above this many USD.",
    ),
]
"""The thresholds of `diff` and `infra`, declared once."""

REPORT_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("fmt", FormatOption, Format.table),
    ("output", OutputOption, None),
)
PRICING_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("snapshot", SnapshotOption, None),
    ("as_of", AsOfOption, None),
    ("price_book", PriceBookOption, None),
    ("month", MonthOption, None),
    ("free_tier", FreeTierOption, False),
    ("max_snapshot_age_days", MaxAgeOption, None),
)


def report_options(*, priced: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The option group of a command that renders a document: `-f/--format` and
    `-o/--output` (passed as `fmt` and `output`), and with `priced` the pricing options
    (`--snapshot`, `--as-of`, `--price-book`, `--month`, `--free-tier`,
    `--max-snapshot-age-days`), passed as one `options: PricingOptions`. Declared once here,
    so every pricing command has all of them (sqlite-utils' `output_options` is the model)."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        hints = typing.get_type_hints(function, include_extras=True)
        group = REPORT_OPTIONS + (PRICING_OPTIONS if priced else ())
        grouped = {name for name, _, _ in group} | {"options"}
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(function).parameters.values()
            if p.name not in grouped  # the group's own: declared keyword-only for the type
        ]
        added = [
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=kind
            )
            for name, kind, default in group
        ]

        @functools.wraps(function)
        def command(*args: Any, **kwargs: Any) -> Any:
            if priced:
                values = {name: kwargs.pop(name) for name, _, _ in PRICING_OPTIONS}
                kwargs["options"] = pricing(**values)
            return function(*args, **kwargs)

        parameters = [*own, *added]
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        return command

    return decorate
