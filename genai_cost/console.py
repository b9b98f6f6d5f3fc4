"""Progress display on stderr (rich, imported only when a bar is shown)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(
    total: int, description: str, *, enabled: bool | None = None
) -> Iterator[Callable[..., None]]:
    """Yield `step(label)`; a transient bar on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield lambda label, advance=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total, label="")

        done = 0.0

        def step(label: str, advance: float = 1) -> None:
            nonlocal done
            done = min(float(total), done + advance)  # never past its total ("100/20")
            bar.update(task, completed=done, label=label)

        yield step
        bar.update(task, completed=total)  # the work is done: the bar says so


@contextmanager
def percent_bar(
    description: str, *, enabled: bool | None = None
) -> Iterator[Callable[[float], None]]:
    """Yield `update(percent)`; a transient 0–100 % bar on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield lambda percent: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=100.0)

        def update(percent: float) -> None:
            bar.update(task, completed=max(0.0, min(100.0, percent)))

        yield update
        bar.update(task, completed=100.0)  # DuckDB's estimate may stop short (83 %): done is 100
