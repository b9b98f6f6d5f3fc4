"""AWS Price List products → snapshot rows. Pure functions: no network, no boto3.

A product ("item") is one decoded `PriceList` entry of `pricing.get_products`, or the same
assembled from a Bulk API offer file: `{"product": {"sku", "productFamily", "attributes"},
"serviceCode", "terms": {"OnDemand": {...}, "Reserved": {...}}, "publicationDate"}`.
Every attribute and price is a string; prices are parsed with Decimal and every unit is
converted explicitly (an unknown unit is reported, never guessed).

Where Bedrock prices live (AWS-FORMATS.md §1.4): first-party and open models under
`AmazonBedrock` (the `model` or `titanModel` attribute names the model; `inferenceType` and
the usage type name the dimension), third-party "Amazon Bedrock Edition" models under
`AmazonBedrockFoundationModels` (the `servicename` names the model; the usage type, e.g.
`USE1-MP:USE1_InputTokenCount_Global-Units`, the dimension; unit "Units" = per 1M tokens).

About 500 lines because the two Bedrock services and the EC2/SageMaker instance offers share
one unit and term vocabulary; splitting them would split that vocabulary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import InstancePrice, OnDemandPrice, PricedPlatform
from genai_cost.units import TOKENS_PER_MILLION
from genai_cost.vocabulary import Purchase, Scope

MILLION = int(TOKENS_PER_MILLION)
"""Token prices are stored per 1M tokens."""

MARKETPLACE_SUFFIX = " (Amazon Bedrock Edition)"
BEDROCK_SERVICES = ("AmazonBedrock", "AmazonBedrockFoundationModels")

TOKENS_PER_UNIT = {
    # unit as the Price List writes it -> how many tokens one priced unit is
    "1K tokens": Decimal(1_000),
    "1k tokens": Decimal(1_000),
    "1M tokens": Decimal(MILLION),
    "Tokens": Decimal(1),
    "tokens": Decimal(1),
}
MARKETPLACE_TOKENS_PER_UNIT = Decimal(MILLION)
"""`AmazonBedrockFoundationModels` token SKUs use unit "Units", priced per 1M tokens."""
HOURLY_UNITS = ("Hrs", "Hours", "hrs", "Hour")

TOKEN_COLUMNS = {
    ("input", False): "usd_per_1m_input_tokens",
    ("output", False): "usd_per_1m_output_tokens",
    ("cache_read", False): "usd_per_1m_cache_read_input_tokens",
    ("cache_write", False): "usd_per_1m_cache_write_input_tokens",
    ("input", True): "usd_per_1m_batch_input_tokens",
    ("output", True): "usd_per_1m_batch_output_tokens",
}


@dataclass
class ParseReport:
    """What a refresh did with every product it read."""

    used: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)
    """Prices the Price List has but that could not be read (conflicts, bad numbers, unknown
    units): each is listed, and `--strict` refuses to write the snapshot."""
    carried_over: list[dict[str, Any]] = field(default_factory=list)
    """Cells whose price could not be read and whose previous value was kept instead."""

    def skip(self, reason: str, example: str) -> None:
        self.skipped[reason] += 1
        if len(self.examples[reason]) < 3 and example not in self.examples[reason]:
            self.examples[reason].append(example)

    def as_dict(self) -> dict[str, Any]:
        return {
            "used": dict(self.used),
            "skipped": {
                reason: {"count": count, "examples": self.examples[reason]}
                for reason, count in self.skipped.most_common()
            },
            "problems": list(self.problems),
            "carried_over_prices": list(self.carried_over),
        }


@dataclass(frozen=True)
class Dimension:
    term: str
    unit: str
    usd: Decimal | None
    """None when the price could not be read (`problem` says why)."""
    effective_from: dt.date | None
    term_attributes: dict[str, str]
    problem: str = ""


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (null, a list, a string)."""
    return value if isinstance(value, dict) else {}


