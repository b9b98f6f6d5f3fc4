"""Hostile and broken input: what an attacker or a careless user feeds the tool.

Each test names the hole it closes. Every bad input ends in exit code 2 with a located message
on stderr (never a traceback, never exit 3), and nothing is written where it should not be.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_SNAPSHOT

SCENARIO = """\
name: {scenario}
workloads:
  - name: {workload}
    model: acme.chat-v1:0
    tokens_per_request: {{input: 1000, output: 100}}
    traffic: {{requests_per_month: 1000}}
    options: [on_demand]
"""


def clean_failure(result: Any, *fragments: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err and "internal error" not in result.err, result
    assert result.err.startswith("error: "), result
    for fragment in fragments:
        assert fragment in result.err, result


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- 1. diff --base-ref must never write outside its temporary folder ------------------------


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, check=True)
    return done.stdout.decode().strip()


def _evil_commit(repo: Path, name: str) -> str:
    """A commit whose tree lists scenarios/../../../…/tmp/<name> (git mktree accepts `..`)."""
    blob = _git(
        repo,
        "hash-object",
        "-w",
        "--stdin",
        stdin=SCENARIO.format(scenario="evil", workload="w").encode(),
    )
    tree = _git(repo, "mktree", stdin=f"100644 blob {blob}\t{name}\n".encode())
    tree = _git(repo, "mktree", stdin=f"040000 tree {tree}\ttmp\n".encode())
    for _ in range(12):  # enough `..` to climb from any temporary folder to /
        tree = _git(repo, "mktree", stdin=f"040000 tree {tree}\t..\n".encode())
    safe = _git(repo, "rev-parse", "HEAD:scenarios")
    scenarios = _git(
        repo,
        "mktree",
        stdin=f"040000 tree {tree}\t..\n".encode() + (_git(repo, "ls-tree", safe) + "\n").encode(),
    )
    root = _git(repo, "mktree", stdin=f"040000 tree {scenarios}\tscenarios\n".encode())
    return _git(repo, "commit-tree", root, "-m", "evil", "-p", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_snapshot: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    (repo / "scenarios" / "app.yaml").write_text(SCENARIO.format(scenario="app", workload="w"))
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    monkeypatch.chdir(repo)
    return repo


def test_crafted_git_tree_cannot_write_outside(cli: Any, repo: Path) -> None:
    name = f"genai-cost-evil-{uuid.uuid4().hex}.yaml"
    evil = _evil_commit(repo, name)
    before = set(Path("/tmp").iterdir())
    try:
        result = cli("diff", "--base-ref", evil, "scenarios")
        clean_failure(result, "not a plain path", "refusing to read that revision")
        assert not (Path("/tmp") / name).exists()
        assert set(Path("/tmp").iterdir()) - before == set()
    finally:
        (Path("/tmp") / name).unlink(missing_ok=True)


def test_base_ref_reads_blobs_without_writing(cli: Any, repo: Path, tmp_path: Path) -> None:
    (repo / "scenarios" / "app.yaml").write_text(
        SCENARIO.format(scenario="app", workload="w").replace("1000}}", "2000}}")
    )
    before = {p.name for p in Path(os.environ.get("TMPDIR", "/tmp")).iterdir()}
    result = cli("diff", "--base-ref", "HEAD", "scenarios", "-f", "json")
    assert result.code == 0, result
    after = {p.name for p in Path(os.environ.get("TMPDIR", "/tmp")).iterdir()}
    assert not [n for n in after - before if n.startswith("genai-cost-base-")]
    document = json.loads(result.out)
    assert document["base"]["label"] == "HEAD:scenarios"


def test_option_like_revision_is_refused(cli: Any, repo: Path) -> None:
    clean_failure(cli("diff", "--base-ref", "--output=/tmp/x", "scenarios"), "cannot start")


# --- 2. -o never replaces special files or links ---------------------------------------------


def _estimate_to(cli: Any, target: str) -> Any:
    return cli("estimate", "scenarios/support-chatbot.yaml", "-f", "json", "-o", target)


def test_output_refuses_a_fifo(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    clean_failure(_estimate_to(cli, str(fifo)), "FIFO", "refusing to replace it")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_refuses_a_device(cli: Any, tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot create a device node here (needs CAP_MKNOD)")
    clean_failure(_estimate_to(cli, str(device)), "a device", "refusing to replace it")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_output_refuses_a_symlink_and_a_folder(cli: Any, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    clean_failure(_estimate_to(cli, str(link)), "symbolic link")
    assert link.is_symlink() and victim.read_text() == "keep me\n"
    folder = tmp_path / "folder"
    folder.mkdir()
    clean_failure(_estimate_to(cli, str(folder)), "is a folder")
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_dash_is_stdout(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(
        "estimate",
        str(Path(__file__).parent.parent / "scenarios/support-chatbot.yaml"),
        "-f",
        "json",
        "-o",
        "-",
    )
    assert result.code == 0, result
    assert json.loads(result.out)["schema_version"]
    assert not (tmp_path / "-").exists()


def test_stale_temporary_files_are_removed(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".report.json.{dead.pid}.abc123.tmp"
    stale.write_text("half a report")
    other = tmp_path / ".unrelated.tmp"
    other.write_text("not ours")
    assert _estimate_to(cli, str(target)).code == 0
    assert not stale.exists() and other.exists()
    assert json.loads(target.read_text())["schema_version"]


# --- 3 and 4. one sanitiser for every renderer -----------------------------------------------

HOSTILE = 'chat\r=HYPERLINK("http://evil")\x1b[31m\x07 [link=http://evil]x[/link] | @team\nrow'


@pytest.fixture
def hostile_scenario(tmp_path: Path, fixture_snapshot: Path) -> Path:
    text = SCENARIO.format(scenario="app", workload="{workload}").replace(
        "- name: {workload}", "- name: " + json.dumps(HOSTILE)
    )
    return write(tmp_path / "hostile.yaml", text)


ESCAPED = (
    'chat\\x0d=HYPERLINK("http://evil")\\x1b[31m\\x07 [link=http://evil]x[/link] | @team\\x0arow'
)


def test_csv_escapes_control_characters(cli: Any, hostile_scenario: Path) -> None:
    """CSV goes to terminals too (`genai-cost … -f csv | less`): no ESC, BEL, CR or LF of a
    name reaches the output; each is shown as an escape and the name stays in one cell."""
    result = cli("estimate", str(hostile_scenario), "-f", "csv")
    assert result.code == 0, result
    assert not any(c in result.out for c in "\x1b\x07\r\x9b")
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert all(not (row and row[0].startswith(("=", "+", "-", "@"))) for row in rows)
    options = [row for row in rows[1:] if row[0] == "option"]
    assert options and {row[2] for row in options} == {ESCAPED}  # the name survives, in one cell


def test_terminal_and_markdown_are_inert(cli: Any, hostile_scenario: Path) -> None:
    from genai_cost.api import estimate
    from genai_cost.report.registry import render as render_kind

    def render(document: Any, fmt: str, **options: Any) -> str:
        return str(render_kind("estimate", document, fmt, expand=True, **options))

    document = estimate([hostile_scenario]).to_dict()
    table = render(document, "table", color=True, width=120)
    assert "\x1b]8;" not in table  # no OSC-8 hyperlink
    assert "[link=http://evil]" in table  # shown as text, not interpreted
    without_colour = render(document, "table", color=False, width=120)
    assert not any(c in without_colour for c in "\x1b\x07\r")
    markdown = render(document, "markdown")
    assert not any(c in markdown for c in "\x1b\x07\r")
    for line in markdown.splitlines():
        if line.startswith("|"):
            assert line.endswith("|"), line  # a newline in a name did not split the row
    assert "&#64;team" in markdown and "@team" not in markdown  # no mention in a PR comment
    html_text = render_html(document)
    assert "\x1b" not in html_text and "<link" not in html_text.lower().replace("<link rel", "")


def render_html(document: dict[str, Any]) -> str:
    from genai_cost.report.html import render_html as render

    return render(document)


def test_error_messages_drop_control_characters(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad\x07\rname.yaml"
    bad.write_text("name: x\nworkloads: 3\n")
    result = cli("validate", str(bad))
    assert result.code == 2 and "bad name.yaml:2:12" in result.err
    assert not any(c in result.err for c in "\x07\r\x1b")


def test_csv_quotes_a_lone_carriage_return(
    cli: Any, tmp_path: Path, fixture_snapshot: Path
) -> None:
    text = SCENARIO.format(scenario="app", workload="{workload}").replace(
        "- name: {workload}", '- name: "x\\r=1+1"'
    )
    result = cli("estimate", str(write(tmp_path / "cr.yaml", text)), "-f", "csv")
    assert result.code == 0, result
    assert "\r" not in result.out and "x\\x0d=1+1" in result.out
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    # header, the scenario total, its inference family, two token lines, the one option
    assert [row[0] for row in rows] == ["record", "total", "family", "line", "line", "option"]
    assert {row[2] for row in rows[3:]} == {"x\\x0d=1+1"}


def test_allocation_csv_and_markdown_with_hostile_tenants(cli: Any, tmp_path: Path) -> None:
    record = {
        "schemaType": "ModelInvocationLog",
        "timestamp": "2026-11-02T10:00:00Z",
        "accountId": "1",
        "region": "us-east-1",
        "requestId": "r",
        "operation": "Converse",
        "modelId": "amazon.nova-lite-v1:0",
        "input": {"inputTokenCount": 100},
        "output": {"outputTokenCount": 10},
        "requestMetadata": {"tenant": "t\r=1+1\nnext|row"},
    }
    logs = tmp_path / "logs.json"
    logs.write_text(json.dumps(record) + "\n")
    out = cli("allocate", str(logs), "-f", "csv")
    assert out.code == 0, out
    rows = list(csv.reader(io.StringIO(out.out, newline="")))
    assert rows[1][0] == "t\\x0d=1+1\\x0anext|row"  # one cell, no byte that moves a cursor
    md = cli("allocate", str(logs), "-f", "markdown")
    assert all(line.endswith("|") for line in md.out.splitlines() if line.startswith("|"))


# --- 5. refresh never loses a price silently --------------------------------------------------


def _offer(tmp_path: Path, price: Any, unit: str = "1K tokens", **changes: Any) -> Path:
    from tests import pricelist_fixtures as pl

    item = pl.first_party("Acme Chat", "us-east-1", "Input tokens", "input-tokens", 0)
    dim = next(iter(next(iter(item["terms"]["OnDemand"].values()))["priceDimensions"].values()))
    dim["pricePerUnit"]["USD"] = price
    dim["unit"] = unit
    offer = {
        "offerCode": "AmazonBedrock",
        "publicationDate": "2026-11-20T00:00:00Z",
        "products": {item["product"]["sku"]: item["product"]},
        "terms": {"OnDemand": {item["product"]["sku"]: item["terms"]["OnDemand"]}},
        **changes,
    }
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    return path


def _refresh(cli: Any, offer: Path, target: Path, *extra: str) -> Any:
    return cli(
        "pricing",
        "refresh",
        "--snapshot",
        str(FIXTURE_SNAPSHOT),
        "--region",
        "us-east-1",
        "--from-offer-file",
        str(offer),
        "--into",
        str(target),
        "-f",
        "json",
        *extra,
    )


@pytest.mark.parametrize(
    ("price", "unit"),
    [
        ("abc", "1K tokens"),
        ("0.009", "Characters"),
        ("Infinity", "1K tokens"),
        ("1e400", "1K tokens"),
    ],
)
def test_unreadable_price_keeps_the_previous_one(
    cli: Any, tmp_path: Path, price: str, unit: str
) -> None:
    from genai_cost.catalog.lookup import on_demand_price
    from genai_cost.catalog.snapshot import load_catalog
    from tests.conftest import BUNDLED_DAY  # noqa: F401  (documents the day used elsewhere)

    target = tmp_path / "new"
    result = _refresh(cli, _offer(tmp_path, price, unit), target)
    assert result.code == 0, result
    report = json.loads(result.out)
    assert report["problems"] and "carried over" in report["problems"][0]
    match = on_demand_price(
        load_catalog(target),
        "acme.chat-v1:0",
        "in_region",
        "us-east-1",
        None,
        __import__("datetime").date(2026, 1, 15),
    )
    assert match.row.usd_per_1m_input_tokens == 8.0  # type: ignore[union-attr]
    strict = _refresh(cli, _offer(tmp_path, price, unit), tmp_path / "strict", "--strict")
    clean_failure(strict, "--strict", "nothing was written")
    assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize(
    "offer_text",
    [
        '{"products": [], "terms": {}}',
        '{"products": {"A": {"attributes": null, "sku": "A"}}, "terms": {"OnDemand": null}}',
        '{"products": {"A": 3}, "terms": {}}',
        '{"products": {}, "terms": {}, "x": Infinity}',
        "[" * 5000 + "]" * 5000,
        '{"products": {',
    ],
)
def test_malformed_offer_files(cli: Any, tmp_path: Path, offer_text: str) -> None:
    path = tmp_path / "offer.json"
    path.write_text(offer_text)
    result = _refresh(cli, path, tmp_path / "new")
    assert result.code in (0, 2), result
    assert "Traceback" not in result.err and "internal error" not in result.err
    if result.code == 2:
        assert str(path) in result.err


def test_force_swap_killed_between_renames_recovers(tmp_path: Path) -> None:
    """A --force refresh killed after moving the old snapshot aside: the next use finds it."""
    import shutil

    target = tmp_path / "snap"
    shutil.copytree(FIXTURE_SNAPSHOT, target)
    program = textwrap.dedent(
        f"""
        import os, pathlib
        real = pathlib.Path.rename
        calls = []
        def rename(self, to):
            calls.append(self)
            if len(calls) == 2:
                os._exit(9)  # killed between the two renames
            return real(self, to)
        pathlib.Path.rename = rename
        from genai_cost.cli import main
        main(["pricing", "refresh", "--snapshot", {str(FIXTURE_SNAPSHOT)!r}, "--region",
              "us-east-1", "--from-offer-file", {str(_offer(tmp_path, "0.009"))!r},
              "--into", {str(target)!r}, "--force"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={**os.environ, "GENAI_COST_TODAY": "2026-01-15"},
    )
    assert done.returncode == 9, done.stderr
    assert not target.exists() and (tmp_path / ".snap.replaced").is_dir()
    stale = [p for p in tmp_path.iterdir() if p.name.endswith(".staging")]
    assert stale  # the killed run left its staging folder
    from genai_cost.catalog.snapshot import _CATALOG_CACHE, load_catalog

    _CATALOG_CACHE.clear()
    catalog = load_catalog(target)  # the old snapshot is back
    assert catalog.snapshot_id == "test-fixture"
    assert not (tmp_path / ".snap.replaced").exists()


def test_next_refresh_removes_stale_staging(cli: Any, tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".new.{dead.pid}.xyz.staging"
    stale.mkdir()
    (stale / "manifest.yaml").write_text("half")
    assert _refresh(cli, _offer(tmp_path, "0.009"), tmp_path / "new").code == 0
    assert not stale.exists()


# --- 6. wrong numbers with exit 0 ---------------------------------------------------------------


def test_huge_profile_weights(cli: Any, write_scenario: Any) -> None:
    from genai_cost.scenario.models import Traffic

    profile = [1e308] + [1.0] * 23
    assert Traffic(requests_per_month=1.0, hourly_profile=profile).peak_factor == pytest.approx(
        24.0 / (1 + 23 / 1e308)
    )
    tiny = Traffic(requests_per_month=1.0, hourly_profile=[5e-324] + [0.0] * 23)
    assert tiny.peak_factor == 24.0


def test_overflow_is_bad_input(cli: Any, write_scenario: Any, fixture_snapshot: Path) -> None:
    path = write_scenario(
        SCENARIO.format(scenario="app", workload="w")
        .replace("input: 1000", "input: 1e200")
        .replace("requests_per_month: 1000", "requests_per_month: 1e200")
    )
    result = cli("estimate", str(path), "-f", "json")
    clean_failure(result, "overflows", "check traffic and tokens_per_request")
    assert "RuntimeWarning" not in result.err


@pytest.mark.parametrize("value", ["yes", "true", '"100"', "'1e3'"])
def test_numbers_are_strict(
    cli: Any, write_scenario: Any, fixture_snapshot: Path, value: str
) -> None:
    path = write_scenario(
        SCENARIO.format(scenario="app", workload="w").replace("input: 1000", f"input: {value}")
    )
    clean_failure(cli("estimate", str(path)), "tokens_per_request.input", "expected a number")


def test_exponent_numbers_are_numbers(
    cli: Any, write_scenario: Any, fixture_snapshot: Path
) -> None:
    path = write_scenario(
        SCENARIO.format(scenario="app", workload="w").replace(
            "requests_per_month: 1000", "requests_per_month: 1e3"
        )
    )
    assert cli("estimate", str(path)).code == 0


def test_infinite_spot_wall_time_is_infeasible(cli: Any, write_scenario: Any) -> None:
    path = write_scenario(
        """\
        name: t
        workloads:
          - name: w
            model: amazon.nova-lite-v1:0
            tokens_per_request: {input: 10, output: 10}
            traffic: {requests_per_month: 10}
            options: [on_demand]
        training_jobs:
          - name: j
            instance_type: p4d.24xlarge
            platform: ec2
            work_hours: 100
            usd_per_hour: 10
            spot: {usd_per_hour: 3, interruptions_per_hour: 1000, restart_hours: 5}
        """
    )
    result = cli("estimate", str(path), "-f", "json")
    assert result.code == 0, result
    job = json.loads(result.out)["scenarios"][0]["training_jobs"][0]
    assert job["spot"]["monthly_cost_usd"] is None and "never finish" in job["spot"]["reason"]


# --- 7. exit 3 on bad input ------------------------------------------------------------------

DEEP_BLOCK = "name: x\nworkloads:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(500))


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        ("estimate", None),
        ("estimate", "--price-book"),
        ("allocate", "--budgets"),
        ("allocate", "--capacity"),
        ("allocate", "--profiles"),
    ],
)
def test_deep_nesting_in_every_yaml_loader(
    cli: Any, tmp_path: Path, command: str, flag: str | None
) -> None:
    deep = write(tmp_path / "deep.yaml", DEEP_BLOCK + "  " * 501 + "v\n")
    logs = tmp_path / "logs.json"
    logs.write_text("")
    if command == "estimate":
        args = (
            ["estimate", str(deep)]
            if flag is None
            else ["estimate", "scenarios/support-chatbot.yaml", flag, str(deep)]
        )
    else:
        args = ["allocate", str(logs), flag, str(deep)]
    clean_failure(cli(*args), "nested deeper than", str(deep))


