"""The `genai-cost` command line: parse arguments, call the library, choose the exit code.

Exit codes: 0 ok; 1 a check failed (threshold, budget); 2 bad input; 3 internal error.
Errors go to stderr; stdout carries only the requested output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from genai_cost import __version__
from genai_cost.errors import GenaiCostError

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
ISSUES_URL = "https://github.com/genai-cost/genai-cost/issues"

app = typer.Typer(
    name="genai-cost",
    help="Cost estimation and ROI for generative-AI workloads on AWS.\n\n"
    "Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"genai-cost {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Cost estimation and ROI for generative-AI workloads on AWS."""


def _use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def _emit(text: str, output: Path | None) -> None:
    """The report on stdout, or written atomically to `output` (`-` is stdout too)."""
    from genai_cost.output import STDOUT

    if output is None or str(output) == STDOUT:
        sys.stdout.write(text)
        return
    from genai_cost.output import write_atomic

    write_atomic(output, text)
    _say(f"wrote {output}")


def _say(text: str) -> None:
    """A message on stderr, control characters removed (names come from inputs)."""
    from genai_cost.report.sanitize import lines

    typer.echo(lines(text), err=True)


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Price at the rates in effect on this day (beats a scenario's "
        "pricing_date; default: today).",
    ),
]


def _day(text: str | None, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise GenaiCostError(f"{option} {text!r}: expected a date YYYY-MM-DD") from None


PriceBookOption = Annotated[
    Path | None,
    typer.Option(
        "--price-book",
        metavar="FILE",
        envvar="GENAI_COST_PRICE_BOOK",
        help="Your own prices and discounts, layered over the snapshot (see docs/pricing-data.md).",
    ),
]

SnapshotOption = Annotated[
    str | None,
    typer.Option(
        "--snapshot",
        metavar="ID|PATH",
        envvar="GENAI_COST_SNAPSHOT",
        help="Pricing snapshot: a bundled id or a snapshot folder (default: newest bundled).",
    ),
]


@app.command()
def estimate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE|DIR...", help="Scenario files or folders of *.yaml scenarios."
        ),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=1,
            help="Run a Monte Carlo of this many draws of the scenarios' "
            "uncertain inputs (P10/P50/P90 of monthly cost and NPV).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for reproducible samples.")
    ] = None,
    max_snapshot_age_days: Annotated[
        int | None,
        typer.Option(
            "--max-snapshot-age-days",
            min=0,
            help="Warn when the snapshot is older than this "
            "[env: GENAI_COST_MAX_SNAPSHOT_AGE_DAYS; default: 90].",
        ),
    ] = None,
) -> None:
    """Price every workload under every purchase option and show the cheapest.

    Examples:

        genai-cost estimate scenarios/support-chatbot.yaml

        genai-cost estimate scenarios/ --format markdown --output estimate.md

        genai-cost estimate app.yaml --format json --output base.json

        genai-cost estimate app.yaml --samples 100000 --seed 1 --format html -o report.html
    """
    from genai_cost.api import estimate as run_estimate
    from genai_cost.report import render

    result = run_estimate(
        paths,
        snapshot=snapshot,
        as_of=_day(as_of),
        price_book=price_book,
        max_snapshot_age_days=max_snapshot_age_days,
    )
    for warning in result.warnings:
        _say(f"warning: {warning}")
    if samples:
        from genai_cost.console import progress_bar

        chunks = -(-samples // 50_000)
        with progress_bar(chunks, "Monte Carlo") as step:
            result.simulate(samples, seed, progress=lambda n: step(f"{n:,} samples"))
    if fmt == Format.html:
        _emit(_html(result), output)
        return
    color = fmt == Format.table and output is None and _use_color()
    _emit(render(result.to_dict(), fmt.value, color=color), output)


class ChangeFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    sides: Annotated[
        list[str],
        typer.Argument(
            metavar="BASE HEAD | PATH...",
            help="Two sides (scenario file or folder, or estimate JSON baseline), or with "
            "--base-ref the scenario files or folders to compare with that revision.",
        ),
    ],
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base-ref",
            metavar="REV",
            help="Compare PATH... with the same files at this git "
            "revision (read with git; the working tree is not touched).",
        ),
    ] = None,
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ChangeFormat.table
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
    base_snapshot: Annotated[
        str | None,
        typer.Option(
            "--base-snapshot",
            metavar="ID|PATH",
            help="Pricing snapshot of the base side when it "
            "is priced here (default: the same as the head's).",
        ),
    ] = None,
    fail_on_increase: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on-increase",
            metavar="[total:|workload:]N[%]",
            help="Exit 1 when the monthly cost rises by more than N% (or N USD); repeatable; "
            "workload: applies it to each workload.",
        ),
    ] = None,
    fail_above: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-above",
            metavar="[total:|workload:]USD",
            help="Exit 1 when the head's monthly cost is above this many USD.",
        ),
    ] = None,
    warn_on_increase: Annotated[
        list[str] | None,
        typer.Option(
            "--warn-on-increase",
            metavar="[total:|workload:]N[%]",
            help="Report, without failing, a rise of more than N% (or N USD).",
        ),
    ] = None,
    warn_above: Annotated[
        list[str] | None,
        typer.Option(
            "--warn-above",
            metavar="[total:|workload:]USD",
            help="Report, without failing, a monthly cost above this many USD.",
        ),
    ] = None,
) -> None:
    """Show what a change does to the monthly bill, and why (usage or prices).

    Exit codes: 0 within limits, 1 a --fail-* limit breached, 2 bad input.

    Examples:

        genai-cost diff base.json scenarios/

        genai-cost diff --base-ref origin/main scenarios/ --fail-on-increase 10%

        genai-cost diff old.yaml new.yaml -f markdown --fail-above workload:2000
    """
    from genai_cost.diff import (
        Threshold,
        apply_thresholds,
        compare,
        git_side,
        load_side,
        scenario_side,
    )

    thresholds = [
        Threshold.parse(level, kind, text)
        for level, kind, values in (
            ("fail", "increase", fail_on_increase),
            ("fail", "above", fail_above),
            ("warn", "increase", warn_on_increase),
            ("warn", "above", warn_above),
        )
        for text in values or []
    ]
    base_prices = base_snapshot or snapshot
    if base_ref is not None:
        base = git_side(
            base_ref,
            sides,
            snapshot=base_prices,
            day=None,
            as_of=_day(as_of),
            price_book=price_book,
        )
    elif len(sides) == 2:
        base = load_side(
            sides[0], snapshot=base_prices, day=None, as_of=_day(as_of), price_book=price_book
        )
    else:
        raise GenaiCostError(
            f"diff takes two sides, BASE and HEAD (got {len(sides)}); or use --base-ref REV "
            "PATH... to compare files with a git revision"
        )
    if base_ref is not None:
        head = scenario_side(
            sides, snapshot=snapshot, day=None, as_of=_day(as_of), price_book=price_book
        )
    else:
        head = load_side(
            sides[1], snapshot=snapshot, day=None, as_of=_day(as_of), price_book=price_book
        )
    document = apply_thresholds(compare(base, head, base_snapshot=base_prices), thresholds)
    from genai_cost.report.changes import render_diff_markdown

    if fmt == ChangeFormat.json:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif fmt == ChangeFormat.markdown:
        text = render_diff_markdown(document)
    else:
        from genai_cost.report.terminal import render_diff_table

        text = render_diff_table(document, color=output is None and _use_color(), width=120)
    _emit(text, output)
    if document["verdict"] == "fail":
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...")],
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ChangeFormat.table
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Check each scenario's and workload's estimated monthly cost against its budget.

    Exit codes: 0 within budget (alerts may be reported), 1 a budget's fail threshold is
    reached, 2 bad input (including a scenario with no budget).

    Example:

        genai-cost check scenarios/support-chatbot.yaml --format markdown
    """
    from genai_cost.api import estimate as run_estimate
    from genai_cost.check import budget_document

    document = budget_document(
        run_estimate(paths, snapshot=snapshot, as_of=_day(as_of), price_book=price_book)
    )
    if fmt == ChangeFormat.json:
        text = json.dumps(document, indent=2) + "\n"
    elif fmt == ChangeFormat.markdown:
        from genai_cost.report.changes import render_check_markdown

        text = render_check_markdown(document)
    else:
        from genai_cost.report.terminal import render_check_table

        text = render_check_table(document, color=output is None and _use_color(), width=120)
    _emit(text, output)
    if document["verdict"] == "fail":
        raise typer.Exit(EXIT_CHECK_FAILED)


pricing_app = typer.Typer(
    name="pricing",
    help="Browse and compare pricing snapshots.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(pricing_app)


@pricing_app.command("list")
def pricing_list(
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
) -> None:
    """List the bundled pricing snapshots (and the one GENAI_COST_SNAPSHOT selects).

    Example:

        genai-cost pricing list
    """
    from genai_cost.catalog.compare import snapshot_summary
    from genai_cost.catalog.snapshot import SNAPSHOT_ENV, bundled_snapshot_ids, load_catalog

    choices: list[str] = bundled_snapshot_ids()
    if os.environ.get(SNAPSHOT_ENV):
        choices.append(os.environ[SNAPSHOT_ENV])
    rows = [snapshot_summary(load_catalog(c)) for c in dict.fromkeys(choices)]
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps({"snapshots": rows}, indent=2) + "\n")
        return
    lines = [
        "| Snapshot | As of | Models | On-demand rows | Provisioned rows | Instance rows | Path |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['id']} | {r['as_of']} | {r['models']} | {r['on_demand_rows']} | "
        f"{r['provisioned_rows']} | {r['instance_price_rows']} | {r['path']} |"
        for r in rows
    ]
    sys.stdout.write("\n".join(lines) + "\n")


@pricing_app.command("show")
def pricing_show(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL", help="Bedrock model id (a us./eu./global. prefix is ignored)."
        ),
    ],
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    snapshot: SnapshotOption = None,
) -> None:
    """Show every price of one model: by endpoint scope and region, batch, provisioned terms,
    published self-hosting throughput, with sources.

    Example:

        genai-cost pricing show anthropic.claude-sonnet-4-6
    """
    from genai_cost.catalog.compare import model_prices
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.modelfile import suggest
    from genai_cost.scenario import split_model_id

    catalog = load_catalog(snapshot)
    model_id = split_model_id(model)[1]
    if model_id not in catalog.models:
        hint = suggest(model_id, catalog.models)
        raise GenaiCostError(
            f"unknown model id {model_id!r} in snapshot {catalog.snapshot_id}"
            + (f" ({hint})" if hint else "; see `genai-cost models`")
        )
    document = model_prices(catalog, model_id)
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    from genai_cost.report.pricing import render_model_markdown

    sys.stdout.write(render_model_markdown(document))


@pricing_app.command("diff")
def pricing_diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="Snapshot id or folder.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Snapshot id or folder.")],
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Show the price rows added, removed and changed between two snapshots, with % change.

    Example:

        genai-cost pricing diff 2026-11-23 ./pricing_snapshots/2026-12-01 -f markdown
    """
    from genai_cost.catalog.compare import diff_snapshots
    from genai_cost.catalog.snapshot import load_catalog

    document = diff_snapshots(load_catalog(old), load_catalog(new))
    if fmt == ChangeFormat.json:
        text = json.dumps(document, indent=2) + "\n"
    else:
        from genai_cost.report.pricing import render_pricing_diff_markdown

        text = render_pricing_diff_markdown(document)
    _emit(text, output)


