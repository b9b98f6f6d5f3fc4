"""Expected wall time of a training job on interruptible (spot) capacity, with checkpoints.

Model (Daly 2006, "A higher order estimate of the optimum checkpoint interval for restart
dumps", Future Generation Computer Systems 22(3):303-312, eq. 13): interruptions arrive as a
Poisson process of rate λ per hour (mean time between interruptions M = 1/λ); the job needs
W hours of work, writes a checkpoint of δ hours after every τ hours of work, and loses R hours
to each restart (re-provisioning, reloading the checkpoint) plus the work since the last
checkpoint. The expected wall time is

    T(τ) = M · e^(R/M) · (e^((τ + δ)/M) − 1) · W / τ

which tends to W · (τ + δ) / τ as λ → 0 (only the checkpoint writes remain). The interval that
minimises it is, to first order, Young's (1974, "A first order approximation to the optimum
checkpoint interval", CACM 17(9):530-531) τ* = √(2δM); Daly's higher-order estimate, used
here, is τ* = √(2δM) · [1 + ⅓·√(δ/(2M)) + (1/9)·(δ/(2M))] − δ for δ < 2M, and τ* = M
otherwise.

Arrays broadcast (NumPy), so a sweep or a Monte Carlo runs in one call; λ = 0 is handled with
a mask, as numpy-financial does for a zero rate.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from genai_cost.documents.estimate import PricedLine, SpotRun, TrainingJobRecord, TrainingRun
from genai_cost.engine.costs.parts import Part, tiered_parts
from genai_cost.scenario.models import SpotSettings, TrainingJob

if TYPE_CHECKING:
    from genai_cost.catalog.snapshot import Catalog

Floats = npt.NDArray[np.float64]


def optimal_checkpoint_interval_hours(
    mean_time_between_interruptions_hours: npt.ArrayLike, checkpoint_hours: npt.ArrayLike
) -> Floats:
    """Daly's estimate of the interval τ* (hours of work between checkpoints)."""
    m = np.asarray(mean_time_between_interruptions_hours, dtype=np.float64)
    delta = np.asarray(checkpoint_hours, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = delta / (2.0 * m)
        daly = np.sqrt(2.0 * delta * m) * (1.0 + np.sqrt(x) / 3.0 + x / 9.0) - delta
    result: Floats = np.where(delta < 2.0 * m, daly, m)
    return result


def young_interval_hours(
    mean_time_between_interruptions_hours: npt.ArrayLike, checkpoint_hours: npt.ArrayLike
) -> Floats:
    """Young's first-order interval √(2δM)."""
    m = np.asarray(mean_time_between_interruptions_hours, dtype=np.float64)
    delta = np.asarray(checkpoint_hours, dtype=np.float64)
    result: Floats = np.sqrt(2.0 * delta * m)
    return result


def expected_wall_time_hours(
    work_hours: npt.ArrayLike,
    interruptions_per_hour: npt.ArrayLike,
    checkpoint_interval_hours: npt.ArrayLike,
    checkpoint_hours: npt.ArrayLike,
    restart_hours: npt.ArrayLike,
) -> Floats:
    """Daly's expected wall time T for W hours of work (see the module docstring)."""
    w = np.asarray(work_hours, dtype=np.float64)
    lam = np.asarray(interruptions_per_hour, dtype=np.float64)
    tau = np.asarray(checkpoint_interval_hours, dtype=np.float64)
    delta = np.asarray(checkpoint_hours, dtype=np.float64)
    restart = np.asarray(restart_hours, dtype=np.float64)
    # Rewritten as T = e^(Rλ) · (τ + δ) · expm1(a)/a · W/τ with a = (τ + δ)λ: expm1(a)/a → 1
    # smoothly as λ → 0 (no division by a vanishing λ), so λ = 0 needs no special case.
    a = (tau + delta) * np.maximum(lam, 0.0)
    with np.errstate(all="ignore"):
        growth = np.where(a < 1e-8, 1.0 + a / 2.0, np.expm1(a) / np.where(a < 1e-8, 1.0, a))
        result: Floats = np.exp(restart * np.maximum(lam, 0.0)) * (tau + delta) * growth * w / tau
    return result


def price_training_job(
    job: TrainingJob, catalog: Catalog, region: str, day: dt.date
) -> TrainingJobRecord:
    """On-demand against spot for one training job: wall time, cost per run and per month,
    and which of the two the bill counts (the job's `purchase`, else the cheaper priced one).

    Checkpoint storage is a monthly line: checkpoint_size_gb × checkpoint_retention_months ×
    runs_per_month GB-months (the checkpoints of the runs still retained, on average).
    """
    from genai_cost.catalog.lookup import Missing, instance_price
    from genai_cost.engine.costs.services import line

    storage: PricedLine | None = None
    if job.checkpoint_size_gb > 0 and job.runs_per_month > 0:
        storage = line(
            catalog,
            "s3",
            "standard_storage",
            job.checkpoint_size_gb * job.checkpoint_retention_months * job.runs_per_month,
            region,
            day,
            "checkpoint_storage",
        )
    storage_monthly = storage["usd"] if storage else 0.0
    storage_per_run = (
        None
        if storage_monthly is None
        else (storage_monthly / job.runs_per_month if job.runs_per_month else 0.0)
    )
    if job.usd_per_hour is not None:
        od_price: float | None = job.usd_per_hour
        od_source, reason = "scenario", ""
    else:
        found = instance_price(catalog, job.platform, job.instance_type, region, "on_demand", day)
        od_price = None if isinstance(found, Missing) else found.usd_per_hour
        od_source = "" if isinstance(found, Missing) else found.source
        reason = found.reason + "; supply usd_per_hour" if isinstance(found, Missing) else ""
    if not reason and storage is not None and storage["reason"]:
        reason = storage["reason"]
    on_demand_run = (
        None
        if od_price is None or storage_per_run is None
        else job.instance_count * job.work_hours * od_price + storage_per_run
    )
    on_demand: TrainingRun = {
        "wall_hours": job.work_hours,
        "usd_per_instance_hour": od_price,
        "usd_per_run": _round(on_demand_run),
        "monthly_cost_usd": _round(
            None if on_demand_run is None else on_demand_run * job.runs_per_month
        ),
        "reason": reason or None,
        "sources": [od_source] if od_source else [],
    }
    record: TrainingJobRecord = {
        "name": job.name,
        "platform": job.platform,
        "instance_type": job.instance_type,
        "instance_count": job.instance_count,
        "region": region,
        "work_hours": job.work_hours,
        "runs_per_month": job.runs_per_month,
        "checkpoint_storage": storage,
        "on_demand": on_demand,
        "spot": None,
        "chosen": None,
    }
    if job.spot is not None:
        record["spot"] = _spot_run(job, job.spot, storage_per_run, storage)
    record["chosen"] = _chosen(job, record)
    return record


def _spot_run(
    job: TrainingJob, spot: SpotSettings, storage_per_run: float | None, storage: PricedLine | None
) -> SpotRun:
    mtbi = 1.0 / spot.interruptions_per_hour if spot.interruptions_per_hour > 0 else np.inf
    optimum = (
        float(optimal_checkpoint_interval_hours(mtbi, spot.checkpoint_hours))
        if spot.interruptions_per_hour > 0 and spot.checkpoint_hours > 0
        else None
    )
    interval = spot.checkpoint_interval_hours or optimum or job.work_hours
    wall = float(
        expected_wall_time_hours(
            job.work_hours,
            spot.interruptions_per_hour,
            interval,
            spot.checkpoint_hours,
            spot.restart_hours,
        )
    )
    spot_run = (
        None
        if storage_per_run is None
        else job.instance_count * wall * spot.usd_per_hour + storage_per_run
    )
    spot_reason: str | None = storage["reason"] if storage is not None else None
    if (
        not (
            np.isfinite(wall)
            and spot_run is not None
            and np.isfinite(spot_run * job.runs_per_month)
        )
        and spot_reason is None
    ):
        spot_reason = (
            f"the expected wall time on spot is not finite: at {spot.interruptions_per_hour:g} "
            f"interruptions an hour, with {interval:g} h of work between checkpoints and "
            f"{spot.restart_hours:g} h per restart, the job would practically never finish"
        )
    finite = spot_reason is None
    return {
        "interruptions_per_hour": spot.interruptions_per_hour,
        "checkpoint_interval_hours": round(float(interval), 9),
        "optimal_checkpoint_interval_hours": _hours(optimum),
        "wall_hours": _hours(wall) if finite else None,
        "time_penalty_hours": _hours(wall - job.work_hours) if finite else None,
        "usd_per_instance_hour": spot.usd_per_hour,
        "usd_per_run": _round(spot_run) if finite else None,
        "monthly_cost_usd": (
            _round(None if spot_run is None else spot_run * job.runs_per_month) if finite else None
        ),
        "reason": spot_reason,
        "sources": ["scenario"],
    }


def _chosen(job: TrainingJob, record: TrainingJobRecord) -> Literal["on_demand", "spot"] | None:
    """The way the bill counts: the pinned purchase, else the cheaper priced one (None: neither
    can be priced, or the pinned one cannot)."""
    costs: dict[Literal["on_demand", "spot"], float | None] = {
        "on_demand": record["on_demand"]["monthly_cost_usd"],
        "spot": record["spot"]["monthly_cost_usd"] if record["spot"] else None,
    }
    if job.purchase is not None:
        return job.purchase if costs[job.purchase] is not None else None
    priced = [(cost, way) for way, cost in costs.items() if cost is not None]
    return min(priced)[1] if priced else None


def _hours(value: float | None) -> float | None:
    """Hours as presented: nine decimals (a last float digit never shows)."""
    return None if value is None else round(float(value), 9)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def training_parts(record: TrainingJobRecord, purchase: str | None) -> list[Part]:
    """The job's parts of the bill: its instance-hours a month on the way the bill counts
    (`record["chosen"]`), or, when neither way is priced, the part that has no price (the
    `purchase` asked for, else on demand); and its checkpoint storage."""
    way = record["chosen"]
    if way is None:
        run = record["spot"] if purchase == "spot" else record["on_demand"]
        reason = (run["reason"] if run is not None else None) or "no price"
        return [Part("instance_hours", None, "instance-hours", None, reason=str(reason))]
    chosen = record["on_demand"] if way == "on_demand" else record["spot"]
    assert chosen is not None and chosen["wall_hours"] is not None
    runs = record["runs_per_month"]
    parts = [
        Part(
            "instance_hours" if way == "on_demand" else "spot_instance_hours",
            record["instance_count"] * chosen["wall_hours"] * runs,
            "instance-hours",
            chosen["usd_per_instance_hour"],
            tuple(chosen["sources"]),
            f"{record['instance_count']} × {record['platform']} {record['instance_type']} "
            f"{way.replace('_', '-')}, {runs:g} run(s) a month of {chosen['wall_hours']:,.2f} h",
        )
    ]
    if record["checkpoint_storage"] is not None:
        parts += tiered_parts(record["checkpoint_storage"])
    return parts