def test_deep_nesting_in_a_snapshot_manifest(cli: Any, tmp_path: Path) -> None:
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(FIXTURE_SNAPSHOT, snap)
    (snap / "manifest.yaml").write_text("a: " + "[" * 600 + "]" * 600 + "\n")
    clean_failure(cli("models", "--snapshot", str(snap)), "nested deeper than")


def test_folder_with_a_deep_file(cli: Any, tmp_path: Path) -> None:
    write(tmp_path / "deep.yaml", DEEP_BLOCK + "  " * 501 + "v\n")
    clean_failure(cli("estimate", str(tmp_path)), "nested deeper than")


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("scenario", "pricing_date: 2026-02-30\n"),
        ("price book", "name: b\nas_of: 2026-02-30\n"),
    ],
)
def test_impossible_dates(cli: Any, tmp_path: Path, where: str, text: str) -> None:
    if where == "scenario":
        path = write(tmp_path / "s.yaml", SCENARIO.format(scenario="a", workload="w") + text)
        result = cli("estimate", str(path))
    else:
        path = write(tmp_path / "book.yaml", text)
        result = cli("estimate", "scenarios/support-chatbot.yaml", "--price-book", str(path))
    clean_failure(result, "not a valid date", "2026-02-30")
    clean_failure(cli("estimate", "scenarios/support-chatbot.yaml", "--as-of", "2026-02-30"))


