"""Workloads from a table (CSV or Parquet): the same workloads as YAML price the same, to the
byte; every bad cell is named by row and column, all at once; the file stays in its folder."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_cost.scenario.table import BY_NAME, COLUMNS, bounds

from .conftest import ROOT, CliResult
from .test_fuzz import FUZZ, assert_clean

HEADER = (
    "name,model,region,input_tokens,output_tokens,cache_read_tokens,requests_per_month,"
    "requests_per_second,peak_to_average_ratio,latency,service_tier,options,team"
)
ROWS = [
    # name, model, region, in, out, cache_read, rpm, rps, peak, latency, tier, options, team
    ("acme", "amazon.nova-lite-v1:0", "", 500, 100, "", 100000, "", "", "", "", "on_demand", "red"),
    (
        "globex",
        "anthropic.claude-3-haiku-20240307-v1:0",
        "us-west-2",
        1200,
        300,
        "",
        20000,
        "",
        "",
        "batch_tolerant",
        "",
        "on_demand;batch",
        "blue",
    ),
    (
        "initech",
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "",
        2000,
        400,
        1500,
        "",
        0.5,
        3,
        "",
        "",
        "",
        "",
    ),
    (
        "umbrella",
        "meta.llama3-1-8b-instruct-v1:0",
        "",
        800,
        200,
        "",
        3000000,
        "",
        2,
        "",
        "",
        "on_demand,self_hosted",
        "red",
    ),
    (
        "hooli",
        "amazon.nova-pro-v1:0",
        "",
        3000,
        500,
        "",
        50000,
        "",
        "",
        "",
        "standard",
        "",
        "green",
    ),
]


def _cell(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if "," in text else text


def _csv(rows: list[tuple[Any, ...]], header: str = HEADER) -> str:
    return header + "\n" + "\n".join(",".join(map(_cell, row)) for row in rows) + "\n"


def _yaml(rows: list[tuple[Any, ...]], name: str = "tenants") -> str:
    lines = [f"name: {name}", "region: us-east-1", "workloads:"]
    for wname, model, region, i, o, cr, rpm, rps, peak, latency, tier, options, team in rows:
        lines += [f"  - name: {wname}", f"    model: {model}"]
        if region:
            lines.append(f"    region: {region}")
        tokens = f"input: {i}, output: {o}" + (f", cache_read: {cr}" if cr != "" else "")
        lines.append(f"    tokens_per_request: {{{tokens}}}")
        traffic = f"requests_per_month: {rpm}" if rpm != "" else f"requests_per_second: {rps}"
        if peak != "":
            traffic += f", peak_to_average_ratio: {peak}"
        lines.append(f"    traffic: {{{traffic}}}")
        if latency:
            lines.append(f"    latency: {latency}")
        if tier:
            lines.append(f"    service_tier: {tier}")
        if options:
            listed = ", ".join(options.replace(",", ";").split(";"))
            lines.append(f"    options: [{listed}]")
        if team:
            lines.append(f"    tags: {{team: {team}}}")
    return "\n".join(lines) + "\n"


def _table_scenario(folder: Path, table: str, tags: str = "") -> Path:
    path = folder / "portfolio.yaml"
    path.write_text(
        f"name: tenants\nregion: us-east-1\nworkloads_table: {{path: {table}, tags: [{tags}]}}\n",
        encoding="utf-8",
    )
    return path


def _parquet(csv_path: Path, target: Path) -> None:
    import duckdb

    connection = duckdb.connect()
    connection.execute(
        "COPY (SELECT * FROM read_csv($1, header = true, auto_detect = true)) TO "
        f"'{target}' (FORMAT parquet)",
        [str(csv_path)],
    )


def _without_inputs(text: str) -> dict[str, Any]:
    """The estimate document without the scenario file's own path and digest."""
    document = json.loads(text)
    for scenario in document["scenarios"]:
        scenario.pop("path")
        scenario.pop("sha256")
    return document


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_a_table_prices_byte_for_byte_like_the_same_workloads_in_yaml(
    tmp_path: Path, cli: Callable[..., CliResult], fmt: str
) -> None:
    (tmp_path / "tenants.csv").write_text(_csv(ROWS), encoding="utf-8")
    _parquet(tmp_path / "tenants.csv", tmp_path / "tenants.parquet")
    yaml_path = tmp_path / "yaml-form.yaml"
    yaml_path.write_text(_yaml(ROWS), encoding="utf-8")
    outputs = {}
    for form, path in (
        ("yaml", yaml_path),
        ("csv", _table_scenario(tmp_path, "tenants.csv", "team")),
    ):
        result = cli("estimate", str(path), "-f", fmt, "--all")
        assert result.code == 0, result
        outputs[form] = result.out
    parquet = _table_scenario(tmp_path, "tenants.parquet", "team")
    result = cli("estimate", str(parquet), "-f", fmt, "--all")
    assert result.code == 0, result
    outputs["parquet"] = result.out
    if fmt == "json":
        assert _without_inputs(outputs["csv"]) == _without_inputs(outputs["yaml"])
        assert _without_inputs(outputs["parquet"]) == _without_inputs(outputs["yaml"])
        document = json.loads(outputs["csv"])
        (scenario,) = document["scenarios"]
        by_name = {w["name"]: w for w in scenario["workloads"]}
        # hand-worked: Nova Lite $0.06 / $0.24 per 1M tokens (us-east-1):
        # 100,000 x (500 x 0.06 + 100 x 0.24) / 1e6 = $3.00 + $2.40
        assert by_name["acme"]["monthly_cost_usd"] == pytest.approx(5.40)
        assert by_name["acme"]["tags"] == {"team": "red"}
        assert "tags" not in by_name["initech"]
        assert by_name["globex"]["region"] == "us-west-2"
        assert by_name["initech"]["requests_per_month"] == pytest.approx(0.5 * 730 * 3600)
    else:
        scrub = [str(yaml_path), str(tmp_path / "portfolio.yaml")]

        def plain(text: str) -> str:
            for name in scrub:
                text = text.replace(name, "SCENARIO")
            return text

        assert plain(outputs["csv"]) == plain(outputs["yaml"])
        assert plain(outputs["parquet"]) == plain(outputs["yaml"])


