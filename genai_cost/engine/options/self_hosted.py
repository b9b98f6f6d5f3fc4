"""Self-hosting an open-weights model on EC2 or SageMaker GPU/accelerator instances.

instances = max(1, ceil(peak output tokens/s / (output tokens/s per instance x target
utilisation))); monthly = instances x 730 h x hourly price. Idle capacity is paid for, so the
cost per token rises as utilisation falls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import numpy as np

from genai_cost.catalog.lookup import (
    Missing,
    benchmarked_instance_types,
    benchmarks_on,
    instance_price,
    throughput_benchmark,
)
from genai_cost.catalog.tables import PLATFORMS, PURCHASES
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    Groups,
    ObjArray,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    expand_groups,
    failure_codes,
    objects,
    scatter,
    tuples,
)
from genai_cost.engine.capacity import (
    REDUNDANCY_PREFIX,
    rate_at_shape,
    redundancy_params,
    units_needed,
    with_redundancy,
)
from genai_cost.engine.context import (
    PricingContext,
    WorkloadSpec,
    distinct_indexes,
    stand_ins,
    table_figures,
    table_runs,
)
from genai_cost.engine.traits import OPERATE, OptionTraits, commitment_risk
from genai_cost.scenario.models import Option, Workload, split_model_id
from genai_cost.units import SECONDS_PER_HOUR

REDUNDANT_INSTANCE_HOURS = REDUNDANCY_PREFIX + "instance_hours"
"""The extra capacity redundancy buys (reported as its own component)."""
OPTION = Option.self_hosted
TRAITS = OptionTraits(
    pay_per_use=False,
    cost_curve="step",
    answers_caller=True,
    static_failures=(2,),
    unit_price="usd_per_hour",
)
VARIANTS = PURCHASES
PRICE_COLUMNS = ("usd_per_hour",)
"""The catalog price it reads: InstancePrice (instance_prices), per platform and purchase."""
SPOT_INTERACTIVE_REASON = (
    "spot capacity can be reclaimed at two minutes' notice; only batch-tolerant workloads qualify"
)
PLATFORM_LIMITS = {
    ("sagemaker", "reserved_1y"): "SageMaker endpoints have no reserved instances "
    "(SageMaker savings plans apply instead)",
    ("sagemaker", "reserved_3y"): "SageMaker endpoints have no reserved instances "
    "(SageMaker savings plans apply instead)",
    ("sagemaker", "spot"): "SageMaker real-time endpoints cannot run on spot capacity",
}


@dataclass
class _Row:
    """One self-hosting row being assembled: a workload on one platform, instance type and
    purchase, with its price, throughput benchmark and why it cannot serve, if so."""

    workload: int
    purchase: str
    platform: str
    instance_type: str
    label: str
    usd_per_hour: float = np.nan
    tokens_per_second: float = np.nan
    bench_input: float = np.nan
    bench_output: float = np.nan
    target_utilization: float = 1.0
    reason: str = ""
    explicit: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstanceChoice:
    """What a self-hosting-like option evaluates for one workload: which platforms, purchases
    and instance types, and the scenario's own price and throughput when it gives them."""

    option: Option
    platforms: tuple[str, ...]
    purchases: tuple[str, ...]
    instance_type: str | None
    usd_per_hour: float | None
    usd_purchase: str | None
    """The purchase `usd_per_hour` is for."""
    tokens_per_second: float | None
    target_utilization: float
    explicit_variant: bool = False


def self_hosted_choice(spec: WorkloadSpec) -> InstanceChoice:
    s = spec.workload.self_hosted
    return InstanceChoice(
        OPTION,
        (s.platform,) if s.platform else PLATFORMS,
        (s.purchase,) if s.purchase else VARIANTS,
        s.instance_type,
        s.usd_per_hour,
        s.purchase,
        s.output_tokens_per_second_per_instance,
        s.target_utilization_fraction,
        s.purchase is not None,
    )


