from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from genai_cost.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SNAPSHOT = Path(__file__).resolve().parent / "fixtures" / "snapshot"
GOLDEN = Path(__file__).resolve().parent / "golden"
BUNDLED_DAY = "2026-11-28"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture(scope="session")
def _snapshot_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One parsed-snapshot cache for the test session, never the user's."""
    return tmp_path_factory.mktemp("genai-cost-cache")


@pytest.fixture(autouse=True)
def _stable_environment(monkeypatch: pytest.MonkeyPatch, _snapshot_cache: Path) -> None:
    """Tests never depend on the clock, the caller's snapshot choice or colour settings."""
    monkeypatch.setenv("GENAI_COST_CACHE_DIR", str(_snapshot_cache))
    monkeypatch.delenv("GENAI_COST_NO_CACHE", raising=False)
    monkeypatch.setenv("GENAI_COST_TODAY", BUNDLED_DAY)
    monkeypatch.delenv("GENAI_COST_SNAPSHOT", raising=False)
    monkeypatch.delenv("GENAI_COST_MAX_SNAPSHOT_AGE_DAYS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def fixture_snapshot(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Select the hand-made snapshot (round, fictitious prices) for the whole test."""
    monkeypatch.setenv("GENAI_COST_SNAPSHOT", str(FIXTURE_SNAPSHOT))
    monkeypatch.setenv("GENAI_COST_TODAY", "2026-01-15")
    return FIXTURE_SNAPSHOT


@pytest.fixture
def fixture_day() -> dt.date:
    return dt.date(2026, 1, 15)


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:300]!r}, err={self.err[:500]!r})"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path}; if intended, --update-golden"

    return check
