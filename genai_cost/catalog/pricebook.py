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
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, create_model

from genai_cost.catalog.lookup import BOOK_PREFIX
from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import (
    InstancePrice,
    OnDemandPrice,
    ProvisionedPrice,
    ServicePrice,
    Source,
    UnitPrice,
    ec2_name,
)
from genai_cost.errors import PriceBookError, Problem
from genai_cost.modelbase import NonNegative, Number, Positive, Strict
from genai_cost.vocabulary import Platform
from genai_cost.yamlsource import YamlDocument

PRICE_BOOK_ENV = "GENAI_COST_PRICE_BOOK"
DISCOUNT_PREFIX = "discount:"


class Discount(Strict):
    """A percentage off the snapshot's public prices."""

    percent: Annotated[Number, Field(gt=0, lt=100)]
    """Discount in percent, e.g. 8 for 8 % off."""
    applies_to: Literal["all", "bedrock", "ec2", "sagemaker"] = "all"
    """Which prices: all, Bedrock (tokens, provisioned throughput, per image or query), EC2
    or SageMaker."""
    models: list[str] | None = None
    """Only these Bedrock model ids (default: every model)."""


PROVENANCE = ("source", "as_of", "notes")
"""Fields of a snapshot row a price book gives once for all its rows (`pricebook:<name>`,
its `as_of`)."""
BOOK_DEFAULTS: dict[str, Any] = {"scope": "in_region", "geography": "*", "region": "*"}
"""What a price book row means when it leaves a field out (any geography, any region)."""


