"""Reading the bill's files: each file checked on its own, one DuckDB (or Spark) pass per
layout, and every cell that cannot be read counted as a problem.

The SQL a pass runs — the keys, the cost bases, what counts as generative-AI spend — is in
tracking/cur.py; this module opens the files (literally by name, each with its required
columns and number types), runs the pass and turns what DuckDB says into messages a user can
act on (a header longer than any CUR's, a line over DuckDB's limit, a column of the wrong type).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from genai_cost.errors import ArgumentError, LogsError
from genai_cost.tracking.cur import (
    COST_BASES,
    LEGACY,
    REQUIRED,
    CurKey,
    Layout,
    _source,
    _text,
    cost_sql,
    usage_sql,
    valid,
)


@dataclass
class CurUsage:
    """Generative-AI spend summed by key, day and token kind (a pandas DataFrame with columns
    k0…kn, day, token_kind, line_items, cost, tokens), and what was left out."""

    frame: Any
    line_items: int
    other_line_items: int
    other_cost: float
    undated: int
    unknown_units: int
    files: int
    excluded: int = 0
    """Generative-AI line items of an excluded type (`--exclude credit,refund,tax`)."""
    excluded_cost: float = 0.0
    bad_cost: int = 0
    """Line items whose cost cell is empty, not a number, NaN, infinite or out of range."""
    bad_usage: int = 0
    """Bedrock token line items whose usage amount is unreadable (their tokens not counted)."""
    examples: tuple[str, ...] = ()
    """A few unreadable cells as `file: column 'text'`."""
    by_product_code: tuple[ProductCodeTotal, ...] = ()
    """Every product code read, with what was selected as generative-AI spend and what was
    left out (line items and cost)."""


@dataclass(frozen=True)
class ProductCodeTotal:
    product_code: str
    selected: bool
    line_items: int
    cost_usd: float


MAX_HEADER_BYTES = 1 << 20
"""The longest header line read when telling CUR layouts apart (CUR 2.0 has ~130 columns)."""
NUMBER_TYPES = frozenset(
    ("DOUBLE", "FLOAT", "REAL", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT",
     "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "VARCHAR")
)  # fmt: skip
"""Parquet column types a cost or usage amount may have (text is parsed cell by cell)."""
NUMBER_COLUMNS = (
    "line_item_usage_amount",
    "line_item_unblended_cost",
    "line_item_net_unblended_cost",
)


def _csv_header(path: str, shown: str) -> list[str]:
    """The header row of a CSV (gzip'd or not), read with a bound: a file whose first line is
    longer than MAX_HEADER_BYTES is not a Cost and Usage Report, whatever it unpacks to."""
    opener: Any = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline(MAX_HEADER_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LogsError.at(shown, f"cannot read this file: {exc}") from None
    if len(first) > MAX_HEADER_BYTES:
        raise LogsError.at(
            shown,
            f"the first line is longer than {MAX_HEADER_BYTES:,} characters: not a Cost and "
            "Usage Report header",
        )
    import csv

    try:
        return next(csv.reader([first]), [])
    except csv.Error as exc:
        raise LogsError.at(
            shown, f"cannot read the header row ({exc}): not a Cost and Usage Report"
        ) from None


def _check_columns(layout: Layout, path: str, types: dict[str, str] | None = None) -> None:
    """One file's columns: every required one present, numbers in a numeric or text type."""
    missing = [c for c in REQUIRED if not layout.has(c)]
    if missing:
        shown = [LEGACY[c] if layout.kind == "legacy" else c for c in missing]
        raise LogsError.at(
            path,
            f"not a Cost and Usage Report: no column {', '.join(shown)}",
            hint="CUR 2.0 (Data Exports) or the legacy CUR, with AWS's column names",
        )
    for column in NUMBER_COLUMNS:
        kind = (types or {}).get(column)
        if kind is not None and kind.upper().split("(")[0] not in NUMBER_TYPES | {"DECIMAL"}:
            raise LogsError.at(
                path, f"column {column} is of type {kind}; expected a number (DOUBLE or DECIMAL)"
            )


def layouts(
    connection: Any, files: Sequence[str], shown: dict[str, str] | None = None
) -> list[tuple[Layout, list[str]]]:
    """Group the files by how they name their columns (Parquet, CUR 2.0 CSV, legacy CSV);
    each file is checked on its own (a file without a cost column is refused, not billed $0
    because another file of its folder has one)."""
    import duckdb

    names = shown or {}
    groups: dict[str, list[str]] = {}
    columns: dict[str, set[str]] = {}
    for f in files:
        name = names.get(f, f)
        if f.endswith(".parquet"):
            kind = "parquet"
            try:
                described = connection.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_text(f)})"
                ).fetchall()
            except duckdb.Error as exc:  # an unreadable or foreign file
                raise LogsError.at(name, f"cannot read as Parquet: {_message(exc)}") from None
            types = {str(row[0]): str(row[1]) for row in described}
            _check_columns(Layout("parquet", frozenset(types)), name, types)
            header = list(types)
        else:
            header = _csv_header(f, name)
            kind = "legacy" if any("/" in h for h in header) else "csv2"
            _check_columns(Layout(kind, frozenset(header)), name)  # type: ignore[arg-type]
        columns.setdefault(kind, set()).update(header)
        groups.setdefault(kind, []).append(f)
    return [
        (Layout(kind, frozenset(columns[kind])), members)  # type: ignore[arg-type]
        for kind, members in groups.items()
    ]


