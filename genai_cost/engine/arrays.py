"""Array containers passed between the scenario, the option modules and the report.

Shapes: `W` workloads; `R` evaluation rows of one option (workload x variant x platform x
instance type). Missing prices are NaN, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


@dataclass
class WorkloadArrays:
    """Per-workload quantities, each of shape (W,)."""

    requests_per_month: FloatArray
    input_tokens: FloatArray
    """Non-cached input tokens per request."""
    output_tokens: FloatArray
    cache_read_tokens: FloatArray
    cache_write_tokens: FloatArray
    peak_factor: FloatArray
    """Peak request rate / average request rate (>= 1)."""
    batch_tolerant: BoolArray

    @property
    def size(self) -> int:
        return int(self.requests_per_month.shape[0])

    @property
    def all_input_tokens(self) -> FloatArray:
        """Input tokens per request including cached ones."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    def scaled(self, factor: float) -> WorkloadArrays:
        """The same workloads with traffic multiplied by `factor` (used by properties/sweeps)."""
        return WorkloadArrays(
            self.requests_per_month * factor,
            self.input_tokens,
            self.output_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
            self.peak_factor,
            self.batch_tolerant,
        )


def empty_objects(n: int, value: str = "") -> ObjArray:
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


@dataclass
class OptionRows:
    """The rows one option evaluates, with prices resolved (NaN where none was found)."""

    option: str
    workload_index: IntArray
    variant: ObjArray
    platform: ObjArray
    instance_type: ObjArray
    label: ObjArray
    """What is priced, for messages: model id and location, or instance and region."""
    params: dict[str, FloatArray]
    reason: ObjArray
    """Why the row cannot be priced, found while resolving prices ("" when none)."""
    explicit: BoolArray
    """The scenario asked for this exact variant (a missing price is then an error)."""

    @property
    def size(self) -> int:
        return int(self.workload_index.shape[0])


@dataclass
class Component:
    """One named line of the bill: quantity x unit price, per row (NaN price = not found)."""

    name: str
    unit: str
    quantity: FloatArray
    usd_per_unit: FloatArray

    @property
    def usd(self) -> FloatArray:
        # A zero quantity costs nothing even when no price exists for it.
        with np.errstate(invalid="ignore"):
            return np.where(self.quantity > 0, self.quantity * self.usd_per_unit, 0.0)

    @property
    def unpriced(self) -> BoolArray:
        return (self.quantity > 0) & np.isnan(self.usd_per_unit)


@dataclass
class OptionResult:
    """What one option module computes for its rows."""

    rows: OptionRows
    feasible: BoolArray
    reason: ObjArray
    monthly_cost_usd: FloatArray
    capacity: FloatArray
    """Model units or instances bought; NaN for pay-per-token options."""
    capacity_unit: str
    utilization_fraction: FloatArray
    components: list[Component] = field(default_factory=list)


def first_reason(*reasons: ObjArray) -> ObjArray:
    """Element-wise the first non-empty reason among several arrays of the same shape."""
    out = reasons[0].copy()
    for more in reasons[1:]:
        empty = out == ""
        out[empty] = more[empty]
    return out


def reason_where(mask: BoolArray, prefix: str, labels: ObjArray, suffix: str = "") -> ObjArray:
    """Reasons `prefix + label + suffix` where `mask`, "" elsewhere (vectorized)."""
    out = empty_objects(mask.shape[0])
    if mask.any():
        out[mask] = np.char.add(np.char.add(prefix, labels[mask].astype(str)), suffix).astype(
            object
        )
    return out


def sum_components(components: list[Component], size: int) -> FloatArray:
    total = np.zeros(size)
    for component in components:
        total = total + component.usd
    return total


def unpriced_reason(components: list[Component], labels: ObjArray, what: str) -> ObjArray:
    """A reason for each row where a component with a non-zero quantity has no price."""
    reasons = [
        reason_where(c.unpriced, f"no {what} price for {c.name.replace('_', ' ')} of ", labels)
        for c in components
    ]
    return first_reason(*reasons) if reasons else empty_objects(labels.shape[0])
