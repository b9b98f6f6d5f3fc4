"""Workloads billed per unit rather than per token — images generated or edited, rerank
queries — and speech billed as audio tokens, against hand-computed figures from the bundled
snapshot's published prices:

- litellm 1.110.2 (PyPI, 2026-11-20), `model_prices_and_context_window_backup.json`:
  `amazon.nova-canvas-v1:0` output_cost_per_image 0.06; `stability.stable-diffusion-xl-v1`
  `1024-x-1024/50-steps` 0.04 and `1024-x-1024/max-steps` 0.08;
  `stability.stable-image-remove-background-v1:0` 0.07; `cohere.rerank-v3-5:0`
  input_cost_per_query 0.002; `amazon.rerank-v1:0` 0.001.
- genai-prices 0.2.3 (PyPI, 2026-11-10), `amazon.nova-sonic-v1:0`: input_mtok 0.06,
  output_mtok 0.24, input_audio_mtok 3.4, output_audio_mtok 13.6.
- Amazon Bedrock User Guide, "Pricing and search units": a rerank query "can contain up to
  100 document chunks" (so a call of 150 chunks is 2 billed queries).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cost.api import estimate
from genai_cost.catalog.importers import read_litellm
from genai_cost.catalog.lookup import Missing, unit_price
from genai_cost.catalog.snapshot import load_catalog
from genai_cost.errors import SnapshotError
from genai_cost.scenario.models import Workload
from tests.conftest import ROOT

BUNDLED = ROOT / "pricing_snapshots" / "2026-11-28"
DAY = dt.date(2026, 11, 28)


def _doc(path: Path) -> dict[str, Any]:
    return estimate([path]).to_dict()  # type: ignore[no-any-return]


def _components(doc: dict[str, Any], item: str) -> list[dict[str, Any]]:
    bill = doc["scenarios"][0]["bill"]
    return [c for c in bill["components"] if c["item"] == item]


def scenario(*workloads: str, region: str = "us-east-1") -> str:
    return f"name: t\nregion: {region}\nworkloads:\n" + "".join(workloads)


IMAGES = """
  - name: images
    kind: image_generation
    model: amazon.nova-canvas-v1:0
    images: {images_per_request: 2}
    traffic: {requests_per_month: 10000}
"""
RERANK = """
  - name: rerank
    kind: rerank
    model: cohere.rerank-v3-5:0
    rerank: {documents_per_query: DOCS}
    traffic: {requests_per_month: 100000}
"""


def test_images_are_requests_times_images_times_the_price(write_scenario: Any) -> None:
    doc = _doc(write_scenario(scenario(IMAGES)))
    (line,) = _components(doc, "images")
    # 10,000 requests × 2 images × $0.06 = $1,200
    assert (line["name"], line["unit"], line["quantity"]) == ("images", "image", 20_000)
    assert line["usd_per_unit"] == 0.06 and line["usd"] == 1200.0
    assert line["sources"] == ["litellm-1.110.2"] and line["detail"] == "per_unit"
    assert doc["scenarios"][0]["bill"]["total_monthly_cost_usd"] == 1200.0
    (row,) = doc["options"]
    assert (row["option"], row["feasible"], row["monthly_cost_usd"]) == ("per_unit", True, 1200.0)
    # $1,200 over 10,000 requests: $120 per 1,000
    assert row["cost_per_1k_requests_usd"] == pytest.approx(120.0)


@pytest.mark.parametrize(
    ("documents", "queries"), [(1, 1), (100, 1), (101, 2), (150, 2), (200, 2), (1000, 10)]
)
def test_rerank_bills_a_query_per_100_document_chunks(
    write_scenario: Any, documents: int, queries: int
) -> None:
    doc = _doc(write_scenario(scenario(RERANK.replace("DOCS", str(documents)))))
    (line,) = _components(doc, "rerank")
    assert (line["name"], line["unit"]) == ("rerank_queries", "query")
    assert line["quantity"] == 100_000 * queries
    # 100,000 calls × queries × $0.002
    assert line["usd"] == pytest.approx(100_000 * queries * 0.002)


def test_a_model_priced_by_size_and_steps_takes_the_named_variant(write_scenario: Any) -> None:
    body = """
  - name: hero
    kind: image_generation
    model: stability.stable-diffusion-xl-v1
    images: {variant: 1024x1024/max-steps}
    traffic: {requests_per_month: 5000}
"""
    doc = _doc(write_scenario(scenario(body)))
    (row,) = doc["options"]
    assert row["variant"] == "1024x1024/max-steps"
    assert row["monthly_cost_usd"] == 400.0  # 5,000 × $0.08


def test_an_unnamed_variant_or_a_region_without_a_price_is_never_priced(
    cli: Any, write_scenario: Any
) -> None:
    body = """
  - name: hero
    kind: image_generation
    model: stability.stable-diffusion-xl-v1
    traffic: {requests_per_month: 5000}
  - name: canvas
    kind: image_generation
    model: amazon.nova-canvas-v1:0
    region: eu-west-1
    traffic: {requests_per_month: 10}
  - name: odd
    kind: image_generation
    model: amazon.nova-canvas-v1:0
    images: {variant: 4096x4096/9-steps}
    traffic: {requests_per_month: 10}
