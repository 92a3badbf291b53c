"""Seed 000's third regime read as written: every overshooting step size diverges.

Checked-step API (theory/derivation.py). The seed lists "exactly three regimes"
on a quadratic bowl, the third being: "too large and each step overshoots the
minimum by more than it gained, so the error grows geometrically — divergence".
Its reading judged here: a step size that overshoots (the error changes sign,
1 − h < 0 with h = ηλ) makes the error grow. GD's error ratio 1 − h is negative
for every h > 1 but of modulus below 1 on 1 < h < 2, a set of positive measure
on which GD overshoots and converges (gd.five-regimes).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import eta, h, lam


def overshoot_diverges_seed() -> Derivation:
    """Seed 000: overshooting (h > 1) implies a growing error; the indicator 'grows' is 1 for every h > 1."""
    d = DerivationBuilder()
    e, e_next = sp.Symbol("e_t", real=True), sp.Symbol("e_t+1")
    bowl = d.definition("Quadratic bowl", sp.Eq(sp.Function("f")(e), lam * e**2 / 2), "e = θ − θ*")
    step = sp.expand(e - eta * sp.diff(bowl.rhs, e)).subs(eta * lam, h)
    model = d.computed("GD on ½λθ²", sp.Eq(e_next, sp.collect(step, e)), [bowl], "e − η f'(e), h = ηλ",
                       "one step multiplies the error by 1 − h; it overshoots (changes sign) when h > 1")
    ratio = sp.Symbol("q")
    d.identity("Error ratio per step", sp.Eq(ratio, 1 - h), equals=model.rhs.coeff(e), uses=[model],
               justification="the factor on e_t (computed)")
    excess = sp.Symbol("u", positive=True)  # h = 1 + u, any h > 1
    overshoot = d.inequality("It overshoots for h > 1", sp.Lt(model.rhs.coeff(e), 0), uses=[model],
                             subs={h: 1 + excess}, justification="1 − h < 0: the error changes sign at every step")
    where_true = sp.solveset(overshoot.expr, h, sp.S.Reals)  # over every h, so a wrong region shows
    d.confirm("It overshoots for h > 1", "it holds for exactly h > 1 (solved for h)",
              where_true == sp.Interval.open(1, sp.oo), f"it holds for h in {where_true}, not exactly h > 1")
    reading = d.definition("Seed 000's third regime", sp.Eq(sp.Symbol("grows"), 1),
                           "'too large and each step overshoots the minimum by more than it gained, so the error "
                           "grows geometrically — divergence': with the list 'exactly three regimes', every "
                           "overshooting step size (h > 1) is in the divergent regime")
    d.computed("Claimed growth indicator for h > 1", sp.Eq(sp.Symbol("G(h)"), reading.rhs), uses=[model, reading],
               how="read off")
    d.confirm("Claimed growth indicator for h > 1", "an indicator: its value is 0 or 1", reading.rhs in (0, 1),
              f"the reading gives the indicator the value {reading.rhs}, not 0 or 1")
    return d.finish("h = ηλ > 1 (overshooting)", "quadratic bowl, constant η")
