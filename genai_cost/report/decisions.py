"""Markdown of the decision documents: break-even, mix, ROI and regions (the terminal shows
the same Markdown through report/markdown_text.py)."""

from __future__ import annotations

import math
from typing import Any

from genai_cost.documents.decisions import (
    Alternative,
    BreakevenDocument,
    MixDocument,
    OptimizeDocument,
    RegionRow,
    RegionsDocument,
    RoiDocument,
    WorkloadBreakeven,
)
from genai_cost.report.labels import number, percent, usd
from genai_cost.report.sanitize import markdown_cell


def render_breakeven_markdown(document: BreakevenDocument, *, chart: bool = False) -> str:

    lines = []
    for w in document["workloads"]:
        lines += [
            f"## {markdown_cell(w['scenario'])} · {markdown_cell(w['workload'])}",
            "",
            f"Now {number(w['requests_per_month'])} requests a month; range "
            f"{number(w['range'][0])} – {number(w['range'][1])}.",
            "",
        ]
        if w["crossings"]:
            lines += [
                "| Options | Requests / month | Tokens / minute | Kind | Cheaper below | "
                "Cheaper above |",
                "|---|---:|---:|---|---|---|",
            ]
            for c in w["crossings"]:
                kind = (
                    "costs equal " + usd(c["cost_a_usd"])
                    if c["kind"] == "equal"
                    else f"capacity step ({usd(c['cost_a_usd'])} vs {usd(c['cost_b_usd'])})"
                )
                lines.append(
                    f"| {markdown_cell(c['a'])} × {markdown_cell(c['b'])} | "
                    f"{number(c['requests_per_month'])} | "
                    f"{number(c['tokens_per_minute'])} | {kind} | "
                    f"{markdown_cell(c['cheaper_below'])} | {markdown_cell(c['cheaper_above'])} |"
                )
        else:
            lines.append("No two options cross in this range.")
        lines += ["", "| From (requests / month) | To | Cheapest |", "|---:|---:|---|"]
        for band in w["bands"]:
            lines.append(
                f"| {number(band['from_requests_per_month'])} | "
                f"{number(band['to_requests_per_month'])} | {markdown_cell(band['cheapest'])} |"
            )
        lines.append("")
        if chart:
            lines += ["```text", ascii_chart(w), "```", ""]
    return "\n".join(lines)


def ascii_chart(workload: WorkloadBreakeven, width: int = 64, height: int = 16) -> str:
    """Cost against volume in the terminal: log-scaled volume, log-scaled cost."""

    sweep = workload["sweep"]
    volumes = sweep["requests_per_month"]
    symbols = "*o+x#@%&=~"
    series = list(sweep["monthly_cost_usd"].items())
    values = [
        v for _, costs in series for v in costs if v is not None and v > 0 and math.isfinite(v)
    ]
    if not values:
        return "(no option has a positive cost in this range: nothing to chart)"
    lo, hi = math.log10(min(values)), math.log10(max(values))
    hi = hi if hi > lo else lo + 1
    grid = [[" "] * width for _ in range(height)]
    for k, (_, costs) in enumerate(series):
        for column in range(width):
            index = round(column * (len(volumes) - 1) / (width - 1))
            cost = costs[index]
            if cost is None or cost <= 0:
                continue
            row = height - 1 - round((math.log10(cost) - lo) / (hi - lo) * (height - 1))
            grid[row][column] = symbols[k % len(symbols)]
    lines = [f"${10**hi:,.0f} |" + "".join(grid[0])]
    lines += ["".rjust(len(lines[0]) - width - 1) + "|" + "".join(r) for r in grid[1:-1]]
    lines.append(f"${10**lo:,.0f} |".rjust(len(lines[0]) - width) + "".join(grid[-1]))
    lines.append(
        " " * (len(lines[0]) - width) + f"{volumes[0]:,.0f} requests/month"
        f"{volumes[-1]:>{width - 28},.0f}"
    )
    lines += [f"  {symbols[k % len(symbols)]} {label}" for k, (label, _) in enumerate(series)]
    return "\n".join(lines)


