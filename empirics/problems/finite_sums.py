"""Finite sums f(x) = (1/n) Σ_i f_i(x) with per-sample gradients, batched over runs.

Shared by the stochastic-gradient and variance-reduction claims. Every method
takes ``x`` of shape (runs, d); sample indices are integer arrays of shape
(runs,) (one sample per run) or (runs, B) (a mini-batch per run).

Constants: ``L`` smoothness of the average, ``L_max`` the largest component
smoothness, ``mu`` strong convexity, ``x_star`` and ``f_star`` the minimiser
and minimum (solved in closed form for ridge, by Newton's method for logistic).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import expit


def _batch_rows(features: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Rows a_i for indices of shape (runs,) or (runs, B) -> (runs, B, d)."""
    indices = np.asarray(indices)
    if indices.ndim == 1:
        indices = indices[:, None]
    return features[indices]


@dataclass(frozen=True, eq=False)
class Ridge:
    """f_i(x) = ½(a_iᵀx − y_i)² + (reg/2)‖x‖²."""

    features: np.ndarray  # (n, d)
    targets: np.ndarray  # (n,)
    reg: float = 0.0

    @property
    def n(self) -> int:
        return self.features.shape[0]

    @cached_property
    def hessian(self) -> np.ndarray:
        d = self.features.shape[1]
        return self.features.T @ self.features / self.n + self.reg * np.eye(d)

    @cached_property
    def _eigenvalues(self) -> np.ndarray:
        return np.linalg.eigvalsh(self.hessian)

    @property
    def L(self) -> float:
        return float(self._eigenvalues[-1])

    @property
    def mu(self) -> float:
        return float(self._eigenvalues[0])

    @property
    def L_max(self) -> float:
        return float(np.max(np.sum(self.features**2, axis=1)) + self.reg)

    @cached_property
    def x_star(self) -> np.ndarray:
        return np.linalg.solve(self.hessian, self.features.T @ self.targets / self.n)

    @cached_property
    def f_star(self) -> float:
        return float(self.value(self.x_star[None, :])[0])

    def value(self, x: np.ndarray) -> np.ndarray:
        residual = x @ self.features.T - self.targets
        return 0.5 * np.mean(residual**2, axis=-1) + 0.5 * self.reg * np.sum(x * x, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        residual = x @ self.features.T - self.targets
        return residual @ self.features / self.n + self.reg * x

    def sample_grad(self, x: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """Mean gradient of the sampled components, per run: (runs, d)."""
        rows = _batch_rows(self.features, indices)
        idx = np.asarray(indices).reshape(rows.shape[:2])
        residual = np.einsum("rbd,rd->rb", rows, x) - self.targets[idx]
        return np.einsum("rb,rbd->rd", residual, rows) / rows.shape[1] + self.reg * x

    def component_grads(self, x: np.ndarray) -> np.ndarray:
        """Every component gradient at every run's x: (runs, n, d). Memory R·n·d."""
        residual = x @ self.features.T - self.targets  # (runs, n)
        return residual[:, :, None] * self.features[None] + self.reg * x[:, None, :]


@dataclass(frozen=True, eq=False)
class Logistic:
    """f_i(x) = log(1 + exp(−y_i a_iᵀx)) + (reg/2)‖x‖², labels y_i ∈ {−1, +1}."""

    features: np.ndarray
    labels: np.ndarray
    reg: float

    @property
    def n(self) -> int:
        return self.features.shape[0]

    @property
    def L(self) -> float:
        return float(np.linalg.eigvalsh(self.features.T @ self.features)[-1] / (4 * self.n) + self.reg)

    @property
    def mu(self) -> float:
        """A lower bound on the strong convexity: the regulariser's (the loss adds ≥ 0 curvature)."""
        return float(self.reg)

    @property
    def L_max(self) -> float:
        return float(np.max(np.sum(self.features**2, axis=1)) / 4 + self.reg)

    def value(self, x: np.ndarray) -> np.ndarray:
        margins = (x @ self.features.T) * self.labels
        return np.mean(np.logaddexp(0.0, -margins), axis=-1) + 0.5 * self.reg * np.sum(x * x, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        margins = (x @ self.features.T) * self.labels
        weights = -self.labels * expit(-margins)
        return weights @ self.features / self.n + self.reg * x

    def sample_grad(self, x: np.ndarray, indices: np.ndarray) -> np.ndarray:
        rows = _batch_rows(self.features, indices)
        idx = np.asarray(indices).reshape(rows.shape[:2])
        labels = self.labels[idx]
        margins = np.einsum("rbd,rd->rb", rows, x) * labels
        weights = -labels * expit(-margins)
        return np.einsum("rb,rbd->rd", weights, rows) / rows.shape[1] + self.reg * x

    def component_grads(self, x: np.ndarray) -> np.ndarray:
        margins = (x @ self.features.T) * self.labels
        weights = -self.labels * expit(-margins)  # (runs, n)
        return weights[:, :, None] * self.features[None] + self.reg * x[:, None, :]

    @cached_property
    def x_star(self) -> np.ndarray:
        """Newton's method to machine precision (the objective is smooth and strongly convex)."""
        d = self.features.shape[1]
        x = np.zeros(d)
        for _ in range(100):
            margins = (self.features @ x) * self.labels
            p = expit(-margins)
            gradient = -(self.labels * p) @ self.features / self.n + self.reg * x
            weights = p * (1 - p)
            hessian = (self.features.T * weights) @ self.features / self.n + self.reg * np.eye(d)
            step = np.linalg.solve(hessian, gradient)
            x = x - step
            if np.linalg.norm(step) <= 1e-15 * max(1.0, np.linalg.norm(x)):
                break
        return x

    @cached_property
    def f_star(self) -> float:
        return float(self.value(self.x_star[None, :])[0])


def synthetic_ridge(rng: np.random.Generator, n: int, d: int, kappa: float, noise: float = 0.1,
                    reg: float = 0.0) -> Ridge:
    """Ridge finite sum whose Hessian AᵀA/n + reg·I has condition number exactly ``kappa``.

    The feature matrix is Q·diag(s)·Vᵀ scaled so that the Hessian's spectrum is
    log-spaced in [1, kappa] (reg = 0) or shifted by reg otherwise; targets are
    a random linear model plus Gaussian noise.
    """
    if n < d:
        raise ValueError("synthetic_ridge needs n >= d for a full-rank design")
    spectrum = np.geomspace(1.0, kappa, d) - reg  # Hessian eigenvalues minus the regulariser
    if np.any(spectrum <= 0):
        raise ValueError("reg must be below the smallest Hessian eigenvalue (1)")
    left, _ = np.linalg.qr(rng.standard_normal((n, d)))
    right, _ = np.linalg.qr(rng.standard_normal((d, d)))
    features = np.sqrt(n) * (left * np.sqrt(spectrum)) @ right.T
    truth = rng.standard_normal(d)
    targets = features @ truth + noise * rng.standard_normal(n)
    return Ridge(features, targets, reg)


def synthetic_logistic(rng: np.random.Generator, n: int, d: int, reg: float, scale: float = 1.0) -> Logistic:
    """L2-regularised logistic regression on Gaussian features with labels from a noisy linear model."""
    features = scale * rng.standard_normal((n, d))
    truth = rng.standard_normal(d)
    labels = np.where(features @ truth + 0.5 * rng.standard_normal(n) > 0, 1.0, -1.0)
    return Logistic(features, labels, reg)
