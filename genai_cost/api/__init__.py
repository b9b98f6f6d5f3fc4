"""The Python API: every command of the CLI as a function returning its document (the JSON
the CLI writes, as typed dictionaries) — and DataFrames of any document (`frames`).

    from genai_cost import api
    result = api.estimate(["scenarios/support-chatbot.yaml"])
    result.options_frame()                       # every workload × option × variant
    bands = api.breakeven("scenarios/ticket-classifier.yaml")
    api.frame(bands, "band")                     # the cheapest option by volume band

The CLI is a thin layer over these functions (docs/api.md): it parses flags, calls one of
them, renders the document (report/registry.py) and maps errors to exit codes. Errors name
the parameters of these functions; the CLI shows the flag of each.
"""

from __future__ import annotations

from genai_cost.api.core import (
    DEFAULT_MODEL,
    DEFAULT_PRICING,
    WorkloadsFile,
    check,
    check_loaded,
    diff_sides,
    estimate,
    estimate_loaded,
    estimate_with,
    html_report,
    load_scenarios,
    priced_catalog,
    regions,
    report_document,
    roi,
    scenario_schema,
    simulate,
    starter_scenario,
    validate,
    variance,
)
from genai_cost.api.decisions import apply_levers, breakeven, diff, mix, optimize
from genai_cost.api.frames import frame, frames
from genai_cost.api.infra import infrastructure
from genai_cost.api.pricing import (
    models,
    pricing_coverage,
    pricing_diff,
    pricing_import,
    pricing_list,
    pricing_refresh,
    pricing_show,
)
from genai_cost.api.tracking import (
    STREAM_GROUPS,
    Calibration,
    allocate,
    allocate_cur,
    athena_ddl,
    calibrate,
    calibrate_cloudwatch,
    cloudwatch_request,
    cloudwatch_response,
    reconcile,
)
from genai_cost.catalog.selection import PricingOptions, today
from genai_cost.results.estimate import Estimate

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_PRICING",
    "STREAM_GROUPS",
    "Calibration",
    "Estimate",
    "PricingOptions",
    "WorkloadsFile",
    "allocate",
    "allocate_cur",
    "apply_levers",
    "athena_ddl",
    "breakeven",
    "calibrate",
    "calibrate_cloudwatch",
    "check",
    "check_loaded",
    "cloudwatch_request",
    "cloudwatch_response",
    "diff",
    "diff_sides",
    "estimate",
    "estimate_loaded",
    "estimate_with",
    "frame",
    "frames",
    "html_report",
    "infrastructure",
    "load_scenarios",
    "mix",
    "models",
    "optimize",
    "priced_catalog",
    "pricing_coverage",
    "pricing_diff",
    "pricing_import",
    "pricing_list",
    "pricing_refresh",
    "pricing_show",
    "reconcile",
    "regions",
    "report_document",
    "roi",
    "scenario_schema",
    "simulate",
    "starter_scenario",
    "today",
    "validate",
    "variance",
]

COMMANDS = {
    "estimate": "estimate",
    "validate": "validate",
    "init": "starter_scenario",
    "schema": "scenario_schema",
    "diff": "diff",
    "check": "check",
    "breakeven": "breakeven",
    "mix": "mix",
    "roi": "roi",
    "regions": "regions",
    "optimize": "optimize",
    "advise": "optimize",
    "calibrate": "calibrate",
    "allocate": "allocate",
    "reconcile": "reconcile",
    "variance": "variance",
    "models": "models",
    "pricing list": "pricing_list",
    "pricing show": "pricing_show",
    "pricing diff": "pricing_diff",
    "pricing coverage": "pricing_coverage",
    "pricing import": "pricing_import",
    "pricing refresh": "pricing_refresh",
    "export athena-ddl": "athena_ddl",
    "infra": "infrastructure",
}
"""Each command of the CLI that computes something, and its function here (a test checks
that every registered command is in this table)."""
