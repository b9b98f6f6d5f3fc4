"""Ranked savings: every lever that applies to a scenario, each priced by re-estimating the
scenario with the lever's change applied.

A lever is a *patch* of the scenario (a merge patch: mappings merge, items of the lists of
workloads and training jobs are matched by `name` — an item with a new name is added whole —,
other values replace); its saving is the whole bill before
minus the whole bill of the patched scenario, both from the same engine, so applying the patch
(`optimize --apply N -o new.yaml`) and running `estimate` gives the same figure to the cent.
Savings are not additive: each is measured against the scenario as it is.

Levers, per workload (docs/methodology.md, "Optimization levers"):

* option — another option or variant than the one the scenario pins (on-demand tier,
  provisioned term, self-hosted or autoscaled instances, async, serverless, batch transform);
* flex — for an interactive workload, the on-demand flex tier (the same real-time API at a
  lower priority); batch-only options and spot are never proposed for it (listed as not
  offered, with the reason);
* caching — `optimize.cacheable_input_fraction` of the input read from the prompt cache by
  `optimize.cache_hit_fraction` of the requests (the others write it);
* model — each of `optimize.candidate_models` (never a quality claim: you named them);
* profile / region — the model's global and geographic inference profiles, and each of
  `optimize.candidate_regions`;
* base load — capacity for the steady part of a workload with an hourly profile and
  on-demand tokens for the peaks above it (the `mix` command's answer), written as two
  workloads: `NAME-base` on the capacity, `NAME` keeping the overflow;
* training spot — a training job pinned to on-demand that has a `spot:` section;
* packing — a shared endpoint's models re-packed on each of its
  `optimize.candidate_instances` (with the throughput you state for that instance type).

Every lever that cannot be priced is listed with its reason (never dropped). The module is
over 600 lines because every lever kind is here, each a short function over the same patch
and pricing machinery (`Lever`, `apply_patch`, `Pricer`); the base-load split itself lives in
decisions/baseload.py, shared with the scenario's own `base_load`.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from genai_cost.catalog.snapshot import Catalog
from genai_cost.decisions.baseload import (
    BASE_SUFFIX,
    best_splits,
    merge,
    pin_fields,
    referenced,
    rounded,
)
from genai_cost.documents.decisions import OptimizeDocument, OptimizeLever, OptimizeScenario
from genai_cost.documents.tracking import EndpointMeasure
from genai_cost.engine.core import MODULES, NOT_FOR_CALLERS
from genai_cost.errors import GenaiCostError
from genai_cost.scenario.models import Option, Scenario, Workload, split_model_id

SCHEMA_VERSION = 1
NAMED_LISTS = ("workloads", "training_jobs", "shared_endpoints", "imported_models")
"""Lists whose items a patch addresses by `name`."""
TOLERANCE_USD = 0.005
"""A lever saving less than half a cent is no lever."""
PINS = ("options", "service_tier")
"""Workload fields that pin the option or variant (with the nested ones in `_unpinned`)."""


@dataclass
class Lever:
    kind: str
    action: str
    workload: str | None
    patch: dict[str, Any]
    risk: str
    one_off_usd: float = 0.0
    cannot: str = ""
    """Why the lever cannot be priced as the scenario states it (then it is not priced)."""


@dataclass
class Priced:
    lever: Lever
    monthly_cost_usd: float
    saving_usd: float


@dataclass
class Result:
    path: str
    scenario: str
    current_usd: float | None
    complete: bool
    priced: list[Priced] = field(default_factory=list)
    skipped: list[tuple[Lever, str]] = field(default_factory=list)


def apply_patch(data: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`data` with `patch` merged in (see the module docstring); `data` is not changed."""
    out = copy.deepcopy(data)
    for key, value in patch.items():
        if key in NAMED_LISTS and isinstance(value, list):
            items = out.setdefault(key, [])
            for change in value:
                target = next((x for x in items if x.get("name") == change.get("name")), None)
                if target is None:
                    items.append(copy.deepcopy(change))  # a new item (a whole one)
                else:
                    merge(target, change)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            merge(out[key], value)
        elif value is None:
            out.pop(key, None)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Pricer:
    """The whole bill of a scenario given as data, priced like `estimate` prices files."""

    def __init__(
        self,
        catalog: Catalog,
        day: dt.date,
        as_of: dt.date | None,
        month: str | None = None,
        free_tier: bool = False,
    ) -> None:
        self.catalog, self.day, self.as_of = catalog, day, as_of
        self.month, self.free_tier = month, free_tier
        self.folder: Path | None = None
        """The folder of the scenario being optimized (its workloads table is read there)."""

    def estimate(self, data: dict[str, Any], label: str) -> Any:
        import yaml

        from genai_cost.catalog.selection import PricingOptions
        from genai_cost.catalog.validation import scenario_problems
        from genai_cost.decisions.bill import price_bill
        from genai_cost.errors import ScenarioError
        from genai_cost.scenario.load import load_scenario

        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
        loaded = load_scenario(label, name=label, content=text, folder=self.folder)
        problems = scenario_problems(loaded, self.catalog)
        if problems:
            raise ScenarioError(problems)
        return price_bill(
            [loaded],
            self.catalog,
            day=self.day,
            as_of=self.as_of,
            max_snapshot_age_days=PricingOptions().age_limit(),
            month=self.month,
            free_tier=self.free_tier,
        )

    def total(self, data: dict[str, Any], label: str) -> tuple[float | None, str]:
        """(whole bill a month, "") or (None, why it cannot be priced)."""
        total, why, _ = self.priced(data, label)
        return total, why

    def priced(self, data: dict[str, Any], label: str) -> tuple[float | None, str, Any]:
        """`total`, and the estimate it read (None when it could not be priced)."""
        try:
            estimate = self.estimate(data, label)
        except GenaiCostError as exc:
            return None, _first(exc), None
        bill = estimate.bills[0]
        if not bill["complete"]:
            missing = "; ".join(m["reason"] for m in bill["missing"][:2])
            return None, f"the patched bill is incomplete ({missing})", estimate
        return float(bill["total_monthly_cost_usd"]), "", estimate


