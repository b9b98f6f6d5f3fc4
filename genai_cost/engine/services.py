"""Supporting services: S3, data transfer, Lambda and API Gateway, priced by graduated tiers.

Each line is `quantity × tier price`, tier by tier (AWS bills the first N units of a month at
one rate, the next at another). Account-level free tiers are not applied: they are shared by
everything in an account, so crediting them to one scenario would understate its cost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from genai_cost.catalog.lookup import Missing, service_tiers, tiered_cost
from genai_cost.catalog.snapshot import Catalog
from genai_cost.scenario.models import SupportingServices
from genai_cost.units import REQUESTS_PER_MILLION


def line(
    catalog: Catalog, service: str, item: str, quantity: float, region: str, day: dt.date, name: str
) -> dict[str, Any]:
    """One priced line: name, quantity, unit, usd (null with a reason when not priceable)."""
    tiers = service_tiers(catalog, service, item, region, day)
    if isinstance(tiers, Missing):
        return {
            "name": name,
            "quantity": quantity,
            "unit": "",
            "usd": None,
            "reason": tiers.reason,
            "sources": [],
        }
    usd, reason = tiered_cost(tiers, quantity)
    return {
        "name": name,
        "quantity": quantity,
        "unit": tiers[0].unit,
        "usd": None if reason else round(usd, 6),
        "reason": reason or None,
        "sources": sorted({t.source for t in tiers}),
    }


def price_supporting(
    services: SupportingServices, catalog: Catalog, region: str, day: dt.date
) -> dict[str, Any]:
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
        "monthly_cost_usd": round(sum(i["usd"] for i in lines), 6) if priced else None,
        "components": lines,
    }
