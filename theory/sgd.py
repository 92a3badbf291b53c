"""Derivations for stochastic gradients (CLAIMS.md section D).

Conventions: g_B is the mean of B sampled component gradients; σ² is the
per-sample gradient variance tr Cov(∇ℓ_I) (population variance over the n
components); additive-noise models write g = ∇f + σξ with E ξ = 0, E ξ² = 1.
Heavy ball is in the sum form v ← βv + g, θ ← θ − ηv (empirics/optimizers.py).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import beta, eta, t

sigma = sp.Symbol("sigma", positive=True)
B = sp.Symbol("B", positive=True)
n = sp.Symbol("n", positive=True)
a = sp.Symbol("a", positive=True)  # curvature of the quadratic
c = sp.Symbol("c", positive=True)  # schedule constant / clipping threshold
mu = sp.Symbol("mu", positive=True)
T = sp.Symbol("T", positive=True)
part = sp.Symbol("j", integer=True, nonnegative=True)  # which quantity a point measures
g_full = sp.Symbol("g_bar", real=True)  # ∇L, the full gradient (one coordinate)


def unbiased() -> Derivation:
    """E[∇ℓ_I] = ∇L for I uniform on {1, …, n}."""
    d = DerivationBuilder()
    i = sp.Symbol("i", integer=True, positive=True)
    g = sp.IndexedBase("g")
    nn = sp.Symbol("n", integer=True, positive=True)
    expectation = sp.Sum(g[i] / nn, (i, 1, nn))
    d.step("Expectation over a uniform index", sp.Eq(sp.Symbol("E_g_I"), expectation),
           "P(I = i) = 1/n for each component (seeds 000, 001, 004)")
    pulled = sp.Sum(g[i], (i, 1, nn)) / nn
    d.step("Linearity", sp.Eq(expectation, pulled, evaluate=False), "the factor 1/n does not depend on i")
    d.step("Definition of the full gradient", sp.Eq(g_full, pulled),
           "∇L = (1/n) Σ_i ∇ℓ_i, so the expectation is ∇L, coordinate by coordinate")
    return d.finish(g_full, "I uniform on {1, …, n}", "exact: a finite average, no limit involved")


def minibatch_variance() -> Derivation:
    """Var(g_B) = σ²/B for B indices drawn independently with replacement."""
    d = DerivationBuilder()
    j, k = sp.symbols("j k", integer=True, positive=True)
    cov = sp.Function("Cov")
    d.step("Independent draws", sp.Eq(cov(sp.Symbol("X_j"), sp.Symbol("X_k")), 0),
           "with replacement the B draws are i.i.d., so j ≠ k are uncorrelated")
    total = sp.Sum(sigma**2, (j, 1, B)).doit()
    d.step("Variance of the sum", sp.Eq(sp.Symbol("Var_sum"), total), "B terms of variance σ² each, no covariances")
    var = sp.simplify(total / B**2)
    d.step("Variance of the mean", sp.Eq(sp.Symbol("Var_g_B"), var), "g_B = (1/B) Σ X_j")
    exponent = sp.simplify(B * sp.diff(sp.log(var), B))
    d.step("Log-log slope", sp.Eq(sp.Symbol("d_log_Var") / sp.Symbol("d_log_B"), exponent),
           "doubling B halves the variance (seed 001)")
    return d.finish(var, "B ≥ 1 draws with replacement", "σ² = tr Cov(∇ℓ_I), the per-sample variance")


def variance_linear_seed() -> Derivation:
    """Seed 004's 'decreases linearly with batch size', read as a linear law from σ² (B = 1) to 0 (B = n)."""
    d = DerivationBuilder()
    var = sigma**2 * (n - B) / (n - 1)
    d.step("A linear decrease", sp.Eq(sp.Symbol("Var_g_B"), var),
           "the straight line through σ² at B = 1 and 0 at B = n (seed 001's 'Full dataset: Zero')")
    exponent = sp.simplify(B * sp.diff(sp.log(var), B))
    d.step("Its log-log slope", sp.Eq(sp.Symbol("d_log_Var") / sp.Symbol("d_log_B"), exponent),
           "the elasticity B·d log Var/dB at the centre of the measured range of B")
    return d.finish(exponent, "1 ≤ B < n")


