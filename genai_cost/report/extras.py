"""Markdown sections for a scenario's customization paths, training jobs, shared endpoints
and supporting services."""

from __future__ import annotations

from typing import Any

from genai_cost.documents.estimate import MonteCarlo, ScenarioSummary
from genai_cost.report.labels import number, usd
from genai_cost.report.sanitize import markdown_cell


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f} h"


def customization_section(custom: dict[str, Any]) -> list[str]:
    target = custom["target_quality"]
    lines = [
        f"### Customization paths ({custom['horizon_months']} months"
        + (f", target quality {target:g}" if target is not None else "")
        + ")",
        "",
        "| Path | Kind | Quality | Meets target | One-off | Monthly | Over the horizon | Notes |",
        "|---|---|---:|---|---:|---:|---:|---|",
        f"| (today) | — | — | — | — | {usd(custom['baseline']['monthly_cost_usd'])} | "
        f"{usd(custom['baseline']['horizon_cost_usd'])} | workloads: "
        f"{markdown_cell(', '.join(custom['workloads']))} |",
    ]
    for p in custom["paths"]:
        name = markdown_cell(p["name"])
        if p["name"] == custom["chosen"]:
            name = f"**{name}** (chosen)"
        quality = "—" if p["quality"] is None else f"{p['quality']:g}"
        notes = p["reason"] or "; ".join(
            f"{c['name'].replace('_', ' ')} {usd(c['usd'])}"
            + (" once" if c["recurrence"] == "once" else "/mo")
            for c in p["components"]
        )
        lines.append(
            f"| {name} | {p['kind']} | {quality} | {'yes' if p['meets_target'] else 'no'}"
            f" | {usd(p['one_off_usd'])} | {usd(p['monthly_cost_usd'])} | "
            f"{usd(p['horizon_cost_usd'])} | {markdown_cell(notes)} |"
        )
    if custom["note"]:
        lines += ["", f"No path chosen: {custom['note']}."]
    return [*lines, ""]


def training_section(jobs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### Training jobs",
        "",
        "| Job | Instances | On-demand: wall time, per run | Spot: wall time (penalty), "
        "per run | Checkpoint every (optimal) | Monthly: on-demand / spot |",
        "|---|---|---|---|---|---|",
    ]
    for j in jobs:
        od, spot = j["on_demand"], j["spot"]
        spot_text = interval = "—"
        spot_monthly = "—"
        if spot and spot.get("reason"):
            spot_text = markdown_cell(spot["reason"])
        elif spot:
            spot_text = (
                f"{_hours(spot['wall_hours'])} (+{spot['time_penalty_hours']:,.2f} h), "
                f"{usd(spot['usd_per_run'])}"
            )
            optimal = spot["optimal_checkpoint_interval_hours"]
            interval = _hours(spot["checkpoint_interval_hours"]) + (
                f" ({_hours(optimal)})" if optimal is not None else ""
            )
            spot_monthly = usd(spot["monthly_cost_usd"])
        lines.append(
            f"| {markdown_cell(j['name'])} | {j['instance_count']} × {j['platform']} "
            f"{j['instance_type']} | {_hours(od['wall_hours'])}, {usd(od['usd_per_run'])}"
            + (f" ({markdown_cell(od['reason'])})" if od["reason"] else "")
            + f" | {spot_text} | {interval} | {usd(od['monthly_cost_usd'])} / {spot_monthly} |"
        )
    return [*lines, ""]


def endpoints_section(endpoints: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### Shared endpoints",
        "",
        "| Endpoint | Instance | Shared: instances, monthly | One per model: instances, "
        "monthly | Packing |",
        "|---|---|---|---|---|",
    ]
    for e in endpoints:
        packing = "; ".join("+".join(group) for group in e["shared"]["assignment"])
        if e["shared"]["dedicated_replicas"]:
            packing += "; dedicated: " + ", ".join(
                f"{k}×{v}" for k, v in e["shared"]["dedicated_replicas"].items()
            )
        if e["reason"]:
            packing = e["reason"]
        lines.append(
            f"| {markdown_cell(e['name'])} | {e['platform']} {e['instance_type']} "
            f"({e['accelerator_memory_gib']:g} GiB) | {e['shared']['instances']}, "
            f"{usd(e['shared']['monthly_cost_usd'])} | {e['separate']['instances']}, "
            f"{usd(e['separate']['monthly_cost_usd'])} | {markdown_cell(packing)} |"
        )
    return [*lines, ""]


def services_section(services: dict[str, Any]) -> list[str]:
    lines = [
        f"### Supporting services ({services['region']})",
        "",
        "| Line | Quantity | Monthly |",
        "|---|---:|---:|",
    ]
    for c in services["components"]:
        cost = usd(c["usd"]) if c["usd"] is not None else markdown_cell(c["reason"] or "—")
        lines.append(
            f"| {c['name'].replace('_', ' ')} | {number(c['quantity'], 2)} {c['unit']} | {cost} |"
        )
    lines.append(f"| **Total** | | **{usd(services['monthly_cost_usd'])}** |")
    return [*lines, ""]


def scenario_extras(scenario: ScenarioSummary) -> list[str]:
    lines: list[str] = []
    custom = scenario.get("customization")
    if custom:
        lines += customization_section(custom)
    if scenario.get("training_jobs"):
        lines += training_section(scenario["training_jobs"])
    if scenario.get("shared_endpoints"):
        lines += endpoints_section(scenario["shared_endpoints"])
    if scenario.get("supporting_services"):
        lines += services_section(scenario["supporting_services"])
    return lines


def monte_carlo_section(mc: MonteCarlo) -> list[str]:
    cost = mc["monthly_cost_usd"]
    lines = [
        f"## Uncertainty ({mc['samples']:,} samples"
        + (f", seed {mc['seed']}" if mc["seed"] is not None else "")
        + ")",
        "",
        "| Monthly cost | P10 | P50 | P90 | Mean |",
        "|---|---:|---:|---:|---:|",
        f"| all scenarios | {usd(cost['p10'])} | {usd(cost['p50'])} | {usd(cost['p90'])} | "
        f"{usd(cost['mean'])} |",
    ]
    if mc["npv_usd"]:
        npv = mc["npv_usd"]
        lines.append(f"| NPV | {usd(npv['p10'])} | {usd(npv['p50'])} | {usd(npv['p90'])} | |")
    lines += ["", "| Workload | How often each option is cheapest |", "|---|---|"]
    for w in mc["cheapest_option"]:
        shares = ", ".join(f"{k} {v * 100:.1f}%" for k, v in w["cheapest_option_share"].items())
        lines.append(f"| {markdown_cell(w['workload'])} | {markdown_cell(shares)} |")
    if mc["tornado"]:
        lines += [
            "",
            "| Input (tornado, largest swing first) | Workload | P10 → P90 | Monthly "
            "cost at P10 / P90 | Swing |",
            "|---|---|---|---|---:|",
        ]
        for t in mc["tornado"]:
            lines.append(
                f"| {t['input']} | {markdown_cell(t['workload'] or 'all')} | "
                f"{t['p10_input']:,.4g} → {t['p90_input']:,.4g} | "
                f"{usd(t['cost_at_p10_usd'])} / {usd(t['cost_at_p90_usd'])} | "
                f"{usd(t['swing_usd'])} |"
            )
    return [*lines, ""]
