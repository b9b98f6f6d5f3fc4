"""Browsing and comparing snapshots: what a model costs where, and what changed between two."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, cast

from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import ON_DEMAND_PRICE_COLUMNS, SCOPES, TIERS
from genai_cost.documents.pricing import (
    ChangeCounts,
    CoverageRow,
    InstancePrices,
    ModelList,
    ModelPrices,
    ModelRow,
    PriceChange,
    PricingCoverage,
    PricingDiff,
    RowChange,
    SnapshotList,
    SnapshotSummary,
)
from genai_cost.records import ServicePrice, json_row

# table -> (attribute of Catalog, key columns, price columns)
PRICE_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "bedrock_on_demand": (
        "on_demand",
        ("model_id", "scope", "geography", "region", "tier", "effective_from"),
        ON_DEMAND_PRICE_COLUMNS,
    ),
    "bedrock_provisioned": (
        "provisioned",
        ("model_id", "geography", "region", "term", "effective_from"),
        ("usd_per_model_unit_hour",),
    ),
    "instance_prices": (
        "instance_prices",
        ("platform", "instance_type", "region", "purchase", "effective_from"),
        ("usd_per_hour",),
    ),
}


def _rows(catalog: Catalog, table: str) -> dict[tuple[str, ...], dict[str, Any]]:
    attribute, keys, _ = PRICE_TABLES[table]
    out = {}
    for rows in getattr(catalog, attribute).values():
        for row in rows:
            record = dataclasses.asdict(row)
            key = tuple("" if record[k] is None else str(record[k]) for k in keys)
            out[key] = record
    return out


def _percent(old: float | None, new: float | None) -> float | None:
    if old is None or new is None or old == 0:
        return None
    return round((new - old) / old * 100.0, 6)


def diff_snapshots(old: Catalog, new: Catalog) -> PricingDiff:
    """Added, removed and changed price rows of every price table (schema_version 1)."""
    changes: list[RowChange] = []
    for table, (_, keys, prices) in PRICE_TABLES.items():
        before, after = _rows(old, table), _rows(new, table)
        for key in sorted(set(before) | set(after)):
            old_row, new_row = before.get(key), after.get(key)
            identity = dict(zip(keys, key, strict=True))
            if old_row is None or new_row is None:
                row = new_row or old_row
                assert row is not None
                changes.append(
                    {
                        "table": table,
                        "change": "added" if old_row is None else "removed",
                        "key": identity,
                        "prices": [
                            {
                                "column": c,
                                "old": (old_row or {}).get(c),
                                "new": (new_row or {}).get(c),
                                "change_percent": None,
                            }
                            for c in prices
                            if row.get(c) is not None
                        ],
                        "source": row["source"],
                    }
                )
                continue
            moved: list[PriceChange] = [
                {
                    "column": c,
                    "old": old_row[c],
                    "new": new_row[c],
                    "change_percent": _percent(old_row[c], new_row[c]),
                }
                for c in prices
                if old_row[c] != new_row[c]
            ]
            if moved or old_row["effective_until"] != new_row["effective_until"]:
                changes.append(
                    {
                        "table": table,
                        "change": "changed",
                        "key": identity,
                        "prices": moved,
                        "source": new_row["source"],
                    }
                )
    counts: ChangeCounts = {
        "added": sum(1 for c in changes if c["change"] == "added"),
        "removed": sum(1 for c in changes if c["change"] == "removed"),
        "changed": sum(1 for c in changes if c["change"] == "changed"),
    }
    return {
        "schema_version": 1,
        "kind": "genai-cost pricing diff",
        "old": {"id": old.snapshot_id, "as_of": old.as_of.isoformat()},
        "new": {"id": new.snapshot_id, "as_of": new.as_of.isoformat()},
        "counts": counts,
        "changes": changes,
    }


def model_prices(catalog: Catalog, model_id: str) -> ModelPrices:
    """Every price the snapshot holds for one Bedrock model."""
    model = catalog.models[model_id]
    document = {
        "schema_version": 1,
        "kind": "genai-cost pricing show",
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "model": json_row(model),
        "on_demand": [
            json_row(r)
            for r in sorted(
                catalog.on_demand.get(model_id, []),
                key=lambda r: (TIERS.index(r.tier), SCOPES.index(r.scope)),
            )
        ],
        "provisioned": [json_row(r) for r in catalog.provisioned.get(model_id, [])],
        "unit_prices": [
            json_row(r)
            for r in sorted(
                catalog.unit_prices.get(model_id, []),
                key=lambda r: (r.variant, SCOPES.index(r.scope), r.geography, r.region),
            )
        ],
        "self_hosted_throughput": [json_row(r) for r in catalog.throughput.get(model_id, [])],
        "sources": {
            key: {"title": s.title, "reference": s.reference, "as_of": s.as_of.isoformat()}
            for key, s in catalog.sources.items()
            if key
            in {
                r.source
                for r in [
                    *catalog.on_demand.get(model_id, []),
                    *catalog.provisioned.get(model_id, []),
                    *catalog.unit_prices.get(model_id, []),
                ]
            }
        },
    }
    return cast(ModelPrices, document)


def snapshot_summary(catalog: Catalog) -> SnapshotSummary:
    return {
        "id": catalog.snapshot_id,
        "as_of": catalog.as_of.isoformat(),
        "path": str(catalog.path),
        "models": len(catalog.models),
        "on_demand_rows": sum(len(v) for v in catalog.on_demand.values()),
        "provisioned_rows": sum(len(v) for v in catalog.provisioned.values()),
        "instance_price_rows": sum(len(v) for v in catalog.instance_prices.values()),
        "sources": len(catalog.sources),
    }


def snapshot_list() -> SnapshotList:
    """The bundled snapshots, and the one $GENAI_COST_SNAPSHOT selects, summarised."""
    import os

    from genai_cost.catalog.snapshot import SNAPSHOT_ENV, bundled_snapshot_ids, load_catalog

    choices: list[str] = bundled_snapshot_ids()
    if os.environ.get(SNAPSHOT_ENV):
        choices.append(os.environ[SNAPSHOT_ENV])
    return {
        "schema_version": 1,
        "kind": "genai-cost pricing list",
        "snapshots": [snapshot_summary(load_catalog(c)) for c in dict.fromkeys(choices)],
    }


def model_prices_of(catalog: Catalog, model: str) -> ModelPrices | InstancePrices:
    """`model_prices` of a model id as a user types it (a us./eu./global. prefix ignored), or
    `instance_prices` of an instance type (an `ml.` prefix ignored); anything else is an error
    with the closest known model ids and instance types."""
    from genai_cost.errors import PricingError
    from genai_cost.modelfile import suggest
    from genai_cost.scenario.models import split_model_id

    model_id = split_model_id(model)[1]
    if model_id in catalog.models:
        return model_prices(catalog, model_id)
    instance = model.removeprefix("ml.")
    instances = instance_types(catalog)
    if instance in instances:
        return instance_prices(catalog, instance)
    hint = suggest(model_id, [*catalog.models, *instances])
    raise PricingError(
        f"unknown model id or instance type {model!r} in snapshot {catalog.snapshot_id}"
        + (f" ({hint})" if hint else "; see `genai-cost models` and `pricing coverage`"),
        model=model_id,
    )


def instance_types(catalog: Catalog) -> list[str]:
    """Every instance type the snapshot describes or prices (without `ml.`)."""
    priced = {key[1].removeprefix("ml.") for key in catalog.instance_prices}
    return sorted(priced | set(catalog.instance_types))


def instance_prices(catalog: Catalog, instance: str) -> InstancePrices:
    """Every price (platform, region, purchase, with dates and sources), the specification and
    the published throughput benchmarks the snapshot holds for one instance type."""

    rows = sorted(
        (
            r
            for (_, name, _, _), found in catalog.instance_prices.items()
            if name.removeprefix("ml.") == instance
            for r in found
        ),
        key=lambda r: (r.platform, r.region, r.purchase, r.effective_from or dt.date.min),
    )
    spec = catalog.instance_types.get(instance)
    benchmarks = sorted(
        (r for found in catalog.throughput.values() for r in found if r.instance_type == instance),
        key=lambda r: (r.model_id, r.input_tokens, r.output_tokens),
    )
    used = {r.source for r in rows} | {r.source for r in benchmarks}
    if spec is not None:
        used.add(spec.source)
    document = {
        "schema_version": 1,
        "kind": "genai-cost pricing show instance",
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "instance_type": instance,
        "spec": json_row(spec) if spec else None,
        "prices": [json_row(r, ("instance_type",)) for r in rows],
        "self_hosted_throughput": [json_row(r) for r in benchmarks],
        "sources": {
            key: {"title": s.title, "reference": s.reference, "as_of": s.as_of.isoformat()}
            for key, s in catalog.sources.items()
            if key in used
        },
    }
    return cast(InstancePrices, document)


def model_list(catalog: Catalog) -> ModelList:
    """Every model id the snapshot knows, with its kind, where it is priced on demand (per
    token, or per image or query) and its provisioned-throughput terms."""
    rows: list[ModelRow] = []
    for model in catalog.models.values():
        places = sorted(
            {
                f"{r.scope}:{r.region if r.region != '*' else r.geography}"
                for r in catalog.on_demand.get(model.model_id, [])
            }
            | {  # per image or query
                f"{r.scope}:{r.region if r.region != '*' else r.geography}"
                for r in catalog.unit_prices.get(model.model_id, [])
            }
        )
        rows.append(
            {
                "model_id": model.model_id,
                "name": model.name,
                "provider": model.provider,
                "kind": model.kind,
                "open_weights": model.open_weights,
                "on_demand_priced_for": " ".join(places),
                "provisioned_terms": " ".join(
                    sorted({r.term for r in catalog.provisioned.get(model.model_id, [])})
                ),
            }
        )
    return {
        "schema_version": 1,
        "kind": "genai-cost models",
        "snapshot": catalog.snapshot_id,
        "models": rows,
    }


def _unit_coverage(
    catalog: Catalog, model_id: str, regions: list[str], day: dt.date
) -> list[CoverageRow]:
    """Coverage of a model billed per unit (images, rerank queries): per region, the endpoint
    scopes at which any of its variants is priced, and `per image` / `per query`."""
    from genai_cost.catalog.lookup import Missing, unit_price

    rows = catalog.unit_prices[model_id]
    variants = sorted({r.variant for r in rows})
    unit = rows[0].unit
    out: list[CoverageRow] = []
    for region in regions:
        priced: list[str] = []
        dates: list[dt.date] = []
        attempts: list[tuple[str, str | None, str]] = [("in_region", None, "in-region")]
        attempts += [("geo", p, f"{p}. profile") for p in catalog.regions[region].geo_profiles]
        attempts.append(("global", None, "global"))
        for scope, profile, label in attempts:
            for variant in variants:
                match = unit_price(catalog, model_id, scope, region, profile, day, variant)
                if isinstance(match, Missing) or (scope == "geo" and match.scope != "geo"):
                    continue
                if label not in priced:
                    priced.append(label)
                dates.append(match.as_of)
        if priced:
            priced.append(f"per {unit}")
            out.append(
                {
                    "subject": model_id,
                    "region": region,
                    "priced": priced,
                    "as_of": max(dates).isoformat(),
                }
            )
    return out


def coverage(catalog: Catalog, day: dt.date, regions: list[str] | None = None) -> PricingCoverage:
    """Per model and region (and instance type and region): what is priced, and as of when.

    A model counts as priced in a region when a request made there can be priced: in-region,
    through a cross-region profile the region can call, or through the global profile.
    """
    from genai_cost.catalog.lookup import Missing, on_demand_price
    from genai_cost.errors import ArgumentError

    chosen = regions or sorted(catalog.regions)
    unknown = [r for r in chosen if r not in catalog.regions]
    if unknown:
        raise ArgumentError(f"unknown region(s): {', '.join(unknown)}")
    models: list[CoverageRow] = []
    for model_id in sorted(set(catalog.on_demand) | set(catalog.unit_prices)):
        if model_id not in catalog.on_demand:
            models += _unit_coverage(catalog, model_id, chosen, day)
            continue
        tiers = sorted({r.tier for r in catalog.on_demand[model_id]} - {"standard"})
        for region in chosen:
            priced: list[str] = []
            dates: list[dt.date] = []
            batch = False
            attempts: list[tuple[str, str | None, str]] = [("in_region", None, "in-region")]
            attempts += [("geo", p, f"{p}. profile") for p in catalog.regions[region].geo_profiles]
            attempts.append(("global", None, "global"))
            for scope, profile, label in attempts:
                match = on_demand_price(catalog, model_id, scope, region, profile, day)
                if isinstance(match, Missing) or match.via_source_region:
                    continue
                priced.append(label)
                dates.append(match.row.as_of)
                batch = batch or match.row.usd_per_1m_batch_input_tokens is not None
                for tier in tiers:
                    other = on_demand_price(catalog, model_id, scope, region, profile, day, tier)
                    if not isinstance(other, Missing) and tier not in priced:
                        priced.append(tier)
            if priced:
                if batch:
                    priced.append("batch")
                models.append(
                    {
                        "subject": model_id,
                        "region": region,
                        "priced": priced,
                        "as_of": max(dates).isoformat(),
                    }
                )
    instances: list[CoverageRow] = []
    cells: dict[tuple[str, str], list[Any]] = {}
    for (platform, name, region, _), rows in catalog.instance_prices.items():
        if region in chosen:
            current = [r for r in rows if r.effective_on(day)]
            if current:
                cells.setdefault((f"{platform} {name}", region), []).extend(current)
    for (subject, region), rows in sorted(cells.items()):
        instances.append(
            {
                "subject": subject,
                "region": region,
                "priced": sorted({r.purchase for r in rows}, key=_purchase_order),
                "as_of": max(r.as_of for r in rows).isoformat(),
            }
        )
    services: list[CoverageRow] = []
    for service, item in sorted(catalog.service_prices):
        for region in chosen:
            offered: list[ServicePrice] = [
                r for r in catalog.service_prices[(service, item)] if r.effective_on(day)
            ]
            geography = catalog.regions[region].geography
            for scope, found in (
                ("region", [r for r in offered if r.region == region]),
                ("geography", [r for r in offered if r.region == "*" and r.geography == geography]),
                ("everywhere", [r for r in offered if r.region == "*" and r.geography == "*"]),
            ):
                if found:
                    services.append(
                        {
                            "subject": f"{service} {item}",
                            "region": region,
                            "priced": [scope],
                            "as_of": max(r.as_of for r in found).isoformat(),
                        }
                    )
                    break
    return {
        "schema_version": 1,
        "kind": "genai-cost pricing coverage",
        "snapshot": catalog.snapshot_id,
        "day": day.isoformat(),
        "regions": chosen,
        "models": models,
        "instances": instances,
        "services": services,
    }


def _purchase_order(purchase: str) -> int:
    from genai_cost.catalog.tables import PURCHASES

    return PURCHASES.index(purchase) if purchase in PURCHASES else len(PURCHASES)
