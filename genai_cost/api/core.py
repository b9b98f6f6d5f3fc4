"""Load, validate, estimate and simulate; the sides of a diff; check, ROI, regions, variance.

Load → price → decide, in one place: scenario files are read (scenario/), checked against the
catalog (catalog/validation.py), priced as a whole bill (decisions/bill.py), and handed to
the decision that was asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from genai_cost.catalog.selection import PricingOptions
from genai_cost.catalog.snapshot import Catalog, bundled_snapshots_dir
from genai_cost.catalog.validation import scenario_problems
from genai_cost.decisions.bill import price_bill
from genai_cost.documents.estimate import (
    EstimateDocument,
    MonteCarlo,
    ValidatedFile,
    ValidationDocument,
    ValidationProblem,
)
from genai_cost.errors import ArgumentError, BaselineError, ScenarioError
from genai_cost.results.estimate import SCHEMA_VERSION as ESTIMATE_SCHEMA_VERSION
from genai_cost.results.estimate import Estimate
from genai_cost.scenario.load import LoadedScenario, expand_paths, load_scenario
from genai_cost.units import MAX_SAMPLES, presented
from genai_cost.version import __version__

if TYPE_CHECKING:  # what only diff, check, roi, regions and variance need: imported by them
    from genai_cost.decisions.diff import Side
    from genai_cost.documents.changes import CheckDocument, DiffDocument
    from genai_cost.documents.decisions import RegionsDocument, RoiDocument
    from genai_cost.documents.estimate import EstimateHead
    from genai_cost.documents.tracking import VarianceDocument


DEFAULT_PRICING = PricingOptions()
"""The bundled snapshot (or $GENAI_COST_SNAPSHOT), today's prices, no price book."""


def priced_catalog(snapshot: str | Path | None, price_book: str | Path | None) -> Catalog:
    """The snapshot with the price book (argument, else $GENAI_COST_PRICE_BOOK) layered over."""
    return PricingOptions(snapshot=snapshot, price_book=price_book).catalog()


def check_loaded(loaded: list[LoadedScenario], catalog: Catalog) -> None:
    """Every scenario fits the catalog; the problems of all files are reported together."""
    problems = [p for item in loaded for p in scenario_problems(item, catalog)]
    if problems:
        raise ScenarioError(problems)


@dataclass(frozen=True)
class WorkloadsFile:
    """A workloads table priced on its own (`estimate --workloads FILE`): the file, the
    region of rows without one, its own column names and the columns carried as tags."""

    path: Path
    region: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    def load(self) -> LoadedScenario:
        from genai_cost.scenario.load import table_scenario

        return table_scenario(self.path, region=self.region, columns=self.columns, tags=self.tags)


def load_scenarios(
    paths: Iterable[str | Path], catalog: Catalog, tables: Iterable[WorkloadsFile] = ()
) -> list[LoadedScenario]:
    """Load every scenario (and every workloads table given on its own) and check it against
    `catalog`, reporting the problems of all files together."""
    loaded, problems = [], []
    skipped: list[Path] = []
    sources: list[Callable[[], LoadedScenario]] = [
        partial(load_scenario, path) for path in expand_paths(paths, skipped)
    ]
    sources += [table.load for table in tables]
    for source in sources:
        try:
            item = source()
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(item)
        problems.extend(scenario_problems(item, catalog))
    if skipped:
        import sys

        from genai_cost.report.sanitize import lines

        names = ", ".join(str(p) for p in skipped)
        sys.stderr.write(lines(f"skipped (not scenarios): {names}") + "\n")
    if problems:
        raise ScenarioError(problems)
    return loaded


def contents(scenario: Any, loaded: LoadedScenario | None = None) -> str:
    """'2 workloads, 1 training job' — what a scenario holds (with how many workloads its
    table gave, when `loaded` has one)."""
    parts = [
        (len(scenario.workloads), "workload"),
        (len(scenario.training_jobs), "training job"),
        (len(scenario.shared_endpoints), "shared endpoint"),
        (len(scenario.imported_models), "imported model"),
    ]
    text = [f"{n} {name}{'s' if n != 1 else ''}" for n, name in parts if n or name == "workload"]
    if loaded is not None and loaded.table is not None:
        text[0] += f" ({loaded.table.size:,} from {Path(loaded.table.path).name})"
    if scenario.supporting_services is not None:
        text.append("supporting services")
    return ", ".join(text)


