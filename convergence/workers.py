"""Run tasks in forked worker processes, one fresh process per task.

Why a process per task, even at ``--jobs 1``: a claim's experiment is code we
do not trust to return. It may call ``sys.exit``, ``os._exit``, crash the
interpreter or hang; in a worker each of these ends that task only. The parent
turns it into a ``WorkerFailure`` naming what happened (exit status, signal,
"timed out after N s") and starts the next task in a new process, so a dead
worker is always replaced and the other tasks still run.

Workers are forked, so they inherit the loaded claims and nothing has to be
pickled on the way in; results come back through a pipe. Workers ignore
SIGINT: an interrupt is the parent's to handle, and the parent kills every
worker before it re-raises (``run_tasks``'s ``finally``), so an interrupted
run leaves no orphaned process. On Linux a
worker is also killed by the kernel if the parent dies (PR_SET_PDEATHSIG).
Anything a worker prints goes to stderr, never into the command's stdout.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_CONTEXT = multiprocessing.get_context("fork")
_SIGNALS = {signal.SIGINT, signal.SIGTERM}
KILL_WAIT_S = 2.0


@dataclass(frozen=True)
class Task:
    """``call`` runs in the worker; ``key`` names the task in failures."""

    key: str
    call: Callable[[], Any]


@dataclass(frozen=True)
class WorkerFailure:
    """The task returned nothing: the worker died, timed out or its result could not be sent."""

    message: str
    details: str = ""
    runtime_s: float = 0.0
    timed_out: bool = False


@dataclass
class _Running:
    task: Task
    process: Any
    conn: Connection
    deadline: float
    timeout: float | None
    started: float


def shared_flag() -> Any:
    """A flag (``.value``, initially 0) that a task's worker may set and the parent read afterwards.

    Shared memory created before the fork: a task can say how far it got even if it is killed.
    """
    return _CONTEXT.RawValue("b", 0)


def run_tasks(tasks: Iterable[Task], *, jobs: int, timeout: float | None) -> Iterator[tuple[Task, Any]]:
    """Yield ``(task, result or WorkerFailure)`` as tasks finish, at most ``jobs`` at once."""
    pending = deque(tasks)
    running: list[_Running] = []
    # The parent's objects move to a generation the collector never scans, here and in the forked workers:
    # a worker's collections would otherwise write to every inherited object's header and so copy the
    # parent's whole heap (SymPy, SciPy, CVXPY) page by page. Undone when the run ends.
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                running.append(_start(pending.popleft(), timeout))
            wait(_waitables(running), timeout=_until_next_deadline(running))
            for worker in list(running):
                outcome = _collect(worker)
                if outcome is not None:
                    running.remove(worker)
                    yield worker.task, outcome
    finally:  # normal end, an interrupt, or the consumer stopped early: no worker outlives the run
        for worker in running:
            _kill(worker)
        gc.unfreeze()


def _start(task: Task, timeout: float | None) -> _Running:
    reader, writer = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_worker_main, args=(writer, task.call, os.getpid()), daemon=True,
                               name=f"convergence-{task.key}")
    # Block interrupts while forking so the child never runs the parent's handler before its own.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    writer.close()  # the parent keeps only the reading end: EOF then means the worker is gone
    started = time.monotonic()
    deadline = started + timeout if timeout else float("inf")
    return _Running(task, process, reader, deadline, timeout, started)


def _waitables(running: list[_Running]) -> list[Any]:
    return [w.conn for w in running] + [w.process.sentinel for w in running]


def _until_next_deadline(running: list[_Running]) -> float | None:
    nearest = min((w.deadline for w in running), default=float("inf"))
    return None if nearest == float("inf") else max(0.0, nearest - time.monotonic())


def _collect(worker: _Running) -> Any | None:
    """The worker's outcome if it has one now (result, death or timeout), else None."""
    elapsed = time.monotonic() - worker.started
    if worker.conn.poll():
        try:
            kind, payload, details = worker.conn.recv()
        except (EOFError, OSError):  # closed without a message: the worker died
            _reap(worker)
            return WorkerFailure(_death_message(worker.process.exitcode), runtime_s=elapsed)
        _reap(worker)
        return payload if kind == "ok" else WorkerFailure(payload, details, elapsed)
    if not worker.process.is_alive():
        _reap(worker)
        return WorkerFailure(_death_message(worker.process.exitcode), runtime_s=elapsed)
    if time.monotonic() >= worker.deadline:
        _kill(worker)
        return WorkerFailure(f"timed out after {worker.timeout:g} s", runtime_s=elapsed, timed_out=True)
    return None


def _reap(worker: _Running) -> None:
    worker.process.join(KILL_WAIT_S)
    if worker.process.is_alive():
        _kill(worker)
    worker.conn.close()


def _kill(worker: _Running) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(KILL_WAIT_S)
    worker.conn.close()


def _death_message(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker process vanished without a result"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process was killed by {name} before returning a result"
    return f"the worker process exited with status {exitcode} before returning a result (os._exit or a crash)"


def _worker_main(conn: Connection, call: Callable[[], Any], parent: int) -> None:
    """In the child: run ``call`` and send ``("ok", result, "")`` or ``("failed", message, traceback)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt does
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    _die_with_parent(parent)
    os.dup2(2, 1)  # prints from experiments must not corrupt the command's stdout
    sys.stdout = sys.stderr
    try:
        message: tuple[str, Any, str] = ("ok", call(), "")
    except BaseException as exc:  # noqa: BLE001  (SystemExit included: it becomes the task's failure)
        message = ("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc())
    try:
        conn.send(message)
    except BaseException as exc:  # noqa: BLE001  (e.g. a result that cannot be pickled)
        conn.send(("failed", f"the result could not be sent back: {type(exc).__name__}: {exc}", ""))
    finally:
        conn.close()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when the parent dies (best effort elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
