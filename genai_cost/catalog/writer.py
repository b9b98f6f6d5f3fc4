"""Writing a snapshot folder: CSV tables in the bundled column order, and the manifest."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import yaml

from genai_cost.catalog.columns import PARSERS
from genai_cost.catalog.snapshot import TABLE_FILES


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table_text(table: str, rows: list[Any]) -> str:
    """A price or reference table as CSV text, columns as the loader expects them."""
    columns = list(PARSERS[table])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        record = dataclasses.asdict(row)
        writer.writerow([_cell(record[c]) for c in columns])
    return buffer.getvalue()


def write_snapshot(directory: Path, manifest: dict[str, Any], tables: dict[str, str]) -> None:
    """Write `manifest.yaml` and the given table texts (table name -> CSV) into `directory`."""
    directory.mkdir(parents=True)
    header = (
        "# genai-cost pricing snapshot manifest. Every table row names a `source` key "
        'defined below.\n# An empty price cell means "no public price found" — never '
        "zero.\n"
    )
    (directory / "manifest.yaml").write_text(
        header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    for table, text in tables.items():
        (directory / TABLE_FILES[table]).write_text(text, encoding="utf-8")