def test_workloads_option_prices_a_table_on_its_own(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    rows = [("t-1", "amazon.nova-lite-v1:0", 500, 100, 100000)]
    table = tmp_path / "tenants.csv"
    table.write_text(
        "tenant_id,model,input_tokens,output_tokens,requests_per_month\n"
        + "\n".join(",".join(map(str, r)) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    result = cli("estimate", "--workloads", str(table), "--column", "name=tenant_id", "-f", "json")
    assert result.code == 0, result
    (scenario,) = json.loads(result.out)["scenarios"]
    assert scenario["name"] == "tenants" and scenario["path"] == str(table)
    assert scenario["total_monthly_cost_usd"] == pytest.approx(5.40)
    assert scenario["workloads"][0]["region"] == "us-east-1"  # a scenario's default region
    other = tmp_path / "other.csv"
    other.write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        "t-2,anthropic.claude-3-haiku-20240307-v1:0,500,100,100000\n",
        encoding="utf-8",
    )
    in_region = cli("estimate", "-w", str(other), "--region", "us-west-2", "-f", "json")
    assert in_region.code == 0, in_region
    (summary,) = json.loads(in_region.out)["scenarios"]
    assert summary["workloads"][0]["region"] == "us-west-2"
    wrong = cli("estimate", "--workloads", str(table), "--column", "name")
    assert wrong.code == 2 and "expected COLUMN=NAME" in wrong.err
    unmapped = cli("estimate", "--workloads", str(table))
    assert unmapped.code == 2
    assert "missing column 'name'" in unmapped.err and "--column name=NAME" in unmapped.err
    assert "unknown column 'tenant_id'" in unmapped.err
    alone = cli("estimate", "--region", "us-east-1", str(tmp_path / "x.yaml"))
    assert alone.code == 2 and "describe a --workloads table" in alone.err
    nothing = cli("estimate")
    assert nothing.code == 2 and "--workloads" in nothing.err


def test_every_bad_cell_is_named_by_row_and_column_at_once(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "bad.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,requests_per_second,"
        "peak_to_average_ratio,latency,options\n"
        "a,amazon.nova-lite-v1:0,500,-1,100,,,,on_demand;batchh\n"
        "a,amazon.nova-lite-v1:0,x,300,,,,,\n"
        ",amazon.nova-lite-v1:0,nan,300,5,2,0.5,interactiv,\n"
        "d,,1,1,1,,,,on_demand;on_demand\n",
        encoding="utf-8",
    )
    result = cli("estimate", str(_table_scenario(tmp_path, "bad.csv")))
    assert result.code == 2, result
    expected = [
        "bad.csv: row 1, column 'output_tokens': expected a number at least 0, got -1",
        "bad.csv: row 2, column 'input_tokens': expected a number, got 'x'",
        "bad.csv: row 3, column 'input_tokens': expected a finite number, got NaN or infinity",
        "row 3, column 'peak_to_average_ratio': expected a number at least 1, got 0.5",
        "row 2, column 'requests_per_month': no volume",
        "row 3, column 'requests_per_month': give requests_per_month or requests_per_second, "
        "not both",
        "row 3, column 'name': expected a name, the cell is empty",
        "row 2, column 'name': workload name 'a' is used twice",
        "row 1, column 'options': item [1]: 'batchh' is not one of the choices",
        "(did you mean 'batch'?)",
        "row 3, column 'latency': 'interactiv' is not one of the choices",
        "(did you mean 'interactive'?)",
        "row 4, column 'options': options lists an option twice",
        "row 4, column 'model': expected a model id, the cell is empty",
    ]
    for text in expected:
        assert text in result.err, text
    assert "Traceback" not in result.err


def test_a_table_is_checked_against_the_catalog_with_suggestions(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "t.csv").write_text(
        "name,model,region,input_tokens,output_tokens,requests_per_month\n"
        "a,amazon.nova-lite-v1,,500,100,100\n"
        "b,amazon.nova-lite-v1:0,us-east-11,500,100,100\n"
        "c,amazon.nova-micro-v1:0,,500,100,100\n"
        "d,amazon.nova-micro-v1:0,,200000,100,100\n",
        encoding="utf-8",
    )
    result = cli("estimate", str(_table_scenario(tmp_path, "t.csv")))
    assert result.code == 2, result
    assert "row 1, column 'model': unknown model id 'amazon.nova-lite-v1'" in result.err
    assert "did you mean 'amazon.nova-lite-v1:0'" in result.err
    assert "row 2, column 'region': unknown region 'us-east-11'" in result.err
    # Nova Micro's context window is 128,000 tokens: only the row over it is named
    assert "row 4, column 'input_tokens': 200,000 input tokens per request" in result.err
    assert "row 3" not in result.err


def test_columns_are_mapped_and_unknown_ones_refused(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "t.csv").write_text(
        "tenant,model,in,output_tokens,requests_per_month,cost_center\n"
        "a,amazon.nova-lite-v1:0,500,100,100000,cc-1\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: s\nworkloads_table:\n  path: t.csv\n"
        "  columns: {name: tenant, input_tokens: in, nmae: x}\n",
        encoding="utf-8",
    )
    result = cli("estimate", str(scenario))
    assert result.code == 2
    assert "columns: 'nmae' is not a workloads-table column (did you mean 'name'?)" in result.err
    assert "unknown column 'cost_center'" in result.err
    scenario.write_text(
        "name: s\nworkloads_table:\n  path: t.csv\n"
        "  columns: {name: tenant, input_tokens: in}\n  tags: [cost_center]\n",
        encoding="utf-8",
    )
    result = cli("estimate", str(scenario), "-f", "json")
    assert result.code == 0, result
    (workload,) = json.loads(result.out)["scenarios"][0]["workloads"]
    assert workload["name"] == "a" and workload["tags"] == {"cost_center": "cc-1"}
    assert workload["monthly_cost_usd"] == pytest.approx(5.40)


def test_yaml_workloads_and_a_table_are_one_scenario(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        "from-table,amazon.nova-lite-v1:0,500,100,100000\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "s.yaml"
    body = (
        "name: s\nworkloads_table: t.csv\nworkloads:\n"
        "  - name: {own}\n    model: amazon.nova-lite-v1:0\n"
        "    tokens_per_request: {{input: 500, output: 100}}\n"
        "    traffic: {{requests_per_month: 200000}}\n"
        "roi:\n  benefits:\n    - name: saved\n      usd_per_month: 100\n"
        "      workloads: [from-table]\n"
    )
    scenario.write_text(body.format(own="in-yaml"), encoding="utf-8")
    result = cli("estimate", str(scenario), "-f", "json")
    assert result.code == 0, result
    (summary,) = json.loads(result.out)["scenarios"]
    assert [w["name"] for w in summary["workloads"]] == ["in-yaml", "from-table"]
    assert summary["total_monthly_cost_usd"] == pytest.approx(5.40 * 3)
    scenario.write_text(body.format(own="from-table"), encoding="utf-8")
    twice = cli("estimate", str(scenario))
    assert twice.code == 2
    assert "row 1, column 'name': workload name 'from-table' is also in the scenario" in twice.err


def test_the_table_path_stays_in_the_scenario_folder(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("name\n", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    scenario = folder / "s.yaml"
    for path, words in (
        ("../outside.csv", "relative path inside the scenario's folder"),
        ("/etc/passwd.csv", "relative path inside the scenario's folder"),
        ("link.csv", "outside"),
        ("t*.csv", "* ? [ ] { }"),
        ("t.xlsx", "a .csv or .parquet file"),
        ("missing.csv", "workloads_table.path: no such file"),
    ):
        if path == "link.csv":
            os.symlink(outside, folder / "link.csv")
        if path in ("t*.csv", "t.xlsx"):
            (folder / path).write_text("name\n", encoding="utf-8")
        scenario.write_text(f"name: s\nworkloads_table: {{path: '{path}'}}\n", encoding="utf-8")
        result = cli("estimate", str(scenario))
        assert result.code == 2, (path, result)
        assert words in result.err, (path, result.err)
        assert "Traceback" not in result.err


def test_malformed_and_typed_files_are_clear_errors(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "t.parquet").write_bytes(b"PAR1 not really")
    result = cli("estimate", str(_table_scenario(tmp_path, "t.parquet")))
    assert result.code == 2 and "cannot read the table" in result.err, result
    (tmp_path / "t.csv").write_text('name,model\n"a,b\n', encoding="utf-8")
    result = cli("estimate", str(_table_scenario(tmp_path, "t.csv")))
    assert result.code == 2 and "cannot read the table" in result.err, result
    assert "quote cells that hold commas" in result.err
    import duckdb

    target = tmp_path / "b.parquet"
    duckdb.connect().execute(
        "COPY (SELECT 'a' AS name, 'amazon.nova-lite-v1:0' AS model, true AS input_tokens, "
        f"1 AS output_tokens, 1 AS requests_per_month) TO '{target}' (FORMAT parquet)"
    )
    scenario = tmp_path / "b.yaml"
    scenario.write_text("name: s\nworkloads_table: b.parquet\n", encoding="utf-8")
    result = cli("estimate", str(scenario))
    assert result.code == 2 and "expected numbers, the file holds booleans" in result.err


def test_hostile_names_are_encoded_where_they_go(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        '"=HYPERLINK(""http://x"")",amazon.nova-lite-v1:0,500,100,100000\n'
        '"<script>alert(1)</script>",amazon.nova-lite-v1:0,500,100,100000\n',
        encoding="utf-8",
    )
    scenario = _table_scenario(tmp_path, "t.csv")
    scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    csv_out = cli("estimate", str(scenario), "-f", "csv")
    assert csv_out.code == 0, csv_out
    assert "'=HYPERLINK" in csv_out.out and ",=HYPERLINK" not in csv_out.out
    html = tmp_path / "r.html"
    assert cli("estimate", str(scenario), "-f", "html", "-o", str(html)).code == 0
    assert "<script>alert(1)</script>" not in html.read_text(encoding="utf-8")


def test_number_columns_take_their_ranges_from_the_scenario_model() -> None:
    assert bounds(BY_NAME["input_tokens"]) == {"ge": 0.0}
    assert bounds(BY_NAME["peak_to_average_ratio"]) == {"ge": 1.0}
    assert bounds(BY_NAME["requests_per_second"]) == {"ge": 0.0}
    numbers = [c for c in COLUMNS if c.kind == "number"]
    assert all(bounds(c) for c in numbers), "every number column has a range"


def test_option_and_line_rows_of_the_csv_are_the_generic_rows(
    cli: Callable[..., CliResult],
) -> None:
    from genai_cost.report.csv_report import OPTION_FIELDS, _components, _row, _rows

    result = cli("estimate", str(ROOT / "scenarios" / "support-platform.yaml"), "-f", "json")
    assert result.code == 0, result
    document = json.loads(result.out)
    rows = [r for r in _rows(document) if r[0] == "option"]
    expected = [
        _row(
            "option",
            r["scenario"],
            components=_components(r),
            **{k: r[k] for k in OPTION_FIELDS},
        )
        for r in document["options"]
    ]
    assert rows == expected and len(rows) > 10
    lines = [r for r in _rows(document) if r[0] == "line"]
    expected_lines = [
        _row(
            "line",
            scenario["name"],
            workload=";".join(c["workloads"]),
            family=c["family"],
            item=c["item"],
            line=c["name"],
            quantity=c["quantity"],
            unit=c["unit"],
            usd_per_unit=c["usd_per_unit"],
            monthly_cost_usd=c["usd"],
            detail=c["detail"],
        )
        for scenario in document["scenarios"]
        for c in scenario["bill"]["components"]
    ]
    assert lines == expected_lines and len(lines) > 3


BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_csv_rows_from_the_arrays_are_the_documents_rows(path: Path) -> None:
    """`estimate -f csv|parquet` writes rows made from the arrays (no document): they are
    the rows of the document, on every bundled scenario."""
    from genai_cost import api
    from genai_cost.report.csv_report import _rows, table_rows

    estimate = api.estimate([path])
    assert list(table_rows(estimate)) == list(_rows(estimate.to_dict()))


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_a_table_scenario_is_diffed_against_a_git_revision(
    tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`diff --base-ref` reads the table from the same revision as the scenario (in memory);
    the table's change is the diff's change, named by workload."""
    repo = tmp_path / "repo"
    folder = repo / "costs"
    folder.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "ci@example.com")
    _git(repo, "config", "user.name", "CI")
    header = "name,model,input_tokens,output_tokens,requests_per_month\n"
    (folder / "tenants.csv").write_text(
        header + "acme,amazon.nova-lite-v1:0,500,100,100000\n", encoding="utf-8"
    )
    (folder / "app.yaml").write_text("name: app\nworkloads_table: tenants.csv\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    (folder / "tenants.csv").write_text(
        header + "acme,amazon.nova-lite-v1:0,500,100,200000\n", encoding="utf-8"
    )
    monkeypatch.chdir(folder)  # paths are as typed, from a folder inside the repository
    result = cli("diff", "--base-ref", "HEAD", ".", "-f", "json")
    assert result.code == 0, result
    document = json.loads(result.out)
    (scenario,) = document["scenarios"]
    # hand-worked: Nova Lite, 100,000 more requests x $0.054 per 1,000 = $5.40 more
    assert scenario["base_monthly_cost_usd"] == pytest.approx(5.40)
    assert scenario["head_monthly_cost_usd"] == pytest.approx(10.80)
    assert "acme" in result.out
    # a table that is a link in the revision is not read
    (folder / "tenants.csv").unlink()
    os.symlink("/etc/hostname", folder / "tenants.csv")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "link")
    linked = cli("diff", "--base-ref", "HEAD", ".")
    assert linked.code == 2 and "not a plain file" in linked.err, linked


@pytest.mark.parametrize("tenants", [0, 1, 1500])
def test_streamed_json_is_the_documents_json(
    tmp_path: Path, cli: Callable[..., CliResult], tenants: int
) -> None:
    """`estimate -f json` writes the document as its option records are made (a few
    thousand at a time): the same bytes as the whole document encoded at once — with no
    option rows, a few, and more than one chunk of them."""
    from genai_cost import api
    from genai_cost.report.json_report import render_json_bytes

    scenario = tmp_path / "s.yaml"
    if tenants:
        rows = "".join(
            f"t{i:05d},amazon.nova-lite-v1:0,{500 + i % 700},{100 + i % 90},{1000 + 37 * i}\n"
            for i in range(tenants)
        )
        (tmp_path / "t.csv").write_text(
            "name,model,input_tokens,output_tokens,requests_per_month\n" + rows, encoding="utf-8"
        )
        scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    else:
        scenario.write_text("name: s\nsupporting_services: {s3_storage_gb: 10}\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = cli("estimate", str(scenario), "-f", "json", "-o", str(out))
    assert result.code == 0, result
    expected = render_json_bytes(api.estimate([scenario]).to_dict(), finite=True)
    assert out.read_bytes() == expected
    if tenants > 1000:
        assert len(json.loads(expected)["options"]) > 2_000  # more than one chunk
    stdout = cli("estimate", str(scenario), "-f", "json")
    assert stdout.out.encode("utf-8") == expected


CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e308",
            "1.7e308",
            "nan",
            "inf",
            "-inf",
            "5e-324",
            "x",
            '"',
            "true",
            "amazon.nova-lite-v1:0",
            "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us-east-1",
            "on_demand;batch",
            "batch_tolerant",
            "flex",
            "=1+1",
            "\x1b[31m",
            "a\nb",
        ]
    ),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@FUZZ
@given(data=st.data())
def test_hostile_tables_never_end_in_an_internal_error(
    tmp_path: Path, cli: Callable[..., CliResult], data: st.DataObject
) -> None:
    """A table of hostile cells (and hostile headers) is priced or refused with a named
    error: exit 0 or 2, never 3, never a traceback."""
    import csv
    import io

    header = data.draw(
        st.lists(
            st.one_of(st.sampled_from([c.name for c in COLUMNS] + ["team"]), st.text(max_size=6)),
            min_size=1,
            max_size=10,
        )
    )
    rows = data.draw(
        st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=4)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (tmp_path / "t.csv").write_text(buffer.getvalue(), encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    result = cli("estimate", str(scenario), "-f", "json")
    assert_clean(result)


@FUZZ
@given(data=st.data())
def test_mutated_valid_tables_never_end_in_an_internal_error(
    tmp_path: Path, cli: Callable[..., CliResult], data: st.DataObject
) -> None:
    """The bundled test rows with a few cells replaced by hostile ones."""
    table = [list(map(str, row)) for row in ROWS]
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        r = data.draw(st.integers(min_value=0, max_value=len(table) - 1))
        c = data.draw(st.integers(min_value=0, max_value=len(table[0]) - 1))
        table[r][c] = data.draw(CELLS)
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(table)
    (tmp_path / "t.csv").write_text(buffer.getvalue(), encoding="utf-8")
    scenario = _table_scenario(tmp_path, "t.csv", "team")
    result = cli("estimate", str(scenario), "-f", "json")
    assert_clean(result)
    if result.code == 0:
        document = json.loads(result.out)
        assert document["scenarios"][0]["workloads"]


def test_a_large_portfolio_report_shows_the_dearest_and_sums_the_rest(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """The terminal and Markdown reports of 40 tenants list the 30 dearest one by one and sum
    the other 10 in one row; the rows still add up to the whole bill; --all lists them all."""
    from genai_cost.report.estimate import TOP_WORKLOADS

    rows = "".join(f"t{i:02d},amazon.nova-lite-v1:0,500,100,{1000 * (i + 1)}\n" for i in range(40))
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n" + rows, encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    document = json.loads(cli("estimate", str(scenario), "-f", "json").out)
    workloads = document["scenarios"][0]["workloads"]
    costs = sorted((w["monthly_cost_usd"] for w in workloads), reverse=True)
    markdown = cli("estimate", str(scenario), "-f", "markdown")
    assert markdown.code == 0, markdown
    assert TOP_WORKLOADS == 30
    # hand-worked: tenant i costs (i + 1) x 1,000 requests x $0.054 per 1,000 = $0.054 (i + 1);
    # the 10 cheapest (i = 0..9) sum to $0.054 x 55 = $2.97
    assert "| 10 more workloads |  | $2.97 |" in markdown.out
    assert sum(costs[30:]) == pytest.approx(2.97)
    assert "| t39 | on_demand | $2.16 |" in markdown.out  # the dearest: $0.054 x 40
    assert "| t09 |" not in markdown.out
    # the listed rows and the summed row add up to the whole bill: $0.054 x (1 + ... + 40)
    assert "**$44.28**" in markdown.out
    assert sum(costs) == pytest.approx(44.28)
    every = cli("estimate", str(scenario), "-f", "markdown", "--all")
    assert "| t09 |" in every.out and "more workloads" not in every.out


def test_a_large_portfolio_html_report_shows_the_dearest_and_sums_the_rest(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    rows = "".join(f"t{i:02d},amazon.nova-lite-v1:0,500,100,{1000 * (i + 1)}\n" for i in range(40))
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n" + rows, encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    html = tmp_path / "r.html"
    assert cli("estimate", str(scenario), "-f", "html", "-o", str(html)).code == 0
    text = html.read_text(encoding="utf-8")
    # the summary and the bill lines: the 10 cheapest (t00..t09) summed, $0.054 x 55 = $2.97
    assert text.count("10 more workloads") == 2 and "$2.97" in text
    assert "t09: options" not in text and "t39: options" in text
    every = tmp_path / "every.html"
    assert cli("estimate", str(scenario), "-f", "html", "-o", str(every), "--all").code == 0
    assert "t09: options" in every.read_text(encoding="utf-8")


def test_a_large_portfolio_report_document_holds_only_the_listed_workloads_options(
    tmp_path: Path,
) -> None:
    """The table, Markdown and HTML reports read `report_document`: the whole document but
    for its option records, which are those of the 30 workloads the report lists (found
    here by sorting the summaries by hand). Rendered, it gives the same report as the whole
    document; with --all it is the whole document."""
    from genai_cost import api
    from genai_cost.report.registry import render

    models = ["amazon.nova-lite-v1:0", "meta.llama3-1-8b-instruct-v1:0"]
    rows = "".join(
        f"t{i:02d},{models[i % 2]},{500 + 10 * i},100,{1000 * (i + 1)}\n" for i in range(40)
    )
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n" + rows, encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    result = api.estimate([scenario])
    whole = result.to_dict()
    listed = api.report_document(result)
    summaries = whole["scenarios"][0]["workloads"]
    dearest = sorted(summaries, key=lambda w: w["monthly_cost_usd"], reverse=True)[:30]
    names = {w["name"] for w in dearest}
    assert len(names) == 30
    assert listed["options"] == [r for r in whole["options"] if r["workload"] in names]
    # the open-weights rows' self-hosting records (throughput, reasons) are among them
    assert any("throughput" in r for r in listed["options"])
    assert any(not r["feasible"] for r in listed["options"])
    assert {k: v for k, v in listed.items() if k != "options"} == {
        k: v for k, v in whole.items() if k != "options"
    }
    for fmt in ("table", "markdown"):
        assert render("estimate", listed, fmt) == render("estimate", whole, fmt)
    assert api.report_document(result, expand=True) == whole


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_option_records_of_some_workloads_are_theirs_in_the_whole_document(path: Path) -> None:
    """Records made for a few workloads (each option's columns converted for their rows
    only) are the whole document's records of those workloads, field for field: hourly
    instances, throughput, components, reasons and latencies included."""
    import numpy as np

    from genai_cost import api
    from genai_cost.results.estimate import option_record_chunks

    result = api.estimate([path])
    whole = result.to_dict()["options"]
    for picked in ([0], list(range(0, len(result.specs), 2)), []):
        wanted = np.asarray(picked, dtype=np.intp)
        records = [r for c in option_record_chunks(result, workloads=wanted) for r in c]
        keys = {(result.specs[i].scenario_name, result.specs[i].workload.name) for i in picked}
        assert records == [r for r in whole if (r["scenario"], r["workload"]) in keys]


@pytest.mark.parametrize("name", ["support-platform", "multimodal-assistant"])
def test_parquet_from_columns_holds_the_rows_written_in_chunks(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An estimate's Parquet is written from its columns (`table_blocks`); the document's
    rows written a chunk of 3 at a time through the row writer give the same file contents:
    the same rows, in the same order, with the same types."""
    from genai_cost import api

    _assert_parquet_is_the_row_writers(
        api.estimate([ROOT / "scenarios" / f"{name}.yaml"]), monkeypatch, tmp_path
    )


def test_parquet_columns_with_nothing_in_them_are_typed_nulls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Columns no row fills (token options only: no platform, instance type, capacity or
    utilization) are left out of the frame and written as NULL of their type: the same file
    contents as the row writer's."""
    from genai_cost import api
    from genai_cost.report import parquet
    from genai_cost.report.csv_report import COLUMNS as TABLE_COLUMNS
    from genai_cost.report.csv_report import EstimateRows

    rows = [(*row[:11], "on_demand", row[12]) for row in ROWS]
    (tmp_path / "t.csv").write_text(_csv(rows), encoding="utf-8")
    estimate = api.estimate([_table_scenario(tmp_path, "t.csv", "team")])
    frame = parquet._blocks_frame(
        [(c, parquet.ESTIMATE_TYPES.get(c, "VARCHAR")) for c in TABLE_COLUMNS],
        EstimateRows(estimate).blocks(),
    )
    assert {"platform", "instance_type", "capacity", "utilization_fraction"}.isdisjoint(frame)
    _assert_parquet_is_the_row_writers(estimate, monkeypatch, tmp_path)


def _assert_parquet_is_the_row_writers(
    estimate: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import duckdb

    from genai_cost.report import parquet
    from genai_cost.report.csv_report import COLUMNS as TABLE_COLUMNS
    from genai_cost.report.csv_report import EstimateRows, _rows

    whole = tmp_path / "whole.parquet"
    whole.write_bytes(parquet.render_parquet("estimate", EstimateRows(estimate)))
    monkeypatch.setattr(parquet, "ROWS_AT_A_TIME", 3)
    chunked = tmp_path / "chunked.parquet"
    schema = [(c, parquet.ESTIMATE_TYPES.get(c, "VARCHAR")) for c in TABLE_COLUMNS]
    chunked.write_bytes(parquet._parquet(schema, _rows(estimate.to_dict())))
    connection = duckdb.connect()

    def read(path: Path) -> tuple[list[Any], list[Any]]:
        source = f"read_parquet('{path}')"
        return (
            connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall(),
            connection.execute(f"SELECT * FROM {source}").fetchall(),
        )

    types, rows = read(whole)
    assert read(chunked) == (types, rows) and len(rows) > 10
    assert {row[0] for row in rows} == {"total", "family", "line", "option"}


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_table_blocks_are_the_rows_as_columns(path: Path) -> None:
    """The columns `estimate -f parquet` writes hold the document's rows (`_rows`), cell for
    cell (a float array's NaN is the rows' None), on every bundled scenario."""
    import math

    import numpy as np

    from genai_cost import api
    from genai_cost.report.csv_report import COLUMNS as TABLE_COLUMNS
    from genai_cost.report.csv_report import _rows, table_blocks

    estimate = api.estimate([path])
    rows = list(_rows(estimate.to_dict()))
    cells: list[list[Any]] = [[] for _ in TABLE_COLUMNS]
    for block in table_blocks(estimate):
        for k, column in enumerate(TABLE_COLUMNS):
            values = block[column]
            if isinstance(values, np.ndarray):
                values = values.tolist()
            cells[k].extend(None if isinstance(v, float) and math.isnan(v) else v for v in values)
    assert [list(r) for r in zip(*cells, strict=True)] == rows
    assert any(r[0] == "option" for r in rows)


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([0.0, -0.0, 1e-10, 0.1 + 0.2, 2.5e-7, 1234.5678912345]),
        ),
        max_size=30,
    ),
    st.sampled_from([6, 9]),
)
def test_rounded_arrays_and_texts_are_round(values: list[float], digits: int) -> None:
    """`rounded_array` and `rounded_texts` hold Python's `round(v, digits)` of each value
    (the sign of zero kept), NaN or the missing text where v is not finite."""
    import math

    import numpy as np

    from genai_cost.results.rounding import rounded_array, rounded_texts

    array = np.asarray(values, dtype=np.float64)
    expected = [round(v, digits) if math.isfinite(v) else None for v in values]
    got = rounded_array(array, digits).tolist()
    for e, g in zip(expected, got, strict=True):
        if e is None:
            assert math.isnan(g)
        else:
            assert g == e and math.copysign(1, g) == math.copysign(1, e)
    assert rounded_texts(array, digits, "no price").tolist() == [
        "no price" if e is None else str(e) for e in expected
    ]


@given(
    st.lists(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.sampled_from([0.0, -0.0, 2.5e-7, 1234.5678912345]),
            ),
            max_size=6,
        ),
        max_size=5,
    ),
)
def test_columns_rounded_together_are_each_rounded_alone(columns: list[list[float]]) -> None:
    """`rounded_columns` (the break-even sweep's columns, rounded in one pass) is each
    array's own `rounded_column`: Python's `round(v, 6)`, None where v is not finite."""
    import math

    import numpy as np

    from genai_cost.results.rounding import rounded_column, rounded_columns

    arrays = [np.asarray(c, dtype=np.float64) for c in columns]
    together = rounded_columns(arrays, 6)
    assert together == [rounded_column(a, 6) for a in arrays]
    for column, rounded in zip(columns, together, strict=True):
        for v, r in zip(column, rounded, strict=True):
            if not math.isfinite(v):
                assert r is None
            else:
                assert r == round(v, 6) and math.copysign(1, r) == math.copysign(1, round(v, 6))


def test_flattened_specs_are_the_dataclass_made_ones() -> None:
    """`flatten` sets each spec's fields itself; they are the specs `WorkloadSpec(...)`
    makes (equal, the same fields, the same source, in slots: no attribute dict a spec), for
    every bundled scenario (a table's among them: saas-tenants). A table's rows are specs
    without a workload object (`held` None): flattening makes none of them, and each spec's
    `workload` is its scenario's."""
    import dataclasses

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import WorkloadSpec, flatten
    from genai_cost.scenario.table import TableWorkloads

    loaded = load_scenarios(BUNDLED, load_catalog())
    specs = flatten(loaded)
    tables = [i.scenario.workloads for i in loaded if i.table is not None]
    assert tables and all(isinstance(t, TableWorkloads) for t in tables)
    assert all(t._made is None and not t._some for t in tables)  # type: ignore[attr-defined]
    expected = [
        WorkloadSpec(
            i,
            item.scenario.name,
            None if item.table is not None and j >= item.yaml_workloads else w,
            item.scenario.workload_region(w),
            item.path,
            item.scenario.pricing_date,
            item.scenario.hours,
            item,
            j,
        )
        for i, item in enumerate(loaded)
        for j, w in enumerate(item.scenario.workloads)
    ]
    assert specs == expected and len(specs) > 20
    assert sum(s.held is None for s in specs) == sum(t.table.size for t in tables)  # type: ignore[attr-defined]
    assert not hasattr(specs[0], "__dict__")
    for got, want in zip(specs, expected, strict=True):
        assert got.source is want.source
        assert got.workload is want.workload is want.source.scenario.workloads[want.index_in_file]  # type: ignore[union-attr]
        for f in dataclasses.fields(want):
            assert getattr(got, f.name) is getattr(want, f.name) or (
                getattr(got, f.name) == getattr(want, f.name)
            ), f.name


def test_components_cells_by_listing_pattern() -> None:
    """Each row's `components` cell lists, in the option's order, the components it lists:
    an optional one only where its quantity is positive, any other on a feasible row or
    where it has a quantity; rows with different patterns in one option, a price missing,
    and a `%` in a unit (the cells are filled from templates) — written out by hand."""
    from types import SimpleNamespace

    import numpy as np

    from genai_cost.report.csv_report import _components_cells

    def component(name: str, unit: str, optional: bool, quantity: list, price: list):
        return SimpleNamespace(
            name=name,
            unit=unit,
            optional=optional,
            quantity=np.array(quantity, dtype=float),
            usd_per_unit=np.array(price, dtype=float),
        )

    nan = float("nan")
    result = SimpleNamespace(
        listed_components=[
            component("input_tokens", "tokens", False, [10, 0, 7, 5, 0], [2e-6, 2e-6, nan, 1, 1]),
            component("standby", "% hours", True, [0, 3, 0, 1.5, 0], [0.5, 0.5, 0.5, 0.25, 1]),
            component("never", "x", True, [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]),
        ]
    )
    ok = np.array([True, True, False, False, False])
    assert _components_cells(result, ok).tolist() == [
        "input_tokens=10.0 tokens x 2e-06",
        "input_tokens=0.0 tokens x 2e-06; standby=3.0 % hours x 0.5",
        "input_tokens=7.0 tokens x no price",
        "input_tokens=5.0 tokens x 1.0; standby=1.5 % hours x 0.25",
        "",
    ]
    nothing = SimpleNamespace(listed_components=[result.listed_components[2]])
    assert _components_cells(nothing, ok).tolist() == [""] * 5
    # more components than one number's bits hold: the patterns are grouped as byte rows
    many = SimpleNamespace(
        listed_components=[
            component(f"c{k}", "u", True, [float(r == k % 5) for r in range(5)], [1] * 5)
            for k in range(70)
        ]
    )
    assert _components_cells(many, ok).tolist() == [
        "; ".join(f"c{k}=1.0 u x 1.0" for k in range(70) if k % 5 == r) for r in range(5)
    ]


def test_repeated_texts_are_one_string_each(tmp_path: Path) -> None:
    """A model id, region or tag repeated down the table is held once (a million-row table
    would otherwise hold a string per cell); names stay as read; the values are unchanged."""
    from genai_cost.scenario.table import read_table

    rows = [
        (f"t{k}", "amazon.nova-lite-v1:0", "us-west-2", 10, 5, "", 100, "", "", "", "", "", "red")
        for k in range(3)
    ]
    (tmp_path / "t.csv").write_text(_csv(rows), encoding="utf-8")
    table = read_table(tmp_path / "t.csv", tags=["team"])
    models, regions, teams = table.text["model"], table.text["region"], table.tags["team"]
    assert models.tolist() == ["amazon.nova-lite-v1:0"] * 3
    assert regions.tolist() == ["us-west-2"] * 3 and teams.tolist() == ["red"] * 3
    assert models[0] is models[2] and regions[0] is regions[1] and teams[1] is teams[2]
    assert table.text["name"].tolist() == ["t0", "t1", "t2"]
    workloads = table.workloads()
    assert workloads[0].model is workloads[2].model
    assert [w.tags for w in workloads] == [{"team": "red"}] * 3


def test_a_tables_workloads_are_the_validated_ones_in_key_sharing_dicts(tmp_path: Path) -> None:
    """Each row's workload (made unvalidated) equals the model validated from its own
    fields, holds them in the fields' order, and in a dict that shares its keys with the
    others' (smaller than an ordinary dict of the same items: 100,000 rows hold 54 MB
    less) — whatever made a workload's attributes before, in any order."""
    import sys

    from genai_cost.scenario.load import load_scenario
    from genai_cost.scenario.models import Workload
    from genai_cost.scenario.table import read_table

    early = object.__new__(Workload)  # a workload's own shared keys, in another order
    for key in reversed(list(Workload.model_fields)):
        object.__setattr__(early, key, None)
    (tmp_path / "t.csv").write_text(_csv(ROWS), encoding="utf-8")
    workloads = read_table(tmp_path / "t.csv", tags=["team"]).workloads()
    (tmp_path / "y.yaml").write_text(_yaml(ROWS), encoding="utf-8")
    written = load_scenario(tmp_path / "y.yaml").scenario.workloads
    assert len(workloads) == len(written) == len(ROWS)
    for w, y in zip(workloads, written, strict=True):
        assert w == y == Workload.model_validate(w.model_dump(exclude_unset=True))
        # the fields each sets are the ones its YAML form sets
        assert w.model_fields_set == y.model_fields_set
        assert w.traffic.model_fields_set == y.traffic.model_fields_set
        assert w.tokens_per_request.model_fields_set == y.tokens_per_request.model_fields_set
        assert list(vars(w)) == list(Workload.model_fields)
        assert sys.getsizeof(vars(w)) < sys.getsizeof(dict(vars(w)))


def _assert_models_figures(specs: list[Any]) -> None:
    """`workload_arrays(specs)` holds, workload by workload, the models' own figures (bit for
    bit: signed zeros too; hourly shares: a profile's fractions, NaN rows for a peak ratio
    alone, flat elsewhere), in contiguous columns."""
    import numpy as np

    from genai_cost.engine.context import _hourly_share, workload_arrays
    from genai_cost.scenario.models import Latency

    got = workload_arrays(specs)
    ws = [s.workload for s in specs]
    expected = {
        "requests_per_month": [s.workload.traffic.requests_in(s.hours) for s in specs],
        "input_tokens": [w.tokens_per_request.mean_input for w in ws],
        "output_tokens": [w.tokens_per_request.output for w in ws],
        "cache_read_tokens": [w.tokens_per_request.cache_read for w in ws],
        "cache_write_tokens": [w.tokens_per_request.cache_write for w in ws],
        "cache_write_1h_tokens": [w.tokens_per_request.cache_write_1h for w in ws],
        "peak_factor": [w.traffic.peak_factor for w in ws],
        "hours": [s.hours for s in specs],
    }
    for name, values in expected.items():
        column = getattr(got, name)
        assert column.flags.c_contiguous, name
        assert np.array_equal(column, np.array(values, dtype=np.float64)), name
        assert np.signbit(column).tolist() == np.signbit(values).tolist(), name
    assert got.batch_tolerant.tolist() == [w.latency == Latency.batch_tolerant for w in ws]
    assert got.hourly_share is not None
    shares = np.array([_hourly_share(w) for w in ws]).reshape(len(ws), 24)
    assert np.array_equal(got.hourly_share, shares, equal_nan=True)


def test_workload_arrays_read_in_one_pass_are_the_models_figures() -> None:
    """`workload_arrays` reads each workload's figures in one pass, and `spec_columns` its
    texts and flags; every column is the models' own, workload by workload, on every
    bundled scenario."""
    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import flatten, spec_columns
    from genai_cost.scenario.models import Latency

    specs = flatten(load_scenarios(BUNDLED, load_catalog()))
    _assert_models_figures(specs)
    _assert_models_columns(specs)
    assert spec_columns(specs).special  # guardrails, backfills, redundancy are covered
    ws = [s.workload for s in specs]
    assert any(w.traffic.hourly_profile is not None for w in ws)
    assert any(w.traffic.peak_to_average_ratio is not None for w in ws)
    assert any(w.latency == Latency.batch_tolerant for w in ws)
    assert len(ws) > 20


_TABLE_ROW = st.tuples(
    st.sampled_from(["", "0", "-0.0", "250", "1234.5", "1e4"]),  # input (empty: 0 below)
    st.sampled_from(["", "0", "-0.0", "7.25", "900"]),  # cache read
    st.sampled_from(["", "0", "-0.0", "12", "0.5"]),  # 5-minute cache writes
    st.sampled_from(["", "3", "2048"]),  # 1-hour cache writes
    st.one_of(  # (requests a month, requests a second): one of them
        st.tuples(st.sampled_from(["0", "-0.0", "1", "730", "99999.5", "3e9"]), st.just("")),
        st.tuples(st.just(""), st.sampled_from(["0", "0.001", "1", "37.5"])),
    ),
    st.sampled_from(["", "1", "1.5", "12"]),  # peak-to-average ratio
    st.sampled_from(["", "interactive", "batch_tolerant"]),
    st.sampled_from(["", "standard"]),  # service tier
    st.sampled_from(["", "on_demand", "on_demand;batch", "batch, on_demand"]),  # options
    st.sampled_from(["10", "0", "-0.0"]),  # output
    st.sampled_from(["", "red", "0"]),  # a tag
)


@settings(deadline=None)  # each example writes and loads files (the first loads the catalog)
@given(
    rows=st.lists(_TABLE_ROW, min_size=1, max_size=8),
    month=st.sampled_from(["", "2026-02", "2026-03", "2026-04"]),
    yaml_first=st.booleans(),
)
def test_a_tables_figures_from_its_columns_are_the_models_figures(
    rows: list[tuple[Any, ...]], month: str, yaml_first: bool
) -> None:
    """A table's workloads have their figures read from the table's columns, not their
    models: the figures are the models' own, bit for bit (per-month and per-second volumes,
    empty and signed-zero cells, peak ratios, latency, calendar months' hours), with a YAML
    workload alongside or not; a workload changed since it was read (a spec holding it)
    is read from its model."""
    import datetime as dt
    import tempfile

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import PricingContext, flatten, from_table
    from genai_cost.scenario.models import Option

    header = (
        "name,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
        "cache_write_1h_tokens,requests_per_month,requests_per_second,"
        "peak_to_average_ratio,latency,service_tier,options,region,team"
    )
    lines = [header]
    for k, row in enumerate(rows):
        i, cr, cw, cw1, (rpm, rps), peak, latency, tier, options, output, team = row
        fields = [f"t{k}", "amazon.nova-lite-v1:0", i or "0", output, cr, cw, cw1, rpm, rps]
        region = "us-west-2" if k % 3 == 1 else ""
        lines.append(",".join([*fields, peak, latency, tier, f'"{options}"', region, team]))
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        own = (
            "workloads:\n  - {name: y, model: amazon.nova-lite-v1:0, "
            "tokens_per_request: {input: 5, output: 1}, traffic: {requests_per_month: 9}}\n"
            if yaml_first
            else ""
        )
        Path(folder, "s.yaml").write_text(
            "name: s\nregion: us-east-1\nworkloads_table: {path: t.csv, tags: [team]}\n"
            + (f"billing_month: '{month}'\n" if month else "")
            + own,
            encoding="utf-8",
        )
        loaded = load_scenarios([Path(folder, "s.yaml")], load_catalog())
    specs = flatten(loaded)
    assert [p.tolist() for p, *_ in from_table(specs)] == [list(range(int(yaml_first), len(specs)))]
    _assert_models_figures(specs)
    _assert_models_columns(specs)
    _assert_models_summaries(specs)
    ctx = PricingContext(load_catalog(), dt.date(2026, 11, 23), specs)
    for option in Option:
        assert ctx.wanting(option) == [i for i, s in enumerate(specs) if s.wants(option)]
    # in another order (a command pricing some workloads again): each still its own
    _assert_models_figures(specs[::-1])
    _assert_models_columns([*specs[1::2], *specs[::2]])
    # the table's workloads as other objects (a path's change makes a new one): the models
    changed = [s.with_workload(s.workload.model_copy()) for s in specs]
    assert from_table(changed) == []
    _assert_models_figures(changed)
    _assert_models_columns(changed)
    _assert_models_summaries(changed)


def _assert_models_summaries(specs: list[Any]) -> None:
    """The estimate's workload summary fields a table's rows get from its columns are the
    ones their models give (`document_parts`), for every row the table has as it is."""
    from genai_cost.engine.context import monthly_requests
    from genai_cost.results.estimate import _TOKEN_FIELDS, _table_summaries

    assert monthly_requests(specs).tolist() == [s.workload.traffic.monthly_requests for s in specs]
    summaries = _table_summaries(specs)
    assert sorted(summaries) == [i for i, s in enumerate(specs) if s.held is None]
    for i, (name, model, requests, tokens, tags) in summaries.items():
        w = specs[i].workload
        assert (name, model, tags) == (w.name, w.model, w.tags)
        assert requests == w.traffic.requests_in(specs[i].hours)
        t = w.tokens_per_request
        want = {k: v for k in _TOKEN_FIELDS if (v := getattr(t, k))}
        assert list(tokens.items()) == list(want.items())


def _assert_models_columns(specs: list[Any]) -> None:
    """`spec_columns(specs)` holds each workload's own texts and flags."""
    from genai_cost.engine.context import spec_columns

    c = spec_columns(specs)
    ws = [s.workload for s in specs]
    assert c.name.tolist() == [w.name for w in ws]
    assert c.model.tolist() == [w.model for w in ws]
    assert c.service_tier.tolist() == [w.service_tier for w in ws]
    assert c.endpoint_scope.tolist() == [w.endpoint_scope for w in ws]
    assert c.region.tolist() == [s.region for s in specs]
    assert c.kind.tolist() == [w.kind for w in ws]
    named = {}  # a kind's number is the same wherever it is, and differs from another kind's
    for kind, code in zip(c.kind.tolist(), c.kind_code.tolist(), strict=True):
        assert named.setdefault(kind, code) == code
    assert len(set(named.values())) == len(named)
    assert [c.option_sets[k] for k in c.options.tolist()] == [
        None if w.options is None else tuple(w.options) for w in ws
    ]
    assert c.explicit.tolist() == [w.options is not None for w in ws]
    assert c.on_demand_only.tolist() == [w.on_demand_only for w in ws]
    assert c.special == [
        i
        for i, w in enumerate(ws)
        if w.guardrails is not None or w.backfill is not None or w.redundancy.mode != "single"
    ]
    assert c.latency == [i for i, w in enumerate(ws) if w.latency_target or w.measured_latency]
    assert c.base_load == [i for i, w in enumerate(ws) if w.base_load is not None]
    assert c.long_requests == [
        i
        for i, w in enumerate(ws)
        if w.tokens_per_request is not None and w.tokens_per_request.long_requests is not None
    ]


def test_figures_read_together_are_the_ones_read_one_by_one() -> None:
    """`by_workload_columns` gives, per row, each figure `by_workload` gives for its
    workload (rows in any order, workloads repeated or absent)."""
    import numpy as np

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import (
        PricingContext,
        by_workload,
        by_workload_columns,
        flatten,
    )

    specs = flatten(load_scenarios(BUNDLED, load_catalog()))
    ctx = PricingContext(load_catalog(), dt.date(2026, 11, 28), specs)
    index = np.array([5, 0, 5, 3, len(specs) - 1, 3, 3], dtype=np.int64)

    def tokens(spec: Any) -> float:
        return spec.workload.tokens_per_request.input

    def hours(spec: Any) -> float:
        return float(spec.hours)

    together = by_workload_columns(ctx, index, lambda s: (tokens(s), hours(s)), 2)
    assert [c.tolist() for c in together] == [
        by_workload(ctx, index, tokens).tolist(),
        by_workload(ctx, index, hours).tolist(),
    ]
    assert together[0].tolist() == [tokens(specs[i]) for i in index.tolist()]
    empty = by_workload_columns(ctx, np.zeros(0, dtype=np.int64), lambda s: (1.0, 2.0), 2)
    assert [c.size for c in empty] == [0, 0]


def test_wanting_is_each_specs_own_answer() -> None:
    """`PricingContext.wanting` lists, for every option, exactly the workloads whose spec
    wants it, in order; `on_demand_only` those with speech or media (every bundled scenario,
    and a run of none)."""
    import datetime as dt

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import PricingContext, flatten
    from genai_cost.scenario.models import Option

    catalog = load_catalog()
    specs = flatten(load_scenarios(BUNDLED, catalog))
    ctx = PricingContext(catalog, dt.date(2026, 11, 23), specs)
    for option in Option:
        assert ctx.wanting(option) == [i for i, s in enumerate(specs) if s.wants(option)]
    assert ctx.on_demand_only() == [i for i, s in enumerate(specs) if s.workload.on_demand_only]
    assert ctx.on_demand_only() and len({tuple(ctx.wanting(o)) for o in Option}) > 3
    empty = PricingContext(catalog, dt.date(2026, 11, 23), [])
    assert all(empty.wanting(o) == [] for o in Option) and empty.on_demand_only() == []


def test_several_tag_columns_and_empty_tag_cells(tmp_path: Path) -> None:
    """Each tag column given becomes a tag of the row's workload; an empty cell is no tag
    (one tag column and several take different paths)."""
    from genai_cost.scenario.table import read_table

    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,team,cost_center\n"
        "a,amazon.nova-lite-v1:0,10,5,100,red,cc-1\n"
        "b,amazon.nova-lite-v1:0,10,5,100,,cc-2\n"
        "c,amazon.nova-lite-v1:0,10,5,100,blue,\n",
        encoding="utf-8",
    )
    both = read_table(tmp_path / "t.csv", tags=["team", "cost_center"]).workloads()
    assert [w.tags for w in both] == [
        {"team": "red", "cost_center": "cc-1"},
        {"cost_center": "cc-2"},
        {"team": "blue"},
    ]
    (tmp_path / "one.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,team\n"
        "a,amazon.nova-lite-v1:0,10,5,100,red\n"
        "b,amazon.nova-lite-v1:0,10,5,100,\n",
        encoding="utf-8",
    )
    one = read_table(tmp_path / "one.csv", tags=["team"]).workloads()
    assert [w.tags for w in one] == [{"team": "red"}, {}]


def test_a_date_before_an_undated_price_is_said_once_per_model(tmp_path: Path) -> None:
    """Pricing a date before an undated price was observed warns once per model, in the
    order the models first appear, however many workloads use it; a date
    after it says nothing."""
    from genai_cost import api

    workloads = "\n".join(
        f"  - {{name: w{k}, model: {model}, tokens_per_request: {{input: 100, output: 10}}, "
        "traffic: {requests_per_month: 1000}}"
        for k, model in enumerate(
            ["amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0"]
        )
    )
    path = tmp_path / "early.yaml"
    path.write_text(f"name: early\npricing_date: 2025-01-01\nworkloads:\n{workloads}\n")
    result = api.estimate([path])
    said = [w for w in result.warnings if "assumed to have held then" in w]
    assert [w.split(":")[0] for w in said] == ["amazon.nova-lite-v1", "amazon.nova-pro-v1"]
    assert all("priced for 2025-01-01, but its price is known only from 2025-" in w for w in said)
    later = tmp_path / "later.yaml"
    later.write_text(path.read_text().replace("2025-01-01", "2026-11-23"))
    assert not [w for w in api.estimate([later]).warnings if "assumed to have held" in w]


def test_an_unknown_reference_lists_a_few_of_a_tables_names(cli: Any, tmp_path: Path) -> None:
    """A reference to no workload lists 20 of the scenario's names and counts the rest (a
    table may hold 100,000)."""
    rows = "\n".join(f"w{k},amazon.nova-lite-v1:0,10,5,100" for k in range(25))
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n" + rows + "\n",
        encoding="utf-8",
    )
    (tmp_path / "s.yaml").write_text(
        "name: s\nregion: us-east-1\nworkloads_table: t.csv\ntraining_jobs:\n"
        "  - {name: j, instance_type: p4d.24xlarge, work_hours: 1, workloads: [nobody]}\n",
        encoding="utf-8",
    )
    result = cli("estimate", str(tmp_path / "s.yaml"))
    assert result.code == 2, result.err
    assert "training_jobs[0].workloads[0]: no workload named 'nobody'" in result.err
    listed = ", ".join(f"'w{k}'" for k in range(20))
    assert f"workloads: {listed} and 5 more" in result.err


