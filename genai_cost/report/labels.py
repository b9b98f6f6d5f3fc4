"""Human labels shared by the text renderers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    text = f"{fraction * 100:.0f}%"
    return "0%" if text == "-0%" else text  # never a negative zero


SINGULAR = {
    "instances": "instance",
    "instance-hours": "instance-hour",
    "model units": "model unit",
    "concurrent invocations": "concurrent invocation",
}
"""The singular of each capacity unit's leading words (the engine names units in the plural)."""


def capacity(record: Mapping[str, Any]) -> str:
    if record.get("capacity") is None:
        return "—"
    count = f"{record['capacity']:,.0f}"
    unit = record.get("capacity_unit") or ""
    if count == "1":
        for plural, singular in SINGULAR.items():
            if unit == plural or unit.startswith(plural + " "):
                unit = singular + unit[len(plural) :]
                break
    return f"{count} {unit}".strip()


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


@dataclass
class OptionLine:
    """A line of a workload's option table: a priced option (`record`), or every variant of
    one option kind that cannot be used, with its reason given once."""

    label: str
    record: OptionRecord | None
    reason: str = ""
    count: int = 1


_KIND_NOUN = {"provisioned": "terms", "self_hosted": "variants", "on_demand": "tiers"}


def option_lines(records: Sequence[OptionRecord], expand: bool = False) -> list[OptionLine]:
    """The options of a workload as people read them: the usable ones ranked by monthly cost,
    then one line per option kind that cannot be used, its reason once ("provisioned (3
    terms): no public price … term no_commitment/1_month/6_months"). `expand` lists every
    variant in document order instead (`--all`)."""
    if expand:
        return [OptionLine(option_label(r), r, str(r["reason"] or "")) for r in records]
    usable = sorted(
        (r for r in records if r["feasible"]),
        key=lambda r: r["monthly_cost_usd"] if r["monthly_cost_usd"] is not None else 0.0,
    )
    lines = [OptionLine(option_label(r), r) for r in usable]
    unusable: dict[str, list[OptionRecord]] = {}
    for r in records:
        if not r["feasible"]:
            unusable.setdefault(str(r["option"]), []).append(r)
    for option, group in unusable.items():
        if len(group) == 1:
            lines.append(OptionLine(option_label(group[0]), None, str(group[0]["reason"] or "")))
            continue
        noun = _KIND_NOUN.get(option, "variants")
        label = f"{option} ({len(group)} {noun})"
        lines.append(OptionLine(label, None, _one_reason(group), len(group)))
    return lines


def _one_reason(group: Sequence[OptionRecord]) -> str:
    """The reason of a group of variants once: identical reasons, or reasons that differ only
    by the variant's name (which are joined), else the first with how many others differ."""
    reasons = [str(r["reason"] or "") for r in group]
    variants = [str(r["variant"] or "") for r in group]
    if len(set(reasons)) == 1:
        return reasons[0]
    if all(v and v in text for v, text in zip(variants, reasons, strict=True)):
        templates = {text.replace(v, "\0") for v, text in zip(variants, reasons, strict=True)}
        if len(templates) == 1:
            return templates.pop().replace("\0", "/".join(dict.fromkeys(variants)))
    distinct = list(dict.fromkeys(reasons))
    more = len(distinct) - 1
    return f"{distinct[0]} (and {more} other reason{'s' if more > 1 else ''}; --all lists them)"
