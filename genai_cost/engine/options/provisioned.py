"""Bedrock provisioned throughput: model units x hours x hourly price per unit, by term.

units = max(1, ceil(max(peak input TPM / input TPM per unit, peak output TPM / output TPM
per unit))); monthly = units x 730 h x price. A fixed cost: it does not shrink with traffic.
AWS publishes no tokens-per-minute figure per model unit, so the scenario must supply both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from genai_cost.catalog.lookup import Missing, provisioned_price
from genai_cost.catalog.tables import PROVISIONED_TERMS
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    Groups,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    empty_objects,
    expand_groups,
    failure_codes,
    objects,
    scatter,
    tuples,
)
from genai_cost.engine.capacity import (
    REDUNDANCY_PREFIX,
    redundancy_params,
    units_needed,
    with_redundancy,
)
from genai_cost.engine.context import PricingContext, WorkloadSpec, stand_ins
from genai_cost.engine.traits import OptionTraits, commitment_risk
from genai_cost.scenario.models import Option, Workload
from genai_cost.units import MINUTES_PER_HOUR

REDUNDANT_UNIT_HOURS = REDUNDANCY_PREFIX + "model_unit_hours"
"""The extra capacity redundancy buys (reported as its own component)."""
OPTION = Option.provisioned
TRAITS = OptionTraits(
    pay_per_use=False, cost_curve="step", answers_caller=True, unit_price="usd_per_model_unit_hour"
)
VARIANTS = PROVISIONED_TERMS
PRICE_COLUMNS = ("usd_per_model_unit_hour",)
"""The catalog price it reads: ProvisionedPrice (bedrock_provisioned), per term."""


@dataclass
class _Row:
    """One Provisioned Throughput row being assembled: a workload on one commitment term,
    with its price per model unit hour, capacity and why it cannot serve, if so."""

    workload: int
    term: str
    label: str
    usd_per_model_unit_hour: float = np.nan
    input_capacity: float = np.nan
    output_capacity: float = np.nan
    reason: str = ""
    explicit: bool = False
    sources: tuple[str, ...] = ()


def _rows_for(ctx: PricingContext, index: int, spec: WorkloadSpec) -> list[_Row]:
    w = spec.workload
    settings = w.provisioned
    tpm_in = settings.input_tokens_per_minute_per_model_unit
    tpm_out = settings.output_tokens_per_minute_per_model_unit
    rows = []
    for term in [settings.term] if settings.term else list(VARIANTS):
        row = _Row(
            index,
            term,
            f"{w.base_model} in {spec.region}",
            input_capacity=tpm_in or np.nan,
            output_capacity=tpm_out or np.nan,
            explicit=spec.explicitly_asks(OPTION) or settings.term is not None,
        )
        if settings.usd_per_model_unit_hour is not None and term == settings.term:
            row.usd_per_model_unit_hour = settings.usd_per_model_unit_hour
            row.sources = ("scenario",)
        else:
            found = provisioned_price(
                ctx.catalog, w.base_model, spec.region, term, ctx.day_for(spec)
            )
            if isinstance(found, Missing):
                row.reason = (
                    f"{found.reason}; supply provisioned.usd_per_model_unit_hour "
                    f"with provisioned.term: {term}"
                )
            else:
                row.usd_per_model_unit_hour = found.usd_per_model_unit_hour
                row.sources = (found.source,)
        if not row.reason and (tpm_in is None or tpm_out is None):
            row.reason = (
                f"AWS publishes no tokens-per-minute capacity per model unit for "
                f"{w.base_model}; supply provisioned.input_tokens_per_minute_per_model_unit "
                "and output_tokens_per_minute_per_model_unit (from your AWS account team)"
            )
        elif tpm_in is not None:
            row.sources = (*row.sources, "scenario")
        rows.append(row)
    return rows


def prepare(ctx: PricingContext) -> OptionRows:
    """The rows of every workload that wants provisioned throughput: resolved once per group
    of workloads with the same model, region, day and settings, then taken by index."""
    groups = Groups()
    wanting = ctx.wanting(OPTION)
    # a table's rows with the same model, region and options are read as one (`stand_ins`)
    stand = stand_ins(ctx, wanting, ("model", "region", "options"))

    def key_of(r: int) -> tuple[object, ...]:
        spec = ctx.specs[r]
        settings = spec.workload.provisioned
        return (
            spec.workload.base_model,
            spec.region,
            ctx.day_for(spec),
            settings.term,
            settings.usd_per_model_unit_hour,
            settings.input_tokens_per_minute_per_model_unit,
            settings.output_tokens_per_minute_per_model_unit,
            spec.explicitly_asks(OPTION),
        )

    groups.add_stand_ins(wanting, stand, key_of)
    first, wanting, member = groups.first, groups.wanting, groups.member
    templates = [_rows_for(ctx, -1, ctx.specs[i]) for i in first]
    rows = [r for template in templates for r in template]
    counts = np.asarray([len(t) for t in templates], dtype=np.int64)
    groups_of = np.asarray(member, dtype=np.int64)
    take = expand_groups(groups_of, counts)
    per_workload = counts[groups_of] if groups_of.size else np.zeros(0, dtype=np.int64)

    def column(values: list[Any], dtype: Any = np.float64) -> Any:
        return np.asarray(values, dtype=dtype)[take]

    redundancy = redundancy_params(ctx, wanting)
    return OptionRows(
        option=OPTION.value,
        workload_index=np.repeat(np.asarray(wanting, dtype=np.int64), per_workload),
        variant=objects([r.term for r in rows])[take],
        platform=empty_objects(take.size),
        instance_type=empty_objects(take.size),
        label=objects([r.label for r in rows])[take],
        params={
            "usd_per_model_unit_hour": column([r.usd_per_model_unit_hour for r in rows]),
            "input_tokens_per_minute_per_model_unit": column([r.input_capacity for r in rows]),
            "output_tokens_per_minute_per_model_unit": column([r.output_capacity for r in rows]),
            **{name: np.repeat(v, per_workload) for name, v in redundancy.items()},
        },
        reason=objects([r.reason for r in rows])[take],
        explicit=column([r.explicit for r in rows], bool),
        sources=tuples([r.sources for r in rows])[take],
    )


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    failure = failure_codes(rows.size, [(rows.blocked, PREPARED_REASON)])
    ok = np.flatnonzero(failure == 0)  # compute feasible rows only; NaN elsewhere
    i = rows.workload_index[ok]
    p = {name: values[ok] for name, values in rows.params.items()}
    hours = w.hours[i]
    requests_per_minute = w.requests_per_month[i] / (hours * MINUTES_PER_HOUR)
    avg_in = requests_per_minute * w.all_input_tokens[i]
    avg_out = requests_per_minute * w.output_tokens[i]
    cap_in = p["input_tokens_per_minute_per_model_unit"]
    cap_out = p["output_tokens_per_minute_per_model_unit"]
    peak = w.peak_factor[i]
    demand = np.maximum(avg_in * peak / cap_in, avg_out * peak / cap_out)
    serving = units_needed(demand)
    units = with_redundancy(serving, p["redundancy_regions"], p["standby_fraction"])
    utilization = np.maximum(avg_in / cap_in, avg_out / cap_out) / units
    price = rows.params["usd_per_model_unit_hour"]
    components = [
        Component(
            "model_unit_hours",
            "model-unit-hours",
            scatter(rows.size, ok, serving * hours),
            price,
        ),
        Component(
            REDUNDANT_UNIT_HOURS,
            "model-unit-hours",
            scatter(rows.size, ok, (units - serving) * hours),
            price,
            optional=True,
        ),
    ]
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(),
        monthly_cost_usd=scatter(rows.size, ok, units * hours * p["usd_per_model_unit_hour"]),
        capacity=scatter(rows.size, ok, units),
        capacity_unit="model units",
        utilization_fraction=scatter(rows.size, ok, utilization),
        components=components,
        demand=scatter(rows.size, ok, demand),
        usd_per_capacity_hour=rows.params["usd_per_model_unit_hour"],
        base_variant="no_commitment",
        uncommitted=("no_commitment",),
    )


SETTINGS = "provisioned"
"""The workload field holding this option's own settings."""


def pin(workload: Workload, variant: str, platform: str, instance: str) -> dict[str, Any]:
    """The workload fields, besides `options`, that choose exactly this row."""
    return {"provisioned": {"term": variant}}


def risk(variant: str) -> str:
    """What moving a workload to this row asks of its owner (optimize)."""
    return commitment_risk(variant) or "model units billed every hour, used or not"
