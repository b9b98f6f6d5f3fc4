"""Fuzzing the rest of what reads user data (issue 26): diff baselines, bills in each layout,
logs through calibrate and variance, S3 keys, and the decision commands' numbers.

The rule is the one of tests/test_fuzz.py: exit 0 (or 1 for a check) with finite numbers, or
exit 2 with an `error:` message — never exit 3, and never a file outside the intended folder.
Seeded and bounded (hypothesis `derandomize`), so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.curgen import line_item, write_cur2_csv, write_cur2_parquet, write_legacy_csv
from tests.test_allocate import record
from tests.test_fuzz import FUZZ, assert_clean, mutate

NOVA = "amazon.nova-lite-v1:0"
CHATBOT = ROOT / "scenarios" / "support-chatbot.yaml"


def finite_numbers(value: Any) -> bool:
    if isinstance(value, dict):
        return all(finite_numbers(v) for v in value.values())
    if isinstance(value, list):
        return all(finite_numbers(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    from genai_cost.api import estimate

    document: dict[str, Any] = estimate([CHATBOT]).to_dict()
    return json.loads(json.dumps(document))


NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e308, max_value=1e308),
    st.sampled_from([-1000.0, 1e308, 1.7e308, 5e-324, -0.0, 0, 2**63, -1]),
)


def tweak_numbers(document: Any, data: st.DataObject) -> Any:
    """Replace a few numbers of the document with hostile ones (negative, huge, tiny)."""
    document = copy.deepcopy(document)
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, dict | list):
                walk(value)
            elif isinstance(value, float | int) and not isinstance(value, bool):
                places.append((node, key))

    walk(document)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(places))
        parent[key] = data.draw(NUMBERS)
    return document


@FUZZ
@given(data=st.data())
def test_mutated_diff_baselines(
    cli: Any, tmp_path: Path, baseline: dict[str, Any], data: st.DataObject
) -> None:
    mutated = tweak_numbers(baseline, data) if data.draw(st.booleans()) else mutate(baseline, data)
    base = tmp_path / "base.json"
    base.write_text(json.dumps(mutated, default=str))
    result = cli("diff", str(base), str(CHATBOT), "-f", "json", "--fail-on-increase", "10%")
    assert_clean(result, base)
    if result.code in (0, 1):
        assert finite_numbers(json.loads(result.out))


def test_a_tampered_baseline_is_refused(cli: Any, tmp_path: Path, baseline: dict[str, Any]) -> None:
    """A −$1,000 component made a rise read "−100.8 % — within limits"; a component of 1e308
    showed the base as $0.00. Both are refused, naming the field."""
    for value, message in ((-1000.0, "negative usd"), (1e308, "not a finite figure")):
        tampered = copy.deepcopy(baseline)
        tampered["scenarios"][0]["bill"]["components"][0]["usd"] = value
        base = tmp_path / "base.json"
        base.write_text(json.dumps(tampered))
        result = cli("diff", str(base), str(CHATBOT), "--fail-on-increase", "10%")
        assert result.code == 2, result
        assert "scenarios[0].bill.components[0].usd" in result.err and message in result.err
    inconsistent = copy.deepcopy(baseline)
    inconsistent["scenarios"][0]["bill"]["priced_monthly_cost_usd"] += 500
    base.write_text(json.dumps(inconsistent))
    result = cli("diff", str(base), str(CHATBOT))
    assert result.code == 2 and "not the priced total" in result.err, result
    base.write_text(json.dumps(baseline).replace('"one_off_usd": 0.0', '"one_off_usd": NaN', 1))
    assert cli("diff", str(base), str(CHATBOT)).code == 2


# --- bills in every layout --------------------------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(["", "abc", "NaN", "inf", "-inf", "1e400", "2,50", "$3.00", "true", "-0"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=8),
    st.sampled_from(["12026-10-01 00:00:00", "0001-01-01", "2026-13-40", "2026-10-01T25:00:00Z"]),
)
CUR_FIELDS = (
    "line_item_usage_start_date",
    "line_item_usage_amount",
    "line_item_unblended_cost",
    "line_item_net_unblended_cost",
    "line_item_usage_type",
    "line_item_product_code",
    "line_item_line_item_type",
    "pricing_unit",
    "line_item_resource_id",
)


def _items(data: st.DataObject) -> list[dict[str, Any]]:
    items = [
        line_item(
            day="2026-10-0" + str(day),
            usage_type="USE1-NovaLite-input-tokens",
            usage_amount=1000,
            unit="1K tokens",
            cost=cost,
            resource_tags={"user_team": "search"},
        )
        for day, cost in ((1, 10.0), (2, 2.5), (3, 0.75))
    ]
    for _ in range(data.draw(st.integers(1, 4))):
        item = data.draw(st.sampled_from(items))
        item[data.draw(st.sampled_from(CUR_FIELDS))] = data.draw(CELLS)
    return items


@FUZZ
@given(data=st.data(), layout=st.sampled_from(["csv", "legacy", "parquet"]))
def test_mutated_bills(cli: Any, tmp_path: Path, data: st.DataObject, layout: str) -> None:
    items = _items(data)
    path = tmp_path / f"bill.{'parquet' if layout == 'parquet' else 'csv'}"
    if layout == "parquet":
        for item in items:  # Parquet columns are typed: text cells go in as text columns
            for field in ("line_item_usage_amount", "line_item_unblended_cost"):
                item[field] = str(item[field])
        try:
            write_cur2_parquet(path, items)
        except Exception:  # the generator's own casts refuse some cells: nothing to test
            return
    elif layout == "csv":
        write_cur2_csv(path, items)
    else:
        write_legacy_csv(path, items)
    result = cli("allocate", "--cur", str(path), "--tenant", "tag:team", "-f", "json")
    assert_clean(result, path)
    if result.code == 0:
        document = json.loads(result.out)
        assert finite_numbers(document)
        assert 0 <= document["total"]["cost_usd"] <= 13.25 + 1e-9


# --- logs through calibrate, allocate and variance --------------------------------------------

TIMESTAMPS = st.sampled_from(
    [
        "10000-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-02T10:00:00+14:00",
        "2026-11-02",
        "99999-12-31T23:59:59Z",
        "",
    ]
)


@FUZZ
@given(data=st.data(), command=st.sampled_from(["calibrate", "allocate", "variance"]))
def test_mutated_logs_through_every_reader(
    cli: Any, tmp_path: Path, data: st.DataObject, command: str
) -> None:
    records = [record(NOVA, "us-east-1", tokens=(1000, 100, 0, 0), team="a") for _ in range(3)]
    records[0]["timestamp"] = data.draw(TIMESTAMPS)
    records[1] = mutate(records[1], data)
    logs = tmp_path / "logs.jsonl"
    logs.write_text("\n".join(json.dumps(r, default=str) for r in records) + "\n")
    if command == "calibrate":
        out = tmp_path / "measured.yaml"
        result = cli("calibrate", str(logs), "-o", str(out))
        assert_clean(result)
        if result.code == 0:  # it loads; a model or region the snapshot lacks is exit 2
            assert cli("validate", str(out)).code in (0, 2)
    elif command == "allocate":
        result = cli("allocate", str(logs), "--tenant", "metadata:team", "-f", "json")
        assert_clean(result)
        if result.code == 0:
            assert finite_numbers(json.loads(result.out))
    else:
        result = cli("variance", str(CHATBOT), str(logs), "-f", "json")
        assert_clean(result)


# --- the decision commands' numbers -----------------------------------------------------------

HUGE = st.sampled_from([1e308, 1.7e308, 5e-324, 1e-300, 2**63, 1e15, 0])


@FUZZ
@given(
    data=st.data(),
    command=st.sampled_from(["roi", "breakeven", "mix", "regions", "optimize", "check"]),
)
def test_decision_commands_with_extreme_numbers(
    cli: Any, tmp_path: Path, data: st.DataObject, command: str
) -> None:
    import yaml

    scenario = yaml.safe_load(CHATBOT.read_text())
    workload = scenario["workloads"][0]
    choice = data.draw(st.sampled_from(["requests", "benefit", "tokens", "growth"]))
    value = data.draw(HUGE)
    if choice == "requests":
        workload["traffic"]["requests_per_month"] = value
    elif choice == "tokens":
        workload["tokens_per_request"]["input"] = value
    elif choice == "growth":
        workload["traffic"]["monthly_growth_percent"] = data.draw(st.sampled_from([1e9, 1e308]))
    else:
        scenario["benefits"] = [{"name": "hours saved", "monthly_usd": value, "starts_month": 1}]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    result = cli(command, str(path), "-f", "json")
    assert_clean(result, path)
    if result.code in (0, 1):
        assert finite_numbers(json.loads(result.out))


@pytest.mark.parametrize(
    ("command", "place", "value"),
    [
        ("roi", "benefit", 1e308),
        ("breakeven", "requests", 1.7e308),
        ("breakeven", "requests", 5e-324),
        ("mix", "requests", 1.7e308),
        ("regions", "requests", 1e308),
    ],
)
def test_the_reported_extremes(
    cli: Any, tmp_path: Path, command: str, place: str, value: float
) -> None:
    """Each of these was an internal error (exit 3) before."""
    import yaml

    scenario = yaml.safe_load(CHATBOT.read_text())
    if place == "benefit":
        scenario["roi"]["benefits"] = [{"name": "hours saved", "usd_per_month": value}]
    else:
        scenario["workloads"][0]["traffic"]["requests_per_month"] = value
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    result = cli(command, str(path), "-f", "json")
    assert_clean(result)  # the message names the workload or the figure, not always the file
    if result.code in (0, 1):
        assert finite_numbers(json.loads(result.out))


@pytest.mark.parametrize(
    "arguments",
    [
        ["estimate", str(CHATBOT), "--samples", "1e11"],
        ["estimate", str(CHATBOT), "--samples", "100000000000"],
        ["estimate", str(CHATBOT), "--samples", "100", "--seed", "-1"],
        ["allocate", "tests/fixtures/logs/invocations.jsonl", "--anomaly-window", "99999999999"],
    ],
)
def test_out_of_range_options_are_bad_input(
    cli: Any, arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = cli(*arguments)
    assert result.code == 2, result
    assert "Traceback" not in result.err and "internal error" not in result.err


# --- S3 keys ---------------------------------------------------------------------------------

KEY_PARTS = st.one_of(
    st.sampled_from(["..", ".", "", "/", "logs", "a.json", "b.jsonl", "\\", "~", "%2e%2e"]),
    st.text(alphabet="ab./\\\x00\x1b", min_size=1, max_size=6),
)


@FUZZ
@given(parts=st.lists(KEY_PARTS, min_size=1, max_size=6))
def test_random_s3_keys_stay_in_their_folder(tmp_path_factory: Any, parts: list[str]) -> None:
    from moto import mock_aws

    from genai_cost.errors import GenaiCostError
    from genai_cost.tracking.sources import collect

    root = tmp_path_factory.mktemp("canary")
    work = root / "a" / "b" / "c" / "work"
    work.mkdir(parents=True)
    key = "logs/" + "/".join(parts) + ".json"
    line = (json.dumps(record(NOVA, "us-east-1", tokens=(1, 1, 0, 0))) + "\n").encode()
    with mock_aws():
        import boto3

        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="genai-logs-test")
        try:
            s3.put_object(Bucket="genai-logs-test", Key=key, Body=line)
        except Exception:  # a key S3 itself refuses
            return
        try:
            files, holder = collect(["s3://genai-logs-test/logs/"], workdir=work, s3_client=s3)
        except GenaiCostError:
            files, holder = [], None
        try:
            folder = Path(holder.name).resolve() if holder else None
            for file in files:
                assert folder is not None and file.resolve().is_relative_to(folder)
            outside = [
                p
                for p in root.rglob("*")
                if p.is_file() and not (folder and p.resolve().is_relative_to(folder))
            ]
            assert outside == []
        finally:
            if holder is not None:
                holder.cleanup()
