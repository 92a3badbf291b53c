"""Escape time from a strict saddle with the quartic correction switched on by an indicator q.

Checked-step API (theory/derivation.py). saddle.escape-time judges three cases
with one theory: the quadratic saddle (q = 0, y₀ = δ), the bounded saddle with
y⁴/4 added (q = 1, y₀ = δ) and the noisy start (q = 0, δ = 0, σ > 0). The law
and its first-order quartic correction are derived (and the correction checked
as an identity) in theory/saddles.escape_time; this module adds q × correction.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .saddles import delta, escape_time, eta, gamma, r

q = sp.Symbol("q", nonnegative=True)  # 1 with the quartic term y⁴/4, 0 without


def escape_time_cases() -> Derivation:
    """ln(r/y_eff)/ln(1 + ηγ) + q·η(r² − δ²)/(2(1 + ηγ) ln²(1 + ηγ))."""
    d = DerivationBuilder()
    base = escape_time()
    law = d.cited("Escape law", sp.Eq(sp.Symbol("tau"), base.result),
                  reference="saddle.escape-time's derivation (theory/saddles.escape_time): crossing time of the "
                            "linear recursion, y_eff = δ or the noisy start's s·z_¾",
                  justification="y_t = y₀(1 + ηγ)^t crosses |y| = r at τ; the first integer step is ⌈τ⌉")
    growth = 1 + eta * gamma
    corr = eta * (r**2 - delta**2) / (2 * growth * sp.log(growth) ** 2)
    quartic = d.cited("Quartic correction", sp.Eq(sp.Symbol("tau_q") - sp.Symbol("tau"), corr),
                      reference="theory/saddles.escape_time, step 'Quartic term y⁴/4' (checked identity)",
                      justification="first order in ηy²/(1 + ηγ), integrated from δ to r")
    d.computed("Both cases", sp.Eq(sp.Symbol("T_esc"), law.rhs + q * quartic.rhs), uses=[law, quartic],
               how="τ + q·(τ_q − τ)", justification="q = 1 for the bounded saddle ½(ax² − γy²) + y⁴/4, else 0")
    return d.finish("a, γ > 0", "r ≪ √γ for the quartic correction", "q ∈ {0, 1}")
