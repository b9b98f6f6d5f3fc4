"""Bedrock's CloudWatch metrics as usage: what `calibrate --cloudwatch` measures.

Amazon Bedrock publishes per-model runtime metrics in the `AWS/Bedrock` namespace with the
dimension `ModelId` (the id or profile the caller used) [AWS, Bedrock user guide, "Monitor
bedrock-runtime inference using CloudWatch metrics"]: `Invocations`, `InputTokenCount` and
`OutputTokenCount` (summed an hour at a time here), `InvocationLatency` (milliseconds; its
p50, p95 and p99 over the whole period, CloudWatch's own percentiles), `InvocationThrottles`;
and, where an account has them, `CacheReadInputTokenCount` and `CacheWriteInputTokenCount`
(absent: no cache tokens, said in the scenario's comments).

The metrics are read with `GetMetricData` [CloudWatch API reference]: at most 500 queries a
call (MAX_QUERIES), every page followed (`NextToken`), throttling retried by botocore's
standard mode. Each query's `Label` is `genai-cost:METRIC:STAT:MODEL_ID`, so a response saved
by the AWS CLI (`aws cloudwatch get-metric-data --cli-input-json file://queries.json`, with
the queries `calibrate --cloudwatch-queries` writes) says what each series is and
`calibrate --cloudwatch-file` reads it without credentials.

Hours are UTC hours. An hour with no `Invocations` datapoint had no traffic (CloudWatch
publishes nothing for an hour without requests): it counts as 0, and the hours of the period
without data are listed. The series become the same per-model, per-hour sums the invocation
logs give (tracking/logs.Usage), so `calibrate` measures both the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genai_cost.documents.tracking import EndpointMeasure
from genai_cost.errors import ArgumentError, AwsError, LogsError
from genai_cost.tracking.logs import TOKEN_KINDS, TOKENS, Usage

NAMESPACE = "AWS/Bedrock"
DIMENSION = "ModelId"
PERIOD_SECONDS = 3600
MAX_QUERIES = 500
"""Queries a GetMetricData call takes at most [CloudWatch API reference, MetricDataQueries]."""
SUMMED = {
    "Invocations": "requests",
    "InputTokenCount": "input",
    "OutputTokenCount": "output",
    "CacheReadInputTokenCount": "cache_read",
    "CacheWriteInputTokenCount": "cache_write",
    "InvocationThrottles": "throttles",
    "OutputImageCount": "images",
}
"""Metrics summed an hour at a time, and what each is in the usage."""
IMAGES = "images"
"""The usage column of output images (OutputImageCount), read by calibrate for image models."""
LATENCY = "InvocationLatency"
PERCENTILES = ("p50", "p95", "p99")
LABEL_PREFIX = "genai-cost"
IAM_ACTIONS = ("cloudwatch:GetMetricData", "cloudwatch:ListMetrics")


@dataclass
class Metrics:
    """CloudWatch series by (metric, stat, model id): timestamps (UTC) and values."""

    series: dict[tuple[str, str, str], dict[dt.datetime, float]] = field(default_factory=dict)
    partial: list[str] = field(default_factory=list)
    """Series CloudWatch did not return whole (a StatusCode other than Complete)."""

    def add(self, results: Iterable[dict[str, Any]]) -> None:
        for result in results:
            label = str(result.get("Label") or "")
            parsed = parse_label(label)
            if parsed is None:
                continue  # not one of ours: a saved response may hold other queries
            points = self.series.setdefault(parsed, {})
            for stamp, value in zip(
                result.get("Timestamps", []), result.get("Values", []), strict=True
            ):
                points[_utc(stamp)] = float(value)
            status = result.get("StatusCode", "Complete")
            if status not in ("Complete", "PartialData"):
                self.partial.append(f"{label}: {status}")

    @property
    def models(self) -> list[str]:
        return sorted({model for _, _, model in self.series})


def label(metric: str, stat: str, model: str) -> str:
    return f"{LABEL_PREFIX}:{metric}:{stat}:{model}"


def parse_label(text: str) -> tuple[str, str, str] | None:
    parts = text.split(":", 3)
    if len(parts) != 4 or parts[0] != LABEL_PREFIX or not parts[3]:
        return None
    return parts[1], parts[2], parts[3]


def _query(
    n: int,
    namespace: str,
    metric: str,
    dimensions: Sequence[tuple[str, str]],
    period: int,
    stat: str,
    subject: str,
) -> dict[str, Any]:
    """One GetMetricData query (the `n`th), labelled with what it is (`label`)."""
    return {
        "Id": f"q{n}",
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions],
            },
            "Period": period,
            "Stat": stat,
        },
        "Label": label(metric, stat, subject),
        "ReturnData": True,
    }


def _whole(start: dt.datetime, end: dt.datetime) -> int:
    """One period spanning [start, end) in whole hours: a statistic over all of it."""
    span = int((end - start).total_seconds())
    return max(PERIOD_SECONDS, span // PERIOD_SECONDS * PERIOD_SECONDS)


def _request(
    found: Sequence[dict[str, Any]], start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    return {
        "MetricDataQueries": list(found),
        "StartTime": start.isoformat().replace("+00:00", "Z"),
        "EndTime": end.isoformat().replace("+00:00", "Z"),
        "ScanBy": "TimestampAscending",
    }


def queries(models: Sequence[str], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """The GetMetricData queries for `models`: each summed metric an hour at a time, and the
    latency percentiles over the whole period (one datapoint)."""
    wanted = [
        (model, metric, stat, period)
        for model in models
        for metric, stat, period in [
            *((m, "Sum", PERIOD_SECONDS) for m in SUMMED),
            *((LATENCY, p, _whole(start, end)) for p in PERCENTILES),
        ]
    ]
    return [
        _query(n, NAMESPACE, metric, [(DIMENSION, model)], period, stat, model)
        for n, (model, metric, stat, period) in enumerate(wanted)
    ]


def requests_of(
    models: Sequence[str], start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """GetMetricData requests (at most MAX_QUERIES queries each) for the period."""
    every = queries(models, start, end)
    return [
        _request(every[i : i + MAX_QUERIES], start, end) for i in range(0, len(every), MAX_QUERIES)
    ]


def client(region: str | None, profile: str | None) -> Any:
    """A CloudWatch client from the standard credential chain (or `profile`), retrying
    throttled calls (botocore's standard mode, 8 attempts)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        return session.client(
            "cloudwatch",
            config=Config(
                retries={"max_attempts": 8, "mode": "standard"}, user_agent_extra="genai-cost"
            ),
        )
    except BotoCoreError as exc:
        raise AwsError(f"CloudWatch: {exc}") from None


