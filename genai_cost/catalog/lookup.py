"""Price lookups. Each returns a row or a `Missing` with a reason a user can act on.

Nothing here returns 0 for an unknown price: an empty cell in a snapshot is "no public price".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TypeVar

from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import (
    InstancePrice,
    OnDemandPrice,
    ProvisionedPrice,
    ServicePrice,
    ThroughputBenchmark,
    UnitPrice,
)

BOOK_PREFIX = "pricebook:"
"""Source keys of price-book rows (see catalog/pricebook.py); such rows win over the snapshot."""


@dataclass(frozen=True)
class Missing:
    """Why a price could not be found."""

    reason: str


@dataclass(frozen=True)
class OnDemandMatch:
    """The on-demand price row that prices a request, and how it was reached."""

    row: OnDemandPrice
    via_source_region: bool = False
    """True when a geo-profile request is priced at its source region's in-region rate."""


def _specificity(row_geography: str, row_region: str, geography: str, region: str) -> int | None:
    """How well a row's location matches: 2 exact region, 1 geography, 0 anywhere, None no."""
    if row_region == region:
        return 2
    if row_region == "*" and row_geography == geography:
        return 1
    if row_region == "*" and row_geography == "*":
        return 0
    return None


R = TypeVar("R", OnDemandPrice, ProvisionedPrice, UnitPrice)
Priced = TypeVar("Priced", OnDemandPrice, UnitPrice)


def _best(rows: list[R], geography: str, region: str, day: dt.date) -> R | None:
    """The matching row in effect on `day`: a price book's row first, then the most specific."""
    best: R | None = None
    best_score = (False, -1)
    for row in rows:
        if not row.effective_on(day):
            continue
        specificity = _specificity(row.geography, row.region, geography, region)
        if specificity is None:
            continue
        score = (row.source.startswith(BOOK_PREFIX), specificity)
        if score > best_score:
            best, best_score = row, score
    return best


def _at_scope(
    catalog: Catalog,
    rows: list[Priced],
    scope: str,
    region: str,
    geo_profile: str | None,
    day: dt.date,
) -> tuple[Priced | None, bool]:
    """The row of a Bedrock price (tokens or units) for an endpoint scope called from
    `region`, and whether it is the source region's in-region row standing in for a geo
    profile without its own: AWS bills cross-region inference "basis the region you made the
    request in". Global rows are one price, or one per source region (as the Price List
    lists them); geo rows are keyed by profile prefix (`geography`), a `*` row covering
    every prefix."""
    region_info = catalog.regions.get(region)
    geography = region_info.geography if region_info else ""
    scoped = [r for r in rows if r.scope == scope]
    if scope != "geo":
        return _best(scoped, geography, region, day), False
    profile_rows = [r for r in scoped if r.geography in (geo_profile, "*")]
    found = _best(profile_rows, geo_profile or "", "", day)
    if found is not None:
        return found, False
    in_region = _best([r for r in rows if r.scope == "in_region"], geography, region, day)
    return in_region, in_region is not None


def _describe(rows: list[OnDemandPrice] | list[UnitPrice]) -> str:
    places = sorted({f"{r.scope} {r.region if r.region != '*' else r.geography}" for r in rows})
    return ", ".join(p.replace(" *", " (any region)") for p in places)


def on_demand_price(
    catalog: Catalog,
    model_id: str,
    scope: str,
    region: str,
    geo_profile: str | None,
    day: dt.date,
    tier: str = "standard",
) -> OnDemandMatch | Missing:
    """The on-demand/batch price row for a model at an endpoint scope and service tier,
    called from `region`.

    `geo_profile` is the cross-region profile prefix (`us`, `eu`, `apac`, `jp`, `au`) when
    `scope == "geo"`. A geo request without its own row is priced at the source region's
    in-region rate: AWS bills cross-region inference "basis the region you made the request in".
    """
    key = ("od", model_id, scope, region, geo_profile, day, tier)
    cached = catalog._cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result = _on_demand_price(catalog, model_id, scope, region, geo_profile, day, tier)
    catalog._cache[key] = result
    return result


