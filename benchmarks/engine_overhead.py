"""Engine per-step overhead: the engine against a hand-written in-place NumPy loop, same run.

Each row runs the same optimizer on the same (runs, dim) batch of a diagonal quadratic for
T steps, once through ``empirics.engine.run`` (pure update, divergence tracking, checkpoints)
and once as a hand-written loop that updates x (and the momentum buffer) in place and
tracks nothing. The ratio engine / hand-written is the price of the engine's generality.

    python benchmarks/engine_overhead.py [--runs 1000] [--dim 100] [--steps 1000]
"""

import argparse
import time

import numpy as np

from empirics.engine import log_checkpoints, run
from empirics.optimizers import gradient_descent, heavy_ball
from empirics.problems import DiagonalQuadratic

GOAL_RATIO = 1.3  # the project's goal for the engine's overhead over a hand-written loop


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(repeats, first, second):
    """The best time of each of two functions, run alternately so both meet the same load."""
    times = [(seconds(first), seconds(second)) for _ in range(repeats)]
    return min(a for a, _ in times), min(b for _, b in times)


def hand_written_gd(curv, eta, x0, steps):
    x, g = x0.copy(), np.empty_like(x0)
    for _ in range(steps):
        np.multiply(curv, x, out=g)
        g *= eta
        x -= g
    return x


def hand_written_heavy_ball(curv, eta, beta, x0, steps):
    x, v, g = x0.copy(), np.zeros_like(x0), np.empty_like(x0)
    for _ in range(steps):
        np.multiply(curv, x, out=g)
        v *= beta
        v += g
        np.multiply(eta, v, out=g)
        x -= g
    return x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    curv = np.geomspace(1e-2, 1.0, args.dim)
    x0 = rng.standard_normal((args.runs, args.dim))
    eta = rng.uniform(0.1, 1.9, (args.runs, 1))
    beta = 0.5
    problem = DiagonalQuadratic(curv)
    checkpoints = log_checkpoints(args.steps, 40)
    observe = problem.value

    rows = {
        "GD": (lambda: run(gradient_descent(eta), problem.grad, x0, args.steps, observe, checkpoints),
               lambda: hand_written_gd(curv, eta, x0, args.steps)),
        "heavy ball": (lambda: run(heavy_ball(eta * 0.5, beta), problem.grad, x0, args.steps, observe, checkpoints),
                       lambda: hand_written_heavy_ball(curv, eta * 0.5, beta, x0, args.steps)),
    }
    print(f"runs={args.runs} dim={args.dim} steps={args.steps} (best of {args.repeats})")
    for name, (engine, baseline) in rows.items():
        t_engine, t_base = best_of(args.repeats, engine, baseline)
        ratio = t_engine / t_base
        verdict = "met" if ratio <= GOAL_RATIO else "missed"
        print(f"{name:11s} hand-written in place {t_base:.3f} s   engine {t_engine:.3f} s   "
              f"engine / hand-written = {ratio:.2f}x   goal ≤ {GOAL_RATIO}x: {verdict}")


if __name__ == "__main__":
    main()