def fetch(cw: Any, start: dt.datetime, end: dt.datetime, models: Sequence[str] = ()) -> Metrics:
    """Every model's metrics for the period (the models with `Invocations` in it, found with
    ListMetrics, when none are given)."""
    wanted = list(models) or list_models(cw)
    if not wanted:
        raise AwsError(
            f"CloudWatch has no {NAMESPACE} Invocations metric for any {DIMENSION} in this "
            "account and region: is this the region the requests were made in?"
        )
    metrics = Metrics()
    for request in requests_of(wanted, start, end):
        request = {**request, "StartTime": start, "EndTime": end}
        for page in _pages(cw, "get_metric_data", request):
            metrics.add(page.get("MetricDataResults", []))
    return metrics


def fetch_response(cw: Any, request: dict[str, Any]) -> dict[str, Any]:
    """Run a prepared GetMetricData request (every page) and return the response as the AWS
    CLI saves it: one `MetricDataResults` list, timestamps in ISO 8601 — what
    `--cloudwatch-file` and `--endpoint-metrics` read."""
    call = {
        **request,
        "StartTime": _utc(request["StartTime"]),
        "EndTime": _utc(request["EndTime"]),
    }
    results: list[dict[str, Any]] = []
    for page in _pages(cw, "get_metric_data", call):
        for r in page.get("MetricDataResults", []):
            results.append(
                {
                    "Id": r.get("Id"),
                    "Label": r.get("Label"),
                    "Timestamps": [_utc(t).isoformat() for t in r.get("Timestamps", [])],
                    "Values": list(r.get("Values", [])),
                    "StatusCode": r.get("StatusCode", "Complete"),
                }
            )
    return {"MetricDataResults": results, "Messages": []}


