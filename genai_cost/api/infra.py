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
    parameters_file: str | Path | None = None,
    usage: str | Path | None = None,
    base: str | Path | None = None,
    base_ref: str | None = None,
    repo: str | Path | None = None,
    base_parameters: Sequence[str] | None = None,
    fail_on_increase: Sequence[str] = (),
    fail_above: Sequence[str] = (),
    warn_on_increase: Sequence[str] = (),
    warn_above: Sequence[str] = (),
    options: PricingOptions = DEFAULT_PRICING,
) -> InfraDocument:
    """What the resources of a Terraform plan (`terraform show -json plan.out`, or a state)
    or a CloudFormation template (YAML or JSON, `cdk synth` output; `parameters` as
    NAME=VALUE, over those of a CloudFormation `parameters_file`) cost a month with fixed
    capacity, before and after the change: SageMaker endpoint configurations' instances,
    Bedrock provisioned throughput, OpenSearch Serverless collections' minimum OCUs, GPU
    instances. Usage-priced and unknown resources
    are listed, never priced as zero — or priced from a `usage` file (traffic by resource
    address: infra/usage.py). `region` is used where the definition names none.

    With `base` (the base branch's plan or template) — or `base_ref`, the same file at that
    git revision of the repository at `repo` (a template kept in the repository) — "before"
    is the base definition as it would be applied, "after" this one, matched by address.
    Thresholds (`[total:|line:]N[%]`, USD for `*_above`; `line:` applies to each resource)
    set the document's `verdict`."""
    from genai_cost.infra.price import USAGE_KINDS
    from genai_cost.infra.read import parse_parameters, read_definition, read_parameter_file
    from genai_cost.infra.usage import load_usage

    from_file = read_parameter_file(Path(parameters_file)) if parameters_file else {}
    infra = read_definition(Path(path), {**from_file, **parse_parameters(list(parameters))})
    old_parameters = {
        **from_file,
        **parse_parameters(list(parameters if base_parameters is None else base_parameters)),
    }
    if base is not None and base_ref is not None:
        raise ArgumentError("give «base» or «base_ref», not both")
    former = read_definition(Path(base), old_parameters) if base is not None else None
    if base_ref is not None:
        former = _at_revision(str(path), base_ref, repo, old_parameters)
        base = f"{base_ref}:{path}"
    addresses = {r.address: r.type for r in infra.resources}
    if former is not None:
        addresses = {**{r.address: r.type for r in former.resources}, **addresses}
    used = (
        load_usage(Path(usage), addresses, USAGE_KINDS).resource_usage if usage is not None else {}
    )
    where = infra.region or (former.region if former else None) or region
    if where is None:
        raise ArgumentError(
            f"{path}: the definition names no region (the AWS provider's `region`, or the "
            "template's AWS::Region parameter): give «region»"
        )
    catalog = options.catalog()
    if where not in catalog.regions:
        from genai_cost.modelfile import suggest

        hint = suggest(where, catalog.regions)
        suffix = f" ({hint})" if hint else ""
        raise ArgumentError(f"region {where!r} is not in the snapshot{suffix}")
    day = options.as_of or options.today()
    hours = month_hours(options.month) if options.month else HOURS_PER_MONTH

    from genai_cost.infra.price import Peers, peers_of, price_state

    def priced(
        kind: str, state: Any, address: str, peers: Peers, deferred: str | None = None
    ) -> Any:
        return price_state(
            kind, state, where, catalog, day, hours, used.get(address), peers, deferred
        )

    after_peers = peers_of([(r.type, r.after) for r in infra.resources])
    resources: list[InfraResource] = []
    if former is None:
        before_peers = peers_of([(r.type, r.before) for r in infra.resources])
        for r in infra.resources:
            if r.actions == ("read",):
                continue  # a data source: nothing is created
            resources.append(
                _row(
                    r.address,
                    r.type,
                    CHANGES.get(r.actions, "no-op"),
                    priced(r.type, r.before, r.address, before_peers),
                    priced(r.type, r.after, r.address, after_peers, r.deferred),
                    r.before is not None,
                )
            )
    else:
        before_peers = peers_of([(r.type, r.after) for r in former.resources])
        old = {r.address: r for r in former.resources if r.actions != ("read",)}
        new = {r.address: r for r in infra.resources if r.actions != ("read",)}
        for address in dict.fromkeys([*new, *old]):
            was, now = old.get(address), new.get(address)
            kind = (now or was).type  # type: ignore[union-attr]
            before = priced(kind, was.after if was else None, address, before_peers)
            after = priced(
                kind, now.after if now else None, address, after_peers,
                now.deferred if now else None,
            )  # fmt: skip
            change = (
                "create"
                if was is None or was.after is None
                else "delete"
                if now is None or now.after is None
                else "update"
                if (before.facts, before.usd) != (after.facts, after.usd)
                else "no-op"
            )
            resources.append(_row(address, kind, change, before, after, was is not None))
    before_total = sum(r["before_monthly_usd"] or 0.0 for r in resources)
    after_total = sum(r["after_monthly_usd"] or 0.0 for r in resources)
    verdict, breached = _verdict(
        resources, before_total, after_total, fail_on_increase, fail_above, warn_on_increase,
        warn_above,
    )  # fmt: skip
    document: dict[str, Any] = {
        "schema_version": 1,
        "kind": "genai-cost infra",
        "path": str(path),
        "base": str(base) if base is not None else None,
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
        "verdict": verdict,
        "breached": breached,
    }
    document_: InfraDocument = presented(document)
    return document_


