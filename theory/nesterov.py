"""Derivations for Nesterov's method.

Forms: lookahead v ← βv + ∇f(x − ηβv), x ← x − ηv (seeds 002, 004), which
with v₀ = 0 is the (x, y) form y = x + β(x − x₋), x₊ = y − η∇f(y); the
accelerated method uses β_k = (k − 1)/(k + 2) instead of a constant β.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .momentum import stability_region
from .stability import jury_steps
from .symbols import L, beta, eta, h, kappa, mu, t, w, z

T = sp.Symbol("T", positive=True)
R = sp.Symbol("R", positive=True)
kk = sp.Symbol("k", positive=True, integer=True)


@cache  # nesterov.constant-beta-seed reads its result and bound
def agm_rate() -> Derivation:
    """Exponent of the accelerated method's bound 2LR²/(T + 1)²: −2."""
    d = DerivationBuilder()
    tk = d.definition("Estimate sequence", sp.Eq(sp.Symbol("t_k"), (kk + 1) / 2),
                      "tₖ = (k + 1)/2 (Beck & Teboulle's tₖ ≥ (k + 1)/2, taken with equality)")
    t_k, t_next, t_T = sp.Symbol("t_k"), sp.Symbol("t_k+1"), sp.Symbol("t_T")
    f_T, f_star = sp.Symbol("f_T"), sp.Symbol("f_star")
    f_gap = f_T - f_star
    d.confirm("Bound", "its left side is the optimality gap: zero at f_T = f*, rising one for one with f_T",
              f_gap.subs(f_T, f_star) == 0 and sp.diff(f_gap, f_T) == 1, f"{f_gap} is not the gap f_T − f*")
    # The weight on the gap in Eₖ, read from the cited bound t_T²(f(x_T) − f*) ≤ E_T: the condition keeps
    # Eₖ from growing when one step moves the weight on the gap from tₖ² to tₖ₊₁² (gaining tₖ₊₁).
    weight = sp.Le(t_T**2 * f_gap, L * R**2 / 2)
    d.inequality("Lyapunov condition",
                 sp.Le(weight.lhs.coeff(f_gap).subs(t_T, t_next) - t_next, weight.lhs.coeff(f_gap).subs(t_T, t_k)),
                 uses=[tk], subs={t_k: tk.rhs, t_next: tk.rhs.subs(kk, kk + 1)},
                 justification="tₖ₊₁² − tₖ₊₁ ≤ tₖ² makes Eₖ = tₖ²(f(xₖ) − f*) + (L/2)‖zₖ − x*‖² non-increasing")
    d.identity("Momentum schedule", sp.Eq(sp.Symbol("beta_k"), (kk - 1) / (kk + 2)),
               equals=(tk.rhs - 1) / tk.rhs.subs(kk, kk + 1), uses=[tk], justification="βₖ = (tₖ − 1)/tₖ₊₁")
    lyapunov = d.cited("Lyapunov bound", weight,
                       reference="Beck & Teboulle 2009, SIAM J. Imaging Sci. 2(1), Thm 4.4",
                       justification="t_T²(f(x_T) − f*) ≤ E_T ≤ E_0 ≤ (L/2)R²")
    bound = d.identity("Bound", sp.Le(f_gap, 2 * L * R**2 / (T + 1) ** 2),
                       equals=sp.simplify(lyapunov.rhs / weight.lhs.coeff(f_gap).subs(t_T, tk.rhs.subs(kk, T))),
                       uses=[lyapunov, tk],
                       justification="divide by t_T² (computed)")
    d.identity("Exponent", sp.Eq(sp.Symbol("p"), -2), equals=sp.limit(T * sp.diff(sp.log(bound.rhs), T), T, sp.oo),
               uses=[bound], justification="lim d log(bound)/d log T; GD's bound LR²/(2T) gives −1")
    return d.finish("f convex and L-smooth", "η = 1/L", "β_k = (k − 1)/(k + 2)")


