"""Spend anomalies: a day whose spend jumps above its series' own usual spend.

A series (a tenant, or each combination of the report's keys) is judged against its own
cadence: its history is its last `window_days` *spend days* (days with spend above $0) before
the day, not the calendar days — a team that spends every ten days, or a monthly training job,
is compared with its earlier spend days, never with the $0 days between them. A spend day is
judged once the series has at least `min_history_days` earlier spend days:

    baseline  = median(spend over the history)
    spread    = max(1.4826 × MAD, floor_share × baseline)     MAD = median(|x − baseline|)
    threshold = baseline + k × spread

and the day is an anomaly when its spend exceeds the threshold and is at least `min_usd`.
For a series that spends every day this is a rolling window of `window_days` days.
1.4826 × MAD estimates the standard deviation of normal data without being moved by the
spikes it is looking for (Rousseeuw & Croux, "Alternatives to the Median Absolute
Deviation", JASA 1993); the floor keeps a perfectly flat series (MAD 0) from flagging cents.
Vectorized over all series with NumPy (a series × spend-days matrix, one sliding window).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from genai_cost.documents.tracking import Anomaly, AnomalySettings

MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class AnomalyRule:
    window_days: int = 14
    min_history_days: int = 7
    k: float = 3.0
    floor_share: float = 0.1
    min_usd: float = 1.0

    def settings(self) -> AnomalySettings:
        return {
            "window_days": self.window_days,
            "min_history_days": self.min_history_days,
            "k": self.k,
            "floor_share": self.floor_share,
            "min_usd": self.min_usd,
        }


def find_anomalies(
    daily: Any, series: Sequence[str], rule: AnomalyRule, labels: Sequence[str] | None = None
) -> list[Anomaly]:
    """Anomalies of a frame with the `series` columns, `day` (ISO text) and `cost_usd`;
    `labels` name the series columns in the output (default: the column names)."""
    if not len(daily):
        return []
    names = list(labels or series)
    sums = daily.groupby([*series, "day"], sort=True)["cost_usd"].sum().reset_index()
    first = dt.date.fromisoformat(str(sums["day"].min()))
    last = dt.date.fromisoformat(str(sums["day"].max()))
    span = (last - first).days + 1
    keys = sums[list(series)].astype(str).agg("\x1f".join, axis=1)
    codes, uniques = np.unique(keys.to_numpy(), return_inverse=True)
    offsets = np.array(
        [(dt.date.fromisoformat(str(d)) - first).days for d in sums["day"]], dtype=np.int64
    )
    spend = np.zeros((len(codes), span))
    np.add.at(spend, (uniques, offsets), sums["cost_usd"].to_numpy(dtype=np.float64))
    # each series' spend days in order: events[s, j] is its j-th spend day's spend
    rows, days = np.nonzero(spend > 0)
    rank = np.cumsum(spend > 0, axis=1)[rows, days] - 1
    width = int(rank.max()) + 1 if len(rank) else 0
    events = np.full((len(codes), width), np.nan)
    events[rows, rank] = spend[rows, days]
    w = rule.window_days
    padded = np.concatenate([np.full((len(codes), w), np.nan), events], axis=1)
    windows = np.lib.stride_tricks.sliding_window_view(padded, w, axis=1)[:, :width]
    count = np.sum(~np.isnan(windows), axis=2)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows (masked below)
        baseline = np.nanmedian(windows, axis=2)
        mad = np.nanmedian(np.abs(windows - baseline[:, :, None]), axis=2)
    spread = np.maximum(MAD_TO_SIGMA * mad, rule.floor_share * baseline)
    threshold = baseline + rule.k * spread
    flagged = (count >= rule.min_history_days) & (events > threshold) & (events >= rule.min_usd)
    on_day = np.full((len(codes), width), -1, dtype=np.int64)
    on_day[rows, rank] = days
    out: list[Anomaly] = []
    for s, j in zip(*np.nonzero(flagged), strict=True):
        values = str(codes[s]).split("\x1f")
        out.append(
            {
                "series": dict(zip(names, values, strict=True)),
                "day": (first + dt.timedelta(days=int(on_day[s, j]))).isoformat(),
                "cost_usd": float(events[s, j]),
                "baseline_usd": float(baseline[s, j]),
                "threshold_usd": float(threshold[s, j]),
                "excess_usd": float(events[s, j] - baseline[s, j]),
            }
        )
    out.sort(key=lambda a: (a["day"], -a["excess_usd"]))
    return out
