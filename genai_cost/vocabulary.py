"""The words of the domain, each declared once: a `Literal` type (for pydantic models, typed
documents and mypy) and the tuple of its values, read off the type (for CSV parsers, CLI
choices and messages)."""

from __future__ import annotations

from typing import Literal, get_args

Scope = Literal["in_region", "geo", "global"]
"""Where a Bedrock on-demand price applies: the region itself, a geography's cross-region
inference profile, or the global profile."""
SCOPES: tuple[Scope, ...] = get_args(Scope)

Tier = Literal["standard", "priority", "flex", "latency_optimized"]
"""Bedrock service tiers: standard (the default), priority and flex (priced per token like
standard, higher or lower), and latency-optimized inference where a model offers it."""
TIERS: tuple[Tier, ...] = get_args(Tier)

UnitKind = Literal["image_generation", "image_edit", "rerank"]
"""Workloads Bedrock bills per unit other than tokens: images generated, images edited (per
output image), and rerank queries (a query holds up to 100 document chunks)."""
UNIT_KINDS: tuple[UnitKind, ...] = get_args(UnitKind)

GuardrailPolicy = Literal[
    "content_filters",
    "denied_topics",
    "word_filters",
    "sensitive_information",
    "sensitive_information_regex",
    "contextual_grounding",
    "automated_reasoning",
]
"""Bedrock Guardrails policies, each metered per text unit it evaluates (the ApplyGuardrail
response's `usage`: contentPolicyUnits, topicPolicyUnits, wordPolicyUnits,
sensitiveInformationPolicyUnits, sensitiveInformationPolicyFreeUnits,
contextualGroundingPolicyUnits, automatedReasoningPolicyUnits)."""
GUARDRAIL_POLICIES: tuple[GuardrailPolicy, ...] = get_args(GuardrailPolicy)

BilledUnit = Literal["image", "query"]
"""The unit a per-unit price is per: an output image, or a rerank query."""
BILLED_UNITS: tuple[BilledUnit, ...] = get_args(BilledUnit)

Term = Literal["no_commitment", "1_month", "6_months"]
"""Bedrock provisioned-throughput commitment terms."""
TERMS: tuple[Term, ...] = get_args(Term)

Purchase = Literal[
    "on_demand", "savings_plan_1y", "savings_plan_3y", "reserved_1y", "reserved_3y", "spot"
]
"""How instance hours are bought."""
PURCHASES: tuple[Purchase, ...] = get_args(Purchase)

SteadyPurchase = Literal[
    "on_demand", "savings_plan_1y", "savings_plan_3y", "reserved_1y", "reserved_3y"
]
"""A purchase an always-on endpoint can be held on (spot can be taken back at any time)."""
STEADY_PURCHASES: tuple[SteadyPurchase, ...] = get_args(SteadyPurchase)

Commitment = Literal["reserved_1y", "reserved_3y", "savings_plan_1y", "savings_plan_3y"]
"""Purchases paid for every hour of their term, used or not."""
COMMITMENTS: tuple[Commitment, ...] = get_args(Commitment)

Platform = Literal["ec2", "sagemaker"]
"""Where a self-hosted endpoint runs (SageMaker rows are its real-time hosting rates)."""
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

GeoPrefix = Literal["us", "eu", "apac", "jp", "au"]
"""Geographies' cross-region inference profile prefixes (`us.anthropic…`); `global.` is the
global profile."""
GEO_PREFIXES: tuple[GeoPrefix, ...] = get_args(GeoPrefix)

CostBasis = Literal["unblended", "net-unblended", "amortized", "net-amortized", "invoice"]
"""What each bill line item costs (docs/methodology.md, "Cost bases"): unblended as Cost
Explorer shows it (Savings Plan negation lines dropped, as AWS's CUR query library compares
it), net of discounts, amortized (reservations and Savings Plans spread over what they
cover), net amortized, and `invoice` (every line's unblended cost, negations included: adds
up to the invoice)."""
COST_BASES: tuple[CostBasis, ...] = get_args(CostBasis)

Excluded = Literal["credit", "refund", "tax"]
"""Bill line-item types that can be left out of a chargeback (counted apart)."""
EXCLUDABLE: tuple[Excluded, ...] = get_args(Excluded)

Engine = Literal["duckdb", "spark"]
"""What reads logs and bills: DuckDB (embedded) or PySpark."""
ENGINES: tuple[Engine, ...] = get_args(Engine)

Customization = Literal["fine_tuning", "continued_pretraining", "distillation"]
"""Bedrock model customization jobs priced per training token."""
CUSTOMIZATIONS: tuple[Customization, ...] = get_args(Customization)