@pytest.mark.parametrize("command", ["estimate", "breakeven", "roi", "mix", "regions"])
def test_subnormal_profile_weights(cli: Any, tmp_path: Path, command: str) -> None:
    path = write(
        tmp_path / "s.yaml",
        """\
        name: tiny
        workloads:
          - name: w
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 500, output: 100}
            traffic:
              requests_per_month: 1000000
              hourly_profile: [5e-324, 5e-324, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5e-324]
        roi:
          benefits: [{name: b, usd_per_request: 0.01}]
        """,
    )
    result = cli(command, str(path))
    assert result.code == 0, result


def test_breakeven_extreme_throughput(cli: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yaml",
        """\
        name: extreme
        workloads:
          - name: w
            model: meta.llama3-1-8b-instruct-v1:0
            tokens_per_request: {input: 500, output: 100}
            traffic: {requests_per_month: 1e9}
            self_hosted:
              instance_type: p5.4xlarge
              platform: ec2
              output_tokens_per_second_per_instance: 1e-9
        """,
    )
    result = cli("breakeven", str(path))
    assert result.code in (0, 2), result
    assert "Traceback" not in result.err and "internal error" not in result.err
    mix = cli("mix", str(path))
    assert mix.code == 0 and "internal error" not in mix.err


# --- 8. price books are checked like scenarios ------------------------------------------------


