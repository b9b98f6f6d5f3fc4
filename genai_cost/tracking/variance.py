"""Estimate vs actual: a scenario's estimate against allocated log costs or Cost Explorer.

Workloads are matched by name to a key in the actuals: a `requestMetadata` field or profile tag
in the logs, or a cost-allocation tag in Cost Explorer. The estimate is prorated to the period
the actuals cover: `estimate × days × 24 / H`, with H the hours of the month it is priced for.
Actuals that cover exactly one calendar month are compared with an estimate of that month
(H = its days × 24, so the factor is 1), as the invoice bills it; otherwise H is the
scenario's billing month, or 730.

A workload's estimate is its own serving lines of the whole bill — its chosen option (as a
chosen customization path changes it) and that option's redundancy — not its share of shared
costs (vector stores, services, training), which no Bedrock log or Bedrock cost line shows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from genai_cost.documents.estimate import EstimateHead, ScenarioSummary
from genai_cost.documents.tracking import (
    AllocationProblem,
    Unmatched,
    VarianceDocument,
    VarianceRow,
)
from genai_cost.errors import ArgumentError, AwsError, LogsError
from genai_cost.units import HOURS_PER_MONTH

SCHEMA_VERSION = 1
UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class Actuals:
    """Actual cost (and requests, where known) per key value over `days` days."""

    cost_usd: dict[str, float]
    requests: dict[str, int] | None
    first_day: dt.date
    days: int
    source: str
    not_attributed: list[AllocationProblem] = field(default_factory=list)
    """Records the logs hold whose cost is in no actual (not priced, an unknown profile …)."""


def from_logs(logs: Sequence[str], key: str, **options: Any) -> Actuals:
    from genai_cost.tracking.chargeback import run_allocation

    document = run_allocation(logs, by=["tenant"], tenant=key, **options)
    period = document["period"]
    if period["first_day"] is None or period["last_day"] is None:
        raise LogsError.at("", "the logs hold no priced records to compare with")
    first = dt.date.fromisoformat(period["first_day"])
    days = (dt.date.fromisoformat(period["last_day"]) - first).days + 1
    rows: list[dict[str, Any]] = [dict(r) for r in document["rows"]]  # a `tenant` key each
    return Actuals(
        {str(r["tenant"]): float(r["cost_usd"]) for r in rows},
        {str(r["tenant"]): int(r["requests"]) for r in rows},
        first,
        days,
        f"invocation logs priced with snapshot {document['snapshot']} ({key})",
        list(document["problems"]),
    )


def bedrock_services(ce: Any, start: dt.date, end: dt.date) -> list[str]:
    """Cost Explorer SERVICE values for Bedrock: `Amazon Bedrock` and the third-party
    `… (Amazon Bedrock Edition)` services under which Marketplace models bill."""
    services: list[str] = []
    token = None
    while True:
        request: dict[str, Any] = {
            "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
            "Dimension": "SERVICE",
            "SearchString": "Bedrock",
        }
        if token:
            request["NextPageToken"] = token
        answer = ce.get_dimension_values(**request)
        services += [v["Value"] for v in answer.get("DimensionValues", [])]
        token = answer.get("NextPageToken")
        if not token:
            return services


def from_cost_explorer(ce: Any, tag: str, start: dt.date, end: dt.date) -> Actuals:
    """Unblended Bedrock usage cost by cost-allocation tag, `start` inclusive, `end` exclusive.

    GetCostAndUsage has no paginator: NextPageToken is followed by hand. Tag group keys come
    back as `tag$value`, untagged as `tag$`.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if end <= start:
        raise ArgumentError(f"«end» {end} must be after «start» {start}")
    try:
        services = bedrock_services(ce, start, end)
        if not services:
            raise AwsError(f"Cost Explorer shows no Bedrock service from {start} to {end}")
        costs: dict[str, float] = {}
        token = None
        while True:
            request: dict[str, Any] = {
                "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
                "Granularity": "MONTHLY",
                "Metrics": ["UnblendedCost"],
                "GroupBy": [{"Type": "TAG", "Key": tag}],
                "Filter": {
                    "And": [
                        {"Dimensions": {"Key": "SERVICE", "Values": services}},
                        {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Usage"]}},
                    ]
                },
            }
            if token:
                request["NextPageToken"] = token
            answer = ce.get_cost_and_usage(**request)
            for period in answer.get("ResultsByTime", []):
                for group in period.get("Groups", []):
                    value = group["Keys"][0].partition("$")[2] or UNTAGGED
                    amount = float(group["Metrics"]["UnblendedCost"]["Amount"])
                    costs[value] = costs.get(value, 0.0) + amount
            token = answer.get("NextPageToken")
            if not token:
                break
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"Cost Explorer: {exc}") from None
    return Actuals(
        costs, None, start, (end - start).days, f"Cost Explorer UnblendedCost by tag {tag}"
    )


