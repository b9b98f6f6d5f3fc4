"""The pricing commands' documents as reports (report/blocks.py): snapshots, a model's or an
instance's prices, snapshot diffs, coverage, imports and refreshes, and the models list."""

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
from genai_cost.report.blocks import Col, Report
from genai_cost.report.sanitize import csv_table

ON_DEMAND_COLUMNS = (
    ("usd_per_1m_input_tokens", "input"),
    ("usd_per_1m_output_tokens", "output"),
    ("usd_per_1m_cache_read_input_tokens", "cache read"),
    ("usd_per_1m_cache_write_input_tokens", "cache write"),
    ("usd_per_1m_cache_write_1h_input_tokens", "cache write 1h"),
    ("usd_per_1m_batch_input_tokens", "batch in"),
    ("usd_per_1m_batch_output_tokens", "batch out"),
    ("usd_per_1m_audio_input_tokens", "audio in"),
    ("usd_per_1m_audio_output_tokens", "audio out"),
    ("usd_per_input_image", "per image in"),
    ("usd_per_input_video_second", "per video s"),
    ("usd_per_input_audio_second", "per audio s"),
)
EXTRA_COLUMNS = ON_DEMAND_COLUMNS[-5:]
"""Speech and media prices: shown (never left out for width) when a row has one."""


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


def pricing_diff_report(document: PricingDiff) -> Report:
    report = Report("Pricing snapshot changes")
    _diff_blocks(report, document)
    return report


def _diff_blocks(report: Report, document: PricingDiff) -> None:
    counts = document["counts"]
    report.heading(f"Pricing snapshot {document['old']['id']} → {document['new']['id']}")
    report.text(
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed."
    )
    if document["changes"]:
        table = report.table(
            Col("Table", "id"), Col("Row"), Col("Change"), Col("Prices"), name="change"
        )
        for c in document["changes"]:
            table.add(c["table"], key_text(c["key"]), c["change"], change_cells(c))


def model_prices_report(document: ModelPrices | InstancePrices) -> Report:
    """`pricing show`: a model's prices, or an instance type's."""
    if document["kind"] == "genai-cost pricing show instance":
        return instance_report(document)
    return _model_report(document)


def instance_report(document: InstancePrices) -> Report:
    """An instance type: its specification, every price (platform, region, purchase) and the
    published throughput benchmarks on it."""
    name = document["instance_type"]
    spec = document["spec"]
    report = Report(name)
    report.heading(name)
    report.text(f"Snapshot {document['snapshot']['id']}.", "note")
    if spec is not None:
        report.text(
            f"{spec['accelerator_count']} × {spec['accelerator']} "
            f"({spec['accelerator_memory_gib']:g} GiB accelerator memory), {spec['vcpu']} vCPUs, "
            f"{spec['memory_gib']:g} GiB memory ({spec['source']}, {spec['as_of']})."
        )
    if document["prices"]:
        table = report.table(
            Col("Platform"),
            Col("Region", "id"),
            Col("Purchase"),
            Col("USD per hour", "unit_price", "usd_per_hour"),
            Col("Effective"),
            Col("Source"),
            name="price",
        )
        for r in document["prices"]:
            table.add(
                r["platform"],
                r["region"],
                r["purchase"],
                r["usd_per_hour"],
                _effective(r),
                f"{r['source']} ({r['as_of']})",
            )
    else:
        report.text(
            f"No price for {name} in this snapshot: give the scenario's "
            "self_hosted.usd_per_hour, or import prices (docs/pricing-data.md)."
        )
    if document["self_hosted_throughput"]:
        table = report.table(
            Col("Model", "id", "model_id"),
            Col("Input tokens", "count"),
            Col("Output tokens", "count"),
            Col("Output tokens/s an instance", "count", "output_tokens_per_second_per_instance"),
            Col("Engine"),
            Col("Source"),
            name="throughput",
        )
        for t in document["self_hosted_throughput"]:
            table.add(
                t["model_id"],
                t["input_tokens"],
                t["output_tokens"],
                t["output_tokens_per_second_per_instance"],
                f"{t['engine']} {t['precision']}",
                f"{t['source']} ({t['as_of']})",
            )
    return report