Measure = Callable[[str, int], EndpointMeasure | str]
"""An endpoint variant's busiest hour as CloudWatch measured it (or why it cannot be), given
its instances' GPU count (tracking/cloudwatch.endpoint_use, bound to the metrics read)."""


def optimize(
    path: str, data: dict[str, Any], pricer: Pricer, endpoints: Measure | None = None
) -> Result:
    """Every lever of the scenario `data` (read from `path`), priced and ranked; with
    `endpoints` (SageMaker endpoints' CloudWatch metrics), right-sizing by what they
    measured."""
    scenario = Scenario.model_validate(data)
    current = pricer.estimate(data, path)
    bill = current.bills[0]
    result = Result(
        path,
        scenario.name,
        float(bill["total_monthly_cost_usd"]) if bill["complete"] else None,
        bool(bill["complete"]),
    )
    if result.current_usd is None:
        return result  # savings against an incomplete bill would be against a lower bound
    levers: list[Lever] = []
    for w in scenario.workloads:
        mine = _option_levers(data, w, pricer, current)
        mine += _base_load_levers(data, w, scenario, pricer)
        mine += _caching_levers(w)
        mine += _right_size_levers(w, endpoints, pricer.catalog)
        mine += _model_levers(w, scenario, pricer.catalog)
        mine += _region_levers(w, scenario)
        for lever in mine:
            lever.one_off_usd = cast(dict[str, float], w.optimize.one_off_usd).get(lever.kind, 0.0)
        levers += mine
    levers += _training_levers(scenario)
    levers += _packing_levers(scenario)
    for lever in levers:
        if lever.cannot:
            result.skipped.append((lever, lever.cannot))
            continue
        total, why, after = pricer.priced(apply_patch(data, lever.patch), path)
        if total is None:
            result.skipped.append((lever, why))
            continue
        saving = result.current_usd - total
        if saving > TOLERANCE_USD:
            lever.action += _also_changes(lever, current, after)
            result.priced.append(Priced(lever, total, saving))
    result.priced.sort(key=lambda p: (-p.saving_usd, p.lever.kind, p.lever.action))
    return result


def _also_changes(lever: Lever, before: Any, after: Any) -> str:
    """What else the lever's patch changes, so its saving names exactly what it prices: the
    workload's cheapest option when a model, profile, region or caching lever moves it (a
    profile change alone vs a profile change that also makes batch the cheapest)."""
    if lever.kind in ("option", "base_load", "batch") or lever.workload is None or after is None:
        return ""

    def chosen(estimate: Any) -> str | None:
        for i, spec in enumerate(estimate.specs):
            if spec.workload.name == lever.workload:
                row = int(estimate.arrays.cheapest_row[i])
                return estimate.arrays.label(row) if row >= 0 else None
        return None

    was, becomes = chosen(before), chosen(after)
    if becomes is None or becomes == was:
        return ""
    return f" (and its cheapest option becomes {becomes}, was {was or 'none'})"


