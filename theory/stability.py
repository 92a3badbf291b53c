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


def _jury_criterion_misjudges() -> str | None:
    """Jury's conditions must say "both roots inside the unit circle" on polynomials with known roots.

    Roots on either side of the circle, real and complex, including the cases a looser or shifted
    condition would admit (a complex pair of modulus 1.2, a root at −1.1). Returns the first
    polynomial they misjudge, in words, or None.
    """
    b, c = sp.symbols("b c", real=True)
    zz = sp.Symbol("z")
    conditions = jury_conditions_quadratic(zz**2 + b * zz + c, zz)
    half, unstable = sp.Rational(1, 2), sp.Rational(6, 5)
    pairs = [(half, -half), (sp.Rational(9, 10), sp.Rational(-9, 10)), (half * sp.I, -half * sp.I),
             (unstable * sp.I, -unstable * sp.I), (sp.Rational(-11, 10), sp.Rational(1, 10)),
             (sp.Rational(11, 10), sp.Rational(1, 10)), (sp.Rational(3, 5) + sp.Rational(3, 5) * sp.I,
                                                         sp.Rational(3, 5) - sp.Rational(3, 5) * sp.I),
             (sp.Rational(4, 5) + sp.Rational(4, 5) * sp.I, sp.Rational(4, 5) - sp.Rational(4, 5) * sp.I)]
    for r1, r2 in pairs:
        at = {b: sp.expand(-(r1 + r2)), c: sp.expand(r1 * r2)}
        said = all(bool(cond.subs(at)) for cond in conditions)
        inside = max(abs(complex(r1)), abs(complex(r2))) < 1
        if said != inside:
            return f"Jury's conditions say {said} for roots {r1}, {r2}"
    return None


def jury_steps(d: DerivationBuilder, polynomial: Step, z: sp.Symbol, prefix: str = "Jury") -> tuple[Step, Step, Step]:
    """The three Jury conditions of the characteristic polynomial step, as computed steps."""
    misjudged = _jury_criterion_misjudges()
    d.confirm(f"{prefix} |p(0)| < 1", "the three conditions verified on eight quadratics with known roots, inside "
              "and outside the unit circle", misjudged is None, str(misjudged))
    c0, c1, cm1 = jury_conditions_quadratic(polynomial.rhs, z)
    how = "Jury's conditions for a monic quadratic (Jury 1964)"
    return (
        d.computed(f"{prefix} |p(0)| < 1", c0, uses=[polynomial], how=how, justification="product of the roots"),
        d.computed(f"{prefix} p(1) > 0", c1, uses=[polynomial], how=how, justification="no root crosses z = 1"),
        d.computed(f"{prefix} p(−1) > 0", cm1, uses=[polynomial], how=how, justification="no root crosses z = −1"),
    )
