"""`pricing show INSTANCE_TYPE` and `pricing coverage --instances` against the fixture
snapshot (ec2 gpu.small $2 on demand, $1.25 reserved 1 year, $0.50 spot; sagemaker
ml.gpu.small $3; gpu.large $20 on EC2 only; Test GPU specifications; acme.open-8b benchmarks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from tests.conftest import ROOT


def test_an_instance_types_prices_specification_and_benchmarks(
    cli: Any, fixture_snapshot: Path
) -> None:
    result = cli("pricing", "show", "ml.gpu.small", "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    schema = json.loads((ROOT / "docs/schemas/pricing-show-instance.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["kind"] == "genai-cost pricing show instance"
    assert document["instance_type"] == "gpu.small"
    assert document["spec"]["accelerator_count"] == 1
    prices = {(r["platform"], r["purchase"]): r["usd_per_hour"] for r in document["prices"]}
    assert prices == {
        ("ec2", "on_demand"): 2.0,
        ("ec2", "reserved_1y"): 1.25,
        ("ec2", "spot"): 0.5,
        ("sagemaker", "on_demand"): 3.0,
    }
    shapes = {(b["input_tokens"], b["output_tokens"]) for b in document["self_hosted_throughput"]}
    assert shapes == {(1000, 1000), (2000, 100)}
    assert set(document["sources"]) == {"test"}
    markdown = cli("pricing", "show", "gpu.small", "-f", "markdown").out
    assert "| sagemaker | `us-east-1` | on_demand | $3" in markdown
    assert "1 × Test GPU (24 GiB accelerator memory)" in markdown


def test_an_unknown_name_suggests_models_and_instance_types(
    cli: Any, fixture_snapshot: Path
) -> None:
    result = cli("pricing", "show", "gpu.smal")
    assert result.code == 2
    assert "unknown model id or instance type 'gpu.smal'" in result.err
    assert "gpu.small" in result.err
    # a model id still shows the model
    assert json.loads(cli("pricing", "show", "acme.open-8b-v1:0", "-f", "json").out)["kind"] == (
        "genai-cost pricing show"
    )


def test_coverage_of_instance_types_only(cli: Any, fixture_snapshot: Path) -> None:
    document = json.loads(cli("pricing", "coverage", "--instances", "-f", "json").out)
    assert document["models"] == []
    rows = {row["subject"]: row["priced"] for row in document["instances"]}
    assert rows["ec2 gpu.small"] == ["on_demand", "reserved_1y", "spot"]
    assert rows["ec2 gpu.large"] == ["on_demand"]
    table = cli("pricing", "coverage", "--instances", "-f", "markdown").out
    assert "gpu.small" in table and "acme.open-8b" not in table
