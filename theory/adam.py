"""Derivations for Adam and AMSGrad.

Adam as in seed 004 (Kingma & Ba 2015, Algorithm 1), per coordinate, t ≥ 1:
m_t = β₁m_{t−1} + (1 − β₁)g_t, v_t = β₂v_{t−1} + (1 − β₂)g_t², m₀ = v₀ = 0,
m̂_t = m_t/(1 − β₁^t), v̂_t = v_t/(1 − β₂^t), step η m̂_t/(√v̂_t + ε).
Every result below is derived from these recursions (unrolled by
``theory.unrolling.unroll``); the only literal formulas are definitions (the
recursions themselves, the seed's reading of a statement) and cited steps
(Kingma & Ba's published bound, quoted for comparison; Cauchy–Schwarz).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .moments import expectation
from .symbols import eta, g, k, kappa, t
from .unrolling import unroll

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


def _geometric(series: sp.Sum) -> sp.Expr:
    """A geometric sum such as Σ_{k=0}^{t−1} r^k in closed form, for r ≠ 1 (SymPy keeps the r = 1 branch apart)."""
    closed = sp.piecewise_fold(series.doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(expr for expr, cond in closed.args if not cond.has(sp.Eq))
    return closed


def _closed_sum(summand: sp.Expr, terms: sp.Expr) -> sp.Expr:
    """Σ_{k=0}^{terms−1} summand in closed form (generic branch of SymPy's Piecewise)."""
    closed = sp.piecewise_fold(sp.Sum(sp.powsimp(summand, force=True), (k, 0, terms - 1)).doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(expr for expr, cond in closed.args if not cond.has(sp.Eq))
    return sp.simplify(closed)


def _weights_total(weights: sp.Sum) -> sp.Expr:
    """Closed form of a geometric sum of EMA weights (constants pulled out first: fast), generic branch β ≠ 1."""
    closed = sp.piecewise_fold(sp.factor_terms(weights).doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(expr for expr, cond in closed.args if not cond.has(sp.Eq))
    return sp.factor(sp.simplify(closed))


def _ema_unrolled(rate: sp.Expr, forcing: sp.Expr) -> sp.Expr:
    """x_t = rate·x_(t−1) + (1 − rate)·forcing_t from x₀ = 0, unrolled to Σ_(j≤t)."""
    return unroll(rate, lambda i: (1 - rate) * forcing.subs(j, i), 0, j, t)


def _reindexed(unrolled: sp.Sum) -> sp.Sum:
    """Σ_(j=1)^t f(j) as Σ_(k=0)^(t−1) f(t − k): the most recent gradient first."""
    return sp.Sum(unrolled.function.subs(j, t - k), (k, 0, t - 1))


def _adam_recursions(d: DerivationBuilder, label: str = "Adam's moments"):
    m_prev, v_prev = sp.Symbol("m_t-1"), sp.Symbol("v_t-1")
    return d.definition(label, sp.And(sp.Eq(sp.Symbol("m_t"), beta_1 * m_prev + (1 - beta_1) * G[t]),
                                      sp.Eq(sp.Symbol("v_t"), beta_2 * v_prev + (1 - beta_2) * G[t] ** 2)),
                        "Kingma & Ba (2015), Algorithm 1, per coordinate; m₀ = v₀ = 0")


def bias_correction() -> Derivation:
    """Expected raw moment / E[g] is 1 − β^t; the bias-corrected moment is unbiased (ratio 1)."""
    d = DerivationBuilder()
    m_t, m_hat = sp.Symbol("m_t"), sp.Symbol("m_hat_t")
    ema = d.definition("EMA recursion", sp.Eq(m_t, beta_s * sp.Symbol("m_t-1") + (1 - beta_s) * G[t]),
                       "m₀ = 0 (the same recursion gives v_t from g_t², with β₂)")
    # Unrolled from the recursion as typeset: its multiplier and its driving term read off it.
    m_prev = sp.Symbol("m_t-1")
    rate = ema.rhs.coeff(m_prev)
    drive = ema.rhs - rate * m_prev  # (1 − β)g_t
    unrolled = d.computed("Unrolled", sp.Eq(m_t, unroll(rate, lambda i: drive.subs(t, i), 0, j, t)), [ema], "unroll")
    weights_sum = sp.Sum(unrolled.rhs.function.subs(G[j], 1), *unrolled.rhs.limits)
    total = d.computed("Sum of the weights", sp.Eq(weights_sum, _weights_total(weights_sum)), [unrolled],
                       "summation (geometric, β ≠ 1)", "0 < β < 1")
    e_g = _E(sp.Symbol("g"))
    mean = d.computed("Stationary gradients", sp.Eq(_E(m_t), total.rhs * e_g), [unrolled, total],
                      "linearity of expectation with E[g_j] = E[g]",
                      "every g_j has the same mean (constant g is the special case g_j = g)")
    raw_ratio = sp.simplify(mean.rhs / e_g)
    corrected_ratio = sp.simplify(raw_ratio / (1 - beta_s**t))
    fixed = d.computed("Bias-corrected", sp.Eq(_E(m_hat) / e_g, corrected_ratio), [mean],
                       "divide by 1 − β^t", "m̂_t = m_t/(1 − β^t) divides out exactly the weight deficit (seed 004)",
                       where={_E(m_hat): mean.rhs / (1 - beta_s**t)})
    result = sp.Piecewise((fixed.rhs, sp.Eq(corrected, 1)), (raw_ratio, True))
    d.computed("Moment / E[g] (b = 1 corrected, b = 0 raw)", sp.Eq(sp.Symbol("ratio"), result), [mean, fixed],
               "collect", "for v the same with β₂ and E[g²]; constant g: m̂_t = g, v̂_t = g², m_t = (1 − β₁^t)g")
    return d.finish("0 < β < 1", "m₀ = v₀ = 0", "b ∈ {0, 1}")


def first_step() -> Derivation:
    """The first bias-corrected Adam step: ηg/(|g| + ε)."""
    d = DerivationBuilder()
    rec = _adam_recursions(d)
    m_rec, v_rec = (eq.rhs.subs(G[t], g) for eq in sorted(rec.expr.args, key=str))
    m1 = d.computed("First moment", sp.Eq(sp.Symbol("m_1"), m_rec.subs(sp.Symbol("m_t-1"), 0)), [rec], "subs m₀ = 0")
    v1 = d.computed("Second moment", sp.Eq(sp.Symbol("v_1"), v_rec.subs(sp.Symbol("v_t-1"), 0)), [rec], "subs v₀ = 0")
    m1_hat = d.computed("Corrected first moment", sp.Eq(sp.Symbol("m_hat_1"), sp.simplify(m1.rhs / (1 - beta_1))), [m1],
                        "divide by 1 − β₁¹")
    v1_hat = d.computed("Corrected second moment", sp.Eq(sp.Symbol("v_hat_1"), sp.simplify(v1.rhs / (1 - beta_2))),
                        [v1], "divide by 1 − β₂¹")
    step = d.computed("First step", sp.Eq(sp.Symbol("Delta_1"),
                                          sp.simplify(eta * m1_hat.rhs / (sp.sqrt(v1_hat.rhs) + epsilon))),
                      [m1_hat, v1_hat], "subs into η m̂/(√v̂ + ε)", "√(g²) = |g|; ε added to √v̂ (seed 004)")
    vanishing = sp.Limit(sp.Symbol("Delta_1"), epsilon, 0)  # the limit shown is the limit taken
    d.identity("ε → 0", sp.Eq(vanishing, eta * g / sp.Abs(g)),
               equals=sp.limit(step.rhs, *vanishing.args[1:3]), uses=[step],
               justification="limit (computed): η·sign(g) per coordinate, whatever |g|")
    return d.finish("g ≠ 0 real", "ε > 0", "β₁, β₂ ∈ (0, 1) (they cancel)", result=step)


def max_step_bound() -> Derivation:
    """Worst-case |m̂_t/√v̂_t| over all gradient histories (Cauchy–Schwarz, attained)."""
    d = DerivationBuilder()
    r = beta_1**2 / beta_2
    rec = _adam_recursions(d)
    m_sum, v_sum = _reindexed(_ema_unrolled(beta_1, G[j])), _reindexed(_ema_unrolled(beta_2, G[j] ** 2))
    sums = d.computed("Moments as sums", sp.And(sp.Eq(sp.Symbol("m_t"), m_sum), sp.Eq(sp.Symbol("v_t"), v_sum)), [rec],
                      "unroll, k = t − j", "m₀ = v₀ = 0")
    split = sp.Sum((beta_1 / sp.sqrt(beta_2)) ** k * (sp.sqrt(beta_2) ** k * G[t - k]), (k, 0, t - 1))
    m_t = sp.Symbol("m_t")
    split_step = d.identity("Split each term", sp.Eq(m_t / (1 - beta_1), split), where={m_t: m_sum}, uses=[sums],
                            justification="β₁^k = (β₁/√β₂)^k · √β₂^k; the left side with m_t unrolled")
    first = sp.Sum(r**k, (k, 0, t - 1))  # ‖a‖², the factor the bound keeps
    cs = sp.sqrt(first) * sp.sqrt(sp.Sum(beta_2**k * G[t - k] ** 2, (k, 0, t - 1)))
    cauchy = d.cited("Cauchy–Schwarz", sp.Le(sp.Abs(split), cs),
                     "Cauchy–Schwarz inequality in R^t (e.g. Steele, The Cauchy–Schwarz Master Class, 2004, ch. 1)",
                     "|⟨a, b⟩| ≤ ‖a‖‖b‖ with a_k = (β₁/√β₂)^k, b_k = √β₂^k g_(t−k); equality iff b ∝ a")
    v_t = sp.Symbol("v_t")
    ratio_lhs = sp.Abs(m_t) / sp.sqrt(v_t)
    raw_bound = (1 - beta_1) * sp.sqrt(_geometric(first)) / sp.sqrt(1 - beta_2)
    # The bound is the left side at |m_t| = (1 − β₁)·(the cited bound), v_t unrolled: so the left side
    # typed is the ratio bounded, and the cited bound's second factor is √(v_t/(1 − β₂)).
    at_bound = ratio_lhs.subs(sp.Abs(m_t), (1 - beta_1) * cs).subs(v_t, sp.simplify(v_sum)).subs(first, _geometric(first))
    d.confirm("Uncorrected ratio", "the left side with |m_t| at (1 − β₁)·(the cited bound) and v_t unrolled is the bound",
              sp.simplify(at_bound**2 - raw_bound**2) == 0,  # both positive: compare squares (√ of the sums)
              "the left side at the cited bound is not the bound (the second Cauchy–Schwarz factor is not √(v_t/(1 − β₂)))")
    raw = d.computed("Uncorrected ratio", sp.Le(ratio_lhs, raw_bound),
                     [split_step, cauchy, sums],
                     "divide by √v_t = √(1 − β₂)·(second factor); geometric summation of Σ_(k<t) r^k",
                     "r = β₁²/β₂ ≠ 1")
    bound = d.computed("Bias-corrected bound", sp.Eq(sp.Symbol("B_t"),
                                                    raw.rhs * sp.sqrt(1 - beta_2**t) / (1 - beta_1**t)), [raw],
                       "multiply by √(1 − β₂^t)/(1 − β₁^t)",
                       "|m̂_t|/√v̂_t ≤ B_t: m̂_t/√v̂_t = (m_t/√v_t)·√(1 − β₂^t)/(1 − β₁^t); ε → 0")
    # Attained: the equality case b ∝ a means g_{t−k} ∝ (β₁/β₂)^k. Evaluate the ratio on it.
    history = d.definition("Maximising history", sp.Eq(G[t - k], (beta_1 / beta_2) ** k),
                           "equality in Cauchy–Schwarz: √β₂^k g_(t−k) ∝ (β₁/√β₂)^k (any positive multiple, or its "
                           "negative)")
    m_star = (1 - beta_1) * _closed_sum(m_sum.function.subs(history.lhs, history.rhs) / (1 - beta_1), t)
    v_star = (1 - beta_2) * _closed_sum(v_sum.function.subs(history.lhs, history.rhs) / (1 - beta_2), t)
    attained = m_star / sp.sqrt(v_star) * sp.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    ratio = sp.Symbol("ratio")
    d.identity("Attained", sp.Eq(ratio**2, bound.lhs**2), where={ratio: attained, bound.lhs: bound.rhs},
               uses=[sums, history, bound],
               justification="subs the history into the sums, geometric summation (computed); both sides are "
               "positive, so ratio = B_t: on that history m_t = (1 − β₁)Σ r^k and v_t = (1 − β₂)Σ r^k, "
               "so the bound is an equality")
    substituted = bound.rhs.subs(r**t, 0).subs({beta_1**t: 0, beta_2**t: 0})
    limit_of_bound = sp.Limit(sp.Symbol("B_t"), t, sp.oo)
    # The left side is checked too, with the limit replaced by the bound at β₁^t = β₂^t = (β₁²/β₂)^t = 0.
    squared = d.identity("Limit t → ∞, squared (β₁² < β₂)",
                         sp.Eq(limit_of_bound ** 2, (1 - beta_1) ** 2 / ((1 - beta_2) * (1 - r))),
                         equals=sp.expand(substituted**2), uses=[bound], where={limit_of_bound: substituted},
                         justification="β₁^t, β₂^t and (β₁²/β₂)^t → 0 (computed); for β₁² ≥ β₂ the bound grows "
                                       "without limit")
    limit = d.computed("Limit t → ∞", sp.Eq(sp.Limit(sp.Symbol("B_t"), t, sp.oo), sp.sqrt(squared.rhs)), [squared],
                       "positive square root", "B_t > 0")
    defaults = {beta_1: sp.Rational(9, 10), beta_2: sp.Rational(999, 1000)}
    # The value quoted for the defaults, checked to the digits shown (so are the defaults typed above).
    d.identity("Default β₁ = 0.9, β₂ = 0.999", sp.Eq(sp.Symbol("B_oo"), sp.Float("7.27029", 6)),
               equals=limit.rhs.subs(defaults), uses=[limit], justification="the worst step tends to about 7.27η")
    quoted = d.cited("Kingma & Ba's bound", sp.Eq(sp.Symbol("B_KB"), kingma_ba_bound()),
                     "Kingma & Ba (2015), Adam: A Method for Stochastic Optimization, §2.1",
                     "|Δ_t| ≤ η(1 − β₁)/√(1 − β₂) when 1 − β₁ > √(1 − β₂)")
    step_t = sp.Symbol("t", integer=True, positive=True)  # t ≥ 1: the sums are not empty

    def single_impulse(moment):  # g_t = 1, no earlier gradient: g_i = δ(i, t)
        return sp.simplify(moment.subs(t, step_t).replace(lambda e: isinstance(e, sp.Indexed) and e.base == G,
                                                          lambda e: sp.KroneckerDelta(e.indices[0], step_t)).doit())

    m_one, v_one = single_impulse(m_sum), single_impulse(v_sum)
    d.identity("Kingma & Ba's bound is a single impulse's ratio", sp.Eq(sp.Symbol("B_KB"), quoted.rhs),
               equals=m_one / sp.sqrt(v_one), uses=[sums, quoted],
               justification="g_t = 1 and no earlier gradient: m_t = 1 − β₁, v_t = 1 − β₂ (computed, t ≥ 1), "
                             "uncorrected |m_t|/√v_t")
    # The value quoted for the defaults, checked to the digits shown (as the geometric history's above).
    d.identity("Kingma & Ba at the defaults", sp.Eq(sp.Symbol("B_KB"), sp.Float("3.16228", 6)),
               equals=quoted.rhs.subs(defaults), uses=[quoted],
               justification="the single-impulse history; exceeded by the geometric history above")
    return d.finish("0 < β₁ < 1, 0 < β₂ < 1, β₁² ≠ β₂ (at β₁² = β₂ the sum is t)", "ε → 0", "t ≥ 1", result=bound)


def kingma_ba_bound() -> sp.Expr:
    """Kingma & Ba (2015) §2.1, quoted: |Δ_t|/η ≤ (1 − β₁)/√(1 − β₂)."""
    return (1 - beta_1) / sp.sqrt(1 - beta_2)


def std_seed() -> Derivation:
    """Seed 004's reading: Adam's denominator estimates the standard deviation (v̂ ≈ σ²)."""
    d = DerivationBuilder()
    e_v = _E(sp.Symbol("v_hat_t"))
    reading = d.definition("Seed 004's reading", sp.Eq(sp.sqrt(e_v), sigma),
                           "'Adam effectively normalizes each gradient by an estimate of its standard deviation': "
                           "√v̂ estimates σ, the standard deviation of g")
    predicted = d.computed("The seed's prediction", sp.Eq(e_v, sp.solve(reading.expr, e_v)[0]), [reading],
                           "solve for E[v̂_t]", "E[v̂_t] = σ² = Var(g)")
    rec = _adam_recursions(d)
    v_rec = next(eq.rhs for eq in rec.expr.args if eq.lhs == sp.Symbol("v_t"))  # β₂ v_(t−1) + (1 − β₂) g_t²
    rate = v_rec.coeff(sp.Symbol("v_t-1"))
    forcing = sp.cancel((v_rec - rate * sp.Symbol("v_t-1")) / (1 - rate)).subs(t, j)
    v_unrolled = _ema_unrolled(rate, forcing)
    corrected_v = d.computed("Bias-corrected second moment", sp.Eq(sp.Symbol("v_hat_t"), sp.Sum(
        v_unrolled.function / (1 - beta_2**t), *v_unrolled.limits)), [rec],
                             "unroll v_t from v₀ = 0, divide by 1 − β₂^t", "as m_t in adam.bias-correction")
    # E[v̂_t]: each g_j² has the mean E[g²] (stationary gradients); nothing else may be left in the sum
    expected = sp.Sum(corrected_v.rhs.function.subs(G[j] ** 2, _E(g**2)), *corrected_v.rhs.limits)
    d.identity("What v̂ estimates", sp.Eq(e_v, _E(g**2)), equals=sp.simplify(_weights_total(expected)),
               uses=[corrected_v],
               justification="linearity with E[g_j²] = E[g²], geometric summation of the weights (computed): bias "
                             "correction makes the weights sum to 1, applied to g²")
    z = sp.Symbol("Z", real=True)
    mean_square = _E(g**2)
    raw = expectation(mean_square.args[0].subs(g, mu_g + sigma * z), [{z: 0, z**2: 1}])  # of what the left side names
    d.identity("Second raw moment", sp.Eq(mean_square, mu_g**2 + sigma**2), equals=raw,
               justification="g = μ + σZ with E Z = 0, E Z² = 1 (computed): the mean square, i.e. the RMS², not "
                             "the variance")
    m_hat_t, v_hat_t = sp.Symbol("m_hat_t"), sp.Symbol("v_hat_t")
    step = eta * m_hat_t / (sp.sqrt(v_hat_t) + epsilon)
    adam_step = d.definition("Adam step", sp.Eq(sp.Symbol("Delta_t"), step), "bias-corrected moments, ε added to √v̂")
    d.identity("Constant gradient (σ = 0)", sp.Eq(sp.Symbol("Delta_t"), eta * g / (sp.Abs(g) + epsilon)),
               equals=adam_step.rhs.subs({v_hat_t: g**2, m_hat_t: g}), uses=[adam_step],
               justification="subs m̂_t = g, v̂_t = g² (computed): the corrected moments of a constant gradient, "
                             "so the step is ≈ η, not ηg/ε as a std normaliser would give")
    return d.finish("stationary gradients with mean μ and standard deviation σ", "seed's reading", result=predicted)


def scale_invariance() -> Derivation:
    """Step on gradients c·g relative to the step on g: c(√v̂ + ε)/(c√v̂ + ε) → 1 as ε → 0."""
    d = DerivationBuilder()
    m_hat = sp.Symbol("m_hat", real=True)
    w, u = sp.Function("w"), sp.Function("u")
    moments = d.definition("Bias-corrected moments", sp.And(sp.Eq(m_hat, sp.Sum(w(j) * G[j], (j, 1, t))),
                                                             sp.Eq(v_hat, sp.Sum(u(j) * G[j] ** 2, (j, 1, t)))),
                           "fixed weights w_j, u_j (adam.bias-correction's sums, divided by 1 − β^t)")
    ema = {w: beta_1, u: beta_2}  # w_j = (1 − β₁)β₁^(t−j)/(1 − β₁^t), u_j likewise with β₂
    sums = [sp.Sum(weight(j), *eq.rhs.limits) for eq in sorted(moments.expr.args, key=str)
            for weight in (eq.rhs.function.as_independent(G[j])[0].func,)]
    in_closed_form = [term.replace(lambda e: e.func in ema,
                                   lambda e: (1 - ema[e.func]) * ema[e.func] ** (t - e.args[0]) / (1 - ema[e.func] ** t))
                      for term in sums]
    summed = [sp.piecewise_fold(sp.factor_terms(term).doit()) for term in in_closed_form]
    summed = [e.args[-1].expr if isinstance(e, sp.Piecewise) else e for e in summed]  # the β ≠ 1 case: 0 < β < 1
    d.identity("Bias-corrected weights sum to 1", sp.Eq(sp.Tuple(*sums), sp.Tuple(1, 1)),
               equals=sp.Tuple(*[sp.cancel(e) for e in summed]), uses=[moments],
               justification="w_j = (1 − β₁)β₁^(t−j)/(1 − β₁^t), u_j likewise: geometric sums over j ≤ t, β < 1 "
                             "(computed)")
    scaled = [sp.factor_terms(sp.Sum(eq.rhs.function.subs(G[j], c * G[j]), *eq.rhs.limits))
              for eq in sorted(moments.expr.args, key=str)]
    homogeneous = d.computed("Moments are homogeneous", sp.And(sp.Eq(sp.Symbol("m_hat_c"), scaled[0]),
                                                               sp.Eq(sp.Symbol("v_hat_c"), scaled[1])), [moments],
                             "subs g_j → c·g_j, factor_terms",
                             "m̂ is linear in the g_j and v̂ linear in the g_j²")
    factors = [sp.simplify(part.rhs / eq.rhs) for part, eq in zip(homogeneous.expr.args, sorted(moments.expr.args,
                                                                                             key=str))]
    step = d.definition("Adam step", sp.Eq(sp.Symbol("Delta_1"), eta * m_hat / (sp.sqrt(v_hat) + epsilon)),
                        "ε added to √v̂")
    step_c = d.computed("Step on c·g", sp.Eq(sp.Symbol("Delta_c"), step.rhs.subs({m_hat: factors[0] * m_hat,
                                                                                   v_hat: factors[1] * v_hat})),
                        [homogeneous, step], "subs m̂ → c m̂, v̂ → c² v̂", "same history, every gradient scaled by c > 0")
    # The left side is checked too: with the two steps' names expanded it must be the simplified ratio.
    simplified = sp.simplify(step_c.rhs / step.rhs)
    ratio = d.identity("Ratio of steps", sp.Eq(step_c.lhs / step.lhs, simplified),
                       uses=[step, step_c], where={step_c.lhs: step_c.rhs, step.lhs: step.rhs},
                       justification="√(c²v̂) = c√v̂ for c > 0 (simplify)")
    d.identity("Equivalently", sp.Eq(sp.Symbol("Delta_c"), eta * m_hat / (sp.sqrt(v_hat) + epsilon / c)),
               equals=step_c, justification="Adam with ε on c·g is Adam with ε/c on g")
    vanishing = sp.Limit(sp.Symbol("ratio"), epsilon, 0)  # the limit shown is the limit taken
    d.identity("ε → 0", sp.Eq(vanishing, 1),
               equals=sp.limit(ratio.rhs, *vanishing.args[1:3]), uses=[ratio],
               justification="limit (computed): invariant to rescaling the gradient")
    return d.finish("c > 0", "same gradient history for both runs", "v̂ is the unscaled run's v̂_t", result=ratio)


def per_coordinate_spread() -> Derivation:
    """Spread max_i|Δ_i| / min_i|Δ_i| on ½Σλ_i x_i² from equal starts: κ^(1 − p)."""
    d = DerivationBuilder()
    lam_i = sp.Symbol("lambda_i", positive=True)
    x_t = sp.Symbol("x_t", positive=True)
    M_t, R_t = sp.Symbol("M_t", positive=True), sp.Symbol("R_t", positive=True)
    objective = d.definition("Objective", sp.Eq(sp.Symbol("f_i"), lam_i * x_t**2 / 2),
                             "f = ½Σλ_i x_i²; every coordinate starts at the same x₀")
    d.identity("Curvature per coordinate", sp.Eq(sp.Symbol("f_i''"), lam_i), equals=sp.diff(objective.rhs, x_t, 2),
               uses=[objective], justification="a quadratic with curvature λ_i along coordinate i (computed)")
    grad = d.computed("Gradient per coordinate", sp.Eq(sp.Symbol("g_i"), sp.diff(objective.rhs, x_t)), [objective],
                      "diff")
    gd = d.computed("GD step", sp.Eq(sp.Symbol("Delta_i"), eta * grad.rhs), [grad], "η·g_i", "preconditioner 1")
    scaled = d.assumption("Coinciding trajectories", sp.And(sp.Eq(sp.Symbol("m_hat_i"), lam_i * M_t),
                                                            sp.Eq(sp.Symbol("v_hat_i"), lam_i**2 * R_t**2)),
                          "if the coordinate trajectories coincide, g_i = λ_i·(the same sequence), and m̂, v̂ are "
                          "homogeneous of degree 1 and 2 (adam.scale-invariance)")
    moments = {eq.lhs: eq.rhs for eq in scaled.expr.args}
    # On a constant history (M_t = R_t = x_t) the corrected moments are the gradient and its square.
    m_hat_i, v_hat_i, g_i = sp.Symbol("m_hat_i"), sp.Symbol("v_hat_i"), sp.Symbol("g_i")
    d.identity("A constant history", sp.Eq(sp.Tuple(m_hat_i, v_hat_i), sp.Tuple(g_i, g_i**2)), uses=[scaled, grad],
               where={m_hat_i: moments[m_hat_i].subs(M_t, x_t), v_hat_i: moments[v_hat_i].subs(R_t, x_t),
                      g_i: grad.rhs},
               justification="M_t = R_t = x_t: m̂ = g and v̂ = g² (adam.bias-correction's constant gradient)")
    adam = d.computed("Adam step", sp.Eq(sp.Symbol("Delta_i"), sp.simplify(
        eta * moments[sp.Symbol("m_hat_i")] / sp.sqrt(moments[sp.Symbol("v_hat_i")]))), [scaled],
                      "η m̂_i/√v̂_i (ε → 0)", "λ_i cancels, so the trajectories do coincide (by induction)")
    powers = [sp.simplify(lam_i * sp.diff(sp.log(step.rhs), lam_i)) for step in (gd, adam)]
    power = d.computed("Curvature power of the step", sp.Eq(sp.Symbol("e"), powers[0] + p * (powers[1] - powers[0])),
                       [gd, adam], "λ_i d log|Δ_i|/dλ_i for GD (p = 0) and Adam (p = 1), interpolated in p",
                       "|Δ_i| ∝ λ_i^(1 − p): preconditioner λ_i^(−p)")
    spread = sp.simplify((lam_i * kappa) ** power.rhs / lam_i**power.rhs)
    d.computed("Spread of per-coordinate steps", sp.Eq(sp.Symbol("S"), spread), [power],
               "ratio at λ_max = κλ_min", "over curvatures spanning κ = λ_max/λ_min")
    return d.finish("p = 0 for GD, p = 1 for Adam (ε → 0)", "equal starting coordinates", "GD measured at its first step")


def convex_convergence_seed() -> Derivation:
    """If Adam converged on the Reddi–Kale–Kumar problem, its average advantage over the worst point → 2(C − 2)/3."""
    d = DerivationBuilder()
    phase = sp.Symbol("i", integer=True)
    losses = d.definition("Losses", sp.Eq(sp.Function("f")(phase, x), sp.Piecewise((C * x, sp.Eq(phase, 1)), (-x, True))),
                          "f_t(x) = Cx when t mod 3 = 1, −x otherwise, on F = [−1, 1] (Reddi, Kale & Kumar 2018, §3)")
    period = (1, 2, 3)  # t mod 3 = 1, 2, 0
    f_bar = d.computed("Average loss over a period",
                       sp.Eq(sp.Symbol("f_bar"), sum(losses.rhs.subs(phase, i) for i in period) / len(period)),
                       [losses], "mean over t mod 3 = 1, 2, 0")
    # A mean, not a sum: its slope is the (C − 2)/3 the best point and the gap below rest on.
    d.identity("Slope of the average", sp.Eq(sp.Derivative(f_bar.lhs, x), (C - 2) / 3), where={f_bar.lhs: f_bar.rhs},
               uses=[f_bar], justification="f̄ is linear in x (computed)")
    excess = sp.Symbol("delta", positive=True)
    # F = [low, high]: the best and the worst point below and the checked range, read from the projection
    # the experiment runs (its model check ties the two), not typed a second time.
    projection = d.definition("Projection onto F", sp.Eq(sp.Function("Pi_F")(x), sp.Min(sp.Max(x, -1), 1)),
                              "after every step the iterate is clipped back onto F = [−1, 1]")
    low, high = projection.rhs.subs(x, -sp.oo), projection.rhs.subs(x, sp.oo)
    # Against every point of F, not only x = +1: the endpoints decide the best point of a linear f̄ only.
    d.inequality("Best fixed point x* = −1", sp.Le(f_bar.rhs.subs(x, low), f_bar.rhs), uses=[f_bar],
                 subs={C: 2 + excess}, ranges={x: (low, high)},
                 justification="f̄(−1) ≤ f̄(x) on F = [−1, 1]: f̄ is linear with slope (C − 2)/3 > 0 for C = 2 + δ > 2")
    worst_best = {sp.Symbol("f_bar_max"): f_bar.rhs.subs(x, high), sp.Symbol("f_bar_min"): f_bar.rhs.subs(x, low)}
    gap = d.computed("Worst minus best", sp.Eq(sp.Symbol("f_bar_max") - sp.Symbol("f_bar_min"),
                                               sp.factor(worst_best[sp.Symbol("f_bar_max")]
                                                         - worst_best[sp.Symbol("f_bar_min")])), [f_bar],
                     "f̄(1) − f̄(−1)", "x = +1 is the worst point of F", where=worst_best)
    horizon, played = sp.Symbol("T"), sp.Symbol("S_T")  # S_T = Σ_(t≤T) f_t(x_t)
    advantage, regret = sp.Symbol("A_T"), sp.Symbol("R_T")
    sums = d.definition("Average advantage and regret", sp.And(
        sp.Eq(advantage, (horizon * f_bar.rhs.subs(x, high) - played) / horizon),
        sp.Eq(regret, played - horizon * f_bar.rhs.subs(x, low))),
        "A_T = (1/T)Σ_t (f_t(+1) − f_t(x_t)), R_T = Σ_t (f_t(x_t) − f_t(−1)) the regret against x* = −1, "
        "S_T = Σ_t f_t(x_t); for T a multiple of 3, Σ_t f_t(±1) = T f̄(±1)")
    forms = {eq.lhs: eq.rhs for eq in sums.expr.args}
    average_regret = regret / horizon
    in_regret = sp.solve(sp.Eq(regret, forms[regret]), played)[0]
    identity = d.identity("Regret identity", sp.Eq(advantage, gap.rhs - average_regret),
                          equals=sp.expand(forms[advantage].subs(played, in_regret)), uses=[sums, gap],
                          justification="eliminate S_T (computed): A_T = f̄(1) − f̄(−1) − R_T/T")
    grows = sp.Symbol("T", positive=True)
    bound = d.cited("Seed's claim", sp.Eq(regret, sp.Order(sp.sqrt(grows), (grows, sp.oo))),
                    "Kingma & Ba (2015), Adam: A Method for Stochastic Optimization, Theorem 4.1 and Corollary 4.2",
                    "'Adam converges on convex problems': the regret grows like √T as T → ∞; Reddi et al. (2018) "
                    "show the proof is wrong")
    claim = d.computed("…so the average regret vanishes",
                       sp.Eq(sp.Limit(average_regret, sp.Symbol("T"), sp.oo),
                             sp.limit(bound.rhs.expr / grows, grows, sp.oo)), [bound], "divide by T, T → ∞")
    predicted = d.computed("The seed's prediction", sp.Eq(sp.Limit(sp.Symbol("A_T"), sp.Symbol("T"), sp.oo),
                                                          sp.factor(identity.rhs.subs(average_regret, claim.rhs))),
                           [identity, claim], "subs R_T/T → its claimed limit, factor",
                           "A_T tends to its largest value f̄(1) − f̄(−1)")
    return d.finish("C > 2, β₁ = 0, β₂ = 1/(1 + C²), η_t = η/√t", "T → ∞ (finite T: the tolerance)", result=predicted)
