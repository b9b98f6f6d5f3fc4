"""Refresh the coverage block of docs/pricing-data.md (run: python -m tests.coverage_docs).

The block is `genai-cost pricing coverage` of the bundled snapshot for the regions named in
its opening marker, `<!-- coverage: REGION … -->`; a test fails when it is out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "pricing-data.md"
BLOCK = re.compile(r"(<!-- coverage: (.*?) -->\n)(.*?)(<!-- /coverage -->)", flags=re.DOTALL)


def main() -> None:
    from genai_cost.catalog.compare import coverage
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.report.pricing import render_coverage_markdown

    catalog = load_catalog()
    text = PAGE.read_text()
    match = BLOCK.search(text)
    if match is None:
        raise SystemExit(f"{PAGE} has no <!-- coverage: REGIONS --> … <!-- /coverage --> block")
    table = render_coverage_markdown(coverage(catalog, catalog.as_of, match.group(2).split()))
    PAGE.write_text(text[: match.start(3)] + table + text[match.end(3) :])


if __name__ == "__main__":
    main()
