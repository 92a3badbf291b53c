"""Quadratics: f(x) = ½ (x − x*)ᵀ A (x − x*) in its diagonal, dense and worst-case forms.

Spectra are stated, not estimated: ``L`` and ``mu`` are the extreme eigenvalues,
and the helpers build random orthonormal bases around a given spectrum.
Nesterov's chain quadratic is the first-order lower-bound instance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class DiagonalQuadratic:
    """f(x) = ½ Σ_i a_i (x_i − x*_i)²; curvatures ``a`` of shape (dim,) or (runs, dim)."""

    curvatures: np.ndarray
    x_star: np.ndarray | float = 0.0

    def value(self, x: np.ndarray) -> np.ndarray:
        e = self._error(x)
        return 0.5 * np.sum(self.curvatures * e * e, axis=-1)

    def grad(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """a ⊙ (x − x*), written into ``out`` when given (x may be ``out``: elementwise in place)."""
        return np.multiply(self.curvatures, self._error(x, out), out=out)

    def _error(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """x − x*, without a pass over the batch when x* = 0 (x − 0 is x exactly)."""
        if isinstance(self.x_star, (int, float)) and self.x_star == 0:
            return x
        return np.subtract(x, self.x_star, out=out)

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


@dataclass(frozen=True)
class DenseQuadratic:
    """f(x) = ½xᵀAx + cᵀx (complex-safe value), A symmetric."""

    A: np.ndarray
    c: np.ndarray

    def value(self, x):
        return 0.5 * np.sum((x @ self.A) * x, axis=1) + x @ self.c

    def grad(self, x):
        return x @ self.A + self.c


@dataclass(frozen=True)
class ChainQuadratic:
    """Nesterov's worst-case chain quadratic (Nesterov 2004, §2.1.2).

    f(x) = (L/4)(½[x₁² + Σ_{i<n}(x_i − x_{i+1})² + x_n²] − x₁), i.e. ½xᵀAx − bᵀx with
    A = (L/4)·tridiag(−1, 2, −1) and b = (L/4)e₁. λ_max(A) < L, minimiser
    x*_i = 1 − i/(n+1), f* = (L/8)(−1 + 1/(n+1)).
    """

    n: int
    L: float = 1.0

    @property
    def A(self) -> np.ndarray:
        n = self.n
        return self.L / 4 * (2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1))

    @property
    def b(self) -> np.ndarray:
        b = np.zeros(self.n)
        b[0] = self.L / 4
        return b

    @property
    def x_star(self) -> np.ndarray:
        i = np.arange(1, self.n + 1)
        return 1 - i / (self.n + 1)

    @property
    def f_star(self) -> float:
        return self.L / 8 * (-1 + 1 / (self.n + 1))

    def grad(self, x: np.ndarray) -> np.ndarray:
        g = 2 * x
        g[:, 1:] -= x[:, :-1]
        g[:, :-1] -= x[:, 1:]
        g *= self.L / 4
        g[:, 0] -= self.L / 4
        return g

    def value(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * np.sum(x * (self.grad(x) + self.b), axis=1) - x[:, 0] * self.L / 4


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
