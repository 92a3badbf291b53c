"""Nesterov conventions and the accelerated method, as pure (init, update) pairs.

The heavy-ball forms and the lookahead Nesterov form live in
``empirics.optimizers``; this module adds the other conventions the seeds and
libraries use, so the equivalence claim can run them side by side:

* Sutskever et al. (2013) form:  v ← βv − η∇f(θ + βv),  θ ← θ + v.
  With v = −η·v_lookahead it has the same iterates as the lookahead form.
* PyTorch ``SGD(nesterov=True)``:  b ← βb + ∇f(p),  p ← p − η(∇f(p) + βb).
  Its parameter is the lookahead point p = x − ηβv of the lookahead form.
* Accelerated gradient (Nesterov 1983; FISTA without prox), k = 1, 2, …:
  y = x_k + β_k(x_k − x_{k−1}),  x_{k+1} = y − η∇f(y),  β_k = (k − 1)/(k + 2).
* Constant-β Nesterov in the same (x, y) form (``accelerated_gradient`` with a
  constant schedule) — identical to the lookahead form with v₀ = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .optimizers import Optimizer, gradient_descent, heavy_ball, nesterov_lookahead

__all__ = [
    "nesterov_sutskever", "nesterov_pytorch", "accelerated_gradient", "agm_momentum",
    "gradient_descent", "heavy_ball", "nesterov_lookahead",
]


def nesterov_sutskever(eta: Any, beta: Any) -> Optimizer:
    """Sutskever, Martens, Dahl & Hinton (2013), eq. (3)–(4).

    Math:
        v_{t+1} = β v_t − η ∇f(θ_t + β v_t),   θ_{t+1} = θ_t + v_{t+1}

    Args:
        eta: step size ε, scalar or (runs, 1).
        beta: momentum μ, scalar or (runs, 1).
    """

    def init(x0):
        return (np.zeros_like(x0),)

    def update(x, state, grad):
        (v,) = state
        v = beta * v - eta * grad(x + beta * v)
        return x + v, (v,)

    return Optimizer("nesterov-sutskever", init, update)


def nesterov_pytorch(eta: Any, beta: Any) -> Optimizer:
    """PyTorch ``torch.optim.SGD(lr=η, momentum=β, nesterov=True)`` (dampening 0).

    Math:
        b_{t+1} = β b_t + ∇f(p_t),   p_{t+1} = p_t − η(∇f(p_t) + β b_{t+1})

    (PyTorch initialises the buffer with the first gradient, which equals
    βb + g with b = 0.)
    """

    def init(x0):
        return (np.zeros_like(x0),)

    def update(p, state, grad):
        (buf,) = state
        g = grad(p)
        buf = beta * buf + g
        return p - eta * (g + beta * buf), (buf,)

    return Optimizer("nesterov-pytorch", init, update)


def agm_momentum(k: np.ndarray) -> np.ndarray:
    """β_k = (k − 1)/(k + 2), the momentum of the accelerated method at step k ≥ 1."""
    return (k - 1.0) / (k + 2.0)


def accelerated_gradient(eta: Any, schedule: Callable[[np.ndarray], np.ndarray] = agm_momentum) -> Optimizer:
    """Nesterov's accelerated gradient in (x, y) form with a momentum schedule.

    Math:
        y_k = x_k + β_k (x_k − x_{k−1}),   x_{k+1} = y_k − η ∇f(y_k),   x_0 = x_{−1}

    Args:
        eta: step size (1/L for the O(1/T²) guarantee), scalar or (runs, 1).
        schedule: k ↦ β_k for k = 1, 2, …; the default (k − 1)/(k + 2); pass
            ``lambda k: beta`` for constant momentum.

    References:
        Nesterov (1983); Beck & Teboulle (2009), FISTA; d'Aspremont, Scieur &
        Taylor (2021), Acceleration Methods, §4.
    """

    def init(x0):
        return (x0.copy(), np.zeros((x0.shape[0], 1)))

    def update(x, state, grad):
        x_prev, k = state
        k = k + 1.0
        y = x + schedule(k) * (x - x_prev)
        return y - eta * grad(y), (x, k)

    return Optimizer("accelerated-gradient", init, update)
