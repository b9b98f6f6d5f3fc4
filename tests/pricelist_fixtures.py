"""AWS Price List products written by this project for tests, in the Query API's format.

Shapes follow the public examples (botocore's pricing `examples-1.json`, the aws-cli
`get-products` example, and real Bedrock price dimensions quoted by pydantic/genai-prices):
`product.attributes` values are strings, `pricePerUnit.USD` a 10-decimal string, terms keyed
`<sku>.<offerTermCode>`. No verbatim complete Bedrock item is public, so Bedrock items are
composed from the documented attribute names (AWS-FORMATS.md §1.4); SKUs are synthetic.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from genai_cost.catalog.snapshot import Catalog

ON_DEMAND_TERM, RESERVED_1Y, RESERVED_3Y, PARTIAL_1Y = (
    "JRTCKXETXF",
    "4NA7Y494T4",
    "BPH4J8HBKS",
    "HU7G6KETJZ",
)
RATE = "6YS6EN2CT7"
PREFIX = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-2": "USW2",
    "eu-west-1": "EU",
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "ap-northeast-1": "APN1",
    "ap-south-1": "APS3",
    "ap-southeast-1": "APS1",
    "ca-central-1": "CAN1",
    "sa-east-1": "SAE1",
    "ap-southeast-2": "APS2",
    "ap-southeast-3": "APS4",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
    "eu-north-1": "EUN1",
    "eu-south-1": "EUS1",
    "us-west-1": "USW1",
}
LOCATION = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-central-1": "EU (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}
MARKETPLACE_PROVIDERS = {"Anthropic", "Cohere"}
LEGACY_FIRST_PARTY = {
    "anthropic.claude-instant-v1",
    "anthropic.claude-v2:1",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-sonnet-20240229-v1:0",
}


def sku(*parts: object) -> str:
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest().upper()
    return "".join(c for c in digest if c.isalnum())[:16]


def _usd(value: Decimal | float | str) -> str:
    return f"{Decimal(str(value)):.10f}"


def _term(
    code: str,
    key: str,
    dims: list[tuple[str, str, str]],
    effective: str,
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        f"{key}.{code}": {
            "priceDimensions": {
                f"{key}.{code}.{RATE}{i or ''}": {
                    "unit": unit,
                    "endRange": "Inf",
                    "description": description,
                    "appliesTo": [],
                    "rateCode": f"{key}.{code}.{RATE}{i or ''}",
                    "beginRange": "0",
                    "pricePerUnit": {"USD": price},
                }
                for i, (unit, price, description) in enumerate(dims)
            },
            "sku": key,
            "effectiveDate": f"{effective}T00:00:00Z",
            "offerTermCode": code,
            "termAttributes": attributes or {},
        }
    }


def product(
    service: str,
    family: str,
    attributes: dict[str, str],
    dims: list[tuple[str, str, str]],
    *,
    effective: str = "2025-01-01",
    reserved: dict[str, Any] | None = None,
) -> dict[str, Any]:
    key = sku(service, sorted(attributes.items()))
    terms: dict[str, Any] = {"OnDemand": _term(ON_DEMAND_TERM, key, dims, effective)}
    if reserved:
        terms["Reserved"] = {}
        for code, (attrs, rdims) in reserved.items():
            terms["Reserved"] |= _term(code, key, rdims, effective, attrs)
    return {
        "product": {
            "productFamily": family,
            "attributes": {**attributes, "servicecode": service},
            "sku": key,
        },
        "serviceCode": service,
        "terms": terms,
        "version": "20261120000000",
        "publicationDate": "2026-11-20T00:00:00Z",
    }


def first_party(
    model: str,
    region: str,
    inference_type: str,
    usagetype_suffix: str,
    usd_per_1k: Decimal,
    *,
    effective: str = "2025-01-01",
    unit: str = "1K tokens",
) -> dict[str, Any]:
    attributes = {
        "servicename": "Amazon Bedrock",
        "regionCode": region,
        "location": LOCATION.get(region, region),
        "locationType": "AWS Region",
        "usagetype": (
            f"{PREFIX.get(region, region.upper())}-{model.replace(' ', '')}-{usagetype_suffix}"
        ),
        "operation": "",
        "model": model,
        "provider": "Amazon",
        "inferenceType": inference_type,
        "feature": "Batch Inference" if "batch" in usagetype_suffix else "On-demand Inference",
    }
    return product(
        "AmazonBedrock",
        "Amazon Bedrock",
        attributes,
        [(unit, _usd(usd_per_1k), f"{inference_type} for {model}")],
        effective=effective,
    )


def marketplace(
    name: str,
    region: str,
    kind: str,
    tier: str,
    usd_per_1m: Decimal,
    *,
    effective: str = "2025-01-01",
) -> dict[str, Any]:
    pfx = PREFIX.get(region, region.upper())
    attributes = {
        "servicename": f"{name} (Amazon Bedrock Edition)",
        "regionCode": region,
        "location": LOCATION.get(region, region),
        "locationType": "AWS Region",
        "usagetype": f"{pfx}-MP:{pfx}_{kind}{tier}-Units",
        "operation": "Usage",
    }
    return product(
        "AmazonBedrockFoundationModels",
        "Bedrock Model",
        attributes,
        [("Units", _usd(usd_per_1m), f"{kind}{tier} per 1M tokens")],
        effective=effective,
    )


def ec2(
    instance_type: str,
    region: str,
    on_demand: float,
    reserved_1y: float | None = None,
    reserved_3y: float | None = None,
    **overrides: str,
) -> dict[str, Any]:
    box = (
        f"BoxUsage:{instance_type}"
        if region == "us-east-1"
        else (f"{PREFIX.get(region, region.upper())}-BoxUsage:{instance_type}")
    )
    attributes = {
        "instanceType": instance_type,
        "regionCode": region,
        "location": LOCATION.get(region, region),
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "capacitystatus": "Used",
        "usagetype": box,
        "operation": "RunInstances",
        "vcpu": "4",
    } | overrides
    reserved = {}
    for code, length, price in (
        (RESERVED_1Y, "1yr", reserved_1y),
        (RESERVED_3Y, "3yr", reserved_3y),
    ):
        if price is not None:
            reserved[code] = (
                {
                    "LeaseContractLength": length,
                    "OfferingClass": "standard",
                    "PurchaseOption": "No Upfront",
                },
                [("Hrs", _usd(price), "reserved hourly"), ("Quantity", _usd(0), "upfront fee")],
            )
    if reserved_1y is not None:  # a partial-upfront offering the parser must ignore
        reserved[PARTIAL_1Y] = (
            {
                "LeaseContractLength": "1yr",
                "OfferingClass": "standard",
                "PurchaseOption": "Partial Upfront",
            },
            [
                ("Hrs", _usd(reserved_1y / 2), "partial upfront hourly"),
                ("Quantity", _usd(2000), "upfront fee"),
            ],
        )
    return product(
        "AmazonEC2",
        "Compute Instance",
        attributes,
        [("Hrs", _usd(on_demand), f"${on_demand} per On Demand Linux hour")],
        reserved=reserved or None,
    )


def sagemaker(instance: str, region: str, usd: float) -> dict[str, Any]:
    attributes = {
        "instanceName": instance,
        "regionCode": region,
        "location": LOCATION.get(region, region),
        "component": "Hosting",
        "usagetype": f"{PREFIX.get(region, region.upper())}-Host:{instance}",
        "operation": "RunInstance",
    }
    return product(
        "AmazonSageMaker",
        "ML Instance",
        attributes,
        [("Hrs", _usd(usd), f"${usd} per hosting hour")],
    )


# --- items that reproduce a snapshot ----------------------------------------------------

REPRESENTATIVE = {
    "us": ["us-east-1", "us-west-2"],
    "eu": ["eu-west-1"],
    "apac": ["ap-northeast-1"],
    "*": ["us-east-1"],
}
FIRST_PARTY_TYPES = {
    "usd_per_1m_input_tokens": ("Input tokens", "input-tokens"),
    "usd_per_1m_output_tokens": ("Output tokens", "output-tokens"),
    "usd_per_1m_cache_read_input_tokens": (
        "Prompt cache read input tokens",
        "cache-read-input-token-count",
    ),
    "usd_per_1m_cache_write_input_tokens": (
        "Prompt cache write input tokens",
        "cache-write-input-token-count",
    ),
    "usd_per_1m_batch_input_tokens": ("Batch input tokens", "input-tokens-batch"),
    "usd_per_1m_batch_output_tokens": ("Batch output tokens", "output-tokens-batch"),
}
MARKETPLACE_KINDS = {
    "usd_per_1m_input_tokens": ("InputTokenCount", ""),
    "usd_per_1m_output_tokens": ("OutputTokenCount", ""),
    "usd_per_1m_cache_read_input_tokens": ("CacheReadInputTokenCount", ""),
    "usd_per_1m_cache_write_input_tokens": ("CacheWriteInputTokenCount", ""),
    "usd_per_1m_batch_input_tokens": ("InputTokenCount", "_Batch"),
    "usd_per_1m_batch_output_tokens": ("OutputTokenCount", "_Batch"),
}


def regions_of(row: Any) -> list[str]:
    return [row.region] if row.region != "*" else REPRESENTATIVE[row.geography]


def items_reproducing(catalog: Catalog) -> tuple[list[dict[str, Any]], list[tuple[Any, str]]]:
    """Price List items for every on-demand row the Price List can express (current
    in-region and global prices, at representative regions), and the (row, region) pairs
    they stand for. Geographic-profile rows and ended promotions have no Price List form."""
    items, covered = [], []
    for model_id, rows in catalog.on_demand.items():
        explicit = {(r.scope, r.tier, r.region) for r in rows if r.region != "*"}
        by_geography = {
            (r.scope, r.tier, r.geography) for r in rows if r.region == "*" and r.geography != "*"
        }
        model = catalog.models[model_id]
        if "not checked against the Price List" in model.price_list_name_source:
            continue  # imported from a price package: its Price List name is not known
        marketplace_model = (
            model.provider in MARKETPLACE_PROVIDERS and model_id not in LEGACY_FIRST_PARTY
        )
        for row in rows:
            if row.scope == "geo" or row.effective_until is not None or row.tier != "standard":
                continue  # service tiers have Price List forms the refresh does not read yet
            effective = (row.effective_from or row.as_of).isoformat()
            for region in regions_of(row):
                if row.region == "*" and (row.scope, row.tier, region) in explicit:
                    continue  # the region's own row stands for it there
                geography = catalog.regions[region].geography
                if row.geography == "*" and (row.scope, row.tier, geography) in by_geography:
                    continue  # so does its geography's row
                for column, (inference_type, suffix) in FIRST_PARTY_TYPES.items():
                    value = getattr(row, column)
                    if value is None:
                        continue
                    if marketplace_model:
                        kind, tier = MARKETPLACE_KINDS[column]
                        tier = ("_Global" if row.scope == "global" else "") + tier
                        items.append(
                            marketplace(
                                model.price_list_name,
                                region,
                                kind,
                                tier,
                                Decimal(str(value)),
                                effective=effective,
                            )
                        )
                    else:
                        if row.scope == "global":
                            inference_type = f"Cross-region global {inference_type.lower()}"
                            suffix = suffix.replace("tokens", "tokens-cross-region-global")
                        items.append(
                            first_party(
                                model.price_list_name,
                                region,
                                inference_type,
                                suffix,
                                Decimal(str(value)) / 1000,
                                effective=effective,
                            )
                        )
                covered.append((row, region))
    for (platform, name, region, purchase), rows in catalog.instance_prices.items():
        row = rows[0]
        if purchase == "on_demand":
            if platform == "ec2":
                reserved = catalog.instance_prices.get((platform, name, region, "reserved_1y"))
                items.append(
                    ec2(
                        name,
                        region,
                        row.usd_per_hour,
                        reserved[0].usd_per_hour if reserved else None,
                    )
                )
            else:
                items.append(sagemaker(name, region, row.usd_per_hour))
    return items, covered


def matches(item: dict[str, Any], service: str, filters: dict[str, str]) -> bool:
    attributes = item["product"]["attributes"]
    return item["serviceCode"] == service and all(
        attributes.get(k) == v for k, v in filters.items()
    )


def pages(items: list[dict[str, Any]], size: int = 100) -> list[list[str]]:
    texts = [json.dumps(i) for i in items]
    return [texts[k : k + size] for k in range(0, len(texts), size)] or [[]]
