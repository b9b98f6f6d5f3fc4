"""Hostile input, third round (issue 26): each test names the hole it closes and failed before
the fix. Outside data — S3 keys, log records, bills, baselines, Parquet files — is written by
people the user does not know: nothing from it writes outside its folder, reaches YAML, DDL,
CSV or a terminal unencoded, or becomes a number on the bill without being checked.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.curgen import line_item, write_cur2_csv, write_cur2_parquet
from tests.test_allocate import record
from tests.test_hostile import _offer, _refresh, clean_failure

NOVA = "amazon.nova-lite-v1:0"


def files_named(root: Path, name: str) -> list[Path]:
    return [p for p in root.rglob(name) if p.is_file()]


# --- S3 keys are someone else's text ---------------------------------------------------------


def _bucket(keys: dict[str, bytes]) -> Any:
    import boto3

    s3 = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    s3.create_bucket(Bucket="genai-logs-test")
    for key, body in keys.items():
        s3.put_object(Bucket="genai-logs-test", Key=key, Body=body)
    return s3


LOG = (json.dumps(record(NOVA, "us-east-1", tokens=(1000, 100, 0, 0))) + "\n").encode()


@pytest.mark.parametrize(
    "key",
    [
        "logs/../../../../escaped.json",  # climbs out of the download folder
        "/logs/escaped.json",  # absolute once joined
        "logs//escaped.json",  # an empty component: two keys, one local file
        "logs/./escaped.json",
    ],
)
def test_s3_keys_never_write_outside_their_folder(
    tmp_path: Path, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import mock_aws

    from genai_cost.errors import UnsafePathError
    from genai_cost.tracking.sources import collect

    work = tmp_path / "a" / "b" / "c" / "d" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    with mock_aws():
        s3 = _bucket({"logs/ok.json": LOG, key: LOG})
        with pytest.raises(UnsafePathError, match="S3 key") as raised:
            collect(["s3://genai-logs-test/"], workdir=work, s3_client=s3)
    assert "refusing" in str(raised.value)
    assert files_named(tmp_path, "escaped.json") == []  # the canary tree holds no such file


def test_s3_keys_through_the_command(
    tmp_path: Path, cli: Any, fixture_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import mock_aws

    import genai_cost.tracking.sources as sources

    with mock_aws():
        s3 = _bucket({"logs/ok.json": LOG, "logs/../../../escaped.json": LOG})
        original = sources.s3_files
        monkeypatch.setattr(
            sources,
            "s3_files",
            lambda url, target, client=None, kind=sources.LOG_FILES: original(
                url, target, s3, kind
            ),
        )
        result = cli("allocate", "s3://genai-logs-test/logs/")
    clean_failure(result, "climbs out of its folder")


# --- output through a symbolic link on the way -----------------------------------------------


def test_output_through_a_linked_folder_is_refused(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import ROOT

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "cost.md").write_text("the runner's own file\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "reports").symlink_to(outside)  # planted by a pull request
    monkeypatch.chdir(checkout)
    scenario = str(ROOT / "scenarios" / "support-chatbot.yaml")
    result = cli("estimate", scenario, "-f", "markdown", "-o", "reports/cost.md")
    clean_failure(result, "reports: is a symbolic link", "refusing to write through it")
    assert (outside / "cost.md").read_text() == "the runner's own file\n"
    nested = cli("estimate", scenario, "-f", "json", "-o", "reports/../reports/x.json")
    clean_failure(nested, "symbolic link")
    assert sorted(p.name for p in outside.iterdir()) == ["cost.md"]
    assert cli("estimate", scenario, "-f", "json", "-o", "cost.json").code == 0  # plain is fine


def test_snapshot_output_through_a_linked_folder_is_refused(cli: Any, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "link").symlink_to(outside)
    result = _refresh(cli, _offer(tmp_path, "0.008"), tmp_path / "link" / "new")
    clean_failure(result, "link: is a symbolic link")
    assert list(outside.iterdir()) == []


def test_output_names_that_are_not_files(cli: Any, tmp_path: Path) -> None:
    from tests.conftest import ROOT

    scenario = str(ROOT / "scenarios" / "support-chatbot.yaml")
    clean_failure(cli("estimate", scenario, "-o", ""), "is not a file name")


# --- text from logs into YAML ----------------------------------------------------------------


def test_calibrate_cannot_be_steered_by_log_text(cli: Any, tmp_path: Path) -> None:
    """An invocation record's `operation` and `region` are written by any Bedrock caller; they
    reached the calibrated scenario's comments raw, so a newline added keys to it."""
    injected = record(NOVA, "us-east-1", tokens=(1000, 100, 0, 0))
    injected["operation"] = "Converse\n    budget: {monthly_usd: 0.0001}\n    service_tier: flex"
    odd = record(NOVA, "us-east-1", tokens=(2000, 200, 0, 0))
    odd["operation"] = "Converse\u2028  - name: x\x85\r\x1b[2J"
    logs = tmp_path / "logs.jsonl"
    logs.write_text(json.dumps(injected) + "\n" + json.dumps(odd) + "\n")
    measured = tmp_path / "measured.yaml"
    result = cli("calibrate", str(logs), "-o", str(measured))
    assert result.code == 0, result
    text = measured.read_text()
    scenario = yaml.safe_load(text)
    assert len(scenario["workloads"]) == 1
    workload = scenario["workloads"][0]
    assert "budget" not in workload and "service_tier" not in workload
    assert "Converse\\x0a    budget" in text  # the text is kept, escaped, inside the comment
    assert not any(c in text for c in "\x1b\x85\u2028\r")
    assert cli("validate", str(measured)).code == 0


