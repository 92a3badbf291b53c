"""Closed forms of first-order linear recursions x_k = q·x_{k−1} + u_k (EMAs, noisy steps, epochs).

``unroll`` returns x_n = qⁿx₀ + Σ_{k=1}^{n} q^(n−k)·u_k (discrete variation of
constants) for a symbolic n, and checks it against the recursion iterated
directly for n = 1, …, 4: a wrong closed form raises instead of being typeset.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

CHECKED_HORIZONS = (1, 2, 3, 4)


def unroll(q: sp.Expr, forcing: Callable[[sp.Expr], sp.Expr], start: sp.Expr,
           index: sp.Symbol, horizon: sp.Expr) -> sp.Expr:
    """x_horizon for x_k = q x_{k−1} + forcing(k), x_0 = start, as q^horizon·start + Σ_k q^(horizon−k) forcing(k).

    Args:
        q: the multiplier (must not depend on the step).
        forcing: u_k as a function of the step k.
        start: x_0.
        index: the summation symbol k (integer).
        horizon: n, usually a symbol.
    """
    closed = q**horizon * start + sp.Sum(q ** (horizon - index) * forcing(index), (index, 1, horizon))
    for n in CHECKED_HORIZONS:
        direct = start
        for step in range(1, n + 1):
            direct = q * direct + forcing(sp.Integer(step))
        if sp.expand(closed.subs(horizon, n).doit() - direct) != 0:
            raise ArithmeticError(f"unrolled form differs from the recursion at n = {n}")
    return closed