@given(owners=st.lists(st.integers(0, 4), max_size=30), extra=st.integers(0, 2))
def test_each_scenarios_workloads_are_its_specs_in_order(owners: list[int], extra: int) -> None:
    """`_members` (grouped by sorting, not appended one by one) lists each scenario's
    workloads in order, an empty list for a scenario without any."""
    from types import SimpleNamespace

    from genai_cost.decisions.bill import _members

    count = (max(owners) + 1 if owners else 0) + extra
    estimate: Any = SimpleNamespace(specs=[SimpleNamespace(scenario_index=o) for o in owners])
    expected = [[i for i, o in enumerate(owners) if o == k] for k in range(count)]
    assert _members(estimate, count) == expected


def test_picked_items_are_a_slice_only_when_positions_run_up_one_by_one() -> None:
    import numpy as np

    from genai_cost.engine.context import _picked

    items = list("abcdef")
    for at in ([], [2], [1, 2, 3], [0, 2, 1, 3], [3, 2, 1], [0, 1, 3], [5, 4]):
        assert _picked(items, np.asarray(at, dtype=np.intp)) == [items[i] for i in at]


def test_requests_in_a_month_by_hand() -> None:
    """docs/methodology.md, "requests": 7,300 a 730-hour month are 6,720 in February 2026's
    672 hours (7,300 × 672 / 730) and 7,300 in a 730-hour month; 0.5 a second are
    0.5 × 3,600 × 672 = 1,209,600; a table's row is read the same way from its columns."""
    import numpy as np

    from genai_cost.engine.context import table_figures
    from genai_cost.scenario.models import Traffic
    from genai_cost.scenario.table import WorkloadTable

    assert Traffic(requests_per_month=7300).requests_in(672) == 6720.0
    assert Traffic(requests_per_month=7300).requests_in(730) == 7300.0
    assert Traffic(requests_per_second=0.5).requests_in(672) == 1_209_600.0
    nan = float("nan")
    table = WorkloadTable(
        "t.csv",
        Path("t.csv"),
        2,
        {"latency": np.array(["", "batch_tolerant"], dtype=object)},
        {
            "requests_per_month": np.array([7300.0, nan]),
            "requests_per_second": np.array([nan, 0.5]),
            "input_tokens": np.array([100.0, 200.0]),
            "output_tokens": np.array([10.0, 20.0]),
            "cache_read_tokens": np.array([nan, 5.0]),
            "cache_write_tokens": np.array([nan, nan]),
            "cache_write_1h_tokens": np.array([nan, nan]),
            "peak_to_average_ratio": np.array([nan, 3.0]),
        },
    )
    figures = table_figures(table, np.array([0, 1]), np.array([672.0, 672.0]))
    assert figures[0].tolist() == [6720.0, 1_209_600.0]  # requests in the month
    assert figures[3].tolist() == [0.0, 5.0]  # cache reads (empty is 0)
    assert figures[6].tolist() == [1.0, 3.0]  # peak factor (the ratio, else 1)
    assert figures[8].tolist() == [0.0, 1.0]  # batch tolerant


