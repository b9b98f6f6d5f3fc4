"""What a customization path costs besides the workloads' inference: its parts, priced here
from the catalog (docs/methodology.md, "Customization paths").

- rag: embedding the corpus once (`corpus_tokens`, paid in month 0) and each month's
  refreshed share; one query embedding per request (requests of every affected workload, an
  array sum); the vector store (OpenSearch Serverless: max(OCUs, the service minimum) ×
  hours × OCU-hour price + storage GB × GB-month price, or a custom monthly price).
- fine_tuning, continued_pretraining, distillation: training = tokens × epochs / 10⁶ × price
  per 1M tokens, paid at the start and every `retrain_every_months` (n = 1 + ⌊(H − 1) /
  every⌋ payments over the horizon H); the teacher's generated data (distillation:
  requests × tokens at the teacher's on-demand prices, paid with each training); the custom
  model's storage per month; serving it as `inference` says — provisioned: model units ×
  hours × hourly price; on demand at prices you supply: Σ_w requests_w × max(0, input_w +
  extra − saved) input tokens and Σ_w requests_w × output_w output tokens, arrays over the
  affected workloads.

The input tokens a prompting or rag path adds to each request are priced by the engine's
options like any prompt (decisions/customization.py re-prices the workloads with them).
A part that cannot be priced raises PathInfeasible naming the model, region and price.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.engine.costs.parts import Part, tiered_parts
from genai_cost.engine.costs.services import line as service_line
from genai_cost.errors import PathInfeasible
from genai_cost.scenario.models import CustomizationPath, Workload, split_model_id
from genai_cost.units import TOKENS_PER_MILLION

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog

MILLION_TOKENS = "1M tokens"


@dataclass(frozen=True)
class PathPart(Part):
    """A part of a path: monthly, or (with `paid_in_months`) paid in those months of the
    horizon, `quantity` each time."""

    paid_in_months: tuple[int, ...] | None = None
    scales_with_requests: bool = False
    serving: bool = False
    """Serving the custom model: the bill's `inference` family (the others are
    `customization`)."""


def extra_tokens(path: CustomizationPath, workload: Workload) -> tuple[float, bool]:
    """Input tokens the path adds to each of the workload's requests, and whether its
    retrieved context was left out because the workload already carries some (a workload
    that already carries retrieved context is not charged for it twice)."""
    extra = path.extra_input_tokens
    if path.kind != "rag":
        return extra, False
    if workload.tokens_per_request.retrieved_context > 0:
        return extra, path.retrieved_context_tokens > 0
    return extra + path.retrieved_context_tokens, False


def training_months(path: CustomizationPath, horizon: int) -> tuple[int, ...]:
    """The months a training path trains in: 0, every, 2·every, … within the horizon."""
    every = path.retrain_every_months
    trainings = 1 + ((horizon - 1) // every if every else 0)
    return tuple(k * (every or 0) for k in range(trainings))


def _token_price(
    catalog: Catalog, model: str, region: str, day: dt.date, column: str
) -> tuple[float, str]:
    match = on_demand_price(catalog, model, "in_region", region, None, day)
    if isinstance(match, Missing):
        raise PathInfeasible(match.reason)
    value = getattr(match.row, column)
    if value is None:
        raise PathInfeasible(f"no {column.replace('_', ' ')} price for {model} in {region}")
    return float(value), match.row.source


def _training_prices(
    path: CustomizationPath, catalog: Catalog, model: str, region: str, day: dt.date
) -> tuple[float, str, float, str]:
    """(USD per 1M training tokens, its source, storage USD per month, its source)."""
    kind = path.kind
    rows = [
        r
        for r in catalog.customization.get(model, [])
        if r.customization == kind and r.effective_on(day) and (r.region in (region, "*"))
    ]
    price, source = path.usd_per_1m_training_tokens, "scenario"
    if price is None and rows and rows[0].usd_per_1m_training_tokens is not None:
        price, source = rows[0].usd_per_1m_training_tokens, rows[0].source
    if price is None:
        raise PathInfeasible(
            f"no public {kind.replace('_', '-')} price for {model} in {region}; "
            "supply usd_per_1m_training_tokens"
        )
    storage, storage_source = path.storage_usd_per_month, "scenario"
    if storage is None and rows and rows[0].usd_per_custom_model_month is not None:
        storage, storage_source = rows[0].usd_per_custom_model_month, rows[0].source
    if storage is None:
        raise PathInfeasible(
            f"no public custom-model storage price for {model}; supply storage_usd_per_month"
        )
    return price, source, storage, storage_source


def _requests(workloads: list[Workload], hours: float) -> np.ndarray:
    return np.asarray([w.traffic.requests_in(hours) for w in workloads], dtype=np.float64)


def rag_parts(
    path: CustomizationPath,
    catalog: Catalog,
    region: str,
    day: dt.date,
    affected: list[Workload],
    hours: float,
) -> list[PathPart]:
    """A rag path's own parts: embeddings (corpus, refresh, queries) and the vector store."""
    if path.embedding_model is None:
        raise PathInfeasible("a rag path needs an embedding_model")
    p_embed, source = _token_price(
        catalog, path.embedding_model, region, day, "usd_per_1m_input_tokens"
    )
    model = path.embedding_model
    parts: list[PathPart] = []
    if path.corpus_tokens > 0:
        parts.append(
            PathPart(
                "corpus_embedding",
                path.corpus_tokens / TOKENS_PER_MILLION,
                MILLION_TOKENS,
                p_embed,
                (source,),
                model,
                paid_in_months=(0,),
            )
        )
    refreshed = path.corpus_tokens * path.corpus_refresh_fraction_per_month
    if refreshed > 0:
        parts.append(
            PathPart(
                "corpus_refresh_embedding",
                refreshed / TOKENS_PER_MILLION,
                MILLION_TOKENS,
                p_embed,
                (source,),
                model,
            )
        )
    queries = float(_requests(affected, hours).sum()) * path.query_embedding_tokens
    if queries > 0:
        parts.append(
            PathPart(
                "query_embeddings",
                queries / TOKENS_PER_MILLION,
                MILLION_TOKENS,
                p_embed,
                (source,),
                model,
                scales_with_requests=True,
            )
        )
    return parts + _vector_store_parts(path, catalog, region, day, hours)


