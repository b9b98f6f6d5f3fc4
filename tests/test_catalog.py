"""The bundled snapshot's coverage and provenance, and the loader's validation rules."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from genai_cost.catalog.lookup import (
    Missing,
    OnDemandMatch,
    instance_price,
    on_demand_price,
    provisioned_price,
)
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.errors import SnapshotError
from tests.conftest import FIXTURE_SNAPSHOT

DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_catalog("2026-11-28")


def test_bundled_is_default(bundled) -> None:  # type: ignore[no-untyped-def]
    assert load_catalog() is bundled
    assert bundled.snapshot_id == "2026-11-28"


def test_every_row_names_a_defined_source_and_date(bundled) -> None:  # type: ignore[no-untyped-def]
    rows = [r for rows in bundled.on_demand.values() for r in rows]
    rows += [r for rows in bundled.provisioned.values() for r in rows]
    rows += [r for rows in bundled.instance_prices.values() for r in rows]
    rows += [r for rows in bundled.throughput.values() for r in rows]
    rows += list(bundled.models.values()) + list(bundled.instance_types.values())
    for row in rows:
        assert row.source in bundled.sources
        assert isinstance(row.as_of, dt.date)
        assert row.as_of <= bundled.as_of


def test_throughput_rows_match_the_instance_they_are_attached_to(bundled) -> None:  # type: ignore[no-untyped-def]
    """A benchmark is one instance's throughput only when it ran on exactly that instance's
    accelerators: same accelerator, same count (no figure is scaled to another count)."""
    rows = [r for rows in bundled.throughput.values() for r in rows]
    families = set()
    for row in rows:
        kind = bundled.instance_types[row.instance_type]
        assert row.accelerator_count == kind.accelerator_count, row
        assert row.accelerator.startswith(kind.accelerator), row
        if "A100" in kind.accelerator:  # the 80 GB A100 figures belong to p4de, not p4d (40 GB)
            assert kind.accelerator_memory_gib / kind.accelerator_count == 80, row
        families.add(row.instance_type.split(".")[0])
    assert {"g5", "g6e", "p4de", "p5", "trn1"} <= families
    eight_b = {r.instance_type for r in bundled.throughput["meta.llama3-1-8b-instruct-v1:0"]}
    seventy_b = {r.instance_type for r in bundled.throughput["meta.llama3-1-70b-instruct-v1:0"]}
    assert eight_b == {"p5.4xlarge", "g6e.xlarge"}
    assert seventy_b == {
        "p5.4xlarge",
        "g6e.12xlarge",
        "g6e.48xlarge",
        "p4de.24xlarge",
        "p5.48xlarge",
    }


def test_coverage_required_by_the_estimate_pipeline(bundled) -> None:  # type: ignore[no-untyped-def]
    providers = {m.provider for m in bundled.models.values() if m.model_id in bundled.on_demand}
    assert {"Anthropic", "Amazon", "Meta", "Mistral AI", "Cohere", "DeepSeek"} <= providers
    assert sum(1 for m in bundled.on_demand) >= 20
    assert any(m.kind == "embedding" for m in bundled.models.values())
    regions = {r.region for rows in bundled.on_demand.values() for r in rows if r.region != "*"}
    geographies = {r.geography for rows in bundled.on_demand.values() for r in rows}
    assert len(regions) >= 3 and {"us", "eu", "apac"} <= geographies
    scopes = {r.scope for rows in bundled.on_demand.values() for r in rows}
    assert scopes == {"in_region", "geo", "global"}
    for family in ("g5", "g6", "g6e", "p4d", "p5", "inf2"):
        regions_priced = {
            k[2]
            for k in bundled.instance_prices
            if k[0] == "ec2" and k[1].split(".")[0] == family and k[3] == "on_demand"
        }
        assert "us-east-1" in regions_priced and len(regions_priced) >= 3, family
    assert any(k[0] == "sagemaker" for k in bundled.instance_prices)
    assert any(k[3] == "reserved_1y" for k in bundled.instance_prices)
    terms = {r.term for rows in bundled.provisioned.values() for r in rows}
    assert terms == {"no_commitment", "1_month", "6_months"}


@pytest.mark.parametrize(
    "model,scope,region,geo,expected",
    [
        # Claude Sonnet 4.5: global is the base price, geo and in-region +10 % (genai-prices).
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "global", "us-east-1", None, (3.0, 15.0)),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "geo", "eu-west-1", "eu", (3.3, 16.5)),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "in_region", "us-east-1", None, (3.3, 16.5)),
        # Nova Lite: the eu. profile has its own price; us-east-1 in-region 0.06 / 0.24.
        ("amazon.nova-lite-v1:0", "geo", "eu-west-1", "eu", (0.078, 0.312)),
        ("amazon.nova-lite-v1:0", "in_region", "us-west-2", None, (0.06, 0.24)),
        # Llama 3 8B priced per region.
        ("meta.llama3-8b-instruct-v1:0", "in_region", "eu-west-2", None, (0.39, 0.78)),
        ("meta.llama3-1-70b-instruct-v1:0", "in_region", "us-east-1", None, (0.72, 0.72)),
    ],
)
def test_published_on_demand_prices(bundled, model, scope, region, geo, expected) -> None:  # type: ignore[no-untyped-def]
    match = on_demand_price(bundled, model, scope, region, geo, DAY)
    assert isinstance(match, OnDemandMatch)
    assert (match.row.usd_per_1m_input_tokens, match.row.usd_per_1m_output_tokens) == expected


def test_geo_profile_without_own_row_priced_at_source_region() -> None:
    older = load_catalog("2026-11-23")  # Nova Lite had no us. row there
    match = on_demand_price(older, "amazon.nova-lite-v1:0", "geo", "us-east-1", "us", DAY)
    assert isinstance(match, OnDemandMatch) and match.via_source_region
    assert match.row.usd_per_1m_input_tokens == 0.06


def test_sonnet_5_promotion_is_dated_in_the_older_snapshot() -> None:
    older = load_catalog("2026-11-23")
    model = "anthropic.claude-sonnet-5"
    promo = on_demand_price(older, model, "global", "us-east-1", None, dt.date(2026, 8, 31))
    standard = on_demand_price(older, model, "global", "us-east-1", None, dt.date(2026, 9, 1))
    assert isinstance(promo, OnDemandMatch) and isinstance(standard, OnDemandMatch)
    assert promo.row.usd_per_1m_input_tokens == 2.0
    assert standard.row.usd_per_1m_input_tokens == 3.0


def test_sonnet_5_launch_price_became_permanent(bundled) -> None:  # type: ignore[no-untyped-def]
    """genai-prices 0.2.3 and litellm 1.110.2 both price Sonnet 5 at $2 / $10 (global) with no
    end date: the standard price of 2026-09-01 in the earlier source never came."""
    model = "anthropic.claude-sonnet-5"
    for day in (dt.date(2026, 8, 31), dt.date(2026, 11, 28)):
        match = on_demand_price(bundled, model, "global", "us-east-1", None, day)
        assert isinstance(match, OnDemandMatch)
        assert (match.row.usd_per_1m_input_tokens, match.row.usd_per_1m_output_tokens) == (2, 10)
    regional = on_demand_price(bundled, model, "in_region", "eu-central-1", None, DAY)
    assert isinstance(regional, OnDemandMatch) and regional.row.usd_per_1m_input_tokens == 2.2


def test_missing_prices_are_reasons_not_zero(bundled) -> None:  # type: ignore[no-untyped-def]
    missing = on_demand_price(
        bundled, "meta.llama3-1-8b-instruct-v1:0", "in_region", "eu-west-1", None, DAY
    )
    assert isinstance(missing, Missing)
    assert "in_region us" in missing.reason
    pt = provisioned_price(bundled, "anthropic.claude-sonnet-4-6", "us-east-1", "1_month", DAY)
    assert isinstance(pt, Missing) and "no public provisioned-throughput price" in pt.reason
    spot = instance_price(bundled, "ec2", "g5.xlarge", "us-east-1", "spot", DAY)
    assert isinstance(spot, Missing)


def test_published_instance_and_provisioned_prices(bundled) -> None:  # type: ignore[no-untyped-def]
    p5 = instance_price(bundled, "ec2", "p5.48xlarge", "us-east-1", "on_demand", DAY)
    assert not isinstance(p5, Missing) and p5.usd_per_hour == 55.04  # after the June-2025 cut
    ri = instance_price(bundled, "ec2", "g5.xlarge", "us-east-1", "reserved_1y", DAY)
    assert not isinstance(ri, Missing) and ri.usd_per_hour == 0.63378
    sm = instance_price(bundled, "sagemaker", "g5.xlarge", "us-east-1", "on_demand", DAY)
    assert not isinstance(sm, Missing) and sm.usd_per_hour == 1.4084
    pt = provisioned_price(bundled, "anthropic.claude-instant-v1", "us-west-2", "1_month", DAY)
    assert not isinstance(pt, Missing) and pt.usd_per_model_unit_hour == 39.6
    cohere = provisioned_price(bundled, "cohere.command-text-v14", "eu-west-1", "6_months", DAY)
    assert not isinstance(cohere, Missing) and cohere.usd_per_model_unit_hour == 23.76972


def copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "snap"
    shutil.copytree(FIXTURE_SNAPSHOT, target)
    return target


def test_undefined_source_is_rejected(tmp_path: Path) -> None:
    snap = copy_fixture(tmp_path)
    path = snap / "instance_prices.csv"
    path.write_text(path.read_text().replace(",test,2026-01-01,\n", ",nowhere,2026-01-01,\n", 1))
    with pytest.raises(SnapshotError, match="source 'nowhere' is not defined"):
        load_catalog(snap)


def test_negative_or_text_price_is_rejected(tmp_path: Path) -> None:
    snap = copy_fixture(tmp_path)
    path = snap / "bedrock_on_demand.csv"
    path.write_text(path.read_text().replace("in_region,us,*,8,24", "in_region,us,*,-8,24"))
    with pytest.raises(SnapshotError, match="expected a finite number >= 0"):
        load_catalog(snap)


def test_overlapping_dated_rows_are_rejected(tmp_path: Path) -> None:
    snap = copy_fixture(tmp_path)
    path = snap / "bedrock_on_demand.csv"
    path.write_text(path.read_text().replace("2026-04-01,,test", "2026-03-01,,test"))
    with pytest.raises(SnapshotError, match="in effect on the same day"):
        load_catalog(snap)


def test_missing_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SnapshotError, match=r"no manifest\.yaml"):
        load_catalog(tmp_path / "empty")
