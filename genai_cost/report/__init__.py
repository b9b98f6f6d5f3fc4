"""Renderers of the estimate document. They format; they never price."""

from __future__ import annotations

from genai_cost.documents.estimate import EstimateDocument

FORMATS = ("table", "markdown", "csv", "json")


def render(document: EstimateDocument, fmt: str, *, color: bool = False, width: int = 120) -> str:
    """Render the estimate document in one of FORMATS."""
    if fmt == "json":
        from genai_cost.report.json_report import render_json

        return render_json(document)
    if fmt == "csv":
        from genai_cost.report.csv_report import render_csv

        return render_csv(document)
    if fmt == "markdown":
        from genai_cost.report.markdown import render_markdown

        return render_markdown(document)
    if fmt == "table":
        from genai_cost.report.terminal import render_table

        return render_table(document, color=color, width=width)
    raise ValueError(f"unknown format {fmt!r}")
