"""Adaptive methods (Adam, AMSGrad) as pure (init, update) pairs, and their test beds.

Same contract as ``empirics/optimizers.py``: ``init(x0) -> state`` and
``update(x, state, grad) -> (x_next, state_next)`` on arrays (runs, dim);
hyper-parameters are scalars or (runs, 1) arrays, so a grid runs as one batch.
The state is a tuple of arrays of the shape of ``x`` (the step counter is
stored per coordinate too), so the engine can freeze diverged runs with one
``np.where``.

Conventions (documented once here, tested in tests/test_adaptive.py):

* Adam (Kingma & Ba 2015; seed 004), per coordinate, t = 1, 2, …:
      m_t = β₁ m_{t−1} + (1 − β₁) g_t,       v_t = β₂ v_{t−1} + (1 − β₂) g_t²,
      m̂_t = m_t / (1 − β₁^t),               v̂_t = v_t / (1 − β₂^t),
      x_t = x_{t−1} − η_t m̂_t / (√v̂_t + ε).
  ε is added to √v̂_t, exactly as in seed 004 (not inside the root).
  ``bias_correction=False`` uses m_t and v_t in place of m̂_t and v̂_t
  (the form analysed by Reddi, Kale & Kumar 2018).
* AMSGrad (Reddi, Kale & Kumar 2018, Algorithm 2): the same moments, but the
  denominator uses the running maximum v^max_t = max(v^max_{t−1}, v_t) of the
  raw second moment; with ``bias_correction=True`` the maximum is divided by
  1 − β₂^t afterwards (PyTorch's ``amsgrad=True``).
* η_t = η · schedule(t) (default schedule ≡ 1); Reddi et al. use η/√t.

Test beds: ``drive`` (a prescribed or time-dependent gradient, optionally projected)
and ``online_regret`` (the online counterexample) run an optimizer wrapped by
``clocked`` through the engine (``empirics.engine.run``), which owns the time loop;
they observe every step through the engine's ``every_step`` hook.

Nothing here knows about the theory: the claims compare these iterates with
the SymPy derivations in ``theory/adam.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import run
from .optimizers import Optimizer, clocked

Schedule = Callable[[np.ndarray], np.ndarray]


def inverse_sqrt(t: np.ndarray) -> np.ndarray:
    """The schedule η_t = η/√t of Reddi, Kale & Kumar (2018), Theorem 1."""
    return 1.0 / np.sqrt(t)


def adam(eta: Any, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, *,
         bias_correction: bool = True, amsgrad: bool = False, schedule: Schedule | None = None) -> Optimizer:
    """Adam or AMSGrad, per coordinate, with or without bias correction.

    Math:
        m_t = β₁ m_{t−1} + (1 − β₁) g_t;  v_t = β₂ v_{t−1} + (1 − β₂) g_t²;
        u_t = max(u_{t−1}, v_t) (AMSGrad) or v_t (Adam);
        x_t = x_{t−1} − η_t · [m_t/(1 − β₁^t)] / (√(u_t/(1 − β₂^t)) + ε)   (bias-corrected)
        x_t = x_{t−1} − η_t · m_t / (√u_t + ε)                               (uncorrected)

    Args:
        eta: base step size η, scalar or (runs, 1).
        beta1, beta2: moment decay rates, scalars or (runs, 1).
        eps: ε added to the square root (seed 004's placement).
        bias_correction: divide the moments by 1 − β^t (Kingma & Ba) or not.
        amsgrad: use the running maximum of v (Reddi et al.'s AMSGrad).
        schedule: t ↦ multiplier of η (t counts updates from 1).

    Returns:
        An Optimizer whose state is (m, v, u, t), each of the shape of x.

    References:
        Kingma & Ba (2015), Adam: a method for stochastic optimization, Algorithm 1.
        Reddi, Kale & Kumar (2018), On the convergence of Adam and beyond, Algorithm 2.
    """
    name = ("amsgrad" if amsgrad else "adam") + ("" if bias_correction else "-uncorrected")

    def init(x0):
        zeros = np.zeros_like(np.asarray(x0, dtype=float))
        return (zeros, zeros.copy(), zeros.copy(), zeros.copy())

    def update(x, state, grad):
        m, v, u, count = state
        g = grad(x)
        count = count + 1.0
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        u = np.maximum(u, v) if amsgrad else v
        m_hat, u_hat = corrected_moments((m, v, u, count), beta1, beta2, bias_correction)
        step_size = eta if schedule is None else eta * schedule(count)
        return x - step_size * m_hat / (np.sqrt(u_hat) + eps), (m, v, u, count)

    return Optimizer(name, init, update)


def corrected_moments(state: tuple[np.ndarray, ...], beta1: Any, beta2: Any,
                      bias_correction: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(m̂_t, v̂_t) of an Adam/AMSGrad state: the quantities the step divides.

    For AMSGrad the second entry is the (corrected) running maximum. With
    ``bias_correction=False`` the raw (m_t, v_t) are returned.
    """
    m, _, u, count = state
    if not bias_correction:
        return m, u
    return m / (1.0 - beta1 ** count), u / (1.0 - beta2 ** count)


# -- driving an optimizer with prescribed or online gradients ---------------------------------------

@dataclass(frozen=True)
class Drive:
    """Observations of a driven optimizer at ``checkpoints`` (shape (len(checkpoints), runs, ...)).

    ``finite[r]`` is False when run r produced a non-finite iterate at some step
    (recorded, never raised: divergence is data).
    """

    checkpoints: np.ndarray
    observations: np.ndarray
    x_final: np.ndarray
    finite: np.ndarray


def drive(
    optimizer: Optimizer,
    gradient_at: Callable[[int, np.ndarray], np.ndarray],
    x0: np.ndarray,
    steps: int,
    checkpoints: np.ndarray,
    observe: Callable[[np.ndarray, tuple, int], np.ndarray] | None = None,
    project: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Drive:
    """Run ``steps`` updates where the gradient at step t is ``gradient_at(t, x)``, by the engine.

    For gradients that depend on time (online problems, prescribed gradient
    histories): ``clocked`` gives the optimizer the step's gradient and the
    projection, and the engine (``empirics.engine.run``) owns the loop.
    ``observe(x, state, t)`` returns per-run observations (default: x). A run whose
    iterate turns non-finite (0/0 with ε = 0, say) carries on, its state intact, and is
    flagged in ``finite`` (divergence is data, never raised; no blow-up norm here).

    Args:
        optimizer: the pure optimizer.
        gradient_at: (t, x) -> gradient of shape x.shape, t = 1, 2, …
        x0: starting points (runs, dim).
        steps: number of updates T.
        checkpoints: steps in [0, T] at which to observe (0 = before the first update).
        observe: what to record.
        project: projection onto the feasible set, or None.

    Returns:
        A Drive.
    """
    observe = observe or (lambda z, s, t: z.copy())
    wanted = set(int(c) for c in np.asarray(checkpoints))
    recorded = []

    finite = np.ones(np.shape(x0)[0], dtype=bool)

    def record(t, x, state, diverged):
        finite[:] &= np.isfinite(x).all(axis=1)
        if t in wanted:
            recorded.append(np.asarray(observe(x, state[:-1], t), dtype=float))

    # No divergence tracking (blowup=None): with ε = 0 an iterate may be 0/0 while the moments,
    # which impulse responses and the max-step claim read, stay meaningful; zeroing would lose them.
    trajectory = run(clocked(optimizer, gradient_at, project), None, x0, steps,
                     checkpoints=(), blowup=None, every_step=record)
    return Drive(np.asarray(sorted(wanted)), np.stack(recorded), trajectory.x_final, finite)


def prescribed(history: np.ndarray) -> Callable[[int, np.ndarray], np.ndarray]:
    """Gradient oracle replaying ``history`` of shape (T, runs, dim): g_t = history[t − 1]."""
    history = np.asarray(history, dtype=float)

    def gradient_at(t: int, x: np.ndarray) -> np.ndarray:
        return history[t - 1]

    return gradient_at


def impulse_responses(beta1: Any, beta2: Any, targets: np.ndarray, bias_correction: bool = True
                      ) -> tuple[np.ndarray, np.ndarray]:
    """How Adam's moments at each target step respond to a unit gradient at every earlier step.

    Runs the actual optimizer on unit-impulse histories, all at once: for each
    of the P pairs (β₁, β₂) and each step j ≤ T_max = max(targets), one run sees
    g = 1 at step j and 0 elsewhere; the corrected moments are read at the
    target steps. Because m_t is linear in (g_1, …, g_t) and v_t linear in
    (g_1², …, g_t²), these responses give both moments for any history:
    m̂_t = Σ_j W[p, i, j − 1] g_j and v̂_t = Σ_j U[p, i, j − 1] g_j² at t = targets[i].

    Args:
        beta1, beta2: decay rates, scalars or arrays of shape (P,).
        targets: steps t ≥ 1 at which the moments are read.
        bias_correction: read (m̂, v̂) or the raw (m, v).

    Returns:
        (W, U), each of shape (P, len(targets), T_max); entries with j > t are 0.
    """
    targets = np.asarray(targets, dtype=int)
    beta1, beta2 = np.broadcast_arrays(np.atleast_1d(np.asarray(beta1, dtype=float)),
                                       np.atleast_1d(np.asarray(beta2, dtype=float)))
    pairs, horizon = beta1.size, int(targets.max())
    impulse_step = np.tile(np.arange(1, horizon + 1), pairs)[:, None]  # run (p, j): impulse at step j
    b1 = np.repeat(beta1, horizon)[:, None]
    b2 = np.repeat(beta2, horizon)[:, None]

    def gradient_at(t, x):
        return (impulse_step == t).astype(float)

    def observe(x, state, t):
        m_hat, v_hat = corrected_moments(state, b1, b2, bias_correction)
        return np.stack([m_hat[:, 0], v_hat[:, 0]])

    record = drive(adam(0.0, b1, b2, 0.0, bias_correction=bias_correction), gradient_at,
                   np.zeros((pairs * horizon, 1)), horizon, targets, observe=observe)
    obs = record.observations[np.searchsorted(record.checkpoints, targets)]  # (targets, 2, runs)
    obs = obs.reshape(len(targets), 2, pairs, horizon).transpose(1, 2, 0, 3)
    return obs[0], obs[1]


# -- the online counterexample of Reddi, Kale & Kumar (2018) -------------------------------------

@dataclass(frozen=True)
class PeriodicLinearOnline:
    """Reddi, Kale & Kumar (2018), §3: f_t(x) = C x if t mod 3 = 1, else −x, on F = [−1, 1].

    The gradient is C once every ``period`` steps and −1 otherwise; the average
    loss over a period is ((C − (period − 1))/period)·x, so for C > period − 1
    the best fixed point is x* = −1 and the worst is +1. ``C`` may be an array
    (runs, 1), one instance per run.
    """

    C: Any
    period: int = 3
    lower: float = -1.0
    upper: float = 1.0

    def is_large_step(self, t: int) -> bool:
        return t % self.period == 1 % self.period

    def grad(self, t: int, x: np.ndarray) -> np.ndarray:
        value = self.C if self.is_large_step(t) else -1.0
        return np.broadcast_to(np.asarray(value, dtype=float), x.shape).copy()

    def loss(self, t: int, x: np.ndarray) -> np.ndarray:
        """f_t(x) per run (x of shape (runs, 1))."""
        slope = self.C if self.is_large_step(t) else -1.0
        return (np.asarray(slope, dtype=float) * x)[:, 0]

    def project(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.lower, self.upper)


def online_regret(optimizer: Optimizer, problem: PeriodicLinearOnline, x0: np.ndarray, steps: int,
                  checkpoints: np.ndarray, comparator: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected online run: iterates and cumulative regret against a fixed comparator.

    Returns:
        (x at checkpoints (len, runs), cumulative regret Σ_{s ≤ t} f_s(x_s) − f_s(comparator)
        at checkpoints (len, runs), finite flags (runs,)).
    The loss f_t is charged at the iterate x_t that produced g_t (x_1 = x0).
    """
    runs = x0.shape[0]
    regret = np.zeros(runs)
    recorded_x, recorded_r = [], []
    wanted = set(int(c) for c in checkpoints)
    finite = np.ones(runs, dtype=bool)
    ref = np.full((runs, x0.shape[1]), comparator, dtype=float)

    def account(t, x, state, diverged):
        nonlocal regret
        if t >= 1:
            finite[:] &= np.isfinite(x).all(axis=1)
            if t in wanted:
                recorded_x.append(x[:, 0].copy())
                recorded_r.append(regret.copy())
        if t < steps:  # update t + 1's gradient is f_(t+1)'s at x_t: charge its loss there
            regret = regret + problem.loss(t + 1, x) - problem.loss(t + 1, ref)

    run(clocked(optimizer, problem.grad, problem.project), None, x0, steps,
        checkpoints=(), blowup=None, every_step=account)
    return np.stack(recorded_x), np.stack(recorded_r), finite
