"""`diff` and `check`: the CI gates — what a change does to the bill, and budgets."""

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
from genai_cost.cli.render import say, show, to_stdout
from genai_cost.errors import ArgumentError, CheckFailed


@report_options(priced=True)
def diff(
    sides: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="BASE HEAD | PATH...",
            help="Two sides (scenario file or folder, or estimate JSON baseline), or with "
            "--base-ref the scenario files or folders to compare with that revision.",
            show_default=False,
        ),
    ] = None,
    base_plan: Annotated[
        Path | None,
        typer.Option(
            "--base-plan",
            metavar="PLAN|TEMPLATE",
            help="Compare infrastructure instead: the base branch's Terraform plan JSON or "
            "CloudFormation template (with --head-plan; as `genai-cost infra HEAD --base BASE`).",
        ),
    ] = None,
    head_plan: Annotated[
        Path | None,
        typer.Option("--head-plan", metavar="PLAN|TEMPLATE", help="The pull request's plan."),
    ] = None,
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base-ref",
            metavar="REV",
            help="Compare PATH... with the same files at this git "
            "revision (read with git; the working tree is not touched).",
        ),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            metavar="DIR",
            help="With --base-ref: the git repository to read (default: the one holding the "
            "current folder); PATH... are taken from the current folder when it is inside "
            "the repository, else from the repository's top.",
        ),
    ] = None,
    base_snapshot: Annotated[
        str | None,
        typer.Option(
            "--base-snapshot",
            metavar="ID|PATH",
            help="Pricing snapshot of the base side when it "
            "is priced here (default: the same as the head's).",
        ),
    ] = None,
    fail_on_increase: FailOnIncreaseOption = None,
    fail_above: FailAboveOption = None,
    warn_on_increase: WarnOnIncreaseOption = None,
    warn_above: WarnAboveOption = None,
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Show what a change does to the monthly bill, and why (usage or prices).

    Exit codes: 0 within limits, 1 a --fail-* limit breached, 2 bad input.

    Examples:

        genai-cost diff base.json scenarios/

        genai-cost diff --base-ref origin/main scenarios/ --fail-on-increase 10%

        genai-cost diff --base-ref main --repo ../infra scenarios/

        genai-cost diff --base-plan base.json --head-plan head.json --fail-on-increase 10%

        genai-cost diff old.yaml new.yaml -f markdown --fail-above workload:2000
    """
    from genai_cost import api

    if base_plan is not None or head_plan is not None:
        if base_plan is None or head_plan is None or sides:
            raise ArgumentError(
                "--base-plan and --head-plan go together, without scenario sides "
                "(genai-cost diff --base-plan base.json --head-plan head.json)"
            )
        infra = api.infrastructure(
            head_plan,
            base=base_plan,
            fail_on_increase=fail_on_increase or [],
            fail_above=fail_above or [],
            warn_on_increase=warn_on_increase or [],
            warn_above=warn_above or [],
            options=options,
        )
        show("infra", infra, fmt, output)
        if infra["verdict"] == "fail":
            raise CheckFailed("a --fail-* limit is breached: " + "; ".join(infra["breached"]))
        return
    if not sides:
        raise ArgumentError("give the two sides BASE HEAD, PATH... with --base-ref, or plans")
    document = api.diff(
        sides,
        base_ref=base_ref,
        repo=repo,
        options=options,
        base_snapshot=base_snapshot,
        fail_on_increase=fail_on_increase or [],
        fail_above=fail_above or [],
        warn_on_increase=warn_on_increase or [],
        warn_above=warn_above or [],
    )
    show("diff", document, fmt, output)
    if document["verdict"] == "fail":
        raise CheckFailed("a --fail-* limit is breached")


@report_options(priced=True)
def check(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...")],
    skip_unbudgeted: Annotated[
        bool,
        typer.Option(
            "--skip-unbudgeted",
            help="Skip scenario files without a budget (a warning each) instead of failing "
            "on them (exit 2): what the pre-commit hook runs, over whatever files changed.",
        ),
    ] = False,
    *,
    fmt: Format,
    output: Path | None,
    options: PricingOptions,
) -> None:
    """Check each scenario's and workload's estimated monthly cost against its budget.

    Exit codes: 0 within budget (alerts may be reported), 1 a budget's fail threshold is
    reached, 2 bad input (including a scenario with no budget).

    Example:

        genai-cost check scenarios/support-chatbot.yaml --format markdown
    """
    from genai_cost import api

    document = api.check(paths, options, skip_unbudgeted=skip_unbudgeted)
    if not (fmt == Format.table and to_stdout(output)):  # the table says it itself
        for path in document.get("without_budget", []):
            say(f"warning: {path}: no budget to check (skipped)")
    show("check", document, fmt, output)
    if document["verdict"] == "fail":
        raise CheckFailed("a budget's fail threshold is reached")
