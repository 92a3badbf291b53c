"""Calibration scaling: the same sweep on a LocalCluster of 1 worker, then of 2; prints the speed-up.

Each cluster is started and warmed up (every worker imports the suite) before
the clock starts, so the ratio measures the sweep, not process start-up. Both
sweeps run the same (claim, seed) pairs into fresh folders. The machine's load
average is printed beside the ratio: on a shared machine the other processes'
load decides how much of the second core the second worker gets.

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


def _warm() -> None:
    import convergence.calibration  # noqa: F401  (SymPy, SciPy and the runner, once per worker)
    import convergence.discovery  # noqa: F401


def timed_sweep(claims, seeds, workers: int) -> float:
    with dask_client(None, workers) as client, tempfile.TemporaryDirectory(prefix="calib-bench-") as out:
        client.wait_for_workers(workers)
        client.run(_warm)
        start = time.perf_counter()
        records = sweep(client, claims, seeds, "quick", Path(out))
        elapsed = time.perf_counter() - start
    assert len(records) == len(claims) * len(seeds)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="claim id globs (default: every claim)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=1000)
    args = parser.parse_args()
    claims = select(discover(), args.patterns)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"sweep: {len(claims)} claims x {len(seeds)} seeds = {len(claims) * len(seeds)} tasks, quick profile;"
          f" {os.cpu_count()} CPUs; load average before {os.getloadavg()[0]:.2f}")
    one = timed_sweep(claims, seeds, 1)
    two = timed_sweep(claims, seeds, 2)
    print(f"1 worker: {one:.1f} s   2 workers: {two:.1f} s   speed-up 2 vs 1: {one / two:.2f}x (target >= 1.8x);"
          f" load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
