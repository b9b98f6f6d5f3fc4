"""Any document as pandas DataFrames: the tables its report shows, with raw numbers (money
and shares as floats, counts as integers) — what a notebook works with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

KINDS = {
    "genai-cost breakeven": "breakeven",
    "genai-cost mix": "mix",
    "genai-cost roi": "roi",
    "genai-cost regions": "regions",
    "genai-cost optimize": "optimize",
    "genai-cost diff": "diff",
    "genai-cost check": "check",
    "genai-cost validate": "validation",
    "genai-cost infra": "infra",
    "genai-cost pricing list": "snapshots",
    "genai-cost pricing show": "model-prices",
    "genai-cost pricing show instance": "model-prices",
    "genai-cost pricing diff": "pricing-diff",
    "genai-cost pricing coverage": "pricing-coverage",
    "genai-cost pricing import": "pricing-import",
    "genai-cost pricing refresh": "refresh",
    "genai-cost models": "models",
    "allocation": "allocation",
    "cur-allocation": "cur-allocation",
    "variance": "variance",
    "reconcile": "reconcile",
}
"""A document's `kind` → its kind in the report registry."""


def document_kind(document: Mapping[str, Any]) -> str:
    """The report kind of a document (an estimate document has no `kind` field)."""
    kind = document.get("kind")
    if kind is None and "scenarios" in document and "options" in document:
        return "estimate"
    if kind not in KINDS:
        from genai_cost.errors import ArgumentError

        raise ArgumentError(f"«document»: not a genai-cost document (kind {kind!r})")
    return KINDS[kind]


def frames(document: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Each table of the document's report as a DataFrame, by its record name (`option`,
    `workload`, `crossing`, `band`, `row`, …), columns by machine name, total rows left out;
    a table repeated per workload or scenario is one frame with a `section` column."""
    import pandas as pd

    from genai_cost.report.blocks import raw
    from genai_cost.report.formats import data_tables
    from genai_cost.report.registry import report

    built = report(document_kind(document), document, expand=True)
    tables = data_tables(built)
    counted = Counter(t.record for _, t in tables)  # (a table per workload: thousands)
    repeated = {name for name, times in counted.items() if times > 1}
    parts: dict[str, list[pd.DataFrame]] = {}
    for section, table in tables:
        rows = [  # totals left out: a frame sums itself
            [raw(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
            for n, row in enumerate(table.rows)
            if n not in table.strong
        ]
        frame = pd.DataFrame(rows, columns=[c.name for c in table.columns])
        name = table.record
        if name in repeated:  # a table per workload or scenario: one frame, by section
            frame.insert(0, "section", section)
        parts.setdefault(name, []).append(frame)
    # each record's frames joined once (joining them one by one copied the frame each time)
    return {
        name: found[0] if len(found) == 1 else pd.concat(found, ignore_index=True)
        for name, found in parts.items()
    }


def frame(document: Mapping[str, Any], record: str | None = None) -> pd.DataFrame:
    """One table of the document as a DataFrame: `record` (see `frames`), or the first."""
    found = frames(document)
    if record is None:
        return next(iter(found.values()))
    if record not in found:
        from genai_cost.errors import ArgumentError

        raise ArgumentError(f"«record» {record!r}: the document's tables are {', '.join(found)}")
    return found[record]