def _price(text: Any) -> tuple[Decimal | None, str]:
    """A finite, non-negative price from the Price List's text, or why not."""
    if not isinstance(text, str):
        return None, f"price {text!r} is not a text number"
    try:
        usd = Decimal(text)
    except InvalidOperation:
        return None, f"price {text!r} is not a number"
    if not usd.is_finite() or usd < 0:
        return None, f"price {text!r} is not a finite number >= 0"
    if usd > Decimal("1e12"):
        return None, f"price {text!r} is beyond any real price"
    return usd, ""


def _effective(text: Any) -> tuple[dt.date | None, str]:
    if not text:
        return None, ""
    try:
        return dt.date.fromisoformat(str(text)[:10]), ""
    except ValueError:
        return None, f"effectiveDate {text!r} is not a date"


def dimensions(item: dict[str, Any]) -> list[Dimension]:
    """Every price dimension of every OnDemand and Reserved term of a product; a price or date
    that cannot be read is kept with its `problem` (so the caller reports it)."""
    out = []
    for term_type in ("OnDemand", "Reserved"):
        for term in _mapping(_mapping(item.get("terms")).get(term_type)).values():
            term = _mapping(term)
            day, date_problem = _effective(term.get("effectiveDate"))
            attributes = {str(k): str(v) for k, v in _mapping(term.get("termAttributes")).items()}
            for dim in _mapping(term.get("priceDimensions")).values():
                dim = _mapping(dim)
                prices = _mapping(dim.get("pricePerUnit"))
                if "USD" not in prices:
                    continue
                usd, problem = _price(prices["USD"])
                out.append(
                    Dimension(
                        term_type,
                        str(dim.get("unit", "")),
                        usd if not date_problem else None,
                        day,
                        attributes,
                        problem or date_problem,
                    )
                )
    return out


def attributes_of(item: dict[str, Any]) -> dict[str, str]:
    """A product's attributes as text (an offer file may hold null or odd values there)."""
    raw = _mapping(_mapping(item.get("product")).get("attributes"))
    return {str(k): v if isinstance(v, str) else str(v) for k, v in raw.items()}


def _number(value: Decimal) -> float:
    return float(value.normalize())


# --- Bedrock ---------------------------------------------------------------------------------

_MARKETPLACE = re.compile(
    r"MP:[A-Z0-9]+_(?P<kind>InputTokenCount|OutputTokenCount|CacheReadInputTokenCount|"
    r"CacheWriteInputTokenCount|CacheWrite1hInputTokenCount)(?P<tier>(?:_[A-Za-z0-9]+)*)-Units$"
)
_MARKETPLACE_SNAKE = re.compile(
    r"MP:[A-Z0-9]+_(?P<kind>input|output|cache_read_input|cache_write_input)_tokens_"
    r"(?P<tier>[a-z0-9_]+)-Units$"
)
_KINDS = {
    "InputTokenCount": "input",
    "OutputTokenCount": "output",
    "CacheReadInputTokenCount": "cache_read",
    "CacheWriteInputTokenCount": "cache_write",
    "input": "input",
    "output": "output",
    "cache_read_input": "cache_read",
    "cache_write_input": "cache_write",
}
_UNMODELLED = (
    "flex",
    "priority",
    "latency",
    "custom",
    "provisioned",
    "reserved",
    "audio",
    "image",
    "video",
    "speech",
    "long context",
    "long-context",
    "1h",
)


def _classify_marketplace(usage: str) -> tuple[str, bool, bool] | str:
    """(kind, batch, global) of a Marketplace usage type, or why it is skipped."""
    match = _MARKETPLACE.search(usage)
    if match:
        if match.group("kind") == "CacheWrite1hInputTokenCount":
            return "1-hour cache writes are not modelled"
        tiers = {t.lower() for t in match.group("tier").split("_") if t}
    else:
        match = _MARKETPLACE_SNAKE.search(usage)
        if not match:
            return "unrecognised Marketplace usage type"
        tiers = set(match.group("tier").split("_")) - {"standard"}
    unknown = tiers - {"global", "batch"}
    if unknown:
        return f"service tier not modelled ({'/'.join(sorted(unknown))})"
    return _KINDS[match.group("kind")], "batch" in tiers, "global" in tiers


