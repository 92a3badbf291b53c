"""Estimators: threshold bisection, linear-rate and slope fits.

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
