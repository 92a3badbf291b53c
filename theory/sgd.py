"""Derivations for stochastic gradients: mini-batches, noise balls, schedules, shuffling, clipping.

Conventions: g_B is the mean of B sampled component gradients; σ² is the
per-sample gradient variance tr Cov(∇ℓ_I) (population variance over the n
components); additive-noise models write g = ∇f + σξ with E ξ = 0, E ξ² = 1.
Heavy ball is in the sum form v ← βv + g, θ ← θ − ηv (empirics/optimizers.py).

Every step is checked (theory/derivation.py): second-moment recursions are
computed from the update by ``theory.moments.expectation``, unrolled
recursions by ``theory.unrolling.unroll``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder, prove_equal
from .moments import expectation, stated_groups
from .symbols import beta, eta, t
from .unrolling import unroll

sigma = sp.Symbol("sigma", positive=True)
B = sp.Symbol("B", positive=True)
n = sp.Symbol("n", positive=True)
a = sp.Symbol("a", positive=True)  # curvature of the quadratic
c = sp.Symbol("c", positive=True)  # schedule constant / clipping threshold
mu = sp.Symbol("mu", positive=True)
T = sp.Symbol("T", positive=True)
part = sp.Symbol("j", integer=True, nonnegative=True)  # which quantity a point measures
g_full = sp.Symbol("g_bar", real=True)  # ∇L, the full gradient (one coordinate)


_E = sp.Function("E")  # expectation, printed E(·)
xi = sp.Symbol("xi_t", real=True)  # standard noise: E ξ = 0, E ξ² = 1
NOISE = {xi: 0, xi**2: 1}


def unbiased() -> Derivation:
    """E[∇ℓ_I] = ∇L for I uniform on {1, …, n}."""
    d = DerivationBuilder()
    i = sp.Symbol("i", integer=True, positive=True)
    g = sp.IndexedBase("g")
    nn = sp.Symbol("n", integer=True, positive=True)
    e_g = sp.Symbol("E_g_I")
    expectation = d.definition("Expectation over a uniform index", sp.Eq(e_g, sp.Sum(g[i] / nn, (i, 1, nn))),
                               "P(I = i) = 1/n for each component (seeds 000, 001, 004)")
    pulled = d.computed("Linearity", sp.Eq(e_g, sp.factor_terms(expectation.rhs)), [expectation],
                        "factor_terms", "the factor 1/n does not depend on i")
    full = d.definition("Definition of the full gradient", sp.Eq(g_full, sp.Sum(g[i], (i, 1, nn)) / nn),
                        "∇L = (1/n) Σ_i ∇ℓ_i, coordinate by coordinate")
    d.computed("Unbiased", sp.Eq(e_g, pulled.rhs.subs(full.rhs, g_full)), [pulled, full],
               "subs of the definition", "the expectation is ∇L")
    return d.finish("I uniform on {1, …, n}", "exact: a finite average, no limit involved")


def minibatch_variance() -> Derivation:
    """Var(g_B) = σ²/B for B indices drawn independently with replacement."""
    d = DerivationBuilder()
    j, k = sp.symbols("j k", integer=True, positive=True)
    cov = sp.Function("Cov")
    var = sp.Function("Var")
    draws = d.assumption("Independent draws", sp.And(sp.Eq(var(sp.Symbol("X_j")), sigma**2),
                                                      sp.Eq(cov(sp.Symbol("X_j"), sp.Symbol("X_k")), 0)),
                         "with replacement the B draws X_j = ∇ℓ_(I_j) are i.i.d. with variance σ²; j ≠ k uncorrelated")
    stated = {eq.lhs.func: eq.rhs for eq in draws.expr.args}  # the variance and covariance the assumption shows
    pairs = sp.Sum(sp.Sum(stated[cov], (k, 1, B - 1)), (j, 1, B))  # B(B − 1) ordered pairs
    total = d.computed("Variance of the sum", sp.Eq(var(sp.Symbol("S_B")),
                                                    sp.expand(sp.Sum(stated[var], (j, 1, B)).doit() + pairs.doit())),
                       [draws], "summation", "B variances σ², no covariances")
    mean = d.computed("Variance of the mean", sp.Eq(var(sp.Symbol("g_B")), total.rhs / B**2), [total],
                      "division by B²", "g_B = S_B/B")
    d.identity("Log-log slope", sp.Eq(B * sp.Derivative(sp.log(mean.lhs), B), -1),
               equals=sp.simplify(B * sp.diff(sp.log(mean.rhs), B)), uses=[mean], where={mean.lhs: mean.rhs},
               justification="B·d log Var/dB (computed): doubling B halves the variance (seed 001)")
    return d.finish("B ≥ 1 draws with replacement", "σ² = tr Cov(∇ℓ_I), the per-sample variance",
                    result=mean)


def variance_linear_seed() -> Derivation:
    """Seed 004's 'decreases linearly with batch size', read as a linear law from σ² (B = 1) to 0 (B = n)."""
    d = DerivationBuilder()
    var = sp.Function("Var_g")
    ends = d.definition("A linear decrease", sp.And(sp.Eq(var(1), sigma**2), sp.Eq(var(n), 0)),
                        "seed 004's straight line in B, through σ² at B = 1 and 0 at B = n (seed 001's "
                        "'Full dataset: Zero')")
    # The ends as the definition states them are the exact variance's there: without replacement one
    # sample has variance σ² and the full batch none (the slope below does not depend on σ, so this is
    # what ties the value shown at B = 1 to the per-sample variance).
    at = dict(sorted(((eq.lhs.args[0], eq.rhs) for eq in ends.expr.args if eq.lhs != var(B)),
                     key=sp.default_sort_key))  # {B: the value stated there}, by B
    exact = without_replacement().result
    d.identity("The ends are the exact variance's",
               sp.Eq(sp.Tuple(*[var(size) for size in at]), sp.Tuple(*at.values())),
               equals=sp.Tuple(*[exact.subs(B, size) for size in at]), uses=[ends],
               justification="σ²(n − B)/(B(n − 1)) (sgd.without-replacement) at B = 1 and B = n (computed): "
                             "a single draw has the per-sample variance σ², the full batch is ∇L itself")
    # the straight line through the two stated ends, computed (no slope or intercept typed)
    line = d.computed("The line", sp.Eq(var(B), sp.factor(sp.interpolate(list(at.items()), B))), [ends],
                      "interpolate the two ends by a polynomial of degree 1", "two points fix a line")
    d.identity("Its log-log slope", sp.Eq(B * sp.Derivative(sp.log(var(B)), B),
                                          sp.simplify(B * sp.diff(sp.log(line.rhs), B))),
               where={var(B): line.rhs}, uses=[line],
               justification="B·d log Var/dB of the line (computed): the elasticity at the centre of the "
                             "measured range of B")
    return d.finish("1 ≤ B < n")


