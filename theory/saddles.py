"""Derivations for saddle points and minima (CLAIMS.md section H)."""

from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import beta, eta, z

gamma = sp.Symbol("gamma", positive=True)  # negative curvature magnitude at the saddle
a = sp.Symbol("a", positive=True)  # positive curvature at the saddle / at a minimum
r = sp.Symbol("r", positive=True)  # escape radius
delta = sp.Symbol("delta", nonnegative=True)  # initial offset along the unstable direction
sigma = sp.Symbol("sigma", nonnegative=True)  # gradient-noise standard deviation
t = sp.Symbol("t", positive=True)
a_s, a_f = sp.symbols("a_s a_f", positive=True)
D = sp.Symbol("D", positive=True)  # barrier height
w_s, w_f = sp.symbols("w_s w_f", positive=True)
T = sp.Symbol("T", positive=True)  # temperature ησ²/2
# Φ⁻¹(3/4) = √2·erfinv(1/2), evaluated to 20 digits so numeric evaluation needs no special function.
Z34 = sp.Float((sp.sqrt(2) * sp.erfinv(sp.Rational(1, 2))).evalf(20), 20)


def growth_factor() -> sp.Expr:
    return 1 + eta * gamma


@cache
def noisy_scale() -> sp.Expr:
    """s with y_t ≈ (1 + ηγ)^t · s·Z, Z ~ N(0, 1), from y₀ = 0 under gradient noise σ."""
    k = sp.Symbol("k", integer=True, positive=True)
    variance = sp.Sum(eta**2 * sigma**2 * growth_factor() ** (-2 * k), (k, 1, sp.oo))
    closed = sp.simplify(sp.summation(eta**2 * sigma**2 * sp.Symbol("q", positive=True) ** k,
                                      (k, 1, sp.oo)).subs(sp.Symbol("q", positive=True), growth_factor() ** -2))
    if isinstance(closed, sp.Piecewise):
        closed = closed.args[0][0]
    return variance, sp.sqrt(sp.simplify(closed))


@cache
def escape_time() -> Derivation:
    """Crossing time of |y| = r from the saddle: ln(r/y_eff)/ln(1 + ηγ), y_eff = δ (σ = 0) or s·z_¾ (δ = 0)."""
    d = DerivationBuilder()
    y = sp.Function("y")
    d.step("GD on ½(ax² − γy²)", sp.Eq(y(t + 1), sp.expand(y(t) - eta * (-gamma * y(t)))),
           "the y-coordinate decouples; x contracts by 1 − ηa")
    d.step("Closed form", sp.Eq(y(t), growth_factor() ** t * delta), "from y₀ = δ")
    tau_det = sp.solve(sp.Eq(growth_factor() ** t * delta, r), t)[0]
    d.step("Crossing time", sp.Eq(sp.Symbol("tau"), sp.expand_log(tau_det, force=True)),
           "|y_t| = r; the first integer step with |y| ≥ r is ⌈τ⌉")
    corr = eta * (r**2 - delta**2) / (2 * growth_factor() * sp.log(growth_factor()) ** 2)
    d.step("Quartic term y⁴/4", sp.Eq(sp.Symbol("tau_q"), sp.Symbol("tau") + corr),
           "y₊ = y(1 + ηγ − ηy²): integrate dt = d ln y / ln(1 + ηγ − ηy²) to first order in ηy²/(1 + ηγ); "
           "relative to τ the correction is O(r²/(γ ln(r/δ))), small for r ≪ √γ")
    variance, s = noisy_scale()
    d.step("With gradient noise σ from y₀ = 0",
           sp.Eq(sp.Symbol("y_t") / growth_factor() ** t, sp.Symbol("S_t")),
           "y₊ = (1 + ηγ)y − ησξ: S_t = −ησ Σ_{k≤t}(1 + ηγ)^{−k}ξ_k converges to a Gaussian S")
    d.step("Its variance", sp.Eq(sp.Symbol("s") ** 2, sp.simplify(s**2)),
           "geometric series Σ_k η²σ²(1 + ηγ)^{−2k}")
    z34 = sp.sqrt(2) * sp.erfinv(sp.Rational(1, 2))
    d.step("Median of |S|", sp.Eq(sp.Symbol("m_S"), sp.Symbol("s") * z34),
           "P(|Z| ≤ z) = 1/2 at z = √2·erfinv(1/2) = Φ⁻¹(3/4) ≈ 0.674")
    y_eff = delta + s * Z34
    result = sp.log(r / y_eff) / sp.log(growth_factor())
    d.step("Median crossing time", sp.Eq(sp.Symbol("tau_med"), result),
           "τ is a decreasing function of |S| (|y_t| ≈ (1 + ηγ)^t|S| once (1 + ηγ)^{−t} ≪ 1), so its median "
           "is τ at the median of |S|; the expression covers σ = 0 (deterministic, y_eff = δ) and δ = 0 "
           "(noise only), the two cases measured")
    return d.finish(result, "either σ = 0 or δ = 0", "r ≫ s (many steps before escape)", "ηγ > 0")


