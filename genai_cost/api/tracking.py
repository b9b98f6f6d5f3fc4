"""What was spent: chargeback from logs or the bill, logs against the bill, scenarios
measured from logs or CloudWatch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from genai_cost.errors import ArgumentError, LogsError
from genai_cost.units import presented

if TYPE_CHECKING:
    from genai_cost.documents.tracking import (
        AllocationDocument,
        CurAllocationDocument,
        ReconcileDocument,
    )

STREAM_GROUPS = 200_000
"""Groups above which `allocate(stream_to=...)` writes its table a slice at a time (the
number tracking/chargeback.py uses; checked equal by a test)."""


def require_allocated(problems: Sequence[Any], what: str) -> None:
    """Any record or line item not allocated is bad input (`strict`), listed."""
    if not problems:
        return
    lines = []
    for p in problems:
        lines.append(f"{p['records']:,} {what}: {p['reason']}")
        lines += [f"  e.g. {example}" for example in p.get("examples", [])[:3]]
    raise LogsError.at("", "«strict»: not allocated:\n" + "\n".join(lines))


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value is not None else None


def _rule(anomaly_k: float, anomaly_window: int) -> Any:
    from genai_cost.tracking.anomalies import AnomalyRule

    return AnomalyRule(window_days=anomaly_window, k=anomaly_k)


def allocate(
    logs: Sequence[str],
    *,
    by: Sequence[str] = ("tenant",),
    tenant: str = "metadata:tenant",
    snapshot: str | Path | None = None,
    price_book: str | Path | None = None,
    profiles: str | Path | None = None,
    resolve_profiles: bool = False,
    budgets: str | Path | None = None,
    capacity: str | Path | None = None,
    endpoint_metrics: str | Path | None = None,
    anomaly_k: float = 3.0,
    anomaly_window: int = 14,
    idle_threshold: float = 0.5,
    engine: str = "duckdb",
    strict: bool = False,
    stream_to: tuple[Literal["csv", "parquet"], str | Path] | None = None,
    verbose: bool = False,
) -> AllocationDocument:
    """Chargeback from Bedrock invocation logs (files, S3-layout folders or s3:// prefixes):
    every record priced from the snapshot and summed by the `by` keys (`tenant` says where
    the tenant comes from: metadata:KEY, identity or profile-tag:KEY), with budgets, shared
    `capacity` split, anomalies and idle capacity. `strict` makes any record not allocated
    an error. `stream_to` (("csv" or "parquet", path)) writes a table of more than 200,000
    groups to the file a slice at a time (the document then names it under `table`)."""
    from genai_cost.tracking.chargeback import StreamTarget, run_allocation

    if not logs:
        raise ArgumentError("give invocation logs («logs»), or allocate the bill («cur»)")
    target = StreamTarget(stream_to[0], Path(stream_to[1])) if stream_to else None
    document = run_allocation(
        list(logs),
        by=list(by),
        tenant=tenant,
        snapshot=str(snapshot) if snapshot is not None else None,
        price_book=price_book,
        profiles=_path(profiles),
        bedrock_client="auto" if resolve_profiles else None,
        budgets=_path(budgets),
        capacity=_path(capacity),
        engine=engine,
        verbose=verbose,
        anomaly_rule=_rule(anomaly_k, anomaly_window),
        idle_threshold=idle_threshold,
        stream_to=target,
        endpoint_metrics=_path(endpoint_metrics),
    )
    if strict:
        require_allocated(document["problems"], "record(s)")
    allocated: AllocationDocument = presented(document)
    return allocated


def allocate_cur(
    cur: Sequence[str],
    *,
    by: Sequence[str] = ("tenant",),
    tenant: str = "tag:tenant",
    cost: str = "unblended",
    services: Sequence[str] = (),
    exclude: Sequence[str] = (),
    snapshot: str | Path | None = None,
    budgets: str | Path | None = None,
    capacity: str | Path | None = None,
    endpoint_metrics: str | Path | None = None,
    anomaly_k: float = 3.0,
    anomaly_window: int = 14,
    idle_threshold: float = 0.5,
    engine: str = "duckdb",
    strict: bool = False,
    verbose: bool = False,
) -> CurAllocationDocument:
    """Chargeback from the Cost and Usage Report (CUR 2.0 Parquet or CSV, legacy CSV, Data
    Exports folders or s3:// prefixes): the bill's own generative-AI line items (and those
    of `services`) split by the `by` keys, with the `cost` basis asked for."""
    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.catalog.snapshot import model_names
    from genai_cost.tracking.cur_allocate import run_cur_allocation

    if not cur:
        raise ArgumentError("give the bill's files or folders («cur»)")
    document, _ = run_cur_allocation(
        list(cur),
        by=list(by),
        tenant=tenant,
        basis=cost,
        services=list(services),
        exclude=list(exclude),
        budgets=_path(budgets),
        capacity=_path(capacity),
        anomaly_rule=_rule(anomaly_k, anomaly_window),
        engine=engine,
        verbose=verbose,
        models=model_names(str(snapshot) if snapshot else None) if "model" in by else [],
        idle_threshold=idle_threshold,
        endpoint_metrics=_path(endpoint_metrics),
        catalog=PricingOptions(snapshot=snapshot).catalog()
        if endpoint_metrics is not None
        else None,
    )
    if strict:
        require_allocated(document["problems"], "line item(s)")
    allocated: CurAllocationDocument = presented(document)
    return allocated


def reconcile(
    logs: Sequence[str],
    cur: Sequence[str],
    *,
    tenant: str = "identity",
    cur_tenant: str | None = None,
    cost: str = "unblended",
    exclude: Sequence[str] = (),
    snapshot: str | Path | None = None,
    price_book: str | Path | None = None,
    profiles: str | Path | None = None,
    engine: str = "duckdb",
) -> ReconcileDocument:
    """Logs against the bill for the same period, per tenant, with what explains each
    difference. `cur_tenant` defaults to identity when `tenant` is identity, else to
    tag:<the tenant key>."""
    from genai_cost.tracking.reconcile import run_reconcile

    if cur_tenant is None:
        kind, _, key = tenant.partition(":")
        cur_tenant = "identity" if tenant == "identity" else f"tag:{key or kind}"
    document: ReconcileDocument = presented(
        run_reconcile(
            list(logs),
            list(cur),
            tenant=tenant,
            cur_tenant=cur_tenant,
            basis=cost,
            exclude=list(exclude),
            snapshot=str(snapshot) if snapshot is not None else None,
            price_book=price_book,
            profiles=_path(profiles),
            engine=engine,
        )
    )
    return document


@dataclass
class Calibration:
    """A scenario measured from logs or CloudWatch: its YAML `text` (comments say where
    each number came from), what was measured, and warnings."""

    text: str
    workloads: int
    measured: int
    """Records (logs) or requests (CloudWatch) measured."""
    first_day: dt.date | None
    last_day: dt.date | None
    warnings: list[str]

    def summary(self, counted: str) -> str:
        return (
            f"{self.workloads} workload(s) from {self.measured:,} {counted}, "
            f"{self.first_day} to {self.last_day}"
        )


def calibrate(
    logs: Sequence[str],
    *,
    by: str = "model",
    name: str = "calibrated",
    profiles: str | Path | None = None,
    resolve_profiles: bool = False,
    engine: str = "duckdb",
    verbose: bool = False,
) -> Calibration:
    """A scenario measured from Bedrock invocation logs: one workload per model and source
    region (and requestMetadata value or profile tag with `by`)."""
    from genai_cost.tracking.calibrate import run_calibration

    if not logs:
        raise ArgumentError("give invocation logs («logs»), or measure from CloudWatch")
    text, result = run_calibration(
        list(logs),
        by=by,
        name=name,
        profiles=_path(profiles),
        bedrock_client="auto" if resolve_profiles else None,
        engine=engine,
        verbose=verbose,
    )
    warnings = list(result.caveats)
    if result.problems:
        warnings.append(f"{result.problems:,} record(s) could not be used and are not measured")
    return Calibration(
        text, len(result.workloads), result.records, result.first_day, result.last_day, warnings
    )


def calibrate_cloudwatch(
    *,
    file: str | Path | None = None,
    region: str | None = None,
    profile: str | None = None,
    month: str | None = None,
    start: str | None = None,
    end: str | None = None,
    name: str = "calibrated",
    by: str = "model",
    profiles: str | Path | None = None,
    resolve_profiles: bool = False,
) -> Calibration:
    """A scenario measured from the account's AWS/Bedrock CloudWatch metrics (or from a
    saved GetMetricData response, `file`), over `month` or `start`–`end`."""
    from genai_cost.tracking.calibrate import run_cloudwatch_calibration

    text, result, warnings = run_cloudwatch_calibration(
        file=Path(file) if file is not None else None,
        region=region,
        profile=profile,
        start=start,
        end=end,
        month=month,
        name=name,
        by=by,
        profiles=_path(profiles),
        bedrock_client="auto" if resolve_profiles else None,
    )
    return Calibration(
        text,
        len(result.workloads),
        result.records,
        result.first_day,
        result.last_day,
        list(warnings),
    )


def cloudwatch_request(
    *,
    models: Sequence[str] = (),
    endpoints: Sequence[str] = (),
    month: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """The GetMetricData request (for `aws cloudwatch get-metric-data --cli-input-json`) of
    the Bedrock `models`' hourly metrics, or of the SageMaker `endpoints`' (NAME or
    NAME/VARIANT) invocations, utilisation and latency, over the period."""
    from genai_cost.tracking import cloudwatch as cw

    if bool(models) == bool(endpoints):
        raise ArgumentError("give «cloudwatch_queries» or «endpoint_queries», one of them")
    first, after = cw.period(start, end, month, dt.datetime.now(dt.UTC).date())
    if endpoints:
        pages = [cw.endpoint_queries(list(endpoints), first, after)]
    else:
        pages = cw.requests_of(list(models), first, after)
    if len(pages) > 1 or len(pages[0]["MetricDataQueries"]) > cw.MAX_QUERIES:
        raise ArgumentError(
            f"more than {cw.MAX_QUERIES} queries, the most one GetMetricData call takes: "
            "give fewer model ids or endpoints per file"
        )
    request: dict[str, Any] = pages[0]
    return request


def cloudwatch_response(
    request: dict[str, Any], *, region: str | None = None, profile: str | None = None
) -> dict[str, Any]:
    """Run a GetMetricData `request` against the account (standard credential chain), and
    return its response as the AWS CLI would save it."""
    from genai_cost.tracking import cloudwatch as cw

    response: dict[str, Any] = cw.fetch_response(cw.client(region, profile), request)
    return response


def athena_ddl(parquet: str | Path, *, location: str, table: str = "genai_cost_allocation") -> str:
    """The Athena CREATE EXTERNAL TABLE that reads a Parquet table genai-cost wrote (its
    columns and types from the file itself), for files uploaded to `location` (s3://…/)."""
    from genai_cost.report.parquet import athena_ddl as ddl
    from genai_cost.report.parquet import parquet_schema

    path = Path(parquet)
    if not path.is_file():
        raise LogsError.at(str(path), "no such file")
    return ddl(parquet_schema(path), table, location)
