"""Markdown for `genai-cost pricing` (snapshot diffs and a model's prices)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.pricing import (
    CoverageRow,
    InstancePrices,
    ModelList,
    ModelPrices,
    PricingCoverage,
    PricingDiff,
    PricingImport,
    RefreshReport,
    SnapshotList,
)
from genai_cost.report.sanitize import csv_table, markdown_cell, markdown_code, plain

ON_DEMAND_COLUMNS = (
    ("usd_per_1m_input_tokens", "input"),
    ("usd_per_1m_output_tokens", "output"),
    ("usd_per_1m_cache_read_input_tokens", "cache read"),
    ("usd_per_1m_cache_write_input_tokens", "cache write"),
    ("usd_per_1m_cache_write_1h_input_tokens", "cache write 1h"),
    ("usd_per_1m_batch_input_tokens", "batch in"),
    ("usd_per_1m_batch_output_tokens", "batch out"),
)


LONG_COLUMNS = (
    ("usd_per_1m_input_tokens_long", "input"),
    ("usd_per_1m_output_tokens_long", "output"),
    ("usd_per_1m_cache_read_input_tokens_long", "cache read"),
    ("usd_per_1m_cache_write_input_tokens_long", "cache write"),
)


def _where(row: Mapping[str, Any]) -> str:
    return str(row["region"]) if row["region"] != "*" else f"{row['geography']} (any region)"


def _effective(row: Mapping[str, Any]) -> str:
    return f"{row['effective_from'] or '…'} – {row['effective_until'] or '…'}"


def price(value: float | None) -> str:
    from genai_cost.report.sections import unit_price

    return unit_price(value)


def key_text(key: Mapping[str, str]) -> str:
    return " ".join(v for k, v in key.items() if v and k != "effective_from") + (
        f" from {key['effective_from']}" if key.get("effective_from") else ""
    )


def quantity(column: str, value: float | None) -> str:
    """A table cell's figure: dollars for price columns, a plain number for the rest
    (e.g. `long_context_threshold_tokens`)."""
    if column.startswith("usd_") or value is None:
        return price(value)
    return f"{value:,.6g}"


def change_cells(change: Mapping[str, Any]) -> str:
    parts = []
    for p in change["prices"]:
        pct = "" if p["change_percent"] is None else f" ({p['change_percent']:+.1f}%)"
        column = p["column"]
        if change["change"] == "changed":
            old, new = quantity(column, p["old"]), quantity(column, p["new"])
            parts.append(f"{column}: {old} → {new}{pct}")
        else:
            value = p["new"] if p["new"] is not None else p["old"]
            parts.append(f"{column}: {quantity(column, value)}")
    return "; ".join(parts)


def render_pricing_diff_markdown(document: PricingDiff) -> str:
    counts = document["counts"]
    lines = [
        f"## Pricing snapshot {document['old']['id']} → {document['new']['id']}",
        "",
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed.",
        "",
    ]
    if document["changes"]:
        lines += ["| Table | Row | Change | Prices |", "|---|---|---|---|"]
        for c in document["changes"]:
            lines.append(
                f"| {c['table']} | {markdown_cell(key_text(c['key']))} | {c['change']} | "
                f"{markdown_cell(change_cells(c))} |"
            )
    return "\n".join(lines) + "\n"


def render_model_markdown(document: ModelPrices | InstancePrices) -> str:
    """`pricing show`: a model's prices, or an instance type's."""
    if document["kind"] == "genai-cost pricing show instance":
        return render_instance_markdown(document)
    return _model_markdown(document)


def render_instance_markdown(document: InstancePrices) -> str:
    """An instance type: its specification, every price (platform, region, purchase) and the
    published throughput benchmarks on it."""
    name = document["instance_type"]
    spec = document["spec"]
    lines = [f"## {markdown_cell(name)}", "", f"Snapshot {document['snapshot']['id']}.", ""]
    if spec is not None:
        lines += [
            f"{spec['accelerator_count']} × {markdown_cell(spec['accelerator'])} "
            f"({spec['accelerator_memory_gib']:g} GiB accelerator memory), {spec['vcpu']} vCPUs, "
            f"{spec['memory_gib']:g} GiB memory ({markdown_cell(spec['source'])}, "
            f"{spec['as_of']}).",
            "",
        ]
    if document["prices"]:
        lines += [
            "| Platform | Region | Purchase | USD per hour | Effective | Source |",
            "|---|---|---|---:|---|---|",
        ]
        for r in document["prices"]:
            lines.append(
                f"| {markdown_cell(r['platform'])} | {markdown_cell(r['region'])} | "
                f"{markdown_cell(r['purchase'])} | {price(r['usd_per_hour'])} | "
                f"{_effective(r)} | {markdown_cell(r['source'])} ({r['as_of']}) |"
            )
    else:
        lines.append(
            f"No price for {markdown_cell(name)} in this snapshot: give the scenario's "
            "self_hosted.usd_per_hour, or import prices (docs/pricing-data.md)."
        )
    if document["self_hosted_throughput"]:
        lines += [
            "",
            "| Model | Input / output tokens | Output tokens/s an instance | Engine | Source |",
            "|---|---:|---:|---|---|",
        ]
        for b in document["self_hosted_throughput"]:
            lines.append(
                f"| `{markdown_code(b['model_id'])}` | {b['input_tokens']:,.0f} / "
                f"{b['output_tokens']:,.0f} | {b['output_tokens_per_second_per_instance']:,.0f} | "
                f"{markdown_cell(b['engine'])} {markdown_cell(b['precision'])} | "
                f"{markdown_cell(b['source'])} ({b['as_of']}) |"
            )
    return "\n".join(lines) + "\n"


def _model_markdown(document: ModelPrices) -> str:
    model = document["model"]
    lines = [
        f"## {markdown_cell(model['name'])} (`{markdown_code(model['model_id'])}`)",
        "",
        f"Snapshot {document['snapshot']['id']}; USD per 1M tokens.",
        "",
        "| Tier | Scope | Location | "
        + " | ".join(t for _, t in ON_DEMAND_COLUMNS)
        + " | Effective | Source |",
        "|---|---|---|" + "---:|" * len(ON_DEMAND_COLUMNS) + "---|---|",
    ]
    on_demand: Sequence[Mapping[str, Any]] = document["on_demand"]
    for r in on_demand:
        lines.append(
            f"| {r['tier']} | {r['scope']} | {_where(r)} | "
            + " | ".join(price(r[c]) for c, _ in ON_DEMAND_COLUMNS)
            + f" | {_effective(r)} | {r['source']} ({r['as_of']}) |"
        )
    long = [r for r in on_demand if r["long_context_threshold_tokens"]]
    if long:
        lines += [
            "",
            "Long context: every token of a request whose input exceeds the threshold is "
            "billed at these rates.",
            "",
            "| Tier | Scope | Location | above (input tokens) | "
            + " | ".join(t for _, t in LONG_COLUMNS)
            + " | Effective |",
            "|---|---|---|---:|" + "---:|" * len(LONG_COLUMNS) + "---|",
        ]
        for r in long:
            lines.append(
                f"| {r['tier']} | {r['scope']} | {_where(r)} | "
                f"{int(r['long_context_threshold_tokens']):,} | "
                + " | ".join(price(r[c]) for c, _ in LONG_COLUMNS)
                + f" | {_effective(r)} |"
            )
    if document["provisioned"]:
        lines += [
            "",
            "| Provisioned term | Location | USD per model unit-hour | Source |",
            "|---|---|---:|---|",
        ]
        for p in document["provisioned"]:
            where = p["region"] if p["region"] != "*" else f"{p['geography']} (any region)"
            lines.append(
                f"| {p['term']} | {where} | {price(p['usd_per_model_unit_hour'])} | "
                f"{p['source']} ({p['as_of']}) |"
            )
    else:
        lines += ["", "No public provisioned-throughput price."]
    if document["self_hosted_throughput"]:
        lines += [
            "",
            "| Self-hosted on | Engine | Shape (in/out) | Output tokens/s | Source |",
            "|---|---|---|---:|---|",
        ]
        for t in document["self_hosted_throughput"]:
            lines.append(
                f"| {t['instance_type']} | {markdown_cell(t['engine'])} | "
                f"{t['input_tokens']:g}/{t['output_tokens']:g} | "
                f"{t['output_tokens_per_second_per_instance']:,.0f} | {t['source']} |"
            )
    return "\n".join(lines) + "\n"


def render_snapshots_markdown(document: SnapshotList) -> str:
    """`pricing list`: one row per snapshot."""
    lines = [
        "| Snapshot | As of | Models | On-demand rows | Provisioned rows | Instance rows | Path |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {markdown_cell(r['id'])} | {r['as_of']} | {r['models']} | {r['on_demand_rows']} | "
        f"{r['provisioned_rows']} | {r['instance_price_rows']} | "
        f"{markdown_cell(_shown_path(r['path']))} |"
        for r in document["snapshots"]
    ]
    return "\n".join(lines) + "\n"


def _shown_path(path: str) -> str:
    """A snapshot folder as people type it: relative to the current folder when inside it."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def render_models_markdown(document: ModelList) -> str:
    """`models --format markdown`: one table row a model."""
    lines = [
        f"## Models in snapshot {markdown_cell(document['snapshot'])}",
        "",
        "| Model | Name | Provider | Open weights | On demand priced for | Provisioned terms |",
        "|---|---|---|---|---|---|",
    ]
    for row in document["models"]:
        cells = (
            f"`{markdown_code(row['model_id'])}`",
            markdown_cell(row["name"]),
            markdown_cell(row["provider"]),
            "yes" if row["open_weights"] else "no",
            markdown_cell(row["on_demand_priced_for"]) or "—",
            markdown_cell(row["provisioned_terms"]) or "—",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_models_csv(document: ModelList) -> str:
    rows = document["models"]
    if not rows:
        return ""
    return csv_table(list(rows[0]), (list(row.values()) for row in rows))


def render_refresh_text(document: RefreshReport) -> str:
    """`pricing refresh`: where the snapshot went, what was refreshed, carried over, skipped."""
    lines = [
        f"wrote snapshot {document['snapshot_id']} to {document['path']}",
        "refreshed rows: " + ", ".join(f"{k} {v}" for k, v in document["refreshed_rows"].items()),
        "carried over: " + ", ".join(f"{k} {v}" for k, v in document["carried_over_rows"].items()),
    ]
    for reason, info in document["skipped"].items():
        lines.append(f"skipped {info['count']} ({reason}), e.g. " + ", ".join(info["examples"]))
    lines += [f"problem: {p}" for p in document["problems"]]
    if document["carried_over_prices"]:
        lines.append(
            f"{len(document['carried_over_prices'])} price(s) kept from the previous "
            "snapshot because the Price List's value could not be read (see problems)"
        )
    lines.append(f"use it with: --snapshot {document['path']}")
    return "\n".join(plain(line) for line in lines) + "\n"


def render_import_markdown(document: PricingImport) -> str:
    """`pricing import`: what the package changed, what it skipped and what it disagrees
    with, then the row-by-row differences."""
    written = document["written"]
    lines = [
        f"## {markdown_cell(document['package'])} {markdown_cell(document['version'])} into "
        f"snapshot {markdown_cell(document['base_snapshot'])}",
        "",
        f"Written to `{markdown_code(written)}`." if written else "Not written (pass --write).",
        "",
        "| Decision | Rows |",
        "|---|---:|",
    ]
    lines += [f"| {markdown_cell(d['decision'])} | {d['rows']} |" for d in document["decisions"]]
    if document["skipped"]:
        lines += ["", "Skipped entries of the package:", ""]
        lines += [
            f"- {info['count']} × {markdown_cell(reason)}, e.g. "
            + ", ".join(f"`{markdown_code(e)}`" for e in info["examples"][:3])
            for reason, info in document["skipped"].items()
        ]
    if document["disagreements"]:
        lines += ["", "Not applied (record a decision in price_conflicts.csv):", ""]
        lines += [f"- {markdown_cell(d)}" for d in document["disagreements"]]
    lines.append("")
    return "\n".join(lines) + "\n" + render_pricing_diff_markdown(document["diff"])


MODEL_CODES = {
    "in-region": "R",
    "global": "G",
    "batch": "b",
    "priority": "p",
    "flex": "f",
    "latency_optimized": "l",
}
EXTRAS = ("batch", "priority", "flex", "latency_optimized")
PURCHASE_CODES = {
    "on_demand": "OD",
    "savings_plan_1y": "SP1",
    "savings_plan_3y": "SP3",
    "reserved_1y": "RI1",
    "reserved_3y": "RI3",
    "spot": "S",
}


def _model_code(priced: list[str]) -> str:
    scopes = [MODEL_CODES.get(p, "P") for p in priced if p not in EXTRAS]
    extras = "".join(MODEL_CODES[p] for p in EXTRAS if p in priced)
    return "·".join(dict.fromkeys(scopes)) + (f" {extras}" if extras else "")


def _matrix(title: str, regions: list[str], rows: list[CoverageRow], code: Any) -> list[str]:
    cells: dict[str, dict[str, str]] = {}
    for row in rows:
        cells.setdefault(row["subject"], {})[row["region"]] = code(row["priced"])
    lines = [
        f"### {title}",
        "",
        "| | " + " | ".join(regions) + " |",
        "|---|" + "|".join(":---:" for _ in regions) + "|",
    ]
    for subject in sorted(cells):
        lines.append(
            f"| `{markdown_code(subject)}` | "
            + " | ".join(cells[subject].get(r, "—") for r in regions)
            + " |"
        )
    return [*lines, ""]


def render_coverage_markdown(document: PricingCoverage) -> str:
    """`pricing coverage`: a model × region and an instance × region matrix."""
    regions = document["regions"]
    lines = [
        f"## What snapshot {markdown_cell(document['snapshot'])} prices, on {document['day']}",
        "",
        f"{len({r['subject'] for r in document['models']})} models, "
        f"{len({r['subject'] for r in document['instances']})} instance types, "
        f"{len(regions)} regions.",
        "",
    ]
    lines += _matrix("Bedrock models", regions, document["models"], _model_code)
    lines += [
        "R in-region · P a cross-region (geo) profile callable from the region · G the global "
        "profile; b batch, p priority tier, f flex tier, l latency-optimized tier also priced; — "
        "nothing can be priced "
        "from that region.",
        "",
    ]
    lines += _matrix(
        "Instances",
        regions,
        document["instances"],
        lambda priced: " ".join(PURCHASE_CODES.get(p, p) for p in priced),
    )
    lines += [
        "OD on demand · RI1/RI3 1-/3-year reserved · SP1/SP3 1-/3-year savings plan · S spot.",
        "",
    ]
    return "\n".join(lines)


def render_coverage_csv(document: PricingCoverage) -> str:
    rows = [
        ["model", r["subject"], r["region"], " ".join(r["priced"]), r["as_of"]]
        for r in document["models"]
    ] + [
        ["instance", r["subject"], r["region"], " ".join(r["priced"]), r["as_of"]]
        for r in document["instances"]
    ]
    return csv_table(["kind", "subject", "region", "priced", "as_of"], rows)
