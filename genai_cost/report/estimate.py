"""The estimate document as a report (report/blocks.py): compact by default — the whole bill
and each workload's usable options first, the options that cannot be used collapsed by
reason — and every variant, bill line and source with `expand` (`--all`)."""

from __future__ import annotations

from collections.abc import Sequence

from genai_cost.documents.estimate import (
    EstimateDocument,
    OptionRecord,
    ScenarioSummary,
    ValidationDocument,
    WorkloadSummary,
)
from genai_cost.report.blocks import Col, Report, Table
from genai_cost.report.labels import (
    OptionLine,
    capacity,
    option_label,
    option_lines,
    period_text,
    records_by_workload,
)
from genai_cost.report.sections import (
    Section,
    headline,
    lines_section,
    missing_text,
    monte_carlo_sections,
    scenario_sections,
    total_text,
)


def notes(record: OptionRecord, sources: bool = True) -> str:
    """Why an option is infeasible, or how a feasible option was sized and (`sources`)
    where its prices came from."""
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
    if record["sources"] and sources:
        parts.append("prices: " + ", ".join(record["sources"]))
    return "; ".join(parts)


def hours_at_counts(schedule: list[float]) -> str:
    """`1 × 14 h, 5 × 10 h`: hours of the day at each instance count, fewest first."""
    counts: dict[float, int] = {}
    for n in schedule:
        counts[n] = counts.get(n, 0) + 1
    return ", ".join(f"{n:g} × {hours} h" for n, hours in sorted(counts.items()))


def section_table(report: Report, section: Section, name: str, level: int = 3) -> None:
    """A bill section (report/sections.py: cells worded already) as a heading, its
    paragraphs, a table and its points."""
    report.heading(section.title, level)
    for paragraph in section.before:
        report.text(paragraph)
    table = report.table(
        *(
            Col(header, "number" if align == "r" else "text")
            for header, align in zip(section.columns, section.align, strict=True)
        ),
        name=name,
        optional=tuple(c for c in SECTION_DETAIL if c in section.columns),
    )
    for k, row in enumerate(section.rows):
        table.add(*row, strong=k in section.strong)
    report.bullets(section.after)


SECTION_DETAIL = ("Notes", "Detail", "Kind", "Meets target", "Over the horizon", "Quality")
"""Columns of the bill's sections a narrow terminal leaves out first."""

SELF_HOSTING = {"self_hosted", "autoscaled", "async_inference", "serverless", "batch_transform"}


GEO_PREFIXES = ("global.", "us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.")


def short_reason(reason: str, model: str) -> str:
    """The first clause of a reason, without the model's id (the table's title names it;
    reasons name the model without its inference-profile prefix)."""
    first = reason.split("; ")[0]
    names = [model] + [model[len(p) :] for p in GEO_PREFIXES if model.startswith(p)]
    for name in names:
        for prefix in (f"{name} is ", f"{name} "):
            if first.startswith(prefix):
                first = first[len(prefix) :]
        first = first.replace(f" for {name}", "")
    return first


def unusable_line(lines: Sequence[OptionLine], model: str) -> str:
    """The options that cannot be used, one clause per reason they share: `batch: the
    workload is interactive · 5 self-hosting options: not an open-weights model`."""
    groups: dict[str, list[OptionLine]] = {}
    for line in lines:
        groups.setdefault(short_reason(line.reason, model), []).append(line)
    parts = []
    for reason, group in groups.items():
        count = sum(line.count for line in group)
        if len(group) == 1:
            label = group[0].label
        elif all(line.label.split(" ")[0] in SELF_HOSTING for line in group):
            label = f"{count} self-hosting options"
        else:
            label = f"{count} options ({', '.join(line.label for line in group)})"
        parts.append(f"{label}: {reason}")
    return "Cannot be used: " + " · ".join(parts) + " (--all says why in full)."


TOP_WORKLOADS = 30
"""Workloads a scenario's compact report shows one by one; the rest (a portfolio's tenants
from a workloads table) are summed in one row, every one listed by `--all`, CSV or Parquet."""


def shown_workloads(
    scenario: ScenarioSummary, expand: bool
) -> tuple[list[WorkloadSummary], list[WorkloadSummary]]:
    """The workloads the report lists one by one, and the rest (none with `expand`, or when
    there are at most TOP_WORKLOADS): the dearest first when some are left out."""
    workloads = scenario["workloads"]
    if expand or len(workloads) <= TOP_WORKLOADS:
        return list(workloads), []
    ranked = sorted(
        workloads,
        key=lambda w: (w["monthly_cost_usd"] is not None, w["monthly_cost_usd"] or 0.0),
        reverse=True,
    )
    return ranked[:TOP_WORKLOADS], ranked[TOP_WORKLOADS:]