def _message(exc: Exception) -> str:
    """DuckDB's first line and its reason (its suggestions about its own options are not the
    user's)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0]
    too_long = [
        m for m in (re.search(r"Maximum line size of (\d+) bytes", ln) for ln in lines) if m
    ]
    if too_long:
        return f"{text}: a line longer than {int(too_long[0].group(1)):,} bytes"
    if "sniffing file" in text:
        return text + " (not a well-formed CSV: an unterminated quote or rows of different lengths)"
    if "CSV Error" in text:
        reason = next((ln for ln in lines[1:] if not ln.startswith("Original Line")), "")
        return f"{text}: {reason[:200]}" if reason else text
    return text


def read_cur(
    files: Sequence[Path],
    keys: Sequence[CurKey],
    *,
    basis: str = "unblended",
    services: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> CurUsage:
    """Sum the bill's generative-AI spend by `keys`, day and token kind (DuckDB)."""
    import tempfile

    import duckdb
    import pandas as pd

    from genai_cost.tracking.logs import _memory_limit, _sql_path, execute_with_progress
    from genai_cost.tracking.sources import literal_paths

    if basis not in COST_BASES:
        raise ArgumentError(f"«cost» {basis!r}: expected one of {', '.join(COST_BASES)}")
    if not files:
        raise LogsError.at("", "no Cost and Usage Report files to read")
    frames = []
    with tempfile.TemporaryDirectory(prefix="genai-cost-cur-") as folder:
        # file names are read literally: a file named `*.csv` must not read its neighbours
        paths, shown = literal_paths([str(Path(f).resolve()) for f in files], Path(folder))
        for path, asked in zip(paths, files, strict=True):
            shown[path] = str(asked)
        connection = duckdb.connect()
        try:
            # days are UTC days whatever the machine's zone (a zone-aware Parquet timestamp
            # is otherwise cast to the local date: 1 November 00:00 UTC is 31 October in LA)
            connection.execute("SET TimeZone = 'UTC'")
            connection.execute("SET preserve_insertion_order = false")
            connection.execute(f"SET memory_limit = '{_memory_limit()}'")
            connection.execute(f"SET temp_directory = '{_sql_path(folder)}'")
            examples: list[str] = []
            groups = layouts(connection, paths, shown)
            for layout, members in groups:
                first = shown[members[0]]
                if basis.startswith("net-") and not layout.has("line_item_net_unblended_cost"):
                    raise LogsError.at(
                        first,
                        f"«cost» {basis}: this bill has no net unblended cost column",
                        hint="use «cost» unblended or amortized",
                    )
                source = _source(layout, members)
                sql = usage_sql(layout, source, keys, basis, services, exclude)
                try:  # in a worker thread: Ctrl-C stops the query whatever the handlers
                    execute_with_progress(
                        connection, f"CREATE OR REPLACE TEMP TABLE cur_pass AS {sql}", None,
                        "Reading the bill",
                    )  # fmt: skip
                    frame = connection.execute("SELECT * FROM cur_pass").df()
                    if int(frame["bad_cost"].sum()) or int(frame["bad_usage"].sum()):
                        examples += _bad_cells(connection, layout, members, basis, shown)
                except RuntimeError as exc:  # DuckDB's answer to Ctrl-C during a query
                    if "interrupted" in str(exc).lower():
                        raise KeyboardInterrupt from None
                    raise
                except duckdb.Error as exc:
                    long = _file_with_a_long_line(members) if layout.kind != "parquet" else None
                    if long is not None:  # DuckDB's sniffer says only "cannot sniff" then
                        raise LogsError.at(
                            shown[long],
                            f"a line longer than {CSV_LINE_BYTES:,} bytes: not a Cost and "
                            "Usage Report line",
                        ) from None
                    raise LogsError.at(
                        first, f"cannot read the Cost and Usage Report: {_message(exc)}"
                    ) from None
                frames.append(frame)
            whole = pd.concat(frames, ignore_index=True)

            def present(kind: str) -> set[str]:
                def run(sql: str) -> list[Any]:
                    return list(connection.execute(sql).fetchall())

                found: set[str] = set()
                for layout, members in groups:
                    found |= _keys_present(run, layout, _source(layout, members), kind)
                return found

            _require_map_keys(present, keys, whole)
        finally:
            connection.close()
    usage = _usage_of(whole, len(paths))
    usage.examples = tuple(examples[:3])
    return usage


