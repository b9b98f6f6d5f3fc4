"""Everything a scenario costs, priced: the engine's options and sections (results/pricing.py)
plus the customization paths, which are decided here (decisions/customization.py).

The one entry point every command that prices whole scenarios goes through — `estimate`,
`check`, `diff`, `regions` — so they all see the same bill.
"""

from __future__ import annotations

import datetime as dt

from genai_cost.catalog.snapshot import Catalog
from genai_cost.decisions.customization import compare_paths
from genai_cost.results.estimate import Estimate
from genai_cost.results.pricing import price
from genai_cost.scenario.load import LoadedScenario


def price_bill(
    scenarios: list[LoadedScenario],
    catalog: Catalog,
    *,
    day: dt.date,
    as_of: dt.date | None = None,
    max_snapshot_age_days: int = 10**6,
    check_requested: bool = True,
) -> Estimate:
    """Price `scenarios` (already checked against `catalog`) with their customization paths."""
    estimate = price(
        scenarios,
        catalog,
        day=day,
        as_of=as_of,
        max_snapshot_age_days=max_snapshot_age_days,
        check_requested=check_requested,
    )
    arrays = estimate.arrays
    assert estimate.context is not None
    for number, loaded in enumerate(scenarios):
        if loaded.scenario.customization is None:
            continue
        costs = {}
        for index, spec in enumerate(estimate.specs):
            if spec.scenario_index == number:
                best = int(arrays.cheapest_row[index])
                costs[spec.workload.name] = (
                    float(arrays.monthly_cost_usd[best]) if best >= 0 else 0.0
                )
        day_of = estimate.context.day_for_scenario(loaded.scenario.pricing_date)
        estimate.extras[number]["customization"] = compare_paths(loaded, catalog, day_of, costs)
    return estimate
