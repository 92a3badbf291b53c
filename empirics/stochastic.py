"""Stochastic gradients, vectorised over runs: sampling schemes, noise models, clipping, cost.

Shapes follow the engine: iterates are (runs, dim); every run has its own
random stream position, but all runs advance together (the only Python loop
is over time).

Building blocks
---------------
``Sampler(scheme, n, batch)``
    which components each run uses at a step. Schemes:
    ``"with_replacement"`` (i.i.d. uniform indices), ``"without_replacement"``
    (B distinct indices per step, fresh each step), ``"reshuffle"`` (random
    reshuffling: a new permutation per run at every epoch, consumed in
    consecutive batches), ``"cyclic"`` (one permutation per run drawn once,
    or the identity with ``fixed_order="identity"``, reused every epoch).
    Epoch schemes need ``n % batch == 0``.
``FiniteSumOracle(problem, sampler)``
    g = (1/B) Σ_{i∈B} ∇f_i(x) for a finite sum of empirics/problems/finite_sums.py.
``ExactGradientOracle(grad, cost)``
    the exact gradient (noise-free runs that still use schedules or clipping).
``GaussianNoiseOracle(grad, scale, batch)``
    g = ∇f(x) + ξ, ξ ~ N(0, S Sᵀ / B): additive Gaussian gradient noise, the
    second noise model (``scale`` is a std (scalar or (runs, 1)) or a matrix
    root S of shape (dim, dim)).
``clip_by_norm(g, c)``
    g · min(1, c/‖g‖) per run.
Cost
    every oracle reports its cost per call in gradient evaluations (the batch
    size B; a full gradient costs n); ``run_sgd`` accumulates it per run.

``sgd_method`` is SGD as an optimizer of the engine (empirics/engine.py, which
owns the time loop and divergence): step size a constant or a function of the
update's number, optional heavy-ball momentum in the sum form (v ← βv + g,
x ← x − ηv), optional clipping and projection. ``run_sgd`` runs it with the
observers SGD's claims need: checkpoints with the cost spent, uniform iterate
averaging, ergodic means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .engine import run
from .optimizers import Optimizer
from .schedules import as_schedule

SCHEMES = ("with_replacement", "without_replacement", "reshuffle", "cyclic")


def random_permutations(rng: np.random.Generator, runs: int, n: int) -> np.ndarray:
    """One uniform random permutation of range(n) per run: (runs, n)."""
    return np.argsort(rng.random((runs, n)), axis=1)


@dataclass(frozen=True)
class SamplerState:
    order: np.ndarray | None  # (runs, n) current epoch's permutation (epoch schemes)
    position: int  # next offset into ``order``


@dataclass(frozen=True)
class Sampler:
    """Mini-batch index sampler (pure: ``draw`` returns the next state)."""

    scheme: str
    n: int
    batch: int = 1
    fixed_order: str = "random"  # cyclic only: "random" (one per run) or "identity"

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown sampling scheme {self.scheme!r}; choose from {SCHEMES}")
        if not 1 <= self.batch <= self.n:
            raise ValueError("batch size must lie in [1, n]")
        if self.scheme in ("reshuffle", "cyclic") and self.n % self.batch:
            raise ValueError("epoch schemes need the batch size to divide n")

    def init(self, rng: np.random.Generator, runs: int) -> SamplerState:
        if self.scheme == "cyclic":
            if self.fixed_order == "identity":
                order = np.broadcast_to(np.arange(self.n), (runs, self.n))
            else:
                order = random_permutations(rng, runs, self.n)
            return SamplerState(order, 0)
        if self.scheme == "reshuffle":
            return SamplerState(random_permutations(rng, runs, self.n), 0)
        return SamplerState(None, 0)

    def draw(self, state: SamplerState, rng: np.random.Generator, runs: int) -> tuple[np.ndarray, SamplerState]:
        """Indices of shape (runs, batch) and the next state."""
        if self.scheme == "with_replacement":
            return rng.integers(0, self.n, size=(runs, self.batch)), state
        if self.scheme == "without_replacement":
            return random_permutations(rng, runs, self.n)[:, : self.batch], state
        order, position = state.order, state.position
        if position >= self.n:
            position = 0
            if self.scheme == "reshuffle":
                order = random_permutations(rng, runs, self.n)
        indices = order[:, position: position + self.batch]
        return indices, SamplerState(order, position + self.batch)

    @property
    def steps_per_epoch(self) -> int:
        return self.n // self.batch


@dataclass(frozen=True)
class SharedSampler:
    """Common random numbers across a hyper-parameter grid: each draw is repeated ``copies`` times.

    Runs are laid out base-major (run r = base·copies + copy), so the copies of
    one base run (e.g. the same seed at every step size of a grid) see the same
    indices, and differences across the grid are not masked by sampling noise.
    """

    sampler: Sampler
    copies: int

    @property
    def batch(self) -> int:
        return self.sampler.batch

    def init(self, rng: np.random.Generator, runs: int) -> SamplerState:
        return self.sampler.init(rng, runs // self.copies)

    def draw(self, state: SamplerState, rng: np.random.Generator, runs: int) -> tuple[np.ndarray, SamplerState]:
        indices, state = self.sampler.draw(state, rng, runs // self.copies)
        return np.repeat(indices, self.copies, axis=0), state


@dataclass(frozen=True)
class FiniteSumOracle:
    """Mini-batch gradient of a finite sum (Ridge, Logistic of empirics/problems/finite_sums.py)."""

    problem: Any
    sampler: Sampler

    @property
    def cost(self) -> int:
        return self.sampler.batch

    def init(self, rng: np.random.Generator, runs: int) -> SamplerState:
        return self.sampler.init(rng, runs)

    def __call__(self, x: np.ndarray, state, rng: np.random.Generator):
        indices, state = self.sampler.draw(state, rng, x.shape[0])
        return self.problem.sample_grad(x, indices), state


class PrescribedNormal:
    """A stand-in for the claim's generator whose standard normal draws are given, one per run.

    A claim's model of a noisy update (``convergence.Model``) evaluates the experiment's own step
    at the typeset noise ξ: the draws come from the model's points instead of a generator, so the
    sign and the scale of the noise term in the typeset update are compared with the code.
    """

    def __init__(self, draws: np.ndarray):
        self.draws = np.asarray(draws, dtype=float)

    def standard_normal(self, shape: tuple[int, ...]) -> np.ndarray:
        runs = self.draws.reshape((-1,) + (1,) * (len(shape) - 1))
        return np.broadcast_to(runs, shape).copy()


@dataclass(frozen=True)
class GaussianNoiseOracle:
    """∇f(x) + ξ with ξ ~ N(0, S Sᵀ/B); ``scale`` is a std (broadcastable) or a (dim, dim) root S."""

    grad: Callable[[np.ndarray], np.ndarray]
    scale: Any
    batch: int = 1

    @property
    def cost(self) -> int:
        return self.batch

    def init(self, rng: np.random.Generator, runs: int):
        return None

    def __call__(self, x: np.ndarray, state, rng: np.random.Generator):
        xi = rng.standard_normal(x.shape)
        scale = np.asarray(self.scale, dtype=float)
        if scale.ndim == 2 and scale.shape == (x.shape[1], x.shape[1]) and x.shape[1] > 1:
            xi = xi @ scale.T
        else:
            xi = xi * scale
        return self.grad(x) + xi / np.sqrt(self.batch), state


@dataclass(frozen=True)
class ExactGradientOracle:
    """The exact gradient through the oracle interface (noise-free runs with schedules, clipping).

    ``cost`` is what one call is charged: 1 for a single objective, n for the
    full gradient of an n-component finite sum.
    """

    grad: Callable[[np.ndarray], np.ndarray]
    cost: int = 1

    def init(self, rng: np.random.Generator, runs: int):
        return None

    def __call__(self, x: np.ndarray, state, rng: np.random.Generator):
        return self.grad(x), state


def clip_by_norm(g: np.ndarray, threshold: Any) -> np.ndarray:
    """g · min(1, c/‖g‖) per run: the clipped vector has norm min(‖g‖, c)."""
    norm = np.linalg.norm(g, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(norm > threshold, threshold / norm, 1.0)
    return g * factor


def sgd_step_at(oracle: Any, eta: Any, x: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """One update of ``sgd_method`` from x (runs, dim) with the oracle's normal draws given (one per run).

    The experiment's noisy step, evaluated at the noise a claim's model prescribes (``PrescribedNormal``).
    """
    method = sgd_method(oracle, PrescribedNormal(draws), eta)
    return method.update(x, method.init(x), None)[0]


@dataclass(frozen=True)
class StochasticTrajectory:
    """Observations at ``checkpoints`` (len(checkpoints), runs, ...), cost in gradient evaluations."""

    checkpoints: np.ndarray
    observations: np.ndarray
    cost: np.ndarray  # gradient evaluations spent per run at each checkpoint
    x_final: np.ndarray
    x_average: np.ndarray | None
    diverged: np.ndarray
    diverged_at: np.ndarray
    time_average: np.ndarray | None = None  # mean of observe(x_t) over t in [time_average_from, T]


class SGDState(NamedTuple):
    """The state of ``sgd_method``: the oracle's own, the heavy-ball buffer, the updates taken."""

    oracle: Any  # e.g. a SamplerState (the epoch's permutations and position); not per-run zeroed
    velocity: np.ndarray | None  # v (runs, dim), None without momentum
    count: int  # updates taken so far


