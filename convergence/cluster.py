"""Connecting to Dask distributed: a local cluster of worker processes, or an existing scheduler.

Dask is an optional extra (``pip install -e '.[distributed]'``); without it the
commands that need it stop with one line saying so. Tasks load their claim by
path inside the worker (claims hold functions, which are not shipped), so a
worker needs the suite importable: on this machine a ``LocalCluster`` inherits
the interpreter's ``sys.path``; workers started by hand (``dask worker``) must
run where the suite is installed or on its ``PYTHONPATH``.

One thread per worker: the experiments are NumPy-bound and hold the GIL between
vectorised calls, so parallelism comes from processes, one per core.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator
from typing import Any

from .errors import SuiteError

INSTALL_HINT = "the distributed extra is not installed (pip install -e '.[distributed]')"
DEFAULT_CONNECT_TIMEOUT = 10.0


def require_distributed() -> Any:
    """The ``distributed`` module, or a one-line SuiteError when the extra is missing."""
    try:
        import distributed
    except ImportError:
        raise SuiteError(INSTALL_HINT) from None
    return distributed


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, workers: int = 2, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
) -> Iterator[Any]:
    """A ``distributed.Client``: on ``scheduler`` if given, else on a new LocalCluster of ``workers`` processes.

    An unreachable or malformed scheduler address is a SuiteError (one line), not a traceback.
    """
    distributed = require_distributed()
    with _quiet_dask_logs():
        yield from _client(distributed, scheduler, workers, connect_timeout)


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask logs every worker and connection at INFO; on the command line only its errors matter."""
    logger = logging.getLogger("distributed")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _client(distributed: Any, scheduler: str | None, workers: int, connect_timeout: float) -> Iterator[Any]:
    if scheduler is None:
        if workers < 1:
            raise SuiteError(f"--workers must be at least 1, got {workers}")
        # No dashboard, and the scheduler's HTTP server on a free port: several users of one machine
        # would otherwise all ask for port 8787.
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                                      silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        failure = SuiteError(f"cannot reach the Dask scheduler at {scheduler}: {message}")
    else:
        failure = None
    if failure is not None:  # outside the except: the traceback, which holds the half-started Client, is gone
        _finalize_abandoned_clients()
        raise failure
    try:
        try:
            client.wait_for_workers(1, timeout=connect_timeout)
        except TimeoutError:
            raise SuiteError(f"the Dask scheduler at {scheduler} has no workers (start some with 'dask worker')") \
                from None
        yield client
    finally:
        client.close()


def _finalize_abandoned_clients() -> None:
    """Close now, in this thread, a Client whose start failed (distributed leaves it to the garbage collector).

    A Client that timed out connecting is left half-started, its IO-loop thread running, in a reference
    cycle. Collected later, its finalizer closes it in whatever thread the collection happens to run,
    and closing takes distributed's class-wide LoopRunner lock. If that thread is the IO-loop thread of
    the next Client being started, the starting thread holds that lock while it waits for the new thread
    to start: the process hangs, or fails after 10 s with ``assert loop is not None``. Seen in this
    suite's tests, the next Client being a hand-started cluster's, after an unreachable-scheduler test.
    Collected here, nothing holds the lock.
    """
    gc.collect()


def describe(client: Any) -> str:
    """'N worker(s), T thread(s) at ADDRESS' for the log line."""
    info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(int(w.get("nthreads", 0)) for w in workers.values())
    return f"{len(workers)} worker(s), {threads} thread(s) at {info.get('address', '?')}"