def test_price_book_typos_and_ranges(cli: Any, tmp_path: Path) -> None:
    book = write(
        tmp_path / "book.yaml",
        """\
        name: mine
        as_of: 2026-11-01
        discounts:
          - {percent: 5, models: [amazon.nova-lite-v1:1]}
        bedrock_on_demand:
          - {model_id: amazon.nova-lite-v1:0, region: us-east-l, usd_per_1m_input_tokens: 0.05}
          - model_id: amazon.nova-lite-v1:0
            usd_per_1m_input_tokens: 0.05
            effective_from: 2026-12-01
            effective_until: 2026-11-01
          - {model_id: amazon.nova-lite-v1:0, usd_per_1m_input_tokens: 0.04}
          - {model_id: amazon.nova-lite-v1:0, usd_per_1m_input_tokens: 0.03}
        instance_prices:
          - {platform: ec2, instance_type: p5.48xlarj, region: us-east-1, purchase: on_demand,
             usd_per_hour: 40}
          - {platform: sagemaker, instance_type: p5.48xlarge, region: us-east-1,
             purchase: on_demand, usd_per_hour: 40}
        """,
    )
    result = cli("estimate", "scenarios/support-chatbot.yaml", "--price-book", str(book))
    clean_failure(
        result,
        "discounts[0].models[0]: unknown model id 'amazon.nova-lite-v1:1'",
        "did you mean 'amazon.nova-lite-v1:0'",
        "unknown region 'us-east-l'",
        "effective_from 2026-12-01 is after effective_until 2026-11-01",
        "prices the same amazon.nova-lite-v1:0",
        "did you mean 'p5.48xlarge'",
        "write 'ml.p5.48xlarge'",
    )
    assert f"{book}:6:" in result.err  # the region's line