MAP_KEYS = {
    "tag": ("resource_tags", "resourceTags/"),
    "principal-tag": ("tags", "iamPrincipal/"),
    "cost-category": ("cost_category", "costCategory/"),
}
"""Per prefixed key kind: the CUR 2.0 map it is read from, and the prefix of its entries in
the `tags` map and in legacy column headers."""


def _keys_present(
    run: Callable[[str], list[Any]], layout: Layout, source: str, kind: str
) -> set[str]:
    """The keys of the kind the bill holds (map keys, or legacy column names); `run` runs a
    query in the engine's dialect over `source` (a DuckDB reader or a Spark view)."""
    column, prefix = MAP_KEYS[kind]
    if layout.kind == "legacy":
        return {c.removeprefix(prefix) for c in layout.columns if c.startswith(prefix)}
    found: set[str] = set()
    for name, strip in ((column, ""), ("tags", prefix)):
        if not layout.has(name) or (name == column == "tags" and not strip):
            continue
        m = layout.ident(name)
        if layout.kind == "parquet":
            keys = f"map_keys({m})"
        elif layout.dialect == "spark":
            keys = f"json_object_keys({m})"
        else:
            keys = f"CASE WHEN json_valid({m}) THEN json_keys({m}) END"
        unnest = "explode" if layout.dialect == "spark" else "unnest"
        rows = run(f"SELECT DISTINCT {unnest}({keys}) AS k FROM {source} LIMIT 1000")
        found |= {
            str(r[0]).removeprefix(strip) for r in rows if r[0] and str(r[0]).startswith(strip)
        }
    if kind == "tag" and not layout.has(column) and not layout.has("tags"):
        found |= {
            c.removeprefix("resource_tags_")
            for c in layout.columns
            if c.startswith("resource_tags_")
        }
    return found


def _require_map_keys(
    present: Callable[[str], set[str]], keys: Sequence[CurKey], whole: Any
) -> None:
    """A tag, principal tag or cost category that no generative-AI line item carries is
    bad input naming the keys the bill does hold (`present(kind)`) — never every dollar in
    `(untagged)`."""
    ai = whole[whole["gen_ai"].fillna(False).astype(bool) & whole["day"].notna()]
    if not len(ai):
        return
    for i, key in enumerate(keys):
        if key.kind not in MAP_KEYS or ai[f"k{i}"].notna().any():
            continue
        listed = sorted(present(key.kind))
        from genai_cost.modelfile import suggest

        shown = ", ".join(listed[:20]) + (" …" if len(listed) > 20 else "") if listed else "none"
        hint = suggest(key.field, listed) if listed else ""
        what = {"tag": "resource tags", "principal-tag": "principal tags"}.get(
            key.kind, "cost categories"
        )
        raise ArgumentError(
            f"{key.kind}:{key.field}: no generative-AI line item carries it, so every dollar "
            "would be "
            f"(untagged); the bill's {what} are: {shown}"
            + (f" ({hint})" if hint else "")
            + ("" if listed else " (activate cost allocation tags in the Billing console)")
        )


