"""One render dispatch: (document kind, format) → the report function that renders it.

Every command ends the same way: build a document, `emit` it in the chosen format to stdout or
`--output`. Renderers are named by import path and loaded only when used, so a JSON run never
imports the terminal or HTML code.
"""

from __future__ import annotations

import importlib
import math
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from genai_cost.cli.options import Format
from genai_cost.errors import ArgumentError, OverflowInputError

JSON = "genai_cost.report.json_report:render_json"
TABLE, MARKDOWN, CSV, HTML = Format.table, Format.markdown, Format.csv, Format.html

RENDERERS: dict[str, dict[Format, str]] = {
    "estimate": {
        TABLE: "genai_cost.report.terminal:render_table",
        MARKDOWN: "genai_cost.report.markdown:render_markdown",
        CSV: "genai_cost.report.csv_report:render_csv",
        HTML: "genai_cost.report.html:render_html_report",
    },
    "diff": {
        TABLE: "genai_cost.report.terminal:render_diff_table",
        MARKDOWN: "genai_cost.report.changes:render_diff_markdown",
    },
    "check": {
        TABLE: "genai_cost.report.terminal:render_check_table",
        MARKDOWN: "genai_cost.report.changes:render_check_markdown",
    },
    "breakeven": {
        TABLE: "genai_cost.report.decisions:render_breakeven_table",
        MARKDOWN: "genai_cost.report.decisions:render_breakeven_markdown",
    },
    "mix": {
        TABLE: "genai_cost.report.decisions:render_mix_markdown",
        MARKDOWN: "genai_cost.report.decisions:render_mix_markdown",
    },
    "optimize": {
        TABLE: "genai_cost.report.decisions:render_optimize_markdown",
        MARKDOWN: "genai_cost.report.decisions:render_optimize_markdown",
    },
    "roi": {
        TABLE: "genai_cost.report.decisions:render_roi_markdown",
        MARKDOWN: "genai_cost.report.decisions:render_roi_markdown",
    },
    "regions": {
        TABLE: "genai_cost.report.decisions:render_regions_markdown",
        MARKDOWN: "genai_cost.report.decisions:render_regions_markdown",
    },
    "cur-allocation": {
        TABLE: "genai_cost.report.terminal:render_cur_allocation_table",
        MARKDOWN: "genai_cost.report.allocation:render_cur_allocation_markdown",
        CSV: "genai_cost.report.allocation:render_cur_allocation_csv",
    },
    "reconcile": {
        TABLE: "genai_cost.report.allocation:render_reconcile_markdown",
        MARKDOWN: "genai_cost.report.allocation:render_reconcile_markdown",
        CSV: "genai_cost.report.allocation:render_reconcile_csv",
    },
    "allocation": {
        TABLE: "genai_cost.report.terminal:render_allocation_table",
        MARKDOWN: "genai_cost.report.allocation:render_allocation_markdown",
        CSV: "genai_cost.report.allocation:render_allocation_csv",
    },
    "variance": {
        TABLE: "genai_cost.report.terminal:render_variance_table",
        MARKDOWN: "genai_cost.report.allocation:render_variance_markdown",
        CSV: "genai_cost.report.allocation:render_variance_csv",
    },
    "snapshots": {
        TABLE: "genai_cost.report.pricing:render_snapshots_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_snapshots_markdown",
    },
    "model-prices": {
        TABLE: "genai_cost.report.pricing:render_model_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_model_markdown",
    },
    "pricing-diff": {
        TABLE: "genai_cost.report.pricing:render_pricing_diff_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_pricing_diff_markdown",
    },
    "models": {
        TABLE: "genai_cost.report.pricing:render_models_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_models_markdown",
        CSV: "genai_cost.report.pricing:render_models_csv",
    },
    "refresh": {
        TABLE: "genai_cost.report.pricing:render_refresh_text",
    },
    "pricing-coverage": {
        TABLE: "genai_cost.report.pricing:render_coverage_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_coverage_markdown",
        CSV: "genai_cost.report.pricing:render_coverage_csv",
    },
    "pricing-import": {
        TABLE: "genai_cost.report.pricing:render_import_markdown",
        MARKDOWN: "genai_cost.report.pricing:render_import_markdown",
    },
}
"""Renderers of each document kind; every kind also renders as JSON."""

COLORED = {"genai_cost.report.terminal"}
"""Modules whose renderers take `color` and `width` (terminal output)."""


