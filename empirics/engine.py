"""The trajectory engine: run a batch of optimizers, divergence as data.

The only Python loop is over time. A run whose iterate becomes non-finite or
exceeds ``blowup`` in norm is marked diverged at that step; its last finite
iterate is kept as its final point (no NaN or overflow warning escapes: the
loop runs under ``np.errstate``). Observations are taken on a checkpoint grid
(e.g. log-spaced), so memory grows with the number of checkpoints, not with
T × runs.

Per-step cost is kept close to a hand-written in-place loop
(``benchmarks/engine_overhead.py``):

* optimizers with an in-place ``step`` write into a second buffer, so a step
  allocates nothing and the previous iterate is still at hand when a run turns
  out to have diverged;
* the divergence test is one sum of squares over the whole batch (BLAS dot
  products, ``blown_up``); the per-run norms are computed only in the rare steps
  where that sum is too large. It is a whole pass over the batch, as dear as the
  update's own arithmetic on batches that do not fit in cache, so it runs on a
  cadence (``check_every`` steps), at every checkpoint and at the last step, and at
  every step when an ``every_step`` watcher needs diverged rows zeroed at once.
  ``diverged_at`` is then the first checked step past the blow-up norm (exact with
  ``check_every=1``); an iterate that crosses the norm and falls back below it
  between two checks is not marked (a momentum iterate can oscillate so);
* a diverged run is not frozen by copying the batch at every step: its row of
  x and of the state is zeroed once, where it does no harm (its observations
  read ``inf``) and keeps the batch's sum small.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .optimizers import GradFn, GradInto, Optimizer, State

Observer = Callable[[np.ndarray], np.ndarray]
# Called at t = 0 and after every step with (t, x, state, diverged); x's buffer is reused.
StepWatcher = Callable[[int, np.ndarray, State, np.ndarray], None]

# The one-dot test accepts a batch when Σ x² ≤ (1 − _SUM_MARGIN)·bound. The computed
# sum of N non-negative terms is within N·2⁻⁵³ of the exact one (relative), and so
# is each run's, so the margin makes the test exact below _DOT_TEST_MAX_SIZE entries.
_SUM_MARGIN = 1e-6
_DOT_TEST_MAX_SIZE = 10**8
# The largest squared norm the one-dot test may accept without overflowing.
_LARGEST_SQUARE = 1e300
# Longest BLAS dot product that OpenBLAS computes on one thread.
_DOT_PIECE = 8192


@dataclass(frozen=True)
class Trajectory:
    """Observations at ``checkpoints`` (shape (len(checkpoints), runs, ...)).

    ``diverged[r]`` tells whether run r blew up; ``diverged_at[r]`` the first checked
    step whose iterate was non-finite or beyond the blow-up norm (−1 if never; see
    ``run``'s ``check_every``). Observations of a diverged run from that step on are
    ``inf``; its ``x_final`` row is its iterate at the last check it passed. ``state`` is the
    optimizer's state after the last step (a diverged run's rows zeroed): methods
    that keep their own records there (SVRG's per-epoch gaps) are read from it.
    """

    checkpoints: np.ndarray
    observations: np.ndarray
    x_final: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    state: State = ()


def log_checkpoints(steps: int, count: int = 60) -> np.ndarray:
    """About ``count`` log-spaced distinct integers in [0, steps], including both ends."""
    grid = np.unique(np.round(np.geomspace(1, steps + 1, count)).astype(int) - 1)
    return np.union1d(grid, [0, steps])


def _blown_up(x: np.ndarray, blowup: float) -> np.ndarray:
    """Runs whose iterate is non-finite or beyond ``blowup`` in norm.

    One reduction of squared norms (a NaN fails the comparison; an overflowing square
    is +inf); a threshold whose square overflows needs the plain norm instead.
    """
    flat = x.reshape(x.shape[0], -1)
    if blowup < 1e150:
        return ~(np.einsum("ij,ij->i", flat, flat) <= blowup * blowup)
    return ~np.isfinite(flat).all(axis=1) | (np.linalg.norm(flat, axis=1) > blowup)


def _sum_bound(x: np.ndarray, blowup: float) -> float:
    """Bound on Σ x² under which no run can be blown up (−1: always test per run).

    A NaN or an infinity makes the sum NaN or +inf, which fails the bound too.
    """
    if x.size > _DOT_TEST_MAX_SIZE or not blowup >= 1e-100:
        return -1.0
    return min(blowup * blowup, _LARGEST_SQUARE) * (1.0 - _SUM_MARGIN)


def _sum_of_squares(x: np.ndarray) -> float:
    """Σ x² by BLAS dot products of at most ``_DOT_PIECE`` entries.

    OpenBLAS runs a longer dot product on several threads, which doubles its CPU time
    and, on a loaded machine, costs far more than the sum itself; the pieces are the
    rows of a 2-D view, summed in one call.
    """
    if x.size <= _DOT_PIECE:  # the common small batch: one call, no view
        return np.vdot(x, x)
    flat = x.reshape(-1)
    whole = flat.size // _DOT_PIECE * _DOT_PIECE
    pieces = flat[:whole].reshape(-1, _DOT_PIECE)
    rest = flat[whole:]
    return np.vecdot(pieces, pieces).sum() + np.dot(rest, rest)


def blown_up(x: np.ndarray, blowup: float, bound: float | None = None) -> np.ndarray | None:
    """Runs whose iterate is non-finite or beyond ``blowup`` in norm; None when none can be.

    The per-step divergence test of a time loop: the sum of squares over the whole batch
    clears every run at once in the common case (a NaN or an infinity makes it fail, and so
    does a negative bound); the per-run norms are computed only when it does not. ``bound``
    is ``_sum_bound(x, blowup)``, which a loop may compute once.
    """
    if _sum_of_squares(x) <= (_sum_bound(x, blowup) if bound is None else bound):
        return None
    return _blown_up(x, blowup)


def _retaining(grad: GradFn) -> GradFn:
    """``grad``, keeping its latest result alive until the next one has been computed.

    Why: glibc returns the top of the heap to the system when the large blocks there
    are freed, which a step that frees all its temporaries at its end does, and the
    next step then faults every page of them back in (measured: 5–7× slower steps on
    (1000, 100) batches). A live gradient above them keeps the heap's top in use.
    """
    held = [None]

    def retained(x: np.ndarray) -> np.ndarray:
        held[0] = grad(x)
        return held[0]

    return retained


def _gradient(grad: GradFn) -> GradInto:
    """``grad`` as the in-place steps call it: ``gradient(x, out)`` may return ``out``, filled.

    A problem whose ``grad`` takes ``out=`` (``DiagonalQuadratic``) writes the gradient into
    the step's output buffer, which the step then scales and subtracts in place: no array is
    allocated per step, and a GD step touches two batch-sized buffers instead of three (on
    batches past the cache this is the gap to a hand-written loop). Other problems' gradients
    are returned as they are (``out`` unused).
    """
    try:
        fills = "out" in inspect.signature(grad).parameters
    except (TypeError, ValueError):  # a callable without a signature (a NumPy ufunc, a builtin)
        fills = False
    if fills:
        return lambda x, out=None: grad(x, out=out)
    retained = _retaining(grad)
    return lambda x, out=None: retained(x)


def _no_gradient(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    raise TypeError("this optimizer asked the engine for a gradient, but run() was given grad=None")


def _zero_rows(array: np.ndarray, rows: np.ndarray, runs: int) -> np.ndarray:
    """A copy of a per-run array with ``rows`` zeroed (anything else unchanged).

    A copy, not a write: a pure update may return state it shares with others.
    """
    if not isinstance(array, np.ndarray) or array.ndim == 0 or array.shape[0] != runs:
        return array
    array = array.copy()
    array[rows] = 0
    return array


def _record(observe: Observer, x: np.ndarray, diverged: np.ndarray) -> np.ndarray:
    """One checkpoint's observations, ``inf`` for diverged runs.

    Copied, because the engine reuses x's buffer and an observer may return a view of it.
    """
    obs = np.array(observe(x), dtype=float)
    obs[diverged] = np.inf
    return obs


def run(
    optimizer: Optimizer,
    grad: GradFn | None,
    x0: np.ndarray,
    steps: int,
    observe: Observer | None = None,
    checkpoints: np.ndarray | None = None,
    blowup: float | None = 1e100,
    every_step: StepWatcher | None = None,
    check_every: int = 16,
) -> Trajectory:
    """Run ``steps`` updates from ``x0`` (runs, dim), observing at checkpoints.

    Args:
        optimizer: the optimizer (its in-place ``step`` is used when it has one).
        grad: gradient of the objective, batched; each run's row must depend on that
            run's row of x only (a diverged run's row keeps being updated, from zero).
            None for an optimizer that draws its own gradients (``stochastic.sgd_method``
            from an oracle, ``optimizers.clocked`` from a time-dependent problem).
        x0: starting points, shape (runs, dim).
        steps: number of updates T.
        observe: maps x (runs, dim) to per-run observations (default: x itself).
        checkpoints: steps t in [0, T] at which to observe (default: every step; () for none, when
            an every_step watcher does the observing).
        blowup: norm beyond which a run counts as diverged; None tracks no divergence
            (a non-finite run carries on, nothing is zeroed: for drivers whose state stays
            meaningful when x does not, e.g. Adam's moments at ε = 0).
        every_step: an observer of every step, called as ``every_step(t, x, state, diverged)``
            at t = 0 and after each step, once divergence has been marked (a diverged run's
            row of x and of the state is zero): running averages, ergodic means, first
            crossings. It must copy what it keeps, since x's buffer is reused. If it returns
            True the run ends after step t (everything it watches for has happened); the
            Trajectory then holds the checkpoints up to t only.
        check_every: the divergence test's cadence in steps; it also runs at every
            checkpoint and at step T, and at every step when ``every_step`` is given.
            1 makes ``diverged_at`` exact.

    Returns:
        A Trajectory.
    """
    x = np.array(x0, dtype=float)
    observe = observe or (lambda z: z)
    checkpoints = np.arange(steps + 1) if checkpoints is None else np.asarray(checkpoints, dtype=int)
    wanted = set(int(t) for t in checkpoints)
    runs = x.shape[0]
    diverged = np.zeros(runs, dtype=bool)
    diverged_at = np.full(runs, -1)
    if check_every < 1:
        raise ValueError(f"check_every must be a positive number of steps, got {check_every}")
    if every_step is not None:
        check_every = 1
    last_passed = x.copy()  # each run's iterate at the last check it passed
    bound = _sum_bound(x, blowup) if blowup is not None else 0.0
    grad = _gradient(grad) if grad is not None else _no_gradient
    in_place = optimizer.step is not None
    spare = np.empty_like(x) if in_place else None
    recorded = []
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
        if 0 in wanted:
            recorded.append(_record(observe, x, diverged))
        last = 0 if every_step is not None and every_step(0, x, state, diverged) else steps
        for t in range(1, last + 1):
            if in_place:
                state = optimizer.step(x, spare, state, grad)
                x_next, spare = spare, x
            else:
                x_next, state = optimizer.update(x, state, grad)
            if blowup is not None and (t % check_every == 0 or t in wanted or t == steps):
                bad = blown_up(x_next, blowup, bound)
                if bad is not None and bad.any():
                    # checked every step, the previous iterate is the last that passed
                    passed = x if check_every == 1 else last_passed
                    state = _mark_diverged(t, bad, x_next, state, diverged, diverged_at, last_passed, passed)
                if check_every > 1 and diverged.any():
                    np.copyto(last_passed, x_next, where=~diverged.reshape((-1,) + (1,) * (x.ndim - 1)))
                elif check_every > 1:
                    np.copyto(last_passed, x_next)
            x = x_next
            if t in wanted:
                recorded.append(_record(observe, x, diverged))
            if every_step is not None and every_step(t, x, state, diverged):
                last = t
                break
    x[diverged] = last_passed[diverged]
    observations = np.stack(recorded) if recorded else np.empty((0, runs))
    if last < steps:  # ended early by every_step
        checkpoints = checkpoints[checkpoints <= last]
    return Trajectory(checkpoints, observations, x, diverged, diverged_at, state)


def _mark_diverged(
    t: int,
    bad: np.ndarray,
    x_next: np.ndarray,
    state: State,
    diverged: np.ndarray,
    diverged_at: np.ndarray,
    last_passed: np.ndarray,
    passed: np.ndarray,
) -> State:
    """Record the runs that blew up at step t and zero their rows of x_next and the state.

    Runs that diverged earlier and blew up again (from zero) are only zeroed again.
    Updates ``diverged``, ``diverged_at`` and x_next in place; ``last_passed`` keeps
    the new runs' rows of ``passed``, their iterate at the last check they passed.
    Returns the state.
    """
    new = bad & ~diverged
    diverged_at[new] = t
    last_passed[new] = passed[new]
    diverged |= new
    x_next[bad] = 0.0
    return tuple(_zero_rows(s, bad, x_next.shape[0]) for s in state)