def test_a_scenarios_table_rows_are_made_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario with a table holds its own workloads, then the table's rows, each row's
    workload made when first asked for and then kept (one object however it is asked for,
    one by one, by slice or by iterating, before and after every row is made); asked for
    more than ONE_BY_ONE rows one by one, it makes every row at once. It equals the list of
    the same workloads, and its names come from the table's column."""
    from genai_cost.scenario import table as table_module
    from genai_cost.scenario.models import Workload
    from genai_cost.scenario.table import TableWorkloads, read_table, workload_names

    (tmp_path / "t.csv").write_text(_csv(ROWS), encoding="utf-8")
    table = read_table(tmp_path / "t.csv", tags=["team"])
    rows = table.workloads()  # other objects, equal to the rows
    own = Workload.model_validate(
        {
            "name": "y",
            "model": "amazon.nova-lite-v1:0",
            "tokens_per_request": {"input": 5, "output": 1},
            "traffic": {"requests_per_month": 9},
        }
    )
    seq = TableWorkloads([own], table)
    assert len(seq) == 1 + len(ROWS) == 6
    assert seq[0] is own and seq[-6] is own
    second = seq[2]
    assert second == rows[1] and second is not rows[1]
    assert seq[2] is second and seq[-4] is second
    assert seq._made is None and sorted(seq._some) == [1]  # one row made so far
    assert seq[1:4] == rows[0:3] and seq[1:4][1] is second
    assert seq[::-2] == [rows[4], rows[2], rows[0]]
    assert list(seq) == [own, *rows] and seq[2] is second  # every row now, the one kept
    assert seq == [own, *rows] and [own, *rows] == seq and seq != [own, *rows[:-1]]
    assert workload_names(seq) == ["y", "acme", "globex", "initech", "umbrella", "hooli"]
    assert workload_names([own]) == ["y"]
    for index in (6, -7):
        with pytest.raises(IndexError):
            seq[index]

    monkeypatch.setattr(table_module, "ONE_BY_ONE", 2)
    seq = TableWorkloads([], table)
    first, third = seq[0], seq[2]
    assert seq._made is None
    assert seq[4] == rows[4] and seq._made is not None  # the third asked for: all at once
    assert seq[0] is first and seq[2] is third and seq._some == {}
    assert list(seq) == rows


