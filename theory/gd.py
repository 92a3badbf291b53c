"""Derivations for gradient descent on quadratics and the descent lemma."""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, eta, lam, mu, t, theta, theta_0


def quadratic_stability() -> Derivation:
    """Divergence threshold of GD on f = ½λθ²: η* = 2/λ."""
    d = DerivationBuilder()
    objective = d.definition("Objective", sp.Eq(sp.Function("f")(theta), lam * theta**2 / 2),
                             "a one-dimensional quadratic with curvature λ > 0")
    update = d.computed("GD update", sp.Eq(sp.Symbol("theta_+"), sp.factor(theta - eta * sp.diff(objective.rhs, theta))),
                        uses=[objective], how="diff", justification="θ₊ = θ − η f′(θ)")
    multiplier = sp.cancel(update.rhs / theta)
    th = sp.Function("theta")
    unrolled = sp.rsolve(th(t + 1) - multiplier * th(t), th(t), {th(0): theta_0})
    closed = d.computed("Closed form", sp.Eq(sp.Symbol("theta_t"), unrolled), uses=[update], how="rsolve",
                        justification="the recursion θₜ₊₁ = (1 − ηλ)θₜ solved from θ₀")
    d.identity("It solves the recursion", sp.Eq(closed.rhs.subs(t, t + 1), update.rhs.subs(theta, closed.rhs)),
               uses=[update, closed], justification="θₜ₊₁ from the closed form equals the update applied to θₜ")
    base = closed.rhs.as_independent(theta_0)[0].as_base_exp()[0]  # (1 − ηλ)ᵗ -> 1 − ηλ
    region = sp.solve_univariate_inequality(sp.Abs(base) < 1, eta, relational=False)
    d.computed("Convergence region", sp.Contains(eta, region, evaluate=False), uses=[closed], how="solveset",
               justification="|1 − ηλ| < 1 solved for η > 0")
    threshold = d.computed("Threshold", sp.Eq(sp.Symbol("eta_star"), region.sup), uses=["Convergence region"],
                           how="supremum", justification="the right end of the convergence region")
    d.computed("At the boundary", sp.Eq(sp.Symbol("theta_t"), closed.rhs.subs(eta, threshold.rhs)),
               uses=[closed, threshold], how="subs",
               justification="η = 2/λ gives θₜ = (−1)ᵗ θ₀: bounded oscillation, neither convergence nor divergence")
    return d.finish("λ > 0", "θ₀ ≠ 0", result=threshold)


def quadratic_rate() -> Derivation:
    """Linear rate of GD on ½xᵀAx: max_i |1 − ηλ_i| = max(|1 − ημ|, |1 − ηL|)."""
    d = DerivationBuilder()
    lam_i = sp.Symbol("lambda_i", positive=True)
    kappa = sp.Symbol("kappa", positive=True)
    e, A = sp.Symbol("e_t"), sp.Symbol("A")
    recursion = d.definition("Error recursion", sp.Eq(sp.Symbol("e_+"), (1 - eta * A) * e),
                             "e = x − x*, ∇f(x) = Ae; in the eigenbasis of A each coordinate scales by 1 − ηλᵢ")
    factor = d.computed("Per-direction factor", sp.Eq(sp.Symbol("rho_i"), sp.Abs(sp.cancel(recursion.rhs / e).subs(A, lam_i))),
                        uses=[recursion], how="subs A = λᵢ",
                        justification="the rate is the spectral radius maxᵢ |1 − ηλᵢ|")
    rate = d.computed("Convexity in λ", sp.Eq(sp.Symbol("rho"), sp.Max(factor.rhs.subs(lam_i, mu), factor.rhs.subs(lam_i, L))),
                      uses=[factor], how="subs λᵢ = μ, L",
                      justification="|1 − ηλ| is convex in λ, so its maximum over [μ, L] is at an end point")
    u = sp.Symbol("u", positive=True)
    d.inequality("Every direction within the end points", sp.Le(factor.rhs, rate.rhs), uses=[factor, rate],
                 subs={lam_i: mu + u * (L - mu)}, ranges={u: (0, 1)},
                 justification="λᵢ = μ + u(L − μ), 0 ≤ u ≤ 1")
    ends = [(factor.rhs.subs(lam_i, v)).args[0] for v in (mu, L)]  # 1 − ημ, 1 − ηL
    eta_star = d.computed("Best step (ends balanced)", sp.Eq(sp.Symbol("eta_star"), sp.solve(sp.Eq(ends[0], -ends[1]), eta)[0]),
                          uses=[rate], how="solve",
                          justification="the max of an increasing and a decreasing branch is least where they cross")
    best = sp.factor(sp.simplify(-ends[0].subs(eta, eta_star.rhs).subs(L, kappa * mu)))
    d.computed("Best rate", sp.Eq(sp.Symbol("rho_star"), best), uses=[rate, eta_star], how="subs η = η*, L = κμ",
               justification="the μ branch 1 − η*μ ≥ 0 at η = η*, with L = κμ")
    return d.finish("0 < μ ≤ λᵢ ≤ L", "η > 0", result=rate)


