"""`estimate`, `validate` and `schema`: pricing scenario files, checking them, their schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import (
    AsOfOption,
    Format,
    FormatOption,
    FreeTierOption,
    MaxAgeOption,
    MonthOption,
    OutputOption,
    PriceBookOption,
    SnapshotOption,
    pricing,
)
from genai_cost.cli.render import emit, render, say, show, to_stdout
from genai_cost.units import MAX_SAMPLES

ScenarioPaths = Annotated[
    list[Path],
    typer.Argument(metavar="FILE|DIR...", help="Scenario files or folders of *.yaml scenarios."),
]


def estimate(
    paths: ScenarioPaths,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    free_tier: FreeTierOption = False,
    price_book: PriceBookOption = None,
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
    max_snapshot_age_days: MaxAgeOption = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            "-a",
            help="List every variant of every option (each provisioned term, instance type "
            "and purchase), not one line per option kind that cannot be used.",
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
    """
    from genai_cost import api

    result = api.estimate_with(
        paths, pricing(snapshot, as_of, price_book, max_snapshot_age_days, month, free_tier)
    )
    if strict:
        from genai_cost.decisions.bill import require_complete

        require_complete(result, "--strict")
    if not (fmt == Format.table and to_stdout(output)):  # the table shows them itself
        for warning in result.warnings:
            say(f"warning: {warning}")
    if samples:
        from genai_cost.console import progress_bar

        total = samples * len(result.scenarios)
        with progress_bar(total, "Monte Carlo") as step:
            api.simulate(result, samples, seed, progress=lambda n: step("samples", n))
    if fmt == Format.html:
        emit(
            render("estimate", api.html_report(result), fmt, output=output, expand=every),
            output,
        )
        return
    show("estimate", result.to_dict(), fmt, output, expand=every)


def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...")],
    snapshot: SnapshotOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
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
    from genai_cost.report.sanitize import plain

    document = api.validate(paths, snapshot)
    if fmt == Format.table and to_stdout(output):
        for item in document["files"]:
            if item["valid"]:
                typer.echo(plain(f"ok: {item['path']} ({item['contents']})"))
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
    from genai_cost.scenario.schema import json_schema

    emit(json.dumps(json_schema(), indent=2) + "\n", output)


STARTER = """\
# A genai-cost scenario: one workload to start from. Every field is described in
# docs/scenario-reference.md; editors complete and check it with the schema below
# (`genai-cost schema -o scenario.schema.json`).
# yaml-language-server: $schema=scenario.schema.json
name: {name}
description: What this scenario prices.
region: {region}                      # default AWS region of the workloads
horizon_months: 12                     # planning horizon for ROI and commitments
# budget: {{monthly_usd: 5000, alert_at_percent: [80, 100]}}   # for `genai-cost check`
workloads:
  - name: assistant
    model: {model}    # a Bedrock model id; us./eu./apac./global. prefixes pick a profile
    latency: interactive               # or batch_tolerant (batch and spot qualify)
    tokens_per_request:
      input: {input}                        # prompt tokens, excluding cached ones
      output: {output}                       # generated tokens
      # cache_read: 0                  # prompt-cache reads per request
    traffic:
      requests_per_month: {requests}
      # hourly_profile: [24 relative weights, one per hour] sizes capacity for the peak
    # options: [on_demand, batch, provisioned, self_hosted, autoscaled]   # all when omitted
"""


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
    from genai_cost.api import check_loaded
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.errors import ArgumentError
    from genai_cost.output import write_atomic
    from genai_cost.scenario.load import load_scenario

    if path.exists() and not force:
        raise ArgumentError(f"{path} exists; pass --force to replace it")
    if interactive:
        model = model or typer.prompt("Bedrock model id", default=DEFAULT_MODEL, err=True)
        region = region or typer.prompt("AWS region", default="us-east-1", err=True)
        if requests_per_month is None:
            requests_per_month = typer.prompt(
                "Requests a month", default=100_000.0, type=float, err=True
            )
    text = STARTER.format(
        name=path.stem,
        model=model or DEFAULT_MODEL,
        region=region or "us-east-1",
        input=500,
        output=200,
        requests=f"{requests_per_month or 100_000:g}",
    )
    # checked before anything is written: a model or region the snapshot lacks is exit 2
    draft = load_scenario(str(path), name=str(path), content=text.encode("utf-8"))
    check_loaded([draft], load_catalog(snapshot))
    write_atomic(path, text)
    say(f"wrote {path}; next: genai-cost estimate {path}")


DEFAULT_MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