# --- DDL from a Parquet file someone else wrote ----------------------------------------------


@pytest.mark.parametrize(
    "column", ["x`\n) LOCATION 's3://evil/'; DROP TABLE t; --", "a\x1b]0;title\x07", "a;b"]
)
def test_athena_ddl_refuses_hostile_column_names(cli: Any, tmp_path: Path, column: str) -> None:
    import duckdb

    table = tmp_path / "t.parquet"
    quoted = '"' + column.replace('"', '""') + '"'
    duckdb.sql(f"COPY (SELECT 1.0 AS {quoted}) TO '{table}' (FORMAT parquet)")
    result = cli("export", "athena-ddl", str(table), "--location", "s3://bi-reports/x/")
    clean_failure(result, "not a column name Athena accepts")
    assert result.out == ""


@pytest.mark.parametrize(
    "location", ["s3://bi-reports/x'\n;DROP", "s3://bi-reports/\x1b[2J", "s3://UPPER/x/", "s3://b/"]
)
def test_athena_ddl_refuses_hostile_locations(cli: Any, tmp_path: Path, location: str) -> None:
    import duckdb

    table = tmp_path / "t.parquet"
    duckdb.sql(f"COPY (SELECT 1.0 AS cost_usd) TO '{table}' (FORMAT parquet)")
    clean_failure(cli("export", "athena-ddl", str(table), "--location", location), "--location")


# --- bills: a cell that cannot be read is a problem, never $0 --------------------------------


def _item(cost: float = 10.0, day: str = "2026-10-01", **extra: Any) -> dict[str, Any]:
    return line_item(
        day=day,
        usage_type="USE1-NovaLite-input-tokens",
        usage_amount=1000,
        unit="1K tokens",
        cost=cost,
        resource_tags={"user_team": "search"},
        **extra,
    )


def _cur(cli: Any, path: Path, *extra: str) -> tuple[Any, dict[str, Any]]:
    result = cli("allocate", "--cur", str(path), "--tenant", "tag:team", "-f", "json", *extra)
    return result, (json.loads(result.out) if result.code == 0 else {})