def test_pricing_a_table_and_its_columnar_reports_make_no_rows(tmp_path: Path) -> None:
    """Pricing a table's workloads, their bill and the CSV and Parquet rows read the table's
    columns: no row's workload is made as an object but the one a group of alike rows is
    asked about (a million rows' workloads are 1.3 GB), and the figures are those of the
    same workloads in YAML."""
    import datetime as dt

    from genai_cost import api
    from genai_cost.report.csv_report import EstimateRows, table_rows
    from genai_cost.scenario.table import TableWorkloads

    rows = [
        (f"t{k}", "amazon.nova-lite-v1:0", "", 100 + k, 10, "", 1000 * (k + 1), "", "", "", "",
         "on_demand", "red" if k % 2 else "")
        for k in range(300)
    ]  # fmt: skip
    (tmp_path / "t.csv").write_text(_csv(rows), encoding="utf-8")
    (tmp_path / "y.yaml").write_text(_yaml(rows, "t"), encoding="utf-8")
    options = api.PricingOptions(day=dt.date(2026, 11, 23))
    table = api.estimate_with(
        [], options, tables=[api.WorkloadsFile(tmp_path / "t.csv", tags=["team"])]
    )
    workloads = table.scenarios[0].scenario.workloads
    assert isinstance(workloads, TableWorkloads)
    got = list(table_rows(table))
    for _block in EstimateRows(table).blocks():  # what the Parquet writer reads
        pass
    assert workloads._made is None and len(workloads._some) <= 2
    # the HTML report's break-even curves: the drawn workloads' rows only
    html = api.html_report(table)
    assert html["breakeven"] is not None
    assert workloads._made is None and len(workloads._some) <= 2 + 30
    yaml = api.estimate_with([tmp_path / "y.yaml"], options)
    assert got == list(table_rows(yaml))
    assert table.bills[0]["total_monthly_cost_usd"] == yaml.bills[0]["total_monthly_cost_usd"]


