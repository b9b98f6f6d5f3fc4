"""Golden files for every command's table, Markdown, CSV and JSON output (and the HTML report
of the bundled scenario with every cost family).

Each command runs on a fixed input (bundled scenarios, the files under tests/fixtures, or the
hand-made test snapshot) and its output is compared byte for byte with tests/golden/<name>.
Absolute paths are replaced by ROOT or TMP first. Every JSON output is also validated against
the schema published for its kind in docs/schemas/, and the published schemas are checked
against the ones generated from the typed documents.

After an intended change: `pytest tests/test_goldens.py --update-golden`, then read the diff.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from genai_cost.documents import schema as schemas
from tests.conftest import FIXTURE_SNAPSHOT, ROOT

FIXTURES = "tests/fixtures"
BUDGETED = f"{FIXTURES}/scenarios/budgeted.yaml"
LOGS = f"{FIXTURES}/logs/invocations.jsonl"
CUR = f"{FIXTURES}/cur"  # a CUR 2.0 export folder (tests/curgen.py writes it)

ALL_FORMATS = ("table", "markdown", "csv", "json", "html", "parquet")
"""Every command renders in every format (report/registry.FORMATS); each output is pinned."""

# name → (arguments, formats, JSON schema kind, exit code)
COMMANDS: dict[str, tuple[list[str], tuple[str, ...], str, int]] = {
    "check": (["check", BUDGETED], ALL_FORMATS, "check", 1),
    "validate-scenarios": (["validate", "scenarios/"], ALL_FORMATS, "validate", 0),
    # the PR comment of a plan that changes an endpoint's instance type and adds a commitment
    "infra-plan": (["infra", f"{FIXTURES}/infra/plan.json"], ALL_FORMATS, "infra", 0),
    "infra-template": (
        ["infra", f"{FIXTURES}/infra/template.yaml", "--parameter", "InstanceCount=2", "--all"],
        ALL_FORMATS,
        "infra",
        0,
    ),
    "mix": (["mix", BUDGETED], ALL_FORMATS, "mix", 0),
    "roi": (["roi", BUDGETED], ALL_FORMATS, "roi", 0),
    "optimize": (
        ["optimize", "tests/fixtures/scenarios/office-hours-unpinned.yaml"],
        ALL_FORMATS,
        "optimize",
        0,
    ),
    "breakeven": (
        ["breakeven", "scenarios/ticket-classifier.yaml"],
        ALL_FORMATS,
        "breakeven",
        0,
    ),
    "regions": (
        [
            "regions",
            "scenarios/support-chatbot.yaml",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
        ],
        ALL_FORMATS,
        "regions",
        0,
    ),
    "diff": (
        ["diff", f"{FIXTURES}/scenarios/diff-base.yaml", f"{FIXTURES}/scenarios/diff-head.yaml"],
        ALL_FORMATS,
        "diff",
        0,
    ),
    "allocate": (
        ["allocate", LOGS, "--tenant", "metadata:team", "--by", "tenant", "--by", "model"],
        ALL_FORMATS,
        "allocation",
        0,
    ),
    "allocate-cur": (
        ["allocate", "--cur", CUR, "--tenant", "tag:team", "--by", "tenant", "--by", "service"],
        ALL_FORMATS,
        "cur-allocation",
        0,
    ),
    "reconcile": (
        ["reconcile", LOGS, "--cur", CUR, "--tenant", "identity"],
        ALL_FORMATS,
        "reconcile",
        0,
    ),
    "variance": (
        ["variance", f"{FIXTURES}/scenarios/variance.yaml", "--logs", LOGS],
        ALL_FORMATS,
        "variance",
        0,
    ),
    "estimate-montecarlo": (
        ["estimate", "scenarios/customization-paths.yaml", "--samples", "2000", "--seed", "1"],
        ALL_FORMATS,
        "estimate",
        0,
    ),
    "support-platform": (
        ["estimate", "scenarios/support-platform.yaml"],
        ALL_FORMATS,
        "estimate",
        0,
    ),
    # every kind billed per unit beside text and embedding tokens (issue 31)
    "multimodal-assistant": (
        ["estimate", "scenarios/multimodal-assistant.yaml", "--all"],
        ALL_FORMATS,
        "estimate",
        0,
    ),
    "support-platform-roi": (
        ["roi", "scenarios/support-platform.yaml"],
        ALL_FORMATS,
        "roi",
        0,
    ),
    "support-platform-samples": (
        ["estimate", "scenarios/support-platform.yaml", "--samples", "3000", "--seed", "5"],
        ("markdown", "json"),
        "estimate",
        0,
    ),
    "models": (
        ["models", "--snapshot", str(FIXTURE_SNAPSHOT)],
        ALL_FORMATS,
        "models",
        0,
    ),
    "pricing-list": (
        ["pricing", "list"],
        ALL_FORMATS,
        "pricing-list",
        0,
    ),
    "pricing-show": (
        ["pricing", "show", "acme.chat-v1:0", "--snapshot", str(FIXTURE_SNAPSHOT)],
        ALL_FORMATS,
        "pricing-show",
        0,
    ),
    "pricing-coverage": (
        ["pricing", "coverage", "--snapshot", str(FIXTURE_SNAPSHOT)],
        ALL_FORMATS,
        "pricing-coverage",
        0,
    ),
    # the bundled snapshot is a fixed point of the pinned release: the report says so
    "pricing-import": (
        ["pricing", "import", "genai-prices", "--as-of", "2026-11-10"],
        ALL_FORMATS,
        "pricing-import",
        0,
    ),
}

SUFFIX = {
    "table": "txt",
    "markdown": "md",
    "csv": "csv",
    "json": "json",
    "html": "html",
    "parquet": "parquet.txt",
}


def parquet_text(path: Path) -> str:
    """A Parquet file as text for a golden: its schema, then its rows."""
    import duckdb

    connection = duckdb.connect()
    try:
        relation = connection.sql(f"SELECT * FROM read_parquet('{path}')")
        header = ", ".join(
            f"{name} {kind}" for name, kind in zip(relation.columns, relation.types, strict=True)
        )
        rows = [" | ".join("" if v is None else str(v) for v in row) for row in relation.fetchall()]
    finally:
        connection.close()
    return "\n".join([header, *rows]) + "\n"


def run_format(cli: Any, args: list[str], fmt: str, tmp_path: Path) -> tuple[Any, str]:
    """The command's output in `fmt` (Parquet: written to a file, read back as text)."""
    if fmt != "parquet":
        result = cli(*args, "--format", fmt)
        return result, result.out
    target = tmp_path / "out.parquet"
    result = cli(*args, "--format", fmt, "-o", str(target))
    return result, parquet_text(target) if target.exists() else ""