def closed_weights_reason(ctx: PricingContext, model_id: str) -> str:
    """Why a model cannot run on your own capacity ("" when it can, or is not catalogued)."""
    model = ctx.catalog.models.get(model_id)
    if model is not None and not model.open_weights:
        return f"{model_id} is not an open-weights model; it cannot be self-hosted"
    return ""


def _instance_types(ctx: PricingContext, model_id: str, choice: InstanceChoice) -> list[str]:
    """The instance types a choice sizes: the one it names, else every benchmarked one."""
    if choice.instance_type is not None:
        return [choice.instance_type.removeprefix("ml.")]
    found: list[str] = ctx.remember(
        ("benchmarked", model_id), partial(benchmarked_instance_types, ctx.catalog, model_id)
    )
    return found


def instance_rows(
    ctx: PricingContext, index: int, spec: WorkloadSpec, choice: InstanceChoice
) -> list[_Row]:
    """One row per instance type x platform x purchase, with price and throughput resolved
    (or the reason they cannot be)."""
    w = spec.workload
    model_id = w.base_model
    explicit_option = spec.explicitly_asks(choice.option)

    def unavailable(reason: str) -> list[_Row]:
        return [_Row(index, "", "", "", model_id, reason=reason, explicit=explicit_option)]

    closed = closed_weights_reason(ctx, model_id)
    if closed:
        return unavailable(closed)
    instance_types = _instance_types(ctx, model_id, choice)
    if not instance_types:
        return unavailable(
            f"no published throughput benchmark for {model_id}; supply "
            "self_hosted.instance_type and self_hosted.output_tokens_per_second_per_instance"
        )
    rows = []
    tokens = w.tokens_per_request
    for instance_type in instance_types:
        throughput_reason = ""
        tps = choice.tokens_per_second
        bench = None
        throughput_source = "scenario"
        if tps is None:
            all_input, output = tokens.all_input, tokens.output
            key = ("throughput", model_id, instance_type, all_input, output)
            bench = ctx.remember(
                key,
                partial(
                    throughput_benchmark,
                    ctx.catalog,
                    model_id,
                    instance_type,
                    all_input,
                    output,
                ),
            )
            if bench is None:
                throughput_reason = (
                    f"no published throughput for {model_id} on {instance_type}; supply "
                    "self_hosted.output_tokens_per_second_per_instance"
                )
            else:
                tps = bench.output_tokens_per_second_per_instance
                throughput_source = bench.source
        for platform in choice.platforms:
            for purchase in choice.purchases:
                name = instance_type if platform == "ec2" else f"ml.{instance_type}"
                row = _Row(
                    index,
                    purchase,
                    platform,
                    instance_type,
                    f"{name} in {spec.region}",
                    tokens_per_second=tps if tps is not None else np.nan,
                    bench_input=bench.input_tokens if bench is not None else np.nan,
                    bench_output=bench.output_tokens if bench is not None else np.nan,
                    target_utilization=choice.target_utilization,
                    explicit=explicit_option or choice.explicit_variant,
                )
                limit = PLATFORM_LIMITS.get((platform, purchase))
                if limit:
                    row.reason = limit
                elif choice.usd_per_hour is not None and purchase == choice.usd_purchase:
                    row.usd_per_hour = choice.usd_per_hour
                    row.sources = ("scenario",)
                else:
                    day = ctx.day_for(spec)
                    found = ctx.remember(
                        ("instance", platform, instance_type, spec.region, purchase, day),
                        partial(
                            instance_price,
                            ctx.catalog,
                            platform,
                            instance_type,
                            spec.region,
                            purchase,
                            day,
                        ),
                    )
                    if isinstance(found, Missing):
                        row.reason = f"{found.reason}; {price_hint(choice, purchase)}"
                    else:
                        row.usd_per_hour = found.usd_per_hour
                        row.sources = (found.source,)
                row.reason = row.reason or throughput_reason
                if not throughput_reason:
                    row.sources = tuple(dict.fromkeys((*row.sources, throughput_source)))
                rows.append(row)
    return rows


