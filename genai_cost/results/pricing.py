"""Pricing loaded scenarios: the engine over every workload and option, the checks on its
result, and each scenario's other sections (training, shared endpoints, services) — one
`Estimate`, whose bills decisions/bill.py assembles (with the customization paths)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.estimate import ScenarioSections
from genai_cost.engine.context import (
    PricingContext,
    SpecColumns,
    WorkloadSpec,
    flatten,
    peak_information,
    workload_arrays,
)
from genai_cost.engine.core import OPTION_NAMES, EstimateArrays, evaluate_all, prepare_all
from genai_cost.errors import PricingError, Problem, ScenarioError
from genai_cost.results.estimate import Estimate
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import OVERFLOW_OPTIONS, Option

if TYPE_CHECKING:
    import numpy as np

LISTED = 20
"""Workloads an error about pricing lists in full; the rest are counted."""


def _check_explicit(
    specs: list[WorkloadSpec], arrays: EstimateArrays, columns: SpecColumns
) -> None:
    """Options the scenario asked for by name must be priceable; otherwise say why not: the
    workloads that cannot have what they ask for, the first LISTED of them in full (their
    messages made only for them), the rest counted."""

    listed: dict[str, None] = {}
    first: tuple[int, str, str] | None = None  # the first message's workload, option, term
    base_load = set(columns.base_load)
    complaining = _complaining(specs, arrays, columns)
    for w_index in complaining[:LISTED].tolist():
        spec = specs[w_index]
        held = spec.held
        options = columns.option_sets[int(columns.options[w_index])]
        term = held.provisioned.term if held is not None else None
        purchase = held.self_hosted.purchase if held is not None else None
        mine = arrays.rows_of(w_index).tolist()
        found = list(_asked(arrays, mine, options, w_index in base_load, term, purchase, w_index))
        assert found, "a workload _complaining names has something to say"
        where = _where(spec)
        for make, option_name, variant in found:
            listed.setdefault(f"{where}: {make()}", None)
            if first is None:
                first = (w_index, option_name, variant)
    if first is not None:
        w_index, option_name, term_name = first
        lines = list(listed)
        more = complaining.size - min(complaining.size, LISTED)
        if more:  # a table's rows may ask for the same thing thousands of times
            lines.append(f"... and {more:,} more workloads that cannot be priced as asked")
        raise PricingError(
            "\n".join(lines),
            model=specs[w_index].workload.base_model,
            region=specs[w_index].region,
            option=option_name or None,
            term=term_name or None,
        )


def _complaining(
    specs: list[WorkloadSpec], arrays: EstimateArrays, columns: SpecColumns
) -> np.ndarray:
    """The workloads (ascending) that `_asked` finds something for, found for all at once: one
    with nothing priced that lists no options; one listing an option (other than an overflow
    option of a pinned mix) whose rows it has are all infeasible. A workload that pins a
    provisioned term or a self-hosted purchase (a scenario's own: a table's rows pin none)
    is asked one by one. Regions and sweeps price every workload where most cannot be
    priced, so this must not be a loop over the workloads."""
    import numpy as np

    n = len(specs)
    n_options = len(OPTION_NAMES)
    # rows and feasible rows per (workload, option)
    key = arrays.workload_index.astype(np.int64) * n_options + arrays.option_code
    rows = np.bincount(key, minlength=n * n_options).reshape(n, n_options)
    feasible = np.bincount(key[arrays.feasible], minlength=n * n_options).reshape(n, n_options)
    refused = (rows > 0) & (feasible == 0)
    nothing = arrays.cheapest_row < 0
    # only a workload with nothing priced, or with a row asked for by name (an option it
    # lists, a pinned term or purchase) that cannot be priced, is looked at
    suspect = nothing.copy()
    suspect[arrays.workload_index[arrays.explicit & ~arrays.feasible]] = True
    says = np.zeros(n, dtype=bool)
    pinned_mix = np.zeros(n, dtype=bool)
    pinned_mix[columns.base_load] = True
    for k, options in enumerate(columns.option_sets):
        these = columns.options == k
        if options is None:
            says[these] = nothing[these]
            continue
        for option in options:
            refusing = these & refused[:, OPTION_NAMES.index(option.value)]
            if option.value in OVERFLOW_OPTIONS:
                refusing &= ~pinned_mix
            says |= refusing
    # a pinned term or purchase: its rows read one by one (a scenario's own workloads)
    pins = (Option.provisioned.value, Option.self_hosted.value)
    says &= suspect
    pinnable = refused[:, [OPTION_NAMES.index(o) for o in pins]].any(axis=1)
    for w_index in np.flatnonzero(suspect & pinnable & ~says).tolist():
        held = specs[w_index].held
        if held is None or not (held.provisioned.term or held.self_hosted.purchase):
            continue
        options = columns.option_sets[int(columns.options[w_index])]
        mine = arrays.rows_of(w_index).tolist()
        found = _asked(
            arrays,
            mine,
            options,
            bool(pinned_mix[w_index]),
            held.provisioned.term,
            held.self_hosted.purchase,
            w_index,
        )
        says[w_index] = next(found, None) is not None
    complaining: np.ndarray = np.flatnonzero(says)
    return complaining


def _asked(
    arrays: EstimateArrays,
    mine: list[int],
    options: tuple[Option, ...] | None,
    pinned_mix: bool,
    term: str | None,
    purchase: str | None,
    w_index: int,
) -> Iterator[tuple[Callable[[], str], str, str]]:
    """What one workload (its rows `mine`) asked for and cannot have: each as a message made
    when it is listed (after the workload's place), the option and the term or purchase."""
    if arrays.cheapest_row[w_index] < 0 and options is None:

        def nothing() -> str:
            first: dict[str, str] = {}
            for r in mine:
                first.setdefault(arrays.option(r), arrays.reason(r))
            return "no option can be priced: " + "; ".join(
                f"{option}: {reason}" for option, reason in first.items()
            )

        yield nothing, "", ""
        return
    for option in options or ():
        if pinned_mix and option.value in OVERFLOW_OPTIONS:
            # it takes only the overflow of a pinned mix, which the split prices (a
            # serverless endpoint too small for the whole load can take the peaks)
            continue
        rows = [r for r in mine if arrays.option(r) == option.value]
        if rows and not any(arrays.feasible[r] for r in rows):

            def refused(option: Option = option, rows: list[int] = rows) -> str:
                reasons = sorted({arrays.reason(r) for r in rows if arrays.explicit[r]})
                return f"{option.value} was requested but cannot be priced: " + "; ".join(reasons)

            yield refused, option.value, ""
    # A pinned term or purchase must be priceable for at least one candidate (instance
    # type, platform); candidates it cannot price stay in the report as infeasible rows.
    pinned_rows: dict[str, list[int]] = {}
    for r in mine:
        option_name = arrays.option(r)
        if (option_name == Option.provisioned.value and term) or (
            option_name == Option.self_hosted.value and purchase
        ):
            pinned_rows.setdefault(option_name, []).append(r)
    for option_name, rows in pinned_rows.items():
        if any(arrays.feasible[r] for r in rows):
            continue
        for r in rows:
            variant = arrays.text(r, "variant")

            def unpriced(option_name: str = option_name, variant: str = variant, r: int = r) -> str:
                return f"{option_name} {variant}: {arrays.reason(r)}"

            yield unpriced, option_name, variant


def _where(spec: WorkloadSpec) -> str:
    """`file:line: workload 'name'` (the line is looked up only for a message)."""
    return f"{spec.where}: workload {spec.workload.name!r}"


def _check_finite(specs: list[WorkloadSpec], arrays: EstimateArrays) -> None:
    """A priced row whose cost is not a finite number is bad input (an overflow), never a
    feasible option with no cost: name the workload and the inputs that multiply."""
    import numpy as np

    bad = np.flatnonzero(arrays.feasible & ~np.isfinite(arrays.monthly_cost_usd))
    if not bad.size:
        return
    problems = []
    overflowing = list(dict.fromkeys(arrays.workload_index[bad].tolist()))
    for w_index in overflowing[:LISTED]:
        spec = specs[w_index]
        w = spec.workload
        t = w.tokens_per_request
        problems.append(
            Problem(
                f"workload {w.name!r}: the monthly cost overflows (not a finite number): "
                f"{w.traffic.requests_in(spec.hours):.6g} requests a month × "
                f"{t.all_input:.6g} input and {t.output:.6g} output "
                "tokens per request is beyond what can be priced",
                path=spec.where,
                hint="check traffic and tokens_per_request",
            )
        )
    if len(overflowing) > LISTED:
        problems.append(
            Problem(f"... and {len(overflowing) - LISTED:,} more workloads whose cost overflows")
        )
    raise ScenarioError(problems)


def price(
    scenarios: list[LoadedScenario],
    catalog: Catalog,
    *,
    day: dt.date,
    as_of: dt.date | None = None,
    max_snapshot_age_days: int = 10**6,
    check_requested: bool = True,
    free_tier: bool = False,
) -> Estimate:
    """Price loaded scenarios with `catalog` (checked against it already).

    `day` is today (for staleness, and the pricing date where nothing else sets one); prices
    are those in effect on `as_of` when given, else on each scenario's `pricing_date`, else on
    `day`. With `check_requested`, an option or term the scenario asks for by name that cannot
    be priced is an error (a PricingError naming model, region, option and term).
    """
    import numpy as np

    specs = flatten(scenarios)
    ctx = PricingContext(
        catalog, as_of or day, specs, override=as_of is not None, free_tier=free_tier
    )
    arrays = evaluate_all(workload_arrays(specs), prepare_all(ctx))
    _check_finite(specs, arrays)
    if check_requested:
        _check_explicit(specs, arrays, ctx.columns())
    warnings = []
    if free_tier and any(item.scenario.supporting_services for item in scenarios):
        warnings.append(
            "account-level free tiers applied (--free-tier): Lambda 1M requests and 400,000 "
            "GB-seconds, 100 GB out to the internet a month; they are shared by everything in "
            "the account, so the bill is this low only if nothing else uses them"
        )
    warnings += _undated_before_source(ctx)
    limit = max_snapshot_age_days
    age = catalog.age_days(day)
    if age > limit:
        warnings.append(
            f"pricing snapshot {catalog.snapshot_id} is {age} days old (limit "
            f"{limit}); select a newer one with --snapshot, or raise --max-snapshot-age-days"
        )
    capacity_rows = arrays.feasible & np.isin(
        arrays.option_code,
        [
            OPTION_NAMES.index(Option.provisioned.value),
            OPTION_NAMES.index(Option.self_hosted.value),
        ],
    )
    sized = np.zeros(len(specs), dtype=bool)
    sized[arrays.workload_index[capacity_rows]] = True
    sized_workloads = np.flatnonzero(sized)
    # names and peak information from the run's columns (a table's rows are not made)
    flat = ctx.columns().name[sized_workloads[~peak_information(ctx, sized_workloads)]].tolist()
    if flat:
        shown = ", ".join(repr(n) for n in flat[:5]) + (
            f" and {len(flat) - 5:,} more" if len(flat) > 5 else ""
        )
        warnings.append(
            f"workload{'s' if len(flat) > 1 else ''} {shown}: no peak_to_average_ratio or "
            "hourly_profile given; capacity options are sized for flat traffic"
        )
    sections = [_scenario_sections(item, catalog, ctx) for item in scenarios]
    return Estimate(catalog, ctx.day, scenarios, specs, arrays, warnings, ctx, sections)


def _scenario_sections(
    loaded: LoadedScenario, catalog: Catalog, ctx: PricingContext
) -> ScenarioSections:
    """Training jobs, shared endpoints and supporting services of a scenario."""
    from genai_cost.engine.costs.packing import price_shared_endpoint
    from genai_cost.engine.costs.services import price_supporting
    from genai_cost.engine.costs.training import price_training_job

    scenario = loaded.scenario
    day = ctx.day_for_scenario(scenario.pricing_date)
    sections: ScenarioSections = {}
    if scenario.training_jobs:
        sections["training_jobs"] = [
            price_training_job(job, catalog, job.region or scenario.region, day)
            for job in scenario.training_jobs
        ]
    if scenario.shared_endpoints:
        sections["shared_endpoints"] = [
            price_shared_endpoint(e, catalog, e.region or scenario.region, day, scenario.hours)
            for e in scenario.shared_endpoints
        ]
    if scenario.supporting_services is not None:
        sections["supporting_services"] = price_supporting(
            scenario.supporting_services, catalog, scenario.region, day, ctx.free_tier
        )
    return sections


def _undated_before_source(ctx: PricingContext) -> list[str]:
    """A pricing date before the date a model's (undated) price was observed: the price is
    used, but nothing says it held then — say so rather than price the past silently."""
    from genai_cost.catalog.lookup import OnDemandMatch, on_demand_price

    seen: dict[tuple[str, str], str] = {}
    # the model id and endpoint scope decide its base model, scope and geo profile; each
    # distinct endpoint is asked once (thousands of workloads share a few), in the order
    # it first appears, with a workload that has it
    c = ctx.columns()
    first: dict[tuple[str, str | None, str, dt.date], int] = {}
    for i, key in enumerate(
        zip(
            c.model.tolist(),
            c.endpoint_scope.tolist(),
            c.region.tolist(),
            ctx.days().tolist(),
            strict=True,
        )
    ):
        first.setdefault(key, i)
    for (_, _, region, day), i in first.items():
        w = ctx.specs[i].workload
        match = on_demand_price(ctx.catalog, w.base_model, w.scope, region, w.geo_profile, day)
        if not isinstance(match, OnDemandMatch):
            continue
        row = match.row
        if row.effective_from is None and day < row.as_of:
            seen.setdefault(
                (w.base_model, day.isoformat()),
                f"{w.base_model}: priced for {day.isoformat()}, but its price is known only from "
                f"{row.as_of.isoformat()} ({row.source}); it is assumed to have held then",
            )
    return list(seen.values())
