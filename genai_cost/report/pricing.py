"""Markdown for `genai-cost pricing` (snapshot diffs and a model's prices)."""

from __future__ import annotations

from typing import Any

from genai_cost.report.sanitize import markdown_cell, markdown_code

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


def key_text(key: dict[str, str]) -> str:
    return " ".join(v for k, v in key.items() if v and k != "effective_from") + (
        f" from {key['effective_from']}" if key.get("effective_from") else ""
    )


def change_cells(change: dict[str, Any]) -> str:
    parts = []
    for p in change["prices"]:
        pct = "" if p["change_percent"] is None else f" ({p['change_percent']:+.1f}%)"
        if change["change"] == "changed":
            parts.append(f"{p['column']}: {price(p['old'])} → {price(p['new'])}{pct}")
        else:
            parts.append(f"{p['column']}: {price(p['new'] if p['new'] is not None else p['old'])}")
    return "; ".join(parts)


def render_pricing_diff_markdown(document: dict[str, Any]) -> str:
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


def render_model_markdown(document: dict[str, Any]) -> str:
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
    for r in document["on_demand"]:
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
        for r in document["provisioned"]:
            where = r["region"] if r["region"] != "*" else f"{r['geography']} (any region)"
            lines.append(
                f"| {r['term']} | {where} | {price(r['usd_per_model_unit_hour'])} | "
                f"{r['source']} ({r['as_of']}) |"
            )
    else:
        lines += ["", "No public provisioned-throughput price."]
    if document["self_hosted_throughput"]:
        lines += [
            "",
            "| Self-hosted on | Engine | Shape (in/out) | Output tokens/s | Source |",
            "|---|---|---|---:|---|",
        ]
        for r in document["self_hosted_throughput"]:
            lines.append(
                f"| {r['instance_type']} | {markdown_cell(r['engine'])} | "
                f"{r['input_tokens']:g}/{r['output_tokens']:g} | "
                f"{r['output_tokens_per_second_per_instance']:,.0f} | {r['source']} |"
            )
    return "\n".join(lines) + "\n"
