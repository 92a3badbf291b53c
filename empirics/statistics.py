"""Confidence intervals with a stated level, exponent fits across seeds, and the catalogue's α.

Why α = 1e-4 per claim (cited by every stochastic claim)
--------------------------------------------------------
A correct claim is falsely refuted when its interval misses the truth. The
catalogue holds at most ~60 claims, and a CI run
verifies all of them. With a level ``CLAIM_ALPHA = 1e-4`` per claim, split
across the claim's points by Bonferroni (``alpha / points`` per point, valid
whatever the dependence between points), the union bound gives a family-wise
probability of a false refutation of at most ``60 × 1e-4 = 0.6 %`` per run of
the whole catalogue, below the 1 % the suite promises. The price is wide
intervals (z ≈ 3.9 for one point, ≈ 4.4 for ten), which each claim pays for
with enough runs; an interval wider than the claim's stated resolution is
INCONCLUSIVE, never a silent pass.

Which interval where
--------------------
- mean of i.i.d. samples with unknown variance: Student t (``mean_interval``);
  with a standard error from elsewhere: normal (``normal_interval``);
- a variance (or second moment about a known mean) of Gaussian samples:
  chi-square, exact for Gaussian data (``variance_interval``);
- a statistic whose law is unknown: percentile bootstrap
  (``bootstrap_interval``);
- an exponent (log-log slope): one fit per independent seed, then a Student t
  interval over the seeds' slopes (``slope_across_seeds``), so the interval
  reflects seed-to-seed variation instead of assuming independent residuals
  along one trajectory.

Every function takes the claim's family-wise ``alpha`` and the number of
``points`` it is split across, and returns an ``Interval`` whose ``level`` is
the family-wise level (what ``Measurement.level`` must be set to).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

CATALOGUE_CLAIMS = 60
"""Upper bound on the number of claims in the catalogue."""

FAMILY_WISE_BUDGET = 0.01
"""The promised bound on the chance of any false refutation in one catalogue run."""

CLAIM_ALPHA = 1e-4
"""Per-claim level: CATALOGUE_CLAIMS × CLAIM_ALPHA = 0.6 % ≤ FAMILY_WISE_BUDGET."""

assert CATALOGUE_CLAIMS * CLAIM_ALPHA <= FAMILY_WISE_BUDGET


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided interval; ``level`` is the family-wise α it holds at."""

    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float

    @property
    def half_width(self) -> np.ndarray:
        return 0.5 * (np.asarray(self.upper) - np.asarray(self.lower))

    def contains(self, value) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        return (np.asarray(self.lower) <= value) & (value <= np.asarray(self.upper))

    def resolved(self, reference, resolution: float, relative: bool = True) -> np.ndarray:
        """True where the half-width is within ``resolution`` (relative to |reference| if asked)."""
        scale = np.abs(np.asarray(reference, dtype=float)) if relative else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.half_width / scale <= resolution)