def stops_dead_seed() -> Derivation:
    """Seed 003's reading: GD without noise ends at the saddle, i.e. at distance √γ from the minima (0, ±√γ)."""
    d = DerivationBuilder()
    y0 = sp.Symbol("y_0", real=True)
    d0 = sp.Symbol("d_0", positive=True)
    d.step("The bounded saddle", sp.Eq(sp.Symbol("f"), sp.Symbol("a") * sp.Symbol("x") ** 2 / 2
                                       - gamma * sp.Symbol("y") ** 2 / 2 + sp.Symbol("y") ** 4 / 4),
           "saddle at the origin, minima at (0, ±√γ)")
    d.step("Start", sp.Eq(sp.Function("d")(0), d0), "d_t: distance of the iterate to the nearest minimum")
    d.step("Seed 003", sp.Eq(sp.Symbol("d_oo"), sp.sqrt(gamma)),
           "'A basic optimizer without noise stops dead in its tracks when it hits this flat spot': GD ends at "
           "the saddle, so its limit distance d_∞ to the nearest minimum is √γ (d₀ is the start's distance)")
    d.step("What GD does", sp.Eq(sp.Symbol("y_t"), growth_factor() ** t * y0),
           "near the saddle |y| grows by 1 + ηγ per step from any y₀ ≠ 0; only y₀ = 0 (the stable "
           "manifold, measure zero) stays on it")
    d.step("Where it ends", sp.Eq(sp.Symbol("d_oo"), 0),
           "for y₀ ≠ 0 GD converges to a minimum (0 < ηa < 2, 0 < 2ηγ < 2): d_∞ = 0 ≠ √γ, whatever d₀")
    return d.finish(sp.sqrt(gamma), "0 < ηa < 2", "0 < ηγ < 1")


def momentum_growth() -> Derivation:
    """Heavy ball's growth factor along negative curvature −γ: the largest root of z² − (1 + β + ηγ)z + β."""
    d = DerivationBuilder()
    h = sp.Symbol("h", positive=True)  # ηγ
    y = sp.Function("y")
    d.step("Heavy ball on −½γy²", sp.Eq(y(t + 1), y(t) + h * y(t) + beta * (y(t) - y(t - 1))),
           "sum form v ← βv + g, y ← y − ηv with g = −γy; h = ηγ")
    poly = z**2 - (1 + beta + h) * z + beta
    d.step("Characteristic polynomial", sp.Eq(sp.Function("p")(z), poly), "y_t = z^t")
    roots = sp.solve(poly, z)
    z_plus = max(roots, key=lambda e: e.subs({beta: sp.Rational(1, 2), h: sp.Rational(1, 10)}))
    d.step("Largest root", sp.Eq(sp.Symbol("z_+"), z_plus), "quadratic formula")
    d.step("p at GD's factor", sp.Eq(sp.Function("p")(1 + h), sp.factor(poly.subs(z, 1 + h))),
           "p(1 + h) = −βh < 0 for β > 0: 1 + h lies strictly between the roots, so z₊ > 1 + ηγ")
    result = z_plus.subs(h, eta * gamma)
    return d.finish(result, "0 ≤ β < 1", "ηγ > 0", "sum form (PyTorch SGD momentum)")