def validate(paths: Iterable[str | Path], snapshot: str | Path | None = None) -> ValidationDocument:
    """Check scenario files without pricing them: each against the scenario schema, and its
    model ids, regions and instance types against the snapshot. Every problem of every file
    is in the document (`valid` is false when there is one); nothing is raised for them."""
    from genai_cost.catalog.snapshot import load_catalog

    catalog = load_catalog(str(snapshot) if snapshot is not None else None)
    files: list[ValidatedFile] = []
    found: list[Any] = []
    for path in expand_paths(paths, []):
        try:
            item = load_scenario(path)
        except ScenarioError as exc:
            files.append(ValidatedFile(path=str(path), scenario=None, contents=None, valid=False))
            found.extend(exc.problems)
            continue
        problems = scenario_problems(item, catalog)
        files.append(
            ValidatedFile(
                path=str(path),
                scenario=item.scenario.name,
                contents=contents(item.scenario, item),
                valid=not problems,
            )
        )
        found.extend(problems)
    return ValidationDocument(
        schema_version=1,
        kind="genai-cost validate",
        snapshot=catalog.snapshot_id,
        valid=not found,
        files=files,
        problems=[
            ValidationProblem(
                path=p.path,
                line=p.line,
                column=p.column,
                field=p.field_path,
                message=p.message,
                hint=p.hint,
            )
            for p in found
        ],
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
    return price_bill(
        scenarios,
        catalog,
        day=day,
        as_of=as_of,
        max_snapshot_age_days=PricingOptions(
            max_snapshot_age_days=max_snapshot_age_days
        ).age_limit(),
    )


def estimate(
    paths: Iterable[str | Path],
    *,
    snapshot: str | Path | None = None,
    day: dt.date | None = None,
    as_of: dt.date | None = None,
    price_book: str | Path | None = None,
    max_snapshot_age_days: int | None = None,
    month: str | None = None,
    free_tier: bool = False,
) -> Estimate:
    """Price every workload of the scenarios at `paths` (files or folders): the whole bill of
    each scenario and every purchase option of each workload.

    `day` is today (for staleness; default the clock or $GENAI_COST_TODAY); prices are those
    in effect on `as_of` when given, else on each scenario's `pricing_date`, else on `day`.
    A `price_book` (default $GENAI_COST_PRICE_BOOK) is layered over the snapshot. `month`
    (YYYY-MM) prices that calendar month's real hours; `free_tier` applies the account-level
    free tiers of supporting services.
    """
    if month is not None:
        import re

        from genai_cost.units import MONTH_PATTERN

        if re.fullmatch(MONTH_PATTERN, month) is None:
            raise ArgumentError(f"«month» {month!r}: expected a calendar month YYYY-MM")
    options = PricingOptions(
        snapshot, price_book, as_of, day, max_snapshot_age_days, month, free_tier
    )
    return estimate_with(paths, options)


def price_with(
    loaded: list[LoadedScenario],
    catalog: Catalog,
    options: PricingOptions,
    *,
    pin_mixes: bool = True,
) -> Estimate:
    """Loaded scenarios (checked against `catalog`) priced as a whole bill with `options`."""
    return price_bill(
        loaded,
        catalog,
        day=options.today(),
        as_of=options.as_of,
        max_snapshot_age_days=options.age_limit(),
        month=options.month,
        free_tier=options.free_tier,
        pin_mixes=pin_mixes,
    )


def estimate_with(
    paths: Iterable[str | Path],
    options: PricingOptions,
    *,
    pin_mixes: bool = True,
    strict: bool = False,
    tables: Iterable[WorkloadsFile] = (),
) -> Estimate:
    """`estimate` with the pricing arguments in one object. `pin_mixes=False` prices each
    workload that pins a capacity + on-demand mix (`base_load`) as written, unsplit — what
    `mix` needs to find the mix. `strict`: a whole bill that cannot be priced is an error
    (PricingError naming what is missing), not an incomplete total. `tables`: workloads
    tables priced as scenarios of their own."""
    from genai_cost.collector import paused

    catalog = options.catalog()
    with paused():  # many long-lived objects, no garbage cycles (genai_cost/collector.py)
        loaded = load_scenarios(paths, catalog, tables)
        result = price_with(loaded, catalog, options, pin_mixes=pin_mixes)
    if strict:
        from genai_cost.decisions.bill import require_complete

        require_complete(result, "«strict»")
    return result


DEFAULT_MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
"""The model of a starter scenario when none is given."""


def starter_scenario(
    name: str,
    *,
    model: str | None = None,
    region: str | None = None,
    requests_per_month: float | None = None,
    snapshot: str | Path | None = None,
) -> str:
    """A commented starter scenario (YAML text) with one workload, checked against the
    snapshot: a model or region it lacks is a ScenarioError, before anything is written."""
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.scenario.starter import starter_text

    text = starter_text(
        name, model or DEFAULT_MODEL, region or "us-east-1", requests_per_month or 100_000
    )
    draft = load_scenario(f"{name}.yaml", name=f"{name}.yaml", content=text.encode("utf-8"))
    check_loaded([draft], load_catalog(str(snapshot) if snapshot is not None else None))
    return text


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editor completion)."""
    from genai_cost.scenario.schema import json_schema

    schema: dict[str, Any] = json_schema()
    return schema


def simulate(
    result: Estimate,
    samples: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """A Monte Carlo of `samples` draws of the scenarios' uncertain inputs, kept on `result`
    (its document then has a `monte_carlo` section)."""
    from genai_cost.decisions.montecarlo import run_monte_carlo

    if not 1 <= samples <= MAX_SAMPLES:
        raise ArgumentError(f"samples must be from 1 to {MAX_SAMPLES:,}, got {samples:,}")
    if seed is not None and not 0 <= seed < 2**63:
        raise ArgumentError(f"seed must be from 0 to 2**63 - 1, got {seed}")
    outcome = run_monte_carlo(result, samples, seed, progress)
    result.monte_carlo = outcome
    return outcome


def report_document(result: Estimate, expand: bool = False) -> EstimateDocument:
    """The estimate document as the reports that list workloads one by one read it (the
    terminal table, Markdown, HTML): whole, except that its option records are only those of
    the workloads the report lists (`shown_workloads`: a large portfolio's dearest; every
    workload with `expand`, or when there are few). A 100,000-row table is not made into
    two million option records for a report that shows thirty workloads' options."""
    from genai_cost.report.estimate import shown_workloads

    return result.listed_document(
        lambda scenario: [w["name"] for w in shown_workloads(scenario, expand)[0]]
    )


