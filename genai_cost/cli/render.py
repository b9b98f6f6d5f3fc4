"""The last step of every command: its document rendered (report/registry.py) in the chosen
format and written to stdout or `--output` (atomically; `-` is stdout, `/dev/null` discards).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from genai_cost.cli.options import Format
from genai_cost.errors import ArgumentError, OverflowInputError


def to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def use_color(output: Path | None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set or into a file."""
    return to_stdout(output) and "NO_COLOR" not in os.environ and sys.stdout.isatty()


FILE_WIDTH = 120
"""Columns of a table written to a file (`-o`), whatever the terminal."""
MIN_WIDTH = 40


def width() -> int:
    """The terminal's width ($COLUMNS, else the real width, else 120 columns), at least 40."""
    return max(MIN_WIDTH, shutil.get_terminal_size((FILE_WIDTH, 24)).columns)


def render(
    kind: str, document: Any, fmt: Format, *, output: Path | None = None, **options: Any
) -> str:
    """`document` (of `kind`) as text in `fmt` (report/registry.py), laid out for the
    terminal or the file it goes to. `options` (e.g. `expand` for every option variant) go
    to the builders that take them."""
    from genai_cost.report.registry import render as render_kind

    columns = width() if to_stdout(output) else FILE_WIDTH
    text = render_kind(kind, document, fmt.value, color=use_color(output), width=columns, **options)
    assert isinstance(text, str)
    return text


def emit(text: str, output: Path | None) -> None:
    """The report on stdout, or written atomically to `output` (`-` is stdout too)."""
    if to_stdout(output):
        sys.stdout.write(text)
        return
    from genai_cost.output import write_atomic

    assert output is not None
    write_atomic(output, text)
    say(f"wrote {output}")


def _first_not_finite(value: Any, where: str) -> str | None:
    """The path of the first number in a document that is NaN or infinite, if any (the
    walk carries no path: one is spelled only for the number found)."""
    keys = _not_finite_keys(value)
    if keys is None:
        return None
    return where + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in reversed(keys))


def _not_finite_keys(value: Any) -> list[Any] | None:
    """The keys down to the first NaN or infinite number in `value`, innermost first."""
    if isinstance(value, float):
        return None if math.isfinite(value) else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        try:  # a list of numbers: finite if their exact sum is (a sweep, a sample)
            if math.isfinite(math.fsum(value)):
                return None
        except (TypeError, OverflowError, ValueError):
            pass  # not all numbers (None, text, objects), too large to add, or both
            # infinities (-inf + inf): one by one
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, float | dict | list | tuple):
            found = _not_finite_keys(item)
            if found is not None:
                found.append(key)
                return found
    return None


NOT_FINITE = (
    "{where} is not a finite number: an input is too large or too small for it "
    "(check traffic, tokens per request, benefits and growth in the scenario)"
)


def finite_chunks(kind: str, chunks: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """A streamed document's items (its list `workloads`, a chunk at a time), each checked
    as `show` checks a whole document: a number that is not finite is bad input, named by
    its path, before the chunk is written."""
    done = 0
    for chunk in chunks:
        for k, item in enumerate(chunk):
            where = _first_not_finite(item, f"{kind}.workloads[{done + k}]")
            if where is not None:
                raise OverflowInputError(NOT_FINITE.format(where=where))
        done += len(chunk)
        yield chunk


def show(kind: str, document: Any, fmt: Format, output: Path | None, **options: Any) -> None:
    """Render and emit: the last step of every command. A figure that is not finite (an
    input out of scale overflowed it) is bad input, named, in every format — never `inf` in
    a table or an encoder's error (the estimate's builder checks its own figures)."""
    from genai_cost.report.json_report import FINITE_KINDS

    if kind not in FINITE_KINDS:
        where = _first_not_finite(document, kind)
        if where is not None:
            raise OverflowInputError(NOT_FINITE.format(where=where))
    if fmt == Format.parquet:
        if to_stdout(output):
            raise ArgumentError(
                "--format parquet writes a binary file: give -o FILE.parquet "
                "(genai-cost export athena-ddl FILE.parquet writes the table that reads it)"
            )
        from genai_cost.output import write_atomic
        from genai_cost.report.registry import render as render_kind

        assert output is not None
        write_atomic(output, render_kind(kind, document, "parquet", **options))
        say(f"wrote {output}")
        return
    if fmt == Format.json:
        from genai_cost.report.json_report import (
            StreamedDocument,
            render_json_bytes,
            render_json_chunks,
            render_json_stream,
        )

        if isinstance(document, StreamedDocument):  # written as its records are made
            emit_pieces(render_json_stream(document), output)
            return
        # every number is finite (checked above, `_first_not_finite`, or by the builder of a
        # kind in FINITE_KINDS): the encoder's own pass for NaN would read it all again
        if to_stdout(output):
            sys.stdout.write(render_json_bytes(document, finite=True).decode("utf-8"))
            return
        from genai_cost.output import write_atomic

        assert output is not None
        try:  # written in pieces: a large report is never held whole, as text or bytes
            write_atomic(output, render_json_chunks(document, finite=True))
        except TypeError:  # what orjson cannot encode (an integer beyond 64 bits)
            write_atomic(output, render_json_bytes(document, finite=True))
        say(f"wrote {output}")
        return
    if fmt == Format.csv:
        from genai_cost.report.csv_report import EstimateRows, csv_chunks

        if isinstance(document, EstimateRows):  # written a few thousand rows at a time
            emit_pieces(csv_chunks(document), output)
            return
    emit(render(kind, document, fmt, output=output, **options), output)


def emit_pieces(pieces: Iterator[bytes], output: Path | None) -> None:
    """A report made in UTF-8 pieces, on stdout as they come, or written atomically to
    `output` (never held whole)."""
    if to_stdout(output):
        for piece in pieces:
            sys.stdout.write(piece.decode("utf-8"))
        return
    from genai_cost.output import write_atomic

    assert output is not None
    write_atomic(output, pieces)
    say(f"wrote {output}")


def say(text: str) -> None:
    """A message on stderr, control characters removed (names come from inputs)."""
    from genai_cost.report.sanitize import lines

    typer.echo(lines(text), err=True)


def say_out(text: str) -> None:
    """A line on stdout, control characters removed (names come from inputs)."""
    from genai_cost.report.sanitize import lines

    typer.echo(lines(text))