def without_replacement() -> Derivation:
    """Var(g_B) = σ²/B · (n − B)/(n − 1) when the B indices are distinct."""
    d = DerivationBuilder()
    rho = sp.Symbol("C")  # covariance of two distinct draws
    d.step("The population sums to its mean", sp.Eq(sp.Symbol("Var_all") , n * sigma**2 + n * (n - 1) * rho),
           "drawing all n without replacement gives the full gradient: the variance of the sum of all n is 0")
    cov = sp.solve(sp.Eq(n * sigma**2 + n * (n - 1) * rho, 0), rho)[0]
    d.step("Covariance of two distinct draws", sp.Eq(rho, cov), "exchangeability: every pair has the same covariance")
    var = sp.factor(sp.simplify((B * sigma**2 + B * (B - 1) * cov) / B**2))
    d.step("Variance of the mean of B", sp.Eq(sp.Symbol("Var_g_B"), var),
           "B variances and B(B − 1) covariances, divided by B²")
    d.step("Full batch", sp.Eq(sp.Symbol("Var_g_n"), var.subs(B, n)), "B = n: the estimate is the full gradient")
    return d.finish(var, "1 ≤ B ≤ n distinct indices, uniformly", "σ² is the population variance (divisor n)")


def noise_ball() -> Derivation:
    """Stationary E(θ − θ*)² of SGD on ½aθ² with additive gradient noise σ: ησ²/(a(2 − ηa))."""
    d = DerivationBuilder()
    e, v = sp.Symbol("e_t"), sp.Symbol("v")
    d.step("Update", sp.Eq(sp.Symbol("e_t+1"), (1 - eta * a) * e - eta * sigma * sp.Symbol("xi_t")),
           "g = a e + σξ, ξ independent of e_t, E ξ = 0, E ξ² = 1")
    recursion = (1 - eta * a) ** 2 * v + eta**2 * sigma**2
    d.step("Second-moment recursion", sp.Eq(sp.Symbol("v_t+1"), recursion.subs(v, sp.Symbol("v_t"))),
           "square and take expectations; the cross term vanishes")
    stationary = sp.factor(sp.solve(sp.Eq(v, recursion), v)[0])
    d.step("Stationary point", sp.Eq(v, stationary), "v = (1 − ηa)²v + η²σ², valid for 0 < ηa < 2")
    small = sp.limit(stationary / eta, eta, 0)
    d.step("Small steps", sp.Eq(sp.Limit(v / eta, eta, 0), small), "the ball shrinks in proportion to η (seed 000)")
    lam_i, sig_i = sp.Symbol("lambda_i", positive=True), sp.Symbol("sigma_i", positive=True)
    d.step("Many dimensions, per eigendirection", sp.Eq(sp.Symbol("P_ii"), stationary.subs({a: lam_i, sigma: sig_i})),
           "P = MPMᵀ + η²Σ with M = I − ηA (discrete Lyapunov equation, solved numerically in the experiment); "
           "in A's eigenbasis M is diagonal, so each diagonal entry obeys the scalar recursion with a = λ_i "
           "and σ_i² = q_iᵀΣq_i, whatever the off-diagonal entries of Σ")
    return d.finish(stationary, "0 < ηa < 2", "additive noise independent of the iterate")


def momentum_noise_ball() -> Derivation:
    """Stationary variance of heavy ball (sum form) on ½aθ² with additive noise σ."""
    d = DerivationBuilder()
    x, xm = sp.Symbol("x_t"), sp.Symbol("x_t-1")
    p = 1 + beta - eta * a
    d.step("Eliminate v", sp.Eq(sp.Symbol("x_t+1"), p * x - beta * xm - eta * sigma * sp.Symbol("xi_t")),
           "v_{t+1} = βv_t + a x_t + σξ_t, x_{t+1} = x_t − ηv_{t+1}, and ηv_t = x_{t−1} − x_t")
    g0, g1 = sp.symbols("gamma_0 gamma_1")
    eq0 = sp.Eq(g0, p**2 * g0 + beta**2 * g0 - 2 * p * beta * g1 + eta**2 * sigma**2)
    eq1 = sp.Eq(g1, p * g0 - beta * g1)
    d.step("Stationary variance", eq0, "γ₀ = Var x, γ₁ = Cov(x_t, x_{t−1}); square the recursion")
    d.step("Stationary lag-one covariance", eq1, "multiply the recursion by x_t and take expectations")
    solution = sp.solve([eq0, eq1], [g0, g1], dict=True)[0]
    var = sp.factor(sp.simplify(solution[g0]))
    d.step("Solution", sp.Eq(g0, var), "two linear equations (Yule–Walker for an AR(2) process)")
    ratio = sp.limit(sp.simplify(var / noise_ball().result), eta, 0)
    d.step("Inflation over plain SGD (η → 0)", sp.Eq(sp.Symbol("gamma_0") / sp.Symbol("v_SGD"), sp.factor(ratio)),
           "at equal η momentum inflates the ball by 1/(1 − β)")
    return d.finish(var, "heavy ball in the sum form, 0 ≤ β < 1", "0 < ηa < 2(1 + β)")


