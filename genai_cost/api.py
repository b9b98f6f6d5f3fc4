"""The Python API: everything the CLI does, returning data (DataFrames on request)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_cost.catalog.snapshot import Catalog, load_catalog
from genai_cost.engine.context import PricingContext, WorkloadSpec, flatten, workload_arrays
from genai_cost.engine.core import OPTION_NAMES, EstimateArrays, evaluate_all, prepare_all
from genai_cost.errors import GenaiCostError, PricingError, Problem, ScenarioError
from genai_cost.scenario import LoadedScenario, Option, expand_paths, load_scenario

if TYPE_CHECKING:
    import pandas as pd

TODAY_ENV = "GENAI_COST_TODAY"
MAX_AGE_ENV = "GENAI_COST_MAX_SNAPSHOT_AGE_DAYS"
DEFAULT_MAX_SNAPSHOT_AGE_DAYS = 90


def today(override: dt.date | None = None) -> dt.date:
    """The pricing date: `override`, else $GENAI_COST_TODAY (YYYY-MM-DD), else the clock."""
    if override is not None:
        return override
    text = os.environ.get(TODAY_ENV)
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise GenaiCostError(f"${TODAY_ENV} must be a date YYYY-MM-DD, got {text!r}") from None
    return dt.date.today()


def priced_catalog(snapshot: str | Path | None, price_book: str | Path | None) -> Catalog:
    """The snapshot with the price book (argument, else $GENAI_COST_PRICE_BOOK) layered over."""
    from genai_cost.catalog.pricebook import PRICE_BOOK_ENV

    catalog = load_catalog(snapshot)
    book_path = price_book or os.environ.get(PRICE_BOOK_ENV) or None
    if book_path is None:
        return catalog
    from genai_cost.catalog.pricebook import apply_price_book, load_price_book

    return apply_price_book(catalog, load_price_book(book_path, catalog))


def load_scenarios(paths: Iterable[str | Path], catalog: Catalog) -> list[LoadedScenario]:
    """Load every scenario, reporting the problems of all files together."""
    loaded, problems = [], []
    for path in expand_paths(paths):
        try:
            loaded.append(load_scenario(path, catalog))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return loaded


@dataclass
class Estimate:
    """The result of pricing one or more scenarios."""

    catalog: Catalog
    day: dt.date
    scenarios: list[LoadedScenario]
    specs: list[WorkloadSpec]
    arrays: EstimateArrays
    warnings: list[str] = field(default_factory=list)
    context: PricingContext | None = None
    extras: list[dict[str, Any]] = field(default_factory=list)
    """Per scenario: training_jobs, shared_endpoints, supporting_services, customization."""
    monte_carlo: dict[str, Any] | None = None
    """Set by `simulate`: quantiles of monthly cost and NPV, option win shares, tornado."""

    def simulate(
        self, samples: int, seed: int | None = None, progress: Any = None
    ) -> dict[str, Any]:
        """Run a Monte Carlo of `samples` draws of the scenarios' uncertain inputs."""
        from genai_cost.decisions.montecarlo import run_monte_carlo

        if samples < 1:
            raise GenaiCostError(f"--samples must be at least 1, got {samples}")
        self.monte_carlo = run_monte_carlo(self, samples, seed, progress)
        return self.monte_carlo

    def to_dict(self) -> dict[str, Any]:
        from genai_cost.results import estimate_document

        return estimate_document(self)

    def options_frame(self) -> pd.DataFrame:
        """One row per workload x option x variant (components as a list column)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["options"])

    def components_frame(self) -> pd.DataFrame:
        """One row per cost component, with the option row it belongs to."""
        import pandas as pd

        rows = []
        for record in self.to_dict()["options"]:
            for component in record["components"]:
                rows.append(
                    {
                        k: record[k]
                        for k in (
                            "scenario",
                            "workload",
                            "option",
                            "variant",
                            "platform",
                            "instance_type",
                        )
                    }
                    | component
                )
        return pd.DataFrame(rows)


def _check_explicit(specs: list[WorkloadSpec], arrays: EstimateArrays) -> None:
    """Options the scenario asked for by name must be priceable; otherwise say why not."""
    import numpy as np

    messages = []
    order = np.argsort(arrays.workload_index, kind="stable")
    bounds = np.searchsorted(arrays.workload_index[order], np.arange(len(specs) + 1))
    for w_index, spec in enumerate(specs):
        workload = spec.workload
        explicit = workload.options is not None
        pinned = workload.provisioned.term is not None or workload.self_hosted.purchase
        if arrays.cheapest_row[w_index] >= 0 and not explicit and not pinned:
            continue
        mine = order[bounds[w_index] : bounds[w_index + 1]].tolist()
        where = f"{spec.where}: workload {workload.name!r}"
        if arrays.cheapest_row[w_index] < 0 and not explicit:
            first: dict[str, str] = {}
            for r in mine:
                first.setdefault(arrays.option(r), arrays.reason(r))
            messages.append(
                f"{where}: no option can be priced: "
                + "; ".join(f"{option}: {reason}" for option, reason in first.items())
            )
            continue
        for option in workload.options or []:
            rows = [r for r in mine if arrays.option(r) == option.value]
            if rows and not any(arrays.feasible[r] for r in rows):
                reasons = sorted({arrays.reason(r) for r in rows if arrays.explicit[r]})
                messages.append(
                    f"{where}: {option.value} was requested but cannot be priced: "
                    + "; ".join(reasons)
                )
        for r in mine:
            option_name = arrays.option(r)
            is_pinned = (option_name == Option.provisioned.value and workload.provisioned.term) or (
                option_name == Option.self_hosted.value and workload.self_hosted.purchase
            )
            if is_pinned and not arrays.feasible[r]:
                messages.append(
                    f"{where}: {option_name} {arrays.text(r, 'variant')}: {arrays.reason(r)}"
                )
    if messages:
        raise PricingError("\n".join(dict.fromkeys(messages)))


def _check_finite(specs: list[WorkloadSpec], arrays: EstimateArrays) -> None:
    """A priced row whose cost is not a finite number is bad input (an overflow), never a
    feasible option with no cost: name the workload and the inputs that multiply."""
    import numpy as np

    bad = np.flatnonzero(arrays.feasible & ~np.isfinite(arrays.monthly_cost_usd))
    if not bad.size:
        return
    problems = []
    for w_index in dict.fromkeys(arrays.workload_index[bad].tolist()):
        spec = specs[w_index]
        w = spec.workload
        t = w.tokens_per_request
        problems.append(
            Problem(
                f"workload {w.name!r}: the monthly cost overflows (not a finite number): "
                f"{w.traffic.monthly_requests:.6g} requests a month × "
                f"{t.input + t.cache_read + t.cache_write:.6g} input and {t.output:.6g} output "
                "tokens per request is beyond what can be priced",
                path=spec.where,
                hint="check traffic and tokens_per_request",
            )
        )
    raise ScenarioError(problems)


def estimate(
    paths: Iterable[str | Path],
    *,
    snapshot: str | Path | None = None,
    day: dt.date | None = None,
    as_of: dt.date | None = None,
    price_book: str | Path | None = None,
    max_snapshot_age_days: int | None = None,
) -> Estimate:
    """Price every workload of the scenarios at `paths` (files or folders).

    `day` is today (for staleness; default the clock or $GENAI_COST_TODAY); prices are those
    in effect on `as_of` when given, else on each scenario's `pricing_date`, else on `day`.
    A `price_book` (default $GENAI_COST_PRICE_BOOK) is layered over the snapshot.
    """
    catalog = priced_catalog(snapshot, price_book)
    scenarios = load_scenarios(paths, catalog)
    return estimate_loaded(
        scenarios,
        catalog,
        day=today(day),
        as_of=as_of,
        max_snapshot_age_days=max_snapshot_age_days,
    )


def estimate_loaded(
    scenarios: list[LoadedScenario],
    catalog: Catalog,
    *,
    day: dt.date,
    as_of: dt.date | None = None,
    max_snapshot_age_days: int | None = None,
) -> Estimate:
    """Price already-loaded scenarios with `catalog` (they must fit it); see `estimate`."""
    import numpy as np

    specs = flatten(scenarios)
    ctx = PricingContext(catalog, as_of or day, specs, override=as_of is not None)
    arrays = evaluate_all(workload_arrays(specs), prepare_all(ctx))
    _check_finite(specs, arrays)
    _check_explicit(specs, arrays)
    warnings = []
    limit = max_snapshot_age_days
    if limit is None:
        raw = os.environ.get(MAX_AGE_ENV, str(DEFAULT_MAX_SNAPSHOT_AGE_DAYS))
        try:
            limit = int(raw)
        except ValueError:
            raise GenaiCostError(
                f"${MAX_AGE_ENV} must be a whole number of days, got {raw!r}"
            ) from None
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
    sized_workloads = set(arrays.workload_index[capacity_rows].tolist())
    flat = [
        spec.workload.name
        for w_index, spec in enumerate(specs)
        if w_index in sized_workloads and not spec.workload.traffic.has_peak_information
    ]
    if flat:
        shown = ", ".join(repr(n) for n in flat[:5]) + (
            f" and {len(flat) - 5:,} more" if len(flat) > 5 else ""
        )
        warnings.append(
            f"workload{'s' if len(flat) > 1 else ''} {shown}: no peak_to_average_ratio or "
            "hourly_profile given; capacity options are sized for flat traffic"
        )
    extras = [_scenario_extras(item, catalog, ctx, arrays, specs) for item in scenarios]
    return Estimate(catalog, ctx.day, scenarios, specs, arrays, warnings, ctx, extras)


def _scenario_extras(
    loaded: LoadedScenario,
    catalog: Catalog,
    ctx: PricingContext,
    arrays: EstimateArrays,
    specs: list[WorkloadSpec],
) -> dict[str, Any]:
    """Training jobs, shared endpoints, supporting services and customization paths."""
    from genai_cost.customization import compare_paths
    from genai_cost.engine.packing import price_shared_endpoint
    from genai_cost.engine.services import price_supporting
    from genai_cost.engine.training import price_training_job

    scenario = loaded.scenario
    index = next(
        i
        for i, item in enumerate(ctx.specs)
        if item.scenario_name == scenario.name and item.where.startswith(loaded.path)
    )
    day = ctx.day_for(ctx.specs[index])
    extras: dict[str, Any] = {}
    if scenario.training_jobs:
        extras["training_jobs"] = [
            price_training_job(job, catalog, job.region or scenario.region, day)
            for job in scenario.training_jobs
        ]
    if scenario.shared_endpoints:
        extras["shared_endpoints"] = [
            price_shared_endpoint(e, catalog, e.region or scenario.region, day)
            for e in scenario.shared_endpoints
        ]
    if scenario.supporting_services is not None:
        extras["supporting_services"] = price_supporting(
            scenario.supporting_services, catalog, scenario.region, day
        )
    if scenario.customization is not None:
        costs = {}
        for w_index, spec in enumerate(specs):
            if spec.where.startswith(loaded.path) and spec.scenario_name == scenario.name:
                best = int(arrays.cheapest_row[w_index])
                costs[spec.workload.name] = (
                    float(arrays.monthly_cost_usd[best]) if best >= 0 else 0.0
                )
        extras["customization"] = compare_paths(loaded, catalog, day, costs)
    return extras
