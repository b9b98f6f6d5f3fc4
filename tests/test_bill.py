"""The whole bill: every cost a scenario describes, as named lines, in one total.

Hand-computed from the bundled snapshot (pricing_snapshots/2026-11-28) unless a test selects
the fictitious fixture snapshot. Figures used below:
  Claude Haiku 4.5 (global) $1 input, $5 output per 1M tokens;
  Titan Text Embeddings V2 $0.02 per 1M tokens; OpenSearch Serverless $0.24 an OCU-hour,
  minimum 4 OCUs with standby replicas, $0.024 a GB-month;
  EC2 p5.4xlarge $6.88, g6e.12xlarge $10.49264 an hour; SageMaker ml.g5.12xlarge $7.09;
  Llama 3.1 8B on one p5.4xlarge: 3,450 output tokens/s at 2,048 in / 128 out;
  S3 Standard $0.023 a GB-month; internet out $0.09 a GB (first 10 TB); inter-region
  $0.02 a GB; Lambda $0.20 per 1M requests, $0.0000133334 a GB-second (arm);
  API Gateway HTTP $1.00 per 1M requests.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

PLATFORM = "scenarios/support-platform.yaml"
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


def estimate_json(cli: Any, path: str, *args: str) -> dict[str, Any]:
    result = cli("estimate", path, "-f", "json", *args)
    assert result.code == 0, result
    document: dict[str, Any] = json.loads(result.out)
    return document


def lines(scenario: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    """(family, item, line name) → USD a month, tiers of one line added up."""
    found: dict[tuple[str, str, str], float] = {}
    for c in scenario["bill"]["components"]:
        key = (c["family"], c["item"], c["name"])
        found[key] = found.get(key, 0.0) + c["usd"]
    return found


def daly_wall_hours(work: float, rate: float, delta: float, restart: float) -> float:
    """Daly (2006) eq. 13 at his optimum interval, written out from the paper."""
    m = 1.0 / rate
    tau = math.sqrt(2 * delta * m) * (1 + math.sqrt(delta / (2 * m)) / 3 + delta / (2 * m) / 9)
    tau -= delta
    return m * math.exp(restart / m) * (math.exp((tau + delta) / m) - 1) * work / tau


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_support_platform_bill_by_hand(cli: Any) -> None:
    scenario = estimate_json(cli, PLATFORM)["scenarios"][0]
    got = lines(scenario)
    # Spot training: 20 h of work, one interruption in 20 h, 6-minute checkpoints, 15-minute
    # restarts; 4 runs a month on one instance at the EXAMPLE $4.20 an hour
    spot_hours = 4 * daly_wall_hours(20, 0.05, 0.1, 0.25)
    expected = {
        # assistant with the docs-rag path: 900,000 x (600 + 1,200 retrieved) x $1 / 1M and
        # 900,000 x 300 x $5 / 1M
        ("inference", "assistant", "input_tokens"): 1620.0,
        ("inference", "assistant", "output_tokens"): 1350.0,
        # classifier: 40 req/s x 128 x 1.5 peak = 7,680 tok/s over 3,450 x 0.8 = 2.78 -> 3
        # instances serve the peak: 3 x 730 h x $6.88; the warm standby adds ceil(3 x 0.5) = 2
        ("inference", "classifier", "instance_hours"): 15067.2,
        ("redundancy", "classifier", "redundancy_instance_hours"): 10044.8,
        ("redundancy", "classifier", "replication_transfer"): 4.0,  # 200 GB x $0.02
        # corpus: 20M tokens x $0.02 / 1M = $0.40 once, spread over 12 months
        ("customization", "docs-rag", "corpus_embedding"): 0.4 / 12,
        ("customization", "docs-rag", "corpus_refresh_embedding"): 0.02,  # 5 % of 20M
        ("customization", "docs-rag", "query_embeddings"): 0.9,  # 900,000 x 50 x $0.02 / 1M
        ("customization", "docs-rag", "vector_store_compute"): 700.8,  # 4 OCU x 730 x $0.24
        ("customization", "docs-rag", "vector_store_storage"): 0.048,  # 2 GB x $0.024
        ("training", "classifier-fine-tune", "spot_instance_hours"): spot_hours * 4.2,
        ("training", "classifier-fine-tune", "checkpoint_storage"): 2.76,  # 30 GB x 4 x $0.023
        # three small models fit one ml.g5.12xlarge: 730 h x $7.09
        ("shared_endpoints", "specialists", "instance_hours"): 5175.7,
        ("services", "supporting services", "s3_storage"): 4.6,
        ("services", "supporting services", "data_transfer_out"): 45.0,
        ("services", "supporting services", "lambda_requests"): 0.18,
        ("services", "supporting services", "lambda_duration"): 450_000 * 0.0000133334,
        ("services", "supporting services", "api_gateway_requests"): 0.9,
    }
    assert got == pytest.approx(expected, abs=1e-5)
    total = sum(expected.values())
    assert total == pytest.approx(34399.59, abs=0.005)
    assert scenario["total_monthly_cost_usd"] == pytest.approx(total, abs=1e-5)
    assert scenario["complete"] is True
    families = {f["family"]: f["monthly_cost_usd"] for f in scenario["bill"]["families"]}
    assert families == pytest.approx(
        {
            "inference": 1620 + 1350 + 15067.2,
            "customization": 0.4 / 12 + 0.02 + 0.9 + 700.8 + 0.048,
            "training": spot_hours * 4.2 + 2.76,
            "shared_endpoints": 5175.7,
            "services": 4.6 + 45 + 0.18 + 450_000 * 0.0000133334 + 0.9,
            "redundancy": 10044.8 + 4.0,
        },
        abs=1e-5,
    )
    # spot is cheaper than on demand: 20 h x $10.49264 + $0.69 of storage a run, x 4
    training = scenario["training_jobs"][0]
    assert training["chosen"] == "spot"
    assert training["on_demand"]["monthly_cost_usd"] == pytest.approx(4 * (20 * 10.49264 + 0.69))
    assert scenario["bill"]["one_off_usd"] == pytest.approx(0.4)


def test_workload_shares_add_up_to_the_bill(cli: Any) -> None:
    scenario = estimate_json(cli, PLATFORM)["scenarios"][0]
    shares = {w["name"]: w["bill_monthly_cost_usd"] for w in scenario["workloads"]}
    # own lines: assistant $2,970 inference + $701.80 of its RAG path; classifier
    # $15,067.20 + $10,048.80 redundancy + its training job. The endpoint and services
    # ($5,232.38) are shared in proportion to own inference, 2,970 : 15,067.20
    shared = 5175.7 + 56.68
    training = lines(scenario)[("training", "classifier-fine-tune", "spot_instance_hours")] + 2.76
    weight = 2970 / (2970 + 15067.2)
    assert shares["assistant"] == pytest.approx(2970 + 701.8013 + shared * weight, abs=0.01)
    assert shares["classifier"] == pytest.approx(
        15067.2 + 10048.8 + training + shared * (1 - weight), abs=0.01
    )
    assert sum(shares.values()) == pytest.approx(scenario["total_monthly_cost_usd"], abs=1e-4)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_total_is_the_sum_of_its_lines(cli: Any, path: Path) -> None:
    document = estimate_json(cli, str(path.relative_to(ROOT)))
    for scenario in document["scenarios"]:
        bill = scenario["bill"]
        assert scenario["complete"] == (not bill["missing"])
        components = round(sum(c["usd"] for c in bill["components"]), 2)
        total = scenario["total_monthly_cost_usd"]
        if scenario["complete"]:
            assert round(total, 2) == components
        else:  # no total that looks complete: the priced part is a lower bound
            assert total is None and round(bill["priced_monthly_cost_usd"], 2) == components
        families = round(sum(f["priced_monthly_cost_usd"] for f in bill["families"]), 2)
        assert families == components
        for c in bill["components"]:  # every line is quantity x unit price
            assert c["usd"] == pytest.approx(c["quantity"] * c["usd_per_unit"], abs=1e-5)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_format_shows_the_same_total(cli: Any, path: Path) -> None:
    relative = str(path.relative_to(ROOT))
    bill = estimate_json(cli, relative)["scenarios"][0]["bill"]
    total = bill["total_monthly_cost_usd"]
    text = f"${total:,.2f}" if total is not None else f"≥ ${bill['priced_monthly_cost_usd']:,.2f}"
    for fmt in ("table", "markdown", "html"):
        out = cli("estimate", relative, "-f", fmt).out
        assert text in out, fmt
    rows = list(csv.DictReader(io.StringIO(cli("estimate", relative, "-f", "csv").out)))
    row = next(r for r in rows if r["record"] == "total")
    if total is None:
        assert row["monthly_cost_usd"] == "" and row["reason"].startswith("incomplete")
    else:
        assert float(row["monthly_cost_usd"]) == total


INCOMPLETE = """\
name: eu-assistant
region: eu-central-1
budget: {monthly_usd: 1000}
workloads:
  - name: chat
    model: eu.anthropic.claude-haiku-4-5-20251001-v1:0
    tokens_per_request: {input: 1000, output: 200}
    traffic: {requests_per_month: 100000}
    options: [on_demand]
