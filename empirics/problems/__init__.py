"""The problem catalogue: objectives with exact gradients and the constants claims rely on.

One protocol for every problem, organised by concept:

* ``quadratics``    diagonal, dense, rotated and Nesterov's chain quadratic; spectra helpers
* ``smooth_convex`` linear, logistic, log-sum-exp, softplus, Huber, Lessard's piecewise quadratic
* ``nonconvex``     Rosenbrock, trigonometric bowl, washboards, the strict saddle, the double well
* ``finite_sums``   ridge and logistic regression as (1/n) Σ f_i, with per-sample gradients

Import problems from here (``from empirics.problems import Ridge``); the
submodules only group them.

The protocol (``Problem``): ``value(x)`` and ``grad(x)`` act on a batch ``x`` of
shape (runs, dim) (1-D problems on (runs, 1)) and return shapes (runs,) and
(runs, dim); one run's row depends on that run's row of ``x`` only. Constants a
claim relies on are attributes, in closed form where known, so experiments never
estimate what they can state: ``L`` (smoothness), ``mu`` (strong convexity),
``x_star`` and ``f_star`` (minimiser and minimum), ``f_inf`` (a lower bound
attained, for non-convex problems). A finite sum (``FiniteSum``) adds ``n``,
``L_max`` (the largest component smoothness), ``sample_grad(x, indices)`` (the
mean gradient of the sampled components, indices (runs,) or (runs, B)) and
``component_grads(x)`` (every component's gradient, (runs, n, dim)).
``tests/test_problem_contract.py`` holds every problem here to this protocol.

Adding a problem: write it in the submodule of its concept and add one example
instance to ``EXAMPLES`` in ``tests/test_problem_contract.py`` (the test fails until
you do); it then checks the gradient against the value and every constant the
problem states.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from .finite_sums import Logistic, Ridge, synthetic_logistic, synthetic_ridge
from .nonconvex import DoubleWell, Rosenbrock, Saddle, StationarityWorstCase, TrigBowl, Washboard
from .quadratics import (
    ChainQuadratic,
    DenseQuadratic,
    DiagonalQuadratic,
    Quadratic,
    random_rotation,
    rotated_quadratic,
    separated_spectrum,
)
from .smooth_convex import Huber, LessardPiecewiseQuadratic, Linear, LogisticLoss, LogSumExp, Softplus


@runtime_checkable
class Problem(Protocol):
    """An objective on a batch of points: values (runs,) and gradients (runs, dim).

    ``grad`` may also take ``out=`` (``DiagonalQuadratic.grad``): the engine then has the
    gradient written into its step buffer instead of a new array each step (empirics/engine.py).
    """

    def value(self, x: np.ndarray) -> np.ndarray: ...

    def grad(self, x: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class FiniteSum(Problem, Protocol):
    """f = (1/n) Σ_i f_i with sampled and per-component gradients (for SGD, SVRG, SAGA)."""

    @property
    def n(self) -> int: ...

    def sample_grad(self, x: np.ndarray, indices: np.ndarray) -> np.ndarray: ...

    def component_grads(self, x: np.ndarray) -> np.ndarray: ...


__all__ = [
    "ChainQuadratic", "DenseQuadratic", "DiagonalQuadratic", "DoubleWell", "FiniteSum", "Huber",
    "LessardPiecewiseQuadratic", "Linear", "LogSumExp", "Logistic", "LogisticLoss", "Problem", "Quadratic", "Ridge",
    "Rosenbrock", "Saddle", "Softplus", "StationarityWorstCase", "TrigBowl", "Washboard", "random_rotation",
    "rotated_quadratic", "separated_spectrum", "synthetic_logistic", "synthetic_ridge",
]
