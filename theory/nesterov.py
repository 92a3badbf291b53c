"""Derivations for Nesterov's method (CLAIMS.md section C).

Forms: lookahead v ← βv + ∇f(x − ηβv), x ← x − ηv (seeds 002, 004), which
with v₀ = 0 is the (x, y) form y = x + β(x − x₋), x₊ = y − η∇f(y); the
accelerated method uses β_k = (k − 1)/(k + 2) instead of a constant β.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .stability import jury_conditions_quadratic
from .symbols import L, beta, eta, h, kappa, t, z

T = sp.Symbol("T", positive=True)
R = sp.Symbol("R", positive=True)
kk = sp.Symbol("k", positive=True, integer=True)


def agm_rate() -> Derivation:
    """Exponent of the accelerated method's bound 2LR²/(T + 1)²: −2."""
    d = DerivationBuilder()
    tk = (kk + 1) / 2
    d.step("Estimate sequence", sp.Eq(sp.Symbol("t_k"), tk), "t_k = (k + 1)/2 (Beck & Teboulle's t_k ≥ (k + 1)/2, taken with equality)")
    cond = sp.simplify(tk.subs(kk, kk + 1) ** 2 - tk.subs(kk, kk + 1) - tk**2)
    d.step("Lyapunov condition", sp.Eq(sp.Symbol("t_k+1") ** 2 - sp.Symbol("t_k+1") - sp.Symbol("t_k") ** 2, cond),
           "t_{k+1}² − t_{k+1} ≤ t_k² makes E_k = t_k²(f(x_k) − f*) + (L/2)‖z_k − x*‖² non-increasing")
    assert cond.is_negative
    beta_k = sp.simplify((tk - 1) / tk.subs(kk, kk + 1))
    d.step("Momentum schedule", sp.Eq(sp.Symbol("beta_k"), beta_k), "β_k = (t_k − 1)/t_{k+1}")
    bound = sp.simplify((L * R**2 / 2) / tk.subs(kk, T) ** 2)
    d.step("Bound", sp.Le(sp.Symbol("f_T") - sp.Symbol("f_star"), bound),
           "t_T²(f(x_T) − f*) ≤ E_T ≤ E_0 ≤ (L/2)R² (Beck & Teboulle 2009, Thm 4.4)")
    exponent = sp.limit(T * sp.diff(sp.log(bound), T), T, sp.oo)
    d.step("Exponent", sp.Eq(sp.Symbol("p"), exponent), "lim d log(bound)/d log T; GD's bound LR²/(2T) gives −1")
    return d.finish(exponent, "f convex and L-smooth", "η = 1/L", "β_k = (k − 1)/(k + 2)")


def constant_beta_seed() -> Derivation:
    """Seed 001/004 reading: the constant-β look-ahead rule has the O(1/T²) rate (exponent −2)."""
    d = DerivationBuilder()
    d.step("Seed 001's credit", sp.Eq(sp.Symbol("p"), -2),
           "'provably better convergence rates for convex functions … versus … for vanilla gradient descent' "
           "attached to the constant-β rule; the classic pair is O(1/T²) vs O(1/T) (definition from the source)")
    return d.finish(sp.Integer(-2), "constant 0 < β < 1", "η = 1/L")


def constant_beta_exponent() -> Derivation:
    """Constant β on the slow curvatures: effective GD step η/(1 − β), exponent −1."""
    d = DerivationBuilder()
    lam_ = sp.Symbol("lambda", positive=True)
    poly = z**2 - (1 + beta) * (1 - h) * z + beta * (1 - h)
    d.step("Characteristic polynomial", sp.Eq(sp.Function("p")(z), poly), "y = x + β(x − x₋), x₊ = y − ηλy; h = ηλ")
    a = sp.Symbol("a")
    first_order = sp.expand(poly.subs(z, 1 + a * h)).coeff(h, 1)
    slow = 1 + sp.solve(first_order, a)[0] * h
    d.step("Slow root", sp.Eq(sp.Symbol("z_slow"), sp.expand(slow)), "h → 0: z = 1 − h/(1 − β) + O(h²)")
    d.step("Worst curvature", sp.Eq(sp.Symbol("gap_T"), sp.Max(lam_ * R**2 / 2 * (1 - eta * lam_ / (1 - beta)) ** (2 * T))),
           "for a curvature λ ≪ (1 − β)/η the method is GD with step η/(1 − β); sup over λ of ½λR²(1 − ηλ/(1 − β))^{2T} "
           "is ≈ (1 − β)R²/(4eηT)")
    return d.finish(sp.Integer(-1), "constant 0 ≤ β < 1", "η = 1/L")


