"""Reading invocation logs with the chosen engine: DuckDB (files, folders, s3:// prefixes
downloaded first) or Spark (which reads local folders and s3:// itself). `allocate` and
`calibrate` read through here, so both see the same records, sums and problems."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from genai_cost.errors import ArgumentError
from genai_cost.tracking.logs import Usage

ENGINES = ("duckdb", "spark")


def read_logs(
    logs: Sequence[str],
    metadata_keys: Sequence[str],
    *,
    engine: str = "duckdb",
    s3_client: object = None,
    verbose: bool = False,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> Usage:
    """Requests and tokens summed by model, region, day (and hour), account, operation,
    identity and the given requestMetadata keys (of those fields, only `keep` when given: see
    `logs.read_usage`)."""
    if engine == "spark":
        from genai_cost.tracking.sources import local_files
        from genai_cost.tracking.spark import read_usage_spark

        paths = [
            p if p.startswith(("s3://", "s3a://")) else str(f)
            for p in logs
            for f in ([p] if p.startswith(("s3://", "s3a://")) else local_files(Path(p)))
        ]
        return read_usage_spark(paths, metadata_keys, verbose=verbose, by_hour=by_hour, keep=keep)
    if engine == "duckdb":
        from genai_cost.tracking.logs import read_usage
        from genai_cost.tracking.sources import collect

        files, holder = collect(list(logs), s3_client=s3_client)
        try:
            return read_usage(files, metadata_keys, by_hour=by_hour, keep=keep)
        finally:
            if holder is not None:
                holder.cleanup()
    raise ArgumentError(f"«engine» {engine!r}: expected duckdb or spark")
