"""Vectorized pricing engine: workloads x options x variants as NumPy arrays.

Each purchase option is one module under `options/` declaring its variants, the inputs it
needs (`prepare`, which resolves prices from the catalog once per workload) and the named cost
components it produces (`evaluate`, pure NumPy over all rows at once), listed once in
`options/__init__.py`'s registry; costs that are not options (training, services, packing) are
under `costs/`. The engine does no I/O and imports neither typer nor rich.
"""