def sharpness_limit() -> Derivation:
    """The sharpest minimum GD with step η can converge to has curvature 2/η."""
    d = DerivationBuilder()
    e = sp.Function("e")
    d.step("Linearised at a minimum of curvature a", sp.Eq(e(t + 1), (1 - eta * a) * e(t)),
           "e = x − x*, f'(x) = a e + O(e²)")
    region = sp.solve_univariate_inequality(sp.Abs(1 - eta * a) < 1, a, relational=False)
    d.step("Linear stability", sp.Contains(a, region, evaluate=False),
           "|1 − ηa| < 1; for |1 − ηa| > 1 the minimum repels nearby iterates, so GD cannot converge to it "
           "(except from a measure-zero set of starts)")
    d.step("Mean of SGD with unbiased noise", sp.Eq(sp.Symbol("E e_+"), (1 - eta * a) * sp.Symbol("E e")),
           "on a quadratic the expectation follows the same recursion")
    return d.finish(region.sup.subs(a, 1), "a > 0", "η > 0")


def flat_occupancy() -> Derivation:
    """Time ratio flat/sharp basin of small-η SGD in an equal-depth double well: √(a_s/a_f)."""
    d = DerivationBuilder()
    x = sp.Symbol("x", real=True)
    f0 = sp.Symbol("f_0", real=True)
    d.step("Stationary density", sp.Eq(sp.Symbol("p(x)"), sp.exp(-sp.Symbol("f(x)") / T) / sp.Symbol("Z")),
           "SGD x₊ = x − η(f'(x) + σξ) is the Euler–Maruyama step of Langevin dynamics at temperature "
           "T = ησ²/2; its invariant density is Gibbs up to O(ηa) (the discrete chain has local variance "
           "ησ²/(a(2 − ηa)) instead of T/a)")
    mass = sp.integrate(sp.exp(-(f0 + a * x**2 / 2) / T), (x, -sp.oo, sp.oo))
    d.step("Laplace approximation of a basin", sp.Eq(sp.Symbol("P_basin"), sp.simplify(mass)),
           "f ≈ f₀ + a(x − x*)²/2 inside the basin; valid for T much below the barrier")
    ratio = sp.simplify(mass.subs(a, a_f) / mass.subs(a, a_s))
    d.step("Equal depths", sp.Eq(sp.Symbol("P_f") / sp.Symbol("P_s"), ratio), "the e^{−f₀/T} factors cancel")
    u = sp.Symbol("u", real=True)
    h = D * (u**2 - 1) ** 2
    d.step("The suite's double well", sp.Eq(sp.Symbol("f(x)"), sp.Piecewise((h.subs(u, x / w_f), x < 0),
                                                                              (h.subs(u, x / w_s), True))),
           "equal depths 0 at x = −w_f, +w_s; barrier D at 0; C¹ at the barrier")
    curv_f = sp.diff(h.subs(u, x / w_f), x, 2).subs(x, -w_f)
    curv_s = sp.diff(h.subs(u, x / w_s), x, 2).subs(x, w_s)
    d.step("Its curvatures", sp.And(sp.Eq(a_f, curv_f), sp.Eq(a_s, curv_s)), "h''(±1) = 8")
    d.step("Exact Gibbs ratio for this well",
           sp.Eq(sp.Symbol("P_f") / sp.Symbol("P_s"), w_f / w_s),
           "x = w u on each side maps both halves onto the same integral of e^{−D h(u)/T}, so the Gibbs ratio "
           "is w_f/w_s = √(a_s/a_f) at every temperature: only the discretisation (small ηa_s) limits the law")
    return d.finish(ratio, "equal depths", "ηa_s ≪ 1 (small step)", "T well below the barrier for a generic well")
