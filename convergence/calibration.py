"""Calibration: every (claim, master seed) pair as one Dask task, streamed to a resumable log.

Why: the README bounds the chance that one run of the catalogue falsely refutes a
correct claim by a union bound over the per-claim level α. That is a bound, not a
measurement, and it says nothing about INCONCLUSIVE or ERROR verdicts or mutants
that survive. Running each claim at many master seeds measures the actual rates.

Each task runs the claim exactly as ``verify`` does (``convergence.runner.run_claim``,
with the claim re-loaded from its file in the worker), so a record equals the
``verify ID --seed S`` record at that seed; the log keeps its run-dependent part
(verdict, margin, measured values, intervals, mutant verdicts, error) and drops
what is fixed per claim or only drawn (derivation, description, figure, and the
per-point inputs and theory values, which ``verify ID --seed S`` reproduces).

Records are appended to ``DIR/records.jsonl`` as tasks finish, in whatever order
(see :mod:`convergence.records_log`); a rerun into the same DIR runs only the
pairs that have no record yet. A worker that dies mid-task makes Dask re-run the
task elsewhere; if it keeps dying, the pair gets an ERROR record marked
``lost_worker`` (counted as an ERROR now, re-run by the next resumption).
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .claim import Claim
from .cluster import require_distributed
from .errors import SuiteError
from .records_log import RecordLog, read_records
from .runner import RunOptions, error_record, run_claim

RECORDS_NAME = "records.jsonl"
# Tasks handed to the scheduler at a time: enough to keep every worker busy, few enough that submitting
# them never starves the scheduler (11 400 submissions at once lost the scheduler on a loaded machine).
IN_FLIGHT_MIN, IN_FLIGHT_PER_THREAD = 16, 4
SUMMARY_NAME = "calibration.json"

# Fields of a verify record kept in the log (everything that depends on the seed except bulk).
KEPT_FIELDS = (
    "id", "kind", "expected", "path", "seed", "profile", "verdict", "summary", "margin", "margin_label",
    "comparison_details", "measured_values", "stderr", "interval", "points_total", "level", "samples",
    "details", "resolution", "experiment_verdict", "error", "runtime_s", "passed", "lost_worker",
)
KEPT_MUTANT_FIELDS = ("description", "verdict", "killed", "summary")
KEPT_CERTIFICATE_FIELDS = ("ran", "verdict", "summary", "reason")


def slim(record: dict[str, Any]) -> dict[str, Any]:
    """The part of a verify record that the calibration log keeps."""
    kept = {k: record[k] for k in KEPT_FIELDS if k in record}
    kept["mutants"] = [{k: m.get(k) for k in KEPT_MUTANT_FIELDS} for m in record.get("mutants", [])]
    if isinstance(record.get("certificate"), dict):  # the certificate leg's outcome, without its per-point table
        kept["certificate"] = {k: v for k, v in record["certificate"].items() if k in KEPT_CERTIFICATE_FIELDS}
    return kept


def run_task(path: str, seed: int, profile: str) -> dict[str, Any]:
    """Dask task: load the claim from its file in the worker, run it as ``verify`` would, slim the record."""
    return slim(run_by_path(path, seed, profile))


def run_by_path(path: str, seed: int, profile: str) -> dict[str, Any]:
    """Dask task for ``verify --scheduler``: the full verify record of the claim at ``path``."""
    return run_claim(loaded_claim(path), RunOptions(profile=profile, seed=seed))


def loaded_claim(path: str) -> Claim:
    """The claim at ``path`` (a path relative to the project root), as a worker loads it.

    Claim modules are imported once per process (``sys.modules``), so a worker that runs the
    same claim at many seeds gets the same ``Claim`` back, with the derivation it built first.
    """
    from .discovery import CLAIMS_ROOT, load_claim_file

    return load_claim_file(CLAIMS_ROOT.parent / path)


def lost_record(claim: Claim, seed: int, profile: str, exc: BaseException) -> dict[str, Any]:
    """An ERROR record for a task that never returned (its worker died, or it could not be run)."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    summary = f"task failed on the cluster: {type(exc).__name__}: {message}".rstrip(": ")
    return {**error_record(claim, RunOptions(profile=profile, seed=seed), summary), "lost_worker": True}


def pair_key(record: dict[str, Any]) -> tuple[str, int, str]:
    return (str(record["id"]), int(record["seed"]), str(record["profile"]))


def done_pairs(records: Iterable[dict[str, Any]]) -> set[tuple[str, int, str]]:
    """Pairs that need no re-run: those with a record that is not a lost task."""
    return {pair_key(r) for r in records if not r.get("lost_worker")}


