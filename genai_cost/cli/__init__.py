"""The `genai-cost` command line (typer), one module per command group over one render
dispatch (render.py) and shared options (options.py); main.py holds the app and exit codes."""

from genai_cost.cli.main import app, main, run

__all__ = ["app", "main", "run"]