def _workload_patch(name: str, **fields: Any) -> dict[str, Any]:
    return {"workloads": [{"name": name, **fields}]}


def _unpinned(w: Workload, batch: bool) -> dict[str, Any]:
    """A patch removing the workload's pins (and making it batch-tolerant when `batch`)."""
    change: dict[str, Any] = dict.fromkeys(PINS)
    if w.provisioned.usd_per_model_unit_hour is None:
        change["provisioned"] = {"term": None}
    if w.self_hosted.usd_per_hour is None:
        change["self_hosted"] = {"purchase": None}
    if batch:
        change["latency"] = "batch_tolerant"
    return _workload_patch(w.name, **change)


FLEX_RISK = (
    "the flex tier is the same real-time API at a lower priority: responses can be slower, and "
    "requests may be throttled when capacity is short (not hours-long batch latency)"
)


def _option_levers(data: dict[str, Any], w: Workload, pricer: Pricer, current: Any) -> list[Lever]:
    """Other options and variants, found by pricing the workload unpinned. An interactive
    workload is never moved to batch-only options or spot (they are listed as not offered,
    with the reason); the on-demand flex tier, the same real-time API at lower priority, is
    offered to it as what it is. Options with no priced row are listed with the reason."""
    if w.kind != "text":
        return []  # billed per unit: per_unit is its one option (a model swap may still save)
    index = next(i for i, s in enumerate(current.specs) if s.workload.name == w.name)
    chosen = int(current.arrays.cheapest_row[index])
    now = current.arrays.label(chosen) if chosen >= 0 else ""
    interactive = w.latency.value == "interactive"
    levers: list[Lever] = []
    seen: set[str] = {now}
    try:
        explored = pricer.estimate(apply_patch(data, _unpinned(w, False)), "explore")
    except GenaiCostError as exc:
        return [Lever("option", f"{w.name}: other options", w.name, {}, "", cannot=_first(exc))]
    a = explored.arrays
    rows = a.rows_of(index).tolist()
    mine = sorted((r for r in rows if a.feasible[r]), key=lambda r: float(a.monthly_cost_usd[r]))
    for row in mine:
        label = a.label(row)
        option = a.option(row)
        if label in seen:
            continue
        seen.add(label)
        if (
            w.self_hosted.usd_per_hour is not None
            and option in (Option.self_hosted.value, Option.autoscaled.value)
            and a.text(row, "variant") != w.self_hosted.purchase
        ):
            continue  # the scenario's own price is for its own purchase model
        pins = pin_fields(
            w, option, a.text(row, "variant"), a.text(row, "platform"), a.text(row, "instance_type")
        )
        levers.append(
            Lever(
                "option",
                f"{w.name}: {now or 'current'} → {label}",
                w.name,
                _workload_patch(w.name, **pins),
                _option_risk(option, a.text(row, "variant")),
            )
        )
    if interactive:
        levers += _interactive_levers(data, w, pricer, index, now, seen)
    priced_options = {a.option(r) for r in rows if a.feasible[r]}
    for option in dict.fromkeys(a.option(r) for r in rows):
        if option in priced_options or option == (a.option(chosen) if chosen >= 0 else ""):
            continue
        if interactive and option in NOT_FOR_CALLERS:
            continue  # listed by _interactive_levers
        reason = next((a.reason(r) for r in rows if a.option(r) == option), "")
        levers.append(
            Lever(
                "option",
                f"{w.name}: {now or 'current'} → {option}",
                w.name,
                {},
                "",
                cannot=reason or "no row of this option can be priced",
            )
        )
    return levers