def html_report(result: Estimate, expand: bool = False) -> dict[str, Any]:
    """What the HTML report shows: the estimate document (`report_document`: the option
    records of the workloads it lists), its break-even curves (when every workload has
    traffic to scale: of the workloads the report draws — a large portfolio's dearest, every
    one with `expand`) and, where the scenarios have one, ROI."""
    from genai_cost.decisions.breakeven import breakeven_document
    from genai_cost.decisions.roi import roi_document
    from genai_cost.engine.context import monthly_requests
    from genai_cost.report.estimate import shown_workloads

    document = report_document(result, expand)
    summarised = [shown_workloads(s, expand) for s in document["scenarios"]]
    drawn: set[tuple[str, str]] | None = None
    if any(rest for _, rest in summarised):  # a large portfolio: curves of the shown only
        drawn = {
            (s["name"], w["name"])
            for s, (shown, _) in zip(document["scenarios"], summarised, strict=True)
            for w in shown
        }
    has_traffic = bool((monthly_requests(result.specs) > 0).all())  # a table's: its columns
    # ROI needs whole bills: where one is incomplete the report says so and shows none
    with_roi = any(s.scenario.roi for s in result.scenarios) and all(
        bill["complete"] for bill in result.bills
    )
    return {
        "estimate": document,
        "breakeven": breakeven_document(result, only=drawn)
        if has_traffic and result.specs
        else None,
        "roi": roi_document(result) if with_roi else None,
    }


# --- the sides of a diff ----------------------------------------------------------------------