def lookahead_equivalence() -> Derivation:
    """PyTorch's parameter p is the lookahead point x − ηβv of the lookahead form."""
    d = DerivationBuilder()
    x, v, gp = sp.symbols("x v g", real=True)
    v_next = beta * v + gp
    x_next = x - eta * v_next
    d.step("Lookahead form", sp.And(sp.Eq(sp.Symbol("v_+"), v_next), sp.Eq(sp.Symbol("x_+"), x_next)),
           "g = ∇f(x − ηβv) (seeds 002, 004)")
    p = x - eta * beta * v
    d.step("Change of variables", sp.Eq(sp.Symbol("p"), p), "p is the point where the gradient is taken")
    buf = sp.Symbol("b")
    pytorch_next = p - eta * (gp + beta * (beta * buf + gp))
    d.step("PyTorch nesterov=True", sp.Eq(sp.Symbol("p_+"), pytorch_next), "b₊ = βb + ∇f(p), p₊ = p − η(∇f(p) + βb₊)")
    difference = sp.simplify((x_next - eta * beta * v_next) - pytorch_next.subs(buf, v))
    d.step("Same recursion", sp.Eq((x_next - eta * beta * v_next) - sp.Symbol("p_+"), difference),
           "with b = v the mapped lookahead iterate obeys PyTorch's update exactly (and b₀ = v₀ = 0, p₀ = x₀)")
    sut_v = beta * (-eta * v) - eta * gp
    assert sp.simplify(sut_v - (-eta * v_next)) == 0
    d.step("Sutskever form", sp.Eq(sp.Symbol("v_S+"), sp.expand(sut_v), evaluate=False),
           "v_S = −ηv: v_S₊ = βv_S − η∇f(θ + βv_S) and θ = x, identical iterates")
    return d.finish(p, "same η, β, x₀ and zero initial velocity in every form")


def quadratic_stability() -> Derivation:
    """Largest stable h = ηλ of constant-β Nesterov on a quadratic: 2(1 + β)/(1 + 2β)."""
    d = DerivationBuilder()
    x_t, x_prev = sp.symbols("x_t x_t-1")
    y = x_t + beta * (x_t - x_prev)
    d.step("Nesterov on ½λx²", sp.Eq(sp.Symbol("x_+"), sp.factor((1 - h) * y)), "x₊ = y − ηλy with y = x + β(x − x₋)")
    poly = z**2 - (1 + beta) * (1 - h) * z + beta * (1 - h)
    d.step("Characteristic polynomial", sp.Eq(sp.Function("p")(z), poly), "x_t = z^t")
    c0, c1, cm1 = jury_conditions_quadratic(poly, z)
    d.step("Jury |p(0)| < 1", c0, "product of the roots")
    d.step("Jury p(1) > 0", c1, "no root crosses z = 1")
    d.step("Jury p(−1) > 0", cm1, "no root crosses z = −1")
    threshold = sp.factor(sp.solve(sp.Eq(cm1.lhs, 0), h)[0])
    d.step("Stable interval", sp.And(sp.Lt(0, h), sp.Lt(h, threshold)),
           "for 0 ≤ β < 1: p(−1) > 0 ⇔ h < 2(1 + β)/(1 + 2β); then |β(1 − h)| < 1 holds too")
    d.step("Compare heavy ball", sp.Lt(h, 2 * (1 + beta)), "momentum.stability-region: Nesterov's region is smaller")
    return d.finish(threshold, "0 ≤ β < 1", "η, λ > 0")


def strongly_convex_rate() -> Derivation:
    """Nesterov's bound (f(x_t) − f*)/(f(x₀) − f* + μR²/2) ≤ (1 − 1/√κ)^t."""
    d = DerivationBuilder()
    b_star = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    d.step("Tuning", sp.And(sp.Eq(sp.Symbol("beta"), b_star), sp.Eq(sp.Symbol("eta"), 1 / L)),
           "constant-step scheme III (Nesterov 2004, (2.2.11))")
    hh = 1 / kappa
    poly = z**2 - (1 + b_star) * (1 - hh) * z + b_star * (1 - hh)
    disc = sp.simplify(sp.discriminant(poly, z))
    d.step("At λ = μ the roots coincide", sp.Eq(sp.Symbol("D"), disc), "discriminant of the characteristic polynomial at h = 1/κ")
    rho = 1 - 1 / sp.sqrt(kappa)
    assert sp.simplify(b_star * (1 - hh) - rho**2) == 0  # product of the roots = ρ², and ρ > 0 for κ > 1
    d.step("Double-root modulus", sp.Eq(sp.Symbol("rho"), rho), "√(product of the roots) = √(β(1 − 1/κ)) = 1 − 1/√κ")
    d.step("Lyapunov bound", sp.Le(sp.Symbol("Phi_t"), rho**t * sp.Symbol("Phi_0")),
           "Φ_t = f(x_t) − f* + (μ/2)‖z_t − x*‖² contracts by 1 − 1/√κ per step (Nesterov 2004, Thm 2.2.3; "
           "d'Aspremont, Scieur & Taylor 2021, Thm 4.14)")
    return d.finish(rho**t, "f L-smooth and μ-strongly convex", "κ = L/μ", "normalised by f(x₀) − f* + μ‖x₀ − x*‖²/2")