def _on_demand_price(
    catalog: Catalog,
    model_id: str,
    scope: str,
    region: str,
    geo_profile: str | None,
    day: dt.date,
    tier: str,
) -> OnDemandMatch | Missing:
    every = catalog.on_demand.get(model_id, [])
    if not every:
        return Missing(f"no on-demand price for {model_id} in the snapshot")
    rows = [r for r in every if r.tier == tier]
    if not rows:
        tiers = sorted({r.tier for r in every})
        return Missing(
            f"no {tier} tier price for {model_id} in the snapshot (it is priced for: "
            f"{', '.join(tiers)})"
        )
    found, via_source_region = _at_scope(catalog, rows, scope, region, geo_profile, day)
    if found is not None:
        return OnDemandMatch(found, via_source_region=via_source_region)
    place = f"{geo_profile}. profile from {region}" if scope == "geo" else region
    current = [r for r in rows if r.effective_on(day)]
    if not current:
        starts = [r.effective_from for r in rows if r.effective_from is not None]
        first = min(starts) if starts and len(starts) == len(rows) else None
        hint = (
            f"; its first price is in effect from {first.isoformat()} (price on or after it)"
            if first is not None and day < first
            else ""
        )
        return Missing(f"no on-demand price for {model_id} in effect on {day.isoformat()}" + hint)
    hint = _where_else(catalog, model_id, current, scope, region)
    return Missing(
        f"no {scope} on-demand price for {model_id} ({place}); the snapshot prices it for: "
        f"{_describe(current)}" + (f"; {hint}" if hint else "")
    )


def _where_else(
    catalog: Catalog, model_id: str, rows: list[OnDemandPrice], scope: str, region: str
) -> str:
    """What would work from `region`: a cross-region profile usable there, or the regions
    that price it in-region."""
    region_info = catalog.regions.get(region)
    options = []
    if region_info is not None:
        for profile in region_info.geo_profiles:
            if scope != "geo" and any(
                r.scope == "geo" and r.geography in (profile, "*") for r in rows
            ):
                options.append(f"the {profile}. profile (model {profile}.{model_id})")
    if scope != "global" and any(r.scope == "global" for r in rows):
        options.append(f"the global. profile (model global.{model_id})")
    if options:
        return "from " + region + " it can be called through " + " or ".join(options)
    in_regions = sorted({r.region for r in rows if r.scope == "in_region" and r.region != "*"})
    if in_regions and scope == "in_region":
        return "it is priced in-region in " + ", ".join(in_regions)
    return ""


def unit_price(
    catalog: Catalog,
    model_id: str,
    scope: str,
    region: str,
    geo_profile: str | None,
    day: dt.date,
    variant: str | None,
) -> UnitPrice | Missing:
    """The per-unit price (an image, a rerank query) of a model at an endpoint scope, called
    from `region`, for the named `variant` (size and steps), or — when none is named — the
    model's one price: its row without a variant, else its only variant. A model priced by
    several variants needs one named. A geo request without its own row is priced at the
    source region's in-region rate, as for tokens."""
    every = catalog.unit_prices.get(model_id, [])
    if not every:
        return Missing(f"no per-unit price (per image or query) for {model_id} in the snapshot")
    unit = every[0].unit
    variants = sorted({r.variant for r in every})
    named = [v for v in variants if v]
    if variant is None:
        if "" in variants or len(variants) == 1:
            want = "" if "" in variants else variants[0]
        else:
            listing = ", ".join(
                f"{v} (${min(r.usd_per_unit for r in every if r.variant == v):g})" for v in named
            )
            return Missing(
                f"{model_id} is priced per {unit} by size and steps — {listing}; name one "
                "with images.variant"
            )
    elif variant not in variants:
        return Missing(
            f"no per-{unit} price for {model_id} at variant {variant!r}; the snapshot prices "
            f"it at: {', '.join(named) or 'one price (no variant): omit images.variant'}"
        )
    else:
        want = variant
    rows = [r for r in every if r.variant == want]
    found, _ = _at_scope(catalog, rows, scope, region, geo_profile, day)
    if found is not None:
        return found
    place = f"{geo_profile}. profile from {region}" if scope == "geo" else region
    current = [r for r in rows if r.effective_on(day)]
    shown = f" ({want})" if want else ""
    if not current:
        return Missing(f"no per-{unit} price for {model_id}{shown} in effect on {day.isoformat()}")
    return Missing(
        f"no {scope} per-{unit} price for {model_id}{shown} ({place}); the snapshot prices it "
        f"for: {_describe(current)} (give yours in a price book's bedrock_unit_prices row)"
    )