def _interactive_levers(
    data: dict[str, Any], w: Workload, pricer: Pricer, index: int, now: str, seen: set[str]
) -> list[Lever]:
    """For an interactive workload: the flex tier, if priced (pinned by `service_tier: flex`,
    latency unchanged), and the batch-only options listed as not offered."""
    levers: list[Lever] = []
    try:
        flex = pricer.estimate(
            apply_patch(data, _workload_patch(w.name, **_flex_fields(w))), "explore"
        )
        a = flex.arrays
        row = int(a.cheapest_row[index])
        if row >= 0 and a.text(row, "variant") == "flex" and a.label(row) not in seen:
            seen.add(a.label(row))
            levers.append(
                Lever(
                    "option",
                    f"{w.name}: {now or 'current'} → {a.label(row)}",
                    w.name,
                    _workload_patch(w.name, **_flex_fields(w)),
                    FLEX_RISK,
                )
            )
    except GenaiCostError:
        pass  # no flex price for the model: the tier is simply not offered
    for option in NOT_FOR_CALLERS:  # their traits say no waiting caller gets the response
        levers.append(
            Lever(
                "batch",
                f"{w.name}: {now or 'current'} → {option}",
                w.name,
                {},
                "",
                cannot="not offered: the workload is interactive, and this option returns "
                "results later (batch within hours); set latency: batch_tolerant if nobody waits",
            )
        )
    return levers


def _flex_fields(w: Workload) -> dict[str, Any]:
    return {**dict.fromkeys(PINS), "options": [Option.on_demand.value], "service_tier": "flex"}


def _first(exc: GenaiCostError) -> str:
    return exc.render().splitlines()[0]


def _base_load_levers(
    data: dict[str, Any], w: Workload, scenario: Scenario, pricer: Pricer
) -> list[Lever]:
    """Capacity for the base load, on-demand for the rest (decisions/baseload.py), as two
    workloads.

    Offered for a workload with an hourly profile in a 730-hour month (no `billing_month`)
    that nothing else in the scenario names and that does not pin a mix already, when some
    capacity option's best count of units lies strictly between none and the peak's (else the
    option lever already covers it)."""
    if (
        w.traffic.profile_fractions is None
        or w.base_load is not None
        or scenario.billing_month is not None
        or w.budget is not None
        or referenced(w.name, scenario)
        or any(x.name == f"{w.name}{BASE_SUFFIX}" for x in scenario.workloads)
    ):
        return []
    try:
        explored = pricer.estimate(apply_patch(data, _unpinned(w, False)), "explore")
        index = next(i for i, s in enumerate(explored.specs) if s.workload.name == w.name)
        raw = next(x for x in data["workloads"] if x.get("name") == w.name)
        splits = best_splits(explored, index, raw)
    except (GenaiCostError, StopIteration):
        return []
    levers = []
    for found in splits:
        split = found.split
        if found.base is None:  # none kept, or the units carry the peak: the option lever
            continue
        option, variant = found.base["options"][0], _variant_of(found.base)
        levers.append(
            Lever(
                "base_load",
                f"{w.name}: {split.units} × {found.label} for the base load "
                f"({split.share_served_by_capacity:.0%} of requests), "
                f"{found.burst.replace('_', '-') if found.burst == 'on_demand' else found.burst}"
                " above it",
                w.name,
                {"workloads": [{"name": w.name, **found.overflow}, found.base]},
                _option_risk(option, variant)
                + "; the split assumes the hourly profile repeats every day",
            )
        )
    return levers


def _variant_of(fields: dict[str, Any]) -> str:
    """The purchase variant a pinned workload's fields name ("" when none)."""
    return str(
        fields.get("provisioned", {}).get("term")
        or fields.get("self_hosted", {}).get("purchase")
        or ""
    )


def _option_risk(option: str, variant: str) -> str:
    """What the move asks of the workload's owner, as the option's module says (`risk`)."""
    module: Any = MODULES[option]
    return str(module.risk(variant))


