"""Chargeback: price summed invocation-log usage from the catalog and split it by tenant (or key).

Pricing (docs/methodology.md, "Chargeback from invocation logs"): for each distinct model, scope,
source region and day, the on-demand row in effect that day; cost = Σ tokens × USD per 1M ÷ 10⁶
over the four token types — the engine's own price lookup and token lines, so a record costs
exactly what an estimate of the same tokens costs. A record is priced at its source `region`
(cross-region inference is billed at the rate of the region the request was made in);
`global.` ids use global rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.tracking import (
    AllocationDocument,
    AllocationProblem,
    AllocationRow,
    AllocationTotal,
    CapacityEntry,
    IdleCapacity,
    TenantBudget,
)
from genai_cost.engine.arrays import sum_components
from genai_cost.engine.bedrock_tokens import PriceKey, lookup_token_prices
from genai_cost.engine.options.on_demand import AUDIO_COLUMNS, token_components
from genai_cost.errors import ArgumentError, BudgetsError, LogsError
from genai_cost.modelbase import Strict
from genai_cost.modelfile import suggest
from genai_cost.scenario.budget import Budget, BudgetStatus, Level
from genai_cost.tracking.anomalies import AnomalyRule, find_anomalies
from genai_cost.tracking.capacity import (
    CapacityFile,
    ProvisionedCapacity,
    SelfHostedCapacity,
    hourly_cost,
)
from genai_cost.tracking.logs import BATCH_OPERATION, TOKENS, Usage
from genai_cost.tracking.profiles import ModelRef, ProfileResolver
from genai_cost.units import HOURS_PER_MONTH, TOKENS_PER_MILLION

SCHEMA_VERSION = 1
UNTAGGED = "(untagged)"
PRICE_COLUMNS = {
    "input": "usd_per_1m_input_tokens",
    "output": "usd_per_1m_output_tokens",
    "cache_read": "usd_per_1m_cache_read_input_tokens",
    "cache_write": "usd_per_1m_cache_write_input_tokens",
}
BATCH_PRICE_COLUMNS = {
    "usd_per_1m_input_tokens": "usd_per_1m_batch_input_tokens",
    "usd_per_1m_output_tokens": "usd_per_1m_batch_output_tokens",
}
"""The batch rate that prices a batch job's record in place of each on-demand rate."""
OUTPUT_TOKENS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cache_read": "cache_read_input_tokens",
    "cache_write": "cache_write_input_tokens",
}
PLAIN_KEYS = ("model", "region", "day", "month", "account", "operation", "identity")


@dataclass(frozen=True)
class Key:
    """A grouping key: `tenant`, a plain field, `metadata:K` or `profile-tag:K`."""

    name: str
    kind: str
    field: str = ""

    @property
    def tagged(self) -> bool:
        """Keys whose empty value means "untagged" (reported as its own row)."""
        return self.kind in ("metadata", "profile-tag", "identity")


def parse_key(text: str, *, option: str) -> Key:
    kind, _, name = text.partition(":")
    if kind in ("metadata", "profile-tag") and name:
        return Key(text, kind, name)
    if text in PLAIN_KEYS:
        return Key(text, text)
    from genai_cost.modelfile import suggest

    choices = [*PLAIN_KEYS, "tenant", "metadata:KEY", "profile-tag:KEY"]
    hint = suggest(text, choices)
    raise ArgumentError(
        f"{option} {text!r}: expected one of {', '.join(choices)}" + (f" ({hint})" if hint else "")
    )


def identity_name(arn: str | None) -> str | None:
    """`…:assumed-role/Role/session` -> `role/Role`; `…:user/name` -> `user/name`."""
    if not arn:
        return None
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    if kind == "assumed-role":
        return "role/" + rest.split("/", 1)[0]
    return f"{kind}/{rest}" if rest else resource


class TenantBudgets(Strict):
    """A budgets file: a monthly budget per tenant (the `(untagged)` row may have one too)."""

    tenants: dict[str, Budget]


def load_budgets(path: Path) -> TenantBudgets:
    from genai_cost.modelfile import load_model_file

    return load_model_file(path, TenantBudgets, error=BudgetsError)


def _token_cost(
    catalog: Catalog,
    refs: list[ModelRef],
    regions: np.ndarray,
    days: np.ndarray,
    tokens: np.ndarray,
    batch: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
    """Per usage row: its token cost (priced by the engine's own lookup and token lines,
    engine/bedrock_tokens.py and engine/options/on_demand.py) — at the batch rates for the
    records of batch inference jobs (`batch`, the rule `calibrate` uses), else on demand — why
    it cannot be priced (None when it can), and its price's source."""
    n = len(refs)
    reasons = np.full(n, None, dtype=object)
    sources: list[tuple[str, ...]] = [()] * n
    if n == 0:
        return np.zeros(0), reasons, sources
    known = [i for i, ref in enumerate(refs) if ref.base_model is not None]
    keys: list[PriceKey] = [
        (
            str(refs[i].base_model),
            refs[i].scope,
            str(regions[i]),
            refs[i].geo_profile,
            dt.date.fromisoformat(str(days[i])),
            "standard",  # invocation logs do not record the service tier
        )
        for i in known
    ]
    columns = tuple(PRICE_COLUMNS[t] for t in TOKENS)
    found, missing, found_sources = lookup_token_prices(
        catalog, keys, (*columns, *BATCH_PRICE_COLUMNS.values(), *AUDIO_COLUMNS)
    )
    every = {c: np.full(n, np.nan) for c in found}
    for c, values in found.items():
        every[c][known] = values
    jobs = np.zeros(n, dtype=bool) if batch is None else np.asarray(batch, dtype=bool)
    # batch jobs take the batch input/output rates, and have no cache prices
    none = np.full(n, np.nan)
    prices = {
        c: np.where(
            jobs, every[BATCH_PRICE_COLUMNS[c]] if c in BATCH_PRICE_COLUMNS else none, every[c]
        )
        for c in columns
    }
    for k, i in enumerate(known):
        sources[i] = found_sources[k]
        if missing[k]:
            reasons[i] = missing[k]
    # a speech model bills audio tokens at their own (much higher) rates, and the token
    # counts read here do not say which tokens were audio: priced as text they would be a
    # smaller number that looks complete, so they are not priced
    speech = np.isfinite(every[AUDIO_COLUMNS[0]]) | np.isfinite(every[AUDIO_COLUMNS[1]])
    for i in np.flatnonzero(speech).tolist():
        if reasons[i] is None:
            reasons[i] = (
                f"{refs[i].base_model} bills speech as audio tokens at their own rates, and "
                "the logs' inputTokenCount/outputTokenCount do not separate audio from text "
                "(estimate it from a scenario with tokens_per_request.audio_input and "
                "audio_output)"
            )
    for i, ref in enumerate(refs):
        if ref.reason is not None:
            reasons[i] = ref.reason
    million = tokens / TOKENS_PER_MILLION
    components = token_components(
        million[:, 0], million[:, 1], million[:, 2], million[:, 3], prices
    )
    for i in np.flatnonzero(np.column_stack([c.unpriced for c in components]).any(axis=1)).tolist():
        if reasons[i] is None:
            absent = [t for t, c in zip(TOKENS, components, strict=True) if c.unpriced[i]]
            reasons[i] = (
                f"the snapshot has no {'batch ' if jobs[i] else ''}{', '.join(absent)} token "
                f"price for {refs[i].base_model} ({refs[i].scope}, {regions[i]})"
            )
    cost = np.nan_to_num(sum_components(components, n))
    return cost, reasons, sources


def _key_values(key: Key, usage: Usage, refs: list[ModelRef]) -> np.ndarray:
    c = usage.columns
    if key.kind == "model":
        values = [r.base_model or m for r, m in zip(refs, c["model_raw"], strict=True)]
    elif key.kind == "month":
        values = [str(d)[:7] for d in c["day"]]
    elif key.kind == "identity":
        values = [identity_name(a) for a in c["identity"]]
    elif key.kind == "metadata":
        values = list(c[f"meta:{key.field}"])
    elif key.kind == "profile-tag":
        values = [r.tags.get(key.field) for r in refs]
    else:
        values = list(c[key.kind])
    return np.asarray(
        [UNTAGGED if (v is None or v == "") and key.tagged else str(v) for v in values],
        dtype=object,
    )


@dataclass
class PricedUsage:
    """Usage rows priced: a frame with each `--by` key's value, the tenant, the day, the
    counts, `capacity_usd` and `cost_usd` per row (rows not priced included), and what the
    document says about them."""

    frame: Any
    unpriced: np.ndarray
    reasons: np.ndarray
    sources: list[tuple[str, ...]]
    on_capacity: np.ndarray
    shared: SharedCapacity

    @property
    def priced(self) -> Any:
        """The rows that are charged: priced records and the shared capacity's own rows."""
        import pandas as pd

        return pd.concat([self.frame[~self.unpriced], *self.shared.frames], ignore_index=True)


def price_usage(
    usage: Usage,
    catalog: Catalog,
    by: Sequence[Key],
    tenant: Key,
    resolver: ProfileResolver,
    capacity: CapacityFile | None = None,
    *,
    used_tokens: Sequence[float] | None = None,
    shared_rows: bool = True,
    days: list[str] | None = None,
) -> PricedUsage:
    """Price every usage row (token prices, or a share of shared capacity). A slice of a
    larger usage (tracking/chargeback.py) passes each capacity entry's `used_tokens` and
    the `days` of the whole usage (the capacity's period), and `shared_rows=False` for all
    but one slice."""
    import pandas as pd

    c = usage.columns
    distinct = (
        {m: resolver.resolve(str(m)) for m in np.unique(c["model_raw"])} if len(usage) else {}
    )
    refs = [distinct[m] for m in c["model_raw"]]
    tokens = (
        np.column_stack([c[t] for t in TOKENS]).astype(np.float64)
        if len(usage)
        else (np.zeros((0, len(TOKENS))))
    )
    jobs = np.asarray(
        [bool(o) and BATCH_OPERATION.search(str(o)) is not None for o in c["operation"]],
        dtype=bool,
    )
    cost, reasons, sources = _token_cost(catalog, refs, c["region"], c["day"], tokens, jobs)
    entries = capacity.capacity if capacity is not None else ()
    on_capacity = np.full(len(usage), -1, dtype=np.int64)
    for j, entry in enumerate(entries):
        on_capacity[np.isin(c["model_raw"], entry.model_ids)] = j
    reasons[on_capacity >= 0] = None
    unpriced = reasons != None  # noqa: E711
    cost[unpriced | (on_capacity >= 0)] = 0.0
    frame = pd.DataFrame({k.name: _key_values(k, usage, refs) for k in by})
    frame["requests"] = c["requests"]
    for t in TOKENS:
        frame[OUTPUT_TOKENS[t]] = c[t]
    frame["tenant"] = _key_values(tenant, usage, refs)
    frame["day"] = c["day"]
    days_seen = sorted(set(c["day"])) if days is None else days
    shared = share_capacity(
        entries,
        catalog,
        on_capacity,
        tokens.sum(axis=1),
        by,
        days_seen,
        used_tokens=used_tokens,
        shared_rows=shared_rows,
    )
    frame["capacity_usd"] = shared.row_cost
    frame["cost_usd"] = cost + shared.row_cost
    return PricedUsage(frame, unpriced, reasons, sources, on_capacity, shared)


SUMS = ["requests", *OUTPUT_TOKENS.values(), "capacity_usd", "cost_usd"]
"""The figures of an allocation row, summed over its records."""


def group_rows(priced: Any, names: Sequence[str]) -> Any:
    """The charged rows summed by the `--by` keys, dearest first (then by the keys)."""
    import pandas as pd

    names = list(names)
    grouped = (
        priced.groupby(names, sort=True, dropna=False)[SUMS].sum().reset_index()
        if len(priced)
        else pd.DataFrame(columns=[*names, *SUMS])
    )
    return grouped.sort_values(["cost_usd", *names], ascending=[False] + [True] * len(names))


def allocate(
    usage: Usage,
    catalog: Catalog,
    by: Sequence[Key],
    tenant: Key,
    resolver: ProfileResolver,
    budgets: TenantBudgets | None = None,
    capacity: CapacityFile | None = None,
    anomaly_rule: AnomalyRule | None = None,
    idle_threshold: float | None = None,
) -> AllocationDocument:
    """The chargeback document (JSON contract `allocation`, schema_version 1)."""
    c = usage.columns
    result = price_usage(usage, catalog, by, tenant, resolver, capacity)
    reasons, unpriced, sources = result.reasons, result.unpriced, result.sources
    on_capacity, shared, frame = result.on_capacity, result.shared, result.frame
    entries = capacity.capacity if capacity is not None else ()

    problems: list[AllocationProblem] = [
        {"reason": p.reason, "records": p.count, "examples": list(p.examples)}
        for p in usage.problems
    ]
    for reason in sorted({str(r) for r in reasons[unpriced]}):
        hits = np.flatnonzero(reasons == reason)
        examples = sorted({f"{c['model_raw'][i]} in {c['region'][i]}" for i in hits})[:3]
        problems.append(
            {
                "reason": f"not priced: {reason}",
                "records": int(c["requests"][hits].sum()),
                "examples": examples,
            }
        )

    notes: list[str] = []
    if usage.metadata_seen is not None:
        asked = sorted({k.field for k in [*by, tenant] if k.kind == "metadata"})
        seen = usage.metadata_seen
        shown = ", ".join(seen[:20]) + (" …" if len(seen) > 20 else "") if seen else "none"
        hint = suggest(asked[0], seen) if asked and seen else ""
        notes.append(
            f"no record has the requestMetadata key(s) {', '.join(asked)}, so every record is "
            f"{UNTAGGED}; the records' requestMetadata keys are: {shown}"
            + (f" ({hint})" if hint else "")
        )

    priced = result.priced
    names = [k.name for k in by]
    grouped = group_rows(priced, names)
    total_cost = float(priced["cost_usd"].sum())
    rows: list[AllocationRow] = []
    for record in grouped.to_dict("records"):
        cost_usd = float(record["cost_usd"])
        row: AllocationRow = {
            "requests": int(record["requests"]),
            "input_tokens": int(record["input_tokens"]),
            "output_tokens": int(record["output_tokens"]),
            "cache_read_input_tokens": int(record["cache_read_input_tokens"]),
            "cache_write_input_tokens": int(record["cache_write_input_tokens"]),
            "capacity_usd": float(record["capacity_usd"]),
            "cost_usd": cost_usd,
            "share": cost_usd / total_cost if total_cost > 0 else 0.0,
        }
        # the group's value under each --by key's name, then the figures
        rows.append(cast(AllocationRow, {n: str(record[n]) for n in names} | dict(row)))
    total: AllocationTotal = {
        "requests": int(priced["requests"].sum()),
        "input_tokens": int(priced["input_tokens"].sum()),
        "output_tokens": int(priced["output_tokens"].sum()),
        "cache_read_input_tokens": int(priced["cache_read_input_tokens"].sum()),
        "cache_write_input_tokens": int(priced["cache_write_input_tokens"].sum()),
        "capacity_usd": float(priced["capacity_usd"].sum()),
        "cost_usd": total_cost,
    }
    days = sorted(set(priced["day"])) if len(priced) else []
    used_sources = sorted(
        {s for i in np.flatnonzero(~unpriced & (on_capacity < 0)) for s in sources[i]}
        | {d["source"] for d in shared.entries}
    )
    document: AllocationDocument = {
        "schema_version": SCHEMA_VERSION,
        "kind": "allocation",
        "snapshot": catalog.snapshot_id,
        "by": names,
        "tenant_key": tenant.name,
        "period": {"first_day": days[0] if days else None, "last_day": days[-1] if days else None},
        "records": {
            "read": usage.records,
            "allocated": int(priced["requests"].sum()),
            "not_allocated": sum(p["records"] for p in problems),
        },
        "rows": rows,
        "total": total,
        "problems": problems,
        "sources": used_sources,
    }
    if notes:
        document["notes"] = notes
    if entries:
        document["capacity"] = shared.entries
        if idle_threshold is not None:
            document["idle_capacity"] = idle_capacity(shared.entries, idle_threshold)
    if budgets is not None:
        tenant_budgets = budget_rows(priced, budgets, days)
        document["budgets"] = tenant_budgets
        document["verdict"] = _verdict(tenant_budgets)
    if anomaly_rule is not None:
        # by day from the records themselves: headcount and idle lines carry the whole
        # period's capacity on its last day, which is no jump in spend
        daily = frame[~unpriced]
        document["anomalies"] = find_anomalies(daily, series_keys(names), anomaly_rule)
        document["anomaly_settings"] = anomaly_rule.settings()
    return document


def series_keys(names: Sequence[str]) -> list[str]:
    """The keys of a daily spend series: the tenant and the report's other keys (not the day
    or month themselves)."""
    return ["tenant", *(n for n in names if n not in ("day", "month", "tenant"))]


def idle_capacity(entries: Sequence[CapacityEntry], threshold: float) -> list[IdleCapacity]:
    """Capacity whose measured utilisation is below `threshold`, with its idle cost."""
    found = (
        idle_record(e["name"], e["utilization_fraction"], e["cost_usd"], e["hours"], threshold)
        for e in entries
    )
    return [r for r in found if r is not None]


def idle_usd(cost: float, used: float) -> float:
    """What the unused share of capacity costing `cost` at utilisation `used` cost."""
    return (1.0 - min(used, 1.0)) * cost


def idle_record(
    name: str, used: float | None, cost: float, hours: float, threshold: float
) -> IdleCapacity | None:
    """A capacity used below `threshold` over `hours`, with its idle cost in the period and in
    a 730-hour month (None when it is not measured or not below the threshold)."""
    if used is None or used >= threshold:
        return None
    idle = idle_usd(cost, used)
    return {
        "name": name,
        "utilization_fraction": used,
        "threshold_fraction": threshold,
        "period_cost_usd": cost,
        "idle_usd": idle,
        "monthly_idle_usd": idle / hours * HOURS_PER_MONTH if hours else 0.0,
    }


@dataclass
class SharedCapacity:
    row_cost: np.ndarray
    """Capacity cost carried by each usage row (0 for rows not on shared capacity)."""
    frames: list[Any]
    """Rows added for headcount/fixed shares and idle capacity (pandas DataFrames)."""
    entries: list[CapacityEntry]


def share_capacity(
    entries: Sequence[ProvisionedCapacity | SelfHostedCapacity],
    catalog: Catalog,
    on_capacity: np.ndarray,
    row_tokens: np.ndarray,
    by: Sequence[Key],
    days: list[str],
    *,
    used_tokens: Sequence[float] | None = None,
    shared_rows: bool = True,
) -> SharedCapacity:
    """Split each capacity entry's cost over its rows (tokens) or tenants (shares). For a
    slice of the usage: `used_tokens` are each entry's tokens over the whole usage (the
    split's denominator), and `shared_rows=False` leaves out the rows of shares and idle
    capacity (another slice carries them)."""
    import pandas as pd

    row_cost = np.zeros(len(on_capacity))
    frames: list[Any] = []
    documents: list[CapacityEntry] = []
    if not entries:
        return SharedCapacity(row_cost, frames, documents)
    if not days:
        raise LogsError.at("", "a capacity file needs logs with at least one record")
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    period_hours = ((last - first).days + 1) * 24.0

    def added(tenant: str, usd: float) -> Any:
        keys = {k.name: (tenant if k.name == "tenant" else "(shared)") for k in by}
        counts = dict.fromkeys(("requests", *OUTPUT_TOKENS.values()), 0)
        return pd.DataFrame(
            [
                {
                    **keys,
                    **counts,
                    "capacity_usd": usd,
                    "cost_usd": usd,
                    "tenant": tenant,
                    "day": days[-1],
                }
            ]
        )

    for j, entry in enumerate(entries):
        price = hourly_cost(entry, catalog, last)
        hours = entry.hours if entry.hours is not None else period_hours
        total = price.usd_per_hour * hours
        mine = on_capacity == j
        used = float(row_tokens[mine].sum()) if used_tokens is None else float(used_tokens[j])
        utilisation = (
            entry.measured_utilization_fraction
            if entry.measured_utilization_fraction is not None
            else used / (entry.capacity_tokens_per_minute * 60.0 * hours)
            if entry.capacity_tokens_per_minute is not None
            else None
        )
        idle_usd = 0.0
        if entry.split == "tokens":
            attributed = total
            if used == 0:
                attributed = 0.0
            elif entry.idle == "separate" and utilisation is not None:
                attributed = total * min(utilisation, 1.0)
            idle_usd = total - attributed
            if used > 0:
                row_cost[mine] = row_tokens[mine] / used * attributed
            if idle_usd > 0 and shared_rows:
                frames.append(added(f"(idle capacity: {entry.name})", idle_usd))
        elif shared_rows:
            weight = sum(entry.shares.values())
            frames += [added(t, total * w / weight) for t, w in entry.shares.items()]
        documents.append(
            {
                "name": entry.name,
                "kind": entry.kind,
                "description": price.description,
                "usd_per_hour": price.usd_per_hour,
                "hours": hours,
                "cost_usd": total,
                "tokens": int(used),
                "utilization_fraction": utilisation,
                "utilization_measured": entry.measured_utilization_fraction is not None,
                "effective_usd_per_1m_tokens": total / used * 1e6 if used else None,
                "split": entry.split,
                "idle": entry.idle if entry.split == "tokens" else None,
                "idle_usd": idle_usd,
                "source": price.source,
            }
        )
    return SharedCapacity(row_cost, frames, documents)


def budget_rows(priced: Any, budgets: TenantBudgets, days: list[str]) -> list[TenantBudget]:
    """Month-to-date spend per tenant against its budget, with a linear month-end projection.

    The month is the calendar month of the latest allocated day; projected = month-to-date ÷
    days elapsed (1st through the latest day, inclusive) × days in the month.
    """
    if not days:
        raise LogsError.at("", "no priced records: there is no spend to check against budgets")
    last = dt.date.fromisoformat(days[-1])
    month = last.isoformat()[:7]
    in_days = calendar.monthrange(last.year, last.month)[1]
    in_month = priced[priced["day"].astype(str).str.startswith(month)]
    spend = in_month.groupby("tenant")["cost_usd"].sum().to_dict()
    rows: list[TenantBudget] = []
    for name, budget in budgets.tenants.items():
        mtd = float(spend.get(name, 0.0))
        projected = mtd / last.day * in_days
        status, outlook = BudgetStatus(budget, mtd), BudgetStatus(budget, projected)
        rows.append(
            {
                "tenant": name,
                "month": month,
                "days_elapsed": last.day,
                "days_in_month": in_days,
                "month_to_date_usd": mtd,
                "projected_month_usd": projected,
                "budget_usd": budget.monthly_usd,
                "used_percent": status.used_percent,
                "projected_percent": outlook.used_percent,
                "alerts_crossed_percent": status.crossed_percent,
                "projected_alerts_percent": outlook.crossed_percent,
                "fail_at_percent": budget.fail_at_percent,
                "level": status.level,
                "projected_level": outlook.level,
            }
        )
    return rows


def _verdict(rows: list[TenantBudget]) -> Level:
    levels = {r["level"] for r in rows}
    return "fail" if "fail" in levels else "alert" if "alert" in levels else "ok"
