"""Atomic file output: write to a temporary file beside the target, then rename over it.

Readers see the old file or the new one, never a torn one. The target must be a regular file
or not exist yet: a symbolic link, a folder, a device, a FIFO or a socket is refused (exit 2)
rather than replaced or written through — in CI, a pull request could otherwise plant a link
that points a report at a file of the runner's. No folder on the way may be a symbolic link
either (`reports -> /elsewhere` would carry `-o reports/cost.md` out of the checkout): the
folder is opened one component at a time with `O_NOFOLLOW` and the file is created, checked
and renamed relative to that descriptor. Temporary files carry the writer's process id;
one left behind by a writer that was killed is removed by the next write to the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from genai_cost.errors import OutputError


def _mode_for(folder: int, name: str) -> int:
    """The existing file's permissions, or the usual ones for a new file under the umask
    (a temporary file is created 0600, which would make reports unreadable to others)."""
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode & 0o777
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


def _refuse(target: Path, mode: int) -> None:
    """Refuse a target that exists and is not a regular file (`mode` from lstat: links are
    not followed)."""
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


def remove_stale(directory: Path | int, prefix: str, suffix: str = "") -> None:
    """Remove files or folders `prefix<pid>.*<suffix>` in `directory` (a path or an open
    folder's descriptor) left behind by writers that are no longer running (and owned by
    this user)."""
    folder = directory if isinstance(directory, int) else None
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

                shutil.rmtree(entry.path if folder is None else name, dir_fd=folder)
            else:
                os.unlink(entry.path if folder is None else name, dir_fd=folder)
        except OSError:
            continue


def temp_prefix(target: Path) -> str:
    """Prefix of the temporary names used while writing `target` (the pid follows)."""
    return f".{target.name}."


_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _linked(walked: Path) -> OutputError:
    real = os.path.realpath(walked)
    return OutputError(
        f"{walked}: is a symbolic link (to {real}); refusing to write through it (no folder "
        f"on the way to a report or snapshot may be a link); give the real path instead"
    )


def open_folder(directory: Path, *, missing_ok: bool = False) -> int | None:
    """A descriptor of `directory`, opened one component at a time from `/` or the current
    folder without following a symbolic link anywhere (a link is an OutputError naming it).

    With `missing_ok`, a component that does not exist yet ends the walk and None is
    returned (the caller creates the rest); otherwise a missing folder is an OutputError."""
    text = os.fspath(directory) or "."
    absolute = os.path.isabs(text)
    fd = os.open("/" if absolute else ".", _FOLDER_FLAGS)
    walked = Path("/" if absolute else "")
    parts = Path(text).parts[1:] if absolute else Path(text).parts
    try:
        for part in parts:
            if part == ".":
                continue
            walked = walked / part
            try:
                following = os.open(part, _FOLDER_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if missing_ok:
                    return None
                raise OutputError(f"{walked}: folder does not exist") from None
            except OSError as exc:
                if os.path.islink(walked):
                    raise _linked(walked) from None
                if exc.errno == errno.ENOTDIR:
                    raise OutputError(f"{walked}: is not a folder") from None
                raise OutputError(f"{walked}: cannot write: {exc.strerror or exc}") from None
            os.close(fd)
            fd = following
    except BaseException:
        os.close(fd)
        raise
    return fd


def refuse_linked_folders(directory: Path) -> None:
    """Refuse a folder path with a symbolic link on the way (the part that exists)."""
    fd = open_folder(directory, missing_ok=True)
    if fd is not None:
        os.close(fd)


def _sync_directory(fd: int) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _check_entry(fd: int, name: str, target: Path) -> None:
    """Refuse the entry `name` of the open folder `fd` when it exists and is not a regular
    file (a link, a folder, a device, a FIFO, a socket)."""
    try:
        mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    _refuse(target, mode)


def write_atomic(path: str | Path, text: str | bytes | Iterable[bytes]) -> None:
    """Write `text` (or bytes, or pieces of bytes written one after another) to `path` so
    readers see the old file or the new one, never a torn one."""
    target = Path(path)
    if str(target) == os.devnull:  # `-o /dev/null`: the report is made and discarded
        if not isinstance(text, str | bytes):
            for _ in text:
                pass
        return
    if not target.name or target.name in (".", ".."):
        raise OutputError(f"{str(path)!r}: is not a file name; name the report file to write")
    directory = target.parent if str(target.parent) else Path(".")
    fd = open_folder(directory)
    assert fd is not None
    try:
        _write_in(fd, target, text)
    finally:
        os.close(fd)


def _write_in(folder: int, target: Path, text: str | bytes | Iterable[bytes]) -> None:
    name = target.name
    _check_entry(folder, name, target)
    prefix = temp_prefix(target)
    remove_stale(folder, prefix, ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    temp = f"{prefix}{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, flags, 0o600, dir_fd=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as binary:
            if isinstance(text, str):
                binary.write(text.encode("utf-8"))
            else:
                for piece in [text] if isinstance(text, bytes) else text:
                    binary.write(piece)
            binary.flush()
            os.fchmod(binary.fileno(), _mode_for(folder, name))
            os.fsync(binary.fileno())
        _check_entry(folder, name, target)  # again, just before the rename
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        _sync_directory(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise
