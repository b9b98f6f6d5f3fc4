"""The priced parts of a cost that is not a purchase option: what each one is, how much, at
what unit price — or why it cannot be priced. Each cost module (training, services, packing)
says its own parts; results/bill.py turns a part into a bill line (or a missing part) with
its family and workloads, and does no arithmetic of its own."""

from __future__ import annotations

from dataclasses import dataclass

from genai_cost.documents.estimate import PricedLine


@dataclass(frozen=True)
class Part:
    """`quantity` × `usd_per_unit`, named; or, with a `reason`, a part that has no price."""

    name: str
    quantity: float | None
    unit: str
    usd_per_unit: float | None
    sources: tuple[str, ...] = ()
    detail: str | None = None
    reason: str | None = None


def tiered_parts(priced: PricedLine) -> list[Part]:
    """A tiered line (services, storage): a part per tier it falls in, and a part without a
    price when not all of it is priced."""
    parts = [
        Part(
            priced["name"],
            tier["quantity"],
            tier["unit"],
            tier["usd_per_unit"],
            tuple(priced["sources"]),
            tier["name"] or None,
        )
        for tier in priced["tiers"]
    ]
    if priced["usd"] is None:
        parts.append(
            Part(
                priced["name"],
                priced["quantity"],
                priced["unit"],
                None,
                tuple(priced["sources"]),
                reason=priced["reason"] or "no price",
            )
        )
    return parts
