"""Learning-rate schedules as pure functions of the step index.

A schedule is a callable ``eta(t)`` mapping an integer step index t = 0, 1, 2, …
(scalar or array) to the step size used at that step. Hyper-parameters may be
scalars or arrays of shape (runs, 1), so a grid of schedules evaluates as one
batch. Nothing is stateful: the same t always gives the same η.

Closed forms (the SymPy twins live in theory/schedules.py and are checked
against these by claim schedule.formulas):

- constant          η_t = η₀
- step              η_t = η₀ γ^⌊t/s⌋                          (seed 001, seed 003)
- exponential       η_t = η₀ e^(−k t)                          (seed 001, seed 003)
- cosine            η_t = η_min + ½(η₀ − η_min)(1 + cos(π t/T)), t ≤ T; η_min after  (seed 004)
- cosine restarts   the cosine with t replaced by the step within the current
                    period, periods T₀, T₀m, T₀m², …                (seed 003; SGDR)
- cyclical          triangular wave between η_min and η_max, half-period s  (seed 004; Smith 2017)
- warm-up           joined to a base schedule: η_t = η_base(0)(f + (1 − f) t/W) for t < W,
                    then η_base(t − W)                              (seeds 000, 001, 004)
- c/t, c/√t         η_t = c/(t + 1), c/√(t + 1): the first step (t = 0) uses c.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Schedule = Callable[[Any], np.ndarray]


def _t(t) -> np.ndarray:
    return np.asarray(t, dtype=float)


def constant(eta0: Any) -> Schedule:
    """η_t = η₀."""
    return lambda t: eta0 * np.ones_like(_t(t))


def step_decay(eta0: Any, gamma: Any, period: Any) -> Schedule:
    """η_t = η₀ γ^⌊t/s⌋: multiply by γ every ``period`` steps."""
    return lambda t: eta0 * np.power(gamma, np.floor(_t(t) / period))


def exponential(eta0: Any, rate: Any) -> Schedule:
    """η_t = η₀ exp(−k t); summable: Σ_t η_t = η₀/(1 − e^(−k))."""
    return lambda t: eta0 * np.exp(-rate * _t(t))


def cosine(eta0: Any, eta_min: Any, horizon: Any) -> Schedule:
    """η_t = η_min + ½(η₀ − η_min)(1 + cos(π t/T)) for 0 ≤ t ≤ T, η_min afterwards (seed 004)."""

    def schedule(t):
        u = np.minimum(_t(t), horizon) / horizon
        return eta_min + 0.5 * (eta0 - eta_min) * (1 + np.cos(np.pi * u))

    return schedule


def cosine_restarts(eta0: Any, eta_min: Any, period: Any, mult: float = 1.0) -> Schedule:
    """SGDR (Loshchilov & Hutter 2017; seed 003): cosine annealing restarted every period.

    Periods are T₀, T₀·m, T₀·m², …; within period i the cosine runs over the
    step index t_cur counted from the period's start.
    """

    def schedule(t):
        t = _t(t)
        if mult == 1.0:
            start = period * np.floor(t / period)
            length = period * np.ones_like(t)
        else:
            i = np.floor(np.log1p(t * (mult - 1) / period) / np.log(mult))
            start = period * (mult**i - 1) / (mult - 1)
            length = period * mult**i
            # Guard rounding at period boundaries: t must lie in [start, start + length).
            late = t >= start + length
            start = np.where(late, start + length, start)
            length = np.where(late, length * mult, length)
        t_cur = t - start
        return eta_min + 0.5 * (eta0 - eta_min) * (1 + np.cos(np.pi * t_cur / length))

    return schedule


def cyclical(eta_min: Any, eta_max: Any, half_period: Any) -> Schedule:
    """Triangular cyclical rate (Smith 2017): η_min → η_max over s steps, back over s steps."""

    def schedule(t):
        t = _t(t)
        cycle = np.floor(1 + t / (2 * half_period))
        x = np.abs(t / half_period - 2 * cycle + 1)
        return eta_min + (eta_max - eta_min) * np.maximum(0.0, 1 - x)

    return schedule


def warmup(base: Schedule, steps: Any, start_factor: Any = 0.01) -> Schedule:
    """Linear warm-up over ``steps`` from start_factor·η_base(0) to η_base(0), then ``base`` shifted by W.

    Composes with any schedule (joined, optax ``join_schedules`` style): the
    base schedule starts its own clock when the warm-up ends.
    """

    def schedule(t):
        t = _t(t)
        peak = base(np.zeros_like(t))
        ramp = peak * (start_factor + (1 - start_factor) * t / steps)
        return np.where(t < steps, ramp, base(np.maximum(t - steps, 0.0)))

    return schedule


def inverse_time(c: Any) -> Schedule:
    """η_t = c/(t + 1), i.e. c/k for the k-th step (Robbins–Monro)."""
    return lambda t: c / (_t(t) + 1)


def inverse_sqrt(c: Any) -> Schedule:
    """η_t = c/√(t + 1), i.e. c/√k for the k-th step."""
    return lambda t: c / np.sqrt(_t(t) + 1)


def as_schedule(eta: Any) -> Schedule:
    """A schedule from a schedule or a constant (scalar or (runs, 1) array)."""
    return eta if callable(eta) else constant(eta)