@cache  # sgd.variance-linear-seed and sgd.shuffling read it
def without_replacement() -> Derivation:
    """Var(g_B) = σ²/B · (n − B)/(n − 1) when the B indices are distinct."""
    d = DerivationBuilder()
    rho = sp.Symbol("C")  # covariance of two distinct draws
    j, k = sp.symbols("j k", integer=True, positive=True)
    size = sp.Symbol("m", positive=True)
    var_sum = sp.Function("V")  # variance of the sum of m distinct draws
    exch = d.assumption("Exchangeable draws", sp.And(sp.Eq(sp.Function("Var")(sp.Symbol("X_j")), sigma**2),
                                                     sp.Eq(sp.Function("Cov")(sp.Symbol("X_j"), sp.Symbol("X_k")), rho)),
                        "uniform sampling without replacement: every draw has variance σ², every pair j ≠ k the "
                        "same covariance C")
    summed = sp.Sum(sigma**2, (j, 1, size)).doit() + sp.Sum(sp.Sum(rho, (k, 1, size - 1)), (j, 1, size)).doit()
    sum_step = d.computed("Variance of a sum of m draws", sp.Eq(var_sum(size), sp.expand(summed)), [exch],
                          "summation", "m variances and m(m − 1) ordered pairs of covariances")
    full = d.assumption("The population sums to a constant", sp.Eq(var_sum(n), 0),
                        "drawing all n without replacement gives n times the full gradient: no variance")
    cov = sp.solve(sp.Eq(sum_step.rhs.subs(size, n), full.rhs), rho)[0]  # V(n) as the assumption states it
    cov_step = d.computed("Covariance of two distinct draws", sp.Eq(rho, cov), [sum_step, full], "solve for C")
    mean = d.computed("Variance of the mean of B", sp.Eq(sp.Symbol("Var_g_B"),
                                                         sp.factor(sum_step.rhs.subs({size: B, rho: cov}) / B**2)),
                      [sum_step, cov_step], "subs m = B and C, divide by B²", "g_B = (1/B)·(sum of B draws)")
    d.identity("Full batch", sp.Eq(sp.Symbol("Var_g_n"), 0), equals=mean.rhs.subs(B, n), uses=[mean],
               justification="subs B = n (computed): the estimate is the full gradient")
    return d.finish("1 ≤ B ≤ n distinct indices, uniformly", "σ² is the population variance (divisor n)",
                    result=mean)


def noise_ball() -> Derivation:
    """Stationary E(θ − θ*)² of SGD on ½aθ² with additive gradient noise σ: ησ²/(a(2 − ηa))."""
    d = DerivationBuilder()
    e, v, v_t = sp.Symbol("e_t", real=True), sp.Symbol("v"), sp.Symbol("v_t")
    update = d.definition("Update", sp.Eq(sp.Symbol("e_t+1"), (1 - eta * a) * e - eta * sigma * xi),
                          "e = θ − θ*, g = a e + σξ_t")
    noise = d.assumption("Noise", sp.And(*(sp.Eq(_E(k_), v_) for k_, v_ in NOISE.items()), sp.Eq(_E(e**2), v_t)),
                         "ξ_t independent of e_t; v_t = E e_t²")
    # E e_t is left as it is: the cross term vanishes through E ξ = 0
    second = expectation(update.rhs**2, stated_groups(noise.expr, e, _E))
    rec = d.identity("Second-moment recursion", sp.Eq(sp.Symbol("v_t+1"), (1 - eta * a) ** 2 * v_t + eta**2 * sigma**2),
                     equals=second, uses=[update, noise],
                     justification="square the update and take expectations (computed); the cross term vanishes")
    stationary = d.computed("Stationary point", sp.Eq(v, sp.factor(sp.solve(sp.Eq(v, rec.rhs.subs(v_t, v)), v)[0])),
                            [rec], "solve v = recursion(v)", "valid for 0 < ηa < 2")
    d.identity("Small steps", sp.Eq(sp.Limit(v / eta, eta, 0), sigma**2 / (2 * a)),
               where={v: stationary.rhs}, uses=[stationary],
               justification="limit (computed): the ball shrinks in proportion to η (seed 000)")
    lam_i, sig_i = sp.Symbol("lambda_i", positive=True), sp.Symbol("sigma_i", positive=True)
    d.computed("Many dimensions, per eigendirection", sp.Eq(sp.Symbol("P_ii"),
                                                             stationary.rhs.subs({a: lam_i, sigma: sig_i})),
               [stationary], "subs a = λ_i, σ = σ_i",
               "P = MPMᵀ + η²Σ with M = I − ηA (discrete Lyapunov equation, solved numerically in the experiment); "
               "in A's eigenbasis M is diagonal, so each diagonal entry obeys the scalar recursion with a = λ_i "
               "and σ_i² = q_iᵀΣq_i, whatever the off-diagonal entries of Σ")
    return d.finish("0 < ηa < 2", "additive noise independent of the iterate", result=stationary)