def _describe_snapshot(catalog: Catalog) -> str:
    bundled = catalog.path.parent == bundled_snapshots_dir().resolve()
    origin = "bundled" if bundled else f"folder {catalog.path.name}"
    return f"snapshot {catalog.snapshot_id} (as of {catalog.as_of.isoformat()}, {origin})"


def read_baseline(path: Path) -> EstimateDocument:
    """An estimate JSON written by `genai-cost estimate --format json`."""
    from genai_cost.yamlsource import parse_json, read_text_file

    text = read_text_file(path, error=BaselineError, limit=512 * 1024 * 1024)
    document = parse_json(text, str(path), error=BaselineError, what="an estimate")
    if not isinstance(document, dict) or not isinstance(document.get("scenarios"), list):
        raise BaselineError.at(str(path), "not a genai-cost estimate (no 'scenarios' list)")
    version = document.get("schema_version")
    if version != ESTIMATE_SCHEMA_VERSION:
        before = (
            " (written before scenario totals held the whole bill)"
            if isinstance(version, int) and version < ESTIMATE_SCHEMA_VERSION
            else ""
        )
        raise BaselineError.at(
            str(path),
            f"estimate schema_version {version!r} is not supported{before} (expected "
            f"{ESTIMATE_SCHEMA_VERSION}); regenerate it with this version of genai-cost",
        )
    from genai_cost.results.baseline import validate_baseline

    return validate_baseline(document, str(path))


def load_side(argument: str, options: PricingOptions) -> Side:
    """A side from a JSON baseline, or from scenario files priced now."""
    from genai_cost.decisions.diff import Side

    path = Path(argument)
    if path.suffix == ".json":
        document = read_baseline(path)
        snap = document.get("snapshot") or {}
        prices = f"snapshot {snap.get('id')} (as of {snap.get('as_of')}, recorded in baseline)"
        return Side(str(path), document, None, prices)
    return scenario_side([argument], options)


def scenario_side(paths: list[str], options: PricingOptions) -> Side:
    """A side from scenario files or folders in the working tree, priced now."""
    from genai_cost.decisions.diff import Side

    result = estimate_with(paths, options)
    return Side.priced(" ".join(paths), result, _describe_snapshot(result.catalog))


def git_side(ref: str, paths: list[str], options: PricingOptions, repo: Path | None = None) -> Side:
    """A side from the scenario files under `paths` as they were at git revision `ref` of
    the repository at `repo` (read into memory with git; nothing is written)."""
    from genai_cost.decisions.diff import Side
    from genai_cost.scenario.gitrev import read_at_revision

    files = read_at_revision(ref, paths, repo)
    catalog = options.catalog()
    loaded, problems = [], []
    for name, content in files:

        def beside(relative: str, name: str = name) -> bytes | None:
            """A file beside the scenario in the same revision (its workloads table)."""
            from genai_cost.scenario.gitrev import read_file_at_revision
            from genai_cost.scenario.table import MAX_TABLE_BYTES

            in_tree = PurePosixPath(name.removeprefix(f"{ref}:")).parent / relative
            return read_file_at_revision(ref, str(in_tree), repo, MAX_TABLE_BYTES, in_tree=True)

        try:
            loaded.append(load_scenario(name, name=name, content=content, beside=beside))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    check_loaded(loaded, catalog)
    label = f"{ref}:{' '.join(paths)}"
    if not loaded:
        day = options.as_of or options.today()
        return Side(label, _empty_document(catalog, day), None, _describe_snapshot(catalog))
    result = price_with(loaded, catalog, options)
    return Side.priced(label, result, _describe_snapshot(catalog))


def _empty_document(catalog: Catalog, day: dt.date) -> EstimateDocument:
    return {
        "schema_version": ESTIMATE_SCHEMA_VERSION,
        "tool_version": __version__,
        "pricing_date": day.isoformat(),
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "warnings": [],
        "sources": {},
        "scenarios": [],
        "options": [],
    }


