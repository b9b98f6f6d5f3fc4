"""Customization paths compared over the scenario's horizon.

Each path changes the affected workloads and adds its own costs; the workloads are re-priced
through the engine (cheapest option each), so a longer prompt or a different model is costed
exactly as an estimate would cost it.

- prompting: `extra_input_tokens` more input per request.
- rag: `retrieved_context_tokens` (+ `extra_input_tokens`) more input per request; embedding
  the corpus once (`corpus_tokens`) and each month's refreshed share; one query embedding per
  request; the vector store (OpenSearch Serverless: max(OCUs, the service minimum) × 730 h ×
  OCU-hour price + storage GB × GB-month price, or a custom monthly price).
- fine_tuning, continued_pretraining: training = tokens × epochs × price per 1M tokens, at
  the start and every `retrain_every_months`; storage of the custom model per month; serving
  the custom model as `inference` says (provisioned: model units × 730 h × hourly price; or
  on-demand token prices you supply), with `input_tokens_saved` fewer input tokens.
- distillation: the teacher's generated data (requests × (input × p_in + output × p_out), at
  the teacher's on-demand prices) plus the student's training, storage and serving as above.

Horizon cost = one-off costs + H × monthly cost, H = the scenario's `horizon_months`;
retraining n = 1 + ⌊(H − 1) / every⌋ times. The chosen path is the cheapest over the horizon
among those whose `quality` reaches `target_quality` (or the cheapest overall without a
target).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.engine.services import line
from genai_cost.errors import PathInfeasible
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import CustomizationPath, Scenario, Workload, split_model_id
from genai_cost.units import HOURS_PER_MONTH, TOKENS_PER_MILLION

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog


def _priced(
    catalog: Catalog, loaded: LoadedScenario, scenario: Scenario, day: dt.date, names: set[str]
) -> float:
    """Monthly cost of the named workloads of `scenario` (their cheapest options), priced by the
    engine as an estimate prices them; a workload that no option can serve makes the path
    infeasible (never a zero)."""
    import math

    from genai_cost.engine.context import PricingContext, flatten, workload_arrays
    from genai_cost.engine.core import evaluate_all, prepare_all

    variant = LoadedScenario(scenario, loaded.path, loaded.sha256, loaded.document)
    specs = flatten([variant])
    arrays = evaluate_all(
        workload_arrays(specs), prepare_all(PricingContext(catalog, day, specs, override=True))
    )
    total = 0.0
    for index, spec in enumerate(specs):
        if spec.workload.name not in names:
            continue
        best = int(arrays.cheapest_row[index])
        if best < 0:
            raise PathInfeasible(f"no option can serve workload {spec.workload.name!r} this way")
        total += float(arrays.monthly_cost_usd[best])
    if not math.isfinite(total):
        raise PathInfeasible("the monthly cost of the changed workloads overflows")
    return total


def _with_tokens(
    scenario: Scenario, names: set[str], extra: float, model: str | None = None
) -> Scenario:
    workloads = []
    for w in scenario.workloads:
        if w.name in names:
            tokens = w.tokens_per_request.model_copy(
                update={"input": max(0.0, w.tokens_per_request.input + extra)}
            )
            update: dict[str, Any] = {"tokens_per_request": tokens}
            if model is not None:
                update["model"] = model
            w = w.model_copy(update=update)
        workloads.append(w)
    return scenario.model_copy(update={"workloads": workloads})


def _token_price(catalog: Catalog, model: str, region: str, day: dt.date, column: str) -> float:
    match = on_demand_price(catalog, model, "in_region", region, None, day)
    if isinstance(match, Missing):
        raise PathInfeasible(match.reason)
    value = getattr(match.row, column)
    if value is None:
        raise PathInfeasible(f"no {column.replace('_', ' ')} price for {model} in {region}")
    return float(value)


def _monthly_requests(workloads: list[Workload]) -> float:
    return sum(w.traffic.monthly_requests for w in workloads)


def _training_cost(
    path: CustomizationPath, catalog: Catalog, model: str, region: str, day: dt.date, kind: str
) -> tuple[float, float | None]:
    """(cost of one training, storage per month) for `model`."""
    rows = [
        r
        for r in catalog.customization.get(model, [])
        if r.customization == kind and r.effective_on(day) and (r.region in (region, "*"))
    ]
    price = path.usd_per_1m_training_tokens
    if price is None:
        price = rows[0].usd_per_1m_training_tokens if rows else None
    if price is None:
        raise PathInfeasible(
            f"no public {kind.replace('_', '-')} price for {model} in {region}; "
            "supply usd_per_1m_training_tokens"
        )
    storage = path.storage_usd_per_month
    if storage is None and rows:
        storage = rows[0].usd_per_custom_model_month
    return path.training_tokens * path.epochs * price / TOKENS_PER_MILLION, storage


def _custom_inference(
    path: CustomizationPath,
    catalog: Catalog,
    model: str,
    region: str,
    day: dt.date,
    workloads: list[Workload],
) -> tuple[float, str]:
    serving = path.inference
    if serving is None:
        raise PathInfeasible(
            "serving a customized model needs provisioned throughput or "
            "custom-model token prices: give the path an `inference`"
        )
    if serving.option == "provisioned":
        hourly = serving.usd_per_model_unit_hour
        if hourly is None and serving.term == "no_commitment":
            rows = [
                r
                for r in catalog.customization.get(model, [])
                if r.effective_on(day)
                and r.custom_usd_per_model_unit_hour_no_commitment is not None
            ]
            hourly = rows[0].custom_usd_per_model_unit_hour_no_commitment if rows else None
        if hourly is None:
            raise PathInfeasible(
                f"no public {serving.term} provisioned-throughput price for a "
                f"custom {model}; supply inference.usd_per_model_unit_hour"
            )
        return serving.model_units * HOURS_PER_MONTH * hourly, (
            f"{serving.model_units} model unit(s) × 730 h × ${hourly:g}"
        )
    if serving.usd_per_1m_input_tokens is None or serving.usd_per_1m_output_tokens is None:
        raise PathInfeasible(
            "on-demand inference of a custom model needs "
            "inference.usd_per_1m_input_tokens and usd_per_1m_output_tokens "
            "(not in public sources)"
        )
    usd = 0.0
    for w in workloads:
        t = w.tokens_per_request
        tokens_in = max(
            0.0,
            t.input
            + t.cache_read
            + t.cache_write
            + path.extra_input_tokens
            - path.input_tokens_saved,
        )
        usd += w.traffic.monthly_requests * (
            tokens_in * serving.usd_per_1m_input_tokens
            + t.output * serving.usd_per_1m_output_tokens
        )
    return usd / TOKENS_PER_MILLION, "custom-model tokens at your prices"


def price_path(
    path: CustomizationPath, loaded: LoadedScenario, catalog: Catalog, day: dt.date, names: set[str]
) -> dict[str, Any]:
    scenario = loaded.scenario
    region = scenario.region
    affected = [w for w in scenario.workloads if w.name in names]
    horizon = scenario.horizon_months
    once: list[tuple[str, float]] = []
    monthly: list[tuple[str, float]] = []
    if path.kind in ("prompting", "rag"):
        extra = path.extra_input_tokens + (
            path.retrieved_context_tokens if path.kind == "rag" else 0.0
        )
        monthly.append(
            (
                "inference",
                _priced(catalog, loaded, _with_tokens(scenario, names, extra), day, names),
            )
        )
        if path.kind == "rag":
            if path.embedding_model is None:
                raise PathInfeasible("a rag path needs an embedding_model")
            p_embed = (
                _token_price(catalog, path.embedding_model, region, day, "usd_per_1m_input_tokens")
                / TOKENS_PER_MILLION
            )
            once.append(("corpus_embedding", path.corpus_tokens * p_embed))
            monthly.append(
                (
                    "corpus_refresh_embedding",
                    path.corpus_tokens * path.corpus_refresh_fraction_per_month * p_embed,
                )
            )
            monthly.append(
                (
                    "query_embeddings",
                    _monthly_requests(affected) * path.query_embedding_tokens * p_embed,
                )
            )
            monthly += _vector_store(path, catalog, region, day)
    else:
        model = path.student_model or (affected[0].base_model if affected else "")
        if path.kind == "distillation" and path.student_model is None:
            raise PathInfeasible("a distillation path needs a student_model")
        if len({w.base_model for w in affected}) > 1 and path.student_model is None:
            raise PathInfeasible(
                "a training path customizes one model; the affected "
                "workloads use several (list them under `workloads`)"
            )
        trainings = 1 + (
            (horizon - 1) // path.retrain_every_months if path.retrain_every_months else 0
        )
        training, storage = _training_cost(
            path,
            catalog,
            model,
            region,
            day,
            path.kind if path.kind != "distillation" else "distillation",
        )
        per_training = [("training", training)]
        if path.kind == "distillation":
            if path.teacher_model is None:
                raise PathInfeasible("a distillation path needs a teacher_model")
            teacher = split_model_id(path.teacher_model)[1]
            p_in = _token_price(catalog, teacher, region, day, "usd_per_1m_input_tokens")
            p_out = _token_price(catalog, teacher, region, day, "usd_per_1m_output_tokens")
            per_training.append(
                (
                    "teacher_generation",
                    path.teacher_requests
                    * (path.teacher_input_tokens * p_in + path.teacher_output_tokens * p_out)
                    / TOKENS_PER_MILLION,
                )
            )
        for name, usd in per_training:
            once.append((name, usd))
            if trainings > 1:
                once.append((f"re{name}", usd * (trainings - 1)))
        if storage is None:
            raise PathInfeasible(
                f"no public custom-model storage price for {model}; supply storage_usd_per_month"
            )
        monthly.append(("custom_model_storage", storage))
        usd, _ = _custom_inference(path, catalog, model, region, day, affected)
        monthly.append(("custom_model_inference", usd))
    one_off = sum(u for _, u in once)
    per_month = sum(u for _, u in monthly)
    return {
        "feasible": True,
        "reason": None,
        "one_off_usd": round(one_off, 6),
        "monthly_cost_usd": round(per_month, 6),
        "horizon_cost_usd": round(one_off + horizon * per_month, 6),
        "components": [{"name": n, "usd": round(u, 6), "recurrence": "once"} for n, u in once]
        + [{"name": n, "usd": round(u, 6), "recurrence": "monthly"} for n, u in monthly],
    }


def _vector_store(
    path: CustomizationPath, catalog: Catalog, region: str, day: dt.date
) -> list[tuple[str, float]]:
    store = path.vector_store
    if store is None:
        raise PathInfeasible("a rag path needs a vector_store")
    if store.kind == "custom":
        assert store.usd_per_month is not None
        return [("vector_store", store.usd_per_month)]
    limit_key = "minimum_ocus_redundant" if store.redundant else "minimum_ocus_without_redundancy"
    limit = catalog.service_limits.get(("opensearch_serverless", limit_key))
    if limit is None:
        raise PathInfeasible("the snapshot has no OpenSearch Serverless minimum OCUs")
    ocus = max(store.ocus, limit.value)
    compute = line(
        catalog,
        "opensearch_serverless",
        "ocu_hour",
        ocus * HOURS_PER_MONTH,
        region,
        day,
        "vector_store_compute",
    )
    parts = [compute]
    if store.storage_gb > 0:
        parts.append(
            line(
                catalog,
                "opensearch_serverless",
                "managed_storage",
                store.storage_gb,
                region,
                day,
                "vector_store_storage",
            )
        )
    for part in parts:
        if part["usd"] is None:
            raise PathInfeasible(part["reason"])
    return [(p["name"], float(p["usd"])) for p in parts]


def compare_paths(
    loaded: LoadedScenario, catalog: Catalog, day: dt.date, baseline_costs: dict[str, float]
) -> dict[str, Any] | None:
    """The customization section of a scenario: each path's cost, and the choice."""
    custom = loaded.scenario.customization
    if custom is None:
        return None
    names = set(custom.workloads or [w.name for w in loaded.scenario.workloads])
    horizon = loaded.scenario.horizon_months
    baseline = sum(baseline_costs.get(n, 0.0) for n in names)
    paths = []
    for path in custom.paths:
        try:
            priced = price_path(path, loaded, catalog, day, names)
        except PathInfeasible as exc:
            priced = {
                "feasible": False,
                "reason": str(exc),
                "one_off_usd": None,
                "monthly_cost_usd": None,
                "horizon_cost_usd": None,
                "components": [],
            }
        meets = custom.target_quality is None or (
            path.quality is not None and path.quality >= custom.target_quality
        )
        paths.append(
            {
                "name": path.name,
                "kind": path.kind,
                "quality": path.quality,
                "meets_target": meets,
                **priced,
            }
        )
    eligible = [p for p in paths if p["feasible"] and p["meets_target"]]
    chosen = min(eligible, key=lambda p: p["horizon_cost_usd"]) if eligible else None
    return {
        "workloads": sorted(names),
        "horizon_months": horizon,
        "target_quality": custom.target_quality,
        "baseline": {
            "monthly_cost_usd": round(baseline, 6),
            "horizon_cost_usd": round(baseline * horizon, 6),
        },
        "paths": paths,
        "chosen": chosen["name"] if chosen else None,
        "note": None if chosen else "no priceable path reaches the target quality",
    }
