"""The one path guard for names that come from outside data.

S3 object keys, git tree entries, archive members and manifest entries are written by people
the user does not know. A name from them becomes a local path only through `contained`, which
refuses anything that is not a plain relative path (no absolute path, no `..`, `.` or empty
component, no backslash or NUL, no control character) and then proves the joined path lies
inside its folder once links are resolved. `Claimed` refuses two names that would land on
the same local file (the second object would silently replace the first).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from genai_cost.errors import UnsafePathError

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
MAX_NAME_CHARACTERS = 1024
"""S3's own limit on a key's length (in UTF-8 bytes; characters are checked here)."""


def plain_relative(name: str) -> PurePosixPath | None:
    """`name` as a relative POSIX path of plain components, or None when it is absolute,
    climbs (`..`), holds `.` or empty components (`a//b`), a backslash, NUL or another
    control character, or is longer than any real key."""
    if (
        not name
        or len(name) > MAX_NAME_CHARACTERS
        or name.startswith("/")
        or "\\" in name
        or _CONTROL.search(name)
    ):
        return None
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return PurePosixPath(*parts)


def why_not_plain(name: str) -> str:
    """Why `plain_relative` refuses `name`, in words for a message."""
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME_CHARACTERS:
        return f"it is longer than {MAX_NAME_CHARACTERS:,} characters"
    if name.startswith("/"):
        return "it is an absolute path"
    if "\\" in name:
        return "it holds a backslash"
    if _CONTROL.search(name):
        return "it holds a control character"
    parts = name.split("/")
    if ".." in parts:
        return "it climbs out of its folder ('..')"
    if "" in parts:
        return "it has an empty path component ('//' or a trailing '/')"
    return "it has a '.' path component"


def contained(folder: Path, name: str, *, what: str) -> Path:
    """`folder / name` for a `name` from outside data, proven to lie inside `folder`.

    Raises UnsafePathError naming `what` (e.g. "S3 key s3://bucket/key") when `name` is not a
    plain relative path or resolves outside `folder` (through a link already there)."""
    relative = plain_relative(name)
    if relative is None:
        raise UnsafePathError(f"{what}: refusing it as a local file name: {why_not_plain(name)}")
    path = folder.joinpath(*relative.parts)
    root = folder.resolve()
    if not path.resolve().is_relative_to(root):
        raise UnsafePathError(f"{what}: refusing it: it would be written outside {folder}")
    return path


class Claimed:
    """Local paths already given out in one folder; a second name landing on a file already
    there is refused, never silently merged. The file system decides what "the same file"
    is (on a case-insensitive one, `A.json` and `a.json` are), so a path that exists before
    its own download counts as taken."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def claim(self, path: Path, name: str, *, what: str) -> None:
        first = self._seen.get(str(path))
        if first is None and path.exists():
            first = next(
                (n for p, n in self._seen.items() if Path(p).exists() and path.samefile(p)),
                "another key",
            )
        if first is not None and first != name:
            raise UnsafePathError(
                f"{what}: refusing it: it would be saved to the same local file as {first!r}"
            )
        self._seen[str(path)] = name