def render_mix_markdown(document: MixDocument) -> str:

    lines = []
    for w in document["workloads"]:
        lines += [f"## {markdown_cell(w['scenario'])} · {markdown_cell(w['workload'])}", ""]
        alternatives = _mix_alternatives(w.get("alternatives", []))
        if w["note"]:
            lines += [f"No mix: {w['note']}.", "", *alternatives]
            continue
        lines += [
            "| Capacity option | Overflow on | Units (peak needs) | Share on capacity | Monthly | "
            "Saving vs all on-demand | Saving vs all capacity |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for m in w["mixes"]:
            if m.get("note"):
                label, note = markdown_cell(m["capacity_option"]), markdown_cell(m["note"])
                lines.append(f"| {label} | {note} | | | | | |")
                continue
            saving = m["saving_vs_on_demand_usd"]
            lines.append(
                f"| {markdown_cell(m['capacity_option'])} | {markdown_cell(m['burst_option'])} | "
                f"{m['units']} ({m['units_for_peak']}) | "
                f"{percent(m['share_served_by_capacity'])} | {usd(m['monthly_cost_usd'])} | "
                f"{usd(saving) if saving is not None else '—'} | "
                f"{usd(m['saving_vs_capacity_usd'])} |"
            )
        lines += ["", *alternatives]
    return "\n".join(lines)


def _mix_alternatives(alternatives: list[Alternative]) -> list[str]:
    """The options that scale by themselves (no base to mix), beside the mixes."""
    if not alternatives:
        return []
    lines = [
        "Options without a fixed base to mix (they follow the load):",
        "",
        "| Option | Monthly | Saving vs all on-demand |",
        "|---|---:|---:|",
    ]
    for a in alternatives:
        lines.append(
            f"| {markdown_cell(a['option'])} | {usd(a['monthly_cost_usd'])} | "
            f"{usd(a['saving_vs_on_demand_usd'])} |"
        )
    return [*lines, ""]


def render_roi_markdown(document: RoiDocument) -> str:

    lines = []
    for s in document["scenarios"]:
        payback = (
            f"month {s['payback_month']}"
            if s["payback_month"] is not None
            else "not within the horizon"
        )
        roi = "—" if s["roi_percent"] is None else f"{s['roi_percent']:,.1f}%"
        lines += [
            f"## {markdown_cell(s['scenario'])}: ROI over {s['horizon_months']} months",
            "",
            f"Total cost {usd(s['total_cost_usd'])}, total benefit "
            f"{usd(s['total_benefit_usd'])}, net value {usd(s['net_value_usd'])}, "
            f"NPV {usd(s['npv_usd'])}, payback {payback}, ROI {roi}. The whole bill is "
            f"{usd(s['bill_monthly_cost_usd'])} in month 1; run costs follow the traffic, "
            "one-off payments fall in the months they are paid.",
            "",
            "| Month | Requests | Run cost | One-off | Development | Benefit | Net | Cumulative |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in s["months"]:
            lines.append(
                f"| {m['month']} | {number(m['requests'])} | {usd(m['run_cost_usd'])} | "
                f"{usd(m['one_off_usd'])} | {usd(m['development_usd'])} | "
                f"{usd(m['benefit_usd'])} | {usd(m['net_usd'])} | "
                f"{usd(m['cumulative_net_usd'])} |"
            )
        lines.append("")
    return "\n".join(lines)


def _region_total(row: RegionRow) -> str:
    """The region's whole bill, or "≥ $X (incomplete)" — never a partial sum as a total."""
    if row["monthly_cost_usd"] is None and row["priced_monthly_cost_usd"] is not None:
        return f"≥ {usd(row['priced_monthly_cost_usd'])} (incomplete)"
    return usd(row["monthly_cost_usd"])


def render_regions_markdown(document: RegionsDocument) -> str:

    lines = [
        f"## {markdown_cell(document['scenario'])} by region",
        "",
        "| Region | Monthly cost | Cheapest options | Notes |",
        "|---|---:|---|---|",
    ]
    for row in document["regions"]:
        options = ", ".join(f"{w['name']}: {w['cheapest_option']}" for w in row["workloads"])
        lines.append(
            f"| {markdown_cell(row['region'])} | {_region_total(row)} | "
            f"{markdown_cell(options)} | {markdown_cell(row['reason'] or '')} |"
        )
    return "\n".join(lines) + "\n"


def render_breakeven_table(document: BreakevenDocument) -> str:
    """Break-even for a terminal: the Markdown tables and an ASCII chart per workload."""
    return render_breakeven_markdown(document, chart=True)


def render_optimize_markdown(document: OptimizeDocument) -> str:
    """The ranked levers of each scenario, with the patch of each."""
    lines: list[str] = []
    for s in document["scenarios"]:
        lines += [f"## {markdown_cell(s['scenario'])}: levers", ""]
        if not s["complete"]:
            lines += [
                "The whole bill is incomplete (a price is missing), so savings against it "
                "would be against a lower bound: complete it first (`estimate` names what is "
                "missing).",
                "",
            ]
            continue
        lines += [f"Whole bill now: {usd(s['monthly_cost_usd'])} a month.", ""]
        if not s["levers"]:
            lines += ["No lever saves money against the scenario as it is.", ""]
        else:
            lines += [
                "| Rank | Action | Monthly saving | Share of the bill | One-off | Payback | "
                "Risk or assumption |",
                "|---:|---|---:|---:|---:|---|---|",
            ]
            for lever in s["levers"]:
                payback = (
                    "immediate"
                    if not lever["one_off_usd"]
                    else f"{lever['payback_months']:.1f} months"
                )
                lines.append(
                    f"| {lever['rank']} | {markdown_cell(lever['action'])} | "
                    f"{usd(lever['monthly_saving_usd'])} | {percent(lever['share_of_bill'])} | "
                    f"{usd(lever['one_off_usd'])} | {payback} | {markdown_cell(lever['risk'])} |"
                )
            lines += [
                "",
                "Savings are not additive: each is against the scenario as it is. Apply one "
                "with `genai-cost optimize FILE --apply RANK -o new.yaml`.",
                "",
            ]
            for lever in s["levers"]:
                lines += [
                    f"Patch {lever['rank']}:",
                    "",
                    "```yaml",
                    _yaml(lever["patch"]),
                    "```",
                    "",
                ]
        if s["not_priced"]:
            lines += ["Levers that could not be priced:", ""]
            lines += [
                f"- {markdown_cell(n['action'])}: {markdown_cell(n['reason'])}"
                for n in s["not_priced"]
            ]
            lines.append("")
    return "\n".join(lines)


def _yaml(patch: dict[str, Any]) -> str:
    from genai_cost.yamlsource import dump_yaml

    text = dump_yaml(patch).rstrip("\n")
    return text.replace("```", "` ` `")