def robbins_monro() -> Derivation:
    """E(θ_t − θ*)² under η_t = c/t on ½μθ²: exponent −min(1, 2cμ)."""
    d = DerivationBuilder()
    tt = sp.Symbol("t", positive=True)
    m = sp.Function("m")
    rec = sp.Eq(sp.Symbol("m_t+1"), (1 - c * mu / tt) ** 2 * sp.Symbol("m_t") + c**2 * sigma**2 / tt**2)
    d.step("Second-moment recursion", rec, "η_t = c/t, additive noise of variance σ²")
    ode = sp.Eq(m(tt).diff(tt), -2 * c * mu * m(tt) / tt + c**2 * sigma**2 / tt**2)
    d.step("Continuous-time limit", ode, "keep terms of order 1/t and 1/t² in m_{t+1} − m_t")
    C1, K = sp.Symbol("C_1"), sp.Symbol("K")
    homogeneous = C1 * tt ** (-2 * c * mu)
    check = sp.simplify(homogeneous.diff(tt) + 2 * c * mu * homogeneous / tt)
    particular_k = sp.solve(sp.simplify((K / tt).diff(tt) - ode.rhs.subs(m(tt), K / tt)), K)[0]
    solution = homogeneous + particular_k / tt
    residual = sp.simplify(solution.diff(tt) - ode.rhs.subs(m(tt), solution))
    d.step("General solution", sp.Eq(m(tt), solution),
           f"homogeneous part C₁t^(−2cμ) (residual {check}), particular part K/t (residual {residual})")
    exponents = [sp.simplify(tt * sp.diff(sp.log(term), tt)) for term in (homogeneous, particular_k / tt)]
    slowest = -sp.Min(*[-e for e in exponents])
    d.step("Decay exponents of the two terms", sp.Eq(sp.Symbol("p"), sp.Tuple(*exponents)),
           "the transient forgets the start like t^(−2cμ); the noise term decays like 1/t")
    d.step("Slowest term wins", sp.Eq(sp.Symbol("p"), slowest),
           "O(1/t) if 2cμ > 1 (Robbins–Monro), only O(t^(−2cμ)) if 2cμ < 1 (Nemirovski et al. 2009)")
    return d.finish(slowest, "2cμ ≠ 1", "σ > 0")


def convex_sqrt_t_bound() -> Derivation:
    """Averaged-iterate bound for projected SGD with η_t = c/√t: (D²/(2c) + cG²)/√T, exponent −½."""
    d = DerivationBuilder()
    D, G = sp.Symbol("D", positive=True), sp.Symbol("G", positive=True)
    k = sp.Symbol("k", positive=True, integer=True)
    d.step("One step", sp.Le(sp.Symbol("E_gap_t"),
                             (sp.Symbol("r_t") - sp.Symbol("r_t+1")) / (2 * sp.Symbol("eta_t"))
                             + sp.Symbol("eta_t") * G**2 / 2),
           "r_t = E‖x_t − x*‖², convexity f(x_t) − f* ≤ gᵀ(x_t − x*), E‖g‖² ≤ G², projection is non-expansive")
    telescoped = D**2 / (2 * c / sp.sqrt(T))
    d.step("Telescoping with decreasing steps", sp.Le(sp.Symbol("Sigma_r_terms"), telescoped),
           "Σ r_t(1/η_t − 1/η_{t−1})/2 ≤ D²/(2η_T) on a set of diameter D")
    steps_sum = sp.integrate(c / sp.sqrt(k), (k, 0, T))
    d.step("Sum of the steps", sp.Le(sp.Sum(c / sp.sqrt(k), (k, 1, T)), steps_sum), "Σ_{k≤T} k^(−½) ≤ ∫₀^T k^(−½) dk")
    bound = sp.simplify((telescoped + G**2 * steps_sum / 2) / T)
    d.step("Jensen on the average", sp.Le(sp.Symbol("E_gap_avg"), bound), "f(x̄_T) ≤ (1/T) Σ f(x_t)")
    exponent = sp.simplify(T * sp.diff(sp.log(bound), T))
    d.step("Exponent in T", sp.Eq(sp.Symbol("p"), exponent), "T d log(bound)/dT")
    return d.finish(exponent, "f convex, E‖g‖² ≤ G², feasible set of diameter D")


