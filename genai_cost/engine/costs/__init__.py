"""Priced things that are not purchase options: training jobs (`training.py`), supporting
services and shared endpoints (`services.py`), and packing several models onto shared
instances (`packing.py`). Each returns named components of the bill; results/bill.py turns
them into the bill's lines."""