"""
    result = cli("estimate", str(write_scenario(scenario(body))))
    assert result.code == 2
    assert "stability.stable-diffusion-xl-v1 is priced per image by size and steps" in result.err
    assert "1024x1024/50-steps ($0.04), 1024x1024/max-steps ($0.08)" in result.err
    assert "name one with images.variant" in result.err
    assert "no in_region per-image price for amazon.nova-canvas-v1:0 (eu-west-1)" in result.err
    assert "no per-image price for amazon.nova-canvas-v1:0 at variant '4096x4096/9-steps'" in (
        result.err
    )
    assert "Traceback" not in result.err


def test_the_lookup_names_model_region_and_unit() -> None:
    catalog = load_catalog(BUNDLED)
    missing = unit_price(catalog, "cohere.rerank-v3-5:0", "in_region", "eu-west-1", None, DAY, None)
    assert isinstance(missing, Missing)
    assert missing.reason.startswith("no in_region per-query price for cohere.rerank-v3-5:0")
    assert "eu-west-1" in missing.reason
    # a geo request without its own row is priced at the source region's in-region rate
    found = unit_price(catalog, "amazon.rerank-v1:0", "geo", "us-east-1", "us", DAY, None)
    assert not isinstance(found, Missing) and found.usd_per_unit == 0.001
    nothing = unit_price(
        catalog, "amazon.nova-lite-v1:0", "in_region", "us-east-1", None, DAY, None
    )
    assert isinstance(nothing, Missing) and "no per-unit price" in nothing.reason


def test_the_bundled_multimodal_scenario_is_the_sum_of_its_lines_to_the_cent() -> None:
    doc = _doc(ROOT / "scenarios" / "multimodal-assistant.yaml")
    bill = doc["scenarios"][0]["bill"]
    assert bill["complete"] is True
    lines = {(c["item"], c["name"]): c["usd"] for c in bill["components"]}
    expected = {
        # Nova Lite on demand $0.06 / $0.24 per 1M: 400,000 × (1,800 × 0.06 + 300 × 0.24) / 1e6
        ("answers", "input_tokens"): 43.20,
        ("answers", "output_tokens"): 28.80,
        # Guardrails on the answers: content filters 400,000 × (2 + 1) units × $0.00015,
        # denied topics 400,000 × 2 × $0.00015, word filters free
        ("answers", "guardrail_content_filters"): 180.00,
        ("answers", "guardrail_denied_topics"): 120.00,
        ("answers", "guardrail_word_filters"): 0.00,
        # Nova Sonic (genai-prices 0.2.3: text $0.06 / $0.24, audio $3.40 / $13.60 per 1M):
        # 20,000 × (600 × 0.06, 250 × 0.24, 3,500 × 3.40, 2,500 × 13.60) / 1e6
        ("voice-answers", "input_tokens"): 0.72,
        ("voice-answers", "output_tokens"): 1.20,
        ("voice-answers", "audio_input_tokens"): 238.00,
        ("voice-answers", "audio_output_tokens"): 680.00,
        # Titan Text Embeddings V2 $0.02 per 1M: 400,000 × 40 × 0.02 / 1e6
        ("query-embeddings", "input_tokens"): 0.32,
        # Nova 2 multimodal embeddings (litellm 1.110.2: $0.135 per 1M input tokens,
        # input_cost_per_image $0.00006): 2,000,000 × 20 × 0.135 / 1e6 and 2,000,000 images
        ("catalogue-photo-embeddings", "input_tokens"): 5.40,
        ("catalogue-photo-embeddings", "input_images"): 120.00,
        # 400,000 calls × ceil(150 / 100) queries × $0.002
        ("rerank-passages", "rerank_queries"): 1600.00,
        # 6,000 × 2 images × $0.06
        ("product-images", "images"): 720.00,
        # 1,500 × $0.04 (1024x1024/50-steps)
        ("hero-renders", "images"): 60.00,
        # 3,000 × $0.07
        ("background-removal", "images"): 210.00,
    }
    # the photos' backfill: 6,000,000 × (20 × 0.135 / 1e6 + $0.00006) = $376.20 once, on
    # demand (the model has no batch price), spread over the 12-month horizon
    expected[("catalogue-photo-embeddings backfill", "backfill_input_tokens")] = 16.20 / 12
    expected[("catalogue-photo-embeddings backfill", "backfill_input_images")] = 360.00 / 12
    assert {k: round(v, 2) for k, v in lines.items()} == {
        k: round(v, 2) for k, v in expected.items()
    }
    assert round(bill["total_monthly_cost_usd"], 2) == round(sum(expected.values()), 2) == 4038.99


def test_the_kind_must_fit_the_model_and_its_fields(cli: Any, write_scenario: Any) -> None:
    text_on_image_model = """
  - name: a
    model: amazon.nova-canvas-v1:0
    tokens_per_request: {input: 10, output: 10}
    traffic: {requests_per_month: 10}
  - name: b
    kind: rerank
    model: amazon.nova-lite-v1:0
    rerank: {documents_per_query: 5}
    traffic: {requests_per_month: 10}
