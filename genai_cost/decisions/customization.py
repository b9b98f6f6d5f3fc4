"""Customization paths compared over the scenario's horizon, and the chosen one's bill lines.

Each path changes the affected workloads and adds its own costs. A prompting or rag path
adds input tokens to each request (`extra_input_tokens`; rag also `retrieved_context_tokens`
for workloads that carry none yet), and the workloads are re-priced through the engine
(cheapest option each), so a longer prompt is costed exactly as an estimate would cost it.
A path's own parts — embeddings, the vector store, training, the teacher's data, the custom
model's storage and serving — are priced in engine/costs/customization.py; here they become
bill lines (one-off payments spread evenly over the horizon).

Horizon cost = one-off costs + H × monthly cost, H = the scenario's `horizon_months`. The path
counted in the bill is the one `customization.use` names, else the cheapest over the horizon
among those whose `quality` reaches `target_quality` (the cheapest overall without a target);
in the bill its one-off payments are spread evenly over the horizon.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from genai_cost.documents.estimate import (
    BillComponent,
    CustomizationRecord,
    Family,
    PathComponent,
    PathRecord,
)
from genai_cost.engine.costs.customization import (
    PathPart,
    extra_tokens,
    rag_parts,
    training_path_parts,
)
from genai_cost.errors import PathInfeasible
from genai_cost.results.bill import PathLines, line, option_lines, spread
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import CustomizationPath, Scenario

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog


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
    if path.kind in ("prompting", "rag"):
        extra: dict[str, float] = {}
        for w in affected:
            extra[w.name], skipped = extra_tokens(path, w)
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
            parts = rag_parts(path, catalog, region, day, affected, scenario.hours)
            result.lines += [_line(p, path.name, charged, horizon) for p in parts]
        return result
    parts = training_path_parts(path, catalog, region, day, affected, horizon, scenario.hours)
    result.lines += [_line(p, path.name, charged, horizon) for p in parts]
    result.replaced = charged
    return result


def _line(part: PathPart, item: str, charged: list[str], horizon: int) -> BillComponent:
    """A path's part as a bill line: one-off payments spread over the horizon."""
    assert part.usd_per_unit is not None and part.quantity is not None
    family: Family = "inference" if part.serving else "customization"
    if part.paid_in_months is not None:
        return spread(
            family,
            item,
            charged,
            part.name,
            part.quantity,
            part.unit,
            part.usd_per_unit,
            list(part.paid_in_months),
            horizon,
            sources=part.sources,
            detail=part.detail,
        )
    return line(
        family,
        item,
        charged,
        part.name,
        part.quantity,
        part.unit,
        part.usd_per_unit,
        sources=part.sources,
        detail=part.detail,
        scales_with_requests=part.scales_with_requests,
    )


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
    names = set(  # by default every text workload (a kind billed per unit has no prompt)
        custom.workloads or [w.name for w in loaded.scenario.workloads if w.kind == "text"]
    )
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
