"""Markdown renderings of diffs (pull-request comments) and budget checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_cost.documents.changes import CheckDocument, DiffDocument
from genai_cost.report.labels import usd
from genai_cost.report.sanitize import markdown_cell, markdown_code

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
        return ", ".join(dict.fromkeys(f"`{markdown_code(c['rule'])}`" for c in breached))

    verdict = document["verdict"]
    text = f"{ICONS[verdict]} **genai-cost**: monthly cost {change_text(total)}"
    failed, warned = rules("fail"), rules("warn")
    if verdict == "fail":
        return f"{text} — fails {failed}" + (f"; warns on {warned}" if warned else "")
    if verdict == "warn":
        return f"{text} — warns on {warned}"
    return text + (" — within limits" if document["checks"] else "")


def _label(item: Mapping[str, Any]) -> str:  # a scenario
    name = markdown_cell(item["name"])
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
    "redundancy": "redundancy",
}


def line_label(line: Mapping[str, Any]) -> str:
    text = f"{FAMILY_LABELS[line['family']]}: {line['item']}"
    return text if line["status"] in ("changed", "unchanged") else f"{text} ({line['status']})"


def render_diff_markdown(document: DiffDocument) -> str:
    """A pull-request comment: verdict, summary, details folded, both sides' prices."""
    total = document["total"]
    base, head = document["base"], document["head"]
    prices = [
        f"Base `{markdown_code(base['label'])}`: {markdown_cell(base['prices'])}, priced for "
        f"{base['pricing_date']}.",
        f"Head `{markdown_code(head['label'])}`: {markdown_cell(head['prices'])}, priced for "
        f"{head['pricing_date']}.",
    ]
    if total["status"] == "unchanged" and document["verdict"] == "pass":
        return (
            f"{COMMENT_MARKER}\n{ICONS['pass']} **genai-cost**: no cost change "
            f"({usd(total['head_monthly_cost_usd'])} a month).\n"
        )
    lines = [
        COMMENT_MARKER,
        verdict_line(document),
        "",
        "| | Base | Head | Change |",
        "|---|---:|---:|---:|",
        f"| **Total** | {usd(total['base_monthly_cost_usd'])} | "
        f"{usd(total['head_monthly_cost_usd'])} | **{change_text(total)}** |",
    ]
    for s in document["scenarios"]:
        if s["status"] != "unchanged":
            lines.append(
                f"| {_label(s)} | {usd(s['base_monthly_cost_usd'])} | "
                f"{usd(s['head_monthly_cost_usd'])} | {change_text(s)} |"
            )
    lines.append("")
    if total["usage_effect_usd"] is not None:
        lines.append(
            f"Why: usage {signed_usd(total['usage_effect_usd'])} · prices "
            f"{signed_usd(total['price_effect_usd'])}"
        )
    else:
        lines.append(
            "Why: the split between usage and prices is not available for every line (see details)."
        )
    changed = [
        ln for s in document["scenarios"] for ln in s["lines"] if ln["status"] != "unchanged"
    ]
    unchanged = sum(
        1 for s in document["scenarios"] for ln in s["lines"] if ln["status"] == "unchanged"
    )
    lines += [
        "",
        "<details>",
        f"<summary>Line by line ({len(changed)} changed, {unchanged} unchanged)</summary>",
        "",
        "| Scenario | Line | Base | Head | Change | Usage | Prices | What |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for ln in changed:
        lines.append(
            f"| {markdown_cell(ln['scenario'])} | {markdown_cell(line_label(ln))} | "
            f"{usd(ln['base_monthly_cost_usd'])} | {usd(ln['head_monthly_cost_usd'])} | "
            f"{change_text(ln)} | {signed_usd(ln['usage_effect_usd'])} | "
            f"{signed_usd(ln['price_effect_usd'])} | {markdown_cell(detail_change(ln))} |"
        )
    lines += ["", "</details>", ""]
    inputs = [
        (s["name"], w) for s in document["scenarios"] for w in s["workloads"] if w.get("inputs")
    ]
    if inputs:
        lines += ["What changed in the scenarios:", ""]
        lines += [
            f"- {markdown_cell(scenario)} · {markdown_cell(w['name'])}: "
            + "; ".join(markdown_cell(i) for i in w["inputs"])
            for scenario, w in inputs
        ]
        lines.append("")
    if document["checks"]:
        lines += ["| Check | Subject | Result |", "|---|---|---|"]
        for c in document["checks"]:
            if c["breached"] or c["subject"] == "total":
                result = (
                    ("❌ fails" if c["level"] == "fail" else "⚠️ warning") if c["breached"] else "ok"
                )
                lines.append(
                    f"| `{markdown_code(c['rule'])}` | {markdown_cell(c['subject'])} | {result} |"
                )
        lines.append("")
    lines += prices
    return "\n".join(lines) + "\n"


def render_check_markdown(document: CheckDocument) -> str:
    lines = [
        f"{ICONS[document['verdict']]} **genai-cost check**: budgets {document['verdict']}",
        "",
        "| Scenario | Workload | Monthly cost (whole bill or share) | Budget | Used | Alerts "
        "reached | Result |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for b in document["budgets"]:
        alerts = ", ".join(f"{a:g}%" for a in b["alerts_crossed_percent"]) or "—"
        lines.append(
            f"| {markdown_cell(b['scenario'])} | {markdown_cell(b['workload'] or '(scenario)')} | "
            f"{usd(b['monthly_cost_usd'])} | {usd(b['budget_usd'])} | "
            f"{b['used_percent']:.1f}% | {alerts} | {b['level']} |"
        )
    return "\n".join(lines) + "\n"
