"""CSV: one row per workload x option x variant; cells cannot run as spreadsheet formulas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.estimate import EstimateDocument
from genai_cost.report.sanitize import csv_table

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


def _components(record: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{c['name']}={c['quantity']} {c['unit']} x {c['usd_per_unit']}"
        for c in record["components"]
    )


def render_csv(document: EstimateDocument) -> str:
    plain = COLUMNS[: COLUMNS.index("components")]
    records: Sequence[Mapping[str, Any]] = document["options"]
    return csv_table(
        COLUMNS,
        (
            [*(record[c] for c in plain), _components(record), record["reason"]]
            for record in records
        ),
    )
