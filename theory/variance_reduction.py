"""Derivations for variance reduction: SVRG, SAGA, complexities, SGD exponents.

Constants follow the theorems: L is the smoothness of every component f_i
(L_max), μ the strong convexity (of f for SVRG, of every f_i for SAGA).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .moments import expectation, stated_groups
from .symbols import L, eta, mu

m = sp.Symbol("m", positive=True)  # SVRG inner-loop length
n = sp.Symbol("n", positive=True)  # number of components
k = sp.Symbol("k", nonnegative=True)  # SAGA step index
kappa = sp.Symbol("kappa", positive=True)
D0 = sp.Symbol("D_0", positive=True)  # ‖x₀ − x*‖²
F0 = sp.Symbol("F_0", nonnegative=True)  # f(x₀) − f* (with ∇f(x*) = 0)
_E = sp.Function("E")  # expectation, printed E(·)
omega = sp.Symbol("omega", nonnegative=True)  # step-size decay exponent, η_t ∝ t^(−ω)
SAGA_STEP = 1 / (2 * (mu * n + L))  # Defazio, Bach & Lacoste-Julien (2014), Theorem 1: γ = 1/(2(μn + L))


def svrg_contraction() -> Derivation:
    """SVRG option II (Johnson & Zhang 2013, Thm 1): per-epoch contraction α(η, m, L, μ)."""
    d = DerivationBuilder()
    gap, gap_new, dist = sp.Symbol("Delta_s-1", nonnegative=True), sp.Symbol("Delta_s", nonnegative=True), \
        sp.Symbol("D_s-1", nonnegative=True)
    gap_t = sp.Symbol("Delta_t", nonnegative=True)
    r_t, r_next, r_m = sp.symbols("r_t r_t+1 r_m", nonnegative=True)
    inner, norm = sp.Symbol("P_t", real=True), sp.Symbol("V_t", nonnegative=True)
    variance = d.cited("Variance of the SVRG direction", sp.Le(norm, 4 * L * (gap_t + gap)),
                       "Johnson & Zhang (2013), Accelerating Stochastic Gradient Descent using Predictive Variance "
                       "Reduction, eq. (8)",
                       "V_t = E‖∇f_i(x) − ∇f_i(x̃) + ∇f(x̃)‖² ≤ 4L[f(x) − f* + f(x̃) − f*] for convex L-smooth f_i; "
                       "Δ_t = f(x_t) − f*, Δ_(s−1) = f(x̃_(s−1)) − f*")
    u, v = sp.symbols("u v", real=True)
    expanded = sp.expand((u - eta * v) ** 2).subs({u**2: r_t, v**2: norm}).subs(u, inner / v)
    step = d.computed("Distance after one inner step", sp.Eq(r_next, expanded), [variance],
                      "expand ‖u − ηv_t‖², u = x_t − x*",
                      "r_t = E‖x_t − x*‖², P_t = v_tᵀ(x_t − x*), V_t = ‖v_t‖² (in expectation)")
    convex = d.assumption("Unbiased direction, convexity", sp.Le(gap_t, inner),
                          "E v_t = ∇f(x_t) and f(x_t) − f* ≤ ∇f(x_t)ᵀ(x_t − x*)")
    one = d.inequality("One inner step",
                       sp.Le(r_next, r_t - 2 * eta * (1 - 2 * L * eta) * gap_t + 4 * L * eta**2 * gap),
                       given=[step, (convex, 2 * eta), (variance, eta**2)], exact=True,
                       justification="the expansion, 2η times convexity and η² times the variance bound")
    increment = sp.expand(one.expr.rhs - r_t).subs(gap_t, gap_new)
    d.confirm("Sum over the epoch", "the per-step increment r_(t+1) − r_t is bounded independently of r_t",
              not increment.has(r_t), f"the increment bound {increment} still depends on r_t")
    # the left side is the increments' sum, telescoped (computed), with r_m at the end and r₀ = D_(s−1) at the start
    r, t = sp.Function("r"), sp.Symbol("t", integer=True, nonnegative=True)
    total = sp.summation(r(t + 1) - r(t), (t, 0, m - 1)).subs({r(m): r_m, r(0): dist})
    summed = d.computed("Sum over the epoch", sp.Le(total, m * increment), [one],
                        "sum of the per-step increments over t < m (linear in Δ_t), telescoped",
                        "r₀ = D_(s−1) = ‖x̃_(s−1) − x*‖²; option II makes E Δ_s the average of the Δ_t")
    telescoped = d.inequality("One epoch, telescoped",
                              sp.Le(2 * eta * (1 - 2 * L * eta) * m * gap_new, dist + 4 * L * m * eta**2 * gap),
                              given=[summed], justification="drop r_m ≥ 0")
    strong = d.assumption("Strong convexity", sp.Le(dist, 2 * gap / mu), "‖x̃ − x*‖² ≤ (2/μ)(f(x̃) − f*)")
    bound_rhs = telescoped.expr.rhs.subs(dist, strong.expr.rhs)
    ratio = sp.simplify(bound_rhs / gap / telescoped.expr.lhs.subs(gap_new, 1))
    # Partial fractions in m, with the signs of (1 − 2Lη) made explicit: the Johnson–Zhang form.
    alpha = sp.apart(ratio, m).subs(2 * L * eta - 1, -(1 - 2 * L * eta))
    alpha_step = d.computed("Contraction per epoch", sp.Eq(sp.Symbol("alpha"), alpha), [telescoped, strong],
                            "subs strong convexity, divide by 2η(1 − 2Lη)mΔ_(s−1), partial fractions in m",
                            "E Δ_s ≤ α Δ_(s−1)")
    m_min = sp.solve(sp.Eq(alpha_step.rhs, 1), m)[0]
    region = d.computed("Region α < 1", sp.Gt(m, sp.factor(m_min)), [alpha_step], "solve α = 1 for m",
                        "α is decreasing in m; α < 1 needs 1 − 4Lη > 0, i.e. η < 1/(4L), and m above this length")
    eta_best = sp.solve(sp.diff(1 / region.expr.rhs, eta), eta)[0]
    best = d.identity("Shortest admissible epoch", sp.Eq(sp.Symbol("eta_star"), 1 / (8 * L)), equals=eta_best,
                      uses=[region], justification="solve d(1/m_min)/dη = 0 (computed): μη(1 − 4Lη) is largest there")
    d.identity("…its length", sp.Eq(sp.Symbol("m_min"), 16 * kappa),
               equals=sp.simplify(region.expr.rhs.subs(eta, best.rhs)).subs(L, kappa * mu), uses=[region, best],
               justification="subs η = η*, L = κμ (computed): at η = 1/(8L) the epoch must exceed 16κ inner steps")
    return d.finish("each f_i convex and L-smooth, f μ-strongly convex", "0 < η < 1/(4L)",
                    "option II: the next snapshot is a uniformly random inner iterate", result=alpha_step)


def saga_bound() -> Derivation:
    """SAGA (Defazio et al. 2014, Thm 1): E‖x_k − x*‖² ≤ (1 − ρ)^k C₀ at γ = 1/(2(μn + L))."""
    d = DerivationBuilder()
    gamma = sp.Symbol("gamma", positive=True)
    c = sp.Symbol("c", positive=True)
    T = sp.Function("T")
    lyapunov = d.definition("Lyapunov function", sp.Eq(T(k), sp.Symbol("Phi_k") + c * sp.Symbol("R_k")),
                 "Defazio, Bach & Lacoste-Julien (2014), Theorem 1: Φ_k = (1/n)Σ_i[f_i(φ_i^k) − f(x*) − "
                 "⟨∇f_i(x*), φ_i^k − x*⟩], R_k = ‖x_k − x*‖²")
    choice = d.definition("Step and weight", sp.And(sp.Eq(gamma, SAGA_STEP),
                                                    sp.Eq(c, 1 / (2 * gamma * (1 - gamma * mu) * n))),
                          "the theorem's choices")
    values = {eq.lhs: eq.rhs for eq in choice.expr.args}
    gamma_v, c_v = values[gamma], values[c]
    decrease = d.cited("Expected decrease", sp.Le(T(k + 1), (1 - gamma * mu) * T(k)),
                       "Defazio, Bach & Lacoste-Julien (2014), SAGA, Theorem 1",
                       "in expectation over the sample: E T^(k+1) ≤ (1 − 1/κ_S) T^k with κ_S = 1/(γμ)")
    contraction = sp.cancel(decrease.expr.rhs / T(k))  # 1 − γμ, as cited
    rho = d.computed("Rate", sp.Eq(sp.Symbol("rho"), sp.simplify((1 - contraction).subs(gamma, gamma_v))),
                     [decrease, choice], "1 − (the cited contraction) at the theorem's step")
    # At k = 0 every φ_i = x₀: the table term is f(x₀) − f* − ⟨∇f(x*), x₀ − x*⟩ = F₀ (∇f(x*) = 0).
    at_start = lyapunov.rhs.subs({sp.Symbol("Phi_k"): F0, sp.Symbol("R_k"): D0})  # T⁰
    start = at_start / c
    chosen = lambda e: e.subs(c, c_v).subs(gamma, gamma_v)  # noqa: E731  the theorem's γ and c put in
    exact = d.computed("T⁰/c", sp.Eq(T(0) / c, sp.simplify(chosen(sp.expand(start)))),
                       [lyapunov, choice], "subs Φ₀ = F₀, R₀ = D₀, divide by c",
                       "φ_i⁰ = x₀ makes the table term F₀ = f(x₀) − f*; ‖x_k − x*‖² ≤ T^k/c",
                       where={T(0): chosen(at_start), c: chosen(c)})
    # T⁰/c as above, with the 1 − γμ ≤ 1 of the weight dropped: the constant the theorem states
    stated = sp.expand(sp.expand(start).subs(c, c_v.subs(gamma * mu, 0)).subs(gamma, gamma_v))
    c0 = d.computed("Theorem's constant", sp.Eq(sp.Symbol("C_0"), sp.collect(stated, F0, sp.factor)),
                    [lyapunov, choice], "T⁰/c with 1 − γμ ≤ 1 in 1/c, subs γ",
                    "the statement bounds 2γ(1 − γμ)n ≤ 2γn = n/(μn + L)")
    d.identity("The constant by hand", sp.Eq(c0.lhs, D0 + n * F0 / (mu * n + L)), equals=c0, uses=[c0],
               justification="2γn = n/(μn + L) at γ = 1/(2(μn + L))")
    d.inequality("The constant is an upper bound", sp.Le(exact.rhs, c0.rhs), uses=[exact, c0],
                 justification="the difference is 2γ²μnF₀ ≥ 0")
    # The cited step unrolled as a recursion from T⁰; it must contract at the theorem's step (a cited
    # relation typed with the wrong sign, or between the wrong steps, would not).
    start_value = sp.Symbol("T^0", positive=True)
    unrolled = sp.rsolve(decrease.expr.lhs - decrease.expr.rhs, T(k), {T(0): start_value}) / start_value
    # The ratio of consecutive values is typed (a geometric decrease by 1 − γμ at every k), so a ratio
    # taken two steps apart, or one depending on k, is refused.
    factor = d.factor_per_step("Factor per step", T, k, unrolled, 1 - gamma * mu, uses=[decrease],
                               justification="consecutive values of the cited recursion unrolled from T⁰ (rsolve), "
                                             "divided")
    # contracting: below the factor of a zero step (no step, no contraction: 1), not a bound typed by hand
    d.inequality("The cited step contracts", sp.Lt(factor.rhs, factor.rhs.subs(gamma, 0), evaluate=False),
                 uses=[factor, choice], subs={gamma: gamma_v},
                 justification="at γ = 1/(2(μn + L))")
    d.identity("Bound", sp.Le(sp.Symbol("R_k"), (1 - rho.rhs) ** k * c0.rhs), equals=unrolled.subs(gamma, gamma_v) * c0.rhs,
               uses=[decrease, rho, c0], justification="unroll E T^k ≤ (1 − ρ)^k T⁰ (rsolve), divide by c; in expectation")
    return d.finish("each f_i μ-strongly convex and L-smooth", "table initialised at x₀", "step γ = 1/(2(μn + L))")


def vr_complexity_exponent() -> Derivation:
    """Secant exponent of the VR cost (n + κ)·log(1/ε) along a range [v₁, v₂] of n (or κ) at fixed c."""
    d = DerivationBuilder()
    eps = sp.Symbol("epsilon", positive=True)
    K = sp.Symbol("K", positive=True)
    rate = d.identity("SAGA rate", sp.Eq(sp.Symbol("rho"), mu / (2 * (mu * n + L))),
                      equals=sp.simplify(mu * SAGA_STEP),
                      justification="vr.saga-rate's rate γμ at the theorem's step (computed): "
                                    "E‖x_K − x*‖² ≤ (1 − ρ)^K C₀")
    rho = sp.Symbol("rho", positive=True)
    exact_steps = sp.solve(sp.Eq((1 - rho) ** K, eps), K)[0]
    small = sp.limit(exact_steps * rho, rho, 0) / rho
    steps = d.computed("SAGA steps to ε", sp.Eq(K, sp.simplify(small.subs(rho, rate.rhs).subs(L, kappa * mu))), [rate],
                       "solve (1 − ρ)^K = ε, leading order as ρ → 0, L = κμ",
                       "one evaluation per step (plus n once)")
    d.identity("Full GD evaluations", sp.Eq(sp.Symbol("E_GD"), n * sp.log(1 / eps) * kappa),
               equals=n * small.subs(rho, 1 / kappa), uses=[steps],
               justification="GD contracts by 1 − 1/κ per step: the same leading order with ρ = 1/κ (computed), "
                             "n evaluations per step")
    c, v1, v2 = sp.symbols("c v_1 v_2", positive=True)
    vv = sp.Symbol("v", positive=True)
    model = d.identity("Cost model", sp.Eq(sp.Symbol("E_VR"), 2 * (c + vv) * sp.log(1 / eps)),
                       equals=sp.expand(steps.rhs).subs({n: c, kappa: vv}), uses=[steps],
                       justification="symmetric in n and κ: vary one (v), hold the other (c)")
    cost = lambda value: model.rhs.subs(vv, value)  # noqa: E731
    secant = sp.log(sp.cancel(cost(v2) / cost(v1))) / sp.log(v2 / v1)  # log E(v₂) − log E(v₁) over log v₂ − log v₁
    slope = d.identity("Fitted log-log slope over [v₁, v₂]",
                       sp.Eq(sp.Symbol("p"), sp.log((c + v2) / (c + v1)) / sp.log(v2 / v1)),
                       equals=secant, uses=[model],
                       justification="slope of log E_VR between the range's ends; the constant log(1/ε) cancels")
    limits = [sp.Limit(slope.rhs, c, point) for point in (0, sp.oo)]  # each shown limit is the one taken
    values = [lim.doit() for lim in limits]
    d.computed("Limits", sp.And(*(sp.Eq(lim, value, evaluate=False) for lim, value in zip(limits, values))),
               [slope], "limit", "the varied term dominates (p → 1) or the fixed one does (p → 0); GD's n·κ gives "
                                 "p = 1 always")
    d.confirm("Limits", "p → 1 as c → 0 and p → 0 as c → ∞, as the justification reads", values == [1, 0],
              f"the limits are {values}, not 1 (c → 0) and 0 (c → ∞)")
    return d.finish("c fixed (κ when n varies, n when κ varies)", "ε ≪ 1", result=slope)


def sgd_suboptimality_exponent() -> Derivation:
    """SGD with η_t = c/(t₀ + t)^ω on a strongly convex finite sum: E[f − f*] ∝ t^(−ω) (0 ≤ ω ≤ 1, 2cμ > 1)."""
    d = DerivationBuilder()
    t = sp.Symbol("t", positive=True)
    e = sp.Function("e")
    c, sig, a = sp.symbols("c sigma_star a", positive=True)
    eta_t, e_bal = sp.Symbol("eta_t", positive=True), sp.Symbol("e_bal")
    u, xi = sp.Symbol("u_t", real=True), sp.Symbol("xi_t", real=True)
    x_star, grad_i = sp.Symbol("x^*", real=True), sp.Function("g_i")
    u_next = sp.Symbol("u_t+1")
    sgd = d.definition("SGD step", sp.Eq(u_next, u - eta_t * grad_i(x_star + u)),
                       "x_(t+1) = x_t − η_t ∇f_i(x_t) for a uniformly sampled i; u = x − x* along an eigendirection "
                       "of curvature a, g_i the sampled component's gradient along it")
    # The update's signs come from the step and the expansion, not typed: ξ_t = g_i(x*) enters as −η_t ξ_t.
    tangent = sp.series(grad_i(x_star + u), u, 0, 2).removeO()
    linear = tangent.subs(grad_i(x_star), xi).replace(lambda e: isinstance(e, sp.Subs), lambda e: a)
    step = d.computed("SGD near x*", sp.Eq(u_next, sp.collect(sp.expand(sgd.rhs.subs(grad_i(x_star + u), linear)), u)),
                      [sgd], "first-order expansion of g_i at x*: g_i(x*) = ξ_t, g_i′(x*) → a",
                      "ξ_t = ∇f_i(x*) along the direction (mean zero over i); the component's curvature is replaced "
                      "by the mean a, the difference times u_t is O(u) noise, dropped near x*")
    noise = d.assumption("Sampling noise at x*", sp.And(sp.Eq(_E(xi), 0), sp.Eq(_E(xi**2), sig**2),
                                                        sp.Eq(_E(u**2), e(t))),
                         "ξ_t independent of u_t, mean zero (the components' gradients sum to 0 at x*); σ*² = their "
                         "variance (> 0 for SGD); e(t) = E u_t²")
    second = expectation(step.rhs**2, stated_groups(noise.expr, u, _E))
    rec = d.computed("Mean-square recursion", sp.Eq(e(t + 1), sp.collect(second, e(t))), [step, noise],
                     "square the update, take expectations", "the cross term vanishes (E ξ_t = 0)")
    # The factor per step of the recursion as typeset (both sides), without noise and at a constant step:
    # below 1, so the balance below attracts (a recursion typed backwards in t would repel).
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    noiseless = sp.rsolve((rec.lhs - rec.rhs).subs(sig, 0).subs(t, tt), e(tt), {e(0): sp.Symbol("e_0")})
    # The ratio of consecutive terms is typed, so an index written wrong (two steps apart) fails.
    factor = d.factor_per_step("Factor per step, no noise", e, tt, noiseless, (1 - eta_t * a) ** 2, uses=[rec],
                               justification="the recursion with σ* = 0 and a constant step, solved (computed), "
                                             "consecutive terms divided")
    step_scale = sp.Symbol("h", positive=True)  # η_t a
    # Attracting: the factor is below a zero step's (no step, no contraction: 1); the range sampled is where
    # that relation holds, solved over the reals (0 < h < 2), so neither the 1 nor the range is typed by hand.
    attracting = sp.Lt(factor.rhs, factor.rhs.subs(eta_t, 0))
    attracts = sp.solveset(attracting.subs(eta_t, step_scale / a), step_scale, sp.S.Reals)
    d.inequality("The balance attracts", attracting, uses=[factor], subs={eta_t: step_scale / a},
                 ranges={step_scale: (attracts.inf, attracts.sup)},
                 justification="without noise e contracts by (1 − η_t a)² < 1 per step for 0 < η_t a < 2")
    schedule = d.definition("Schedule", sp.Eq(eta_t, c * t ** (-omega)), "η_t = c t^(−ω) for t ≫ t₀")
    balance = sp.solve(sp.Eq(e_bal, rec.rhs.subs(e(t), e_bal)), e_bal)[0]
    tracking = d.computed("Quasi-stationary balance", sp.Eq(e(t), sp.simplify(balance.subs(eta_t, schedule.rhs))),
                          [rec, schedule], "solve e = recursion(e), subs η_t",
                          "for ω < 1 the contraction ≈ 2η_t a per step outpaces the drift of the balance point "
                          "(relative change ω/t ≪ 2η_t a); for ω = 1 the same holds when 2ca > 1")
    # The balance's size for small steps, checked against the fixed point of the recursion: the noise
    # variance enters as the typeset assumption states it.
    d.identity("Balance for small steps", sp.Eq(sp.Limit(e_bal / eta_t, eta_t, 0), sig**2 / (2 * a)),
               where={e_bal: balance}, uses=[rec],
               justification="limit of the fixed point over η_t (computed): e ≈ η_t σ*²/(2a)")
    local = sp.simplify(sp.diff(sp.log(tracking.rhs), t) * t)  # −ω − (its O(η_t) correction, a multiple of ω)
    decaying = sp.Symbol("omega", positive=True)  # ω > 0: η_t → 0; at ω = 0 the correction vanishes identically
    exponent = sp.limit(local.subs(omega, decaying), t, sp.oo).subs(decaying, omega)
    d.confirm("Exponent in t", "at ω = 0 (constant steps) the exponent is the limit's",
              sp.simplify(local.subs(omega, 0) - exponent.subs(omega, 0)) == 0,
              "the constant-step case ω = 0 does not have the limit's exponent")
    d.computed("Exponent in t", sp.Eq(sp.Symbol("p"), exponent), [tracking], "d log e / d log t as t → ∞",
               "one evaluation per step; for ω > 0 the O(η_t) correction of the balance vanishes, for ω = 0 it is 0")
    return d.finish("σ*² > 0", "0 ≤ ω ≤ 1", "2cμ > 1 when ω = 1")
