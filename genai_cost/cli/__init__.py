"""The `genai-cost` command line (typer), one module per command group over one render
dispatch (render.py) and shared options (options.py); main.py holds the app and exit codes."""

import os

# The command line uses no pydantic plugins; without this, building the first validator scans
# every installed package's entry points for them (~35 ms of a ~500 ms start-up). Library
# users importing genai_cost.api keep their own setting.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from typing import Any

from genai_cost.cli.main import full_app, main, run

__all__ = ["app", "full_app", "main", "run"]


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, built (every command module imported) on first use
        return full_app()
    raise AttributeError(name)