def test_a_scenario_with_a_table_serializes_its_workloads_as_a_list(tmp_path: Path) -> None:
    """A scenario whose workloads include a table's rows dumps them as the list of its
    workloads (as a scenario written in YAML), and that dump validates back to an equal
    scenario."""
    from genai_cost.scenario.load import load_scenario
    from genai_cost.scenario.models import Scenario

    (tmp_path / "t.csv").write_text(_csv(ROWS), encoding="utf-8")
    (tmp_path / "y.yaml").write_text(_yaml(ROWS), encoding="utf-8")
    table = load_scenario(_table_scenario(tmp_path, "t.csv", "team")).scenario
    written = load_scenario(tmp_path / "y.yaml").scenario
    dumped = table.model_dump(mode="json", exclude_unset=True)
    assert dumped["workloads"] == written.model_dump(mode="json", exclude_unset=True)["workloads"]
    assert Scenario.model_validate(dumped) == table


def test_references_to_a_tables_rows_are_checked_without_making_them(
    cli: Any, tmp_path: Path
) -> None:
    """Names a scenario refers to are looked up among its own workloads and the table's
    rows (from the name column: no row is made for it); a table's rows are text workloads,
    so a token-only reference to one is accepted, and one to the scenario's own rerank
    workload is refused."""
    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.scenario.table import TableWorkloads

    rows = "\n".join(f"w{k},amazon.nova-lite-v1:0,10,5,100" for k in range(5))
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n" + rows + "\n",
        encoding="utf-8",
    )
    head = (
        "name: s\nregion: us-east-1\nworkloads_table: t.csv\nworkloads:\n"
        "  - {name: ranks, kind: rerank, model: cohere.rerank-v3-5:0, "
        "rerank: {documents_per_query: 150}, traffic: {requests_per_month: 400}}\n"
        "customization:\n  target_quality: 0.8\n  workloads: [{names}]\n  paths:\n"
        "    - {name: p, kind: prompting, quality: 0.9, extra_input_tokens: 100}\n"
    )
    (tmp_path / "ok.yaml").write_text(head.replace("{names}", "w3, w0"), encoding="utf-8")
    (loaded,) = load_scenarios([tmp_path / "ok.yaml"], load_catalog())
    workloads = loaded.scenario.workloads
    assert isinstance(workloads, TableWorkloads) and len(workloads) == 6
    assert workloads._made is None and not workloads._some
    # priced with the path's extra tokens in w3 and w0: as the same workloads in YAML
    own = "".join(
        f"  - {{name: w{k}, model: amazon.nova-lite-v1:0, "
        "tokens_per_request: {input: 10, output: 5}, traffic: {requests_per_month: 100}}\n"
        for k in range(5)
    )
    written = head.replace("workloads_table: t.csv\n", "").replace(
        "customization:", own + "customization:"
    )
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "ok.yaml").write_text(written.replace("{names}", "w3, w0"), encoding="utf-8")
    table_csv = cli("estimate", str(tmp_path / "ok.yaml"), "-f", "csv")
    yaml_csv = cli("estimate", str(tmp_path / "y" / "ok.yaml"), "-f", "csv")
    assert table_csv.code == yaml_csv.code == 0, table_csv.err
    assert table_csv.out == yaml_csv.out
    # w0: 100 requests x (10 + 100) input tokens = 0.011 M tokens x $0.06 = $0.00066
    assert ",w0,inference,w0,input_tokens,,,,,,,,,0.011,1M tokens,0.06,0.00066," in table_csv.out
    (tmp_path / "bad.yaml").write_text(head.replace("{names}", "w3, ranks"), encoding="utf-8")
    result = cli("estimate", str(tmp_path / "bad.yaml"))
    assert result.code == 2, result.err
    assert "customization.workloads[1]: 'ranks' is billed per query (kind rerank)" in result.err


