"""Tables for the BI stack: a report's rows as Parquet, and the Athena DDL that reads them.

Each document kind with a table has a fixed schema (column names and types), so an Athena
table created once (`genai-cost export athena-ddl`) reads every later export; allocation
tables add one text column per `--by` key, in the order given. Parquet is written by DuckDB
(no pyarrow needed), Snappy-compressed as Athena expects by default.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from genai_cost.errors import ArgumentError, InputFileError
from genai_cost.report.blocks import Report

Schema = list[tuple[str, str]]
"""(column, DuckDB type) in order."""

ESTIMATE_TYPES = {
    "feasible": "BOOLEAN",
    "cheapest": "BOOLEAN",
    "quantity": "DOUBLE",
    "usd_per_unit": "DOUBLE",
    "monthly_cost_usd": "DOUBLE",
    "cost_per_1k_requests_usd": "DOUBLE",
    "cost_per_1m_tokens_usd": "DOUBLE",
    "capacity": "DOUBLE",
    "utilization_fraction": "DOUBLE",
}
COUNTS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_write_input_tokens")


def _estimate(document: Any) -> tuple[Schema, Iterable[Sequence[Any]]]:
    from genai_cost.report.csv_report import COLUMNS, EstimateRows, _rows

    rows = document.rows() if isinstance(document, EstimateRows) else _rows(document)
    return [(c, ESTIMATE_TYPES.get(c, "VARCHAR")) for c in COLUMNS], rows


def _keyed(numeric: Schema) -> Callable[[Any], tuple[Schema, Iterable[Sequence[Any]]]]:
    def table(document: Any) -> tuple[Schema, Iterable[Sequence[Any]]]:
        schema = [(name, "VARCHAR") for name in document["by"]] + numeric
        rows = ([row.get(c) for c, _ in schema] for row in document["rows"])
        return schema, rows

    return table


def _reconcile(document: Any) -> tuple[Schema, Iterable[Sequence[Any]]]:
    schema: Schema = [
        ("tenant", "VARCHAR"),
        ("logs_usd", "DOUBLE"),
        ("bill_token_usd", "DOUBLE"),
        ("token_difference_usd", "DOUBLE"),
        ("bill_other_usd", "DOUBLE"),
        ("bill_usd", "DOUBLE"),
        ("logs_tokens", "BIGINT"),
        ("bill_tokens", "BIGINT"),
        ("explanation", "VARCHAR"),
    ]
    return schema, ([row[c] for c, _ in schema] for row in document["rows"])


TABLES: dict[str, Callable[[Any], tuple[Schema, Iterable[Sequence[Any]]]]] = {
    "estimate": _estimate,
    "allocation": _keyed(
        [
            ("requests", "BIGINT"),
            *((c, "BIGINT") for c in COUNTS),
            ("capacity_usd", "DOUBLE"),
            ("cost_usd", "DOUBLE"),
            ("share", "DOUBLE"),
        ]
    ),
    "cur-allocation": _keyed(
        [
            *((c, "BIGINT") for c in COUNTS),
            ("token_cost_usd", "DOUBLE"),
            ("other_cost_usd", "DOUBLE"),
            ("cost_usd", "DOUBLE"),
            ("line_items", "BIGINT"),
            ("share", "DOUBLE"),
        ]
    ),
    "reconcile": _reconcile,
}
"""Document kinds with a Parquet table: the estimate's rows (as its CSV), allocations from
logs or the bill, and the reconciliation."""


def render_parquet(kind: str, document: Any) -> bytes:
    """The document's record table as Parquet bytes (an estimate made from its arrays as
    blocks of columns, not a list per row)."""
    from genai_cost.report.csv_report import EstimateRows

    schema, rows = TABLES[kind](document)
    if kind == "estimate" and isinstance(document, EstimateRows):
        return _parquet_frame(schema, _blocks_frame(schema, document.blocks()))
    return _parquet(schema, rows)


def report_parquet(report: Report) -> bytes:
    """A report's tables as Parquet: a `record` column naming each row's table, then the
    union of the tables' columns, typed by their kind (money and shares DOUBLE, counts
    BIGINT, text VARCHAR; a figure column holding words is VARCHAR)."""
    from genai_cost.report.formats import RECORD, SECTION, data_rows

    columns, rows = data_rows(report)
    schema: Schema = [(RECORD, "VARCHAR"), (SECTION, "VARCHAR")]
    for k, column in enumerate(columns, 2):
        values = [row[k] for row in rows if row[k] is not None]
        if not column.numeric or any(isinstance(v, str) for v in values):
            kind = "VARCHAR"
        elif column.kind == "count" and all(isinstance(v, int) for v in values):
            kind = "BIGINT"
        else:
            kind = "DOUBLE"
        schema.append((column.name, kind))
    return _parquet(schema, rows)


ROWS_AT_A_TIME = 250_000
"""Rows turned into typed columns and handed to DuckDB at a time (a large estimate's rows
are never all held as Python lists and columns at once)."""


def _frame(schema: Schema, rows: list[Sequence[Any]]) -> Any:
    """Rows as a DataFrame, column by column, typed where the schema says so (pandas'
    nullable arrays keep None as NULL; an object frame cast by DuckDB value by value was most
    of a large export)."""
    import pandas as pd

    names = [name for name, _ in schema]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    data = {
        name: _typed(list(values), kind)
        for (name, kind), values in zip(schema, columns, strict=True)
    }
    return pd.DataFrame(data, columns=names)


def _blocks_frame(schema: Schema, blocks: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Blocks of columns (lists, or NumPy arrays where a float array's NaN is null) joined
    into one NumPy array per column, which DuckDB reads as a table as it writes (a float
    column's NaN is NULL to it, an object column's None too). Each column is joined once and
    its blocks' arrays let go (no other copy is made; no pandas); a column with nothing in
    any block is left out (NULL throughout, `_parquet_frame`)."""
    import numpy as np

    parts: dict[str, list[Any]] = {name: [] for name, _ in schema}
    for block in blocks:
        for name, kind in schema:
            values = block.pop(name)
            parts[name].append(values if isinstance(values, np.ndarray) else _array(values, kind))
    data: dict[str, Any] = {}
    for name, kind in schema:
        column = parts.pop(name)
        if column and all(_all_null(part) for part in column):
            continue  # nothing in it: left out, and written as NULL (`_parquet_frame`)
        if kind == "DOUBLE" and any(part.dtype == np.float64 for part in column):
            # a block's column of nothing but None joins the others' floats as NaN (not
            # as a float object per value)
            column = [
                np.full(part.shape, np.nan) if part.dtype == object and _all_none(part) else part
                for part in column
            ]
        data[name] = np.concatenate(column) if column else np.empty(0, dtype=object)
        del column
    return data


