"""Vectorized pricing engine: workloads x options x variants as NumPy arrays.

Each purchase option is one module declaring its variants, the inputs it needs (`prepare`,
which resolves prices from the catalog once per workload) and the named cost components it
produces (`evaluate`, pure NumPy over all rows at once). The engine does no I/O and imports
neither typer nor rich.
"""

OPTIONS = (
    "on_demand",
    "batch",
    "provisioned",
    "self_hosted",
    "autoscaled",
    "async_inference",
    "serverless",
    "batch_transform",
)
