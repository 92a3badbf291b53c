"""Derivations for heavy-ball momentum (CLAIMS.md section B).

Both conventions are written with one symbol ``w``, the weight of the
gradient in the velocity update v ← βv + w g: the sum form has w = 1, the EMA
form w = 1 − β. Derivations that depend on the form take it as a parameter.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .stability import jury_conditions_quadratic
from .symbols import beta, eta, g, h, k, t, w, z

_b = sp.Symbol("beta", positive=True)  # 0 < β < 1 where a geometric limit is taken


def _constant_gradient_step(weight: sp.Expr, d: DerivationBuilder) -> sp.Expr:
    """Steps shared by both forms: the velocity under a constant gradient and its limit."""
    v_t = sp.Symbol("v_t")
    d.step("Velocity recursion", sp.Eq(sp.Symbol("v_+"), _b * v_t + weight * g),
           "constant gradient g, v₀ = 0")
    partial = sp.Sum(weight * g * _b**k, (k, 0, t - 1))
    closed = sp.piecewise_fold(partial.doit())
    if isinstance(closed, sp.Piecewise):  # SymPy keeps the β = 1 branch; we need β < 1
        closed = next(expr for expr, cond in closed.args if cond == sp.true or not cond.has(sp.Eq))
    d.step("Unrolled", sp.Eq(v_t, partial), "v_t is a geometric sum of the past gradients")
    d.step("Geometric sum", sp.Eq(v_t, sp.factor(closed)), "for 0 < β < 1")
    # SymPy cannot see |β| < 1 from assumptions, so the limit of β^t is taken explicitly.
    limit = sp.simplify(sp.expand(closed).subs(_b**t, 0))
    d.step("Limit", sp.Eq(sp.Limit(v_t, t, sp.oo), limit), "β^t → 0 because 0 < β < 1")
    ratio = sp.simplify(eta * limit / (eta * g))
    d.step("Step relative to plain GD", sp.Eq(sp.Symbol("Delta_theta") / (eta * g), ratio),
           "the step is η v; GD's step under the same gradient is ηg")
    return ratio


def amplification() -> Derivation:
    """Sum form under a constant gradient: the step tends to ηg/(1 − β)."""
    d = DerivationBuilder()
    ratio = _constant_gradient_step(sp.Integer(1), d)
    return d.finish(ratio.subs(_b, beta), "0 ≤ β < 1", "sum form v ← βv + g, θ ← θ − ηv")


def ema_step_ratio() -> Derivation:
    """EMA form under a constant gradient: the step tends to ηg (ratio 1)."""
    d = DerivationBuilder()
    ratio = _constant_gradient_step(1 - _b, d)
    return d.finish(ratio, "0 ≤ β < 1", "EMA form v ← βv + (1 − β)g, θ ← θ − ηv")


def ema_amplifies_seed() -> Derivation:
    """Seed 002 as written: the EMA form amplifies the step like the sum form, 1/(1 − β)."""
    d = DerivationBuilder()
    d.step("Seed 002's reading", sp.Eq(sp.Symbol("Delta_theta") / (eta * g), 1 / (1 - beta)),
           "'velocity builds up, effectively giving a larger step size without changing η': "
           "the amplification of the sum form, attributed to the EMA form")
    return d.finish(1 / (1 - beta), "0 ≤ β < 1", "EMA form v ← βv + (1 − β)g")


def stability_region() -> Derivation:
    """Largest stable ηλ for heavy ball with gradient weight w: 2(1 + β)/w."""
    d = DerivationBuilder()
    x_t, x_prev = sp.Symbol("x_t"), sp.Symbol("x_t-1")
    d.step("Heavy ball on f = ½λx²", sp.Eq(sp.Symbol("x_+"), x_t - w * h * x_t + beta * (x_t - x_prev)),
           "eliminating v from v₊ = βv + w λx, x₊ = x − ηv; h = ηλ")
    poly = z**2 - (1 + beta - w * h) * z + beta
    d.step("Characteristic polynomial", sp.Eq(sp.Function("p")(z), poly), "x_t = z^t solves the recursion")
    c0, c1, cm1 = jury_conditions_quadratic(poly, z)
    d.step("Jury condition |p(0)| < 1", c0, "product of the roots")
    d.step("Jury condition p(1) > 0", c1, "no root crosses z = 1")
    d.step("Jury condition p(−1) > 0", cm1, "no root crosses z = −1")
    threshold = sp.solve(sp.Eq(cm1.lhs, 0), h)[0]
    d.step("Stable interval", sp.And(sp.Lt(0, h), sp.Lt(h, threshold)),
           "for |β| < 1: p(1) > 0 ⇔ h > 0 and p(−1) > 0 ⇔ h < 2(1 + β)/w")
    d.step("Sum form (w = 1)", sp.Lt(h, threshold.subs(w, 1)), "seeds 000, 001, 004; PyTorch SGD momentum")
    d.step("EMA form (w = 1 − β)", sp.Lt(h, threshold.subs(w, 1 - beta)), "seed 002")
    return d.finish(threshold, "|β| < 1", "w = 1 (sum form) or w = 1 − β (EMA form)")
