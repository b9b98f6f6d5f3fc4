"""Where invocation logs come from: files, folders in the S3 delivery layout, s3:// prefixes.

S3 delivery writes gzip'd newline-delimited JSON under
`AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/`; request and response
bodies over 100 KB are offloaded to a `data/` folder beside them, which is skipped (it holds
bodies, not records). `s3://` prefixes are read through boto3 (standard credential chain;
`s3:ListBucket` and `s3:GetObject`) into a temporary folder: DuckDB's own S3 support would
download an extension at run time, which fails offline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from genai_cost.errors import GenaiCostError

SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".gz")


def local_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.name.endswith(SUFFIXES)
            and "data" not in p.relative_to(path).parts[:-1]
        )
        if not found:
            raise GenaiCostError(f"{path}: no invocation-log files (*.json, *.jsonl, *.json.gz)")
        return found
    raise GenaiCostError(f"{path}: no such file or folder")


def s3_files(url: str, target: Path, client: object = None) -> list[Path]:
    """Download every log object under an s3:// prefix (paginated) into `target`."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise GenaiCostError(f"{url}: expected s3://bucket/prefix")
    s3: Any = client if client is not None else boto3.client("s3")
    files = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if "/data/" in "/" + key[len(prefix) :] or not key.endswith(SUFFIXES):
                    continue
                destination = target / bucket / key
                destination.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, key, str(destination))
                files.append(destination)
    except (ClientError, BotoCoreError) as exc:
        raise GenaiCostError(f"{url}: cannot read from S3: {exc}") from None
    if not files:
        raise GenaiCostError(f"{url}: no invocation-log objects under that prefix")
    return files


def collect(
    arguments: list[str], workdir: Path | None = None, s3_client: object = None
) -> tuple[list[Path], tempfile.TemporaryDirectory[str] | None]:
    """Every log file named by the arguments; a temporary folder holds S3 downloads."""
    holder = None
    files: list[Path] = []
    for argument in arguments:
        if argument.startswith("s3://"):
            if holder is None:
                holder = tempfile.TemporaryDirectory(prefix="genai-cost-logs-", dir=workdir)
            files += s3_files(argument, Path(holder.name), s3_client)
        else:
            files += local_files(Path(argument))
    return files, holder