def _model_report(document: ModelPrices) -> Report:
    model = document["model"]
    report = Report(f"{model['name']} ({model['model_id']})")
    report.heading(f"{model['name']} ({model['model_id']})")
    units: Sequence[Mapping[str, Any]] = document.get("unit_prices", [])
    if units or model["kind"] in ("image_generation", "image_edit", "rerank"):
        return _unit_report(report, document, units)
    report.text(
        f"Snapshot {document['snapshot']['id']}; USD per 1M tokens (per image or per second "
        "where the column says so).",
        "note",
    )
    on_demand: Sequence[Mapping[str, Any]] = document["on_demand"]
    # a speech or media model's own prices are its main ones: never left out for width
    extras = tuple(
        title
        for column, title in EXTRA_COLUMNS
        if not any(r.get(column) is not None for r in on_demand)
    )
    table = report.table(
        Col("Tier"),
        Col("Scope"),
        Col("Location"),
        *(Col(title, "unit_price", column) for column, title in ON_DEMAND_COLUMNS),
        Col("Effective"),
        Col("Source"),
        name="on_demand",
        optional=(
            "cache write 1h",
            "batch in",
            "batch out",
            *extras,
            "Effective",
        ),
    )
    for r in on_demand:
        table.add(
            r["tier"],
            r["scope"],
            _where(r),
            *(r[c] for c, _ in ON_DEMAND_COLUMNS),
            _effective(r),
            f"{r['source']} ({r['as_of']})",
        )
    long = [r for r in on_demand if r["long_context_threshold_tokens"]]
    if long:
        report.text(
            "Long context: every token of a request whose input exceeds the threshold is "
            "billed at these rates."
        )
        table = report.table(
            Col("Tier"),
            Col("Scope"),
            Col("Location"),
            Col("Above (input tokens)", "count", "long_context_threshold_tokens"),
            *(Col(title, "unit_price", column) for column, title in LONG_COLUMNS),
            Col("Effective"),
            name="long_context",
        )
        for r in long:
            table.add(
                r["tier"],
                r["scope"],
                _where(r),
                r["long_context_threshold_tokens"],
                *(r[c] for c, _ in LONG_COLUMNS),
                _effective(r),
            )
    if document["provisioned"]:
        table = report.table(
            Col("Provisioned term", key="term"),
            Col("Location"),
            Col("USD per model unit-hour", "unit_price", "usd_per_model_unit_hour"),
            Col("Source"),
            name="provisioned",
        )
        for p in document["provisioned"]:
            where = p["region"] if p["region"] != "*" else f"{p['geography']} (any region)"
            table.add(
                p["term"], where, p["usd_per_model_unit_hour"], f"{p['source']} ({p['as_of']})"
            )
    else:
        report.text("No public provisioned-throughput price.")
    if document["self_hosted_throughput"]:
        table = report.table(
            Col("Self-hosted on", "id", "instance_type"),
            Col("Engine"),
            Col("Input tokens", "count"),
            Col("Output tokens", "count"),
            Col("Output tokens/s", "count", "output_tokens_per_second_per_instance"),
            Col("Source"),
            name="throughput",
        )
        for t in document["self_hosted_throughput"]:
            table.add(
                t["instance_type"],
                t["engine"],
                t["input_tokens"],
                t["output_tokens"],
                t["output_tokens_per_second_per_instance"],
                t["source"],
            )
    return report


def _unit_report(
    report: Report, document: ModelPrices, units: Sequence[Mapping[str, Any]]
) -> Report:
    """A model billed per unit (per image, per rerank query): its prices by variant."""
    model = document["model"]
    report.text(
        f"Snapshot {document['snapshot']['id']}; {'an' if model['kind'][0] in 'aeiou' else 'a'} "
        f"{model['kind']} model, billed per "
        f"{'query' if model['kind'] == 'rerank' else 'image'} (kind: {model['kind']}).",
        "note",
    )
    if not units:
        report.text("No per-unit price in this snapshot.")
        return report
    table = report.table(
        Col("Variant"),
        Col("Scope"),
        Col("Location"),
        Col("USD per unit", "unit_price", "usd_per_unit"),
        Col("Unit"),
        Col("Effective"),
        Col("Source"),
        name="unit_prices",
        optional=("Effective",),
    )
    for r in units:
        table.add(
            r["variant"] or "(one price)",
            r["scope"],
            _where(r),
            r["usd_per_unit"],
            r["unit"],
            _effective(r),
            f"{r['source']} ({r['as_of']})",
        )
    if any(r["variant"] for r in units):
        report.text("A workload names its variant with images.variant.")
    return report