def _classify_first_party(attributes: dict[str, str]) -> tuple[str, bool, bool] | str:
    """(kind, batch, global) of an AmazonBedrock token SKU, or why it is skipped."""
    text = (attributes.get("inferenceType") or "").lower()
    usage = (attributes.get("usagetype") or "").lower()
    feature = (attributes.get("feature") or "").lower()
    if "customization" in feature or attributes.get("featureType") == "Training":
        return "model customization (not an inference price)"
    for word in _UNMODELLED:
        if word in text or word in usage.split("-tokens")[-1] or f"-{word}" in usage:
            return f"service tier or modality not modelled ({word})"
    batch = "batch" in text or "batch" in feature or usage.endswith("-batch")
    is_global = "global" in text or "cross-region-global" in usage
    if "cache read" in text or "cache-read" in usage:
        kind = "cache_read"
    elif "cache write" in text or "cache-write" in usage:
        kind = "cache_write"
    elif "input" in text or "input-tokens" in usage:
        kind = "input"
    elif "output" in text or "output-tokens" in usage:
        kind = "output"
    else:
        return "not a token price"
    return kind, batch, is_global


def model_name(item: dict[str, Any]) -> str | None:
    """The model an item prices, as the Price List names it."""
    attributes = attributes_of(item)
    service = item.get("serviceCode") or attributes.get("servicecode")
    if service == "AmazonBedrockFoundationModels":
        name = attributes.get("servicename", "")
        return name.removesuffix(MARKETPLACE_SUFFIX) if name.endswith(MARKETPLACE_SUFFIX) else None
    return attributes.get("model") or attributes.get("titanModel") or None