@pricing_app.command("refresh")
def pricing_refresh(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Folder of the new snapshot (default: "
            "pricing_snapshots/<id> in the current directory).",
        ),
    ] = None,
    snapshot_id: Annotated[
        str | None, typer.Option("--id", help="Id of the new snapshot (default: today's date).")
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Region to refresh; repeatable (default: every "
            "region the previous snapshot prices by name).",
        ),
    ] = None,
    offer_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--from-offer-file",
            metavar="FILE",
            help="Read Price List Bulk API offer files "
            "(JSON) instead of calling the API; repeatable.",
        ),
    ] = None,
    snapshot: SnapshotOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing snapshot folder.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail (exit 2, nothing written) when a listed price cannot be read, instead "
            "of carrying the previous price over.",
        ),
    ] = False,
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f", help="Report format.")] = (
        ChangeFormat.table
    ),
) -> None:
    """Build a new dated snapshot from the AWS Price List (Query API, or offer files).

    Uses the standard AWS credential chain; the credentials need only pricing:GetProducts.
    Rows the Price List lacks are carried over from the previous snapshot (--snapshot) and
    marked. The snapshot is written atomically: a failed refresh changes nothing.

    Examples:

        genai-cost pricing refresh --region us-east-1 --region eu-west-1

        genai-cost pricing refresh --from-offer-file AmazonBedrock-us-east-1.json
    """
    from genai_cost.api import today
    from genai_cost.catalog import refresh as refresher
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.console import progress_bar
    from genai_cost.modelfile import suggest

    previous = load_catalog(snapshot)
    day = today()
    regions = region or refresher.default_regions(previous)
    for name in regions:
        if name not in previous.regions:
            hint = suggest(name, previous.regions)
            raise GenaiCostError(
                f"--region {name}: not in the snapshot's regions table"
                + (f" ({hint})" if hint else "")
            )
    identifier = snapshot_id or day.isoformat()
    target = output or Path("pricing_snapshots") / identifier
    if offer_file:
        wanted = set(regions)
        items = [item for path in offer_file for item in refresher.offer_items(path, wanted)]
        result = refresher.refresh_snapshot(
            previous,
            target,
            items=items,
            source_key=refresher.BULK_SOURCE,
            source_reference="offer files " + ", ".join(p.name for p in offer_file),
            day=day,
            snapshot_id=identifier,
            force=force,
            strict=strict,
        )
    else:
        api = refresher.PriceListApi()
        plan = refresher.plan_requests(previous, regions)

        def fetch() -> Iterator[dict[str, object]]:
            with progress_bar(len(plan), "Price List") as step:
                for service, filters in plan:
                    yield from api.products(service, filters)
                    step(f"{service} {filters.get('regionCode', '')}")

        result = refresher.refresh_snapshot(
            previous,
            target,
            items=fetch(),
            source_key=refresher.API_SOURCE,
            source_reference="service codes "
            + ", ".join(sorted({s for s, _ in plan}))
            + "; regions "
            + ", ".join(regions),
            day=day,
            snapshot_id=identifier,
            force=force,
            strict=strict,
            publication_dates=lambda: api.publication_dates,
        )
        result.calls = api.calls
    document = result.as_dict()
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        lines = [
            f"wrote snapshot {result.snapshot_id} to {result.path}",
            "refreshed rows: " + ", ".join(f"{k} {v}" for k, v in result.refreshed.items()),
            "carried over: " + ", ".join(f"{k} {v}" for k, v in result.carried_over.items()),
        ]
        for reason, info in document["skipped"].items():
            lines.append(f"skipped {info['count']} ({reason}), e.g. " + ", ".join(info["examples"]))
        lines += [f"problem: {p}" for p in document["problems"]]
        if document["carried_over_prices"]:
            lines.append(
                f"{len(document['carried_over_prices'])} price(s) kept from the previous "
                "snapshot because the Price List's value could not be read (see problems)"
            )
        lines.append(f"use it with: --snapshot {result.path}")
        sys.stdout.write("\n".join(lines) + "\n")