def prepare_instances(
    ctx: PricingContext, option: Option, choose: Callable[[WorkloadSpec], InstanceChoice]
) -> OptionRows:
    """The rows of a self-hosting-like option for every workload that wants it.

    A workload's rows depend only on its model, location, pricing day, the option's settings
    and (for a benchmarked throughput) its token shape: the rows of each distinct combination
    are resolved once, and every workload with it takes them by index — a join of the
    workloads against the resolved rows, not a lookup per workload."""
    specs = ctx.specs
    choices: dict[tuple[int, ...], InstanceChoice] = {}
    wanting = ctx.wanting(option)
    # a table's rows with the same model, region and options whose token shapes pick the
    # same benchmarks get the same rows: one of them is read for all (`stand_ins`)
    stand = stand_ins(ctx, wanting, ("model", "region", "options"), (_pick_codes(ctx, wanting),))

    def key_of(r: int) -> tuple[object, ...]:
        spec = specs[r]
        w = spec.workload
        # a choice reads only the workload's settings models: workloads sharing them (a
        # table's rows, and YAML workloads, share the defaults) share one choice
        settings = (
            id(w.self_hosted),
            id(w.autoscaling),
            id(w.async_inference),
            id(w.batch_transform),
        )
        choice = choices.get(settings)
        if choice is None:
            choice = choices[settings] = choose(spec)
        model_id = w.base_model
        picks = None  # the token shape matters only where a benchmark gives the throughput:
        if choice.tokens_per_second is None and _benchmarked(ctx, model_id, choice):
            # through the benchmark it picks per instance type, so workloads whose shapes
            # pick the same measurements share one set of rows
            tokens = w.tokens_per_request
            shape = (tokens.all_input, tokens.output)
            picks = ctx.remember(
                ("picks", model_id, choice.instance_type, shape),
                partial(_picked_benchmarks, ctx, model_id, choice, shape),
            )
        asks = spec.explicitly_asks(choice.option)
        return (model_id, spec.region, ctx.day_for(spec), choice, asks, picks)

    groups = Groups()
    groups.add_stand_ins(wanting, stand, key_of)
    templates = [
        instance_rows(ctx, -1, specs[first], cast(InstanceChoice, key[3]))  # the key's choice
        for first, key in zip(
            groups.first, cast(list[tuple[object, ...]], groups.keys), strict=True
        )
    ]
    return instance_option_rows(option, templates, groups.wanting, groups.member, ctx)


PICK_TIE = 1e-9
"""Distances of two benchmarks from a shape closer than this (relative) are compared by
`throughput_benchmark` itself (NumPy's logarithm may differ from the math module's in the
last bit)."""


def _pick_codes(ctx: PricingContext, wanting: list[int]) -> np.ndarray:
    """Per workload of `wanting`, a number standing for the throughput benchmarks
    `_picked_benchmarks` picks at its token shape for each instance type its model is
    benchmarked on (equal numbers for a model: the same benchmarks), for a table's rows as
    the table has them (read from its columns); 0 for every other workload. The nearest
    benchmark is found for all rows at once (`throughput_benchmark`'s distance)."""
    out = np.zeros(len(wanting), dtype=np.int64)
    found = table_runs(ctx, np.asarray(wanting, dtype=np.intp))
    if not found:
        return out
    catalog = ctx.catalog
    for positions, table, rows, hours in found:
        figures = table_figures(table, rows, hours)
        all_input = figures[1] + figures[3] + figures[4] + figures[5]  # `all_input`'s sum
        output = figures[2]
        models = table.codes("model")[rows]
        for code in distinct_indexes(models).tolist():
            mine = np.flatnonzero(models == code)
            name = str(table.text["model"][rows[mine[0]]])
            model_id = split_model_id(name)[1]
            types = ctx.remember(
                ("benchmarked", model_id),
                partial(benchmarked_instance_types, catalog, model_id),
            )
            key = np.zeros(mine.size, dtype=np.int64)
            for instance_type in types:
                benches = benchmarks_on(catalog, model_id, instance_type)
                pick = _nearest(
                    catalog, model_id, instance_type, benches, all_input[mine], output[mine]
                )
                # one number for the picks so far (kept small)
                key = np.unique(key * len(benches) + pick, return_inverse=True)[1].reshape(-1)
            out[positions[mine]] = key
    return out