def sgd_method(oracle: Any, rng: np.random.Generator, eta: Any, momentum: Any = None, clip: Any = None,
               project: Callable[[np.ndarray], np.ndarray] | None = None) -> Optimizer:
    """SGD as an optimizer for the engine: gradients come from ``oracle`` (drawn with ``rng``).

    Math:
        g_t = clip(oracle(x_{t−1}))                   (clip optional)
        v_t = β v_{t−1} + g_t   (momentum, sum form; v = g without momentum)
        x_t = Π(x_{t−1} − η(t) v_t)                   (projection Π optional)

    ``eta`` is a constant (scalar or (runs, 1)) or a function of the update's number
    t = 1, 2, … (the optimizer table's convention). Run it with ``engine.run(..., grad=None, ...)``:
    the oracle is the only source of gradients.
    """
    step_size = eta if callable(eta) else (lambda t: eta)

    def init(x0):
        return SGDState(oracle.init(rng, x0.shape[0]), np.zeros_like(x0) if momentum is not None else None, 0)

    def update(x, state, grad):
        oracle_state, velocity, count = SGDState(*state)
        g, oracle_state = oracle(x, oracle_state, rng)
        if clip is not None:
            g = clip_by_norm(g, clip)
        if velocity is not None:
            velocity = momentum * velocity + g
            g = velocity
        x_next = x - np.asarray(step_size(np.array(count + 1)), dtype=float) * g
        if project is not None:
            x_next = project(x_next)
        return x_next, SGDState(oracle_state, velocity, count + 1)

    return Optimizer("sgd", init, update)


