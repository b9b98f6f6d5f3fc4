"""The decision documents as reports (report/blocks.py): break-even, mix, ROI, regions and
optimize. They arrange; every format draws (report/formats.py)."""

from __future__ import annotations

import math
from typing import Any

from genai_cost.documents.decisions import (
    BreakevenDocument,
    MixDocument,
    OptimizeDocument,
    RegionRow,
    RegionsDocument,
    RoiDocument,
    WorkloadBreakeven,
)
from genai_cost.report.blocks import Chart, Col, Figure, Report
from genai_cost.report.labels import usd


def breakeven_report(document: BreakevenDocument, *, chart: bool = False) -> Report:
    """Crossings and the cheapest option by volume band, per workload; `chart` adds the
    cost curves as text (always drawn in HTML)."""
    report = Report("Break-even")
    for w in document["workloads"]:
        report.heading(f"{w['scenario']} · {w['workload']}")
        report.text(
            f"Now {w['requests_per_month']:,.0f} requests a month; range "
            f"{w['range'][0]:,.0f} – {w['range'][1]:,.0f}."
        )
        if w["crossings"]:
            table = report.table(
                Col("Options"),
                Col("Requests / month", "count"),
                Col("Tokens / minute", "count"),
                Col("Kind"),
                Col("Cost A", "money", "cost_a_usd"),
                Col("Cost B", "money", "cost_b_usd"),
                Col("Cheaper below", "id"),
                Col("Cheaper above", "id"),
                name="crossing",
                optional=("Tokens / minute", "Cost A", "Cost B"),
            )
            for c in w["crossings"]:
                table.add(
                    f"{c['a']} × {c['b']}",
                    c["requests_per_month"],
                    c["tokens_per_minute"],
                    "costs equal" if c["kind"] == "equal" else "capacity step",
                    c["cost_a_usd"],
                    c["cost_b_usd"],
                    c["cheaper_below"],
                    c["cheaper_above"],
                )
        else:
            report.text("No two options cross in this range.")
        bands = report.table(
            Col("From (requests / month)", "count", "from_requests_per_month"),
            Col("To", "count", "to_requests_per_month"),
            Col("Cheapest", "id"),
            name="band",
        )
        for band in w["bands"]:
            bands.add(
                band["from_requests_per_month"], band["to_requests_per_month"], band["cheapest"]
            )
        sweep = w["sweep"]
        report.blocks.append(
            Chart(
                f"{w['workload']}: cost against volume",
                list(sweep["requests_per_month"]),
                dict(sweep["monthly_cost_usd"]),
                x_label="requests a month",
                markers=[c["requests_per_month"] for c in w["crossings"]],
                today=w["requests_per_month"],
                ascii=ascii_chart(w) if chart else "",
            )
        )
    return report


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


def mix_report(document: MixDocument) -> Report:
    report = Report("Capacity and on-demand mix")
    for w in document["workloads"]:
        report.heading(f"{w['scenario']} · {w['workload']}")
        if w["note"]:
            report.text(f"No mix: {w['note']}.")
        else:
            table = report.table(
                Col("Capacity option", "id"),
                Col("Overflow on", "id", "burst_option"),
                Col("Units", "count"),
                Col("Units for peak", "count"),
                Col("Share on capacity", "share", "share_served_by_capacity"),
                Col("Monthly", "money", "monthly_cost_usd"),
                Col("Saving vs all on-demand", "money", "saving_vs_on_demand_usd"),
                Col("Saving vs all capacity", "money", "saving_vs_capacity_usd"),
                Col("Note"),
                name="mix",
                optional=("Units for peak", "Saving vs all capacity"),
            )
            for m in w["mixes"]:
                table.add(
                    m["capacity_option"],
                    m["burst_option"],
                    m["units"],
                    m["units_for_peak"],
                    m["share_served_by_capacity"],
                    m["monthly_cost_usd"],
                    m["saving_vs_on_demand_usd"],
                    m["saving_vs_capacity_usd"],
                    m.get("note") or "",
                    style="dim" if m.get("note") else "",
                )
        alternatives = w.get("alternatives", [])
        if alternatives:
            table = report.table(
                Col("Option", "id"),
                Col("Monthly", "money", "monthly_cost_usd"),
                Col("Saving vs all on-demand", "money", "saving_vs_on_demand_usd"),
                title="Options without a fixed base to mix (they follow the load)",
                name="alternative",
            )
            for a in alternatives:
                table.add(a["option"], a["monthly_cost_usd"], a["saving_vs_on_demand_usd"])
    return report


