"""Comparing two estimates: what changed, why (usage or prices), and which limits it breaks.

A side is a scenario file or folder (priced now), an estimate JSON baseline (priced when it
was written), or scenario files as they were at a git revision (sides are read by the API:
genai_cost/api.py). Scenarios are matched by name, workloads by name within their scenario;
each workload's cost is its cheapest option.

The change of a workload is split in two, the usage effect first:

    usage effect = C(head usage, base prices) - C(base usage, base prices)
    price effect = C(head usage, head prices) - C(head usage, base prices)

so the two always add up to the change. `C(head usage, base prices)` is found by re-pricing
the head scenarios with the base side's snapshot on the base side's pricing date; when the
head is a JSON baseline (nothing to re-price), by pricing the head's chosen option's
components at the base's unit prices for the same option; when neither is possible the
split is reported as not available.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_cost.documents.changes import (
    CheckResult,
    DiffDocument,
    ScenarioChange,
    SideSummary,
    Split,
    Status,
    TotalChange,
    WorkloadChange,
)
from genai_cost.documents.estimate import EstimateDocument, OptionRecord, WorkloadSummary
from genai_cost.engine.labels import option_label
from genai_cost.errors import ArgumentError
from genai_cost.version import __version__

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog
    from genai_cost.results.estimate import Estimate

DIFF_SCHEMA_VERSION = 1
ESTIMATE_SCHEMA_VERSION = 1


@dataclass
class Side:
    """One side of a diff: an estimate document and, when priced here, the estimate."""

    label: str
    document: EstimateDocument
    estimate: Estimate | None = None
    prices: str = ""
    """Where its prices came from, for the report."""

    def costs(self) -> dict[tuple[str, str], WorkloadSummary]:
        return {
            (s["name"], w["name"]): w for s in self.document["scenarios"] for w in s["workloads"]
        }


def _base_catalog(base: Side, base_snapshot: str | Path | None) -> Catalog | None:
    """The catalog the base side was priced with, when it is at hand (else None)."""
    from genai_cost.catalog.snapshot import available_snapshot, load_catalog

    if base.estimate is not None:
        return base.estimate.catalog
    wanted = base_snapshot or base.document["snapshot"]["id"]
    if not available_snapshot(wanted):
        return None
    catalog = load_catalog(wanted)
    return catalog if catalog.snapshot_id == base.document["snapshot"]["id"] else None


def _head_at_base_prices(
    base: Side, head: Side, base_snapshot: str | Path | None
) -> tuple[dict[tuple[str, str], float | None], Split]:
    """Per workload, the head's usage priced at the base side's prices, and how it was found:
    "repriced" (the head's scenarios priced with the base's snapshot and pricing date, when
    that snapshot is at hand and knows every model and instance the head uses), else
    "components" (the head's chosen option's components at the base's unit prices)."""
    from genai_cost.catalog.validation import scenario_problems
    from genai_cost.decisions.bill import price_bill

    catalog = _base_catalog(base, base_snapshot) if head.estimate is not None else None
    if head.estimate is not None and catalog is not None:
        scenarios = head.estimate.scenarios
        if not any(scenario_problems(loaded, catalog) for loaded in scenarios):
            day = dt.date.fromisoformat(base.document["pricing_date"])
            repriced = price_bill(scenarios, catalog, day=day, as_of=day, check_requested=False)
            costs = {
                key: value["monthly_cost_usd"]
                for key, value in Side("", repriced.to_dict()).costs().items()
            }
            return costs, "repriced"
    return dict(_components_at_base_prices(base.document, head.document)), "components"


def _option_key(record: OptionRecord) -> tuple[Any, ...]:
    return (
        record["scenario"],
        record["workload"],
        record["model"],
        record["region"],
        record["option"],
        record["variant"],
        record["platform"],
        record["instance_type"],
    )


def _components_at_base_prices(
    base: EstimateDocument, head: EstimateDocument
) -> dict[tuple[str, str], float]:
    base_rows = {_option_key(r): r for r in base["options"]}
    result: dict[tuple[str, str], float] = {}
    for record in head["options"]:
        if not record["cheapest"]:
            continue
        match = base_rows.get(_option_key(record))
        if match is None:
            continue
        prices = {c["name"]: c["usd_per_unit"] for c in match["components"]}
        total = 0.0
        for component in record["components"]:
            price = prices.get(component["name"])
            quantity = component["quantity"]
            if price is None or quantity is None:
                break
            total += quantity * price
        else:
            result[(record["scenario"], record["workload"])] = total
    return result


def _percent(base: float | None, head: float | None) -> float | None:
    if base is None or head is None or base == 0:
        return None
    return (head - base) / base * 100.0


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 6)