def _vector_store_parts(
    path: CustomizationPath, catalog: Catalog, region: str, day: dt.date, hours: float
) -> list[PathPart]:
    store = path.vector_store
    if store is None:
        raise PathInfeasible("a rag path needs a vector_store")
    if store.kind == "custom":
        assert store.usd_per_month is not None
        return [PathPart("vector_store", 1.0, "month", store.usd_per_month, ("scenario",))]
    limit_key = "minimum_ocus_redundant" if store.redundant else "minimum_ocus_without_redundancy"
    limit = catalog.service_limits.get(("opensearch_serverless", limit_key))
    if limit is None:
        raise PathInfeasible("the snapshot has no OpenSearch Serverless minimum OCUs")
    ocus = max(store.ocus, limit.value)
    wanted = [("ocu_hour", ocus * hours, "vector_store_compute")]
    if store.storage_gb > 0:
        wanted.append(("managed_storage", store.storage_gb, "vector_store_storage"))
    parts: list[PathPart] = []
    for item, quantity, name in wanted:
        priced = service_line(catalog, "opensearch_serverless", item, quantity, region, day, name)
        for p in tiered_parts(priced):
            if p.reason is not None:
                raise PathInfeasible(p.reason)
            detail, sources = p.detail, p.sources
            if name == "vector_store_compute":
                detail = (
                    f"max({store.ocus:g} OCUs, the service minimum {limit.value:g}) × {hours:g} h"
                )
                sources = tuple(sorted({*sources, limit.source}))
            parts.append(PathPart(p.name, p.quantity, p.unit, p.usd_per_unit, sources, detail))
    return parts