def descent_lemma() -> Derivation:
    """Per-step decrease bound for L-smooth f, normalised by ‖∇f‖²: −η(1 − Lη/2)."""
    d = DerivationBuilder()
    G = sp.Symbol("G", positive=True)  # ‖∇f(x)‖²
    delta = sp.Symbol("Delta")  # f(x⁺) − f(x)
    f, x, y, gx = sp.Function("f"), sp.Symbol("x"), sp.Symbol("y"), sp.Symbol("g")
    inner, norm, slope = sp.Function("inner"), sp.Function("norm"), sp.Function("phi'")
    s = sp.Symbol("s", nonnegative=True)
    calculus = d.definition("Along the segment", sp.Eq(f(y) - f(x), sp.Integral(slope(s), (s, 0, 1))),
                            "φ(s) = f(x + s(y − x)), φ′(s) = ⟨∇f(x + s(y − x)), y − x⟩: f(y) − f(x) = ∫₀¹ φ′(s) ds")
    lipschitz = d.assumption("Lipschitz gradient", sp.Le(slope(s) - inner(gx, y - x), L * s * norm(y - x) ** 2),
                             "‖∇f(u) − ∇f(v)‖ ≤ L‖u − v‖ and Cauchy–Schwarz at u − v = s(y − x), g = ∇f(x)")
    limits = calculus.rhs.limits[0]
    balance = calculus.lhs - calculus.rhs  # linear in f(y): solved by hand (sp.solve takes ~0.5 s on the Integral)
    exact = sp.expand(f(y) - balance / balance.diff(f(y)))  # f(y) = f(x) + ∫₀¹ φ′(s) ds
    slope_bound = lipschitz.rhs - (lipschitz.lhs - slope(s))  # the assumption solved for φ′(s): φ′(0) + Ls‖y − x‖²
    bound = sp.integrate(slope_bound, limits)
    model = d.computed("Smoothness upper model", sp.Le(f(y), exact.subs(calculus.rhs, bound)),
                       uses=[calculus, lipschitz], how="integrate φ′(s) ≤ φ′(0) + Ls‖y − x‖² over s ∈ [0, 1]",
                       justification="f(y) ≤ f(x) + ⟨∇f(x), y − x⟩ + (L/2)‖y − x‖²")
    v = sp.Symbol("v", real=True)
    quadratic = L * v**2 / 2  # L-smooth: its gradient Lv is L-Lipschitz
    on_quadratic = (model.rhs.subs(f(x), quadratic.subs(v, x)).subs(gx, sp.diff(quadratic, v).subs(v, x))
                    .replace(inner, lambda a_, b_: a_ * b_).replace(norm, lambda a_: a_))
    d.identity("Attained by f = Lv²/2", sp.Eq(quadratic.subs(v, y), on_quadratic), uses=[model],
               justification="equality for this L-smooth quadratic (1-D: ⟨a, b⟩ = ab, ‖a‖² = a²), so the constant "
                             "L/2 is the smallest possible: a larger one would be a weaker lemma, a smaller one false")
    # Every vector below is a multiple of g, so ⟨a g, b g⟩ = ab‖g‖² and ‖a g‖² = a²‖g‖²: compute with scalars.
    scalar = (model.rhs - f(x)).replace(inner, lambda a, b: a * b).replace(norm, lambda a: a)
    bound = sp.factor(sp.expand(scalar.subs(y, x - eta * gx)).subs(gx**2, G))
    step = d.computed("Substitute y = x − η∇f", sp.Le(delta, bound), uses=[model], how="subs y = x − ηg, ‖g‖² = G",
                      justification="y − x = −ηg, so ⟨g, y − x⟩ = −ηG and ‖y − x‖² = η²G, with G = ‖∇f(x)‖² "
                                    "and Δ = f(y) − f(x)")
    # one division, of both sides (no side picked by hand)
    per_grad = d.computed("Normalised by ‖∇f‖²", sp.Le(*(sp.expand(side / G) for side in (step.lhs, step.rhs))), uses=[step],
                          how="divide by G", justification="the quantity measured per instance")
    decrease = -per_grad.rhs
    best = d.computed("Best guaranteed decrease", sp.Eq(sp.Symbol("eta_star"), sp.solve(sp.diff(decrease, eta), eta)[0]),
                      uses=[per_grad], how="solve d/dη = 0", justification="maximising η(1 − Lη/2) over η")
    d.computed("Decrease at η = 1/L", sp.Le(delta, sp.simplify(step.rhs.subs(eta, best.rhs))), uses=[step, best],
               how="subs", justification="f(x − ∇f/L) ≤ f(x) − ‖∇f‖²/(2L)")
    return d.finish("f is L-smooth", "η > 0", result=per_grad)