supporting_services: {api_gateway: {requests_per_month: 1000000}}
roi:
  benefits: [{name: b, usd_per_month: 100}]
"""


def test_an_incomplete_total_is_never_a_plain_number(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "eu.yaml"
    path.write_text(INCOMPLETE)
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0
    scenario = json.loads(result.out)["scenarios"][0]
    # chat: 100,000 x (1,000 x $1.10 + 200 x $5.50) / 1M = $220 (the eu. geo profile)
    assert scenario["total_monthly_cost_usd"] is None and scenario["complete"] is False
    assert scenario["bill"]["priced_monthly_cost_usd"] == pytest.approx(220.0)
    [missing] = scenario["bill"]["missing"]
    assert (missing["family"], missing["name"]) == ("services", "api_gateway_requests")
    assert "eu-central-1" in missing["reason"]
    assert "its total is incomplete" in json.loads(result.out)["warnings"][0]
    for fmt in ("table", "markdown", "html"):
        out = cli("estimate", str(path), "-f", fmt).out
        assert "≥ $220.00 (incomplete)" in out or "at least $220.00" in out, fmt
        assert "| **Whole bill** |  |  |  | **$220.00** |" not in out
    rows = list(csv.DictReader(io.StringIO(cli("estimate", str(path), "-f", "csv").out)))
    total = next(r for r in rows if r["record"] == "total")
    assert total["monthly_cost_usd"] == "" and total["reason"].startswith("incomplete")
    strict = cli("estimate", str(path), "--strict")
    assert strict.code == 2 and "api_gateway_requests" in strict.err
    assert "eu-central-1" in strict.err
    for command in ("check", "roi"):
        refused = cli(command, str(path))
        assert refused.code == 2 and "needs the whole bill" in refused.err, command
    diff = cli("diff", str(path), str(path))
    assert diff.code == 2 and "diff needs whole bills" in diff.err


def test_redundancy_is_explained_for_each_kind_of_option(cli: Any) -> None:
    scenario = estimate_json(cli, PLATFORM)["scenarios"][0]
    notes = "\n".join(scenario["bill"]["notes"])
    assert "assistant: redundancy (active_active in 2 regions) adds nothing to on_demand" in notes
    assert "billed once, per token" in notes
    assert "classifier: redundancy (warm_standby at 0.5 of the capacity) buys capacity" in notes


def test_retrieved_context_is_not_counted_twice(cli: Any, tmp_path: Path) -> None:
    text = (
        (ROOT / PLATFORM)
        .read_text()
        .replace(
            "tokens_per_request: {input: 600, output: 300}",
            "tokens_per_request: {input: 1800, output: 300, retrieved_context: 1200}",
        )
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    scenario = estimate_json(cli, str(path))["scenarios"][0]
    # the input already holds 1,200 retrieved tokens: the path adds none, so the assistant's
    # input stays 900,000 x 1,800 x $1 / 1M = $1,620 (not $2,700)
    assert lines(scenario)[("inference", "assistant", "input_tokens")] == pytest.approx(1620.0)
    rag = next(p for p in scenario["customization"]["paths"] if p["name"] == "docs-rag")
    assert any("already holds 1,200 tokens of retrieved context" in n for n in rag["notes"])


def test_no_target_no_target_message(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        """\
name: unpriced-paths
workloads:
  - name: answers
    model: cohere.command-light-text-v14
    tokens_per_request: {input: 800, output: 250}
    traffic: {requests_per_month: 2000000}
    options: [on_demand]