def _summary(
    report: Report,
    scenario: ScenarioSummary,
    expand: bool,
    rest: Sequence[WorkloadSummary] = (),
    shown: Sequence[WorkloadSummary] | None = None,
) -> None:
    """The whole bill as rows that add up: each workload's cheapest option (its inference
    lines), then the bill's other families, then the whole bill (or what is priced of it).
    `expand` adds each workload's model and its share of the whole bill (inference plus its
    part of the other families)."""
    from genai_cost.report.sections import FAMILY_NAMES

    extra = [Col("Model", "id"), Col("Share of the bill", "money", "bill_monthly_cost_usd")]
    table = report.table(
        Col("Workload"),
        Col("Cheapest option", key="cheapest_option"),
        Col("Monthly", "money", "monthly_cost_usd"),
        *(extra if expand else []),
        name="workload",
    )
    blanks = ["", None] if expand else []
    for w in scenario["workloads"] if shown is None else shown:
        more = [w["model"], w["bill_monthly_cost_usd"]] if expand else []
        table.add(w["name"], option_label(w), w["monthly_cost_usd"], *more)
    if rest:
        priced = [w["monthly_cost_usd"] for w in rest if w["monthly_cost_usd"] is not None]
        total_rest = round(sum(priced), 6)
        cost = total_rest if len(priced) == len(rest) else f"≥ {_usd(total_rest)} (incomplete)"
        table.add(f"{len(rest):,} more workloads", "", cost, *blanks)
    bill = scenario["bill"]
    # one-off runs (backfills): inference lines that are no workload's row
    how: dict[str, str] = {}
    backfills: dict[str, float] = {}
    for c in bill["components"]:
        if c["family"] == "inference" and c["name"].startswith("backfill_") and c["usd"]:
            option = (c["detail"] or "").split(";")[0]
            how.setdefault(c["item"], f"{option}, one-off" if option else "one-off")
            backfills[c["item"]] = backfills.get(c["item"], 0.0) + c["usd"]
    for item, usd in backfills.items():
        table.add(item, how[item], round(usd, 6), *blanks)
    for family in bill["families"]:
        if family["family"] == "inference":
            continue
        cost = (
            family["monthly_cost_usd"]
            if family["monthly_cost_usd"] is not None
            else f"≥ {_usd(family['priced_monthly_cost_usd'])} (incomplete)"
        )
        table.add(FAMILY_NAMES[family["family"]], "", cost, *blanks)
    total = bill["total_monthly_cost_usd"] if bill["complete"] else total_text(bill)
    table.add("Whole bill", "", total, *blanks, strong=True)


def _usd(value: float | None) -> str:
    from genai_cost.report.labels import usd

    return usd(value)


def _options(
    report: Report, workload: WorkloadSummary, records: list[OptionRecord], expand: bool
) -> None:
    """A workload's options: the usable ones ranked (every variant with `expand`), then, in
    the compact form, one line naming those that cannot be used, grouped by reason."""
    w = workload
    table: Table = report.table(
        Col("Option", key="option"),
        Col("Monthly", "money", "monthly_cost_usd"),
        Col("Per 1K req", "money", "cost_per_1k_requests_usd", decimals=4),
        Col("Capacity"),
        Col("Util.", "share", "utilization_fraction"),
        Col("Notes"),
        title=f"{w['name']} · {w['model']} · {w['region']}",
        name="option",
        optional=("Notes", "Capacity", "Util."),
    )
    lines = option_lines(records, expand)
    unusable = [line for line in lines if line.record is None]
    for item in lines:
        r = item.record
        if r is None:
            if expand:
                table.add(item.label, None, None, "", None, item.reason, style="dim")
            continue
        table.add(
            item.label + (" ✓" if r["cheapest"] else ""),
            r["monthly_cost_usd"],
            r["cost_per_1k_requests_usd"],
            capacity(r),
            r["utilization_fraction"],
            notes(r, sources=expand),
            style="bold green" if r["cheapest"] else ("" if r["feasible"] else "dim"),
        )
    if expand:
        return
    _drop_empty_columns(table)
    if not table.rows:
        report.blocks.remove(table)
        report.text(f"{w['name']}: no option can serve this workload.", "warning")
    if unusable:
        report.text(unusable_line(unusable, w["model"]), "note")


