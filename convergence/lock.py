"""One run per output folder: an exclusive ``flock`` on ``OUT/.convergence.lock``.

Two runs writing one folder would interleave results, figures and report
sources. The lock is held for the whole command and released by the kernel
when the process ends, however it ends (even ``kill -9``), so a stale lock
cannot block later runs. The lock file stays in the folder (it
names the last holder); only the ``flock`` on it counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import SuiteError

LOCK_NAME = ".convergence.lock"


class FolderLockedError(SuiteError):
    """Another run holds the output folder."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for the ``with`` block, or raise ``FolderLockedError`` naming the holder."""
    path = Path(folder) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            raise FolderLockedError(f"output folder {folder} is in use by another run ({holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder().encode("utf-8"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _holder() -> str:
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = " ".join(["convergence", *sys.argv[1:]])
    return f"pid {os.getpid()}, '{command}', started {started}\n"
