"""Prices from the maintained price packages, read from the real installed releases pinned in
the dev extra (genai-prices 0.2.3, litellm 1.110.2), and the bundled snapshot built from them.

Expected figures are the packages' own entries (USD per token × 1M), written out by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import pytest

from genai_cost.catalog.importers import (
    AGREE,
    PRICE_COLUMNS,
    ImportedRows,
    family,
    merge_import,
    read_genai_prices,
    read_litellm,
    resolved_conflict,
)
from genai_cost.catalog.lookup import Missing, OnDemandMatch, on_demand_price
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.catalog.tables import OnDemandPrice, PriceConflict, Source
from tests.conftest import FIXTURE_SNAPSHOT, ROOT

BUNDLED = "2026-11-28"
LITELLM_DAY = dt.date(2026, 11, 20)
GENAI_DAY = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def bundled() -> Any:
    return load_catalog(BUNDLED)


@pytest.fixture(scope="module")
def litellm(bundled: Any) -> ImportedRows:
    return read_litellm(bundled, LITELLM_DAY)


@pytest.fixture(scope="module")
def genai(bundled: Any) -> ImportedRows:
    return read_genai_prices(bundled, GENAI_DAY)


def rows(imported: ImportedRows, model: str, **key: str) -> list[OnDemandPrice]:
    return [
        r
        for r in imported.on_demand
        if r.model_id == model and all(getattr(r, k) == v for k, v in key.items())
    ]


def test_the_pinned_releases_are_installed() -> None:
    assert importlib.metadata.version("genai-prices") == "0.2.3"
    assert importlib.metadata.version("litellm") == "1.110.2"


def test_litellm_entries_by_hand(litellm: ImportedRows) -> None:
    # bedrock/eu-central-1/anthropic.claude-instant-v1: 2.48e-06 / 8.38e-06 per token
    [frankfurt] = rows(litellm, "anthropic.claude-instant-v1", region="eu-central-1")
    assert (frankfurt.scope, frankfurt.geography) == ("in_region", "eu")
    assert (frankfurt.usd_per_1m_input_tokens, frankfurt.usd_per_1m_output_tokens) == (2.48, 8.38)
    # amazon.nova-pro-v1:0: standard 0.8 / 3.2, batch 0.4 / 1.6, flex 0.4 / 1.6 (cache read
    # 0.1), priority 1.4 / 5.6 (cache read 0.35)
    tiers = {
        r.tier: r for r in rows(litellm, "amazon.nova-pro-v1:0", scope="in_region", region="*")
    }
    assert set(tiers) == {"standard", "flex", "priority"}
    standard, flex, priority = tiers["standard"], tiers["flex"], tiers["priority"]
    assert (standard.usd_per_1m_input_tokens, standard.usd_per_1m_batch_input_tokens) == (0.8, 0.4)
    assert (flex.usd_per_1m_input_tokens, flex.usd_per_1m_cache_read_input_tokens) == (0.4, 0.1)
    assert (priority.usd_per_1m_output_tokens, priority.usd_per_1m_batch_input_tokens) == (
        5.6,
        None,
    )
    # global.anthropic.claude-haiku-4-5-20251001-v1:0: 1-hour cache writes 2e-06 per token
    [haiku] = rows(litellm, "anthropic.claude-haiku-4-5-20251001-v1:0", scope="global")
    assert (
        haiku.usd_per_1m_cache_write_input_tokens,
        haiku.usd_per_1m_cache_write_1h_input_tokens,
    ) == (
        1.25,
        2.0,
    )
    # anthropic.claude-sonnet-4-5-20250929-v1:0: above 200K input tokens 6 / 22.5 (input /
    # output), cache read 0.6, cache write 7.5 per 1M
    [sonnet] = rows(
        litellm, "anthropic.claude-sonnet-4-5-20250929-v1:0", scope="in_region", geography="us"
    )
    assert sonnet.long_context_threshold_tokens == 200_000
    assert (sonnet.usd_per_1m_input_tokens_long, sonnet.usd_per_1m_output_tokens_long) == (6, 22.5)
    assert sonnet.usd_per_1m_cache_write_input_tokens_long == 7.5
    # us.anthropic.claude-3-5-haiku-20241022-v1:0 (listed twice, also as bedrock/us.…): the us.
    # profile; the merge keeps the first of identical duplicates
    profiles = rows(
        litellm, "anthropic.claude-3-5-haiku-20241022-v1:0", scope="geo", geography="us"
    )
    assert [p.usd_per_1m_input_tokens for p in profiles] == [0.8, 0.8]
    # bedrock/us-east-1/6-month-commitment/anthropic.claude-v2:1: $0.00972 a second
    [pt] = [
        r
        for r in litellm.provisioned
        if (r.model_id, r.region, r.term) == ("anthropic.claude-v2:1", "us-east-1", "6_months")
    ]
    assert pt.usd_per_model_unit_hour == pytest.approx(34.992)
    assert "converted from $0.00972 per second × 3,600" in pt.notes
    # what cannot be expressed is skipped and counted, never priced at zero
    assert any("GovCloud" in reason for reason in litellm.skipped)
    assert all(
        (getattr(r, c) or 1) > 0 for r in litellm.on_demand for c in PRICE_COLUMNS
    )  # no zero price anywhere


def test_genai_prices_entries_by_hand(genai: ImportedRows) -> None:
    # global.anthropic.claude-sonnet-4-6-v1:0 is the snapshot's anthropic.claude-sonnet-4-6
    [sonnet] = rows(genai, "anthropic.claude-sonnet-4-6", scope="global")
    assert (sonnet.usd_per_1m_input_tokens, sonnet.usd_per_1m_cache_write_1h_input_tokens) == (3, 6)
    regional = rows(genai, "anthropic.claude-sonnet-4-6", geography="*")
    assert {(r.scope, r.usd_per_1m_input_tokens) for r in regional} == {
        ("global", 3),
        ("in_region", 3.3),
        ("geo", 3.3),
    }
    # global.openai.gpt-5.6-sol: 5 / 30 until 2026-08-20, 4 / 20 from 2026-08-21; above 272K
    # input tokens 10 (then 8) input
    dated = sorted(
        rows(genai, "openai.gpt-5.6-sol", scope="global"),
        key=lambda r: r.effective_from or dt.date.min,
    )
    assert [(r.effective_from, r.effective_until, r.usd_per_1m_input_tokens) for r in dated] == [
        (None, dt.date(2026, 8, 20), 5),
        (dt.date(2026, 8, 21), None, 4),
    ]
    assert [r.usd_per_1m_input_tokens_long for r in dated] == [10, 8]
    assert dated[0].long_context_threshold_tokens == 272_000
    # meta.llama3-1-70b-instruct-v1:0 (no prefix): the US in-region price 0.72
    [llama] = rows(genai, "meta.llama3-1-70b-instruct-v1:0")
    assert (llama.scope, llama.geography, llama.usd_per_1m_input_tokens) == (
        "in_region",
        "us",
        0.72,
    )


def test_at_least_95_percent_of_genai_prices_models_are_in_the_snapshot(
    genai: ImportedRows, bundled: Any
) -> None:
    ids = {r.model_id for r in genai.on_demand}
    assert len(ids) >= 85
    present = [m for m in ids if m in bundled.models and m in bundled.on_demand]
    assert len(present) / len(ids) >= 0.95


@pytest.mark.parametrize("package", ["litellm", "genai-prices"])
def test_reimporting_the_pinned_release_changes_nothing(bundled: Any, package: str) -> None:
    """The bundled snapshot is a fixed point of both imports: every price of the pinned
    releases is in it, or covered by an agreeing row, or rejected by a recorded conflict."""
    imported = (
        read_litellm(bundled, LITELLM_DAY)
        if package == "litellm"
        else read_genai_prices(bundled, GENAI_DAY)
    )
    outcome = merge_import(bundled, imported)
    assert outcome.disagreements == []
    changing = {
        d: n
        for d, n in outcome.decisions.items()
        if not d.startswith(("unchanged", "skipped", "duplicate", "provisioned unchanged"))
    }
    assert changing == {}


def test_rows_agree_with_the_newest_source_or_are_documented(
    bundled: Any, litellm: ImportedRows, genai: ImportedRows
) -> None:
    """≥ 97 % of the snapshot's token-price rows agree within 1 % with the newest source that
    prices the same row; every other disagreement is a recorded conflict."""
    newest: dict[tuple[Any, ...], OnDemandPrice] = {}
    for source in (genai, litellm):  # litellm (2026-11-20) is newer than genai-prices (11-10)
        for r in source.on_demand:
            newest[(r.model_id, r.scope, r.geography, r.region, r.tier, r.effective_from)] = r
    compared = agreeing = 0
    undocumented = []
    for rows_ in bundled.on_demand.values():
        for row in rows_:
            other = newest.get(
                (row.model_id, row.scope, row.geography, row.region, row.tier, row.effective_from)
            )
            if other is None:
                continue
            compared += 1
            differs = [
                c
                for c in PRICE_COLUMNS
                if getattr(row, c) is not None
                and getattr(other, c) is not None
                and abs(getattr(row, c) - getattr(other, c))
                > AGREE * max(getattr(row, c), getattr(other, c))
            ]
            if not differs:
                agreeing += 1
            elif not resolved_conflict(
                bundled.conflicts, "bedrock_on_demand", row, family(other.source)
            ):
                undocumented.append((row.model_id, row.scope, row.geography, differs))
    assert compared > 600
    assert agreeing / compared >= 0.97
    assert undocumented == []


def test_every_conflict_names_defined_sources_and_a_reason(bundled: Any) -> None:
    assert len(bundled.conflicts) >= 20
    for c in bundled.conflicts:
        assert c.source in bundled.sources and c.reason
        assert c.rejected_family != family(c.source)
    documented = (ROOT / "docs" / "pricing-data.md").read_text()
    for c in bundled.conflicts:
        assert c.model_id in documented, c.model_id


# --- the merge rules, on the fictitious test snapshot ----------------------------------------


def imported(
    rows_: list[OnDemandPrice], key: str = "acme-prices-2.0", day: str = "2026-06-01"
) -> ImportedRows:
    as_of = dt.date.fromisoformat(day)
    source = Source(key, "acme prices", "test", as_of)
    return ImportedRows("acme-prices", "2.0", key, source, on_demand=rows_)


def row(catalog: Any, **changes: Any) -> OnDemandPrice:
    base = next(
        r for r in catalog.on_demand["acme.chat-v1:0"] if r.region == "*" and r.scope == "in_region"
    )
    return dataclasses.replace(base, **changes)


def test_merge_rules(fixture_snapshot: Path) -> None:
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    key = "acme-prices-2.0"
    day = dt.date(2026, 6, 1)
    # a newer source with a different price at the same key replaces the row
    newer = row(catalog, usd_per_1m_input_tokens=9.0, source=key, as_of=day)
    out = merge_import(catalog, imported([newer]))
    assert out.decisions["replaced: the package is newer than the row's source"] == 1
    assert 9.0 in {
        r.usd_per_1m_input_tokens for r in out.on_demand if r.model_id == "acme.chat-v1:0"
    }
    # ... unless a recorded conflict rejects that source at that location
    conflict = PriceConflict(
        "bedrock_on_demand",
        "acme.chat-v1:0",
        "in_region",
        "us",
        "*",
        "standard",
        "*",
        8.0,
        "acme-prices",
        9.0,
        "the page says 8",
        "test",
        day,
    )
    kept = merge_import(dataclasses.replace(catalog, conflicts=[conflict]), imported([newer]))
    assert kept.decisions["skipped: a resolved conflict rejects the package's price here"] == 1
    # an older source that disagrees is kept, and the disagreement reported
    older = dataclasses.replace(newer, as_of=dt.date(2025, 1, 1))
    out = merge_import(catalog, imported([older], day="2025-01-01"))
    assert out.decisions["kept: the snapshot's source is newer than the package"] == 1
    # a more specific row that agrees with the row covering it adds nothing
    regional = row(catalog, region="us-west-2", source=key, as_of=day)
    agreeing = dataclasses.replace(regional, region="*", geography="us")
    out = merge_import(catalog, imported([dataclasses.replace(agreeing, geography="us")]))
    assert out.decisions["skipped: agrees with the snapshot"] == 1
    # an explicit regional price is added even when it differs from the covering row
    out = merge_import(
        catalog, imported([dataclasses.replace(regional, usd_per_1m_input_tokens=12.0)])
    )
    assert out.decisions["added"] == 1
    # a geography-level price that disagrees with the row covering it is not applied
    wide = row(catalog, geography="*", source=key, as_of=day)
    narrower = dataclasses.replace(
        wide, scope="global", geography="us", usd_per_1m_input_tokens=1.0
    )
    out = merge_import(catalog, imported([narrower]))
    assert out.decisions["not applied: disagrees with the row covering its location"] == 1
    assert "not applied" in out.disagreements[0]


def test_import_command_reports_and_writes(cli: Any, tmp_path: Path) -> None:
    report = cli("pricing", "import", "genai-prices", "--as-of", "2026-11-10", "-f", "json")
    assert report.code == 0, report
    document = json.loads(report.out)
    assert document["written"] is None and document["version"] == "0.2.3"
    assert document["diff"]["counts"] == {"added": 0, "removed": 0, "changed": 0}
    older = cli(
        "pricing",
        "import",
        "litellm",
        "--snapshot",
        "2026-11-23",
        "--as-of",
        "2026-11-20",
        "--write",
        "--into",
        str(tmp_path / "new"),
        "--id",
        "imported",
        "-f",
        "markdown",
    )
    assert older.code == 0, older
    assert f"Written to {tmp_path / 'new'}." in older.out
    new = load_catalog(tmp_path / "new")
    assert new.snapshot_id == "imported" and "litellm-1.110.2" in new.sources
    # Llama 3.1 70B: the stale launch price of the old mirror (0.99) gone, 0.72 kept
    match = on_demand_price(
        new, "meta.llama3-1-70b-instruct-v1:0", "in_region", "us-east-1", None, LITELLM_DAY
    )
    assert isinstance(match, OnDemandMatch) and match.row.usd_per_1m_input_tokens == 0.72
    missing = cli("pricing", "import", "tokencost")
    assert missing.code == 2 and "unknown price package 'tokencost'" in missing.err


def test_coverage(cli: Any, bundled: Any) -> None:
    result = cli(
        "pricing",
        "coverage",
        "--region",
        "eu-central-1",
        "--region",
        "ap-northeast-1",
        "-f",
        "json",
    )
    assert result.code == 0, result
    document = json.loads(result.out)
    cells = {(r["subject"], r["region"]): r["priced"] for r in document["models"]}
    # litellm prices Claude Instant in Frankfurt in-region; Nova Lite only through eu.
    assert cells[("anthropic.claude-instant-v1", "eu-central-1")] == ["in-region"]
    assert cells[("amazon.nova-lite-v1:0", "eu-central-1")] == ["eu. profile"]
    assert cells[("amazon.nova-pro-v1:0", "ap-northeast-1")] == ["apac. profile", "flex"]
    instances = {(r["subject"], r["region"]): r for r in document["instances"]}
    assert instances[("ec2 p5.48xlarge", "ap-northeast-1")]["priced"] == ["on_demand"]
    assert instances[("ec2 g5.xlarge", "eu-central-1")]["priced"] == ["on_demand", "reserved_1y"]
    assert ("anthropic.claude-instant-v1", "ap-southeast-2") not in cells
    markdown = cli("pricing", "coverage", "--region", "eu-central-1", "-f", "markdown").out
    assert "| `amazon.nova-lite-v1:0` | P |" in markdown


def test_documented_coverage_is_current(bundled: Any) -> None:
    """docs/pricing-data.md embeds `pricing coverage` for the eight largest regions."""
    from genai_cost.catalog.compare import coverage
    from genai_cost.report.pricing import render_coverage_markdown

    text = (ROOT / "docs" / "pricing-data.md").read_text()
    block = re.search(r"<!-- coverage: (.*?) -->\n(.*?)<!-- /coverage -->", text, flags=re.DOTALL)
    assert block, "docs/pricing-data.md has no coverage block"
    regions = block.group(1).split()
    expected = render_coverage_markdown(coverage(bundled, bundled.as_of, regions))
    assert block.group(2) == expected, "regenerate it: python -m tests.coverage_docs"


def test_model_ids_in_docs_and_scenarios_are_priced(bundled: Any) -> None:
    texts = [p.read_text() for p in (ROOT / "scenarios").rglob("*.yaml")]
    texts += [p.read_text() for p in (ROOT / "docs").glob("*.md")] + [
        (ROOT / "README.md").read_text()
    ]
    ids = set()
    for text in texts:
        ids |= set(re.findall(r"model: ([a-z0-9.:-]+\.[a-z0-9.:-]+)", text))
    assert ids
    unpriced = []
    for model in sorted(ids):
        base = (
            model.split(".", 1)[1]
            if model.split(".")[0] in ("us", "eu", "apac", "jp", "au", "global")
            else model
        )
        if base.startswith("acme."):
            continue
        if base in bundled.unit_prices:  # billed per image or query
            continue
        if base not in bundled.on_demand and not any(
            base == r.model_id for rows_ in bundled.provisioned.values() for r in rows_
        ):
            unpriced.append(model)
    assert unpriced == []


def test_a_model_priced_elsewhere_says_where(bundled: Any) -> None:
    missing = on_demand_price(
        bundled, "amazon.nova-lite-v1:0", "in_region", "eu-central-1", None, LITELLM_DAY
    )
    assert isinstance(missing, Missing)
    hint = "from eu-central-1 it can be called through the eu. profile"
    assert f"{hint} (model eu.amazon.nova-lite-v1:0)" in missing.reason


def test_an_instance_type_the_snapshot_lacks(cli: Any, write_scenario: Any) -> None:
    """A published case study's ml.p3.8xlarge: priced with the scenario's own figures."""
    path = write_scenario(
        """
        name: own-instance
        workloads:
          - name: legacy
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 500, output: 100}
            traffic: {requests_per_month: 1000000}
            options: [self_hosted]
            self_hosted:
              platform: sagemaker
              instance_type: ml.p3.8xlarge
              purchase: on_demand
              usd_per_hour: 14.688
              output_tokens_per_second_per_instance: 400
        training_jobs:
          - name: tune
            instance_type: p3.16xlarge
            platform: ec2
            work_hours: 10
            usd_per_hour: 24.48
        """
    )
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result
    scenario = json.loads(result.out)["scenarios"][0]
    # 1 instance × 730 h × $14.688; the job 10 h × $24.48
    assert scenario["total_monthly_cost_usd"] == pytest.approx(730 * 14.688 + 10 * 24.48)
    bad = write_scenario(
        """
        name: own-instance
        workloads:
          - name: legacy
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 500, output: 100}
            traffic: {requests_per_month: 1000000}
            self_hosted: {instance_type: ml.p3.8xlarge}
        """,
        "bad.yaml",
    )
    refused = cli("estimate", str(bad))
    assert refused.code == 2
    assert "unknown instance type 'ml.p3.8xlarge'" in refused.err
    assert "self_hosted.output_tokens_per_second_per_instance" in refused.err
