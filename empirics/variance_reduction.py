"""Variance-reduced stochastic gradients: SVRG and SAGA, batched over runs, with cost accounting.

Every method here runs R independent runs at once on one finite sum
f(x) = (1/n) Σ_i f_i(x) (empirics/problems/finite_sums.py): iterates are (R, d) arrays,
hyper-parameters are scalars or (R,) arrays, and the only Python loop is over
time. Cost is counted in **component-gradient evaluations**: a
full gradient costs n, a sampled component gradient costs 1.

* SVRG (Johnson & Zhang 2013): an epoch starts at the snapshot x̃ with the full
  gradient ∇f(x̃) (cost n) and takes m inner steps
  x ← x − η(∇f_i(x) − ∇f_i(x̃) + ∇f(x̃)) (cost 2 each). The next snapshot is the
  last inner iterate (option I) or x_τ for τ uniform in {0, …, m−1} (option II,
  the variant their Theorem 1 covers). Runs may have different m: each run
  keeps its own inner counter.
* SAGA (Defazio, Bach & Lacoste-Julien 2014): a table of the last gradient seen
  for each component, φ_i, initialised at x₀ (cost n); each step draws j and
  moves x ← x − γ(∇f_j(x) − φ_j + mean_i φ_i) (cost 1), then stores φ_j.
  The table is one (R, n, d) array updated in place by fancy indexing, and the
  mean is updated incrementally (never recomputed from the table, never copied).
* Plain SGD with a step schedule and full-batch GD, on the same cost axis.

SVRG and SAGA are optimizers (``svrg_method``, ``saga_method``: init and update
over per-run state) run by the engine (``empirics.engine.run``), which owns the
time loop, checkpoints and divergence; ``svrg`` and ``saga`` wrap them with the
cost accounting. Plain SGD is ``stochastic.sgd_method`` with a one-sample
finite-sum oracle, and GD is ``optimizers.gradient_descent``, both run by the engine.
SVRG records each epoch's snapshot gap in its state (``SVRGState``), since its
epochs end at different steps in different runs.

Suboptimality f(x) − f* is computed without cancellation for ridge problems
(½ eᵀHe with e = x − x*), so it can be followed down to ~1e-30.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from . import optimizers
from .engine import run
from .problems import Logistic, Ridge
from .stochastic import FiniteSumOracle, Sampler, sgd_method

# --------------------------------------------------------------------------- problems

def null_direction_ridge(rng: np.random.Generator, n: int, d: int, kappa: float, reg: float = 1.0,
                         noise: float = 1.0) -> Ridge:
    """Ridge finite sum with exactly known component constants: L_max/μ = ``kappa``.

    Every row a_i has squared norm s = (κ − 1)·reg and lies in the first d − 1
    coordinates, so f_i(x) = ½(a_iᵀx − y_i)² + (reg/2)‖x‖² is reg-strongly
    convex and (s + reg)-smooth, and the average f has its smallest Hessian
    eigenvalue exactly reg (the last coordinate is touched by the regulariser
    only). Hence μ = reg for every f_i and for f, L_max = κ·reg, with no slack:
    the constants the SVRG and SAGA theorems use are the true ones.
    """
    if kappa <= 1:
        raise ValueError("kappa must exceed 1")
    directions = rng.standard_normal((n, d - 1))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    features = np.zeros((n, d))
    features[:, : d - 1] = np.sqrt((kappa - 1.0) * reg) * directions
    truth = rng.standard_normal(d)
    targets = features @ truth + noise * rng.standard_normal(n)
    return Ridge(features, targets, reg)


def null_direction_logistic(rng: np.random.Generator, n: int, d: int, kappa: float, reg: float = 1.0) -> Logistic:
    """L2 logistic regression with rows of equal norm in d − 1 coordinates.

    ‖a_i‖² = 4(κ − 1)·reg, so each f_i is L_max = κ·reg smooth (the logistic
    loss has curvature ≤ ¼) and reg-strongly convex; the last coordinate
    carries only the regulariser, so f's strong convexity is exactly reg.
    """
    directions = rng.standard_normal((n, d - 1))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    features = np.zeros((n, d))
    features[:, : d - 1] = np.sqrt(4.0 * (kappa - 1.0) * reg) * directions
    truth = rng.standard_normal(d) / np.sqrt(d)
    labels = np.where(features @ truth + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)
    return Logistic(features, labels, reg)


def suboptimality(problem, x: np.ndarray) -> np.ndarray:
    """f(x) − f* per run; exact quadratic form for ridge (no cancellation), difference otherwise."""
    e = x - problem.x_star
    if isinstance(problem, Ridge):
        return 0.5 * np.einsum("rd,de,re->r", e, problem.hessian, e)
    return problem.value(x) - problem.f_star


def component_grad(problem, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """∇f_{idx[r]}(x[r]) per run, (R, d): one row gather and a rank-one update (no einsum overhead).

    Equals ``problem.sample_grad(x, idx)`` for one sample per run (tested); the
    inner loops of SVRG/SAGA/SGD call it once per step, so it is kept minimal.
    """
    rows = problem.features[idx]
    inner = np.sum(rows * x, axis=1)
    if isinstance(problem, Ridge):
        weight = inner - problem.targets[idx]
    elif isinstance(problem, Logistic):
        labels = problem.labels[idx]
        weight = -labels * expit(-inner * labels)
    elif hasattr(problem, "component_grad"):
        return problem.component_grad(x, idx)
    else:
        return problem.sample_grad(x, idx)
    return weight[:, None] * rows + problem.reg * x


# --------------------------------------------------------------------------- SVRG

@dataclass(frozen=True)
class SVRGResult:
    """Per run and epoch s = 0..S: suboptimality at the snapshot and evaluations spent so far."""

    gaps: np.ndarray  # (R, S + 1): f(x̃_s) − f*
    evaluations: np.ndarray  # (R, S + 1)
    x_final: np.ndarray


class SVRGState(NamedTuple):
    """SVRG's state, every array with one row per run (the engine zeroes a diverged run's rows)."""

    snapshot: np.ndarray  # x̃, (R, d)
    full: np.ndarray  # ∇f(x̃), (R, d)
    chosen: np.ndarray  # option II's candidate x_τ, (R, d)
    inner: np.ndarray  # inner step within the epoch, (R,); −1 once a run has finished
    tau: np.ndarray  # option II's τ for this epoch, (R,)
    epoch: np.ndarray  # epochs completed, (R,)
    spent: np.ndarray  # component-gradient evaluations spent, (R,)
    gaps: np.ndarray  # f(x̃_s) − f* at each completed epoch s, (R, S + 1)
    evaluations: np.ndarray  # evaluations spent when x̃_s was taken, (R, S + 1)


def svrg_method(problem, eta, m, epochs: int, rng: np.random.Generator, option="II",
                gap: Callable | None = None) -> optimizers.Optimizer:
    """SVRG as an optimizer for the engine: one engine step is one inner step of every run.

    A run whose epochs are done keeps a zero step until the longest run has finished;
    the snapshot's suboptimality and the evaluations spent are recorded in the state at
    every epoch's end (``SVRGState.gaps``, ``.evaluations``). Arguments as ``svrg``.
    """
    gap = gap or (lambda x: suboptimality(problem, x))
    n = problem.n

    def init(x0):
        runs = x0.shape[0]
        gaps = np.empty((runs, epochs + 1))
        evals = np.empty((runs, epochs + 1))
        gaps[:, 0] = gap(x0)
        evals[:, 0] = 0.0
        full = problem.grad(x0)
        spent = np.full(runs, float(n))  # the first snapshot's full gradient
        tau = rng.integers(0, _per_run(m, runs, int))
        return SVRGState(x0.copy(), full, x0.copy(), np.zeros(runs, dtype=int), tau, np.zeros(runs, dtype=int),
                         spent, gaps, evals)

    def update(x, state, grad):
        snapshot, full, chosen, inner, tau, epoch, spent, gaps, evals = SVRGState(*state)
        runs = x.shape[0]
        steps_per_epoch = _per_run(m, runs, int)
        active = inner >= 0
        hit = inner == tau
        if hit.any():
            chosen[hit] = x[hit]
        idx = rng.integers(0, n, runs)
        g = component_grad(problem, np.concatenate([x, snapshot]), np.concatenate([idx, idx]))
        step = _per_run(eta, runs, float)[:, None] * active[:, None]  # finished runs take a zero step
        x = x - step * (g[:runs] - g[runs:] + full)
        inner = inner + active
        done = active & (inner == steps_per_epoch)
        if done.any():
            spent[done] += 2 * steps_per_epoch[done] + n
            option_two = _per_run(option == "II" if isinstance(option, str) else option, runs, bool)
            new_snapshot = np.where(option_two[:, None], chosen, x)
            snapshot[done] = new_snapshot[done]
            x[done] = snapshot[done]
            full[done] = problem.grad(snapshot[done])
            epoch[done] += 1
            inner[done] = 0
            tau[done] = rng.integers(0, steps_per_epoch[done])
            rows = np.flatnonzero(done)
            gaps[rows, epoch[rows]] = gap(snapshot[rows])
            evals[rows, epoch[rows]] = spent[rows] - n  # the next epoch's full gradient is not spent yet
            inner[epoch >= epochs] = -1  # finished: never hits tau or m again
        return x, SVRGState(snapshot, full, chosen, inner, tau, epoch, spent, gaps, evals)

    return optimizers.Optimizer("svrg", init, update)


def svrg(problem, x0: np.ndarray, eta, m, epochs: int, rng: np.random.Generator, option="II",
         gap: Callable | None = None) -> SVRGResult:
    """SVRG with per-run step ``eta`` and inner length ``m`` (both (R,) or scalars), run by the engine.

    Math (Johnson & Zhang 2013, Fig. 1):
        x₀ = x̃,  x_{t+1} = x_t − η(∇f_{i_t}(x_t) − ∇f_{i_t}(x̃) + ∇f(x̃)),  t < m
        option I:  x̃ ← x_m;   option II: x̃ ← x_τ, τ ~ U{0, …, m−1}.

    Args:
        problem: a finite sum with ``grad``, ``features`` and ``n`` (see ``component_grad``).
        x0: starting snapshot, (R, d).
        eta, m: step size and inner length per run.
        epochs: number of snapshot updates S per run (runs with shorter epochs wait).
        rng: random generator for the samples and τ.
        option: "I", "II", or a boolean (R,) array (True = option II) to run both in one batch.
        gap: suboptimality function (default ``suboptimality``).

    Returns:
        An SVRGResult; evaluations count n per full gradient and 2 per inner step.
    """
    x0 = np.array(x0, dtype=float)
    steps = epochs * int(np.max(m))  # the longest run's inner steps; the others wait with zero steps
    trajectory = run(svrg_method(problem, eta, m, epochs, rng, option, gap), problem.grad, x0, steps,
                     observe=lambda x: x[:, :1], checkpoints=np.array([steps]))
    state = SVRGState(*trajectory.state)
    return SVRGResult(state.gaps, state.evaluations, state.snapshot)


def _per_run(value, runs: int, dtype) -> np.ndarray:
    """A hyper-parameter given as a scalar or one value per run, as an (R,) array."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), (runs,))


