"""`genai-cost regions`: what the scenario would cost if it ran in each region.

Every workload (and training job, shared endpoint, supporting service) is moved to the
candidate region and its whole bill priced as an estimate would price it. A region where a
model, an instance type or a price is not available is listed with the reason: never a
total that looks complete (what could be priced is shown as a lower bound).
"""

from __future__ import annotations

import datetime as dt

from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.validation import check_against_catalog
from genai_cost.decisions.bill import price_bill
from genai_cost.documents.decisions import RegionRow, RegionsDocument
from genai_cost.errors import GenaiCostError
from genai_cost.scenario.load import LoadedScenario


def compare_regions(
    loaded: LoadedScenario,
    catalog: Catalog,
    *,
    day: dt.date,
    regions: list[str] | None = None,
    as_of: dt.date | None = None,
) -> RegionsDocument:
    """The scenario moved to each region (every workload, training job and shared endpoint),
    priced as an estimate prices it; a region where something is missing gets the reason."""
    rows: list[RegionRow] = []
    for region in regions or sorted(catalog.regions):
        scenario = loaded.scenario
        moved = scenario.model_copy(
            update={
                "region": region,
                "workloads": [w.model_copy(update={"region": None}) for w in scenario.workloads],
                "training_jobs": [
                    j.model_copy(update={"region": None}) for j in scenario.training_jobs
                ],
                "shared_endpoints": [
                    e.model_copy(update={"region": None}) for e in scenario.shared_endpoints
                ],
            }
        )
        variant = LoadedScenario(moved, loaded.path, loaded.sha256, loaded.document)
        try:
            check_against_catalog(variant, catalog)
            document = price_bill([variant], catalog, day=day, as_of=as_of).to_dict()
        except GenaiCostError as exc:
            reason = str(exc).splitlines()[0]
            rows.append(
                {
                    "region": region,
                    "feasible": False,
                    "monthly_cost_usd": None,
                    "priced_monthly_cost_usd": None,
                    "workloads": [],
                    "reason": reason.split(": ", 1)[-1],
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
                "reason": f"incomplete: {missing}" if missing else None,
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
