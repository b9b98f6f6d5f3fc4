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
from genai_cost.paths import plain_relative
from genai_cost.scenario.load import SCENARIO_SUFFIXES
from genai_cost.yamlsource import MAX_FILE_BYTES

MAX_FILES = 10_000
"""Most scenario files read from one revision (a tree listing more is refused)."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed; «base_ref» needs it") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def safe_tree_path(name: str) -> PurePosixPath | None:
    """`name` as a relative path with no `..`, `.`, empty or `.git` component, no backslash
    or NUL; None when it is anything else (an absolute path, a climb out of the tree)."""
    path = plain_relative(name)
    if path is None or any(p.lower() == ".git" for p in path.parts):
        return None
    return path


def repository_top(repo: Path | None) -> Path:
    """The top folder of the git repository holding `repo` (default: the current folder)."""
    where = (repo or Path.cwd()).resolve()
    if not where.is_dir():
        raise ArgumentError(f"«repo» {str(repo)!r}: no such folder")
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], where).decode().strip())
    except RevisionError:
        hint = "give «repo» PATH" if repo is None else "give the folder of a git repository"
        raise RevisionError(f"{where}: not inside a git repository; {hint}") from None


def located(raw: str, top: Path) -> Path:
    """A path as the user typed it: from the current folder when it is inside the
    repository there, else from the repository's top folder (`--repo` from outside it)."""
    here = (Path.cwd() / raw).resolve()
    if here == top.resolve() or top.resolve() in here.parents:
        return here
    return (top / raw).resolve()


def read_at_revision(
    ref: str, paths: list[str], repo: Path | None = None
) -> list[tuple[str, bytes]]:
    """The scenario files under `paths` as of `ref`: (`ref:path` label, content) pairs.

    Paths are as the user typed them, relative to the current directory when it is inside
    the repository (`repo`, default the current folder's), else to the repository's top; a
    path absent at `ref` contributes nothing (its scenarios are then "added" in the diff).
    Tree entries whose names are not plain relative paths inside the asked-for folders are
    refused.
    """
    if ref.startswith("-"):
        raise ArgumentError(f"«base_ref» {ref!r}: a revision cannot start with '-'")
    top = repository_top(repo)
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except RevisionError:
        raise RevisionError(
            f"«base_ref» {ref!r}: no such revision in the repository at {top} (a branch, tag "
            "or commit; in a shallow CI clone, fetch it first: git fetch origin REF)"
        ) from None
    wanted: list[tuple[str, str]] = []  # (label, blob id), listed and checked before reading
    for raw in paths:
        absolute = located(raw, top)
        try:
            relative = absolute.relative_to(top.resolve())
        except ValueError:
            raise RevisionError(f"{raw}: not inside the git repository at {top}") from None
        asked = PurePosixPath(relative.as_posix())
        listing = _git(["ls-tree", "-r", "-z", "-l", "--full-tree", ref, "--", str(relative)], top)
        for entry in (e for e in listing.split(b"\0") if e):
            meta, _, raw_name = entry.partition(b"\t")
            mode, kind, blob, size_text = meta.decode("ascii", "replace").split()[:4]
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
            if len(wanted) >= MAX_FILES:  # refused from the listing alone, before any read
                raise RevisionError(f"{ref}: more than {MAX_FILES:,} scenario files under {raw}")
            size = int(size_text) if size_text.isdigit() else 0
            if size > MAX_FILE_BYTES:
                raise RevisionError(
                    f"{ref}:{name}: file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                )
            wanted.append((f"{ref}:{name}", blob))
    return list(
        zip((label for label, _ in wanted), _blobs([b for _, b in wanted], top), strict=True)
    )


def _blobs(ids: list[str], cwd: Path) -> list[bytes]:
    """The contents of blobs, read by one `git cat-file --batch` (not a process per file)."""
    if not ids:
        return []
    try:
        done = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            input="".join(f"{i}\n" for i in ids).encode("ascii"),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed; «base_ref» needs it") from None
    if done.returncode != 0:
        raise RevisionError("git cat-file --batch: failed")
    out, position, contents = done.stdout, 0, []
    for blob in ids:
        end = out.index(b"\n", position)
        header = out[position:end].decode("ascii", "replace").split()
        if len(header) != 3 or header[1] != "blob":
            raise RevisionError(f"git cat-file: cannot read blob {blob}")
        size = int(header[2])
        contents.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1  # the content is followed by a newline
    return contents


def read_file_at_revision(
    ref: str,
    path: str,
    repo: Path | None = None,
    limit: int = MAX_FILE_BYTES,
    *,
    in_tree: bool = False,
) -> bytes | None:
    """One file as of `ref` (an infrastructure template, a workloads table): its bytes, or
    None when the revision has no such file. `path` is as the user typed it, or with
    `in_tree` a path from the repository's top as the revision's tree names it (the working
    tree is then not consulted: its links say nothing about the revision). The path is
    checked like a tree entry (inside the repository, a plain path); a link or a submodule
    is refused."""
    if ref.startswith("-"):
        raise ArgumentError(f"«base_ref» {ref!r}: a revision cannot start with '-'")
    top = repository_top(repo)
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except RevisionError:
        raise RevisionError(
            f"«base_ref» {ref!r}: no such revision in the repository at {top}"
        ) from None
    if in_tree:
        tree_path = safe_tree_path(path)
        if tree_path is None:
            raise RevisionError(f"{path}: not a plain path inside the repository")
        relative = tree_path
    else:
        absolute = located(path, top)
        try:
            relative = PurePosixPath(absolute.relative_to(top.resolve()).as_posix())
        except ValueError:
            raise RevisionError(f"{path}: not inside the git repository at {top}") from None
    listing = _git(["ls-tree", "-z", "-l", "--full-tree", ref, "--", str(relative)], top)
    entries = [e for e in listing.split(b"\0") if e]
    if not entries:
        return None
    meta, _, raw_name = entries[0].partition(b"\t")
    mode, kind, blob, size_text = meta.decode("ascii", "replace").split()[:4]
    name = raw_name.decode("utf-8", "surrogateescape")
    if safe_tree_path(name) != relative or kind != "blob" or mode not in ("100644", "100755"):
        raise RevisionError(f"{ref}:{name}: not a plain file; refusing to read it")
    size = int(size_text) if size_text.isdigit() else 0
    if size > limit:
        raise RevisionError(f"{ref}:{name}: file is {size:,} bytes; the limit is {limit:,}")
    [content] = _blobs([blob], top)
    return content