"""
    result = cli("validate", str(write_scenario(scenario(text_on_image_model))))
    assert result.code == 2
    assert "workloads[0].model: amazon.nova-canvas-v1:0 is an image_generation model" in result.err
    assert "set kind: image_generation" in result.err
    assert "workloads[1].kind: kind rerank needs a model billed per query" in result.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    tokens_per_request: {input: 1, output: 1}\n", "tokens_per_request does not apply"),
        ("    options: [on_demand]\n", "priced by the per_unit option only"),
        ("    service_tier: flex\n", "service_tier does not apply"),
        ("    rerank: {documents_per_query: 3}\n", "rerank is for rerank workloads"),
    ],
)
def test_fields_a_per_unit_workload_cannot_use_are_errors(
    cli: Any, write_scenario: Any, extra: str, message: str
) -> None:
    result = cli("estimate", str(write_scenario(scenario(IMAGES + extra))))
    assert result.code == 2, result.err
    assert message in result.err


def test_a_text_workload_needs_tokens_and_a_rerank_one_its_documents(
    cli: Any, write_scenario: Any
) -> None:
    no_tokens = """
  - name: a
    model: amazon.nova-lite-v1:0
    traffic: {requests_per_month: 10}
"""
    result = cli("estimate", str(write_scenario(scenario(no_tokens))))
    assert result.code == 2 and "tokens_per_request is required for a text workload" in result.err
    no_docs = RERANK.replace("    rerank: {documents_per_query: DOCS}\n", "")
    result = cli("estimate", str(write_scenario(scenario(no_docs), "b.yaml")))
    assert result.code == 2 and "needs rerank.documents_per_query" in result.err


@settings(max_examples=40, deadline=None)
@given(
    requests=st.floats(min_value=0, max_value=1e9),
    images=st.floats(min_value=0.5, max_value=50),
    documents=st.integers(min_value=1, max_value=5000),
    factor=st.floats(min_value=0.1, max_value=100),
)
def test_per_unit_cost_is_linear_in_requests(
    requests: float, images: float, documents: int, factor: float
) -> None:
    """Twice the requests, twice the bill: evaluated directly through the engine."""
    from genai_cost.engine.context import PricingContext, WorkloadSpec, workload_arrays
    from genai_cost.engine.options import per_unit

    catalog = load_catalog(BUNDLED)
    workloads = [
        Workload.model_validate(
            {
                "name": "i",
                "kind": "image_generation",
                "model": "amazon.nova-canvas-v1:0",
                "images": {"images_per_request": images},
                "traffic": {"requests_per_month": requests},
            }
        ),
        Workload.model_validate(
            {
                "name": "r",
                "kind": "rerank",
                "model": "cohere.rerank-v3-5:0",
                "rerank": {"documents_per_query": documents},
                "traffic": {"requests_per_month": requests},
            }
        ),
    ]
    specs = [WorkloadSpec(0, "t", w, "us-east-1") for w in workloads]
    ctx = PricingContext(catalog, DAY, specs)
    rows = per_unit.prepare(ctx)
    w = workload_arrays(specs)
    base = per_unit.evaluate(w, rows).monthly_cost_usd
    scaled = per_unit.evaluate(w.scaled(factor), rows).monthly_cost_usd
    assert scaled == pytest.approx(base * factor, rel=1e-12, abs=1e-9)
    queries = -(-documents // 100)
    assert base[0] == pytest.approx(requests * images * 0.06)
    assert base[1] == pytest.approx(requests * queries * 0.002)


def test_the_litellm_import_reads_sizes_steps_and_profiles() -> None:
    imported = read_litellm(load_catalog(BUNDLED), dt.date(2026, 11, 20))
    rows = {(r.model_id, r.variant, r.scope, r.geography): r for r in imported.unit_prices}
    sdxl = rows[("stability.stable-diffusion-xl-v0", "512x512/50-steps", "in_region", "us")]
    assert (sdxl.usd_per_unit, sdxl.unit, sdxl.kind) == (0.018, "image", "image_generation")
    assert rows[("stability.stable-diffusion-xl-v0", "max-x-max/max-steps", "in_region", "us")]
    canvas_geo = rows[("amazon.nova-canvas-v1:0", "", "geo", "us")]
    assert canvas_geo.usd_per_unit == 0.06 and canvas_geo.notes.startswith(
        "litellm key us.amazon.nova-canvas-v1:0"
    )
    upscale = rows[("stability.stable-fast-upscale-v1:0", "", "in_region", "us")]
    assert (upscale.kind, upscale.usd_per_unit) == ("image_edit", 0.03)
    rerank = rows[("cohere.rerank-v3-5:0", "", "in_region", "us")]
    assert (rerank.kind, rerank.unit, rerank.usd_per_unit) == ("rerank", "query", 0.002)
    assert imported.models["cohere.rerank-v3-5:0"].kind == "rerank"


def _copy_snapshot(tmp_path: Path) -> Path:
    target = tmp_path / "snap"
    shutil.copytree(BUNDLED, target)
    return target


def test_a_unit_price_for_an_unknown_model_or_the_wrong_kind_is_rejected(tmp_path: Path) -> None:
    snap = _copy_snapshot(tmp_path)
    table = snap / "bedrock_unit_prices.csv"
    text = table.read_text()
    table.write_text(
        text + "acme.nothing-v1,rerank,,query,in_region,us,*,0.5,litellm-1.110.2,2026-11-20,,,\n"
    )
    with pytest.raises(
        SnapshotError, match=re.escape("unit price for unknown model 'acme.nothing-v1'")
    ):
        load_catalog(snap)
    table.write_text(
        text.replace("cohere.rerank-v3-5:0,rerank,", "cohere.rerank-v3-5:0,image_edit,")
    )
    with pytest.raises(SnapshotError, match="has kind image_edit, but bedrock_models"):
        load_catalog(snap)
    table.write_text(text + text.splitlines()[1] + "\n")
    with pytest.raises(SnapshotError, match="bedrock_unit_prices: two rows for"):
        load_catalog(snap)


def test_pricing_show_and_coverage_list_the_per_unit_models(cli: Any) -> None:
    result = cli("pricing", "show", "stability.stable-diffusion-xl-v1", "-f", "json")
    doc = json.loads(result.out)
    assert [(r["variant"], r["usd_per_unit"]) for r in doc["unit_prices"]] == [
        ("1024x1024/50-steps", 0.04),
        ("1024x1024/max-steps", 0.08),
    ]
    assert "litellm-1.110.2" in doc["sources"]
    shown = cli("pricing", "show", "cohere.rerank-v3-5:0")
    assert "a rerank model, billed per query" in shown.out
    coverage = json.loads(cli("pricing", "coverage", "--region", "us-east-1", "-f", "json").out)
    priced = {r["subject"]: r["priced"] for r in coverage["models"]}
    assert priced["cohere.rerank-v3-5:0"] == ["in-region", "per query"]
    assert priced["amazon.nova-canvas-v1:0"] == ["in-region", "us. profile", "per image"]


def test_a_model_swap_between_image_models_is_an_optimize_lever(
    cli: Any, write_scenario: Any
) -> None:
    body = IMAGES + "    optimize: {candidate_models: [stability.stable-image-core-v1:0]}\n"
    result = cli("optimize", str(write_scenario(scenario(body))), "-f", "json")
    assert result.code == 0, result.err
    levers = json.loads(result.out)["scenarios"][0]["levers"]
    swap = next(lever for lever in levers if "stable-image-core" in lever["action"])
    # 10,000 × 2 images × ($0.06 − $0.04)
    assert swap["monthly_saving_usd"] == pytest.approx(400.0)


def test_cloudwatch_calibration_measures_images_per_request(cli: Any, tmp_path: Path) -> None:
    """An image model publishes Invocations and OutputImageCount (Bedrock user guide,
    "Monitor bedrock-runtime inference using CloudWatch metrics") and no token counts: it is
    calibrated as an image workload, billed per image, beside a text model."""
    from genai_cost.tracking.cloudwatch import label

    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    stamps = [
        (start + dt.timedelta(days=d, hours=h)).isoformat() for d in range(30) for h in (9, 15)
    ]
    series = {
        ("Invocations", "amazon.nova-canvas-v1:0"): 10.0,
        ("OutputImageCount", "amazon.nova-canvas-v1:0"): 30.0,  # 3 images a request
        ("Invocations", "amazon.nova-lite-v1:0"): 100.0,
        ("InputTokenCount", "amazon.nova-lite-v1:0"): 100_000.0,  # 1,000 a request
        ("OutputTokenCount", "amazon.nova-lite-v1:0"): 20_000.0,  # 200 a request
    }
    results = [
        {
            "Id": f"q{i}",
            "Label": label(metric, "Sum", model),
            "Timestamps": stamps,
            "Values": [value] * len(stamps),
            "StatusCode": "Complete",
        }
        for i, ((metric, model), value) in enumerate(series.items())
    ]
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"MetricDataResults": results, "Messages": []}))
    out = tmp_path / "measured.yaml"
    args = ["--cloudwatch-file", str(metrics), "--region", "us-east-1", "--month", "2026-11"]
    result = cli("calibrate", *args, "-o", str(out))
    assert result.code == 0, result.err
    import yaml

    written = {w["model"]: w for w in yaml.safe_load(out.read_text())["workloads"]}
    canvas = written["amazon.nova-canvas-v1:0"]
    assert canvas["kind"] == "image_generation"
    assert canvas["images"] == {"images_per_request": 3}
    assert "tokens_per_request" not in canvas and "options" not in canvas
    # 60 hours × 10 requests in 30 days: 600 / 30 × 730 / 24 a month
    assert canvas["traffic"]["requests_per_month"] == pytest.approx(600 / 30 * 730 / 24)
    assert written["amazon.nova-lite-v1:0"]["tokens_per_request"]["input"] == 1000
    doc = _doc(out)
    (images,) = _components(doc, canvas["name"])
    # 1,800 images in the period × $0.06, over 30 days × 730 / 24
    assert images["usd"] == pytest.approx(1800 * 0.06 / 30 * 730 / 24)


SONIC = """
  - name: calls
    model: amazon.nova-sonic-v1:0
    tokens_per_request: {input: 500, output: 300, audio_input: 4000, audio_output: 3000}
    traffic: {requests_per_month: 100000}
