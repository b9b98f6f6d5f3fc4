"""The parsed-snapshot cache: used only when the folder's content hash matches, rebuilt when
anything changes or the cache file is damaged, and never needed (safe to delete)."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from genai_cost.catalog import snapshot as module
from tests.conftest import FIXTURE_SNAPSHOT


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the test snapshot and an empty cache, with the in-process memo cleared."""
    folder = tmp_path / "snap"
    shutil.copytree(FIXTURE_SNAPSHOT, folder)
    monkeypatch.setenv("GENAI_COST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(module, "_CATALOG_CACHE", {})
    return folder


def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = module._parse_catalog

    def counting(directory: Path) -> Any:
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(module, "_parse_catalog", counting)
    return calls


def test_a_second_run_reads_the_cache(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = parses(monkeypatch)
    first = module.load_catalog(fresh)
    module._CATALOG_CACHE.clear()  # a new process
    second = module.load_catalog(fresh)
    assert len(calls) == 1
    assert second.on_demand.keys() == first.on_demand.keys()
    assert second.path == fresh.resolve()


def test_a_changed_file_is_parsed_again(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = parses(monkeypatch)
    module.load_catalog(fresh)
    table = fresh / "bedrock_on_demand.csv"
    table.write_text(table.read_text().replace(",8,24,", ",9,24,", 1))
    module._CATALOG_CACHE.clear()
    changed = module.load_catalog(fresh)
    assert len(calls) == 2
    assert any(r.usd_per_1m_input_tokens == 9 for rows in changed.on_demand.values() for r in rows)


def test_a_damaged_or_foreign_cache_file_is_never_trusted(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = parses(monkeypatch)
    module.load_catalog(fresh)
    [file] = (tmp_path / "cache").glob("catalog-*.pickle")
    file.write_bytes(b"not a pickle")
    module._CATALOG_CACHE.clear()
    module.load_catalog(fresh)
    assert len(calls) == 2
    # a cache file whose stored key differs from its name's is ignored too
    _, catalog = pickle.loads(file.read_bytes())
    file.write_bytes(pickle.dumps(("0" * 64, catalog)))
    module._CATALOG_CACHE.clear()
    module.load_catalog(fresh)
    assert len(calls) == 3


def test_caching_can_be_off(fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_COST_NO_CACHE", "1")
    module.load_catalog(fresh)
    assert not (tmp_path / "cache").exists()
