"""Bedrock provisioned throughput: model units x hours x hourly price per unit, by term.

units = max(1, ceil(max(peak input TPM / input TPM per unit, peak output TPM / output TPM
per unit))); monthly = units x 730 h x price. A fixed cost: it does not shrink with traffic.
AWS publishes no tokens-per-minute figure per model unit, so the scenario must supply both.
"""

from __future__ import annotations

import numpy as np

from genai_cost.catalog.lookup import Missing, provisioned_price
from genai_cost.catalog.tables import PROVISIONED_TERMS
from genai_cost.engine.arrays import (
    PREPARED_REASON,
    Component,
    OptionResult,
    OptionRows,
    WorkloadArrays,
    empty_objects,
    failure_codes,
    scatter,
)
from genai_cost.engine.capacity import units_needed
from genai_cost.engine.context import PricingContext
from genai_cost.scenario import Option
from genai_cost.units import HOURS_PER_MONTH, MINUTES_PER_MONTH

OPTION = Option.provisioned
VARIANTS = PROVISIONED_TERMS


def prepare(ctx: PricingContext) -> OptionRows:
    entries: list[tuple[int, str, str, float, float, float, str, bool]] = []
    for index, spec in enumerate(ctx.specs):
        if not spec.wants(OPTION):
            continue
        w = spec.workload
        settings = w.provisioned
        terms = [settings.term] if settings.term else list(VARIANTS)
        label = f"{w.base_model} in {spec.region}"
        tpm_in = settings.input_tokens_per_minute_per_model_unit
        tpm_out = settings.output_tokens_per_minute_per_model_unit
        for term in terms:
            reason = ""
            price = np.nan
            if settings.usd_per_model_unit_hour is not None and term == settings.term:
                price = settings.usd_per_model_unit_hour
            else:
                found = provisioned_price(
                    ctx.catalog, w.base_model, spec.region, term, ctx.day_for(spec)
                )
                if isinstance(found, Missing):
                    reason = (
                        f"{found.reason}; supply provisioned.usd_per_model_unit_hour "
                        f"with provisioned.term: {term}"
                    )
                else:
                    price = found.usd_per_model_unit_hour
            if not reason and (tpm_in is None or tpm_out is None):
                reason = (
                    f"AWS publishes no tokens-per-minute capacity per model unit for "
                    f"{w.base_model}; supply provisioned.input_tokens_per_minute_per_"
                    "model_unit and output_tokens_per_minute_per_model_unit (from your "
                    "AWS account team)"
                )
            explicit = spec.explicitly_asks(OPTION) or settings.term is not None
            entries.append(
                (index, term, label, price, tpm_in or np.nan, tpm_out or np.nan, reason, explicit)
            )
    n = len(entries)

    def column(k: int) -> np.ndarray:
        values = np.empty(n, dtype=object)
        values[:] = [e[k] for e in entries]
        return values

    return OptionRows(
        option=OPTION.value,
        workload_index=np.asarray([e[0] for e in entries], dtype=np.int64),
        variant=column(1),
        platform=empty_objects(n),
        instance_type=empty_objects(n),
        label=column(2),
        params={
            "usd_per_model_unit_hour": np.asarray([e[3] for e in entries], dtype=np.float64),
            "input_tokens_per_minute_per_model_unit": np.asarray(
                [e[4] for e in entries], dtype=np.float64
            ),
            "output_tokens_per_minute_per_model_unit": np.asarray(
                [e[5] for e in entries], dtype=np.float64
            ),
        },
        reason=column(6),
        explicit=np.asarray([e[7] for e in entries], dtype=bool),
    )


def evaluate(w: WorkloadArrays, rows: OptionRows) -> OptionResult:
    failure = failure_codes(rows.size, [(rows.blocked, PREPARED_REASON)])
    ok = np.flatnonzero(failure == 0)  # compute feasible rows only; NaN elsewhere
    i = rows.workload_index[ok]
    p = {name: values[ok] for name, values in rows.params.items()}
    requests_per_minute = w.requests_per_month[i] / MINUTES_PER_MONTH
    avg_in = requests_per_minute * w.all_input_tokens[i]
    avg_out = requests_per_minute * w.output_tokens[i]
    cap_in = p["input_tokens_per_minute_per_model_unit"]
    cap_out = p["output_tokens_per_minute_per_model_unit"]
    peak = w.peak_factor[i]
    units = units_needed(avg_in * peak / cap_in, avg_out * peak / cap_out)
    utilization = np.maximum(avg_in / cap_in, avg_out / cap_out) / units
    unit_hours = scatter(rows.size, ok, units * HOURS_PER_MONTH)
    component = Component(
        "model_unit_hours", "model-unit-hours", unit_hours, rows.params["usd_per_model_unit_hour"]
    )
    return OptionResult(
        rows=rows,
        failure=failure,
        reasons=(),
        monthly_cost_usd=scatter(
            rows.size, ok, units * HOURS_PER_MONTH * p["usd_per_model_unit_hour"]
        ),
        capacity=scatter(rows.size, ok, units),
        capacity_unit="model units",
        utilization_fraction=scatter(rows.size, ok, utilization),
        components=[component],
    )
