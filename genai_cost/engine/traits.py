"""What each purchase option is, declared once by its own module (`TRAITS`) and read by every
command through `engine/core.py`'s registry: which lines grow with requests, the shape of its
cost curve, and whether it answers a waiting caller.

A new option module declares its traits here rather than being added to lists in the bill,
the break-even curves, the latency rules and the optimizer: forgetting a trait is then a
missing argument, not a silently wrong answer (tests/test_registry.py checks every module).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from genai_cost.vocabulary import COMMITMENTS

"""Purchases of instance capacity paid for whether used or not."""

CostCurve = Literal["linear", "step", "day"]


@dataclass(frozen=True)
class OptionTraits:
    """What kind of purchase an option is: how it bills, how its cost grows with volume, and
    whether it answers a waiting caller."""

    pay_per_use: bool
    """Billed for what each request uses (tokens, compute seconds, job hours): its lines grow
    with requests (except fixed start-ups) and redundancy adds nothing to it."""
    cost_curve: CostCurve
    """Monthly cost against volume: `linear` (slope per request + fixed start-ups), `step`
    (whole units sized for the peak), or `day` (units following the hourly profile, capped
    by a maximum)."""
    answers_caller: bool
    """Whether a waiting caller gets the response (False: batch jobs, batch transform and
    asynchronous inference return results later; never proposed for interactive work)."""
    offline_jobs: bool = False
    """Runs offline jobs with no per-request response time (a latency target then needs a
    measured latency)."""
    unit_price: str | None = None
    """The parameter that is the price of one unit-hour of capacity, when the cost is that
    price times quantities that do not depend on it: of two rows of a workload that differ
    only in it, the dearer never costs less (the month-by-month models leave it out)."""
    static_failures: tuple[int, ...] = ()
    """Failure codes of `evaluate` whose condition depends only on what a Monte Carlo never
    samples (the workload's latency class, its hourly profile, the row's purchase or
    settings): a row failing one at the scenario's own values fails at every sample, so the
    month-by-month models leave it out (decisions/cashflow.py)."""


SAME_TOKENS = "same model and tokens; a different way of paying for them"
OPERATE = "you operate the model servers (patching, scaling, on-call); throughput as benchmarked"


def commitment_risk(variant: str) -> str | None:
    """A commitment's risk (paid whether used or not), or None for a purchase that is not one."""
    if variant in COMMITMENTS or variant.endswith(("_month", "_months")):
        return f"a {variant.replace('_', ' ')} commitment: paid whether used or not"
    return None
