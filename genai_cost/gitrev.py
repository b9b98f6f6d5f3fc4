"""Reading scenario files as they were at a git revision, without touching the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from genai_cost.errors import GenaiCostError
from genai_cost.scenario import SCENARIO_SUFFIXES


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GenaiCostError("git is not installed; --base-ref needs it") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GenaiCostError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def materialize(ref: str, paths: list[str], target: Path) -> list[tuple[Path, str]]:
    """Write the scenario files under `paths` as of `ref` into `target`.

    Returns (file in `target`, `ref:path` label) pairs. Paths are as the user typed them,
    relative to the current directory; a path absent at `ref` contributes nothing (its
    scenarios are then "added" in the diff).
    """
    cwd = Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    written: list[tuple[Path, str]] = []
    for raw in paths:
        absolute = (cwd / raw).resolve()
        try:
            relative = absolute.relative_to(top.resolve())
        except ValueError:
            raise GenaiCostError(f"{raw}: not inside the git repository at {top}") from None
        listing = _git(["ls-tree", "-r", "--name-only", "-z", ref, "--", str(relative)], top)
        names = [n for n in listing.decode("utf-8").split("\0") if n]
        for name in names:
            if not name.endswith(SCENARIO_SUFFIXES):
                continue
            content = _git(["show", f"{ref}:{name}"], top)
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
            written.append((destination, f"{ref}:{name}"))
    return written
