"""Reading scenario files as they were at a git revision, without touching the working tree.

Nothing is written to disk: blobs are read into memory with `git cat-file` and parsed from
there. A revision's tree is data a pull-request author controls (`git mktree` accepts entries
named `..`), so every path it lists is checked to be a plain relative path inside the folders
asked for before it is even read.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from genai_cost.errors import ArgumentError, RevisionError
from genai_cost.scenario.load import SCENARIO_SUFFIXES
from genai_cost.yamlsource import MAX_FILE_BYTES

MAX_FILES = 10_000
"""Most scenario files read from one revision (a tree listing more is refused)."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed; --base-ref needs it") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def safe_tree_path(name: str) -> PurePosixPath | None:
    """`name` as a relative path with no `..`, `.`, empty or `.git` component, no backslash
    or NUL; None when it is anything else (an absolute path, a climb out of the tree)."""
    if not name or "\0" in name or "\\" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    if any(p in ("", ".", "..") or p.lower() == ".git" for p in parts):
        return None
    return PurePosixPath(name)


def read_at_revision(ref: str, paths: list[str]) -> list[tuple[str, bytes]]:
    """The scenario files under `paths` as of `ref`: (`ref:path` label, content) pairs.

    Paths are as the user typed them, relative to the current directory; a path absent at
    `ref` contributes nothing (its scenarios are then "added" in the diff). Tree entries whose
    names are not plain relative paths inside the asked-for folders are refused.
    """
    if ref.startswith("-"):
        raise ArgumentError(f"--base-ref {ref!r}: a revision cannot start with '-'")
    cwd = Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    found: list[tuple[str, bytes]] = []
    for raw in paths:
        absolute = (cwd / raw).resolve()
        try:
            relative = absolute.relative_to(top.resolve())
        except ValueError:
            raise RevisionError(f"{raw}: not inside the git repository at {top}") from None
        asked = PurePosixPath(relative.as_posix())
        listing = _git(["ls-tree", "-r", "-z", "--full-tree", ref, "--", str(relative)], top)
        for entry in (e for e in listing.split(b"\0") if e):
            meta, _, raw_name = entry.partition(b"\t")
            mode, kind, blob = meta.decode("ascii", "replace").split(" ")[:3]
            name = raw_name.decode("utf-8", "surrogateescape")
            if not name.endswith(SCENARIO_SUFFIXES):
                continue
            path = safe_tree_path(name)
            if path is None or (str(asked) != "." and asked not in (path, *path.parents)):
                raise RevisionError(
                    f"{ref}: the tree lists {name!r}, which is not a plain path inside "
                    f"{raw}; refusing to read that revision"
                )
            if kind != "blob" or mode not in ("100644", "100755"):
                continue  # symbolic links and submodules are not scenario files
            if len(found) >= MAX_FILES:
                raise RevisionError(f"{ref}: more than {MAX_FILES:,} scenario files under {raw}")
            size = int(_git(["cat-file", "-s", blob], top).strip() or b"0")
            if size > MAX_FILE_BYTES:
                raise RevisionError(
                    f"{ref}:{name}: file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            found.append((f"{ref}:{name}", _git(["cat-file", "blob", blob], top)))
    return found
