"""Comparing two estimates: what changed, why (usage or prices), and which limits it breaks.

A side is a scenario file or folder (priced now), an estimate JSON baseline (priced when it
was written), or scenario files as they were at a git revision (sides are read by the API:
genai_cost/api.py). Scenarios are matched by name; within a scenario the bill's lines are
matched by cost family and item (a workload's inference, a customization path, a training
job, an endpoint, the supporting services …), and workloads by name (their share of the
bill). Both sides must be whole bills: a part that cannot be priced is an error naming it.

The change of a line is split in two, the usage effect first:

    usage effect = C(head usage, base prices) - C(base usage, base prices)
    price effect = C(head usage, head prices) - C(head usage, base prices)

so the two always add up to the change. `C(head usage, base prices)` is found by re-pricing
the head scenarios with the base side's snapshot on the base side's pricing date; when the
head is a JSON baseline (nothing to re-price), by pricing the head line's components at the
base's unit prices for the same component (for a workload's option, the base's price of that
option); when neither is possible the split is reported as not available.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from genai_cost.documents.changes import (
    CheckResult,
    DiffDocument,
    LineChange,
    ScenarioChange,
    SideSummary,
    Split,
    Status,
    TotalChange,
    WorkloadChange,
)
from genai_cost.documents.estimate import (
    BillComponent,
    EstimateDocument,
    EstimateHead,
    OptionRecord,
    WorkloadSummary,
)
from genai_cost.engine.labels import option_label
from genai_cost.errors import ArgumentError, PricingError
from genai_cost.version import __version__

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog
    from genai_cost.results.estimate import Estimate

DIFF_SCHEMA_VERSION = 2
LineKey = tuple[str, str, str]
"""(scenario, family, item)"""


@dataclass
class Side:
    """One side of a diff: an estimate document and, when priced here, the estimate."""

    label: str
    document: EstimateHead
    """A baseline's whole document; a side priced here, the keys before the option records
    (`option_records` makes those when asked)."""
    estimate: Estimate | None = None
    prices: str = ""
    """Where its prices came from, for the report."""

    @classmethod
    def priced(cls, label: str, estimate: Estimate, prices: str) -> Side:
        """A side priced here: its document without the option records, which only a line
        priced at the other side's component prices reads."""
        head, _, tail = estimate.document_parts()
        return cls(label, cast(EstimateHead, {**head, **tail}), estimate, prices)

    def option_records(self) -> list[OptionRecord]:
        """The document's option records: made from the estimate when priced here, else
        those the baseline holds."""
        if self.estimate is not None:
            return [record for chunk in self.estimate.document_parts()[1] for record in chunk]
        return cast(EstimateDocument, self.document)["options"]

    def workloads(self) -> dict[tuple[str, str], WorkloadSummary]:
        return {
            (s["name"], w["name"]): w for s in self.document["scenarios"] for w in s["workloads"]
        }

    def lines(self) -> dict[LineKey, list[BillComponent]]:
        return lines_of(self.document)

    def require_whole(self) -> None:
        gaps = [
            f"{s['name']}: {m['family']} {m['item']} ({m['name']}): {m['reason']}"
            for s in self.document["scenarios"]
            for m in s["bill"]["missing"]
        ]
        if gaps:
            raise PricingError(
                f"diff needs whole bills, and part of {self.label}'s cannot be priced:\n  "
                + "\n  ".join(gaps)
                + "\nsupply the missing prices in a price book («price_book»)"
            )


def lines_of(document: EstimateHead) -> dict[LineKey, list[BillComponent]]:
    found: dict[LineKey, list[BillComponent]] = {}
    for s in document["scenarios"]:
        for c in s["bill"]["components"]:
            found.setdefault((s["name"], c["family"], c["item"]), []).append(c)
    return found


