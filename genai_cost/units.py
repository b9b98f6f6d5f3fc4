"""Units in one place: time, tokens and money conventions used by every formula.

The month is AWS's billing convention of 730 hours (365 days x 24 h / 12 months), used
everywhere a monthly figure is derived from an hourly or per-second one.
"""

from __future__ import annotations

import math
from typing import Any

HOURS_PER_MONTH = 730.0
"""Hours in a billing month: 8,760 h a year / 12 (AWS Pricing Calculator convention)."""

HOURS_PER_DAY = 24
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
"""A calendar month, YYYY-MM."""


def month_hours(month: str | None) -> float:
    """Hours of a calendar month `YYYY-MM` (its days x 24: 672 to 744), or the 730-hour
    convention when no month is given. AWS bills fixed capacity by the hours it runs, so
    an invoice for a 31-day month holds 744 hours of a provisioned model unit."""
    if month is None:
        return HOURS_PER_MONTH
    import calendar

    year, number = (int(part) for part in month.split("-"))
    return float(calendar.monthrange(year, number)[1] * HOURS_PER_DAY)


SECONDS_PER_HOUR = 3600.0
MINUTES_PER_HOUR = 60.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR
MINUTES_PER_MONTH = HOURS_PER_MONTH * MINUTES_PER_HOUR
TOKENS_PER_MILLION = 1_000_000.0
REQUESTS_PER_THOUSAND = 1_000.0
REQUESTS_PER_MILLION = 1_000_000.0
"""Lambda and API Gateway bill requests per million."""
FLOAT_TOLERANCE = 1e-9
"""How close a computed quantity may come to a whole number or a threshold and count as it
(floating-point noise: 2.0000000001 units of demand are 2 units, 79.9999999 % is 80 %)."""

MAX_SAMPLES = 10_000_000
"""The most Monte Carlo draws one run takes (drawn in chunks, so memory stays flat)."""


PRESENTED_DIGITS = 12
"""Significant digits of the figures of a presented document: past them a float's last digits
are arithmetic noise that differs between NumPy builds (0.0022500000000000003 is $0.00225)."""


def presented(value: Any) -> Any:
    """`value` (a document) with every float rounded to `PRESENTED_DIGITS` significant digits
    (NaN and infinity left as they are: the renderers refuse them); a new structure."""
    if isinstance(value, float):
        return float(f"{value:.{PRESENTED_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: presented(v) for k, v in value.items()}
    if isinstance(value, list):
        return [presented(v) for v in value]
    return value