def _right_size_levers(w: Workload, endpoints: Measure | None, catalog: Catalog) -> list[Lever]:
    """Size a self-hosted workload by what its SageMaker endpoint measured (tracking/
    cloudwatch.endpoint_use): in the busiest hour, n instances served r requests a second at
    a GPU utilisation u, so one instance at full use serves r / n / u; its output tokens a
    second at the workload's output per request replace the benchmark's, and the engine sizes
    the peak with the workload's target utilisation (docs/methodology.md, "Right-sizing")."""
    endpoint = w.self_hosted.endpoint_name
    if endpoints is None or endpoint is None:
        return []
    action = f"{w.name}: size by what endpoint {endpoint} measured"
    instance = w.self_hosted.instance_type
    if instance is None:
        return [
            Lever(
                "right_size",
                action,
                w.name,
                {},
                "",
                cannot="needs self_hosted.instance_type, the endpoint's instance type",
            )
        ]
    spec = catalog.instance_types.get(instance.removeprefix("ml."))
    use = endpoints(endpoint, spec.accelerator_count if spec else 1)
    if isinstance(use, str):
        return [Lever("right_size", action, w.name, {}, "", cannot=use)]
    at_full_use = use["requests_per_second"] / use["instances"] / use["gpu_utilization"]
    per_second = at_full_use * w.tokens_per_request.output
    action = (
        f"{w.name}: size {instance} by endpoint {use['endpoint']}'s busiest hour "
        f"({use['hour'][:13]}:00 UTC: {use['instances']:g} instances at "
        f"{use['gpu_utilization']:.0%} GPU, {use['requests_per_second']:,.3g} requests/s): "
        f"{per_second:,.0f} output tokens/s an instance at full use"
    )
    risk = (
        "measured over one period at one prompt mix: a busier hour or longer prompts need "
        "more; keep autoscaling or an alarm on GPUUtilization"
    )
    fields = _sized(w, instance, per_second, use, at_full_use)
    if "p50_seconds" in use and "p95_seconds" in use:
        # the endpoint's measured response time is the option's latency evidence
        option = "autoscaled" if Option.autoscaled in w.requested_options else "self_hosted"
        fields["measured_latency"] = {
            option: {
                "p50_seconds": rounded(use["p50_seconds"]),
                "p95_seconds": rounded(use["p95_seconds"]),
            }
        }
        action += (
            f"; measured P50 {use['p50_seconds']:.3g} s, P95 {use['p95_seconds']:.3g} s "
            "(ModelLatency + OverheadLatency)"
        )
    levers = [
        Lever(
            "right_size",
            action + _autoscaling_note(w, use, at_full_use, 1.0),
            w.name,
            _workload_patch(w.name, **fields),
            risk + ("; latency measured at today's load" if "measured_latency" in fields else ""),
        )
    ]
    # other instance types, at the measured throughput × their published benchmark's ratio
    # to this instance's, at the workload's shape (the same benchmarks the engine sizes with)
    from genai_cost.catalog.lookup import benchmarked_instance_types, throughput_benchmark

    shape = (w.tokens_per_request.all_input, w.tokens_per_request.output)
    here = throughput_benchmark(catalog, w.base_model, instance.removeprefix("ml."), *shape)
    for other in benchmarked_instance_types(catalog, w.base_model):
        if other == instance.removeprefix("ml."):
            continue
        there = throughput_benchmark(catalog, w.base_model, other, *shape)
        move = f"{w.name}: move from {instance} to {other}, sized by endpoint {use['endpoint']}"
        if here is None or there is None:
            why = f"no published benchmark of {w.base_model} on {instance} to scale from"
            levers.append(Lever("right_size", move, w.name, {}, "", cannot=why))
            continue
        ratio = there.output_tokens_per_second_per_instance / (
            here.output_tokens_per_second_per_instance
        )
        scaled = per_second * ratio
        levers.append(
            Lever(
                "right_size",
                f"{move}: the measured {per_second:,.0f} tokens/s × {ratio:.4g} (the benchmarks "
                f"of {other} and {instance}) = {scaled:,.0f} output tokens/s an instance"
                + _autoscaling_note(w, use, at_full_use, ratio),
                w.name,
                _workload_patch(w.name, **_sized(w, other, scaled, use, at_full_use * ratio)),
                risk + f"; {other} is scaled from published benchmarks, not measured",
            )
        )
    return levers


def _sized(
    w: Workload, instance: str, per_second: float, use: EndpointMeasure, at_full_use: float
) -> dict[str, Any]:
    """The fields a right-size lever sets: the instance and its throughput, and for an
    autoscaled workload the policy's limit from the observed peak (the instances its busiest
    hour needs at the policy's target utilisation)."""
    fields: dict[str, Any] = {
        "self_hosted": {
            "instance_type": instance,
            "output_tokens_per_second_per_instance": rounded(per_second),
        }
    }
    if Option.autoscaled in w.requested_options:
        fields["autoscaling"] = {"max_instances": _peak_instances(w, use, at_full_use)}
    return fields


def _peak_instances(w: Workload, use: EndpointMeasure, at_full_use: float) -> int:
    target = w.autoscaling.target_utilization_fraction or w.self_hosted.target_utilization_fraction
    peak = math.ceil(use["requests_per_second"] / (at_full_use * target) - 1e-9)
    return max(peak, w.autoscaling.min_instances, 1)


