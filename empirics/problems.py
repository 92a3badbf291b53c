"""Problem catalogue: objectives with exact gradients, smoothness and minimisers.

Each problem acts on a batch ``x`` of shape (runs, dim) and returns values of
shape (runs,) and gradients of shape (runs, dim). Constants a claim relies on
(``L``, ``mu``, ``x_star``, ``f_star``) are attributes, derived in closed form
where known, so experiments never estimate what they can state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import expit, logsumexp


@dataclass(frozen=True)
class DiagonalQuadratic:
    """f(x) = ½ Σ_i a_i (x_i − x*_i)²; curvatures ``a`` of shape (dim,) or (runs, dim)."""

    curvatures: np.ndarray
    x_star: np.ndarray | float = 0.0

    def value(self, x: np.ndarray) -> np.ndarray:
        e = self._error(x)
        return 0.5 * np.sum(self.curvatures * e * e, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.curvatures * self._error(x)

    def _error(self, x: np.ndarray) -> np.ndarray:
        """x − x*, without a pass over the batch when x* = 0 (x − 0 is x exactly)."""
        if isinstance(self.x_star, (int, float)) and self.x_star == 0:
            return x
        return x - self.x_star

    @property
    def L(self) -> np.ndarray:
        return np.max(self.curvatures, axis=-1)

    @property
    def mu(self) -> np.ndarray:
        return np.min(self.curvatures, axis=-1)


@dataclass(frozen=True)
class Quadratic:
    """f(x) = ½ (x − x*)ᵀ A (x − x*) with symmetric A of shape (d, d) or one per run (runs, d, d)."""

    A: np.ndarray
    x_star: np.ndarray | float = 0.0

    def grad(self, x: np.ndarray) -> np.ndarray:
        e = x - self.x_star
        if self.A.ndim == 2:
            return e @ self.A  # A is symmetric, so e A = (A e)ᵀ row-wise
        return np.einsum("rij,rj->ri", self.A, e)

    def value(self, x: np.ndarray) -> np.ndarray:
        e = x - self.x_star
        return 0.5 * np.sum(e * self.grad(x), axis=-1)

    @property
    def eigenvalues(self) -> np.ndarray:
        return np.linalg.eigvalsh(self.A)

    @property
    def L(self) -> np.ndarray:
        return self.eigenvalues[..., -1]

    @property
    def mu(self) -> np.ndarray:
        return self.eigenvalues[..., 0]


def random_rotation(rng: np.random.Generator, dim: int, runs: int | None = None) -> np.ndarray:
    """Haar-distributed orthogonal matrix (or ``runs`` of them), via scipy.stats.ortho_group."""
    if runs is None:
        return stats.ortho_group.rvs(dim, random_state=rng)
    q = stats.ortho_group.rvs(dim, size=runs, random_state=rng)
    return q.reshape(runs, dim, dim)


def rotated_quadratic(rng: np.random.Generator, spectra: np.ndarray) -> Quadratic:
    """Quadratics with the given spectra (runs, dim), each in a random orthonormal basis."""
    spectra = np.atleast_2d(np.asarray(spectra, dtype=float))
    runs, dim = spectra.shape
    q = random_rotation(rng, dim, runs)
    A = np.einsum("rij,rj,rkj->rik", q, spectra, q)
    return Quadratic(0.5 * (A + np.swapaxes(A, 1, 2)))


def separated_spectrum(rng: np.random.Generator, runs: int, dim: int, mu: np.ndarray, L: np.ndarray,
                       gap: float = 0.1) -> np.ndarray:
    """Spectra containing mu and L exactly, the other eigenvalues uniform in the middle.

    The interior eigenvalues keep a relative ``gap`` from both ends so that the
    extreme eigen-directions dominate the asymptotic rate after few steps.
    """
    mu = np.broadcast_to(np.asarray(mu, dtype=float), (runs,))
    L = np.broadcast_to(np.asarray(L, dtype=float), (runs,))
    width = (L - mu)[:, None]
    interior = mu[:, None] + width * (gap + (1 - 2 * gap) * rng.random((runs, dim - 2)))
    return np.concatenate([mu[:, None], interior, L[:, None]], axis=1)


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
class Linear:
    """f(x) = gᵀx: a constant gradient (the setting of momentum's amplification)."""

    g: np.ndarray

    def value(self, x: np.ndarray) -> np.ndarray:
        return x @ self.g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.g, x.shape)
