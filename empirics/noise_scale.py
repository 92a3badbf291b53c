"""Steps to a target loss against batch size, with the step size tuned per batch size.

The experiment behind ``sgd.noise-scale``: constant-step SGD on f(θ) = ½aθ²
with additive Gaussian gradient noise of variance σ²/B. A *configuration* is a
pair (B, h) with h = ηa; all configurations run in one batch, laid out as
(configurations, groups, runs per group). In the tuning stage every
configuration of a group sees the *same* standard normal draws ξ_t (common
random numbers), so differences across the grid are not masked by sampling
noise; in the estimation stage each configuration has its own draws, so the
points are independent evidence. Groups are always independent. The only
Python loop is over time; configurations that are done are dropped from the
arrays (compaction), so the cost follows the steps each one needs, not the
slowest one.

Reaching the target: a group's mean of θ_t² (its estimate of E θ_t², hence of
the expected loss ½a E θ_t²) falls to m*. The crossing time is interpolated
linearly in log m between the two integer steps that bracket it, so S is a
real number (the theory's crossing time is real too); a configuration that has
not crossed within ``max_steps`` has S = inf.

Tuning and estimation are separate runs on independent noise: ``tune_steps``
runs the grid B × h with fewer runs and picks, per B, the h with the smallest
mean S (the claim pools all tuning runs into one group: a pooled mean is far
less likely than small groups' means to cross a target just above a step's
noise floor by chance, which would flatter steps that cannot reach it);
``crossing_times`` is then run again at the tuned (B, h) pairs only,
with many runs, and its groups give the interval. So the selection does not
bias the interval (the selected step's S is estimated on fresh noise), and the
expensive, precise stage costs one configuration per B.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .estimators import crossing_fraction
from .statistics import Interval, mean_interval


def step_gains(step, curvature, sigma, batch):
    """(1 − h, (h/a)σ/√B): SGD with η = h/a on ½aθ² (θ* = 0) under the mean of B per-sample noises σξ."""
    return 1.0 - step, (step / curvature) * sigma / np.sqrt(batch)


def noisy_step(theta, contraction, noise_gain, xi):
    """θ_{t+1} = (1 − h)θ_t − (h/a)(σ/√B)ξ_t, the gains from ``step_gains``."""
    return contraction * theta - noise_gain * xi


def crossing_times(
    rng: np.random.Generator,
    curvature: float,
    sigma: float,
    theta0: float,
    target_second_moment: float,
    batch,
    step,
    groups: int,
    runs_per_group: int,
    max_steps: int,
    race_key=None,
    race: float | None = None,
    common_noise: bool = True,
) -> tuple[np.ndarray, int]:
    """Each group's crossing time of m* for every configuration (B_k, h_k): shape (groups, K).

    Math:
        θ_{t+1} = (1 − h)θ_t − (h/a)(σ/√B) ξ_t,   ξ_t ~ N(0, 1) (shared across configurations
                                                   when ``common_noise``)
        m̂_t = mean over the group's runs of θ_t²
        S = t − 1 + log(m*/m̂_{t−1})/log(m̂_t/m̂_{t−1})  at the first t with m̂_t ≤ m*
        (``estimators.crossing_fraction``)

    Args:
        rng: the claim's generator.
        curvature: a. theta0: the common start. target_second_moment: m*.
        sigma, batch, step: per-sample noise std σ_k (σ_k²/B_k is the batch noise variance),
            B_k and h_k = ηa per configuration, shape (K,) (σ may be a scalar); h_k in (0, 1).
        groups, runs_per_group: independent groups × runs whose mean estimates E θ².
        max_steps: time budget; configurations not at the target by then get S = inf.
        race_key, race: optional racing for a tuning grid. Configurations sharing a
            key (the same B) race: once one of them has reached the target in every
            group at time t₁, the others still short of it after ``race``·t₁ are
            dropped (S = inf): a step needing more than ``race`` times the steps of
            the best one is not the tuned step.
        common_noise: every configuration of a group sees the same draws (a tuning grid,
            where only differences matter); False gives every configuration its own
            independent draws (estimation, where points must be independent evidence:
            (σ, B) and (2σ, 4B) would otherwise replay the very same trajectories).

    Returns:
        (S of shape (groups, K), number of time steps simulated).
    """
    batch = np.asarray(batch, dtype=float)
    step = np.asarray(step, dtype=float)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), batch.shape)
    if np.any(step <= 0) or np.any(step >= 1):
        raise ValueError("step sizes h = ηa must lie in (0, 1)")
    configs = batch.size
    contraction, noise_gain = step_gains(step, curvature, sigma, batch)
    key = np.zeros(configs, dtype=int) if race_key is None else np.asarray(race_key, dtype=int)
    first_done = np.full(key.max() + 1, np.inf)
    active = np.arange(configs)
    theta = np.full((configs, groups, runs_per_group), float(theta0))
    m_prev = np.full((configs, groups), float(theta0) ** 2)
    crossing = np.full((configs, groups), np.inf)
    pending = np.ones((configs, groups), dtype=bool)
    t = 0
    with np.errstate(all="ignore"):
        while t < max_steps and active.size:
            t += 1
            xi = rng.standard_normal((1 if common_noise else active.size, groups, runs_per_group))
            theta = noisy_step(theta, contraction[active, None, None], noise_gain[active, None, None], xi)
            m = np.mean(theta * theta, axis=2)  # (active, groups)
            hit = pending[active] & (m <= target_second_moment)
            fraction = crossing_fraction(m_prev, m, target_second_moment)
            crossing[active] = np.where(hit, t - 1 + fraction, crossing[active])
            pending[active] &= ~hit
            m_prev = m
            done = ~pending[active].any(axis=1)
            np.minimum.at(first_done, key[active[done]], t)
            keep = ~done
            if race is not None:
                keep &= t <= race * first_done[key[active]]
            if not keep.all():
                active, theta, m_prev = active[keep], theta[keep], m_prev[keep]
    return crossing.T, t


@dataclass(frozen=True)
class Tuning:
    """The tuning stage: mean S over the grid and the tuned step per batch size."""

    step_grid: np.ndarray  # (nh,)
    mean_steps: np.ndarray  # (nB, nh), inf where some group missed the target
    index: np.ndarray  # (nB,)
    step: np.ndarray  # (nB,) tuned h
    at_grid_edge: np.ndarray  # (nB,) the tuned h is the smallest or the largest grid point


def tune_steps(rng, curvature, sigma, theta0, target_second_moment, batches, step_grid, groups,
               runs_per_group, max_steps, race=3.0) -> Tuning:
    """Run the grid of points (σ_p, B_p) × h (racing per point) and pick, per point, the h with the smallest mean S.

    ``sigma`` and ``batches`` have shape (P,) (σ may be a scalar); the result is indexed by point.
    """
    batches = np.asarray(batches, dtype=float)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), batches.shape)
    grid = np.asarray(step_grid, dtype=float)
    bb, hh = np.meshgrid(batches, grid, indexing="ij")
    ss = np.repeat(sigma, grid.size)
    key = np.repeat(np.arange(batches.size), grid.size)
    crossing, _ = crossing_times(rng, curvature, ss, theta0, target_second_moment, bb.ravel(), hh.ravel(),
                                 groups, runs_per_group, max_steps, race_key=key, race=race)
    with np.errstate(invalid="ignore"):
        mean = crossing.mean(axis=0).reshape(batches.size, grid.size)
    index = np.argmin(mean, axis=1)
    edge = (index == 0) | (index == grid.size - 1)
    return Tuning(grid, mean, index, grid[index], edge)


def steps_interval(crossing: np.ndarray, alpha: float) -> Interval:
    """Student-t interval for the mean S per configuration over independent groups (Bonferroni over them)."""
    with np.errstate(invalid="ignore"):
        return mean_interval(crossing, alpha, axis=0, points=crossing.shape[1])


def mccandlish_interpolation(batches, s_min: float, b_crit: float) -> np.ndarray:
    """McCandlish et al. (2018): S = S_min(1 + B_crit/B) (drawn beside the derived law)."""
    return s_min * (1.0 + b_crit / np.asarray(batches, dtype=float))
