"""The same log aggregation as tracking/logs.py, on Apache Spark (`allocate --engine spark`).

For logs that outgrow one machine: run genai-cost where a Spark session is available (EMR, Glue,
Databricks, or `local[*]`), point it at the S3 log bucket, and Spark does the reading and
summing; the summed rows — one per distinct key combination — come back to the driver, which
prices and allocates them exactly as with DuckDB. The rules match logs.py one for one (the test
suite checks both engines give identical allocations on the same fixture logs).

`s3://` paths go to Spark as they are (the cluster's S3 connector reads them: EMRFS on EMR,
`s3a://` with hadoop-aws elsewhere); the master is `$GENAI_COST_SPARK_MASTER` or the session's
own, `local[*]` when none is configured.
"""

from __future__ import annotations

import functools
import operator
import os
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from genai_cost.errors import ArgumentError, LogsError
from genai_cost.tracking.logs import (
    BATCH_JOB,
    BATCH_OPERATION_SQL,
    INTERACTIVE,
    MAX_TOKENS_PER_RECORD,
    TOKEN_KINDS,
    TOKENS,
    UNREADABLE_TIME,
    Problem,
    Usage,
)
from genai_cost.tracking.sources import literal_paths, shown_example

KEYS = ("model_raw", "region", "account", "operation", "identity")


QUIET_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n%ex
"""
"""Spark's JVM logging, errors only: its start-up chatter (default profile, log level, the
host's loopback address) would otherwise flood stderr. `--verbose` keeps Spark's defaults."""


def _quiet_options() -> str:
    """Java options pointing Spark's log4j2 at an errors-only configuration (a file that lives
    as long as the process: the JVM reads it when it starts and on reconfiguration)."""
    import atexit
    import tempfile

    with tempfile.NamedTemporaryFile(
        "w", prefix="genai-cost-log4j2-", suffix=".properties", delete=False
    ) as handle:
        handle.write(QUIET_LOG4J)
    config = Path(handle.name)
    atexit.register(lambda: config.unlink(missing_ok=True))
    return f"-Dlog4j2.configurationFile=file:{config}"


def _session(verbose: bool = False) -> Any:
    import warnings

    # PySpark's own notice about the pandas version is not the user's concern
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark(\..*)?$")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ArgumentError(
            "«engine» spark needs PySpark: pip install 'genai-cost[spark]' (and a Java 17+ runtime)"
        ) from None
    builder = SparkSession.builder.appName("genai-cost-allocate")
    master = os.environ.get("GENAI_COST_SPARK_MASTER")
    if master:
        builder = builder.master(master)
    elif "SPARK_HOME" not in os.environ and "spark.master" not in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    ):
        builder = builder.master("local[*]")
    if not verbose:
        builder = builder.config("spark.driver.extraJavaOptions", _quiet_options()).config(
            "spark.ui.showConsoleProgress", "false"
        )
    try:
        session = builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()
    except Exception as exc:  # no Java, bad master URL, … (PySpark raises several kinds)
        raise ArgumentError(f"«engine» spark: cannot start Spark: {exc}".splitlines()[0]) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def read_usage_spark(
    paths: Sequence[str],
    metadata_keys: Sequence[str] = (),
    *,
    verbose: bool = False,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> Usage:
    """Sum requests and tokens by the same keys and with the same problems as `read_usage`
    (`keep`: as there, the fields summed by)."""
    if not paths:
        raise LogsError.at("", "no invocation-log files to read")
    spark = _session(verbose)  # first: without PySpark, an install hint (exit 2)
    from pyspark.sql.types import MapType, StringType, StructField, StructType

    text = StringType()
    schema = StructType(
        [
            StructField("modelId", text),
            StructField("region", text),
            StructField("timestamp", text),
            StructField("accountId", text),
            StructField("operation", text),
            StructField("identity", StructType([StructField("arn", text)])),
            StructField(
                "input",
                StructType(
                    [
                        StructField("inputTokenCount", text),
                        StructField("cacheReadInputTokenCount", text),
                        StructField("cacheWriteInputTokenCount", text),
                    ]
                ),
            ),
            StructField("output", StructType([StructField("outputTokenCount", text)])),
            StructField("requestMetadata", MapType(text, text)),
        ]
    )
    with tempfile.TemporaryDirectory(prefix="genai-cost-links-") as folder:
        literal, shown = literal_paths(list(paths), Path(folder))
        usage = _read(spark, literal, metadata_keys, schema, by_hour, keep)
    problems = [
        Problem(
            p.reason.replace(link, shown[link]) if (link := _link_in(p, shown)) else p.reason,
            p.count,
            tuple(shown_example(e, shown) for e in p.examples),
        )
        for p in usage.problems
    ]
    return Usage(usage.columns, problems, usage.records)


def _link_in(problem: Problem, shown: dict[str, str]) -> str:
    return next((link for link in shown if link in problem.reason), "")


def _read(
    spark: Any,
    paths: Sequence[str],
    metadata_keys: Sequence[str],
    schema: Any,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> Usage:
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    broken: dict[str, str] = {}
    try:
        try:
            rows, group = _aggregate(spark, paths, metadata_keys, schema, by_hour, keep)
        except (PySparkException, Py4JJavaError) as first:
            # Find files that cannot be read at all (a truncated gzip, …); read the rest.
            broken = _unreadable(spark, paths)
            if not broken:
                raise first from None
            readable = [p for p in paths if p not in broken]
            rows, group = (
                _aggregate(spark, readable, metadata_keys, schema, by_hour, keep)
                if readable
                else (
                    [],
                    [
                        *KEYS,
                        *(f"meta:{k}" for k in metadata_keys),
                        "day",
                        TOKEN_KINDS,
                        *(("hour",) if by_hour else ()),
                    ],
                )
            )
    except PySparkException as exc:  # missing paths, unreadable files, …
        raise LogsError.at("", f"Spark could not read the logs: {exc}".splitlines()[0]) from None
    except Py4JJavaError as exc:  # e.g. no FileSystem for the path's scheme
        raise LogsError.at("", f"Spark could not read the logs: {_cause(exc)}") from None
    usage = _usage(rows, group)
    files = [
        Problem(f"file cannot be read ({why}); its records are not counted", 0, (path,))
        for path, why in sorted(broken.items())
    ]
    return Usage(usage.columns, [*usage.problems, *files], usage.records)


def _cause(exc: Any) -> str:
    return str(exc.java_exception.toString()).splitlines()[0]


def _unreadable(spark: Any, paths: Sequence[str]) -> dict[str, str]:
    """Local files among `paths` that Spark cannot read on their own, with the reason."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    bad = {}
    for path in paths:
        if path.startswith(("s3://", "s3a://")):
            continue  # a prefix, not one file: its failure stays the whole run's
        try:
            spark.read.text(path).count()
        except Py4JJavaError as exc:
            bad[path] = _cause(exc)
        except PySparkException as exc:
            bad[path] = str(exc).splitlines()[0]
    return bad


