"""Estimators: threshold bisection, growth over the second half, crossing times, rates and slopes.

Each returns plain arrays; the claim decides what is compared with theory.
Confidence intervals for stochastic claims live in ``empirics.statistics``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats


def bisect_threshold(
    unstable: Callable[[np.ndarray], np.ndarray],
    lower: np.ndarray,
    upper: np.ndarray,
    iterations: int = 60,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised bisection of many thresholds at once.

    ``unstable(values)`` classifies a batch of candidate values (one per
    bracket) as unstable (True) or stable (False). Each bracket starts with
    ``lower`` stable and ``upper`` unstable (checked) and is halved
    ``iterations`` times; all brackets advance together in one batched call
    per iteration.

    Returns:
        The final (lower, upper) brackets; the threshold lies between them.
    """
    lo = np.array(lower, dtype=float)
    hi = np.array(upper, dtype=float)
    if np.any(unstable(lo)) or not np.all(unstable(hi)):
        raise ValueError("bisect_threshold needs every bracket to start stable below and unstable above")
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        bad = unstable(mid)
        hi = np.where(bad, mid, hi)
        lo = np.where(bad, lo, mid)
    return lo, hi


# An amplitude below this at mid-run means the run contracted: an unstable linear recurrence keeps
# at least its O(1) initial share, while a stable one that far down is near float64's subnormals
# (below ~2.2e-308), where rounding stops the decay and late ≥ early would read as growth.
UNDERFLOW_FLOOR = 1e-200


def grows(early: np.ndarray, late: np.ndarray, diverged: np.ndarray | bool = False,
          floor: float = UNDERFLOW_FLOOR) -> np.ndarray:
    """The stability classifier of a bisection: did each run's amplitude grow over the second half?

    ``early`` and ``late`` are amplitudes at T/2 and T (for an oscillating second-order
    recurrence, an amplitude of two consecutive iterates, e.g. their max or hypot). A run
    grows when it diverged, or when ``late > early`` and ``early ≥ floor`` (the underflow
    guard, see ``UNDERFLOW_FLOOR``). A NaN amplitude of a run not marked diverged counts
    as not growing.
    """
    early = np.asarray(early, dtype=float)
    return np.asarray(diverged, dtype=bool) | ((late > early) & (early >= floor))


def second_half_growth(early: np.ndarray, late: np.ndarray, diverged: np.ndarray | bool = False,
                       floor: float = UNDERFLOW_FLOOR) -> np.ndarray:
    """Each run's growth factor late/early over the second half, for maps and figures.

    ``inf`` for a diverged run, 0 where ``early < floor`` (contracted, see ``grows``), so
    it exceeds 1 exactly where ``grows`` holds (up to the rounding of the quotient).
    """
    early = np.asarray(early, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.asarray(late, dtype=float) / early
    ratio = np.where(early < floor, 0.0, ratio)
    return np.where(diverged, np.inf, ratio)


def crossing_fraction(before: np.ndarray, after: np.ndarray, level) -> np.ndarray:
    """Where within one step a positive sequence going from ``before`` to ``after`` crosses ``level``.

    Log-linear: the fraction φ with before·(after/before)^φ = level, i.e.
    φ = log(level/before)/log(after/before), exact for a geometric sequence; for a crossing
    (level between the two) φ lies in [0, 1]. Up- and down-crossings alike; ratios, not
    differences of logs, so a level close to ``before`` loses no digits to cancellation.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(level / before) / np.log(after / before)


def first_crossing(values: np.ndarray, axis_values: np.ndarray, level) -> np.ndarray:
    """Per run, the log-linearly interpolated axis value where ``values`` (K, R) first drops to ``level``.

    ``axis_values`` (K,) is the recording grid (steps, gradient evaluations); ``level`` a
    scalar or (R,). A run already at or below the level at the first record crosses at
    ``axis_values[0]``; a run that never reaches it gets ``inf``.
    """
    values = np.asarray(values, dtype=float)
    axis_values = np.asarray(axis_values, dtype=float)
    level = np.broadcast_to(np.asarray(level, dtype=float), values.shape[1:])
    below = values <= level
    reached = below.any(axis=0)
    first = np.argmax(below, axis=0)
    prev = np.maximum(first - 1, 0)
    cols = np.arange(values.shape[1])
    fraction = np.where(first > 0, crossing_fraction(values[prev, cols], values[first, cols], level), 0.0)
    # A zero value or a flat step gives NaN or ±inf: the crossing is then at the step's end or start.
    fraction = np.clip(np.nan_to_num(fraction), 0.0, 1.0)
    a0, a1 = axis_values[prev], axis_values[first]
    return np.where(reached, a0 + fraction * (a1 - a0), np.inf)


def linear_rate(errors: np.ndarray, t: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Per-run geometric rate ρ from errors[t] ≈ C ρ^t between two checkpoints.

    ρ̂ = (e_stop / e_start)^(1/(t_stop − t_start)), computed in logs. ``errors``
    has shape (len(t), runs).
    """
    log_e = np.log(errors)
    return np.exp((log_e[stop] - log_e[start]) / (t[stop] - t[start]))


@dataclass(frozen=True)
class SlopeFit:
    """An ordinary least-squares slope with its (1 − alpha) t-interval."""

    slope: float
    intercept: float
    lower: float
    upper: float
    alpha: float
    points: int


def fit_slope(x: np.ndarray, y: np.ndarray, alpha: float) -> SlopeFit:
    """OLS slope of y on x with a two-sided Student-t interval at level alpha.

    Use on log-log data for exponents (x = log T, y = log error). The interval
    assumes independent residuals; where residuals are systematic (a
    deterministic trajectory), prefer ``empirics.statistics.slope_across_seeds``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    result = stats.linregress(x, y)
    dof = len(x) - 2
    q = stats.t.ppf(1 - alpha / 2, dof)
    return SlopeFit(result.slope, result.intercept, result.slope - q * result.stderr,
                    result.slope + q * result.stderr, alpha, len(x))


def complex_step_directional(value, x: np.ndarray, d: np.ndarray, step: float = 1e-30) -> np.ndarray:
    """Directional derivative ∇f(x)·d by the complex step Im f(x + i·s·d)/s.

    No subtractive cancellation: the result is exact to rounding for any
    real-analytic f written with complex-safe operations (Squire & Trapp 1998).
    """
    return np.imag(value(x + 1j * step * d)) / step