def _usd(components: Sequence[BillComponent]) -> float:
    return float(sum(c["usd"] or 0.0 for c in components))


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
) -> tuple[dict[LineKey, float | None], Split]:
    """Per line, the head's usage priced at the base side's prices, and how it was found:
    "repriced" (the head's scenarios priced with the base's snapshot and pricing date, when
    that snapshot is at hand and knows every model and instance the head uses, and every
    line can be priced with it), else "components" (the head line's components at the base's
    unit prices)."""
    from genai_cost.catalog.validation import scenario_problems
    from genai_cost.decisions.bill import price_bill

    catalog = _base_catalog(base, base_snapshot) if head.estimate is not None else None
    if head.estimate is not None and catalog is not None:
        scenarios = head.estimate.scenarios
        if not any(scenario_problems(loaded, catalog) for loaded in scenarios):
            day = dt.date.fromisoformat(base.document["pricing_date"])
            repriced = price_bill(scenarios, catalog, day=day, as_of=day, check_requested=False)
            head_doc, _, _ = repriced.document_parts()  # the bills (no option records)
            document = cast(EstimateHead, head_doc)
            if all(s["complete"] for s in document["scenarios"]):
                return {k: _usd(v) for k, v in lines_of(document).items()}, "repriced"
    return _components_at_base_prices(base, head.document), "components"


def _option_prices(records: list[OptionRecord]) -> dict[tuple[str, str, str], dict[str, float]]:
    """(scenario, workload, option label) → unit price of each of the option's components."""
    prices: dict[tuple[str, str, str], dict[str, float]] = {}
    for record in records:
        if not record["feasible"]:
            continue
        label = option_label(
            record["option"],
            record["variant"] or "",
            record["platform"] or "",
            record["instance_type"] or "",
        )
        key = (record["scenario"], record["workload"], label)
        prices[key] = {
            c["name"]: c["usd_per_unit"]
            for c in record["components"]
            if c["usd_per_unit"] is not None
        }
    return prices


def _components_at_base_prices(base: Side, head: EstimateHead) -> dict[LineKey, float | None]:
    base_lines = lines_of(base.document)
    options = _option_prices(base.option_records())
    result: dict[LineKey, float | None] = {}
    for key, components in lines_of(head).items():
        own = {
            (c["name"], c["unit"], c["detail"]): c["usd_per_unit"] for c in base_lines.get(key, [])
        }
        total: float | None = 0.0
        for c in components:
            price = own.get((c["name"], c["unit"], c["detail"]))
            if price is None and c["detail"]:
                label = c["detail"].split("; +")[0]
                price = options.get((key[0], key[2], label), {}).get(c["name"])
            if price is None or c["quantity"] is None or total is None:
                total = None
                continue
            total += c["quantity"] * price
        result[key] = total
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
    """The diff document (schema_version 2) of two sides, without threshold checks."""
    base.require_whole()
    head.require_whole()
    base_lines, head_lines = base.lines(), head.lines()
    base_workloads, head_workloads = base.workloads(), head.workloads()
    hub, method = _head_at_base_prices(base, head, base_snapshot)
    same_prices = (
        base.document["snapshot"] == head.document["snapshot"]
        and base.document["pricing_date"] == head.document["pricing_date"]
    )
    base_scenarios = {s["name"]: s for s in base.document["scenarios"]}
    head_scenarios = {s["name"]: s for s in head.document["scenarios"]}
    scenarios: list[ScenarioChange] = []
    for name in dict.fromkeys([*base_scenarios, *head_scenarios]):
        keys = list(
            dict.fromkeys(
                [k for k in base_lines if k[0] == name] + [k for k in head_lines if k[0] == name]
            )
        )
        lines = [
            _line_change(k, base_lines.get(k), head_lines.get(k), hub, method, same_prices)
            for k in keys
        ]
        workload_keys = list(
            dict.fromkeys(
                [k for k in base_workloads if k[0] == name]
                + [k for k in head_workloads if k[0] == name]
            )
        )
        workloads = [
            _workload_change(k, base_workloads.get(k), head_workloads.get(k)) for k in workload_keys
        ]
        figures = _summarize(lines, base_scenarios.get(name), head_scenarios.get(name))
        scenarios.append({"name": name, **figures, "lines": lines, "workloads": workloads})
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


def _line_change(
    key: LineKey,
    base: list[BillComponent] | None,
    head: list[BillComponent] | None,
    hub: Mapping[LineKey, float | None],
    method: Split,
    same_prices: bool,
) -> LineChange:
    base_usd = _usd(base) if base else None
    head_usd = _usd(head) if head else None
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
        "family": key[1],  # type: ignore[typeddict-item]
        "item": key[2],
        "status": status,
        "base_monthly_cost_usd": _round(base_usd),
        "head_monthly_cost_usd": _round(head_usd),
        "change_usd": _round(change),
        "change_percent": _round(_percent(base_usd, head_usd)),
        "usage_effect_usd": _round(usage),
        "price_effect_usd": _round(price),
        "split": split,
        "base_detail": _detail(base),
        "head_detail": _detail(head),
    }


