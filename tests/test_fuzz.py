"""Fuzzing every loader: random documents and random mutations of valid ones.

Whatever is fed to the tool — scenarios, price books, budgets, capacity and profiles files,
snapshot manifests, Price List offer files, invocation logs — it answers with exit code 0 (or 1
for a check) and well-formed output, or exit code 2 and an `error:` message naming the file.
Never a traceback, never exit 3. Seeded and bounded (hypothesis `derandomize`), so CI runs the
same examples every time.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE_SNAPSHOT, ROOT

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        ["us-east-1", "amazon.nova-lite-v1:0", "on_demand", "1e400", "-1", "0", "yes", "~"]
    ),
)
KEYS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "name",
            "workloads",
            "model",
            "traffic",
            "tokens_per_request",
            "input",
            "output",
            "requests_per_month",
            "hourly_profile",
            "region",
            "budget",
            "monthly_usd",
            "tenants",
            "capacity",
            "profiles",
            "as_of",
            "discounts",
            "percent",
            "usd_per_hour",
            "kind",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=40,
)


def assert_clean(result: Any, path: Path | None = None) -> None:
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.err and "internal error" not in result.err, result
    if result.code == 2:
        assert result.err.startswith("error: "), result
        if path is not None:
            assert path.name in result.err or "<" in result.err, result


def dump(value: Any) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except yaml.YAMLError:
        return repr(value)


def mutate(document: Any, data: st.DataObject) -> Any:
    """One random change somewhere in the document: replace, delete, duplicate or add."""
    document = copy.deepcopy(document)
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in list(node):
                paths.append((node, key))
                walk(node[key])
        elif isinstance(node, list):
            for i in range(len(node)):
                paths.append((node, i))
                walk(node[i])

    walk(document)
    if not paths:
        return data.draw(VALUES)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(paths))
        try:
            action = data.draw(st.sampled_from(["replace", "delete", "duplicate", "add"]))
            if action == "replace":
                parent[key] = data.draw(VALUES)
            elif action == "delete":
                del parent[key]
            elif action == "duplicate" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            elif isinstance(parent, dict):
                parent[data.draw(KEYS)] = data.draw(VALUES)
        except (KeyError, IndexError):
            continue
    return document


BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


@FUZZ
@given(data=st.data())
def test_mutated_bundled_scenarios(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    base = yaml.safe_load(data.draw(st.sampled_from(BUNDLED)).read_text())
    path = tmp_path / "mutated.yaml"
    path.write_text(dump(mutate(base, data)))
    result = cli("estimate", str(path), "-f", "json")
    assert_clean(result, path)
    if result.code == 0:
        document = json.loads(result.out)  # no NaN or Infinity (json.loads would accept them)
        assert "NaN" not in result.out and "Infinity" not in result.out
        for s in document["scenarios"]:
            total = s["total_monthly_cost_usd"]
            assert total is None or math.isfinite(total)


@FUZZ
@given(value=VALUES)
def test_random_yaml_as_a_scenario(cli: Any, tmp_path: Path, value: Any) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(dump(value))
    assert_clean(cli("validate", str(path)), path)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_a_scenario(cli: Any, tmp_path: Path, text: str) -> None:
    path = tmp_path / "text.yaml"
    path.write_text(text)
    assert_clean(cli("validate", str(path)), path)


PRICE_BOOK = {
    "name": "acme",
    "as_of": dt.date(2026, 11, 1),
    "discounts": [{"percent": 8, "applies_to": "bedrock"}],
    "bedrock_on_demand": [
        {
            "model_id": "amazon.nova-lite-v1:0",
            "region": "us-east-1",
            "usd_per_1m_input_tokens": 0.05,
            "usd_per_1m_output_tokens": 0.2,
        }
    ],
    "instance_prices": [
        {
            "platform": "ec2",
            "instance_type": "p5.4xlarge",
            "region": "us-east-1",
            "purchase": "reserved_1y",
            "usd_per_hour": 4.2,
        }
    ],
}


@FUZZ
@given(data=st.data())
def test_mutated_price_books(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(dump(mutate(PRICE_BOOK, data)))
    result = cli(
        "estimate",
        str(ROOT / "scenarios/support-chatbot.yaml"),
        "--price-book",
        str(path),
        "-f",
        "json",
    )
    assert_clean(result, path)


RECORD = {
    "schemaType": "ModelInvocationLog",
    "schemaVersion": "1.0",
    "timestamp": "2026-01-10T12:00:00Z",
    "accountId": "111122223333",
    "identity": {"arn": "arn:aws:sts::111122223333:assumed-role/App/s"},
    "region": "us-east-1",
    "requestId": "r",
    "operation": "Converse",
    "modelId": "acme.chat-v1:0",
    "input": {"inputTokenCount": 1000, "cacheReadInputTokenCount": 10},
    "output": {"outputTokenCount": 100},
    "requestMetadata": {"team": "search"},
}
TRACKING_FILES = {
    "--budgets": {"tenants": {"search": {"monthly_usd": 10, "alert_at_percent": [50, 80]}}},
    "--capacity": {
        "capacity": [
            {
                "name": "pt",
                "kind": "provisioned",
                "model": "acme.chat-v1:0",
                "region": "us-east-1",
                "term": "1_month",
                "model_units": 1,
                "hours": 10,
                "model_ids": ["acme.chat-v1:0"],
            }
        ]
    },
    "--profiles": {
        "profiles": {
            "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc": {
                "model": "acme.chat-v1:0",
                "tags": {"team": "ml"},
            }
        }
    },
}


@FUZZ
@given(data=st.data(), flag=st.sampled_from(sorted(TRACKING_FILES)))
def test_mutated_tracking_files(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, data: st.DataObject, flag: str
) -> None:
    logs = tmp_path / "logs.json"
    logs.write_text(json.dumps(RECORD) + "\n")
    path = tmp_path / "file.yaml"
    path.write_text(dump(mutate(TRACKING_FILES[flag], data)))
    result = cli("allocate", str(logs), "--tenant", "metadata:team", flag, str(path), "-f", "json")
    assert_clean(result, path)


@FUZZ
@given(data=st.data())
def test_mutated_log_records(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, data: st.DataObject
) -> None:
    lines = [json.dumps(mutate(RECORD, data), default=str) for _ in range(3)]
    lines.append(data.draw(st.text(max_size=80)).replace("\n", " "))
    logs = tmp_path / "logs.json"
    logs.write_text("\n".join(lines) + "\n")
    result = cli("allocate", str(logs), "--tenant", "metadata:team", "-f", "json")
    assert_clean(result)
    if result.code == 0:
        document = json.loads(result.out)
        assert document["records"]["read"] >= document["records"]["allocated"]
        assert math.isfinite(document["total"]["cost_usd"])


@FUZZ
@given(data=st.data())
def test_mutated_offer_files(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    from tests.test_refresh import fixture_items

    items = fixture_items()[:3]
    offer = {
        "offerCode": "AmazonBedrock",
        "publicationDate": "2026-11-20T00:00:00Z",
        "products": {i["product"]["sku"]: i["product"] for i in items},
        "terms": {"OnDemand": {i["product"]["sku"]: i["terms"]["OnDemand"] for i in items}},
    }
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(mutate(offer, data), default=str))
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
        str(tmp_path / "new"),
        "--force",
        "-f",
        "json",
    )
    assert_clean(result)


@FUZZ
@given(data=st.data())
def test_mutated_snapshot_manifests(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    snapshot = tmp_path / "snap"
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(FIXTURE_SNAPSHOT, snapshot)
    manifest = yaml.safe_load((FIXTURE_SNAPSHOT / "manifest.yaml").read_text())
    (snapshot / "manifest.yaml").write_text(dump(mutate(manifest, data)))
    from genai_cost.catalog.snapshot import _CATALOG_CACHE

    _CATALOG_CACHE.clear()
    assert_clean(cli("models", "--snapshot", str(snapshot), "-f", "json"))


@pytest.fixture(autouse=True)
def _fresh_catalog_cache() -> Any:
    from genai_cost.catalog.snapshot import _CATALOG_CACHE

    yield
    _CATALOG_CACHE.clear()
