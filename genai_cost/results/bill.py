"""The whole bill of a scenario: every cost it describes, as named lines in cost families.

Per workload, the chosen option (its cheapest, or the one the scenario pins) — or, when a
customization path is chosen, the workload as that path changes it — plus everything else
the scenario describes: the chosen path's own costs, training jobs (the way the bill counts
them), shared endpoints, supporting services, and redundancy (capacity bought beyond what
serves the peak, replication transfer). Every line is `quantity × usd_per_unit`, per month;
one-off payments are spread evenly over the horizon (as AWS's amortized cost view spreads
upfront fees). A line that cannot be priced makes the bill incomplete: its total is then
null and the lines that could be priced are a lower bound, with what is missing named.

Lines charged to several workloads are shared among them in proportion to each one's own
inference cost (evenly when those are all zero), so the workloads' shares add up to the bill.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, cast

import numpy as np

from genai_cost.catalog.snapshot import Catalog
from genai_cost.documents.estimate import (
    FAMILIES,
    Bill,
    BillComponent,
    CustomizationRecord,
    Family,
    FamilyTotal,
    MissingPart,
    OneOff,
    PricedLine,
    ScenarioSections,
)
from genai_cost.engine.capacity import REDUNDANCY_PREFIX
from genai_cost.engine.context import PricingContext, WorkloadSpec, distinct_indexes, run_columns
from genai_cost.engine.core import PAY_PER_USE, EstimateArrays
from genai_cost.engine.costs.parts import Part
from genai_cost.engine.labels import option_label
from genai_cost.engine.options.batch_transform import FIXED_COMPONENTS
from genai_cost.results.rounding import rounded_column as _rounded_column
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import ImportedModel, InfrastructureResource, Option, Scenario
from genai_cost.scenario.table import workload_names
from genai_cost.units import FLOAT_TOLERANCE, MINUTES_PER_HOUR


class Priced(Protocol):
    """What the bill is assembled from: a priced estimate (results/estimate.py)."""

    @property
    def scenarios(self) -> list[LoadedScenario]: ...
    @property
    def specs(self) -> list[WorkloadSpec]: ...
    @property
    def arrays(self) -> EstimateArrays: ...
    @property
    def context(self) -> PricingContext | None: ...
    @property
    def catalog(self) -> Catalog: ...
    @property
    def sections(self) -> list[ScenarioSections]: ...
    @property
    def day(self) -> dt.date: ...


def _billed_by(label: str) -> str:
    """How a pay-per-use option bills a request, for the redundancy note."""
    token_options = (Option.on_demand.value, Option.batch.value)
    return "per token" if label.split(" ")[0] in token_options else "for the compute it uses"


def money(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _quantity(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 9)


def _price(value: float | None) -> float | None:
    """A unit price keeps 12 decimals (Lambda bills $0.0000133334 a GB-second)."""
    return None if value is None or not math.isfinite(value) else round(float(value), 12)


def line(
    family: Family,
    item: str,
    workloads: list[str],
    name: str,
    quantity: float | None,
    unit: str,
    usd_per_unit: float | None,
    *,
    usd: float | None = None,
    sources: Iterable[str] = (),
    detail: str | None = None,
    one_off: OneOff | None = None,
    scales_with_requests: bool = False,
) -> BillComponent:
    """One bill line; `usd` defaults to quantity × usd_per_unit (null when either is)."""
    if usd is None and quantity is not None and usd_per_unit is not None:
        usd = quantity * usd_per_unit
    return {
        "family": family,
        "item": item,
        "workloads": list(workloads),
        "name": name,
        "quantity": _quantity(quantity),
        "unit": unit,
        "usd_per_unit": _price(usd_per_unit),
        "usd": money(usd),
        "sources": sorted(set(sources)),
        "detail": detail,
        "one_off": one_off,
        "scales_with_requests": scales_with_requests,
    }


def spread(
    family: Family,
    item: str,
    workloads: list[str],
    name: str,
    quantity_per_payment: float,
    unit: str,
    usd_per_unit: float,
    months: list[int],
    horizon: int,
    *,
    sources: Iterable[str] = (),
    detail: str | None = None,
) -> BillComponent:
    """A one-off (or every-few-months) payment spread evenly over the horizon: the monthly
    quantity is quantity_per_payment × payments ÷ horizon."""
    one_off: OneOff = {
        "usd_per_payment": round(quantity_per_payment * usd_per_unit, 6),
        "paid_in_months": months,
        "amortized_over_months": horizon,
    }
    payments = f"{len(months)} payment{'s' if len(months) > 1 else ''}"
    return line(
        family,
        item,
        workloads,
        name,
        quantity_per_payment * len(months) / horizon,
        unit,
        usd_per_unit,
        sources=sources,
        detail=(detail + "; " if detail else "") + f"{payments} spread over {horizon} months",
        one_off=one_off,
    )


def option_lines(arrays: EstimateArrays, row: int, workload: str) -> list[BillComponent]:
    """The lines of one priced option row: traffic-serving lines in `inference`, capacity bought
    only for redundancy in `redundancy`. Zero-quantity lines are left out."""
    return rows_lines(arrays, [row], [workload])[0]


def rows_lines(
    arrays: EstimateArrays, rows: list[int], workloads: list[str]
) -> list[list[BillComponent]]:
    """`option_lines` of many rows at once (each with its workload's name): each option's
    columns are read once for all its rows rather than row by row."""
    out: list[list[BillComponent]] = [[] for _ in rows]
    if not rows:
        return out
    charged = [[name] for name in workloads]  # a row's lines share it (read-only)
    where = np.asarray(rows, dtype=np.int64)
    owner = np.searchsorted(arrays.offsets, where, side="right") - 1
    for k in distinct_indexes(owner).tolist():
        positions = np.flatnonzero(owner == k)
        result = arrays.results[k]
        local = where[positions] - int(arrays.offsets[k])
        r = result.rows
        made: dict[tuple[str, str, str], str] = {}  # each distinct label made (and held) once
        labels = [
            made.get(key) or made.setdefault(key, option_label(r.option, *key))
            for key in zip(
                map(str, r.variant[local].tolist()),
                map(str, r.platform[local].tolist()),
                map(str, r.instance_type[local].tolist()),
                strict=True,
            )
        ]
        ordered: dict[tuple[str, ...], list[str]] = {}  # each distinct tuple sorted once
        sources = [
            ordered.get(t) or ordered.setdefault(t, sorted(set(t)))
            for t in r.sources[local].tolist()
        ]
        pay_per_use = r.option in PAY_PER_USE
        places = positions.tolist()
        for c in result.listed_components:
            # a line where the row lists the component (`component_listed`, true wherever
            # the quantity is positive) with a positive quantity
            billed = np.flatnonzero(c.quantity[local] > 0)
            if not billed.size:
                continue
            at = local[billed]
            # `line`'s rounding, per distinct value (NaN and infinity to None)
            rounded = _rounded_column(c.quantity[at], 9)
            prices = _rounded_column(c.usd_per_unit[at], 12)
            usds = _rounded_column(c.usd[at], 6)
            family: Family = "redundancy" if c.name.startswith(REDUNDANCY_PREFIX) else "inference"
            scales = pay_per_use and c.name not in FIXED_COMPONENTS
            new = object.__new__  # each line a new `_Line`'s attribute dict
            for n, j in enumerate(billed.tolist()):
                place = places[j]
                name = workloads[place]
                # as `line` makes it (its keys in its order), its numbers rounded above
                made_line = new(_Line).__dict__
                made_line["family"] = family
                made_line["item"] = name
                made_line["workloads"] = charged[place]
                made_line["name"] = c.name
                made_line["quantity"] = rounded[n]
                made_line["unit"] = c.unit
                made_line["usd_per_unit"] = prices[n]
                made_line["usd"] = usds[n]
                made_line["sources"] = sources[j]  # one list per distinct set, read-only
                made_line["detail"] = labels[j]
                made_line["one_off"] = None
                made_line["scales_with_requests"] = scales
                out[place].append(cast(BillComponent, made_line))
    return out


class _Line:
    """Never used for itself: the attribute dict of each new instance is an empty bill line
    (`rows_lines`: `object.__new__(_Line).__dict__`).

    CPython's instance dicts of one class share one table of keys (PEP 412), so each line
    holds only its values: 192 bytes a line (with its list slot) against 472 for a dict
    literal of the same twelve keys, and quicker to fill. It is an ordinary `dict` in every
    other way (a key the shared table lacks is added as to any dict). One line per priced
    row and component adds up: 175,000 lines for 100,000 workloads."""


def priced_line(
    priced: PricedLine, family: Family, item: str, workloads: list[str]
) -> tuple[list[BillComponent], list[MissingPart]]:
    """A tiered line (services, storage): one bill line per tier it falls in; what has no price
    is missing."""
    from genai_cost.engine.costs.parts import tiered_parts

    collected = BillParts()
    add_parts(collected, tiered_parts(priced), family, item, workloads)
    return collected.lines, collected.missing


@dataclass
class BillParts:
    """The lines and gaps of one scenario's bill as they are collected."""

    lines: list[BillComponent] = field(default_factory=list)
    missing: list[MissingPart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    engine: list[BillComponent] = field(default_factory=list)
    """The lines the engine priced (workloads' options), also in `lines`."""

    def add(self, lines: list[BillComponent], missing: list[MissingPart] | None = None) -> None:
        self.lines += lines
        self.missing += missing or []


@dataclass
class PathLines:
    """What a chosen customization path puts on the bill (built by decisions/customization)."""

    name: str
    inference: dict[str, list[BillComponent]]
    """Per workload the path re-prices (prompting, rag): its lines as changed by the path."""
    extra_input_tokens: dict[str, float]
    """Per re-priced workload, the input tokens the path adds to each request."""
    replaced: list[str]
    """Workloads a custom model serves instead (fine-tuning, distillation, pre-training)."""
    lines: list[BillComponent]
    """The path's own lines (embeddings, vector store, training, storage, custom inference)."""
    notes: list[str] = field(default_factory=list)


@dataclass
class BillInputs:
    """What re-pricing the bill month by month (ROI, Monte Carlo) needs besides the document:
    the workloads the engine prices, with the input tokens a path adds, and every other line."""

    engine_workloads: list[int]
    """Indexes (into the estimate's specs) of the workloads whose inference the engine prices."""
    extra_input_tokens: dict[int, float]
    other_lines: list[BillComponent]
    """Lines the engine does not price: fixed a month, or scaling with their workloads'
    requests (`scales_with_requests`); one-offs carry their payment months."""


CMU_WINDOW_MINUTES = 5
"""Custom Model Import bills in 5-minute windows from the first successful invocation."""


def imported_model_line(
    model: ImportedModel, scenario: Scenario, everyone: list[str]
) -> BillComponent:
    """copies × CMUs per copy × rate per CMU-minute × 5 × (5-minute windows a month)."""
    minutes = (
        model.active_minutes_per_month
        if model.active_minutes_per_month is not None
        else scenario.hours * MINUTES_PER_HOUR
    )
    windows = math.ceil(minutes / CMU_WINDOW_MINUTES - FLOAT_TOLERANCE)
    billed = windows * CMU_WINDOW_MINUTES
    return line(
        "inference",
        model.name,
        model.workloads or everyone,
        "custom_model_unit_minutes",
        model.copies * model.custom_model_units_per_copy * billed,
        "CMU-minutes",
        model.usd_per_cmu_minute,
        sources=["scenario"],
        detail=f"Custom Model Import: {model.copies:g} cop{'y' if model.copies == 1 else 'ies'}"
        f" × {model.custom_model_units_per_copy} CMUs × {windows:,} five-minute windows",
    )


def section_parts(scenario: Scenario, sections: ScenarioSections, parts: BillParts) -> None:
    """Training jobs (the way each is counted), shared endpoints and supporting services: the
    parts their engine modules price (engine/costs/), as lines of their families."""
    from genai_cost.engine.costs.packing import endpoint_parts
    from genai_cost.engine.costs.parts import tiered_parts
    from genai_cost.engine.costs.training import training_parts

    everyone = workload_names(scenario.workloads)
    for job, record in zip(scenario.training_jobs, sections.get("training_jobs", []), strict=True):
        add_parts(
            parts,
            training_parts(record, job.purchase),
            "training",
            record["name"],
            job.workloads or everyone,
        )
    for model in scenario.imported_models:
        parts.lines.append(imported_model_line(model, scenario, everyone))
    for endpoint, e in zip(
        scenario.shared_endpoints, sections.get("shared_endpoints", []), strict=True
    ):
        add_parts(
            parts,
            endpoint_parts(e, len(endpoint.models), scenario.hours),
            "shared_endpoints",
            e["name"],
            endpoint.workloads or everyone,
        )
    services = sections.get("supporting_services")
    if services is not None and scenario.supporting_services is not None:
        charged = scenario.supporting_services.workloads or everyone
        for priced in services["components"]:
            add_parts(parts, tiered_parts(priced), "services", "supporting services", charged)


PER_REQUEST_UNITS = ("1M requests", "GB-second")
"""Units of infrastructure lines that follow the requests of the workload a resource serves."""


def infrastructure_parts(estimate: Priced, number: int, specs: list[int], parts: BillParts) -> None:
    """The scenario's infrastructure definition priced resource by resource (infra/): each
    resource's fixed capacity as lines, its usage from the workload it serves (lines that
    scale with that workload's requests); a resource that cannot be priced — a missing price,
    a value the definition leaves open, usage no workload gives, a type genai-cost does not
    price — is missing from the bill, named, never zero."""
    from pathlib import Path

    from genai_cost.infra.price import USAGE_KINDS, peers_of, price_state
    from genai_cost.infra.read import read_definition, tag_value
    from genai_cost.infra.usage import ResourceUsage

    loaded = estimate.scenarios[number]
    scenario = loaded.scenario
    link = scenario.infrastructure
    assert link is not None
    definition = read_definition(Path(loaded.path).parent / link.definition, link.parameters)
    region = definition.region or scenario.region
    day = (
        estimate.context.day_for_scenario(scenario.pricing_date)
        if estimate.context is not None
        else estimate.day
    )
    everyone = workload_names(scenario.workloads)
    requests = {
        estimate.specs[i].workload.name: estimate.specs[i].workload.traffic.requests_in(
            scenario.hours
        )
        for i in specs
    }
    peers = peers_of([(r.type, r.after) for r in definition.resources])
    for resource in definition.resources:
        if resource.actions == ("read",) or (resource.after is None and not resource.deferred):
            continue
        use = link.resources.get(resource.address)
        tagged = (
            tag_value(resource.after, link.workload_tag)
            if link.workload_tag and resource.after
            else None
        )
        if tagged in requests and (use is None or use.workload is None):
            use = (use or InfrastructureResource()).model_copy(update={"workload": tagged})
        usage = None
        if use is not None:
            usage = ResourceUsage(
                requests_per_month=requests.get(use.workload) if use.workload else None,
                average_duration_ms=use.average_duration_ms,
                storage_gb=use.storage_gb,
                ocus=use.ocus,
            )
        charged = [use.workload] if use is not None and use.workload else everyone
        if use is not None and use.usd_per_month is not None:
            parts.lines.append(
                line(
                    "infrastructure",
                    resource.address,
                    charged,
                    "monthly",
                    1.0,
                    "month",
                    use.usd_per_month,
                    sources=["scenario"],
                    detail="given in infrastructure.resources",
                )
            )
            continue
        priced = price_state(
            resource.type, resource.after, region, estimate.catalog, day, scenario.hours, usage,
            peers, resource.deferred,
        )  # fmt: skip
        if priced.status == "included":
            continue
        if priced.status != "priced":
            here = f"infrastructure.resources.{resource.address}"
            hint = (
                f"; give its usage in {here}"
                if resource.type in USAGE_KINDS and priced.status == "usage"
                else f"; or give its monthly cost as {here}.usd_per_month"
            )
            parts.missing.append(
                {
                    "family": "infrastructure",
                    "item": resource.address,
                    "name": "resource",
                    "workloads": charged,
                    "reason": f"{priced.reason}{hint}",
                }
            )
            continue
        follows = use is not None and use.workload is not None
        add_parts(
            parts,
            priced.parts,
            "infrastructure",
            resource.address,
            charged,
            scales=_per_request if follows else None,
        )


def _per_request(part: Part) -> bool:
    return part.unit in PER_REQUEST_UNITS


def add_parts(
    parts: BillParts,
    priced: list[Part],
    family: Family,
    item: str,
    workloads: list[str],
    scales: Callable[[Part], bool] | None = None,
) -> None:
    """Each priced part as a line of `family`; each part without a price as missing.
    `scales` says which lines follow their workloads' requests month by month."""
    for p in priced:
        if p.reason is not None:
            parts.missing.append(
                {
                    "family": family,
                    "item": item,
                    "name": p.name,
                    "workloads": list(workloads),
                    "reason": p.reason,
                }
            )
            continue
        parts.lines.append(
            line(
                family,
                item,
                workloads,
                p.name,
                p.quantity,
                p.unit,
                p.usd_per_unit,
                sources=p.sources,
                detail=p.detail,
                scales_with_requests=scales(p) if scales is not None else False,
            )
        )


def workload_parts(
    scenario: Scenario,
    specs: list[int],
    estimate: Priced,
    path: PathLines | None,
    parts: BillParts,
) -> None:
    """Each workload's inference (its chosen option, or as the chosen path changes it) and
    its redundancy: extra capacity, replication transfer, and what redundancy does not add."""
    from genai_cost.engine.costs.services import line as service_line

    arrays = estimate.arrays
    columns = run_columns(estimate.context, estimate.specs)
    at = np.asarray(specs, dtype=np.intp)
    names: list[str] = columns.name[at].tolist()
    bests: list[int] = arrays.cheapest_row[at].tolist()
    elsewhere = set() if path is None else {*path.replaced, *path.inference}
    chosen = [  # every workload the engine serves, its lines made for all at once
        (i, name, best)
        for i, name, best in zip(specs, names, bests, strict=True)
        if best >= 0 and name not in elsewhere
    ]
    made = dict(
        zip(
            [i for i, _, _ in chosen],
            rows_lines(arrays, [best for _, _, best in chosen], [n for _, n, _ in chosen]),
            strict=True,
        )
    )
    special = set(columns.special)  # guardrails, a backfill or redundancy (few workloads)
    for index, name, best in zip(specs, names, bests, strict=True):
        if path is None and index not in special and best >= 0:
            mine = made[index]  # the workload's option's lines, and nothing else
            parts.lines += mine
            parts.engine += mine
            continue
        spec = estimate.specs[index]
        workload = spec.workload
        if workload.guardrails is not None:
            guardrail_lines(estimate, spec, parts)
        if workload.backfill is not None:
            backfill_lines(estimate, spec, scenario.horizon_months, parts)
        if path is not None and name in path.replaced:
            continue
        if path is not None and name in path.inference:
            mine = path.inference[name]
            label = (mine[0]["detail"] or "").split("; +")[0] if mine else ""
        else:
            if best < 0:
                reasons = dict.fromkeys(
                    f"{arrays.option(r)}: {arrays.reason(r)}" for r in arrays.rows_of(index)
                )
                parts.missing.append(
                    {
                        "family": "inference",
                        "item": name,
                        "name": "inference",
                        "workloads": [name],
                        "reason": "no option can be priced (" + "; ".join(reasons) + ")",
                    }
                )
                continue
            mine = made[index]
            label = mine[0]["detail"] or "" if mine else arrays.label(best)
            if path is not None and name in path.extra_input_tokens:
                added = path.extra_input_tokens[name]  # priced with the path's prompts already
                for c in mine:
                    c["detail"] = (
                        f"{c['detail']}; +{added:,.0f} input tokens a request ({path.name})"
                    )
        parts.lines += mine
        parts.engine += mine
        redundancy = workload.redundancy
        if redundancy.mode == "single":
            continue
        how = (
            f"active_active in {redundancy.regions} regions"
            if redundancy.mode == "active_active"
            else f"warm_standby at {redundancy.standby_fraction:g} of the capacity"
        )
        extra = [c for c in mine if c["family"] == "redundancy"]
        if extra:
            usd = sum(c["usd"] or 0.0 for c in extra)
            parts.notes.append(
                f"{name}: redundancy ({how}) buys capacity beyond what serves the peak with "
                f"{label}: ${usd:,.2f} a month, in the redundancy lines"
            )
        elif mine and mine[0]["scales_with_requests"]:
            parts.notes.append(
                f"{name}: redundancy ({how}) adds nothing to {label}: each request is billed "
                f"once, {_billed_by(label)}, in whichever region serves it, so a standby "
                "region costs only the traffic it takes"
            )
        if redundancy.replication_gb_per_month > 0:
            region = spec.region
            assert estimate.context is not None
            day = estimate.context.day_for(spec)
            priced = service_line(
                estimate.catalog,
                "data_transfer",
                "inter_region",
                redundancy.replication_gb_per_month,
                region,
                day,
                "replication_transfer",
            )
            parts.add(*priced_line(priced, "redundancy", name, [name]))


def backfill_lines(estimate: Priced, spec: WorkloadSpec, horizon: int, parts: BillParts) -> None:
    """A workload's one-off backfill (engine/costs/backfill.py): the chosen offline option's
    lines, paid once and spread over the horizon, under the item `NAME backfill`."""
    from genai_cost.engine.costs.backfill import price_backfill

    backfill = spec.workload.backfill
    assert backfill is not None and estimate.context is not None
    name = spec.workload.name
    item = f"{name} backfill"
    run = price_backfill(estimate.context, spec)
    if run.reason is not None:
        parts.missing.append(
            {
                "family": "inference",
                "item": item,
                "name": "backfill",
                "workloads": [name],
                "reason": run.reason,
            }
        )
        return
    detail = f"{run.label}; {backfill.requests:,.0f} requests once"
    parts.lines += [
        spread(
            "inference",
            item,
            [name],
            f"backfill_{line_name}",
            quantity,
            unit,
            usd_per_unit,
            [backfill.month],
            horizon,
            sources=run.sources,
            detail=detail,
        )
        for line_name, unit, quantity, usd_per_unit, _ in run.lines
        if quantity > 0
    ]


def guardrail_lines(estimate: Priced, spec: WorkloadSpec, parts: BillParts) -> None:
    """A workload's Bedrock Guardrails (engine/costs/guardrails.py): a line per policy in the
    services family, following the workload's requests month by month."""
    from genai_cost.engine.costs.guardrails import guardrail_parts

    guardrails = spec.workload.guardrails
    assert guardrails is not None and estimate.context is not None
    requests = spec.workload.traffic.requests_in(spec.hours)
    priced = guardrail_parts(
        estimate.catalog, guardrails, requests, spec.region, estimate.context.day_for(spec)
    )
    name = spec.workload.name
    add_parts(parts, priced, "services", name, [name], scales=lambda _: True)


def summarize(parts: BillParts, horizon: int) -> Bill:
    """Families, totals and completeness of the collected lines."""
    families: list[FamilyTotal] = []
    usds: dict[str, list[float]] = {}  # per family, its lines' dollars in bill order
    for c in parts.lines:
        usds.setdefault(c["family"], []).append(c["usd"] or 0.0)
    for family in FAMILIES:
        mine = usds.get(family, [])
        gaps = [m for m in parts.missing if m["family"] == family]
        if not mine and not gaps:
            continue
        priced = round(sum(mine), 6)
        families.append(
            {
                "family": family,
                "monthly_cost_usd": None if gaps else priced,
                "priced_monthly_cost_usd": priced,
            }
        )
    priced_total = round(0.0 + sum(c["usd"] or 0.0 for c in parts.lines), 6)
    one_off = round(
        0.0
        + sum(
            c["one_off"]["usd_per_payment"] * len(c["one_off"]["paid_in_months"])
            for c in parts.lines
            if c["one_off"] is not None
        ),
        6,
    )
    complete = not parts.missing
    return {
        "complete": complete,
        "total_monthly_cost_usd": priced_total if complete else None,
        "priced_monthly_cost_usd": priced_total,
        "one_off_usd": one_off,
        "horizon_months": horizon,
        "families": families,
        "components": parts.lines,
        "missing": parts.missing,
        "notes": parts.notes,
    }


def workload_shares(bill: Bill, names: list[str]) -> dict[str, float | None]:
    """Each workload's share of the bill: its own lines plus, of every line charged to several
    workloads, a share in proportion to their own inference cost (evenly if all are zero).
    None for a workload charged with a line that is missing."""
    own_inference = dict.fromkeys(names, 0.0)
    for c in bill["components"]:
        if c["family"] == "inference" and len(c["workloads"]) == 1 and c["usd"] is not None:
            own_inference[c["workloads"][0]] = own_inference.get(c["workloads"][0], 0.0) + c["usd"]
    shares: dict[str, float] = dict.fromkeys(names, 0.0)
    for c in bill["components"]:
        usd = c["usd"]
        if usd is None:
            continue
        charged = c["workloads"]
        if len(charged) == 1:  # one workload's line (most): all of it is that workload's
            if charged[0] in shares:
                shares[charged[0]] += usd  # as below: a weight over itself is exactly 1
            continue
        targets = [w for w in charged if w in shares]
        if not targets:
            continue
        weights = [own_inference[w] for w in targets]
        total = sum(weights)
        for w, weight in zip(targets, weights, strict=True):
            share = weight / total if total > 0 else 1.0 / len(targets)
            shares[w] += usd * share
    unknown = {w for m in bill["missing"] for w in m["workloads"]}
    return {name: None if name in unknown else round(shares[name], 6) for name in names}


def assemble(
    estimate: Priced,
    number: int,
    customization: CustomizationRecord | None,
    path: PathLines | None,
    specs: list[int],
) -> tuple[Bill, BillInputs]:
    """The bill of scenario `number` of a priced estimate, with the chosen customization path
    (None when the scenario has none, or none could be chosen); `specs` are the indexes of
    its workloads in `estimate.specs`."""
    scenario = estimate.scenarios[number].scenario
    parts = BillParts()
    workload_parts(scenario, specs, estimate, path, parts)
    if path is not None:
        parts.add(path.lines)
        parts.notes += path.notes
    elif customization is not None:
        parts.missing.append(
            {
                "family": "customization",
                "item": "customization",
                "name": "path",
                "workloads": list(customization["workloads"]),
                "reason": (customization["note"] or "no path chosen")
                + (
                    "; supply the missing price (a price book or your own snapshot)"
                    if scenario.customization is not None and scenario.customization.use
                    else "; name the path to count with customization.use, or supply the "
                    "prices the paths lack"
                ),
            }
        )
    section_parts(scenario, estimate.sections[number], parts)
    if scenario.infrastructure is not None:
        infrastructure_parts(estimate, number, specs, parts)
    bill = summarize(parts, scenario.horizon_months)
    extra_input_tokens: dict[int, float] = {}
    if path is not None and path.extra_input_tokens:
        by_name = {estimate.specs[i].workload.name: i for i in specs}
        extra_input_tokens = {
            by_name[n]: extra for n, extra in path.extra_input_tokens.items() if n in path.inference
        }
    if len(parts.engine) == len(parts.lines):  # every line is an engine line (`engine` ⊆ `lines`)
        other_lines = []
    else:
        engine_ids = {id(c) for c in parts.engine}
        other_lines = [c for c in parts.lines if id(c) not in engine_ids]
    priced = estimate.arrays.cheapest_row[np.asarray(specs, dtype=np.intp)] >= 0
    inputs = BillInputs(
        engine_workloads=[
            i
            for i, ok in zip(specs, priced.tolist(), strict=True)
            if ok and (path is None or estimate.specs[i].workload.name not in path.replaced)
        ],
        extra_input_tokens=extra_input_tokens,
        other_lines=other_lines,
    )
    return bill, inputs
