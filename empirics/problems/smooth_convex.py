"""Smooth convex objectives that are not quadratics, with their smoothness constants in closed form.

Linear (a constant gradient), logistic loss, log-sum-exp and softplus (complex-safe
values for complex-step derivatives), the radial Huber function (the worst case of GD
at η = 1/L) and Lessard et al.'s piecewise quadratic (heavy ball's counterexample).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logsumexp


@dataclass(frozen=True)
class Linear:
    """f(x) = gᵀx: a constant gradient (the setting of momentum's amplification)."""

    g: np.ndarray

    def value(self, x: np.ndarray) -> np.ndarray:
        return x @ self.g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.g, x.shape)


@dataclass(frozen=True)
class LogisticLoss:
    """f(x) = mean_i log(1 + exp(−y_i a_iᵀx)); L = λ_max(AᵀA)/(4n)."""

    features: np.ndarray  # (n, d)
    labels: np.ndarray  # (n,) in {−1, +1}

    def value(self, x: np.ndarray) -> np.ndarray:
        margins = (x @ self.features.T) * self.labels
        return np.mean(np.logaddexp(0.0, -margins), axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        margins = (x @ self.features.T) * self.labels
        weights = -self.labels * expit(-margins)
        return weights @ self.features / self.features.shape[0]

    @property
    def L(self) -> float:
        n = self.features.shape[0]
        return float(np.linalg.eigvalsh(self.features.T @ self.features)[-1] / (4 * n))


@dataclass(frozen=True)
class LogSumExp:
    """f(x) = log Σ_i exp(a_iᵀx); L = ½ λ_max(AᵀA) (Böhning's bound diag(p) − ppᵀ ≼ ½ I)."""

    matrix: np.ndarray  # (m, d)

    def value(self, x: np.ndarray) -> np.ndarray:
        return logsumexp(x @ self.matrix.T, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.matrix.T
        p = np.exp(z - logsumexp(z, axis=-1, keepdims=True))
        return p @ self.matrix

    @property
    def L(self) -> float:
        return float(0.5 * np.linalg.eigvalsh(self.matrix.T @ self.matrix)[-1])


@dataclass(frozen=True)
class Softplus:
    """f(x) = Σ_j log(1 + exp(a_jᵀx)) (complex-safe form for moderate arguments)."""

    matrix: np.ndarray  # (m, d)

    def value(self, x):
        return np.sum(np.log(1 + np.exp(x @ self.matrix.T)), axis=1)

    def grad(self, x):
        z = x @ self.matrix.T
        return (1 / (1 + np.exp(-z))) @ self.matrix


@dataclass(frozen=True)
class Huber:
    """Radial Huber function, L-smooth and convex, minimiser 0, f* = 0.

    f(x) = L‖x‖²/2 for ‖x‖ ≤ δ, and Lδ‖x‖ − Lδ²/2 beyond. With δ = R/(2T + 1)
    and ‖x₀‖ = R it is the Drori–Teboulle (2014) worst case of GD with η = 1/L:
    f(x_T) − f* = LR²/(4T + 2). ``delta`` may be (runs, 1).
    """

    L: float | np.ndarray
    delta: float | np.ndarray

    def value(self, x: np.ndarray) -> np.ndarray:
        r = np.linalg.norm(x, axis=1, keepdims=True)
        out = np.where(r <= self.delta, 0.5 * self.L * r * r, self.L * self.delta * r - 0.5 * self.L * self.delta**2)
        return out[:, 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        r = np.linalg.norm(x, axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(r <= self.delta, self.L, self.L * self.delta / np.where(r > 0, r, 1.0))
        return scale * x


@dataclass(frozen=True)
class LessardPiecewiseQuadratic:
    """Lessard, Recht & Packard (2016, §4.6): a 1-D piecewise quadratic, μ = 1, L = 25.

    f'(x) = 25x for x < 1, x + 24 for 1 ≤ x < 2, 25x − 24 for x ≥ 2: f' is
    continuous and increasing with slopes in {1, 25}, so f is 25-smooth and
    1-strongly convex; minimiser x* = 0, f* = 0.
    """

    L: float = 25.0
    mu: float = 1.0

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))

    def value(self, x: np.ndarray) -> np.ndarray:
        f = np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))
        return np.sum(f, axis=1)