def _aggregate(
    spark: Any,
    paths: Sequence[str],
    metadata_keys: Sequence[str],
    schema: Any,
    by_hour: bool = False,
    keep: Collection[str] | None = None,
) -> tuple[list[Any], list[str]]:
    """The Spark job: read, check and sum; returns the collected rows and the group keys."""
    from pyspark.sql import functions as F

    lines = (
        spark.read.option("recursiveFileLookup", "true")
        .text(list(paths))
        .withColumn("filename", F.regexp_replace(F.input_file_name(), "^file:(//)?", ""))
        .where(F.trim(F.col("value")) != "")
    )
    for path in paths:  # bodies offloaded to data/ folders are not records
        if path.startswith(("s3://", "s3a://")):
            prefix = path.rstrip("/") + "/"
            below = F.concat(F.lit("/"), F.substring("filename", len(prefix) + 1, 1 << 30))
            lines = lines.where(~(F.col("filename").startswith(prefix) & below.contains("/data/")))
    raw = {
        "model_raw": "r.modelId",
        "region": "r.region",
        "timestamp": "r.timestamp",
        "account": "r.accountId",
        "operation": "r.operation",
        "identity": "r.identity.arn",
        "input": "r.input.inputTokenCount",
        "output": "r.output.outputTokenCount",
        "cache_read": "r.input.cacheReadInputTokenCount",
        "cache_write": "r.input.cacheWriteInputTokenCount",
    }
    parsed = lines.select(
        "filename",
        "value",
        F.get_json_object("value", "$").isNotNull().alias("valid"),
        F.from_json("value", schema, {"mode": "PERMISSIVE"}).alias("r"),
        F.from_json("value", _token_schema(), {"mode": "PERMISSIVE"}).alias("n"),
    )
    columns = [F.col(c).alias(name) for name, c in raw.items()]
    columns += [
        F.col("r.requestMetadata").getItem(key).alias(f"meta:{key}") for key in metadata_keys
    ]
    fields = parsed.select("filename", "value", "valid", "n", *columns)
    numbers = {
        "input": "n.input.inputTokenCount",
        "output": "n.output.outputTokenCount",
        "cache_read": "n.input.cacheReadInputTokenCount",
        "cache_write": "n.input.cacheWriteInputTokenCount",
    }
    fields = fields.select(
        "*",
        *[F.col(c).alias(f"{t}_d") for t, c in numbers.items()],
        *[F.expr(f"try_cast(`{t}` AS BIGINT)").alias(f"{t}_n") for t in TOKENS],
    )
    parsed = F.expr("try_to_timestamp(timestamp)")
    # a date Python cannot hold (after 9999) or before 1970 is not a readable timestamp
    moment = F.when(F.year(parsed).between(1970, 9999), parsed)
    typed = fields.select("*", F.to_date(moment).alias("day"), F.hour(moment).alias("hour"))
    problem = (
        F.when(~F.col("valid"), "not a JSON record")
        .when(
            F.col("model_raw").isNull() & ~F.ltrim(F.col("value")).startswith("{"),
            "not a JSON object",
        )
        .when(F.col("model_raw").isNull(), "no modelId")
        .when(F.col("region").isNull(), "no region")
        .when(F.col("day").isNull(), UNREADABLE_TIME)
        .when(
            F.col("input").isNull() | F.col("output").isNull(),
            "no token counts (for example a call stopped by a guardrail)",
        )
    )
    paths_text = {
        "input": "input.inputTokenCount",
        "output": "output.outputTokenCount",
        "cache_read": "input.cacheReadInputTokenCount",
        "cache_write": "input.cacheWriteInputTokenCount",
    }
    for t in TOKENS:
        # As with DuckDB, a count is an integer literal: the text parse gives the value's JSON
        # text (a string without its quotes), the number parse (DoubleType) is null unless the
        # value is a JSON number, so together they tell "100" from 100.
        literal = F.col(f"{t}_d").isNotNull() & F.col(t).rlike("^[0-9]+$")
        count = F.expr(f"try_cast(`{t}` AS BIGINT)")
        problem = problem.when(
            F.col(t).isNotNull() & ~literal,
            f"token count {paths_text[t]} is not a whole number >= 0",
        ).when(
            F.col(t).isNotNull() & (count.isNull() | (count > MAX_TOKENS_PER_RECORD)),
            f"token count {paths_text[t]} is beyond any model's context window",
        )
    metadata = [f"meta:{k}" for k in metadata_keys]

    def kept(key: str) -> Any:
        if keep is None or key in keep:
            return F.col(f"`{key}`")
        if key == "operation":  # only whether it is a batch job's (pricing needs that)
            batch = F.coalesce(F.col("operation"), F.lit("")).rlike(BATCH_OPERATION_SQL)
            return F.when(batch, F.lit(BATCH_JOB)).otherwise(F.lit(INTERACTIVE)).alias(key)
        return F.lit(None).cast("string").alias(key)

    records = typed.select(
        problem.alias("problem"),
        *[kept(k) for k in KEYS],
        *[F.col(f"`{k}`") for k in metadata],
        F.date_format("day", "yyyy-MM-dd").alias("day"),
        F.col("hour"),
        functools.reduce(
            operator.add,
            [
                F.when(F.coalesce(F.col(f"{t}_n"), F.lit(0)) > 0, 1 << n).otherwise(0)
                for n, t in enumerate(TOKENS)
            ],
        ).alias(TOKEN_KINDS),
        *[
            F.when(problem.isNull(), F.coalesce(F.col(f"{t}_n"), F.lit(0))).otherwise(0).alias(t)
            for t in TOKENS
        ],
        F.when(
            problem.isNotNull(),
            F.concat(F.col("filename"), F.lit(": "), F.left("value", F.lit(120))),
        ).alias("example"),
    )
    group = [*KEYS, *metadata, "day", TOKEN_KINDS, *(("hour",) if by_hour else ())]
    rows = (
        records.groupBy("problem", *[F.col(f"`{g}`") for g in group])
        .agg(
            F.count(F.lit(1)).alias("requests"),
            *[F.sum(t).alias(t) for t in TOKENS],
            F.min("example").alias("first_example"),
            F.max("example").alias("last_example"),
        )
        .collect()
    )
    return rows, group


