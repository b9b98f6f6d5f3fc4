"""Browsing and comparing snapshots: what a model costs where, and what changed between two."""

from __future__ import annotations

import dataclasses
from typing import Any

from genai_cost.catalog.snapshot import Catalog

# table -> (attribute of Catalog, key columns, price columns)
PRICE_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "bedrock_on_demand": (
        "on_demand",
        ("model_id", "scope", "geography", "region", "effective_from"),
        (
            "usd_per_1m_input_tokens",
            "usd_per_1m_output_tokens",
            "usd_per_1m_cache_read_input_tokens",
            "usd_per_1m_cache_write_input_tokens",
            "usd_per_1m_batch_input_tokens",
            "usd_per_1m_batch_output_tokens",
        ),
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


def diff_snapshots(old: Catalog, new: Catalog) -> dict[str, Any]:
    """Added, removed and changed price rows of every price table (schema_version 1)."""
    changes = []
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
            moved = [
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
    counts = {
        kind: sum(1 for c in changes if c["change"] == kind)
        for kind in ("added", "removed", "changed")
    }
    return {
        "schema_version": 1,
        "kind": "genai-cost pricing diff",
        "old": {"id": old.snapshot_id, "as_of": old.as_of.isoformat()},
        "new": {"id": new.snapshot_id, "as_of": new.as_of.isoformat()},
        "counts": counts,
        "changes": changes,
    }


def model_prices(catalog: Catalog, model_id: str) -> dict[str, Any]:
    """Every price the snapshot holds for one Bedrock model."""
    model = catalog.models[model_id]

    def dated(row: Any) -> dict[str, Any]:
        record = dataclasses.asdict(row)
        for k in ("as_of", "effective_from", "effective_until"):
            record[k] = record[k].isoformat() if record[k] else None
        return record

    return {
        "schema_version": 1,
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "model": dataclasses.asdict(model) | {"as_of": model.as_of.isoformat()},
        "on_demand": [dated(r) for r in catalog.on_demand.get(model_id, [])],
        "provisioned": [dated(r) for r in catalog.provisioned.get(model_id, [])],
        "self_hosted_throughput": [
            dataclasses.asdict(r) | {"as_of": r.as_of.isoformat()}
            for r in catalog.throughput.get(model_id, [])
        ],
        "sources": {
            key: {"title": s.title, "reference": s.reference, "as_of": s.as_of.isoformat()}
            for key, s in catalog.sources.items()
            if key
            in {
                r.source
                for r in [
                    *catalog.on_demand.get(model_id, []),
                    *catalog.provisioned.get(model_id, []),
                ]
            }
        },
    }


def snapshot_summary(catalog: Catalog) -> dict[str, Any]:
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