def momentum_noise_ball() -> Derivation:
    """Stationary variance of heavy ball (sum form) on ½aθ² with additive noise σ."""
    d = DerivationBuilder()
    x, xm, v_t = sp.symbols("x_t x_t-1 v_t", real=True)
    v_next = beta * v_t + a * x + sigma * xi
    update = d.definition("Heavy ball with noise", sp.And(sp.Eq(sp.Symbol("v_t+1"), v_next),
                                                          sp.Eq(sp.Symbol("x_t+1"), x - eta * sp.Symbol("v_t+1"))),
                          "sum form on ½ax² with gradient noise σξ_t")
    p = 1 + beta - eta * a
    # Both updates are read from the typeset definition: v_t from its position update one step back.
    rules = {eq.lhs: eq.rhs for eq in update.expr.args}
    v_new, x_new = sp.Symbol("v_t+1"), sp.Symbol("x_t+1")
    v_now = sp.solve(sp.Eq(x, rules[x_new].subs({x: xm, v_new: v_t})), v_t)[0]  # x_t = x_(t−1) − ηv_t
    eliminated = sp.expand(rules[x_new].subs(v_new, rules[v_new]).subs(v_t, v_now))
    rec = d.identity("Eliminate v", sp.Eq(sp.Symbol("x_t+1"), p * x - beta * xm - eta * sigma * xi),
                     equals=eliminated, uses=[update], justification="ηv_t = x_(t−1) − x_t (computed substitution)")
    g0, g1 = sp.symbols("gamma_0 gamma_1")
    stat = d.assumption("Stationarity", sp.And(sp.Eq(_E(x**2), g0), sp.Eq(_E(xm**2), g0), sp.Eq(_E(x * xm), g1)),
                        "γ₀ = Var x, γ₁ = Cov(x_t, x_(t−1)) do not depend on t; ξ_t independent of the past")
    past = {**{eq.lhs.args[0]: eq.rhs for eq in stat.expr.args}, x: _E(x), xm: _E(xm)}
    eq0 = d.identity("Stationary variance", sp.Eq(g0, p**2 * g0 + beta**2 * g0 - 2 * p * beta * g1 + eta**2 * sigma**2),
                     equals=expectation(rec.rhs**2, [past, NOISE]), uses=[rec, stat],
                     justification="square the recursion and take expectations (computed)")
    eq1 = d.computed("Stationary lag-one covariance", sp.Eq(g1, expectation(rec.rhs * x, [past, NOISE])), [rec, stat],
                     "expectation of x_(t+1)·x_t", "multiply the recursion by x_t and take expectations")
    solution = sp.solve([eq0.expr, eq1.expr], [g0, g1], dict=True)[0]
    var = d.computed("Solution", sp.Eq(g0, sp.factor(sp.simplify(solution[g0]))), [eq0, eq1], "solve",
                     "two linear equations (Yule–Walker for an AR(2) process)")
    plain = sp.Symbol("v_SGD")
    d.identity("Inflation over plain SGD (η → 0)", sp.Eq(sp.Limit(g0 / plain, eta, 0), 1 / (1 - beta)),
               where={g0: var.rhs, plain: var.rhs.subs(beta, 0)}, uses=[var],
               justification="ratio to β = 0 (plain SGD), limit η → 0 (computed): at equal "
                             "η momentum inflates the ball by 1/(1 − β)")
    return d.finish("heavy ball in the sum form, 0 ≤ β < 1", "0 < ηa < 2(1 + β)", result=var)


def robbins_monro() -> Derivation:
    """E(θ_t − θ*)² under η_t = c/t on ½μθ²: exponent −min(1, 2cμ)."""
    d = DerivationBuilder()
    tt = sp.Symbol("t", positive=True)
    m = sp.Function("m")
    th, m_t = sp.Symbol("theta_t", real=True), sp.Symbol("m_t")
    update = d.definition("SGD with η_t = c/t", sp.Eq(sp.Symbol("theta_t+1"), (1 - c * mu / tt) * th - c * sigma * xi / tt),
                          "gradient μθ + σξ_t on ½μθ², θ* = 0")
    noise = d.assumption("Noise", sp.And(*(sp.Eq(_E(k_), v_) for k_, v_ in NOISE.items()), sp.Eq(_E(th**2), m_t)),
                         "ξ_t independent of θ_t; m_t = E θ_t²")
    # E θ_t left as it is; the moments used are the ones the assumption states
    second = expectation(update.rhs**2, stated_groups(noise.expr, th, _E))
    rec = d.identity("Second-moment recursion",
                     sp.Eq(sp.Symbol("m_t+1"), (1 - c * mu / tt) ** 2 * m_t + c**2 * sigma**2 / tt**2),
                     equals=second, uses=[update, noise],
                     justification="square the update and take expectations (computed)")
    drift = sp.expand(rec.rhs - m_t)
    coefficient, forcing = drift.coeff(m_t), drift.subs(m_t, 0)
    leading = sp.limit(coefficient * tt, tt, sp.oo) / tt
    ode = d.computed("Continuous-time limit", sp.Eq(m(tt).diff(tt), leading * m(tt) + forcing), [rec],
                     "m_(t+1) − m_t, leading term of the coefficient of m_t as t → ∞",
                     "m' ≈ m_(t+1) − m_t; the coefficient of m_t is (1 − cμ/t)² − 1 = −2cμ/t + c²μ²/t², whose "
                     "1/t² part is O(1/t) relative to the leading −2cμ/t and is dropped")
    C1, K, q = sp.Symbol("C_1"), sp.Symbol("K"), sp.Symbol("q")
    rhs_of = lambda f: ode.rhs.subs(m(tt), f)  # noqa: E731
    power = sp.solve(sp.simplify((C1 * tt**q).diff(tt) - rhs_of(C1 * tt**q).subs(forcing, 0)
                                 .subs(sigma, 0)) / (C1 * tt ** (q - 1)), q)[0]
    particular_k = sp.solve(sp.simplify(((K / tt).diff(tt) - rhs_of(K / tt)) * tt**2), K)[0]
    homogeneous, particular = C1 * tt**power, particular_k / tt
    solution = d.computed("General solution", sp.Eq(m(tt), homogeneous + particular), [ode],
                          "solve for the exponent q of C₁t^q (σ = 0) and the constant of K/t",
                          "homogeneous part plus a particular solution")
    left_over = sp.simplify(solution.rhs.diff(tt) - rhs_of(solution.rhs))
    d.confirm("General solution", "it solves the ODE, for every C₁", left_over == 0,
              f"m = {solution.rhs} leaves m' − (right side) = {left_over}")
    # The noise term is a second moment's floor: positive wherever it is the slow term (2cμ > 1).
    above = sp.Symbol("u", positive=True)  # 2cμ = 1 + u
    d.inequality("The noise floor is positive", sp.Gt(particular_k, 0), uses=[solution], subs={c: (1 + above) / (2 * mu)},
                 justification="K = c²σ²/(2cμ − 1) > 0 for 2cμ > 1")
    exponents = [sp.simplify(tt * sp.diff(sp.log(term), tt)) for term in (homogeneous, particular)]
    decay = d.computed("Decay exponents of the two terms", sp.Eq(sp.Symbol("p"), sp.Tuple(*exponents)), [solution],
                       "t·d log/dt of each term",
                       "the transient forgets the start like t^(−2cμ); the noise term decays like 1/t")
    d.computed("Slowest term wins", sp.Eq(sp.Symbol("p"), -sp.Min(*[-e for e in decay.rhs])), [decay], "max",
               "O(1/t) if 2cμ > 1 (Robbins–Monro), only O(t^(−2cμ)) if 2cμ < 1 (Nemirovski et al. 2009)")
    return d.finish("2cμ ≠ 1", "σ > 0")


