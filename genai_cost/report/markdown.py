"""Markdown: a summary per scenario, then every option per workload with its reason."""

from __future__ import annotations

from genai_cost.documents.estimate import EstimateDocument, OptionRecord
from genai_cost.report.labels import capacity, option_label, percent, records_by_workload, usd
from genai_cost.report.sanitize import markdown_cell, markdown_code
from genai_cost.units import HOURS_PER_MONTH


def notes(record: OptionRecord) -> str:
    """Why an option is infeasible, or where a feasible option's prices came from."""
    if record["reason"]:
        return str(record["reason"])
    return "prices: " + ", ".join(record["sources"]) if record["sources"] else ""


def render_markdown(document: EstimateDocument) -> str:
    snapshot = document["snapshot"]
    lines = [
        "# genai-cost estimate",
        "",
        f"Prices: snapshot `{markdown_code(snapshot['id'])}` (as of {snapshot['as_of']}), "
        f"priced for {document['pricing_date']}. Months are {HOURS_PER_MONTH:g} hours.",
        "",
    ]
    for warning in document["warnings"]:
        lines.append(f"> **Warning:** {markdown_cell(warning)}")
        lines.append("")
    by_workload = records_by_workload(document)
    for scenario in document["scenarios"]:
        lines += [
            f"## {markdown_cell(scenario['name'])}",
            "",
            "| Workload | Model | Cheapest option | Monthly cost |",
            "|---|---|---|---:|",
        ]
        for w in scenario["workloads"]:
            lines.append(
                f"| {markdown_cell(w['name'])} | `{markdown_code(w['model'])}` | "
                f"{markdown_cell(option_label(w))} | {usd(w['monthly_cost_usd'])} |"
            )
        lines.append(f"| **Total** | | | **{usd(scenario['total_monthly_cost_usd'])}** |")
        lines.append("")
        for w in scenario["workloads"]:
            lines += [
                f"### {markdown_cell(w['name'])}",
                "",
                "| Option | Monthly cost | Per 1K requests | Capacity | Utilisation | Notes |",
                "|---|---:|---:|---:|---:|---|",
            ]
            for r in by_workload.get((scenario["name"], w["name"]), []):
                label = markdown_cell(option_label(r))
                if r["cheapest"]:
                    label = f"**{label}** (cheapest)"
                lines.append(
                    f"| {label} | {usd(r['monthly_cost_usd'])} | "
                    f"{usd(r['cost_per_1k_requests_usd'], 4)} | {capacity(r)} | "
                    f"{percent(r['utilization_fraction'])} | {markdown_cell(notes(r))} |"
                )
            lines.append("")
        from genai_cost.report.extras import scenario_extras

        lines += scenario_extras(scenario)
    if document.get("monte_carlo"):
        from genai_cost.report.extras import monte_carlo_section

        lines += monte_carlo_section(document["monte_carlo"])
    if document["sources"]:
        lines += ["## Sources", ""]
        for key, source in document["sources"].items():
            reference = f" — `{markdown_code(source['reference'])}`" if source["reference"] else ""
            lines.append(
                f"- `{markdown_code(key)}`: {markdown_cell(source['title'])} "
                f"(as of {source['as_of']}){reference}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
