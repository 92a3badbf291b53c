"""Expectations of polynomials in random quantities, from their stated moments.

A derivation that "squares the update and takes expectations" has to apply
three rules: linearity, independence (the expectation of a product of
independent factors is the product of expectations) and the given moments
(E ξ = 0, E ξ² = 1, E θ_t² = m_t, ...). ``expectation`` applies exactly these
rules, so a second-moment recursion is computed from the update it comes from
instead of typed beside it. A monomial whose moment was not stated is an
error, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

Group = Mapping[sp.Expr, sp.Expr]


def expectation(expr: sp.Expr, groups: Sequence[Group]) -> sp.Expr:
    """E[expr] for ``expr`` polynomial in the random symbols of ``groups``.

    Args:
        expr: a polynomial in the random symbols (other symbols are constants).
        groups: mutually independent groups of random symbols; each maps a
            monomial of its own symbols (``xi``, ``xi**2``, ``x*y``) to its
            expectation.

    Returns:
        The expectation, expanded.
    """
    randoms = [s for group in groups for monomial in group for s in monomial.free_symbols]
    randoms = list(dict.fromkeys(randoms))
    poly = sp.Poly(sp.expand(expr), *randoms)
    total = sp.Integer(0)
    for powers, coefficient in poly.terms():
        factor = sp.Integer(1)
        exponent = dict(zip(randoms, powers))
        for group in groups:
            own = {s for monomial in group for s in monomial.free_symbols}
            monomial = sp.Mul(*(s ** exponent[s] for s in randoms if s in own))
            if monomial == 1:
                continue
            if monomial not in group:
                raise KeyError(f"no moment stated for E[{monomial}]")
            factor *= group[monomial]
        total += coefficient * factor
    return sp.expand(total)


def stated_groups(stated: sp.And, iterate: sp.Symbol, mean: sp.Function) -> list[Group]:
    """The two independent moment groups an assumption ``E(m) = value ∧ …`` states, for ``expectation``.

    The iterate's group holds the moments of monomials in ``iterate`` (its mean left as
    ``mean(iterate)``); every other stated moment is the noise's. Reading the groups from the
    typeset assumption means the moments used are the ones shown: a changed moment changes the
    result or is refused (``no moment stated``).
    """
    moments = {eq.lhs.args[0]: eq.rhs for eq in stated.args}
    of_iterate = {monomial: value for monomial, value in moments.items() if monomial.has(iterate)}
    noise = {monomial: value for monomial, value in moments.items() if not monomial.has(iterate)}
    return [{iterate: mean(iterate), **of_iterate}, noise]
