"""Projected subgradient descent on the Harvey et al. (2019) non-smooth lower-bound function.

For a horizon T the function lives on the unit ball of R^(T+1):

    f(x) = max_{i=1..T+1} H_i(x),   H_i(x) = Σ_{j<i} a_j x_j − b_i x_i,
    a_j = 1/(8 max(T − j + 1, 1)),  b_j = √j/(2√T),

and its subgradient oracle returns h_i = ∇H_i for the smallest maximising index
(ties occur at every step of the method, so the rule matters). All T+1 values
H_i(x) cost O(T) through a prefix sum, so a run of T steps costs O(T²).

The experiment runs the method exactly as stated (oracle, step, projection);
it does not assume the closed form of the iterates that the theory derives, and
records whether the oracle index equalled t at every step and whether the
projection ever moved an iterate, so the theory's premises are checked too.

References:
    Harvey, Liaw, Plan & Randhawa (2019), Tight analyses for non-smooth
    stochastic gradient descent, COLT (arXiv:1812.05217), §3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HarveyFunction:
    """f(x) = max_i (Σ_{j<i} a_j x_j − b_i x_i) for one horizon T; points have shape (..., T+1)."""

    a: np.ndarray
    b: np.ndarray

    @classmethod
    def for_horizon(cls, horizon: int) -> HarveyFunction:
        index = np.arange(1, horizon + 2, dtype=float)
        a = 1.0 / (8.0 * np.maximum(horizon - index + 1.0, 1.0))
        b = np.sqrt(index) / (2.0 * np.sqrt(horizon))
        return cls(a, b)

    @property
    def dim(self) -> int:
        return self.a.shape[0]

    def pieces(self, x: np.ndarray) -> np.ndarray:
        """All H_i(x), shape (..., T+1): an exclusive prefix sum of a_j x_j minus b_i x_i."""
        prefix = np.cumsum(self.a * x, axis=-1)
        exclusive = np.concatenate([np.zeros_like(prefix[..., :1]), prefix[..., :-1]], axis=-1)
        return exclusive - self.b * x

    def value(self, x: np.ndarray) -> np.ndarray:
        return np.max(self.pieces(x), axis=-1)

    @staticmethod
    def project(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the projection of y onto the unit ball, ‖y‖): y/max(‖y‖, 1), row by row."""
        norm = np.sqrt(np.sum(y * y, axis=-1, keepdims=True))
        return y / np.maximum(norm, 1.0), norm  # dividing by exactly 1.0 leaves inside points bit-identical

    def subgradient(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """h_i for the smallest maximising i (``argmax`` returns the first maximum); and i (0-based)."""
        index = np.argmax(self.pieces(x), axis=-1)
        columns = np.arange(self.dim)
        chosen = index[..., None]
        g = np.where(columns < chosen, self.a, 0.0) - np.where(columns == chosen, self.b, 0.0)
        return g, index


@dataclass(frozen=True)
class LastIterateRun:
    """Outcome of T steps of x_{t+1} = Proj(x_t − g_t/√t) from x_1 = 0.

    Attributes:
        horizon: T.
        final_value: f(x_{T+1}) (the max over all T+1 pieces).
        last_piece_value: H_{T+1}(x_{T+1}).
        final_argmax: smallest maximising index at x_{T+1} (1-based).
        oracle_index_is_step: the oracle returned h_t at every step t.
        projected: the projection moved some iterate (‖x_t − g_t/√t‖ > 1).
        max_norm: the largest ‖x_t‖ along the run.
    """

    horizon: int
    final_value: float
    last_piece_value: float
    final_argmax: int
    oracle_index_is_step: bool
    projected: bool
    max_norm: float


def run_last_iterate(horizon: int) -> LastIterateRun:
    """Projected subgradient descent with η_t = 1/√t for T = ``horizon`` steps on the unit ball.

    The only Python loop is over time; one step is O(T) vector work.
    """
    problem = HarveyFunction.for_horizon(horizon)
    x = np.zeros((1, problem.dim))
    index_is_step = True
    projected = False
    max_norm = 0.0
    with np.errstate(all="raise"):  # nothing here may overflow or divide by zero; fail loudly if it does
        for t in range(1, horizon + 1):
            g, index = problem.subgradient(x)
            index_is_step &= bool(np.all(index == t - 1))
            y = x - g / np.sqrt(t)
            x, norm = problem.project(y)
            projected |= bool(np.any(norm > 1.0))
            max_norm = max(max_norm, float(np.max(np.minimum(norm, 1.0))))
    pieces = problem.pieces(x)[0]
    return LastIterateRun(
        horizon=horizon,
        final_value=float(np.max(pieces)),
        last_piece_value=float(pieces[-1]),
        final_argmax=int(np.argmax(pieces)) + 1,
        oracle_index_is_step=index_is_step,
        projected=projected,
        max_norm=max_norm,
    )
