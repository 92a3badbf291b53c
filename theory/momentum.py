"""Derivations for heavy-ball momentum.

Both conventions are written with one symbol ``w``, the weight of the
gradient in the velocity update v ← βv + w g: the sum form has w = 1, the EMA
form w = 1 − β. Derivations that depend on the form take it as a parameter.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder, prove_equal
from .stability import jury_steps
from .symbols import beta, eta, g, h, k, t, w, z

_b = sp.Symbol("beta", positive=True)  # 0 < β < 1 where a geometric limit is taken


def _constant_gradient_step(weight: sp.Expr, d: DerivationBuilder):
    """Steps shared by both forms: the velocity under a constant gradient and its limit."""
    v_t = sp.Symbol("v_t")
    recursion = d.definition("Velocity recursion", sp.Eq(sp.Symbol("v_+"), _b * v_t + weight * g),
                             "constant gradient g, v₀ = 0")
    v = sp.Function("v")
    solved = sp.rsolve(v(t + 1) - recursion.rhs.subs(v_t, v(t)), v(t), {v(0): 0})
    closed = d.computed("Geometric sum", sp.Eq(v_t, sp.factor(solved)), uses=[recursion], how="rsolve",
                        justification="for 0 < β < 1")
    d.identity("Unrolled", sp.Eq(v_t, sp.Sum(weight * g * _b**k, (k, 0, t - 1))), equals=closed, generic=True,
               justification="vₜ is a geometric sum of the past gradients")
    # SymPy cannot see |β| < 1 from assumptions, so the limit of β^t is taken explicitly.
    limit = d.computed("Limit", sp.Eq(sp.Limit(v_t, t, sp.oo), sp.simplify(sp.expand(closed.rhs).subs(_b**t, 0))),
                       uses=[closed], how="β^t → 0", justification="βᵗ → 0 because 0 < β < 1")
    step = sp.Symbol("Delta_theta")
    return d.identity("Step relative to plain GD", sp.Eq(step / (eta * g),
                                                         sp.simplify(eta * limit.rhs / (eta * g)).subs(_b, beta)),
                      where={step: eta * limit.rhs.subs(_b, beta)}, uses=[limit],
                      justification="the step is Δθ = ηv_∞; GD's step under the same gradient is ηg (computed ratio)")


def amplification() -> Derivation:
    """Sum form under a constant gradient: the step tends to ηg/(1 − β)."""
    d = DerivationBuilder()
    _constant_gradient_step(sp.Integer(1), d)
    return d.finish("0 ≤ β < 1", "sum form v ← βv + g, θ ← θ − ηv")


def ema_step_ratio() -> Derivation:
    """EMA form under a constant gradient: the step tends to ηg (ratio 1)."""
    d = DerivationBuilder()
    _constant_gradient_step(1 - _b, d)
    return d.finish("0 ≤ β < 1", "EMA form v ← βv + (1 − β)g, θ ← θ − ηv")


def ema_amplifies_seed() -> Derivation:
    """Seed 002 as written: the EMA form amplifies the step like the sum form, 1/(1 − β)."""
    d = DerivationBuilder()
    reading = d.definition("Seed 002's reading", sp.Eq(sp.Symbol("Delta_theta"), eta * g / (1 - beta)),
                           "'velocity builds up, effectively giving a larger step size without changing η': "
                           "the amplification of the sum form, attributed to the EMA form")
    plain_step = eta * g  # plain GD's step
    claimed = d.computed("Claimed step relative to plain GD",
                         sp.Eq(*(side / plain_step for side in (reading.lhs, reading.rhs))), uses=[reading],
                         how="divide by ηg")
    # what the seed attributes to the EMA form is the sum form's amplification, as derived there
    sum_form = amplification().result
    d.confirm("Claimed step relative to plain GD", "it is the sum form's ratio (momentum.amplification)",
              prove_equal(claimed.rhs, sum_form) is not None,
              f"the reading's ratio {claimed.rhs} is not the sum form's {sum_form}")
    return d.finish("0 ≤ β < 1", "EMA form v ← βv + (1 − β)g")


def stability_region() -> Derivation:
    """Largest stable ηλ for heavy ball with gradient weight w: 2(1 + β)/w."""
    d = DerivationBuilder()
    x_t, x_prev = sp.Symbol("x_t"), sp.Symbol("x_t-1")
    model = d.definition("Heavy ball on f = ½λx²", sp.Eq(sp.Symbol("x_+"), x_t - w * h * x_t + beta * (x_t - x_prev)),
                         "eliminating v from v₊ = βv + wλx, x₊ = x − ηv; h = ηλ")
    characteristic = sp.expand(z**2 - model.rhs.subs({x_t: z, x_prev: 1}))
    poly = d.identity("Characteristic polynomial", sp.Eq(sp.Function("p")(z), z**2 - (1 + beta - w * h) * z + beta),
                      equals=characteristic, uses=[model], justification="xₜ = zᵗ solves the recursion")
    c0, c1, cm1 = jury_steps(d, poly, z, prefix="Jury condition")
    threshold = d.computed("Largest stable h", sp.Eq(sp.Symbol("h_max"), sp.solve(sp.Eq(cm1.lhs, 0), h)[0]),
                           uses=[cm1], how="solve p(−1) = 0 for h")
    lower = sp.solve(sp.Eq(c1.lhs, 0), h)[0]
    d.identity("Stable region", sp.And(sp.Lt(sp.Abs(beta), 1), sp.Lt(0, h), sp.Lt(h, 2 * (1 + beta) / w)),
               equals=sp.And(c0.expr, sp.Lt(lower, h), sp.Lt(h, threshold.rhs)), uses=[c0, c1, threshold],
               justification="for |β| < 1: p(1) > 0 ⇔ h > 0 and p(−1) > 0 ⇔ h < 2(1 + β)/w")
    d.identity("Sum form (w = 1)", sp.Lt(h, 2 * (1 + beta)), equals=sp.Lt(h, threshold.rhs.subs(w, 1)),
               uses=[threshold], justification="seeds 000, 001, 004; PyTorch SGD momentum")
    d.identity("EMA form (w = 1 − β)", sp.Lt(h, 2 * (1 + beta) / (1 - beta)),
               equals=sp.Lt(h, threshold.rhs.subs(w, 1 - beta)), uses=[threshold], justification="seed 002")
    return d.finish("|β| < 1", "w = 1 (sum form) or w = 1 − β (EMA form)", result=threshold)
