"""Every document kind and how each format renders it: one place, real imports.

Human formats (table, markdown, html) draw the kind's report (report/blocks.py) built by its
builder here; data formats write records: JSON the document itself, CSV and Parquet the
kind's record table where it has a published one (the estimate's rows, chargeback rows,
reconciliation, variance, models, coverage), else every table of the report stacked under a
`record` column. Every kind renders in every format of `FORMATS`.

Heavy libraries stay lazy: jinja2 is imported by the HTML renderer, DuckDB and pandas by
Parquet, orjson by JSON.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from genai_cost.report import allocation, changes, decisions, estimate, infra, pricing
from genai_cost.report.blocks import Report
from genai_cost.report.formats import to_csv, to_html, to_markdown, to_terminal

FORMATS = ("table", "markdown", "csv", "json", "html", "parquet")
"""The formats of every document kind (`--format`); parquet is written to a file (`-o`)."""

BUILDERS: dict[str, Callable[..., Report]] = {
    "estimate": estimate.estimate_report,
    "diff": changes.diff_report,
    "check": changes.check_report,
    "breakeven": decisions.breakeven_report,
    "mix": decisions.mix_report,
    "optimize": decisions.optimize_report,
    "roi": decisions.roi_report,
    "regions": decisions.regions_report,
    "allocation": allocation.allocation_report,
    "cur-allocation": allocation.cur_allocation_report,
    "reconcile": allocation.reconcile_report,
    "variance": allocation.variance_report,
    "snapshots": pricing.snapshots_report,
    "model-prices": pricing.model_prices_report,
    "pricing-diff": pricing.pricing_diff_report,
    "models": pricing.models_report,
    "refresh": pricing.refresh_report,
    "pricing-coverage": pricing.coverage_report,
    "pricing-import": pricing.import_report,
    "validation": estimate.validation_report,
    "infra": infra.infra_report,
}
"""Each document kind's report."""


def _estimate_csv(document: Any) -> str:
    from genai_cost.report.csv_report import render_csv

    return render_csv(document)


CSV_RECORDS: dict[str, Callable[[Any], str]] = {
    "estimate": _estimate_csv,
    "allocation": allocation.render_allocation_csv,
    "cur-allocation": allocation.render_cur_allocation_csv,
    "reconcile": allocation.render_reconcile_csv,
    "variance": allocation.render_variance_csv,
    "models": pricing.render_models_csv,
    "pricing-coverage": pricing.render_coverage_csv,
}
"""Kinds whose CSV is their published record table (one record kind, the JSON rows'
columns) rather than the report's tables."""

TERMINAL_OPTIONS: dict[str, dict[str, Any]] = {"breakeven": {"chart": True}}
"""Builder options of the terminal table (break-even draws its curves as text there)."""


def report(kind: str, document: Any, **options: Any) -> Report:
    """The kind's report of `document`; `options` the builder takes (`expand`, `columns`,
    `chart`) are passed, the rest ignored."""
    builder = BUILDERS[kind]
    accepted = inspect.signature(builder).parameters
    return builder(document, **{k: v for k, v in options.items() if k in accepted})


def render(
    kind: str,
    document: Any,
    fmt: str,
    *,
    color: bool = False,
    width: int = 120,
    **options: Any,
) -> str | bytes:
    """`document` (of `kind`) in `fmt`: text, or bytes for Parquet."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown document kind {kind!r}")
    if fmt == "json":
        from genai_cost.report.json_report import render_json

        return render_json(document)
    if fmt == "table":
        built = report(kind, document, **{**TERMINAL_OPTIONS.get(kind, {}), **options})
        return to_terminal(built, color=color, width=width)
    if fmt == "markdown":
        return to_markdown(report(kind, document, **options))
    if fmt == "csv":
        if kind in CSV_RECORDS:
            return CSV_RECORDS[kind](document)
        return to_csv(report(kind, document, **options))
    if fmt == "html":
        if kind == "estimate" and "estimate" in document:  # the bundle with its charts
            from genai_cost.report.html import render_html_report

            return render_html_report(document, **_accepted(render_html_report, options))
        return to_html(report(kind, document, **options))
    if fmt == "parquet":
        from genai_cost.report.parquet import TABLES, render_parquet, report_parquet

        if kind in TABLES:
            return render_parquet(kind, document)
        return report_parquet(report(kind, document, **options))
    raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


def _accepted(function: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    accepted = inspect.signature(function).parameters
    return {k: v for k, v in options.items() if k in accepted}
