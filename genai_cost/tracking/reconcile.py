"""Logs against the bill: the same period allocated both ways, side by side per tenant.

The logs side prices each record's tokens from the snapshot (tracking/allocate.py); the bill
side is the Cost and Usage Report's own line items (tracking/cur_allocate.py). Per tenant:

    difference = bill's token charges − logs' priced tokens

and what explains the rest of the bill: its non-token charges (instance-hours, provisioned
throughput, storage …) and untagged spend. Token counts are compared too, so a difference
with equal tokens is a price difference (a negotiated rate, a tier the logs do not show),
and a difference in tokens is usage one side did not see (records not delivered, a tag
missing on the profile, a period boundary).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from genai_cost.documents.tracking import ReconcileDocument, ReconcileRow
from genai_cost.tracking.allocate import UNTAGGED

SCHEMA_VERSION = 1
ROUNDING_USD = 0.005
"""Differences below half a cent are rounding."""
TOKENS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_write_input_tokens")


def reconcile(logs: Any, bill: Any) -> ReconcileDocument:
    """Merge a logs allocation and a bill allocation, both by `tenant` alone."""
    by_logs = {str(r["tenant"]): r for r in logs["rows"]}
    by_bill = {str(r["tenant"]): r for r in bill["rows"]}
    tenants = sorted(set(by_logs) | set(by_bill), key=lambda t: (t == UNTAGGED, t))
    rows: list[ReconcileRow] = []
    for tenant in tenants:
        a, b = by_logs.get(tenant), by_bill.get(tenant)
        logs_usd = float(a["cost_usd"]) if a else 0.0
        token_usd = float(b["token_cost_usd"]) if b else 0.0
        other_usd = float(b["other_cost_usd"]) if b else 0.0
        logs_tokens = sum(int(a[t]) for t in TOKENS) if a else 0
        bill_tokens = sum(int(b[t]) for t in TOKENS) if b else 0
        difference = token_usd - logs_usd
        rows.append(
            {
                "tenant": tenant,
                "logs_usd": logs_usd,
                "bill_token_usd": token_usd,
                "bill_other_usd": other_usd,
                "bill_usd": token_usd + other_usd,
                "token_difference_usd": difference,
                "logs_tokens": logs_tokens,
                "bill_tokens": bill_tokens,
                "explanation": _explain(tenant, difference, logs_tokens, bill_tokens, a, b),
            }
        )
    totals = {
        k: sum(float(r[k]) for r in rows)
        for k in ("logs_usd", "bill_token_usd", "bill_other_usd", "bill_usd")
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "reconcile",
        "logs_tenant_key": logs["tenant_key"],
        "bill_tenant_key": bill["tenant_key"],
        "cost_basis": bill["cost_basis"],
        "logs_period": logs["period"],
        "bill_period": bill["period"],
        "snapshot": logs["snapshot"],
        "rows": rows,
        "total": {
            "logs_usd": totals["logs_usd"],
            "bill_token_usd": totals["bill_token_usd"],
            "bill_other_usd": totals["bill_other_usd"],
            "bill_usd": totals["bill_usd"],
            "token_difference_usd": totals["bill_token_usd"] - totals["logs_usd"],
        },
        "records_not_allocated": int(logs["records"]["not_allocated"]),
    }


def _explain(
    tenant: str, difference: float, logs_tokens: int, bill_tokens: int, a: Any, b: Any
) -> str:
    parts: list[str] = []
    if a is None and b is not None and bill_tokens:
        parts.append("in the bill only: no logged records carry this tenant")
    elif b is None and logs_tokens:
        parts.append("in the logs only: no bill line item carries this tenant")
    elif not logs_tokens and not bill_tokens:
        parts.append("no token charges on either side")
    elif logs_tokens != bill_tokens:
        parts.append(
            f"tokens differ ({bill_tokens - logs_tokens:+,} in the bill): usage one side did "
            "not see (records not delivered or not priced, untagged, outside the period)"
        )
    elif abs(difference) < ROUNDING_USD:
        parts.append("same tokens; token charges agree to the cent")
    else:
        parts.append("same tokens, different charge: the billed rate differs from the snapshot's")
    if b is not None and float(b["other_cost_usd"]) > 0:
        parts.append("the bill also has non-token charges")
    if tenant == UNTAGGED:
        parts.append("untagged: tag the profiles or principals to allocate it")
    return "; ".join(parts)


def run_reconcile(
    logs: Sequence[str],
    cur: Sequence[str],
    *,
    tenant: str,
    cur_tenant: str,
    basis: str = "unblended",
    services: Sequence[str] = (),
    exclude: Sequence[str] = (),
    snapshot: Any = None,
    price_book: Any = None,
    profiles: Any = None,
    engine: str = "duckdb",
) -> ReconcileDocument:
    from genai_cost.tracking.chargeback import run_allocation
    from genai_cost.tracking.cur_allocate import run_cur_allocation

    logged = run_allocation(
        logs,
        by=["tenant"],
        tenant=tenant,
        snapshot=snapshot,
        price_book=price_book,
        profiles=profiles,
        engine=engine,
    )
    billed, _ = run_cur_allocation(
        cur, by=["tenant"], tenant=cur_tenant, basis=basis, services=services, exclude=exclude
    )
    return reconcile(logged, billed)