def _autoscaling_note(w: Workload, use: EndpointMeasure, at_full_use: float, ratio: float) -> str:
    if Option.autoscaled not in w.requested_options:
        return ""
    return f"; autoscaling up to {_peak_instances(w, use, at_full_use * ratio)} instances"


def _caching_levers(w: Workload) -> list[Lever]:
    hints = w.optimize
    if hints.cacheable_input_fraction is None or hints.cache_hit_fraction is None:
        return []
    t = w.tokens_per_request
    moved = t.input * hints.cacheable_input_fraction
    if moved <= 0:
        return []
    hit = hints.cache_hit_fraction
    tokens = {
        "input": t.input - moved,
        "cache_read": t.cache_read + moved * hit,
        "cache_write": t.cache_write + moved * (1 - hit),
    }
    return [
        Lever(
            "caching",
            f"{w.name}: cache {hints.cacheable_input_fraction:.0%} of the prompt "
            f"({hit:.0%} of requests read it)",
            w.name,
            _workload_patch(w.name, tokens_per_request={k: rounded(v) for k, v in tokens.items()}),
            "assumes a stable prompt prefix (system prompt, documents) and the cache lifetime "
            "between requests; check cacheReadInputTokenCount after the change",
        )
    ]


def _model_levers(w: Workload, scenario: Scenario, catalog: Catalog) -> list[Lever]:
    levers = [
        Lever(
            "model",
            f"{w.name}: {w.model} → {model}",
            w.name,
            _workload_patch(w.name, model=model),
            "quality not assessed: you listed this model as acceptable; measure it on your own "
            "prompts before switching",
        )
        for model in w.optimize.candidate_models
        if model != w.model
    ]
    base = split_model_id(w.model)[1]
    region = catalog.regions.get(scenario.workload_region(w))
    profiles = ["global", *(region.geo_profiles if region else ())]
    ids = [f"{p}.{base}" for p in profiles] + [base]
    for model in ids:
        if model == w.model:
            continue
        scope = split_model_id(model)[0]
        levers.append(
            Lever(
                "profile",
                f"{w.name}: call {model}",
                w.name,
                _workload_patch(w.name, model=model, endpoint_scope=None),
                _profile_risk(w, scope, region.geography if region else ""),
            )
        )
    return levers


def _profile_risk(w: Workload, scope: str | None, geography: str) -> str:
    """What a change of inference profile means for where requests are processed."""
    now = w.geo_profile or ("global" if w.scope == "global" else "")
    where = f"the {now} geography" if now and now != "global" else f"{geography or 'its'} region"
    if scope == "global":
        if now == "global":
            return "global: requests may be served in any commercial region"
        return (
            f"DATA RESIDENCY: leaves {where} — a global profile may process requests in any "
            "commercial AWS region worldwide; check your residency and compliance rules first"
        )
    if scope:
        return f"{scope}: requests stay within the {scope} geography (cross-region inside it)"
    return "in-region: no cross-region routing (less burst capacity)"


def _region_levers(w: Workload, scenario: Scenario) -> list[Lever]:
    here = scenario.workload_region(w)
    return [
        Lever(
            "region",
            f"{w.name}: move from {here} to {region}",
            w.name,
            _workload_patch(w.name, region=region),
            "data residency and network latency to your users are yours to judge",
        )
        for region in w.optimize.candidate_regions
        if region != here
    ]