# --------------------------------------------------------------------------- SAGA

@dataclass(frozen=True)
class Recording:
    """Observations on a checkpoint grid of steps, with the evaluations spent at each."""

    steps: np.ndarray  # (K,)
    evaluations: np.ndarray  # (K,)
    observations: np.ndarray  # (K, R)
    x_final: np.ndarray
    table_bytes: int = 0


def saga_method(problem, gamma, rng: np.random.Generator) -> optimizers.Optimizer:
    """SAGA as an optimizer for the engine; its state is (table (R, n, d), mean of the table (R, d)).

    The step reads one table row per run and writes it back in place (fancy indexing),
    and updates the mean by (new − old)/n: never recomputed from the table, never copied.
    """
    n = problem.n

    def init(x0):
        table = problem.component_grads(x0)  # (R, n, d): cost n per run
        return table, table.mean(axis=1)

    def update(x, state, grad):
        table, mean = state
        runs = x.shape[0]
        rows = np.arange(runs)
        j = rng.integers(0, n, runs)
        fresh = component_grad(problem, x, j)
        old = table[rows, j]
        x = x - _per_run(gamma, runs, float)[:, None] * (fresh - old + mean)
        mean += (fresh - old) / n
        table[rows, j] = fresh
        return x, (table, mean)

    return optimizers.Optimizer("saga", init, update)