"""


def test_speech_is_billed_as_audio_tokens_apart_from_text(write_scenario: Any) -> None:
    doc = _doc(write_scenario(scenario(SONIC)))
    lines = {
        c["name"]: (c["quantity"], c["usd_per_unit"], c["usd"]) for c in _components(doc, "calls")
    }
    # 100,000 requests: 50 M text in × $0.06, 30 M text out × $0.24, 400 M audio in × $3.40,
    # 300 M audio out × $13.60
    assert lines == {
        "input_tokens": (50.0, 0.06, 3.0),
        "output_tokens": (30.0, 0.24, 7.2),
        "audio_input_tokens": (400.0, 3.4, 1360.0),
        "audio_output_tokens": (300.0, 13.6, 4080.0),
    }
    assert round(doc["scenarios"][0]["bill"]["total_monthly_cost_usd"], 2) == 5450.20
    # on demand is the only purchase the sources price audio tokens for
    assert [r["option"] for r in doc["options"]] == ["on_demand"]


def test_audio_tokens_without_a_price_are_never_priced_as_text(
    cli: Any, write_scenario: Any
) -> None:
    body = """
  - name: lite
    model: amazon.nova-lite-v1:0
    tokens_per_request: {input: 500, output: 300, audio_input: 4000}
    traffic: {requests_per_month: 100000}
