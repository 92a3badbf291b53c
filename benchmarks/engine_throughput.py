"""Engine throughput: the batched engine against a per-run Python loop, same run.

Prints ratios against a baseline measured in the same process (never absolute
targets): the vectorised engine running R runs as one (R, d) batch, versus R
separate single-run calls to the same engine (what a loop over seeds would do).

    python benchmarks/engine_throughput.py [--runs 512] [--steps 500] [--dim 20]
"""

import argparse
import time
import tracemalloc

import numpy as np

from empirics.engine import log_checkpoints, run
from empirics.optimizers import heavy_ball
from empirics.problems import DiagonalQuadratic


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=512)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--dim", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    curv = np.geomspace(1e-2, 1.0, args.dim)
    x0 = rng.standard_normal((args.runs, args.dim))
    eta = rng.uniform(0.1, 1.9, (args.runs, 1))
    problem = DiagonalQuadratic(curv)
    checkpoints = log_checkpoints(args.steps, 40)

    def batched():
        run(heavy_ball(eta, 0.9), problem.grad, x0, args.steps, checkpoints=checkpoints)

    def looped():
        for r in range(args.runs):
            run(heavy_ball(eta[r:r + 1], 0.9), problem.grad, x0[r:r + 1], args.steps, checkpoints=checkpoints)

    t_batch, t_loop = timed(batched), timed(looped)
    tracemalloc.start()
    batched()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"runs={args.runs} steps={args.steps} dim={args.dim}")
    print(f"per-run loop (baseline): {t_loop:.3f} s")
    print(f"batched engine:          {t_batch:.3f} s   speed-up x{t_loop / t_batch:.1f}")
    print(f"batched peak traced memory: {peak / 2**20:.1f} MiB "
          f"(trajectory storage {len(checkpoints)} checkpoints x {args.runs} x {args.dim} floats)")


if __name__ == "__main__":
    main()
