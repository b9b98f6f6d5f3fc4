"""Allocation from the bill: the Cost and Usage Report's generative-AI spend split by tenant.

The spend is the bill's own (no price lookup): each line item's cost on the chosen basis
(tracking/cur.py). Token line items of Bedrock (input, output, cache read, cache write) also
give token counts; everything else (instance-hours, provisioned throughput, customization,
storage) is "other" cost. A line item without the tenant key is `(untagged)`, its own row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from genai_cost.documents.tracking import (
    AllocationProblem,
    CurAllocationDocument,
    CurAllocationRow,
    CurAllocationTotal,
    CurCapacity,
    IdleCapacity,
)
from genai_cost.errors import ArgumentError
from genai_cost.tracking.allocate import (
    UNTAGGED,
    TenantBudgets,
    _verdict,
    budget_rows,
    idle_record,
    idle_usd,
)
from genai_cost.tracking.anomalies import AnomalyRule, find_anomalies
from genai_cost.tracking.capacity import CapacityFile
from genai_cost.tracking.cur import EXCLUDABLE, CurKey, parse_cur_key
from genai_cost.tracking.cur_read import CurUsage, read_cur

SCHEMA_VERSION = 1
RESOURCE_KEY = "(resource)"
"""A key read only to find shared capacity's line items (not a report column)."""
TOKEN_FIELDS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cache_read": "cache_read_input_tokens",
    "cache_write": "cache_write_input_tokens",
}


def cur_keys(by: Sequence[str], tenant: str) -> tuple[list[CurKey], CurKey]:
    """The --by keys (with `tenant` standing for the --tenant key) and the tenant key."""
    tenant_key = parse_cur_key(tenant, option="«tenant»")
    if not tenant_key.tagged and tenant_key.kind not in ("account",):
        raise ArgumentError(
            f"«tenant» {tenant!r}: with «cur», expected tag:KEY, principal-tag:KEY, "
            "cost-category:NAME, profile, identity or account"
        )
    keys = [
        CurKey("tenant", tenant_key.kind, tenant_key.field)
        if b == "tenant"
        else parse_cur_key(b, option="«by»")
        for b in by
    ]
    if len({k.name for k in keys}) != len(keys):
        raise ArgumentError("«by»: each key may be given once")
    return keys, tenant_key


def grouped_frame(
    usage: CurUsage,
    keys: Sequence[CurKey],
    models: Sequence[tuple[str, Sequence[str]]] = (),
) -> Any:
    """One row per key values and day: token counts by kind, token cost, other cost, and the
    tenant (the key named `tenant`, which `keys` must hold)."""
    import pandas as pd

    from genai_cost.tracking.allocate import identity_name
    from genai_cost.tracking.model_names import display_names

    frame = usage.frame
    names = [f"k{i}" for i in range(len(keys))]
    for name, key in zip(names, keys, strict=True):
        values = frame[name].astype(object)
        if key.kind == "identity":
            values = values.map(lambda v: identity_name(v) if isinstance(v, str) else None)
        if key.name == "model":  # one name per model (usage type vs Marketplace name)
            shown = display_names((str(v) for v in values.dropna().unique()), models)
            values = values.map(shown).fillna(values)
        frame[name] = values.where(values.notna() & (values != ""), None).fillna(
            UNTAGGED if key.tagged else "(none)"
        )
    frame["tenant"] = frame[names[next(i for i, k in enumerate(keys) if k.name == "tenant")]]
    for kind, field in TOKEN_FIELDS.items():
        frame[field] = frame["tokens"].where(frame["token_kind"] == kind, 0.0)
    is_token = frame["token_kind"].notna()
    frame["token_cost_usd"] = frame["cost"].where(is_token, 0.0)
    frame["other_cost_usd"] = frame["cost"].where(~is_token, 0.0)
    frame["cost_usd"] = frame["cost"]
    columns = [
        *names,
        "tenant",
        "day",
        *TOKEN_FIELDS.values(),
        "token_cost_usd",
        "other_cost_usd",
        "cost_usd",
        "line_items",
    ]
    out = frame[columns]
    return (
        out.groupby([*names, "tenant", "day"], sort=True).sum().reset_index()
        if len(out)
        else pd.DataFrame(columns=columns)
    )