@pytest.mark.parametrize(
    ("cells", "said", "more"),
    [
        # an option the rows name and cannot have
        (
            "10,5,100,batch",
            "batch was requested but cannot be priced",
            "workloads that cannot be priced as asked",
        ),
        # a monthly cost that is not a finite number
        ("100,1e300,1e300,", "the monthly cost overflows", "workloads whose cost overflows"),
    ],
)
def test_rows_that_cannot_be_priced_are_listed_twenty_then_counted(
    cli: Any, tmp_path: Path, cells: str, said: str, more: str
) -> None:
    """Rows that ask for an option they cannot have, or whose cost overflows, are an error
    naming each (exit 2): the first 20 in full, the rest counted (a table may have
    thousands)."""
    rows = "\n".join(f"w{k},amazon.nova-lite-v1:0,{cells}" for k in range(25))
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,options\n" + rows + "\n",
        encoding="utf-8",
    )
    result = cli("estimate", "--workloads", str(tmp_path / "t.csv"))
    assert result.code == 2, result.err
    listed = [line for line in result.err.splitlines() if said in line]
    assert len(listed) == 20
    assert f"row 1: workload 'w0': {said}" in listed[0] and "row 20: workload 'w19'" in listed[-1]
    assert f"... and 5 more {more}" in result.err


def _complaining_one_by_one(specs: Any, arrays: Any, columns: Any) -> list[int]:
    """The workloads `_check_explicit` complains about, found as it found them before
    `_complaining`: every suspect workload's rows asked one by one (`_asked`)."""
    import numpy as np

    from genai_cost.results.pricing import _asked

    order = np.argsort(arrays.workload_index, kind="stable")
    bounds = np.searchsorted(arrays.workload_index[order], np.arange(len(specs) + 1))
    suspect = arrays.cheapest_row < 0
    suspect[arrays.workload_index[arrays.explicit & ~arrays.feasible]] = True
    found = []
    for w in np.flatnonzero(suspect).tolist():
        held = specs[w].held
        options = columns.option_sets[int(columns.options[w])]
        term = held.provisioned.term if held is not None else None
        purchase = held.self_hosted.purchase if held is not None else None
        if arrays.cheapest_row[w] >= 0 and options is None and not (term or purchase):
            continue
        mine = order[bounds[w] : bounds[w + 1]].tolist()
        pinned = w in set(columns.base_load)
        if list(_asked(arrays, mine, options, pinned, term, purchase, w)):
            found.append(w)
    return found


