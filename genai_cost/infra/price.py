"""Resources priced from the snapshot where the definition fixes their capacity: a SageMaker
endpoint configuration's instances, a Bedrock provisioned-throughput commitment, an
OpenSearch Serverless collection's minimum OCUs, a GPU instance. Every other resource is
listed with why it has no fixed price here — usage-priced (Lambda, API Gateway, knowledge
bases, agents, guardrails: their cost follows traffic a scenario describes), billed through
another resource, or not a resource genai-cost prices — never priced as zero.

Each price is the one the estimate uses for the same capacity (catalog/lookup.py), over the
month's hours (730, or a calendar month's with `--month`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from genai_cost.catalog.lookup import Missing, instance_price, provisioned_price
from genai_cost.catalog.snapshot import Catalog
from genai_cost.engine.costs.parts import Part, tiered_parts
from genai_cost.engine.costs.services import line as service_line
from genai_cost.infra.read import Unknown
from genai_cost.infra.usage import ResourceUsage

ENDPOINT_CONFIGS = {"aws_sagemaker_endpoint_configuration", "AWS::SageMaker::EndpointConfig"}
PROVISIONED = {"aws_bedrock_provisioned_model_throughput"}
COLLECTIONS = {"aws_opensearchserverless_collection", "AWS::OpenSearchServerless::Collection"}
INSTANCES = {"aws_instance", "AWS::EC2::Instance"}
USAGE_KINDS = {
    "aws_lambda_function": "lambda",
    "AWS::Lambda::Function": "lambda",
    "aws_apigatewayv2_api": "api",
    "AWS::ApiGatewayV2::Api": "api",
    "aws_api_gateway_rest_api": "api",
    "AWS::ApiGateway::RestApi": "api",
    "aws_s3_bucket": "s3",
    "AWS::S3::Bucket": "s3",
    "aws_opensearchserverless_collection": "collection",
    "AWS::OpenSearchServerless::Collection": "collection",
}
"""Resources a usage file can describe, and which usage each takes (infra/usage.py)."""
USAGE_PRICED = {
    "aws_lambda_function": "Lambda: requests and GB-seconds",
    "AWS::Lambda::Function": "Lambda: requests and GB-seconds",
    "aws_apigatewayv2_api": "API Gateway HTTP/WebSocket: requests",
    "AWS::ApiGatewayV2::Api": "API Gateway HTTP/WebSocket: requests",
    "aws_api_gateway_rest_api": "API Gateway REST: requests",
    "AWS::ApiGateway::RestApi": "API Gateway REST: requests",
    "aws_bedrockagent_knowledge_base": "Bedrock knowledge base: retrieval and its vector store",
    "AWS::Bedrock::KnowledgeBase": "Bedrock knowledge base: retrieval and its vector store",
    "aws_bedrockagent_agent": "Bedrock agent: the model tokens of its invocations",
    "AWS::Bedrock::Agent": "Bedrock agent: the model tokens of its invocations",
    "aws_bedrock_guardrail": "Bedrock guardrail: text units screened",
    "AWS::Bedrock::Guardrail": "Bedrock guardrail: text units screened",
    "aws_s3_bucket": "S3: storage and requests",
    "AWS::S3::Bucket": "S3: storage and requests",
}
INCLUDED = {
    "aws_sagemaker_endpoint": "billed through its endpoint configuration",
    "AWS::SageMaker::Endpoint": "billed through its endpoint configuration",
    "aws_sagemaker_model": "no charge of its own (its endpoint's instances are billed)",
    "AWS::SageMaker::Model": "no charge of its own (its endpoint's instances are billed)",
    "aws_appautoscaling_policy": "no charge of its own",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "no charge of its own",
    "aws_iam_role": "no charge",
    "aws_iam_role_policy": "no charge",
    "aws_iam_role_policy_attachment": "no charge",
    "AWS::IAM::Role": "no charge",
    "AWS::IAM::Policy": "no charge",
}
SCALABLE_TARGETS = {"aws_appautoscaling_target", "AWS::ApplicationAutoScaling::ScalableTarget"}
ENDPOINTS = {"aws_sagemaker_endpoint", "AWS::SageMaker::Endpoint"}
TERMS = {None: "no_commitment", "OneMonth": "1_month", "SixMonths": "6_months"}
"""Terraform's `commitment_duration` → the snapshot's provisioned-throughput terms."""


@dataclass(frozen=True)
class Peers:
    """The other resources of the same state of a definition that a resource's price
    depends on: a scalable target's endpoint (by name) and that endpoint's configuration."""

    endpoints: dict[str, Any] = field(default_factory=dict)
    """Endpoint name → its configuration's name (or Unknown)."""
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Endpoint configuration name → its state."""


def peers_of(states: list[tuple[str, dict[str, Any] | None]]) -> Peers:
    """The endpoints and endpoint configurations among (type, state) pairs, by name."""
    found = Peers()
    for kind, state in states:
        if not isinstance(state, dict):
            continue
        if kind in ENDPOINTS:
            name = _get(state, "name", "EndpointName")
            if isinstance(name, str):
                found.endpoints[name] = _get(state, "endpoint_config_name", "EndpointConfigName")
        elif kind in ENDPOINT_CONFIGS:
            name = _get(state, "name", "EndpointConfigName")
            if isinstance(name, str):
                found.configs[name] = state
    return found


@dataclass
class Priced:
    """A resource state's monthly cost: its parts, or why it has no fixed price here."""

    status: str
    """`priced`, `missing` (a price the snapshot lacks), `unknown` (a value the definition
    leaves open), `usage`, `included` or `not-priced` (a resource genai-cost does not price)."""
    parts: list[Part] = field(default_factory=list)
    reason: str = ""
    facts: dict[str, str] = field(default_factory=dict)
    """The attributes that decide the price (`instance_type`, `instance_count` …)."""

    @property
    def usd(self) -> float | None:
        if self.status != "priced":
            return None
        return sum((p.quantity or 0.0) * (p.usd_per_unit or 0.0) for p in self.parts)


