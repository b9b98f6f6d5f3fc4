"""`breakeven`, `mix`, `optimize`, `roi` and `regions`: what to buy, and where."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import Format, PricingOptions, parse_range, report_options
from genai_cost.cli.render import show

ScenarioFile = Annotated[Path, typer.Argument(metavar="FILE", help="A scenario file.")]


@report_options(priced=True)
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
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Find the volumes where purchase options cross, and the cheapest option per band.

    Example:

        genai-cost breakeven scenarios/ticket-classifier.yaml --range 1e6:1e9
    """
    from genai_cost import api

    if fmt == Format.json:  # written a few thousand workloads at a time
        from genai_cost.api.decisions import breakeven_parts
        from genai_cost.cli.render import finite_chunks
        from genai_cost.report.json_report import StreamedDocument

        head, chunks = breakeven_parts(
            path, workload=workload, volume_range=parse_range(volume_range), options=options
        )
        streamed = StreamedDocument(head, "workloads", finite_chunks("breakeven", chunks))
        show("breakeven", streamed, fmt, output)
        return
    document = api.breakeven(
        path, workload=workload, volume_range=parse_range(volume_range), options=options
    )
    show("breakeven", document, fmt, output)


@report_options(priced=True)
def mix(path: ScenarioFile, *, fmt: Format, output: Path | None, options: PricingOptions) -> None:
    """Find the cheapest split of a daily profile between capacity (provisioned units,
    instances per term, or autoscaled instances capped at a count) and a pay-per-use option
    for the overflow (on-demand, serverless within its concurrency, batch for batch-tolerant
    work).

    Example:

        genai-cost mix scenarios/support-chatbot.yaml
    """
    from genai_cost import api

    show("mix", api.mix(path, options=options), fmt, output)


@report_options(priced=True)
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
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
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
    from genai_cost import api
    from genai_cost.cli.render import emit
    from genai_cost.errors import ArgumentError

    if not apply:
        document = api.optimize(paths, options=options, endpoint_metrics=endpoint_metrics)
        show("optimize", document, fmt, output)
        return
    if len(paths) != 1:
        raise ArgumentError("--apply works on one scenario file at a time")
    text = api.apply_levers(paths[0], apply, options=options, endpoint_metrics=endpoint_metrics)
    emit(text, output)


@report_options(priced=True)
def roi(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE|DIR...",
            help="Scenario files or folders; every scenario with a `roi:` section is shown.",
        ),
    ],
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Monthly cash flows over the horizon, with total cost and benefit, net value, NPV,
    payback month and ROI %. Each month re-prices the whole bill at that month's traffic.

    Example:

        genai-cost roi scenarios/support-platform.yaml --format json
    """
    from genai_cost import api

    show("roi", api.roi(paths, options), fmt, output)


@report_options(priced=True)
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
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Compare what a scenario costs in each region where its models and instances exist.

    Example:

        genai-cost regions scenarios/support-chatbot.yaml --region us-east-1 --region eu-west-1
    """
    from genai_cost import api

    show("regions", api.regions(path, candidates=region, options=options), fmt, output)