def constant_beta_seed() -> Derivation:
    """Seed 001/004 reading: the constant-β look-ahead rule has the O(1/T²) rate (exponent −2)."""
    d = DerivationBuilder()
    accelerated = agm_rate()
    classic = accelerated.result  # the accelerated method's exponent, −2 (nesterov.agm-rate)
    gap = next(step.expr.lhs for step in accelerated.steps if step.label == "Bound")  # the quantity it bounds
    credit = d.definition("Seed 001's credit", sp.Eq(gap, sp.Symbol("C") * T**classic),
                          "'provably better convergence rates for convex functions … versus … for vanilla gradient "
                          "descent' attached to the constant-β rule; the classic pair is O(1/T²) (the accelerated "
                          "method's exponent, derived in nesterov.agm-rate) vs O(1/T)")
    # The exponent the credit implies must be the accelerated method's own: the credit is that rate.
    d.identity("Claimed exponent", sp.Eq(sp.Symbol("p"), classic),
               equals=sp.limit(T * sp.diff(sp.log(credit.rhs), T), T, sp.oo), uses=[credit],
               justification="d log/d log T of the credited rate (computed) is nesterov.agm-rate's exponent")
    return d.finish("constant 0 < β < 1", "η = 1/L")


def _characteristic(d: DerivationBuilder, label: str = "Nesterov on ½λx²"):
    x_t, x_prev = sp.symbols("x_t x_t-1")
    y = x_t + beta * (x_t - x_prev)
    model = d.definition(label, sp.Eq(sp.Symbol("x_+"), sp.factor((1 - h) * y)),
                         "x₊ = y − ηλy with y = x + β(x − x₋); h = ηλ")
    return d.identity("Characteristic polynomial", sp.Eq(sp.Function("p")(z), z**2 - (1 + beta) * (1 - h) * z + beta * (1 - h)),
                      equals=sp.expand(z**2 - model.rhs.subs({x_t: z, x_prev: 1})), uses=[model],
                      justification="xₜ = zᵗ solves the recursion")


def constant_beta_exponent() -> Derivation:
    """Constant β on the slow curvatures: effective GD step η/(1 − β), exponent −1."""
    d = DerivationBuilder()
    lam_ = sp.Symbol("lambda", positive=True)
    poly = _characteristic(d)
    a = sp.Symbol("a")
    first_order = sp.expand(poly.rhs.subs(z, 1 + a * h)).coeff(h, 1)
    slow = d.computed("Slow root", sp.Eq(sp.Symbol("z_slow"), sp.expand(1 + sp.solve(first_order, a)[0] * h)), uses=[poly],
                      how="z = 1 + ah, first order in h", justification="h → 0: z = 1 − h/(1 − β) + O(h²)")
    gap = lam_ * R**2 / 2 * slow.rhs.subs(h, eta * lam_) ** (2 * T)
    worst = sp.solve(sp.diff(sp.log(gap), lam_), lam_)[0]
    sup = d.computed("Worst curvature", sp.Eq(sp.Symbol("gap_T"), sp.simplify(gap.subs(lam_, worst))), uses=[slow],
                     how="maximise ½λR²(1 − ηλ/(1 − β))^(2T) over λ",
                     justification="for a curvature λ ≪ (1 − β)/η the method is GD with step η/(1 − β); "
                                   "the sup over λ is ≈ (1 − β)R²/(4eηT)")
    d.identity("Exponent", sp.Eq(sp.Symbol("p"), -1), equals=sp.limit(T * sp.diff(sp.log(sup.rhs), T), T, sp.oo),
               uses=[sup], justification="lim d log(gap)/d log T")
    return d.finish("constant 0 ≤ β < 1", "η = 1/L")