@pytest.mark.parametrize("cell", ["abc", "2,50", "$3.00", "NaN", "", "inf", "-Infinity", "1e400"])
def test_unreadable_costs_are_problems_not_zero(cli: Any, tmp_path: Path, cell: str) -> None:
    bad = _item(cost=5.0)
    bad["line_item_unblended_cost"] = cell
    bill = write_cur2_csv(tmp_path / "bill.csv", [_item(), bad])
    result, document = _cur(cli, bill)
    assert result.code == 0, result
    assert document["total"]["cost_usd"] == pytest.approx(10.0)  # the good line only
    assert document["total"]["cost_usd"] == sum(r["cost_usd"] for r in document["rows"])
    (problem,) = [p for p in document["problems"] if "cost cell" in p["reason"]]
    assert problem["records"] == 1
    assert problem["examples"] == [f"{bill}: line_item_unblended_cost {cell!r}"]
    strict = cli("allocate", "--cur", str(bill), "--tenant", "tag:team", "--strict")
    clean_failure(strict, "cost cell")


def test_unreadable_usage_amounts_count_no_tokens(cli: Any, tmp_path: Path) -> None:
    bad = _item(cost=5.0)
    bad["line_item_usage_amount"] = "inf"
    bad["line_item_unblended_rate"] = "0"
    result, document = _cur(cli, write_cur2_csv(tmp_path / "bill.csv", [_item(), bad]))
    assert result.code == 0, result
    assert document["total"]["cost_usd"] == pytest.approx(15.0)
    assert document["total"]["input_tokens"] == 1_000_000  # the readable line's 1,000K only
    assert any("usage_amount" in p["reason"] for p in document["problems"])


def test_a_boolean_cost_column_is_refused(cli: Any, tmp_path: Path) -> None:
    import duckdb

    good = write_cur2_parquet(tmp_path / "good.parquet", [_item()])
    bad = tmp_path / "bad.parquet"
    duckdb.sql(
        f"COPY (SELECT * REPLACE (true AS line_item_unblended_cost) FROM read_parquet('{good}')) "
        f"TO '{bad}' (FORMAT parquet)"
    )
    result, _ = _cur(cli, bad)
    clean_failure(result, "line_item_unblended_cost is of type BOOLEAN")


