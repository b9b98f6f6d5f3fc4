"""The pricing snapshots: what they hold, how they differ, how they are kept current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genai_cost.documents.pricing import (
        InstancePrices,
        ModelList,
        ModelPrices,
        PricingCoverage,
        PricingDiff,
        PricingImport,
        RefreshReport,
        SnapshotList,
    )


def _snapshot(snapshot: str | Path | None) -> str | None:
    return str(snapshot) if snapshot is not None else None


def pricing_list() -> SnapshotList:
    """The bundled pricing snapshots (and the one $GENAI_COST_SNAPSHOT selects)."""
    from genai_cost.catalog.compare import snapshot_list

    return snapshot_list()


def pricing_show(
    subject: str, *, snapshot: str | Path | None = None
) -> ModelPrices | InstancePrices:
    """Every price of a Bedrock model id (a us./eu./global. prefix is ignored) or of an
    instance type (an ml. prefix is ignored), with sources."""
    from genai_cost.catalog.compare import model_prices_of
    from genai_cost.catalog.snapshot import load_catalog

    return model_prices_of(load_catalog(_snapshot(snapshot)), subject)


def pricing_diff(old: str | Path, new: str | Path) -> PricingDiff:
    """The price rows added, removed and changed between two snapshots (ids or folders)."""
    from genai_cost.catalog.compare import diff_snapshots
    from genai_cost.catalog.snapshot import load_catalog

    return diff_snapshots(load_catalog(str(old)), load_catalog(str(new)))


def pricing_coverage(
    *,
    regions: Sequence[str] | None = None,
    day: dt.date | None = None,
    snapshot: str | Path | None = None,
    instances_only: bool = False,
    services_only: bool = False,
) -> PricingCoverage:
    """What the snapshot prices where, on `day` (default today): every Bedrock model, every
    instance type and every supporting service by region (`instances_only` /
    `services_only`: those alone)."""
    from genai_cost.catalog.compare import coverage
    from genai_cost.catalog.selection import today
    from genai_cost.catalog.snapshot import load_catalog

    document = coverage(
        load_catalog(_snapshot(snapshot)), day or today(), list(regions) if regions else None
    )
    if instances_only or services_only:
        document["models"] = []
    if services_only:
        document["instances"] = []
    if instances_only:
        document["services"] = []
    return document


def pricing_import(
    package: str,
    *,
    write: bool = False,
    into: str | Path | None = None,
    snapshot_id: str | None = None,
    as_of: dt.date | None = None,
    snapshot: str | Path | None = None,
    force: bool = False,
) -> PricingImport:
    """Token prices from an installed price package (genai-prices or litellm) as a candidate
    snapshot over `snapshot`: every difference reported; written to `into` (default
    pricing_snapshots/<id>) only with `write`."""
    from genai_cost.catalog.importers import import_prices
    from genai_cost.catalog.selection import today
    from genai_cost.catalog.snapshot import load_catalog

    identifier = snapshot_id or today().isoformat()
    return import_prices(
        load_catalog(_snapshot(snapshot)),
        package,
        as_of=as_of or today(),
        snapshot_id=identifier,
        target=Path(into) if into is not None else Path("pricing_snapshots") / identifier,
        write=write,
        force=force,
    )


def pricing_refresh(
    *,
    into: str | Path | None = None,
    snapshot_id: str | None = None,
    regions: Sequence[str] | None = None,
    offer_files: Sequence[str | Path] | None = None,
    snapshot: str | Path | None = None,
    force: bool = False,
    strict: bool = False,
) -> RefreshReport:
    """A new dated snapshot from the AWS Price List (Query API with the standard credential
    chain, or `offer_files`), rows it lacks carried over from `snapshot`; written atomically
    to `into`."""
    from genai_cost.catalog import refresh as refresher
    from genai_cost.catalog.selection import today
    from genai_cost.catalog.snapshot import load_catalog

    result = refresher.refresh(
        load_catalog(_snapshot(snapshot)),
        day=today(),
        regions=list(regions) if regions else None,
        target=Path(into) if into is not None else None,
        snapshot_id=snapshot_id,
        offer_files=[Path(f) for f in offer_files] if offer_files else None,
        force=force,
        strict=strict,
    )
    report: RefreshReport = result.as_dict()
    return report


def models(
    *,
    snapshot: str | Path | None = None,
    provider: str | None = None,
    region: str | None = None,
    search: str | None = None,
) -> ModelList:
    """The Bedrock model ids the snapshot knows, with where they are priced on demand and
    their provisioned terms; filtered by `provider` (case-insensitive), by `region` (priced
    for a request made there: in-region, a cross-region profile it can call, or global) and
    by `search` (words found in the id or name)."""
    from genai_cost.catalog.compare import model_list
    from genai_cost.catalog.snapshot import load_catalog

    catalog = load_catalog(_snapshot(snapshot))
    document = model_list(catalog)
    rows = document["models"]
    if provider is not None:
        rows = [r for r in rows if r["provider"].lower() == provider.lower()]
    if region is not None:
        from genai_cost.catalog.selection import today

        if region not in catalog.regions:
            from genai_cost.errors import ArgumentError
            from genai_cost.modelfile import suggest

            hint = suggest(region, catalog.regions)
            raise ArgumentError(
                f"«region» {region!r}: not a region of the snapshot"
                + (f" ({hint})" if hint else "")
            )
        from genai_cost.catalog.compare import coverage

        priced = {
            row["subject"]
            for row in coverage(catalog, today(), [region])["models"]
            if row["priced"]
        }
        rows = [r for r in rows if r["model_id"] in priced]
    if search is not None:
        words = search.lower().split()
        rows = [r for r in rows if all(w in f"{r['model_id']} {r['name']}".lower() for w in words)]
    document["models"] = rows
    return document
