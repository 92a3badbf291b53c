"""Optimizers as pure (init, update) pairs over immutable state (optax style).

``init(x0) -> state`` and ``update(x, state, grad) -> (x_next, state_next)``,
where ``grad`` maps a batch (runs, dim) to gradients of the same shape.
Hyper-parameters may be scalars or arrays of shape (runs, 1), so a grid of
step sizes or momenta runs as one batch.

An optimizer may also carry ``step(x, out, state, grad) -> state``, the same
update written into a preallocated ``out`` with the state arrays updated in
place. The engine uses it when present: a pure update allocates a fresh array
for every intermediate, which costs as much as the arithmetic on large batches.
``step`` performs the same floating-point operations in the same order, so its
iterates are bit-identical to ``update``'s (tested). Its ``grad(z, out)`` may
return ``out`` itself, filled with the gradient at z (the engine does so for a
problem whose ``grad`` takes ``out=``): a step asks for the gradient in ``out``
only once it no longer needs what ``out`` holds, and may then overwrite it. It
never writes to ``x`` or to a gradient it did not get in ``out`` (a problem may
return a shared array, or x itself).

Conventions (documented once here and tested in tests/):

* heavy ball, **sum** form:  v ← βv + g,        x ← x − ηv   (Polyak with step η;
  PyTorch ``SGD(momentum=β)``; seeds 000, 001, 004).
* heavy ball, **EMA** form:  v ← βv + (1−β)g,   x ← x − ηv   (seed 002).
* Nesterov, **lookahead** form (seeds 002, 004):
  v ← βv + ∇f(x − ηβv),  x ← x − ηv.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

GradFn = Callable[[np.ndarray], np.ndarray]
State = tuple[np.ndarray, ...]
GradInto = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (z, out) -> the gradient at z, possibly out itself
InPlaceStep = Callable[[np.ndarray, np.ndarray, State, GradInto], State]


@dataclass(frozen=True)
class Optimizer:
    """A named pure optimizer: ``init`` builds the state, ``update`` takes one step.

    ``step``, when given, is ``update`` in place (see the module docstring).
    """

    name: str
    init: Callable[[np.ndarray], State]
    update: Callable[[np.ndarray, State, GradFn], tuple[np.ndarray, State]]
    step: InPlaceStep | None = None


def _descend(x: np.ndarray, eta: Any, direction: np.ndarray, out: np.ndarray) -> None:
    """out ← x − η·direction, rounded as the pure ``x - eta * direction`` (η·d first)."""
    np.multiply(eta, direction, out=out)
    np.subtract(x, out, out=out)


def gradient_descent(eta: Any) -> Optimizer:
    """x ← x − η∇f(x)."""

    def init(x0):
        return ()

    def update(x, state, grad):
        return x - eta * grad(x), state

    def step(x, out, state, grad):
        _descend(x, eta, grad(x, out), out)  # η·g may be formed in place in out
        return state

    return Optimizer("gd", init, update, step)


def heavy_ball(eta: Any, beta: Any, form: str = "sum") -> Optimizer:
    """Heavy-ball momentum in the named form.

    Math:
        sum:  v_{t+1} = β v_t + ∇f(x_t),         x_{t+1} = x_t − η v_{t+1}
        ema:  v_{t+1} = β v_t + (1−β) ∇f(x_t),   x_{t+1} = x_t − η v_{t+1}

    Args:
        eta: step size, scalar or (runs, 1).
        beta: momentum, scalar or (runs, 1).
        form: "sum" or "ema".

    References:
        Polyak (1964), Some methods of speeding up the convergence of iteration methods.
    """
    if form not in ("sum", "ema"):
        raise ValueError(f"heavy-ball form must be 'sum' or 'ema', got {form!r}")
    gradient_weight = 1.0 if form == "sum" else 1.0 - np.asarray(beta, dtype=float)

    def init(x0):
        return (np.zeros_like(x0),)

    def update(x, state, grad):
        (v,) = state
        v = beta * v + gradient_weight * grad(x)
        return x - eta * v, (v,)

    def step(x, out, state, grad):
        (v,) = state
        g = grad(x, out)  # possibly out itself, read before _descend overwrites it
        v *= beta
        if form == "sum":
            v += g  # 1.0·g is g exactly: the sum form's weight costs nothing
        else:
            v += np.multiply(gradient_weight, g, out=out)
        _descend(x, eta, v, out)
        return state

    return Optimizer(f"heavy-ball-{form}", init, update, step)


def nesterov_lookahead(eta: Any, beta: Any) -> Optimizer:
    """Nesterov momentum, lookahead form: v ← βv + ∇f(x − ηβv), x ← x − ηv.

    References:
        Sutskever, Martens, Dahl & Hinton (2013), On the importance of initialization
        and momentum in deep learning (their eq. 3–4, with v = −μ-scaled velocity).
    """

    def init(x0):
        return (np.zeros_like(x0),)

    def update(x, state, grad):
        (v,) = state
        v = beta * v + grad(x - eta * beta * v)
        return x - eta * v, (v,)

    lookahead = eta * beta  # the product update forms first, (η·β)·v

    def step(x, out, state, grad):
        (v,) = state
        _descend(x, lookahead, v, out)
        g = grad(out, out)  # at the lookahead point in out, possibly overwriting it: read before out is reused
        v *= beta
        v += g
        _descend(x, eta, v, out)
        return state

    return Optimizer("nesterov-lookahead", init, update, step)


def clocked(optimizer: Optimizer, gradient_at: Callable[[int, np.ndarray], np.ndarray],
            project: Callable[[np.ndarray], np.ndarray] | None = None) -> Optimizer:
    """``optimizer`` fed the gradient of update t as ``gradient_at(t, x)`` (t = 1, 2, …), then projected.

    Its state is the optimizer's own with the update count appended (a plain int).
    """

    def init(x0):
        return (*optimizer.init(x0), 0)

    def update(x, state, grad):
        t = state[-1] + 1
        x_next, inner = optimizer.update(x, state[:-1], lambda z: gradient_at(t, z))
        if project is not None:
            x_next = project(x_next)
        return x_next, (*inner, t)

    return Optimizer(f"{optimizer.name}, clocked", init, update)


def step_from_iterates(optimizer: Optimizer, eta: Any, grad: GradFn, x_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
    """x_(t+1) of a one-velocity method (heavy ball, lookahead Nesterov: x ← x − ηv) from two iterates.

    The velocity is the one that took x_(t−1) to x_t = x_(t−1) − ηv_t. For checking a recursion
    typed in the iterates (x_(t+1) in terms of x_t and x_(t−1)) against the optimizer itself.
    x_t, x_prev and eta have shape (N,); the optimizer (built with the same η as (N, 1)) and
    ``grad`` act on (N, 1) batches.
    """
    velocity = ((x_prev - x_t) / eta)[:, None]
    x_next, _ = optimizer.update(x_t[:, None], (velocity,), grad)
    return x_next[:, 0]

