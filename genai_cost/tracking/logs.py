"""Read Bedrock model-invocation log records with DuckDB and sum their tokens.

Every line is read as one text column (a control character as the delimiter, no quoting), so a
line that is not JSON is counted rather than dropped, and DuckDB never has to agree on one schema
for records whose key order and optional fields vary. Fields are pulled with one JSON parse per
line (`json_extract_string` with a list of paths) and the records are summed by every key the
report and the pricing need; the result is small (one row per distinct key combination).

Token fields (see AWS-FORMATS §3.2): `input.inputTokenCount` is the non-cached input;
`input.cacheReadInputTokenCount` and `input.cacheWriteInputTokenCount` are separate; output is
`output.outputTokenCount`. Counts inside `outputBodyJson` are model-specific and ignored.

Over 600 lines because the one pass is here whole: the SQL that reads, checks and sums every
record (each problem a record can have, named), reading the sums back whole, re-summed or in
slices, and finding the files or lines DuckDB could not read — split apart, the checks of a
record and the reasons reported for it would drift.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import tempfile
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from genai_cost.errors import LogsError
from genai_cost.tracking.sources import literal_paths, shown_example

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longest record accepted: bodies over 100 KB are offloaded to S3 by AWS, so this is ample."""
READ_BUFFER_BYTES = 2 * MAX_LINE_BYTES
"""DuckDB's CSV read buffer (it must hold a whole line; its default, 16 lines' worth, would
not fit under the memory cap)."""

PATHS = {
    "model_raw": "$.modelId",
    "region": "$.region",
    "timestamp": "$.timestamp",
    "account": "$.accountId",
    "operation": "$.operation",
    "identity": "$.identity.arn",
    "request_id": "$.requestId",
    "input": "$.input.inputTokenCount",
    "output": "$.output.outputTokenCount",
    "cache_read": "$.input.cacheReadInputTokenCount",
    "cache_write": "$.input.cacheWriteInputTokenCount",
}
TOKENS = ("input", "output", "cache_read", "cache_write")
BATCH_OPERATION_SQL = "(?i)batch|job"
"""Operations of batch inference jobs' records (the interactive ones are InvokeModel, Converse
and their streaming forms): `calibrate` measures them as batch-tolerant work, and chargeback
prices them at the batch rates. Written once for Python, DuckDB and Spark alike."""
BATCH_OPERATION = re.compile(BATCH_OPERATION_SQL)
GROUP_KEYS = ("model_raw", "region", "account", "operation", "identity")
"""The record fields logs are summed by (with the day and the requestMetadata keys asked)."""
TOKEN_KINDS = "token_kinds"
"""A key logs are always summed by: which of the four token counts of a record are above 0
(bits 1, 2, 4, 8 for input, output, cache read, cache write). A record whose model has no
price for a kind of token it used cannot be priced, and one that did not use it can: summing
the two together would leave both unpriced, so totals would change with the grouping asked
for (`--by tenant` against `--by tenant --by identity`). At most 16 values, usually 1–3."""
BATCH_JOB, INTERACTIVE = "(batch job)", "(interactive)"
"""What `operation` holds when it is not asked for: only whether the record is a batch job's,
which pricing needs (batch rates) — three operations × every caller would multiply groups."""


@dataclass(frozen=True)
class Problem:
    """Records that could not be used, with a few examples."""

    reason: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Usage:
    """Token sums by key: one array per column, all the same length."""

    columns: dict[str, np.ndarray]
    problems: list[Problem]
    records: int
    metadata_seen: list[str] | None = None
    """The requestMetadata keys the records have, when none has a key that was asked for
    (so a wrong `--tenant metadata:KEY` can name the right one)."""

    def __len__(self) -> int:
        return len(self.columns["requests"])