CSV_LINE_BYTES = 2_000_000
"""DuckDB's longest CSV line (its `max_line_size` default)."""


def _file_with_a_long_line(paths: Sequence[str]) -> str | None:
    """The first file holding a line longer than CSV_LINE_BYTES (read in 1 MiB pieces; run
    only after a read failed, to say why)."""
    for path in paths:
        opener: Any = gzip.open if path.endswith(".gz") else open
        run = 0
        try:
            with opener(path, "rb") as handle:
                while piece := handle.read(1 << 20):
                    first = piece.find(b"\n")
                    if first < 0:
                        run += len(piece)
                    else:
                        if run + first > CSV_LINE_BYTES:
                            return path
                        run = len(piece) - piece.rfind(b"\n") - 1
                    if run > CSV_LINE_BYTES:
                        return path
        except (OSError, EOFError):
            continue
    return None


def _bad_cells(
    connection: Any, layout: Layout, members: list[str], basis: str, shown: dict[str, str]
) -> list[str]:
    """Up to three unreadable cost or usage cells as `file: column 'text'` (run only when
    the pass found some)."""
    column = (
        "line_item_net_unblended_cost" if basis.startswith("net-") else "line_item_unblended_cost"
    )
    amount = "line_item_usage_amount"
    sql = f"""
        SELECT filename, CAST({layout.col(column)} AS STRING), CAST({layout.col(amount)} AS STRING),
          {valid(cost_sql(layout, basis))}, {valid(layout.number(amount))}
        FROM {_source(layout, members, filename=True)}
        WHERE NOT {valid(cost_sql(layout, basis))} OR NOT {valid(layout.number(amount))}
        LIMIT 3
    """
    found = []
    for name, cost, usage, good_cost, _ in connection.execute(sql).fetchall():
        shown_column, text = (column, cost) if not good_cost else (amount, usage)
        text = "" if text is None else str(text)
        header = LEGACY.get(shown_column, shown_column) if layout.kind == "legacy" else shown_column
        found.append(f"{shown.get(str(name), str(name))}: {header} {str(text)[:40]!r}")
    return found


def _usage_of(frame: Any, files: int) -> CurUsage:
    """The summed rows of either engine as a CurUsage (generative-AI rows with a day)."""
    ai = frame[frame["gen_ai"].fillna(False).astype(bool)]
    dated = ai[ai["day"].notna()].copy()
    dated["day"] = dated["day"].astype(str).str[:10]
    for column in ("cost", "tokens"):
        dated[column] = dated[column].astype(float)
    counted = ["gen_ai", "other_cost", "undated", "unknown_units", "bad_cost", "bad_usage"]
    counted += ["excluded_items", "excluded_cost", "product_code"]
    excluded = int(frame["excluded_items"].sum())
    kept = dated.drop(columns=counted)
    if dated["product_code"].nunique() > 1:  # the same key and day under several codes
        by = [c for c in kept.columns if c.startswith("k") or c in ("day", "token_kind")]
        kept = kept.groupby(by, dropna=False, sort=False, as_index=False).sum()
    return CurUsage(
        frame=kept,
        line_items=int(frame["line_items"].sum()),
        other_line_items=int(frame.loc[~frame.index.isin(ai.index), "line_items"].sum()) - excluded,
        excluded=excluded,
        excluded_cost=float(frame["excluded_cost"].astype(float).sum()),
        other_cost=float(frame["other_cost"].astype(float).sum()),
        undated=int(frame["undated"].sum()),
        unknown_units=int(frame["unknown_units"].sum()),
        files=files,
        bad_cost=int(frame["bad_cost"].sum()),
        bad_usage=int(frame["bad_usage"].sum()),
        by_product_code=_by_product_code(frame),
    )


def _by_product_code(frame: Any) -> tuple[ProductCodeTotal, ...]:
    """What each product code contributed: its selected (generative-AI, not excluded) line
    items and cost, and its left-out ones (other spend, and excluded types)."""
    selected = frame["gen_ai"].fillna(False).astype(bool)
    work = frame.assign(
        selected=selected,
        money=frame["cost"].astype(float).where(selected, frame["other_cost"].astype(float)),
        items=frame["line_items"] - frame["excluded_items"].where(~selected, 0),
    )
    totals = work.groupby(["product_code", "selected"], dropna=False, sort=True)[
        ["items", "money"]
    ].sum()
    found = [
        ProductCodeTotal(str(code or "(none)"), bool(chosen), int(items), float(money))
        for (code, chosen), items, money in zip(
            totals.index, totals["items"], totals["money"], strict=True
        )
        if items > 0
    ]
    return tuple(sorted(found, key=lambda t: (not t.selected, -abs(t.cost_usd), t.product_code)))


