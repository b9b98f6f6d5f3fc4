"""Chargeback from invocation logs, end to end (`run_allocation`: read, price, allocate), and
tables too large to hold: priced a slice at a time and streamed to the file.

A grouping can be huge by itself (`--by identity --by day` over a year of many callers:
millions of rows). When `allocate` writes its table as CSV or Parquet to a file and the logs
sum to more than STREAM_GROUPS groups, the table is never held whole:

1. the logs are summed once, in DuckDB (tracking/logs.py `open_usage`), by the keys the
   report needs — the `--by` keys and the pricing keys;
2. those groups are priced SLICE_GROUPS at a time with the same pricing as every allocation
   (tracking/allocate.py `price_usage`: the engine's token prices, batch rates for batch
   jobs, shares of shared capacity over the whole period's tokens), summed by the `--by` keys
   and written to a Parquet part in a temporary folder;
3. DuckDB sums the parts by the `--by` keys (one key's records may lie in several slices),
   sorts them dearest first, spilling to its temporary folder rather than growing, and the
   table is written to the output in pieces (`output.write_atomic`: readers see the old file
   or the new one). CSV cells are encoded as every CSV report's are (report/sanitize.py).

The rest of the document — total, records not allocated, budgets, anomalies, shared capacity
— comes from the same logs summed by tenant, the document `allocate --by tenant` gives; so
anomalies are judged per tenant's daily spend (not per row of a huge grouping), and the rows'
costs add up to the total (tested).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.tracking import AllocationDocument
from genai_cost.errors import ArgumentError
from genai_cost.tracking.allocate import (
    SUMS,
    Key,
    TenantBudgets,
    allocate,
    load_budgets,
    parse_key,
    price_usage,
)
from genai_cost.tracking.anomalies import AnomalyRule
from genai_cost.tracking.capacity import CapacityFile, load_capacity
from genai_cost.tracking.logs import GroupedUsage, Usage, open_usage
from genai_cost.tracking.profiles import ProfileResolver

STREAM_GROUPS = 200_000
"""Summed groups above which a CSV or Parquet table written to a file is streamed."""
SLICE_GROUPS = 100_000
"""Groups priced at once (about 100 MB of arrays and frames at the peak)."""
FETCH_ROWS = 50_000
"""Rows of the final table read back from DuckDB at a time to encode as CSV."""
READ_BYTES = 1 << 20


@dataclass(frozen=True)
class StreamTarget:
    """Where a table too large to hold goes: `csv` or `parquet`, and the file."""

    format: Literal["csv", "parquet"]
    path: Path


def allocate_logs(
    files: Sequence[Path],
    metadata_keys: Sequence[str],
    keep: Collection[str],
    catalog: Catalog,
    by: Sequence[Key],
    tenant: Key,
    resolver: ProfileResolver,
    budgets: TenantBudgets | None,
    capacity: CapacityFile | None,
    anomaly_rule: AnomalyRule | None,
    idle_threshold: float | None,
    target: StreamTarget,
) -> AllocationDocument:
    """The allocation of the logs; written straight to `target` when the groups are more
    than STREAM_GROUPS (the document then says so in `table` and holds no rows), else the
    usual document, rows and all, for the caller to render."""

    def allocation(usage: Usage, keys: Sequence[Key]) -> AllocationDocument:
        return allocate(
            usage,
            catalog,
            keys,
            tenant,
            resolver,
            budgets,
            capacity,
            anomaly_rule=anomaly_rule,
            idle_threshold=idle_threshold,
        )

    with open_usage(files, metadata_keys, keep=keep) as grouped:
        if grouped.groups() <= STREAM_GROUPS:
            return allocation(grouped.usage(), by)
        return _streamed(grouped, allocation, catalog, by, tenant, resolver, capacity, target)


def _streamed(
    grouped: GroupedUsage,
    allocation: Callable[[Usage, Sequence[Key]], AllocationDocument],
    catalog: Catalog,
    by: Sequence[Key],
    tenant: Key,
    resolver: ProfileResolver,
    capacity: CapacityFile | None,
    target: StreamTarget,
) -> AllocationDocument:
    from genai_cost.tracking.logs import _sql_path

    # the document: the same logs by tenant (the pricing keys and the tenant's own field)
    by_tenant = Key("tenant", tenant.kind, tenant.field)
    own = {"identity": "identity", "metadata": f"meta:{tenant.field}"}.get(tenant.kind)
    coarse = grouped.summed_by({"model_raw", "region", *([own] if own else [])})
    document = allocation(coarse, [by_tenant])
    used = [float(entry["tokens"]) for entry in document.get("capacity", [])]
    days = sorted({str(d) for d in coarse.columns["day"]})
    names = [k.name for k in by]
    total = float(document["total"]["cost_usd"])
    # the logs' own connection (its memory cap and spill folder, DuckDB's bar kept off
    # stdout), so the parts never hold a second cap's worth of memory
    connection = grouped.connection
    with tempfile.TemporaryDirectory(prefix="genai-cost-stream-") as folder:
        parts = 0
        for n, part in enumerate(grouped.slices(SLICE_GROUPS)):
            priced = price_usage(
                part,
                catalog,
                by,
                tenant,
                resolver,
                capacity,
                used_tokens=used or None,
                shared_rows=n == 0,
                days=days,
            ).priced
            if not len(priced):
                continue
            summed = priced.groupby(names, sort=False, dropna=False)[SUMS].sum().reset_index()
            for name in names:  # text keys, as the document's rows hold them
                summed[name] = summed[name].astype(str)
            connection.register("part", summed)
            path = os.path.join(folder, f"part-{parts:05d}.parquet")
            connection.execute(f"COPY part TO '{_sql_path(path)}' (FORMAT parquet)")
            connection.unregister("part")
            del priced, summed
            parts += 1
        query = _table_query(names, folder if parts else None, total)
        from genai_cost.output import write_atomic

        if target.format == "parquet":
            table = os.path.join(folder, "table.parquet")
            connection.execute(
                f"COPY ({query}) TO '{_sql_path(table)}' (FORMAT parquet, COMPRESSION snappy)"
            )
            found = connection.execute(
                f"SELECT count(*) FROM read_parquet('{_sql_path(table)}')"
            ).fetchone()
            rows = int(found[0]) if found else 0
            write_atomic(target.path, _file_pieces(table))
        else:
            counted = [0]
            write_atomic(target.path, _csv_pieces(connection, query, names, counted))
            rows = counted[0]
    document["rows"] = []
    document["by"] = names
    document["table"] = {
        "format": target.format,
        "path": str(target.path),
        "rows": rows,
        "groups_summed": grouped.groups(),
    }
    notes = list(document.get("notes", []))
    notes.append(
        f"the table ({rows:,} rows) was priced in slices and streamed to {target.path}; "
        "anomalies are judged per tenant"
    )
    document["notes"] = notes
    return document


def _table_query(names: Sequence[str], folder: str | None, total: float) -> str:
    """The final table: the parts summed by the `--by` keys, dearest first, in the columns
    and types of the allocation's Parquet table (report/parquet.py)."""
    from genai_cost.report.parquet import TABLES
    from genai_cost.tracking.logs import _ident, _sql_path

    schema, _ = TABLES["allocation"]({"by": list(names), "rows": []})
    types = dict(schema)
    keys = ", ".join(_ident(n) for n in names)
    sums = ", ".join(f"sum({_ident(c)}) AS {_ident(c)}" for c in SUMS)
    if folder is None:  # nothing was charged: an empty table with the same columns
        empty = ", ".join(f"CAST(NULL AS {t}) AS {_ident(c)}" for c, t in schema)
        return f"SELECT {empty} WHERE false"
    source = f"read_parquet('{_sql_path(os.path.join(folder, 'part-*.parquet'))}')"
    share = f"CASE WHEN {total!r} > 0 THEN cost_usd / {total!r} ELSE 0.0 END"
    columns = ", ".join(
        f"CAST({share if c == 'share' else _ident(c)} AS {types[c]}) AS {_ident(c)}"
        for c, _ in schema
    )
    order = ", ".join(["cost_usd DESC", *(f"{_ident(n)} ASC" for n in names)])
    return (
        f"SELECT {columns} FROM (SELECT {keys}, {sums} FROM {source} GROUP BY {keys}) "
        f"ORDER BY {order}"
    )


