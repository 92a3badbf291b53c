"""Progress of a batch of tasks: a live display on a terminal, plain lines otherwise.

On a terminal (rich): the tasks running now, done / total, failures so far and
the estimated time left, redrawn in place; each failure is also printed as a
permanent line above the display, so it stays on screen. When the stream is
not a terminal (CI logs, a pipe, a file) every finished task is one plain
line and nothing is redrawn, so logs stay readable.

Generic on purpose: ``verify`` reports claims, ``calibrate`` can report its
own tasks through the same class. Tasks are taken to start in the order
given, ``jobs`` at a time (how the runner and its process pool hand them
out), so "running now" is the first ``jobs`` tasks not yet finished.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import IO, Any

# Cached results take no time; the time left is estimated from the tasks that ran.
_MIN_FOR_ESTIMATE = 1
_BAR_WIDTH = 50


class Progress:
    """Context manager: ``with Progress(labels, jobs=2) as p: ... p.finished(label, ok, line)``.

    Args:
        labels: the tasks, in the order they start.
        jobs: how many run at once.
        stream: where to write (default stderr).
        live: force the live display on or off (default: when ``stream`` is a terminal).
        title: what the batch is doing, e.g. "verifying".
    """

    def __init__(self, labels: Sequence[str], *, jobs: int = 1, stream: IO[str] | None = None,
                 live: bool | None = None, title: str = "running") -> None:
        self.labels = list(labels)
        self.jobs = max(1, jobs)
        self.stream = stream if stream is not None else sys.stderr
        self.live = self._isatty() if live is None else live
        self.title = title
        self.done: list[str] = []
        self._done_set: set[str] = set()
        self.failures: list[str] = []
        self.cached = 0
        self._ran_seconds = 0.0
        self._ran = 0
        self._started = time.monotonic()
        self._live: Any = None

    def _isatty(self) -> bool:
        try:
            return bool(self.stream.isatty())
        except (AttributeError, ValueError):
            return False

    # -- the display -----------------------------------------------------------------------------

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.live:
            from rich.console import Console
            from rich.live import Live

            self._console = Console(file=self.stream, stderr=self.stream is sys.stderr)
            self._live = Live(self._render(), console=self._console, refresh_per_second=4, transient=True,
                              get_renderable=self._render)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None
            self.stream.write(self.summary_line() + "\n")
            self.stream.flush()

    @property
    def running(self) -> list[str]:
        """The first ``jobs`` tasks not finished yet."""
        return [label for label in self.labels if label not in self._done_set][: self.jobs]

    def eta_seconds(self) -> float | None:
        """Time left: remaining tasks × mean time of the tasks that ran ÷ jobs (None before any ran).

        The mean of reported task times, not elapsed time, so cached tasks (instant) do not
        make the estimate optimistic.
        """
        remaining = len(self.labels) - len(self.done)
        if remaining == 0:
            return 0.0
        if self._ran < _MIN_FOR_ESTIMATE:
            return None
        return remaining * (self._ran_seconds / self._ran) / self.jobs

    def summary_line(self) -> str:
        eta = self.eta_seconds()
        parts = [f"{len(self.done)}/{len(self.labels)} done", f"{len(self.failures)} failed"]
        if self.cached:
            parts.append(f"{self.cached} cached")
        parts.append(f"elapsed {_clock(time.monotonic() - self._started)}")
        if eta is not None and len(self.done) < len(self.labels):
            parts.append(f"about {_clock(eta)} left")
        return f"{self.title}: " + ", ".join(parts)

    def _render(self) -> Any:
        from rich.console import Group
        from rich.text import Text

        filled = round(_BAR_WIDTH * len(self.done) / max(len(self.labels), 1))
        bar = Text("━" * filled, style="green" if not self.failures else "red")
        bar.append("━" * (_BAR_WIDTH - filled), style="grey50")
        lines: list[Any] = [Text(self.summary_line(), style="bold"), bar]
        for label in self.running:
            lines.append(Text(f"  running  {label}", style="cyan"))
        return Group(*lines)

    # -- events ----------------------------------------------------------------------------------

    def finished(self, label: str, ok: bool, line: str, *, seconds: float = 0.0, cached: bool = False) -> None:
        """One task ended; ``line`` is its one-line description (printed in plain mode, and for failures)."""
        if label not in self._done_set:
            self._done_set.add(label)
            self.done.append(label)
        if cached:
            self.cached += 1
        else:
            self._ran += 1
            self._ran_seconds += seconds
        if not ok:
            self.failures.append(label)
        if self._live is not None:
            if not ok:
                self._console.print(line, style="red", highlight=False, markup=False)
            self._live.refresh()
        else:
            self.stream.write(line + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def claim_line(done: int, total: int, record: dict[str, Any]) -> str:
    """``verify``'s one line per finished claim (what CI logs show)."""
    mark = "ok " if record["passed"] else "FAIL"
    killed = sum(m["killed"] for m in record["mutants"])
    cached = ", cached" if record.get("cached") else ""
    return (f"[{done:>{len(str(total))}}/{total}] {mark} {record['id']:<40} {record['verdict']:<12}"
            f" (expected {record['expected']}, mutants {killed}/{len(record['mutants'])} refuted,"
            f" {record['runtime_s']:.2f} s{cached})")


def claim_callback(progress: Progress):
    """An ``on_result(done, total, record)`` for the runner that feeds ``progress``."""
    def on_result(done: int, total: int, record: dict[str, Any]) -> None:
        progress.finished(record["id"], bool(record["passed"]), claim_line(done, total, record),
                          seconds=float(record.get("runtime_s") or 0.0), cached=bool(record.get("cached")))
    return on_result