def read_cur_spark(
    paths: Sequence[str],
    keys: Sequence[CurKey],
    *,
    basis: str = "unblended",
    services: Sequence[str] = (),
    exclude: Sequence[str] = (),
    verbose: bool = False,
) -> CurUsage:
    """`read_cur` on Apache Spark: the same SQL (in Spark's dialect) over the same files, for
    bills that outgrow one machine; `s3://` paths go to the cluster's S3 connector."""
    import pandas as pd

    from genai_cost.tracking.spark import _cause, _session

    if basis not in COST_BASES:
        raise ArgumentError(f"«cost» {basis!r}: expected one of {', '.join(COST_BASES)}")
    if not paths:
        raise LogsError.at("", "no Cost and Usage Report files to read")
    import tempfile

    from genai_cost.tracking.sources import literal_paths

    spark = _session(verbose)
    # names are read literally here too: Hadoop expands `*`, `?`, `[…]` and `{…}` in paths
    links = tempfile.TemporaryDirectory(prefix="genai-cost-cur-")
    paths, _ = literal_paths(list(paths), Path(links.name))
    groups: dict[str, list[str]] = {}
    for path in paths:
        kind = "parquet" if path.endswith(".parquet") else "csv"
        groups.setdefault(kind, []).append(path)
    frames = []
    views: list[tuple[Layout, str]] = []
    for n, (kind, members) in enumerate(sorted(groups.items())):
        try:
            if kind == "parquet":
                data = spark.read.option("mergeSchema", "true").parquet(*members)
            else:
                # RFC 4180 quoting (a quote inside a field is doubled), as AWS writes it
                data = (
                    spark.read.option("header", "true")
                    .option("escape", '"')
                    .option("multiLine", "true")
                    .csv(members)
                )
        except Exception as exc:  # AnalysisException and friends
            raise LogsError.at(members[0], f"Spark cannot read it: {_cause(exc)}") from None
        columns = frozenset(data.columns)
        layout_kind: Literal["parquet", "csv2", "legacy"] = (
            "parquet"
            if kind == "parquet"
            else "legacy"
            if any("/" in c for c in columns)
            else "csv2"
        )
        layout = Layout(layout_kind, columns, "spark")
        missing = [c for c in REQUIRED if not layout.has(c)]
        if missing:
            shown = [LEGACY[c] if layout_kind == "legacy" else c for c in missing]
            raise LogsError.at(
                members[0], f"not a Cost and Usage Report: no column {', '.join(shown)}"
            )
        if basis.startswith("net-") and not layout.has("line_item_net_unblended_cost"):
            raise LogsError.at(
                members[0], f"«cost» {basis}: this bill has no net unblended cost column"
            )
        view = f"genai_cost_cur_{n}"
        data.createOrReplaceTempView(view)
        views.append((layout, view))
        try:
            rows = spark.sql(usage_sql(layout, view, keys, basis, services, exclude)).collect()
        except Exception as exc:
            raise LogsError.at(
                members[0], f"cannot read the Cost and Usage Report: {_cause(exc)}"
            ) from None
        names = ["gen_ai", "product_code", *(f"k{i}" for i in range(len(keys)))]
        names += ["day", "token_kind"]
        names += ["line_items", "cost", "tokens", "unknown_units", "other_cost", "undated"]
        names += ["excluded_items", "excluded_cost", "bad_cost", "bad_usage"]
        frames.append(pd.DataFrame([tuple(r) for r in rows], columns=names))
    whole = pd.concat(frames, ignore_index=True)

    def present(kind: str) -> set[str]:
        def run(sql: str) -> list[Any]:
            return [tuple(r) for r in spark.sql(sql).collect()]

        found: set[str] = set()
        for layout, view in views:
            found |= _keys_present(run, layout, view, kind)
        return found

    _require_map_keys(present, keys, whole)
    links.cleanup()
    return _usage_of(whole, len(paths))
