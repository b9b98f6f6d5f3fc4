"""An estimate JSON read back as a side of `diff`: checked before any figure of it is used.

A baseline comes from a pull request's base, a CI artefact or a colleague's laptop, so it is
validated like a scenario: its shape against the estimate document's published schema (the
same TypedDicts that write docs/schemas/estimate.schema.json, through pydantic in strict
mode), every number finite and within ±MAX_FIGURE, every money figure and quantity not
negative, and each scenario's bill consistent with itself (its lines add up to its priced
total, and so do its families). Each problem names the field path; all are reported at once.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from genai_cost.documents.estimate import EstimateDocument
from genai_cost.errors import BaselineError, Problem

MAX_FIGURE = 1e15
"""The largest number an estimate holds (a quadrillion dollars or tokens a month)."""
NOT_NEGATIVE = ("usd", "usd_per_unit", "quantity")
"""Fields (and every field ending `_usd`) that a genai-cost estimate never writes below 0."""
MAX_PROBLEMS = 20


@cache
def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(EstimateDocument)


def _where(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _numbers(value: Any, location: tuple[Any, ...], found: list[Problem], path: str) -> None:
    """Every number finite and within range; money and quantities not negative."""
    if len(found) >= MAX_PROBLEMS:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _numbers(item, (*location, key), found, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _numbers(item, (*location, index), found, path)
    elif isinstance(value, float | int) and not isinstance(value, bool):
        field = str(location[-1]) if location else ""
        if not math.isfinite(value) or abs(value) > MAX_FIGURE:
            found.append(
                Problem(
                    f"{value!r} is not a finite figure within ±1e15",
                    path,
                    field_path=_where(location),
                )
            )
        elif value < 0 and (field in NOT_NEGATIVE or field.endswith("_usd")):
            found.append(
                Problem(
                    f"{value!r}: an estimate never holds a negative {field}",
                    path,
                    field_path=_where(location),
                )
            )


def _consistent(document: EstimateDocument, found: list[Problem], path: str) -> None:
    """Each bill's lines and families add up to its priced total (each figure is rounded to
    1e-6 USD when written, hence the tolerance)."""
    for s, scenario in enumerate(document["scenarios"]):
        bill = scenario["bill"]
        priced = bill["priced_monthly_cost_usd"]
        lines = math.fsum(c["usd"] or 0.0 for c in bill["components"])
        families = math.fsum(f["priced_monthly_cost_usd"] for f in bill["families"])
        tolerance = 0.01 + 1e-6 * (len(bill["components"]) + len(bill["families"]))
        where = f"scenarios[{s}].bill"
        for what, figure in (("lines", lines), ("families", families)):
            if abs(figure - priced) > tolerance:
                found.append(
                    Problem(
                        f"its {what} add up to ${figure:,.2f}, not the priced total ${priced:,.2f}",
                        path,
                        field_path=where,
                    )
                )
        total = bill["total_monthly_cost_usd"]
        if bill["complete"] and (total is None or abs(total - priced) > tolerance):
            found.append(
                Problem(
                    "a complete bill's total must equal its priced total", path, field_path=where
                )
            )


def validate_baseline(document: Any, path: str) -> EstimateDocument:
    """`document` (parsed JSON) as an estimate document, or a BaselineError listing what is
    wrong with it."""
    from pydantic import ValidationError

    try:
        checked: EstimateDocument = _adapter().validate_python(document, strict=True)
    except ValidationError as exc:
        refused = [
            Problem(
                f"{error['msg'].lower()} (got {str(error.get('input'))[:60]!r})",
                path,
                field_path=_where(tuple(error["loc"])),
            )
            for error in exc.errors()[:MAX_PROBLEMS]
        ]
        raise BaselineError(refused) from None
    problems: list[Problem] = []
    _numbers(checked, (), problems, path)
    if not problems:
        _consistent(checked, problems, path)
    if problems:
        raise BaselineError(problems[:MAX_PROBLEMS])
    return checked