def _row(
    address: str, kind: str, change: str, before: Any, after: Any, existed: bool
) -> InfraResource:
    """One resource: its cost before and after, and what moved it."""
    if not existed:  # created: what decides its price
        changed = [f"{key} {value}" for key, value in after.facts.items()]
    else:
        changed = [
            f"{key} {before.facts.get(key, '—')} → {after.facts.get(key, '—')}"
            for key in dict.fromkeys([*before.facts, *after.facts])
            if before.facts.get(key) != after.facts.get(key)
        ]
    b, a = before.usd, after.usd
    return {
        "address": address,
        "type": kind,
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
                "usd": None if p.usd_per_unit is None else (p.quantity or 0.0) * p.usd_per_unit,
                "sources": list(p.sources),
                "detail": p.detail,
            }
            for p in after.parts
        ],
    }


def _verdict(
    resources: list[InfraResource],
    before: float,
    after: float,
    fail_on_increase: Sequence[str],
    fail_above: Sequence[str],
    warn_on_increase: Sequence[str],
    warn_above: Sequence[str],
) -> tuple[str, list[str]]:
    """pass, warn or fail, and the rules breached (each with what breached it)."""
    from genai_cost.decisions.diff import thresholds

    rules = thresholds(fail_on_increase, fail_above, warn_on_increase, warn_above)
    breached: list[tuple[str, str]] = []
    for rule in rules:
        if rule.scope == "workload":
            raise ArgumentError(
                f"{rule.text}: infrastructure has no workloads; use total: or line:"
            )
        items = (
            [("total", before, after)]
            if rule.scope == "total"
            else [
                (r["address"], r["before_monthly_usd"] or 0.0, r["after_monthly_usd"] or 0.0)
                for r in resources
            ]
        )
        for subject, b, a in items:
            if rule.breached_by({"base_monthly_cost_usd": b, "head_monthly_cost_usd": a}):
                breached.append((rule.level, f"{rule.text} ({subject})"))
    levels = {level for level, _ in breached}
    verdict = "fail" if "fail" in levels else "warn" if "warn" in levels else "pass"
    return verdict, [text for _, text in breached]


def _at_revision(path: str, ref: str, repo: str | Path | None, parameters: dict[str, str]) -> Any:
    """The definition at `path` as of git revision `ref` (no resources when it had none)."""
    from genai_cost.errors import InfrastructureError
    from genai_cost.infra.read import MAX_DEFINITION_BYTES, Infrastructure, parse_definition
    from genai_cost.scenario.gitrev import read_file_at_revision
    from genai_cost.yamlsource import decode_utf8

    where = Path(repo) if repo is not None else None
    raw = read_file_at_revision(ref, path, where, MAX_DEFINITION_BYTES)
    label = f"{ref}:{path}"
    if raw is None:  # new in this change: every resource is created
        return Infrastructure(label, "cloudformation", None, [])
    text = decode_utf8(raw, label, error=InfrastructureError)
    return parse_definition(text, label, parameters)