def bedrock_rows(
    items: Iterable[dict[str, Any]],
    catalog: Catalog,
    source: str,
    as_of: dt.date,
    report: ParseReport,
) -> list[OnDemandPrice]:
    """On-demand and batch token prices, one row per model, scope, region and start date."""
    by_name: dict[str, str] = {}
    for model in catalog.models.values():
        by_name.setdefault(model.price_list_name, model.model_id)
    cells: dict[tuple[str, str, str, dt.date | None], dict[str, float]] = defaultdict(dict)
    unread: dict[tuple[str, str, str, dt.date | None], dict[str, str]] = defaultdict(dict)
    for item in items:
        attributes = attributes_of(item)
        usage = attributes.get("usagetype", "")
        name = model_name(item)
        model_id = by_name.get(name or "")
        if model_id is None:
            report.skip("model not in the snapshot's models table", name or usage)
            continue
        region = attributes.get("regionCode", "")
        if region not in catalog.regions:
            report.skip("region not in the snapshot's regions table", region or usage)
            continue
        service = item.get("serviceCode") or attributes.get("servicecode")
        kind = (
            _classify_marketplace(usage)
            if service == "AmazonBedrockFoundationModels"
            else _classify_first_party(attributes)
        )
        if isinstance(kind, str):
            report.skip(kind, usage)
            continue
        dimension, batch, is_global = kind
        column = TOKEN_COLUMNS.get((dimension, batch))
        if column is None:
            report.skip("batch cache prices are not modelled", usage)
            continue
        for dim in dimensions(item):
            if dim.term != "OnDemand":
                continue
            key = (model_id, "global" if is_global else "in_region", region, dim.effective_from)
            if service == "AmazonBedrockFoundationModels" and dim.unit == "Units":
                tokens = MARKETPLACE_TOKENS_PER_UNIT
            elif dim.unit in TOKENS_PER_UNIT:
                tokens = TOKENS_PER_UNIT[dim.unit]
            else:
                report.skip(f"unknown unit {dim.unit!r}", usage)
                unread[key][column] = f"unknown unit {dim.unit!r} (usage type {usage})"
                continue
            if dim.usd is None:
                report.skip("price that cannot be read", usage)
                unread[key][column] = f"{dim.problem} (usage type {usage})"
                continue
            if dim.usd == 0:
                report.skip("zero price (placeholder)", usage)
                continue
            per_million = _number(dim.usd * Decimal(MILLION) / tokens)
            previous = cells[key].get(column)
            if previous is not None and previous != per_million:
                report.problems.append(
                    f"{model_id} {key[1]} {region} {column}: two prices ({previous} and "
                    f"{per_million}, usage type {usage}); the row is left out"
                )
                cells[key][column] = float("nan")
                continue
            cells[key][column] = per_million
            report.used[service or "?"] += 1
    kept = _carry_unread(cells, unread, catalog, as_of, report)
    rows = []
    for (model_id, scope, region, start), prices in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2], str(kv[0][3]))
    ):
        if any(value != value for value in prices.values()):  # NaN marks an ambiguity
            continue
        if not prices:
            continue
        row_source, row_as_of, notes = source, as_of, ""
        carried = kept.get((model_id, scope, region, start), [])
        if carried:  # a kept old price is labelled as what it is, never as read today
            if {column for column, _ in carried} == set(prices):
                row_source, row_as_of = carried[0][1].source, carried[0][1].as_of
            notes = "; ".join(
                f"{column} carried over from snapshot {catalog.snapshot_id} (source "
                f"{old.source}, as of {old.as_of}): the Price List's value could not be read"
                for column, old in carried
            )
        rows.append(
            OnDemandPrice(
                source=row_source,
                as_of=row_as_of,
                effective_from=start,
                effective_until=None,
                notes=notes,
                model_id=model_id,
                scope=cast(Scope, scope),
                geography=catalog.regions[region].geography,
                region=region,
                usd_per_1m_input_tokens=prices.get("usd_per_1m_input_tokens"),
                usd_per_1m_output_tokens=prices.get("usd_per_1m_output_tokens"),
                usd_per_1m_cache_read_input_tokens=prices.get("usd_per_1m_cache_read_input_tokens"),
                usd_per_1m_cache_write_input_tokens=prices.get(
                    "usd_per_1m_cache_write_input_tokens"
                ),
                usd_per_1m_batch_input_tokens=prices.get("usd_per_1m_batch_input_tokens"),
                usd_per_1m_batch_output_tokens=prices.get("usd_per_1m_batch_output_tokens"),
            )
        )
    return rows


def _carry_unread(
    cells: dict[tuple[str, str, str, dt.date | None], dict[str, float]],
    unread: dict[tuple[str, str, str, dt.date | None], dict[str, str]],
    catalog: Catalog,
    as_of: dt.date,
    report: ParseReport,
) -> dict[tuple[str, str, str, dt.date | None], list[tuple[str, OnDemandPrice]]]:
    """Prices the Price List lists but that could not be read keep the previous snapshot's
    value (the row an estimate would use on `as_of` for the same model, scope and region), and
    each one is a reported problem. Returns, per cell, the columns kept and the row they came
    from (its source and as-of date go with them)."""
    kept: dict[tuple[str, str, str, dt.date | None], list[tuple[str, OnDemandPrice]]] = {}
    for key, columns in sorted(unread.items(), key=lambda kv: tuple(map(str, kv[0]))):
        model_id, scope, region, _ = key
        match = on_demand_price(catalog, model_id, scope, region, None, as_of)
        previous = None if isinstance(match, Missing) or match.via_source_region else match.row
        for column, why in sorted(columns.items()):
            if column in cells[key]:
                continue  # another SKU of the same cell was read
            value = getattr(previous, column) if previous is not None else None
            where = f"{model_id} {scope} {region} {column}"
            if value is None:
                report.problems.append(f"{where}: {why}; no previous price to carry over")
                continue
            cells[key][column] = value
            assert previous is not None
            kept.setdefault(key, []).append((column, previous))
            report.problems.append(
                f"{where}: {why}; the previous price {value:g} (snapshot "
                f"{catalog.snapshot_id}) is carried over"
            )
            report.carried_over.append(
                {
                    "model_id": model_id,
                    "scope": scope,
                    "region": region,
                    "column": column,
                    "value": value,
                    "reason": why,
                }
            )
    for key in [k for k, v in cells.items() if not v]:
        del cells[key]
    return kept


