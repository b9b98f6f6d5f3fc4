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
from genai_cost.catalog.snapshot import (
    TABLE_FILES,
    load_catalog,
    recover_replaced,
    replaced_path,
)
from genai_cost.errors import GenaiCostError
from genai_cost.output import refuse_linked_folders, remove_stale, temp_prefix

STAGING_SUFFIX = ".staging"


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


def prepare_target(target: Path, *, force: bool, error: type[GenaiCostError]) -> Path:
    """An absolute target folder for a new snapshot: not a symbolic link (never followed:
    `--force` must not replace the folder a link points to), not a file, and not an existing
    snapshot unless `force`. A swap an earlier run left half-done is finished first, and
    staging folders of killed runs are removed."""
    import os

    refuse_linked_folders(Path(target).parent)  # no link on the way (`-o link/new`)
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        raise error(f"{target}: is a symbolic link; give the folder it points to instead")
    if target.exists() and not target.is_dir():
        raise error(f"{target}: exists and is not a snapshot folder")
    recover_replaced(target)  # a --force run killed between its two renames
    remove_stale(target.parent, temp_prefix(target), STAGING_SUFFIX)
    if target.exists() and not force:
        raise error(f"{target} exists; choose another «into» or pass «force»")
    return target


def stage(target: Path, manifest: dict[str, Any], tables: dict[str, str]) -> Path:
    """Write the snapshot into a staging folder beside `target` (not yet in place)."""
    import os
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(
            prefix=f"{temp_prefix(target)}{os.getpid()}.", suffix=STAGING_SUFFIX, dir=target.parent
        )
    )
    shutil.rmtree(staging)
    write_snapshot(staging, manifest, tables)
    return staging


def publish(
    target: Path,
    manifest: dict[str, Any],
    tables: dict[str, str],
    *,
    error: type[GenaiCostError],
    what: str = "the new snapshot",
) -> None:
    """Write, validate and atomically place a snapshot at `target`: a snapshot that does not
    load never lands, and a failure changes nothing."""
    import shutil

    staging = stage(target, manifest, tables)
    try:
        load_catalog(staging)
        place(staging, target)
    except GenaiCostError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise error(f"{what} is invalid, nothing was written: {exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def place(staging: Path, target: Path) -> None:
    """Rename the finished snapshot into place; an existing one (--force) is swapped out.

    The swap is two renames: target → `.NAME.replaced`, then staging → target. A process
    killed between them leaves only the backup; `recover_replaced` (run by the next write and
    by any command that loads that snapshot) puts it back, so the old snapshot is never lost.
    """
    import shutil

    if not target.exists():
        staging.rename(target)
        return
    backup = replaced_path(target)
    shutil.rmtree(backup, ignore_errors=True)
    target.rename(backup)
    try:
        staging.rename(target)
    except BaseException:
        backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)
