"""The infrastructure document as a report: the fixed monthly cost before and after the
change, each resource's change with the attributes that moved it, then what is not priced."""

from __future__ import annotations

from genai_cost.documents.infra import InfraDocument
from genai_cost.report.blocks import Col, Report
from genai_cost.report.labels import usd

COMMENT_MARKER = "<!-- genai-cost infra -->"


def infra_report(document: InfraDocument, expand: bool = False) -> Report:
    total = document["total"]
    report = Report("Infrastructure cost", marker=COMMENT_MARKER)
    change = total["change_usd"]
    sign = "+" if change > 0 else ""
    lead = f"genai-cost: infrastructure {usd(total['after_monthly_usd'])} a month"
    if document["source"] == "terraform-plan":
        lead += (
            f" ({sign}{usd(change)} against {usd(total['before_monthly_usd'])} before the change)"
        )
    if document.get("base"):
        lead = (
            f"genai-cost: infrastructure {usd(total['after_monthly_usd'])} a month "
            f"({sign}{usd(change)} against {usd(total['before_monthly_usd'])} in "
            f"{document['base']})"
        )
    if not total["complete"]:
        lead += " — incomplete: at least that (a resource cannot be priced, listed below)"
    icons = {"pass": "", "warn": "⚠️ ", "fail": "❌ "}
    report.text(icons[document.get("verdict", "pass")] + lead, "lead")
    for rule in document.get("breached", []):
        report.text(f"breached: {rule}", "warning")
    report.text(
        f"{document['source']} {document['path']} · region {document['region']} · snapshot "
        f"{document['snapshot']['id']}, priced for {document['pricing_date']} · "
        f"{document['month_hours']:g}-hour month",
        "note",
    )
    priced = [
        r
        for r in document["resources"]
        if r["before_monthly_usd"] is not None
        or r["after_monthly_usd"] is not None
        or r["status"] in ("missing", "unknown")
    ]
    table = report.table(
        Col("Resource", "id", "address"),
        Col("Change"),
        Col("Before", "money", "before_monthly_usd"),
        Col("After", "money", "after_monthly_usd"),
        Col("Monthly change", "signed_money", "change_usd"),
        Col("What changed", key="changed"),
        name="resource",
    )
    for r in priced:
        what = "; ".join(r["changed"]) or (r["reason"] if r["status"] != "priced" else "")
        table.add(
            r["address"],
            r["change"],
            r["before_monthly_usd"],
            r["after_monthly_usd"],
            r["change_usd"],
            what,
        )
    table.add(
        "Total",
        "",
        total["before_monthly_usd"],
        total["after_monthly_usd"],
        total["change_usd"],
        "",
        strong=True,
    )
    lines = [(r["address"], line) for r in priced for line in r["lines"]]
    if lines and expand:
        detail = report.table(
            Col("Resource", "id", "address"),
            Col("Line"),
            Col("Quantity", "number"),
            Col("Unit"),
            Col("Unit price", "unit_price", "usd_per_unit"),
            Col("Monthly", "money", "usd"),
            Col("Detail"),
            title="Lines (after the change)",
            name="line",
        )
        for address, line in lines:
            detail.add(
                address,
                line["name"],
                line["quantity"],
                line["unit"],
                line["usd_per_unit"],
                line["usd"],
                line["detail"] or "",
            )
    others = [r for r in document["resources"] if r not in priced and r["status"] != "absent"]
    if others:
        report.text("Not in the totals:")
        report.bullets(f"{r['address']} ({r['type']}): {r['reason']}" for r in others)
    return report
