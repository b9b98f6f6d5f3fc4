"""A chargeback table too large to hold is priced a slice at a time and streamed to its CSV or
Parquet file (tracking/chargeback.py). Here the limits are lowered so a few hundred records
are "huge", and the streamed table is checked against the table held in memory, row by row,
and against figures worked by hand (fixture prices in tests/test_allocate.py's docstring)."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from genai_cost.report.allocation import render_allocation_csv
from genai_cost.tracking import chargeback
from genai_cost.tracking.chargeback import StreamTarget, run_allocation
from tests.test_allocate import ACCOUNT, PT, PT_ARN, record

MODELS = [
    ("acme.chat-v1:0", "us-east-1"),
    ("global.acme.chat-v1:0", "us-west-2"),
    ("acme.open-8b-v1:0", "us-east-1"),
    ("acme.chat-v1:0", "eu-west-1"),  # no cache prices: records with cache tokens unpriced
    (PT_ARN, "us-east-1"),  # on shared capacity (with --capacity)
]


def _logs(folder: Path, records: int = 400) -> Path:
    """Many callers, teams and days: most (identity, day) pairs are their own group."""
    draw = random.Random(7)
    lines = []
    for n in range(records):
        model, region = draw.choice(MODELS)
        data = record(
            model,
            region,
            day=f"2026-01-{draw.randint(1, 28):02d}",
            tokens=(draw.randint(0, 5000), draw.randint(0, 900), draw.choice([0, 0, 300]), 0),
            team=draw.choice(["search", "ads", "=cmd|'/c calc'!A1", None]),
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/Role{draw.randint(1, 60)}/s{n}",
        )
        if n % 9 == 0:
            data["operation"] = "CreateModelInvocationJob"  # batch rates
        lines.append(json.dumps(data))
    path = folder / "logs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chargeback, "STREAM_GROUPS", 10)
    monkeypatch.setattr(chargeback, "SLICE_GROUPS", 37)  # an odd size: many slices
    monkeypatch.setattr(chargeback, "FETCH_ROWS", 16)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _same_rows(streamed: list[dict[str, Any]], held: list[dict[str, Any]], keys: list[str]) -> None:
    assert len(streamed) == len(held)
    for a, b in zip(streamed, held, strict=True):
        assert [a[k] for k in keys] == [b[k] for k in keys]
        for column in ("requests", "input_tokens", "output_tokens", "cache_read_input_tokens"):
            assert int(a[column]) == int(b[column])
        for column in ("capacity_usd", "cost_usd", "share"):
            assert float(a[column]) == pytest.approx(float(b[column]), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("capacity", [False, True])
def test_a_streamed_csv_is_the_table_held_in_memory(
    tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch, capacity: bool
) -> None:
    logs = str(_logs(tmp_path))
    options: dict[str, Any] = {"tenant": "metadata:team", "by": ["tenant", "identity", "day"]}
    if capacity:
        file = tmp_path / "capacity.yaml"
        file.write_text(PT + "    idle: separate\n    capacity_tokens_per_minute: 10000\n")
        options["capacity"] = file
    held = run_allocation([logs], **options)
    _small_limits(monkeypatch)
    target = tmp_path / "streamed.csv"
    streamed = run_allocation([logs], stream_to=StreamTarget("csv", target), **options)
    table = streamed["table"]
    assert streamed["rows"] == [] and table["rows"] == len(held["rows"]) > 100
    assert table["groups_summed"] > chargeback.STREAM_GROUPS
    rows = _csv_rows(target.read_text())
    # dearest first, in the same order, encoded as the CSV report of the held table is
    _same_rows(rows, _csv_rows(render_allocation_csv(held)), ["tenant", "identity", "day"])
    assert streamed["total"]["cost_usd"] == pytest.approx(held["total"]["cost_usd"], rel=1e-12)
    assert sum(float(r["cost_usd"]) for r in rows) == pytest.approx(held["total"]["cost_usd"])
    assert streamed["problems"] == held["problems"]
    assert streamed["records"] == held["records"]
    if capacity:
        assert streamed["capacity"] == held["capacity"]
        assert any(r["tenant"] == "(idle capacity: chat-pt)" for r in rows)
        assert sum(float(r["capacity_usd"]) for r in rows) == pytest.approx(
            held["total"]["capacity_usd"]
        )
    # a cell that would run as a formula in a spreadsheet is text, as in every CSV report
    text = target.read_text()
    assert "\n'=cmd|'/c calc'!A1," in text and "\n=cmd" not in text


def test_a_streamed_parquet_table_is_the_table_held_in_memory(
    tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from genai_cost.report.parquet import TABLES, parquet_schema

    logs = str(_logs(tmp_path))
    options: dict[str, Any] = {"tenant": "metadata:team", "by": ["identity", "tenant"]}
    held = run_allocation([logs], **options)
    _small_limits(monkeypatch)
    target = tmp_path / "streamed.parquet"
    streamed = run_allocation([logs], stream_to=StreamTarget("parquet", target), **options)
    assert streamed["table"]["rows"] == len(held["rows"])
    # the columns and types of every allocation Parquet table (one Athena table reads both)
    schema, _ = TABLES["allocation"]({"by": ["identity", "tenant"], "rows": []})
    assert parquet_schema(target) == schema
    connection = duckdb.connect()
    names = [c for c, _ in schema]
    rows = [
        dict(zip(names, r, strict=True))
        for r in connection.execute(f"SELECT * FROM read_parquet('{target}')").fetchall()
    ]
    connection.close()
    _same_rows(rows, held["rows"], ["identity", "tenant"])


def test_streaming_by_hand(
    tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three callers' records, one slice each: a caller's records in two slices are summed into
    one row. acme.chat-v1:0 in us-east-1 at $8 / $24 per 1M input / output tokens; a batch job's
    records at the batch rates are not in play here."""
    lines = [
        record(
            "acme.chat-v1:0",
            "us-east-1",
            tokens=(1_000_000, 0, 0, 0),
            team="a",
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/One/s",
        ),
        record(
            "acme.chat-v1:0",
            "us-east-1",
            day="2026-01-11",
            tokens=(0, 1_000_000, 0, 0),
            team="a",
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/One/s",
        ),
        record(
            "acme.open-8b-v1:0",
            "us-east-1",
            tokens=(1_000_000, 1_000_000, 0, 0),
            team="b",
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/Two/s",
        ),
    ]
    logs = tmp_path / "logs.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in lines))
    monkeypatch.setattr(chargeback, "STREAM_GROUPS", 1)
    monkeypatch.setattr(chargeback, "SLICE_GROUPS", 1)
    target = tmp_path / "t.csv"
    document = run_allocation(
        [str(logs)], tenant="metadata:team", by=["identity"], stream_to=StreamTarget("csv", target)
    )
    rows = _csv_rows(target.read_text())
    # One: $8 (1M input) + $24 (1M output) = $32; Two: 1M + 1M at $0.20 = $0.40
    assert [(r["identity"], float(r["cost_usd"]), int(r["requests"])) for r in rows] == [
        ("role/One", 32.0, 2),
        ("role/Two", 0.4, 1),
    ]
    assert float(rows[0]["share"]) == pytest.approx(32 / 32.4)
    assert document["total"]["cost_usd"] == pytest.approx(32.4)
    assert document["table"] == {
        "format": "csv",
        "path": str(target),
        "rows": 2,
        "groups_summed": 3,
    }


