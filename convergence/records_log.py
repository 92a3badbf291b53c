"""An append-only JSON Lines log of task records that survives being killed at any moment.

Why not one JSON file: a sweep of thousands of (claim, seed) tasks runs for hours
and may be interrupted (Ctrl-C, a lost machine). Each finished record is appended
as one whole line with a single ``write`` and then flushed and fsynced, so a
record on disk is either complete or (if the process died inside that write) a
torn last line without its newline. Reading ignores such a tail; opening the log
for appending truncates it first, so the next record never glues onto garbage.

Only one process writes a log at a time: the writer holds an exclusive
``flock`` on a lock file beside it, and a second writer is refused with one line.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from .errors import SuiteError

FILE_MODE = 0o644


class LogBusyError(SuiteError):
    """Another process is appending to the same log."""


def read_records(path: Path) -> list[dict[str, Any]]:
    """Every complete record in the log, in the order written (a torn last line is skipped).

    A malformed line that *is* terminated by a newline is not a torn write but a
    corrupted file, and is reported rather than silently dropped.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    complete = data.split(b"\n")[:-1]  # what follows the last newline is empty or a torn write
    records = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SuiteError(f"{path}: line {number} is not a JSON record (file corrupted?)") from None
        if not isinstance(record, dict):
            raise SuiteError(f"{path}: line {number} is not a JSON object")
        records.append(record)
    return records


class RecordLog:
    """Appends records to ``path``; use as a context manager (holds the lock while open)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> RecordLog:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise LogBusyError(f"{self.path} is being written by another process") from None
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        self._drop_torn_tail()
        return self

    def _drop_torn_tail(self) -> None:
        """Truncate bytes after the last newline: the remains of a write killed half-way."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size == 0:
            return
        keep = size
        chunk = 65536
        while keep > 0:
            start = max(0, keep - chunk)
            block = os.pread(self._fd, keep - start, start)
            newline = block.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            keep = start
        if keep != size:
            os.ftruncate(self._fd, keep)
            os.fsync(self._fd)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, then flush it to disk."""
        if self._fd is None:
            raise RuntimeError("RecordLog is not open")
        line = (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")
        view = memoryview(line)
        while view:  # os.write on a regular file writes everything; the loop guards a short write
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def __exit__(self, *exc: object) -> None:
        for name in ("_fd", "_lock_fd"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)  # closing the lock file releases the flock
                setattr(self, name, None)