customization:
  paths:
    - {name: tuned, kind: fine_tuning, training_tokens: 1000000}
    - {name: retrieval, kind: rag, embedding_model: amazon.titan-embed-text-v2:0}
"""
    )
    scenario = estimate_json(cli, str(path))["scenarios"][0]
    custom = scenario["customization"]
    assert custom["chosen"] is None and custom["target_quality"] is None
    assert custom["note"] == "no path can be priced"
    reasons = [p["reason"] for p in custom["paths"]]
    assert "give the path an `inference`" in reasons[0]
    assert reasons[1] == "a rag path needs a vector_store"
    assert not scenario["complete"]
    markdown = cli("estimate", str(path), "-f", "markdown").out
    assert "target quality" not in markdown
    assert "No path chosen: no path can be priced." in markdown


def test_customization_use_pins_the_path(cli: Any, tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "customization-paths.yaml").read_text()
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(
        text.replace(
            "  target_quality: 0.85\n", "  target_quality: 0.85\n  use: fine-tuned-command-light\n"
        )
    )
    scenario = estimate_json(cli, str(pinned))["scenarios"][0]
    assert scenario["customization"]["chosen"] == "fine-tuned-command-light"
    assert scenario["customization"]["pinned"] is True
    got = lines(scenario)
    # the custom model serves the workload: 730 h x $8.56; 4 trainings of $60 spread over a
    # year ($20 a month); storage $1.95
    assert got[
        ("inference", "fine-tuned-command-light", "custom_model_unit_hours")
    ] == pytest.approx(6248.8)
    assert got[("customization", "fine-tuned-command-light", "training")] == pytest.approx(20.0)
    assert ("inference", "product-answers", "input_tokens") not in got
    assert scenario["total_monthly_cost_usd"] == pytest.approx(6248.8 + 20 + 1.95)
    unpriced = tmp_path / "unpriced.yaml"
    unpriced.write_text(text.replace("  target_quality: 0.85\n", "  use: distilled-nova-lite\n"))
    scenario = estimate_json(cli, str(unpriced))["scenarios"][0]
    assert not scenario["complete"]
    assert (
        "customization.use names, 'distilled-nova-lite', cannot be priced"
        in (scenario["bill"]["missing"][0]["reason"])
    )
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(text.replace("  target_quality: 0.85\n", "  use: rag\n"))
    result = cli("estimate", str(unknown))
    assert result.code == 2 and "use names no path: 'rag'" in result.err


def test_a_bill_without_token_workloads(cli: Any, tmp_path: Path) -> None:
    """A published case: $25,000 a month of on-demand GPU training, 80 % moved to spot."""
    path = tmp_path / "training.yaml"
    path.write_text(
        """\
