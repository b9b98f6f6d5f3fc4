"""Scenario files: the models (models.py), reading them (load.py), their JSON Schema
(schema.py), budgets (budget.py) and copies read from git (gitrev.py)."""
