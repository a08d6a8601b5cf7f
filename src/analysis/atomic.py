"""Replacing a file, a directory or a symlink so that a reader sees the old one or the new one, never a half;
and the one lock every writer takes (``held_lock``), so that two writers of one thing never run at once.

Everything is written beside its target (same folder, same file system) and put in place with
``os.replace``, which is atomic there. A process killed part-way leaves the target as it was, plus at
worst a hidden leftover whose name says what it is (callers clean those up on their next run).
Imports nothing from the package, so any layer can use it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def write_file(
    target: str | Path,
    write: Callable[[BinaryIO], None],
    *,
    suffix: str = ".tmp",
    check: Callable[[Path], object] | None = None,
) -> Path:
    """Write ``target`` through ``write(file)`` into a temporary file beside it, then rename it into place.

    ``check(temporary_path)`` may inspect the written file first: if it (or ``write``) raises, the temporary
    file is removed, the target is left as it was, and the error propagates."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=suffix, delete=False) as file:
        temporary = Path(file.name)
        try:
            write(file)
        except BaseException:
            file.close()
            temporary.unlink(missing_ok=True)
            raise
    try:
        if check is not None:
            check(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def retired_name(target: Path) -> Path:
    """Where ``replace_directory`` sets the old directory aside: ``.<name>.replaced-<random>`` beside it."""
    return target.parent / f".{target.name}.replaced-{uuid.uuid4().hex[:8]}"


def replace_directory(staging: str | Path, target: str | Path) -> None:
    """Put the complete directory ``staging`` in place of ``target`` with two renames on one file system.

    The old directory exists until the new one is complete; it is set aside (``retired_name``) and removed
    afterwards. A kill between the two renames leaves it set aside: the caller restores it on its next run."""
    staging, target = Path(staging), Path(target)
    if target.exists():
        retired = retired_name(target)
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)


def replace_symlink(target: str | Path, points_to: str | Path) -> None:
    """Make ``target`` a symlink to ``points_to`` in one rename (a new link beside it, then ``os.replace``)."""
    target = Path(target)
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(points_to)
    os.replace(link, target)


def write_failure(err: OSError, what: str, kept: str) -> str:
    """A failed write said so that the analyst can act: the path, the cause, and that nothing was lost."""
    cause = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only"}.get(
        err.errno, err.strerror or str(err)
    )
    if err.errno in (errno.EACCES, errno.EPERM):
        cause = "permission denied"
    where = err.filename or "a file"
    return (
        f"{what} failed: cannot write {where} ({cause}). The {kept} (if any) is kept "
        "unchanged; free some space or make the folder writable, then run the command again."
    )


@contextmanager
def held_lock(
    path: str | Path, wait: float, busy: Callable[[str], Exception], waiting: Callable[[str], str]
) -> Iterator[Path]:
    """Hold the fcntl lock of the file ``path`` (made if absent) and write this process's id into it.

    While another process holds it, print ``waiting(its id)`` once and wait up to ``wait`` seconds, then
    raise ``busy(its id)``. The system drops an fcntl lock when its process ends, however it ends, so a
    killed writer never leaves the lock held. The file is kept afterwards: removing it would let a process
    that opened it before the removal lock a file nobody else sees."""
    path = Path(path)
    with open(path, "a+", encoding="utf-8") as handle:
        deadline, said = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                if time.monotonic() >= deadline:
                    raise busy(holder) from None
                if not said:
                    print(waiting(holder), file=sys.stderr)
                    said = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