def share_bill_capacity(
    daily: Any, keys: Sequence[CurKey], capacity: CapacityFile
) -> tuple[Any, list[CurCapacity]]:
    """Line items of shared capacity (by resource id) split between tenants by the entry's
    shares: each such row becomes one row per tenant, its cost × the tenant's fraction; the
    other keys (model, day …) are kept."""
    import pandas as pd

    names = [f"k{i}" for i in range(len(keys))]
    resource = names[next(i for i, k in enumerate(keys) if k.name == RESOURCE_KEY)]
    tenant_columns = [n for n, k in zip(names, keys, strict=True) if k.name == "tenant"]
    money = ["token_cost_usd", "other_cost_usd", "cost_usd"]
    entries: list[CurCapacity] = []
    parts = []
    taken = pd.Series(False, index=daily.index)
    for entry in capacity.capacity:
        mine = daily[resource].isin(entry.resource_ids) & ~taken
        taken |= mine
        cost = float(daily.loc[mine, "cost_usd"].sum())
        weight = sum(entry.shares.values())
        for tenant_name, share in entry.shares.items():
            part = daily[mine].copy()
            part[money] = part[money] * (share / weight)
            part[list(TOKEN_FIELDS.values())] = part[list(TOKEN_FIELDS.values())] * 0.0
            part["tenant"] = tenant_name
            for column in tenant_columns:
                part[column] = tenant_name
            parts.append(part)
        entries.append(
            {
                "name": entry.name,
                "resource_ids": list(entry.resource_ids),
                "cost_usd": cost,
                "line_items": int(daily.loc[mine, "line_items"].sum()),
                "split": entry.split,
                "shares": {t: w / weight for t, w in entry.shares.items()},
                "utilization_fraction": entry.measured_utilization_fraction,
                "idle_usd": idle_usd(cost, entry.measured_utilization_fraction)
                if entry.measured_utilization_fraction is not None
                else None,
            }
        )
    return pd.concat([daily[~taken], *parts], ignore_index=True), entries


def bill_idle_capacity(
    shared: Sequence[CurCapacity], hours: float, threshold: float
) -> list[IdleCapacity]:
    """Capacity whose measured utilisation is below `threshold`, with what its unused share
    cost in the bill's period (`hours`) and in a 730-hour month."""
    found = (
        idle_record(e["name"], e["utilization_fraction"], e["cost_usd"], hours, threshold)
        for e in shared
    )
    return [r for r in found if r is not None]


def check_bill_capacity(capacity: CapacityFile) -> None:
    from genai_cost.errors import CapacityError

    for entry in capacity.capacity:
        if not entry.resource_ids:
            raise CapacityError.at(
                "",
                f"capacity {entry.name!r}: with «cur», give resource_ids (the bill's "
                "line_item_resource_id of the capacity: model ARN, endpoint ARN, instance ids)",
            )
        if entry.split == "tokens":
            raise CapacityError.at(
                "",
                f"capacity {entry.name!r}: the bill has no per-tenant tokens on shared "
                "capacity; with «cur» use split: headcount or fixed (or split by tokens from "
                "the logs: genai-cost allocate LOGS --capacity)",
            )