def per_point(alpha: float, points: int) -> float:
    """Bonferroni: the level each of ``points`` intervals needs for a family-wise ``alpha``."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    return alpha / max(int(points), 1)


def normal_interval(estimate, stderr, alpha: float, points: int = 1) -> Interval:
    """estimate ± z·stderr with z the normal quantile at the per-point level."""
    estimate = np.asarray(estimate, dtype=float)
    z = stats.norm.ppf(1 - per_point(alpha, points) / 2)
    half = z * np.asarray(stderr, dtype=float)
    return Interval(estimate, estimate - half, estimate + half, alpha)


def mean_interval(samples, alpha: float, axis: int = 0, points: int = 1) -> Interval:
    """Sample mean with a Student-t interval (i.i.d. samples along ``axis``)."""
    samples = np.asarray(samples, dtype=float)
    n = samples.shape[axis]
    if n < 2:
        raise ValueError("mean_interval needs at least two samples")
    mean = samples.mean(axis=axis)
    sem = samples.std(axis=axis, ddof=1) / np.sqrt(n)
    q = stats.t.ppf(1 - per_point(alpha, points) / 2, n - 1)
    return Interval(mean, mean - q * sem, mean + q * sem, alpha)


def draws_for_half_width(cv: float, relative_half_width: float, alpha: float, points: int = 1,
                         minimum: int = 2, maximum: int | None = None) -> int:
    """Draws a Student-t mean interval needs for a half-width of ``relative_half_width`` × |mean|.

    ``cv`` = sd/|mean|, its sd from an independent pilot sample and its mean known where possible (a pilot's
    mean is noisy when cv is large). Stein's two-stage procedure: the main sample is drawn afresh, so its
    interval is exact whatever the pilot said. The quantile is taken at
    ``minimum`` − 1 degrees of freedom, larger than at any bigger sample, so the size errs upwards.
    Clipped to [minimum, maximum]; a caller reports when the cap binds.
    """
    q = stats.t.ppf(1 - per_point(alpha, points) / 2, max(minimum, 2) - 1)
    needed = int(np.ceil((q * cv / relative_half_width) ** 2))
    return int(np.clip(needed, minimum, maximum if maximum is not None else max(needed, minimum)))


def variance_interval(samples, alpha: float, axis: int = 0, points: int = 1, known_mean=None) -> Interval:
    """Chi-square interval for the variance of Gaussian samples.

    With ``known_mean`` the estimate is the mean squared deviation from it
    (n degrees of freedom); otherwise the unbiased sample variance (n − 1).
    Exact for Gaussian data; for other laws prefer ``bootstrap_interval``.
    """
    samples = np.asarray(samples, dtype=float)
    n = samples.shape[axis]
    if known_mean is None:
        dof = n - 1
        estimate = samples.var(axis=axis, ddof=1)
    else:
        dof = n
        estimate = np.mean((samples - np.asarray(known_mean)) ** 2, axis=axis)
    a = per_point(alpha, points)
    lower = dof * estimate / stats.chi2.ppf(1 - a / 2, dof)
    upper = dof * estimate / stats.chi2.ppf(a / 2, dof)
    return Interval(estimate, lower, upper, alpha)


def bootstrap_interval(
    samples,
    statistic: Callable[[np.ndarray], np.ndarray],
    alpha: float,
    rng: np.random.Generator,
    resamples: int = 2000,
    points: int = 1,
) -> Interval:
    """Percentile bootstrap along axis 0, vectorised over resamples.

    ``statistic`` maps an array of shape (resamples, n, ...) to
    (resamples, ...) (it reduces axis 1). Resampling indices are drawn at once.
    At very small α the percentile needs many resamples: ``resamples`` must
    leave at least ~5 resamples in each tail, checked here.
    """
    samples = np.asarray(samples, dtype=float)
    n = samples.shape[0]
    a = per_point(alpha, points)
    if resamples * a / 2 < 5:
        raise ValueError(f"{resamples} resamples leave fewer than 5 in each tail at level {a:g}")
    estimate = statistic(samples[None])[0]
    idx = rng.integers(0, n, size=(resamples, n))
    boot = statistic(samples[idx])
    lower, upper = np.quantile(boot, [a / 2, 1 - a / 2], axis=0)
    return Interval(np.asarray(estimate), lower, upper, alpha)


@dataclass(frozen=True)
class ExponentFit:
    """Slope of y on x fitted per seed; interval over the seeds' slopes (Student t)."""

    estimate: float
    lower: float
    upper: float
    level: float
    slopes: np.ndarray
    seeds: int


def slope_across_seeds(x, y, alpha: float, points: int = 1, correction=None) -> ExponentFit:
    """Exponent from independent seeds: OLS slope of ``y[s]`` on ``x`` per seed s.

    Args:
        x: regressor, shape (m,) (e.g. log η or log t).
        y: responses, shape (seeds, m) (e.g. log of a per-seed mean).
        alpha: family-wise level; the interval is at ``alpha / points``.
        points: how many exponents the claim reports (Bonferroni).
        correction: optional extra regressor(s) of shape (m,) or (k, m) fitted
            jointly (e.g. η itself, for a leading O(η) correction to a
            power law in η); the slope reported is the coefficient of x.

    Returns:
        ExponentFit; seeds are independent, so the t interval over their
        slopes is valid whatever the correlation along x within a seed.
    """
    x = np.asarray(x, dtype=float)
    y = np.atleast_2d(np.asarray(y, dtype=float))
    columns = [np.ones_like(x), x]
    if correction is not None:
        columns.extend(np.atleast_2d(np.asarray(correction, dtype=float)))
    design = np.stack(columns, axis=1)
    coef, *_ = np.linalg.lstsq(design, y.T, rcond=None)
    slopes = coef[1]
    seeds = slopes.size
    if seeds < 2:
        raise ValueError("slope_across_seeds needs at least two seeds")
    interval = mean_interval(slopes, alpha, points=points)
    return ExponentFit(float(interval.estimate), float(interval.lower), float(interval.upper), alpha, slopes, seeds)
