"""`estimate`, `validate` and `schema`: pricing scenario files, checking them, their schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import (
    Format,
    OutputOption,
    PricingOptions,
    SnapshotOption,
    report_options,
)
from genai_cost.cli.render import emit, render, say, say_out, show, to_stdout
from genai_cost.units import MAX_SAMPLES

ScenarioPaths = Annotated[
    list[Path],
    typer.Argument(metavar="FILE|DIR...", help="Scenario files or folders of *.yaml scenarios."),
]


@report_options(priced=True)
def estimate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE|DIR...]",
            help="Scenario files or folders of *.yaml scenarios (none with --workloads).",
        ),
    ] = None,
    workloads: Annotated[
        list[Path] | None,
        typer.Option(
            "--workloads",
            "-w",
            metavar="TABLE",
            help="A CSV or Parquet file of workloads, one a row (docs/workloads-table.md), "
            "priced as a scenario named after the file. Repeatable.",
        ),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="COLUMN=NAME",
            help="The --workloads file's own name for a column (name=tenant_id). Repeatable.",
        ),
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            metavar="NAME",
            help="A --workloads column carried into each workload's tags. Repeatable.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="The region of --workloads rows without one (default us-east-1, as for a "
            "scenario without region:).",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=1,
            max=MAX_SAMPLES,
            help="Run a Monte Carlo of this many draws of the scenarios' "
            "uncertain inputs (P10/P50/P90 of monthly cost and NPV).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, max=2**63 - 1, help="Seed for reproducible samples."),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            "-a",
            help="List every variant of every option (each provisioned term, instance type "
            "and purchase) with its full reason, every bill line and every price source; "
            "by default the answer comes first and options that cannot be used share a line "
            "per reason.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail (exit 2) when a scenario's whole bill cannot be priced, instead of "
            "showing it as incomplete.",
        ),
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Price every workload under every purchase option, and each scenario's whole bill.

    The total holds every cost a scenario describes (inference, customization, training,
    shared endpoints, supporting services, redundancy); where part of it cannot be priced
    it is shown as incomplete ("≥ $X") with what is missing.

    Examples:

        genai-cost estimate scenarios/support-chatbot.yaml

        genai-cost estimate scenarios/ --format markdown --output estimate.md

        genai-cost estimate app.yaml --format json --output base.json

        genai-cost estimate app.yaml --samples 100000 --seed 1 --format html -o report.html

        genai-cost estimate app.yaml --month 2026-12   # a 31-day month: 744 hours

        genai-cost estimate -w tenants.parquet --column name=tenant_id -f parquet -o out.parquet
    """
    from genai_cost import api
    from genai_cost.cli.ending import ends_when_done, keep
    from genai_cost.collector import paused
    from genai_cost.errors import ArgumentError

    if not paths and not workloads:
        raise ArgumentError("give scenario files or folders, or --workloads TABLE")
    if (columns or tags or region) and not workloads:
        raise ArgumentError("--column, --tag and --region describe a --workloads table")
    mapping: dict[str, str] = {}
    for pair in columns or []:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ArgumentError(f"--column {pair!r}: expected COLUMN=NAME (name=tenant_id)")
        mapping[ours.strip()] = theirs.strip()
    tables = [
        api.WorkloadsFile(path, region, mapping, list(tags or [])) for path in workloads or []
    ]
    # pricing and the report make many long-lived objects and no garbage cycles; a console
    # run leaves the collector off after them, as the process ends there
    with paused(resume=not ends_when_done()):
        result = api.estimate_with(paths or [], options, strict=strict, tables=tables)
        keep(result)  # a large estimate is not freed object by object as the process ends
        if not (fmt == Format.table and to_stdout(output)):  # the table shows them itself
            for warning in result.warnings:
                say(f"warning: {warning}")
        if samples:
            from genai_cost.console import progress_bar

            total = samples * len(result.scenarios)
            with progress_bar(total, "Monte Carlo") as step:
                api.simulate(result, samples, seed, progress=lambda n: step("samples", n))
        if fmt == Format.html:
            report = api.html_report(result, every)
            emit(render("estimate", report, fmt, output=output, expand=every), output)
            return
        if fmt in (Format.csv, Format.parquet):
            # the rows straight from the arrays: no JSON document is built for them
            from genai_cost.report.csv_report import EstimateRows

            show("estimate", EstimateRows(result), fmt, output, expand=every)
            return
        if fmt == Format.json:
            # written as its option records are made, a few thousand at a time
            from genai_cost.report.json_report import StreamedDocument

            head, chunks, tail = result.document_parts()
            show("estimate", StreamedDocument(head, "options", chunks, tail), fmt, output)
            return
        # the table and Markdown list a large portfolio's dearest workloads' options only
        show("estimate", api.report_document(result, every), fmt, output, expand=every)