def run_sgd(
    oracle: Any,
    x0: np.ndarray,
    steps: int,
    rng: np.random.Generator,
    eta: Any,
    momentum: Any = None,
    clip: Any = None,
    project: Callable[[np.ndarray], np.ndarray] | None = None,
    observe: Callable[..., np.ndarray] | None = None,
    checkpoints: np.ndarray | None = None,
    average: bool = False,
    blowup: float = 1e100,
    time_average_from: int | None = None,
) -> StochasticTrajectory:
    """Batched SGD (``sgd_method``) run by the engine, with iterate averaging and ergodic means.

    Math:
        x_{t+1} = Π(x_t − η_t d_t), d_t the (clipped) stochastic gradient or velocity (``sgd_method``)
        x̄_T = (1/T) Σ_{t=1}^{T} x_t                   (average=True)

    Args:
        oracle: an oracle with ``init(rng, runs)``, ``__call__(x, state, rng)`` and ``cost``.
        x0: starting points (runs, dim).
        steps: number of updates T.
        rng: the claim's generator.
        eta: a schedule of empirics/schedules.py (indexed from 0: the update producing x_t
            uses η_(t−1)) or a constant, scalar or (runs, 1).
        momentum: β (scalar or (runs, 1)) for heavy ball in the sum form, or None.
        clip: norm threshold c (scalar or (runs, 1)), or None.
        project: projection onto a feasible set, or None.
        observe: maps x (or x and x̄ when ``average``) to per-run observations.
        checkpoints: steps in [0, T] at which to observe (default every step).
        average: keep the running uniform average of x_1 … x_t (of a diverged run: up to
            its last iterate before divergence).
        blowup: norm beyond which a run counts as diverged.
        time_average_from: if given, the per-run mean of ``observe`` over steps
            t = time_average_from … T is accumulated on the fly (no storage per
            step) and returned as ``time_average``: an ergodic average, the
            efficient estimator of a stationary moment from one run.

    Returns:
        A StochasticTrajectory; diverged runs observe ``inf`` after divergence.
    """
    schedule = as_schedule(eta)
    x0 = np.array(x0, dtype=float)
    runs = x0.shape[0]
    checkpoints = np.arange(steps + 1) if checkpoints is None else np.asarray(checkpoints, dtype=int)
    wanted = set(int(t) for t in checkpoints)
    if observe is None:
        observe = (lambda z, zbar: z.copy()) if average else (lambda z: z.copy())
    recorded, costs = [], []
    kept: dict[str, Any] = {"x_avg": np.zeros_like(x0) if average else None, "sum": None}

    def observed(x, diverged):
        obs = np.asarray(observe(x, kept["x_avg"]) if average else observe(x), dtype=float)
        return np.where(diverged.reshape((runs,) + (1,) * (obs.ndim - 1)), np.inf, obs)

    def watch(t, x, state, diverged):
        if average and t > 0:
            x_avg = kept["x_avg"]
            moved = x_avg + (x - x_avg) / t
            kept["x_avg"] = np.where(diverged[:, None], x_avg, moved) if diverged.any() else moved
        if t in wanted:
            recorded.append(observed(x, diverged))
            costs.append(np.full(runs, t * oracle.cost, dtype=float))
        if time_average_from is not None and t >= time_average_from:
            obs = observed(x, diverged)
            kept["sum"] = obs if kept["sum"] is None else kept["sum"] + obs

    method = sgd_method(oracle, rng, lambda t: schedule(t - 1), momentum, clip, project)
    trajectory = run(method, None, x0, steps, checkpoints=(), blowup=blowup,
                     every_step=watch)
    time_average = None
    if kept["sum"] is not None:
        time_average = kept["sum"] / (steps - max(int(time_average_from), 0) + 1)
    return StochasticTrajectory(checkpoints, np.stack(recorded), np.stack(costs), trajectory.x_final,
                                kept["x_avg"], trajectory.diverged, trajectory.diverged_at, time_average)
