"""genai-cost: cost estimation and ROI for generative-AI workloads on AWS.

The Python API mirrors the CLI::

    from genai_cost import load_scenario, estimate
    result = estimate(["scenarios/support-chatbot.yaml"])
    result.options_frame()      # pandas DataFrame, one row per workload x option x variant

Heavy modules (pandas) are imported only when a DataFrame is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genai_cost.version import __version__

__all__ = [
    "GenaiCostError",
    "PricingError",
    "ScenarioError",
    "SnapshotError",
    "__version__",
    "estimate",
    "load_catalog",
    "load_scenario",
]

if TYPE_CHECKING:
    from genai_cost.api import estimate
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.errors import GenaiCostError, PricingError, ScenarioError, SnapshotError
    from genai_cost.scenario.load import load_scenario

_LAZY = {
    "estimate": "genai_cost.api",
    "load_catalog": "genai_cost.catalog.snapshot",
    "load_scenario": "genai_cost.scenario.load",
    "GenaiCostError": "genai_cost.errors",
    "PricingError": "genai_cost.errors",
    "ScenarioError": "genai_cost.errors",
    "SnapshotError": "genai_cost.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'genai_cost' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
