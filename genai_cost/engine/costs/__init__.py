"""Priced things that are not purchase options: training jobs (`training.py`), supporting
services and shared endpoints (`services.py`), packing several models onto shared
instances (`packing.py`), and a workload's Bedrock Guardrails (`guardrails.py`). Each says
its own parts of the bill (`parts.Part`: quantity × unit price, or why it has none);
results/bill.py turns a part into a line of its cost family."""
