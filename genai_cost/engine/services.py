"""Supporting services: S3, data transfer, Lambda and API Gateway, priced by graduated tiers.

Each line is `quantity × tier price`, tier by tier (AWS bills the first N units of a month at
one rate, the next at another), and keeps the tiers it falls in so the bill can show each as
`quantity × usd_per_unit`. Account-level free tiers are not applied: they are shared by
everything in an account, so crediting them to one scenario would understate its cost.
"""

from __future__ import annotations

import datetime as dt
import math

from genai_cost.catalog.lookup import Missing, service_tiers
from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import ServicePrice
from genai_cost.documents.estimate import ComponentRecord, PricedLine, ServicesRecord
from genai_cost.scenario.models import SupportingServices
from genai_cost.units import REQUESTS_PER_MILLION


def tier_label(tier: ServicePrice, single: bool) -> str:
    """'first 51,200 GB-month', '10,240–51,200 GB', 'over 153,600 GB' ('' for a flat price)."""
    if single and tier.from_quantity == 0 and tier.to_quantity is None:
        return ""
    if tier.to_quantity is None:
        return f"over {tier.from_quantity:,.0f} {tier.unit}"
    if tier.from_quantity == 0:
        return f"first {tier.to_quantity:,.0f} {tier.unit}"
    return f"{tier.from_quantity:,.0f}–{tier.to_quantity:,.0f} {tier.unit}"


def line(
    catalog: Catalog, service: str, item: str, quantity: float, region: str, day: dt.date, name: str
) -> PricedLine:
    """One priced line: its tiers, and usd (null with a reason when not all of it is priced)."""
    tiers = service_tiers(catalog, service, item, region, day)
    if isinstance(tiers, Missing):
        return {
            "name": name,
            "quantity": quantity,
            "unit": "",
            "usd": None,
            "reason": tiers.reason,
            "sources": [],
            "tiers": [],
        }
    used: list[ComponentRecord] = []
    for tier in tiers:
        upper = tier.to_quantity if tier.to_quantity is not None else math.inf
        part = min(quantity, upper) - tier.from_quantity
        if part > 0:
            used.append(
                {
                    "name": tier_label(tier, len(tiers) == 1),
                    "quantity": part,
                    "unit": tier.unit,
                    "usd_per_unit": tier.usd_per_unit,
                    "usd": round(part * tier.usd_per_unit, 6),
                }
            )
    covered = max(t.to_quantity if t.to_quantity is not None else math.inf for t in tiers)
    reason = None
    if quantity > covered:
        reason = (
            f"no public price for {service} {item.replace('_', ' ')} in {region} beyond "
            f"{covered:,.0f} {tiers[0].unit} a month"
        )
    return {
        "name": name,
        "quantity": quantity,
        "unit": tiers[0].unit,
        "usd": None if reason else round(sum(t["usd"] or 0.0 for t in used), 6),
        "reason": reason,
        "sources": sorted({t.source for t in tiers}),
        "tiers": used,
    }


def price_supporting(
    services: SupportingServices, catalog: Catalog, region: str, day: dt.date
) -> ServicesRecord:
    lines = []
    wanted = [
        ("s3", "standard_storage", services.s3_storage_gb, "s3_storage"),
        ("data_transfer", "internet_out", services.data_transfer_out_gb, "data_transfer_out"),
        (
            "data_transfer",
            "inter_region",
            services.inter_region_transfer_gb,
            "inter_region_transfer",
        ),
    ]
    if services.lambda_ is not None:
        wanted += [
            (
                "lambda",
                "requests",
                services.lambda_.requests_per_month / REQUESTS_PER_MILLION,
                "lambda_requests",
            ),
            (
                "lambda",
                f"duration_{services.lambda_.architecture}",
                services.lambda_.gb_seconds_per_month,
                "lambda_duration",
            ),
        ]
    if services.api_gateway is not None:
        wanted.append(
            (
                "api_gateway",
                f"{services.api_gateway.kind}_requests",
                services.api_gateway.requests_per_month / REQUESTS_PER_MILLION,
                "api_gateway_requests",
            )
        )
    for service, item, quantity, name in wanted:
        if quantity > 0:
            lines.append(line(catalog, service, item, quantity, region, day, name))
    priced = all(item["usd"] is not None for item in lines)
    return {
        "region": region,
        "monthly_cost_usd": round(sum(i["usd"] or 0.0 for i in lines), 6) if priced else None,
        "components": lines,
    }
