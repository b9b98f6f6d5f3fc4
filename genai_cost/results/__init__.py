"""The estimate: priced scenarios (pricing.py) and their typed document (estimate.py)."""
