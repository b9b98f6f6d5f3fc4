"""JSON: the estimate document itself (schema_version'd; the CI baseline format).

Written by orjson (two-space indent, UTF-8, keys in document order): the standard library's
encoder indents in pure Python, which was a fifth of a 5,000-workload estimate's time. The
text is the same JSON as `json.dumps(document, indent=2)`; floats are written in their
shortest round-tripping form (`1e-9`, `0.0000133334`) where Python writes `1e-09`,
`1.33334e-05`. NaN and infinity are refused (by a compact pass of the standard library's C
encoder), as `json.dumps(..., allow_nan=False)` refused them — except in the kinds of
document whose builder guarantees finite numbers itself (`FINITE_KINDS`), where that pass
was most of the rendering time of a large estimate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

FINITE_KINDS = frozenset({"estimate"})
"""Documents whose every number is finite by construction: the estimate (each float of its
option rows and summaries is rounded by a function that turns NaN and infinity into null,
and its bills, sections and Monte Carlo results are checked as they are assembled —
`genai_cost.results.estimate`)."""


def render_json(document: Mapping[str, Any]) -> str:
    return render_json_bytes(document).decode("utf-8")


def render_json_bytes(document: Mapping[str, Any], *, finite: bool = False) -> bytes:
    """The JSON as UTF-8 bytes (what a file gets, without a copy as text in between).
    `finite`: the document's builder has already refused NaN and infinity."""
    import orjson

    if not finite:
        # NaN and infinity are a bug upstream, never a `null` in a report: the standard
        # library's C encoder (compact, fast) refuses them as before; orjson would write null.
        json.dumps(document, allow_nan=False, separators=(",", ":"), check_circular=False)
    try:
        data = orjson.dumps(
            document,
            option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY,
        )
    except (orjson.JSONEncodeError, TypeError):
        # what orjson does not take (an integer beyond 64 bits): the standard library's
        # encoder, which fails on NaN and infinity as before
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        return text.encode("utf-8")
    return data


CHUNK_ITEMS = 2_000
"""Items of a long top-level list encoded at a time by `render_json_chunks`."""


def render_json_chunks(document: Mapping[str, Any], *, finite: bool = False) -> Iterator[bytes]:
    """`render_json_bytes` in pieces whose concatenation is the same bytes: the long lists of
    a large report (option rows) are encoded a few thousand items at a time, so a file is
    written without its whole encoding held in memory (388 MB for 100,000 workloads)."""
    import orjson

    if not finite:
        json.dumps(document, allow_nan=False, separators=(",", ":"), check_circular=False)
    option = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
    if not document:
        yield render_json_bytes(document, finite=True)  # "{}"
        return
    pieces = [(orjson.dumps(key), value) for key, value in document.items()]
    yield b"{\n"
    for k, (key, value) in enumerate(pieces):
        yield b"  " + key + b": "
        if isinstance(value, list) and len(value) > CHUNK_ITEMS:
            yield b"[\n"
            for start in range(0, len(value), CHUNK_ITEMS):
                yield _deeper_items(value[start : start + CHUNK_ITEMS], option)
                yield b",\n" if start + CHUNK_ITEMS < len(value) else b"\n"
            yield b"  ]"
        else:
            yield _deeper(value, option)
        yield b",\n" if k < len(pieces) - 1 else b"\n"
    yield b"}\n"


_WRAPPED = len(b'{\n  "": ')
"""Where a value starts in `orjson.dumps({"": value}, option=OPT_INDENT_2)`."""


def _deeper(value: Any, option: int) -> bytes:
    """`value` encoded two spaces deeper, as an object's value (its first line without the
    indent): encoded inside a wrapping object rather than re-indented afterwards, which was
    another pass over — and copy of — a large document's text. orjson writes a line break
    only between tokens (one inside a string is escaped), so the two are the same bytes."""
    import orjson

    return orjson.dumps({"": value}, option=option)[_WRAPPED:-2]


def _deeper_items(items: list[Any], option: int) -> bytes:
    """The items of a non-empty list, four spaces deep with the separators between them:
    `_deeper(items)` without its brackets."""
    return _deeper(items, option)[2:-4]


@dataclass
class StreamedDocument:
    """A document written in pieces, never whole: its `head` keys, then `key` as a list whose
    items come `chunks` at a time, then its `tail` keys — the same bytes `render_json_chunks`
    writes of `{**head, key: [every item], **tail}` (the estimate of a large portfolio, whose
    option records would otherwise all be held at once)."""

    head: dict[str, Any]
    key: str
    chunks: Iterator[list[Any]]
    tail: dict[str, Any] = field(default_factory=dict)


def render_json_stream(document: StreamedDocument) -> Iterator[bytes]:
    """`render_json_chunks` of the whole document, written from its parts (the builder has
    refused NaN and infinity: FINITE_KINDS only)."""
    import orjson

    option = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
    keys = [*document.head, document.key, *document.tail]
    yield b"{\n"
    for k, key in enumerate(keys):
        yield b"  " + orjson.dumps(key) + b": "
        if key == document.key and k == len(document.head):
            yield from _streamed_list(document.chunks, option)
        else:
            value = document.head[key] if key in document.head else document.tail[key]
            yield _deeper(value, option)
        yield b",\n" if k < len(keys) - 1 else b"\n"
    yield b"}\n"


def _streamed_list(chunks: Iterator[list[Any]], option: int) -> Iterator[bytes]:
    """A list's items two spaces deeper, chunk by chunk, as `render_json_chunks` nests a long
    list (the same bytes as a short one encoded whole); `[]` when there are none."""

    pending = next((c for c in chunks if c), None)
    if pending is None:
        yield b"[]"
        return
    yield b"[\n"
    while pending is not None:
        yield _deeper_items(pending, option)
        pending = next((c for c in chunks if c), None)
        yield b",\n" if pending is not None else b"\n"
    yield b"  ]"
