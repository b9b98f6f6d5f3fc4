"""Markdown for `genai-cost pricing` (snapshot diffs and a model's prices)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genai_cost.documents.pricing import (
    ModelList,
    ModelPrices,
    PricingDiff,
    RefreshReport,
    SnapshotList,
)
from genai_cost.report.sanitize import csv_table, markdown_cell, markdown_code, plain

ON_DEMAND_COLUMNS = (
    ("usd_per_1m_input_tokens", "input"),
    ("usd_per_1m_output_tokens", "output"),
    ("usd_per_1m_cache_read_input_tokens", "cache read"),
    ("usd_per_1m_cache_write_input_tokens", "cache write"),
    ("usd_per_1m_batch_input_tokens", "batch in"),
    ("usd_per_1m_batch_output_tokens", "batch out"),
)


def price(value: float | None) -> str:
    return "—" if value is None else f"${value:,.6g}"


def key_text(key: Mapping[str, str]) -> str:
    return " ".join(v for k, v in key.items() if v and k != "effective_from") + (
        f" from {key['effective_from']}" if key.get("effective_from") else ""
    )


def change_cells(change: Mapping[str, Any]) -> str:
    parts = []
    for p in change["prices"]:
        pct = "" if p["change_percent"] is None else f" ({p['change_percent']:+.1f}%)"
        if change["change"] == "changed":
            parts.append(f"{p['column']}: {price(p['old'])} → {price(p['new'])}{pct}")
        else:
            parts.append(f"{p['column']}: {price(p['new'] if p['new'] is not None else p['old'])}")
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


def render_model_markdown(document: ModelPrices) -> str:
    model = document["model"]
    lines = [
        f"## {markdown_cell(model['name'])} (`{markdown_code(model['model_id'])}`)",
        "",
        f"Snapshot {document['snapshot']['id']}; USD per 1M tokens.",
        "",
        "| Scope | Location | "
        + " | ".join(t for _, t in ON_DEMAND_COLUMNS)
        + " | Effective | Source |",
        "|---|---|" + "---:|" * len(ON_DEMAND_COLUMNS) + "---|---|",
    ]
    on_demand: Sequence[Mapping[str, Any]] = document["on_demand"]
    for r in on_demand:
        where = r["region"] if r["region"] != "*" else f"{r['geography']} (any region)"
        effective = f"{r['effective_from'] or '…'} – {r['effective_until'] or '…'}"
        lines.append(
            f"| {r['scope']} | {where} | "
            + " | ".join(price(r[c]) for c, _ in ON_DEMAND_COLUMNS)
            + f" | {effective} | {r['source']} ({r['as_of']}) |"
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
        f"{r['provisioned_rows']} | {r['instance_price_rows']} | {markdown_cell(r['path'])} |"
        for r in document["snapshots"]
    ]
    return "\n".join(lines) + "\n"


def render_models_text(document: ModelList) -> str:
    """`models`: a model id a line, where it is priced on demand and its provisioned terms."""
    rows = document["models"]
    if not rows:
        return ""
    width = max(len(plain(r["model_id"])) for r in rows)
    out = []
    for row in rows:
        terms = f"  PT: {row['provisioned_terms']}" if row["provisioned_terms"] else ""
        out.append(
            plain(f"{row['model_id']!s:<{width}}  {row['on_demand_priced_for']}{terms}") + "\n"
        )
    return "".join(out)


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