name: gpu-training
training_jobs:
  - name: kept-on-demand
    instance_type: p4d.24xlarge
    platform: ec2
    usd_per_hour: 25
    work_hours: 200          # 20 % of 1,000 instance-hours ($25,000 at $25)
    purchase: on_demand
  - name: moved-to-spot
    instance_type: p4d.24xlarge
    platform: ec2
    usd_per_hour: 25
    work_hours: 800
    purchase: spot
    spot: {usd_per_hour: 10, interruptions_per_hour: 0}
"""
    )
    scenario = estimate_json(cli, str(path))["scenarios"][0]
    # 200 h x $25 on demand + 800 h x $10 on spot (no interruptions: no extra time)
    assert scenario["workloads"] == []
    assert scenario["total_monthly_cost_usd"] == pytest.approx(5000 + 8000)
    assert {f["family"] for f in scenario["bill"]["families"]} == {"training"}
    assert "$13,000.00" in cli("estimate", str(path)).out


def test_spot_purchase_needs_spot_and_references_are_checked(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: x\ntraining_jobs:\n  - {name: j, instance_type: p4d.24xlarge, work_hours: 1, "
        "purchase: spot}\n"
    )
    result = cli("estimate", str(path))
    assert result.code == 2 and "purchase spot needs a `spot:` section" in result.err
    text = (
        (ROOT / PLATFORM).read_text().replace("workloads: [assistant]}", "workloads: [asistant]}")
    )
    path.write_text(text)
    result = cli("estimate", str(path))
    assert result.code == 2
    assert "roi.benefits[0].workloads[0]: no workload named 'asistant'" in result.err
    assert "did you mean 'assistant'?" in result.err


def test_budgets_are_checked_against_the_bill(cli: Any) -> None:
    result = cli("check", PLATFORM, "-f", "json")
    assert result.code == 0, result
    rows = {b["workload"]: b for b in json.loads(result.out)["budgets"]}
    scenario = estimate_json(cli, PLATFORM)["scenarios"][0]
    assert rows[None]["monthly_cost_usd"] == scenario["total_monthly_cost_usd"]
    # the assistant's budget ($6,000) is checked against its share of the bill ($4,533.36),
    # not its option alone ($1,890 before the RAG path)
    assistant = next(w for w in scenario["workloads"] if w["name"] == "assistant")
    assert rows["assistant"]["monthly_cost_usd"] == assistant["bill_monthly_cost_usd"]
    assert rows["assistant"]["monthly_cost_usd"] == pytest.approx(4533.36, abs=0.01)


def test_old_baselines_are_refused_clearly(cli: Any, tmp_path: Path) -> None:
    baseline = tmp_path / "old.json"
    document = estimate_json(cli, PLATFORM)
    document["schema_version"] = 1
    baseline.write_text(json.dumps(document))
    result = cli("diff", str(baseline), PLATFORM)
    assert result.code == 2
    assert "written before scenario totals held the whole bill" in result.err


def test_diff_splits_every_line(cli: Any, tmp_path: Path) -> None:
    head = tmp_path / "head.yaml"
    head.write_text(
        (ROOT / PLATFORM).read_text().replace("s3_storage_gb: 200", "s3_storage_gb: 400")
    )
    result = cli("diff", PLATFORM, str(head), "-f", "json")
    assert result.code == 0, result
    document = json.loads(result.out)
    changed = [ln for ln in document["scenarios"][0]["lines"] if ln["status"] != "unchanged"]
    # 200 more GB of S3 Standard at $0.023: +$4.60, all usage
    assert [
        (ln["family"], ln["item"], ln["change_usd"], ln["usage_effect_usd"]) for ln in changed
    ] == [("services", "supporting services", 4.6, 4.6)]
    assert document["total"]["change_usd"] == pytest.approx(4.6)


def test_the_european_example_names_what_it_cannot_price(cli: Any) -> None:
    """eu-central-1 has public prices for the tokens, S3, egress, Lambda and API Gateway, but
    none for Titan embeddings or OpenSearch Serverless: the bill is a named lower bound."""
    scenario = estimate_json(cli, "scenarios/needs-prices/eu-rag-assistant.yaml")["scenarios"][0]
    bill = scenario["bill"]
    assert not scenario["complete"] and bill["total_monthly_cost_usd"] is None
    [missing] = bill["missing"]
    assert "amazon.titan-embed-text-v2:0 (eu-central-1)" in missing["reason"]
    got = {(c["family"], c["name"]): c["usd"] for c in bill["components"]}
    # hand-computed: 300,000 requests x (500 in, 350 out) tokens on the eu. profile at
    # $3.30 / $16.50 per 1M; services at the eu-central-1 rates
    assert got[("inference", "input_tokens")] == pytest.approx(150 * 3.30)
    assert got[("inference", "output_tokens")] == pytest.approx(105 * 16.50)
    assert got[("services", "lambda_requests")] == pytest.approx(0.3 * 0.20)
    assert got[("services", "lambda_duration")] == pytest.approx(150_000 * 0.0000166667)
    assert got[("services", "api_gateway_requests")] == pytest.approx(0.3 * 3.70)
    assert got[("services", "data_transfer_out")] == pytest.approx(40 * 0.09)
    assert got[("services", "s3_storage")] == pytest.approx(50 * 0.0245)
    assert bill["priced_monthly_cost_usd"] == pytest.approx(
        495 + 1732.5 + 0.06 + 2.500005 + 1.11 + 3.6 + 1.225
    )


def _bill_with(total: float, usd_per_payment: float) -> dict[str, Any]:
    component = {
        "family": "training",
        "item": "tune",
        "workloads": [],
        "name": "training job",
        "quantity": 1.0,
        "unit": "job",
        "usd_per_unit": 10.0,
        "usd": 10.0,
        "sources": ["scenario"],
        "detail": None,
        "one_off": {
            "usd_per_payment": usd_per_payment,
            "paid_in_months": [0],
            "amortized_over_months": 12,
        },
        "scales_with_requests": False,
    }
    return {
        "complete": True,
        "total_monthly_cost_usd": total,
        "priced_monthly_cost_usd": 10.0,
        "one_off_usd": 120.0,
        "horizon_months": 12,
        "families": [],
        "components": [component],
        "missing": [],
        "notes": [],
    }


def test_a_bill_that_overflows_names_the_field() -> None:
    """The document's finiteness check (the JSON renderer relies on it for estimates) names
    an overflowing total or one-off payment; a finite bill passes."""
    from genai_cost.errors import ScenarioError
    from genai_cost.results.estimate import _check_bill_finite

    _check_bill_finite(_bill_with(10.0, 120.0), "s.yaml")  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=r"bill\.total_monthly_cost_usd is not a finite"):
        _check_bill_finite(_bill_with(math.inf, 120.0), "s.yaml")  # type: ignore[arg-type]
    with pytest.raises(
        ScenarioError, match=r"bill\.components\[0\]\.one_off\.usd_per_payment is not a finite"
    ):
        _check_bill_finite(_bill_with(10.0, math.inf), "s.yaml")  # type: ignore[arg-type]


def test_json_refuses_nan_in_documents_not_finite_by_construction() -> None:
    from genai_cost.report.json_report import FINITE_KINDS, render_json_bytes

    assert frozenset({"estimate"}) == FINITE_KINDS
    with pytest.raises(ValueError, match="not JSON compliant"):
        render_json_bytes({"usd": math.nan})
    assert json.loads(render_json_bytes({"usd": 1.5, "n": None})) == {"usd": 1.5, "n": None}
