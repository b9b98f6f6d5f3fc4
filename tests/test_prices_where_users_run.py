"""Prices where users run (issue 34): what the snapshot lacks outside us-east-1 is named with
where it can come from, and a price book supplies it — the EU RAG scenario is complete with
one, to the cent of a hand computation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

EU_RAG = str(ROOT / "tests/fixtures/scenarios/eu-rag.yaml")
BOOK = str(ROOT / "tests/fixtures/pricebooks/eu-central-1-services.yaml")


def test_what_frankfurt_lacks_is_named_with_where_it_comes_from(cli: Any) -> None:
    document = json.loads(cli("estimate", EU_RAG, "-f", "json").out)
    bill = document["scenarios"][0]["bill"]
    assert not bill["complete"]
    reasons = {m["name"]: m["reason"] for m in bill["missing"]}
    assert (
        "price book's service_prices row: service lambda, item duration_arm"
        in (reasons["lambda_duration"])
    )
    assert "priced in us-east-1 only" in reasons["api_gateway_requests"]


def test_a_price_book_completes_the_eu_rag_bill(cli: Any) -> None:
    """Hand computation at the book's Frankfurt prices (snapshot prices where it has them):
    inference 800M input × $0.078 + 125M output × $0.312 = $101.40; corpus 10M × $0.024 =
    $0.24 once, $0.02 a month; queries 25M × $0.024 = $0.60; the collection's minimum 2 OCUs
    (no standby) × 730 h × $0.30 = $438.00 and 2 GB × $0.03 = $0.06; S3 100 GB × $0.0245 =
    $2.45; egress 200 GB × $0.09 = $18.00; Lambda 0.5M × $0.20 = $0.10 and 250,000 GB-s ×
    $0.0000133334 = $3.33; API Gateway HTTP 0.5M × $1.20 = $0.60: $564.56 a month."""
    result = cli("estimate", EU_RAG, "--price-book", BOOK, "-f", "json")
    assert result.code == 0, result
    bill = json.loads(result.out)["scenarios"][0]["bill"]
    assert bill["complete"], bill["missing"]
    assert bill["total_monthly_cost_usd"] == pytest.approx(564.56, abs=0.005)
    lines = {c["name"]: c for c in bill["components"]}
    assert lines["lambda_duration"]["usd"] == pytest.approx(250_000 * 0.0000133334)
    assert lines["api_gateway_requests"]["sources"] == ["pricebook:frankfurt-quotes"]


def test_a_price_books_service_rows_replace_the_snapshots_at_that_place(
    cli: Any, tmp_path: Path
) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        Path(BOOK).read_text()
        + "  - {service: lambda, item: requests, unit: 1M requests, region: eu-central-1, "
        "usd_per_unit: 0.25}\n"
    )
    bill = json.loads(cli("estimate", EU_RAG, "--price-book", str(book), "-f", "json").out)
    lines = {c["name"]: c for c in bill["scenarios"][0]["bill"]["components"]}
    assert lines["lambda_requests"]["usd"] == pytest.approx(0.5 * 0.25)  # not the snapshot's 0.20


def test_a_price_book_names_unknown_services(cli: Any, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        "name: typo\nas_of: 2026-12-01\nservice_prices:\n"
        "  - {service: lambda, item: duration_arms, unit: GB-second, region: eu-central-1, "
        "usd_per_unit: 0.00001}\n"
    )
    result = cli("estimate", EU_RAG, "--price-book", str(book))
    assert result.code == 2
    assert (
        "book.yaml:4" in result.err and "unknown service/item 'lambda/duration_arms'" in result.err
    )
    assert "lambda/duration_arm" in result.err  # did you mean


def test_sagemaker_outside_us_east_1_names_the_price_and_its_sources(
    cli: Any, tmp_path: Path
) -> None:
    """A fine-tuned Llama 3.1 8B on SageMaker in eu-central-1, eu-west-1 and ap-northeast-1:
    no source at hand prices SageMaker hosting there; the message names the price, the
    regions that have it and where it can come from."""
    for region in ("eu-central-1", "eu-west-1", "ap-northeast-1"):
        path = tmp_path / f"{region}.yaml"
        path.write_text(
            f"name: tuned\nregion: {region}\nworkloads:\n  - name: tuned\n"
            "    model: meta.llama3-1-8b-instruct-v1:0\n"
            "    tokens_per_request: {input: 800, output: 200}\n"
            "    traffic: {requests_per_month: 2000000}\n    options: [self_hosted]\n"
            "    self_hosted: {platform: sagemaker, instance_type: ml.g5.2xlarge}\n"
        )
        result = cli("estimate", str(path))
        assert result.code == 2
        assert f"no public on_demand price for sagemaker ml.g5.2xlarge in {region}" in result.err
        assert "priced in us-east-1 only" in result.err
        assert f"genai-cost pricing refresh --region {region}" in result.err
        assert "price book's instance_prices row" in result.err
        assert "supply self_hosted.usd_per_hour" in result.err


def test_sagemaker_hosting_us_east_1_from_the_april_2025_configuration(cli: Any) -> None:
    shown = json.loads(cli("pricing", "show", "ml.g6.12xlarge", "-f", "json").out)
    [row] = [p for p in shown["prices"] if p["platform"] == "sagemaker"]
    assert (row["region"], row["usd_per_hour"], row["source"]) == (
        "us-east-1",
        5.752,
        "fmbench-2025-04",
    )


def test_the_december_2023_invoice_prices_eu_west_1(cli: Any, tmp_path: Path) -> None:
    """aws-samples/sagemaker-ssh-helper's sample invoice: ml.g5.12xlarge hosting at $7.91 an
    hour in EU (Ireland), endpoint data at $0.016 per GB. A Llama 3.1 8B endpoint on it with a
    measured 1,000 output tokens/s: 2M requests × 200 output tokens = 400M tokens a month,
    peak at the average rate 152.2 tokens/s → 1 instance × 730 h × $7.91 = $5,774.30."""
    path = tmp_path / "ireland.yaml"
    path.write_text(
        "name: ireland\nregion: eu-west-1\nworkloads:\n  - name: tuned\n"
        "    model: meta.llama3-1-8b-instruct-v1:0\n"
        "    tokens_per_request: {input: 800, output: 200}\n"
        "    traffic: {requests_per_month: 2000000}\n    options: [self_hosted]\n"
        "    self_hosted: {platform: sagemaker, instance_type: ml.g5.12xlarge, purchase: "
        "on_demand, output_tokens_per_second_per_instance: 1000}\n"
    )
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result
    [row] = [o for o in json.loads(result.out)["options"] if o["feasible"]]
    assert row["monthly_cost_usd"] == pytest.approx(730 * 7.91)
    assert "sagemaker-invoice-2023-12" in row["sources"]
    serverless = json.loads(cli("pricing", "coverage", "--services", "-f", "json").out)
    processed = [
        s
        for s in serverless["services"]
        if s["subject"] == "sagemaker_serverless data_processed" and s["region"] == "eu-west-1"
    ]
    assert processed and processed[0]["as_of"] == "2023-12-31"
