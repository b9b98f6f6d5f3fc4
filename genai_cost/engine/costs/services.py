"""Supporting services: S3, data transfer, Lambda and API Gateway, priced by graduated tiers.

Each line is `quantity × tier price`, tier by tier (AWS bills the first N units of a month at
one rate, the next at another), and keeps the tiers it falls in so the bill can show each as
`quantity × usd_per_unit`. Account-level free tiers are applied only when asked
(`--free-tier`): they are shared by everything in an account, so crediting them to one
scenario understates its cost unless nothing else uses them. The free units are the first
units of the month: a tier bills `max(0, min(q, to) − max(from, free))`.
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


FREE_TIERS = {
    ("lambda", "requests"): "free_requests_per_month",
    ("lambda", "duration_x86"): "free_gb_seconds_per_month",
    ("lambda", "duration_arm"): "free_gb_seconds_per_month",
    ("data_transfer", "internet_out"): "free_internet_out_gb_per_month",
}
"""The account-level free allowance (a service_limits item) of each line, by (service, item).
Lambda's allowances cover x86 and Arm together; a scenario has one architecture."""


def line(
    catalog: Catalog,
    service: str,
    item: str,
    quantity: float,
    region: str,
    day: dt.date,
    name: str,
    free: float = 0.0,
) -> PricedLine:
    """One priced line: its tiers, and usd (null with a reason when not all of it is priced).
    The first `free` units of the month cost nothing (an account-level free tier)."""
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
        part = min(quantity, upper) - max(tier.from_quantity, free)
        if part > 0:
            label = tier_label(tier, len(tiers) == 1)
            if free > 0 and not used:
                label = ", ".join(filter(None, (label, f"after {free:,.0f} {tier.unit} free")))
            used.append(
                {
                    "name": label,
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
    priced: PricedLine = {
        "name": name,
        "quantity": quantity,
        "unit": tiers[0].unit,
        "usd": None if reason else round(sum(t["usd"] or 0.0 for t in used), 6),
        "reason": reason,
        "sources": sorted({t.source for t in tiers}),
        "tiers": used,
    }
    if free > 0:
        priced["free_quantity"] = min(free, quantity)
    return priced


def free_allowance(catalog: Catalog, service: str, item: str) -> tuple[float, str | None]:
    """The free units a month of a line, and the source of the figure (0, None: none)."""
    key = FREE_TIERS.get((service, item))
    limit = catalog.service_limits.get((service, key)) if key else None
    return (limit.value, limit.source) if limit is not None else (0.0, None)


def price_supporting(
    services: SupportingServices,
    catalog: Catalog,
    region: str,
    day: dt.date,
    free_tier: bool = False,
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
            free, source = free_allowance(catalog, service, item) if free_tier else (0.0, None)
            one = line(catalog, service, item, quantity, region, day, name, free)
            if source is not None and source not in one["sources"]:
                one["sources"] = sorted({*one["sources"], source})
            lines.append(one)
    priced = all(item["usd"] is not None for item in lines)
    return {
        "region": region,
        "monthly_cost_usd": round(sum(i["usd"] or 0.0 for i in lines), 6) if priced else None,
        "components": lines,
    }
