"""`infra`: a Terraform plan or CloudFormation template priced, resource by resource."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genai_cost.cli.options import (
    FailAboveOption,
    FailOnIncreaseOption,
    Format,
    PricingOptions,
    WarnAboveOption,
    WarnOnIncreaseOption,
    report_options,
)
from genai_cost.cli.render import show


@report_options(priced=True)
def infra(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PLAN|TEMPLATE",
            help="`terraform show -json plan.out` output (or a state), or a CloudFormation "
            "template (YAML or JSON, e.g. `cdk synth` output).",
        ),
    ],
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="The region, where the definition names none (the AWS provider's)."
        ),
    ] = None,
    parameter: Annotated[
        list[str] | None,
        typer.Option(
            "--parameter",
            metavar="NAME=VALUE",
            help="A CloudFormation parameter's value (repeatable; defaults are used otherwise).",
        ),
    ] = None,
    parameters_file: Annotated[
        Path | None,
        typer.Option(
            "--parameters-file",
            metavar="FILE",
            help="A CloudFormation parameter file (the JSON list create-stack reads, or "
            '{"Parameters": {...}}); --parameter values win over it.',
        ),
    ] = None,
    usage: Annotated[
        Path | None,
        typer.Option(
            "--usage",
            metavar="FILE",
            help="Traffic of the usage-priced resources by address (requests_per_month, "
            "average_duration_ms or gb_seconds_per_month, storage_gb, ocus): they are then "
            "priced and counted.",
        ),
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            "--base",
            metavar="PLAN|TEMPLATE",
            help="Compare with this definition (the base branch's plan or template): "
            "'before' is it as applied, matched by resource address.",
        ),
    ] = None,
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base-ref",
            metavar="REV",
            help="Compare with the same file at this git revision (a template kept in the "
            "repository; read with git, the working tree is not touched).",
        ),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option("--repo", metavar="DIR", help="With --base-ref: the git repository."),
    ] = None,
    fail_on_increase: FailOnIncreaseOption = None,
    fail_above: FailAboveOption = None,
    warn_on_increase: WarnOnIncreaseOption = None,
    warn_above: WarnAboveOption = None,
    every: Annotated[
        bool, typer.Option("--all", "-a", help="Every priced line of every resource.")
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Price the generative-AI infrastructure a Terraform plan or CloudFormation template
    defines: each resource's fixed monthly cost before and after the change, with the
    attributes that moved it (instance_type ml.g5.2xlarge → ml.g6e.2xlarge). Priced:
    SageMaker endpoint configurations (instances × hours), Bedrock provisioned throughput
    (model units × term), OpenSearch Serverless collections (minimum OCUs), GPU instances.
    Usage-priced resources (Lambda, API Gateway, knowledge bases, agents, guardrails) and
    resources genai-cost does not price are listed, never counted as zero.

    Examples:

        terraform plan -out plan.out && terraform show -json plan.out > plan.json

        genai-cost infra plan.json -f markdown -o infra-comment.md

        genai-cost infra cdk.out/AppStack.template.json --region eu-west-1

        genai-cost infra template.yaml --parameter InstanceType=ml.g6e.xlarge

        genai-cost infra template.yaml --parameters-file params.json

        genai-cost infra plan.json --usage infra-usage.yml

        genai-cost infra head.json --base base.json --fail-on-increase 10%

        genai-cost infra template.yaml --base-ref origin/main
    """
    from genai_cost import api

    document = api.infrastructure(
        path,
        region=region,
        parameters=parameter or [],
        parameters_file=parameters_file,
        usage=usage,
        base=base,
        base_ref=base_ref,
        repo=repo,
        fail_on_increase=fail_on_increase or [],
        fail_above=fail_above or [],
        warn_on_increase=warn_on_increase or [],
        warn_above=warn_above or [],
        options=options,
    )
    show("infra", document, fmt, output, expand=every)
    if document["verdict"] == "fail":
        from genai_cost.errors import CheckFailed

        raise CheckFailed("a --fail-* limit is breached: " + "; ".join(document["breached"]))
