"""Every kind of bad scenario a user could feed in: exit code 2, the file named, no traceback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

BAD = Path(__file__).resolve().parent / "bad_scenarios"
CASES = sorted(BAD.glob("*.yaml"))


def expected_fragment(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[:1]
    match = re.match(r"# expect: (.*)", first[0]) if first else None
    return match.group(1) if match else "the file is empty"


def assert_clean_failure(result: Any, path: Path) -> None:
    assert result.code == 2, result
    assert result.out == ""
    assert str(path) in result.err
    assert "Traceback" not in result.err
    assert result.err.startswith("error: ")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_scenario_estimate(cli: Any, path: Path) -> None:
    result = cli("estimate", str(path))
    assert_clean_failure(result, path)
    assert expected_fragment(path) in result.err


@pytest.mark.parametrize(
    "path",
    [p for p in CASES if p.stem not in ("explicit-unpriceable", "no-price-in-region")],
    ids=lambda p: p.stem,
)
def test_bad_scenario_validate(cli: Any, path: Path) -> None:
    result = cli("validate", str(path))
    assert_clean_failure(result, path)


def test_positions_point_at_the_field(cli: Any) -> None:
    result = cli("estimate", str(BAD / "negative-tokens.yaml"))
    # line 6, the flow mapping value -5 sits at column 35
    assert f"{BAD / 'negative-tokens.yaml'}:6:" in result.err
    result = cli("estimate", str(BAD / "unknown-field.yaml"))
    assert f"{BAD / 'unknown-field.yaml'}:6:5:" in result.err


def test_non_utf8(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\nworkloads: []\n".encode("latin-1"))
    result = cli("estimate", str(path))
    assert_clean_failure(result, path)
    assert "not valid UTF-8 (byte 0xe9)" in result.err
    assert f"{path}:1:10" in result.err  # "name: caf" is 9 characters


def test_deeply_nested(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nworkloads: " + "[" * 200 + "]" * 200 + "\n")
    result = cli("estimate", str(path))
    assert_clean_failure(result, path)
    assert "nested deeper than" in result.err


def test_alias_bomb(cli: Any, tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\nname: x\n")
    result = cli("estimate", str(path))
    assert_clean_failure(result, path)
    assert "document too large" in result.err


def test_huge_file(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (6 * 1024 * 1024) + "\n")
    result = cli("estimate", str(path))
    assert_clean_failure(result, path)
    assert "the limit is" in result.err


def test_missing_file_and_directory(cli: Any, tmp_path: Path) -> None:
    result = cli("estimate", str(tmp_path / "absent.yaml"))
    assert_clean_failure(result, tmp_path / "absent.yaml")
    assert "no such file" in result.err
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    result = cli("estimate", str(empty))
    assert_clean_failure(result, empty)
    assert "holds no .yaml" in result.err


def test_all_problems_of_all_files_reported(cli: Any) -> None:
    result = cli("validate", str(BAD / "unknown-model.yaml"), str(BAD / "unknown-region.yaml"))
    assert result.code == 2
    assert "unknown-model.yaml" in result.err and "unknown-region.yaml" in result.err


def test_unknown_snapshot(cli: Any) -> None:
    result = cli("estimate", "scenarios/support-chatbot.yaml", "--snapshot", "1999-01-01")
    assert result.code == 2
    assert "pricing snapshot '1999-01-01' not found" in result.err
    assert "Traceback" not in result.err


def test_bad_option_value_is_usage_error(cli: Any) -> None:
    result = cli("estimate", "scenarios/support-chatbot.yaml", "--format", "xml")
    assert result.code == 2
    assert "Traceback" not in result.err


def test_output_into_missing_folder(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "estimate",
        "scenarios/support-chatbot.yaml",
        "--output",
        str(tmp_path / "nope" / "out.json"),
    )
    assert result.code == 2
    assert "does not exist" in result.err


def test_bad_today_environment(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_COST_TODAY", "yesterday")
    result = cli("estimate", "scenarios/support-chatbot.yaml")
    assert result.code == 2
    assert "GENAI_COST_TODAY must be a date" in result.err
