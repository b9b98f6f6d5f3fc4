"""Service tiers are priced by one rule per source, checked over every tiered row of the
bundled snapshot: litellm (the source of every priority and flex row) prices a tier relative
to the standard tier at the same scope and place — priority 1.75 × standard, flex 0.5 ×
standard, each rounded by the source to about a cent per 1M tokens. A row that does not
follow it must say so in price_conflicts.csv (which figure is kept, and why)."""

from __future__ import annotations

import pytest

from genai_cost.catalog.snapshot import load_catalog
from genai_cost.records import OnDemandPrice

RATIO = {"priority": 1.75, "flex": 0.5}
ROUNDING = 0.01
"""USD per 1M tokens: the source rounds small prices (0.15 × 1.75 = 0.2625 is listed 0.26)."""


def _standard(rows: list[OnDemandPrice], row: OnDemandPrice) -> OnDemandPrice | None:
    """The standard row at the tiered row's scope covering its place: the one naming its
    geography and region, else one whose `*` covers them (the most specific first)."""
    found = [
        candidate
        for candidate in rows
        if candidate.tier == "standard"
        and candidate.scope == row.scope
        and candidate.effective_until is None
        and candidate.geography in (row.geography, "*")
        and candidate.region in (row.region, "*")
    ]
    return min(found, key=lambda c: (c.geography == "*", c.region == "*"), default=None)


def test_every_tiered_row_follows_its_source_rule_or_is_a_recorded_conflict() -> None:
    catalog = load_catalog("2026-11-28")
    noted = {
        (c.model_id, c.scope, c.geography, c.region, c.tier)
        for c in catalog.conflicts
        if c.table == "bedrock_on_demand"
    }
    checked, exceptions = 0, []
    for model, rows in catalog.on_demand.items():
        for row in rows:
            if row.tier not in RATIO or row.effective_until is not None:
                continue
            base = _standard(rows, row)
            key = (model, row.scope, row.geography, row.region, row.tier)
            expected = None if base is None else base.usd_per_1m_input_tokens
            price = row.usd_per_1m_input_tokens
            if expected is None or price is None:
                assert key in noted, f"{key}: no standard price to compare with, and no note"
                continue
            checked += 1
            rule = RATIO[row.tier] * expected
            if abs(price - rule) > max(ROUNDING, 0.05 * rule):
                exceptions.append(key)
                assert key in noted, (
                    f"{key}: {price} where the rule gives {rule:.4f}; record the decision "
                    "in price_conflicts.csv"
                )
    assert checked >= 200
    assert exceptions == [("amazon.nova-2-lite-v1:0", "in_region", "us", "*", "priority")]


def test_the_nova_2_lite_exception_is_explained() -> None:
    catalog = load_catalog("2026-11-28")
    [conflict] = [
        c
        for c in catalog.conflicts
        if (c.model_id, c.scope, c.tier) == ("amazon.nova-2-lite-v1:0", "in_region", "priority")
    ]
    assert conflict.kept_value == 0.525 and conflict.rejected_value == pytest.approx(0.33 * 1.75)
    assert "global" in conflict.reason
