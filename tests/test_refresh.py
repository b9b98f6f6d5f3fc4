"""`genai-cost pricing refresh` offline: botocore's Stubber on a real `pricing` client,
with responses in the Price List's exact format (PriceList entries are JSON strings)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from genai_cost.catalog import priceapi
from genai_cost.catalog import refresh as refresher
from genai_cost.catalog.lookup import Missing, instance_price, on_demand_price
from genai_cost.catalog.pricelist import ParseReport, bedrock_rows, instance_rows
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.errors import RefreshError
from tests import pricelist_fixtures as pl
from tests.conftest import FIXTURE_SNAPSHOT, ROOT

DAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _offline_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")


def pricing_client() -> Any:
    return boto3.client("pricing", region_name="us-east-1")


def params(service: str, filters: dict[str, str], token: str | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ServiceCode": service,
        "Filters": [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()],
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    if token:
        request["NextToken"] = token
    return request


def queue(
    stubber: Stubber,
    service: str,
    filters: dict[str, str],
    items: list[dict[str, Any]],
    page_size: int = 100,
) -> None:
    chunks = pl.pages(items, page_size)
    for k, chunk in enumerate(chunks):
        response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": chunk}
        if k + 1 < len(chunks):
            response["NextToken"] = f"page-{k + 2}"
        stubber.add_response(
            "get_products", response, params(service, filters, f"page-{k + 1}" if k else None)
        )


# --- the parser ----------------------------------------------------------------------------


def test_units_are_converted_explicitly() -> None:
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    report = ParseReport()
    items = [
        # AmazonBedrock, "1K tokens": $0.008 per 1K = $8 per 1M
        pl.first_party("Acme Chat", "us-east-1", "Input tokens", "input-tokens", Decimal("0.008")),
        # "Tokens" (per token): $0.000024 per token = $24 per 1M
        pl.first_party(
            "Acme Chat",
            "us-east-1",
            "Output tokens",
            "output-tokens",
            Decimal("0.000024"),
            unit="Tokens",
        ),
        # Marketplace "Units" are per 1M tokens: $0.70 per unit = $0.70 per 1M
        pl.marketplace("Acme Chat", "us-east-1", "CacheReadInputTokenCount", "", Decimal("0.7")),
        pl.marketplace("Acme Chat", "us-east-1", "InputTokenCount", "_Global", Decimal("7")),
        pl.first_party(
            "Acme Chat", "us-east-1", "Batch input tokens", "input-tokens-batch", Decimal("0.004")
        ),
    ]
    rows = {(r.scope, r.region): r for r in bedrock_rows(items, catalog, "api", DAY, report)}
    regional = rows[("in_region", "us-east-1")]
    assert regional.usd_per_1m_input_tokens == 8.0
    assert regional.usd_per_1m_output_tokens == 24.0
    assert regional.usd_per_1m_cache_read_input_tokens == 0.7
    assert regional.usd_per_1m_batch_input_tokens == 4.0
    assert regional.usd_per_1m_cache_write_input_tokens is None  # absent, not zero
    assert rows[("global", "us-east-1")].usd_per_1m_input_tokens == 7.0
    assert regional.effective_from == dt.date(2025, 1, 1)


def test_unknown_and_unmodelled_products_are_reported_not_priced() -> None:
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    report = ParseReport()
    odd_unit = pl.first_party(
        "Acme Chat", "us-east-1", "Input tokens", "input-tokens", Decimal("1"), unit="Characters"
    )
    extra = pl.first_party(
        "Acme Chat", "us-east-1", "Output tokens", "output-tokens", Decimal("0.024")
    )
    extra["product"]["attributes"]["someNewAttribute"] = "whatever"  # ignored
    items = [
        odd_unit,
        extra,
        pl.first_party(
            "Acme Chat", "us-east-1", "Input tokens flex", "input-tokens-flex", Decimal("0.004")
        ),
        pl.first_party(
            "Acme Chat", "us-east-1", "Input tokens", "input-tokens-custom-model", Decimal("0.009")
        ),
        pl.first_party(
            "Unknown Model", "us-east-1", "Input tokens", "input-tokens", Decimal("0.001")
        ),
        pl.first_party(
            "Acme Chat",
            "us-east-1",
            "Prompt cache read input tokens",
            "cache-read-input-token-count",
            Decimal("0"),
        ),
        pl.marketplace("Acme Chat", "us-east-1", "CacheWrite1hInputTokenCount", "", Decimal("16")),
    ]
    rows = bedrock_rows(items, catalog, "api", DAY, report)
    assert len(rows) == 1 and rows[0].usd_per_1m_output_tokens == 24.0
    # The input price is listed in an unknown unit: the fixture snapshot's $8 is carried over
    # and the cell is a reported problem, never an empty price.
    assert rows[0].usd_per_1m_input_tokens == 8.0
    assert report.carried_over == [
        {
            "model_id": "acme.chat-v1:0",
            "scope": "in_region",
            "region": "us-east-1",
            "column": "usd_per_1m_input_tokens",
            "value": 8.0,
            "reason": "unknown unit 'Characters' (usage type USE1-AcmeChat-input-tokens)",
        }
    ]
    assert "carried over" in report.problems[0]
    skipped = report.as_dict()["skipped"]
    assert skipped["unknown unit 'Characters'"]["count"] == 1
    assert skipped["model not in the snapshot's models table"]["examples"] == ["Unknown Model"]
    assert skipped["zero price (placeholder)"]["count"] == 1
    assert skipped["1-hour cache writes are not modelled"]["count"] == 1
    assert {
        "service tier or modality not modelled (flex)",
        "service tier or modality not modelled (custom)",
    } <= set(skipped)


def test_conflicting_prices_are_a_problem_not_a_guess() -> None:
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    report = ParseReport()
    items = [
        pl.first_party("Acme Chat", "us-east-1", "Input tokens", "input-tokens", Decimal(p))
        for p in ("0.008", "0.009")
    ]
    items[1]["product"]["attributes"]["usagetype"] += "-standard"  # a twin SKU
    assert bedrock_rows(items, catalog, "api", DAY, report) == []
    assert "two prices" in report.problems[0]


def test_instances_on_demand_and_reserved() -> None:
    catalog = load_catalog(FIXTURE_SNAPSHOT)
    report = ParseReport()
    items = [
        pl.ec2("gpu.small", "us-east-1", 2.0, reserved_1y=1.25, reserved_3y=0.8),
        pl.ec2("gpu.small", "us-west-2", 2.2, operatingSystem="Windows"),
        pl.sagemaker("ml.gpu.small", "us-east-1", 3.0),
    ]
    prices = {
        (r.platform, r.region, r.purchase): r.usd_per_hour
        for r in instance_rows(items, catalog, "api", DAY, report)
    }
    # the partial-upfront offering and the Windows product are not used
    assert prices == {
        ("ec2", "us-east-1", "on_demand"): 2.0,
        ("ec2", "us-east-1", "reserved_1y"): 1.25,
        ("ec2", "us-east-1", "reserved_3y"): 0.8,
        ("sagemaker", "us-east-1", "on_demand"): 3.0,
    }
    assert report.skipped["not a plain Linux shared-tenancy instance"] == 1


# --- the API: pages, throttling, failures --------------------------------------------------


def test_pagination_and_throttling_with_backoff() -> None:
    client = pricing_client()
    items = [
        pl.first_party(
            "Acme Chat", "us-east-1", "Input tokens", f"input-tokens{k}", Decimal("0.008")
        )
        for k in range(5)
    ]
    filters = {"regionCode": "us-east-1"}
    with Stubber(client) as stubber:
        texts = pl.pages(items, 2)
        stubber.add_response(
            "get_products",
            {"PriceList": texts[0], "NextToken": "t2"},
            params("AmazonBedrock", filters),
        )
        stubber.add_client_error(
            "get_products",
            "ThrottlingException",
            "Rate exceeded",
            400,
            expected_params=params("AmazonBedrock", filters, "t2"),
        )
        stubber.add_response(
            "get_products",
            {"PriceList": texts[1], "NextToken": "t3"},
            params("AmazonBedrock", filters, "t2"),
        )
        stubber.add_response(
            "get_products", {"PriceList": texts[2]}, params("AmazonBedrock", filters, "t3")
        )
        delays: list[float] = []
        api = priceapi.PriceListApi(client, sleep=delays.append)
        got = list(api.products("AmazonBedrock", filters))
        stubber.assert_no_pending_responses()
    assert len(got) == 5 and api.calls == 4
    assert len(delays) == 1 and 0.25 <= delays[0] <= 0.5  # first backoff: 0.5 s x jitter


def test_throttling_gives_up_after_the_last_attempt() -> None:
    client = pricing_client()
    with Stubber(client) as stubber:
        for _ in range(3):
            stubber.add_client_error("get_products", "ThrottlingException", "Rate exceeded", 400)
        api = priceapi.PriceListApi(client, sleep=lambda s: None, max_attempts=3)
        with pytest.raises(RefreshError, match=r"ThrottlingException.*after 3 attempts"):
            list(api.products("AmazonBedrock", {"regionCode": "us-east-1"}))


def stub_plan(
    stubber: Stubber,
    plan: list[priceapi.Request],
    items: list[dict[str, Any]],
    fail_at: tuple[int, int] | None = None,
) -> None:
    for n, (service, filters) in enumerate(plan):
        chosen = [i for i in items if pl.matches(i, service, filters)]
        chunks = pl.pages(chosen, 2 if n == 0 else 100)
        for k, chunk in enumerate(chunks):
            token_in = f"p{k + 1}" if k else None
            if fail_at == (n, k + 1):
                stubber.add_client_error(
                    "get_products",
                    "AccessDeniedException",
                    "User is not authorized",
                    400,
                    expected_params=params(service, filters, token_in),
                )
                return
            response: dict[str, Any] = {"PriceList": chunk}
            if k + 1 < len(chunks):
                response["NextToken"] = f"p{k + 2}"
            stubber.add_response("get_products", response, params(service, filters, token_in))


def fixture_items() -> list[dict[str, Any]]:
    return [
        pl.first_party("Acme Chat", "us-east-1", t, s, Decimal(p))
        for t, s, p in (
            ("Input tokens", "input-tokens", "0.009"),
            ("Output tokens", "output-tokens", "0.024"),
            ("Prompt cache read input tokens", "cache-read-input-token-count", "0.0008"),
            ("Prompt cache write input tokens", "cache-write-input-token-count", "0.01"),
            ("Batch input tokens", "input-tokens-batch", "0.004"),
            ("Batch output tokens", "output-tokens-batch", "0.012"),
        )
    ] + [pl.ec2("gpu.small", "us-east-1", 1.9, reserved_1y=1.2, reserved_3y=0.75)]


def run_refresh(client: Any, target: Path, *, force: bool = False) -> refresher.RefreshResult:
    previous = load_catalog(FIXTURE_SNAPSHOT)
    api = priceapi.PriceListApi(client, sleep=lambda s: None)
    plan = priceapi.plan_requests(previous, ["us-east-1"])
    items = (i for service, filters in plan for i in api.products(service, filters))
    return refresher.refresh_snapshot(
        previous,
        target,
        items=items,
        source_key=priceapi.API_SOURCE,
        source_reference="test",
        day=DAY,
        snapshot_id="refreshed",
        force=force,
    )


def test_refresh_writes_a_valid_snapshot(tmp_path: Path) -> None:
    client = pricing_client()
    plan = priceapi.plan_requests(load_catalog(FIXTURE_SNAPSHOT), ["us-east-1"])
    with Stubber(client) as stubber:
        stub_plan(stubber, plan, fixture_items())
        result = run_refresh(client, tmp_path / "new")
        stubber.assert_no_pending_responses()
    new = load_catalog(tmp_path / "new")
    assert new.snapshot_id == "refreshed" and new.as_of == DAY
    match = on_demand_price(new, "acme.chat-v1:0", "in_region", "us-east-1", None, DAY)
    assert not isinstance(match, Missing)
    # $0.009 per 1K tokens = $9 per 1M, from the API, dated and sourced
    assert match.row.usd_per_1m_input_tokens == 9.0
    assert match.row.source == "aws-price-list-api"
    assert new.sources["aws-price-list-api"].as_of == DAY
    reserved = instance_price(new, "ec2", "gpu.small", "us-east-1", "reserved_3y", DAY)
    assert not isinstance(reserved, Missing) and reserved.usd_per_hour == 0.75
    # rows the API lacks are carried over, marked, with their original source
    carried = on_demand_price(new, "acme.chat-v1:0", "in_region", "us-west-2", None, DAY)
    assert not isinstance(carried, Missing) and carried.row.source == "test"
    assert carried.row.notes.startswith("carried over from snapshot test-fixture")
    [pt] = [r for r in new.provisioned["acme.chat-v1:0"] if r.term == "6_months"]
    assert pt.source == "test" and "carried over" in pt.notes
    assert result.refreshed == {"bedrock_on_demand": 1, "instance_prices": 3}


def test_failure_on_page_3_leaves_the_old_snapshot_untouched(tmp_path: Path) -> None:
    target = tmp_path / "snap"
    target.mkdir()
    (target / "manifest.yaml").write_text("old snapshot\n")
    client = pricing_client()
    items = [
        pl.first_party(
            "Acme Chat", "us-east-1", "Input tokens", f"input-tokens-{k}", Decimal("0.008")
        )
        for k in range(6)
    ]
    plan = priceapi.plan_requests(load_catalog(FIXTURE_SNAPSHOT), ["us-east-1"])
    with Stubber(client) as stubber:
        stub_plan(stubber, plan, items, fail_at=(0, 3))
        with pytest.raises(RefreshError) as failure:
            run_refresh(client, target, force=True)
    message = str(failure.value)
    assert "AmazonBedrock regionCode=us-east-1, page 3" in message
    assert "AccessDeniedException" in message and "pricing:GetProducts" in message
    assert (target / "manifest.yaml").read_text() == "old snapshot\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]  # nothing left behind


def test_existing_target_needs_force(tmp_path: Path) -> None:
    (tmp_path / "snap").mkdir()
    with pytest.raises(RefreshError, match="exists"):
        refresher.refresh_snapshot(
            load_catalog(FIXTURE_SNAPSHOT),
            tmp_path / "snap",
            items=[],
            source_key="x",
            source_reference="",
            day=DAY,
        )


# --- the bundled snapshot, reproduced --------------------------------------------------------


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, list[Any]]:
    bundled = load_catalog("2026-11-28")
    items, covered = pl.items_reproducing(bundled)
    regions = priceapi.default_regions(bundled)
    plan = priceapi.plan_requests(bundled, regions)
    client = boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    target = tmp_path_factory.mktemp("refresh") / "reproduced"
    with Stubber(client) as stubber:
        for service, filters in plan:
            queue(stubber, service, filters, [i for i in items if pl.matches(i, service, filters)])
        api = priceapi.PriceListApi(client, sleep=lambda s: None)
        stream = (i for service, filters in plan for i in api.products(service, filters))
        result = refresher.refresh_snapshot(
            bundled,
            target,
            items=stream,
            source_key=priceapi.API_SOURCE,
            source_reference="stub",
            day=DAY,
        )
        stubber.assert_no_pending_responses()
    assert not result.report.problems
    return bundled, load_catalog(target), covered


def test_refresh_reproduces_every_bundled_bedrock_price(reproduced: Any) -> None:
    bundled, new, covered = reproduced
    # every Bedrock model with an in-region or global price is matched by its Price List name
    models = {row.model_id for row, _ in covered}
    assert models == {
        m
        for m, rows in bundled.on_demand.items()
        if any(r.scope != "geo" and r.effective_until is None for r in rows)
        and "not checked against the Price List" not in bundled.models[m].price_list_name_source
    }
    columns = list(pl.FIRST_PARTY_TYPES)
    for row, region in covered:
        old = on_demand_price(bundled, row.model_id, row.scope, region, None, DAY)
        fresh = on_demand_price(new, row.model_id, row.scope, region, None, DAY)
        assert not isinstance(old, Missing) and not isinstance(fresh, Missing)
        assert fresh.row.source == "aws-price-list-api", (row, region)
        for column in columns:
            assert getattr(fresh.row, column) == getattr(old.row, column), (row, region, column)


def test_refresh_reproduces_instance_prices(reproduced: Any) -> None:
    bundled, new, _ = reproduced
    for key, rows in bundled.instance_prices.items():
        fresh = instance_price(new, key[0], key[1].removeprefix("ml."), key[2], key[3], DAY)
        assert not isinstance(fresh, Missing) and fresh.usd_per_hour == rows[0].usd_per_hour


def test_estimate_uses_the_refreshed_snapshot_unchanged(
    reproduced: Any, cli: Any, monkeypatch: Any
) -> None:
    _, new, _ = reproduced
    monkeypatch.chdir(ROOT)
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        bundled = json.loads(cli("estimate", str(scenario), "-f", "json").out)
        fresh = json.loads(
            cli("estimate", str(scenario), "-f", "json", "--snapshot", str(new.path)).out
        )
        assert [s["total_monthly_cost_usd"] for s in fresh["scenarios"]] == [
            s["total_monthly_cost_usd"] for s in bundled["scenarios"]
        ], scenario.name


# --- the command line --------------------------------------------------------------------------


def test_cli_refresh_against_the_stubbed_api(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = pricing_client()
    plan = priceapi.plan_requests(load_catalog(FIXTURE_SNAPSHOT), ["us-east-1"])
    monkeypatch.setattr(priceapi, "make_client", lambda: client)
    target = tmp_path / "fresh"
    with Stubber(client) as stubber:
        stub_plan(stubber, plan, fixture_items())
        result = cli(
            "pricing",
            "refresh",
            "--snapshot",
            str(FIXTURE_SNAPSHOT),
            "--region",
            "us-east-1",
            "--into",
            str(target),
            "--format",
            "json",
        )
    assert result.code == 0, result
    report = json.loads(result.out)
    assert report["refreshed_rows"]["bedrock_on_demand"] == 1
    diff = json.loads(cli("pricing", "diff", str(FIXTURE_SNAPSHOT), str(target), "-f", "json").out)
    # the API's row is region-exact (us-east-1): an added row that wins over the snapshot's
    # US-wide row, which is carried over for the other US regions
    added = [
        c
        for c in diff["changes"]
        if c["change"] == "added" and c["key"].get("model_id") == "acme.chat-v1:0"
    ]
    assert added[0]["key"]["region"] == "us-east-1"
    assert {p["column"]: p["new"] for p in added[0]["prices"]}["usd_per_1m_input_tokens"] == 9.0
    again = cli(
        "pricing",
        "refresh",
        "--snapshot",
        str(FIXTURE_SNAPSHOT),
        "--region",
        "us-east-1",
        "--into",
        str(target),
    )
    assert again.code == 2 and "exists" in again.err
    bad = cli("pricing", "refresh", "--snapshot", str(FIXTURE_SNAPSHOT), "--region", "us-east-l")
    assert bad.code == 2 and "did you mean 'us-east-1'" in bad.err


def test_cli_refresh_from_offer_files(cli: Any, tmp_path: Path) -> None:
    items = fixture_items()
    offer = {
        "formatVersion": "v1.0",
        "disclaimer": "test",
        "offerCode": "AmazonBedrock",
        "version": "20261120000000",
        "publicationDate": "2026-11-20T00:00:00Z",
        "products": {i["product"]["sku"]: i["product"] for i in items[:-1]},
        "terms": {"OnDemand": {i["product"]["sku"]: i["terms"]["OnDemand"] for i in items[:-1]}},
    }
    path = tmp_path / "AmazonBedrock-us-east-1.json"
    path.write_text(json.dumps(offer))
    target = tmp_path / "offline"
    result = cli(
        "pricing",
        "refresh",
        "--snapshot",
        str(FIXTURE_SNAPSHOT),
        "--region",
        "us-east-1",
        "--from-offer-file",
        str(path),
        "--into",
        str(target),
    )
    assert result.code == 0, result
    new = load_catalog(target)
    assert new.sources["aws-price-list-bulk"].reference.startswith(
        "offer files AmazonBedrock-us-east-1"
    )
    match = on_demand_price(new, "acme.chat-v1:0", "in_region", "us-east-1", None, DAY)
    assert not isinstance(match, Missing) and match.row.usd_per_1m_input_tokens == 9.0
    missing = cli(
        "pricing",
        "refresh",
        "--snapshot",
        str(FIXTURE_SNAPSHOT),
        "--from-offer-file",
        str(tmp_path / "nope.json"),
        "--into",
        str(tmp_path / "x"),
    )
    assert missing.code == 2 and "no such offer file" in missing.err