def _range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        low, high = (float(part.replace("_", "").replace(",", "")) for part in text.split(":"))
    except ValueError:
        raise GenaiCostError(
            f"--range {text!r}: expected LOW:HIGH requests per month, e.g. 1e5:1e8"
        ) from None
    if not 0 < low < high:
        raise GenaiCostError(f"--range {text!r}: need 0 < LOW < HIGH")
    return low, high


class AllocateFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


def _emit_tracking(
    document: dict[str, Any], kind: str, fmt: AllocateFormat, output: Path | None
) -> None:
    """Render an `allocation` or `variance` document (report/allocation.py, report/terminal.py)."""
    if fmt == AllocateFormat.json:
        text = json.dumps(document, indent=2) + "\n"
    elif fmt == AllocateFormat.table:
        from genai_cost.report import terminal

        render = getattr(terminal, f"render_{kind}_table")
        text = render(document, color=output is None and _use_color(), width=120)
    else:
        from genai_cost.report import allocation

        text = getattr(allocation, f"render_{kind}_{fmt.value}")(document)
    _emit(text, output)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command()
def allocate(
    logs: Annotated[list[str], typer.Argument(metavar="LOGS...", show_default=False)],
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Group by: tenant, model, region, day, month, account, operation, identity, "
            "metadata:KEY or profile-tag:KEY (repeat for several; default: tenant).",
        ),
    ] = None,
    tenant: Annotated[
        str,
        typer.Option(
            "--tenant",
            help="Where the tenant comes from: metadata:KEY (requestMetadata), identity "
            "(role or user of identity.arn) or profile-tag:KEY (application profile tag).",
        ),
    ] = "metadata:tenant",
    fmt: Annotated[AllocateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        AllocateFormat.table
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    profiles: Annotated[
        Path | None,
        typer.Option(
            "--profiles",
            metavar="FILE",
            help="Application inference profile ARN -> model and tags (YAML).",
        ),
    ] = None,
    resolve_profiles: Annotated[
        bool,
        typer.Option(
            "--resolve-profiles",
            help="Ask the Bedrock API (GetInferenceProfile, ListTagsForResource) for "
            "application profiles not in --profiles.",
        ),
    ] = False,
    budgets: Annotated[
        Path | None,
        typer.Option("--budgets", metavar="FILE", help="Monthly budgets per tenant (YAML)."),
    ] = None,
    capacity: Annotated[
        Path | None,
        typer.Option(
            "--capacity",
            metavar="FILE",
            help="Shared provisioned/self-hosted capacity and how to split it (YAML).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail (exit 2) if any record cannot be read or priced."),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="duckdb (embedded) or spark (PySpark: pip install 'genai-cost[spark]').",
        ),
    ] = Engine.duckdb,
    snapshot: SnapshotOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Chargeback: price Bedrock invocation logs and split the cost by tenant or any key.

    LOGS are files (.json/.jsonl, gzipped or not), folders in the S3 delivery layout, or
    s3://bucket/prefix (read through boto3). Records that cannot be read or priced are counted
    and listed; untagged spend is its own row.

    Exit codes: 0 ok, 1 a tenant budget's fail threshold is reached, 2 bad input (with
    --strict: any record not allocated).

    Examples:

        genai-cost allocate logs/ --tenant metadata:team --by tenant --by model

        genai-cost allocate s3://my-bucket/AWSLogs/ --tenant identity --budgets budgets.yaml

        genai-cost allocate logs/ --tenant metadata:team --capacity capacity.yaml
    """
    from genai_cost.tracking.allocate import run_allocation

    client = "auto" if resolve_profiles else None  # a Bedrock client per profile region
    document = run_allocation(
        logs,
        by=by or ["tenant"],
        tenant=tenant,
        snapshot=snapshot,
        price_book=price_book,
        profiles=profiles,
        bedrock_client=client,
        budgets=budgets,
        capacity=capacity,
        engine=engine.value,
    )
    if strict and document["problems"]:
        lines = [f"{p['records']:,} record(s): {p['reason']}" for p in document["problems"]]
        raise GenaiCostError("--strict: records not allocated:\n" + "\n".join(lines))
    if document["problems"]:
        count = document["records"]["not_allocated"]
        files = sum(1 for p in document["problems"] if p["reason"].startswith("file cannot"))
        parts = [f"{count:,} record(s) not allocated"] if count else []
        parts += [f"{files} file(s) could not be read"] if files else []
        _say(f"warning: {' and '.join(parts)} (listed in the table, Markdown and JSON reports)")
    _emit_tracking(document, "allocation", fmt, output)
    if document.get("verdict") == "fail":
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def variance(
    scenarios: Annotated[list[Path], typer.Argument(metavar="SCENARIO...", show_default=False)],
    logs: Annotated[
        list[str] | None,
        typer.Option("--logs", metavar="PATH", help="Invocation logs (repeatable; as allocate)."),
    ] = None,
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="Log field naming the workload: metadata:KEY or profile-tag:KEY.",
        ),
    ] = "metadata:workload",
    cost_explorer: Annotated[
        bool,
        typer.Option("--cost-explorer", help="Actuals from Cost Explorer instead of logs."),
    ] = False,
    tag: Annotated[
        str | None,
        typer.Option("--tag", help="Cost-allocation tag whose values are workload names."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="YYYY-MM-DD", help="First day (CE).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", metavar="YYYY-MM-DD", help="Day after the last day (CE)."),
    ] = None,
    fmt: Annotated[AllocateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        AllocateFormat.table
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    snapshot: SnapshotOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Estimate vs actual: each workload's estimate against what it really cost.

    Actuals come from invocation logs (priced like `allocate`, workloads named by a
    requestMetadata field or profile tag) or from Cost Explorer (UnblendedCost of every
    Bedrock service, including third-party "(Amazon Bedrock Edition)" ones, grouped by a
    cost-allocation tag). The monthly estimate is prorated to the days the actuals cover.

    Examples:

        genai-cost variance scenarios/support-chatbot.yaml --logs logs/ --key metadata:workload

        genai-cost variance s.yaml --cost-explorer --tag workload \\
            --start 2026-10-01 --end 2026-11-01
    """
    from genai_cost.tracking.variance import run_variance

    client = None
    if cost_explorer:
        import boto3

        client = boto3.client("ce", region_name="us-east-1")
    document = run_variance(
        scenarios,
        logs=logs or [],
        key=key,
        ce_client=client,
        tag=tag,
        start=_day(start, "--start"),
        end=_day(end, "--end"),
        snapshot=snapshot,
        price_book=price_book,
    )
    _emit_tracking(document, "variance", fmt, output)


