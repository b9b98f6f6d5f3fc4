"""The columns of each snapshot table, how each cell is parsed, and the row type it builds.

Every parser takes the cell's text and where it is (`file:line: column`) and raises a
SnapshotError naming that place; an empty price cell is "no public price" (None), never 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing
from collections.abc import Callable
from typing import Any

from genai_cost.catalog.tables import (
    BedrockModel,
    CustomizationPrice,
    Dated,
    InstancePrice,
    InstanceType,
    OnDemandPrice,
    PriceConflict,
    ProvisionedPrice,
    ServiceLimit,
    ServicePrice,
    ThroughputBenchmark,
    UnitPrice,
)
from genai_cost.errors import SnapshotError


def parse_date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SnapshotError(f"{where}: expected a date YYYY-MM-DD, got {text!r}") from None


def _parse_optional_date(text: str, where: str) -> dt.date | None:
    return parse_date(text, where) if text.strip() else None


def _parse_price(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SnapshotError(f"{where}: expected a finite number >= 0, got {text!r}")
    return value


def _required_price(text: str, where: str) -> float:
    value = _parse_price(text, where)
    if value is None:
        raise SnapshotError(f"{where}: a price is required in this table")
    return value


def _parse_bool(text: str, where: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    raise SnapshotError(f"{where}: expected true or false, got {text!r}")


def _choice(options: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(text: str, where: str) -> str:
        if text not in options:
            raise SnapshotError(f"{where}: expected one of {', '.join(options)}, got {text!r}")
        return text

    return parse


def _text(text: str, where: str) -> str:
    return text.strip()


def nonempty(text: str, where: str) -> str:
    if not text.strip():
        raise SnapshotError(f"{where}: must not be empty")
    return text.strip()


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected a whole number, got {text!r}") from None


ROW_TYPES: dict[str, type] = {
    "bedrock_models": BedrockModel,
    "bedrock_on_demand": OnDemandPrice,
    "bedrock_provisioned": ProvisionedPrice,
    "instance_types": InstanceType,
    "instance_prices": InstancePrice,
    "self_hosted_throughput": ThroughputBenchmark,
    "service_prices": ServicePrice,
    "service_limits": ServiceLimit,
    "bedrock_customization": CustomizationPrice,
    "price_conflicts": PriceConflict,
    "bedrock_unit_prices": UnitPrice,
}
"""Each snapshot table and the row type that declares its columns (catalog/tables.py)."""


def _parser(kind: Any) -> Callable[[str, str], Any]:
    """How a cell of a field of type `kind` is read."""
    if typing.get_origin(kind) is typing.Annotated:
        base, *marks = typing.get_args(kind)
        return _text if base is str and "may be empty" in marks else _parser(base)
    if typing.get_origin(kind) is typing.Literal:
        return _choice(tuple(typing.get_args(kind)))
    optional = type(None) in typing.get_args(kind)
    base = next((a for a in typing.get_args(kind) if a is not type(None)), kind)
    simple: dict[Any, Callable[[str, str], Any]] = {
        bool: _parse_bool,
        int: _int,
        str: nonempty,
        float: _parse_price if optional else _required_price,
        dt.date: _parse_optional_date if optional else parse_date,
    }
    if base not in simple:
        raise TypeError(f"no cell parser for a field of type {kind!r}")
    return simple[base]


def _columns(row_type: type) -> list[dataclasses.Field[Any]]:
    """The row type's fields in column order: its own, then the provenance of a dated row."""
    own = dataclasses.fields(row_type)
    if not issubclass(row_type, Dated):
        return list(own)
    dated = {f.name for f in dataclasses.fields(Dated)}
    return [f for f in own if f.name not in dated] + list(dataclasses.fields(Dated))


def _parsers(row_type: type) -> dict[str, Callable[[str, str], Any]]:
    hints = typing.get_type_hints(row_type, include_extras=True)
    return {f.name: _parser(hints[f.name]) for f in _columns(row_type)}


PARSERS: dict[str, dict[str, Callable[[str, str], Any]]] = {
    table: _parsers(row_type) for table, row_type in ROW_TYPES.items()
}
"""Each table's columns, in the order the writer writes them, and how each cell is read."""

OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {
    table: defaults
    for table, row_type in ROW_TYPES.items()
    if (
        defaults := {
            f.name: "" if f.default is None else str(f.default)
            for f in _columns(row_type)
            if f.default is not dataclasses.MISSING
        }
    )
}
"""Columns added after the first snapshots (fields with a default), with the value a table
without them means (a snapshot written before them still loads; the writer always writes
them)."""