@pytest.mark.parametrize(
    ("flag", "hint"),
    [
        ("--price-book", "a price book needs at least 'name' and 'as_of'"),
        ("--budgets", "a budgets file needs 'tenants:'"),
        ("--capacity", "a capacity file needs 'capacity:'"),
    ],
)
def test_empty_files_get_their_own_hint(cli: Any, tmp_path: Path, flag: str, hint: str) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n")
    if flag == "--price-book":
        result = cli("estimate", "scenarios/support-chatbot.yaml", flag, str(empty))
    else:
        logs = tmp_path / "l.json"
        logs.write_text("")
        result = cli("allocate", str(logs), flag, str(empty))
    clean_failure(result, hint)
    assert "scenario" not in result.err


# --- 9. allocation -----------------------------------------------------------------------------


def _record(**changes: Any) -> str:
    record = {
        "schemaType": "ModelInvocationLog",
        "timestamp": "2026-11-02T10:00:00Z",
        "accountId": "1",
        "region": "us-east-1",
        "requestId": "r",
        "operation": "Converse",
        "modelId": "amazon.nova-lite-v1:0",
        "input": {"inputTokenCount": 1000},
        "output": {"outputTokenCount": 100},
        "requestMetadata": {"tenant": "a"},
    }
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            record[section][field] = value  # type: ignore[index]
        else:
            record[section] = value
    return json.dumps(record) + "\n"


