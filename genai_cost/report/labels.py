"""Human labels shared by the text renderers."""

from __future__ import annotations

import math
from typing import Any


def option_label(record: dict[str, Any]) -> str:
    """`self_hosted ec2 p5.4xlarge reserved_1y`, `provisioned 1_month`, `on_demand`."""
    parts = [record.get("option") or record.get("cheapest_option") or "none"]
    for key in (
        "platform",
        "instance_type",
        "variant",
        "cheapest_platform",
        "cheapest_instance_type",
        "cheapest_variant",
    ):
        value = record.get(key)
        if value:
            parts.append(str(value))
    return " ".join(parts)


def usd(value: float | None, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"${value:,.{decimals}f}"


def number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def percent(fraction: float | None) -> str:
    if fraction is None:
        return "—"
    return f"{fraction * 100:.0f}%"


def capacity(record: dict[str, Any]) -> str:
    if record.get("capacity") is None:
        return "—"
    return f"{record['capacity']:,.0f} {record.get('capacity_unit') or ''}".strip()


def workload_records(
    document: dict[str, Any], scenario: str, workload: str
) -> list[dict[str, Any]]:
    return [
        r for r in document["options"] if r["scenario"] == scenario and r["workload"] == workload
    ]
