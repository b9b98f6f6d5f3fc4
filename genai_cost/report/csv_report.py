"""CSV: one row per workload x option x variant; cells cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "scenario",
    "workload",
    "model",
    "region",
    "option",
    "variant",
    "platform",
    "instance_type",
    "feasible",
    "cheapest",
    "monthly_cost_usd",
    "cost_per_1k_requests_usd",
    "cost_per_1m_tokens_usd",
    "capacity",
    "capacity_unit",
    "utilization_fraction",
    "components",
    "reason",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Text that a spreadsheet will not evaluate: risky leading characters get a quote.

    Numbers are written as numbers (a negative number is not a formula).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _components(record: dict[str, Any]) -> str:
    return "; ".join(
        f"{c['name']}={c['quantity']} {c['unit']} x {c['usd_per_unit']}"
        for c in record["components"]
    )


def render_csv(document: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in document["options"]:
        values = {**record, "components": _components(record)}
        writer.writerow([safe_cell(values.get(column)) for column in COLUMNS])
    return buffer.getvalue()