def diff_sides(
    sides: list[str],
    *,
    base_ref: str | None = None,
    repo: str | Path | None = None,
    options: PricingOptions = DEFAULT_PRICING,
    base_snapshot: str | Path | None = None,
) -> DiffDocument:
    """The diff document of two sides (`sides` = [BASE, HEAD]) or of `sides` (paths) against
    the same paths at git revision `base_ref` (of the repository at `repo`); no thresholds
    (`api.diff` applies them)."""
    from dataclasses import replace

    from genai_cost.decisions.diff import compare

    base_options = replace(options, snapshot=base_snapshot or options.snapshot)
    if base_ref is not None:
        from genai_cost.scenario.gitrev import located, repository_top

        where = Path(repo) if repo is not None else None
        base = git_side(base_ref, sides, base_options, where)
        if where is not None:  # the working tree's files, wherever the command runs
            top = repository_top(where)
            sides = [str(located(p, top)) for p in sides]
        head = scenario_side(sides, options)
    elif repo is not None:
        raise ArgumentError("«repo» names the repository «base_ref» is read from: give both")
    elif len(sides) == 2:
        base = load_side(sides[0], base_options)
        head = load_side(sides[1], options)
    else:
        raise ArgumentError(
            f"diff takes two sides, BASE and HEAD (got {len(sides)}); or use «base_ref» REV "
            "PATH... to compare files with a git revision"
        )
    return compare(base, head, base_snapshot=base_options.snapshot)


def check(
    paths: Iterable[str | Path],
    options: PricingOptions = DEFAULT_PRICING,
    *,
    skip_unbudgeted: bool = False,
) -> CheckDocument:
    """The budget check document of the scenarios at `paths`: a scenario without any budget
    is an error, or with `skip_unbudgeted` is listed under `without_budget`."""
    from genai_cost.decisions.check import budget_document

    return budget_document(estimate_with(paths, options), skip_unbudgeted)


def roi(paths: Iterable[str | Path], options: PricingOptions = DEFAULT_PRICING) -> RoiDocument:
    """The ROI document of every scenario at `paths` that has a `roi:` section."""
    from genai_cost.decisions.roi import roi_document

    return roi_document(estimate_with(paths, options))


def regions(
    path: str | Path,
    *,
    candidates: list[str] | None = None,
    options: PricingOptions = DEFAULT_PRICING,
) -> RegionsDocument:
    """What the scenario at `path` costs in each candidate region (default: every region)."""
    from genai_cost.catalog.validation import check_against_catalog
    from genai_cost.decisions.regions import compare_regions

    catalog = options.catalog()
    loaded = load_scenario(path)
    check_against_catalog(loaded, catalog)
    return compare_regions(
        loaded,
        catalog,
        day=options.today(),
        regions=candidates,
        as_of=options.as_of,
        month=options.month,
        free_tier=options.free_tier,
    )


def variance(
    scenarios: list[Path],
    *,
    logs: list[str] | None = None,
    key: str = "metadata:workload",
    cost_explorer: bool = False,
    ce_client: Any = None,
    tag: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    snapshot: str | Path | None = None,
    price_book: str | Path | None = None,
    profiles: str | Path | None = None,
) -> VarianceDocument:
    """Each workload's estimate against its actual cost, from invocation logs (priced like
    `allocate`, application profiles resolved from `profiles` as there) or from Cost Explorer
    (`ce_client`, grouped by the cost-allocation `tag`)."""
    from genai_cost.tracking.variance import compare, from_cost_explorer, from_logs, whole_month

    if cost_explorer and ce_client is None:
        import boto3

        ce_client = boto3.client("ce", region_name="us-east-1")  # Cost Explorer's endpoint
    if bool(logs) == (ce_client is not None):
        raise ArgumentError("give either «logs» or «cost_explorer» (one source of actuals)")
    if ce_client is not None:
        if tag is None or start is None or end is None:
            raise ArgumentError("«cost_explorer» needs «tag», «start» and «end»")
        actuals = from_cost_explorer(ce_client, tag, start, end)
    else:
        actuals = from_logs(
            logs or [], key, snapshot=snapshot, price_book=price_book, profiles=profiles
        )
    options = PricingOptions(snapshot=snapshot, price_book=price_book, month=whole_month(actuals))
    # the document's keys before its option records: the workloads' summaries
    head, _, _ = estimate_with(scenarios, options).document_parts()
    compared = compare(cast("EstimateHead", head), actuals)
    document: VarianceDocument = presented(compared)
    return document