def snapshots_report(document: SnapshotList) -> Report:
    """`pricing list`: one row per snapshot."""
    report = Report("Pricing snapshots")
    table = report.table(
        Col("Snapshot", "id", "id"),
        Col("As of", "id", "as_of"),
        Col("Models", "count"),
        Col("On-demand rows", "count"),
        Col("Provisioned rows", "count"),
        Col("Instance rows", "count", "instance_price_rows"),
        Col("Path"),
        name="snapshot",
    )
    for r in document["snapshots"]:
        table.add(
            r["id"],
            r["as_of"],
            r["models"],
            r["on_demand_rows"],
            r["provisioned_rows"],
            r["instance_price_rows"],
            _shown_path(r["path"]),
        )
    return report


def _shown_path(path: str) -> str:
    """A snapshot folder as people type it: relative to the current folder when inside it."""
    from pathlib import Path

    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def models_report(document: ModelList) -> Report:
    """`models`: one row a model (ids whole: `genai-cost models | grep ID` finds them)."""
    report = Report(f"Models in snapshot {document['snapshot']}")
    report.heading(f"Models in snapshot {document['snapshot']}")
    table = report.table(
        Col("Model", "id", "model_id"),
        Col("Name"),
        Col("Provider"),
        Col("Kind"),
        Col("Open weights"),
        Col("On demand priced for"),
        Col("Provisioned terms"),
        name="model",
        optional=(
            "Provisioned terms",
            "On demand priced for",
            "Open weights",
            "Provider",
            "Name",
            "Kind",
        ),
    )
    for row in document["models"]:
        table.add(
            row["model_id"],
            row["name"],
            row["provider"],
            row.get("kind", ""),
            "yes" if row["open_weights"] else "no",
            row["on_demand_priced_for"] or "—",
            row["provisioned_terms"] or "—",
        )
    return report


def render_models_csv(document: ModelList) -> str:
    rows = document["models"]
    if not rows:
        return ""
    return csv_table(list(rows[0]), (list(row.values()) for row in rows))


def refresh_report(document: RefreshReport) -> Report:
    """`pricing refresh`: where the snapshot went, what was refreshed, carried over, skipped."""
    report = Report(f"Snapshot {document['snapshot_id']}")
    report.text(f"Wrote snapshot {document['snapshot_id']} to {document['path']}.", "lead")
    table = report.table(
        Col("Table", "id"), Col("Refreshed", "count"), Col("Carried over", "count"), name="table"
    )
    for name in dict.fromkeys([*document["refreshed_rows"], *document["carried_over_rows"]]):
        table.add(
            name,
            document["refreshed_rows"].get(name, 0),
            document["carried_over_rows"].get(name, 0),
        )
    for reason, info in document["skipped"].items():
        report.text(
            f"Skipped {info['count']} ({reason}), e.g. " + ", ".join(info["examples"]), "bullet"
        )
    for problem in document["problems"]:
        report.text(problem, "warning")
    if document["carried_over_prices"]:
        report.text(
            f"{len(document['carried_over_prices'])} price(s) kept from the previous "
            "snapshot because the Price List's value could not be read (see the problems)",
            "note",
        )
    report.text(f"Use it with: --snapshot {document['path']}", "note")
    return report


def import_report(document: PricingImport) -> Report:
    """`pricing import`: what the package changed, what it skipped and what it disagrees
    with, then the row-by-row differences."""
    written = document["written"]
    title = f"{document['package']} {document['version']} into snapshot {document['base_snapshot']}"
    report = Report(title)
    report.heading(title)
    report.text(f"Written to {written}." if written else "Not written (pass --write).")
    table = report.table(Col("Decision"), Col("Rows", "count"), name="decision")
    for d in document["decisions"]:
        table.add(d["decision"], d["rows"])
    if document["skipped"]:
        report.text("Skipped entries of the package:")
        report.bullets(
            f"{info['count']} × {reason}, e.g. " + ", ".join(info["examples"][:3])
            for reason, info in document["skipped"].items()
        )
    if document["disagreements"]:
        report.text("Not applied (record a decision in price_conflicts.csv):")
        report.bullets(document["disagreements"])
    _diff_blocks(report, document["diff"])
    return report


