"""docs/api.md runs: its Python blocks, in order, in one namespace, from the repository root
(each asserts the figures it shows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def test_api_docs_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GENAI_COST_SNAPSHOT", raising=False)
    monkeypatch.delenv("GENAI_COST_PRICE_BOOK", raising=False)
    text = Path(ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    for n, block in enumerate(blocks, 1):
        try:
            exec(compile(block, f"docs/api.md block {n}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            raise AssertionError(f"docs/api.md block {n} failed: {exc!r}\n{block}") from exc


def test_every_command_has_an_api_function() -> None:
    """Each CLI command that computes something is one function of `genai_cost.api`."""
    from genai_cost import api
    from tests.cli_docs import commands

    names = {c for c in commands() if c and c not in ("pricing", "export")}  # no groups
    assert names <= set(api.COMMANDS), names - set(api.COMMANDS)
    for function in api.COMMANDS.values():
        assert function in api.__all__ and callable(getattr(api, function)), function
