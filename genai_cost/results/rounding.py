"""Numbers as reports present them: Python's correctly rounded `round(v, digits)` of each
value (None, or NaN in a float array, where it is not finite), worked out for a whole column
at once.

`round(x, n)` is the double nearest to x's exact value rounded half-even to n decimals. With
y = x·10ⁿ computed in floating point, the error of y is at most |y|·2⁻⁵³; wherever y's
fraction lies farther than that from one half (and |y| < 2⁵²), `rint(y)` is the integer k
that rounding the exact value gives, and k / 10ⁿ — one correctly rounded division of exact
numbers (10ⁿ is exact for n ≤ 22) — is the double nearest to k·10⁻ⁿ: `round`'s result, the
sign of zero included. The few values too close to a half, or too large, are rounded by
`round` itself. Tested against `round` (tests/test_workloads_table.py)."""

from __future__ import annotations

import math

import numpy as np

_LARGEST_EXACT = 2.0**52
"""Above this a double has no fractional part to round."""


def rounded_array(values: np.ndarray, digits: int) -> np.ndarray:
    """`round(v, digits)` of every value as a float array, NaN where v is not finite."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return np.empty(0, dtype=np.float64)
    scale = 10.0**digits
    with np.errstate(over="ignore", invalid="ignore"):
        y = x * scale
        size = np.abs(y)
        out: np.ndarray = np.rint(y) / scale
        clear = np.abs(np.abs(y - np.trunc(y)) - 0.5) > size * 2.0**-52
    finite = np.isfinite(x)
    safe = finite & (size < _LARGEST_EXACT) & clear
    out[~finite] = math.nan
    rest = np.flatnonzero(finite & ~safe)
    if rest.size:
        out[rest] = [round(v, digits) for v in x[rest].tolist()]
    return out


def rounded_column(values: np.ndarray, digits: int) -> list[float | None]:
    """`round(v, digits)` of every value as a list, None where v is not finite."""
    rounded = rounded_array(values, digits)
    out: list[float | None] = rounded.tolist()
    for i in np.flatnonzero(np.isnan(rounded)).tolist():
        out[i] = None
    return out


def rounded_texts(values: np.ndarray, digits: int, missing: str) -> np.ndarray:
    """`str()` of every value of `rounded_column(values, digits)` as an object array,
    `missing` where that has None; each distinct value is written once."""
    if values.size == 0:
        return np.empty(0, dtype=object)
    rounded = rounded_array(values, digits)
    unique, inverse = np.unique(rounded, return_inverse=True)
    table = np.empty(unique.size, dtype=object)
    table[:] = [missing if v != v else str(v) for v in unique.tolist()]
    out: np.ndarray = table[inverse.reshape(-1)]
    zeros = rounded == 0  # np.unique folds 0.0 and -0.0 together; round() keeps the sign
    if zeros.any():
        out[zeros] = "0.0"
        out[zeros & np.signbit(rounded)] = "-0.0"
    return out