def convex_sqrt_t_bound() -> Derivation:
    """Averaged-iterate bound for projected SGD with η_t = c/√t: (D²/(2c) + cG²)/√T, exponent −½."""
    d = DerivationBuilder()
    D, G = sp.Symbol("D", positive=True), sp.Symbol("G", positive=True)
    k = sp.Symbol("k", positive=True, integer=True)
    tt = sp.Symbol("t", positive=True, integer=True)
    eta_t = sp.Symbol("eta_t", positive=True)
    r_t, r_next, dist = sp.symbols("r_t r_t+1 Q_t", nonnegative=True)
    P, N, gap = sp.Symbol("P_t", real=True), sp.Symbol("N_t", nonnegative=True), sp.Symbol("E_gap_t", real=True)
    project = d.assumption("Non-expansive projection", sp.Le(r_next, dist),
                           "r_t = ‖x_t − x*‖², Q_t = ‖x_t − η_t g_t − x*‖²: projecting onto the convex set "
                           "containing x* does not increase the distance")
    u, g = sp.symbols("u g", real=True)
    expanded = sp.expand((u - eta_t * g) ** 2).subs({u**2: r_t, g**2: N}).subs(u, P / g)
    expand = d.computed("Expand the square", sp.Eq(dist, expanded), [project],
                        "expand ‖u − η_t g‖², u = x_t − x*",
                        "P_t = g_tᵀ(x_t − x*), N_t = ‖g_t‖² (bilinearity of the inner product)")
    one = d.inequality("Distance after one step", sp.Le(r_next, expanded), given=[project, expand], exact=True,
                       justification="the two previous steps")
    convex = d.assumption("Convexity", sp.Le(gap, P),
                          "E_gap_t = E f(x_t) − f* ≤ E g_tᵀ(x_t − x*): f convex, g_t unbiased")
    bounded = d.assumption("Bounded gradients", sp.Le(N, G**2), "E‖g_t‖² ≤ G²")
    step_bound = (r_t - r_next) / (2 * eta_t) + eta_t * G**2 / 2
    one_step = d.inequality("One step", sp.Le(gap, step_bound),
                            given=[(one, 1 / (2 * eta_t)), convex, (bounded, eta_t / 2)], exact=True,
                            justification="the distance inequality over 2η_t plus convexity plus η_t/2 times the "
                                          "gradient bound")
    steps = d.definition("Steps", sp.Eq(sp.Function("eta")(tt), c / sp.sqrt(tt)), "η_t = c/√t, decreasing")
    inv = lambda s: 1 / steps.rhs.subs(tt, s)  # noqa: E731
    weight = inv(tt) - inv(tt - 1)  # the telescoped sum's weight on r_t, t ≥ 2
    d.inequality("Weights are non-negative", sp.Ge(weight, 0), uses=[steps],
                 ranges={tt: (2, 10**6)}, justification="1/η_t − 1/η_(t−1) ≥ 0: r_t ≤ D² may be applied term by term")
    per_step = sp.expand(one_step.rhs)
    distance_weight = per_step.coeff(r_t) * eta_t  # 1/2: r_t enters as r_t/(2η_t)
    noise_weight = per_step.coeff(G**2) / eta_t  # 1/2: G² enters as η_t G²/2
    telescoped = sp.simplify(D**2 * distance_weight * (inv(1) + sp.summation(weight, (tt, 2, T))))
    tele = d.identity("Telescoping with decreasing steps", sp.Le(sp.Symbol("Sigma_r_terms"), D**2 * sp.sqrt(T) / (2 * c)),
                      equals=telescoped, uses=[one_step, steps],
                      justification="summation of D²(1/η_t − 1/η_(t−1))/2 over t = 2..T, plus D²/(2η₁) (computed): "
                                    "Σ_t (r_t − r_(t+1))/(2η_t) = r₁/(2η₁) + Σ_(t≥2) r_t(1/η_t − 1/η_(t−1))/2 − "
                                    "r_(T+1)/(2η_T) with r_t ≤ D² on a set of diameter D")
    per_term = d.inequality("Each step below its integral", sp.Le(steps.rhs.subs(tt, k), 2 * c * (sp.sqrt(k) - sp.sqrt(k - 1))),
                            uses=[steps], ranges={k: (1, 10**6)},
                            justification="k^(−½) ≤ ∫_(k−1)^k s^(−½) ds, the integrand is decreasing")
    every_step = (k, 1, T)
    steps_sum = sp.summation(per_term.expr.rhs, every_step)
    summed = d.computed("Sum of the steps", sp.Le(sp.Sum(per_term.expr.lhs, every_step), steps_sum), [per_term],
                        "summation (telescoping)", "Σ_(k≤T) k^(−½) ≤ 2√T")
    bound = sp.simplify((tele.rhs + G**2 * noise_weight * steps_sum) / T)
    avg = d.identity("Jensen on the average", sp.Le(sp.Symbol("E_gap_avg"), (D**2 / (2 * c) + c * G**2) / sp.sqrt(T)),
                     equals=bound, uses=[one_step, tele, summed],
                     justification="sum the one-step bound over t ≤ T, divide by T (computed): f(x̄_T) ≤ (1/T) Σ f(x_t)")
    d.computed("Exponent in T", sp.Eq(sp.Symbol("p"), sp.simplify(T * sp.diff(sp.log(avg.expr.rhs), T))), [avg],
               "T d log(bound)/dT")
    return d.finish("f convex, E‖g‖² ≤ G², feasible set of diameter D")


