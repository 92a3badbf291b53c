"""Derivations for variance reduction (CLAIMS.md section G): SVRG, SAGA, complexities, SGD exponents.

Constants follow the theorems: L is the smoothness of every component f_i
(L_max), μ the strong convexity (of f for SVRG, of every f_i for SAGA).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, eta, mu

m = sp.Symbol("m", positive=True)  # SVRG inner-loop length
n = sp.Symbol("n", positive=True)  # number of components
k = sp.Symbol("k", nonnegative=True)  # SAGA step index
kappa = sp.Symbol("kappa", positive=True)
D0 = sp.Symbol("D_0", positive=True)  # ‖x₀ − x*‖²
F0 = sp.Symbol("F_0", nonnegative=True)  # f(x₀) − f* (with ∇f(x*) = 0)
omega = sp.Symbol("omega", nonnegative=True)  # step-size decay exponent, η_t ∝ t^(−ω)


def svrg_contraction() -> Derivation:
    """SVRG option II (Johnson & Zhang 2013, Thm 1): per-epoch contraction α(η, m, L, μ)."""
    d = DerivationBuilder()
    gap, gap_new, dist = sp.Symbol("Delta_s-1"), sp.Symbol("Delta_s"), sp.Symbol("D_s-1")
    d.step("Variance of the SVRG direction",
           sp.Le(sp.Symbol("V_t"), 4 * L * (sp.Symbol("Delta_t") + gap)),
           "V_t = E‖∇f_i(x) − ∇f_i(x̃) + ∇f(x̃)‖² ≤ 4L[f(x) − f* + f(x̃) − f*] for convex L-smooth f_i "
           "(J&Z eq. 8); Δ_t = f(x_t) − f*, Δ_{s−1} = f(x̃_{s−1}) − f*")
    telescoped = sp.Le(2 * eta * (1 - 2 * L * eta) * m * gap_new, dist + 4 * L * m * eta**2 * gap)
    d.step("One epoch, telescoped", telescoped,
           "summing E‖x_{t+1} − x*‖² ≤ ‖x_t − x*‖² − 2η(1 − 2Lη)Δ_t + 4Lη²Δ_{s−1} over t < m; option II "
           "makes E Δ_s the average of the Δ_t; D_{s−1} = ‖x̃_{s−1} − x*‖²")
    strong = sp.Le(dist, 2 * gap / mu)
    d.step("Strong convexity", strong, "‖x̃ − x*‖² ≤ (2/μ)(f(x̃) − f*)")
    ratio = sp.simplify((2 / mu + 4 * L * m * eta**2) / (2 * eta * (1 - 2 * L * eta) * m))
    # Partial fractions in m, with the signs of (1 − 2Lη) made explicit: the Johnson–Zhang form.
    alpha = sp.apart(ratio, m).subs(2 * L * eta - 1, -(1 - 2 * L * eta))
    d.step("Contraction per epoch", sp.Eq(sp.Symbol("alpha"), alpha),
           "E Δ_s ≤ α Δ_{s−1}: divide the telescoped bound by 2η(1 − 2Lη)m and use strong convexity")
    m_min = sp.solve(sp.Eq(alpha, 1), m)[0]
    d.step("Region α < 1", sp.Gt(m, sp.factor(m_min)),
           "α is decreasing in m; α < 1 needs 1 − 4Lη > 0, i.e. η < 1/(4L), and m above this length")
    eta_best = sp.solve(sp.diff(1 / m_min, eta), eta)[0]
    d.step("Shortest admissible epoch", sp.Eq(sp.Symbol("eta_star"), eta_best),
           "μη(1 − 4Lη) is largest at η = 1/(8L)")
    d.step("…its length", sp.Gt(m, sp.simplify(m_min.subs(eta, eta_best)).subs(L, kappa * mu)),
           "at η = 1/(8L) the epoch must exceed 16κ inner steps, κ = L/μ")
    return d.finish(alpha, "each f_i convex and L-smooth, f μ-strongly convex", "0 < η < 1/(4L)",
                    "option II: the next snapshot is a uniformly random inner iterate")


def saga_bound() -> Derivation:
    """SAGA (Defazio et al. 2014, Thm 1): E‖x_k − x*‖² ≤ (1 − ρ)^k C₀ at γ = 1/(2(μn + L))."""
    d = DerivationBuilder()
    gamma = sp.Symbol("gamma", positive=True)
    c = sp.Symbol("c", positive=True)
    T = sp.Function("T")
    d.step("Lyapunov function",
           sp.Eq(T(k), sp.Symbol("Phi_k") + c * sp.Symbol("R_k")),
           "Defazio, Bach & Lacoste-Julien (2014), Theorem 1 (definition from the source): "
           "Φ_k = (1/n)Σ_i[f_i(φ_i^k) − f(x*) − ⟨∇f_i(x*), φ_i^k − x*⟩], R_k = ‖x_k − x*‖²")
    gamma_v = 1 / (2 * (mu * n + L))
    c_v = 1 / (2 * gamma * (1 - gamma * mu) * n)
    d.step("Step and weight", sp.And(sp.Eq(gamma, gamma_v), sp.Eq(c, c_v)), "the theorem's choices")
    d.step("Expected decrease", sp.Le(T(k + 1), (1 - gamma * mu) * T(k)),
           "in expectation over the sample (Theorem 1): E T^{k+1} ≤ (1 − 1/κ_S) T^k with κ_S = 1/(γμ)")
    rho = sp.simplify((gamma * mu).subs(gamma, gamma_v))
    d.step("Rate", sp.Eq(sp.Symbol("rho"), rho), "γμ at the theorem's step")
    # At k = 0 every φ_i = x₀: the table term is f(x₀) − f* − ⟨∇f(x*), x₀ − x*⟩ = F₀ (∇f(x*) = 0).
    exact_c0 = sp.simplify(D0 + F0 / c_v.subs(gamma, gamma_v))
    d.step("T⁰/c", sp.Eq(T(0) / c, exact_c0),
           "φ_i⁰ = x₀ makes the table term F₀ = f(x₀) − f*; ‖x_k − x*‖² ≤ T^k/c")
    c0 = D0 + n / (mu * n + L) * F0
    d.step("Theorem's constant", sp.Eq(sp.Symbol("C_0"), c0),
           "the statement bounds 2γ(1 − γμ)n ≤ 2γn = n/(μn + L)")
    result = (1 - rho) ** k * c0
    d.step("Bound", sp.Le(sp.Symbol("R_k"), result), "in expectation: unrolling E T^k ≤ (1 − ρ)^k T⁰")
    return d.finish(result, "each f_i μ-strongly convex and L-smooth", "table initialised at x₀",
                    "step γ = 1/(2(μn + L))")


def vr_complexity_exponent() -> Derivation:
    """Secant exponent of the VR cost (n + κ)·log(1/ε) along a range [v₁, v₂] of n (or κ) at fixed c."""
    d = DerivationBuilder()
    eps = sp.Symbol("epsilon", positive=True)
    rho = mu / (2 * (mu * n + L))
    steps = sp.log(1 / eps) / rho
    d.step("SAGA steps to ε", sp.Eq(sp.Symbol("K"), sp.simplify(steps.subs(L, kappa * mu))),
           "K ≈ log(1/ε)/ρ with ρ = μ/(2(μn + L)); one evaluation per step (plus n once)")
    gd_steps = sp.log(1 / eps) * kappa
    d.step("Full GD evaluations", sp.Eq(sp.Symbol("E_GD"), n * gd_steps),
           "GD needs ~κ log(1/ε) steps of n evaluations each")
    c, v1, v2 = sp.symbols("c v_1 v_2", positive=True)
    cost = c + sp.Symbol("v", positive=True)
    d.step("Cost model", sp.Eq(sp.Symbol("E_VR"), 2 * cost * sp.log(1 / eps)),
           "symmetric in n and κ: vary one (v), hold the other (c)")
    secant = sp.log((c + v2) / (c + v1)) / sp.log(v2 / v1)
    d.step("Fitted log-log slope over [v₁, v₂]", sp.Eq(sp.Symbol("p"), secant),
           "slope of log E_VR between the range's ends; the constant log(1/ε) cancels")
    assert sp.limit(secant, c, 0) == 1 and sp.limit(secant, c, sp.oo) == 0
    d.step("Limits", sp.And(sp.Eq(sp.Limit(secant, c, 0), 1, evaluate=False),
                            sp.Eq(sp.Limit(secant, c, sp.oo), 0, evaluate=False)),
           "the varied term dominates (p → 1) or the fixed one does (p → 0); GD's n·κ gives p = 1 always")
    return d.finish(secant, "c fixed (κ when n varies, n when κ varies)", "ε ≪ 1")


def sgd_suboptimality_exponent() -> Derivation:
    """SGD with η_t = c/(t₀ + t)^ω on a strongly convex finite sum: E[f − f*] ∝ t^(−ω) (0 ≤ ω ≤ 1, 2cμ > 1)."""
    d = DerivationBuilder()
    t = sp.Symbol("t", positive=True)
    e = sp.Function("e")
    c, sig, a = sp.symbols("c sigma_star a", positive=True)
    s2 = sig**2
    d.step("Mean-square recursion", sp.Eq(e(t + 1), (1 - 2 * sp.Symbol("eta_t") * a) * e(t) + sp.Symbol("eta_t") ** 2 * s2),
           "linearised at x* along a direction of curvature a; σ*² = variance of ∇f_i(x*) (> 0 for SGD)")
    eta_t = c * t ** (-omega)
    tracking = sp.simplify(eta_t**2 * s2 / (2 * eta_t * a))
    d.step("Quasi-stationary balance", sp.Eq(e(t), tracking),
           "for ω < 1 the contraction 2η_t a per step outpaces the drift of the balance point "
           "(relative change ω/t ≪ 2η_t a); for ω = 1 the same holds when 2ca > 1")
    exponent = sp.simplify(sp.diff(sp.log(tracking), t) * t)
    d.step("Exponent in t", sp.Eq(sp.Symbol("p"), exponent), "d log e / d log t; one evaluation per step")
    return d.finish(exponent, "σ*² > 0", "0 ≤ ω ≤ 1", "2cμ > 1 when ω = 1")
