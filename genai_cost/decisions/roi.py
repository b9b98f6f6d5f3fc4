"""Return on investment over the horizon: monthly cash flows, NPV, payback, ROI %.

Conventions (docs/methodology.md):
- months t = 1..H; cash flows at month end; month 0 holds development costs spent before launch;
- traffic in month t is today's × (1 + g)^(t−1) for the monthly growth g; each month's run
  cost re-prices every workload at that volume through the engine (cheapest option each, so
  capacity steps and option switches are exact), plus the scenario's constant monthly costs
  (supporting services, training jobs at their cheaper of on-demand and spot, shared
  endpoints) and, when a customization path is chosen, its one-off at month 0 and its monthly
  difference from today;
- benefits per request grow with traffic; fixed benefits do not;
- monthly discount rate r = (1 + annual)^(1/12) − 1; NPV = Σ_{t=0..H} CF_t / (1 + r)^t;
- payback month = the first month whose cumulative (undiscounted) net is ≥ 0;
- ROI % = (total benefit − total cost) / total cost × 100, on undiscounted totals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from genai_cost.decisions.curves import engine_sweep
from genai_cost.documents.decisions import RoiDocument, ScenarioRoi
from genai_cost.documents.estimate import ScenarioSummary
from genai_cost.errors import PricingError, ScenarioError

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate


def monthly_rate(annual_percent: float) -> float:
    return float((1.0 + annual_percent / 100.0) ** (1.0 / 12.0) - 1.0)


def constant_monthly_costs(scenario_doc: ScenarioSummary) -> dict[str, float]:
    costs = {}
    services = scenario_doc.get("supporting_services")
    if services and services["monthly_cost_usd"] is not None:
        costs["supporting services"] = services["monthly_cost_usd"]
    for job in scenario_doc.get("training_jobs", []):
        options = [
            x["monthly_cost_usd"]
            for x in (job["on_demand"], job["spot"] or {})
            if x and x.get("monthly_cost_usd") is not None
        ]
        if options:
            costs[f"training {job['name']}"] = min(options)
    for endpoint in scenario_doc.get("shared_endpoints", []):
        if endpoint["shared"]["monthly_cost_usd"] is not None:
            costs[f"endpoint {endpoint['name']}"] = endpoint["shared"]["monthly_cost_usd"]
    return costs


def roi_document(estimate: Estimate) -> RoiDocument:
    document = estimate.to_dict()
    results = []
    start = 0
    for number, loaded in enumerate(estimate.scenarios):
        scenario = loaded.scenario
        count = len(scenario.workloads)
        indexes = list(range(start, start + count))
        start += count
        if scenario.roi is None:
            continue
        results.append(_scenario_roi(estimate, scenario, indexes, document["scenarios"][number]))
    if not results:
        paths = ", ".join(s.path for s in estimate.scenarios)
        raise ScenarioError.at(
            paths,
            "no `roi:` section (development costs, benefits, discount rate)",
            hint="see docs/scenario-reference.md",
        )
    return {"schema_version": 1, "kind": "genai-cost roi", "scenarios": results}


def _scenario_roi(
    estimate: Estimate, scenario: Any, indexes: list[int], scenario_doc: ScenarioSummary
) -> ScenarioRoi:
    roi = scenario.roi
    horizon = scenario.horizon_months
    growth = roi.monthly_traffic_growth_percent / 100.0
    factors = (1.0 + growth) ** np.arange(horizon)  # month t = 1..H
    run = np.zeros(horizon)
    requests = np.zeros(horizon)
    per_workload_requests = {}
    for index in indexes:
        workload = estimate.specs[index].workload
        volumes = workload.traffic.monthly_requests * factors
        costs = engine_sweep(estimate, index, volumes)
        if not costs:
            raise PricingError(f"workload {workload.name!r}: no option can be priced")
        run += np.nanmin(np.vstack(list(costs.values())), axis=0)
        requests += volumes
        per_workload_requests[workload.name] = volumes
    constants = constant_monthly_costs(scenario_doc)
    run += sum(constants.values())
    development = np.zeros(horizon + 1)
    customization = scenario_doc.get("customization")
    if customization and customization["chosen"]:
        chosen = next(p for p in customization["paths"] if p["name"] == customization["chosen"])
        development[0] += chosen["one_off_usd"]
        run += chosen["monthly_cost_usd"] - customization["baseline"]["monthly_cost_usd"]
    for item in roi.development:
        if item.usd and item.month <= horizon:
            development[item.month] += item.usd
        if item.usd_per_month:
            last = min(item.end_month or horizon, horizon)
            development[item.start_month : last + 1] += item.usd_per_month
    benefit = np.zeros(horizon + 1)
    for b in roi.benefits:
        names = b.workloads or list(per_workload_requests)
        volume = sum(
            (per_workload_requests[n] for n in names if n in per_workload_requests),
            np.zeros(horizon),
        )
        benefit[1:] += b.usd_per_month + volume * (
            b.usd_per_request + b.hours_saved_per_request * b.usd_per_hour
        )
    cost = development.copy()
    cost[1:] += run
    net = benefit - cost
    cumulative = np.cumsum(net)
    rate = monthly_rate(roi.annual_discount_rate_percent)
    discount = (1.0 + rate) ** -np.arange(horizon + 1)
    npv = float(np.sum(net * discount))
    paid = np.flatnonzero(cumulative >= 0)
    total_cost, total_benefit = float(cost.sum()), float(benefit.sum())
    return {
        "scenario": scenario.name,
        "horizon_months": horizon,
        "monthly_discount_rate": round(rate, 12),
        "constant_monthly_costs": {k: round(v, 6) for k, v in constants.items()},
        "months": [
            {
                "month": t,
                "requests": round(float(requests[t - 1]), 6) if t else 0.0,
                "run_cost_usd": round(float(run[t - 1]), 6) if t else 0.0,
                "development_usd": round(float(development[t]), 6),
                "benefit_usd": round(float(benefit[t]), 6),
                "net_usd": round(float(net[t]), 6),
                "cumulative_net_usd": round(float(cumulative[t]), 6),
                "discounted_net_usd": round(float(net[t] * discount[t]), 6),
            }
            for t in range(horizon + 1)
        ],
        "total_cost_usd": round(total_cost, 6),
        "total_benefit_usd": round(total_benefit, 6),
        "net_value_usd": round(total_benefit - total_cost, 6),
        "npv_usd": round(npv, 6),
        "payback_month": int(paid[0]) if paid.size else None,
        "roi_percent": round((total_benefit - total_cost) / total_cost * 100.0, 6)
        if total_cost
        else None,
    }
