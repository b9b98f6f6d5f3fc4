"""Typed rows of the snapshot's tables. Units live in the field names.

The row types are the one declaration of each table's columns: catalog/columns.py reads the
CSV parsers, the column order and the optional columns off their fields (a `Literal` field is
a choice, `float | None` a price that may be missing, `Text` text that may be empty), the
price book its row models (catalog/pricebook.py), and the documents their JSON rows
(`json_row`: the same fields, dates as ISO text).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

from genai_cost.vocabulary import (
    TERMS,
    BilledUnit,
    Customization,
    Purchase,
    Scope,
    Term,
    Tier,
    UnitKind,
)

PROVISIONED_TERMS = TERMS
TRANSFORM_PLATFORM = "sagemaker_transform"
"""Instance-price rows of SageMaker batch transform (jobs; rates differ slightly from hosting)."""
PricedPlatform = Literal["ec2", "sagemaker", "sagemaker_transform"]
"""Where an instance price applies: EC2, SageMaker hosting, or SageMaker batch transform."""
Text = Annotated[str, "may be empty"]
"""A text column that may be left empty (notes)."""


@dataclass(frozen=True)
class Source:
    """A source of prices or facts: its key (which rows cite), title, where to find it and
    the date it was read."""

    key: str
    title: str
    reference: str
    as_of: dt.date
    notes: str = ""


@dataclass(frozen=True)
class Region:
    """An AWS Region: its code, name, geography and the cross-Region inference profiles
    (geo prefixes) that serve it."""

    region: str
    name: str
    geography: str
    geo_profiles: tuple[str, ...]


@dataclass(frozen=True)
class BedrockModel:
    """A model Bedrock serves: its id, maker, kind, whether its weights are open, and how the
    Price List names it."""

    model_id: str
    name: str
    provider: str
    kind: str
    open_weights: bool
    price_list_name: str
    """How the AWS Price List names the model: the `model` (or `titanModel`) attribute under
    AmazonBedrock, or the servicename before " (Amazon Bedrock Edition)"."""
    price_list_name_source: str
    source: str
    as_of: dt.date
    max_input_tokens: float | None = None
    """The model's context window (input tokens per request), where a source states it."""
    max_input_tokens_source: Text = ""
    """The source key of `max_input_tokens`."""


