"""The purchase options: one module each, and this registry of them.

Each module declares `OPTION` (its name in `scenario/models.Option`), `TRAITS`
(engine/traits.py), `VARIANTS`, `prepare` (the catalog's prices, once per workload) and
`evaluate` (named cost components over all its rows at once, pure NumPy). `REGISTRY` is the
one list of them: engine/core.py evaluates them in this order (the order of an estimate's
rows and of ties), and every command reads their traits from there. A new option is a module
here and one line below (docs/architecture.md, "Where a new thing goes").
"""

from __future__ import annotations

from types import ModuleType

from genai_cost.engine.options import (
    async_inference,
    autoscaled,
    batch,
    batch_transform,
    on_demand,
    per_unit,
    provisioned,
    self_hosted,
    serverless,
)

REGISTRY: tuple[ModuleType, ...] = (
    on_demand,
    batch,
    provisioned,
    self_hosted,
    autoscaled,
    async_inference,
    serverless,
    batch_transform,
    per_unit,
)
