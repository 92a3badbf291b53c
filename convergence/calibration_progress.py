"""Progress of a calibration sweep: tasks done / total, failures so far, ETA.

On a terminal, one live line drawn with rich (redrawn in place, on stderr); when
stderr is not a terminal (CI logs, pipes), one plain line per finished task, so a
log shows every task and nothing depends on cursor control.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from .calibration import SweepProgress


def _eta(progress: SweepProgress) -> str:
    elapsed = time.monotonic() - progress.started
    if progress.done == 0 or progress.done >= progress.total:
        return "0:00:00" if progress.done >= progress.total else "?"
    seconds = int(elapsed / progress.done * (progress.total - progress.done))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def plain_line(progress: SweepProgress) -> str:
    r = progress.record
    mark = "ok  " if r.get("passed") else "FAIL"
    return (f"[{progress.done:>{len(str(progress.total))}}/{progress.total}] {mark} {r['id']} seed {r['seed']}: "
            f"{r['verdict']} (failures so far {progress.failures}, ETA {_eta(progress)})")


class Display:
    """Context manager; call it with each SweepProgress."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Display:
        return self

    def start(self, total: int) -> None:
        """Begin the display once the number of pending tasks is known."""
        if self.live and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("calibrating"), BarColumn(), MofNCompleteColumn(), TextColumn("tasks"),
                TextColumn("[red]{task.fields[failures]} failure(s)"), TextColumn("ETA"), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("sweep", total=total, failures=0)

    def __call__(self, progress: SweepProgress) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=progress.done, failures=progress.failures)
            if not progress.record.get("passed"):
                r = progress.record
                self._progress.console.print(f"FAIL {r['id']} seed {r['seed']}: {r['verdict']}", markup=False)
        else:
            print(plain_line(progress), file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
            self._progress = None