def lookahead_equivalence() -> Derivation:
    """PyTorch's parameter p is the lookahead point x − ηβv of the lookahead form."""
    d = DerivationBuilder()
    x, v, gp = sp.symbols("x v g", real=True)
    v_next, x_next = sp.Symbol("v_+"), sp.Symbol("x_+")
    form = d.definition("Lookahead form", sp.And(sp.Eq(v_next, beta * v + gp), sp.Eq(x_next, x - eta * v_next)),
                        "g = ∇f(x − ηβv) (seeds 002, 004)")
    update = {eq.lhs: eq.rhs for eq in form.expr.args}
    update[x_next] = update[x_next].subs(v_next, update[v_next])
    change = d.definition("Change of variables", sp.Eq(sp.Symbol("p"), x - eta * beta * v),
                          "p is the point where the gradient is taken")
    buf = sp.Symbol("b")
    pytorch = d.definition("PyTorch nesterov=True", sp.Eq(sp.Symbol("p_+"), change.rhs - eta * (gp + beta * (beta * buf + gp))),
                           "b₊ = βb + ∇f(p), p₊ = p − η(∇f(p) + βb₊)")
    mapped = change.rhs.subs({x: update[x_next], v: update[v_next]}, simultaneous=True)
    d.identity("Same recursion", sp.Eq(sp.Symbol("p_+"), mapped), equals=pytorch.rhs.subs(buf, v), uses=[form, change, pytorch],
               justification="with b = v the mapped lookahead iterate obeys PyTorch's update exactly "
                             "(and b₀ = v₀ = 0, p₀ = x₀)")
    v_s = sp.Symbol("v_S")
    d.identity("Sutskever form", sp.Eq(sp.Symbol("v_S+"), beta * v_s - eta * gp), equals=-eta * update[v_next],
               where={v_s: -eta * v}, uses=[form],
               justification="v_S = −ηv: v_S₊ = βv_S − η∇f(θ + βv_S) and θ = x, identical iterates")
    d.computed("PyTorch's parameter", sp.Eq(sp.Symbol("p"), change.rhs), uses=[change, "Same recursion"],
               how="the change of variables the recursion check validates")
    return d.finish("same η, β, x₀ and zero initial velocity in every form")


def quadratic_stability() -> Derivation:
    """Largest stable h = ηλ of constant-β Nesterov on a quadratic: 2(1 + β)/(1 + 2β)."""
    d = DerivationBuilder()
    poly = _characteristic(d)
    c0, c1, cm1 = jury_steps(d, poly, z)
    threshold = d.computed("Largest stable h", sp.Eq(sp.Symbol("h_max"), sp.factor(sp.solve(sp.Eq(cm1.lhs, 0), h)[0])),
                           uses=[cm1], how="solve p(−1) = 0 for h")
    d.identity("Stable interval", sp.And(sp.Lt(0, h), sp.Lt(h, 2 * (1 + beta) / (1 + 2 * beta))),
               equals=sp.And(sp.Lt(sp.solve(sp.Eq(c1.lhs, 0), h)[0], h), sp.Lt(h, threshold.rhs)), uses=[c1, threshold],
               justification="for 0 ≤ β < 1: p(−1) > 0 ⇔ h < 2(1 + β)/(1 + 2β); then |β(1 − h)| < 1 holds too")
    heavy_ball = stability_region().result.subs(w, 1)
    d.inequality("Compare heavy ball", sp.Le(threshold.rhs, heavy_ball), uses=[threshold], ranges={beta: (0, 1)},
                 justification="heavy ball's largest stable h in the sum form (momentum.stability-region, w = 1): "
                               "Nesterov's region is smaller")
    return d.finish("0 ≤ β < 1", "η, λ > 0", result=threshold)