def book_row(
    row_type: type,
    name: str,
    *,
    positive: tuple[str, ...] = (),
    types: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> type[Strict]:
    """The price-book model of a snapshot row type (genai_cost/records.py, the one
    declaration of its fields): the same fields less the provenance, a price that may be
    missing non-negative and left out by default, a price that must be given (or a field in
    `positive`) above zero, and the fields `types` overrides."""
    hints = typing.get_type_hints(row_type, include_extras=True)
    fields_: dict[str, Any] = {}
    for f in dataclasses.fields(row_type):
        if f.name in PROVENANCE:
            continue
        kind = (types or {}).get(f.name, hints[f.name])
        optional = type(None) in typing.get_args(kind)
        if f.name in positive:
            kind = Positive | None if optional else Positive
        elif kind == float | None:
            kind = NonNegative | None
        elif kind is float:
            kind = Positive
        if f.name in (defaults or {}):
            default = (defaults or {})[f.name]
        elif f.name in BOOK_DEFAULTS:
            default = BOOK_DEFAULTS[f.name]
        elif f.default is not dataclasses.MISSING:
            default = f.default
        else:
            default = None if optional else ...
        fields_[f.name] = (kind, default)
    model: type[Strict] = create_model(name, __base__=Strict, **fields_)
    return model


BookOnDemand = book_row(OnDemandPrice, "BookOnDemand", positive=("long_context_threshold_tokens",))
BookProvisioned = book_row(ProvisionedPrice, "BookProvisioned")
BookInstance = book_row(InstancePrice, "BookInstance", types={"platform": Platform})
BookService = book_row(
    ServicePrice,
    "BookService",
    types={"from_quantity": NonNegative, "usd_per_unit": NonNegative},
    defaults={"from_quantity": 0.0},
)
BookUnit = book_row(UnitPrice, "BookUnit", defaults={"variant": ""})
"""A price per image or per rerank query (bedrock_unit_prices: `kind` as the model's, a
`variant` where the model is priced by size and steps)."""
"""A supporting service's price (one graduated tier: `from_quantity` to `to_quantity` units a
month) where the snapshot has none, or instead of the snapshot's for that place."""
"""An instance price (EC2 or SageMaker hosting; `instance_type` as in the snapshot:
`p5.48xlarge` for EC2, `ml.p5.48xlarge` for SageMaker)."""

if typing.TYPE_CHECKING:  # the row models are built at run time: to mypy, rows of any type
    OnDemandRows = list[Any]
    ProvisionedRows = list[Any]
    InstanceRows = list[Any]
    ServiceRows = list[Any]
    UnitRows = list[Any]
else:
    OnDemandRows = list[BookOnDemand]
    ProvisionedRows = list[BookProvisioned]
    InstanceRows = list[BookInstance]
    ServiceRows = list[BookService]
    UnitRows = list[BookUnit]


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
    bedrock_on_demand: OnDemandRows = Field(default_factory=list)
    bedrock_provisioned: ProvisionedRows = Field(default_factory=list)
    instance_prices: InstanceRows = Field(default_factory=list)
    bedrock_unit_prices: UnitRows = Field(default_factory=list)
    """Prices per image or per rerank query (image and rerank models), e.g. where the
    snapshot prices a model only in US regions."""
    service_prices: ServiceRows = Field(default_factory=list)
    """Supporting services (Lambda, API Gateway, S3, OpenSearch Serverless, data transfer
    …): a place's rows here replace the snapshot's rows for that place."""


def load_price_book(path: str | Path, catalog: Catalog | None = None) -> PriceBook:
    """Read a price book YAML file and check it like a scenario: unknown model ids, regions,
    geographies and instance types (against `catalog`, with did-you-mean), date ranges that
    end before they start, and rows that price the same thing on the same day. Every problem
    names the file, line and field; all of them are reported together."""
    from genai_cost.modelfile import validate_document
    from genai_cost.yamlsource import load_yaml_file

    doc = load_yaml_file(Path(path), error=PriceBookError)
    book = validate_document(doc, PriceBook, error=PriceBookError)
    problems = _book_problems(book, doc, catalog)
    if problems:
        raise PriceBookError(problems)
    return book


def _book_problems(book: PriceBook, doc: YamlDocument, catalog: Catalog | None) -> list[Problem]:
    from genai_cost.modelfile import loc_text, suggest

    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str, hint: str = "") -> None:
        line, column = doc.position(loc)
        problems.append(Problem(message, doc.path, line, column, loc_text(loc), hint))

    def known(loc: tuple[str | int, ...], value: str, choices: Any, what: str) -> None:
        if value not in choices:
            add(loc, f"unknown {what} {value!r}", suggest(value, choices))

    sections: list[tuple[str, list[Any], Any]] = [
        (
            "bedrock_on_demand",
            book.bedrock_on_demand,
            lambda r: (r.model_id, r.scope, r.geography, r.region, r.tier),
        ),
        (
            "bedrock_provisioned",
            book.bedrock_provisioned,
            lambda r: (r.model_id, r.term, r.geography, r.region),
        ),
        (
            "instance_prices",
            book.instance_prices,
            lambda r: (r.platform, r.instance_type, r.region, r.purchase),
        ),
        (
            "service_prices",
            book.service_prices,
            lambda r: (r.service, r.item, r.geography, r.region, r.from_quantity),
        ),
        (
            "bedrock_unit_prices",
            book.bedrock_unit_prices,
            lambda r: (r.model_id, r.variant, r.scope, r.geography, r.region),
        ),
    ]
    for section, rows, key in sections:
        seen: dict[tuple[Any, ...], list[tuple[int, Any]]] = {}
        for i, row in enumerate(rows):
            here = (section, i)
            start, end = row.effective_from, row.effective_until
            if start is not None and end is not None and start > end:
                add(
                    (*here, "effective_from"),
                    f"effective_from {start} is after effective_until {end}",
                )
            for j, other in seen.get(key(row), []):
                if _overlap(row, other):
                    line, _ = doc.position((section, j))
                    add(
                        here,
                        f"prices the same {' / '.join(map(str, key(row)))} as {section}[{j}]"
                        + (f" (line {line})" if line else "")
                        + " on the same days",
                        "give the rows non-overlapping effective_from / effective_until",
                    )
                    break
            seen.setdefault(key(row), []).append((i, row))
            if catalog is None:
                continue
            if section == "service_prices":
                items = sorted({f"{s}/{i}" for s, i in catalog.service_prices})
                known((*here, "item"), f"{row.service}/{row.item}", items, "service/item")
            elif section != "instance_prices":
                known((*here, "model_id"), row.model_id, catalog.models, "model id")
            if section == "bedrock_unit_prices" and row.model_id in catalog.models:
                model_kind = catalog.models[row.model_id].kind
                if model_kind != row.kind:
                    add(
                        (*here, "kind"),
                        f"{row.model_id} is a {model_kind} model; a per-unit price is for an "
                        "image_generation, image_edit or rerank model of that kind",
                        f"write kind: {model_kind}" if model_kind != "text" else "",
                    )
            if row.region != "*":
                known((*here, "region"), row.region, catalog.regions, "region")
            if section not in ("instance_prices", "service_prices") and row.geography != "*":
                geographies = {r.geography for r in catalog.regions.values()} | {
                    p for r in catalog.regions.values() for p in r.geo_profiles
                }
                known((*here, "geography"), row.geography, sorted(geographies), "geography")
            if section == "instance_prices":
                name = row.instance_type
                if row.platform == "sagemaker" and not name.startswith("ml."):
                    add(
                        (*here, "instance_type"),
                        f"a SageMaker instance type is written ml.{name}",
                        f"write 'ml.{name}'",
                    )
                elif row.platform == "ec2" and name.startswith("ml."):
                    add(
                        (*here, "instance_type"),
                        "an EC2 instance type has no 'ml.' prefix",
                        f"write {ec2_name(name)!r}",
                    )
                else:
                    known(
                        (*here, "instance_type"),
                        ec2_name(name),
                        catalog.instance_types,
                        "instance type",
                    )
    if catalog is not None:
        for i, discount in enumerate(book.discounts):
            for k, model_id in enumerate(discount.models or []):
                known(("discounts", i, "models", k), model_id, catalog.models, "model id")
    return problems