def nonconvex_bound() -> Derivation:
    """(1/T) Σ E‖∇f(x_t)‖² ≤ (Δ/(Tη) + Lησ²/2)/(1 − Lη/2) with η = c/√T (Ghadimi & Lan 2013)."""
    d = DerivationBuilder()
    L, Delta = sp.Symbol("L", positive=True), sp.Symbol("Delta", positive=True)
    G2 = sp.Symbol("G_t", nonnegative=True)
    f_t, f_next, f_0, f_T = sp.symbols("E_f_t E_f_t+1 f_0 E_f_T", real=True)
    inner, norm = sp.Symbol("P_t", real=True), sp.Symbol("N_t", nonnegative=True)
    smooth = d.assumption("L-smoothness along the step",
                          sp.Le(f_next, f_t - eta * inner + L * eta**2 * norm / 2),
                          "f(x − ηg) ≤ f(x) − η∇f(x)ᵀg + Lη²‖g‖²/2; P_t = ∇f(x_t)ᵀg_t, N_t = ‖g_t‖²")
    noise = d.assumption("Unbiased noise of variance σ²", sp.And(sp.Eq(_E(inner), G2), sp.Eq(_E(norm), G2 + sigma**2)),
                         "E g_t = ∇f(x_t), E‖g_t‖² = ‖∇f‖² + σ²; G_t = E‖∇f(x_t)‖²")
    descent_rhs = smooth.expr.rhs.subs({eq.lhs.args[0]: eq.rhs for eq in noise.expr.args})
    descent = d.computed("Descent lemma in expectation", sp.Le(f_next, descent_rhs), [smooth, noise],
                         "expectation (linear in P_t and N_t)")
    avg = sp.Symbol("G_avg", nonnegative=True)
    increment = sp.expand(descent_rhs - f_t).subs(G2, avg)
    summed = d.computed("Sum over t < T", sp.Le(f_T, f_0 + T * increment), [descent],
                        "sum of the per-step increments (linear in G_t, Σ_t G_t = T·G_avg)",
                        "E f_(t+1) − E f_t telescopes to E f_T − f₀")
    below = d.assumption("Bounded below", sp.Le(f_0 - f_T, Delta), "Δ = f(x₀) − f_inf bounds the total decrease")
    # The two inequalities added as typeset (each as 0 ≤ right − left): f_T cancels only if both are right.
    added = sp.Le(0, sp.expand((summed.expr.rhs - summed.expr.lhs) + (below.expr.rhs - below.expr.lhs)))
    inequality = d.identity("Telescoping over T steps",
                            sp.Le(eta * (1 - L * eta / 2) * T * avg, Delta + T * L * eta**2 * sigma**2 / 2),
                            equals=added, uses=[summed, below],
                            justification="the sum of the two previous inequalities (computed), rearranged")
    bound = sp.solve(sp.Eq(inequality.expr.lhs, inequality.expr.rhs), avg)[0]
    solved = d.computed("Average squared gradient", sp.Le(avg, bound), [inequality],
                        "solve for G_avg", "dividing by η(1 − Lη/2) > 0 needs η < 2/L")
    bound_T = d.computed("With η = c/√T", sp.Le(avg, sp.simplify(bound.subs(eta, c / sp.sqrt(T)))),
                         [solved], "subs η = c/√T", "min_t E‖∇f(x_t)‖² ≤ G_avg")
    d.identity("Rate", sp.Eq(sp.Limit(avg * sp.sqrt(T), T, sp.oo), (2 * Delta + L * c**2 * sigma**2) / (2 * c)),
               equals=sp.limit(bound_T.rhs * sp.sqrt(T), T, sp.oo), uses=[bound_T], where={avg: bound_T.rhs},
               justification="limit (computed): O(1/√T)")
    return d.finish("f L-smooth, bounded below by f_inf", "noise variance σ², c/√T < 2/L", result=bound_T)


def _leading_order(poly: sp.Poly) -> int:
    """The lowest power of the polynomial's variable (poly built from an expanded expression)."""
    return min(m[0] for m in poly.monoms())


