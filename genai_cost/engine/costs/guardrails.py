"""Bedrock Guardrails on a workload: a priced add-on whose lines follow its requests.

units(policy) = R × Σ over the directions that enable the policy of text units per request
cost(policy)  = units(policy) × the snapshot's `bedrock_guardrails` price for the policy
images        = R × images_per_request × the content filters' price per image

Each policy meters the text it evaluates (the ApplyGuardrail response's `usage` counts text
units per policy), so a policy on in both directions is billed for both. Prices are the
snapshot's service-price rows (litellm 1.110.2 `bedrock/guardrails`, whose source is the AWS
Bedrock pricing page); a missing price is a missing part of the bill, never 0 — while a
published 0 (word filters, regex sensitive-information filters) is a line at $0.
"""

from __future__ import annotations

import datetime as dt

from genai_cost.catalog.snapshot import Catalog
from genai_cost.engine.costs.parts import Part, tiered_parts
from genai_cost.engine.costs.services import line as service_line
from genai_cost.scenario.models import Guardrails

SERVICE = "bedrock_guardrails"
IMAGE_ITEM = "content_filters_image"


def guardrail_units(guardrails: Guardrails, requests: float) -> dict[str, float]:
    """Units a month by policy item: text units of each policy over the directions that
    enable it, and the images the content filters screen."""
    units: dict[str, float] = {}
    for direction in (guardrails.input, guardrails.output):
        if direction is None:
            continue
        for policy in direction.policies:
            units[policy] = units.get(policy, 0.0) + requests * direction.text_units
    if guardrails.images_per_request > 0:
        units[IMAGE_ITEM] = requests * guardrails.images_per_request
    return units


def guardrail_parts(
    catalog: Catalog, guardrails: Guardrails, requests: float, region: str, day: dt.date
) -> list[Part]:
    """The guardrail's parts of the bill: one per policy (and images), priced at `region`."""
    parts: list[Part] = []
    for item, quantity in guardrail_units(guardrails, requests).items():
        priced = service_line(catalog, SERVICE, item, quantity, region, day, f"guardrail_{item}")
        parts += tiered_parts(priced)
    return parts