def _allocate(cli: Any, *paths: Path, strict: bool = False) -> tuple[Any, dict[str, Any]]:
    result = cli("allocate", *map(str, paths), "-f", "json", *(["--strict"] if strict else []))
    return result, json.loads(result.out) if result.code == 0 else {}


def test_glob_characters_in_file_names_are_literal(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(_record() * 3)
    (tmp_path / "b.json").write_text(_record() * 5)
    odd = tmp_path / "[ab].json"
    odd.write_text(_record() * 2)
    star = tmp_path / "*.json"
    star.write_text(_record() * 7)
    result, document = _allocate(cli, odd, star)
    assert result.code == 0, result
    assert document["records"]["read"] == 9  # 2 + 7, not a.json or b.json


def test_a_broken_file_is_a_problem_not_a_stop(cli: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.json.gz"
    good.write_bytes(gzip.compress(_record().encode() * 4))
    truncated = tmp_path / "cut.json.gz"
    truncated.write_bytes(gzip.compress(_record().encode() * 100)[:40])
    empty = tmp_path / "empty.json.gz"
    empty.write_bytes(b"")
    result, document = _allocate(cli, tmp_path)
    assert result.code == 0, result
    assert document["records"]["allocated"] == 4
    reasons = [p["reason"] for p in document["problems"]]
    assert any("file cannot be read" in r for r in reasons), reasons
    assert any(str(truncated) in e for p in document["problems"] for e in p["examples"])
    assert "could not be read" in result.err
    strict, _ = _allocate(cli, tmp_path, strict=True)
    clean_failure(strict, "--strict")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "not a whole number"),
        ("100", "not a whole number"),
        (10.5, "not a whole number"),
        (-3, "not a whole number"),
        (2**63 - 1, "beyond any model's context window"),
        (2**64, "beyond any model's context window"),
    ],
)
def test_token_counts_are_json_integers(cli: Any, tmp_path: Path, value: Any, reason: str) -> None:
    logs = tmp_path / "logs.json"
    logs.write_text(_record() + _record(input__inputTokenCount=value) * 2)
    result, document = _allocate(cli, logs)
    assert result.code == 0, result
    assert document["records"] == {"read": 3, "allocated": 1, "not_allocated": 2}
    assert reason in document["problems"][0]["reason"]
    assert "SELECT" not in result.err and "LINE" not in result.err


def test_both_engines_agree_on_hostile_logs(tmp_path: Path, fixture_snapshot: Path) -> None:
    from tests.test_allocate import _spark_missing

    if _spark_missing() is not None:
        pytest.skip(str(_spark_missing()))
    from genai_cost.tracking.chargeback import run_allocation

    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "[ab].json").write_text(
        _record(modelId="acme.chat-v1:0")
        + "".join(
            _record(modelId="acme.chat-v1:0", input__inputTokenCount=v)
            for v in (True, "100", 10.5, -3, 2**63 - 1, 2**64, None)
        )
    )
    (folder / "a.json").write_text(_record(modelId="acme.chat-v1:0") * 3)
    (folder / "cut.json.gz").write_bytes(gzip.compress(_record().encode() * 50)[:40])
    duck = run_allocation([str(folder)], engine="duckdb")
    spark = run_allocation([str(folder)], engine="spark")
    for document in (duck, spark):  # file-level reasons quote each engine's own error text
        for problem in document["problems"]:
            if problem["reason"].startswith("file cannot be read"):
                problem["reason"] = "file cannot be read"
    assert spark == duck
    assert duck["records"] == {"read": 11, "allocated": 4, "not_allocated": 7}
