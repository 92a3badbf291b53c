"""Every problem of empirics.problems keeps the protocol, and every constant it states is true.

Each problem has one example instance here (``EXAMPLES``); a problem without one fails
``test_every_problem_has_an_example``. For each example, at random batches of points
(hypothesis draws the seed): shapes are those of the protocol, one run's gradient
depends on its own row only, the gradient is the derivative of the value (central
differences), and each stated constant holds: ``L`` bounds the gradient's Lipschitz
ratio (over random pairs and over short steps along each axis), ``mu`` its
monotonicity, ``x_star`` is stationary with value ``f_star``, ``f_inf`` is below
every value; finite sums' sampled and per-component gradients average to the full one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import empirics.problems as catalogue
from empirics.problems import (
    ChainQuadratic,
    DenseQuadratic,
    DiagonalQuadratic,
    DoubleWell,
    FiniteSum,
    Huber,
    LessardPiecewiseQuadratic,
    Linear,
    LogisticLoss,
    LogSumExp,
    Problem,
    Rosenbrock,
    Saddle,
    Softplus,
    StationarityWorstCase,
    TrigBowl,
    Washboard,
    rotated_quadratic,
    synthetic_logistic,
    synthetic_ridge,
)

RUNS = 4


@dataclass(frozen=True)
class Example:
    make: Callable[[np.random.Generator], object]
    dim: int
    box: float = 2.0  # points are drawn uniformly in [-box, box]^dim
    value_shape_of_x: bool = False  # DoubleWell acts elementwise: its value has x's shape


def _spd(rng: np.random.Generator, dim: int) -> np.ndarray:
    m = rng.standard_normal((dim, dim))
    return m @ m.T + dim * np.eye(dim)


EXAMPLES: dict[type, Example] = {
    DiagonalQuadratic: Example(lambda r: DiagonalQuadratic(r.uniform(1, 3, (RUNS, 3)), r.standard_normal(3)), 3),
    catalogue.Quadratic: Example(lambda r: rotated_quadratic(r, r.uniform(0.5, 4, (RUNS, 3))), 3),
    DenseQuadratic: Example(lambda r: DenseQuadratic(_spd(r, 3), r.standard_normal(3)), 3),
    ChainQuadratic: Example(lambda r: ChainQuadratic(5, L=2.0), 5),
    Linear: Example(lambda r: Linear(r.standard_normal(3)), 3),
    LogisticLoss: Example(lambda r: LogisticLoss(r.standard_normal((20, 3)), r.choice([-1.0, 1.0], 20)), 3),
    LogSumExp: Example(lambda r: LogSumExp(r.standard_normal((6, 3))), 3),
    Softplus: Example(lambda r: Softplus(r.standard_normal((6, 3))), 3),
    Huber: Example(lambda r: Huber(L=2.0, delta=0.5), 3),
    LessardPiecewiseQuadratic: Example(lambda r: LessardPiecewiseQuadratic(), 1, box=4.0),
    Rosenbrock: Example(lambda r: Rosenbrock(), 2),
    TrigBowl: Example(lambda r: TrigBowl(), 3, box=4.0),
    Washboard: Example(lambda r: Washboard(), 1, box=6.0),
    StationarityWorstCase: Example(lambda r: StationarityWorstCase(np.full((RUNS, 1), 0.5), np.full((RUNS, 1), 2.0),
                                                                   np.full((RUNS, 1), 16.0)), 1, box=5.0),
    Saddle: Example(lambda r: Saddle(a=1.0, gamma=0.5, quartic=1.0), 2),
    DoubleWell: Example(lambda r: DoubleWell(depth=1.0, w_flat=1.0, w_sharp=0.5), 1, value_shape_of_x=True),
    catalogue.Ridge: Example(lambda r: synthetic_ridge(r, n=20, d=3, kappa=10.0, reg=0.5), 3),
    catalogue.Logistic: Example(lambda r: synthetic_logistic(r, n=20, d=3, reg=0.1), 3),
}
SEEDS = st.integers(0, 2**32 - 1)


def _problem_classes() -> set[type]:
    return {obj for name in catalogue.__all__ if inspect.isclass(obj := getattr(catalogue, name))
            and obj not in (Problem, FiniteSum)}


def _per_run(constant, runs: int = RUNS) -> np.ndarray:
    values = np.asarray(constant, dtype=float)
    return np.full(runs, float(values)) if values.size == 1 else values.reshape(runs)


def _setup(kind: type, seed: int):
    example = EXAMPLES[kind]
    rng = np.random.default_rng(seed)
    problem = example.make(rng)
    return example, problem, rng


def _points(example: Example, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-example.box, example.box, (RUNS, example.dim))


def _values(example: Example, problem, x: np.ndarray) -> np.ndarray:
    values = problem.value(x)
    return values.reshape(RUNS, -1).sum(axis=1) if example.value_shape_of_x else values


def test_every_problem_has_an_example():
    missing = sorted(c.__name__ for c in _problem_classes() - set(EXAMPLES))
    assert not missing, f"add an example to EXAMPLES for {missing}"


@pytest.mark.parametrize("kind", list(EXAMPLES), ids=lambda k: k.__name__)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_shapes_rows_and_gradient(kind, seed):
    example, problem, rng = _setup(kind, seed)
    assert isinstance(problem, Problem)
    x = _points(example, rng)
    g = problem.grad(x)
    assert g.shape == x.shape
    assert problem.value(x).shape == (x.shape if example.value_shape_of_x else (RUNS,))
    moved = x.copy()
    moved[0] += 0.5
    assert np.array_equal(problem.grad(moved)[1:], g[1:])  # one run's row depends on its own row only
    direction = rng.standard_normal(x.shape)
    h = 1e-6
    slope = (_values(example, problem, x + h * direction) - _values(example, problem, x - h * direction)) / (2 * h)
    exact = np.sum(g * direction, axis=1)
    scale = 1 + np.linalg.norm(g, axis=1) * np.linalg.norm(direction, axis=1)
    assert np.all(np.abs(slope - exact) <= 1e-5 * scale), (slope, exact)


@pytest.mark.parametrize("kind", [k for k in EXAMPLES if k not in (Rosenbrock, Saddle, DoubleWell, Softplus,
                                                                   DenseQuadratic, Linear)],
                         ids=lambda k: k.__name__)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_stated_smoothness_and_convexity_hold(kind, seed):
    example, problem, rng = _setup(kind, seed)
    x, y = _points(example, rng), _points(example, rng)
    gap = problem.grad(x) - problem.grad(y)
    distance = np.linalg.norm(x - y, axis=1)
    L = _per_run(problem.L)
    assert np.all(np.linalg.norm(gap, axis=1) <= L * distance * (1 + 1e-9) + 1e-12)
    for axis in range(example.dim):  # short steps along each axis probe the curvature where it peaks, too
        step = np.zeros_like(x)
        step[:, axis] = 1e-4
        local = np.linalg.norm(problem.grad(x + step) - problem.grad(x), axis=1) / 1e-4
        assert np.all(local <= L * (1 + 1e-9) + 1e-8), (local, L)
    if hasattr(problem, "mu"):
        assert np.all(np.sum(gap * (x - y), axis=1) >= _per_run(problem.mu) * distance**2 * (1 - 1e-9) - 1e-12)


@pytest.mark.parametrize("kind", [k for k in EXAMPLES if hasattr(EXAMPLES[k].make(np.random.default_rng(0)), "x_star")
                                  or hasattr(EXAMPLES[k].make(np.random.default_rng(0)), "f_inf")],
                         ids=lambda k: k.__name__)
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_stated_minimiser_and_minimum_hold(kind, seed):
    example, problem, rng = _setup(kind, seed)
    if hasattr(problem, "x_star"):
        x_star = np.broadcast_to(np.asarray(problem.x_star, dtype=float), (RUNS, example.dim)).copy()
        scale = 1 + np.max(np.abs(problem.grad(_points(example, rng))))
        assert np.max(np.abs(problem.grad(x_star))) <= 1e-10 * scale
        if hasattr(problem, "f_star"):
            assert np.allclose(_values(example, problem, x_star), problem.f_star, rtol=1e-12, atol=1e-12)
        assert np.all(_values(example, problem, _points(example, rng)) >= _values(example, problem, x_star) - 1e-12)
    if hasattr(problem, "f_inf"):
        assert np.all(_values(example, problem, _points(example, rng)) >= _per_run(problem.f_inf) - 1e-12)


@pytest.mark.parametrize("kind", [catalogue.Ridge, catalogue.Logistic], ids=lambda k: k.__name__)
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_finite_sums_average_their_components(kind, seed):
    example, problem, rng = _setup(kind, seed)
    assert isinstance(problem, FiniteSum)
    x = _points(example, rng)
    full = problem.grad(x)
    assert np.allclose(problem.component_grads(x).mean(axis=1), full, rtol=1e-12, atol=1e-12)
    every = np.broadcast_to(np.arange(problem.n), (RUNS, problem.n))
    assert np.allclose(problem.sample_grad(x, every), full, rtol=1e-12, atol=1e-12)
    one = rng.integers(problem.n, size=RUNS)
    assert np.allclose(problem.sample_grad(x, one), problem.component_grads(x)[np.arange(RUNS), one], rtol=1e-12)
    assert problem.L_max >= problem.L * (1 - 1e-12)
