"""The columns of each snapshot table, how each cell is parsed, and the row type it builds.

Every parser takes the cell's text and where it is (`file:line: column`) and raises a
SnapshotError naming that place; an empty price cell is "no public price" (None), never 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from genai_cost.catalog.tables import (
    PLATFORMS,
    PROVISIONED_TERMS,
    PURCHASES,
    SCOPES,
    TIERS,
    TRANSFORM_PLATFORM,
    BedrockModel,
    CustomizationPrice,
    InstancePrice,
    InstanceType,
    OnDemandPrice,
    PriceConflict,
    ProvisionedPrice,
    ServiceLimit,
    ServicePrice,
    ThroughputBenchmark,
)
from genai_cost.errors import SnapshotError


def parse_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SnapshotError(f"{where}: expected a date YYYY-MM-DD, got {text!r}") from None


def _parse_optional_date(text: str, where: str) -> dt.date | None:
    return parse_date(text, where) if text.strip() else None


def _parse_price(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SnapshotError(f"{where}: expected a finite number >= 0, got {text!r}")
    return value


def _required_price(text: str, where: str) -> float:
    value = _parse_price(text, where)
    if value is None:
        raise SnapshotError(f"{where}: a price is required in this table")
    return value


def _parse_bool(text: str, where: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    raise SnapshotError(f"{where}: expected true or false, got {text!r}")


def _choice(options: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(text: str, where: str) -> str:
        if text not in options:
            raise SnapshotError(f"{where}: expected one of {', '.join(options)}, got {text!r}")
        return text

    return parse


def _text(text: str, where: str) -> str:
    return text.strip()


def nonempty(text: str, where: str) -> str:
    if not text.strip():
        raise SnapshotError(f"{where}: must not be empty")
    return text.strip()


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected a whole number, got {text!r}") from None


_DATED = {
    "source": nonempty,
    "as_of": parse_date,
    "effective_from": _parse_optional_date,
    "effective_until": _parse_optional_date,
    "notes": _text,
}

PARSERS: dict[str, dict[str, Callable[[str, str], Any]]] = {
    "bedrock_models": {
        "model_id": nonempty,
        "name": nonempty,
        "provider": nonempty,
        "kind": nonempty,
        "open_weights": _parse_bool,
        "price_list_name": nonempty,
        "price_list_name_source": nonempty,
        "source": nonempty,
        "as_of": parse_date,
        "max_input_tokens": _parse_price,
        "max_input_tokens_source": _text,
    },
    "bedrock_on_demand": {
        "model_id": nonempty,
        "scope": _choice(SCOPES),
        "geography": nonempty,
        "region": nonempty,
        "usd_per_1m_input_tokens": _parse_price,
        "usd_per_1m_output_tokens": _parse_price,
        "usd_per_1m_cache_read_input_tokens": _parse_price,
        "usd_per_1m_cache_write_input_tokens": _parse_price,
        "usd_per_1m_batch_input_tokens": _parse_price,
        "usd_per_1m_batch_output_tokens": _parse_price,
        "tier": _choice(TIERS),
        "usd_per_1m_cache_write_1h_input_tokens": _parse_price,
        "long_context_threshold_tokens": _parse_price,
        "usd_per_1m_input_tokens_long": _parse_price,
        "usd_per_1m_output_tokens_long": _parse_price,
        "usd_per_1m_cache_read_input_tokens_long": _parse_price,
        "usd_per_1m_cache_write_input_tokens_long": _parse_price,
        **_DATED,
    },
    "bedrock_provisioned": {
        "model_id": nonempty,
        "geography": nonempty,
        "region": nonempty,
        "term": _choice(PROVISIONED_TERMS),
        "usd_per_model_unit_hour": _required_price,
        **_DATED,
    },
    "instance_types": {
        "instance_type": nonempty,
        "accelerator": nonempty,
        "accelerator_count": _int,
        "accelerator_memory_gib": _required_price,
        "vcpu": _int,
        "memory_gib": _required_price,
        "source": nonempty,
        "as_of": parse_date,
    },
    "instance_prices": {
        "platform": _choice((*PLATFORMS, TRANSFORM_PLATFORM)),
        "instance_type": nonempty,
        "region": nonempty,
        "purchase": _choice(PURCHASES),
        "usd_per_hour": _required_price,
        **_DATED,
    },
    "self_hosted_throughput": {
        "model_id": nonempty,
        "instance_type": nonempty,
        "benchmarked_model": nonempty,
        "accelerator": nonempty,
        "accelerator_count": _int,
        "engine": nonempty,
        "precision": _text,
        "input_tokens": _required_price,
        "output_tokens": _required_price,
        "output_tokens_per_second_per_instance": _required_price,
        "source": nonempty,
        "as_of": parse_date,
        "notes": _text,
    },
}

PARSERS["service_prices"] = {
    "service": nonempty,
    "item": nonempty,
    "unit": nonempty,
    "geography": nonempty,
    "region": nonempty,
    "from_quantity": _required_price,
    "to_quantity": _parse_price,
    "usd_per_unit": _required_price,
    **_DATED,
}
PARSERS["service_limits"] = {
    "service": nonempty,
    "item": nonempty,
    "value": _required_price,
    "unit": nonempty,
    "source": nonempty,
    "as_of": parse_date,
    "notes": _text,
}
PARSERS["bedrock_customization"] = {
    "model_id": nonempty,
    "customization": _choice(("fine_tuning", "continued_pretraining", "distillation")),
    "usd_per_1m_training_tokens": _parse_price,
    "usd_per_custom_model_month": _parse_price,
    "custom_usd_per_model_unit_hour_no_commitment": _parse_price,
    "geography": nonempty,
    "region": nonempty,
    **_DATED,
}

OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    "bedrock_models": {"max_input_tokens": "", "max_input_tokens_source": ""},
    "bedrock_on_demand": {
        "tier": "standard",
        "usd_per_1m_cache_write_1h_input_tokens": "",
        "long_context_threshold_tokens": "",
        "usd_per_1m_input_tokens_long": "",
        "usd_per_1m_output_tokens_long": "",
        "usd_per_1m_cache_read_input_tokens_long": "",
        "usd_per_1m_cache_write_input_tokens_long": "",
    },
}
"""Columns added after the first snapshots, with the value a table without them means (a
snapshot written before them still loads; the writer always writes them)."""

PARSERS["price_conflicts"] = {
    "table": _choice(("bedrock_on_demand", "bedrock_provisioned", "instance_prices")),
    "model_id": nonempty,
    "scope": nonempty,
    "geography": nonempty,
    "region": nonempty,
    "tier": nonempty,
    "column": nonempty,
    "kept_value": _parse_price,
    "rejected_family": nonempty,
    "rejected_value": _parse_price,
    "reason": nonempty,
    "source": nonempty,
    "as_of": parse_date,
}

ROW_TYPES: dict[str, type] = {
    "bedrock_models": BedrockModel,
    "bedrock_on_demand": OnDemandPrice,
    "bedrock_provisioned": ProvisionedPrice,
    "instance_types": InstanceType,
    "instance_prices": InstancePrice,
    "self_hosted_throughput": ThroughputBenchmark,
    "service_prices": ServicePrice,
    "service_limits": ServiceLimit,
    "bedrock_customization": CustomizationPrice,
    "price_conflicts": PriceConflict,
}
