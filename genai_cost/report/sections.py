"""A scenario's bill and sections as plain tables, built once and drawn by every renderer
(the terminal and Markdown through report/estimate.py, HTML through its template).

Cells are plain text here; each renderer escapes them for its own format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from genai_cost.documents.estimate import (
    Bill,
    CustomizationRecord,
    MonteCarlo,
    ScenarioSummary,
    ServicesRecord,
    SharedEndpointRecord,
    TrainingJobRecord,
    WorkloadSummary,
)
from genai_cost.report.labels import number, usd

FAMILY_NAMES = {
    "inference": "Inference",
    "customization": "Customization",
    "training": "Training",
    "shared_endpoints": "Shared endpoints",
    "services": "Supporting services",
    "infrastructure": "Infrastructure",
    "redundancy": "Redundancy",
}


@dataclass
class Section:
    """A titled table: `align` is "l" or "r" per column; `strong` rows are totals."""

    title: str
    columns: list[str]
    align: str
    rows: list[list[str]] = field(default_factory=list)
    strong: set[int] = field(default_factory=set)
    before: list[str] = field(default_factory=list)
    """Paragraphs above the table."""
    after: list[str] = field(default_factory=list)
    """Bullet points under the table."""

    def add(self, *cells: str, strong: bool = False) -> None:
        if strong:
            self.strong.add(len(self.rows))
        self.rows.append(list(cells))


def total_text(bill: Bill) -> str:
    """The whole bill as a figure: never a plain number when part of it is missing."""
    if bill["complete"]:
        return usd(bill["total_monthly_cost_usd"])
    return f"≥ {usd(bill['priced_monthly_cost_usd'])} (incomplete)"


def missing_text(bill: Bill) -> list[str]:
    """What the bill is missing, one line each: `supporting services · lambda duration:
    reason` (the item named once when it is the family itself)."""
    out = []
    for m in bill["missing"]:
        parts = [FAMILY_NAMES[m["family"]].lower(), m["item"], m["name"].replace("_", " ")]
        named = list(dict.fromkeys(p for p in parts if p))
        out.append(f"{' · '.join(named)}: {m['reason']}")
    return out


def headline(bill: Bill, missing: bool = True) -> str:
    """One sentence saying what the total is and what it holds (`missing`: and, for an
    incomplete bill, what is missing from it)."""
    if bill["complete"]:
        text = f"Whole bill: {usd(bill['total_monthly_cost_usd'])} a month"
    else:
        text = f"Whole bill: incomplete — at least {usd(bill['priced_monthly_cost_usd'])} a month"
        if missing:
            text += f"; missing: {'; '.join(missing_text(bill))}"
    if bill["one_off_usd"]:
        text += (
            f" (including one-off payments of {usd(bill['one_off_usd'])} spread over "
            f"{bill['horizon_months']} months)"
        )
    return text + "."


def bill_section(bill: Bill) -> Section:
    """The bill by cost family, with its total (or what is missing from it)."""
    section = Section("Whole bill by cost family", ["Family", "Monthly"], "lr")
    section.before.append(headline(bill))
    for family in bill["families"]:
        figure = (
            usd(family["monthly_cost_usd"])
            if family["monthly_cost_usd"] is not None
            else f"≥ {usd(family['priced_monthly_cost_usd'])} (incomplete)"
        )
        section.add(FAMILY_NAMES[family["family"]], figure)
    section.add("Total", total_text(bill), strong=True)
    section.after += [f"missing: {text}" for text in missing_text(bill)]
    section.after += bill["notes"]
    return section


def lines_section(bill: Bill, leave_out: Sequence[WorkloadSummary] = ()) -> Section:
    """Every line of the bill: quantity × unit price; the lines charged only to workloads
    in `leave_out` (a large portfolio's tenants the report sums in one row) summed in one."""
    section = Section(
        "Bill lines (a month)",
        ["Family", "Item", "Line", "Quantity", "Unit price", "Monthly", "Detail"],
        "lllrrrl",
    )
    hidden = {w["name"] for w in leave_out}
    summed: list[float | None] = []
    for c in bill["components"]:
        if hidden and c["workloads"] and all(name in hidden for name in c["workloads"]):
            summed.append(c["usd"])
            continue
        section.add(
            FAMILY_NAMES[c["family"]],
            c["item"],
            c["name"].replace("_", " "),
            f"{number(c['quantity'], 2)} {c['unit']}".strip(),
            unit_price(c["usd_per_unit"]),
            usd(c["usd"]),
            c["detail"] or "",
        )
    if summed:
        section.add(
            "",
            f"{len(hidden):,} more workloads",
            f"{len(summed):,} lines",
            "",
            "",
            _summed(summed),
            "--all lists every line",
        )
    return section


def unit_price(value: float | None) -> str:
    """A unit price: two decimals, more only below a cent (e.g. $0.0000166667 a GB-second)."""
    from genai_cost.report.blocks import unit_price_text

    return "—" if value is None else unit_price_text(value)


def _figure(value: float) -> str:
    """An input value: whole above 1,000 (no exponent), else four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f} h"


def customization_section(custom: CustomizationRecord) -> Section:
    target = custom["target_quality"]
    section = Section(
        f"Customization paths ({custom['horizon_months']} months"
        + (f", target quality {target:g}" if target is not None else "")
        + ")",
        [
            "Path",
            "Kind",
            "Quality",
            "Meets target",
            "One-off",
            "Monthly",
            "Over the horizon",
            "Notes",
        ],
        "llrlrrrl",
    )
    section.add(
        "(today)",
        "—",
        "—",
        "—",
        "—",
        usd(custom["baseline"]["monthly_cost_usd"]),
        usd(custom["baseline"]["horizon_cost_usd"]),
        "workloads: " + ", ".join(custom["workloads"]),
    )
    for p in custom["paths"]:
        name = p["name"]
        if p["name"] == custom["chosen"]:
            name += " (chosen" + (", pinned by use" if custom["pinned"] else "") + ")"
        quality = "—" if p["quality"] is None else f"{p['quality']:g}"
        notes = p["reason"] or "; ".join(
            [
                f"{c['name'].replace('_', ' ')} {usd(c['usd'])}"
                + (" once" if c["recurrence"] == "once" else "/mo")
                for c in p["components"]
            ]
            + p["notes"]
        )
        meets = "—" if target is None else ("yes" if p["meets_target"] else "no")
        section.add(
            name,
            p["kind"],
            quality,
            meets,
            usd(p["one_off_usd"]),
            usd(p["monthly_cost_usd"]),
            usd(p["horizon_cost_usd"]),
            notes,
        )
    if custom["note"]:
        section.after.append(f"No path chosen: {custom['note']}.")
    return section


def training_section(jobs: list[TrainingJobRecord]) -> Section:
    section = Section(
        "Training jobs",
        [
            "Job",
            "Instances",
            "On-demand: wall time, per run",
            "Spot: wall time (penalty), per run",
            "Checkpoint every (optimal)",
            "Monthly: on-demand / spot",
            "Counted",
        ],
        "lllllll",
    )
    for j in jobs:
        od, spot = j["on_demand"], j["spot"]
        spot_text = interval = spot_monthly = "—"
        if spot and spot["reason"]:
            spot_text = spot["reason"]
        elif spot:
            spot_text = (
                f"{_hours(spot['wall_hours'])} (+{spot['time_penalty_hours'] or 0.0:,.2f} h), "
                f"{usd(spot['usd_per_run'])}"
            )
            optimal = spot["optimal_checkpoint_interval_hours"]
            interval = _hours(spot["checkpoint_interval_hours"]) + (
                f" ({_hours(optimal)})" if optimal is not None else ""
            )
            spot_monthly = usd(spot["monthly_cost_usd"])
        section.add(
            j["name"],
            f"{j['instance_count']} × {j['platform']} {j['instance_type']}",
            f"{_hours(od['wall_hours'])}, {usd(od['usd_per_run'])}"
            + (f" ({od['reason']})" if od["reason"] else ""),
            spot_text,
            interval,
            f"{usd(od['monthly_cost_usd'])} / {spot_monthly}",
            (j["chosen"] or "—").replace("_", "-"),
        )
    return section


def endpoints_section(endpoints: list[SharedEndpointRecord]) -> Section:
    section = Section(
        "Shared endpoints",
        [
            "Endpoint",
            "Instance",
            "Shared: instances, monthly",
            "One per model: instances, monthly",
            "Packing",
        ],
        "lllll",
    )
    for e in endpoints:
        packing = "; ".join("+".join(group) for group in e["shared"]["assignment"])
        if e["shared"]["dedicated_replicas"]:
            packing += "; dedicated: " + ", ".join(
                f"{k}×{v}" for k, v in e["shared"]["dedicated_replicas"].items()
            )
        if e["reason"]:
            packing = e["reason"]
        section.add(
            e["name"],
            f"{e['platform']} {e['instance_type']} ({e['accelerator_memory_gib']:g} GiB)",
            f"{e['shared']['instances']}, {usd(e['shared']['monthly_cost_usd'])}",
            f"{e['separate']['instances']}, {usd(e['separate']['monthly_cost_usd'])}",
            packing,
        )
    return section


def services_section(services: ServicesRecord) -> Section:
    section = Section(
        f"Supporting services ({services['region']})", ["Line", "Quantity", "Monthly"], "lrr"
    )
    for c in services["components"]:
        cost = usd(c["usd"]) if c["usd"] is not None else (c["reason"] or "—")
        section.add(c["name"].replace("_", " "), f"{number(c['quantity'], 2)} {c['unit']}", cost)
    total = services["monthly_cost_usd"]
    section.add("Total", "", usd(total) if total is not None else "incomplete", strong=True)
    return section


def scenario_sections(scenario: ScenarioSummary) -> list[Section]:
    """The bill by family, then each section the scenario has (its lines: `lines_section`)."""
    sections = [bill_section(scenario["bill"])]
    custom = scenario.get("customization")
    if custom:
        sections.append(customization_section(custom))
    if scenario.get("training_jobs"):
        sections.append(training_section(scenario["training_jobs"]))
    if scenario.get("shared_endpoints"):
        sections.append(endpoints_section(scenario["shared_endpoints"]))
    if scenario.get("supporting_services"):
        sections.append(services_section(scenario["supporting_services"]))
    return sections


def monte_carlo_sections(mc: MonteCarlo) -> list[Section]:
    quantiles = Section(
        f"Uncertainty ({mc['samples']:,} samples"
        + (f", seed {mc['seed']}" if mc["seed"] is not None else "")
        + ")",
        ["Whole bill a month", "P10", "P50", "P90", "Mean"],
        "lrrrr",
    )
    for s in mc["scenarios"]:
        cost = s["monthly_cost_usd"]
        quantiles.add(
            s["scenario"],
            usd(cost["p10"]),
            usd(cost["p50"]),
            usd(cost["p90"]),
            usd(cost.get("mean")),
        )
        if s["npv_usd"]:
            npv = s["npv_usd"]
            quantiles.add(
                f"{s['scenario']}: NPV", usd(npv["p10"]), usd(npv["p50"]), usd(npv["p90"]), ""
            )
    if len(mc["scenarios"]) > 1:
        cost = mc["monthly_cost_usd"]
        quantiles.add(
            "all scenarios",
            usd(cost["p10"]),
            usd(cost["p50"]),
            usd(cost["p90"]),
            usd(cost.get("mean")),
            strong=True,
        )
    shares = Section(
        "How often each option is cheapest", ["Scenario", "Workload", "Options"], "lll"
    )
    for w in mc["cheapest_option"]:
        text = ", ".join(f"{k} {v * 100:.1f}%" for k, v in w["cheapest_option_share"].items())
        shares.add(w["scenario"], w["workload"], text)
    sections = [quantiles, shares]
    if mc["tornado"]:
        tornado = Section(
            "Inputs by their swing of the monthly bill (tornado)",
            ["Scenario", "Input", "Workload", "P10 → P90", "Bill at P10 / P90", "Swing"],
            "llllrr",
        )
        for t in mc["tornado"]:
            tornado.add(
                t["scenario"],
                t["input"],
                t["workload"] or "all",
                f"{_figure(t['p10_input'])} → {_figure(t['p90_input'])}",
                f"{usd(t['cost_at_p10_usd'])} / {usd(t['cost_at_p90_usd'])}",
                usd(t["swing_usd"]),
            )
        sections.append(tornado)
    return sections


def summary_section(
    scenario: ScenarioSummary,
    shown: Sequence[WorkloadSummary] | None = None,
    rest: Sequence[WorkloadSummary] = (),
) -> Section:
    """The workloads' cheapest options and their shares of the whole bill, with its total;
    with `shown`, only those workloads one by one and the `rest` summed in one row."""
    from genai_cost.report.labels import option_label

    section = Section(
        scenario["name"],
        ["Workload", "Model", "Cheapest option", "Option monthly", "Share of the bill"],
        "lllrr",
    )
    if rest:
        section.after.append(
            f"The {len(shown or [])} dearest of {len(scenario['workloads']):,} workloads are "
            f"shown; the other {len(rest):,} are summed in one row (--all lists every one; "
            "-f csv or -f parquet writes them all as a table)."
        )
    for w in scenario["workloads"] if shown is None else shown:
        section.add(
            w["name"],
            w["model"],
            option_label(w),
            usd(w["monthly_cost_usd"]),
            usd(w["bill_monthly_cost_usd"]),
        )
    if rest:
        options = [w["monthly_cost_usd"] for w in rest]
        shares = [w["bill_monthly_cost_usd"] for w in rest]
        section.add(
            f"{len(rest):,} more workloads",
            "",
            "",
            _summed(options),
            _summed(shares),
        )
    section.add("Whole bill", "", "", "", total_text(scenario["bill"]), strong=True)
    return section


def _summed(values: Sequence[float | None]) -> str:
    """The sum of money values; "≥ $x (incomplete)" when one of them is not known."""
    known = [v for v in values if v is not None]
    total = round(sum(known), 6)
    return usd(total) if len(known) == len(values) else f"≥ {usd(total)} (incomplete)"
