"""`allocate` and `variance`: what was spent, by whom, against what was estimated.

Over 600 lines because each command's signature is its documentation: every option with its
help text, and each docstring with the examples `--help` and docs/cli.md show. The work is in
tracking/; what is here only parses, checks and renders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from genai_cost.cli.options import (
    Format,
    OutputOption,
    PriceBookOption,
    SnapshotOption,
    parse_day,
    report_options,
)
from genai_cost.cli.render import say, show, to_stdout
from genai_cost.errors import ArgumentError, CheckFailed
from genai_cost.vocabulary import EXCLUDABLE, CostBasis, Engine

ProfilesOption = Annotated[
    Path | None,
    typer.Option(
        "--profiles",
        metavar="FILE",
        help="Application inference profile ARN -> model and tags (YAML).",
    ),
]


def _excluded(values: list[str] | None) -> list[str] | None:
    """`--exclude` values, each one of the vocabulary's (genai_cost/vocabulary.py)."""
    for value in values or []:
        if value not in EXCLUDABLE:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(EXCLUDABLE)}")
    return values


ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="|".join(EXCLUDABLE),
        callback=_excluded,
        help="With a bill: leave out its credit, refund or tax line items (repeat); they are "
        "counted apart, not charged to a tenant.",
    ),
]


@report_options()
def allocate(
    logs: Annotated[
        list[str] | None, typer.Argument(metavar="[LOGS...]", show_default=False)
    ] = None,
    cur: Annotated[
        list[str] | None,
        typer.Option(
            "--cur",
            metavar="PATH",
            help="Allocate the bill instead of logs: Cost and Usage Report files (CUR 2.0 "
            "Parquet or CSV, legacy CSV), Data Exports folders or s3:// prefixes (repeat).",
        ),
    ] = None,
    cost: Annotated[
        CostBasis,
        typer.Option("--cost", help="With --cur: which cost of each line item."),
    ] = "unblended",
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            metavar="CODE",
            help="With --cur: also allocate this service's line items (a product code such "
            "as AmazonOpenSearchService or AmazonS3; repeat).",
        ),
    ] = None,
    exclude: ExcludeOption = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Group by: tenant, model, region, day, month, account, operation, identity, "
            "metadata:KEY or profile-tag:KEY (repeat for several; default: tenant); with "
            "--cur: tenant, account, service, model, usage-type, operation, region, day, "
            "month, identity, profile, resource, line-item-type, tag:KEY, principal-tag:KEY, "
            "cost-category:NAME.",
        ),
    ] = None,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            help="Where the tenant comes from: metadata:KEY (requestMetadata), identity "
            "(role or user of identity.arn) or profile-tag:KEY (application profile tag); "
            "with --cur: tag:KEY (cost allocation tag), principal-tag:KEY, "
            "cost-category:NAME, profile, identity or account. Default metadata:tenant "
            "(with --cur: tag:tenant).",
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="NAME,...",
            help="Figures to show in table and markdown (the keys always show): requests, "
            "input, output, cache-read, cache-write, capacity, cost, share; with --cur "
            "token-charges and other-charges instead of requests and capacity. Default: all "
            "that fit the terminal.",
        ),
    ] = None,
    fail_on_anomaly: Annotated[
        bool,
        typer.Option(
            "--fail-on-anomaly",
            help="Exit 1 when a day's spend of a tenant (or of each --by series) jumps above "
            "its rolling baseline (docs/methodology.md, 'Anomalies').",
        ),
    ] = False,
    anomaly_k: Annotated[
        float,
        typer.Option("--anomaly-k", min=0.0, help="Spreads above the baseline that flag a day."),
    ] = 3.0,
    anomaly_window: Annotated[
        int,
        typer.Option(
            "--anomaly-window",
            min=2,
            max=366,
            help="Days of history the baseline is the median of.",
        ),
    ] = 14,
    idle_threshold: Annotated[
        float,
        typer.Option(
            "--idle-threshold",
            min=0.0,
            max=1.0,
            help="Flag shared capacity used below this fraction, with its idle cost a month "
            "(utilisation from capacity_tokens_per_minute, measured_utilization_fraction or "
            "--endpoint-metrics).",
        ),
    ] = 0.5,
    profiles: ProfilesOption = None,
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
    endpoint_metrics: Annotated[
        Path | None,
        typer.Option(
            "--endpoint-metrics",
            metavar="FILE",
            help="A saved `aws cloudwatch get-metric-data` response for the SageMaker endpoints "
            "--capacity entries name (endpoint_name): their mean GPUUtilization is the "
            "utilisation the idle judgement uses (logs and --cur).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail (exit 2) if any record cannot be read or priced."),
    ] = False,
    fail_on_projection: Annotated[
        bool,
        typer.Option(
            "--fail-on-projection",
            help="With --budgets: exit 1 when a tenant's projected month (its run rate so far) "
            "reaches the fail threshold, not only its month to date.",
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="duckdb (embedded) or spark (PySpark: pip install 'genai-cost[spark]').",
        ),
    ] = "duckdb",
    snapshot: SnapshotOption = None,
    price_book: PriceBookOption = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Keep Spark's own logging on stderr (--engine spark)."),
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Chargeback: price Bedrock invocation logs (or read the bill) and split the cost by
    tenant or any key.

    LOGS are files (.json/.jsonl, gzipped or not), folders in the S3 delivery layout, or
    s3://bucket/prefix (read through boto3). Records that cannot be read or priced are counted
    and listed; untagged spend is its own row. With --cur, the Cost and Usage Report's own
    generative-AI line items are split instead (no prices looked up).

    Daily spend is checked against a rolling baseline (anomalies are listed in the report);
    shared capacity used below --idle-threshold is flagged with its idle cost.

    A table of more than 200,000 groups written as CSV or Parquet to a file (-f csv -o FILE)
    is priced a slice at a time and streamed to the file rather than held in memory.

    Exit codes: 0 ok, 1 a tenant budget's fail threshold is reached (with
    --fail-on-projection: or projected to be; with --fail-on-anomaly: an anomaly), 2 bad
    input (with --strict: any record not allocated).

    Examples:

        genai-cost allocate logs/ --tenant metadata:team --by tenant --by model

        genai-cost allocate s3://my-bucket/AWSLogs/ --tenant identity --budgets budgets.yaml

        genai-cost allocate logs/ --tenant metadata:team --capacity capacity.yaml

        genai-cost allocate --cur s3://billing/cur/genai/data/ --tenant tag:team --cost amortized

        genai-cost allocate --cur cur/ --tenant principal-tag:project --by tenant --by model

        genai-cost allocate logs/ --tenant metadata:team --columns cost,share

        genai-cost allocate logs/ --by identity --by day -f parquet -o by-caller.parquet
    """
    from genai_cost import api

    shared: dict[str, Any] = {
        "by": by or ["tenant"],
        "snapshot": snapshot,
        "budgets": budgets,
        "capacity": capacity,
        "endpoint_metrics": endpoint_metrics,
        "anomaly_k": anomaly_k,
        "anomaly_window": anomaly_window,
        "idle_threshold": idle_threshold,
        "engine": engine,
        "strict": strict,
        "verbose": verbose,
    }
    if cur:
        if logs:
            raise ArgumentError(
                "give invocation logs or --cur, not both (to compare the two: genai-cost "
                "reconcile LOGS... --cur PATH)"
            )
        if profiles is not None:
            raise ArgumentError("--profiles applies to invocation logs, not to --cur")
        cur_document = api.allocate_cur(
            cur,
            tenant=tenant or "tag:tenant",
            cost=cost,
            services=service or [],
            exclude=list(exclude or []),
            **shared,
        )
        show("cur-allocation", cur_document, fmt, output, columns=_columns(columns))
        _exit_status(cur_document, fail_on_projection, fail_on_anomaly)
        return
    if not logs:
        raise ArgumentError("give invocation logs (LOGS...) or --cur PATH")
    if service:
        raise ArgumentError("--service applies to --cur")
    if exclude:
        raise ArgumentError("--exclude applies to --cur")
    stream_to: tuple[Literal["csv", "parquet"], str] | None = None
    if fmt in (Format.csv, Format.parquet) and not to_stdout(output):
        stream_to = ("csv" if fmt == Format.csv else "parquet", str(output))
    document = api.allocate(
        logs,
        tenant=tenant or "metadata:tenant",
        price_book=price_book,
        profiles=profiles,
        resolve_profiles=resolve_profiles,
        stream_to=stream_to,
        **shared,
    )
    in_the_table = fmt == Format.table and to_stdout(output)  # the table lists them itself
    if document["problems"] and not in_the_table:
        count = document["records"]["not_allocated"]
        files = sum(1 for p in document["problems"] if p["reason"].startswith("file cannot"))
        parts = [f"{count:,} record(s) not allocated"] if count else []
        parts += [f"{files} file(s) could not be read"] if files else []
        say(f"warning: {' and '.join(parts)} (listed in the table, Markdown and JSON reports)")
    table = document.get("table")
    if table is not None:  # too many rows to hold: already written, a slice at a time
        say(
            f"wrote {table['path']}: {table['rows']:,} rows, priced in slices and streamed "
            f"(more than {api.STREAM_GROUPS:,} groups); total "
            f"${document['total']['cost_usd']:,.2f}"
        )
    else:
        show("allocation", document, fmt, output, columns=_columns(columns))
    _exit_status(document, fail_on_projection, fail_on_anomaly)


def _exit_status(document: Any, fail_on_projection: bool, fail_on_anomaly: bool) -> None:
    """Exit 1 for a budget's fail threshold (or its projection), or an anomaly, when asked."""
    if document.get("verdict") == "fail":
        raise CheckFailed("a tenant budget's fail threshold is reached")
    if fail_on_projection and any(
        b["projected_level"] == "fail" for b in document.get("budgets", [])
    ):
        raise CheckFailed("a tenant's projected month reaches its budget's fail threshold")
    anomalies = document.get("anomalies", [])
    if fail_on_anomaly and anomalies:
        latest = max(a["day"] for a in anomalies)
        found = f"{len(anomalies)} spend anomal{'y' if len(anomalies) == 1 else 'ies'}"
        raise CheckFailed(f"{found} (latest {latest})")