def nonconvex_bound() -> Derivation:
    """(1/T) Σ E‖∇f(x_t)‖² ≤ (Δ/(Tη) + Lησ²/2)/(1 − Lη/2) with η = c/√T (Ghadimi & Lan 2013)."""
    d = DerivationBuilder()
    L, Delta = sp.Symbol("L", positive=True), sp.Symbol("Delta", positive=True)
    G2 = sp.Symbol("G_t")
    d.step("Descent lemma in expectation",
           sp.Le(sp.Symbol("E_f_t+1"), sp.Symbol("E_f_t") - eta * G2 + L * eta**2 * (G2 + sigma**2) / 2),
           "L-smoothness with g = ∇f + noise, E‖g‖² = ‖∇f‖² + σ², G_t = E‖∇f(x_t)‖²")
    avg = sp.Symbol("G_avg")
    inequality = sp.Le(eta * (1 - L * eta / 2) * T * avg, Delta + T * L * eta**2 * sigma**2 / 2)
    d.step("Telescoping over T steps", inequality, "Δ = f(x₀) − f_inf bounds the total decrease")
    bound = sp.solve(sp.Eq(inequality.lhs, inequality.rhs), avg)[0]
    d.step("Average squared gradient", sp.Le(avg, bound), "valid for η < 2/L")
    bound_T = sp.simplify(bound.subs(eta, c / sp.sqrt(T)))
    d.step("With η = c/√T", sp.Le(avg, bound_T), "min_t E‖∇f‖² ≤ average")
    d.step("Rate", sp.Eq(sp.Limit(bound_T * sp.sqrt(T), T, sp.oo), sp.limit(bound_T * sp.sqrt(T), T, sp.oo)),
           "O(1/√T)")
    return d.finish(bound_T, "f L-smooth, bounded below by f_inf", "noise variance σ², c/√T < 2/L")


def _leading_order(expr: sp.Expr, x: sp.Symbol) -> int:
    poly = sp.Poly(sp.expand(expr), x)
    return min(m[0] for m in poly.monoms())


