"""`genai-cost breakeven`: where each pair of options crosses, and the cheapest per band."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any, cast

from genai_cost.decisions.curves import engine_sweeps, workload_curves
from genai_cost.documents.decisions import BreakevenDocument, Crossing, WorkloadBreakeven
from genai_cost.engine.breakeven import (
    Curve,
    TooManySteps,
    all_crossings_many,
    cheapest_bands_many,
    read_curves,
)
from genai_cost.engine.context import run_columns
from genai_cost.errors import ArgumentError
from genai_cost.results.rounding import rounded_columns, significant_array
from genai_cost.units import MINUTES_PER_MONTH

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate

SWEEP_POINTS = 400


MAX_SWEEP_VOLUME = 1e18
"""Requests a month beyond which a sweep's costs would overflow (a quintillion)."""


SIGNIFICANT_DIGITS = 10
"""Volumes are presented to ten significant digits: a crossing found by bisection is exact
to far less, and the last digits of a float differ between NumPy builds."""


def significant(value: float) -> float:
    """`value` to `SIGNIFICANT_DIGITS` significant digits."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


CROSSING_BATCH = 500
"""Workloads whose crossings and bands are found together (their curves read at once)."""
BREAKEVEN_CHUNK = 2_000
"""Workloads whose sweeps are made at a time (`breakeven_parts`): a 400-point sweep of
every option is most of a workload's entry, so a table's are never all held at once."""


def breakeven_document(
    estimate: Estimate,
    *,
    workload: str | None = None,
    volume_range: tuple[float, float] | None = None,
    only: Collection[tuple[str, str]] | None = None,
) -> BreakevenDocument:
    """Crossing points and cheapest-option bands for each workload (schema_version 1); with
    `only`, for those (scenario, workload) pairs alone (what a report draws)."""
    head, chunks = breakeven_parts(
        estimate, workload=workload, volume_range=volume_range, only=only
    )
    return cast(
        BreakevenDocument, {**head, "workloads": [entry for chunk in chunks for entry in chunk]}
    )


def breakeven_parts(
    estimate: Estimate,
    *,
    workload: str | None = None,
    volume_range: tuple[float, float] | None = None,
    only: Collection[tuple[str, str]] | None = None,
) -> tuple[dict[str, Any], Iterator[list[WorkloadBreakeven]]]:
    """`breakeven_document` in parts: its keys before `workloads`, and the workloads'
    entries BREAKEVEN_CHUNK at a time, each chunk's sweeps made as it is asked for. Every
    check that can refuse the input (names, ranges, too many capacity steps) runs before
    the first entry is made, so a document that is refused is refused before it is
    written."""
    # names from the run's columns (a table's rows are not made into workloads for them)
    names: list[str] = run_columns(estimate.context, estimate.specs).name.tolist()
    if not names:
        files = ", ".join(s.path for s in estimate.scenarios)
        raise ArgumentError(
            f"{files}: no workloads — break-even compares the purchase options of a "
            "workload's requests (training jobs and endpoints have one price each)"
        )
    if workload is not None and workload not in names:
        from genai_cost.modelfile import suggest

        hint = suggest(workload, names)
        raise ArgumentError(
            f"«workload» {workload!r}: no such workload"
            + (f" ({hint})" if hint else f"; workloads: {', '.join(names)}")
        )
    chosen = [
        i
        for i, (spec, name) in enumerate(zip(estimate.specs, names, strict=True))
        if (workload is None or name == workload)
        and (only is None or (spec.scenario_name, name) in only)
    ]
    ranges = []
    for index in chosen:
        curves, volume = workload_curves(estimate, index)
        low, high = volume_range or (volume / 100, volume * 100)
        if not (0 < low < high < MAX_SWEEP_VOLUME):
            name = estimate.specs[index].workload.name
            raise ArgumentError(
                f"workload {name!r}: {volume:g} requests a month cannot be swept from "
                f"{low:g} to {high:g} (the sweep runs from above 0 to below "
                f"{MAX_SWEEP_VOLUME:g}); give a range with «volume_range» LOW:HIGH"
            )
        ranges.append((curves, volume, low, high))
    # the crossings and bands of every workload (small; they may refuse a range), a batch
    # of workloads at a time: each batch's curves read together (`all_crossings_many`)
    decided = []
    placed = list(zip(chosen, ranges, strict=True))
    for start in range(0, len(placed), CROSSING_BATCH):
        batch = placed[start : start + CROSSING_BATCH]
        try:
            found_each = all_crossings_many(
                [(curves, low, high) for _, (curves, _, low, high) in batch]
            )
        except TooManySteps as exc:
            assert exc.index is not None
            name = estimate.specs[batch[exc.index][0]].workload.name
            raise ArgumentError(
                f"workload {name!r}: {exc}; narrow the volumes with «volume_range»"
            ) from None
        each_points: list[list[Crossing]] = []
        for (index, _), found in zip(batch, found_each, strict=True):
            tokens = estimate.specs[index].workload.tokens_per_request
            per_request = tokens.all_input + tokens.output
            points: list[Crossing] = [
                {
                    "a": c.a,
                    "b": c.b,
                    "kind": c.kind,
                    "requests_per_month": significant(c.volume),
                    "tokens_per_minute": significant(c.volume / MINUTES_PER_MONTH * per_request),
                    "cost_a_usd": round(c.cost_a_usd, 6),
                    "cost_b_usd": round(c.cost_b_usd, 6),
                    "cheaper_below": c.cheaper_below,
                    "cheaper_above": c.cheaper_above,
                }
                for c in found
            ]
            points.sort(key=lambda p: p["requests_per_month"])
            each_points.append(points)
        each_bands = cheapest_bands_many(
            [
                (curves, low, high, [p["requests_per_month"] for p in points])
                for (_, (curves, _, low, high)), points in zip(batch, each_points, strict=True)
            ]
        )
        decided += list(zip(each_points, each_bands, strict=True))

    def chunks() -> Iterator[list[WorkloadBreakeven]]:
        for start in range(0, len(chosen), BREAKEVEN_CHUNK):
            end = start + BREAKEVEN_CHUNK
            yield _entries(estimate, chosen[start:end], ranges[start:end], decided[start:end])

    return {"schema_version": 1, "kind": "genai-cost breakeven"}, chunks()


def _entries(
    estimate: Estimate,
    chosen: list[int],
    ranges: list[tuple[list[Curve], float, float, float]],
    decided: list[tuple[list[Crossing], list[tuple[float, float, str]]]],
) -> list[WorkloadBreakeven]:
    """The entries of some workloads: their crossings and bands, and their sweeps, made
    here (the engine's own costs at every sweep volume, for the sweep check)."""
    import numpy as np

    sweeps = np.asarray([np.geomspace(low, high, SWEEP_POINTS) for _, _, low, high in ranges])
    engine_costs = engine_sweeps(estimate, chosen, sweeps.reshape(len(chosen), SWEEP_POINTS))
    # each curve over its workload's sweep, once: the curves of all these workloads read
    # together (`read_curves`)
    read = iter(
        read_curves(
            [c for curves, _, _, _ in ranges for c in curves],
            [
                sweep
                for (curves, _, _, _), sweep in zip(ranges, sweeps, strict=True)
                for _ in curves
            ],
        )
    )
    # the sweeps' volumes to significant digits, all at once (each value's its own)
    volumes_shown = significant_array(sweeps.reshape(-1), SIGNIFICANT_DIGITS).reshape(sweeps.shape)
    results: list[WorkloadBreakeven] = []
    for index, (curves, volume, low, high), shown, engine, (points, bands) in zip(
        chosen, ranges, volumes_shown, engine_costs, decided, strict=True
    ):
        spec = estimate.specs[index]
        costs = [next(read) for _ in curves]
        # round(x, 6) of each, None where not finite: the workload's curves at once
        columns = rounded_columns(costs, 6)
        difference = max(
            (
                float(np.nanmax(np.abs(engine[c.label] - cost)))
                for c, cost in zip(curves, costs, strict=True)
                if c.label in engine
            ),
            default=0.0,
        )
        results.append(
            {
                "scenario": spec.scenario_name,
                "workload": spec.workload.name,
                "requests_per_month": volume,
                "range": [low, high],
                "options": [c.label for c in curves],
                "crossings": points,
                "sweep_check_max_difference_usd": round(difference, 6),
                "bands": [
                    {
                        "from_requests_per_month": significant(f),
                        "to_requests_per_month": significant(t),
                        "cheapest": label,
                    }
                    for f, t, label in bands
                ],
                "sweep": {
                    "requests_per_month": shown.tolist(),
                    "monthly_cost_usd": {
                        c.label: column for c, column in zip(curves, columns, strict=True)
                    },
                },
            }
        )
    return results
