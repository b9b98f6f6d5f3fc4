"""How the process ends after a command: large results are left to the end of the process
rather than freed object by object just before it.

Freeing the objects of a large run (100,000 workloads: their models, specs, bill lines and
rows) one by one takes a measurable share of its time — work the operating system does at
once when the process exits. A command that holds such a result hands it to `keep`; `end`
then flushes the standard streams and exits without freeing it. Only a process run from the
console (`genai_cost.cli.main.run`) ends this way; `main()` called in-process (tests, the
Python API's callers) keeps its usual lifetime, and anything kept is let go at the next
`main()`.
"""

from __future__ import annotations

import contextlib
import os
import sys

_KEPT: list[object] = []
_CONSOLE: list[bool] = []
"""Holds True once `run` (the console entry point) has started this process's command."""


def console() -> None:
    """Mark this process as a console run: it ends through `end` when its command returns."""
    _CONSOLE.append(True)


def ends_when_done() -> bool:
    """Whether the process ends as soon as the command returns: a console run, not under a
    profiler or a tracer. Nothing the command leaves behind is looked at again, so it need
    not tidy up (the collector it paused stays paused: a collection then would walk every
    object the run made, ~0.27 s for 100,000 workloads, just before the process exits)."""
    return bool(_CONSOLE) and sys.getprofile() is None and sys.gettrace() is None


def keep(value: object) -> None:
    """Leave `value` alive until the process ends (see the module's text)."""
    _KEPT.append(value)


def release() -> None:
    """Let go of what earlier commands kept (an in-process caller running another one)."""
    _KEPT.clear()


def end(code: int) -> None:
    """Exit with `code`: at once when a command kept a result (its streams flushed first,
    nothing else to finish: reports are written and closed before a command returns), else —
    or under a profiler or a tracer — through `sys.exit` as usual."""
    if not _KEPT or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tracer writes its figures at the usual exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