def _drop_empty_columns(table: Table) -> None:
    """Columns with no value in any row left out (the compact form)."""
    keep = [
        k
        for k, column in enumerate(table.columns)
        if k == 0 or any(row[k] not in (None, "", "—") for row in table.rows)
    ]
    table.columns = [table.columns[k] for k in keep]
    table.rows = [[row[k] for k in keep] for row in table.rows]


def estimate_report(document: EstimateDocument, expand: bool = False) -> Report:
    """The estimate: per scenario the whole bill (and what is missing from it), each
    workload's usable options and the options that cannot be used collapsed by reason;
    `expand` (`--all`) adds every variant, every bill line and the price sources."""
    snapshot = document["snapshot"]
    report = Report("genai-cost estimate")
    report.text(
        f"Prices: snapshot {snapshot['id']} (as of {snapshot['as_of']}), priced for "
        f"{document['pricing_date']}; {period_text(document['scenarios'])}.",
        "note",
    )
    incomplete = {f"scenario {s['name']!r}: its total is incomplete" for s in document["scenarios"]}
    for warning in document["warnings"]:
        if warning.split(" (at least")[0] in incomplete:
            continue  # the scenario's headline and its `missing:` points say it
        report.text(warning, "warning")
    by_workload = records_by_workload(document)
    for scenario in document["scenarios"]:
        bill = scenario["bill"]
        report.heading(scenario["name"])
        report.text(headline(bill, missing=False), "lead")
        shown, rest = shown_workloads(scenario, expand)
        _summary(report, scenario, expand, rest, shown)
        if rest:
            report.text(
                f"The {len(shown)} dearest of {len(scenario['workloads']):,} workloads are "
                f"shown; the other {len(rest):,} are summed in one row (--all lists every "
                "one; -f csv or -f parquet writes them all as a table).",
                "note",
            )
        report.bullets(f"missing: {text}" for text in missing_text(bill))
        report.bullets(bill["notes"][:TOP_WORKLOADS] if rest else bill["notes"])
        if rest and len(bill["notes"]) > TOP_WORKLOADS:
            report.text(f"{len(bill['notes']) - TOP_WORKLOADS:,} more notes (--all).", "note")
        for w in shown:
            records = by_workload.get((scenario["name"], w["name"]), [])
            _options(report, w, records, expand)
        sections = scenario_sections(scenario)[1:]  # the bill by family: in the summary
        if expand and bill["components"]:
            section_table(report, lines_section(bill), "bill_line")
            sections = [s for s in sections if not s.title.startswith("Supporting services")]
        for section in sections:
            section_table(report, section, "section")
    if document.get("monte_carlo"):
        for section in monte_carlo_sections(document["monte_carlo"]):
            section_table(report, section, "uncertainty", 2)
    if document["sources"] and expand:
        report.heading("Sources")
        report.bullets(
            f"{key}: {source['title']} (as of {source['as_of']})"
            + (f" — {source['reference']}" if source["reference"] else "")
            for key, source in document["sources"].items()
        )
    elif document["sources"]:
        report.text(
            f"Prices from {len(document['sources'])} sources "
            "(--all lists them, with every bill line and option variant).",
            "note",
        )
    return report


def validation_report(document: ValidationDocument) -> Report:
    """`validate`: each file and what it holds, then every problem found."""
    verdict = "valid" if document["valid"] else f"{len(document['problems'])} problem(s)"
    report = Report("Scenario validation")
    report.text(f"Scenarios: {verdict} (snapshot {document['snapshot']}).", "lead")
    files = report.table(
        Col("File", key="path"), Col("Scenario"), Col("Contents"), Col("Valid"), name="file"
    )
    for f in document["files"]:
        files.add(
            f["path"], f["scenario"] or "", f["contents"] or "", "yes" if f["valid"] else "no"
        )
    if document["problems"]:
        problems = report.table(
            Col("File", key="path"),
            Col("Line", "count"),
            Col("Column", "count"),
            Col("Field"),
            Col("Problem", key="message"),
            Col("Hint"),
            name="problem",
        )
        for p in document["problems"]:
            problems.add(p["path"], p["line"], p["column"], p["field"], p["message"], p["hint"])
    return report