@app.command()
def breakeven(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario file.")],
    workload: Annotated[
        str | None, typer.Option("--workload", "-w", help="Only this workload.")
    ] = None,
    volume_range: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="LOW:HIGH",
            help="Monthly request volumes to search (default: 1/100 to 100 times today's).",
        ),
    ] = None,
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Find the volumes where purchase options cross, and the cheapest option per band.

    Example:

        genai-cost breakeven scenarios/ticket-classifier.yaml --range 1e6:1e9
    """
    from genai_cost.api import estimate as run_estimate
    from genai_cost.decisions.breakeven import breakeven_document, render_breakeven_markdown

    result = run_estimate([path], snapshot=snapshot, as_of=_day(as_of), price_book=price_book)
    document = breakeven_document(result, workload=workload, volume_range=_range(volume_range))
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_breakeven_markdown(document, chart=fmt == ChangeFormat.table))


@app.command()
def mix(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario file.")],
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Find the cheapest split of a daily profile between fixed capacity (provisioned units
    or instances, per term) and on-demand tokens.

    Example:

        genai-cost mix scenarios/support-chatbot.yaml
    """
    from genai_cost.api import estimate as run_estimate
    from genai_cost.decisions.mix import mix_document, render_mix_markdown

    document = mix_document(
        run_estimate([path], snapshot=snapshot, as_of=_day(as_of), price_book=price_book)
    )
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_mix_markdown(document))


