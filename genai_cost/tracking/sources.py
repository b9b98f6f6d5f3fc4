"""Where invocation logs come from: files, folders in the S3 delivery layout, s3:// prefixes.

S3 delivery writes gzip'd newline-delimited JSON under
`AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/`; request and response
bodies over 100 KB are offloaded to a `data/` folder beside them, which is skipped (it holds
bodies, not records). `s3://` prefixes are read through boto3 (standard credential chain;
`s3:ListBucket` and `s3:GetObject`) into a temporary folder: DuckDB's own S3 support would
download an extension at run time, which fails offline.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_cost.errors import AwsError, LogsError
from genai_cost.paths import Claimed, contained

SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".gz")


@dataclass(frozen=True)
class FileKind:
    """What a folder or an S3 prefix is searched for."""

    what: str
    """Plural description for messages (e.g. "invocation-log files")."""
    patterns: str
    """The suffixes, as shown in messages."""
    suffixes: tuple[str, ...]
    skipped_folder: str
    """A folder name whose files are never read (log bodies, CUR manifests)."""


LOG_FILES = FileKind(
    "invocation-log files", "*.json, *.jsonl, *.json.gz", SUFFIXES, skipped_folder="data"
)
CUR_FILES = FileKind(
    "Cost and Usage Report files",
    "*.parquet, *.csv, *.csv.gz",
    (".parquet", ".csv", ".csv.gz"),
    skipped_folder="metadata",
)
"""CUR 2.0 (Data Exports) writes data/BILLING_PERIOD=YYYY-MM/*.parquet or *.csv.gz and a
manifest under metadata/; the legacy CUR writes *.csv.gz (or Parquet) with a manifest JSON."""


GLOB_CHARACTERS = frozenset("*?[]{}\\")
"""Characters DuckDB and Hadoop expand as patterns in a path; files are read by name only."""


def literal_paths(files: Sequence[str], folder: Path) -> tuple[list[str], dict[str, str]]:
    """Paths an engine reads literally: absolute, and, for a name holding pattern characters
    (which DuckDB and Spark would expand, reading other files or the same file twice), a link
    with a plain name in `folder`. `s3://` prefixes pass as they are. Returns the paths to read
    and a map from each back to the name to show in messages."""
    paths, shown = [], {}
    for i, file in enumerate(files):
        if file.startswith(("s3://", "s3a://")):
            paths.append(file)
            shown[file] = file
            continue
        absolute = Path(os.path.abspath(file))
        text = str(absolute)
        if GLOB_CHARACTERS & set(text):
            link = folder / f"{i:06d}{''.join(absolute.suffixes[-2:])}"
            link.symlink_to(absolute)
            text = str(link)
        shown[text] = file
        paths.append(text)
    return paths, shown


def shown_example(example: str, shown: dict[str, str]) -> str:
    """An example `path: line` with the path as the user gave it."""
    path, sep, rest = example.partition(": ")
    return f"{shown.get(path, path)}{sep}{rest}" if sep else shown.get(example, example)


def _size(path: Path) -> int:
    """A regular file's size; 0 for anything else, or a file that vanished while the folder
    was listed (another process rotating logs): it is not there to read."""
    try:
        status = path.stat()
    except OSError:
        return 0
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def local_files(path: Path, kind: FileKind = LOG_FILES) -> list[Path]:
    """The files a path names: the file itself, or every file of the kind under a folder
    (empty files hold no records and are left out; `data/` folders of the log delivery hold
    bodies, not records; `metadata/` folders of a CUR export hold manifests)."""
    if path.is_file():
        if not _size(path) and kind is CUR_FILES:  # a bill always has its header row
            raise LogsError.at(str(path), "the file is empty: not a Cost and Usage Report")
        return [path] if _size(path) else []
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.name.endswith(kind.suffixes)
            and kind.skipped_folder not in p.relative_to(path).parts[:-1]
            and _size(p)
        )
        if not found:
            raise LogsError.at(str(path), f"no {kind.what} ({kind.patterns}) in this folder")
        return found
    raise LogsError.at(str(path), "no such file or folder")


def s3_files(
    url: str, target: Path, client: object = None, kind: FileKind = LOG_FILES
) -> list[Path]:
    """Download every object of the kind under an s3:// prefix (paginated) into `target`."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise LogsError.at(url, "expected s3://bucket/prefix")
    s3: Any = client if client is not None else boto3.client("s3")
    files = []
    claimed = Claimed()
    folder = contained(target, bucket, what=f"S3 bucket {bucket!r}")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                relative = "/" + key[len(prefix) :]
                if f"/{kind.skipped_folder}/" in relative or not key.endswith(kind.suffixes):
                    continue
                # the key is someone else's text: it becomes a path only through the guard
                what = f"S3 key {f's3://{bucket}/{key}'!r}"
                destination = contained(folder, key, what=what)
                claimed.claim(destination, key, what=what)
                destination.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, key, str(destination))
                files.append(destination)
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"{url}: cannot read from S3: {exc}") from None
    if not files:
        raise LogsError.at(url, f"no {kind.what} ({kind.patterns}) under that prefix")
    return files


def collect(
    arguments: list[str],
    workdir: Path | None = None,
    s3_client: object = None,
    kind: FileKind = LOG_FILES,
) -> tuple[list[Path], tempfile.TemporaryDirectory[str] | None]:
    """Every file of the kind named by the arguments; a temporary folder holds S3 downloads."""
    holder = None
    files: list[Path] = []
    for argument in arguments:
        if argument.startswith("s3://"):
            if holder is None:
                holder = tempfile.TemporaryDirectory(prefix="genai-cost-logs-", dir=workdir)
            files += s3_files(argument, Path(holder.name), s3_client, kind)
        else:
            files += local_files(Path(argument), kind)
    return files, holder