@dataclass(frozen=True)
class Dated:
    """Common provenance and validity of a price row."""

    source: str
    as_of: dt.date
    effective_from: dt.date | None
    effective_until: dt.date | None
    notes: Text

    def effective_on(self, day: dt.date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return not (self.effective_until is not None and day > self.effective_until)


@dataclass(frozen=True)
class OnDemandPrice(Dated):
    """Bedrock on-demand and batch token prices of one model, scope, tier and Region (USD per
    million tokens; None where the source gives no price)."""

    model_id: str
    scope: Scope
    geography: str
    region: str
    usd_per_1m_input_tokens: float | None
    usd_per_1m_output_tokens: float | None
    usd_per_1m_cache_read_input_tokens: float | None
    usd_per_1m_cache_write_input_tokens: float | None
    usd_per_1m_batch_input_tokens: float | None
    usd_per_1m_batch_output_tokens: float | None
    tier: Tier = "standard"
    usd_per_1m_cache_write_1h_input_tokens: float | None = None
    """Cache writes kept for one hour (the plain cache-write price is the 5-minute one)."""
    long_context_threshold_tokens: float | None = None
    """Input tokens per request above which the whole request is billed at the `_long`
    prices (AWS's long-context rate), when the model has one."""
    usd_per_1m_input_tokens_long: float | None = None
    usd_per_1m_output_tokens_long: float | None = None
    usd_per_1m_cache_read_input_tokens_long: float | None = None
    usd_per_1m_cache_write_input_tokens_long: float | None = None
    usd_per_1m_audio_input_tokens: float | None = None
    """Speech input (audio) tokens, where a model bills them apart from text (Nova Sonic)."""
    usd_per_1m_audio_output_tokens: float | None = None
    """Speech output (audio) tokens."""
    usd_per_input_image: float | None = None
    """USD per input image, where a model bills images apart from tokens (multimodal
    embeddings)."""
    usd_per_input_video_second: float | None = None
    """USD per second of input video (video understanding and embedding models)."""
    usd_per_input_audio_second: float | None = None
    """USD per second of input audio (embedding models that bill audio by duration)."""


@dataclass(frozen=True)
class UnitPrice(Dated):
    """A Bedrock on-demand price per unit other than tokens: per image generated or edited,
    per rerank query. `variant` names what the price depends on besides the model (an image
    size and step count as the source states it, e.g. `1024x1024/50-steps`); empty where the
    source gives the model one price."""

    model_id: str
    kind: UnitKind
    variant: Text
    unit: BilledUnit
    scope: Scope
    geography: str
    region: str
    usd_per_unit: float


@dataclass(frozen=True)
class ProvisionedPrice(Dated):
    """Bedrock Provisioned Throughput: USD per model unit and hour, for one model, Region and
    commitment term."""

    model_id: str
    geography: str
    region: str
    term: Term
    usd_per_model_unit_hour: float


@dataclass(frozen=True)
class InstanceType:
    """An instance type's hardware: accelerators, their memory, vCPUs and memory."""

    instance_type: str
    accelerator: str
    accelerator_count: int
    accelerator_memory_gib: float
    vcpu: int
    memory_gib: float
    source: str
    as_of: dt.date


@dataclass(frozen=True)
class InstancePrice(Dated):
    """USD per instance hour on one platform (EC2, SageMaker hosting or batch transform), in one
    Region, for one purchase option."""

    platform: PricedPlatform
    instance_type: str
    region: str
    purchase: Purchase
    usd_per_hour: float


@dataclass(frozen=True)
class ThroughputBenchmark:
    """A measured generation throughput: output tokens per second of one instance serving a
    model with an engine, at a stated request shape."""

    model_id: str
    instance_type: str
    benchmarked_model: str
    accelerator: str
    accelerator_count: int
    engine: str
    precision: Text
    input_tokens: float
    output_tokens: float
    output_tokens_per_second_per_instance: float
    source: str
    as_of: dt.date
    notes: Text


def ec2_name(instance_type: str) -> str:
    """`ml.g5.xlarge` -> `g5.xlarge` (SageMaker names the same hardware with an `ml.` prefix)."""
    return instance_type.removeprefix("ml.")


@dataclass(frozen=True)
class ServicePrice(Dated):
    """One graduated tier of a supporting service's price (USD per `unit`)."""

    service: str
    item: str
    unit: str
    geography: str
    region: str
    from_quantity: float
    to_quantity: float | None
    usd_per_unit: float


@dataclass(frozen=True)
class ServiceLimit:
    """A stated minimum, allowance or size of a supporting service (for example OpenSearch
    Serverless's minimum OCUs, or Lambda's free requests a month), with its unit and source."""

    service: str
    item: str
    value: float
    unit: str
    source: str
    as_of: dt.date
    notes: Text


@dataclass(frozen=True)
class CustomizationPrice(Dated):
    """Bedrock customization prices of one model and method: training tokens, custom-model
    storage per month, and no-commitment custom-model unit hours."""

    model_id: str
    customization: Customization
    usd_per_1m_training_tokens: float | None
    usd_per_custom_model_month: float | None
    custom_usd_per_model_unit_hour_no_commitment: float | None
    geography: str
    region: str


@dataclass(frozen=True)
class PriceConflict:
    """Two sources disagree on a price: which one the snapshot keeps, and why.

    `rejected_family` is the losing source without its version (`litellm` for `litellm`,
    `litellm-1.110.2` …); an import from that family leaves the kept price alone.
    """

    table: Literal["bedrock_on_demand", "bedrock_provisioned", "instance_prices"]
    model_id: str
    scope: str
    geography: str
    region: str
    tier: str
    column: str
    """A price column, or `*` for every price column of the row."""
    kept_value: float | None
    rejected_family: str
    rejected_value: float | None
    reason: str
    source: str
    """The source of the kept price."""
    as_of: dt.date
    """When the conflict was decided."""


ON_DEMAND_PRICE_COLUMNS: tuple[str, ...] = tuple(
    f.name
    for f in fields(OnDemandPrice)
    if f.name.startswith("usd_") or f.name == "long_context_threshold_tokens"
)
"""The figures of a bedrock_on_demand row (compared by `pricing diff` and `pricing import`)."""


def _json_type(kind: Any) -> dict[str, Any]:
    """The JSON Schema of a field of type `kind`, as its JSON row writes it."""
    if typing.get_origin(kind) is Annotated:
        return _json_type(typing.get_args(kind)[0])
    if typing.get_origin(kind) is Literal:
        return {"enum": list(typing.get_args(kind)), "type": "string"}
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        options = [_json_type(a) for a in typing.get_args(kind) if a is not type(None)]
        return {"anyOf": [*options, {"type": "null"}]}
    simple = {str: "string", dt.date: "string", float: "number", int: "integer", bool: "boolean"}
    if kind is tuple or typing.get_origin(kind) is tuple:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": simple[kind]}


def row_schema(row_type: type, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON Schema of a row type's JSON form (`json_row`), fields in order."""
    hints = typing.get_type_hints(row_type, include_extras=True)
    names = [f.name for f in fields(row_type) if f.name not in leave_out]
    return {
        "type": "object",
        "title": row_type.__name__,
        "properties": {name: _json_type(hints[name]) for name in names},
        "required": names,
        "additionalProperties": False,
    }


def json_row(row: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as JSON: its fields (less `leave_out`) in order, dates as ISO text."""
    out = {}
    for f in fields(row):
        if f.name in leave_out:
            continue
        value = getattr(row, f.name)
        out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
    return out
