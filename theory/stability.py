"""Stability of linear recurrences: Jury (Schur–Cohn) conditions for degree 2.

A real monic quadratic p(z) = z² + a₁z + a₀ has both roots strictly inside the
unit circle iff  |a₀| < 1,  p(1) > 0  and  p(−1) > 0  (Jury 1964). The
conditions are returned as SymPy relations so derivations can solve them;
``jury_steps`` adds them to a derivation as computed steps.
"""

from __future__ import annotations

import sympy as sp

from .derivation import DerivationBuilder, Step


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


def jury_steps(d: DerivationBuilder, polynomial: Step, z: sp.Symbol, prefix: str = "Jury") -> tuple[Step, Step, Step]:
    """The three Jury conditions of the characteristic polynomial step, as computed steps."""
    c0, c1, cm1 = jury_conditions_quadratic(polynomial.rhs, z)
    how = "Jury's conditions for a monic quadratic (Jury 1964)"
    return (
        d.computed(f"{prefix} |p(0)| < 1", c0, uses=[polynomial], how=how, justification="product of the roots"),
        d.computed(f"{prefix} p(1) > 0", c1, uses=[polynomial], how=how, justification="no root crosses z = 1"),
        d.computed(f"{prefix} p(−1) > 0", cm1, uses=[polynomial], how=how, justification="no root crosses z = −1"),
    )