def test_the_workloads_that_cannot_be_priced_as_asked_are_found_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workloads a pricing error names (`_complaining`, found for all workloads at once
    from the rows' option codes) are those asking row by row finds, in every region, for
    every bundled scenario (options listed, terms and purchases pinned, a pinned mix) and a
    table whose rows list options; regions prices every workload where most cannot be."""
    import datetime as dt

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.decisions.regions import compare_regions
    from genai_cost.results import pricing

    real = pricing._complaining
    complaints: list[int] = []

    def checked(specs: Any, arrays: Any, columns: Any) -> Any:
        got = real(specs, arrays, columns)
        assert got.tolist() == _complaining_one_by_one(specs, arrays, columns)
        complaints.append(int(got.size))
        return got

    monkeypatch.setattr(pricing, "_complaining", checked)
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,options\n"
        "a,amazon.nova-lite-v1:0,10,5,100,batch\n"
        "b,amazon.nova-lite-v1:0,10,5,100,\n"
        "c,anthropic.claude-3-haiku-20240307-v1:0,10,5,100,on_demand;provisioned\n"
        "d,amazon.nova-lite-v1:0,10,5,100,on_demand\n",
        encoding="utf-8",
    )
    (tmp_path / "t.yaml").write_text("name: t\nworkloads_table: t.csv\n", encoding="utf-8")
    catalog = load_catalog()
    paths = [*sorted((ROOT / "scenarios").glob("*.yaml")), tmp_path / "t.yaml"]
    for loaded in load_scenarios(paths, catalog):
        compare_regions(loaded, catalog, day=dt.date(2026, 11, 28))
    assert len(complaints) > 100 and sum(complaints) > 50  # regions where something is refused


def test_regions_moves_a_tables_rows_as_columns(cli: Any, tmp_path: Path) -> None:
    """`regions` moves a table's rows to each region by their model, once per model (a
    geographic profile where the region needs one, with a note for each row), without
    making a row: the document is the same workloads' in YAML, region by region, reasons
    and notes included."""
    import datetime as dt

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.decisions.regions import compare_regions
    from genai_cost.scenario.table import TableWorkloads

    rows = [
        ("w0", "amazon.nova-lite-v1:0", ""),
        ("w1", "anthropic.claude-3-haiku-20240307-v1:0", ""),
        ("w2", "amazon.nova-lite-v1:0", "us-west-2"),
    ]
    (tmp_path / "r.csv").write_text(
        "name,model,region,input_tokens,output_tokens,requests_per_month\n"
        + "".join(f"{n},{m},{r},100,10,1000\n" for n, m, r in rows),
        encoding="utf-8",
    )
    own = (
        "  - {name: mine, model: amazon.nova-pro-v1:0, "
        "tokens_per_request: {input: 50, output: 5}, traffic: {requests_per_month: 10}}\n"
    )
    (tmp_path / "r.yaml").write_text(
        f"name: r\nregion: us-east-1\nworkloads_table: r.csv\nworkloads:\n{own}",
        encoding="utf-8",
    )
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / "r.yaml").write_text(
        "name: r\nregion: us-east-1\nworkloads:\n"
        + own
        + "".join(
            f"  - {{name: {n}, model: {m}, {f'region: {r}, ' if r else ''}"
            "tokens_per_request: {input: 100, output: 10}, traffic: {requests_per_month: 1000}}\n"
            for n, m, r in rows
        ),
        encoding="utf-8",
    )
    got = cli("regions", str(tmp_path / "r.yaml"), "-f", "json")
    want = cli("regions", str(tmp_path / "yaml" / "r.yaml"), "-f", "json")
    assert got.code == want.code == 0, got.err
    got_doc, want_doc = json.loads(got.out), json.loads(want.out)
    assert got_doc.pop("path") != want_doc.pop("path")
    assert got_doc == want_doc
    reasons = {r["region"]: r["reason"] for r in got_doc["regions"]}
    assert reasons["eu-west-1"] == (
        "mine called through the eu. profile (eu.amazon.nova-pro-v1:0); "
        "w0 called through the eu. profile (eu.amazon.nova-lite-v1:0); "
        "w2 called through the eu. profile (eu.amazon.nova-lite-v1:0)"
    )
    (loaded,) = load_scenarios([tmp_path / "r.yaml"], load_catalog())
    compare_regions(loaded, load_catalog(), day=dt.date(2026, 11, 23))
    workloads = loaded.scenario.workloads
    assert isinstance(workloads, TableWorkloads) and workloads._made is None


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("bill_monthly_cost_usd", float("inf"), "workloads[1].bill_monthly_cost_usd"),
        ("tokens_per_request", {"input": float("inf")}, "workloads[1].tokens_per_request.input"),
        ("bill_monthly_cost_usd", float("nan"), "workloads[1].bill_monthly_cost_usd"),
    ],
)
def test_a_workload_summary_that_is_not_finite_is_named(field: str, value: Any, named: str) -> None:
    """The estimate's workload summaries are checked as one array of the numbers that can
    overflow (tokens and the share of the bill); one that is not finite is an error naming
    its field, and finite ones (with shares that are None) pass."""
    from genai_cost.errors import ScenarioError
    from genai_cost.results.estimate import _check_workloads_finite

    def summary(**changed: Any) -> Any:
        return {
            "name": "w",
            "tokens_per_request": {"input": 10.0, "output": 2.0},
            "monthly_cost_usd": 1.0,
            "bill_monthly_cost_usd": None,
            **changed,
        }

    _check_workloads_finite([summary(), summary(bill_monthly_cost_usd=3.5)], "s.yaml")
    with pytest.raises(ScenarioError) as raised:
        _check_workloads_finite([summary(), summary(**{field: value})], "s.yaml")
    assert f"{named} is not a finite number" in str(raised.value)


OPEN_WEIGHTS = (
    "meta.llama3-1-8b-instruct-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "mistral.mistral-7b-instruct-v0:2",
    "amazon.nova-lite-v1:0",
)


def _open_weights_rows(count: int) -> list[tuple[Any, ...]]:
    """Rows that get every option (no options cell), self-hosted ones included: open-weights
    models, repeated shapes and shapes of their own (one halfway between two benchmarks in
    log space: a tie the first benchmark wins), regions, latencies and peak ratios that
    repeat, so many rows stand in for others."""
    shapes = [(800, 200), (512, 128), (512, 128), (1000, 1000), (3000, 40), (128.5, 2047)]
    rows = []
    for k in range(count):
        i, o = shapes[k % len(shapes)]
        rows.append(
            (
                f"t{k:03d}",
                OPEN_WEIGHTS[k % len(OPEN_WEIGHTS)],
                "us-west-2" if k % 5 == 0 else "",
                i + (k // 12) * 7,  # later rows: shapes no earlier row has
                o,
                "",
                1000 * (k + 1),
                "",
                3 if k % 3 == 0 else "",
                "batch_tolerant" if k % 4 == 0 else "",
                "",
                "",
                "red" if k % 2 else "",
            )
        )
    return rows


def test_a_table_of_open_weights_rows_with_every_option_prices_like_its_yaml(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """Rows with every option — self-hosted, autoscaled, asynchronous, serverless, batch
    transform and provisioned rows too — are read as one row for each group of rows that
    agree on model, region, options, latency and the benchmarks their shapes pick
    (`stand_ins`): the estimate is the same workloads' in YAML, and no row is made into a
    workload beyond the few read."""
    rows = _open_weights_rows(48)
    (tmp_path / "t.csv").write_text(_csv(rows), encoding="utf-8")
    yaml_path = tmp_path / "y.yaml"
    yaml_path.write_text(_yaml(rows), encoding="utf-8")
    table = cli("estimate", str(_table_scenario(tmp_path, "t.csv", "team")), "-f", "json")
    written = cli("estimate", str(yaml_path), "-f", "json")
    assert table.code == written.code == 0, table.err
    got, want = _without_inputs(table.out), _without_inputs(written.out)
    assert got == want
    options = {r["option"] for r in got["options"] if r["feasible"]}
    assert {"self_hosted", "autoscaled", "batch_transform"} <= options
    assert {r["option"] for r in got["options"]} >= {"provisioned", "serverless", "async_inference"}


def test_stand_ins_are_the_first_table_row_agreeing_on_the_cells(tmp_path: Path) -> None:
    """A table's row stands in for the later rows of `wanting` that agree with it on the
    cells (and codes) asked about; a scenario's own workload stands for itself."""
    import numpy as np

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.context import PricingContext, flatten, stand_ins

    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month,latency\n"
        "a,amazon.nova-lite-v1:0,1,1,1,\n"
        "b,amazon.nova-pro-v1:0,1,1,1,\n"
        "c,amazon.nova-lite-v1:0,2,2,2,batch_tolerant\n"
        "d,amazon.nova-pro-v1:0,3,3,3,\n",
        encoding="utf-8",
    )
    (tmp_path / "s.yaml").write_text(
        "name: s\nworkloads_table: t.csv\nworkloads:\n"
        "  - {name: own, model: amazon.nova-lite-v1:0, tokens_per_request: {input: 1, output: 1},"
        " traffic: {requests_per_month: 1}}\n",
        encoding="utf-8",
    )
    catalog = load_catalog()
    specs = flatten(load_scenarios([tmp_path / "s.yaml"], catalog))
    ctx = PricingContext(catalog, dt.date(2026, 11, 28), specs)
    everyone = [0, 1, 2, 3, 4]  # own, a, b, c, d
    assert stand_ins(ctx, everyone, ("model",)).tolist() == [0, 1, 2, 1, 2]
    assert stand_ins(ctx, everyone, ("model", "latency")).tolist() == [0, 1, 2, 3, 2]
    assert stand_ins(ctx, everyone).tolist() == [0, 1, 1, 1, 1]
    split = (np.asarray([0, 0, 0, 1, 0]),)
    assert stand_ins(ctx, everyone, (), split).tolist() == [0, 1, 1, 3, 1]
    assert stand_ins(ctx, [2, 4], ("model",)).tolist() == [2, 2]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    shapes=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=50_000.0, allow_nan=False),
            st.floats(min_value=0.0, max_value=10_000.0, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_nearest_benchmarks_of_many_shapes_are_throughput_benchmarks_own(
    shapes: list[tuple[float, float]],
) -> None:
    """`_nearest` picks, for every shape at once, the benchmark `throughput_benchmark` picks
    for it (the least sum of absolute log-ratios, the first of equals) — shapes halfway
    between two benchmarks, where the logarithms tie, included."""
    import numpy as np

    from genai_cost.catalog.lookup import benchmarked_instance_types, throughput_benchmark
    from genai_cost.catalog.snapshot import load_catalog
    from genai_cost.engine.options.self_hosted import _nearest

    catalog = load_catalog()
    shapes = [*shapes, (512.0, 128.0), (128.0, 512.0), (512.0, 512.0), (0.0, 0.0)]
    all_input = np.asarray([i for i, _ in shapes])
    output = np.asarray([o for _, o in shapes])
    for model in ("meta.llama3-1-8b-instruct-v1:0", "meta.llama3-1-70b-instruct-v1:0"):
        for instance_type in benchmarked_instance_types(catalog, model):
            benches = [b for b in catalog.throughput[model] if b.instance_type == instance_type]
            picks = _nearest(catalog, model, instance_type, benches, all_input, output)
            for (i, o), pick in zip(shapes, picks.tolist(), strict=True):
                assert benches[pick] is throughput_benchmark(catalog, model, instance_type, i, o)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=0.5, max_value=1e12),
            st.sampled_from(
                [
                    0.0,
                    -0.0,
                    1.0,
                    10.0,
                    999.9999999999999,
                    1000.0000000000001,
                    9999999999.5,
                    1234567890.5,
                    12345.678905,
                    0.1 + 0.2,
                    1e22,
                    2.5e-7,
                ]
            ),
        ),
        max_size=40,
    ),
    st.sampled_from([1, 3, 10, 15, 22]),
)
def test_significant_arrays_are_pythons_formatting(values: list[float], digits: int) -> None:
    """`significant_array` holds `float(f"{v:.{digits}g}")` of each value: the same double
    (the sign of zero kept), NaN where v is NaN, infinity where it is — values next to
    powers of ten and halves at the last digit included."""
    import math

    import numpy as np

    from genai_cost.results.rounding import significant_array

    got = significant_array(np.asarray(values, dtype=np.float64), digits).tolist()
    for v, g in zip(values, got, strict=True):
        want = float(f"{v:.{digits}g}")
        if math.isnan(want):
            assert math.isnan(g)
        else:
            assert g == want and math.copysign(1, g) == math.copysign(1, want), (v, digits)


def test_a_table_made_from_another_works_out_its_own_codes(tmp_path: Path) -> None:
    """`WorkloadTable.codes` is kept per table: a table made from another with other
    columns (`regions` moves a table's models this way) numbers its own cells, not the
    other's."""
    import dataclasses

    import numpy as np

    from genai_cost.api import load_scenarios
    from genai_cost.catalog.snapshot import load_catalog

    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        "a,amazon.nova-lite-v1:0,1,1,1\n"
        "b,amazon.nova-pro-v1:0,1,1,1\n"
        "c,amazon.nova-lite-v1:0,1,1,1\n",
        encoding="utf-8",
    )
    (tmp_path / "s.yaml").write_text("name: s\nworkloads_table: t.csv\n", encoding="utf-8")
    (loaded,) = load_scenarios([tmp_path / "s.yaml"], load_catalog())
    table = loaded.table
    assert table is not None
    assert table.codes("model").tolist() == [0, 1, 0]
    one_model = np.asarray(["amazon.nova-pro-v1:0"] * 3, dtype=object)
    moved = dataclasses.replace(table, text={**table.text, "model": one_model})
    assert moved.codes("model").tolist() == [0, 0, 0]
    assert table.codes("model").tolist() == [0, 1, 0]


def test_a_tables_budgets_are_checked_like_its_yaml_without_making_a_row(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    """`check` of a scenario with a workloads table reads the scenario's budget and its own
    workloads' (a table's rows have none) from the document's summaries: the same document
    as the same workloads written in YAML, and no row made into a workload."""
    from genai_cost import api
    from genai_cost.scenario.table import TableWorkloads

    rows = [(f"t{k}", "amazon.nova-lite-v1:0", 100 + k, 10, 1000 * (k + 1)) for k in range(5)]
    (tmp_path / "t.csv").write_text(
        "name,model,input_tokens,output_tokens,requests_per_month\n"
        + "".join(f"{n},{m},{i},{o},{r}\n" for n, m, i, o, r in rows),
        encoding="utf-8",
    )
    own = (
        "workloads:\n"
        "  - {name: mine, model: amazon.nova-pro-v1:0, budget: {monthly_usd: 0.001}, "
        "tokens_per_request: {input: 500, output: 50}, traffic: {requests_per_month: 10000}}\n"
    )
    head = "name: s\nregion: us-east-1\nbudget: {monthly_usd: 100}\n"
    (tmp_path / "s.yaml").write_text(head + "workloads_table: t.csv\n" + own, encoding="utf-8")
    (tmp_path / "yaml").mkdir()
    (tmp_path / "yaml" / "s.yaml").write_text(
        head
        + own
        + "".join(
            f"  - {{name: {n}, model: {m}, tokens_per_request: {{input: {i}, output: {o}}}, "
            f"traffic: {{requests_per_month: {r}}}}}\n"
            for n, m, i, o, r in rows
        ),
        encoding="utf-8",
    )
    table = cli("check", str(tmp_path / "s.yaml"), "-f", "json")
    written = cli("check", str(tmp_path / "yaml" / "s.yaml"), "-f", "json")
    assert table.code == written.code == 1, table.err  # the workload's budget fails
    got, want = json.loads(table.out), json.loads(written.out)
    for document in (got, want):
        for row in document["budgets"]:
            row.pop("path")
    assert got == want
    assert [r["workload"] for r in got["budgets"]] == [None, "mine"]
    estimate = api.estimate_with([tmp_path / "s.yaml"], api.PricingOptions())
    from genai_cost.decisions.check import budget_document

    budget_document(estimate)
    workloads = estimate.scenarios[0].scenario.workloads
    assert isinstance(workloads, TableWorkloads) and workloads._made is None
