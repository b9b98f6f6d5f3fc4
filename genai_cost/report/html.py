"""The self-contained HTML report: the estimate, break-even curves, cost breakdown, ROI and
uncertainty, as one file with inline SVG (jinja2, autoescaped; no scripts or network)."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from genai_cost.documents.decisions import BreakevenDocument, RoiDocument
from genai_cost.documents.estimate import EstimateDocument, OptionRecord
from genai_cost.report import svg
from genai_cost.report.estimate import notes
from genai_cost.report.labels import (
    capacity,
    option_label,
    option_lines,
    period_text,
    records_by_workload,
    usd,
)
from genai_cost.report.sanitize import plain
from genai_cost.report.sections import (
    lines_section,
    monte_carlo_sections,
    scenario_sections,
    summary_section,
)


def _charts(
    document: EstimateDocument,
    breakeven: BreakevenDocument | None,
    roi: RoiDocument | None,
    by_workload: dict[tuple[str, str], list[OptionRecord]],
    drawn: set[tuple[str, str]],
) -> dict[str, Any]:
    """The report's SVG charts; a workload's own charts only for those in `drawn` (the
    workloads the report shows one by one)."""
    charts: dict[str, Any] = {
        "breakdown": {},
        "breakeven": {},
        "roi": {},
        "uncertainty": "",
        "tornado": "",
    }
    for scenario in document["scenarios"]:
        for w in scenario["workloads"]:
            if (scenario["name"], w["name"]) not in drawn:
                continue
            bars = [
                (option_label(r), r["monthly_cost_usd"])
                for r in by_workload.get((scenario["name"], w["name"]), [])
                if r["feasible"]
            ]
            charts["breakdown"][(scenario["name"], w["name"])] = svg.bar_chart(
                f"{w['name']}: monthly cost by option", bars
            )
    for curves in breakeven["workloads"] if breakeven else []:
        if (curves["scenario"], curves["workload"]) not in drawn:
            continue
        sweep = curves["sweep"]
        charts["breakeven"][(curves["scenario"], curves["workload"])] = svg.line_chart(
            f"{curves['workload']}: cost against volume",
            sweep["monthly_cost_usd"],
            sweep["requests_per_month"],
            log_x=True,
            log_y=True,
            x_label="requests a month",
            markers=[c["requests_per_month"] for c in curves["crossings"]],
            today=curves["requests_per_month"],
        )
    for s in roi["scenarios"] if roi else []:
        months = [m["month"] for m in s["months"]]
        payback = (
            f"month {s['payback_month']}"
            if s["payback_month"] is not None
            else "not within the horizon"
        )
        charts["roi"][s["scenario"]] = {
            "chart": svg.line_chart(
                f"{s['scenario']}: cumulative net",
                {"cumulative net": [m["cumulative_net_usd"] for m in s["months"]]},
                [float(m) for m in months],
                x_label="month",
                y_label="USD",
            ),
            "summary": (
                f"Total cost {usd(s['total_cost_usd'])}, total benefit "
                f"{usd(s['total_benefit_usd'])}, NPV {usd(s['npv_usd'])}, payback "
                f"{payback}, ROI "
                + ("—" if s["roi_percent"] is None else f"{s['roi_percent']:,.1f}%")
            ),
        }
    if document.get("monte_carlo"):
        quantiles = document["monte_carlo"]["monthly_cost_usd"]
        charts["uncertainty"] = svg.band_chart(
            "monthly cost P10-P90",
            {"p10": quantiles["p10"], "p50": quantiles["p50"], "p90": quantiles["p90"]},
        )
        charts["tornado"] = svg.tornado_chart(
            "what moves the monthly bill (P10 to P90 of each input)",
            document["monte_carlo"]["tornado"],
        )
    return charts


def render_html(
    document: EstimateDocument,
    *,
    breakeven: BreakevenDocument | None = None,
    roi: RoiDocument | None = None,
    expand: bool = False,
) -> str:
    import jinja2
    import markupsafe

    by_workload = records_by_workload(document)

    def finalize(value: Any) -> Any:
        """Every value printed: control characters dropped (then autoescaped); the SVG charts,
        escaped where they are drawn (report/svg.py), pass as they are."""
        if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
            return plain(value)
        return value

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("genai_cost.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
    )
    template = environment.get_template("estimate.html.j2")
    title = ", ".join(s["name"] for s in document["scenarios"])
    from genai_cost.report.estimate import shown_workloads

    tables: dict[str, dict[str, Any]] = {}
    drawn: set[tuple[str, str]] = set()
    for s in document["scenarios"]:
        shown, rest = shown_workloads(s, expand)  # a large portfolio: the dearest, the rest summed
        tables[s["name"]] = {
            "summary": summary_section(s, shown, rest),
            "sections": scenario_sections(s),
            "lines": lines_section(s["bill"], rest) if s["bill"]["components"] else None,
            "workloads": shown,
        }
        drawn |= {(s["name"], w["name"]) for w in shown}
    uncertainty = (
        monte_carlo_sections(document["monte_carlo"]) if document.get("monte_carlo") else []
    )
    return template.render(
        doc=document,
        title=title,
        period=period_text(document["scenarios"]),
        tables=tables,
        uncertainty=uncertainty,
        charts=_charts(document, breakeven, roi, by_workload, drawn),
        usd=usd,
        option_label=option_label,
        capacity=capacity,
        notes=notes,
        records=lambda scenario, workload: by_workload.get((scenario, workload), []),
        option_lines=lambda scenario, workload: option_lines(
            by_workload.get((scenario, workload), []), expand
        ),
    )


class HtmlReport(TypedDict):
    """What the HTML report shows: the estimate and its decision documents (None: not shown)."""

    estimate: EstimateDocument
    breakeven: BreakevenDocument | None
    roi: RoiDocument | None


def render_html_report(bundle: HtmlReport, expand: bool = False) -> str:
    """The HTML report of an estimate bundle: `{"estimate": document, "breakeven": …, "roi":
    …}` (the decision documents may be None)."""
    return render_html(
        bundle["estimate"], breakeven=bundle["breakeven"], roi=bundle["roi"], expand=expand
    )
