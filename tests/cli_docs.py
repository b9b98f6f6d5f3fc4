"""Generate docs/cli.md from the real --help output (run: python -m tests.cli_docs)."""

from __future__ import annotations

import contextlib
import io
import os

COMMANDS = [
    "",
    "estimate",
    "diff",
    "check",
    "validate",
    "schema",
    "models",
    "pricing",
    "pricing list",
    "pricing show",
    "pricing diff",
]


def _help(command: str) -> str:
    from genai_cost.cli import main

    buffer = io.StringIO()
    args = [*command.split(), "--help"]
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        with contextlib.redirect_stdout(buffer):
            main(args)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return buffer.getvalue().rstrip() + "\n"


def render_cli_reference() -> str:
    parts = [
        "# CLI reference\n",
        "Generated from the real `--help` output by `python -m tests.cli_docs > docs/cli.md`;",
        "a test fails when this page and the CLI disagree.\n",
    ]
    for command in COMMANDS:
        title = f"genai-cost {command}".strip()
        parts.append(f"## `{title}`\n")
        parts.append("```text")
        parts.append(_help(command).rstrip())
        parts.append("```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render_cli_reference(), end="")