def saga(problem, x0: np.ndarray, gamma, steps: int, rng: np.random.Generator, checkpoints: np.ndarray,
         observe: Callable[[np.ndarray], np.ndarray]) -> Recording:
    """SAGA with step ``gamma`` (scalar or (R,)), table initialised at x₀, run by the engine.

    Math (Defazio et al. 2014, Algorithm in §2):
        j ~ U{1..n};  x_{k+1} = x_k − γ(∇f_j(x_k) − φ_j + (1/n)Σ_i φ_i);  φ_j ← ∇f_j(x_k).

    Memory: the table is R·n·d float64 (reported as ``table_bytes``).

    Returns:
        A Recording; evaluations = n (table initialisation) + k.
    """
    x0 = np.array(x0, dtype=float)
    wanted = np.asarray(checkpoints, dtype=int)
    trajectory = run(saga_method(problem, gamma, rng), problem.grad, x0, steps, observe, wanted)
    table, _ = trajectory.state
    return Recording(wanted, problem.n + wanted.astype(float), trajectory.observations, trajectory.x_final,
                     int(table.nbytes))


# --------------------------------------------------------------------------- SGD and GD on the same axis

def sgd(problem, x0: np.ndarray, schedule: Callable[[int], np.ndarray], steps: int, rng: np.random.Generator,
        checkpoints: np.ndarray, observe: Callable[[np.ndarray], np.ndarray]) -> Recording:
    """SGD x ← x − η_t ∇f_i(x), one uniformly drawn component per step (cost 1), run by the engine
    (``stochastic.sgd_method``); ``schedule(t)`` gives η_t ((R,) or scalar) for update t = 1, 2, …"""
    x0 = np.array(x0, dtype=float)
    runs = x0.shape[0]
    oracle = FiniteSumOracle(problem, Sampler("with_replacement", problem.n, 1))

    def eta(t):
        return np.broadcast_to(np.asarray(schedule(t), dtype=float), (runs,))[:, None]

    trajectory = run(sgd_method(oracle, rng, eta), problem.grad, x0, steps, observe, np.asarray(checkpoints, dtype=int))
    wanted = trajectory.checkpoints
    return Recording(wanted, wanted.astype(float), trajectory.observations, trajectory.x_final)