def _nearest(
    catalog: Any,
    model_id: str,
    instance_type: str,
    benches: list[Any],
    all_input: np.ndarray,
    output: np.ndarray,
) -> np.ndarray:
    """Per shape, the position in `benches` of the one `throughput_benchmark` picks: the
    least sum of absolute log-ratios of input and output tokens, the first of equals."""
    with np.errstate(divide="ignore"):
        distance = np.stack(
            [
                np.abs(np.log(np.maximum(all_input, 1.0) / b.input_tokens))
                + np.abs(np.log(np.maximum(output, 1.0) / b.output_tokens))
                for b in benches
            ]
        )
    pick: np.ndarray = np.argmin(distance, axis=0)
    if len(benches) > 1:
        two = np.sort(distance, axis=0)[:2]
        close = np.flatnonzero(two[1] - two[0] <= PICK_TIE * (1.0 + np.abs(two[0])))
        for k in close.tolist():  # near a tie: as throughput_benchmark decides it
            chosen = throughput_benchmark(
                catalog, model_id, instance_type, float(all_input[k]), float(output[k])
            )
            pick[k] = next(j for j, b in enumerate(benches) if b is chosen)
    return pick


def _picked_benchmarks(
    ctx: PricingContext, model_id: str, choice: InstanceChoice, shape: tuple[float, float]
) -> tuple[int, ...]:
    """Which benchmark `instance_rows` reads for each instance type it sizes at this token
    shape (by identity; -1 where none): the part of the shape its rows depend on."""
    picked = []
    for instance_type in _instance_types(ctx, model_id, choice):
        bench = ctx.remember(
            ("throughput", model_id, instance_type, *shape),
            partial(throughput_benchmark, ctx.catalog, model_id, instance_type, *shape),
        )
        picked.append(-1 if bench is None else id(bench))
    return tuple(picked)


def _benchmarked(ctx: PricingContext, model_id: str, choice: InstanceChoice) -> bool:
    """Whether `instance_rows` looks a throughput benchmark up for this model and choice (an
    open-weights model with benchmarked instance types, or the instance type it names)."""
    if closed_weights_reason(ctx, model_id):
        return False
    if choice.instance_type is not None:
        return True
    benchmarked = ctx.remember(
        ("benchmarked", model_id), partial(benchmarked_instance_types, ctx.catalog, model_id)
    )
    return bool(benchmarked)


def price_hint(choice: InstanceChoice, purchase: str) -> str:
    if choice.option == Option.batch_transform:
        return "supply batch_transform.usd_per_hour"
    return f"supply self_hosted.usd_per_hour with self_hosted.purchase: {purchase}"