"""
    result = cli("estimate", str(write_scenario(scenario(body))))
    assert result.code == 2
    assert (
        "no on-demand price for audio input tokens of amazon.nova-lite-v1:0 (in_region, us-east-1)"
        in result.err
    )
    batch = SONIC.replace("traffic:", "options: [on_demand, batch]\n    traffic:")
    result = cli("estimate", str(write_scenario(scenario(batch), "b.yaml")))
    assert result.code == 2 and "media inputs are priced on demand only" in result.err


def test_speech_cost_is_linear_in_volume_through_the_sweeps(write_scenario: Any) -> None:
    """The break-even sweep tiles the audio tokens with the rows: twice the calls, twice the
    audio lines (engine_sweep evaluates the same rows at other volumes)."""
    from genai_cost.decisions.curves import engine_sweep

    result = estimate([write_scenario(scenario(SONIC))])
    costs = engine_sweep(result, 0, [100_000.0, 200_000.0])
    assert list(costs) == ["on_demand"]
    assert list(costs["on_demand"]) == pytest.approx([5450.20, 10900.40])


def _log(model: str, team: str, tokens: tuple[int, int], n: int = 1) -> str:
    record = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": "2026-11-02T11:00:00Z",
        "accountId": "111122223333",
        "identity": {"arn": "arn:aws:sts::111122223333:assumed-role/App/s"},
        "region": "us-east-1",
        "requestId": f"00000000-0000-4000-8000-00000000000{n}",
        "operation": "Converse",
        "modelId": model,
        "input": {"inputContentType": "application/json", "inputTokenCount": tokens[0]},
        "output": {"outputContentType": "application/json", "outputTokenCount": tokens[1]},
        "requestMetadata": {"team": team},
    }
    return json.dumps(record) + "\n"


def test_logs_of_a_speech_model_are_never_priced_as_text(cli: Any, tmp_path: Path) -> None:
    """Invocation logs' token counts do not separate audio from text: chargeback leaves a
    speech model's records unpriced (with the reason) and calibrate warns on the workload."""
    logs = tmp_path / "logs.jsonl"
    logs.write_text(
        _log("amazon.nova-sonic-v1:0", "voice", (5000, 3000), 1)
        + _log("amazon.nova-lite-v1:0", "search", (1000, 200), 2)
    )
    result = cli("allocate", str(logs), "--tenant", "metadata:team", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    tenants = {t["tenant"]: t for t in doc["rows"]}
    assert set(tenants) == {"search"}
    assert doc["records"] == {"read": 2, "allocated": 1, "not_allocated": 1}
    # Nova Lite: (1,000 × 0.06 + 200 × 0.24) / 1e6
    assert tenants["search"]["cost_usd"] == pytest.approx(0.000108)
    reasons = " ".join(str(x["reason"]) for x in doc["problems"])
    assert "amazon.nova-sonic-v1:0 bills speech as audio tokens" in reasons
    measured = tmp_path / "measured.yaml"
    result = cli("calibrate", str(logs), "-o", str(measured))
    assert result.code == 0, result.err
    assert "amazon.nova-sonic-v1:0 bills speech as audio tokens" in result.err
    assert "# CAUTION: this model bills speech as audio tokens" in measured.read_text()


def test_cloudwatch_calibration_writes_the_catalogs_image_kind(cli: Any, tmp_path: Path) -> None:
    from genai_cost.tracking.cloudwatch import label

    stamps = ["2026-11-01T10:00:00+00:00", "2026-11-02T10:00:00+00:00"]
    model = "stability.stable-image-remove-background-v1:0"
    results = [
        {
            "Id": f"q{i}",
            "Label": label(metric, "Sum", model),
            "Timestamps": stamps,
            "Values": [value, value],
            "StatusCode": "Complete",
        }
        for i, (metric, value) in enumerate((("Invocations", 4.0), ("OutputImageCount", 4.0)))
    ]
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"MetricDataResults": results, "Messages": []}))
    out = tmp_path / "m.yaml"
    args = ["--cloudwatch-file", str(metrics), "--region", "us-east-1", "--month", "2026-11"]
    assert cli("calibrate", *args, "-o", str(out)).code == 0
    import yaml

    (w,) = yaml.safe_load(out.read_text())["workloads"]
    assert (w["kind"], w["images"]["images_per_request"]) == ("image_edit", 1)


