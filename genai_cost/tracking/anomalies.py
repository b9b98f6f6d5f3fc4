"""Spend anomalies: a day whose spend jumps above its series' rolling baseline.

For each series (a tenant, or each combination of the report's keys) and each day with at
least `min_history_days` days of history in the `window_days` days before it (days without
spend count as $0 once the series has started):

    baseline  = median(spend over the window)
    spread    = max(1.4826 × MAD, floor_share × baseline)     MAD = median(|x − baseline|)
    threshold = baseline + k × spread

and the day is an anomaly when its spend exceeds the threshold and is at least `min_usd`.
1.4826 × MAD estimates the standard deviation of normal data without being moved by the
spikes it is looking for (Rousseeuw & Croux, "Alternatives to the Median Absolute
Deviation", JASA 1993); the floor keeps a perfectly flat series (MAD 0) from flagging cents.
Vectorized over all series and days with NumPy (a series × days matrix, one sliding window).
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
    seen = np.zeros((len(codes), span), dtype=bool)
    seen[uniques, offsets] = True
    started = np.cumsum(seen, axis=1) > 0  # days before a series' first spend are not history
    w = rule.window_days
    padded = np.concatenate([np.full((len(codes), w), np.nan), spend], axis=1)
    history = np.where(
        np.concatenate([np.zeros((len(codes), w), dtype=bool), started], axis=1), padded, np.nan
    )
    windows = np.lib.stride_tricks.sliding_window_view(history, w, axis=1)[:, :span]
    count = np.sum(~np.isnan(windows), axis=2)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows (masked below)
        baseline = np.nanmedian(windows, axis=2)
        mad = np.nanmedian(np.abs(windows - baseline[:, :, None]), axis=2)
    spread = np.maximum(MAD_TO_SIGMA * mad, rule.floor_share * baseline)
    threshold = baseline + rule.k * spread
    flagged = (
        (count >= rule.min_history_days) & (spend > threshold) & (spend >= rule.min_usd) & started
    )
    out: list[Anomaly] = []
    for s, d in zip(*np.nonzero(flagged), strict=True):
        values = str(codes[s]).split("\x1f")
        out.append(
            {
                "series": dict(zip(names, values, strict=True)),
                "day": (first + dt.timedelta(days=int(d))).isoformat(),
                "cost_usd": float(spend[s, d]),
                "baseline_usd": float(baseline[s, d]),
                "threshold_usd": float(threshold[s, d]),
                "excess_usd": float(spend[s, d] - baseline[s, d]),
            }
        )
    out.sort(key=lambda a: (a["day"], -a["excess_usd"]))
    return out