def roi_report(document: RoiDocument) -> Report:
    report = Report("Return on investment")
    for s in document["scenarios"]:
        report.heading(f"{s['scenario']}: ROI over {s['horizon_months']} months")
        payback = (
            f"month {s['payback_month']}"
            if s["payback_month"] is not None
            else "not within the horizon"
        )
        report.figures(
            Figure("Net value", s["net_value_usd"]),
            Figure("NPV", s["npv_usd"]),
            Figure("Payback", payback, "text"),
            Figure(
                "ROI",
                None if s["roi_percent"] is None else s["roi_percent"] / 100,
                "share",
                1,
            ),
            Figure("Total cost", s["total_cost_usd"]),
            Figure("Total benefit", s["total_benefit_usd"]),
        )
        report.text(
            f"The whole bill is {usd(s['bill_monthly_cost_usd'])} in month 1; run costs "
            "follow the traffic, one-off payments fall in the months they are paid.",
            "note",
        )
        table = report.table(
            Col("Month", "count"),
            Col("Requests", "count"),
            Col("Run cost", "money", "run_cost_usd"),
            Col("One-off", "money", "one_off_usd"),
            Col("Development", "money", "development_usd"),
            Col("Benefit", "money", "benefit_usd"),
            Col("Net", "money", "net_usd"),
            Col("Cumulative", "money", "cumulative_net_usd"),
            name="month",
        )
        for m in s["months"]:
            table.add(
                m["month"],
                m["requests"],
                m["run_cost_usd"],
                m["one_off_usd"],
                m["development_usd"],
                m["benefit_usd"],
                m["net_usd"],
                m["cumulative_net_usd"],
            )
    return report


def _region_total(row: RegionRow) -> float | str | None:
    """The region's whole bill, or "≥ $X (incomplete)" — never a partial sum as a total."""
    if row["monthly_cost_usd"] is None and row["priced_monthly_cost_usd"] is not None:
        return f"≥ {usd(row['priced_monthly_cost_usd'])} (incomplete)"
    return row["monthly_cost_usd"]


def regions_report(document: RegionsDocument) -> Report:
    """The scenario's bill in each region; a reason several regions share is printed once,
    under the table, and the rows point at it."""
    report = Report(f"{document['scenario']} by region")
    report.heading(f"{document['scenario']} by region")
    reasons = [row["reason"] for row in document["regions"] if row["reason"]]
    shared = [r for r in dict.fromkeys(reasons) if reasons.count(r) > 1]
    table = report.table(
        Col("Region", "id"),
        Col("Monthly cost", "money", "monthly_cost_usd"),
        Col("Cheapest options"),
        Col("Notes"),
        name="region",
    )
    for row in document["regions"]:
        options = ", ".join(f"{w['name']}: {w['cheapest_option']}" for w in row["workloads"])
        reason = row["reason"] or ""
        if reason in shared:
            reason = f"note {shared.index(reason) + 1}"
        table.add(row["region"], _region_total(row), options, reason)
    for k, reason in enumerate(shared, 1):
        report.text(f"Note {k}: {reason}", "note")
    return report


def optimize_report(document: OptimizeDocument) -> Report:
    """The ranked levers of each scenario, with the patch of each."""
    report = Report("Optimization levers")
    for s in document["scenarios"]:
        report.heading(f"{s['scenario']}: levers")
        if not s["complete"]:
            report.text(
                "The whole bill is incomplete (a price is missing), so savings against it "
                "would be against a lower bound: complete it first (`estimate` names what is "
                "missing)."
            )
            continue
        report.figures(Figure("Whole bill now", s["monthly_cost_usd"]))
        if not s["levers"]:
            report.text("No lever saves money against the scenario as it is.")
        else:
            table = report.table(
                Col("Rank", "count"),
                Col("Action"),
                Col("Monthly saving", "money", "monthly_saving_usd"),
                Col("Share of the bill", "share", "share_of_bill"),
                Col("One-off", "money", "one_off_usd"),
                Col("Payback"),
                Col("Risk or assumption", key="risk"),
                name="lever",
                optional=("One-off", "Payback", "Risk or assumption"),
            )
            for lever in s["levers"]:
                payback = (
                    "immediate"
                    if not lever["one_off_usd"]
                    else f"{lever['payback_months']:.1f} months"
                )
                table.add(
                    lever["rank"],
                    lever["action"],
                    lever["monthly_saving_usd"],
                    lever["share_of_bill"],
                    lever["one_off_usd"],
                    payback,
                    lever["risk"],
                )
            report.text(
                "Savings are not additive: each is against the scenario as it is. Apply one "
                "with genai-cost optimize FILE --apply RANK -o new.yaml.",
                "note",
            )
            for lever in s["levers"]:
                report.text(f"Patch {lever['rank']}:")
                report.code(_yaml(lever["patch"]), "yaml")
        if s["not_priced"]:
            report.text("Levers that could not be priced:")
            report.bullets(f"{n['action']}: {n['reason']}" for n in s["not_priced"])
    return report


def _yaml(patch: dict[str, Any]) -> str:
    from genai_cost.yamlsource import dump_yaml

    text = dump_yaml(patch).rstrip("\n")
    return text.replace("```", "` ` `")
