"""Derivations for Adam and AMSGrad (CLAIMS.md section F).

Adam as in seed 004 (Kingma & Ba 2015, Algorithm 1), per coordinate, t ≥ 1:
m_t = β₁m_{t−1} + (1 − β₁)g_t, v_t = β₂v_{t−1} + (1 − β₂)g_t², m₀ = v₀ = 0,
m̂_t = m_t/(1 − β₁^t), v̂_t = v_t/(1 − β₂^t), step η m̂_t/(√v̂_t + ε).
Every result below is derived from these recursions; the only literal
formulas are definitions (the recursions themselves, the seed's reading of a
statement, and Kingma & Ba's published bound, which is quoted for comparison).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import eta, g, k, kappa, t

beta_1 = sp.Symbol("beta_1", positive=True)
beta_2 = sp.Symbol("beta_2", positive=True)
beta_s = sp.Symbol("beta", positive=True)  # a generic decay rate: β₁ for m, β₂ for v
epsilon = sp.Symbol("epsilon", positive=True)
c = sp.Symbol("c", positive=True)  # gradient scale factor
corrected = sp.Symbol("b", nonnegative=True)  # 1: bias-corrected moment, 0: raw moment
v_hat = sp.Symbol("v_hat", positive=True)
sigma = sp.Symbol("sigma", nonnegative=True)
mu_g = sp.Symbol("mu", real=True)
p = sp.Symbol("p", nonnegative=True)  # power of the curvature in a method's preconditioner
C = sp.Symbol("C", positive=True)
x = sp.Symbol("x", real=True)
j = sp.Symbol("j", integer=True, positive=True)
G = sp.IndexedBase("g")
_E = sp.Function("E")  # expectation, printed E(·)


def _geometric(ratio: sp.Expr, terms: sp.Expr) -> sp.Expr:
    """Σ_{k=0}^{terms−1} ratio^k in closed form, for ratio ≠ 1 (SymPy keeps the ratio = 1 branch apart)."""
    closed = sp.piecewise_fold(sp.Sum(ratio**k, (k, 0, terms - 1)).doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(expr for expr, cond in closed.args if not cond.has(sp.Eq))
    return closed


def _closed_sum(summand: sp.Expr, terms: sp.Expr) -> sp.Expr:
    """Σ_{k=0}^{terms−1} summand in closed form (generic branch of SymPy's Piecewise)."""
    closed = sp.piecewise_fold(sp.Sum(sp.powsimp(summand, force=True), (k, 0, terms - 1)).doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(expr for expr, cond in closed.args if not cond.has(sp.Eq))
    return sp.simplify(closed)


def bias_correction() -> Derivation:
    """Expected raw moment / E[g] is 1 − β^t; the bias-corrected moment is unbiased (ratio 1)."""
    d = DerivationBuilder()
    m_t, m_hat = sp.Symbol("m_t"), sp.Symbol("m_hat_t")
    unrolled = sp.Sum((1 - beta_s) * beta_s ** (t - j) * G[j], (j, 1, t))
    d.step("EMA recursion unrolled", sp.Eq(m_t, unrolled),
           "m_t = βm_{t−1} + (1 − β)g_t from m₀ = 0 (the same recursion gives v_t from g_t², with β₂)")
    weights = sp.simplify(sp.Sum((1 - beta_s) * beta_s ** (t - j), (j, 1, t)).doit())
    weights = sp.piecewise_fold(weights)
    if isinstance(weights, sp.Piecewise):
        weights = next(expr for expr, cond in weights.args if not cond.has(sp.Eq))
    weights = sp.factor(sp.simplify(weights))
    d.step("Sum of the weights", sp.Eq(sp.Sum((1 - beta_s) * beta_s ** (t - j), (j, 1, t)), weights),
           "geometric sum, 0 < β < 1")
    e_g = _E(sp.Symbol("g"))
    d.step("Stationary gradients", sp.Eq(_E(m_t), weights * e_g),
           "E[g_j] = E[g] for every j (constant g is the special case g_j = g): linearity of expectation")
    raw_ratio = sp.simplify(weights)
    corrected_ratio = sp.simplify(raw_ratio / (1 - beta_s**t))
    d.step("Bias-corrected", sp.Eq(_E(m_hat) / e_g, corrected_ratio),
           "m̂_t = m_t/(1 − β^t) divides out exactly the weight deficit (seed 004)")
    result = sp.Piecewise((corrected_ratio, sp.Eq(corrected, 1)), (raw_ratio, True))
    d.step("Moment / E[g] (b = 1 corrected, b = 0 raw)", sp.Eq(sp.Symbol("ratio"), result),
           "for v the same with β₂ and E[g²]; constant g: m̂_t = g, v̂_t = g², m_t = (1 − β₁^t)g")
    return d.finish(result, "0 < β < 1", "m₀ = v₀ = 0", "b ∈ {0, 1}")


def first_step() -> Derivation:
    """The first bias-corrected Adam step: ηg/(|g| + ε)."""
    d = DerivationBuilder()
    m1 = d.step("First moment", sp.Eq(sp.Symbol("m_1"), (1 - beta_1) * g), "m₀ = 0").rhs
    v1 = d.step("Second moment", sp.Eq(sp.Symbol("v_1"), (1 - beta_2) * g**2), "v₀ = 0").rhs
    m1_hat = d.step("Corrected", sp.Eq(sp.Symbol("m_hat_1"), sp.simplify(m1 / (1 - beta_1))),
                    "divide by 1 − β₁¹").rhs
    v1_hat = d.step("Corrected", sp.Eq(sp.Symbol("v_hat_1"), sp.simplify(v1 / (1 - beta_2))),
                    "divide by 1 − β₂¹").rhs
    step = sp.simplify(eta * m1_hat / (sp.sqrt(v1_hat) + epsilon))
    d.step("First step", sp.Eq(sp.Symbol("Delta_1"), step), "√(g²) = |g|; ε added to √v̂ (seed 004)")
    d.step("ε → 0", sp.Eq(sp.Limit(sp.Symbol("Delta_1"), epsilon, 0), sp.limit(step, epsilon, 0)),
           "η·sign(g) per coordinate, whatever |g|")
    return d.finish(step, "g ≠ 0 real", "ε > 0", "β₁, β₂ ∈ (0, 1) (they cancel)")


def max_step_bound() -> Derivation:
    """Worst-case |m̂_t/√v̂_t| over all gradient histories (Cauchy–Schwarz, attained)."""
    d = DerivationBuilder()
    r = beta_1**2 / beta_2
    m_sum = sp.Sum((1 - beta_1) * beta_1**k * G[t - k], (k, 0, t - 1))
    v_sum = sp.Sum((1 - beta_2) * beta_2**k * G[t - k] ** 2, (k, 0, t - 1))
    d.step("Moments as sums", sp.And(sp.Eq(sp.Symbol("m_t"), m_sum), sp.Eq(sp.Symbol("v_t"), v_sum)),
           "unrolled recursions, m₀ = v₀ = 0, k = t − j")
    split = sp.Sum((beta_1 / sp.sqrt(beta_2)) ** k * (sp.sqrt(beta_2) ** k * G[t - k]), (k, 0, t - 1))
    d.step("Split each term", sp.Eq(sp.Abs(sp.Symbol("m_t")) / (1 - beta_1), sp.Abs(split)),
           "β₁^k = (β₁/√β₂)^k · √β₂^k")
    geometric = _geometric(r, t)
    cs = sp.sqrt(sp.Sum(r**k, (k, 0, t - 1))) * sp.sqrt(sp.Sum(beta_2**k * G[t - k] ** 2, (k, 0, t - 1)))
    d.step("Cauchy–Schwarz", sp.Le(sp.Abs(split), cs),
           "|⟨a, b⟩| ≤ ‖a‖‖b‖ with a_k = (β₁/√β₂)^k, b_k = √β₂^k g_{t−k}; equality iff b ∝ a")
    raw_bound = (1 - beta_1) / sp.sqrt(1 - beta_2) * sp.sqrt(geometric)
    d.step("Uncorrected ratio", sp.Le(sp.Abs(sp.Symbol("m_t")) / sp.sqrt(sp.Symbol("v_t")), raw_bound),
           "the second factor is √(v_t/(1 − β₂)); Σ_{k<t} r^k summed with r = β₁²/β₂ ≠ 1")
    bound = raw_bound * sp.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    d.step("Bias-corrected bound", sp.Le(sp.Abs(sp.Symbol("m_hat_t")) / sp.sqrt(sp.Symbol("v_hat_t")), bound),
           "m̂_t/√v̂_t = (m_t/√v_t)·√(1 − β₂^t)/(1 − β₁^t); ε → 0")
    # Attained: the equality case b ∝ a means g_{t−k} ∝ (β₁/β₂)^k. Evaluate the ratio on it.
    maximiser = (beta_1 / beta_2) ** k
    m_star = (1 - beta_1) * _closed_sum(beta_1**k * maximiser, t)
    v_star = (1 - beta_2) * _closed_sum(beta_2**k * maximiser**2, t)
    attained = m_star / sp.sqrt(v_star) * sp.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    d.step("Maximising history", sp.Eq(G[t - k], maximiser),
           "equality in Cauchy–Schwarz: √β₂^k g_{t−k} ∝ (β₁/√β₂)^k (any positive multiple, or its negative)")
    d.step("Attained", sp.Eq(sp.Symbol("ratio") / sp.Symbol("B_t"), sp.sqrt(sp.simplify((attained / bound) ** 2))),
           "on that history m_t = (1 − β₁)Σ r^k and v_t = (1 − β₂)Σ r^k, so the bound is an equality")
    limit = (1 - beta_1) / sp.sqrt((1 - beta_2) * (1 - r))
    substituted = bound.subs(r**t, 0).subs({beta_1**t: 0, beta_2**t: 0})
    if sp.simplify(substituted**2 - limit**2) != 0:  # both positive: equal squares mean equal values
        raise ArithmeticError("the t → ∞ limit of the bound does not reduce to its closed form")
    d.step("Limit t → ∞ (β₁² < β₂)", sp.Eq(sp.Limit(sp.Symbol("B_t"), t, sp.oo), limit),
           "β₁^t, β₂^t and (β₁²/β₂)^t → 0; for β₁² ≥ β₂ the bound grows without limit")
    defaults = {beta_1: sp.Rational(9, 10), beta_2: sp.Rational(999, 1000)}
    kingma_ba = (1 - beta_1) / sp.sqrt(1 - beta_2)
    d.step("Default β₁ = 0.9, β₂ = 0.999", sp.Eq(sp.Symbol("B_oo"), sp.N(limit.subs(defaults), 6)),
           "the worst step tends to about 7.27η")
    d.step("Kingma & Ba's bound (quoted)", sp.Eq(sp.Symbol("B_KB"), sp.N(kingma_ba.subs(defaults), 6)),
           "Kingma & Ba (2015) §2.1: |Δ_t| ≤ η(1 − β₁)/√(1 − β₂) when 1 − β₁ > √(1 − β₂); it is the "
           "single-impulse history, exceeded by the geometric history above")
    return d.finish(bound, "0 < β₁ < 1, 0 < β₂ < 1, β₁² ≠ β₂ (at β₁² = β₂ the sum is t)", "ε → 0", "t ≥ 1")


def kingma_ba_bound() -> sp.Expr:
    """Kingma & Ba (2015) §2.1, quoted: |Δ_t|/η ≤ (1 − β₁)/√(1 − β₂)."""
    return (1 - beta_1) / sp.sqrt(1 - beta_2)


def std_seed() -> Derivation:
    """Seed 004's reading: Adam's denominator estimates the standard deviation (v̂ ≈ σ²)."""
    d = DerivationBuilder()
    e_v = _E(sp.Symbol("v_hat_t"))
    d.step("Seed 004's reading", sp.Eq(e_v, sigma**2),
           "'Adam effectively normalizes each gradient by an estimate of its standard deviation': "
           "√v̂ ≈ σ, so E[v̂_t] = σ² = Var(g)")
    d.step("What v̂ estimates", sp.Eq(e_v, _E(g**2)),
           "bias correction makes the weights sum to 1 (adam.bias-correction), applied to g²")
    d.step("Second raw moment", sp.Eq(_E(g**2), sp.expand((mu_g + sigma) ** 2 - 2 * mu_g * sigma)),
           "E[g²] = E[g]² + Var(g): the mean square, i.e. the RMS², not the variance")
    d.step("Constant gradient (σ = 0)", sp.Eq(sp.Symbol("Delta_t"), eta * g / (sp.Abs(g) + epsilon)),
           "v̂_t = g² while σ = 0: the step is ≈ η, not ηg/ε as a std normaliser would give")
    return d.finish(sigma**2, "stationary gradients with mean μ and standard deviation σ", "seed's reading")


def scale_invariance() -> Derivation:
    """Step on gradients c·g relative to the step on g: c(√v̂ + ε)/(c√v̂ + ε) → 1 as ε → 0."""
    d = DerivationBuilder()
    m_hat = sp.Symbol("m_hat", real=True)
    d.step("Moments are homogeneous", sp.And(sp.Eq(sp.Symbol("m_hat_c"), c * m_hat),
                                              sp.Eq(sp.Symbol("v_hat_c"), c**2 * v_hat)),
           "m̂ is linear in the g_j and v̂ linear in the g_j² (adam.bias-correction's sums)")
    step_c = eta * c * m_hat / (sp.sqrt(c**2 * v_hat) + epsilon)
    step_1 = eta * m_hat / (sp.sqrt(v_hat) + epsilon)
    d.step("Step on c·g", sp.Eq(sp.Symbol("Delta_c"), step_c), "same history, every gradient scaled by c > 0")
    ratio = sp.simplify(step_c / step_1)
    d.step("Ratio of steps", sp.Eq(sp.Symbol("Delta_c") / sp.Symbol("Delta_1"), ratio), "√(c²v̂) = c√v̂ for c > 0")
    d.step("Equivalently", sp.Eq(sp.Symbol("Delta_c"), eta * m_hat / (sp.sqrt(v_hat) + epsilon / c)),
           "Adam with ε on c·g is Adam with ε/c on g")
    d.step("ε → 0", sp.Eq(sp.Limit(sp.Symbol("ratio"), epsilon, 0), sp.limit(ratio, epsilon, 0)),
           "invariant to rescaling the gradient")
    return d.finish(ratio, "c > 0", "same gradient history for both runs", "v̂ is the unscaled run's v̂_t")


def per_coordinate_spread() -> Derivation:
    """Spread max_i|Δ_i| / min_i|Δ_i| on ½Σλ_i x_i² from equal starts: κ^(1 − p)."""
    d = DerivationBuilder()
    lam_i = sp.Symbol("lambda_i", positive=True)
    x_t = sp.Symbol("x_t", positive=True)
    d.step("Gradient per coordinate", sp.Eq(sp.Symbol("g_i"), lam_i * x_t),
           "f = ½Σλ_i x_i²; every coordinate starts at the same x₀")
    d.step("GD step", sp.Eq(sp.Symbol("Delta_i"), eta * lam_i * x_t), "preconditioner 1: p = 0")
    d.step("Adam's second moment", sp.Eq(sp.sqrt(sp.Symbol("v_hat_i")), lam_i * sp.Symbol("R_t")),
           "if the coordinate trajectories coincide, g_i = λ_i·(the same sequence) and v̂ is homogeneous "
           "of degree 2 (adam.scale-invariance)")
    d.step("Adam step", sp.Eq(sp.Symbol("Delta_i"), eta * sp.Symbol("M_t") / sp.Symbol("R_t")),
           "m̂_i/√v̂_i = λ_i M_t/(λ_i R_t) does not depend on λ_i (ε → 0), so the trajectories do coincide "
           "by induction: preconditioner 1/λ_i, p = 1")
    spread = sp.simplify((lam_i * kappa) ** (1 - p) / lam_i ** (1 - p))
    d.step("Spread of per-coordinate steps", sp.Eq(sp.Symbol("S"), spread),
           "|Δ_i| ∝ λ_i^(1 − p) over curvatures spanning κ = λ_max/λ_min")
    return d.finish(spread, "p = 0 for GD, p = 1 for Adam (ε → 0)", "equal starting coordinates",
                    "GD measured at its first step")


def convex_convergence_seed() -> Derivation:
    """If Adam converged on the Reddi–Kale–Kumar problem, its average advantage over the worst point → 2(C − 2)/3."""
    d = DerivationBuilder()
    f_bar = sp.Rational(1, 3) * (C * x - x - x)
    d.step("Average loss over a period", sp.Eq(sp.Symbol("f_bar"), f_bar),
           "f_t(x) = Cx when t mod 3 = 1, −x otherwise (Reddi, Kale & Kumar 2018, §3)")
    d.step("Best fixed point", sp.Eq(sp.Symbol("x_star"), -1), "the slope (C − 2)/3 is positive for C > 2, F = [−1, 1]")
    gap = sp.factor(f_bar.subs(x, 1) - f_bar.subs(x, -1))
    d.step("Worst minus best", sp.Eq(sp.Symbol("f_bar_max") - sp.Symbol("f_bar_min"), gap),
           "x = +1 is the worst point of F")
    d.step("Regret identity", sp.Eq(sp.Symbol("A_T"), gap - sp.Symbol("R_T") / sp.Symbol("T")),
           "A_T = (1/T)Σ_t f_t(+1) − f_t(x_t) for T a multiple of 3, R_T the regret against x* = −1")
    d.step("Seed's claim", sp.Ge(sp.Symbol("A_T"), gap),
           "'Adam converges on convex problems' (Kingma & Ba 2015, Corollary 4.2: R_T/T → 0) makes A_T tend "
           "to its largest value")
    return d.finish(gap, "C > 2, β₁ = 0, β₂ = 1/(1 + C²), η_t = η/√t", "T → ∞ (finite T: the tolerance)")