GUARDED = """
  - name: chat
    model: amazon.nova-lite-v1:0
    tokens_per_request: {input: 1000, output: 200}
    traffic: {requests_per_month: 100000}
    guardrails:
      input: {text_units: 2, policies: [content_filters, denied_topics, sensitive_information]}
      output: {text_units: 1, policies: [content_filters, contextual_grounding, word_filters]}
"""


def test_guardrails_bill_each_policy_per_text_unit_per_direction(write_scenario: Any) -> None:
    """litellm 1.110.2 `bedrock/guardrails`: content filters and denied topics $0.00015 a text
    unit, sensitive information and contextual grounding $0.0001, word filters $0."""
    doc = _doc(write_scenario(scenario(GUARDED)))
    bill = doc["scenarios"][0]["bill"]
    lines = {
        c["name"]: (c["family"], c["quantity"], c["usd"], c["scales_with_requests"])
        for c in bill["components"]
        if c["name"].startswith("guardrail_")
    }
    assert lines == {
        # 100,000 × (2 + 1) units × $0.00015
        "guardrail_content_filters": ("services", 300_000, 45.0, True),
        "guardrail_denied_topics": ("services", 200_000, 30.0, True),
        "guardrail_sensitive_information": ("services", 200_000, 20.0, True),
        "guardrail_contextual_grounding": ("services", 100_000, 10.0, True),
        "guardrail_word_filters": ("services", 100_000, 0.0, True),  # a published $0
    }
    # + Nova Lite 100,000 × (1,000 × 0.06 + 200 × 0.24) / 1e6 = $10.80
    assert bill["complete"] is True and round(bill["total_monthly_cost_usd"], 2) == 115.80


def test_guardrails_without_a_price_make_the_total_incomplete(write_scenario: Any) -> None:
    body = GUARDED.replace("amazon.nova-lite-v1:0", "eu.amazon.nova-lite-v1:0")
    doc = _doc(write_scenario(scenario(body, region="eu-west-1")))
    bill = doc["scenarios"][0]["bill"]
    assert bill["complete"] is False
    missing = {m["name"]: m["reason"] for m in bill["missing"]}
    assert (
        "no public price for bedrock_guardrails content filters in eu-west-1"
        in (missing["guardrail_content_filters"])
    )
    # word filters are free everywhere the source prices them, and missing elsewhere too
    assert "guardrail_word_filters" in missing


@pytest.mark.parametrize(
    ("guardrails", "message"),
    [
        ("{}", "guardrails needs input, output or images_per_request"),
        ("{input: {text_units: 1, policies: []}}", "at least 1 item"),
        ("{input: {text_units: 1, policies: [content_filters, content_filters]}}", "twice"),
        ("{input: {text_units: 1, policies: [content_filter]}}", "content_filters"),
    ],
)
def test_guardrails_are_validated(
    cli: Any, write_scenario: Any, guardrails: str, message: str
) -> None:
    body = f"""
  - name: chat
    model: amazon.nova-lite-v1:0
    tokens_per_request: {{input: 1000, output: 200}}
    traffic: {{requests_per_month: 100000}}
    guardrails: {guardrails}
"""
    result = cli("estimate", str(write_scenario(scenario(body))))
    assert result.code == 2 and message in result.err, result.err


def test_the_litellm_import_reads_the_guardrail_policies() -> None:
    imported = read_litellm(load_catalog(BUNDLED), dt.date(2026, 11, 20))
    prices = {(r.service, r.item): (r.unit, r.usd_per_unit) for r in imported.service_prices}
    assert prices[("bedrock_guardrails", "content_filters")] == ("text unit", 0.00015)
    assert prices[("bedrock_guardrails", "content_filters_image")] == ("image", 0.00075)
    assert prices[("bedrock_guardrails", "word_filters")] == ("text unit", 0.0)
    assert len(prices) == 8


def test_media_inputs_are_billed_per_image_and_per_second(write_scenario: Any) -> None:
    """litellm 1.110.2: Nova 2 multimodal embeddings $0.00006 per input image (and $0.135 per
    1M tokens); TwelveLabs Pegasus 1.2 $0.00049 per second of input video, $7.50 per 1M
    output tokens."""
    body = """
  - name: photos
    model: amazon.nova-2-multimodal-embeddings-v1:0
    tokens_per_request: {input: 20, output: 0}
    media_per_request: {images: 1}
    traffic: {requests_per_month: 1000000}
  - name: video-qa
    model: us.twelvelabs.pegasus-1-2-v1:0
    tokens_per_request: {input: 0, output: 300}
    media_per_request: {video_seconds: 120}
    traffic: {requests_per_month: 5000}
"""
    doc = _doc(write_scenario(scenario(body)))
    photos = {c["name"]: (c["quantity"], c["unit"], c["usd"]) for c in _components(doc, "photos")}
    assert photos == {
        "input_tokens": (20.0, "1M tokens", 2.7),
        "input_images": (1e6, "image", 60.0),
    }
    video = {c["name"]: (c["quantity"], c["usd"]) for c in _components(doc, "video-qa")}
    # 5,000 × 120 s × $0.00049 = $294; 5,000 × 300 × 7.50 / 1e6 = $11.25
    assert video == {"output_tokens": (1.5, 11.25), "input_video_seconds": (600_000.0, 294.0)}