def _quote(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def metadata_path(key: str) -> str:
    return f"$.requestMetadata.{_quote(key)}"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def execute_with_progress(
    connection: Any, sql: str, progress: bool | None, label: str = "Reading logs"
) -> None:
    """Run `sql` in a worker thread, showing DuckDB's own progress estimate as a bar on stderr
    (when a terminal); Ctrl-C interrupts the query and then raises KeyboardInterrupt."""

    from genai_cost.console import percent_bar

    with percent_bar(label, enabled=progress) as update:
        failure: list[BaseException] = []

        def work() -> None:
            try:
                connection.execute(sql)
            except BaseException as exc:  # re-raised in the calling thread
                failure.append(exc)

        worker = threading.Thread(target=work, daemon=True)
        with _ctrl_c_as_a_flag() as interrupted:
            worker.start()
            while worker.is_alive():
                worker.join(0.2)
                if interrupted.is_set():  # stop DuckDB's query, then end as Ctrl-C does
                    connection.interrupt()
                    worker.join()
                    raise KeyboardInterrupt
                percent = connection.query_progress()
                if percent >= 0:  # -1: no estimate (not started, or finished)
                    update(percent)
        if failure:
            raise failure[0]


@contextlib.contextmanager
def _ctrl_c_as_a_flag() -> Iterator[threading.Event]:
    """While DuckDB runs a query in another thread, Ctrl-C sets a flag instead of raising
    KeyboardInterrupt inside whatever call the main thread is in: raised inside a DuckDB call
    it left the connection "busy", so it could not be closed and the process aborted at exit.
    Outside the main thread (where handlers cannot be set) nothing changes."""
    import signal

    flag = threading.Event()
    try:
        previous = signal.signal(signal.SIGINT, lambda _signum, _frame: flag.set())
    except ValueError:  # not the main thread
        yield flag
        return
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


MAX_TOKENS_PER_RECORD = 1_000_000_000
"""A token count above this in one record is beyond any model's context window: a problem,
not a price (it also keeps every sum far inside 64-bit integers)."""


def _duckdb_message(exc: Exception) -> str:
    """DuckDB's message without the SQL it quotes (first paragraph only)."""
    return str(exc).split("\n\n")[0].split("\nLINE ")[0].strip()


def _unreadable(connection: Any, paths: list[str]) -> dict[str, str]:
    """Files that cannot be read at all (truncated or empty gzip, permission), by path."""
    import duckdb

    bad = {}
    for path in paths:
        try:
            connection.execute(f"SELECT count(*) FROM {_reader([path])}").fetchone()
        except duckdb.Error as exc:
            bad[path] = _duckdb_message(exc)
    return bad


def _reader(paths: list[str]) -> str:
    file_list = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
    return (
        f"read_csv({file_list}, columns={{'line': 'VARCHAR'}}, delim=chr(31), quote='', "
        "escape='', header=false, filename=true, auto_detect=false, compression='auto', "
        f"max_line_size={MAX_LINE_BYTES}, buffer_size={READ_BUFFER_BYTES})"
    )


def read_usage(
    files: Sequence[Path],
    metadata_keys: Sequence[str] = (),
    *,
    progress: bool | None = None,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> Usage:
    """Sum requests and tokens by model, region, day, account, operation, identity and metadata.

    `keep`: the fields of GROUP_KEYS to sum by (None: all). Memory and time follow the number
    of groups, so a caller asks only for what its report needs: the others read as NULL,
    except `operation`, which is reduced to BATCH_JOB or INTERACTIVE (pricing needs that).

    File names are read literally (no glob expansion). A file that cannot be read at all is a
    listed problem and the others are still read. Token counts must be JSON integers from 0 to
    MAX_TOKENS_PER_RECORD: a string, a boolean, a decimal or a larger number is a counted
    problem, never a price. `by_hour` also groups by the UTC hour of day (column `hour`, 0-23),
    for the daily profile `calibrate` measures.
    """
    with open_usage(files, metadata_keys, progress=progress, by_hour=by_hour, keep=keep) as grouped:
        return grouped.usage()


class GroupedUsage:
    """The logs summed in DuckDB (`open_usage`), read back whole or by parts: a report whose
    grouping is itself huge reads it in slices (or re-summed by fewer keys) rather than all
    at once (tracking/chargeback.py)."""

    def __init__(
        self,
        connection: Any,
        metadata_keys: Sequence[str],
        by_hour: bool,
        problems: list[Problem],
        metadata_seen: list[str] | None,
        shown: dict[str, str],
    ) -> None:
        self.connection = connection
        self.shown = shown
        self.metadata_keys = list(metadata_keys)
        self.by_hour = by_hour
        self.problems = problems
        self.metadata_seen = metadata_seen

    def usage(self) -> Usage:
        """Every group (as `read_usage` returns them)."""
        return self._usage(_collect(self.connection, self.metadata_keys, self.by_hour))

    @functools.cached_property
    def _groups(self) -> int:
        if not _has_grouped(self.connection):
            return 0
        found = self.connection.execute(
            "SELECT count(*) FROM grouped WHERE problem IS NULL AND file IS NULL"
        ).fetchone()
        return int(found[0]) if found else 0

    def groups(self) -> int:
        """How many groups there are (counted once, without reading them)."""
        return self._groups

    def summed_by(self, keep: Collection[str]) -> Usage:
        """The groups summed again by fewer keys: `keep` of GROUP_KEYS and `meta:KEY` columns
        (the others NULL, `operation` reduced to BATCH_JOB or INTERACTIVE; the day and hour
        stay): the same records and problems, fewer rows."""
        return self._usage(_collect(self.connection, self.metadata_keys, self.by_hour, only=keep))

    def slices(self, size: int) -> Iterator[Usage]:
        """The groups in parts of about `size` (by a hash of their keys, so no copy of the
        table is made), in no particular order; the problems come with the first part."""
        parts = max(1, -(-self.groups() // max(size, 1)))
        for part in range(parts):
            collected = _collect(
                self.connection, self.metadata_keys, self.by_hour, part=(part, parts)
            )
            usage = self._usage(collected)
            yield usage if part == 0 else dataclasses.replace(usage, problems=[])

    def _usage(self, collected: Usage) -> Usage:
        problems = [
            Problem(p.reason, p.count, tuple(shown_example(e, self.shown) for e in p.examples))
            for p in collected.problems
        ]
        return Usage(
            collected.columns,
            [*problems, *self.problems],
            collected.records,
            self.metadata_seen,
        )


@contextlib.contextmanager
def open_usage(
    files: Sequence[Path],
    metadata_keys: Sequence[str] = (),
    *,
    progress: bool | None = None,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> Iterator[GroupedUsage]:
    """The logs summed by key in a DuckDB table (see `read_usage`), open while the `with`
    block runs; DuckDB spills to a temporary folder removed afterwards."""
    import duckdb

    if not files:
        raise LogsError.at("", "no invocation-log files to read")
    with tempfile.TemporaryDirectory(prefix="genai-cost-links-") as folder:
        paths, shown = literal_paths([str(f) for f in files], Path(folder))
        connection = duckdb.connect()
        try:
            try:
                grouped = _group(
                    connection, folder, paths, shown, metadata_keys, by_hour, keep, progress
                )
            except duckdb.Error as exc:
                raise LogsError.at(
                    "", f"cannot read the invocation logs: {_duckdb_message(exc)}"
                ) from None
            yield grouped
        finally:
            connection.close()


def _group(
    connection: Any,
    folder: str,
    paths: list[str],
    shown: dict[str, str],
    metadata_keys: Sequence[str],
    by_hour: bool,
    keep: Collection[str] | None,
    progress: bool | None,
) -> GroupedUsage:
    import duckdb

    # DuckDB's own bar would print to stdout, which carries the report: keep its
    # progress estimate (query_progress) and draw our bar on stderr instead.
    connection.execute("SET enable_progress_bar = true")
    connection.execute("SET enable_progress_bar_print = false")
    connection.execute("SET TimeZone = 'UTC'")  # days are UTC days
    # Memory flat in input size: rows need not keep file order (the sums are grouped),
    # and a cap makes DuckDB spill its hash tables to a temporary folder rather than
    # grow with one huge file ($GENAI_COST_DUCKDB_MEMORY, default 600MB).
    connection.execute("SET preserve_insertion_order = false")
    connection.execute(f"SET memory_limit = '{_memory_limit()}'")
    connection.execute(f"SET temp_directory = '{_sql_path(folder)}'")
    broken: dict[str, str] = {}
    sql = _usage_sql(paths, metadata_keys, by_hour, keep)
    try:
        execute_with_progress(connection, sql, progress)
    except duckdb.Error as exc:
        broken = _unreadable(connection, paths)
        readable = [p for p in paths if p not in broken]
        if not broken:
            raise LogsError.at(
                "", f"cannot read the invocation logs: {_duckdb_message(exc)}"
            ) from None
        if readable:
            execute_with_progress(
                connection, _usage_sql(readable, metadata_keys, by_hour, keep), progress
            )
    readable = [p for p in paths if p not in broken]
    problems = _skipped_lines(connection, readable)
    problems += [
        Problem(
            f"file cannot be read ({why.replace(p, shown[p])}); its records are not counted",
            0,
            (shown[p],),
        )
        for p, why in sorted(broken.items())
    ]
    metadata_seen = None
    if metadata_keys and _has_grouped(connection):
        tagged = connection.execute(
            "SELECT count(*) FROM grouped WHERE problem IS NULL AND file IS NULL AND ("
            + " OR ".join(f"{_ident(f'meta:{k}')} IS NOT NULL" for k in metadata_keys)
            + ")"
        ).fetchone()
        any_rows = connection.execute(
            "SELECT count(*) FROM grouped WHERE problem IS NULL AND file IS NULL"
        ).fetchone()
        if any_rows and any_rows[0] and tagged is not None and not tagged[0]:
            metadata_seen = _metadata_keys(connection, readable)
    shown_problems = [
        Problem(p.reason, p.count, tuple(shown_example(e, shown) for e in p.examples))
        for p in problems
    ]
    return GroupedUsage(connection, metadata_keys, by_hour, shown_problems, metadata_seen, shown)


MAX_KEYS_SHOWN = 20


def _metadata_keys(connection: Any, paths: list[str]) -> list[str]:
    """The distinct requestMetadata keys of the records (a second pass, run only when the
    asked-for keys are absent from every record)."""
    rows = connection.execute(
        f"""SELECT DISTINCT k FROM (
              SELECT unnest(json_keys(line, '$.requestMetadata')) AS k
              FROM {_reader(paths)}
              WHERE json_valid(line) AND json_type(line, '$.requestMetadata') = 'OBJECT'
            ) ORDER BY k LIMIT {MAX_KEYS_SHOWN + 1}"""
    ).fetchall()
    return [str(r[0]) for r in rows]


UNREADABLE_TIME = "no or unreadable timestamp (or one outside 1970-9999)"
LAST_SECOND = 253_402_300_799
"""9999-12-31T23:59:59Z in seconds since 1970: later dates are not dates Python can hold."""


def _usage_sql(
    paths: list[str],
    metadata_keys: Sequence[str],
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> str:
    """One pass over the logs: sums by key, and by reason for records not usable (with two
    example lines per group). Lines are not kept, so memory is bounded by the groups."""
    fields = dict(PATHS)
    for key in metadata_keys:
        fields[f"meta:{key}"] = metadata_path(key)
    names = list(fields)
    path_list = "[" + ", ".join(_sql_text(p) for p in fields.values()) + "]"
    raw = {name: f"nullif(f[{i + 1}], 'null')" for i, name in enumerate(names)}
    text = {name: f"({raw[name]}->>'$')" for name in names}
    # The timestamp is parsed once; its UTC day and hour come from the epoch by arithmetic
    # (no calendar conversion per record): day number since 1970-01-01 and hour of day.
    seconds = f"epoch(try_cast({text['timestamp']} AS TIMESTAMPTZ))"
    typed = ", ".join(
        f"CASE WHEN regexp_full_match({raw[t]}, '[0-9]+') "
        f"THEN coalesce(try_cast({raw[t]} AS BIGINT), {2**63 - 1}) END AS {t}"
        for t in TOKENS
    )
    problem = (
        "CASE WHEN f IS NULL THEN 'not a JSON record' "
        f"WHEN {text['model_raw']} IS NULL AND json_type(line) <> 'OBJECT' "
        "THEN 'not a JSON object' "
        f"WHEN {text['model_raw']} IS NULL THEN 'no modelId' "
        f"WHEN {text['region']} IS NULL THEN 'no region' "
        f"WHEN day IS NULL THEN '{UNREADABLE_TIME}' "
        f"WHEN {raw['input']} IS NULL OR {raw['output']} IS NULL "
        "THEN 'no token counts (for example a call stopped by a guardrail)' "
        + "".join(
            f"WHEN {raw[t]} IS NOT NULL AND {t} IS NULL "
            f"THEN 'token count {PATHS[t][2:]} is not a whole number >= 0' "
            f"WHEN {t} > {MAX_TOKENS_PER_RECORD} "
            f"THEN 'token count {PATHS[t][2:]} is beyond any model''s context window' "
            for t in TOKENS
        )
        + "ELSE NULL END"
    )
    keys = [n for n in names if n not in TOKENS and n not in ("timestamp", "request_id")]

    def kept(key: str) -> str:
        if keep is None or key not in GROUP_KEYS or key in keep:
            return text[key]
        if key == "operation":
            return (
                f"CASE WHEN regexp_matches(coalesce({text[key]}, ''), "
                f"{_sql_text(BATCH_OPERATION_SQL)}) THEN {_sql_text(BATCH_JOB)} "
                f"ELSE {_sql_text(INTERACTIVE)} END"
            )
        return "CAST(NULL AS VARCHAR)"

    group = (
        ", ".join(_ident(k) for k in keys) + f", day, {TOKEN_KINDS}" + (", hour" if by_hour else "")
    )
    sums = ", ".join(
        f"sum(CASE WHEN problem IS NULL THEN {t} ELSE 0 END)::BIGINT AS {t}" for t in TOKENS
    )
    kinds = " + ".join(
        f"CASE WHEN coalesce({t}, 0) > 0 THEN {1 << n} ELSE 0 END" for n, t in enumerate(TOKENS)
    )
    return f"""
        CREATE OR REPLACE TEMP TABLE grouped AS
        WITH raw AS (
          SELECT filename, line FROM {_reader(paths)}
          -- blank lines are skipped; a record starts with '{{', so trim (a copy of every
          -- line) runs only for the others: a fifth of the pass on 1 M records
          WHERE line IS NOT NULL AND (starts_with(line, '{{') OR trim(line) <> '')
        ), parsed AS (
          SELECT filename, line,
            try(json_extract(line, {path_list})) AS f
          FROM raw
        ), timed AS (
          SELECT filename, line, f, {seconds} AS seconds, {typed} FROM parsed
        ), typed AS (
          SELECT * EXCLUDE (seconds),
            floor(seconds / 86400)::INTEGER AS day,
            (floor(seconds / 3600)::BIGINT % 24 + 24) % 24 AS hour
          FROM (
            -- 1970-01-01 to 9999-12-31 UTC: another year is not a readable timestamp
            SELECT * REPLACE (CASE WHEN seconds BETWEEN 0 AND {LAST_SECOND} THEN seconds END
              AS seconds) FROM timed
          )
        ), checked AS (
          SELECT {problem} AS problem,
            {", ".join(f"{kept(k)} AS {_ident(k)}" for k in keys)},
            day, hour, ({kinds})::TINYINT AS {TOKEN_KINDS},
            {", ".join(f"coalesce({t}, 0) AS {t}" for t in TOKENS)}, filename, line
          FROM typed
        ), records AS (
          SELECT *, CASE WHEN problem IS NOT NULL THEN filename || ': ' || left(line, 120)
            END AS example
          FROM checked
        )
        SELECT problem, {group.replace(", day", ", (DATE '1970-01-01' + day) AS day")},
          count(*)::BIGINT AS requests,
          {sums},
          min(example) AS first_example, max(example) AS last_example,
          -- per file (the second grouping set): the bytes its lines hold, to find lines the
          -- CSV reader skipped without an error (longer than its buffer)
          filename AS file, sum(strlen(line) + 1)::BIGINT AS bytes_read
        FROM records GROUP BY GROUPING SETS ((problem, {group}), (filename))
        """


def _has_grouped(connection: Any) -> bool:
    exists = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'grouped'"
    ).fetchone()
    return bool(exists and exists[0])


def _collect(
    connection: Any,
    metadata_keys: Sequence[str],
    by_hour: bool = False,
    *,
    only: Collection[str] | None = None,
    part: tuple[int, int] | None = None,
) -> Usage:
    """The usage sums and the problems from the `grouped` table (none when nothing was read):
    every group; or summed again by `only` of the key columns (GROUP_KEYS and `meta:KEY`; the
    others NULL, `operation` reduced to BATCH_JOB or INTERACTIVE, as `_usage_sql` reads
    fields not kept); or `part` = (k, n): the groups whose keys hash to k modulo n."""
    names = [*PATHS, *(f"meta:{k}" for k in metadata_keys)]
    keys = [n for n in names if n not in TOKENS and n not in ("timestamp", "request_id")]
    group = (
        ", ".join(_ident(k) for k in keys) + f", day, {TOKEN_KINDS}" + (", hour" if by_hour else "")
    )
    if not _has_grouped(connection):
        empty = {k: np.zeros(0, dtype=object) for k in [*keys, "day"]}
        empty[TOKEN_KINDS] = np.zeros(0, dtype=np.int64)
        if by_hour:
            empty["hour"] = np.zeros(0, dtype=np.int64)
        empty |= {t: np.zeros(0, dtype=np.int64) for t in (*TOKENS, "requests")}
        return Usage(empty, [], 0)
    total = connection.execute("SELECT sum(requests) FROM grouped WHERE file IS NULL").fetchone()
    found: dict[str, tuple[int, set[str]]] = {}
    for reason, count, first, last in connection.execute(
        "SELECT problem, requests, first_example, last_example FROM grouped "
        "WHERE problem IS NOT NULL AND file IS NULL"
    ).fetchall():
        seen, examples = found.get(reason, (0, set()))
        found[reason] = (seen + int(count), examples | {_example(first), _example(last)})
    problems = sorted(
        (
            Problem(reason, n, tuple(sorted(examples)[:3]))
            for reason, (n, examples) in found.items()
        ),
        key=lambda p: (-p.count, p.reason),
    )
    counts = f"requests, {', '.join(TOKENS)}"
    if only is not None:

        def summed(key: str) -> str:
            if key in only:
                return _ident(key)
            if key == "operation":
                return (
                    f"CASE WHEN regexp_matches(coalesce(operation, ''), "
                    f"{_sql_text(BATCH_OPERATION_SQL)}) THEN {_sql_text(BATCH_JOB)} "
                    f"ELSE {_sql_text(INTERACTIVE)} END"
                )
            return "CAST(NULL AS VARCHAR)"

        keyed = ", ".join(f"{summed(k)} AS {_ident(k)}" for k in keys)
        sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in ("requests", *TOKENS))
        query = (
            f"SELECT {keyed}, day, {TOKEN_KINDS}{', hour' if by_hour else ''}, {sums} "
            "FROM grouped "
            f"WHERE problem IS NULL AND file IS NULL GROUP BY ALL ORDER BY {group}"
        )
    elif part is not None:
        k, n = part
        query = (
            f"SELECT {group}, {counts} FROM grouped "
            f"WHERE problem IS NULL AND file IS NULL AND hash({group}) % {int(n)} = {int(k)}"
        )
    else:
        query = (
            f"SELECT {group}, {counts} FROM grouped "
            f"WHERE problem IS NULL AND file IS NULL ORDER BY {group}"
        )
    result = connection.execute(query).fetchnumpy()
    columns: dict[str, np.ndarray] = {}
    for name, values in result.items():  # masked arrays where a column has NULLs
        data: Any = values
        mask = np.ma.getmaskarray(data)
        array = np.asarray(np.ma.getdata(data))
        if mask.any():
            array = array.astype(object)
            array[mask] = None
        columns[name] = array
    columns["day"] = np.asarray([str(d)[:10] for d in columns["day"]], dtype=object)
    for t in (*TOKENS, "requests", TOKEN_KINDS, *(("hour",) if by_hour else ())):
        columns[t] = columns[t].astype(np.int64)
    return Usage(
        columns=columns,
        problems=problems,
        records=int(total[0]) if total and total[0] is not None else 0,
    )


def _content_size(path: str) -> int | None:
    """The bytes of a file's text: its size, or for gzip its ISIZE trailer (the size modulo
    2**32 of a single-member file, as AWS writes them); None when it cannot be told."""
    try:
        size = os.path.getsize(path)
        if not path.endswith(".gz"):
            return size
        if size < 18:
            return None
        with open(path, "rb") as handle:
            handle.seek(-4, os.SEEK_END)
            return int.from_bytes(handle.read(4), "little")
    except OSError:
        return None


def _skipped_lines(connection: Any, paths: Sequence[str]) -> list[Problem]:
    """Files whose lines hold fewer bytes than the file: DuckDB's reader drops a line longer
    than its buffer without an error, so a shortfall over MAX_LINE_BYTES (beyond one CR a
    line) is a skipped line — a problem, never a silent loss."""
    if not paths:
        return []
    tally = {
        str(file): (int(read), int(lines))
        for file, read, lines in connection.execute(
            "SELECT file, bytes_read, requests FROM grouped WHERE file IS NOT NULL"
        ).fetchall()
    }
    found = []
    for file in paths:
        read, lines = tally.get(file, (0, 0))
        size = _content_size(str(file))
        if size is None:
            continue
        shortfall = (size - read) % 2**32 if file.endswith(".gz") else size - read
        if MAX_LINE_BYTES + lines < shortfall < 2**31:
            found.append(
                Problem(
                    f"a line longer than {MAX_LINE_BYTES:,} bytes was skipped (not counted): "
                    "not an invocation-log record",
                    1,
                    (str(file),),
                )
            )
    return found


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _example(text: Any) -> str:
    return str(text).replace("\n", " ")


MEMORY_ENV = "GENAI_COST_DUCKDB_MEMORY"
DEFAULT_MEMORY = "600MB"


def _memory_limit() -> str:
    """DuckDB's memory cap: $GENAI_COST_DUCKDB_MEMORY (e.g. 2GB) or 600MB."""
    value = os.environ.get(MEMORY_ENV, DEFAULT_MEMORY).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value):
        raise LogsError.at("", f"${MEMORY_ENV}={value!r}: expected a size such as 600MB or 2GB")
    return value


def _sql_path(path: str | Path) -> str:
    return str(path).replace("'", "''")