def normalized(text: str, tmp_path: Path | None = None) -> str:
    if tmp_path is not None:
        text = text.replace(str(tmp_path), "TMP")
    return text.replace(str(ROOT), "ROOT")


def validate(kind: str, text: str) -> None:
    published = json.loads((ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text())
    jsonschema.validate(json.loads(text), published)


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in the commands (and so in their outputs) are from the repository root."""
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(name, fmt) for name, (_, formats, _, _) in COMMANDS.items() for fmt in formats],
)
def test_command_golden(cli: Any, golden: Any, name: str, fmt: str, tmp_path: Path) -> None:
    args, _, kind, code = COMMANDS[name]
    result, out = run_format(cli, args, fmt, tmp_path)
    assert result.code == code, result
    golden(f"{name}.{SUFFIX[fmt]}", normalized(out, tmp_path))
    if fmt == "json":
        validate(kind, out)


@pytest.fixture
def changed_snapshot(tmp_path: Path) -> Path:
    """The test snapshot with one price raised, one row removed and one added."""
    folder = tmp_path / "snapshot-b"
    shutil.copytree(FIXTURE_SNAPSHOT, folder)
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        manifest.read_text().replace("snapshot_id: test-fixture", "snapshot_id: test-fixture-b")
    )
    table = folder / "bedrock_on_demand.csv"
    rows = table.read_text().splitlines()
    rows = [
        r.replace("acme.chat-v1:0,in_region,us,*,8,24", "acme.chat-v1:0,in_region,us,*,10,24")
        for r in rows
    ]
    rows = [r for r in rows if not r.startswith("acme.chat-v1:0,in_region,eu,")]
    rows.append("acme.new-v1:0,in_region,us,*,1,2,,,,,,,test,2026-01-01,")
    table.write_text("\n".join(rows) + "\n")
    models = folder / "bedrock_models.csv"
    first = models.read_text().splitlines()[1].split(",")
    first[0], first[1] = "acme.new-v1:0", "Acme New"
    models.write_text(models.read_text() + ",".join(first) + "\n")
    return folder


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_pricing_diff_golden(
    cli: Any, golden: Any, changed_snapshot: Path, tmp_path: Path, fmt: str
) -> None:
    args = ["pricing", "diff", str(FIXTURE_SNAPSHOT), str(changed_snapshot)]
    result, out = run_format(cli, args, fmt, tmp_path)
    assert result.code == 0, result
    golden(f"pricing-diff.{SUFFIX[fmt]}", normalized(out, tmp_path))
    if fmt == "json":
        validate("pricing-diff", out)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_pricing_refresh_golden(cli: Any, golden: Any, tmp_path: Path, fmt: str) -> None:
    from tests.test_refresh import fixture_items

    items = fixture_items()
    offer = {
        "formatVersion": "v1.0",
        "disclaimer": "test",
        "offerCode": "AmazonBedrock",
        "version": "20261120000000",
        "publicationDate": "2026-11-20T00:00:00Z",
        "products": {i["product"]["sku"]: i["product"] for i in items[:-1]},
        "terms": {"OnDemand": {i["product"]["sku"]: i["terms"]["OnDemand"] for i in items[:-1]}},
    }
    path = tmp_path / "AmazonBedrock-us-east-1.json"
    path.write_text(json.dumps(offer))
    args = [
        "pricing",
        "refresh",
        "--snapshot",
        str(FIXTURE_SNAPSHOT),
        "--region",
        "us-east-1",
        "--from-offer-file",
        str(path),
        "--id",
        "golden",
        "--into",
        str(tmp_path / "new"),
    ]
    result, out = run_format(cli, args, fmt, tmp_path)
    assert result.code == 0, result
    golden(f"pricing-refresh.{SUFFIX[fmt]}", normalized(out, tmp_path))
    if fmt == "json":
        validate("pricing-refresh", out)


def test_support_chatbot_at_80_columns(
    cli: Any, golden: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen is the answer: the whole bill within 15 lines, all under 40."""
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("estimate", "scenarios/support-chatbot.yaml")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert len(lines) < 40, len(lines)
    assert any(line.startswith("Whole bill: $3,244.20 a month") for line in lines[:15])
    assert max(len(line) for line in lines) <= 80
    golden("support-chatbot-80.txt", normalized(result.out))


def test_validate_golden(cli: Any, golden: Any) -> None:
    result = cli("validate", "scenarios/")
    assert result.code == 0, result
    golden("validate.txt", normalized(result.out + result.err))


def test_calibrate_golden(cli: Any, golden: Any) -> None:
    result = cli("calibrate", LOGS, "--by", "model,metadata:team", "--name", "fixture logs")
    assert result.code == 0, result
    golden("calibrate.yaml", normalized(result.out))


def test_every_command_has_a_golden() -> None:
    """A new command (or format) without a golden file fails here."""
    from tests.cli_docs import commands

    covered = {
        " ".join(args[:2]) if args[0] == "pricing" else args[0] for args, *_ in COMMANDS.values()
    }
    # estimate: test_cli.py's goldens; schema: test_cli.py compares it with the published file;
    # "" and "pricing" are groups that print help only.
    # init writes a file (tests/test_cli_vocabulary.py checks it estimates).
    covered |= {"", "pricing", "estimate", "pricing diff", "pricing refresh", "validate", "schema"}
    covered |= {"init", "calibrate", "advise"}
    # export athena-ddl reads a Parquet file a test writes first (tests/test_cur.py)
    covered |= {"export", "export athena-ddl"}
    assert sorted(set(commands()) - covered) == []


@pytest.mark.parametrize("kind", sorted(schemas.DOCUMENTS))
def test_published_schema_matches_types(kind: str) -> None:
    published = (ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert published == schemas.schema_text(kind), (
        f"docs/schemas/{kind}.schema.json is stale; run python -m genai_cost.documents.schema"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(published))
