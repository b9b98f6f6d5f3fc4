"""Many low-traffic models on shared endpoints, against one endpoint each.

Packing rule (first-fit decreasing): models are taken largest memory first; each goes to the
first instance where it fits — the memory of its models stays within the instance's
accelerator memory, and the sum of each model's peak demand over what one instance serves of
it (peak output tokens/s ÷ output tokens/s per instance) stays within the target utilisation —
or opens a new instance. A model whose demand alone needs more than one instance gets its own
replicas (not packed). Apart: each model gets max(1, ceil(demand ÷ (per-instance throughput ×
target utilisation))) instances. Monthly cost = instances × 730 h × hourly price.
"""

from __future__ import annotations

import datetime as dt
import math

from genai_cost.catalog.lookup import Missing, instance_price
from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.estimate import SharedEndpointRecord
from genai_cost.engine.capacity import CEIL_TOLERANCE
from genai_cost.engine.costs.parts import Part
from genai_cost.scenario.models import SharedEndpoint
from genai_cost.units import HOURS_PER_MONTH


def pack(endpoint: SharedEndpoint, memory_gib: float) -> tuple[list[list[str]], dict[str, int]]:
    """Instances of packed model names, and dedicated replica counts of too-busy models."""
    util = endpoint.target_utilization_fraction
    bins: list[tuple[float, float, list[str]]] = []  # (memory used, load used, names)
    dedicated: dict[str, int] = {}
    for model in sorted(endpoint.models, key=lambda m: (-m.memory_gib, m.name)):
        load = model.peak_output_tokens_per_second / model.output_tokens_per_second_per_instance
        if load > util:
            dedicated[model.name] = math.ceil(load / util - CEIL_TOLERANCE)
            continue
        for k, (memory, used, names) in enumerate(bins):
            if (
                memory + model.memory_gib <= memory_gib + CEIL_TOLERANCE
                and used + load <= util + CEIL_TOLERANCE
            ):
                bins[k] = (memory + model.memory_gib, used + load, [*names, model.name])
                break
        else:
            bins.append((model.memory_gib, load, [model.name]))
    return [names for _, _, names in bins], dedicated


def price_shared_endpoint(
    endpoint: SharedEndpoint,
    catalog: Catalog,
    region: str,
    day: dt.date,
    hours: float = HOURS_PER_MONTH,
) -> SharedEndpointRecord:
    instance_type = endpoint.instance_type.removeprefix("ml.")
    spec = catalog.instance_types.get(instance_type)
    memory = endpoint.accelerator_memory_gib or (spec.accelerator_memory_gib if spec else 0.0)
    too_big = [m.name for m in endpoint.models if m.memory_gib > memory]
    hourly: float | None
    if endpoint.usd_per_hour is not None:
        hourly, sources, reason = endpoint.usd_per_hour, ["scenario"], ""
    else:
        found = instance_price(
            catalog, endpoint.platform, instance_type, region, endpoint.purchase, day
        )
        hourly = None if isinstance(found, Missing) else found.usd_per_hour
        sources = [] if isinstance(found, Missing) else [found.source]
        reason = found.reason + "; supply usd_per_hour" if isinstance(found, Missing) else ""
    busy = [
        m.name
        for m in endpoint.models
        if not math.isfinite(
            m.peak_output_tokens_per_second
            / (m.output_tokens_per_second_per_instance * endpoint.target_utilization_fraction)
        )
    ]
    record: SharedEndpointRecord = {
        "name": endpoint.name,
        "platform": endpoint.platform,
        "instance_type": instance_type,
        "region": region,
        "purchase": endpoint.purchase,
        "accelerator_memory_gib": memory,
        "feasible": False,
        "reason": None,
        "usd_per_hour": hourly,
        "sources": sources,
        "shared": {
            "instances": None,
            "monthly_cost_usd": None,
            "assignment": [],
            "dedicated_replicas": {},
        },
        "separate": {"instances": None, "monthly_cost_usd": None},
    }
    if busy:
        record["reason"] = (
            f"the instances {', '.join(busy)} need is not a finite number "
            "(peak_output_tokens_per_second / output_tokens_per_second_per_instance overflows)"
        )
        return record
    if too_big:
        reason = (
            f"{', '.join(too_big)} need more than the {memory:g} GiB "
            f"of accelerator memory of one {instance_type}"
        )
    packed, dedicated = pack(endpoint, memory)
    shared = len(packed) + sum(dedicated.values())
    apart = sum(
        max(
            1,
            math.ceil(
                m.peak_output_tokens_per_second
                / (m.output_tokens_per_second_per_instance * endpoint.target_utilization_fraction)
                - CEIL_TOLERANCE
            ),
        )
        for m in endpoint.models
    )
    feasible = not reason and hourly is not None

    def monthly(instances: int) -> float | None:
        if not (feasible and hourly):
            return None
        usd = instances * hours * hourly
        return round(usd, 6) if math.isfinite(usd) else None

    record["feasible"] = feasible
    record["reason"] = reason or None
    record["shared"] = {
        "instances": shared,
        "monthly_cost_usd": monthly(shared),
        "assignment": packed,
        "dedicated_replicas": dedicated,
    }
    record["separate"] = {"instances": apart, "monthly_cost_usd": monthly(apart)}
    return record


def endpoint_parts(record: SharedEndpointRecord, models: int, hours: float) -> list[Part]:
    """The shared endpoint's part of the bill: its packed instances for the month's `hours`,
    or the part that has no price (why it cannot be packed or priced)."""
    shared = record["shared"]
    instances = shared["instances"]
    if shared["monthly_cost_usd"] is None or instances is None:
        return [
            Part(
                "instance_hours",
                None,
                "instance-hours",
                None,
                reason=record["reason"] or "no price",
            )
        ]
    return [
        Part(
            "instance_hours",
            instances * hours,
            "instance-hours",
            record["usd_per_hour"],
            tuple(record["sources"]),
            f"{instances} × {record['platform']} {record['instance_type']} "
            f"{record['purchase']}, shared by {models} models",
        )
    ]