def _option_label(workload: WorkloadSummary | None) -> str | None:
    if workload is None or workload["cheapest_option"] is None:
        return None
    return option_label(
        workload["cheapest_option"],
        workload["cheapest_variant"] or "",
        workload["cheapest_platform"] or "",
        workload["cheapest_instance_type"] or "",
    )


def compare(base: Side, head: Side, *, base_snapshot: str | Path | None = None) -> DiffDocument:
    """The diff document (schema_version 1) of two sides, without threshold checks."""
    base_costs, head_costs = base.costs(), head.costs()
    hub, method = _head_at_base_prices(base, head, base_snapshot)
    same_prices = (
        base.document["snapshot"] == head.document["snapshot"]
        and base.document["pricing_date"] == head.document["pricing_date"]
    )
    scenario_names = list(
        dict.fromkeys(
            [s["name"] for s in base.document["scenarios"]]
            + [s["name"] for s in head.document["scenarios"]]
        )
    )
    scenarios: list[ScenarioChange] = []
    for name in scenario_names:
        keys = list(
            dict.fromkeys(
                [k for k in base_costs if k[0] == name] + [k for k in head_costs if k[0] == name]
            )
        )
        workloads = [
            _workload_change(k, base_costs.get(k), head_costs.get(k), hub, method, same_prices)
            for k in keys
        ]
        in_base = any(s["name"] == name for s in base.document["scenarios"])
        in_head = any(s["name"] == name for s in head.document["scenarios"])
        figures = _summarize(workloads, in_base, in_head)
        scenarios.append({"name": name, **figures, "workloads": workloads})
    total = _summarize(scenarios, True, True)
    return {
        "schema_version": DIFF_SCHEMA_VERSION,
        "kind": "genai-cost diff",
        "tool_version": __version__,
        "base": _side_summary(base),
        "head": _side_summary(head),
        "total": total,
        "scenarios": scenarios,
        "checks": [],
        "verdict": "pass",
    }


def _side_summary(side: Side) -> SideSummary:
    total = sum((s["total_monthly_cost_usd"] or 0.0) for s in side.document["scenarios"])
    return {
        "label": side.label,
        "prices": side.prices,
        "snapshot": side.document["snapshot"],
        "pricing_date": side.document["pricing_date"],
        "total_monthly_cost_usd": _round(total),
    }


def _workload_change(
    key: tuple[str, str],
    base: WorkloadSummary | None,
    head: WorkloadSummary | None,
    hub: dict[tuple[str, str], float | None],
    method: Split,
    same_prices: bool,
) -> WorkloadChange:
    base_usd = base["monthly_cost_usd"] if base else None
    head_usd = head["monthly_cost_usd"] if head else None
    change = (head_usd or 0.0) - (base_usd or 0.0)
    usage: float | None
    price: float | None
    status: Status
    split: Split
    if base is None:
        status, usage, price, split = "added", change, 0.0, "added"
    elif head is None:
        status, usage, price, split = "removed", change, 0.0, "removed"
    else:
        status = "unchanged" if round(change, 6) == 0 else "changed"
        if same_prices:
            usage, price, split = change, 0.0, "same prices"
        elif (at_base_prices := hub.get(key)) is not None:
            usage = at_base_prices - (base_usd or 0.0)
            price = change - usage
            split = method
        else:
            usage = price = None
            split = "not available"
    return {
        "scenario": key[0],
        "name": key[1],
        "status": status,
        "base_monthly_cost_usd": _round(base_usd),
        "head_monthly_cost_usd": _round(head_usd),
        "change_usd": _round(change),
        "change_percent": _round(_percent(base_usd, head_usd)),
        "usage_effect_usd": _round(usage),
        "price_effect_usd": _round(price),
        "split": split,
        "base_option": _option_label(base),
        "head_option": _option_label(head),
        "base_model": base["model"] if base else None,
        "head_model": head["model"] if head else None,
    }


