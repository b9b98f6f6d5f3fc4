"""Customization paths compared over the scenario's horizon, and the chosen one's bill lines.

Each path changes the affected workloads and adds its own costs; the workloads are re-priced
through the engine (cheapest option each), so a longer prompt is costed exactly as an
estimate would cost it.

- prompting: `extra_input_tokens` more input per request.
- rag: `retrieved_context_tokens` (+ `extra_input_tokens`) more input per request — the
  retrieved context only for workloads whose `tokens_per_request.retrieved_context` is 0
  (a workload that already carries retrieved context is not charged for it twice); embedding
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
training happens n = 1 + ⌊(H − 1) / every⌋ times, in months 0, every, 2·every, … The path
counted in the bill is the one `customization.use` names, else the cheapest over the horizon
among those whose `quality` reaches `target_quality` (the cheapest overall without a target);
in the bill its one-off payments are spread evenly over the horizon.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from genai_cost.catalog.lookup import Missing, on_demand_price
from genai_cost.documents.estimate import (
    BillComponent,
    CustomizationRecord,
    Family,
    PathComponent,
    PathRecord,
)
from genai_cost.engine.costs.services import line as service_line
from genai_cost.errors import PathInfeasible
from genai_cost.results.bill import PathLines, line, option_lines, priced_line, spread
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import CustomizationPath, Scenario, Workload, split_model_id
from genai_cost.units import TOKENS_PER_MILLION

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog

MILLION_TOKENS = "1M tokens"


def _repriced(
    catalog: Catalog, loaded: LoadedScenario, scenario: Scenario, day: dt.date, names: set[str]
) -> dict[str, list[BillComponent]]:
    """The named workloads of `scenario` priced by the engine as an estimate prices them
    (cheapest option each), as bill lines; a workload that no option can serve makes the path
    infeasible (never a zero)."""
    import math

    from genai_cost.engine.context import PricingContext, flatten, workload_arrays
    from genai_cost.engine.core import evaluate_all, prepare_all

    variant = LoadedScenario(scenario, loaded.path, loaded.sha256, loaded.document)
    specs = flatten([variant])
    arrays = evaluate_all(
        workload_arrays(specs), prepare_all(PricingContext(catalog, day, specs, override=True))
    )
    result: dict[str, list[BillComponent]] = {}
    for index, spec in enumerate(specs):
        if spec.workload.name not in names:
            continue
        best = int(arrays.cheapest_row[index])
        if best < 0:
            raise PathInfeasible(f"no option can serve workload {spec.workload.name!r} this way")
        if not math.isfinite(float(arrays.monthly_cost_usd[best])):
            raise PathInfeasible("the monthly cost of the changed workloads overflows")
        result[spec.workload.name] = option_lines(arrays, best, spec.workload.name)
    return result


def _extra_tokens(path: CustomizationPath, workload: Workload) -> tuple[float, bool]:
    """Input tokens the path adds to each of the workload's requests, and whether its
    retrieved context was left out because the workload already carries some."""
    extra = path.extra_input_tokens
    if path.kind != "rag":
        return extra, False
    if workload.tokens_per_request.retrieved_context > 0:
        return extra, path.retrieved_context_tokens > 0
    return extra + path.retrieved_context_tokens, False


def with_tokens(scenario: Scenario, extra: dict[str, float]) -> Scenario:
    """`scenario` with `extra[name]` more input tokens in each named workload's requests."""
    workloads = []
    for w in scenario.workloads:
        if w.name in extra:
            t = w.tokens_per_request
            update: dict[str, object] = {"input": max(0.0, t.input + extra[w.name])}
            if t.long_requests is not None:  # the path changes every request's prompt
                longer = max(0.0, t.long_requests.input + extra[w.name])
                update["long_requests"] = t.long_requests.model_copy(update={"input": longer})
            tokens = t.model_copy(update=update)
            w = w.model_copy(update={"tokens_per_request": tokens})
        workloads.append(w)
    return scenario.model_copy(update={"workloads": workloads})


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
    path: CustomizationPath, catalog: Catalog, model: str, region: str, day: dt.date, kind: str
) -> tuple[float, str, float, str]:
    """(USD per 1M training tokens, its source, storage USD per month, its source)."""
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