def test_media_a_model_does_not_price_is_never_free(cli: Any, write_scenario: Any) -> None:
    body = """
  - name: video
    model: amazon.nova-2-multimodal-embeddings-v1:0
    tokens_per_request: {input: 20, output: 0}
    media_per_request: {images: 1, video_seconds: 10}
    traffic: {requests_per_month: 100}
  - name: lite-video
    model: amazon.nova-lite-v1:0
    tokens_per_request: {input: 20, output: 10}
    media_per_request: {video_seconds: 10}
    traffic: {requests_per_month: 100}
"""
    result = cli("estimate", str(write_scenario(scenario(body))))
    assert result.code == 2
    assert "no on-demand price for input video seconds of amazon.nova-lite-v1:0" in result.err
    # the multimodal embedding model prices video: only Nova Lite fails
    assert "workload 'video'" not in result.err


BACKFILL = """
  - name: docs
    model: MODEL
    tokens_per_request: {input: 400, output: 0}
    traffic: {requests_per_month: 100000}
    backfill: {requests: 50000000, month: 2}
"""


@pytest.mark.parametrize(
    ("model", "option", "usd", "on_demand_per_1m"),
    [
        # Titan Text Embeddings V2: batch $0.01 per 1M (on demand $0.02): 20,000 M × 0.01
        ("amazon.titan-embed-text-v2:0", "batch", 200.0, 0.02),
        # Cohere Embed English v3 has no batch price: on demand, 20,000 M × $0.10
        ("cohere.embed-english-v3", "on_demand", 2000.0, 0.10),
    ],
)
def test_a_backfill_is_priced_once_as_offline_work(
    write_scenario: Any, model: str, option: str, usd: float, on_demand_per_1m: float
) -> None:
    doc = _doc(write_scenario(scenario(BACKFILL.replace("MODEL", model))))
    (line,) = _components(doc, "docs backfill")
    assert line["one_off"] == {
        "usd_per_payment": usd,
        "paid_in_months": [2],
        "amortized_over_months": 12,
    }
    assert line["detail"].startswith(option)
    assert line["usd"] == pytest.approx(usd / 12)
    # the monthly traffic is still priced as the interactive workload it is: on demand,
    # 100,000 × 400 tokens = 40 M a month
    (row,) = [r for r in doc["options"] if r["option"] == "on_demand"]
    assert row["monthly_cost_usd"] == pytest.approx(40 * on_demand_per_1m)


def test_a_backfill_outside_the_horizon_is_an_error(cli: Any, write_scenario: Any) -> None:
    body = BACKFILL.replace("MODEL", "amazon.titan-embed-text-v2:0").replace(
        "month: 2", "month: 12"
    )
    result = cli("estimate", str(write_scenario(scenario(body))))
    assert result.code == 2
    assert "backfill.month 12 is not within the horizon (months 0 to 11)" in result.err


def test_models_lists_each_models_kind_and_where_it_is_priced(cli: Any) -> None:
    result = cli("models", "--search", "rerank", "-f", "json")
    rows = {r["model_id"]: r for r in json.loads(result.out)["models"]}
    assert rows["cohere.rerank-v3-5:0"]["kind"] == "rerank"
    assert rows["cohere.rerank-v3-5:0"]["on_demand_priced_for"] == "in_region:us"
    # --region keeps the models priced there, per unit included
    eu = json.loads(cli("models", "--region", "eu-west-1", "--search", "rerank", "-f", "json").out)
    assert eu["models"] == []


