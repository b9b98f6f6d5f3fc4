"""Price books: a user's own prices layered over a snapshot.

An enterprise discount (a percentage off public prices), private per-model or per-instance
prices and provisioned-throughput quotes, from a YAML file. Precedence, documented in
docs/pricing-data.md: a price in the scenario beats the price book, which beats the snapshot.
Every figure keeps its provenance: rows from the book carry the source `pricebook:<name>`,
discounted snapshot rows a source that names both the original source and the discount.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from genai_cost.catalog.lookup import BOOK_PREFIX
from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import (
    InstancePrice,
    OnDemandPrice,
    ProvisionedPrice,
    Source,
)
from genai_cost.errors import GenaiCostError, PriceBookError
from genai_cost.modelbase import NonNegative, Number, Positive, Strict

PRICE_BOOK_ENV = "GENAI_COST_PRICE_BOOK"
DISCOUNT_PREFIX = "discount:"


class Discount(Strict):
    """A percentage off the snapshot's public prices."""

    percent: Annotated[Number, Field(gt=0, lt=100)]
    """Discount in percent, e.g. 8 for 8 % off."""
    applies_to: Literal["all", "bedrock", "ec2", "sagemaker"] = "all"
    """Which prices: all, Bedrock tokens and provisioned throughput, EC2 or SageMaker."""
    models: list[str] | None = None
    """Only these Bedrock model ids (default: every model)."""


class BookOnDemand(Strict):
    model_id: str
    scope: Literal["in_region", "geo", "global"] = "in_region"
    geography: str = "*"
    region: str = "*"
    usd_per_1m_input_tokens: NonNegative | None = None
    usd_per_1m_output_tokens: NonNegative | None = None
    usd_per_1m_cache_read_input_tokens: NonNegative | None = None
    usd_per_1m_cache_write_input_tokens: NonNegative | None = None
    usd_per_1m_batch_input_tokens: NonNegative | None = None
    usd_per_1m_batch_output_tokens: NonNegative | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None


class BookProvisioned(Strict):
    model_id: str
    term: Literal["no_commitment", "1_month", "6_months"]
    geography: str = "*"
    region: str = "*"
    usd_per_model_unit_hour: Positive
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None


class BookInstance(Strict):
    platform: Literal["ec2", "sagemaker"]
    instance_type: str
    """As in the snapshot: `p5.48xlarge` for EC2, `ml.p5.48xlarge` for SageMaker."""
    region: str
    purchase: Literal[
        "on_demand", "savings_plan_1y", "savings_plan_3y", "reserved_1y", "reserved_3y", "spot"
    ]
    usd_per_hour: Positive
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None


class PriceBook(Strict):
    """Your own prices and discounts, layered over a pricing snapshot."""

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
    """Short name, shown as the source of its figures (letters, digits, . _ -)."""
    description: str = ""
    reference: str = ""
    """Where the figures come from (contract, quote number)."""
    as_of: dt.date
    """Date of the agreement or quote."""
    discounts: list[Discount] = Field(default_factory=list)
    bedrock_on_demand: list[BookOnDemand] = Field(default_factory=list)
    bedrock_provisioned: list[BookProvisioned] = Field(default_factory=list)
    instance_prices: list[BookInstance] = Field(default_factory=list)


def load_price_book(path: str | Path) -> PriceBook:
    """Read a price book YAML file; errors name the file, line and field."""
    from genai_cost.modelfile import load_model_file

    return load_model_file(path, PriceBook, error=PriceBookError)


def _discount_for(book: PriceBook, service: str, model_id: str | None) -> Discount | None:
    for discount in book.discounts:
        if discount.applies_to not in ("all", service):
            continue
        if discount.models is not None and model_id not in discount.models:
            continue
        return discount
    return None


def apply_price_book(catalog: Catalog, book: PriceBook) -> Catalog:
    """A new catalog: the snapshot's rows discounted where the book says, plus its own rows."""
    sources = dict(catalog.sources)
    book_key = f"{BOOK_PREFIX}{book.name}"
    sources[book_key] = Source(
        book_key,
        f"price book {book.name}" + (f": {book.description}" if book.description else ""),
        book.reference,
        book.as_of,
    )

    def discounted(row: Any, service: str, model_id: str | None, columns: tuple[str, ...]) -> Any:
        discount = _discount_for(book, service, model_id)
        if discount is None:
            return row
        key = f"{DISCOUNT_PREFIX}{book.name}:{discount.percent:g}%:{row.source}"
        original = catalog.sources[row.source]
        sources[key] = Source(
            key,
            f"{original.title}, less {discount.percent:g} % (price book {book.name})",
            original.reference,
            original.as_of,
        )
        factor = 1.0 - discount.percent / 100.0
        changes = {c: getattr(row, c) * factor for c in columns if getattr(row, c) is not None}
        return dataclasses.replace(row, source=key, **changes)

    token_columns = tuple(f for f in OnDemandPrice.__dataclass_fields__ if f.startswith("usd_"))
    on_demand = {
        model: [discounted(r, "bedrock", model, token_columns) for r in rows]
        for model, rows in catalog.on_demand.items()
    }
    provisioned = {
        model: [discounted(r, "bedrock", model, ("usd_per_model_unit_hour",)) for r in rows]
        for model, rows in catalog.provisioned.items()
    }
    instance_prices = {
        key: [discounted(r, r.platform, None, ("usd_per_hour",)) for r in rows]
        for key, rows in catalog.instance_prices.items()
    }

    common: dict[str, Any] = {"source": book_key, "as_of": book.as_of, "notes": ""}
    for item in book.bedrock_on_demand:
        _known_model(catalog, item.model_id, book)
        on_demand.setdefault(item.model_id, []).insert(
            0, OnDemandPrice(**common, **item.model_dump())
        )
    for p in book.bedrock_provisioned:
        _known_model(catalog, p.model_id, book)
        provisioned.setdefault(p.model_id, []).insert(
            0, ProvisionedPrice(**common, **p.model_dump())
        )
    for i in book.instance_prices:
        key = (i.platform, i.instance_type, i.region, i.purchase)
        instance_prices.setdefault(key, []).insert(0, InstancePrice(**common, **i.model_dump()))
    return dataclasses.replace(
        catalog,
        sources=sources,
        on_demand=on_demand,
        provisioned=provisioned,
        instance_prices=instance_prices,
        _cache={},
    )


def _known_model(catalog: Catalog, model_id: str, book: PriceBook) -> None:
    if model_id not in catalog.models:
        from genai_cost.modelfile import suggest

        hint = suggest(model_id, catalog.models)
        raise GenaiCostError(
            f"price book {book.name}: unknown model id {model_id!r}"
            + (f" ({hint})" if hint else "")
        )


def is_book_row(source: str) -> bool:
    return source.startswith(BOOK_PREFIX)
