"""Numbers as reports present them: Python's correctly rounded `round` of each value (None
where it is not finite), computed once per distinct value of a column — prices and
quantities repeat across many rows — with the sign of zero kept as `round` keeps it."""

from __future__ import annotations

import math

import numpy as np


def _rounded(values: list[float], digits: int) -> list[float | None]:
    """`round(v, digits)` of each value, None where not finite; a whole number (-0.0
    included) as it is, which `round` would return unchanged."""
    isfinite = math.isfinite
    return [v if v.is_integer() else (round(v, digits) if isfinite(v) else None) for v in values]


def rounded_table(values: np.ndarray, digits: int) -> tuple[list[float | None], np.ndarray]:
    """`_rounded` of each distinct value, and each value's index into that list."""
    unique, inverse = np.unique(values, return_inverse=True)
    return _rounded(unique.tolist(), digits), inverse.reshape(-1)


def rounded_column(values: np.ndarray, digits: int) -> list[float | None]:
    """`round(v, digits)` of every value, None where not finite — Python's correctly rounded
    `round`, run once per distinct value (prices repeat across rows) and skipped for whole
    numbers (which it returns unchanged)."""
    if values.size == 0:
        return []
    unique, inverse = np.unique(values, return_inverse=True)
    if 2 * unique.size > values.size:  # mostly distinct: a gather would cost more
        return _rounded(values.tolist(), digits)
    table = np.empty(unique.size, dtype=object)
    table[:] = _rounded(unique.tolist(), digits)
    out: list[float | None] = table[inverse.reshape(-1)].tolist()
    zeros = values == 0  # np.unique folds 0.0 and -0.0 together; round() keeps the sign
    if zeros.any():
        for i in np.flatnonzero(zeros).tolist():
            out[i] = -0.0 if np.signbit(values[i]) else 0.0
    return out


def rounded_array(values: np.ndarray, digits: int) -> np.ndarray:
    """`rounded_column` as a float array, NaN where that has None (a column for a table
    writer: NaN there is null)."""
    if values.size == 0:
        return np.empty(0, dtype=np.float64)
    rounded, inverse = rounded_table(values, digits)
    table = np.array([math.nan if v is None else v for v in rounded], dtype=np.float64)
    out: np.ndarray = table[inverse]
    zeros = values == 0  # keeps -0.0 as `round` does
    out[zeros] = values[zeros]
    return out


def rounded_texts(values: np.ndarray, digits: int, missing: str) -> np.ndarray:
    """`str()` of every value of `rounded_column(values, digits)` as an object array,
    `missing` where that has None; each distinct value is written once."""
    if values.size == 0:
        return np.empty(0, dtype=object)
    rounded, inverse = rounded_table(values, digits)
    table = np.empty(len(rounded), dtype=object)
    table[:] = [missing if v is None else str(v) for v in rounded]
    out: np.ndarray = table[inverse]
    zeros = values == 0  # np.unique folds 0.0 and -0.0 together; round() keeps the sign
    if zeros.any():
        out[zeros] = "0.0"
        out[zeros & np.signbit(values)] = "-0.0"
    return out