def _custom_inference(
    path: CustomizationPath,
    catalog: Catalog,
    model: str,
    day: dt.date,
    workloads: list[Workload],
    hours: float,
) -> list[BillComponent]:
    serving = path.inference
    names = [w.name for w in workloads]
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
            line(
                "inference",
                path.name,
                names,
                "custom_model_unit_hours",
                serving.model_units * hours,
                "model-unit-hours",
                hourly,
                sources=[source],
                detail=f"custom {model}: {serving.model_units} model unit(s), {serving.term}",
            )
        ]
    if serving.usd_per_1m_input_tokens is None or serving.usd_per_1m_output_tokens is None:
        raise PathInfeasible(
            "on-demand inference of a custom model needs "
            "inference.usd_per_1m_input_tokens and usd_per_1m_output_tokens "
            "(not in public sources)"
        )
    tokens_in = tokens_out = 0.0
    for w in workloads:
        t = w.tokens_per_request
        per_request = max(
            0.0,
            t.all_input + path.extra_input_tokens - path.input_tokens_saved,
        )
        tokens_in += w.traffic.requests_in(hours) * per_request
        tokens_out += w.traffic.requests_in(hours) * t.output
    detail = f"custom {model} on demand at your prices"
    return [
        line(
            "inference",
            path.name,
            names,
            "custom_model_input_tokens",
            tokens_in / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            serving.usd_per_1m_input_tokens,
            sources=["scenario"],
            detail=detail,
            scales_with_requests=True,
        ),
        line(
            "inference",
            path.name,
            names,
            "custom_model_output_tokens",
            tokens_out / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            serving.usd_per_1m_output_tokens,
            sources=["scenario"],
            detail=detail,
            scales_with_requests=True,
        ),
    ]