def test_allocate_streams_through_the_cli(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = str(_logs(tmp_path))
    _small_limits(monkeypatch)
    target = tmp_path / "by-caller.csv"
    result = cli(
        "allocate",
        logs,
        "--tenant",
        "metadata:team",
        "--by",
        "tenant",
        "--by",
        "identity",
        "-f",
        "csv",
        "-o",
        str(target),
    )
    assert result.code == 0, result.err
    assert result.out == ""
    assert f"wrote {target}:" in result.err and "priced in slices and streamed" in result.err
    rows = _csv_rows(target.read_text())
    assert list(rows[0]) == [
        "tenant",
        "identity",
        "requests",
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_write_input_tokens",
        "capacity_usd",
        "cost_usd",
        "share",
    ]
    # the same command to stdout holds the table (there is no file to stream to)
    shown = cli(
        "allocate",
        logs,
        "--tenant",
        "metadata:team",
        "--by",
        "tenant",
        "--by",
        "identity",
        "-f",
        "csv",
    )
    assert shown.code == 0
    _same_rows(rows, _csv_rows(shown.out), ["tenant", "identity"])


def test_a_streamed_table_never_leaves_a_torn_file(
    tmp_path: Path, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing fails half way (the disk fills): the old report is still whole, and no
    temporary file is left beside it."""
    logs = str(_logs(tmp_path))
    _small_limits(monkeypatch)
    target = tmp_path / "out" / "report.csv"
    target.parent.mkdir()
    target.write_text("the old report\n")
    real = chargeback._csv_pieces

    def failing(*args: Any) -> Any:
        pieces = real(*args)
        yield next(pieces)
        yield next(pieces)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(chargeback, "_csv_pieces", failing)
    with pytest.raises(Exception, match="No space left"):
        run_allocation(
            [logs],
            tenant="metadata:team",
            by=["identity", "day"],
            stream_to=StreamTarget("csv", target),
        )
    assert target.read_text() == "the old report\n"
    assert [p.name for p in target.parent.iterdir()] == ["report.csv"]


def test_the_total_does_not_depend_on_the_grouping(tmp_path: Path, fixture_snapshot: Path) -> None:
    """acme.chat-v1:0 in eu-west-1 has no cache prices ($9 / $27 per 1M input / output): a
    record that read from the cache cannot be priced, one that did not can. Both are team a's,
    from two callers. Summed together (`--by tenant` no longer sums by caller) the priced
    record was left unpriced with the other: $0 and 2 records not allocated, against $36.00
    and 1 with `--by tenant --by identity`."""
    lines = [
        record(
            "acme.chat-v1:0",
            "eu-west-1",
            tokens=(1_000_000, 1_000_000, 0, 0),
            team="a",
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/One/s",
        ),
        record(
            "acme.chat-v1:0",
            "eu-west-1",
            tokens=(10, 10, 500, 0),
            team="a",
            arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/Two/s",
        ),
    ]
    logs = tmp_path / "logs.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in lines))
    for by in (["tenant"], ["tenant", "identity"], ["model"], ["day"]):
        document = run_allocation([str(logs)], tenant="metadata:team", by=by)
        assert document["total"]["cost_usd"] == pytest.approx(9 + 27), by
        assert document["records"]["not_allocated"] == 1, by
        [problem] = document["problems"]
        assert "no cache_read token price" in problem["reason"]