def list_models(cw: Any) -> list[str]:
    found: set[str] = set()
    for page in _pages(cw, "list_metrics", {"Namespace": NAMESPACE, "MetricName": "Invocations"}):
        for metric in page.get("Metrics", []):
            for dimension in metric.get("Dimensions", []):
                if dimension.get("Name") == DIMENSION and dimension.get("Value"):
                    found.add(str(dimension["Value"]))
    return sorted(found)


def _pages(cw: Any, operation: str, request: dict[str, Any]) -> Iterable[dict[str, Any]]:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield from cw.get_paginator(operation).paginate(**request)
    except NoCredentialsError:
        raise AwsError(
            "CloudWatch: no AWS credentials found (the standard chain: environment, "
            "~/.aws, instance role; or «profile» NAME); to work without them, save the "
            "metrics with the AWS CLI and give «cloudwatch_file» (docs/from-logs-to-a-plan.md)"
        ) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        hint = (
            f"; the credentials need {', '.join(IAM_ACTIONS)}"
            if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
            else ""
        )
        raise AwsError(f"CloudWatch {operation}: {code}: {message}{hint}") from None
    except BotoCoreError as exc:
        raise AwsError(f"CloudWatch {operation}: {exc}") from None


def read_file(path: Path) -> Metrics:
    """A saved GetMetricData response (the AWS CLI's output: one object with
    `MetricDataResults`, or a list of such pages)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LogsError.at(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LogsError.at(str(path), f"not a JSON file: {exc}") from None
    pages = data if isinstance(data, list) else [data]
    metrics = Metrics()
    for n, page in enumerate(pages):
        results = page.get("MetricDataResults") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise LogsError.at(
                str(path),
                f"page {n + 1} has no MetricDataResults list: expected the output of `aws "
                "cloudwatch get-metric-data` with the queries `calibrate --cloudwatch-queries` "
                "writes",
            )
        try:
            _check_results(results)
        except ValueError as exc:
            raise LogsError.at(str(path), f"page {n + 1}: {exc}") from None
        metrics.add(results)
    if not metrics.series:
        raise LogsError.at(
            str(path),
            f"no series labelled {LABEL_PREFIX}:METRIC:STAT:MODEL_ID: run the AWS CLI with the "
            "queries `calibrate --cloudwatch-queries` writes (their labels say what each is)",
        )
    return metrics


def _check_results(results: list[Any]) -> None:
    """Numbers from a file are checked like scenario numbers: finite, not negative."""
    for r in results:
        if not isinstance(r, dict):
            raise ValueError("a MetricDataResults item is not an object")
        stamps, values = r.get("Timestamps", []), r.get("Values", [])
        if (
            not isinstance(stamps, list)
            or not isinstance(values, list)
            or len(stamps) != len(values)
        ):
            raise ValueError(
                f"{r.get('Label')!r}: Timestamps and Values must be lists of one length"
            )
        for v in values:
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or not np.isfinite(v)
                or v < 0
            ):
                raise ValueError(f"{r.get('Label')!r}: {v!r} is not a count or a duration")
        for s in stamps:
            _utc(s)


def _utc(stamp: Any) -> dt.datetime:
    if isinstance(stamp, dt.datetime):
        moment = stamp
    else:
        try:
            moment = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{stamp!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class Measured:
    """What the metrics give besides the usage: per model, latency percentiles (seconds),
    throttled requests, whether cache-token metrics were there, and the hours without data."""

    latency: dict[str, dict[str, float]]
    throttles: dict[str, float]
    cache_metrics: dict[str, bool]
    empty_hours: dict[str, list[tuple[dt.datetime, dt.datetime]]]
    """Per model, the runs of hours (first, last) of the period with no Invocations datapoint:
    counted as hours without requests."""
    first: dt.datetime
    last: dt.datetime

    def gaps(self, model: str, shown: int = 4) -> str:
        """The model's hours without data, as runs ("none" when every hour has data)."""
        runs = self.empty_hours.get(model, [])
        if not runs:
            return "none"
        hours = sum(int((b - a).total_seconds() // 3600) + 1 for a, b in runs)
        text = ", ".join(
            f"{a:%Y-%m-%d %H}:00" + (f"–{b:%Y-%m-%d %H}:00" if b != a else "")
            for a, b in runs[:shown]
        )
        more = f" and {len(runs) - shown} more runs" if len(runs) > shown else ""
        return f"{hours:,} hours ({text}{more} UTC)"


def to_usage(
    metrics: Metrics, region: str, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> tuple[Usage, Measured]:
    """The metrics as usage rows (model, region, UTC day and hour) and what else they say.
    The period is [start, end) when given, else the hours the `Invocations` series span."""
    rows: dict[tuple[str, dt.datetime], dict[str, float]] = {}
    hours_seen: dict[str, set[dt.datetime]] = {}
    cache: dict[str, bool] = {}
    throttles: dict[str, float] = {}
    latency: dict[str, dict[str, float]] = {}
    for (metric, stat, model), points in metrics.series.items():
        if metric == LATENCY and stat in PERCENTILES and points:
            latency.setdefault(model, {})[stat] = max(points.values()) / 1000.0
            continue
        field_name = SUMMED.get(metric)
        if field_name is None or stat != "Sum":
            continue
        if field_name in ("cache_read", "cache_write"):
            cache[model] = cache.get(model, False) or bool(points)
        for stamp, value in points.items():
            hour = stamp.replace(minute=0, second=0, microsecond=0)
            if start is not None and not start <= hour < (end or hour + dt.timedelta(hours=1)):
                continue
            if field_name == "throttles":
                throttles[model] = throttles.get(model, 0.0) + value
                continue
            rows.setdefault((model, hour), {})[field_name] = (
                rows.get((model, hour), {}).get(field_name, 0.0) + value
            )
            if field_name == "requests":
                hours_seen.setdefault(model, set()).add(hour)
    traffic = {k: v for k, v in rows.items() if v.get("requests", 0.0) > 0}
    if not traffic:
        raise LogsError.at(
            "",
            f"the metrics hold no {NAMESPACE} Invocations datapoint"
            + (f" from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC" if start and end else "")
            + ": no requests to measure",
        )
    # image models publish OutputImageCount and no token counts: they are billed per image
    imaging = {model for (model, _), v in traffic.items() if v.get("images", 0.0) > 0}
    missing_tokens = sorted(
        {
            model
            for (model, _), v in traffic.items()
            if ("input" not in v or "output" not in v) and model not in imaging
        }
    )
    if missing_tokens:
        raise LogsError.at(
            "",
            "no InputTokenCount or OutputTokenCount datapoints for hours with Invocations of "
            + ", ".join(missing_tokens)
            + ": tokens per request cannot be measured (does the role read every metric?)",
        )
    first = start or min(hour for _, hour in traffic)
    last = (end - dt.timedelta(hours=1)) if end else max(hour for _, hour in traffic)
    empty = {model: _runs(first, last, hours) for model, hours in hours_seen.items()}
    keys = sorted(traffic)
    columns: dict[str, np.ndarray] = {
        "model_raw": np.asarray([m for m, _ in keys], dtype=object),
        "region": np.asarray([region] * len(keys), dtype=object),
        "account": np.asarray([None] * len(keys), dtype=object),
        "operation": np.asarray([None] * len(keys), dtype=object),
        "identity": np.asarray([None] * len(keys), dtype=object),
        "day": np.asarray([h.date().isoformat() for _, h in keys], dtype=object),
        "hour": np.asarray([h.hour for _, h in keys], dtype=np.int64),
        "requests": np.asarray([round(traffic[k]["requests"]) for k in keys], dtype=np.int64),
    }
    for t in TOKENS:
        columns[t] = np.asarray([round(traffic[k].get(t, 0.0)) for k in keys], dtype=np.int64)
    columns[IMAGES] = np.asarray(
        [round(traffic[k].get("images", 0.0)) for k in keys], dtype=np.int64
    )
    columns[TOKEN_KINDS] = np.zeros(len(keys), dtype=np.int64)
    usage = Usage(columns, [], int(columns["requests"].sum()))
    return usage, Measured(latency, throttles, cache, empty, first, last)


def _runs(
    first: dt.datetime, last: dt.datetime, seen: set[dt.datetime]
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Runs of consecutive hours from `first` to `last` that are not in `seen`."""
    runs: list[tuple[dt.datetime, dt.datetime]] = []
    hour, step = first, dt.timedelta(hours=1)
    while hour <= last:
        if hour not in seen:
            if runs and runs[-1][1] + step == hour:
                runs[-1] = (runs[-1][0], hour)
            else:
                runs.append((hour, hour))
        hour += step
    return runs


def period(
    start: str | None, end: str | None, month: str | None, today: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC from --start/--end (days, end exclusive) or --month (YYYY-MM)."""
    if month is not None:
        if start or end:
            raise ArgumentError("give «month» or «start»/«end», not both")
        try:
            first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC)
        except ValueError:
            raise ArgumentError(f"«month» {month!r}: expected YYYY-MM") from None
        after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first, after
    if start is None or end is None:
        raise ArgumentError("give the period: «month» YYYY-MM, or «start» DAY «end» DAY")
    try:
        a = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
        b = dt.datetime.fromisoformat(end).replace(tzinfo=dt.UTC)
    except ValueError:
        raise ArgumentError(f"«start» {start!r} / «end» {end!r}: expected YYYY-MM-DD") from None
    if not a < b:
        raise ArgumentError(f"«start» {start} must be before «end» {end} (end exclusive)")
    if b.date() > today + dt.timedelta(days=1):
        raise ArgumentError(f"«end» {end} is in the future")
    return a, b


SAGEMAKER = "AWS/SageMaker"
ENDPOINTS = "/aws/sagemaker/Endpoints"
ENDPOINT_METRICS = (
    (SAGEMAKER, "Invocations", "Sum"),
    (SAGEMAKER, "InvocationsPerInstance", "Sum"),
    (ENDPOINTS, "GPUUtilization", "Average"),
    (ENDPOINTS, "GPUMemoryUtilization", "Average"),
    (ENDPOINTS, "CPUUtilization", "Average"),
)
"""An endpoint variant's metrics, an hour at a time [AWS, SageMaker developer guide, "Amazon
SageMaker AI metrics in Amazon CloudWatch"]: invocations, invocations per instance, and the
instances' utilisation in percent (GPU figures summed over an instance's GPUs)."""


def variant_key(endpoint: str) -> str:
    """`NAME/VARIANT` of an endpoint named `NAME` or `NAME/VARIANT` (SageMaker's default
    variant is AllTraffic)."""
    name, _, variant = endpoint.partition("/")
    return f"{name}/{variant or 'AllTraffic'}"


def endpoint_queries(
    endpoints: Sequence[str], start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """The GetMetricData request for endpoint variants (`NAME/VARIANT`): their metrics an hour
    at a time, and their latency percentiles over the whole period."""
    wanted = [
        (key, namespace, metric, stat, period)
        for key in map(variant_key, endpoints)
        for namespace, metric, stat, period in [
            *((ns, m, st, PERIOD_SECONDS) for ns, m, st in ENDPOINT_METRICS),
            *(
                (SAGEMAKER, m, p, _whole(start, end))
                for m in ENDPOINT_LATENCY
                for p in ("p50", "p95")
            ),
        ]
    ]
    found = [
        _query(
            n,
            namespace,
            metric,
            [("EndpointName", key.split("/", 1)[0]), ("VariantName", key.split("/", 1)[1])],
            period,
            stat,
            key,
        )
        for n, (key, namespace, metric, stat, period) in enumerate(wanted)
    ]
    return _request(found, start, end)


ENDPOINT_LATENCY = ("ModelLatency", "OverheadLatency")
PAIR = ("p50", "p95")
"""The percentiles of an endpoint's latency the scenario's MeasuredLatency holds."""
"""An endpoint's latency metrics, in microseconds [AWS, SageMaker developer guide]: the model's
response time, and SageMaker's overhead around it."""


def endpoint_latency(metrics: Metrics, endpoint: str) -> dict[str, float] | None:
    """An endpoint variant's response time over the period, seconds: ModelLatency's p50 and
    p95 plus OverheadLatency's (a sum of percentiles: at most the percentile of the sum's
    upper side, so a conservative figure); None without both metrics."""
    key = variant_key(endpoint)
    found: dict[str, float] = {}
    for p in PAIR:
        parts = [metrics.series.get((m, p, key), {}) for m in ENDPOINT_LATENCY]
        if not all(parts):
            return None
        found[p] = sum(max(points.values()) for points in parts) / 1e6
    return found


def endpoint_use(metrics: Metrics, endpoint: str, gpus: int) -> EndpointMeasure | str:
    """The endpoint variant's busiest hour (by invocations), or why it cannot be measured.
    `gpus`: accelerators per instance (CloudWatch sums GPUUtilization over them); with its
    latency metrics, its response time (`endpoint_latency`)."""
    found = _endpoint_use(metrics, endpoint, gpus)
    if isinstance(found, str):
        return found
    latency = endpoint_latency(metrics, endpoint)
    if latency is not None:
        found["p50_seconds"] = latency["p50"]
        found["p95_seconds"] = latency["p95"]
    return found


def _endpoint_use(metrics: Metrics, endpoint: str, gpus: int) -> EndpointMeasure | str:
    """The endpoint variant's busiest hour (by invocations), or why it cannot be measured.
    `gpus`: accelerators per instance (CloudWatch sums GPUUtilization over them)."""
    key = variant_key(endpoint)
    invocations = metrics.series.get(("Invocations", "Sum", key), {})
    if not invocations or max(invocations.values()) <= 0:
        return f"no {SAGEMAKER} Invocations datapoint for endpoint {key}"
    hour = max(invocations, key=lambda h: (invocations[h], h))
    per_instance = metrics.series.get(("InvocationsPerInstance", "Sum", key), {}).get(hour)
    gpu = metrics.series.get(("GPUUtilization", "Average", key), {}).get(hour)
    busiest = f"in its busiest hour ({hour:%Y-%m-%d %H}:00 UTC)"
    if not per_instance:
        return f"no InvocationsPerInstance datapoint for {key} {busiest}"
    if gpu is None or gpu <= 0:
        return f"no {ENDPOINTS} GPUUtilization datapoint for {key} {busiest}"
    return {
        "endpoint": key,
        "hour": hour.isoformat(),
        "requests_per_second": invocations[hour] / PERIOD_SECONDS,
        "instances": invocations[hour] / per_instance,
        "gpu_utilization": min(1.0, gpu / 100.0 / max(gpus, 1)),
    }


def endpoint_utilization(
    metrics: Metrics,
    endpoint: str,
    gpus: int,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> float | str:
    """An endpoint variant's mean GPU utilisation (of one instance's GPUs, 0-1) over the
    hours of the days `first` to `last` with a datapoint, or why it cannot be measured."""
    key = variant_key(endpoint)
    points = [
        v
        for stamp, v in metrics.series.get(("GPUUtilization", "Average", key), {}).items()
        if (first is None or stamp.date() >= first) and (last is None or stamp.date() <= last)
    ]
    if not points:
        return f"no {ENDPOINTS} GPUUtilization datapoint for endpoint {key} in the period"
    mean = sum(points) / len(points) / 100.0 / max(gpus, 1)
    return max(min(mean, 1.0), 1e-9)
