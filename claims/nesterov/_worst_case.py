"""Shared experiment for the Nesterov exponent claims: worst-case gap over 1-D quadratics.

For a method and a horizon grid, the measured curve is
g(T) = max_λ ½λ x_T(λ)² / (L R²) over a random set of curvatures λ ∈ [λ_min, L]
(1-D quadratics f = ½λx², x₀ = R): a Monte-Carlo approximation of the worst
case over the L-smooth convex quadratics with ‖x₀ − x*‖ = R, one batch of 1-D
runs. Each random λ-set is an independent instance. Per instance the exponent
is fitted with the first correction of the asymptotic expansion,
log g = a + p·log(T + 1) + c/(T + 1), and the interval is the Student-t
interval of the mean of the instance exponents.
"""

from __future__ import annotations

import numpy as np

from empirics.engine import run


def worst_case_curves(optimizer, rng, instances: int, curvatures: int, horizons: np.ndarray,
                      lam_min: float) -> np.ndarray:
    """g(T) per instance, shape (instances, len(horizons)); L = R = 1."""
    lam = np.exp(rng.uniform(np.log(lam_min), 0.0, (instances, curvatures))).ravel()
    traj = run(optimizer, lambda x: lam[:, None] * x, np.ones((lam.size, 1)), int(horizons.max()),
               observe=lambda x: 0.5 * lam * x[:, 0] ** 2, checkpoints=horizons)
    return traj.observations.reshape(len(horizons), instances, curvatures).max(axis=2).T


def corrected_exponent(horizons: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """Per-instance p in log g = a + p log(T+1) + c/(T+1) (least squares)."""
    x = np.stack([np.ones(len(horizons)), np.log(horizons + 1.0), 1.0 / (horizons + 1.0)], axis=1)
    coef, *_ = np.linalg.lstsq(x, np.log(curves).T, rcond=None)
    return coef[1]