MODEL_CODES = {
    "in-region": "R",
    "global": "G",
    "batch": "b",
    "priority": "p",
    "flex": "f",
    "latency_optimized": "l",
    "per image": "i",
    "per query": "q",
}
EXTRAS = ("batch", "priority", "flex", "latency_optimized", "per image", "per query")
PURCHASE_CODES = {
    "on_demand": "OD",
    "savings_plan_1y": "SP1",
    "savings_plan_3y": "SP3",
    "reserved_1y": "RI1",
    "reserved_3y": "RI3",
    "spot": "S",
}


SERVICE_CODES = {"region": "R", "geography": "G", "everywhere": "*"}


def _model_code(priced: list[str]) -> str:
    scopes = [MODEL_CODES.get(p, "P") for p in priced if p not in EXTRAS]
    extras = "".join(MODEL_CODES[p] for p in EXTRAS if p in priced)
    return "·".join(dict.fromkeys(scopes)) + (f" {extras}" if extras else "")


def _matrix(
    report: Report, title: str, regions: list[str], rows: list[CoverageRow], code: Any
) -> None:
    cells: dict[str, dict[str, str]] = {}
    for row in rows:
        cells.setdefault(row["subject"], {})[row["region"]] = code(row["priced"])
    report.heading(title, 3)
    table = report.table(
        Col("", "id", "subject"), *(Col(r, key=r) for r in regions), name="coverage"
    )
    for subject in sorted(cells):
        table.add(subject, *(cells[subject].get(r, "—") for r in regions))


def coverage_report(document: PricingCoverage) -> Report:
    """`pricing coverage`: model × region, instance × region and service × region matrices
    (those with rows)."""
    regions = document["regions"]
    title = f"What snapshot {document['snapshot']} prices, on {document['day']}"
    report = Report(title)
    report.heading(title)
    services = document.get("services", [])
    report.text(
        f"{len({r['subject'] for r in document['models']})} models, "
        f"{len({r['subject'] for r in document['instances']})} instance types, "
        f"{len({r['subject'] for r in services})} service prices, {len(regions)} regions."
    )
    if document["models"]:
        _matrix(report, "Bedrock models", regions, document["models"], _model_code)
        report.text(
            "R in-region · P a cross-region (geo) profile callable from the region · G the "
            "global profile; b batch, p priority tier, f flex tier, l latency-optimized tier "
            "also priced; i billed per image, q per rerank query (not per token); — nothing "
            "can be priced from that region.",
            "note",
        )
    if document["instances"]:
        _matrix(
            report,
            "Instances",
            regions,
            document["instances"],
            lambda priced: " ".join(PURCHASE_CODES.get(p, p) for p in priced),
        )
        report.text(
            "OD on demand · RI1/RI3 1-/3-year reserved · SP1/SP3 1-/3-year savings plan · S spot.",
            "note",
        )
    if services:
        _matrix(
            report,
            "Supporting services",
            regions,
            services,
            lambda priced: SERVICE_CODES[priced[0]],
        )
        report.text(
            "R a price for the region · G for its geography · * for every region; — none: "
            "give it in a price book's service_prices row (docs/pricing-data.md).",
            "note",
        )
    return report


def render_coverage_markdown(document: PricingCoverage) -> str:
    """The coverage matrices as Markdown (docs/pricing-data.md holds them)."""
    from genai_cost.report.formats import to_markdown

    return to_markdown(coverage_report(document))


def render_coverage_csv(document: PricingCoverage) -> str:
    rows = (
        [
            ["model", r["subject"], r["region"], " ".join(r["priced"]), r["as_of"]]
            for r in document["models"]
        ]
        + [
            ["instance", r["subject"], r["region"], " ".join(r["priced"]), r["as_of"]]
            for r in document["instances"]
        ]
        + [
            ["service", r["subject"], r["region"], " ".join(r["priced"]), r["as_of"]]
            for r in document.get("services", [])
        ]
    )
    return csv_table(["kind", "subject", "region", "priced", "as_of"], rows)
