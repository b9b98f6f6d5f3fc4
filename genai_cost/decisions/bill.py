"""Everything a scenario costs, priced: the engine's options and sections (results/pricing.py),
the customization paths, which are decided here (decisions/customization.py), and the whole
bill that puts them together (results/bill.py).

The one entry point every command that prices whole scenarios goes through — `estimate`,
`check`, `diff`, `regions`, `roi` — so they all see the same bill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

from genai_cost.catalog.snapshot import Catalog
from genai_cost.decisions.customization import compare_paths
from genai_cost.errors import PricingError
from genai_cost.results.bill import assemble
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
    month: str | None = None,
    free_tier: bool = False,
) -> Estimate:
    """Price `scenarios` (already checked against `catalog`): every option, every section,
    the customization paths, and each scenario's whole bill. `month` (YYYY-MM) prices that
    calendar month in every scenario, beating their `billing_month`."""
    if month is not None:
        scenarios = [
            replace(item, scenario=item.scenario.model_copy(update={"billing_month": month}))
            for item in scenarios
        ]
    estimate = price(
        scenarios,
        catalog,
        day=day,
        as_of=as_of,
        max_snapshot_age_days=max_snapshot_age_days,
        check_requested=check_requested,
        free_tier=free_tier,
    )
    arrays = estimate.arrays
    assert estimate.context is not None
    members: list[list[int]] = [[] for _ in scenarios]  # each scenario's workloads, found once
    for index, spec in enumerate(estimate.specs):
        members[spec.scenario_index].append(index)
    for number, loaded in enumerate(scenarios):
        path = None
        record = None
        if loaded.scenario.customization is not None:
            costs = {}
            for index in members[number]:
                spec = estimate.specs[index]
                best = int(arrays.cheapest_row[index])
                costs[spec.workload.name] = (
                    float(arrays.monthly_cost_usd[best]) if best >= 0 else 0.0
                )
            day_of = estimate.context.day_for_scenario(loaded.scenario.pricing_date)
            record, path = compare_paths(loaded, catalog, day_of, costs)
            estimate.sections[number]["customization"] = record
        bill, inputs = assemble(estimate, number, record, path, members[number])
        if not bill["complete"]:
            missing = "; ".join(
                f"{m['family']} {m['item']} ({m['name'].replace('_', ' ')}): {m['reason']}"
                for m in bill["missing"]
            )
            estimate.warnings.append(
                f"scenario {loaded.scenario.name!r}: its total is incomplete (at least "
                f"${bill['priced_monthly_cost_usd']:,.2f} a month); missing: {missing}"
            )
        estimate.bills.append(bill)
        estimate.bill_inputs.append(inputs)
    return estimate


def require_complete(estimate: Estimate, what: str, only: Collection[int] | None = None) -> None:
    """Raise a PricingError naming every part of the scenarios' bills (those numbered in
    `only`, else all) that is missing — for the commands that cannot work on a partial
    total (`--strict`, check, roi, --samples)."""
    gaps = [
        f"{loaded.scenario.name}: {m['family']} {m['item']} ({m['name']}): {m['reason']}"
        for number, (loaded, bill) in enumerate(
            zip(estimate.scenarios, estimate.bills, strict=True)
        )
        if only is None or number in only
        for m in bill["missing"]
    ]
    if gaps:
        raise PricingError(
            f"{what} needs the whole bill, and part of it cannot be priced:\n  "
            + "\n  ".join(gaps)
            + "\nsupply the missing prices in a price book (--price-book), or in the scenario"
        )