def _all_null(values: Any) -> bool:
    """Whether a block's column holds nothing: every float NaN, or every object None."""
    import numpy as np

    if values.dtype == np.float64:
        return bool(np.isnan(values).all())
    return values.dtype == object and _all_none(values)


def _all_none(values: Any) -> bool:
    if values.size and values[0] is not None:  # most columns answer at their first cell
        return False
    cells: list[Any] = values.tolist()
    return cells.count(None) == len(cells)


def _array(values: list[Any], kind: str) -> Any:
    """A list of cells as an array: floats for a DOUBLE column of numbers and None (NaN for
    None: null), else objects (DuckDB's cast decides, as for rows)."""
    import numpy as np

    if kind == "DOUBLE":
        try:
            return np.array(values, dtype=np.float64)  # None is NaN
        except (TypeError, ValueError):
            pass
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _typed(values: Any, kind: str) -> Any:
    import pandas as pd

    dtype = {"DOUBLE": "Float64", "BOOLEAN": "boolean", "BIGINT": "Int64"}.get(kind)
    try:
        return pd.array(values, dtype=dtype if dtype else object)
    except (TypeError, ValueError):  # a value of another kind: DuckDB's cast decides
        return pd.array(values, dtype=object)


def _parquet(schema: Schema, rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows as a Parquet file's bytes: cast to the schema's types by DuckDB,
    ROWS_AT_A_TIME rows at a time into one table, then written (Snappy)."""
    import itertools

    import duckdb

    columns = ", ".join(f"{_ident(n)} {t}" for n, t in schema)
    select = ", ".join(f"CAST(frame.{_ident(n)} AS {t})" for n, t in schema)
    connection = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="genai-cost-parquet-") as folder:
        path = os.path.join(folder, "table.parquet")
        try:
            connection.execute(f"CREATE TABLE report ({columns})")
            iterator = iter(rows)
            while chunk := list(itertools.islice(iterator, ROWS_AT_A_TIME)):
                connection.register("frame", _frame(schema, chunk))
                connection.execute(f"INSERT INTO report SELECT {select} FROM frame")
                connection.unregister("frame")
            connection.execute(
                f"COPY report TO {_literal(path)} (FORMAT parquet, COMPRESSION snappy)"
            )
        finally:
            connection.close()
        return Path(path).read_bytes()


def _parquet_frame(schema: Schema, frame: dict[str, Any]) -> bytes:
    """One table (a dict of NumPy arrays, `_blocks_frame`) as a Parquet file's bytes, cast
    to the schema's types by DuckDB as it reads the table and writes the file (no table in
    between); a column of the schema the dict lacks is NULL in every row."""
    import duckdb

    select = ", ".join(
        f"CAST({f'frame.{_ident(n)}' if n in frame else 'NULL'} AS {t}) AS {_ident(n)}"
        for n, t in schema
    )
    connection = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="genai-cost-parquet-") as folder:
        path = os.path.join(folder, "table.parquet")
        try:
            connection.execute("SET threads = 1")
            connection.register("frame", frame)
            connection.execute(
                f"COPY (SELECT {select} FROM frame) TO {_literal(path)} "
                "(FORMAT parquet, COMPRESSION snappy)"
            )
        finally:
            connection.close()
        return Path(path).read_bytes()


ATHENA_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "FLOAT": "float",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
}


def parquet_schema(path: Path) -> Schema:
    """Column names and DuckDB types of a Parquet file."""
    import duckdb

    connection = duckdb.connect()
    try:
        described = connection.execute(
            f"DESCRIBE SELECT * FROM read_parquet({_literal(str(path))})"
        ).fetchall()
    except duckdb.Error as exc:
        message = str(exc).split("\n")[0]
        raise InputFileError.at(str(path), f"cannot read as Parquet: {message}") from None
    finally:
        connection.close()
    return [(str(r[0]), str(r[1])) for r in described]


_ATHENA_COLUMN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:./ -]{0,254}")
"""Column names put in the DDL: letters, digits, `_ : . / -` and spaces (a `--by tag:team`
column), at most 255 characters; never a backtick, quote, `;`, control character or line break."""
_S3_LOCATION = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[A-Za-z0-9!_.*()/=-]*)?")
"""An S3 folder: a bucket name by S3's naming rules, and a key prefix of the characters S3
calls safe (no quote, backtick, `;`, space, control character or line break)."""


def athena_ddl(schema: Schema, table: str, location: str) -> str:
    """CREATE EXTERNAL TABLE for Parquet files with `schema` under `location` (s3://…/).

    Column names come from a file someone else may have written, and the location from the
    command line: both are checked against what Athena and S3 accept and refused otherwise
    (never stripped), so nothing in them can end the statement or add another."""
    if not _S3_LOCATION.fullmatch(location):
        raise ArgumentError(
            f"«location» {location!r}: expected s3://bucket/prefix/ (a bucket name of lower-case "
            "letters, digits, dots and hyphens; a prefix of letters, digits and ! _ . * ( ) / = -)"
        )
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", table):
        raise ArgumentError(
            f"«table» {table!r}: Athena table names are letters, digits and underscores, "
            "starting with a letter"
        )
    columns = []
    for name, kind in schema:
        if not _ATHENA_COLUMN.fullmatch(name):
            raise ArgumentError(
                f"column {name!r}: not a column name Athena accepts in this DDL (letters, "
                "digits, _ : . / - and spaces, at most 255 characters)"
            )
        athena = ATHENA_TYPES.get(kind.upper())
        if athena is None:
            raise ArgumentError(f"column {name!r} has type {kind}, which has no Athena type here")
        columns.append(f"  `{name}` {athena}")
    folder = location if location.endswith("/") else location + "/"
    return (
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `{table}` (\n"
        + ",\n".join(columns)
        + "\n)\nSTORED AS PARQUET\n"
        + f"LOCATION '{folder}'\n"
        + "TBLPROPERTIES ('parquet.compression' = 'SNAPPY');\n"
    )


def _literal(text: str) -> str:
    """A SQL string literal (a quote inside doubled): paths such as `TMPDIR` may hold one."""
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
