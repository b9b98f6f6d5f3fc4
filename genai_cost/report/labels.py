"""Human labels shared by the text renderers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.estimate import EstimateDocument, OptionRecord
from genai_cost.engine.labels import option_label as engine_label


def option_label(record: Mapping[str, Any]) -> str:
    """The label of an option record (`option`, `platform` …) or of a workload's cheapest
    option (`cheapest_option` …), built by the engine's one label function."""
    prefix = "" if "option" in record else "cheapest_"
    return engine_label(
        record.get(f"{prefix}option") or "none",
        record.get(f"{prefix}variant") or "",
        record.get(f"{prefix}platform") or "",
        record.get(f"{prefix}instance_type") or "",
    )


def usd(value: float | None, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"${abs(value):,.{decimals}f}"
    return "-" + text if value < 0 and text.strip("$0.,") else text


def number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def percent(fraction: float | None) -> str:
    if fraction is None:
        return "—"
    return f"{fraction * 100:.0f}%"


def capacity(record: Mapping[str, Any]) -> str:
    if record.get("capacity") is None:
        return "—"
    return f"{record['capacity']:,.0f} {record.get('capacity_unit') or ''}".strip()


def records_by_workload(
    document: EstimateDocument,
) -> dict[tuple[str, str], list[OptionRecord]]:
    """The option records of each (scenario, workload), in document order — one pass, so a
    renderer of W workloads does not scan every option W times."""
    index: dict[tuple[str, str], list[OptionRecord]] = {}
    for record in document["options"]:
        index.setdefault((record["scenario"], record["workload"]), []).append(record)
    return index


def period_text(scenarios: Sequence[Mapping[str, Any]]) -> str:
    """The month the figures are for: '730-hour months' (AWS's convention), or the calendar
    month(s) the scenarios name, with their hours."""
    months = {(s.get("billing_month"), s.get("month_hours", 730.0)) for s in scenarios}
    if not months or months == {(None, 730.0)}:
        return "months of 730 hours"
    if len(months) == 1:
        [(month, hours)] = months
        return f"billing month {month} ({hours:g} hours)"
    return "; ".join(
        f"{s['name']}: "
        + (f"{s['billing_month']} ({s['month_hours']:g} h)" if s.get("billing_month") else "730 h")
        for s in scenarios
    )
