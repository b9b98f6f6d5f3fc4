"""Tracking actual spend: invocation-log ingestion, tenant allocation, budgets, variance."""
