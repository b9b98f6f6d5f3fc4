"""JSON Schemas of the documents, generated from their typed dictionaries.

`python -m genai_cost.documents.schema docs/schemas` writes one `<kind>.schema.json` per
document; a test fails when the published files and the types disagree, and the CLI tests
validate real output against them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from genai_cost.documents.changes import CheckDocument, DiffDocument
from genai_cost.documents.decisions import (
    BreakevenDocument,
    MixDocument,
    OptimizeDocument,
    RegionsDocument,
    RoiDocument,
)
from genai_cost.documents.estimate import EstimateDocument, ValidationDocument
from genai_cost.documents.infra import InfraDocument
from genai_cost.documents.pricing import (
    InstancePrices,
    ModelList,
    ModelPrices,
    PricingCoverage,
    PricingDiff,
    PricingImport,
    RefreshReport,
    SnapshotList,
)
from genai_cost.documents.tracking import (
    AllocationDocument,
    CurAllocationDocument,
    ReconcileDocument,
    VarianceDocument,
)

DOCUMENTS: dict[str, Any] = {
    "estimate": EstimateDocument,
    "diff": DiffDocument,
    "check": CheckDocument,
    "breakeven": BreakevenDocument,
    "mix": MixDocument,
    "optimize": OptimizeDocument,
    "roi": RoiDocument,
    "regions": RegionsDocument,
    "allocation": AllocationDocument,
    "cur-allocation": CurAllocationDocument,
    "reconcile": ReconcileDocument,
    "variance": VarianceDocument,
    "pricing-list": SnapshotList,
    "pricing-show": ModelPrices,
    "pricing-show-instance": InstancePrices,
    "pricing-diff": PricingDiff,
    "models": ModelList,
    "pricing-refresh": RefreshReport,
    "pricing-import": PricingImport,
    "pricing-coverage": PricingCoverage,
    "validate": ValidationDocument,
    "infra": InfraDocument,
}
"""Every document, by the name of its schema file."""


def _closed(node: Any) -> None:
    """Objects with declared properties take no others unless their type says so."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document `kind`."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(DOCUMENTS[kind]).json_schema(mode="serialization")
    _closed(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://github.com/genai-cost/genai-cost/docs/schemas/{kind}.schema.json",
        "title": f"genai-cost {kind} document",
        **schema,
    }


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_all(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in DOCUMENTS:
        (folder / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas"))
