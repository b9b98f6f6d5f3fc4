"""CSV: one table, a `record` column saying what each row is — per scenario its whole bill
(`total`), each cost family (`family`), each line of the bill (`line`) and each part that
cannot be priced (`missing`); then every workload × option × variant (`option`). Cells cannot
run as spreadsheet formulas."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genai_cost.documents.estimate import EstimateDocument
from genai_cost.report.sanitize import csv_table

COLUMNS = (
    "record",
    "scenario",
    "workload",
    "family",
    "item",
    "line",
    "model",
    "region",
    "option",
    "variant",
    "platform",
    "instance_type",
    "feasible",
    "cheapest",
    "quantity",
    "unit",
    "usd_per_unit",
    "monthly_cost_usd",
    "cost_per_1k_requests_usd",
    "cost_per_1m_tokens_usd",
    "capacity",
    "capacity_unit",
    "utilization_fraction",
    "components",
    "detail",
    "reason",
)
OPTION_FIELDS = (
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
    "reason",
)


def _components(record: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{c['name']}={c['quantity']} {c['unit']} x {c['usd_per_unit']}"
        for c in record["components"]
    )


def _row(record: str, scenario: str, **cells: Any) -> list[Any]:
    return [record, scenario, *(cells.get(c) for c in COLUMNS[2:])]


def _rows(document: EstimateDocument) -> Iterator[list[Any]]:
    for s in document["scenarios"]:
        bill = s["bill"]
        missing = "; ".join(f"{m['family']} {m['item']} {m['name']}" for m in bill["missing"])
        yield _row(
            "total",
            s["name"],
            monthly_cost_usd=bill["total_monthly_cost_usd"],
            reason=None
            if bill["complete"]
            else f"incomplete: at least {bill['priced_monthly_cost_usd']} USD; missing {missing}",
        )
        for f in bill["families"]:
            yield _row(
                "family",
                s["name"],
                family=f["family"],
                monthly_cost_usd=f["monthly_cost_usd"],
                reason=None
                if f["monthly_cost_usd"] is not None
                else f"incomplete: at least {f['priced_monthly_cost_usd']} USD",
            )
        name = s["name"]
        for c in bill["components"]:  # as `_row("line", ...)` would, in COLUMNS order
            yield [
                "line",
                name,
                ";".join(c["workloads"]),
                c["family"],
                c["item"],
                c["name"],
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                c["quantity"],
                c["unit"],
                c["usd_per_unit"],
                c["usd"],
                None,
                None,
                None,
                None,
                None,
                None,
                c["detail"],
                None,
            ]
        for m in bill["missing"]:
            yield _row(
                "missing",
                s["name"],
                workload=";".join(m["workloads"]),
                family=m["family"],
                item=m["item"],
                line=m["name"],
                reason=m["reason"],
            )
    # Option rows are most of a large estimate: each is built in COLUMNS order directly
    # (tests/test_workloads_table.py checks it against `_row`).
    for r in document["options"]:
        yield [
            "option",
            r["scenario"],
            r["workload"],
            None,
            None,
            None,
            r["model"],
            r["region"],
            r["option"],
            r["variant"],
            r["platform"],
            r["instance_type"],
            r["feasible"],
            r["cheapest"],
            None,
            None,
            None,
            r["monthly_cost_usd"],
            r["cost_per_1k_requests_usd"],
            r["cost_per_1m_tokens_usd"],
            r["capacity"],
            r["capacity_unit"],
            r["utilization_fraction"],
            _components(r),
            None,
            r["reason"],
        ]


def render_csv(document: EstimateDocument) -> str:
    return csv_table(COLUMNS, _rows(document))