def test_a_file_without_a_cost_column_is_refused_inside_a_folder(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "bill"
    write_cur2_csv(folder / "a.csv", [_item()])
    text = (folder / "a.csv").read_text().splitlines()
    header = text[0].split(",")
    keep = [i for i, name in enumerate(header) if name != "line_item_unblended_cost"]
    rows = list(csv.reader(io.StringIO("\n".join(text))))
    out = io.StringIO()
    csv.writer(out).writerows([[row[i] for i in keep] for row in rows])
    (folder / "b.csv").write_text(out.getvalue())
    result, _ = _cur(cli, folder)
    clean_failure(result, "b.csv", "no column line_item_unblended_cost")


def test_cur_file_names_are_literal(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "bill"
    write_cur2_csv(folder / "x.csv", [_item(cost=10.0)])
    write_cur2_csv(folder / "*.csv", [_item(cost=1.0)])
    result, document = _cur(cli, folder)
    assert result.code == 0, result
    assert document["total"]["cost_usd"] == pytest.approx(11.0)  # x.csv once, *.csv once
    assert document["files"] == 2


def test_cur_header_is_read_with_a_bound(cli: Any, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        for _ in range(8):
            handle.write(b"a" * (1 << 20))  # 8 MiB, no newline
    clean_failure(_cur(cli, bomb)[0], "first line is longer than")
    wide = tmp_path / "wide.csv"
    wide.write_text("x" * 200_000 + ",b\n1,2\n")
    clean_failure(_cur(cli, wide)[0], "not a Cost and Usage Report")


def test_dates_beyond_year_9999_are_undated(cli: Any, tmp_path: Path) -> None:
    bill = write_cur2_csv(tmp_path / "bill.csv", [_item(), _item(cost=3.0)])
    text = bill.read_text()
    lines = text.splitlines()
    lines[2] = lines[2].replace("2026-10-01 00:00:00", "12026-10-01 00:00:00")
    bill.write_text("\n".join(lines) + "\n")
    result, document = _cur(cli, bill)
    assert result.code == 0, result
    assert document["total"]["cost_usd"] == pytest.approx(10.0)
    assert any("usage_start_date" in p["reason"] for p in document["problems"])


# --- logs: nothing is dropped without a word -------------------------------------------------


@pytest.mark.parametrize("layout", ["one line", "after a record", "gzip"])
def test_a_line_longer_than_the_reader_takes_is_a_problem(
    cli: Any, tmp_path: Path, fixture_snapshot: Path, layout: str
) -> None:
    """DuckDB's CSV reader skipped a line longer than its buffer without an error: a 20 MB
    file with no newline was 0 records, exit 0, even with --strict."""
    huge = "x" * 20_000_000
    good = json.dumps(record("acme.chat-v1:0", "us-east-1", tokens=(100, 10, 0, 0), team="a"))
    text = huge if layout == "one line" else good + "\n" + huge
    path = tmp_path / ("logs.json.gz" if layout == "gzip" else "logs.json")
    if layout == "gzip":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    result = cli("allocate", str(path), "--tenant", "metadata:team", "-f", "json")
    assert result.code == 0, result
    document = json.loads(result.out)
    (problem,) = [p for p in document["problems"] if "longer than" in p["reason"]]
    assert problem["records"] == 1 and problem["examples"] == [str(path)]
    strict = cli("allocate", str(path), "--tenant", "metadata:team", "--strict")
    clean_failure(strict, "longer than 8,388,608 bytes")


def test_long_but_readable_files_have_no_such_problem(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    line = json.dumps(record("acme.chat-v1:0", "us-east-1", tokens=(100, 10, 0, 0), team="a"))
    path = tmp_path / "logs.json"
    path.write_bytes(((line + "\r\n") * 20_000 + "\r\n\r\n").encode())  # CRLF, blank lines
    result = cli("allocate", str(path), "--tenant", "metadata:team", "-f", "json")
    assert result.code == 0, result
    assert json.loads(result.out)["problems"] == []


def test_a_file_vanishing_during_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genai_cost.tracking import sources

    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.json").write_text("{}\n")
    (folder / "b.json").write_text("{}\n")
    real_stat = Path.stat

    def rotated(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "b.json":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", rotated)
    assert sources.local_files(folder) == [folder / "a.json"]


def test_an_empty_cur_file_is_named(cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "bill.parquet"
    empty.write_bytes(b"")
    clean_failure(_cur(cli, empty)[0], f"{empty}: the file is empty")


# --- scenario text -----------------------------------------------------------------------------


def test_a_nul_byte_is_located(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"name: x\nworkloads:\n  - name: a\x00b\n")
    clean_failure(cli("validate", str(path)), "nul.yaml:3:12:", "U+0000")


def test_base_60_numbers_are_not_read_as_numbers(cli: Any, tmp_path: Path) -> None:
    """YAML 1.1 reads `1:30` as 90; a token count of 90 was priced silently."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nworkloads:\n  - name: a\n    model: amazon.nova-lite-v1:0\n"
        "    tokens_per_request: {input: 1:30, output: 10}\n"
        "    traffic: {requests_per_month: 100}\n"
    )
    clean_failure(cli("estimate", str(path)), "s.yaml:5:33", "expected a number, got '1:30'")


# --- Markdown and the terminal ----------------------------------------------------------------


def test_markdown_escapes_every_inline_marker() -> None:
    from genai_cost.report.sanitize import markdown_cell

    cases = {
        "*bold* _it_ ~~gone~~": "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~",
        "see https://evil.example and www.evil.example": (
            "see https\\://evil.example and www\\.evil.example"
        ),
        "<ops> & @team": "&lt;ops&gt; &amp; &#64;team",
        "on_demand": "on_demand",  # an underscore inside a word marks nothing
    }
    for text, escaped in cases.items():
        assert markdown_cell(text) == escaped


def test_terminal_tables_show_names_not_entities(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    name = "<ops> @team *x* & co"
    text = (
        "name: app\nworkloads:\n  - name: " + json.dumps(name) + "\n"
        "    model: acme.chat-v1:0\n    tokens_per_request: {input: 1000, output: 100}\n"
        "    traffic: {requests_per_month: 1000}\n    options: [on_demand]\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = cli("mix", str(path), "-f", "table")
    assert result.code == 0, result
    assert name in result.out
    assert "&lt;" not in result.out and "&#64;" not in result.out and "\\*" not in result.out


def test_git_trees_are_counted_before_any_blob_is_read(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tree of 10,050 scenario files took two minutes (a process per file) before the
    limit refused it: the listing alone decides now."""
    import subprocess

    from genai_cost.scenario import gitrev

    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    for i in range(6):
        (repo / "scenarios" / f"s{i}.yaml").write_text("name: x\n")
    for args in (["init", "-q"], ["add", "."], ["-c", "user.email=a@b", "-c", "user.name=a",
                                                  "commit", "-qm", "x"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    monkeypatch.chdir(repo)
    monkeypatch.setattr(gitrev, "MAX_FILES", 5)
    read: list[int] = []
    monkeypatch.setattr(gitrev, "_blobs", lambda ids, cwd: read.append(len(ids)) or [])
    from genai_cost.errors import RevisionError

    with pytest.raises(RevisionError, match="more than 5 scenario files"):
        gitrev.read_at_revision("HEAD", ["scenarios"])
    assert read == []
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    files = gitrev.read_at_revision("HEAD", ["scenarios"])  # one cat-file for all six
    assert [label for label, _ in files] == [f"HEAD:scenarios/s{i}.yaml" for i in range(6)]
    assert {content for _, content in files} == {b"name: x\n"}


def test_a_kept_price_keeps_its_own_source_and_date(cli: Any, tmp_path: Path) -> None:
    """`pricing refresh` kept the previous price when the Price List's could not be read, but
    labelled the row as read from the Price List today."""
    target = tmp_path / "new"
    result = _refresh(cli, _offer(tmp_path, "abc"), target)
    assert result.code == 0, result
    rows = list(csv.DictReader((target / "bedrock_on_demand.csv").open()))
    (row,) = [r for r in rows if r["model_id"] == "acme.chat-v1:0" and r["region"] == "us-east-1"]
    assert row["usd_per_1m_input_tokens"] == "8"
    assert (row["source"], row["as_of"]) == ("test", "2026-01-01")  # the fixture's, not today's
    assert "carried over from snapshot test-fixture" in row["notes"]


def test_a_tag_cell_that_is_not_json_is_untagged_not_a_quote_error(
    cli: Any, tmp_path: Path
) -> None:
    bad = _item(cost=4.0)
    bill = write_cur2_csv(tmp_path / "bill.csv", [_item(), bad])
    text = bill.read_text().replace('"{""user_team"": ""search""}"', "{user_team: search", 1)
    bill.write_text(text)
    result, document = _cur(cli, bill)
    assert result.code == 0, result
    tenants = {r["tenant"]: r["cost_usd"] for r in document["rows"]}
    assert tenants == {"(untagged)": pytest.approx(10.0), "search": pytest.approx(4.0)}


# --- the rest of the reported exits and messages ----------------------------------------------


@pytest.mark.parametrize("command", ["allocate", "reconcile"])
def test_infinite_cur_numbers(cli: Any, tmp_path: Path, command: str) -> None:
    """Usage amount `inf` was an OverflowError, cost `inf` with -f json "Out of range float";
    both are counted problems now, in allocate and reconcile alike."""
    bad = _item(cost=5.0)
    bad["line_item_usage_amount"] = "inf"
    bad["line_item_unblended_rate"] = "0"
    worse = _item(cost=6.0)
    worse["line_item_unblended_cost"] = "inf"
    bill = write_cur2_csv(tmp_path / "bill.csv", [_item(), bad, worse])
    if command == "allocate":
        result = cli("allocate", "--cur", str(bill), "--tenant", "tag:team", "-f", "json")
    else:
        logs = tmp_path / "logs.jsonl"
        logs.write_text(json.dumps(record(NOVA, "us-east-1", tokens=(1000, 100, 0, 0))) + "\n")
        result = cli("reconcile", str(logs), "--cur", str(bill), "-f", "json")
    assert result.code == 0, result
    document = json.loads(result.out)  # Python's reader would take Infinity and NaN

    def finite(value: Any) -> bool:
        if isinstance(value, dict):
            return all(finite(v) for v in value.values())
        if isinstance(value, list):
            return all(finite(v) for v in value)
        return not isinstance(value, float) or math.isfinite(value)

    assert finite(document)


def test_a_cur_line_over_two_megabytes_is_named_as_such(cli: Any, tmp_path: Path) -> None:
    bill = write_cur2_csv(tmp_path / "bill.csv", [_item()])
    with bill.open("a") as handle:
        handle.write("x" * 3_000_000 + "\n")
    result, _ = _cur(cli, bill)
    clean_failure(result, "a line longer than")
    assert "unterminated quote" not in result.err


@pytest.mark.parametrize("command", ["allocate", "reconcile"])
def test_bill_csv_output_has_no_terminal_escapes(cli: Any, tmp_path: Path, command: str) -> None:
    hostile = "t\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b"  # clipboard write, clear screen, C1 CSI
    item = _item()
    item["resource_tags"] = {"user_team": hostile}
    item["line_item_iam_principal"] = "arn:aws:sts::1:assumed-role/" + hostile + "/s"
    bill = write_cur2_csv(tmp_path / "bill.csv", [item])
    if command == "allocate":
        result = cli("allocate", "--cur", str(bill), "--tenant", "tag:team", "-f", "csv")
    else:
        logs = tmp_path / "logs.jsonl"
        logs.write_text(json.dumps(record(NOVA, "us-east-1", tokens=(1000, 100, 0, 0))) + "\n")
        result = cli(
            "reconcile", str(logs), "--cur", str(bill), "--tenant", "identity", "-f", "csv"
        )
    assert result.code == 0, result
    assert not any(c in result.out for c in "\x1b\x07\x9b")
    assert "\\x1b]52;c;ZXZpbA==\\x07" in result.out


def test_parquet_output_with_a_quote_in_tmpdir(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary path went into DuckDB's COPY unquoted: an apostrophe broke the SQL."""
    import tempfile

    from tests.conftest import ROOT

    odd = tmp_path / "o'brien tmp"
    odd.mkdir()
    monkeypatch.setenv("TMPDIR", str(odd))
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read again
    target = tmp_path / "out.parquet"
    result = cli("estimate", str(ROOT / "scenarios" / "support-chatbot.yaml"), "-f", "parquet",
                 "-o", str(target))  # fmt: skip
    assert result.code == 0, result
    assert target.read_bytes()[:4] == b"PAR1"


def test_claimed_paths_follow_the_file_system(tmp_path: Path) -> None:
    """Two keys are refused only when the file system makes them one file: `A.json` and
    `a.json` are two files here (a case-insensitive system would refuse the second)."""
    from genai_cost.errors import UnsafePathError
    from genai_cost.paths import Claimed

    claimed = Claimed()
    upper, lower = tmp_path / "A.json", tmp_path / "a.json"
    claimed.claim(upper, "logs/A.json", what="S3 key")
    upper.write_text("{}\n")
    claimed.claim(lower, "logs/a.json", what="S3 key")  # not the same file on this system
    with pytest.raises(UnsafePathError, match=r"same local file as 'logs/A\.json'"):
        claimed.claim(upper, "logs/other/../A.json", what="S3 key")


def test_csv_cells_of_every_kind_as_before_and_remembered_text_alike() -> None:
    """`csv_cell` by kind, hand-written: numbers stay numbers (NumPy's too), booleans are
    words, a formula start gets a quote, a comma or quote is quoted, a control character is
    an escape, text from a str subclass is its text — and the same text asked twice (it is
    remembered) gives the same cell."""
    import numpy as np

    from genai_cost.report.sanitize import csv_cell
    from genai_cost.scenario.models import Option

    assert [csv_cell(v) for v in (None, 1.5, -2.0, 7, True, np.int64(3), np.float64(0.25))] == [
        "", "1.5", "-2.0", "7", "true", "3", "0.25"
    ]  # fmt: skip
    assert csv_cell(np.bool_(False)) == "false"
    for _ in range(2):
        assert csv_cell("=SUM(A1)") == "'=SUM(A1)"
        assert csv_cell('a,"b"') == '"a,""b"""'
        assert csv_cell("tab\there") == "tab\\x09here"
        assert csv_cell("-1") == "'-1"
        assert csv_cell(Option.on_demand) == "on_demand"
