"""Derivations for gradient descent (CLAIMS.md section A)."""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, eta, lam, mu, t, theta, theta_0


def quadratic_stability() -> Derivation:
    """Divergence threshold of GD on f = ½λθ²: η* = 2/λ."""
    d = DerivationBuilder()
    f = lam * theta**2 / 2
    d.step("Objective", sp.Eq(sp.Function("f")(theta), f), "a one-dimensional quadratic with curvature λ > 0")
    update = theta - eta * sp.diff(f, theta)
    d.step("GD update", sp.Eq(sp.Symbol("theta_+"), sp.factor(update)), "θ₊ = θ − η f'(θ)")
    d.step("Closed form", sp.Eq(sp.Symbol("theta_t"), (1 - eta * lam) ** t * theta_0), "unrolling the recursion")
    region = sp.solve_univariate_inequality(sp.Abs(1 - eta * lam) < 1, eta, relational=False)
    d.step("Convergence region", sp.Contains(eta, region, evaluate=False),
           "|1 − ηλ| < 1 solved for η > 0 (SymPy solveset)")
    threshold = region.sup
    d.step("At the boundary", sp.Eq(sp.Symbol("theta_t"), ((1 - eta * lam) ** t * theta_0).subs(eta, threshold)),
           "η = 2/λ gives θ_t = (−1)^t θ₀: bounded oscillation, neither convergence nor divergence")
    return d.finish(threshold, "λ > 0", "θ₀ ≠ 0")


def quadratic_rate() -> Derivation:
    """Linear rate of GD on ½xᵀAx: max_i |1 − ηλ_i| = max(|1 − ημ|, |1 − ηL|)."""
    d = DerivationBuilder()
    lam_i = sp.Symbol("lambda_i", positive=True)
    e = sp.Symbol("e_t")
    d.step("Error recursion", sp.Eq(sp.Symbol("e_+"), (1 - eta * sp.Symbol("A")) * e),
           "e = x − x*, ∇f(x) = A e; in the eigenbasis of A each coordinate scales by 1 − ηλ_i")
    d.step("Per-direction factor", sp.Eq(sp.Symbol("rho_i"), sp.Abs(1 - eta * lam_i)),
           "the rate is the spectral radius max_i |1 − ηλ_i|")
    rate = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))
    d.step("Convexity in λ", sp.Eq(sp.Symbol("rho"), rate),
           "|1 − ηλ| is convex in λ, so its maximum over [μ, L] is at an end point")
    eta_star = sp.solve(sp.Eq(1 - eta * mu, -(1 - eta * L)), eta)[0]
    d.step("Best step (ends balanced)", sp.Eq(sp.Symbol("eta_star"), eta_star),
           "the max of an increasing and a decreasing branch is least where they cross")
    best = sp.simplify((1 - eta_star * mu).subs(L, sp.Symbol("kappa", positive=True) * mu))
    d.step("Best rate", sp.Eq(sp.Symbol("rho_star"), sp.factor(best)), "substituting η* and L = κμ")
    return d.finish(rate, "0 < μ ≤ λ_i ≤ L", "η > 0")


def descent_lemma() -> Derivation:
    """Per-step decrease bound for L-smooth f, normalised by ‖∇f‖²: −η(1 − Lη/2)."""
    d = DerivationBuilder()
    G = sp.Symbol("G", positive=True)  # ‖∇f(x)‖²
    delta = sp.Symbol("Delta")  # f(x⁺) − f(x)
    f, x, y, gx = sp.Function("f"), sp.Symbol("x"), sp.Symbol("y"), sp.Symbol("g")
    d.step("Smoothness upper model", sp.Le(f(y), f(x) + gx * (y - x) + L / 2 * (y - x) ** 2),
           "L-smoothness (Lipschitz gradient) integrated along the segment; g = ∇f(x), products are inner products")
    bound = -eta * G + L * eta**2 * G / 2
    d.step("Substitute y = x − η∇f", sp.Le(delta, sp.factor(bound)),
           "y − x = −ηg, so gᵀ(y − x) = −ηG and ‖y − x‖² = η²G, with G = ‖∇f(x)‖² and Δ = f(y) − f(x)")
    per_grad = sp.expand(bound / G)
    d.step("Normalised by ‖∇f‖²", sp.Le(delta / G, per_grad), "the quantity measured per instance")
    best_eta = sp.solve(sp.diff(eta * (1 - L * eta / 2), eta), eta)[0]
    d.step("Best guaranteed decrease", sp.Eq(sp.Symbol("eta_star"), best_eta),
           "maximising η(1 − Lη/2) over η")
    d.step("Decrease at η = 1/L", sp.Le(delta, sp.simplify(bound.subs(eta, best_eta))),
           "f(x − ∇f/L) ≤ f(x) − ‖∇f‖²/(2L)")
    return d.finish(per_grad, "f is L-smooth", "η > 0")