def latest_records(records: Iterable[dict[str, Any]]) -> dict[tuple[str, int, str], dict[str, Any]]:
    """One record per pair: a real result beats a lost-task ERROR; otherwise the last one written."""
    chosen: dict[tuple[str, int, str], dict[str, Any]] = {}
    for record in records:
        key = pair_key(record)
        if key in chosen and record.get("lost_worker") and not chosen[key].get("lost_worker"):
            continue
        chosen[key] = record
    return chosen


@dataclass
class SweepProgress:
    """What the progress display is told after each task."""

    done: int
    total: int
    failures: int
    skipped: int
    started: float
    record: dict[str, Any]


def sweep(
    client: Any,
    claims: Sequence[Claim],
    seeds: Sequence[int],
    profile: str,
    out: Path,
    on_record: Callable[[SweepProgress], None] | None = None,
    task: Callable[[str, int, str], dict[str, Any]] = run_task,
    on_start: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every (claim, seed) pair not yet in ``out/records.jsonl`` on ``client``; return all records there.

    Tasks are submitted seed by seed, a bounded window at a time, so an interrupted
    sweep has whole catalogue runs for its first seeds. ``task`` is replaceable for tests only.
    """
    distributed = require_distributed()
    log_path = Path(out) / RECORDS_NAME
    with RecordLog(log_path) as log:
        done = done_pairs(read_records(log_path))
        todo = [(claim, seed) for seed in seeds for claim in claims if (claim.id, seed, profile) not in done]
        skipped = len(claims) * len(seeds) - len(todo)
        if on_start is not None:
            on_start(len(todo), skipped)
        pending = iter(todo)
        futures: dict[Any, tuple[Claim, int]] = {}

        def submit(count: int) -> list[Any]:
            batch = list(itertools.islice(pending, count))
            if not batch:
                return []
            submitted = client.map(task, [c.path for c, _ in batch], [s for _, s in batch], [profile] * len(batch),
                                   key=[f"calibrate-{c.id}-{s}-{profile}-{uuid.uuid4().hex}" for c, s in batch],
                                   pure=False)
            futures.update(zip(submitted, batch))
            return submitted

        window = max(IN_FLIGHT_MIN, IN_FLIGHT_PER_THREAD * max(1, _threads(client)))
        started = time.monotonic()
        failures = 0
        try:
            completed = distributed.as_completed(submit(window))
            for count, future in enumerate(completed, start=1):
                claim, seed = futures.pop(future)
                try:
                    record = future.result()
                except CancelledError as exc:  # the client lost its scheduler: stop, keep what is on disk
                    raise SuiteError(f"lost the Dask scheduler mid-sweep ({type(exc).__name__}); finished records"
                                     f" are kept in {log_path}, run the command again to resume") from None
                except Exception as exc:  # noqa: BLE001  (a worker died every time it ran this task: record it)
                    record = slim(lost_record(claim, seed, profile, exc))
                future.release()
                log.append(record)
                completed.update(submit(1))
                failures += not record["passed"]
                if on_record is not None:
                    on_record(SweepProgress(count, len(todo), failures, skipped, started, record))
        finally:
            if futures:  # interrupted: finished records are on disk; the rest is dropped
                client.cancel(list(futures))
    return read_records(log_path)


def _threads(client: Any) -> int:
    return sum(int(w.get("nthreads", 1)) for w in client.scheduler_info().get("workers", {}).values())


def run_claims_on_cluster(
    client: Any,
    claims: Sequence[Claim],
    options: RunOptions,
    on_result: Callable[[int, int, dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """``verify`` on a Dask cluster: one task per claim, full records sorted by id (as ``run_claims``)."""
    distributed = require_distributed()
    futures = {client.submit(run_by_path, c.path, options.seed, options.profile, pure=False): c for c in claims}
    records = []
    try:
        for done, future in enumerate(distributed.as_completed(futures), start=1):
            claim = futures.pop(future)
            try:
                record = future.result()
            except CancelledError as exc:
                raise SuiteError(f"lost the Dask scheduler ({type(exc).__name__})") from None
            except Exception as exc:  # noqa: BLE001  (the worker died every time it ran this claim)
                record = lost_record(claim, options.seed, options.profile, exc)
            records.append(record)
            if on_result is not None:
                on_result(done, len(claims), record)
    finally:
        if futures:
            client.cancel(list(futures))
    return sorted(records, key=lambda r: r["id"])