def _token_schema() -> Any:
    """The four token counts as numbers: Spark's JSON reader fills a DoubleType field only from
    a JSON number (a string or a boolean there becomes null)."""
    from pyspark.sql.types import DoubleType, StructField, StructType

    number = DoubleType()
    return StructType(
        [
            StructField(
                "input",
                StructType(
                    [
                        StructField("inputTokenCount", number),
                        StructField("cacheReadInputTokenCount", number),
                        StructField("cacheWriteInputTokenCount", number),
                    ]
                ),
            ),
            StructField("output", StructType([StructField("outputTokenCount", number)])),
        ]
    )


def _usage(rows: list[Any], group: list[str]) -> Usage:
    found: dict[str, tuple[int, set[str]]] = {}
    kept = []
    total = 0
    for row in rows:
        data = row.asDict()
        total += int(data["requests"])
        reason = data["problem"]
        if reason is None:
            kept.append(data)
            continue
        seen, examples = found.get(reason, (0, set()))
        texts = {str(data[e]).replace("\n", " ") for e in ("first_example", "last_example")}
        found[reason] = (seen + int(data["requests"]), examples | texts)
    kept.sort(key=lambda d: tuple("" if d[g] is None else str(d[g]) for g in group))
    columns: dict[str, np.ndarray] = {
        g: np.asarray([d[g] for d in kept], dtype=object) for g in group
    }
    columns["requests"] = np.asarray([d["requests"] for d in kept], dtype=np.int64)
    for t in TOKENS:
        columns[t] = np.asarray([d[t] for d in kept], dtype=np.int64)
    columns[TOKEN_KINDS] = np.asarray([d[TOKEN_KINDS] for d in kept], dtype=np.int64)
    if "hour" in group:
        columns["hour"] = np.asarray([d["hour"] for d in kept], dtype=np.int64)
    problems = sorted(
        (
            Problem(reason, n, tuple(sorted(examples)[:3]))
            for reason, (n, examples) in found.items()
        ),
        key=lambda p: (-p.count, p.reason),
    )
    return Usage(columns=columns, problems=problems, records=total)