def test_the_bills_image_line_items_are_allocated_as_other_bedrock_cost(tmp_path: Path) -> None:
    """Image usage types (the Price List's `USE1-TitanImageGeneratorG1-T2I-1024-Standard`, a
    Marketplace model's `USE1-MP:USE1_created_image_stable_image_core-Units`) are Bedrock spend:
    chargeback from the bill allocates their cost (never counted as tokens)."""
    from genai_cost.tracking.cur_allocate import run_cur_allocation
    from tests.curgen import line_item, write_cur2_parquet

    items = [
        line_item(
            day="2026-10-01",
            usage_type="USE1-TitanImageGeneratorG1-T2I-1024-Standard",
            usage_amount=100,
            unit="Units",
            cost=1.0,
            resource_tags={"user_team": "creative"},
        ),
        line_item(
            day="2026-10-01",
            product_code="prodview-stability-core",
            usage_type="USE1-MP:USE1_created_image_stable_image_core-Units",
            usage_amount=50,
            unit="Units",
            cost=2.0,
            product={"product_name": "Stable Image Core (Amazon Bedrock Edition)"},
            resource_tags={"user_team": "creative"},
        ),
        line_item(
            day="2026-10-01",
            usage_type="USE1-NovaLite-input-tokens",
            usage_amount=1000,
            unit="1K tokens",
            cost=0.06,
            resource_tags={"user_team": "search"},
        ),
    ]
    data = tmp_path / "export/data/BILLING_PERIOD=2026-10"
    write_cur2_parquet(data / "export-00001.snappy.parquet", items)
    document, _ = run_cur_allocation([str(tmp_path / "export")], tenant="tag:team")
    rows = {r["tenant"]: r for r in document["rows"]}
    creative = rows["creative"]
    assert creative["cost_usd"] == pytest.approx(3.0)
    assert creative["other_cost_usd"] == pytest.approx(3.0)
    assert creative["token_cost_usd"] == 0
    assert creative["input_tokens"] == 0 and creative["output_tokens"] == 0
    assert rows["search"]["input_tokens"] == 1_000_000
    assert document["total"]["cost_usd"] == pytest.approx(3.06)


def test_a_workloads_table_row_of_an_image_model_says_where_it_belongs(
    cli: Any, tmp_path: Path
) -> None:
    table = tmp_path / "t.csv"
    table.write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        "t1,amazon.nova-canvas-v1:0,10,10,100\n"
    )
    result = cli("estimate", "--workloads", str(table), "--region", "us-east-1")
    assert result.code == 2
    assert "row 1, column 'model': amazon.nova-canvas-v1:0 is an image_generation model" in (
        result.err
    )
    assert "write this one in the scenario's workloads with kind: image_generation" in result.err


def test_a_price_book_prices_images_where_the_snapshot_has_none(
    cli: Any, write_scenario: Any, tmp_path: Path
) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        "name: eu-images\nas_of: 2026-11-01\ndiscounts: [{percent: 10, applies_to: bedrock}]\n"
        "bedrock_unit_prices:\n"
        "  - {model_id: amazon.nova-canvas-v1:0, kind: image_generation, unit: image,"
        " geography: eu, usd_per_unit: 0.07}\n"
    )
    eu = scenario(IMAGES.replace("amazon.nova-canvas", "eu.amazon.nova-canvas"), region="eu-west-1")
    path = write_scenario(eu)
    without = cli("estimate", str(path))
    assert without.code == 2
    assert "give yours in a price book's bedrock_unit_prices row" in without.err
    result = cli("estimate", str(path), "--price-book", str(book), "-f", "json")
    assert result.code == 0, result.err
    (line,) = json.loads(result.out)["scenarios"][0]["bill"]["components"]
    # the book's own row (a discount applies to the snapshot's rows, not the book's):
    # 10,000 × 2 images × $0.07
    assert (line["usd_per_unit"], line["usd"]) == (0.07, 1400.0)
    assert line["sources"] == ["pricebook:eu-images"]
    us = cli(
        "estimate", str(write_scenario(scenario(IMAGES), "us.yaml")), "--price-book", str(book)
    )
    assert "$1,080.00" in us.out  # the snapshot's $0.06 less 10 %: 20,000 × $0.054


def test_a_price_book_unit_row_must_have_the_models_kind(cli: Any, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        "name: wrong\nas_of: 2026-11-01\nbedrock_unit_prices:\n"
        "  - {model_id: cohere.rerank-v3-5:0, kind: image_generation, unit: image,"
        " usd_per_unit: 0.07}\n"
    )
    scenario_file = tmp_path / "s.yaml"
    scenario_file.write_text(scenario(RERANK.replace("DOCS", "10")))
    result = cli("estimate", str(scenario_file), "--price-book", str(book))
    assert result.code == 2
    assert "cohere.rerank-v3-5:0 is a rerank model" in result.err
    assert "write kind: rerank" in result.err


def test_token_changes_never_reach_a_workload_billed_per_unit(
    cli: Any, write_scenario: Any
) -> None:
    """A customization path, a shared endpoint, an imported model or an uncertain token count
    changes text workloads: naming an image workload there is an error, and a customization
    that names no workloads applies to the text ones only."""
    chat = """
  - name: chat
    model: amazon.nova-lite-v1:0
    tokens_per_request: {input: 100, output: 10}
    traffic: {requests_per_month: 1000}
"""
    named = (
        scenario(IMAGES, chat)
        + "customization:\n  workloads: [images, chat]\n  paths:\n"
        + "    - {name: p, kind: prompting, extra_input_tokens: 10}\n"
    )
    result = cli("validate", str(write_scenario(named)))
    assert result.code == 2
    assert (
        "customization.workloads[0]: 'images' is billed per image (kind image_generation); "
        "a customization path applies only to text workloads"
    ) in result.err
    default = (
        scenario(IMAGES, chat)
        + "customization:\n  paths:\n    - {name: p, kind: prompting, extra_input_tokens: 10}\n"
    )
    doc = _doc(write_scenario(default, "default.yaml"))
    assert doc["scenarios"][0]["customization"]["workloads"] == ["chat"]
    (images,) = _components(doc, "images")
    assert images["usd"] == 1200.0  # the image workload's bill is untouched