def _overlap(a: Any, b: Any) -> bool:
    low, high = dt.date.min, dt.date.max
    return max(a.effective_from or low, b.effective_from or low) <= min(
        a.effective_until or high, b.effective_until or high
    )


def _discount_for(book: PriceBook, service: str, model_id: str | None) -> Discount | None:
    for discount in book.discounts:
        if discount.applies_to not in ("all", service):
            continue
        if discount.models is not None and model_id not in discount.models:
            continue
        return discount
    return None


def apply_price_book(catalog: Catalog, book: PriceBook, origin: str | Path = "") -> Catalog:
    """A new catalog: the snapshot's rows discounted where the book says, plus its own rows.
    `origin` (the book's file) is kept with its source, so messages about a price the book
    lacks can name the file."""
    sources = dict(catalog.sources)
    book_key = f"{BOOK_PREFIX}{book.name}"
    sources[book_key] = Source(
        book_key,
        f"price book {book.name}" + (f": {book.description}" if book.description else ""),
        book.reference,
        book.as_of,
        f"read from {origin}" if origin else "",
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
        on_demand.setdefault(item.model_id, []).insert(
            0, OnDemandPrice(**common, **item.model_dump())
        )
    unit_prices = {
        model: [discounted(r, "bedrock", model, ("usd_per_unit",)) for r in rows]
        for model, rows in catalog.unit_prices.items()
    }
    for u in book.bedrock_unit_prices:
        unit_prices.setdefault(u.model_id, []).insert(0, UnitPrice(**common, **u.model_dump()))
    for p in book.bedrock_provisioned:
        provisioned.setdefault(p.model_id, []).insert(
            0, ProvisionedPrice(**common, **p.model_dump())
        )
    for i in book.instance_prices:
        key = (i.platform, i.instance_type, i.region, i.purchase)
        instance_prices.setdefault(key, []).insert(0, InstancePrice(**common, **i.model_dump()))

    def place(service: str, item: str, geography: str, region: str) -> tuple[str, ...]:
        """Where a row applies: its region, or (any region) its geography."""
        return (service, item, region) if region != "*" else (service, item, "*", geography)

    booked = {place(r.service, r.item, r.geography, r.region) for r in book.service_prices}
    service_prices = {  # a place the book prices: its tiers replace the snapshot's there
        (service, item): [
            r for r in rows if place(service, item, r.geography, r.region) not in booked
        ]
        for (service, item), rows in catalog.service_prices.items()
    }
    for s in book.service_prices:
        service_prices.setdefault((s.service, s.item), []).insert(
            0, ServicePrice(**common, **s.model_dump())
        )
    return dataclasses.replace(
        catalog,
        sources=sources,
        on_demand=on_demand,
        provisioned=provisioned,
        instance_prices=instance_prices,
        service_prices=service_prices,
        unit_prices=unit_prices,
        _cache={},
    )
