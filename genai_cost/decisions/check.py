"""Budget checks of priced scenarios (`genai-cost check`): spend against each budget.

A scenario's budget is checked against its whole bill, a workload's against its share of it
(docs/methodology.md); a bill that is not complete cannot be checked (a PricingError names
what is missing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

from genai_cost.decisions.bill import require_complete
from genai_cost.documents.changes import BudgetRow, CheckDocument
from genai_cost.documents.estimate import EstimateHead
from genai_cost.errors import ScenarioError
from genai_cost.scenario.budget import Budget, BudgetStatus
from genai_cost.scenario.table import split_workloads
from genai_cost.version import __version__

if TYPE_CHECKING:
    from genai_cost.results.estimate import Estimate

CHECK_SCHEMA_VERSION = 2


def budget_document(estimate: Estimate, skip_unbudgeted: bool = False) -> CheckDocument:
    """Every scenario and workload budget with the estimated monthly spend against it.
    Scenarios without any budget are an error, or with `skip_unbudgeted` are listed under
    `without_budget` (nothing to check is then a pass)."""
    # the document's keys before its option records (the bills and workload summaries);
    # a workloads table's rows have no budget, so only a scenario's own workloads are read
    head, _, _ = estimate.document_parts()
    document = cast(EstimateHead, head)
    own = [split_workloads(loaded.scenario.workloads)[0] for loaded in estimate.scenarios]
    budgeted = [
        n
        for n, loaded in enumerate(estimate.scenarios)
        if loaded.scenario.budget is not None or any(w.budget is not None for w in own[n])
    ]
    require_complete(estimate, "check", budgeted)
    rows: list[BudgetRow] = []
    for loaded, summary, workloads in zip(
        estimate.scenarios, document["scenarios"], own, strict=True
    ):
        scenario = loaded.scenario
        targets: list[tuple[str | None, Budget | None, float | None]] = [
            (None, scenario.budget, summary["total_monthly_cost_usd"])
        ]
        # (the summaries list a scenario's own workloads first, then its table's rows)
        targets += [
            (w.name, w.budget, s["bill_monthly_cost_usd"])
            for w, s in zip(workloads, summary["workloads"][: len(workloads)], strict=True)
        ]
        for workload, budget, spend in targets:
            if budget is None:
                continue
            status = BudgetStatus(budget, spend or 0.0)
            rows.append(
                {
                    "scenario": scenario.name,
                    "path": loaded.path,
                    "workload": workload,
                    "monthly_cost_usd": spend,
                    "budget_usd": budget.monthly_usd,
                    "used_percent": round(status.used_percent, 6),
                    "alerts_crossed_percent": status.crossed_percent,
                    "fail_at_percent": budget.fail_at_percent,
                    "level": status.level,
                }
            )
    unbudgeted = [loaded.path for n, loaded in enumerate(estimate.scenarios) if n not in budgeted]
    if not rows and not skip_unbudgeted:
        paths = ", ".join(s.path for s in estimate.scenarios)
        raise ScenarioError.at(
            paths,
            "no budget to check",
            hint="add a `budget:` with `monthly_usd` to the scenario or a workload "
            "(see docs/scenario-reference.md)",
        )
    levels = {r["level"] for r in rows}
    verdict: Literal["pass", "alert", "fail"] = (
        "fail" if "fail" in levels else "alert" if "alert" in levels else "pass"
    )
    checked: CheckDocument = {
        "schema_version": CHECK_SCHEMA_VERSION,
        "kind": "genai-cost check",
        "tool_version": __version__,
        "pricing_date": document["pricing_date"],
        "snapshot": document["snapshot"],
        "budgets": rows,
        "verdict": verdict,
    }
    if skip_unbudgeted:
        checked["without_budget"] = unbudgeted
    return checked
