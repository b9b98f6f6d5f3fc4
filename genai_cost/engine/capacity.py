"""Capacity sizing shared by the fixed-capacity options (provisioned units, instances)."""

from __future__ import annotations

import numpy as np

from genai_cost.engine.arrays import FloatArray

CEIL_TOLERANCE = 1e-9
"""Demand within 1e-9 of a whole number of units rounds down (floating-point noise)."""


def units_needed(*load_over_capacity: FloatArray) -> FloatArray:
    """Whole units covering every load (each load / per-unit capacity), at least one."""
    ratio = load_over_capacity[0]
    for more in load_over_capacity[1:]:
        ratio = np.maximum(ratio, more)
    units: FloatArray = np.maximum(np.ceil(ratio - CEIL_TOLERANCE), 1.0)
    return units
