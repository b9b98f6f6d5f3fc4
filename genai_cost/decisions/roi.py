"""Return on investment over the horizon: monthly cash flows, NPV, payback, ROI %.

The cash flows come from decisions/cashflow.py (the builder the Monte Carlo uses too): each
month's run cost re-prices the scenario's whole bill at that month's traffic; one-off
payments fall in the months they are paid; development costs and benefits as the `roi:`
section gives them. Conventions (docs/methodology.md):
- months t = 1..H; cash flows at month end; month 0 holds what is spent before launch;
- traffic in month t is today's × (1 + g)^(t−1) for the monthly growth g;
- benefits per request grow with the traffic of the workloads they name; fixed ones do not;
- monthly discount rate r = (1 + annual)^(1/12) − 1; NPV = Σ_{t=0..H} CF_t / (1 + r)^t;
- payback month = the first month whose cumulative (undiscounted) net is ≥ 0;
- ROI % = (total benefit − total cost) / total cost × 100, on undiscounted totals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from genai_cost.decisions.bill import require_complete
from genai_cost.decisions.cashflow import ScenarioModel, cash_flows
from genai_cost.documents.decisions import RoiDocument, ScenarioRoi
from genai_cost.errors import ScenarioError

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate

ROI_SCHEMA_VERSION = 2


def roi_document(estimate: Estimate) -> RoiDocument:
    numbers = [n for n, s in enumerate(estimate.scenarios) if s.scenario.roi is not None]
    if not numbers:
        paths = ", ".join(s.path for s in estimate.scenarios)
        raise ScenarioError.at(
            paths,
            "no `roi:` section (development costs, benefits, discount rate)",
            hint="see docs/scenario-reference.md",
        )
    require_complete(estimate, "roi", numbers)
    return {
        "schema_version": ROI_SCHEMA_VERSION,
        "kind": "genai-cost roi",
        "scenarios": [scenario_roi(estimate, n) for n in numbers],
    }


def scenario_roi(estimate: Estimate, number: int) -> ScenarioRoi:
    model = ScenarioModel(estimate, number)
    flows, months = cash_flows(model, model.base_fields(1))
    horizon = model.scenario.horizon_months
    cost, benefit, net = flows.cost[0], flows.benefit[0], flows.net[0]
    cumulative = np.cumsum(net)
    discount = flows.discount
    paid = np.flatnonzero(cumulative >= 0)
    total_cost, total_benefit = float(cost.sum()), float(benefit.sum())
    return {
        "scenario": model.scenario.name,
        "horizon_months": horizon,
        "monthly_discount_rate": round(flows.rate, 12),
        "bill_monthly_cost_usd": round(float(months.bill[0]), 6),
        "months": [
            {
                "month": t,
                "requests": round(float(flows.requests[0, t]), 6),
                "run_cost_usd": round(float(flows.run[0, t]), 6),
                "one_off_usd": round(float(flows.one_off[t]), 6),
                "development_usd": round(float(flows.development[t]), 6),
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
        "npv_usd": round(float(flows.npv[0]), 6),
        "payback_month": int(paid[0]) if paid.size else None,
        "roi_percent": round((total_benefit - total_cost) / total_cost * 100.0, 6)
        if total_cost
        else None,
    }
