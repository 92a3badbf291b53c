"""Atomic file writes: a temporary file in the target folder, then ``os.replace``;
and staged folders, whose files all move into place only when a command succeeds.

A crash or error mid-write never leaves a half-written file, and an existing
file is replaced only by a complete new one. Files get mode 0644 (mkstemp's
0600 would hide results from the other users of a shared machine).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o644


def write_atomic(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


STAGING_PREFIX = ".staging-"
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A temporary folder inside ``target`` whose files are moved into ``target`` at the end.

    Everything a command writes is built in the staging folder first. Only when
    the ``with`` block ends normally are its files moved into place, each with
    ``os.replace`` (so every file is whole, old or new), with SIGINT and SIGTERM
    held back for the few renames so an interrupt cannot split them. If the
    block raises or is interrupted, the staging folder is deleted and
    ``target`` is exactly as it was. A folder left by a run killed with
    SIGKILL is removed by the next run (``remove_stale_staging``, called under
    the folder's lock).
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
    try:
        yield stage
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            move_files(stage, target)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_stale_staging(target: Path) -> None:
    """Delete staging folders left by a killed run; only call this holding the folder's lock."""
    for stale in Path(target).glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


def move_files(stage: Path, target: Path) -> None:
    """Each file below ``stage`` replaces its namesake in ``target``; figures first, results last."""
    files = sorted((p for p in stage.rglob("*") if p.is_file()), key=_commit_order)
    for path in files:
        destination = target / path.relative_to(stage)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, FILE_MODE)
        os.replace(path, destination)


def _commit_order(path: Path) -> tuple[int, str]:
    rank = {"results.json": 3, "report.pdf": 2, "report.typ": 1}.get(path.name, 0)
    return rank, str(path)
