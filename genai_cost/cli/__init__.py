"""The `genai-cost` command line (typer), one module per command group over one render
dispatch (render.py) and shared options (options.py); main.py holds the app and exit codes."""

import os

# The command line uses no pydantic plugins; without this, building the first validator scans
# every installed package's entry points for them (~35 ms of a ~500 ms start-up). Library
# users importing genai_cost.api keep their own setting.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from genai_cost.cli.main import app, main, run

__all__ = ["app", "main", "run"]
