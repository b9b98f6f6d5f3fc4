"""`genai-cost breakeven`: where each pair of options crosses, and the cheapest per band."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from genai_cost.decisions.curves import engine_sweeps, workload_curves
from genai_cost.engine.breakeven import TooManySteps, cheapest_bands, crossings
from genai_cost.errors import GenaiCostError
from genai_cost.units import MINUTES_PER_MONTH

if TYPE_CHECKING:
    from genai_cost.api import Estimate

SWEEP_POINTS = 400


def breakeven_document(
    estimate: Estimate,
    *,
    workload: str | None = None,
    volume_range: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Crossing points and cheapest-option bands for each workload (schema_version 1)."""
    import numpy as np

    names = [s.workload.name for s in estimate.specs]
    if workload is not None and workload not in names:
        from genai_cost.modelfile import suggest

        hint = suggest(workload, names)
        raise GenaiCostError(
            f"--workload {workload!r}: no such workload"
            + (f" ({hint})" if hint else f"; workloads: {', '.join(names)}")
        )
    chosen = [
        i
        for i, spec in enumerate(estimate.specs)
        if workload is None or spec.workload.name == workload
    ]
    ranges = []
    for index in chosen:
        curves, volume = workload_curves(estimate, index)
        low, high = volume_range or (volume / 100, volume * 100)
        ranges.append((curves, volume, low, high))
    sweeps = np.asarray([np.geomspace(low, high, SWEEP_POINTS) for _, _, low, high in ranges])
    engine_costs = engine_sweeps(estimate, chosen, sweeps.reshape(len(chosen), SWEEP_POINTS))
    results = []
    for index, (curves, volume, low, high), sweep, engine in zip(
        chosen, ranges, sweeps, engine_costs, strict=True
    ):
        spec = estimate.specs[index]
        tokens = spec.workload.tokens_per_request
        per_request = tokens.input + tokens.cache_read + tokens.cache_write + tokens.output
        try:
            found = [
                c for a, b in itertools.combinations(curves, 2) for c in crossings(a, b, low, high)
            ]
        except TooManySteps as exc:
            raise GenaiCostError(
                f"workload {spec.workload.name!r}: {exc}; narrow the volumes with --range"
            ) from None
        points: list[dict[str, Any]] = [
            {
                "a": c.a,
                "b": c.b,
                "kind": c.kind,
                "requests_per_month": round(c.volume, 6),
                "tokens_per_minute": round(c.volume / MINUTES_PER_MONTH * per_request, 6),
                "cost_a_usd": round(c.cost_a_usd, 6),
                "cost_b_usd": round(c.cost_b_usd, 6),
                "cheaper_below": c.cheaper_below,
                "cheaper_above": c.cheaper_above,
            }
            for c in found
        ]
        points.sort(key=lambda p: p["requests_per_month"])
        bands = cheapest_bands(curves, low, high, [p["requests_per_month"] for p in points])
        difference = max(
            (
                float(np.nanmax(np.abs(engine[c.label] - c.cost(sweep))))
                for c in curves
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
                "sweep_check_max_difference_usd": round(difference, 9),
                "bands": [
                    {
                        "from_requests_per_month": round(f, 6),
                        "to_requests_per_month": round(t, 6),
                        "cheapest": label,
                    }
                    for f, t, label in bands
                ],
                "sweep": {
                    "requests_per_month": sweep.round(6).tolist(),
                    "monthly_cost_usd": {c.label: c.cost(sweep).round(6).tolist() for c in curves},
                },
            }
        )
    return {"schema_version": 1, "kind": "genai-cost breakeven", "workloads": results}


def render_breakeven_markdown(document: dict[str, Any], *, chart: bool = False) -> str:
    from genai_cost.report.labels import number, usd
    from genai_cost.report.sanitize import markdown_cell

    lines = []
    for w in document["workloads"]:
        lines += [
            f"## {markdown_cell(w['scenario'])} · {markdown_cell(w['workload'])}",
            "",
            f"Now {number(w['requests_per_month'])} requests a month; range "
            f"{number(w['range'][0])} – {number(w['range'][1])}.",
            "",
        ]
        if w["crossings"]:
            lines += [
                "| Options | Requests / month | Tokens / minute | Kind | Cheaper below | "
                "Cheaper above |",
                "|---|---:|---:|---|---|---|",
            ]
            for c in w["crossings"]:
                kind = (
                    "costs equal " + usd(c["cost_a_usd"])
                    if c["kind"] == "equal"
                    else f"capacity step ({usd(c['cost_a_usd'])} vs {usd(c['cost_b_usd'])})"
                )
                lines.append(
                    f"| {markdown_cell(c['a'])} × {markdown_cell(c['b'])} | "
                    f"{number(c['requests_per_month'])} | "
                    f"{number(c['tokens_per_minute'])} | {kind} | "
                    f"{markdown_cell(c['cheaper_below'])} | {markdown_cell(c['cheaper_above'])} |"
                )
        else:
            lines.append("No two options cross in this range.")
        lines += ["", "| From (requests / month) | To | Cheapest |", "|---:|---:|---|"]
        for band in w["bands"]:
            lines.append(
                f"| {number(band['from_requests_per_month'])} | "
                f"{number(band['to_requests_per_month'])} | {markdown_cell(band['cheapest'])} |"
            )
        lines.append("")
        if chart:
            lines += ["```text", ascii_chart(w), "```", ""]
    return "\n".join(lines)


def ascii_chart(workload: dict[str, Any], width: int = 64, height: int = 16) -> str:
    """Cost against volume in the terminal: log-scaled volume, log-scaled cost."""
    import math

    sweep = workload["sweep"]
    volumes = sweep["requests_per_month"]
    symbols = "*o+x#@%&=~"
    series = list(sweep["monthly_cost_usd"].items())
    values = [v for _, costs in series for v in costs if v > 0 and math.isfinite(v)]
    if not values:
        return "(no option has a positive cost in this range: nothing to chart)"
    lo, hi = math.log10(min(values)), math.log10(max(values))
    hi = hi if hi > lo else lo + 1
    grid = [[" "] * width for _ in range(height)]
    for k, (_, costs) in enumerate(series):
        for column in range(width):
            index = round(column * (len(volumes) - 1) / (width - 1))
            cost = costs[index]
            if cost <= 0:
                continue
            row = height - 1 - round((math.log10(cost) - lo) / (hi - lo) * (height - 1))
            grid[row][column] = symbols[k % len(symbols)]
    lines = [f"${10**hi:,.0f} |" + "".join(grid[0])]
    lines += ["".rjust(len(lines[0]) - width - 1) + "|" + "".join(r) for r in grid[1:-1]]
    lines.append(f"${10**lo:,.0f} |".rjust(len(lines[0]) - width) + "".join(grid[-1]))
    lines.append(
        " " * (len(lines[0]) - width) + f"{volumes[0]:,.0f} requests/month"
        f"{volumes[-1]:>{width - 28},.0f}"
    )
    lines += [f"  {symbols[k % len(symbols)]} {label}" for k, (label, _) in enumerate(series)]
    return "\n".join(lines)
