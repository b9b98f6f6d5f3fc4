"""Atomic file output: write to a temporary file beside the target, then rename over it.

Readers see the old file or the new one, never a torn one. The target must be a regular file
or not exist yet: a symbolic link, a folder, a device, a FIFO or a socket is refused (exit 2)
rather than replaced or written through — in CI, a pull request could otherwise plant a link
that points a report at a file of the runner's. Temporary files carry the writer's process id;
one left behind by a writer that was killed is removed by the next write to the same target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from genai_cost.errors import OutputError

STDOUT = "-"
"""`--output -` means standard output."""


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file under the umask
    (mkstemp creates 0600 files, which would make reports unreadable to others)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(target: Path) -> None:
    """Refuse a target that exists and is not a regular file (links are not followed)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return
    hint = (
        "; give the path of the file it points to instead"
        if stat.S_ISLNK(mode)
        else "; use '-o -' for standard output"
        if not stat.S_ISDIR(mode)
        else ""
    )
    raise OutputError(
        f"{target}: is {_kind(mode)}; refusing to replace it (reports are written only to "
        f"regular files){hint}"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(directory: Path, prefix: str, suffix: str = "") -> None:
    """Remove files or folders `prefix<pid>.*<suffix>` in `directory` left behind by writers
    that are no longer running (and owned by this user)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        pid_text = name[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            if entry.is_dir(follow_symlinks=False):
                import shutil

                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


def temp_prefix(target: Path) -> str:
    """Prefix of the temporary names used while writing `target` (the pid follows)."""
    return f".{target.name}."


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | Path, text: str | bytes | Iterable[bytes]) -> None:
    """Write `text` (or bytes, or pieces of bytes written one after another) to `path` so
    readers see the old file or the new one, never a torn one."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{target}: folder {directory} does not exist")
    check_target(target)
    prefix = temp_prefix(target)
    remove_stale(directory, prefix, ".tmp")
    try:
        fd, temp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        if not isinstance(text, str):
            with os.fdopen(fd, "wb") as binary:
                for piece in [text] if isinstance(text, bytes) else text:
                    binary.write(piece)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(target))
        check_target(target)  # again, just before the rename
        os.replace(temp, target)
        _sync_directory(directory)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