def _power_sum_series(n_sym: sp.Expr, x: sp.Symbol, factor: int, order: int) -> sp.Expr:
    """Σ_{m=0}^{n−1} (1 − x)^(factor·m) up to x^order, with n symbolic (binomial series, Faulhaber)."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    total = 0
    for k in range(order + 1):
        coefficient = sp.expand_func(sp.binomial(factor * m, k))
        total += (-x) ** k * sp.summation(sp.expand(coefficient), (m, 0, n_sym - 1))
    return sp.expand(total)


def shuffling_exponents() -> Derivation:
    """Leading exponents in η of E‖x − x*‖² at epoch ends: 1 (i.i.d.), 2 (cyclic), 3 (reshuffled)."""
    d = DerivationBuilder()
    x = sp.Symbol("h", positive=True)  # h = ηa
    q = 1 - x
    s2 = sp.Symbol("s", positive=True) ** 2  # population variance of the component gradients at x*
    d.step("Model", sp.Eq(sp.Symbol("f_i"), a * (sp.Symbol("theta") - sp.Symbol("b_i")) ** 2 / 2),
           "equal curvatures a; c_i = a(x* − b_i) sum to zero; h = ηa; one epoch = n steps")
    # With replacement: stationary variance of the additive-noise recursion.
    wr = eta * s2 / (a * (2 - x))
    d.step("With replacement", sp.Eq(sp.Symbol("E_e2"), wr), "noise ball with per-step variance s²")
    p_wr = 1 + _leading_order(sp.series(1 / (2 - x), x, 0, 2).removeO(), x)
    # Epoch map: e ← qⁿ e + η Σ_k (q^(n−k) − 1) c_π(k)  (Σ c = 0 lets us subtract 1)
    d.step("Epoch map", sp.Eq(sp.Symbol("e_+"), q**n * sp.Symbol("e") + eta * sp.Sum(
        (q ** (n - sp.Symbol("k")) - 1) * sp.Symbol("c_pi_k"), (sp.Symbol("k"), 1, n))),
        "unrolling n steps; Σ_i c_i = 0")
    contraction = sp.expand(1 - _power_sum_series(n, x, 1, 2) * x)  # 1 − qⁿ = x Σ q^m
    d.step("Per-epoch contraction", sp.Eq(1 - q**n, sp.factor(sp.expand(contraction - 1) * -1).subs(x, x)),
           "to second order in h")
    # Cyclic: deterministic offset e* = η Σ (q^m − 1)c/(1 − qⁿ); q^m − 1 = −m h + …
    order_offset = 1 + 1 - _leading_order(sp.expand(1 - contraction), x)  # η · O(h) / O(h)
    p_cyc = 2 * order_offset
    d.step("Cyclic order: fixed point", sp.Eq(sp.Symbol("e_star"), -eta * sp.Symbol("S_c") / n),
           "e* = η Σ_m (q^m − 1)c_(m)/(1 − qⁿ) with q^m − 1 = −mh + O(h²) and 1 − qⁿ = nh + O(h²); "
           "S_c = Σ_m m c_(m) depends on the fixed order. "
           "A deterministic offset of order η, so its square is of order η² (seed 001's systematic bias)")
    # Random reshuffling: zero-mean ξ with Var ξ = η² n s²/(n − 1) Σ_m (w_m − w̄)², w_m = q^m − 1.
    s1 = _power_sum_series(n, x, 2, 3)
    sm = _power_sum_series(n, x, 1, 3)
    spread = sp.expand(s1 - sm**2 / n)
    spread_order = _leading_order(spread, x)
    leading_spread = sp.factor(sp.Poly(spread, x).coeff_monomial(x**spread_order))
    d.step("Reshuffled: spread of the weights", sp.Eq(sp.Symbol("S_w"), leading_spread * x**spread_order),
           "Σ_m (w_m − w̄)² to leading order; a uniform permutation makes the epoch noise zero-mean")
    one_minus_q2n = sp.expand(x * _power_sum_series(n, x, 2, 2) * (2 - x))  # 1 − q^(2n) = (1 − q²) Σ q^(2m)
    denom_order = _leading_order(one_minus_q2n, x)
    p_rr = 2 + spread_order - denom_order
    d.step("Reshuffled: stationary variance", sp.Eq(sp.Symbol("E_e2"), sp.factor(
        eta**2 * n * s2 / (n - 1) * leading_spread * x**spread_order / (2 * n * x))),
        "Var ξ/(1 − q^(2n)) to leading order: of order η³ (Mishchenko et al. 2020)")
    scheme = sp.Symbol("j", integer=True, nonnegative=True)
    result = sp.Piecewise((p_wr, sp.Eq(scheme, 0)), (p_cyc, sp.Eq(scheme, 1)), (p_rr, True))
    d.step("Exponents by scheme", sp.Eq(sp.Symbol("p"), result),
           "j = 0 with replacement, j = 1 fixed cyclic order, j = 2 random reshuffling")
    return d.finish(result, "small η (ηan ≪ 1)", "equal component curvatures")


def worked_example() -> Derivation:
    """Seed 001's example: batch GD θ_t = ȳ(1 − 0.8^t); SGD stationary sd; cost ratio n/B."""
    d = DerivationBuilder()
    ybar, s = sp.Symbol("y_bar", real=True), sp.Symbol("s", positive=True)
    th = sp.Symbol("theta")
    loss_grad = sp.diff((th - sp.Symbol("y")) ** 2, th)
    d.step("Gradient of (θ − y)²", sp.Eq(sp.Symbol("g"), loss_grad), "seed 001: grad = 2(θ − mean y)")
    th_t = sp.Function("theta")
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    rec = sp.Eq(th_t(tt + 1), th_t(tt) - eta * 2 * (th_t(tt) - ybar))
    gd = sp.simplify(sp.rsolve(rec, th_t(tt), {th_t(0): 0}))
    d.step("Batch GD", sp.Eq(th_t(tt), gd), "θ₀ = 0; with η = 0.1 the factor is 1 − 2η = 0.8")
    v = sp.Symbol("v")
    var = sp.solve(sp.Eq(v, (1 - 2 * eta) ** 2 * v + 4 * eta**2 * s**2 / B), v)[0]
    d.step("SGD: stationary variance", sp.Eq(v, sp.factor(var)),
           "θ₊ = (1 − 2η)θ + 2η ȳ_B with Var ȳ_B = s²/B (with replacement), s² the population variance of y")
    sd = sp.sqrt(sp.factor(var))
    d.step("Seed's numbers", sp.Eq(sp.Symbol("sd"), sd.subs({eta: sp.Rational(1, 10), B: 32, s: 1}).evalf(3)),
           "η = 0.1, B = 32, s = 1")
    cost = n / B
    d.step("Cost per step", sp.Eq(sp.Symbol("ratio"), cost), "a full gradient costs n = 1000 evaluations, SGD's B = 32")
    result = sp.Piecewise((gd.subs(tt, t), sp.Eq(part, 0)), (sd, sp.Eq(part, 1)), (cost, True))
    return d.finish(result, "j = 0: batch-GD iterate at step t; j = 1: SGD stationary sd; j = 2: cost ratio")


