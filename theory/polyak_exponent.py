"""The rate exponent of Polyak's heavy-ball tuning, −log ρ, and its √κ scaling.

The tuning's steps (theory/momentum_tuning.polyak_rate) are included, so the
report shows the whole derivation. ``momentum.polyak-rate`` judges the
exponent −log ρ rather than ρ: iterations to reduce the error by ε are
log(1/ε)/(−log ρ), so a 1 % error in −log ρ is a 1 % error in the iteration
count, whereas a 1 % error in ρ ≈ 1 − 2/√κ is an error of ≈ √κ/2 % in it.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .momentum_tuning import polyak_rate
from .symbols import kappa


def polyak_exponent() -> Derivation:
    """−log((√κ − 1)/(√κ + 1)), ~ 2/√κ for large κ: iterations to ε grow as √κ."""
    d = DerivationBuilder()
    tuning = polyak_rate()
    steps = {step.label: step for step in d.include(tuning)}
    rate = steps[tuning.result_label]  # every mode of heavy ball at η*, β* has modulus ρ
    rho = rate.rhs
    exponent = d.computed("Rate exponent", sp.Eq(sp.Symbol("r"), -sp.log(rho)), uses=[rate], how="−log of ρ",
                          justification="‖e_t‖ ≈ C e^(−rt)")
    eps, decay, count = sp.Symbol("epsilon", positive=True), sp.Symbol("r", positive=True), sp.Symbol("N")
    d.identity("Iterations to ε", sp.Eq(sp.Symbol("N_epsilon"), sp.log(1 / eps) / exponent.rhs),
               equals=sp.solve(sp.Eq(sp.exp(-decay * count), eps), count)[0].subs(decay, exponent.rhs), uses=[exponent],
               justification="solve e^(−rN) = ε for N (computed)")
    d.computed("Large κ", sp.Eq(sp.Limit(sp.sqrt(kappa) * exponent.rhs, kappa, sp.oo),
                                sp.limit(sp.sqrt(kappa) * exponent.rhs, kappa, sp.oo)),
               uses=[exponent], how="limit", justification="r ~ 2/√κ: iterations to ε grow as √κ")
    return d.finish("μ > 0, κ = L/μ > 1", "heavy ball, sum form, Polyak's tuning", result=exponent)
