"""What to buy: break-even, mix, optimize (and apply a lever), diff with its thresholds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from genai_cost.api.core import DEFAULT_PRICING, diff_sides, estimate_with
from genai_cost.catalog.selection import PricingOptions
from genai_cost.errors import ArgumentError

if TYPE_CHECKING:
    from genai_cost.documents.changes import DiffDocument
    from genai_cost.documents.decisions import BreakevenDocument, MixDocument, OptimizeDocument


def breakeven(
    path: str | Path,
    *,
    workload: str | None = None,
    volume_range: tuple[float, float] | None = None,
    options: PricingOptions = DEFAULT_PRICING,
) -> BreakevenDocument:
    """The volumes where the purchase options of each workload (or of `workload`) cross,
    and the cheapest option per band, over `volume_range` requests a month (default: 1/100
    to 100 times today's)."""
    from genai_cost.decisions.breakeven import breakeven_document

    result = estimate_with([path], options)
    return breakeven_document(result, workload=workload, volume_range=volume_range)


def breakeven_parts(
    path: str | Path,
    *,
    workload: str | None = None,
    volume_range: tuple[float, float] | None = None,
    options: PricingOptions = DEFAULT_PRICING,
) -> tuple[dict[str, Any], Iterator[list[Any]]]:
    """`breakeven` in parts: the document's keys before `workloads`, and the workloads'
    entries a few thousand at a time, each chunk's sweeps made when it is asked for (what
    the CLI writes a large table's document from; `breakeven` joins them)."""
    from genai_cost.decisions.breakeven import breakeven_parts as parts

    result = estimate_with([path], options)
    head, chunks = parts(result, workload=workload, volume_range=volume_range)
    return head, cast(Iterator[list[Any]], chunks)


def mix(path: str | Path, *, options: PricingOptions = DEFAULT_PRICING) -> MixDocument:
    """The cheapest split of each workload's daily profile between capacity and a
    pay-per-use option for the overflow (a workload that pins its mix is analysed whole)."""
    from genai_cost.decisions.mix import mix_document

    return mix_document(estimate_with([path], options, pin_mixes=False))


def _optimize(
    paths: Sequence[str | Path], options: PricingOptions, endpoint_metrics: str | Path | None
) -> tuple[list[Any], list[dict[str, Any]]]:
    from genai_cost.decisions.optimize import Pricer, run_optimize

    pricer = Pricer(
        options.catalog(), options.today(), options.as_of, options.month, options.free_tier
    )
    measure = None
    if endpoint_metrics is not None:
        from functools import partial

        from genai_cost.tracking.cloudwatch import endpoint_use, read_file

        measure = partial(endpoint_use, read_file(Path(endpoint_metrics)))
    results, data = run_optimize([Path(p) for p in paths], pricer, measure)
    named = any(
        (w.get("self_hosted") or {}).get("endpoint_name")
        for d in data
        for w in d.get("workloads") or []
    )
    if measure is not None and not named:
        raise ArgumentError(
            "«endpoint_metrics»: no workload names the endpoint serving it "
            "(self_hosted.endpoint_name: NAME or NAME/VARIANT)"
        )
    return results, data


def optimize(
    paths: Iterable[str | Path],
    *,
    options: PricingOptions = DEFAULT_PRICING,
    endpoint_metrics: str | Path | None = None,
) -> OptimizeDocument:
    """Every lever that would save money, priced by the same engine against the scenarios
    as they are, ranked by monthly saving, each with its YAML patch; `endpoint_metrics` (a
    saved GetMetricData response) right-sizes self-hosted endpoints by what was measured."""
    from genai_cost.decisions.optimize import optimize_document

    results, _ = _optimize(list(paths), options, endpoint_metrics)
    return optimize_document(results)


def apply_levers(
    path: str | Path,
    ranks: Sequence[int],
    *,
    options: PricingOptions = DEFAULT_PRICING,
    endpoint_metrics: str | Path | None = None,
) -> str:
    """The scenario at `path` with the levers of `ranks` (as `optimize` ranks them) applied:
    YAML text, comments and order kept."""
    from genai_cost.decisions.optimize import optimize_document, patched_text

    results, data = _optimize([path], options, endpoint_metrics)
    levers = optimize_document(results)["scenarios"][0]["levers"]
    chosen = []
    for rank in ranks:
        if not 1 <= rank <= len(levers):
            raise ArgumentError(f"«apply» {rank}: the levers are ranked 1 to {len(levers)}")
        chosen.append(levers[rank - 1]["patch"])
    return patched_text(data[0], chosen)


def diff(
    sides: Sequence[str],
    *,
    base_ref: str | None = None,
    repo: str | Path | None = None,
    options: PricingOptions = DEFAULT_PRICING,
    base_snapshot: str | Path | None = None,
    fail_on_increase: Sequence[str] = (),
    fail_above: Sequence[str] = (),
    warn_on_increase: Sequence[str] = (),
    warn_above: Sequence[str] = (),
) -> DiffDocument:
    """What a change does to the monthly bill: two sides (`sides` = [BASE, HEAD], each
    scenario files or an estimate JSON baseline), or `sides` (paths) against the same paths
    at git revision `base_ref` of the repository at `repo` (default: the one holding the
    current folder). Thresholds (`[total:|workload:]N[%]`, or USD for `*_above`) are applied:
    the document's `verdict` is pass, warn or fail."""
    from genai_cost.decisions.diff import apply_thresholds, thresholds

    limits = thresholds(fail_on_increase, fail_above, warn_on_increase, warn_above)
    document = diff_sides(
        list(sides), base_ref=base_ref, repo=repo, options=options, base_snapshot=base_snapshot
    )
    return apply_thresholds(document, limits)
