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
from operator import attrgetter

from genai_cost.catalog.snapshot import Catalog
from genai_cost.decisions.customization import compare_paths, with_tokens
from genai_cost.documents.estimate import CustomizationRecord
from genai_cost.engine.context import run_columns
from genai_cost.errors import PricingError
from genai_cost.results.bill import PathLines, assemble
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
    pin_mixes: bool = True,
) -> Estimate:
    """Price `scenarios` (already checked against `catalog`): every option, every section,
    the customization paths, and each scenario's whole bill. `month` (YYYY-MM) prices that
    calendar month in every scenario, beating their `billing_month`. With `pin_mixes` (the
    default) a workload's `base_load` is priced as its two parts; without, as written."""
    if month is not None:
        scenarios = [
            replace(item, scenario=item.scenario.model_copy(update={"billing_month": month}))
            for item in scenarios
        ]

    def priced(items: list[LoadedScenario]) -> Estimate:
        return price(
            items,
            catalog,
            day=day,
            as_of=as_of,
            max_snapshot_age_days=max_snapshot_age_days,
            check_requested=check_requested,
            free_tier=free_tier,
        )

    estimate = priced(scenarios)
    chosen = _choose_paths(estimate, scenarios, catalog)
    effective = [
        replace(loaded, scenario=with_tokens(loaded.scenario, path.extra_input_tokens))
        if path is not None and path.extra_input_tokens
        else loaded
        for loaded, (_, path) in zip(scenarios, chosen, strict=True)
    ]
    if any(e is not o for e, o in zip(effective, scenarios, strict=True)):
        # The chosen paths lengthen some prompts: price the scenarios again as they will run,
        # so the options table, the cheapest option, break-even, mix and the month-by-month
        # models all see the tokens the bill counts (the paths' comparison keeps its own
        # "today" figures from the first pricing).
        estimate = priced(effective)
        estimate.scenarios = scenarios
    if pin_mixes and run_columns(estimate.context, estimate.specs).base_load:
        from genai_cost.decisions.baseload import split_scenarios  # break-even curves: lazily

        # Pinned mixes: each such workload is priced as two (NAME-base on the capacity, NAME
        # on demand for the overflow), as `mix` finds them, so the bill is the mix's.
        estimate = priced(split_scenarios(estimate, effective))
    members = _members(estimate, len(scenarios))
    for number, loaded in enumerate(scenarios):
        record, path = chosen[number]
        if record is not None:
            estimate.sections[number]["customization"] = record
        if path is not None and path.extra_input_tokens:
            # the estimate was priced with the path's prompts: its own rows are the path's
            # inference (split by a pinned mix, too), not the lines the comparison priced
            path = replace(path, inference={})
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


def _members(estimate: Estimate, count: int) -> list[list[int]]:
    """Each of the `count` scenarios' workloads, as indexes into `estimate.specs`."""
    import numpy as np

    specs = estimate.specs
    owner = np.fromiter(map(attrgetter("scenario_index"), specs), np.intp, len(specs))
    order = np.argsort(owner, kind="stable")  # each scenario's workloads, in order
    ends = np.cumsum(np.bincount(owner, minlength=count))[:count].tolist()
    starts = [0, *ends][:count]
    ordered: list[int] = order.tolist()
    return [ordered[a:b] for a, b in zip(starts, ends, strict=True)]


def _choose_paths(
    estimate: Estimate, scenarios: list[LoadedScenario], catalog: Catalog
) -> list[tuple[CustomizationRecord | None, PathLines | None]]:
    """Each scenario's customization section and chosen path, compared against its workloads
    as priced in `estimate` (cheapest option each)."""
    arrays = estimate.arrays
    assert estimate.context is not None
    members = _members(estimate, len(scenarios))
    chosen: list[tuple[CustomizationRecord | None, PathLines | None]] = []
    for number, loaded in enumerate(scenarios):
        if loaded.scenario.customization is None:
            chosen.append((None, None))
            continue
        costs = {}
        for index in members[number]:
            best = int(arrays.cheapest_row[index])
            costs[estimate.specs[index].workload.name] = (
                float(arrays.monthly_cost_usd[best]) if best >= 0 else 0.0
            )
        day_of = estimate.context.day_for_scenario(loaded.scenario.pricing_date)
        chosen.append(compare_paths(loaded, catalog, day_of, costs))
    return chosen


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
            + "\nsupply the missing prices in a price book («price_book»), or in the scenario"
        )
