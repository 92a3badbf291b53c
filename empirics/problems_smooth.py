"""Smooth test functions for sections A–C: worst cases and non-convex landscapes.

Every problem acts on a batch ``x`` of shape (runs, dim) (1-D problems on
(runs, 1)) and exposes ``value``, ``grad`` and the constants a claim relies on
(``L``, ``mu``, ``x_star``, ``f_star`` / ``f_inf``), in closed form. Values
are written with operations that also accept complex arrays where the
steepest-descent claim needs complex-step directional derivatives
(``Rosenbrock``, ``TrigBowl``, ``Softplus`` and ``Quadratic``-like forms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


@dataclass(frozen=True)
class Rosenbrock:
    """f(x, y) = (a − x)² + b(y − x²)² (2-D), minimiser (a, a²), f* = 0.

    Not globally smooth: ``sublevel_smoothness(f0)`` returns a bound on ‖∇²f‖
    over a box containing the sublevel set {f ≤ f0}; GD with η = 1/L_box from a
    point with f = f0 stays in the sublevel set (each step decreases f while the
    segment stays in the box), so the L-smooth analysis applies along the run.
    """

    a: float = 1.0
    b: float = 100.0

    def value(self, x):
        return (self.a - x[:, 0]) ** 2 + self.b * (x[:, 1] - x[:, 0] ** 2) ** 2

    def grad(self, x):
        u, v = x[:, 0], x[:, 1]
        r = v - u**2
        return np.stack([-2 * (self.a - u) - 4 * self.b * u * r, 2 * self.b * r], axis=1)

    def sublevel_smoothness(self, f0: np.ndarray) -> np.ndarray:
        """Gershgorin bound on ‖∇²f‖ over the box containing {f ≤ f0}."""
        f0 = np.asarray(f0, dtype=float)
        xr = np.sqrt(f0)  # (a − x)² ≤ f0
        x_abs = np.abs(self.a) + xr
        y_abs = x_abs**2 + np.sqrt(f0 / self.b)  # |y − x²| ≤ √(f0/b)
        h11 = 12 * self.b * x_abs**2 + 4 * self.b * y_abs + 2
        h12 = 4 * self.b * x_abs
        h22 = 2 * self.b
        return np.maximum(h11 + h12, h12 + h22)


@dataclass(frozen=True)
class TrigBowl:
    """f(x) = Σ_i ½x_i² + b(1 − cos(ωx_i)): non-convex when bω² > 1, many local minima.

    ∇²f is diagonal with entries 1 + bω² cos(ωx_i) ∈ [1 − bω², 1 + bω²], so
    L = 1 + bω²; f ≥ ½‖x‖² ≥ 0 with equality only at 0: f_inf = 0.
    """

    b: float = 1.0
    omega: float = 3.0

    @property
    def L(self) -> float:
        return 1 + self.b * self.omega**2

    f_inf = 0.0

    def value(self, x):
        return np.sum(0.5 * x * x + self.b * (1 - np.cos(self.omega * x)), axis=1)

    def grad(self, x):
        return x + self.b * self.omega * np.sin(self.omega * x)


@dataclass(frozen=True)
class Washboard:
    """1-D L-smooth non-convex washboard: a slow case of GD's stationarity bound.

    f'(x) = g − L·tri(x) for x ≥ 0, with tri the triangle wave of period P =
    c·g/L (c = ``period_factor`` in [2/3, 1]) rising with slope 1 from 0 to P/2
    and back; f'(x) = g + Lx for x < 0. f' is continuous and L-Lipschitz, f
    has curvature −L on half of every period (non-convex), and
    f_inf = f(−g/L) = −g²/(2L) with f(0) = 0. GD with η = 1/L has the fixed
    phase s* = P − (g − LP)/L (on the falling half, where f'' = L, so the phase
    is superstable): from x₀ = mP + s* it moves exactly one period per step,
    with |f'| = LP, while f drops by gP − LP²/4 per step.
    """

    g: float = 1.0
    L: float = 1.0
    period_factor: float = 0.9

    @property
    def period(self) -> float:
        return self.period_factor * self.g / self.L

    @property
    def fixed_phase(self) -> float:
        return self.period - (self.g - self.L * self.period) / self.L

    @property
    def f_inf(self) -> float:
        return -self.g**2 / (2 * self.L)

    def _tri(self, x):
        s = np.mod(x, self.period)
        return np.minimum(s, self.period - s)

    def grad(self, x):
        return np.where(x >= 0, self.g - self.L * self._tri(x), self.g + self.L * x)

    def value(self, x):
        ell = self.period
        full = np.floor(np.maximum(x, 0) / ell)
        s = np.maximum(x, 0) - full * ell
        # ∫₀^s tri = s²/2 on the rising half, ℓ²/4 − (ℓ − s)²/2 on the falling half.
        tri_int = np.where(s <= ell / 2, s * s / 2, ell**2 / 4 - (ell - s) ** 2 / 2)
        pos = self.g * np.maximum(x, 0) - self.L * (full * ell**2 / 4 + tri_int)
        neg = self.g * x + self.L * x * x / 2
        return np.sum(np.where(x >= 0, pos, neg), axis=1)


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
class DenseQuadratic:
    """f(x) = ½xᵀAx + cᵀx (complex-safe value), A symmetric."""

    A: np.ndarray
    c: np.ndarray

    def value(self, x):
        return 0.5 * np.sum((x @ self.A) * x, axis=1) + x @ self.c

    def grad(self, x):
        return x @ self.A + self.c


def complex_step_directional(value, x: np.ndarray, d: np.ndarray, step: float = 1e-30) -> np.ndarray:
    """Directional derivative ∇f(x)·d by the complex step Im f(x + i·s·d)/s.

    No subtractive cancellation: the result is exact to rounding for any
    real-analytic f written with complex-safe operations (Squire & Trapp 1998).
    """
    return np.imag(value(x + 1j * step * d)) / step


@dataclass(frozen=True)
class StationarityWorstCase:
    """1-D L-smooth f on which GD with η = 1/L keeps |f′| = g for T steps: the exact worst case.

    With d = g/L (one step's length) and knots at kd: f′(x) = Lx for x ≤ d (a
    bowl, minimum f(0) = f_inf = 0); on [d, Td] f′ = g − L·tri(x − d), tri the
    triangle wave of period d (f′ falls from g to g/2 with slope −L and rises
    back: |f″| = L); f′ = g for x ≥ Td. From x₀ = Td, GD visits the knots
    (T − t)d, each with f′ = g, so min_{t<T} f′(x_t)² = g² while
    f(x₀) − f_inf = g²(3T − 1)/(4L): g² = 4LΔ/(3T − 1) (theory/gd_tight.py).

    The knots are a repelling fixed phase: an iterate a distance e > 0 to the
    right of a knot (where f″ = −L) lands 2e to the right of the next one, so a
    rounding error doubles every step. Choose L and d powers of two to keep the
    run exact: then every iterate (T − t)d, every step ηf′ and every f′(x_t) is
    a float computed without rounding (T < 2^52).
    """

    g: np.ndarray  # (runs, 1)
    L: np.ndarray  # (runs, 1)
    T: np.ndarray  # (runs, 1): the horizon the instance is tuned to

    @property
    def step(self):
        return self.g / self.L

    @property
    def x0(self):
        return self.T * self.step

    f_inf = 0.0

    def _tri(self, y):
        s = np.mod(y, self.step)
        return np.minimum(s, self.step - s)

    def grad(self, x):
        d = self.step
        middle = self.g - self.L * self._tri(x - d)
        return np.where(x <= d, self.L * x, np.where(x >= self.T * d, self.g, middle))

    def value(self, x):
        d, g, L = self.step, self.g, self.L
        y = np.clip(x - d, 0.0, (self.T - 1) * d)  # position inside the middle part
        full = np.floor(y / d)
        s = y - full * d
        # ∫₀^s tri = s²/2 on the rising half, d²/4 − (d − s)²/2 on the falling half (d²/4 per period).
        tri_int = np.where(s <= d / 2, s * s / 2, d * d / 4 - (d - s) ** 2 / 2)
        middle = g * y - L * (full * d * d / 4 + tri_int)
        bowl = L * np.minimum(x, d) ** 2 / 2
        tail = g * np.maximum(x - self.T * d, 0.0)
        return np.sum(bowl + np.where(x > d, middle, 0.0) + tail, axis=1)
