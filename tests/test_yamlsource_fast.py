"""The fast YAML path (yaml-rs) must read every file it accepts exactly as PyYAML does.

`yamlsource` hands a file to yaml-rs, a YAML 1.2 parser, only when the text stays inside a
plain subset where YAML 1.1 (PyYAML, the tool's reading) and 1.2 agree; everything else goes
to PyYAML, which also words every error. These tests hold the fast path to that: for short
tokens enumerated exhaustively, random documents in every style and random mutations of the
bundled scenarios, the fast path either declines or returns exactly PyYAML's data (same
types, same key order) — and never accepts what PyYAML refuses.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_cost import yamlsource
from genai_cost.errors import InputFileError, ScenarioError
from genai_cost.yamlsource import _DECLINED, _fast_data, _load_with_positions, load_yaml_text
from tests.conftest import ROOT
from tests.test_fuzz import SCALARS as FUZZ_SCALARS

pytestmark = pytest.mark.skipif(yamlsource._yaml_rs is None, reason="yaml-rs is not installed")

DIFFERENTIAL = settings(
    max_examples=int(os.environ.get("GENAI_COST_FAST_YAML_EXAMPLES", "300")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down and keys in the same order; NaN is NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def agrees(text: str) -> bool:
    """Assert the fast path declines `text` or reads it as PyYAML; True when it accepted."""
    fast = _fast_data(text)
    if fast is _DECLINED:
        return False
    try:
        slow = _load_with_positions(text, "f.yaml", ScenarioError).data
    except InputFileError as exc:
        raise AssertionError(f"fast path accepted what PyYAML refuses: {text!r}: {exc}") from None
    assert same(fast, slow), f"{text!r}: yaml-rs {fast!r}, PyYAML {slow!r}"
    return True


# What yaml-rs (YAML 1.2) and PyYAML (YAML 1.1 + exponent floats) read differently, found
# while building the fast path; each must be declined.
KNOWN_DIFFERENCES = [
    "k: yes\n",  # 1.1 boolean
    "k: Off\n",
    "yes: 1\n",  # a boolean key: PyYAML refuses it
    "k: 017\n",  # 1.1 octal 15, 1.2 decimal 17
    "k: 0o17\n",  # 1.2 octal, 1.1 text
    "k: 1:20\n",  # 1.1 sexagesimal 80
    "k: +.5\n",  # 1.2 float, 1.1 text
    "k: _1\n",
    "k: ._1\n",
    "k: 1e_3\n",
    "k: 9e9_\n",
    "k: 1_e_1\n",
    "k: 2026-13-01\n",  # a bad date: PyYAML refuses it, yaml-rs keeps it as text
    "k: 2026-01-01T1:00:00Z\n",  # a one-digit hour: a timestamp to 1.1 only
    "k: =\n",  # 1.1's value key
    "k: [a:]\n",  # a key before a flow indicator: 1.2 only
    "k: [:0]\n",  # a plain scalar starting with a colon: 1.2 only
    "k: {?a: 1}\n",  # a complex key in 1.1, the text `?a` in 1.2
    "k: {a: 1,\n  b: 2}\n",  # a flow collection over lines (1.2 is laxer about keys there)
    "k: abc\n  def\n",  # a plain scalar continued on the next line
    "a: &x 1\nb: *x\n",  # aliases: PyYAML counts their expansion
    "k: !!str 5\n",
    "k: |\n  text\n",
    "k: 'a'\r\n",
    "k:\tv\n",
    "%YAML 1.1\n---\nk: 1\n",
    "k: 1\n---\nk: 2\n",
    "a: 1\na: 2\n",  # duplicate keys: PyYAML's message
    "k: \x07\n",
    "k: a\x85b\n",  # NEL is a line break in 1.1 only
    "a: " + "x" * 1500 + "\n" + "x" * 1500 + ": 1\n",  # a key beyond PyYAML's 1,024 characters
]


@pytest.mark.parametrize("text", KNOWN_DIFFERENCES)
def test_known_differences_are_declined(text: str) -> None:
    assert _fast_data(text) is _DECLINED


def test_short_plain_tokens_exhaustively() -> None:
    """Every token of up to three characters over the characters numbers, dates, booleans
    and flow syntax are made of, as a value, a key, a list item and inside flow collections."""
    alphabets = ["017._+-eE:xo", "yYnNoOfFtTlLeEsSuU~", "19-:T. Z"]
    accepted = 0
    for alphabet in alphabets:
        for size in (1, 2, 3):
            for chars in itertools.product(alphabet, repeat=size):
                token = "".join(chars)
                for text in (f"k: {token}\n", f"k: [{token}]\n", f"{token}: 1\n", f"- {token}\n"):
                    accepted += agrees(text)
    assert accepted > 1000  # the fast path is exercised, not declined wholesale


SCALARS = st.one_of(
    FUZZ_SCALARS,  # the loaders' fuzz test's values, and text that looks like 1.1 types
    st.text(alphabet="0123456789._+-eE:xoyesnTZ ", max_size=10),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
)
KEYS = st.one_of(st.text(max_size=10), st.text(alphabet="0123456789._+-eE:yesno", max_size=6))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=30,
)


@DIFFERENTIAL
@given(
    data=st.dictionaries(KEYS, VALUES, min_size=1, max_size=6),
    flow=st.sampled_from([None, True, False]),
    width=st.sampled_from([20, 80, 10_000]),
)
def test_random_documents_in_every_style(
    data: dict[str, Any], flow: bool | None, width: int
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, width=width, allow_unicode=True)
    agrees(text)
    # and the same document with PyYAML's quoting stripped from plain-looking scalars
    agrees(text.replace("'", ""))


def _bundled() -> list[Path]:
    return sorted((ROOT / "scenarios").rglob("*.yaml"))


def test_every_bundled_scenario_reads_the_same() -> None:
    accepted = [path.name for path in _bundled() if agrees(path.read_text())]
    assert accepted  # the examples people start from take the fast path


EDIT_CHARACTERS = [*list(" \n-:,[]{}#'\"?0123456789._+eExo~yn"), "  ", ": ", "- ", "\n  "]


@DIFFERENTIAL
@given(
    index=st.integers(min_value=0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    edits=st.integers(min_value=1, max_value=4),
)
def test_mutated_scenarios_read_the_same(index: int, seed: int, edits: int) -> None:
    files = _bundled()
    text = files[index % len(files)].read_text()
    rng = random.Random(seed)
    for _ in range(edits):
        at = rng.randrange(len(text) + 1)
        kind = rng.random()
        if kind < 0.45:
            text = text[:at] + rng.choice(EDIT_CHARACTERS) + text[at:]
        elif kind < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3) :]
        else:
            end = min(len(text), at + rng.randint(1, 40))
            text = text[:at] + text[at:end] + text[at:]  # a fragment repeated
    agrees(text)


def test_nesting_is_bounded_before_yaml_rs_recurses() -> None:
    """yaml-rs recurses natively (a crash, not an exception, at ~100,000 levels): lines are
    capped so no accepted text nests deeper than a few thousand levels, and the depth limit
    is PyYAML's (a clear error)."""
    deep_block = "".join(" " * i + "a:\n" for i in range(3000)) + " " * 3000 + "1\n"
    assert _fast_data(deep_block) is _DECLINED  # lines beyond the cap
    with pytest.raises(ScenarioError, match="nested deeper than 40 levels"):
        load_yaml_text(deep_block, "deep.yaml")
    compact = "k: " + "- " * 5000 + "1\n"
    assert _fast_data(compact) is _DECLINED
    forty = "".join("  " * i + "a:\n" for i in range(39)) + "  " * 39 + "a: 1\n"
    forty_one = "".join("  " * i + "a:\n" for i in range(40)) + "  " * 40 + "a: 1\n"
    assert agrees(forty)
    assert _fast_data(forty_one) is _DECLINED
    with pytest.raises(ScenarioError, match="nested deeper than 40 levels"):
        load_yaml_text(forty_one, "deep.yaml")


def test_positions_are_found_when_first_asked_for() -> None:
    text = "name: s\nworkloads:\n  - {name: a, model: m}\n\n  - name: b\n    model: m\n"
    doc = load_yaml_text(text, "s.yaml")
    assert doc._positions is None  # the fast path kept no positions
    assert doc.position(("workloads", 1)) == (5, 5)
    assert doc.position(("workloads", 1, "model")) == (6, 12)
    assert doc.position(("workloads", 0, "name"), key=True) == (3, 6)
    assert doc.data["workloads"][1] == {"name": "b", "model": "m"}


def test_without_yaml_rs_every_file_is_read_by_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "_yaml_rs", None)
    doc = load_yaml_text("k: [1, 2.5, yes]\n", "s.yaml")
    assert doc.data == {"k": [1, 2.5, True]}
    assert doc._positions == {
        (): (1, 1),
        ("k",): (1, 4),
        ("k", 0): (1, 5),
        ("k", 1): (1, 8),
        ("k", 2): (1, 13),
    }