def allocate_cur(
    usage: CurUsage,
    keys: Sequence[CurKey],
    tenant: CurKey,
    *,
    basis: str,
    budgets: TenantBudgets | None = None,
    capacity: CapacityFile | None = None,
    shown: int | None = None,
    exclude: Sequence[str] = (),
    models: Sequence[tuple[str, Sequence[str]]] = (),
    idle_threshold: float | None = None,
) -> tuple[CurAllocationDocument, Any]:
    """The chargeback document of the bill (JSON contract `cur-allocation`), and the daily
    frame it was summed from (for anomalies and exports). The report's rows are the first
    `shown` keys (default all); the others were read for the tenant or shared capacity."""
    daily = grouped_frame(usage, keys, models)
    shared: list[CurCapacity] = []
    if capacity is not None and len(daily):
        daily, shared = share_bill_capacity(daily, keys, capacity)
    keys = keys[: len(keys) if shown is None else shown]
    names = [f"k{i}" for i in range(len(keys))]
    sums = [*TOKEN_FIELDS.values(), "token_cost_usd", "other_cost_usd", "cost_usd", "line_items"]
    grouped = daily.groupby(names, sort=True)[sums].sum().reset_index() if len(daily) else daily
    if len(grouped):
        grouped = grouped.sort_values(["cost_usd", *names], ascending=[False] + [True] * len(names))
    total_cost = float(daily["cost_usd"].sum()) if len(daily) else 0.0
    rows: list[CurAllocationRow] = []
    for record in grouped.to_dict("records"):
        cost = float(record["cost_usd"])
        row: dict[str, Any] = {k.name: str(record[n]) for k, n in zip(keys, names, strict=True)}
        row |= {f: round(float(record[f])) for f in TOKEN_FIELDS.values()}
        row |= {
            "token_cost_usd": float(record["token_cost_usd"]),
            "other_cost_usd": float(record["other_cost_usd"]),
            "cost_usd": cost,
            "line_items": int(record["line_items"]),
            "share": cost / total_cost if total_cost > 0 else 0.0,
        }
        rows.append(cast(CurAllocationRow, row))
    counts = {f: round(float(daily[f].sum())) if len(daily) else 0 for f in TOKEN_FIELDS.values()}
    total: CurAllocationTotal = {
        "input_tokens": counts["input_tokens"],
        "output_tokens": counts["output_tokens"],
        "cache_read_input_tokens": counts["cache_read_input_tokens"],
        "cache_write_input_tokens": counts["cache_write_input_tokens"],
        "token_cost_usd": float(daily["token_cost_usd"].sum()) if len(daily) else 0.0,
        "other_cost_usd": float(daily["other_cost_usd"].sum()) if len(daily) else 0.0,
        "cost_usd": total_cost,
        "line_items": int(daily["line_items"].sum()) if len(daily) else 0,
    }
    days = sorted(set(daily["day"])) if len(daily) else []
    problems: list[AllocationProblem] = []
    if usage.undated:
        problems.append(
            {
                "reason": "line items without a readable line_item_usage_start_date "
                "(not allocated)",
                "records": usage.undated,
                "examples": [],
            }
        )
    if usage.bad_cost:
        problems.append(
            {
                "reason": "line items whose cost cell is empty, not a number, NaN, infinite or "
                "beyond ±1e15 (not allocated; the total leaves them out)",
                "records": usage.bad_cost,
                "examples": list(usage.examples),
            }
        )
    if usage.bad_usage:
        problems.append(
            {
                "reason": "Bedrock token line items whose line_item_usage_amount cannot be read "
                "as a finite number (their cost is allocated, their tokens are not counted)",
                "records": usage.bad_usage,
                "examples": [] if usage.bad_cost else list(usage.examples),
            }
        )
    if usage.unknown_units:
        problems.append(
            {
                "reason": "Bedrock token line items in a pricing_unit that is not tokens "
                "(1K tokens, 1M tokens, Tokens, Marketplace Units): their cost is allocated, "
                "their tokens are not counted",
                "records": usage.unknown_units,
                "examples": [],
            }
        )
    document: CurAllocationDocument = {
        "schema_version": SCHEMA_VERSION,
        "kind": "cur-allocation",
        "cost_basis": basis,
        "by": [k.name for k in keys],
        "tenant_key": tenant.name,
        "period": {"first_day": days[0] if days else None, "last_day": days[-1] if days else None},
        "line_items": {
            "read": usage.line_items,
            "allocated": int(total["line_items"]),
            "not_generative_ai": usage.other_line_items,
            "not_generative_ai_usd": usage.other_cost,
            "excluded": usage.excluded,
            "excluded_usd": usage.excluded_cost,
            "by_product_code": [
                {
                    "product_code": t.product_code,
                    "selected": t.selected,
                    "line_items": t.line_items,
                    "cost_usd": round(t.cost_usd, 6),
                }
                for t in usage.by_product_code
            ],
        },
        "excluded_line_item_types": list(exclude),
        "files": usage.files,
        "rows": rows,
        "total": total,
        "problems": problems,
    }
    if capacity is not None:
        document["capacity"] = shared
        if idle_threshold is not None and days:
            document["idle_capacity"] = bill_idle_capacity(shared, len(days) * 24.0, idle_threshold)
    if budgets is not None:
        tenant_budgets = budget_rows(daily, budgets, days)
        document["budgets"] = tenant_budgets
        document["verdict"] = _verdict(tenant_budgets)
    return document, daily