def to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def use_color(output: Path | None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set or into a file."""
    return to_stdout(output) and "NO_COLOR" not in os.environ and sys.stdout.isatty()


FILE_WIDTH = 120
"""Columns of a table written to a file (`-o`), whatever the terminal."""
MIN_WIDTH = 40


def width() -> int:
    """The terminal's width ($COLUMNS, else the real width, else 120 columns), at least 40."""
    return max(MIN_WIDTH, shutil.get_terminal_size((FILE_WIDTH, 24)).columns)


def _load(path: str) -> Callable[..., str]:
    module, _, name = path.partition(":")
    function: Callable[..., str] = getattr(importlib.import_module(module), name)
    return function


def render(
    kind: str, document: Any, fmt: Format, *, output: Path | None = None, **options: Any
) -> str:
    """`document` (of `kind`) as text in `fmt`. `options` (e.g. `expand` for every option
    variant) go to the renderers that take them."""
    if fmt == Format.json:
        return _load(JSON)(document)
    path = RENDERERS[kind].get(fmt)
    if path is None and fmt == CSV and MARKDOWN in RENDERERS[kind]:
        # a report written as Markdown: its tables as CSV (a column names each table)
        from genai_cost.report.markdown_tables import render_markdown_csv

        return render_markdown_csv(_load(RENDERERS[kind][MARKDOWN])(document))
    if path is None:
        have = ", ".join(f.value for f in (*RENDERERS[kind], Format.json))
        raise ArgumentError(f"--format {fmt.value}: not available here; use one of: {have}")
    function = _load(path)
    import inspect

    accepted = inspect.signature(function).parameters
    kwargs = {k: v for k, v in options.items() if k in accepted}
    columns = width() if to_stdout(output) else FILE_WIDTH
    if path.partition(":")[0] in COLORED:
        return function(document, color=use_color(output), width=columns, **kwargs)
    if fmt == TABLE and path == RENDERERS[kind].get(MARKDOWN):
        # a report written as Markdown, laid out as terminal tables for `table`
        from genai_cost.report.terminal import render_markdown_table

        text = function(document, **kwargs)
        return render_markdown_table(text, color=use_color(output), width=columns)
    return function(document, **kwargs)


def emit(text: str, output: Path | None) -> None:
    """The report on stdout, or written atomically to `output` (`-` is stdout too)."""
    if to_stdout(output):
        sys.stdout.write(text)
        return
    from genai_cost.output import write_atomic

    assert output is not None
    write_atomic(output, text)
    say(f"wrote {output}")


def _first_not_finite(value: Any, where: str) -> str | None:
    """The path of the first number in a document that is NaN or infinite, if any."""
    if isinstance(value, float):
        return None if math.isfinite(value) else where
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _first_not_finite(
            item, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"
        )
        if found:
            return found
    return None


def show(kind: str, document: Any, fmt: Format, output: Path | None, **options: Any) -> None:
    """Render and emit: the last step of every command. A figure that is not finite (an
    input out of scale overflowed it) is bad input, named, in every format — never `inf` in
    a table or an encoder's error (the estimate's builder checks its own figures)."""
    from genai_cost.report.json_report import FINITE_KINDS

    if kind not in FINITE_KINDS:
        where = _first_not_finite(document, kind)
        if where is not None:
            raise OverflowInputError(
                f"{where} is not a finite number: an input is too large or too small for it "
                "(check traffic, tokens per request, benefits and growth in the scenario)"
            )
    if fmt == Format.parquet:
        from genai_cost.report.parquet import TABLES, render_parquet

        if kind not in TABLES:
            have = ", ".join(f.value for f in (*RENDERERS[kind], Format.json))
            raise ArgumentError(f"--format parquet: not available here; use one of: {have}")
        if to_stdout(output):
            raise ArgumentError(
                "--format parquet writes a binary file: give -o FILE.parquet "
                "(genai-cost export athena-ddl FILE.parquet writes the table that reads it)"
            )
        from genai_cost.output import write_atomic

        assert output is not None
        write_atomic(output, render_parquet(kind, document))
        say(f"wrote {output}")
        return
    if fmt == Format.json:
        from genai_cost.report.json_report import (
            FINITE_KINDS,
            render_json_bytes,
            render_json_chunks,
        )

        finite = kind in FINITE_KINDS
        if to_stdout(output):
            sys.stdout.write(render_json_bytes(document, finite=finite).decode("utf-8"))
            return
        from genai_cost.output import write_atomic

        assert output is not None
        try:  # written in pieces: a large report is never held whole, as text or bytes
            write_atomic(output, render_json_chunks(document, finite=finite))
        except TypeError:  # what orjson cannot encode (an integer beyond 64 bits)
            write_atomic(output, render_json_bytes(document, finite=finite))
        say(f"wrote {output}")
        return
    emit(render(kind, document, fmt, output=output, **options), output)


def say(text: str) -> None:
    """A message on stderr, control characters removed (names come from inputs)."""
    from genai_cost.report.sanitize import lines

    typer.echo(lines(text), err=True)
