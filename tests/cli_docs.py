"""Generate docs/cli.md from the registered commands' real --help (run: python -m tests.cli_docs).

The command list is read from the typer app itself, so a new command or subcommand appears in
the reference without anyone listing it; a test fails when the page and the CLI disagree.
"""

from __future__ import annotations

import contextlib
import io
import os


def commands() -> list[str]:
    """Every command path of the app, depth first: "", "estimate", "pricing", "pricing list" …"""
    import typer

    from genai_cost.cli import app

    found: list[str] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(" ".join(path))
        children = getattr(command, "commands", {})  # a group (typer's own click)
        for name in sorted(children):
            walk(children[name], [*path, name])

    walk(typer.main.get_command(app), [])
    return found


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
        "Generated from the registered commands' real `--help` output by",
        "`python -m tests.cli_docs > docs/cli.md`; a test fails when this page and the CLI",
        "disagree.\n",
    ]
    for command in commands():
        title = f"genai-cost {command}".strip()
        parts.append(f"## `{title}`\n")
        parts.append("```text")
        parts.append(_help(command).rstrip())
        parts.append("```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render_cli_reference(), end="")