def run_cur_allocation(
    paths: Sequence[str],
    *,
    by: Sequence[str] = ("tenant",),
    tenant: str = "tag:tenant",
    basis: str = "unblended",
    services: Sequence[str] = (),
    exclude: Sequence[str] = (),
    budgets: Path | None = None,
    capacity: Path | None = None,
    s3_client: object = None,
    anomaly_rule: AnomalyRule | None = None,
    engine: str = "duckdb",
    verbose: bool = False,
    models: Sequence[tuple[str, Sequence[str]]] = (),
    idle_threshold: float | None = None,
    endpoint_metrics: Path | None = None,
    catalog: Any = None,
) -> tuple[CurAllocationDocument, Any]:
    """Read the bill (files, folders in the Data Exports layout, s3:// prefixes) and allocate.
    With `endpoint_metrics`, the capacity entries that name their SageMaker endpoint are
    measured (tracking/capacity.measured_capacity; `catalog` says instances' GPU counts) and
    those used below `idle_threshold` are flagged with their idle cost.
    `models`: (model id, its names) of the price snapshot's models, so `--by model` shows the
    bill's model names as the model ids logs and scenarios use (tracking/model_names.py)."""
    from genai_cost.tracking.allocate import load_budgets
    from genai_cost.tracking.capacity import load_capacity
    from genai_cost.tracking.sources import CUR_FILES, collect

    keys, tenant_key = cur_keys(by, tenant)
    unknown = [e for e in exclude if e not in EXCLUDABLE]
    if unknown:
        raise ArgumentError(
            f"«exclude» {', '.join(unknown)}: expected any of {', '.join(EXCLUDABLE)}"
        )
    budget_file = load_budgets(budgets) if budgets is not None else None
    capacity_file = load_capacity(capacity) if capacity is not None else None
    if capacity_file is not None:
        check_bill_capacity(capacity_file)
        if endpoint_metrics is not None:
            from genai_cost.tracking.capacity import measured_capacity

            capacity_file = measured_capacity(capacity_file, catalog, endpoint_metrics)
    elif endpoint_metrics is not None:
        raise ArgumentError("«endpoint_metrics» measures «capacity» entries: give «capacity» FILE")
    read_keys = list(keys)
    if not any(k.name == "tenant" for k in keys):
        read_keys.append(CurKey("tenant", tenant_key.kind, tenant_key.field))
    if capacity_file is not None:
        read_keys.append(CurKey(RESOURCE_KEY, "resource"))
    if engine == "spark":
        from genai_cost.tracking.cur_read import read_cur_spark
        from genai_cost.tracking.sources import local_files

        listed = [
            str(f)
            for p in paths
            for f in ([p] if p.startswith(("s3://", "s3a://")) else local_files(Path(p), CUR_FILES))
        ]
        usage = read_cur_spark(
            listed, read_keys, basis=basis, services=services, exclude=exclude, verbose=verbose
        )
    elif engine == "duckdb":
        files, holder = collect(list(paths), s3_client=s3_client, kind=CUR_FILES)
        try:
            usage = read_cur(files, read_keys, basis=basis, services=services, exclude=exclude)
        finally:
            if holder is not None:
                holder.cleanup()
    else:
        raise ArgumentError(f"«engine» {engine!r}: expected duckdb or spark")
    document, daily = allocate_cur(
        usage,
        read_keys,
        tenant_key,
        basis=basis,
        budgets=budget_file,
        capacity=capacity_file,
        shown=len(keys),
        exclude=exclude,
        models=models,
        idle_threshold=idle_threshold,
    )
    if anomaly_rule is not None:  # a series per tenant and each other --by key
        others = [
            (f"k{i}", k.name)
            for i, k in enumerate(keys)
            if k.name not in ("day", "month", "tenant")
        ]
        names = ["tenant", *(n for n, _ in others)]
        labels = ["tenant", *(label for _, label in others)]
        document["anomalies"] = find_anomalies(daily, names, anomaly_rule, labels)
        document["anomaly_settings"] = anomaly_rule.settings()
    return document, daily