class _Open(Exception):
    """A value the definition leaves open, or gives out of range: the resource is unknown."""


def _quantity(value: Any, what: str, *, least: float = 0.0) -> float:
    """A count or size from a definition — a number, or a parameter's text — checked as
    scenario numbers are: a whole number at least `least`, never a bool, NaN or negative."""
    if isinstance(value, Unknown):
        raise _Open(f"{what} {value.why}")
    if value is None:
        raise _Open(f"{what} not set")
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < least or not number.is_integer():
        raise _Open(f"{what} {value!r} is not a whole number of at least {least:g}")
    return number


def _get(state: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in state:
            return state[name]
    return None


def _one(value: Any) -> Any:
    """Terraform writes a nested block as a list of one."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def price_state(
    kind: str, state: dict[str, Any] | None, region: str, catalog: Catalog, day: dt.date,
    hours: float, usage: ResourceUsage | None = None, peers: Peers | None = None,
    deferred: str | None = None,
) -> Priced:  # fmt: skip
    """A resource state's monthly cost; `peers` are the definition's other resources in the
    same state (a scalable target's floor is priced against its endpoint's configuration);
    `deferred`, why Terraform deferred the change (its cost is then unknown)."""
    if deferred is not None and kind not in INCLUDED:
        return Priced("unknown", reason=f"deferred by Terraform: {deferred}")
    if state is None:
        return Priced("absent")
    try:
        return _price(kind, state, region, catalog, day, hours, usage, peers)
    except _Open as exc:
        return Priced("unknown", reason=str(exc))


def _price(
    kind: str, state: dict[str, Any], region: str, catalog: Catalog, day: dt.date,
    hours: float, usage: ResourceUsage | None, peers: Peers | None,
) -> Priced:  # fmt: skip
    if kind in SCALABLE_TARGETS:
        return _scalable_target(state, peers or Peers(), region, catalog, day, hours)
    if kind in ENDPOINT_CONFIGS:
        return _endpoint_config(state, region, catalog, day, hours)
    if kind in PROVISIONED:
        return _provisioned(state, region, catalog, day, hours)
    if kind in COLLECTIONS:
        return _collection(state, region, catalog, day, hours, usage)
    if usage is not None and USAGE_KINDS.get(kind) in ("lambda", "api", "s3"):
        return _usage(kind, state, region, catalog, day, usage)
    if kind in INSTANCES:
        return _instance(state, region, catalog, day, hours)
    if kind in USAGE_PRICED:
        if kind in USAGE_KINDS:
            return Priced(
                "usage",
                reason=f"usage-priced ({USAGE_PRICED[kind]}): give its usage (a usage file, "
                "or the scenario's infrastructure.resources)",
            )
        return Priced(
            "usage",
            reason=f"usage-priced ({USAGE_PRICED[kind]}); the snapshot has no prices for it "
            "yet: describe its traffic in a scenario's workloads",
        )
    if kind in INCLUDED:
        return Priced("included", reason=INCLUDED[kind])
    return Priced("not-priced", reason="not a resource genai-cost prices")


def _unknown(value: Any) -> str | None:
    return value.why if isinstance(value, Unknown) else None


def _endpoint_config(
    state: dict[str, Any], region: str, catalog: Catalog, day: dt.date, hours: float
) -> Priced:
    variants = _get(state, "production_variants", "ProductionVariants")
    if isinstance(variants, Unknown) or not isinstance(variants, list):
        return Priced("unknown", reason="production variants not known from the definition")
    parts: list[Part] = []
    facts: dict[str, str] = {}
    for n, variant in enumerate(variants):
        if not isinstance(variant, dict):
            continue
        name = str(_get(variant, "variant_name", "VariantName") or f"variant {n + 1}")
        serverless = _one(_get(variant, "serverless_config", "ServerlessConfig"))
        if serverless:
            return Priced(
                "usage",
                reason=f"{name}: serverless inference is usage-priced (seconds of compute by "
                "memory): describe its traffic in a scenario (option serverless)",
            )
        kind = _get(variant, "instance_type", "InstanceType")
        why = _unknown(kind)
        if why or kind is None:
            return Priced("unknown", reason=f"{name}: instance type {why or 'not set'}")
        instances = _quantity(
            _get(variant, "initial_instance_count", "InitialInstanceCount"),
            f"{name}: instance count",
        )
        facts[f"{name}.instance_type"] = str(kind)
        facts[f"{name}.instance_count"] = f"{instances:g}"
        part = _hosting(f"{name} instances", kind, instances, region, catalog, day, hours)
        if isinstance(part, Missing):
            return Priced("missing", reason=part.reason, facts=facts)
        parts.append(part)
    return Priced("priced", parts, facts=facts)


def _hosting(
    label: str, kind: Any, instances: float, region: str, catalog: Catalog, day: dt.date,
    hours: float, why: str = "",
) -> Part | Missing:  # fmt: skip
    """`instances` of SageMaker hosting instance type `kind`, on demand, for the month's
    hours (`why` opens the line's detail)."""
    found = instance_price(
        catalog, "sagemaker", str(kind).removeprefix("ml."), region, "on_demand", day
    )
    if isinstance(found, Missing):
        return found
    return Part(
        label,
        instances * hours,
        "instance-hours",
        found.usd_per_hour,
        (found.source,),
        f"{why}{instances:g} × {kind} × {hours:g} h (SageMaker hosting, on demand)",
    )


_VARIANT = re.compile(r"^endpoint/([^/]+)/variant/([^/]+)$")
SCALING_NOTE = (
    "the configuration's instance count is priced for every hour (describe the daily "
    "profile in a scenario to price the scaling)"
)


def _scalable_target(
    state: dict[str, Any], peers: Peers, region: str, catalog: Catalog, day: dt.date,
    hours: float,
) -> Priced:  # fmt: skip
    """A SageMaker variant's auto-scaling floor: instances the configuration does not count
    run whenever `min_capacity` is above the configuration's initial instance count (AWS
    Application Auto Scaling keeps the variant at or above the minimum), priced here as the
    difference × the month's hours. Any other scalable target has no charge of its own."""
    dimension = _get(state, "scalable_dimension", "ScalableDimension")
    if isinstance(dimension, str) and dimension != "sagemaker:variant:DesiredInstanceCount":
        return Priced("included", reason="no charge of its own (scales another resource)")
    target = _get(state, "resource_id", "ResourceId")
    floor = _get(state, "min_capacity", "MinCapacity")
    match = _VARIANT.match(target) if isinstance(target, str) else None
    if match is None or isinstance(floor, Unknown) or floor is None:
        return Priced(
            "included",
            reason="scales an endpoint variant the definition does not name statically; "
            f"{SCALING_NOTE}; a min_capacity above it is not counted",
        )
    endpoint, variant_name = match.groups()
    config_name = peers.endpoints.get(endpoint)
    config = peers.configs.get(config_name) if isinstance(config_name, str) else None
    variant = None
    if config is not None:
        variants = _get(config, "production_variants", "ProductionVariants")
        for candidate in variants if isinstance(variants, list) else []:
            name = (
                _get(candidate, "variant_name", "VariantName")
                if isinstance(candidate, dict)
                else None
            )
            if name == variant_name:
                variant = candidate
    where = f"endpoint {endpoint} variant {variant_name}"
    if variant is None:
        return Priced(
            "included",
            reason=f"scales {where}, whose configuration is not in the definition by name; "
            f"{SCALING_NOTE}; a min_capacity above it is not counted",
        )
    kind = _get(variant, "instance_type", "InstanceType")
    if _unknown(kind) or kind is None:
        return Priced("unknown", reason=f"{where}: instance type {_unknown(kind) or 'not set'}")
    count = _quantity(
        _get(variant, "initial_instance_count", "InitialInstanceCount"),
        f"{where}: instance count",
    )
    minimum = _quantity(floor, f"{where}: min_capacity")
    extra = minimum - count
    facts = {"min_capacity": f"{minimum:g}"}
    if extra <= 0:
        return Priced(
            "included",
            reason=f"scales {where} from min_capacity {minimum:g}; {SCALING_NOTE}",
            facts=facts,
        )
    part = _hosting(
        f"{variant_name} instances above the configuration", kind, extra, region, catalog, day,
        hours, f"min_capacity {minimum:g} − {count:g} configured = ",
    )  # fmt: skip
    if isinstance(part, Missing):
        return Priced("missing", reason=part.reason, facts=facts)
    return Priced("priced", [part], facts=facts)


_CONTEXT = re.compile(r":\d+k$")


def model_of(arn: str, catalog: Catalog) -> str | None:
    """The snapshot's model id of a foundation-model ARN (a provisioned model's context
    variant, `:8k`, dropped)."""
    model = arn.rsplit("foundation-model/", 1)[-1]
    for candidate in (model, _CONTEXT.sub("", model)):
        if candidate in catalog.models:
            return candidate
    return None


def _provisioned(
    state: dict[str, Any], region: str, catalog: Catalog, day: dt.date, hours: float
) -> Priced:
    arn, units = state.get("model_arn"), state.get("model_units")
    commitment = state.get("commitment_duration")
    why = _unknown(arn) or _unknown(units) or _unknown(commitment)
    if why or arn is None or units is None:
        return Priced("unknown", reason=f"model or model units {why or 'not set'}")
    units = _quantity(units, "model_units", least=1)
    model = model_of(str(arn), catalog)
    facts = {"model": str(arn), "model_units": f"{units:g}", "term": str(commitment or "none")}
    if model is None:
        return Priced("missing", reason=f"model {arn} is not in the snapshot", facts=facts)
    term = TERMS.get(commitment)
    if term is None:
        return Priced("unknown", reason=f"commitment_duration {commitment!r}", facts=facts)
    found = provisioned_price(catalog, model, region, term, day)
    if isinstance(found, Missing):
        return Priced("missing", reason=found.reason, facts=facts)
    return Priced(
        "priced",
        [
            Part(
                "model units",
                float(units) * hours,
                "model unit-hours",
                found.usd_per_model_unit_hour,
                (found.source,),
                f"{units:g} model units × {hours:g} h, {term.replace('_', ' ')}",
            )
        ],
        facts=facts,
    )


def _collection(
    state: dict[str, Any],
    region: str,
    catalog: Catalog,
    day: dt.date,
    hours: float,
    usage: ResourceUsage | None = None,
) -> Priced:
    standby = _get(state, "standby_replicas", "StandbyReplicas") or "ENABLED"
    if isinstance(standby, Unknown):
        return Priced("unknown", reason=f"standby replicas {standby.why}")
    redundant = str(standby).upper() != "DISABLED"
    key = "minimum_ocus_redundant" if redundant else "minimum_ocus_without_redundancy"
    limit = catalog.service_limits.get(("opensearch_serverless", key))
    facts = {"standby_replicas": "enabled" if redundant else "disabled"}
    if limit is None:
        return Priced("missing", reason="the snapshot has no OpenSearch Serverless minimum OCUs")
    average = usage.ocus if usage is not None and usage.ocus is not None else 0.0
    ocus = max(average, limit.value)
    priced = service_line(
        catalog, "opensearch_serverless", "ocu_hour", ocus * hours, region, day, "ocus"
    )
    if priced["reason"] is not None:
        return Priced("missing", reason=priced["reason"], facts=facts)
    detail = (
        f"max({average:g} OCUs, the service minimum {limit.value:g}) × {hours:g} h"
        if usage is not None and usage.ocus is not None
        else f"the service minimum {limit.value:g} OCUs × {hours:g} h (storage and OCUs above "
        "the minimum follow usage: a usage file gives them)"
    )
    parts = [
        Part(
            "minimum OCUs",
            p.quantity,
            "OCU-hours",
            p.usd_per_unit,
            tuple(sorted({*p.sources, limit.source})),
            detail,
        )
        for p in tiered_parts(priced)
    ]
    if usage is not None and usage.storage_gb:
        stored = service_line(
            catalog, "opensearch_serverless", "managed_storage", usage.storage_gb, region, day,
            "storage",
        )  # fmt: skip
        if stored["reason"] is not None:
            return Priced("missing", reason=stored["reason"], facts=facts)
        parts += [
            Part(
                "storage", p.quantity, "GB-month", p.usd_per_unit, p.sources, "from the usage file"
            )
            for p in tiered_parts(stored)
        ]
    return Priced("priced", parts, facts=facts)


def _usage(
    kind: str,
    state: dict[str, Any],
    region: str,
    catalog: Catalog,
    day: dt.date,
    usage: ResourceUsage,
) -> Priced:
    """A usage-priced resource with its usage file entry: priced as the scenario's
    supporting services price the same usage (engine/costs/services.py)."""
    from genai_cost.engine.costs.services import price_supporting
    from genai_cost.scenario.models import SupportingServices

    what = USAGE_KINDS[kind]
    facts: dict[str, str] = {}
    services: dict[str, Any] = {}
    requests = usage.requests_per_month or 0.0
    if what == "lambda":
        arch = _get(state, "architectures", "Architectures") or ["x86_64"]
        architecture = "arm" if isinstance(arch, list) and "arm64" in arch else "x86"
        memory = _get(state, "memory_size", "MemorySize")
        # AWS's default is 128 MB, its range 128 to 10,240 MB
        megabytes = 128.0 if memory is None else _quantity(memory, "memory_size", least=128)
        seconds = usage.gb_seconds_per_month
        facts = {"architecture": architecture, "memory_size": f"{megabytes:g} MB"}
        if seconds is None and usage.average_duration_ms is None and requests > 0:
            return Priced(
                "missing",
                reason="its compute is not known: give average_duration_ms (or "
                "gb_seconds_per_month) with its requests",
                facts=facts,
            )
        if seconds is None:
            seconds = requests * (usage.average_duration_ms or 0.0) / 1000 * megabytes / 1024
        services["lambda"] = {
            "requests_per_month": requests,
            "gb_seconds_per_month": seconds,
            "architecture": architecture,
        }
    elif what == "api":
        protocol = str(_get(state, "protocol_type", "ProtocolType") or "REST").upper()
        if protocol == "WEBSOCKET":
            return Priced("missing", reason="WebSocket API prices are not in the snapshot")
        facts = {"protocol": protocol}
        services["api_gateway"] = {
            "kind": "http" if protocol == "HTTP" else "rest",
            "requests_per_month": requests,
        }
    else:
        services["s3_storage_gb"] = usage.storage_gb or 0.0
    record = price_supporting(SupportingServices.model_validate(services), catalog, region, day)
    parts: list[Part] = []
    for line in record["components"]:
        for p in tiered_parts(line):
            if p.reason is not None:
                return Priced("missing", reason=p.reason, facts=facts)
            parts.append(Part(p.name, p.quantity, p.unit, p.usd_per_unit, p.sources, p.detail))
    return Priced("priced", parts, facts=facts)


def _instance(
    state: dict[str, Any], region: str, catalog: Catalog, day: dt.date, hours: float
) -> Priced:
    kind = _get(state, "instance_type", "InstanceType")
    if isinstance(kind, Unknown) or kind is None:
        return Priced("unknown", reason=f"instance type {_unknown(kind) or 'not set'}")
    facts = {"instance_type": str(kind)}
    if str(kind) not in catalog.instance_types:
        return Priced(
            "not-priced",
            reason=f"{kind} is not a GPU or accelerator instance type genai-cost prices",
            facts=facts,
        )
    found = instance_price(catalog, "ec2", str(kind), region, "on_demand", day)
    if isinstance(found, Missing):
        return Priced("missing", reason=found.reason, facts=facts)
    return Priced(
        "priced",
        [
            Part(
                "instance",
                hours,
                "instance-hours",
                found.usd_per_hour,
                (found.source,),
                f"1 × {kind} × {hours:g} h (EC2, on demand)",
            )
        ],
        facts=facts,
    )