@report_options()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...")],
    snapshot: SnapshotOption = None,
    *,
    fmt: Format,
    output: Path | None,
) -> None:
    """Check scenario files without pricing them (model ids, regions and instance types are
    checked against the pricing snapshot). Exit 2 when any file has a problem; every
    problem of every file is reported (on stderr in the terminal, in the document in the
    other formats).

    Examples:

        genai-cost validate scenarios/

        genai-cost validate scenarios/ -f json -o validation.json
    """
    from genai_cost import api
    from genai_cost.errors import Problem, ScenarioError

    document = api.validate(paths, snapshot)
    if fmt == Format.table and to_stdout(output):
        for item in document["files"]:
            if item["valid"]:
                say_out(f"ok: {item['path']} ({item['contents']})")
        if not document["valid"]:
            raise ScenarioError(
                [
                    Problem(
                        message=p["message"],
                        path=p["path"],
                        line=p["line"],
                        column=p["column"],
                        field_path=p["field"],
                        hint=p["hint"],
                    )
                    for p in document["problems"]
                ]
            )
        return
    show("validation", document, fmt, output)
    if not document["valid"]:
        raise typer.Exit(2)


def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of scenario files (for editor completion).

    Put this line at the top of a scenario to use it with yaml-language-server:

        # yaml-language-server: $schema=path/to/scenario.schema.json
    """
    from genai_cost import api

    emit(json.dumps(api.scenario_schema(), indent=2) + "\n", output)


def init(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Scenario file to write.")] = Path(
        "scenario.yaml"
    ),
    model: Annotated[
        str | None, typer.Option("--model", metavar="MODEL", help="Bedrock model id.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", metavar="REGION", help="AWS region.")
    ] = None,
    requests_per_month: Annotated[
        float | None,
        typer.Option("--requests-per-month", metavar="N", help="Monthly request volume."),
    ] = None,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", "-i", help="Ask for the model, region and traffic."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    snapshot: SnapshotOption = None,
) -> None:
    """Write a commented starter scenario that validates, ready for `genai-cost estimate`.

    Examples:

        genai-cost init app.yaml --model global.anthropic.claude-haiku-4-5-20251001-v1:0

        genai-cost init app.yaml --interactive
    """
    from genai_cost import api
    from genai_cost.errors import ArgumentError
    from genai_cost.output import write_atomic

    if path.exists() and not force:
        raise ArgumentError(f"{path} exists; pass --force to replace it")
    if interactive:
        model = model or typer.prompt("Bedrock model id", default=api.DEFAULT_MODEL, err=True)
        region = region or typer.prompt("AWS region", default="us-east-1", err=True)
        if requests_per_month is None:
            requests_per_month = typer.prompt(
                "Requests a month", default=100_000.0, type=float, err=True
            )
    text = api.starter_scenario(
        path.stem,
        model=model,
        region=region,
        requests_per_month=requests_per_month,
        snapshot=snapshot,
    )
    write_atomic(path, text)
    say(f"wrote {path}; next: genai-cost estimate {path}")
