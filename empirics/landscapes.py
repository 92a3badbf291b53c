"""Non-convex landscapes with exact constants: the strict saddle and an equal-depth double well.

* ``Saddle``: f(x, y) = ½(a x² − γ y²) + q·y⁴/4. With q = 0 it is the quadratic
  saddle (GD multiplies y by exactly 1 + ηγ per step); with q = 1 the minima sit
  at (0, ±√γ) with f = −γ²/4, and the x-axis {y = 0} is the saddle's stable manifold.
* ``DoubleWell``: the quartic h(u) = (u² − 1)² rescaled differently on each side
  of the barrier at 0: f(x) = D·h(x/w_f) for x < 0, D·h(x/w_s) for x ≥ 0. Both
  minima (x = −w_f and x = +w_s) have f = 0 exactly (equal depths), the barrier
  has height D, f is C¹ (h'(0) = 0 on both sides), and the curvatures at the
  minima are a_f = 8D/w_f² and a_s = 8D/w_s² (h''(±1) = 8).

Both act on batches: Saddle on (R, 2) arrays, DoubleWell on (R,) or (R, 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