@app.command()
def roi(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario with a `roi:` section.")],
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Monthly cash flows over the horizon, with total cost and benefit, net value, NPV,
    payback month and ROI %.

    Example:

        genai-cost roi scenarios/support-chatbot.yaml --format json
    """
    from genai_cost.api import estimate as run_estimate
    from genai_cost.decisions.roi import render_roi_markdown, roi_document

    document = roi_document(
        run_estimate([path], snapshot=snapshot, as_of=_day(as_of), price_book=price_book)
    )
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_roi_markdown(document))


@app.command()
def regions(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A scenario file.")],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Candidate region; repeatable (default: every region of the snapshot).",
        ),
    ] = None,
    fmt: Annotated[ChangeFormat, typer.Option("--format", "-f")] = ChangeFormat.table,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Compare what a scenario costs in each region where its models and instances exist.

    Example:

        genai-cost regions scenarios/support-chatbot.yaml --region us-east-1 --region eu-west-1
    """
    from genai_cost.regions import compare_regions, render_regions_markdown

    document = compare_regions(
        path, regions=region, snapshot=snapshot, as_of=_day(as_of), price_book=price_book
    )
    if fmt == ChangeFormat.json:
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_regions_markdown(document))


def _html(result: Any) -> str:
    """The HTML report with break-even curves and, where the scenarios have one, ROI."""
    from genai_cost.decisions.breakeven import breakeven_document
    from genai_cost.decisions.roi import roi_document
    from genai_cost.report.html import render_html

    try:
        breakeven = breakeven_document(result)
    except GenaiCostError:  # e.g. a workload with no traffic: no curves to draw
        breakeven = None
    roi = roi_document(result) if any(s.scenario.roi for s in result.scenarios) else None
    return render_html(result.to_dict(), breakeven=breakeven, roi=roi)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...")],
    snapshot: SnapshotOption = None,
) -> None:
    """Check scenario files without pricing them (model ids, regions and instance types are
    checked against the pricing snapshot).

    Example:

        genai-cost validate scenarios/
    """
    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog

    loaded = load_scenarios(paths, load_catalog(snapshot))
    for item in loaded:
        from genai_cost.report.sanitize import plain

        typer.echo(plain(f"ok: {item.path} ({len(item.scenario.workloads)} workloads)"))


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editor completion).

    Put this line at the top of a scenario to use it with yaml-language-server:

        # yaml-language-server: $schema=path/to/scenario.schema.json
    """
    from genai_cost.scenario import json_schema

    _emit(json.dumps(json_schema(), indent=2) + "\n", output)


@app.command()
def models(
    snapshot: SnapshotOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List the Bedrock model ids the pricing snapshot knows, with where they are priced.

    Example:

        genai-cost models --format csv
    """
    from genai_cost.catalog.snapshot import load_catalog

    catalog = load_catalog(snapshot)
    rows: list[dict[str, object]] = []
    for model in catalog.models.values():
        places = sorted(
            {
                f"{r.scope}:{r.region if r.region != '*' else r.geography}"
                for r in catalog.on_demand.get(model.model_id, [])
            }
        )
        rows.append(
            {
                "model_id": model.model_id,
                "name": model.name,
                "provider": model.provider,
                "open_weights": model.open_weights,
                "on_demand_priced_for": " ".join(places),
                "provisioned_terms": " ".join(
                    sorted({r.term for r in catalog.provisioned.get(model.model_id, [])})
                ),
            }
        )
    if fmt == Format.json:
        sys.stdout.write(
            json.dumps({"snapshot": catalog.snapshot_id, "models": rows}, indent=2) + "\n"
        )
    elif fmt == Format.csv:
        from genai_cost.report.sanitize import csv_table

        sys.stdout.write(csv_table(list(rows[0]), (list(row.values()) for row in rows)))
    else:
        width = max(len(str(r["model_id"])) for r in rows)
        for row in rows:
            terms = f"  PT: {row['provisioned_terms']}" if row["provisioned_terms"] else ""
            sys.stdout.write(
                f"{row['model_id']!s:<{width}}  {row['on_demand_priced_for']}{terms}\n"
            )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (without the program name); return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    import warnings

    # An overflow or an empty slice inside NumPy yields inf or NaN, which the library checks and
    # reports as bad input; NumPy's own warning (with its source path) is not for users.
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"numpy(\..*)?$")
    try:
        # Standalone mode: the argument parser prints usage errors itself (exit code 2).
        app(args=args, prog_name="genai-cost", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_INTERNAL
    except GenaiCostError as exc:
        from genai_cost.report.sanitize import plain

        for line in exc.render().split("\n"):  # one problem a line; a CR in a name is not one
            _say(f"error: {plain(line)}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the one broad catch: anything else is our bug
        _say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"This is a bug in genai-cost {__version__}; please report it at "
            f"{ISSUES_URL} with the command you ran."
        )
        if os.environ.get("GENAI_COST_DEBUG"):
            raise
        return EXIT_INTERNAL
    return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