def serving_cost(scenario: ScenarioSummary, workload: str) -> float | None:
    """A workload's own serving lines of the bill a month (None when they are missing)."""
    bill = scenario["bill"]
    if any(m["item"] == workload and m["family"] == "inference" for m in bill["missing"]):
        return None
    mine = [
        c["usd"]
        for c in bill["components"]
        if c["item"] == workload
        and c["family"] in ("inference", "redundancy")
        and c["name"] != "replication_transfer"
    ]
    if not mine or any(u is None for u in mine):
        return None
    return float(sum(u for u in mine if u is not None))


def whole_month(actuals: Actuals) -> str | None:
    """The calendar month (YYYY-MM) the actuals cover exactly, if they cover one: the estimate
    is then priced for that month's hours, as the invoice is."""
    import calendar

    first = actuals.first_day
    days = calendar.monthrange(first.year, first.month)[1]
    if first.day == 1 and actuals.days == days:
        return f"{first.year:04d}-{first.month:02d}"
    return None


def compare(estimate: EstimateHead, actuals: Actuals) -> VarianceDocument:
    """Per workload: estimate for the period, actual, variance in USD and %."""
    workloads = [(s, w) for s in estimate["scenarios"] for w in s["workloads"]]
    counted = Counter(w["name"] for _, w in workloads)  # (once each: a table has thousands)
    repeated = sorted(n for n, times in counted.items() if times > 1)
    if repeated:
        raise ArgumentError(
            f"workload names {repeated} appear in several scenarios: actuals are matched by "
            "workload name, so compare those scenarios one at a time"
        )
    rows: list[VarianceRow] = []
    for summary, w in workloads:
        scenario = summary["name"]
        serving = serving_cost(summary, w["name"])
        factor = actuals.days * 24.0 / summary.get("month_hours", HOURS_PER_MONTH)
        planned = serving * factor if serving is not None else None
        actual = actuals.cost_usd.get(w["name"])
        variance = actual - planned if actual is not None and planned is not None else None
        rows.append(
            {
                "scenario": scenario,
                "workload": w["name"],
                "estimate_usd": planned,
                "actual_usd": actual,
                "variance_usd": variance,
                "variance_percent": (
                    variance / planned * 100 if variance is not None and planned else None
                ),
                "estimated_requests": (w["requests_per_month"] or 0.0) * factor,
                "actual_requests": (
                    actuals.requests.get(w["name"]) if actuals.requests is not None else None
                ),
            }
        )
    unmatched: list[Unmatched] = [
        {"key": key, "actual_usd": cost}
        for key, cost in sorted(actuals.cost_usd.items(), key=lambda kv: (-kv[1], kv[0]))
        if key not in counted
    ]
    last = actuals.first_day + dt.timedelta(days=actuals.days - 1)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "variance",
        "actuals_source": actuals.source,
        "snapshot": estimate["snapshot"]["id"],
        "period": {
            "first_day": actuals.first_day.isoformat(),
            "last_day": last.isoformat(),
            "days": actuals.days,
            "estimate_factor": actuals.days
            * 24.0
            / (
                estimate["scenarios"][0].get("month_hours", HOURS_PER_MONTH)
                if estimate["scenarios"]
                else HOURS_PER_MONTH
            ),
        },
        "workloads": rows,
        "not_in_estimate": unmatched,
        "not_attributed": actuals.not_attributed,
    }