def provisioned_price(
    catalog: Catalog, model_id: str, region: str, term: str, day: dt.date
) -> ProvisionedPrice | Missing:
    rows = [r for r in catalog.provisioned.get(model_id, []) if r.term == term]
    region_info = catalog.regions.get(region)
    geography = region_info.geography if region_info else ""
    found = _best(rows, geography, region, day)
    if found is not None:
        return found
    return Missing(
        f"no public provisioned-throughput price for {model_id} in {region}, term {term}"
    )


def instance_price(
    catalog: Catalog,
    platform: str,
    instance_type: str,
    region: str,
    purchase: str,
    day: dt.date,
) -> InstancePrice | Missing:
    name = instance_type if platform == "ec2" else f"ml.{instance_type}"
    for row in catalog.instance_prices.get((platform, name, region, purchase), []):
        if row.effective_on(day):
            return row
    elsewhere = sorted(
        {r for (p, n, r, b) in catalog.instance_prices if (p, n, b) == (platform, name, purchase)}
    )
    where = f"priced in {', '.join(elsewhere)} only; " if elsewhere else ""
    service = "AmazonEC2" if platform == "ec2" else "AmazonSageMaker"
    refreshed = purchase == "on_demand" or (platform == "ec2" and purchase.startswith("reserved"))
    source = (
        f"the AWS Price List has it: genai-cost pricing refresh --region {region}, or "
        f"--from-offer-file with the {service} offer file, or a price book's instance_prices row"
        if refreshed
        else f"{purchase} rates are not in the Price List offers pricing refresh reads: give "
        "it in a price book's instance_prices row"
    )
    return Missing(
        f"no public {purchase} price for {platform} {name} in {region} ({where}{source})"
    )


def throughput_benchmark(
    catalog: Catalog,
    model_id: str,
    instance_type: str,
    input_tokens: float,
    output_tokens: float,
) -> ThroughputBenchmark | None:
    """The benchmark row for (model, instance) whose workload shape is nearest the request's.

    Nearness is the sum of absolute log-ratios of input and output tokens per request, so a
    2,000/100-token classifier picks a prefill-heavy measurement, not a chat-shaped one.
    """

    rows = benchmarks_on(catalog, model_id, instance_type)
    if not rows:
        return None

    def distance(row: ThroughputBenchmark) -> float:
        in_ratio = max(input_tokens, 1.0) / row.input_tokens
        out_ratio = max(output_tokens, 1.0) / row.output_tokens
        return abs(math.log(in_ratio)) + abs(math.log(out_ratio))

    return min(rows, key=distance)


def benchmarks_on(catalog: Catalog, model_id: str, instance_type: str) -> list[ThroughputBenchmark]:
    """The model's throughput benchmarks on one instance type, in the catalog's order (the
    order `throughput_benchmark` breaks ties by)."""
    return [r for r in catalog.throughput.get(model_id, []) if r.instance_type == instance_type]


def benchmarked_instance_types(catalog: Catalog, model_id: str) -> list[str]:
    return sorted({r.instance_type for r in catalog.throughput.get(model_id, [])})


def service_tiers(
    catalog: Catalog, service: str, item: str, region: str, day: dt.date
) -> list[ServicePrice] | Missing:
    """The graduated tiers of a supporting service's price at `region` (most specific rows)."""
    rows = [r for r in catalog.service_prices.get((service, item), []) if r.effective_on(day)]
    region_info = catalog.regions.get(region)
    geography = region_info.geography if region_info else ""
    for chosen in (
        [r for r in rows if r.region == region],
        [r for r in rows if r.region == "*" and r.geography == geography],
        [r for r in rows if r.region == "*" and r.geography == "*"],
    ):
        if chosen:
            return sorted(chosen, key=lambda r: r.from_quantity)
    elsewhere = sorted({r.region for r in rows if r.region != "*"})
    where = f"priced in {', '.join(elsewhere)} only; " if elsewhere else ""
    return Missing(
        f"no public price for {service} {item.replace('_', ' ')} in {region} ({where}give it "
        f"in a price book's service_prices row: service {service}, item {item})"
    )
