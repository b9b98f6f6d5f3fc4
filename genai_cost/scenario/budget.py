"""Monthly budgets with graduated alert thresholds.

Defined once and used by scenario budgets (`genai-cost check`) and, later, tenant budgets.
Thresholds are percentages because that is how people write them (50 / 80 / 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from genai_cost.modelbase import Number, Positive, Strict
from genai_cost.units import FLOAT_TOLERANCE

Level = Literal["ok", "alert", "fail"]
"""How a spend compares with a budget."""

Percent = Annotated[Number, Field(gt=0, le=1000)]


class Budget(Strict):
    """A monthly budget: alerts when spend crosses each threshold, a failure at the last."""

    monthly_usd: Positive
    """The budget, USD per 730-hour month."""
    alert_at_percent: tuple[Percent, ...] = (50.0, 80.0, 100.0)
    """Graduated thresholds, as percentages of the budget, reported when reached."""
    fail_at_percent: Percent = 100.0
    """Spend at or above this share of the budget fails the check (exit code 1)."""

    @field_validator("alert_at_percent")
    @classmethod
    def _sorted_unique(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("alert_at_percent needs at least one threshold")
        if tuple(sorted(set(value))) != value:
            raise ValueError("alert_at_percent must be increasing, without repeats")
        return value

    @model_validator(mode="after")
    def _fail_is_a_threshold(self) -> Budget:
        if self.fail_at_percent < self.alert_at_percent[0]:
            raise ValueError("fail_at_percent is below every alert threshold")
        return self


@dataclass(frozen=True)
class BudgetStatus:
    """How a monthly spend compares with a budget."""

    budget: Budget
    spend_usd: float

    @property
    def used_percent(self) -> float:
        return self.spend_usd / self.budget.monthly_usd * 100.0

    @property
    def crossed_percent(self) -> list[float]:
        """Alert thresholds reached (spend >= threshold), lowest first."""
        used = self.used_percent
        return [t for t in self.budget.alert_at_percent if used >= t - FLOAT_TOLERANCE]

    @property
    def failed(self) -> bool:
        return self.used_percent >= self.budget.fail_at_percent - FLOAT_TOLERANCE

    @property
    def level(self) -> Level:
        """`fail`, `alert` (some threshold reached) or `ok`."""
        if self.failed:
            return "fail"
        return "alert" if self.crossed_percent else "ok"
