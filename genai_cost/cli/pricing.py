"""`pricing list|show|diff|refresh|import|coverage` and `models`: the pricing snapshots,
what they hold, and how they are kept current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import Format, SnapshotOption, report_options
from genai_cost.cli.render import show

pricing_app = typer.Typer(
    name="pricing",
    help="Browse and compare pricing snapshots.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


SnapshotFolderOption = Annotated[
    Path | None,
    typer.Option(
        "--into",
        metavar="DIR",
        help="Folder of the new snapshot (default: pricing_snapshots/<id> in the current "
        "directory).",
    ),
]
SnapshotIdOption = Annotated[
    str | None, typer.Option("--id", help="Id of the new snapshot (default: today's date).")
]


@pricing_app.command("list")
@report_options()
def pricing_list(*, fmt: Format, output: Path | None) -> None:
    """List the bundled pricing snapshots (and the one GENAI_COST_SNAPSHOT selects).

    Example:

        genai-cost pricing list
    """
    from genai_cost import api

    show("snapshots", api.pricing_list(), fmt, output)


@pricing_app.command("show")
@report_options()
def pricing_show(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL|INSTANCE_TYPE",
            help="Bedrock model id (a us./eu./global. prefix is ignored), or an instance type "
            "(an ml. prefix is ignored).",
        ),
    ],
    snapshot: SnapshotOption = None,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Show every price of one model (by endpoint scope and region, batch, provisioned terms,
    published self-hosting throughput) or of one instance type (EC2 and SageMaker, every
    purchase and region, its specification and the benchmarks on it), with sources.

    Examples:

        genai-cost pricing show anthropic.claude-sonnet-4-6

        genai-cost pricing show ml.g6e.xlarge
    """
    from genai_cost import api

    show("model-prices", api.pricing_show(model, snapshot=snapshot), fmt, output)


@pricing_app.command("diff")
@report_options()
def pricing_diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="Snapshot id or folder.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Snapshot id or folder.")],
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Show the price rows added, removed and changed between two snapshots, with % change.

    Example:

        genai-cost pricing diff 2026-11-23 ./pricing_snapshots/2026-12-01 -f markdown
    """
    from genai_cost import api

    show("pricing-diff", api.pricing_diff(old, new), fmt, output)


@pricing_app.command("refresh")
@report_options()
def pricing_refresh(
    into: SnapshotFolderOption = None,
    snapshot_id: SnapshotIdOption = None,
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
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Build a new dated snapshot from the AWS Price List (Query API, or offer files).

    Uses the standard AWS credential chain; the credentials need only pricing:GetProducts.
    Rows the Price List lacks are carried over from the previous snapshot (--snapshot) and
    marked. The snapshot is written atomically: a failed refresh changes nothing.

    Examples:

        genai-cost pricing refresh --region us-east-1 --region eu-west-1

        genai-cost pricing refresh --from-offer-file AmazonBedrock-us-east-1.json
    """
    from genai_cost import api

    document = api.pricing_refresh(
        into=into,
        snapshot_id=snapshot_id,
        regions=region,
        offer_files=offer_file,
        snapshot=snapshot,
        force=force,
        strict=strict,
    )
    show("refresh", document, fmt, output)


@pricing_app.command("coverage")
@report_options()
def pricing_coverage(
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Region to show; repeatable (default: every region of the snapshot).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Prices in effect on this day."),
    ] = None,
    snapshot: SnapshotOption = None,
    instances: Annotated[
        bool,
        typer.Option("--instances", help="Only instance types (EC2 and SageMaker) by region."),
    ] = False,
    services: Annotated[
        bool,
        typer.Option(
            "--services",
            help="Only supporting services (Lambda, API Gateway, S3, data transfer, OpenSearch "
            "Serverless …) by region.",
        ),
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """What the snapshot prices where: every Bedrock model by region (in-region, through a
    cross-region profile, global; batch and service tiers) and every instance type by region
    (purchase models), each with its as-of date in the JSON and CSV.

    Examples:

        genai-cost pricing coverage --region eu-central-1 --region us-east-1

        genai-cost pricing coverage --format csv -o coverage.csv

        genai-cost pricing coverage --instances --region eu-central-1

        genai-cost pricing coverage --services --region eu-central-1 --region eu-west-1
    """
    from genai_cost import api
    from genai_cost.cli.options import parse_day

    document = api.pricing_coverage(
        regions=region,
        day=parse_day(as_of),
        snapshot=snapshot,
        instances_only=instances,
        services_only=services,
    )
    show("pricing-coverage", document, fmt, output)


@pricing_app.command("import")
@report_options()
def pricing_import(
    package: Annotated[
        str,
        typer.Argument(
            metavar="PACKAGE",
            help="The installed price package to read: genai-prices or litellm.",
        ),
    ],
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Write the new snapshot (default: only report the differences)."
        ),
    ] = False,
    into: SnapshotFolderOption = None,
    snapshot_id: SnapshotIdOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Date the package's prices are taken to be as of (default: today; use the "
            "release date when you know it).",
        ),
    ] = None,
    snapshot: SnapshotOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing snapshot folder.")
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Update token prices from an installed price package (genai-prices or litellm) between
    AWS Price List refreshes: build a candidate snapshot, report every difference against
    the current one, and write it only with --write.

    A price the snapshot has from another source is replaced when the package is newer,
    unless price_conflicts.csv records that the snapshot's source wins; disagreements the
    import does not apply are listed. `pip install -U genai-prices litellm` first.

    Examples:

        genai-cost pricing import genai-prices

        genai-cost pricing import litellm --write --id 2026-12-01
    """
    from genai_cost import api
    from genai_cost.cli.options import parse_day

    result = api.pricing_import(
        package,
        write=write,
        into=into,
        snapshot_id=snapshot_id,
        as_of=parse_day(as_of),
        snapshot=snapshot,
        force=force,
    )
    show("pricing-import", result, fmt, output)


@report_options()
def models(
    provider: Annotated[
        str | None,
        typer.Option("--provider", help="Only this provider's models (e.g. Anthropic, Amazon)."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Only models a request made in this region can be priced for (in-region, "
            "through a cross-region profile, or global).",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", metavar="WORDS", help="Only models whose id or name has them."),
    ] = None,
    snapshot: SnapshotOption = None,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """List the Bedrock model ids the pricing snapshot knows, with where they are priced.

    Ids are never wrapped outside the terminal table (`genai-cost models -f csv | grep ID`
    finds them; a narrow terminal leaves out the other columns first).

    Examples:

        genai-cost models --provider Anthropic --region eu-central-1

        genai-cost models --search "nova lite" --format csv
    """
    from genai_cost import api

    document = api.models(snapshot=snapshot, provider=provider, region=region, search=search)
    show("models", document, fmt, output)
