"""`genai-cost regions`: what the scenario would cost if it ran in each region.

Every workload (and training job, shared endpoint, supporting service) is moved to the
candidate region and its whole bill priced as an estimate would price it. A region where a
model, an instance type or a price is not available is listed with the reason: never a
total that looks complete (what could be priced is shown as a lower bound).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import numpy as np

from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.validation import check_against_catalog
from genai_cost.decisions.bill import price_bill
from genai_cost.documents.decisions import RegionRow, RegionsDocument
from genai_cost.errors import GenaiCostError
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import Workload
from genai_cost.scenario.table import (
    TableWorkloads,
    WorkloadTable,
    model_probe,
    split_workloads,
)


def compare_regions(
    loaded: LoadedScenario,
    catalog: Catalog,
    *,
    day: dt.date,
    regions: list[str] | None = None,
    as_of: dt.date | None = None,
    month: str | None = None,
    free_tier: bool = False,
) -> RegionsDocument:
    """The scenario moved to each region (every workload, training job and shared endpoint),
    priced as an estimate prices it; a region where something is missing gets the reason."""
    rows: list[RegionRow] = []
    for region in regions or sorted(catalog.regions):
        scenario = loaded.scenario
        own, table = split_workloads(scenario.workloads)
        moves = [_endpoint_in(catalog, w, region, as_of or day) for w in own]
        notes = [note for _, note in moves if note]
        placed: list[Workload] | TableWorkloads = [w for w, _ in moves]
        if table is not None:  # its rows moved as columns, once per model
            table, table_notes = _table_in(catalog, table, region, as_of or day)
            notes += table_notes
            placed = TableWorkloads(placed, table)
        moved = scenario.model_copy(
            update={
                "region": region,
                "workloads": placed,
                "training_jobs": [
                    j.model_copy(update={"region": None}) for j in scenario.training_jobs
                ],
                "shared_endpoints": [
                    e.model_copy(update={"region": None}) for e in scenario.shared_endpoints
                ],
            }
        )
        variant = LoadedScenario(
            moved, loaded.path, loaded.sha256, loaded.document, table, len(own)
        )
        try:
            check_against_catalog(variant, catalog)
            # the document's keys before its option records (the bill and the workload
            # summaries; the records, most of a large document, are not made)
            document, _, _ = price_bill(
                [variant], catalog, day=day, as_of=as_of, month=month, free_tier=free_tier
            ).document_parts()
        except GenaiCostError as exc:
            reason = str(exc).splitlines()[0]
            rows.append(
                {
                    "region": region,
                    "feasible": False,
                    "monthly_cost_usd": None,
                    "priced_monthly_cost_usd": None,
                    "workloads": [],
                    # without where it was found: the file (and a table's row), as the
                    # same workloads written in YAML give it
                    "reason": _ROW.sub("", reason.split(": ", 1)[-1]),
                }
            )
            continue
        summary = document["scenarios"][0]
        bill = summary["bill"]
        missing = "; ".join(
            f"{m['family']} {m['item']} ({m['name'].replace('_', ' ')}): {m['reason']}"
            for m in bill["missing"]
        )
        rows.append(
            {
                "region": region,
                "feasible": bill["complete"],
                "monthly_cost_usd": bill["total_monthly_cost_usd"],
                "priced_monthly_cost_usd": bill["priced_monthly_cost_usd"],
                "workloads": [
                    {
                        "name": w["name"],
                        "cheapest_option": w["cheapest_option"],
                        "monthly_cost_usd": w["monthly_cost_usd"],
                    }
                    for w in summary["workloads"]
                ],
                "reason": "; ".join(
                    filter(None, (f"incomplete: {missing}" if missing else "", *notes))
                )
                or None,
            }
        )
    rows.sort(
        key=lambda r: (
            not r["feasible"],
            r["priced_monthly_cost_usd"] is None,
            r["monthly_cost_usd"] or r["priced_monthly_cost_usd"] or 0.0,
            r["region"],
        )
    )
    return {
        "schema_version": 2,
        "kind": "genai-cost regions",
        "scenario": loaded.scenario.name,
        "path": loaded.path,
        "snapshot": {"id": catalog.snapshot_id, "as_of": catalog.as_of.isoformat()},
        "regions": rows,
    }


_ROW = re.compile(r"^row [\d,]+: ")
"""A workloads table's row, as an error names it after the table's file."""


def _endpoint_in(
    catalog: Catalog, workload: Workload, region: str, day: dt.date
) -> tuple[Workload, str]:
    """The workload called from `region` the way a user there would call it: a geographic
    profile the region cannot use becomes the region's own (`us.` → `eu.` from eu-west-1),
    and an in-region endpoint the region has no price for becomes the region's profile when
    that is priced — with a note saying so. Global endpoints are kept."""
    from genai_cost.catalog.lookup import OnDemandMatch, on_demand_price

    moved = workload.model_copy(update={"region": None})
    info = catalog.regions.get(region)
    if info is None or not info.geo_profiles or workload.scope == "global":
        return moved, ""
    base = workload.base_model
    profiles = list(info.geo_profiles)
    if workload.scope == "geo" and workload.geo_profile in profiles:
        return moved, ""
    if workload.scope == "in_region":
        here = on_demand_price(catalog, base, "in_region", region, None, day)
        if isinstance(here, OnDemandMatch) and not here.via_source_region:
            return moved, ""
    for profile in profiles:
        found = on_demand_price(catalog, base, "geo", region, profile, day)
        if isinstance(found, OnDemandMatch) and not found.via_source_region:
            model = f"{profile}.{base}"
            update = {"region": None, "model": model, "endpoint_scope": None}
            return workload.model_copy(update=update), _profile_note(workload.name, model)
    return moved, ""


def _profile_note(name: str, model: str) -> str:
    """What `regions` says of a workload it calls through a geographic profile."""
    profile = model.partition(".")[0]
    return f"{name} called through the {profile}. profile ({model})"


def _table_in(
    catalog: Catalog, table: WorkloadTable, region: str, day: dt.date
) -> tuple[WorkloadTable, list[str]]:
    """A workloads table's rows moved to `region` as `_endpoint_in` moves each workload (the
    move depends only on the model; a table's rows name no endpoint scope), worked out once
    per model and applied to the columns: no row is made. The rows' own regions are dropped
    (they run in the scenario's), and each row called through a profile gets its note."""
    models = table.text["model"]
    to: dict[str, str] = {}
    for model in dict.fromkeys(models.tolist()):
        moved, note = _endpoint_in(catalog, model_probe(model), region, day)
        if note:
            to[model] = moved.model
    text = dict(table.text)
    text["region"] = np.full(table.size, "", dtype=object)
    notes: list[str] = []
    if to:
        mapped = np.asarray([to.get(m, m) for m in models.tolist()], dtype=object)
        text["model"] = mapped
        changed = np.flatnonzero(mapped != models)
        names = table.text["name"][changed].tolist()
        notes = [
            _profile_note(name, model)
            for name, model in zip(names, mapped[changed].tolist(), strict=True)
        ]
    return replace(table, text=text), notes