# --- EC2 and SageMaker -----------------------------------------------------------------------

EC2_FILTERS = {
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
}
"""Attributes that make an EC2 product the plain Linux on-demand instance (AWS-FORMATS §1.5)."""
_RESERVED = {
    ("1yr", "standard", "No Upfront"): "reserved_1y",
    ("3yr", "standard", "No Upfront"): "reserved_3y",
}


def _hourly(dim: Dimension) -> bool:
    return dim.unit in HOURLY_UNITS


def instance_rows(
    items: Iterable[dict[str, Any]],
    catalog: Catalog,
    source: str,
    as_of: dt.date,
    report: ParseReport,
) -> list[InstancePrice]:
    """EC2 (on-demand, 1- and 3-year standard no-upfront reserved) and SageMaker hosting."""
    prices: dict[tuple[str, str, str, str, dt.date | None], float] = {}
    for item in items:
        attributes = attributes_of(item)
        service = item.get("serviceCode") or attributes.get("servicecode")
        region = attributes.get("regionCode", "")
        if region not in catalog.regions:
            report.skip("region not in the snapshot's regions table", region)
            continue
        if service == "AmazonEC2":
            if any(attributes.get(k, v) != v for k, v in EC2_FILTERS.items()):
                report.skip(
                    "not a plain Linux shared-tenancy instance", attributes.get("usagetype", "")
                )
                continue
            platform, name = "ec2", attributes.get("instanceType", "")
            known = name in catalog.instance_types
        elif service == "AmazonSageMaker":
            usage = attributes.get("usagetype", "")
            if "Host:" not in usage:
                report.skip("SageMaker usage other than real-time hosting", usage)
                continue
            platform, name = "sagemaker", attributes.get("instanceName", "")
            known = name.removeprefix("ml.") in catalog.instance_types
        else:
            report.skip("not an instance product", str(service))
            continue
        if not known:
            report.skip("instance type not in the snapshot's instance_types table", name)
            continue
        for dim in dimensions(item):
            if not _hourly(dim):
                continue  # e.g. the reserved term's upfront "Quantity" dimension
            if dim.term == "OnDemand":
                purchase = "on_demand"
            else:
                attrs = dim.term_attributes
                purchase = _RESERVED.get(
                    (
                        attrs.get("LeaseContractLength", ""),
                        attrs.get("OfferingClass", ""),
                        attrs.get("PurchaseOption", ""),
                    ),
                    "",
                )
                if not purchase:
                    continue
            if dim.usd is None:
                report.skip("price that cannot be read", name)
                report.problems.append(
                    f"{platform} {name} {region} {purchase}: {dim.problem}; the previous price "
                    f"(if any) is carried over"
                )
                continue
            if dim.usd == 0:
                report.skip("zero price (placeholder)", name)
                continue
            prices[(platform, name, region, purchase, dim.effective_from)] = _number(dim.usd)
            report.used[service] += 1
    return [
        InstancePrice(
            source=source,
            as_of=as_of,
            effective_from=start,
            effective_until=None,
            notes="",
            platform=cast(PricedPlatform, platform),
            instance_type=name,
            region=region,
            purchase=cast(Purchase, purchase),
            usd_per_hour=usd,
        )
        for (platform, name, region, purchase, start), usd in sorted(
            prices.items(), key=lambda kv: tuple(str(k) for k in kv[0])
        )
    ]
