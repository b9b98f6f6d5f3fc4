"""`genai-cost pricing refresh`: a new dated snapshot from the AWS Price List.

Prices come from the Price List Query API (catalog/priceapi.py) or, for air-gapped use, from
Price List Bulk API offer files on disk (catalog/offers.py); catalog/pricelist.py turns the
products into snapshot rows.

Rows the Price List does not carry (provisioned throughput, which AWS does not publish there
for most models; throughput benchmarks; prices of models or instances the refresh did not
find) are carried over from the previous snapshot with their original source, and marked
"carried over from snapshot <id>". The new snapshot is assembled in a temporary folder beside
the target, validated by loading it, and only then renamed into place: a refresh that fails
part-way leaves every existing snapshot untouched and says what failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_cost.catalog.offers import BULK_SOURCE, offer_items
from genai_cost.catalog.priceapi import API_SOURCE, PriceListApi, default_regions, plan_requests
from genai_cost.catalog.pricelist import BEDROCK_SERVICES, ParseReport, bedrock_rows, instance_rows
from genai_cost.catalog.snapshot import (
    OPTIONAL_TABLES,
    TABLE_FILES,
    Catalog,
)
from genai_cost.catalog.writer import prepare_target, publish, table_text
from genai_cost.documents.pricing import RefreshReport
from genai_cost.errors import ArgumentError, RefreshError


@dataclass
class RefreshResult:
    snapshot_id: str
    path: Path
    refreshed: dict[str, int]
    carried_over: dict[str, int]
    report: ParseReport
    calls: int = 0
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> RefreshReport:
        report = self.report.as_dict()
        return {
            "schema_version": 1,
            "kind": "genai-cost pricing refresh",
            "snapshot_id": self.snapshot_id,
            "path": str(self.path),
            "refreshed_rows": self.refreshed,
            "carried_over_rows": self.carried_over,
            "api_calls": self.calls,
            "used": report["used"],
            "skipped": report["skipped"],
            "problems": report["problems"],
            "carried_over_prices": report["carried_over_prices"],
        }


def _carry(row: Any, previous: Catalog) -> Any:
    note = f"carried over from snapshot {previous.snapshot_id}"
    notes = f"{note}; {row.notes}" if row.notes and note not in row.notes else (row.notes or note)
    return dataclasses.replace(row, notes=notes)


def _merge(
    new_rows: list[Any],
    old_rows: Iterable[Any],
    key: Callable[[Any], tuple[Any, ...]],
    previous: Catalog,
) -> tuple[list[Any], int]:
    """New rows, plus the old rows they do not supersede (marked carried over).

    An old row at a location the new rows price (same key) is superseded, unless it is
    history: it ended before the earliest new row there starts (e.g. a past promotion).
    """
    starts: dict[tuple[Any, ...], dt.date] = {}
    for row in new_rows:
        start = row.effective_from or dt.date.min
        starts[key(row)] = min(start, starts.get(key(row), dt.date.max))
    carried = []
    for row in old_rows:
        start = starts.get(key(row))
        if start is None or (row.effective_until is not None and row.effective_until < start):
            carried.append(_carry(row, previous))
    return new_rows + carried, len(carried)


def refresh_snapshot(
    previous: Catalog,
    target: Path,
    *,
    items: Iterable[dict[str, Any]],
    source_key: str,
    source_reference: str,
    day: dt.date,
    snapshot_id: str | None = None,
    force: bool = False,
    publication_dates: Callable[[], set[str]] | None = None,
    strict: bool = False,
) -> RefreshResult:
    """Build, validate and atomically place a new snapshot at `target`.

    With `strict`, a price the Price List lists but that cannot be read (a bad number, an
    unknown unit, two prices for one cell) stops the refresh before anything is written;
    otherwise the previous price is carried over and the problem listed.
    """
    target = prepare_target(target, force=force, error=RefreshError)
    report = ParseReport()
    collected = list(items)  # fetch everything before writing anything
    bedrock = [i for i in collected if (i.get("serviceCode") or "") in BEDROCK_SERVICES]
    instances = [
        i for i in collected if (i.get("serviceCode") or "") in ("AmazonEC2", "AmazonSageMaker")
    ]
    on_demand = bedrock_rows(bedrock, previous, source_key, day, report)
    prices = instance_rows(instances, previous, source_key, day, report)
    if strict and report.problems:
        raise RefreshError(
            "«strict»: the Price List has prices that cannot be read; nothing was written:\n"
            + "\n".join(report.problems)
        )

    on_demand_all, carried_od = _merge(
        on_demand,
        (r for rows in previous.on_demand.values() for r in rows),
        lambda r: (r.model_id, r.scope, r.geography, r.region, r.tier),
        previous,
    )
    prices_all, carried_ip = _merge(
        prices,
        (r for rows in previous.instance_prices.values() for r in rows),
        lambda r: (r.platform, r.instance_type, r.region, r.purchase),
        previous,
    )
    provisioned = [_carry(r, previous) for rows in previous.provisioned.values() for r in rows]
    throughput = [_carry(r, previous) for rows in previous.throughput.values() for r in rows]

    manifest = _manifest(
        previous,
        snapshot_id or day.isoformat(),
        day,
        source_key,
        source_reference,
        publication_dates() if publication_dates else set(),
    )
    tables = {
        "bedrock_models": table_text("bedrock_models", list(previous.models.values())),
        "bedrock_on_demand": table_text("bedrock_on_demand", on_demand_all),
        "bedrock_provisioned": table_text("bedrock_provisioned", provisioned),
        "instance_types": table_text("instance_types", list(previous.instance_types.values())),
        "instance_prices": table_text("instance_prices", prices_all),
        "self_hosted_throughput": table_text("self_hosted_throughput", throughput),
        "regions": (previous.path / TABLE_FILES["regions"]).read_text(encoding="utf-8"),
    }
    for table in OPTIONAL_TABLES:  # not in the Price List: copied as they are
        path = previous.path / TABLE_FILES[table]
        if path.exists():
            tables[table] = path.read_text(encoding="utf-8")
    publish(target, manifest, tables, error=RefreshError, what="the refreshed snapshot")
    return RefreshResult(
        snapshot_id=manifest["snapshot_id"],
        path=target,
        refreshed={"bedrock_on_demand": len(on_demand), "instance_prices": len(prices)},
        carried_over={
            "bedrock_on_demand": carried_od,
            "instance_prices": carried_ip,
            "bedrock_provisioned": len(provisioned),
            "self_hosted_throughput": len(throughput),
        },
        report=report,
    )


def _manifest(
    previous: Catalog,
    snapshot_id: str,
    day: dt.date,
    source_key: str,
    reference: str,
    publication_dates: set[str],
) -> dict[str, Any]:
    path = previous.path / "manifest.yaml"
    import yaml

    old = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = dict(old.get("sources", {}))
    latest = max(publication_dates) if publication_dates else ""
    sources[source_key] = {
        "title": (
            "AWS Price List Query API (pricing.get_products, us-east-1 endpoint)"
            if source_key == API_SOURCE
            else "AWS Price List Bulk API offer files"
        ),
        "reference": reference + (f"; latest publicationDate {latest}" if latest else ""),
        "as_of": day.isoformat(),
    }
    return {
        "snapshot_id": snapshot_id,
        "as_of": day.isoformat(),
        "currency": "USD",
        "description": (
            f"Refreshed on {day.isoformat()} from the AWS Price List "
            f"({source_key}); rows it lacks carried over from snapshot "
            f"{previous.snapshot_id}."
        ),
        "refreshed_from": previous.snapshot_id,
        "tables": old.get("tables", {}),
        "sources": sources,
    }


def refresh(
    previous: Catalog,
    *,
    day: dt.date,
    regions: list[str] | None = None,
    target: Path | None = None,
    snapshot_id: str | None = None,
    offer_files: list[Path] | None = None,
    force: bool = False,
    strict: bool = False,
    api: PriceListApi | None = None,
) -> RefreshResult:
    """A new snapshot from the Price List Query API (`api`, default a boto3 client) or from
    offer files, for `regions` (default: every region `previous` prices by name), written to
    `target` (default `pricing_snapshots/<id>`), rows it lacks carried over from `previous`."""
    from genai_cost.console import progress_bar
    from genai_cost.modelfile import suggest

    regions = regions or default_regions(previous)
    for name in regions:
        if name not in previous.regions:
            hint = suggest(name, previous.regions)
            raise ArgumentError(
                f"«region» {name}: not in the snapshot's regions table"
                + (f" ({hint})" if hint else "")
            )
    identifier = snapshot_id or day.isoformat()
    target = target or Path("pricing_snapshots") / identifier
    if offer_files:
        wanted = set(regions)
        return refresh_snapshot(
            previous,
            target,
            items=[item for path in offer_files for item in offer_items(path, wanted)],
            source_key=BULK_SOURCE,
            source_reference="offer files " + ", ".join(p.name for p in offer_files),
            day=day,
            snapshot_id=identifier,
            force=force,
            strict=strict,
        )
    client = api or PriceListApi()
    plan = plan_requests(previous, regions)

    def fetch() -> Iterator[dict[str, Any]]:
        with progress_bar(len(plan), "Price List") as step:
            for service, filters in plan:
                yield from client.products(service, filters)
                step(f"{service} {filters.get('regionCode', '')}")

    result = refresh_snapshot(
        previous,
        target,
        items=fetch(),
        source_key=API_SOURCE,
        source_reference="service codes "
        + ", ".join(sorted({s for s, _ in plan}))
        + "; regions "
        + ", ".join(regions),
        day=day,
        snapshot_id=identifier,
        force=force,
        strict=strict,
        publication_dates=lambda: client.publication_dates,
    )
    result.calls = client.calls
    return result
