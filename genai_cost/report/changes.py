"""Diffs (pull-request comments) and budget checks as reports (report/blocks.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_cost.documents.changes import CheckDocument, DiffDocument
from genai_cost.report.blocks import Col, Report
from genai_cost.report.labels import usd

COMMENT_MARKER = "<!-- genai-cost diff -->"
ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "alert": "⚠️"}


def signed_usd(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}${abs(value):,.2f}"


def signed_percent(value: float | None) -> str:
    if value is None:
        return ""
    return f" ({'+' if value >= 0 else '-'}{abs(value):.1f}%)"


def change_text(item: Mapping[str, Any]) -> str:
    return signed_usd(item["change_usd"]) + signed_percent(item["change_percent"])


def verdict_line(document: DiffDocument) -> str:
    total = document["total"]

    def rules(level: str) -> str:
        breached = [c for c in document["checks"] if c["breached"] and c["level"] == level]
        return ", ".join(dict.fromkeys(c["rule"] for c in breached))

    verdict = document["verdict"]
    text = f"{ICONS[verdict]} genai-cost: monthly cost {change_text(total)}"
    failed, warned = rules("fail"), rules("warn")
    if verdict == "fail":
        return f"{text} — fails {failed}" + (f"; warns on {warned}" if warned else "")
    if verdict == "warn":
        return f"{text} — warns on {warned}"
    return text + (" — within limits" if document["checks"] else "")


def _label(item: Mapping[str, Any]) -> str:  # a scenario
    name: str = item["name"]
    return name if item["status"] in ("changed", "unchanged") else f"{name} ({item['status']})"


def detail_change(line: Mapping[str, Any]) -> str:
    """What the line stands for, and what it became (a workload's option, a job's instances)."""
    base, head = line["base_detail"], line["head_detail"]
    if base == head or base is None or head is None:
        return head or base or "—"
    return f"{base} → {head}"


FAMILY_LABELS = {
    "inference": "inference",
    "customization": "customization",
    "training": "training",
    "shared_endpoints": "shared endpoint",
    "services": "services",
    "infrastructure": "infrastructure",
    "redundancy": "redundancy",
}


def line_label(line: Mapping[str, Any]) -> str:
    text = f"{FAMILY_LABELS[line['family']]}: {line['item']}"
    return text if line["status"] in ("changed", "unchanged") else f"{text} ({line['status']})"


def diff_report(document: DiffDocument) -> Report:
    """A pull-request comment: verdict, summary, details folded, both sides' prices."""
    total = document["total"]
    base, head = document["base"], document["head"]
    report = Report("Cost change", marker=COMMENT_MARKER)
    if total["status"] == "unchanged" and document["verdict"] == "pass":
        report.text(
            f"{ICONS['pass']} genai-cost: no cost change "
            f"({usd(total['head_monthly_cost_usd'])} a month).",
            "lead",
        )
        return report
    report.text(verdict_line(document), "lead")
    summary = report.table(
        Col("Scenario", key="scenario"),
        Col("Base", "money", "base_monthly_cost_usd"),
        Col("Head", "money", "head_monthly_cost_usd"),
        Col("Change", "signed_money", "change_usd"),
        Col("Change %", "signed_share", "change_fraction"),
        name="scenario",
    )
    for s in document["scenarios"]:
        if s["status"] != "unchanged":
            summary.add(
                _label(s),
                s["base_monthly_cost_usd"],
                s["head_monthly_cost_usd"],
                s["change_usd"],
                _fraction(s["change_percent"]),
            )
    summary.add(
        "Total",
        total["base_monthly_cost_usd"],
        total["head_monthly_cost_usd"],
        total["change_usd"],
        _fraction(total["change_percent"]),
        strong=True,
    )
    if total["usage_effect_usd"] is not None:
        report.text(
            f"Why: usage {signed_usd(total['usage_effect_usd'])} · prices "
            f"{signed_usd(total['price_effect_usd'])}"
        )
    else:
        report.text(
            "Why: the split between usage and prices is not available for every line (see details)."
        )
    changed = [
        ln for s in document["scenarios"] for ln in s["lines"] if ln["status"] != "unchanged"
    ]
    unchanged = sum(
        1 for s in document["scenarios"] for ln in s["lines"] if ln["status"] == "unchanged"
    )
    lines = report.table(
        Col("Scenario"),
        Col("Line"),
        Col("Base", "money", "base_monthly_cost_usd"),
        Col("Head", "money", "head_monthly_cost_usd"),
        Col("Change", "signed_money", "change_usd"),
        Col("Usage", "signed_money", "usage_effect_usd"),
        Col("Prices", "signed_money", "price_effect_usd"),
        Col("What"),
        name="line",
        folded=f"Line by line ({len(changed)} changed, {unchanged} unchanged)",
        optional=("Usage", "Prices"),
    )
    for ln in changed:
        lines.add(
            ln["scenario"],
            line_label(ln),
            ln["base_monthly_cost_usd"],
            ln["head_monthly_cost_usd"],
            ln["change_usd"],
            ln["usage_effect_usd"],
            ln["price_effect_usd"],
            detail_change(ln),
        )
    inputs = [
        (s["name"], w) for s in document["scenarios"] for w in s["workloads"] if w.get("inputs")
    ]
    if inputs:
        report.text("What changed in the scenarios:")
        report.bullets(
            f"{scenario} · {w['name']}: " + "; ".join(w["inputs"]) for scenario, w in inputs
        )
    shown = [c for c in document["checks"] if c["breached"] or c["subject"] == "total"]
    if shown:
        checks = report.table(
            Col("Check", "id", "rule"), Col("Subject"), Col("Result"), name="check"
        )
        for c in shown:
            result = (
                ("❌ fails" if c["level"] == "fail" else "⚠️ warning") if c["breached"] else "ok"
            )
            checks.add(c["rule"], c["subject"], result)
    report.text(
        f"Base {base['label']}: {base['prices']}, priced for {base['pricing_date']}.", "note"
    )
    report.text(
        f"Head {head['label']}: {head['prices']}, priced for {head['pricing_date']}.", "note"
    )
    return report


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def check_report(document: CheckDocument) -> Report:
    report = Report("Budget check")
    if not document["budgets"]:
        report.text(f"{ICONS['pass']} genai-cost check: no budget to check", "lead")
        report.text(f"No budget (skipped): {', '.join(document.get('without_budget', []))}")
        return report
    report.text(
        f"{ICONS[document['verdict']]} genai-cost check: budgets {document['verdict']}", "lead"
    )
    table = report.table(
        Col("Scenario"),
        Col("Workload"),
        Col("Monthly cost", "money", "monthly_cost_usd"),
        Col("Budget", "money", "budget_usd"),
        Col("Used", "share", "used_fraction", decimals=1),
        Col("Alerts reached", key="alerts_crossed"),
        Col("Result", key="level"),
        name="budget",
    )
    for b in document["budgets"]:
        alerts = ", ".join(f"{a:g}%" for a in b["alerts_crossed_percent"]) or "—"
        table.add(
            b["scenario"],
            b["workload"] or "(scenario)",
            b["monthly_cost_usd"],
            b["budget_usd"],
            b["used_percent"] / 100,
            alerts,
            b["level"],
            style={"fail": "bold red", "alert": "yellow"}.get(b["level"], ""),
        )
    report.text("Monthly cost: the whole bill, or the workload's share of it.", "note")
    if document.get("without_budget"):
        report.text(f"No budget (skipped): {', '.join(document['without_budget'])}", "note")
    return report