def _power_sum_series(d: DerivationBuilder, n_sym: sp.Expr, x: sp.Symbol, factor: int, order: int) -> sp.Expr:
    """Σ_{m=0}^{n−1} (1 − x)^(factor·m) up to x^order, with n symbolic (binomial series, Faulhaber)."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    exponent = factor * m  # m or 2*m, as SymPy writes it (no case typed per factor); the series, its check and text use it
    total = 0
    for k in range(order + 1):
        coefficient = sp.expand_func(sp.binomial(exponent, k))
        total += (-x) ** k * sp.summation(sp.expand(coefficient), (m, 0, n_sym - 1))
    total = sp.expand(total)
    # Checked against SymPy's series of the sum itself to the same order, at a few n (a term missing or
    # beyond the order, or a wrong sign, differs there).
    power = str(exponent) if exponent.is_Symbol else f"({exponent})"
    to_order = "h" + str(order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    wrong = _series_disagreements(total, lambda n_: sum((1 - x) ** exponent.subs(m, m_) for m_ in range(n_)),
                                  n_sym, x, order)
    n_bad, exact = next(iter(wrong.items()), (None, None))
    d.confirm("Reshuffled: spread of the weights",
              f"Σ_m (1 − h)^{power} to {to_order} is SymPy's series of the sum at n = 2, 3, 5", not wrong,
              f"Σ_m (1 − h)^{power} to {to_order} at n = {n_bad} is {exact}, not {total.subs(n_sym, n_bad)}"
              if wrong else "")
    return total


def _series_disagreements(form: sp.Expr, exact_at: Callable[[int], sp.Expr], n_sym: sp.Expr, x: sp.Symbol,
                          order: int) -> dict[int, sp.Expr]:
    """{n: SymPy's series of ``exact_at(n)`` to x^order} at each n = 2, 3, 5 where ``form`` (n symbolic) differs."""
    series = {n_: sp.series(exact_at(n_), x, 0, order + 1).removeO() for n_ in (2, 3, 5)}
    return {n_: value for n_, value in series.items() if prove_equal(form.subs(n_sym, n_), value) is None}


def _eta_order(expr: sp.Expr) -> sp.Expr:
    """The exponent p of expr ∝ η^p as η → 0 (at fixed a)."""
    return sp.limit(eta * sp.diff(sp.log(expr), eta), eta, 0)


def shuffling_exponents() -> Derivation:
    """Leading exponents in η of E‖x − x*‖² at epoch ends: 1 (i.i.d.), 2 (cyclic), 3 (reshuffled)."""
    d = DerivationBuilder()
    x = sp.Symbol("h", positive=True)  # h = ηa
    q = 1 - x
    s = sp.Symbol("s", positive=True)  # population standard deviation of the c_i
    th, b_i, x_star, e = sp.symbols("theta b_i x_star e", real=True)
    c_i = sp.Symbol("c_i", real=True)
    model = d.definition("Model", sp.Eq(sp.Symbol("f_i"), a * (th - b_i) ** 2 / 2),
                         "equal curvatures a; one epoch = n steps; h = ηa")
    gradient_at_min = sp.diff(model.rhs, th).subs(th, x_star)  # c_i, component i's gradient at x*
    step = sp.expand(e - eta * sp.diff(model.rhs, th).subs(th, x_star + e)).subs(
        b_i, sp.solve(sp.Eq(c_i, gradient_at_min), b_i)[0])
    one = d.identity("One step", sp.Eq(sp.Symbol("e_+"), sp.collect(sp.expand((1 - x) * e - eta * c_i), e)),
                     equals=sp.expand(step).subs(a * eta, x), uses=[model],
                     justification="gradient at θ = x* + e, subs b_i = x* − c_i/a and ηa = h (computed); "
                                   "c_i = a(x* − b_i) is component i's gradient at x*; they sum to zero, with "
                                   "population variance s²")
    v = sp.Symbol("v")
    drawn = {st.label: st for st in without_replacement().steps}
    exchangeable = {eq.lhs.func.__name__: eq.rhs for eq in drawn["Exchangeable draws"].expr.args}
    mean_b = _E(b_i)
    minimiser = sp.solve(expectation(sp.diff(model.rhs, th), [{b_i: mean_b}]), th)[0]  # of the mean objective
    centred = d.identity("Gradients at x* average to zero", sp.Eq(_E(c_i), 0),
                         equals=expectation(gradient_at_min, [{b_i: mean_b}]).subs(x_star, minimiser), uses=[model],
                         justification="x* minimises the mean objective, where a(x* − E b_I) = 0 (computed)")
    draw = d.assumption("With replacement: one draw", sp.Eq(_E(c_i**2), exchangeable["Var"].subs(sigma, s)),
                        "a uniform index: since the c_i average to zero, E c_I² is their population variance, "
                        "a single draw's variance in sgd.without-replacement")
    noise_wr = {centred.lhs.args[0]: centred.rhs, draw.lhs.args[0]: draw.rhs}  # the moments as the steps state them
    rec_wr = expectation(one.rhs**2, [{e: _E(e), e**2: v}, noise_wr])
    wr = sp.factor(sp.solve(sp.Eq(v, rec_wr), v)[0])
    wr_step = d.computed("With replacement", sp.Eq(sp.Symbol("E_e2"), wr), [one, centred, draw],
                         "stationary point of the second moment (E c_I = 0, E c_I² = s², independent draws)",
                         "the noise ball with per-step variance η²s²")
    p_wr = _eta_order(wr_step.rhs.subs(x, eta * a))
    kk = sp.Symbol("k", integer=True, positive=True)
    c_pi = sp.Function("c_pi")
    forcing = sp.expand(one.rhs - one.rhs.coeff(e) * e)  # −ηc_i: the one step's term without e
    epoch = unroll(sp.collect(one.rhs, e).coeff(e), lambda k_: forcing.subs(c_i, c_pi(k_)), e, kk, n)
    epoch_step = d.computed("Epoch map", sp.Eq(sp.Symbol("e_+n"), epoch), [one], "unroll n steps",
                            "c_π(k) is the component used at step k of the epoch")
    contraction = d.identity("Per-epoch contraction", sp.Eq(1 - q**n, n * x - n * (n - 1) * x**2 / 2 + sp.O(x**3)),
                             equals=sp.series(1 - q**n, x, 0, 3), uses=[epoch_step],
                             justification="series in h to second order (computed)")
    weight = sp.factor(sp.limit(-(q ** (n - kk) - 1) / (1 - q**n), x, 0))
    offset = eta * sp.Sum(weight * c_pi(kk), (kk, 1, n))
    cyclic = d.identity("Cyclic order: fixed point",
                        sp.Eq(sp.Symbol("e_star"), eta * sp.Sum((n - kk) / n * c_pi(kk), (kk, 1, n))), equals=offset,
                        uses=[epoch_step, contraction],
                        justification="solve e = epoch map(e), subtract Σ_k c_π(k) = 0, leading order of each weight "
                                      "as h → 0 (computed): a fixed order makes the epoch deterministic, a systematic "
                                      "offset of order η, whose square is of order η² (seed 001's systematic bias)")
    p_cyc = sp.degree(sp.expand(cyclic.rhs**2), eta)
    S1, S2 = sp.symbols("S_1 S_2", real=True)
    pair = drawn["Covariance of two distinct draws"]
    cov = pair.rhs.subs(sigma, s)  # −s²/(n − 1), solved in sgd.without-replacement
    perm = d.assumption("Uniform reshuffling", sp.And(sp.Eq(sp.Function("Var")(c_pi(kk)), exchangeable["Var"].subs(sigma, s)),
                                                      sp.Eq(sp.Function("Cov")(c_pi(kk), c_pi(sp.Symbol("l"))), cov)),
                        "a uniform permutation draws the c_i without replacement: every pair of positions has "
                        "covariance −s²/(n − 1) (sgd.without-replacement)")
    stated = {eq.lhs.func.__name__: eq.rhs for eq in perm.expr.args}  # the moments as the assumption states them
    var_xi = sp.factor(stated["Var"] * S2 + stated["Cov"] * (S1**2 - S2))
    var_xi_name = sp.Symbol("Var_xi")  # Var ξ, the epoch noise's variance, as the steps below name it
    per_step = eta**2  # the noise c_π(m) enters the epoch map times η: Var ξ in units of η²
    # Checked against the epoch map's own noise: Σ_k Σ_l u_k u_l Cov(c_π(k), c_π(l)) with the stated moments
    # (Var on the diagonal) and u_k = q^(n−k), before Σ c = 0 is subtracted (that must not change it).
    noise_sum = next(term for term in sp.Add.make_args(epoch) if isinstance(term, sp.Sum))
    u = noise_sum.function.coeff(c_pi(kk)) / (-eta)
    ll = sp.Symbol("l", integer=True, positive=True)
    pairs = u * u.subs(kk, ll) * (stated["Cov"] + (stated["Var"] - stated["Cov"]) * sp.KroneckerDelta(kk, ll))
    m_ = sp.Symbol("m", integer=True, nonnegative=True)
    weight_sums = {S1: sp.Sum(q**m_ - 1, (m_, 0, n - 1)), S2: sp.Sum((q**m_ - 1) ** 2, (m_, 0, n - 1))}
    noise_rr = d.identity("Reshuffled: epoch noise", sp.Eq(var_xi_name / per_step, var_xi),
                          equals=sp.Sum(pairs, (ll, 1, n), (kk, 1, n)), uses=[epoch_step, perm],
                          where=weight_sums,
                          instances={n: (2, 3, 4)},
                          justification="variance of Σ_m w_m c_π(m): S₂ variances, S₁² − S₂ covariances; "
                                        "w_m = q^m − 1 (the weights after subtracting Σ c = 0), S₁ = Σ_m w_m, "
                                        "S₂ = Σ_m w_m²; checked against the epoch map's noise for n = 2, 3, 4")
    power_sum = _power_sum_series(d, n, x, 1, 3)
    sum_w = sp.expand(power_sum - n)
    sum_w2 = sp.expand(_power_sum_series(d, n, x, 2, 3) - 2 * power_sum + n)
    # The power-sum forms are S₁ and S₂ as the identity above defines them, to h³, at a few n.
    for name, series_form in ((S1, sum_w), (S2, sum_w2)):
        wrong = _series_disagreements(series_form, lambda n_, name=name: weight_sums[name].subs(n, n_).doit(), n, x, 3)
        n_bad, exact = next(iter(wrong.items()), (None, None))
        d.confirm("Reshuffled: spread of the weights", f"{sp.pretty(name)} to h³ is the series of its sum at n = 2, 3, 5",
                  not wrong, f"{name} to h³ at n = {n_bad} is {exact}, not {series_form.subs(n, n_bad)}" if wrong else "")
    scale = (eta * s) ** 2  # Var ξ in units of (ηs)², typed once for the step and its inverse below
    noise_var = sp.solve(noise_rr.expr, var_xi_name)[0]  # Var ξ read back from the step as typeset
    spread = sp.expand(noise_var.subs({S1: sum_w, S2: sum_w2}) / scale)
    d.confirm("Reshuffled: spread of the weights", "in units of (ηs)² the spread depends on h and n only",
              not (spread.has(eta) or spread.has(s)), f"{scale} is not the unit of Var ξ: {spread}")
    spread_poly = sp.Poly(spread, x)  # spread is expanded: one polynomial for its order and its coefficient
    spread_order = _leading_order(spread_poly)
    leading_spread = sp.factor(spread_poly.coeff_monomial(x**spread_order))
    spread_step = d.computed("Reshuffled: spread of the weights",
                             sp.Eq(var_xi_name / scale, leading_spread * x**spread_order), [noise_rr],
                             "S₁, S₂ as power sums of (1 − h)^m (binomial series, Faulhaber), leading order in h",
                             "a uniform permutation makes the epoch noise zero-mean")
    # The stationary second moment of the epoch map e₊ = (its factor)·e + ξ, ξ independent of e with mean 0:
    # solved from E e₊² = E e², not typed.
    leading_noise_var = sp.solve(spread_step.expr, var_xi_name)[0]  # read back from the step as typeset
    epoch_factor, epoch_noise, v_e = sp.expand(epoch).coeff(e), sp.Symbol("xi_n", real=True), sp.Symbol("v")
    squared = expectation((epoch_factor * e + epoch_noise) ** 2,
                          [{e: 0, e**2: v_e}, {epoch_noise: 0, epoch_noise**2: var_xi_name}])
    stationary = sp.solve(sp.Eq(v_e, squared), v_e)[0].subs(var_xi_name, leading_noise_var)
    stationary_rr = sp.factor(stationary.as_leading_term(x))
    rr = d.computed("Reshuffled: stationary variance", sp.Eq(sp.Symbol("E_e2"), stationary_rr), [spread_step, epoch_step],
                    "Var ξ/(1 − q^(2n)), leading order in h",
                    "of order η³ (Mishchenko et al. 2020)")
    p_rr = _eta_order(rr.rhs.subs(x, eta * a))
    scheme = sp.Symbol("j", integer=True, nonnegative=True)
    result = sp.Piecewise((p_wr, sp.Eq(scheme, 0)), (p_cyc, sp.Eq(scheme, 1)), (p_rr, True))
    d.computed("Exponents by scheme", sp.Eq(sp.Symbol("p"), result), [wr_step, cyclic, rr],
               "leading power of η at fixed a",
               "j = 0 with replacement, j = 1 fixed cyclic order, j = 2 random reshuffling")
    return d.finish("small η (ηan ≪ 1)", "equal component curvatures")


def worked_example() -> Derivation:
    """Seed 001's example: batch GD θ_t = ȳ(1 − 0.8^t); SGD stationary sd; cost ratio n/B."""
    d = DerivationBuilder()
    ybar, s = sp.Symbol("y_bar", real=True), sp.Symbol("s", positive=True)
    th, y = sp.Symbol("theta"), sp.Symbol("y")
    loss = d.definition("Loss", sp.Eq(sp.Symbol("ell"), (th - y) ** 2), "seed 001: squared error to each y_i")
    grad = d.computed("Gradient of (θ − y)²", sp.Eq(sp.Symbol("g"), sp.diff(loss.rhs, th)), [loss], "diff",
                      "seed 001: grad = 2(θ − mean y) for the full batch")
    th_t = sp.Function("theta")
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    rec = sp.Eq(th_t(tt + 1), th_t(tt) - eta * grad.rhs.subs({th: th_t(tt), y: ybar}))
    gd = d.computed("Batch GD", sp.Eq(th_t(tt), sp.simplify(sp.rsolve(rec, th_t(tt), {th_t(0): 0}))), [grad],
                    "rsolve of θ_(t+1) = θ_t − η·2(θ_t − ȳ), θ₀ = 0", "with η = 0.1 the factor is 1 − 2η = 0.8")
    e, zeta, v = sp.Symbol("e", real=True), sp.Symbol("zeta", real=True), sp.Symbol("v")
    sgd_step = d.definition("SGD", sp.Eq(sp.Symbol("e_+"), sp.expand(e - eta * grad.rhs.subs({th: e, y: zeta}))),
                            "e = θ − ȳ; ζ = ȳ_B − ȳ, the batch mean's error: E ζ = 0, E ζ² = s²/B (with "
                            "replacement), s² the population variance of y")
    second = expectation(sgd_step.rhs**2, [{e: _E(e), e**2: v}, {zeta: 0, zeta**2: s**2 / B}])
    var = d.computed("SGD: stationary variance", sp.Eq(v, sp.factor(sp.solve(sp.Eq(v, second), v)[0])), [sgd_step],
                     "expectation of the squared step, solve v = E e_+²")
    sd = sp.sqrt(var.rhs)
    seed_values = {eta: sp.Rational(1, 10), B: 32, s: 1}  # seed 001's lr, batch size and unit spread of y
    # The value quoted for the seed's numbers (≈ 0.059), checked to the digits shown (so are the numbers above).
    d.identity("Seed's numbers", sp.Eq(sp.Symbol("sd"), sp.Float("0.0589", 3)), equals=sd.subs(seed_values), uses=[var],
               justification="subs " + ", ".join(f"{sp.pretty(sym)} = {val}" for sym, val in seed_values.items()))
    cost = d.definition("Cost per step", sp.Eq(sp.Symbol("ratio"), n / B),
                        "a full gradient costs n = 1000 evaluations, SGD's B = 32")
    result = sp.Piecewise((gd.rhs.subs(tt, t), sp.Eq(part, 0)), (sd, sp.Eq(part, 1)), (cost.rhs, True))
    d.computed("Measured quantities", sp.Eq(sp.Symbol("q_j"), result), [gd, var, cost], "collect",
               "j = 0: batch-GD iterate at step t; j = 1: SGD stationary sd; j = 2: cost ratio")
    return d.finish("j = 0: batch-GD iterate at step t; j = 1: SGD stationary sd; j = 2: cost ratio")


def clipping() -> Derivation:
    """Clipped steps are bounded by ηc; clipped GD beyond 2/λ cycles with steps ηc; asymmetric noise biases."""
    d = DerivationBuilder()
    p, A, lam = sp.Symbol("p", positive=True), sp.Symbol("A", positive=True), sp.Symbol("lambda", positive=True)
    g, y = sp.Symbol("g", real=True), sp.Symbol("y", real=True)
    clip = d.definition("Clipping", sp.Eq(sp.Symbol("clip_g"), g * sp.Min(1, c / sp.Abs(g))), "norm clipping at c (seed 003)")
    bound = d.inequality("Step bound", sp.Le(eta * sp.Abs(clip.rhs), eta * c), uses=[clip],
                         justification="‖clip(g)‖ = min(‖g‖, c) ≤ c")
    growth = sp.Symbol("delta", positive=True)
    d.inequality("Beyond η = 2/λ", sp.Gt(sp.Abs(1 - eta * lam), 1), subs={eta: (2 + growth) / lam},
                 justification="(η = (2 + δ)/λ, δ > 0) inside |θ| ≤ c/λ the iterate is multiplied by 1 − ηλ, "
                               "|1 − ηλ| > 1: it cannot converge to 0; outside it moves by exactly ηc, so "
                               "|θ| ≤ max(|θ₀|, ηc): bounded, and eventually every step is clipped")
    th = sp.Symbol("theta", real=True)
    B_neg = p * A / (1 - p)
    noise = d.definition("Asymmetric noise", sp.Eq(sp.Symbol("xi"), sp.Piecewise((A, sp.Symbol("w.p. p")),
                                                                                  (-B_neg, True))),
                         "+A with probability p, −pA/(1 − p) otherwise")
    up, down = (case.expr for case in noise.rhs.args)  # the two values as defined: +A w.p. p, else the other
    d.identity("Zero mean", sp.Eq(_E(sp.Symbol("xi")), 0), equals=p * up + (1 - p) * down, uses=[noise],
               justification="p·A − (1 − p)·pA/(1 − p)")
    one_d = d.identity("In one dimension", sp.Eq(sp.Function("clip")(y), sp.Piecewise((c, y > c), (-c, y < -c),
                                                                                       (y, True))),
                       equals=clip.rhs.subs(g, y), uses=[clip], instances={y: (-3 * c, -c / 2, c / 4, 2 * c)},
                       justification="clip(y) = y·min(1, c/|y|), checked on every branch: at y = −3c, −c/2, c/4, 2c")
    drawn = [lam * th + value for value in (up, down)]  # the gradient λθ + ξ at the two values of the noise
    clipped_draw, unclipped_draw = drawn  # named, not indexed: each condition is about its own draw
    regime = d.assumption("Regime near 0", sp.And(sp.Gt(clipped_draw, c), sp.Le(sp.Abs(unclipped_draw), c)),
                          "A > c > pA/(1 − p) + λ|θ|: the +A draw is clipped, the other is not")
    (above,), (inside,) = ([cond for cond in regime.expr.args if isinstance(cond, kind)] for kind in (sp.Gt, sp.Le))
    high = one_d.rhs.subs(y, above.lhs).args[0].expr  # first branch: above c
    low = one_d.rhs.subs(y, inside.lhs.args[0]).args[-1].expr  # last branch: inside [−c, c]
    # The branches taken are the ones the regime states: the first branch's condition is the first draw's
    # (y > c), and the last branch (what no earlier condition covers) is where the second draw lies, |y| ≤ c.
    # Both regions scale with c, so they are compared at c = 1.
    first = one_d.rhs.args[0].cond.subs(y, above.lhs)
    last_region = sp.Intersection(*(sp.solveset(sp.Not(branch.cond).subs(c, 1), y, sp.S.Reals)
                                    for branch in one_d.rhs.args[:-1]))
    second_region = sp.solveset(inside.subs(inside.lhs.args[0], y).subs(c, 1), y, sp.S.Reals)
    d.confirm("Mean clipped gradient near 0", "the regime selects the branches used: above c, inside [−c, c]",
              prove_equal(first, above) is not None and last_region == second_region,
              f"the regime {regime.expr} does not select the branches used")
    mean_field = d.computed("Mean clipped gradient near 0", sp.Eq(sp.Symbol("E_clip_g"), p * high + (1 - p) * low),
                            [noise, one_d, regime], "expectation over ξ, branch of clip selected by the regime")
    fixed = d.computed("Biased stationary point", sp.Eq(sp.Symbol("theta_c"),
                                                        sp.factor(sp.solve(mean_field.rhs, th)[0])), [mean_field],
                       "solve", "the root of the mean clipped gradient, ≠ 0 = θ*")
    step_max = bound.expr.rhs
    result = sp.Piecewise((step_max, sp.Eq(part, 0)), (step_max, sp.Eq(part, 1)), (fixed.rhs, True))
    d.computed("Measured quantities", sp.Eq(sp.Symbol("q_j"), result), [bound, fixed], "collect",
               "j = 0: max step; j = 1: late step of clipped GD with ηλ > 2; j = 2: limit of clipped SGD")
    return d.finish("j = 0: max step/(η); j = 1: late step of clipped GD with ηλ > 2; j = 2: limit of clipped SGD",
                    "A > c > pA/(1 − p) + λ|θ_c|")
