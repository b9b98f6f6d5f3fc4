"""`breakeven`, `mix`, `roi` and `regions`: what to buy, and where."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import (
    AsOfOption,
    Format,
    FormatOption,
    OutputOption,
    PriceBookOption,
    SnapshotOption,
    parse_range,
    pricing,
)
from genai_cost.cli.render import show

ScenarioFile = Annotated[Path, typer.Argument(metavar="FILE", help="A scenario file.")]


def breakeven(
    path: ScenarioFile,
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
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Find the volumes where purchase options cross, and the cheapest option per band.

    Example:

        genai-cost breakeven scenarios/ticket-classifier.yaml --range 1e6:1e9
    """
    from genai_cost import api
    from genai_cost.decisions.breakeven import breakeven_document

    result = api.estimate_with([path], pricing(snapshot, as_of, price_book))
    document = breakeven_document(result, workload=workload, volume_range=parse_range(volume_range))
    show("breakeven", document, fmt, output)


def mix(
    path: ScenarioFile,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Find the cheapest split of a daily profile between capacity (provisioned units,
    instances per term, or autoscaled instances capped at a count) and a pay-per-use option
    for the overflow (on-demand, serverless within its concurrency, batch for batch-tolerant
    work).

    Example:

        genai-cost mix scenarios/support-chatbot.yaml
    """
    from genai_cost import api
    from genai_cost.decisions.mix import mix_document

    # as written: a workload that pins its mix (`base_load`) is analysed whole
    result = api.estimate_with([path], pricing(snapshot, as_of, price_book), pin_mixes=False)
    show("mix", mix_document(result), fmt, output)


def optimize(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Scenario files.", show_default=False)
    ],
    apply: Annotated[
        list[int] | None,
        typer.Option(
            "--apply",
            metavar="RANK",
            help="Apply the lever of this rank (repeatable) and write the patched scenario "
            "to --output instead of the report (one scenario file).",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
    endpoint_metrics: Annotated[
        Path | None,
        typer.Option(
            "--endpoint-metrics",
            metavar="FILE",
            help="A saved `aws cloudwatch get-metric-data` response for the SageMaker "
            "endpoints workloads name (self_hosted.endpoint_name; the request: calibrate "
            "--endpoint-queries): right-size them by what was measured.",
        ),
    ] = None,
) -> None:
    """Rank what would save money: every lever priced by the same engine against the
    scenario as it is (other options and variants, batch, caching, candidate models and
    regions, inference profiles, spot for training, right-sizing self-hosted endpoints by
    their measured GPU utilisation), with the exact YAML patch of each.

    Savings are not additive: each is against the scenario as it is. Apply one with
    --apply RANK -o new.yaml, then run optimize again.

    Examples:

        genai-cost optimize scenarios/support-chatbot.yaml

        genai-cost optimize measured.yaml -f json -o levers.json

        genai-cost optimize measured.yaml --apply 1 -o improved.yaml
    """
    from genai_cost.decisions.optimize import (
        Pricer,
        optimize_document,
        patched_text,
        run_optimize,
    )
    from genai_cost.errors import ArgumentError
    from genai_cost.output import write_atomic

    options = pricing(snapshot, as_of, price_book)
    pricer = Pricer(options.catalog(), options.today(), options.as_of)
    measure = None
    if endpoint_metrics is not None:
        from functools import partial

        from genai_cost.tracking.cloudwatch import endpoint_use, read_file

        measure = partial(endpoint_use, read_file(endpoint_metrics))
    results, data = run_optimize(paths, pricer, measure)
    named = any(
        (w.get("self_hosted") or {}).get("endpoint_name")
        for d in data
        for w in d.get("workloads") or []
    )
    if measure is not None and not named:
        raise ArgumentError(
            "--endpoint-metrics: no workload names the endpoint serving it "
            "(self_hosted.endpoint_name: NAME or NAME/VARIANT)"
        )
    document = optimize_document(results)
    if not apply:
        show("optimize", document, fmt, output)
        return
    if len(results) != 1:
        raise ArgumentError("--apply works on one scenario file at a time")
    levers = document["scenarios"][0]["levers"]
    chosen = []
    for rank in apply:
        if not 1 <= rank <= len(levers):
            raise ArgumentError(f"--apply {rank}: the levers are ranked 1 to {len(levers)}")
        chosen.append(levers[rank - 1]["patch"])
    text = patched_text(data[0], chosen)
    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)


def roi(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE|DIR...",
            help="Scenario files or folders; every scenario with a `roi:` section is shown.",
        ),
    ],
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Monthly cash flows over the horizon, with total cost and benefit, net value, NPV,
    payback month and ROI %. Each month re-prices the whole bill at that month's traffic.

    Example:

        genai-cost roi scenarios/support-platform.yaml --format json
    """
    from genai_cost import api

    show("roi", api.roi(paths, pricing(snapshot, as_of, price_book)), fmt, output)


def regions(
    path: ScenarioFile,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Candidate region; repeatable (default: every region of the snapshot).",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    snapshot: SnapshotOption = None,
    as_of: AsOfOption = None,
    price_book: PriceBookOption = None,
) -> None:
    """Compare what a scenario costs in each region where its models and instances exist.

    Example:

        genai-cost regions scenarios/support-chatbot.yaml --region us-east-1 --region eu-west-1
    """
    from genai_cost import api

    document = api.regions(path, candidates=region, options=pricing(snapshot, as_of, price_book))
    show("regions", document, fmt, output)
