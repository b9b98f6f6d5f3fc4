"""Infrastructure priced: a Terraform plan or CloudFormation template, resource by resource,
before and after the change it describes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_cost.api.core import DEFAULT_PRICING
from genai_cost.catalog.selection import PricingOptions
from genai_cost.errors import ArgumentError
from genai_cost.units import HOURS_PER_MONTH, month_hours, presented

if TYPE_CHECKING:
    from genai_cost.documents.infra import InfraDocument, InfraResource

CHANGES = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}


def infrastructure(
    path: str | Path,
    *,
    region: str | None = None,
    parameters: Sequence[str] = (),
    usage: str | Path | None = None,
    options: PricingOptions = DEFAULT_PRICING,
) -> InfraDocument:
    """What the resources of a Terraform plan (`terraform show -json plan.out`, or a state)
    or a CloudFormation template (YAML or JSON, `cdk synth` output; `parameters` as
    NAME=VALUE) cost a month with fixed capacity, before and after the change: SageMaker
    endpoint configurations' instances, Bedrock provisioned throughput, OpenSearch
    Serverless collections' minimum OCUs, GPU instances. Usage-priced and unknown resources
    are listed, never priced as zero — or priced from a `usage` file (traffic by resource
    address: infra/usage.py). `region` is used where the definition names none."""
    from genai_cost.infra.price import USAGE_KINDS, price_state
    from genai_cost.infra.read import parse_parameters, read_definition
    from genai_cost.infra.usage import load_usage

    infra = read_definition(Path(path), parse_parameters(list(parameters)))
    used = (
        load_usage(
            Path(usage), {r.address: r.type for r in infra.resources}, USAGE_KINDS
        ).resource_usage
        if usage is not None
        else {}
    )
    where = infra.region or region
    if where is None:
        raise ArgumentError(
            f"{path}: the definition names no region (the AWS provider's `region`, or the "
            "template's AWS::Region parameter): give «region»"
        )
    catalog = options.catalog()
    if where not in catalog.regions:
        from genai_cost.modelfile import suggest

        hint = suggest(where, catalog.regions)
        raise ArgumentError(
            f"region {where!r} is not in the snapshot" + (f" ({hint})" if hint else "")
        )
    day = options.as_of or options.today()
    hours = month_hours(options.month) if options.month else HOURS_PER_MONTH
    resources: list[InfraResource] = []
    for r in infra.resources:
        if r.actions == ("read",):
            continue  # a data source: nothing is created
        change = CHANGES.get(r.actions, "no-op")
        traffic = used.get(r.address)
        before = price_state(r.type, r.before, where, catalog, day, hours, traffic)
        after = price_state(r.type, r.after, where, catalog, day, hours, traffic)
        if r.before is None:  # created: what decides its price
            changed = [f"{key} {value}" for key, value in after.facts.items()]
        else:
            changed = [
                f"{key} {before.facts.get(key, '—')} → {after.facts.get(key, '—')}"
                for key in dict.fromkeys([*before.facts, *after.facts])
                if before.facts.get(key) != after.facts.get(key)
            ]
        b, a = before.usd, after.usd
        resources.append(
            {
                "address": r.address,
                "type": r.type,
                "change": change,  # type: ignore[typeddict-item]
                "status": after.status,
                "before_monthly_usd": b,
                "after_monthly_usd": a,
                "change_usd": (a or 0.0) - (b or 0.0) if (a is not None or b is not None) else None,
                "reason": after.reason or before.reason,
                "changed": changed,
                "lines": [
                    {
                        "name": p.name,
                        "quantity": p.quantity or 0.0,
                        "unit": p.unit,
                        "usd_per_unit": p.usd_per_unit,
                        "usd": None
                        if p.usd_per_unit is None
                        else (p.quantity or 0.0) * p.usd_per_unit,
                        "sources": list(p.sources),
                        "detail": p.detail,
                    }
                    for p in after.parts
                ],
            }
        )
    before_total = sum(r["before_monthly_usd"] or 0.0 for r in resources)
    after_total = sum(r["after_monthly_usd"] or 0.0 for r in resources)
    document: dict[str, Any] = {
        "schema_version": 1,
        "kind": "genai-cost infra",
        "path": str(path),
        "source": infra.kind,
        "region": where,
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "pricing_date": day.isoformat(),
        "month_hours": hours,
        "resources": resources,
        "total": {
            "before_monthly_usd": before_total,
            "after_monthly_usd": after_total,
            "change_usd": after_total - before_total,
            "complete": not any(r["status"] in ("missing", "unknown") for r in resources),
            "not_priced": [
                r["address"] for r in resources if r["status"] in ("usage", "not-priced")
            ],
        },
    }
    priced: InfraDocument = presented(document)
    return priced
