"""The cyclic garbage collector paused while a run builds its many long-lived objects.

CPython's collector runs whenever allocations outnumber deallocations by a threshold, and
every so often it walks every tracked object the process holds. Pricing a large portfolio
makes millions of objects that all live to the end of the run (a model per workload row,
specs, bill lines, report cells) and almost no cyclic garbage, so those walks are pure
cost: for 100,000 workloads from a table they were 15–25 % of the whole command, and for
1,000,000 the rows' models alone took 15 s with the collector and 5 s without
(benchmarks/README.md, "The collector paused"). Reference counting still frees everything
that is not in a cycle as usual; cycles made meanwhile wait for the collector's next run
after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, resume: bool = True) -> Iterator[None]:
    """The collector off for the block, and back as it was after it (on again only if it
    was on: pauses nest, and a caller who turned it off keeps it off).

    Every object made in the pause is young to the collector, so the first collection after
    it walks them all (~0.27 s after pricing 100,000 workloads). `resume=False` leaves the
    collector off after the block: for a process that ends as soon as the block does (a
    console command, `cli/ending.py`), where that walk would find nothing to free."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on and resume:
            gc.enable()