def price_path(
    path: CustomizationPath, loaded: LoadedScenario, catalog: Catalog, day: dt.date, names: set[str]
) -> PathLines:
    """The bill lines of one path (raises PathInfeasible with the reason it cannot be priced)."""
    scenario = loaded.scenario
    region = scenario.region
    affected = [w for w in scenario.workloads if w.name in names]
    horizon = scenario.horizon_months
    charged = [w.name for w in affected]
    result = PathLines(path.name, {}, {}, [], [])

    def custom(name: str, *args: Any, family: Family = "customization", **kw: Any) -> None:
        result.lines.append(line(family, path.name, charged, name, *args, **kw))

    if path.kind in ("prompting", "rag"):
        extra: dict[str, float] = {}
        for w in affected:
            extra[w.name], skipped = _extra_tokens(path, w)
            if skipped:
                result.notes.append(
                    f"{w.name}: its input already holds "
                    f"{w.tokens_per_request.retrieved_context:,.0f} tokens of retrieved context, "
                    f"so path {path.name!r} does not add its {path.retrieved_context_tokens:,.0f}"
                )
        result.extra_input_tokens = extra
        result.inference = _repriced(catalog, loaded, with_tokens(scenario, extra), day, names)
        for name in extra:
            for c in result.inference[name]:
                c["detail"] = (
                    f"{c['detail']}; +{extra[name]:,.0f} input tokens a request ({path.name})"
                )
        if path.kind == "rag":
            _rag_lines(
                path, catalog, region, day, affected, horizon, scenario.hours, custom, result
            )
        return result
    model = path.student_model or (affected[0].base_model if affected else "")
    if path.kind == "distillation" and path.student_model is None:
        raise PathInfeasible("a distillation path needs a student_model")
    if len({w.base_model for w in affected}) > 1 and path.student_model is None:
        raise PathInfeasible(
            "a training path customizes one model; the affected "
            "workloads use several (list them under `workloads`)"
        )
    trainings = 1 + ((horizon - 1) // path.retrain_every_months if path.retrain_every_months else 0)
    months = [k * (path.retrain_every_months or 0) for k in range(trainings)]
    price, source, storage, storage_source = _training_prices(
        path, catalog, model, region, day, path.kind
    )
    result.lines.append(
        spread(
            "customization",
            path.name,
            charged,
            "training",
            path.training_tokens * path.epochs / TOKENS_PER_MILLION,
            "1M training tokens",
            price,
            months,
            horizon,
            sources=[source],
            detail=f"{path.training_tokens:,.0f} tokens × {path.epochs:g} epochs",
        )
    )
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
            result.lines.append(
                spread(
                    "customization",
                    path.name,
                    charged,
                    name,
                    path.teacher_requests * tokens / TOKENS_PER_MILLION,
                    MILLION_TOKENS,
                    p,
                    months,
                    horizon,
                    sources=[src],
                    detail=f"{teacher} writes the training data",
                )
            )
    custom("custom_model_storage", 1.0, "model-month", storage, sources=[storage_source])
    result.lines += _custom_inference(path, catalog, model, day, affected, scenario.hours)
    result.replaced = charged
    return result


def _rag_lines(
    path: CustomizationPath,
    catalog: Catalog,
    region: str,
    day: dt.date,
    affected: list[Workload],
    horizon: int,
    hours: float,
    custom: Any,
    result: PathLines,
) -> None:
    if path.embedding_model is None:
        raise PathInfeasible("a rag path needs an embedding_model")
    p_embed, source = _token_price(
        catalog, path.embedding_model, region, day, "usd_per_1m_input_tokens"
    )
    if path.corpus_tokens > 0:
        result.lines.append(
            spread(
                "customization",
                path.name,
                [w.name for w in affected],
                "corpus_embedding",
                path.corpus_tokens / TOKENS_PER_MILLION,
                MILLION_TOKENS,
                p_embed,
                [0],
                horizon,
                sources=[source],
                detail=path.embedding_model,
            )
        )
    if path.corpus_tokens * path.corpus_refresh_fraction_per_month > 0:
        custom(
            "corpus_refresh_embedding",
            path.corpus_tokens * path.corpus_refresh_fraction_per_month / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            p_embed,
            sources=[source],
            detail=path.embedding_model,
        )
    requests = sum(w.traffic.requests_in(hours) for w in affected)
    if requests * path.query_embedding_tokens > 0:
        custom(
            "query_embeddings",
            requests * path.query_embedding_tokens / TOKENS_PER_MILLION,
            MILLION_TOKENS,
            p_embed,
            sources=[source],
            detail=path.embedding_model,
            scales_with_requests=True,
        )
    store = path.vector_store
    if store is None:
        raise PathInfeasible("a rag path needs a vector_store")
    if store.kind == "custom":
        assert store.usd_per_month is not None
        custom("vector_store", 1.0, "month", store.usd_per_month, sources=["scenario"])
        return
    limit_key = "minimum_ocus_redundant" if store.redundant else "minimum_ocus_without_redundancy"
    limit = catalog.service_limits.get(("opensearch_serverless", limit_key))
    if limit is None:
        raise PathInfeasible("the snapshot has no OpenSearch Serverless minimum OCUs")
    ocus = max(store.ocus, limit.value)
    wanted = [("ocu_hour", ocus * hours, "vector_store_compute")]
    if store.storage_gb > 0:
        wanted.append(("managed_storage", store.storage_gb, "vector_store_storage"))
    for item, quantity, name in wanted:
        priced = service_line(catalog, "opensearch_serverless", item, quantity, region, day, name)
        lines, missing = priced_line(priced, "customization", path.name, [w.name for w in affected])
        if missing:
            raise PathInfeasible(missing[0]["reason"])
        if name == "vector_store_compute":
            for c in lines:
                c["detail"] = (
                    f"max({store.ocus:g} OCUs, the service minimum {limit.value:g}) × {hours:g} h"
                )
                c["sources"] = sorted({*c["sources"], limit.source})
        result.lines += lines


def _path_record(
    path: CustomizationPath, lines: PathLines | None, reason: str | None, horizon: int
) -> PathRecord:
    if lines is None:
        return {
            "name": path.name,
            "kind": path.kind,
            "quality": path.quality,
            "meets_target": False,
            "feasible": False,
            "reason": reason,
            "one_off_usd": None,
            "monthly_cost_usd": None,
            "horizon_cost_usd": None,
            "components": [],
            "notes": [],
        }
    components: list[PathComponent] = []
    inference = sum(c["usd"] or 0.0 for ls in lines.inference.values() for c in ls)
    if lines.inference:
        components.append(
            {"name": "inference", "usd": round(inference, 6), "recurrence": "monthly"}
        )
    once = monthly = 0.0
    for c in lines.lines:
        if c["one_off"] is not None:
            usd = c["one_off"]["usd_per_payment"] * len(c["one_off"]["paid_in_months"])
            once += usd
            components.append({"name": c["name"], "usd": round(usd, 6), "recurrence": "once"})
        else:
            monthly += c["usd"] or 0.0
            components.append({"name": c["name"], "usd": c["usd"] or 0.0, "recurrence": "monthly"})
    merged: dict[tuple[str, str], float] = {}
    for comp in components:
        key = (comp["name"], comp["recurrence"])
        merged[key] = merged.get(key, 0.0) + comp["usd"]
    per_month = monthly + inference
    return {
        "name": path.name,
        "kind": path.kind,
        "quality": path.quality,
        "meets_target": False,
        "feasible": True,
        "reason": None,
        "one_off_usd": round(once, 6),
        "monthly_cost_usd": round(per_month, 6),
        "horizon_cost_usd": round(once + horizon * per_month, 6),
        "components": [
            {"name": name, "usd": round(usd, 6), "recurrence": rec}  # type: ignore[typeddict-item]
            for (name, rec), usd in merged.items()
        ],
        "notes": list(lines.notes),
    }


def compare_paths(
    loaded: LoadedScenario, catalog: Catalog, day: dt.date, baseline_costs: dict[str, float]
) -> tuple[CustomizationRecord | None, PathLines | None]:
    """The customization section of a scenario (each path's cost, and the choice), and the
    chosen path's bill lines (None when no path is chosen)."""
    custom = loaded.scenario.customization
    if custom is None:
        return None, None
    names = set(custom.workloads or [w.name for w in loaded.scenario.workloads])
    horizon = loaded.scenario.horizon_months
    baseline = sum(baseline_costs.get(n, 0.0) for n in names)
    paths: list[PathRecord] = []
    lines_of: dict[str, PathLines] = {}
    for path in custom.paths:
        try:
            lines_of[path.name] = price_path(path, loaded, catalog, day, names)
            record = _path_record(path, lines_of[path.name], None, horizon)
        except PathInfeasible as exc:
            record = _path_record(path, None, str(exc), horizon)
        record["meets_target"] = custom.target_quality is None or (
            path.quality is not None and path.quality >= custom.target_quality
        )
        paths.append(record)
    chosen, note = _choose(paths, custom.use, custom.target_quality)
    return (
        {
            "workloads": sorted(names),
            "horizon_months": horizon,
            "target_quality": custom.target_quality,
            "baseline": {
                "monthly_cost_usd": round(baseline, 6),
                "horizon_cost_usd": round(baseline * horizon, 6),
            },
            "paths": paths,
            "chosen": chosen,
            "pinned": custom.use is not None,
            "note": note,
        },
        lines_of.get(chosen) if chosen is not None else None,
    )


def _choose(
    paths: list[PathRecord], use: str | None, target: float | None
) -> tuple[str | None, str | None]:
    """The path the bill counts, or why there is none."""
    if use is not None:
        pinned = next(p for p in paths if p["name"] == use)
        if pinned["feasible"]:
            return use, None
        return None, f"the path customization.use names, {use!r}, cannot be priced: " + str(
            pinned["reason"]
        )
    priced = [p for p in paths if p["feasible"]]
    eligible = [p for p in priced if p["meets_target"]]
    if eligible:
        best = min(eligible, key=lambda p: (p["horizon_cost_usd"] or 0.0, p["name"]))
        return best["name"], None
    if not priced:
        return None, "no path can be priced"
    assert target is not None  # without a target every priced path is eligible
    blocked = "; ".join(
        f"{p['name']} would, but cannot be priced: {p['reason']}"
        for p in paths
        if p["meets_target"] and not p["feasible"]
    )
    return None, f"no priced path reaches the target quality {target:g}" + (
        f" ({blocked})" if blocked else ""
    )
