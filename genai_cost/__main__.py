"""`python -m genai_cost` runs the command-line interface."""

from genai_cost.cli import run

run()