def strongly_convex_rate() -> Derivation:
    """Nesterov's bound (f(x_t) − f*)/(f(x₀) − f* + μR²/2) ≤ (1 − 1/√κ)^t."""
    d = DerivationBuilder()
    tuning = d.definition("Tuning", sp.And(sp.Eq(sp.Symbol("beta"), (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)),
                                          sp.Eq(sp.Symbol("eta"), 1 / L)),
                          "constant-step scheme III (Nesterov 2004, (2.2.11))")
    tuned = {eq.lhs: eq.rhs for eq in tuning.expr.args}
    b_star = tuned[sp.Symbol("beta")]
    hh = sp.simplify((tuned[sp.Symbol("eta")] * mu).subs(L, kappa * mu))  # h = ηλ at λ = μ, L = κμ: 1/κ
    characteristic = _characteristic(d)
    poly = characteristic.rhs.subs({beta: b_star, h: hh})
    discriminant = sp.simplify(sp.discriminant(poly, z))
    d.computed("At λ = μ the roots coincide", sp.Eq(sp.Symbol("D"), discriminant),
               uses=[tuning, characteristic],
               how="discriminant of the characteristic polynomial at h = ημ = 1/κ")
    d.confirm("At λ = μ the roots coincide", "the discriminant is 0: a double root", discriminant == 0,
              f"the discriminant is {discriminant}, not 0: the roots do not coincide")
    q = sp.Symbol("q", positive=True)  # √κ
    product = sp.factor(sp.Poly(poly, z).coeff_monomial(1).subs(kappa, q**2))
    modulus = sp.sqrt(product).replace(sp.Abs, lambda e: e).subs(q, sp.sqrt(kappa))  # |√κ − 1| = √κ − 1 for κ > 1
    rho = d.identity("Double-root modulus", sp.Eq(sp.Symbol("rho"), 1 - 1 / sp.sqrt(kappa)), equals=modulus, uses=[tuning],
                     justification="√(product of the roots) = √(β(1 − 1/κ)) = 1 − 1/√κ (κ > 1)")
    phi_t, phi_0 = sp.Symbol("Phi_t"), sp.Symbol("Phi_0")
    Phi = sp.Function("Phi")
    contraction = d.cited("Lyapunov contraction", sp.Le(Phi(t + 1), rho.rhs * Phi(t)),
                          reference="Nesterov 2004, Introductory Lectures, Thm 2.2.3; d'Aspremont, Scieur & Taylor "
                                    "2021, Thm 4.14",
                          justification="Φₜ = f(xₜ) − f* + (μ/2)‖zₜ − x*‖² contracts by 1 − 1/√κ per step")
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    solved = sp.rsolve((contraction.lhs - contraction.rhs).subs(t, tt), Phi(tt), {Phi(0): phi_0})
    worst = solved.subs(tt, t)
    bound = d.computed("Lyapunov bound", sp.Le(phi_t, worst), uses=[contraction], how="rsolve from Φ₀",
                       justification="by induction, equality in every contraction step is the worst case")
    # The cited contraction as typeset (both sides), one step at a time: the ratio of consecutive terms is
    # the modulus (a recursion typed backwards in t would grow by its inverse).
    d.factor_per_step("Factor per step", Phi, tt, solved, rho.rhs, uses=[bound],
                      justification="consecutive values of the bound (computed), divided")
    # The induction starts from equality: a solution anchored at the wrong step fails here.
    start = 0  # one value for the step shown and the step checked
    with sp.evaluate(False):
        at_start = bound.rhs.subs(t, start)
    d.identity("Base case", sp.Eq(at_start, phi_0, evaluate=False), equals=bound.rhs, instances={t: [start]}, uses=[bound],
               justification="at t = 0 the bound is Φ₀ itself")
    normalised = d.computed("Normalised bound", sp.Le(phi_t / phi_0, bound.rhs / phi_0), uses=[bound], how="divide by Φ₀")
    at_worst = sp.simplify(normalised.lhs.subs(phi_t, bound.rhs) - normalised.rhs)
    d.confirm("Normalised bound", "both sides divided alike: equal in the worst case Φ_t = bound", at_worst == 0,
              f"with Φ_t at the bound the two sides differ by {at_worst}")
    return d.finish("f L-smooth and μ-strongly convex", "κ = L/μ", "normalised by f(x₀) − f* + μ‖x₀ − x*‖²/2")
