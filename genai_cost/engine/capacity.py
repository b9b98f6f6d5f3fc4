"""Capacity sizing shared by the fixed-capacity options (provisioned units, instances)."""

from __future__ import annotations

from typing import Any

import numpy as np

from genai_cost.engine.arrays import FloatArray
from genai_cost.units import FLOAT_TOLERANCE

REDUNDANCY_PREFIX = "redundancy_"
"""Components named with this prefix are the capacity redundancy adds (the bill's redundancy
family); the others serve the traffic."""

CEIL_TOLERANCE = FLOAT_TOLERANCE
"""Demand within 1e-9 of a whole number of units rounds down (floating-point noise)."""


def units_needed(*load_over_capacity: FloatArray) -> FloatArray:
    """Whole units covering every load (each load / per-unit capacity), at least one."""
    ratio = load_over_capacity[0]
    for more in load_over_capacity[1:]:
        ratio = np.maximum(ratio, more)
    units: FloatArray = np.maximum(np.ceil(ratio - CEIL_TOLERANCE), 1.0)
    return units


def with_redundancy(
    units: FloatArray, regions: FloatArray, standby_fraction: FloatArray
) -> FloatArray:
    """Capacity including redundancy: `regions` full copies (active-active, each sized for the
    whole peak) plus a warm standby of ceil(standby_fraction × units) where it is > 0."""
    # each step in place on the two new arrays (the same operations, in the same order, as
    # `units * regions + where(standby_fraction > 0, ceil(units * standby_fraction - tol), 0)`)
    standby = np.multiply(units, standby_fraction)
    standby -= CEIL_TOLERANCE
    np.ceil(standby, out=standby)
    np.copyto(standby, 0.0, where=~(standby_fraction > 0))
    total: FloatArray = np.multiply(units, regions)
    total += standby
    return total


def redundancy_params(ctx: Any, wanting: list[int]) -> dict[str, FloatArray]:
    """Per-row redundancy parameters of the workloads `wanting` (places in `ctx.specs`). A
    table's rows have no redundancy section (each is at the default:
    `engine.context.stand_ins`), so one row of each table is read for all of them."""
    from genai_cost.engine.context import table_runs

    specs = ctx.specs
    at = np.asarray(wanting, dtype=np.intp)
    regions = np.empty(at.size, dtype=np.float64)
    standby = np.empty(at.size, dtype=np.float64)
    read = np.zeros(at.size, dtype=bool)
    for positions, _, _, _ in table_runs(ctx, at):
        regions[positions], standby[positions] = specs[int(at[positions[0]])].redundancy
        read[positions] = True
    for k in np.flatnonzero(~read).tolist():
        regions[k], standby[k] = specs[int(at[k])].redundancy
    return {"redundancy_regions": regions, "standby_fraction": standby}


def rate_at_shape(
    per_instance: FloatArray,
    params: dict[str, FloatArray],
    input_tokens: FloatArray,
    output_tokens: FloatArray,
) -> FloatArray:
    """Output tokens a second one instance sustains for requests of `input_tokens` (all
    input, cached included) and `output_tokens`, when `per_instance` was measured by a
    benchmark at another shape (`params`' benchmark_input_tokens / benchmark_output_tokens;
    NaN where the scenario gives its own rate, which is used as given).

    The benchmark's instance carried T output tokens a second and, with them, T × I_b / O_b
    input tokens a second. A workload needs enough instances for both its output and its
    input tokens: demand = max(out/s ÷ T, in/s ÷ (T × I_b / O_b)); as an output rate that is
    T × min(1, (I_b × O) / (O_b × I)). A prompt-heavier workload than the benchmark is
    sized by its input, so longer prompts need more instances (methodology: "Self-hosted
    sizing")."""
    bench_in = params.get("benchmark_input_tokens")
    bench_out = params.get("benchmark_output_tokens")
    if bench_in is None or bench_out is None:
        return per_instance
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.minimum(1.0, bench_in * output_tokens / (bench_out * input_tokens))
    usable = np.isfinite(bench_in) & (input_tokens > 0) & (output_tokens > 0)
    rate: FloatArray = per_instance * np.where(usable, factor, 1.0)
    return rate
