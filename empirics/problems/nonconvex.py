"""Non-convex landscapes with exact constants.

* ``Rosenbrock`` (smooth on sublevel sets), ``TrigBowl`` (many local minima, f_inf = 0),
  ``Washboard`` and ``StationarityWorstCase`` (1-D instances that keep GD's gradient large).
* ``Saddle``: f(x, y) = ½(a x² − γ y²) + q·y⁴/4. With q = 0 it is the quadratic
  saddle (GD multiplies y by exactly 1 + ηγ per step); with q = 1 the minima sit
  at (0, ±√γ) with f = −γ²/4, and the x-axis {y = 0} is the saddle's stable manifold.
* ``DoubleWell``: the quartic h(u) = (u² − 1)² rescaled differently on each side
  of the barrier at 0: f(x) = D·h(x/w_f) for x < 0, D·h(x/w_s) for x ≥ 0. Both
  minima (x = −w_f and x = +w_s) have f = 0 exactly (equal depths), the barrier
  has height D, f is C¹ (h'(0) = 0 on both sides), and the curvatures at the
  minima are a_f = 8D/w_f² and a_s = 8D/w_s² (h''(±1) = 8). It acts on (R,) or
  (R, 1) arrays elementwise: its value has the shape of x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


@dataclass(frozen=True)
class Saddle:
    """f(x, y) = ½(a x² − γ y²) + q y⁴/4; parameters scalars or (R,) arrays."""

    a: float | np.ndarray = 1.0
    gamma: float | np.ndarray = 1.0
    quartic: float | np.ndarray = 1.0

    def value(self, z: np.ndarray) -> np.ndarray:
        x, y = z[:, 0], z[:, 1]
        return 0.5 * (self.a * x**2 - self.gamma * y**2) + self.quartic * y**4 / 4

    def grad(self, z: np.ndarray) -> np.ndarray:
        x, y = z[:, 0], z[:, 1]
        return np.stack([self.a * x, -self.gamma * y + self.quartic * y**3], axis=1)

    @property
    def minimum_distance(self):
        """Distance from the saddle (origin) to either minimum (quartic > 0): √(γ/q)."""
        return np.sqrt(self.gamma / self.quartic)


@dataclass(frozen=True)
class DoubleWell:
    """Equal-depth double well with barrier height D, flat minimum at −w_f, sharp at +w_s."""

    depth: float = 1.0
    w_flat: float = 1.0
    w_sharp: float | np.ndarray = 0.5

    @property
    def a_flat(self):
        return 8 * self.depth / self.w_flat**2

    @property
    def a_sharp(self):
        return 8 * self.depth / np.asarray(self.w_sharp) ** 2

    def _scale(self, x: np.ndarray) -> np.ndarray:
        return np.where(x < 0, self.w_flat, self.w_sharp)

    def value(self, x: np.ndarray) -> np.ndarray:
        u = x / self._scale(x)
        return self.depth * (u * u - 1) ** 2

    def grad(self, x: np.ndarray) -> np.ndarray:
        w = self._scale(x)
        u = x / w
        return self.depth * 4 * u * (u * u - 1) / w