def _detail(components: list[BillComponent] | None) -> str | None:
    """What a line stands for (a workload's option, a job's instances …), when it says."""
    if not components:
        return None
    details = [c["detail"] for c in components if c["detail"]]
    return details[0] if details else None


def _workload_change(
    key: tuple[str, str], base: WorkloadSummary | None, head: WorkloadSummary | None
) -> WorkloadChange:
    base_usd = base["bill_monthly_cost_usd"] if base else None
    head_usd = head["bill_monthly_cost_usd"] if head else None
    change = (head_usd or 0.0) - (base_usd or 0.0)
    status: Status = (
        "added"
        if base is None
        else "removed"
        if head is None
        else ("unchanged" if round(change, 6) == 0 else "changed")
    )
    result: WorkloadChange = {
        "scenario": key[0],
        "name": key[1],
        "status": status,
        "base_monthly_cost_usd": _round(base_usd),
        "head_monthly_cost_usd": _round(head_usd),
        "change_usd": _round(change),
        "change_percent": _round(_percent(base_usd, head_usd)),
        "base_option": _option_label(base),
        "head_option": _option_label(head),
        "base_model": base["model"] if base else None,
        "head_model": head["model"] if head else None,
    }
    changed = _input_changes(base, head)
    if changed:
        result["inputs"] = changed
    return result


def _figure(value: Any) -> str:
    return f"{value:,.6g}" if isinstance(value, float | int) else str(value)


def _input_changes(base: WorkloadSummary | None, head: WorkloadSummary | None) -> list[str]:
    """The scenario inputs of a workload that differ between the two sides."""
    if base is None or head is None:
        return []
    out = [
        f"{name} {_figure(base[name])} → {_figure(head[name])}"
        for name in ("model", "region", "requests_per_month")
        if base[name] != head[name]
    ]
    old, new = base.get("tokens_per_request", {}), head.get("tokens_per_request", {})
    for kind in sorted(set(old) | set(new)):
        if old.get(kind, 0) != new.get(kind, 0):
            out.append(
                f"tokens_per_request.{kind} {_figure(old.get(kind, 0))} → "
                f"{_figure(new.get(kind, 0))}"
            )
    return out


def _summarize(parts: Sequence[TotalChange], in_base: Any, in_head: Any) -> TotalChange:
    """The change of a whole made of `parts` (a scenario's lines, or the scenarios)."""

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
    r"^\s*(?:(?P<scope>total|workload|line)\s*:\s*)?\$?(?P<value>[0-9][0-9_,]*"
    r"(?:\.[0-9]+)?)\s*(?P<percent>%)?\s*$"
)


def thresholds(
    fail_on_increase: Sequence[str] = (),
    fail_above: Sequence[str] = (),
    warn_on_increase: Sequence[str] = (),
    warn_above: Sequence[str] = (),
) -> list[Threshold]:
    """The limits of a comparison, from the texts of its four threshold options."""
    return [
        Threshold.parse(level, kind, text)
        for level, kind, values in (
            ("fail", "increase", fail_on_increase),
            ("fail", "above", fail_above),
            ("warn", "increase", warn_on_increase),
            ("warn", "above", warn_above),
        )
        for text in values
    ]


@dataclass(frozen=True)
class Threshold:
    """A limit on the diff: `--fail-on-increase 10%`, `--warn-above workload:200` ..."""

    level: str  # "fail" or "warn"
    kind: str  # "increase" or "above"
    scope: str  # "total", "workload" (its share of the bill) or "line" (each bill line)
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
                f"500, optionally prefixed by total:, workload: or line:"
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

    def breached_by(self, item: Mapping[str, Any]) -> bool:
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
        items: list[tuple[str, Mapping[str, Any]]]
        if threshold.scope == "total":
            items = [("total", document["total"])]
        elif threshold.scope == "workload":
            items = [
                (f"{w['scenario']} / {w['name']}", w)
                for s in document["scenarios"]
                for w in s["workloads"]
            ]
        else:
            items = [
                (f"{ln['scenario']} / {ln['family']} {ln['item']}", ln)
                for s in document["scenarios"]
                for ln in s["lines"]
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