def training_path_parts(
    path: CustomizationPath,
    catalog: Catalog,
    region: str,
    day: dt.date,
    affected: list[Workload],
    horizon: int,
    hours: float,
) -> list[PathPart]:
    """A fine-tuning, continued-pretraining or distillation path's parts: training (and the
    teacher's data) in its training months, the custom model's storage and its serving."""
    model = path.student_model or (affected[0].base_model if affected else "")
    if path.kind == "distillation" and path.student_model is None:
        raise PathInfeasible("a distillation path needs a student_model")
    if len({w.base_model for w in affected}) > 1 and path.student_model is None:
        raise PathInfeasible(
            "a training path customizes one model; the affected "
            "workloads use several (list them under `workloads`)"
        )
    months = training_months(path, horizon)
    price, source, storage, storage_source = _training_prices(path, catalog, model, region, day)
    parts = [
        PathPart(
            "training",
            path.training_tokens * path.epochs / TOKENS_PER_MILLION,
            "1M training tokens",
            price,
            (source,),
            f"{path.training_tokens:,.0f} tokens × {path.epochs:g} epochs",
            paid_in_months=months,
        )
    ]
    if path.kind == "distillation":
        if path.teacher_model is None:
            raise PathInfeasible("a distillation path needs a teacher_model")
        teacher = split_model_id(path.teacher_model)[1]
        p_in, in_source = _token_price(catalog, teacher, region, day, "usd_per_1m_input_tokens")
        p_out, out_source = _token_price(catalog, teacher, region, day, "usd_per_1m_output_tokens")
        for name, tokens, p, src in (
            ("teacher_input_tokens", path.teacher_input_tokens, p_in, in_source),
            ("teacher_output_tokens", path.teacher_output_tokens, p_out, out_source),
        ):
            parts.append(
                PathPart(
                    name,
                    path.teacher_requests * tokens / TOKENS_PER_MILLION,
                    MILLION_TOKENS,
                    p,
                    (src,),
                    f"{teacher} writes the training data",
                    paid_in_months=months,
                )
            )
    parts.append(PathPart("custom_model_storage", 1.0, "model-month", storage, (storage_source,)))
    return parts + _custom_inference(path, catalog, model, day, affected, hours)


def _custom_inference(
    path: CustomizationPath,
    catalog: Catalog,
    model: str,
    day: dt.date,
    workloads: list[Workload],
    hours: float,
) -> list[PathPart]:
    serving = path.inference
    if serving is None:
        raise PathInfeasible(
            "serving a customized model needs provisioned throughput or "
            "custom-model token prices: give the path an `inference`"
        )
    if serving.option == "provisioned":
        hourly, source = serving.usd_per_model_unit_hour, "scenario"
        if hourly is None and serving.term == "no_commitment":
            rows = [
                r
                for r in catalog.customization.get(model, [])
                if r.effective_on(day)
                and r.custom_usd_per_model_unit_hour_no_commitment is not None
            ]
            if rows:
                hourly, source = (
                    rows[0].custom_usd_per_model_unit_hour_no_commitment,
                    rows[0].source,
                )
        if hourly is None:
            raise PathInfeasible(
                f"no public {serving.term} provisioned-throughput price for a "
                f"custom {model}; supply inference.usd_per_model_unit_hour"
            )
        return [
            PathPart(
                "custom_model_unit_hours",
                serving.model_units * hours,
                "model-unit-hours",
                hourly,
                (source,),
                f"custom {model}: {serving.model_units} model unit(s), {serving.term}",
                serving=True,
            )
        ]
    if serving.usd_per_1m_input_tokens is None or serving.usd_per_1m_output_tokens is None:
        raise PathInfeasible(
            "on-demand inference of a custom model needs "
            "inference.usd_per_1m_input_tokens and usd_per_1m_output_tokens "
            "(not in public sources)"
        )
    requests = _requests(workloads, hours)
    inputs = np.asarray([w.tokens_per_request.all_input for w in workloads], dtype=np.float64)
    outputs = np.asarray([w.tokens_per_request.output for w in workloads], dtype=np.float64)
    per_request = np.maximum(0.0, inputs + path.extra_input_tokens - path.input_tokens_saved)
    tokens_in = float(requests @ per_request) if requests.size else 0.0
    tokens_out = float(requests @ outputs) if requests.size else 0.0
    detail = f"custom {model} on demand at your prices"
    return [
        PathPart(
            "custom_model_input_tokens",
            tokens_in / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            serving.usd_per_1m_input_tokens,
            ("scenario",),
            detail,
            scales_with_requests=True,
            serving=True,
        ),
        PathPart(
            "custom_model_output_tokens",
            tokens_out / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            serving.usd_per_1m_output_tokens,
            ("scenario",),
            detail,
            scales_with_requests=True,
            serving=True,
        ),
    ]
