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


def rounded_columns(columns: list[np.ndarray], digits: int) -> list[list[float | None]]:
    """`rounded_column` of each array, rounded together (one pass over all their values:
    each value's rounding is its own, whatever is rounded with it)."""
    if not columns:
        return []
    flat = np.concatenate([np.asarray(c, dtype=np.float64).reshape(-1) for c in columns])
    rounded = rounded_array(flat, digits)
    cells: list[float | None] = rounded.tolist()
    for i in np.flatnonzero(np.isnan(rounded)).tolist():
        cells[i] = None
    out: list[list[float | None]] = []
    start = 0
    for column in columns:
        end = start + int(np.size(column))
        out.append(cells[start:end])
        start = end
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


_POWERS_OF_TEN = np.asarray([float(10**k) for k in range(24)])
"""10⁰ … 10²³ exactly (from integers: no power function's rounding)."""


def significant_array(values: np.ndarray, digits: int) -> np.ndarray:
    """`float(f"{v:.{digits}g}")` of every value — v to `digits` significant digits, as
    Python writes it — for a whole column at once. For 1 ≤ |v| < 10^digits the decimal
    exponent e is found against exact powers of ten, and the value is `round(v, digits - 1
    - e)` (`rounded_array`): both round v's exact value to the same decimal place, half to
    even, and read back the nearest double. Every other value (below 1, at or above
    10^digits, zero, NaN, infinity) is formatted one by one."""
    if not 1 <= digits <= 22:
        raise ValueError(f"significant digits {digits} outside 1..22")
    x = np.asarray(values, dtype=np.float64)
    out = np.empty(x.size, dtype=np.float64)
    size = np.abs(x)
    fast = np.flatnonzero(np.isfinite(x) & (size >= 1.0) & (size < _POWERS_OF_TEN[digits]))
    if fast.size:
        a = size[fast]
        exponent = np.clip(np.floor(np.log10(a)).astype(np.int64), 0, digits - 1)
        exponent -= a < _POWERS_OF_TEN[exponent]  # log10 rounded up across a power of ten
        exponent += a >= _POWERS_OF_TEN[exponent + 1]  # … or down
        for e in np.unique(exponent).tolist():
            at = fast[exponent == e]
            out[at] = rounded_array(x[at], digits - 1 - e)
    rest = np.ones(x.size, dtype=bool)
    rest[fast] = False
    for i in np.flatnonzero(rest).tolist():
        out[i] = float(f"{float(x[i]):.{digits}g}")
    return out