@report_options()
def reconcile(
    logs: Annotated[list[str], typer.Argument(metavar="LOGS...", show_default=False)],
    cur: Annotated[
        list[str],
        typer.Option(
            "--cur",
            metavar="PATH",
            help="The Cost and Usage Report of the same period (files, folders, s3://; repeat).",
        ),
    ],
    tenant: Annotated[
        str,
        typer.Option("--tenant", help="The tenant in the logs (as for allocate)."),
    ] = "identity",
    cur_tenant: Annotated[
        str | None,
        typer.Option(
            "--cur-tenant",
            help="The tenant in the bill (as for allocate --cur); default: identity when "
            "--tenant is identity, else tag:<the --tenant key>.",
        ),
    ] = None,
    cost: Annotated[
        CostBasis, typer.Option("--cost", help="Which cost of each bill line item.")
    ] = "unblended",
    exclude: ExcludeOption = None,
    profiles: ProfilesOption = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="duckdb or spark, for the logs.")
    ] = "duckdb",
    snapshot: SnapshotOption = None,
    price_book: PriceBookOption = None,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Logs against the bill: the same period allocated from invocation logs (priced from
    the snapshot) and from the Cost and Usage Report, side by side per tenant, with what
    explains each difference (untagged spend, non-token charges, a billed rate other than
    the snapshot's, usage one side did not see).

    Examples:

        genai-cost reconcile logs/ --cur cur/ --tenant identity

        genai-cost reconcile logs/ --cur s3://billing/cur/ --tenant profile-tag:team
        --profiles profiles.yaml
    """
    from genai_cost import api

    document = api.reconcile(
        logs,
        cur,
        tenant=tenant,
        cur_tenant=cur_tenant,
        cost=cost,
        exclude=list(exclude or []),
        snapshot=snapshot,
        price_book=price_book,
        profiles=profiles,
        engine=engine,
    )
    show("reconcile", document, fmt, output)


def calibrate(
    logs: Annotated[
        list[str] | None, typer.Argument(metavar="[LOGS...]", show_default=False)
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="One workload per model (and source region), or per model and a "
            "requestMetadata value or an application inference profile's tag: model, "
            "model,metadata:KEY or model,profile-tag:KEY.",
        ),
    ] = "model",
    output: OutputOption = None,
    name: Annotated[
        str, typer.Option("--name", help="Name of the written scenario.")
    ] = "calibrated",
    profiles: ProfilesOption = None,
    resolve_profiles: Annotated[
        bool,
        typer.Option(
            "--resolve-profiles",
            help="Ask the Bedrock API for application profiles not in --profiles.",
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="duckdb (embedded) or spark (PySpark: pip install 'genai-cost[spark]').",
        ),
    ] = "duckdb",
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="Keep Spark's own logging on stderr (--engine spark)."),
    ] = False,
    cloudwatch: Annotated[
        bool,
        typer.Option(
            "--cloudwatch",
            help="Measure from the account's AWS/Bedrock CloudWatch metrics instead of logs "
            "(needs cloudwatch:GetMetricData and cloudwatch:ListMetrics).",
        ),
    ] = False,
    cloudwatch_file: Annotated[
        Path | None,
        typer.Option(
            "--cloudwatch-file",
            metavar="FILE",
            help="Measure from a saved `aws cloudwatch get-metric-data` response (no "
            "credentials needed; see --cloudwatch-queries).",
        ),
    ] = None,
    cloudwatch_queries: Annotated[
        list[str] | None,
        typer.Option(
            "--cloudwatch-queries",
            metavar="MODEL_ID",
            help="Write the GetMetricData request for these model ids and the period (for "
            "`aws cloudwatch get-metric-data --cli-input-json`) instead of a scenario (repeat).",
        ),
    ] = None,
    endpoint_queries: Annotated[
        list[str] | None,
        typer.Option(
            "--endpoint-queries",
            metavar="ENDPOINT[/VARIANT]",
            help="Write the GetMetricData request for these SageMaker endpoints' hourly "
            "invocations, utilisation and latency (for `optimize --endpoint-metrics`; repeat); "
            "with --cloudwatch, run it and write the response.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="With CloudWatch: the region the requests were made in."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="With --cloudwatch: an AWS CLI profile.")
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="With CloudWatch: the period, YYYY-MM (UTC).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="With CloudWatch: first day, YYYY-MM-DD.")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", help="With CloudWatch: the day after the last, YYYY-MM-DD."),
    ] = None,
) -> None:
    """Write a scenario measured from Bedrock invocation logs or CloudWatch metrics (what you
    run, as a plan).

    One workload per model id and source region (and requestMetadata value with
    --by model,metadata:KEY): requests a month over the logs' period, mean tokens per request
    by type, the 24-hour profile of the timestamps, latency from the operation, and the spread
    of daily means as an uncertainty block. Comments in the YAML say where each number came
    from. LOGS are read as by `allocate`.

    Exit codes: 0 ok, 2 bad input (no usable records, an unresolved profile ARN).

    Examples:

        genai-cost calibrate logs/ -o measured.yaml

        genai-cost calibrate s3://my-bucket/AWSLogs/ --by model,metadata:team -o teams.yaml

        genai-cost calibrate logs/ -o measured.yaml && genai-cost estimate measured.yaml

        genai-cost calibrate --cloudwatch --region us-east-1 --month 2026-11 -o measured.yaml

        genai-cost calibrate --cloudwatch-file metrics.json --region us-east-1 -o measured.yaml

    From CloudWatch: one workload per ModelId, requests and tokens per request from the hourly
    sums of Invocations, InputTokenCount and OutputTokenCount, the hourly profile, and
    InvocationLatency's p50/p95 as the workload's measured latency; hours without data count
    as hours without requests and are listed in the scenario's comments.
    """
    from genai_cost import api

    if cloudwatch_queries or endpoint_queries:
        import json

        request = api.cloudwatch_request(
            models=cloudwatch_queries or [],
            endpoints=endpoint_queries or [],
            month=month,
            start=start,
            end=end,
        )
        if cloudwatch:  # run it: the response, as the AWS CLI would save it
            response = api.cloudwatch_response(request, region=region, profile=profile)
            count = len(response["MetricDataResults"])
            _emit(json.dumps(response, indent=2) + "\n", output, f"{count} series")
            return
        text = json.dumps(request, indent=2) + "\n"
        _emit(text, output, f"aws cloudwatch get-metric-data --cli-input-json file://{output}")
        return
    if cloudwatch or cloudwatch_file is not None:
        if logs:
            raise ArgumentError("give invocation logs or CloudWatch metrics, not both")
        result = api.calibrate_cloudwatch(
            file=cloudwatch_file,
            region=region,
            profile=profile,
            start=start,
            end=end,
            month=month,
            name=name,
            by=by,
            profiles=profiles,
            resolve_profiles=resolve_profiles,
        )
        counted = "requests"
    else:
        if not logs:
            raise ArgumentError(
                "give invocation logs (LOGS...), --cloudwatch, or --cloudwatch-file FILE"
            )
        if any(x is not None for x in (region, profile, month, start, end)):
            raise ArgumentError(
                "--region, --profile, --month, --start and --end apply to CloudWatch"
            )
        result = api.calibrate(
            logs,
            by=by,
            name=name,
            profiles=profiles,
            resolve_profiles=resolve_profiles,
            engine=engine,
            verbose=verbose,
        )
        counted = "records"
    for warning in result.warnings:
        say(f"warning: {warning}")
    _emit(result.text, output, result.summary(counted))


def _emit(text: str, output: Path | None, what: str) -> None:
    """The written text to stdout, or to `output` (atomically) with what it holds on stderr."""
    from genai_cost.output import write_atomic

    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
        return
    write_atomic(output, text)
    say(f"wrote {output}: {what}")


@report_options()
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
    snapshot: SnapshotOption = None,
    price_book: PriceBookOption = None,
    profiles: ProfilesOption = None,
    *,
    fmt: Format,
    output: Path | None,
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
    from genai_cost import api

    document = api.variance(
        scenarios,
        logs=logs or [],
        key=key,
        cost_explorer=cost_explorer,
        tag=tag,
        start=parse_day(start, "--start"),
        end=parse_day(end, "--end"),
        snapshot=snapshot,
        price_book=price_book,
        profiles=profiles,
    )
    if document["not_attributed"] and not (fmt == Format.table and to_stdout(output)):
        records = sum(p["records"] for p in document["not_attributed"])
        say(f"warning: {records:,} record(s) priced into no actual (listed in the report)")
    show("variance", document, fmt, output)


export_app = typer.Typer(
    name="export",
    help="Exports for the BI stack (Athena, QuickSight, CUDOS).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@export_app.command("athena-ddl")
def athena_ddl(
    parquet: Annotated[
        Path, typer.Argument(metavar="FILE.parquet", help="A table written with -f parquet.")
    ],
    location: Annotated[
        str,
        typer.Option(
            "--location",
            metavar="S3_URL",
            help="The S3 folder the Parquet files are uploaded to (s3://bucket/prefix/).",
        ),
    ],
    table: Annotated[
        str, typer.Option("--table", help="The Athena table name.")
    ] = "genai_cost_allocation",
    output: OutputOption = None,
) -> None:
    """The Athena CREATE EXTERNAL TABLE that reads a Parquet table genai-cost wrote (its
    columns and types, from the file itself).

    Examples:

        genai-cost allocate --cur cur/ --tenant tag:team -f parquet -o spend.parquet

        genai-cost export athena-ddl spend.parquet --location s3://bi-team/spend/ --table spend
    """
    from genai_cost import api
    from genai_cost.cli.render import emit

    emit(api.athena_ddl(parquet, location=location, table=table), output)


def _columns(text: str | None) -> list[str] | None:
    """`--columns a,b` as names (checked by the renderer against the report's columns)."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        from genai_cost.errors import ArgumentError

        raise ArgumentError("--columns: name at least one column (e.g. --columns cost,share)")
    return names
