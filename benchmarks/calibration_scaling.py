"""Calibration scaling: the same sweep on a LocalCluster of 1 worker, then of 2; prints the speed-up.

Each cluster is started and warmed up before the clock starts: every worker
imports the suite and runs every selected claim once, at a seed outside the
timed ones. That pays what a worker pays only once (building the derivations,
about 20 CPU-seconds of SymPy for the whole catalogue; importing the certificate
solver; compiling each claim's theory) and what a long sweep amortises; with only
a few timed seeds it would otherwise dominate, twice over with two workers. The
ratio therefore measures the steady state of a sweep, not process start-up; the
warm-up time is printed too. Both sweeps run the same (claim, seed) pairs into
fresh folders.

On a shared machine the other processes' load decides how much of the second core
the second worker gets, so the load average is printed, and the CPU time the
workers themselves used: equal CPU in both sweeps with a poor wall-clock ratio
means contention from outside, not overhead of the sweep.

    python benchmarks/calibration_scaling.py [PATTERN...] [--seeds 2] [--first-seed 1000]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from convergence.calibration import sweep
from convergence.cluster import dask_client
from convergence.discovery import discover, select

WARM_UP_SEED = 1  # not among the timed seeds (--first-seed defaults to 1000)


def _warm(paths: list[str]) -> None:
    """Run each claim once in this worker: its derivation and first-use imports stay for the worker's lifetime."""
    from convergence.calibration import run_task

    for path in paths:
        run_task(path, WARM_UP_SEED, "quick")


def _cpu() -> float:
    return time.process_time()


def timed_sweep(claims, seeds, workers: int) -> tuple[float, float, float]:
    """(warm-up wall s, sweep wall s, worker CPU s during the sweep)."""
    with dask_client(None, workers) as client, tempfile.TemporaryDirectory(prefix="calib-bench-") as out:
        client.wait_for_workers(workers)
        start = time.perf_counter()
        client.run(_warm, [c.path for c in claims])
        warm = time.perf_counter() - start
        cpu_before = client.run(_cpu)
        start = time.perf_counter()
        records = sweep(client, claims, seeds, "quick", Path(out))
        elapsed = time.perf_counter() - start
        cpu_after = client.run(_cpu)
    assert len(records) == len(claims) * len(seeds)
    return warm, elapsed, sum(cpu_after[w] - cpu_before[w] for w in cpu_after)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="claim id globs (default: every claim)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=1000)
    args = parser.parse_args()
    claims = select(discover(), args.patterns)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    if WARM_UP_SEED in seeds:
        parser.error(f"the timed seeds must not include the warm-up seed {WARM_UP_SEED}")
    print(f"sweep: {len(claims)} claims x {len(seeds)} seeds = {len(claims) * len(seeds)} tasks, quick profile;"
          f" {os.cpu_count()} CPUs; load average before {os.getloadavg()[0]:.2f}")
    results = {}
    for workers in (1, 2):
        warm, elapsed, cpu = timed_sweep(claims, seeds, workers)
        results[workers] = elapsed
        print(f"{workers} worker(s): warm-up {warm:.1f} s, sweep {elapsed:.1f} s, worker CPU {cpu:.1f} s;"
              f" load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"speed-up 2 workers vs 1: {results[1] / results[2]:.2f}x (target >= 1.8x)")


if __name__ == "__main__":
    main()