def clipping() -> Derivation:
    """Clipped steps are bounded by ηc; clipped GD beyond 2/λ cycles with steps ηc; asymmetric noise biases."""
    d = DerivationBuilder()
    p, A, lam = sp.Symbol("p", positive=True), sp.Symbol("A", positive=True), sp.Symbol("lambda", positive=True)
    g = sp.Symbol("g")
    d.step("Clipping", sp.Eq(sp.Symbol("clip_g"), g * sp.Min(1, c / sp.Abs(g))), "norm clipping at c (seed 003)")
    d.step("Step bound", sp.Le(eta * sp.Abs(g) * sp.Min(1, c / sp.Abs(g)), eta * c), "‖clip(g)‖ = min(‖g‖, c) ≤ c")
    d.step("Beyond η = 2/λ", sp.Gt(sp.Abs(1 - eta * lam), 1),
           "inside |θ| ≤ c/λ the iterate is multiplied by 1 − ηλ, |1 − ηλ| > 1: it cannot converge to 0; "
           "outside it moves by exactly ηc, so |θ| ≤ max(|θ₀|, ηc): bounded, and eventually every step is clipped")
    th = sp.Symbol("theta")
    B_neg = p * A / (1 - p)
    d.step("Asymmetric noise", sp.Eq(sp.Symbol("xi"), sp.Piecewise((A, sp.Symbol("w.p. p") > 0), (-B_neg, True))),
           "+A with probability p, −pA/(1 − p) otherwise: zero mean")
    mean_field = p * c + (1 - p) * (lam * th - B_neg)
    d.step("Mean clipped gradient near 0", sp.Eq(sp.Symbol("E_clip_g"), mean_field),
           "λθ + A > c is clipped to c; λθ − pA/(1 − p) lies within [−c, c]")
    fixed = sp.factor(sp.solve(sp.Eq(mean_field, 0), th)[0])
    d.step("Biased stationary point", sp.Eq(sp.Symbol("theta_c"), fixed), "the root of the mean clipped gradient, ≠ 0 = θ*")
    result = sp.Piecewise((eta * c, sp.Eq(part, 0)), (eta * c, sp.Eq(part, 1)), (fixed, True))
    return d.finish(result, "j = 0: max step/(η); j = 1: late step of clipped GD with ηλ > 2; j = 2: limit of clipped SGD",
                    "A > c > pA/(1 − p) + λ|θ_c|")