def gradient_descent(problem, x0: np.ndarray, eta: float, steps: int, checkpoints: np.ndarray,
                     observe: Callable[[np.ndarray], np.ndarray]) -> Recording:
    """Full-batch GD (the shared engine), recorded on the cost axis: each step costs n evaluations."""
    trajectory = run(optimizers.gradient_descent(eta), problem.grad, x0, steps, observe, checkpoints)
    wanted = trajectory.checkpoints
    return Recording(wanted, problem.n * wanted.astype(float), trajectory.observations, trajectory.x_final)


# --------------------------------------------------------------------------- a ridge family with per-run regulariser

@dataclass(frozen=True, eq=False)
class RidgeFamily:
    """Ridge components sharing features and targets, with one regulariser per run: reg has shape (R, 1).

    With ``null_direction_ridge`` features (‖a_i‖² = s, rank d − 1) run r has
    μ_r = reg_r and L_max,r = s + reg_r, so a whole range of κ = L_max/μ runs as one batch.
    """

    features: np.ndarray
    targets: np.ndarray
    reg: np.ndarray  # (R, 1)

    @property
    def n(self) -> int:
        return self.features.shape[0]

    @property
    def hessians(self) -> np.ndarray:
        d = self.features.shape[1]
        gram = self.features.T @ self.features / self.n
        return gram[None] + self.reg[:, :, None] * np.eye(d)[None]

    @property
    def x_star(self) -> np.ndarray:
        rhs = self.features.T @ self.targets / self.n
        return np.linalg.solve(self.hessians, np.broadcast_to(rhs, (len(self.reg), len(rhs)))[..., None])[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        residual = x @ self.features.T - self.targets
        return residual @ self.features / self.n + self.reg * x

    def component_grads(self, x: np.ndarray) -> np.ndarray:
        residual = x @ self.features.T - self.targets
        return residual[:, :, None] * self.features[None] + (self.reg * x)[:, None, :]

    def component_grad(self, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        rows = self.features[idx]
        weight = np.sum(rows * x, axis=1) - self.targets[idx]
        return weight[:, None] * rows + self.reg * x
