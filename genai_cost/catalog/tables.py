"""The snapshot's row types (declared in genai_cost/records.py, where the documents can read
them too), under the names the catalog has always used."""

from __future__ import annotations

from genai_cost.records import (
    ON_DEMAND_PRICE_COLUMNS,
    PROVISIONED_TERMS,
    TRANSFORM_PLATFORM,
    BedrockModel,
    CustomizationPrice,
    Dated,
    InstancePrice,
    InstanceType,
    OnDemandPrice,
    PriceConflict,
    PricedPlatform,
    ProvisionedPrice,
    Region,
    ServiceLimit,
    ServicePrice,
    Source,
    Text,
    ThroughputBenchmark,
    UnitPrice,
    ec2_name,
)
from genai_cost.vocabulary import PLATFORMS, PURCHASES, SCOPES, TIERS

__all__ = [
    "ON_DEMAND_PRICE_COLUMNS",
    "PLATFORMS",
    "PROVISIONED_TERMS",
    "PURCHASES",
    "SCOPES",
    "TIERS",
    "TRANSFORM_PLATFORM",
    "BedrockModel",
    "CustomizationPrice",
    "Dated",
    "InstancePrice",
    "InstanceType",
    "OnDemandPrice",
    "PriceConflict",
    "PricedPlatform",
    "ProvisionedPrice",
    "Region",
    "ServiceLimit",
    "ServicePrice",
    "Source",
    "Text",
    "ThroughputBenchmark",
    "UnitPrice",
    "ec2_name",
]
