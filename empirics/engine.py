"""The trajectory engine: run a batch of optimizers, divergence as data.

The only Python loop is over time. Runs whose iterate becomes non-finite or
exceeds ``blowup`` in norm are marked diverged and frozen (no NaN or overflow
warning escapes: the loop runs under ``np.errstate``). Observations are taken
on a checkpoint grid (e.g. log-spaced), so memory grows with the number of
checkpoints, not with T × runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .optimizers import GradFn, Optimizer

Observer = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Trajectory:
    """Observations at ``checkpoints`` (shape (len(checkpoints), runs, ...)).

    ``diverged[r]`` tells whether run r blew up; ``diverged_at[r]`` the step at
    which it was detected (−1 if never). Observations of a diverged run after
    its divergence are ``inf``.
    """

    checkpoints: np.ndarray
    observations: np.ndarray
    x_final: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray


def log_checkpoints(steps: int, count: int = 60) -> np.ndarray:
    """About ``count`` log-spaced distinct integers in [0, steps], including both ends."""
    grid = np.unique(np.round(np.geomspace(1, steps + 1, count)).astype(int) - 1)
    return np.union1d(grid, [0, steps])


def _blown_up(x: np.ndarray, blowup: float) -> np.ndarray:
    """Runs whose iterate is non-finite or beyond ``blowup`` in norm.

    One reduction of squared norms per step (a NaN fails the comparison; an overflowing square
    is +inf); a threshold whose square overflows needs the plain norm instead.
    """
    flat = x.reshape(x.shape[0], -1)
    if blowup < 1e150:
        return ~(np.einsum("ij,ij->i", flat, flat) <= blowup * blowup)
    return ~np.isfinite(flat).all(axis=1) | (np.linalg.norm(flat, axis=1) > blowup)


def run(
    optimizer: Optimizer,
    grad: GradFn,
    x0: np.ndarray,
    steps: int,
    observe: Observer | None = None,
    checkpoints: np.ndarray | None = None,
    blowup: float = 1e100,
) -> Trajectory:
    """Run ``steps`` updates from ``x0`` (runs, dim), observing at checkpoints.

    Args:
        optimizer: the pure optimizer.
        grad: gradient of the objective, batched.
        x0: starting points, shape (runs, dim).
        steps: number of updates T.
        observe: maps x (runs, dim) to per-run observations (default: x itself).
        checkpoints: steps t in [0, T] at which to observe (default: every step).
        blowup: norm beyond which a run counts as diverged.

    Returns:
        A Trajectory.
    """
    x = np.array(x0, dtype=float)
    observe = observe or (lambda z: z.copy())
    checkpoints = np.arange(steps + 1) if checkpoints is None else np.asarray(checkpoints, dtype=int)
    wanted = set(int(t) for t in checkpoints)
    runs = x.shape[0]
    diverged = np.zeros(runs, dtype=bool)
    diverged_at = np.full(runs, -1)
    recorded = []
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
        if 0 in wanted:
            recorded.append(observe(x))
        for t in range(1, steps + 1):
            x_next, state_next = optimizer.update(x, state, grad)
            bad = _blown_up(x_next, blowup)
            if bad.any():
                diverged_at[bad & ~diverged] = t
                diverged |= bad
            if diverged.any():
                # Freeze diverged runs at their last finite state; the healthy runs move on.
                keep = ~diverged[:, None]
                x = np.where(keep, x_next, x)
                state = tuple(np.where(keep, s_next, s) for s_next, s in zip(state_next, state))
            else:  # the common case: no copy of x or the state
                x, state = x_next, state_next
            if t in wanted:
                obs = np.asarray(observe(x), dtype=float)
                mask = diverged.reshape((runs,) + (1,) * (obs.ndim - 1))
                recorded.append(np.where(mask, np.inf, obs))
    return Trajectory(checkpoints, np.stack(recorded), x, diverged, diverged_at)