def instance_option_rows(
    option: Option,
    templates: list[list[_Row]],
    wanting: list[int],
    chosen: list[int],
    ctx: PricingContext,
) -> OptionRows:
    """The OptionRows of instance rows (shared by the self-hosting-like options): workload
    `wanting[k]` takes the rows of template `chosen[k]`, in order."""
    rows = [r for template in templates for r in template]
    sizes = np.asarray([len(t) for t in templates], dtype=np.int64)
    ids = np.asarray(chosen, dtype=np.int64)
    counts = sizes[ids] if ids.size else np.zeros(0, dtype=np.int64)
    take = expand_groups(ids, sizes)

    def column(values: list[Any], dtype: Any) -> Any:
        return np.asarray(values, dtype=dtype)[take]

    def texts(values: list[str]) -> ObjArray:
        picked: ObjArray = objects(values)[take]
        return picked

    redundancy = redundancy_params(ctx, wanting)
    return OptionRows(
        option=option.value,
        workload_index=np.repeat(np.asarray(wanting, dtype=np.int64), counts),
        variant=texts([r.purchase for r in rows]),
        platform=texts([r.platform for r in rows]),
        instance_type=texts([r.instance_type for r in rows]),
        label=texts([r.label for r in rows]),
        params={
            "usd_per_hour": column([r.usd_per_hour for r in rows], np.float64),
            "output_tokens_per_second_per_instance": column(
                [r.tokens_per_second for r in rows], np.float64
            ),
            "target_utilization_fraction": column([r.target_utilization for r in rows], np.float64),
            # the benchmark the throughput comes from (NaN where the scenario supplies it)
            "benchmark_input_tokens": column([r.bench_input for r in rows], np.float64),
            "benchmark_output_tokens": column([r.bench_output for r in rows], np.float64),
            # 1.0 for spot rows: a numeric flag, so evaluation never compares strings.
            "is_spot": column([r.purchase == "spot" for r in rows], np.float64),
            **{name: np.repeat(values, counts) for name, values in redundancy.items()},
        },
        reason=texts([r.reason for r in rows]),
        explicit=column([r.explicit for r in rows], bool),
        sources=tuples([r.sources for r in rows])[take],
    )


def prepare(ctx: PricingContext) -> OptionRows:
    return prepare_instances(ctx, OPTION, self_hosted_choice)


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    spot = rows.params["is_spot"] > 0
    failure = failure_codes(
        rows.size,
        [(spot & ~w.batch_tolerant[rows.workload_index], 2), (rows.blocked, PREPARED_REASON)],
    )
    ok = np.flatnonzero(failure == 0)  # compute feasible rows only; NaN elsewhere
    i = rows.workload_index[ok]
    everyone = ok.shape[0] == rows.size  # then no parameter needs gathering
    p = rows.params if everyone else {name: values[ok] for name, values in rows.params.items()}
    month = w.hours[i]
    avg_tps = w.requests_per_month[i] * w.output_tokens[i] / (month * SECONDS_PER_HOUR)
    per_instance = rate_at_shape(
        p["output_tokens_per_second_per_instance"], p, w.all_input_tokens[i], w.output_tokens[i]
    )
    demand = avg_tps * w.peak_factor[i] / (per_instance * p["target_utilization_fraction"])
    serving = units_needed(demand)
    instances = with_redundancy(serving, p["redundancy_regions"], p["standby_fraction"])
    hours = instances * month
    components = [
        Component(
            "instance_hours",
            "instance-hours",
            scatter(rows.size, ok, serving * month),
            rows.params["usd_per_hour"],
        ),
        Component(
            REDUNDANT_INSTANCE_HOURS,
            "instance-hours",
            scatter(rows.size, ok, (instances - serving) * month),
            rows.params["usd_per_hour"],
            optional=True,
        ),
    ]
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(SPOT_INTERACTIVE_REASON,),
        monthly_cost_usd=scatter(rows.size, ok, hours * p["usd_per_hour"]),
        capacity=scatter(rows.size, ok, instances),
        capacity_unit="instances",
        utilization_fraction=scatter(rows.size, ok, avg_tps / (instances * per_instance)),
        components=components,
        demand=scatter(rows.size, ok, demand),
        usd_per_capacity_hour=rows.params["usd_per_hour"],
        base_variant="on_demand",
        uncommitted=("on_demand", "spot"),
    )


SETTINGS = "self_hosted"
"""The workload field holding this option's own settings."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row (the purchase
    only when the scenario prices the instance itself: its price is for its own purchase)."""
    fields: dict[str, Any] = {"platform": platform, "instance_type": instance}
    if workload.self_hosted.usd_per_hour is None:
        fields["purchase"] = variant
    return {"self_hosted": fields}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return commitment_risk(variant) or OPERATE