def _packing_levers(scenario: Scenario) -> list[Lever]:
    """Each shared endpoint re-packed on each of its `optimize.candidate_instances`."""
    levers = []
    for endpoint in scenario.shared_endpoints:
        for c in endpoint.optimize.candidate_instances:
            if c.instance_type == endpoint.instance_type and c.platform in (
                None,
                endpoint.platform,
            ):
                continue
            rate = c.output_tokens_per_second_per_instance
            action = f"shared endpoint {endpoint.name}: pack its models on {c.instance_type}"
            lacking = [
                m.name for m in endpoint.models if isinstance(rate, dict) and m.name not in rate
            ]
            if lacking:
                levers.append(
                    Lever(
                        "packing",
                        action,
                        None,
                        {},
                        "",
                        cannot=f"no output_tokens_per_second_per_instance on {c.instance_type} "
                        f"for {', '.join(lacking[:3])}{' …' if len(lacking) > 3 else ''} "
                        f"({len(lacking)} of {len(endpoint.models)} models)",
                    )
                )
                continue
            models = [
                {
                    **m.model_dump(mode="json"),
                    "output_tokens_per_second_per_instance": rate[m.name]
                    if isinstance(rate, dict)
                    else rate,
                }
                for m in endpoint.models
            ]
            patch: dict[str, Any] = {
                "name": endpoint.name,
                "instance_type": c.instance_type,
                "platform": c.platform or endpoint.platform,
                "usd_per_hour": c.usd_per_hour,
                "accelerator_memory_gib": c.accelerator_memory_gib,
            }
            if any(
                m.output_tokens_per_second_per_instance
                != new["output_tokens_per_second_per_instance"]
                for m, new in zip(endpoint.models, models, strict=True)
            ):
                patch["models"] = models  # a list is replaced whole
            levers.append(
                Lever(
                    "packing",
                    action,
                    None,
                    {"shared_endpoints": [patch]},
                    "multi-model endpoints load models on demand: the first request to "
                    "a model not in memory waits for it to load; throughput per model as "
                    "you stated it for this instance type",
                    one_off_usd=endpoint.optimize.one_off_usd,
                )
            )
    return levers


def _training_levers(scenario: Scenario) -> list[Lever]:
    return [
        Lever(
            "training_spot",
            f"training job {job.name}: run on spot capacity with checkpoints",
            None,
            {"training_jobs": [{"name": job.name, "purchase": "spot"}]},
            "interruptions lengthen the job (the spot model adds the lost work and restarts)",
        )
        for job in scenario.training_jobs
        if job.purchase == "on_demand" and job.spot is not None
    ]


def optimize_document(results: list[Result]) -> OptimizeDocument:
    """The JSON contract of `optimize` (docs/schemas/optimize.schema.json)."""
    scenarios: list[OptimizeScenario] = []
    for r in results:
        rows: list[OptimizeLever] = []
        for rank, p in enumerate(r.priced, start=1):
            share = p.saving_usd / r.current_usd if r.current_usd else None
            payback = p.lever.one_off_usd / p.saving_usd if p.lever.one_off_usd else 0.0
            rows.append(
                {
                    "rank": rank,
                    "kind": cast(Any, p.lever.kind),
                    "action": p.lever.action,
                    "workload": p.lever.workload,
                    "monthly_saving_usd": round(p.saving_usd, 6),
                    "share_of_bill": None if share is None else round(share, 9),
                    "monthly_cost_after_usd": round(p.monthly_cost_usd, 6),
                    "one_off_usd": round(p.lever.one_off_usd, 6),
                    "payback_months": round(payback, 6),
                    "risk": p.lever.risk,
                    "patch": p.lever.patch,
                }
            )
        scenarios.append(
            {
                "scenario": r.scenario,
                "file": r.path,
                "monthly_cost_usd": None if r.current_usd is None else round(r.current_usd, 6),
                "complete": r.complete,
                "levers": rows,
                "not_priced": [
                    {"kind": lever.kind, "action": lever.action, "reason": why}
                    for lever, why in r.skipped
                ],
            }
        )
    return {"schema_version": SCHEMA_VERSION, "kind": "genai-cost optimize", "scenarios": scenarios}


def patched_text(data: dict[str, Any], patches: list[dict[str, Any]]) -> str:
    """The scenario with the patches applied, as YAML (comments of the original are not kept)."""
    from genai_cost.yamlsource import dump_yaml

    for patch in patches:
        data = apply_patch(data, patch)
    Scenario.model_validate(data)
    header = "# Written by `genai-cost optimize --apply`; the original's comments are not kept.\n"
    return header + dump_yaml(data)


def run_optimize(
    paths: list[Any], pricer: Pricer, endpoints: Measure | None = None
) -> tuple[list[Result], list[dict[str, Any]]]:
    """Optimize every scenario file; also returns each file's data (for --apply)."""
    from genai_cost.catalog.validation import scenario_problems
    from genai_cost.errors import ScenarioError
    from genai_cost.scenario.load import expand_paths, load_scenario

    results, data = [], []
    for path in expand_paths(paths, []):
        loaded = load_scenario(path)
        problems = scenario_problems(loaded, pricer.catalog)
        if problems:
            raise ScenarioError(problems)
        raw = cast(dict[str, Any], loaded.document.data)
        pricer.folder = Path(path).parent
        results.append(optimize(str(path), raw, pricer, endpoints))
        data.append(raw)
    return results, data
