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

import numpy as np
import numpy.typing as npt

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
    no_interruptions = lam <= 0
    safe = np.where(no_interruptions, 1.0, lam)
    with np.errstate(over="ignore"):
        # M e^(R/M) (e^((τ+δ)/M) − 1) W/τ  with M = 1/λ, written with expm1 for accuracy
        interrupted = np.exp(restart * safe) * np.expm1((tau + delta) * safe) / safe * w / tau
    result: Floats = np.where(no_interruptions, w * (tau + delta) / tau, interrupted)
    return result
