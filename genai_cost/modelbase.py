"""Base class and constrained number types shared by every user-facing pydantic model.

Numbers are strict: a YAML boolean (`yes`, `true`) or a quoted string ("100") where a number
goes is an error, never coerced to 1 or 100. Whole-number fields take integers only; other
numbers take integers or decimals. NaN and infinity are rejected everywhere.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""Any finite number (an integer or a decimal; never a boolean or a string)."""
Whole = Annotated[int, Field(strict=True)]
"""A whole number (never a boolean, a decimal or a string)."""
NonNegative = Annotated[Number, Field(ge=0)]
Positive = Annotated[Number, Field(gt=0)]
Fraction = Annotated[Number, Field(gt=0, le=1)]


class Strict(BaseModel):
    """Unknown fields are errors; values are frozen; NaN and infinity are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)
