"""The rate exponent of Polyak's heavy-ball tuning, −log ρ, and its √κ scaling.

Checked-step API (theory/derivation.py). ``momentum.polyak-rate`` judges the
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
    rho = polyak_rate().result
    rate = d.cited("Polyak's rate", sp.Eq(sp.Symbol("rho"), rho),
                   reference="Polyak (1964); derived in momentum.polyak-rate's tuning (theory/momentum_tuning.py)",
                   justification="every mode of heavy ball at η = 4/(√L + √μ)², β = ρ² has modulus ρ")
    exponent = d.computed("Rate exponent", sp.Eq(sp.Symbol("r"), -sp.log(rho)), uses=[rate], how="−log of ρ",
                          justification="‖e_t‖ ≈ C e^(−rt)")
    eps = sp.Symbol("epsilon", positive=True)
    d.computed("Iterations to ε", sp.Eq(sp.Symbol("N_epsilon"), sp.log(1 / eps) / exponent.rhs), uses=[exponent],
               how="solve e^(−rN) = ε for N")
    d.computed("Large κ", sp.Eq(sp.Limit(sp.sqrt(kappa) * exponent.rhs, kappa, sp.oo),
                                sp.limit(sp.sqrt(kappa) * exponent.rhs, kappa, sp.oo)),
               uses=[exponent], how="limit", justification="r ~ 2/√κ: iterations to ε grow as √κ")
    return d.finish("μ > 0, κ = L/μ > 1", "heavy ball, sum form, Polyak's tuning", result=exponent)
