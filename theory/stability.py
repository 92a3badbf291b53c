"""Stability of linear recurrences: Jury (Schur–Cohn) conditions for degree 2.

A real monic quadratic p(z) = z² + a₁z + a₀ has both roots strictly inside the
unit circle iff  |a₀| < 1,  p(1) > 0  and  p(−1) > 0  (Jury 1964). The
conditions are returned as SymPy relations so derivations can solve them.
"""

from __future__ import annotations

import sympy as sp


def jury_conditions_quadratic(poly: sp.Expr, z: sp.Symbol) -> tuple[sp.Rel, sp.Rel, sp.Rel]:
    """(|a₀| < 1, p(1) > 0, p(−1) > 0) for monic quadratic ``poly`` in ``z``."""
    p = sp.Poly(sp.expand(poly), z)
    if p.degree() != 2 or p.LC() != 1:
        raise ValueError(f"expected a monic quadratic in {z}, got {poly}")
    a0 = p.coeff_monomial(1)
    return (
        sp.Lt(sp.Abs(sp.simplify(a0)), 1),
        sp.Gt(sp.factor(p.as_expr().subs(z, 1)), 0),
        sp.Gt(sp.factor(p.as_expr().subs(z, -1)), 0),
    )
