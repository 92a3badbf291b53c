"""Escape time from a strict saddle with the quartic correction switched on by an indicator q.

saddle.escape-time judges three cases with one theory: the quadratic saddle
(q = 0, y₀ = δ), the bounded saddle with y⁴/4 added (q = 1, y₀ = δ) and the
noisy start (q = 0, δ = 0, σ > 0). The law and its first-order quartic
correction are derived (the correction checked as an identity) in
theory/saddles.escape_time; its steps are included here, so the report shows
them and this module only reads the correction off and adds q × correction.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .saddles import escape_time

q = sp.Symbol("q", nonnegative=True)  # 1 with the quartic term y⁴/4, 0 without


def escape_time_cases() -> Derivation:
    """ln(r/y_eff)/ln(1 + ηγ) + q·η(r² − δ²)/(2(1 + ηγ) ln²(1 + ηγ))."""
    d = DerivationBuilder()
    base = escape_time()
    steps = {step.label: step for step in d.include(base)}
    law = steps[base.result_label]
    quartic = steps["Quartic term y⁴/4"]  # τ_q = τ + correction
    tau = sp.Symbol("tau")
    correction = d.computed("Quartic correction", sp.Eq(sp.Symbol("tau_q") - tau, quartic.rhs - tau),
                            uses=[quartic], how="τ_q − τ", where={sp.Symbol("tau_q"): quartic.rhs},
                            justification="first order in ηy²/(1 + ηγ), integrated from δ to r")
    d.computed("Both cases", sp.Eq(sp.Symbol("T_esc"), law.rhs + q * correction.rhs), uses=[law, correction],
               how="τ_med + q·(τ_q − τ)", justification="q = 1 for the bounded saddle ½(ax² − γy²) + y⁴/4, else 0")
    return d.finish("a, γ > 0", "r ≪ √γ for the quartic correction", "q ∈ {0, 1}")
