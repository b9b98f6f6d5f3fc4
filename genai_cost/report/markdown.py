"""Markdown: per scenario its workloads and whole bill, its sections, every option per
workload with its reason, and every line of the bill."""

from __future__ import annotations

from genai_cost.documents.estimate import EstimateDocument, OptionRecord, ScenarioSummary
from genai_cost.report.labels import (
    capacity,
    option_label,
    option_lines,
    percent,
    period_text,
    records_by_workload,
    usd,
)
from genai_cost.report.sanitize import markdown_cell, markdown_code
from genai_cost.report.sections import Section, lines_section, scenario_sections, total_text


def notes(record: OptionRecord) -> str:
    """Why an option is infeasible, or where a feasible option's prices came from."""
    if record["reason"]:
        return str(record["reason"])
    parts = []
    schedule = record.get("instances_by_hour")
    if schedule:
        parts.append("instances a day: " + hours_at_counts(schedule))
    p50, p95 = record.get("latency_p50_seconds"), record.get("latency_p95_seconds")
    known = [f"P{q} {v:g} s" for q, v in ((50, p50), (95, p95)) if v is not None]
    if known:
        parts.append("latency " + ", ".join(known))
    bench = record.get("throughput")
    if bench:
        parts.append(
            f"sized by {bench['bound_by']} tokens at {bench['output_tokens_per_second']:,.0f} "
            f"output tokens/s, from the {bench['benchmark_input_tokens']:,.0f}/"
            f"{bench['benchmark_output_tokens']:,.0f}-token benchmark (nearest shape)"
        )
    if record["sources"]:
        parts.append("prices: " + ", ".join(record["sources"]))
    return "; ".join(parts)


def hours_at_counts(schedule: list[float]) -> str:
    """`1 × 14 h, 5 × 10 h`: hours of the day at each instance count, fewest first."""
    counts: dict[float, int] = {}
    for n in schedule:
        counts[n] = counts.get(n, 0) + 1
    return ", ".join(f"{n:g} × {hours} h" for n, hours in sorted(counts.items()))


def section_markdown(section: Section, level: str = "###") -> list[str]:
    """A section as Markdown: heading, paragraphs, table (totals in bold), bullet points."""
    lines = [f"{level} {markdown_cell(section.title)}", ""]
    for paragraph in section.before:
        lines += [markdown_cell(paragraph), ""]
    lines.append("| " + " | ".join(markdown_cell(c) for c in section.columns) + " |")
    lines.append("|" + "|".join("---:" if a == "r" else "---" for a in section.align) + "|")
    for k, row in enumerate(section.rows):
        cells = [markdown_cell(c) for c in row]
        if k in section.strong:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if section.after:
        lines.append("")
        lines += [f"- {markdown_cell(item)}" for item in section.after]
    return [*lines, ""]


def summary_section(scenario: ScenarioSummary) -> Section:
    """The workloads' cheapest options and their shares of the whole bill, with its total."""
    section = Section(
        scenario["name"],
        ["Workload", "Model", "Cheapest option", "Option monthly", "Share of the bill"],
        "lllrr",
    )
    for w in scenario["workloads"]:
        section.add(
            w["name"],
            w["model"],
            option_label(w),
            usd(w["monthly_cost_usd"]),
            usd(w["bill_monthly_cost_usd"]),
        )
    section.add("Whole bill", "", "", "", total_text(scenario["bill"]), strong=True)
    return section


def render_markdown(document: EstimateDocument, expand: bool = False) -> str:
    snapshot = document["snapshot"]
    lines = [
        "# genai-cost estimate",
        "",
        f"Prices: snapshot `{markdown_code(snapshot['id'])}` (as of {snapshot['as_of']}), "
        f"priced for {document['pricing_date']}; {period_text(document['scenarios'])}.",
        "",
    ]
    for warning in document["warnings"]:
        lines.append(f"> **Warning:** {markdown_cell(warning)}")
        lines.append("")
    by_workload = records_by_workload(document)
    for scenario in document["scenarios"]:
        lines += section_markdown(summary_section(scenario), "##")
        for section in scenario_sections(scenario):
            lines += section_markdown(section)
        for w in scenario["workloads"]:
            lines += [
                f"### {markdown_cell(w['name'])}: "
                + ("every option" if expand else "options (`--all` lists every variant)"),
                "",
                "| Option | Monthly cost | Per 1K requests | Capacity | Utilisation | Notes |",
                "|---|---:|---:|---:|---:|---|",
            ]
            for item in option_lines(by_workload.get((scenario["name"], w["name"]), []), expand):
                r = item.record
                if r is None:
                    lines.append(
                        f"| {markdown_cell(item.label)} | — | — | — | — | "
                        f"{markdown_cell(item.reason)} |"
                    )
                    continue
                label = markdown_cell(item.label)
                if r["cheapest"]:
                    label = f"**{label}** (cheapest)"
                lines.append(
                    f"| {label} | {usd(r['monthly_cost_usd'])} | "
                    f"{usd(r['cost_per_1k_requests_usd'], 4)} | {capacity(r)} | "
                    f"{percent(r['utilization_fraction'])} | {markdown_cell(notes(r))} |"
                )
            lines.append("")
        if scenario["bill"]["components"]:
            lines += section_markdown(lines_section(scenario["bill"]))
    if document.get("monte_carlo"):
        from genai_cost.report.sections import monte_carlo_sections

        for section in monte_carlo_sections(document["monte_carlo"]):
            lines += section_markdown(section, "##")
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