def _csv_pieces(
    connection: Any, query: str, names: Sequence[str], counted: list[int]
) -> Iterator[bytes]:
    """The table as CSV, FETCH_ROWS rows at a time, each cell encoded as every CSV report's;
    `counted[0]` is the rows written so far."""
    from genai_cost.report.allocation import COLUMNS
    from genai_cost.report.sanitize import csv_row

    yield csv_row([*names, *COLUMNS]).encode("utf-8")
    result = connection.execute(query)
    while True:
        batch = result.fetchmany(FETCH_ROWS)
        if not batch:
            return
        counted[0] += len(batch)
        yield "".join(csv_row(row) for row in batch).encode("utf-8")


def _file_pieces(path: str) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while piece := handle.read(READ_BYTES):
            yield piece


def run_allocation(
    logs: Sequence[str],
    *,
    by: Sequence[str] = ("tenant",),
    tenant: str = "metadata:tenant",
    snapshot: str | Path | None = None,
    price_book: str | Path | None = None,
    profiles: Path | None = None,
    bedrock_client: object = None,
    budgets: Path | None = None,
    capacity: Path | None = None,
    s3_client: object = None,
    engine: str = "duckdb",
    verbose: bool = False,
    anomaly_rule: AnomalyRule | None = None,
    idle_threshold: float | None = None,
    stream_to: StreamTarget | None = None,
    endpoint_metrics: Path | None = None,
) -> AllocationDocument:
    """Read, price and allocate invocation logs (files, folders, s3:// prefixes). With
    `stream_to` (a CSV or Parquet file) and DuckDB, a table of more than STREAM_GROUPS groups
    is priced in slices and written straight to the file (below): the
    document then has `table` and no rows."""
    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.tracking.profiles import load_profiles
    from genai_cost.tracking.readers import read_logs

    tenant_key = parse_key(tenant, option="«tenant»")
    if tenant_key.kind not in ("metadata", "profile-tag", "identity"):
        raise ArgumentError(
            f"«tenant» {tenant!r}: expected metadata:KEY, profile-tag:KEY or identity"
        )
    keys = [tenant_key if b == "tenant" else parse_key(b, option="«by»") for b in by]
    keys = [
        Key("tenant", k.kind, k.field) if b == "tenant" else k
        for b, k in zip(by, keys, strict=True)
    ]
    if len({k.name for k in keys}) != len(keys):
        raise ArgumentError("«by»: each key may be given once")
    budget_file = load_budgets(budgets) if budgets is not None else None
    mapping = load_profiles(profiles) if profiles is not None else None
    capacity_file = load_capacity(capacity) if capacity is not None else None
    catalog = PricingOptions(snapshot=snapshot, price_book=price_book).catalog()
    if capacity_file is not None:
        from genai_cost.tracking.capacity import measured_capacity

        capacity_file = measured_capacity(capacity_file, catalog, endpoint_metrics)
    elif endpoint_metrics is not None:
        raise ArgumentError("«endpoint_metrics» measures «capacity» entries: give «capacity» FILE")
    meta = sorted({k.field for k in [*keys, tenant_key] if k.kind == "metadata"})
    # sum by what the report needs: the keys asked for, the model and region (pricing) and
    # whether a record is a batch job's; not every caller and operation in the logs
    asked = {k.kind for k in [*keys, tenant_key]}
    keep = {"model_raw", "region"} | (asked & {"account", "operation", "identity"})
    resolver = ProfileResolver(mapping, bedrock_client)
    if stream_to is not None and engine == "duckdb":
        from genai_cost.tracking.sources import collect

        files, holder = collect(list(logs), s3_client=s3_client)
        try:
            return allocate_logs(
                files,
                meta,
                keep,
                catalog,
                keys,
                tenant_key,
                resolver,
                budget_file,
                capacity_file,
                anomaly_rule,
                idle_threshold,
                stream_to,
            )
        finally:
            if holder is not None:
                holder.cleanup()
    usage = read_logs(logs, meta, engine=engine, s3_client=s3_client, verbose=verbose, keep=keep)
    return allocate(
        usage,
        catalog,
        keys,
        tenant_key,
        resolver,
        budget_file,
        capacity_file,
        anomaly_rule=anomaly_rule,
        idle_threshold=idle_threshold,
    )