def _summarize(parts: Sequence[TotalChange], in_base: bool, in_head: bool) -> TotalChange:
    """The change of a whole made of `parts` (a scenario's workloads, or the scenarios)."""

    def effect(values: list[float | None]) -> float | None:
        """Sum of the parts' effects; unknown if any part's split is unknown."""
        known = [v for v in values if v is not None]
        return None if len(known) < len(values) else sum(known)

    base_usd = sum(p["base_monthly_cost_usd"] or 0.0 for p in parts)
    head_usd = sum(p["head_monthly_cost_usd"] or 0.0 for p in parts)
    status: Status = (
        "added"
        if not in_base
        else "removed"
        if not in_head
        else ("changed" if any(p["status"] != "unchanged" for p in parts) else "unchanged")
    )
    return {
        "status": status,
        "base_monthly_cost_usd": _round(base_usd) if in_base else None,
        "head_monthly_cost_usd": _round(head_usd) if in_head else None,
        "change_usd": _round(head_usd - base_usd),
        "change_percent": _round(_percent(base_usd, head_usd)) if in_base and in_head else None,
        "usage_effect_usd": _round(effect([p["usage_effect_usd"] for p in parts])),
        "price_effect_usd": _round(effect([p["price_effect_usd"] for p in parts])),
    }


# --- thresholds -----------------------------------------------------------------------------

_THRESHOLD = re.compile(
    r"^\s*(?:(?P<scope>total|workload)\s*:\s*)?\$?(?P<value>[0-9][0-9_,]*"
    r"(?:\.[0-9]+)?)\s*(?P<percent>%)?\s*$"
)


@dataclass(frozen=True)
class Threshold:
    """A limit on the diff: `--fail-on-increase 10%`, `--warn-above workload:200` ..."""

    level: str  # "fail" or "warn"
    kind: str  # "increase" or "above"
    scope: str  # "total" or "workload"
    value: float
    relative: bool
    text: str

    @classmethod
    def parse(cls, level: str, kind: str, text: str) -> Threshold:
        flag = f"--{level}-{'on-increase' if kind == 'increase' else 'above'}"
        match = _THRESHOLD.match(text)
        if not match:
            raise ArgumentError(
                f"{flag} {text!r}: expected a percentage like 10% or an amount in USD like "
                f"500, optionally prefixed by total: or workload:"
            )
        relative = match.group("percent") is not None
        if kind == "above" and relative:
            raise ArgumentError(
                f"{flag} {text!r}: takes an amount in USD per month, not a percentage"
            )
        value = float(match.group("value").replace("_", "").replace(",", ""))
        return cls(
            level, kind, match.group("scope") or "total", value, relative, f"{flag} {text.strip()}"
        )

    def breached_by(self, item: TotalChange) -> bool:
        head = item["head_monthly_cost_usd"] or 0.0
        base = item["base_monthly_cost_usd"] or 0.0
        if self.kind == "above":
            return head > self.value
        if not self.relative:
            return head - base > self.value
        if base == 0:
            return head > 0
        return (head - base) / base * 100.0 > self.value


def apply_thresholds(document: DiffDocument, thresholds: list[Threshold]) -> DiffDocument:
    """Add `checks` and the `verdict` (pass, warn, fail) to a diff document."""
    checks: list[CheckResult] = []
    for threshold in thresholds:
        items: list[tuple[str, TotalChange]]
        if threshold.scope == "total":
            items = [("total", document["total"])]
        else:
            items = [
                (f"{w['scenario']} / {w['name']}", w)
                for s in document["scenarios"]
                for w in s["workloads"]
            ]
        for subject, item in items:
            checks.append(
                {
                    "rule": threshold.text,
                    "level": "fail" if threshold.level == "fail" else "warn",
                    "subject": subject,
                    "breached": threshold.breached_by(item),
                }
            )
    breached = {c["level"] for c in checks if c["breached"]}
    result: DiffDocument = {**document, "checks": checks}
    result["verdict"] = "fail" if "fail" in breached else "warn" if "warn" in breached else "pass"
    return result
