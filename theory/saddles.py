"""Derivations for saddle points and minima: escape times, momentum, sharpness, flat basins.

The escape-time law carries the median of |Z| exactly, √2·erfinv(1/2) (solved
from P(|Z| ≤ z) = 1/2), not a rounded float.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder, prove_equal
from .moments import expectation
from .symbols import beta, eta, z
from .unrolling import unroll

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
# Φ⁻¹(3/4) = √2·erfinv(1/2) for the claim's mutants (the derivation keeps the exact form): the double nearest
# to it, printed with the fewest digits that read back (no digit count typed)
Z34 = sp.Float(repr(float((sp.sqrt(2) * sp.erfinv(sp.Rational(1, 2))).evalf(30))))
_E = sp.Function("E")  # expectation, printed E(·)


def growth_factor() -> sp.Expr:
    return 1 + eta * gamma


def noisy_scale() -> sp.Expr:
    """s with y_t ≈ (1 + ηγ)^t · s·Z, Z ~ N(0, 1), from y₀ = 0 under gradient noise σ (escape_time's variance step)."""
    variance = next(step for step in escape_time().steps if step.label == "Its variance")
    return sp.sqrt(sp.factor(variance.rhs))


@cache
def escape_time() -> Derivation:
    """Crossing time of |y| = r from the saddle: ln(r/y_eff)/ln(1 + ηγ), y_eff = δ (σ = 0) or s·z_¾ (δ = 0)."""
    d = DerivationBuilder()
    y = sp.Function("y")
    xs, ys = sp.symbols("x y", real=True)
    saddle = d.definition("Saddle", sp.Eq(sp.Function("f")(xs, ys), (a * xs**2 - gamma * ys**2) / 2),
                          "curvature a > 0 along x, −γ < 0 along y")
    second = [(xs, xs), (xs, ys), (ys, ys)]  # f_xx, f_xy, f_yy
    d.identity("Curvatures at the saddle",
               sp.Eq(sp.Tuple(*(sp.Derivative(saddle.lhs, u, v) for u, v in second)), sp.Tuple(a, 0, -gamma)),
               equals=sp.Tuple(*(sp.diff(saddle.rhs, u, v) for u, v in second)), uses=[saddle],
               justification="∂²f/∂x² = a > 0 and ∂²f/∂y² = −γ < 0 with no cross term: a strict saddle whose "
                             "coordinates move independently under GD")
    x = sp.Function("x")
    x_step = d.computed("GD on the x-coordinate", sp.Eq(x(t + 1), sp.collect(sp.expand(
        (xs - eta * sp.diff(saddle.rhs, xs)).subs(xs, x(t))), x(t))), [saddle], "x − η ∂f/∂x",
                        "x plays no part in the escape")
    # The factor per step from the recursion as typeset (its left side included), solved from x₀.
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    x_closed = sp.rsolve((x_step.lhs - x_step.rhs).subs(t, tt), x(tt), {x(0): sp.Symbol("x_0")})
    d.identity("x contracts by 1 − ηa", sp.Eq(sp.Symbol("q_x"), 1 - eta * a),
               equals=sp.simplify(x_closed.subs(tt, tt + 1) / x_closed), uses=[x_step],
               justification="x_(t+1)/x_t of the solution from x₀ (computed): |1 − ηa| < 1 for 0 < ηa < 2")
    gd = d.computed("GD on the y-coordinate", sp.Eq(y(t + 1), sp.factor(
        (ys - eta * sp.diff(saddle.rhs, ys)).subs(ys, y(t)))), [saddle], "y − η ∂f/∂y",
                    "the y-coordinate decouples from x")
    closed_form = sp.rsolve((gd.lhs - gd.rhs).subs(t, tt), y(tt), {y(0): delta}).subs(tt, t)
    closed = d.computed("Closed form", sp.Eq(y(t), closed_form), [gd], "rsolve from y₀ = δ")
    tau_det = sp.solve(sp.Eq(closed.rhs, r), t)[0]
    crossing = d.computed("Crossing time", sp.Eq(sp.Symbol("tau"), tau_det), [closed], "solve |y_t| = r for t",
                          "the first integer step with |y| ≥ r is ⌈τ⌉")
    yy, eps, ell = sp.symbols("y epsilon ell", positive=True)
    log_step = sp.series(sp.log(growth_factor() - eps * eta * yy**2), eps, 0, 2).removeO()
    first_order = sp.expand(log_step - sp.log(growth_factor())).subs(eps, 1)  # −ηy²/(1 + ηγ)
    integrand = sp.series(1 / (yy * (ell + eps * first_order)), eps, 0, 2).removeO().subs(eps, 1)
    integrated = sp.integrate(sp.expand(integrand), (yy, delta, r)).subs(ell, sp.log(growth_factor()))
    integrated = sp.expand_log(integrated, force=True)
    tau_expanded = sp.expand_log(crossing.rhs, force=True)
    corr = eta * (r**2 - delta**2) / (2 * growth_factor() * sp.log(growth_factor()) ** 2)
    d.identity("Quartic term y⁴/4", sp.Eq(sp.Symbol("tau_q"), sp.Symbol("tau") + corr),
               equals=sp.Symbol("tau") + sp.simplify(integrated - tau_expanded), uses=[crossing],
               justification="y₊ = y(1 + ηγ − ηy²): dt = d ln y/ln(1 + ηγ − ηy²), expanded to first order in "
                             "ηy²/(1 + ηγ) and integrated from δ to r (computed); relative to τ the correction is "
                             "O(r²/(γ ln(r/δ))), small for r ≪ √γ")
    xi = sp.IndexedBase("xi")
    kk = sp.Symbol("k", integer=True, positive=True)
    y_now = sp.Symbol("y_t")
    noisy = d.definition("With gradient noise σ from y₀ = 0",
                         sp.Eq(sp.Symbol("y_t+1"), growth_factor() * y_now - eta * sigma * xi[t + 1]),
                         "ξ_k independent standard normal")
    multiplier = noisy.rhs.coeff(y_now)
    kick = noisy.rhs - multiplier * y_now  # the noise entering at step t + 1
    unrolled = unroll(multiplier, lambda k_: kick.subs(t, k_ - 1), 0, kk, t)
    scaled = sp.Sum(sp.powsimp(sp.expand_power_base(unrolled.function / multiplier**t), force=True),
                    *unrolled.limits)
    rescaled = d.identity("Rescaled iterate", sp.Eq(y_now / multiplier**t, scaled), where={y_now: unrolled},
                          uses=[noisy], justification="unroll, divide by (1 + ηγ)^t (computed; the left side with y_t "
                                                      "unrolled): S_t converges to a Gaussian S as t → ∞")
    weight = rescaled.rhs.function.coeff(xi[kk]) ** 2  # Var of the k-th term (ξ_k independent, unit variance)
    ratio = sp.simplify(weight.subs(kk, kk + 1) / weight)  # (1 + ηγ)^(−2) < 1
    # S = s·Z with Z standard normal (the law the median below takes): the left side is Var(s·Z) from
    # Z's first two moments, and the s the crossing time uses must reproduce it from the right side.
    scale, zeta = sp.Symbol("s"), sp.Symbol("Z", real=True)
    standard = [{zeta: 0, zeta**2: 1}]
    var_of_s = expectation((scale * zeta) ** 2, standard) - expectation(scale * zeta, standard) ** 2
    var_step = d.computed("Its variance", sp.Eq(var_of_s, sp.simplify(sp.factor(weight.subs(kk, 1) / (1 - ratio)))),
                          [rescaled], "Σ_(k≥1) of the squared weights of ξ_k (independent, unit variance), "
                          "geometric summation with ratio (1 + ηγ)^(−2)")
    s_value = var_step.rhs ** sp.Rational(1, 2)
    d.confirm("Its variance", "s = √(right side) reproduces Var(s·Z)",
              prove_equal(var_step.lhs.subs(scale, s_value), var_step.rhs) is not None,
              f"s = {s_value} does not give Var(s·Z) = {var_step.rhs}")
    zz = sp.Symbol("z", positive=True)
    half = d.definition("Median of |Z|", sp.Eq(sp.erf(zz / sp.sqrt(2)), sp.Rational(1, 2)),
                        "P(|Z| ≤ z) = erf(z/√2) = 1/2 for Z standard normal")
    z_med = sp.solve(half.lhs - half.rhs, zz)[0]
    d.identity("Its value", sp.Eq(sp.Symbol("z_3/4"), Z34), equals=z_med, uses=[half],
               justification="√2·erfinv(1/2) = Φ⁻¹(3/4) in double precision (the rounded value the claim's mutants "
                             "use)")
    median = d.computed("Median of |S|", sp.Eq(sp.Symbol("m_S"), scale * z_med), [half, var_step],
                        "solve for z", "z = √2·erfinv(1/2) = Φ⁻¹(3/4) ≈ 0.674")
    result = crossing.rhs.subs(delta, delta + median.rhs.subs(scale, s_value))
    d.computed("Median crossing time", sp.Eq(sp.Symbol("tau_med"), result), [crossing, median, var_step],
               "subs δ → δ + s·√2·erfinv(1/2)",
               "τ is a decreasing function of |S| (|y_t| ≈ (1 + ηγ)^t|S| once (1 + ηγ)^(−t) ≪ 1), so its median "
               "is τ at the median of |S|; the expression covers σ = 0 (deterministic, y_eff = δ) and δ = 0 "
               "(noise only), the two cases measured")
    return d.finish("either σ = 0 or δ = 0", "r ≫ s (many steps before escape)", "ηγ > 0")


def stops_dead_seed() -> Derivation:
    """Seed 003's reading: GD without noise ends at the saddle, i.e. at distance √γ from the minima (0, ±√γ)."""
    d = DerivationBuilder()
    y0 = sp.Symbol("y_0", real=True)
    xs, ys = sp.symbols("x y", real=True)
    f = d.definition("The bounded saddle", sp.Eq(sp.Symbol("f"), a * xs**2 / 2 - gamma * ys**2 / 2 + ys**4 / 4),
                     "saddle at the origin")
    critical = sp.solve([sp.diff(f.rhs, xs), sp.diff(f.rhs, ys)], [xs, ys], dict=True)
    minima = [pt for pt in critical if sp.diff(f.rhs, ys, 2).subs(pt).is_positive]
    points = sp.FiniteSet(*[sp.Tuple(pt[xs], pt[ys]) for pt in minima])
    mins = d.computed("Minima", sp.Contains(sp.Tuple(sp.Symbol("x_min"), sp.Symbol("y_min")), points, evaluate=False),
                      [f], "solve ∇f = 0, keep f_yy > 0", "the origin has f_yy = −γ < 0: a saddle")
    end = (sp.Symbol("x_oo"), sp.Symbol("y_oo"))
    (flat_spot,) = [pt for pt in critical if pt not in minima]  # the saddle, solved: the critical point left
    reading = d.definition("Seed 003", sp.And(sp.Eq(end[0], flat_spot[xs]), sp.Eq(end[1], flat_spot[ys])),
                           "'A basic optimizer without noise stops dead in its tracks when it hits this flat spot': "
                           "GD ends at the saddle")
    limit_point = [reading_eq.rhs for reading_eq in sorted(reading.expr.args, key=lambda eq: str(eq.lhs))]

    def nearest(point) -> sp.Expr:
        """Distance from ``point`` to the nearest minimum (the start's d₀ and the seed's limit alike)."""
        return sp.Min(*[sp.sqrt(sum((u - v) ** 2 for u, v in zip(point, pt))) for pt in points])

    d.definition("Start", sp.Eq(sp.Symbol("d_0", positive=True), nearest(sp.symbols("x_0 y_0", real=True))),
                 "d_t: distance of the iterate to the nearest minimum; the start (x₀, y₀) is off the stable manifold")
    d.computed("The seed's prediction", sp.Eq(sp.Symbol("d_oo"), nearest(limit_point)), [mins, reading],
               "distance from the saddle to the nearest minimum",
               "d_t: distance of the iterate to the nearest minimum; the seed's limit is √γ whatever d₀")
    yt = sp.Function("y")
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    linear = sp.diff(f.rhs, ys).subs(ys, 0) + sp.diff(f.rhs, ys, 2).subs(ys, 0) * ys
    grow = sp.rsolve(yt(tt + 1) - (ys - eta * linear).subs(ys, yt(tt)), yt(tt), {yt(0): y0})
    d.identity("What GD does", sp.Eq(sp.Symbol("y_t"), y0 * (1 + eta * gamma) ** t), equals=grow.subs(tt, t), uses=[f],
               justification="linearise ∂f/∂y at 0 and solve the recursion (computed): near the saddle |y| grows by "
                             "1 + ηγ per step from any y₀ ≠ 0; only y₀ = 0 (the stable manifold, measure zero) "
                             "stays on it")
    curvature = d.computed("Curvature at the minima", sp.Eq(sp.Symbol("f_yy"), sp.diff(f.rhs, ys, 2).subs(
        {ys: points.args[0][1]})), [f, mins], "diff twice, subs y = ±√γ")
    u = sp.Symbol("u", positive=True)
    attract = d.inequality("The minima attract", sp.Lt(sp.Abs(1 - eta * curvature.rhs), 1), uses=[curvature],
                           subs={eta: u / gamma}, ranges={u: (0, 1)}, justification="|1 − 2ηγ| < 1 for 0 < ηγ < 1")
    holds_for = sp.solveset(attract.expr.subs(eta, u / gamma), u, sp.Interval.open(0, sp.oo))
    d.confirm("The minima attract", "it holds for exactly these steps, 0 < ηγ < 1 (solved for ηγ)",
              holds_for == sp.Interval.open(0, 1), f"it holds for ηγ in {holds_for}, not exactly 0 < ηγ < 1")
    at_a_minimum = sp.Min(*[sp.sqrt(sum((u - v) ** 2 for u, v in zip(points.args[0], pt))) for pt in points])
    d.cited("Where it ends", sp.Eq(sp.Symbol("d_oo"), at_a_minimum),  # the distance computed, the convergence cited
            "Lee, Simchowitz, Jordan & Recht (2016), Gradient descent only converges to minimizers, Thm 4",
            "from almost every start GD with a small enough step converges to a minimum, not to the saddle: "
            "d_∞ = 0 ≠ √γ, whatever d₀")
    return d.finish("0 < ηa < 2", "0 < ηγ < 1", result="The seed's prediction")


def momentum_growth() -> Derivation:
    """Heavy ball's growth factor along negative curvature −γ: the largest root of z² − (1 + β + ηγ)z + β."""
    d = DerivationBuilder()
    h = sp.Symbol("h", positive=True)  # ηγ
    y = sp.Function("y")
    rec = d.definition("Heavy ball on −½γy²", sp.Eq(y(t + 1), y(t) + h * y(t) + beta * (y(t) - y(t - 1))),
                       "sum form v ← βv + g, y ← y − ηv with g = −γy; h = ηγ")
    trial = (rec.lhs - rec.rhs).subs({y(t + 1): z ** (t + 1), y(t): z**t, y(t - 1): z ** (t - 1)})
    poly = sp.expand(sp.powsimp(sp.expand(trial / z ** (t - 1)), force=True))
    char = d.computed("Characteristic polynomial", sp.Eq(sp.Function("p")(z), sp.collect(poly, z)), [rec],
                      "subs y_t = z^t, divide by z^(t−1)")
    roots = sp.solve(char.rhs, z)
    z_plus = max(roots, key=lambda e: e.subs({beta: sp.Rational(1, 2), h: sp.Rational(1, 10)}))
    largest = d.computed("Largest root", sp.Eq(sp.Symbol("z_+"), z_plus), [char], "solve (quadratic formula)")
    gd_factor = 1 + h
    d.identity("p at GD's factor", sp.Eq(sp.Function("p")(gd_factor), -beta * h), equals=char.rhs.subs(z, gd_factor),
               uses=[char], justification="subs z = 1 + h (computed): p(1 + h) = −βh < 0 for β > 0: 1 + h lies strictly between the roots")
    # for every β > 0, not only the claim's β < 1: p(1 + h) = −βh < 0 puts 1 + h below the larger root
    d.inequality("Momentum escapes faster", sp.Gt(largest.rhs, gd_factor), uses=[largest],
                 subs={beta: sp.Symbol("beta", positive=True)}, justification="z₊ > 1 + ηγ for every β > 0")
    d.computed("Growth factor", sp.Eq(sp.Symbol("z_+"), largest.rhs.subs(h, eta * gamma)), [largest], "subs h = ηγ")
    return d.finish("0 ≤ β < 1", "ηγ > 0", "sum form (PyTorch SGD momentum)")


def sharpness_limit() -> Derivation:
    """The sharpest minimum GD with step η can converge to has curvature 2/η."""
    d = DerivationBuilder()
    e = sp.Function("e")
    ee, xi = sp.symbols("e xi_t", real=True)
    model = d.definition("A minimum of curvature a", sp.Eq(sp.Symbol("f"), a * ee**2 / 2),
                         "e = x − x*, to second order")
    step = sp.expand(ee - eta * sp.diff(model.rhs, ee))
    lin = d.computed("Linearised at the minimum", sp.Eq(e(t + 1), sp.factor(step).subs(ee, e(t))), [model],
                     "e − η f'(e)")
    # The factor per step from the recursion as typeset (both of its sides), solved from e₀.
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    solution = sp.rsolve((lin.lhs - lin.rhs).subs(t, tt), e(tt), {e(0): sp.Symbol("e_0")})
    per_step = sp.simplify(solution.subs(tt, tt + 1) / solution)
    region = sp.solve_univariate_inequality(sp.Abs(per_step) < 1, a, relational=False)
    stable = d.computed("Linear stability", sp.Contains(a, region, evaluate=False), [lin], "solve |1 − ηa| < 1 for a",
                        "for |1 − ηa| > 1 the minimum repels nearby iterates, so GD cannot converge to it "
                        "(except from a measure-zero set of starts)")
    mean = expectation(step - eta * xi, [{ee: sp.Symbol("E_e")}, {xi: 0}])
    d.identity("Mean of SGD with unbiased noise", sp.Eq(sp.Symbol("E_e_+"), (1 - eta * a) * sp.Symbol("E_e")),
               equals=mean, uses=[model],
               justification="expectation of e − η(f'(e) + ξ), E ξ = 0 (computed): on a quadratic the expectation follows the same recursion")
    d.computed("Sharpest stable curvature", sp.Eq(sp.Symbol("a_max"), region.sup), [stable], "supremum")
    return d.finish("a > 0", "η > 0")


def flat_occupancy() -> Derivation:
    """Time ratio flat/sharp basin of small-η SGD in an equal-depth double well: √(a_s/a_f)."""
    d = DerivationBuilder()
    x = sp.Symbol("x", real=True)
    f0 = sp.Symbol("f_0", real=True)
    fx = sp.Function("f")(x)
    gibbs = d.cited("Stationary density", sp.Eq(sp.Symbol("p(x)"), sp.exp(-fx / T) / sp.Symbol("Z")),
                    "Gibbs invariant density of overdamped Langevin dynamics (Pavliotis 2014, Stochastic Processes "
                    "and Applications, §4.5)",
                    "SGD x₊ = x − η(f'(x) + σξ) is the Euler–Maruyama step of Langevin dynamics at temperature "
                    "T = ησ²/2; its invariant density is Gibbs up to O(ηa) (the discrete chain has local variance "
                    "ησ²/(a(2 − ηa)) instead of T/a)")
    density = sp.Function("p")(x)
    d.identity("Stationary for Langevin dynamics at temperature T",
               sp.Eq(sp.Derivative(sp.diff(fx, x) * density, x) + T * sp.Derivative(density, (x, 2)), 0),
               where={density: gibbs.rhs}, uses=[gibbs],
               justification="dX = −f'(X)dt + √(2T)dW: the stationary Fokker–Planck equation holds for the cited "
                             "density (computed), whatever f")
    # The cited density is normalised by Z = ∫ e^(−f/T) dx: at a quadratic f it integrates to 1.
    quadratic = {fx: a * x**2 / 2}  # a basin's quadratic model, minimum 0 (f₀ added below)
    d.confirm("Laplace approximation of a basin", "the basin's quadratic has its minimum at 0 with curvature a",
              sp.diff(quadratic[fx], x).subs(x, 0) == 0 and sp.diff(quadratic[fx], x, 2) == a,
              f"the quadratic {quadratic[fx]} has not curvature a at a minimum at 0")
    normaliser = sp.integrate(sp.exp(-quadratic[fx] / T), (x, -sp.oo, sp.oo))
    total = sp.simplify(sp.integrate(gibbs.rhs.subs(quadratic).subs(sp.Symbol("Z"), normaliser), (x, -sp.oo, sp.oo)))
    d.confirm("Laplace approximation of a basin", "the cited density, with Z = ∫ e^(−f/T) dx, integrates to 1 "
              "(at f = ax²/2)", total == 1, f"the cited density with Z = ∫ e^(−f/T) dx integrates to {total}, not 1")
    mass = sp.integrate(gibbs.rhs.subs(fx, f0 + quadratic[fx]), (x, -sp.oo, sp.oo))
    laplace = d.computed("Laplace approximation of a basin", sp.Eq(sp.Symbol("P_basin"), sp.simplify(mass)), [gibbs],
                         "integrate e^(−(f₀ + ax²/2)/T)/Z over the line",
                         "f ≈ f₀ + a(x − x*)²/2 inside the basin; valid for T much below the barrier")
    p_f, p_s = sp.symbols("P_f P_s")
    basins = {p_f: laplace.rhs.subs(a, a_f), p_s: laplace.rhs.subs(a, a_s)}
    ratio = d.computed("Equal depths", sp.Eq(p_f / p_s, sp.simplify(basins[p_f] / basins[p_s])),
                       [laplace], "ratio at a = a_f, a_s", "the e^(−f₀/T) factors cancel", where=basins)
    u = sp.Symbol("u", real=True)
    h = D * (u**2 - 1) ** 2
    well = d.definition("The suite's double well", sp.Eq(sp.Symbol("f(x)"), sp.Piecewise((h.subs(u, x / w_f), x < 0),
                                                                                      (h.subs(u, x / w_s), True))),
                        "equal depths 0 at x = −w_f, +w_s; barrier D at 0; C¹ at the barrier")
    left, right = well.rhs.args[0].expr, well.rhs.args[1].expr
    value, slope = sp.Function("f"), sp.Function("f_prime")  # f_prime prints as f'
    barrier = well.rhs.args[0].cond.rhs  # where the definition switches pieces (x < barrier)
    slope_at_barrier = sp.diff(left, x).subs(x, barrier)
    d.confirm("Minima, barrier, slopes", "the two pieces meet with equal values and slopes at the switch",
              sp.simplify(slope_at_barrier - sp.diff(right, x).subs(x, barrier)) == 0
              and sp.simplify(left.subs(x, barrier) - right.subs(x, barrier)) == 0,
              "the two pieces' values or slopes differ at the switch")
    # The points shown are the points checked, and the minima are evaluated on the whole definition
    # (each must lie in the piece whose zero it is).
    minima = (-w_f, w_s)
    d.identity("Minima, barrier, slopes", sp.Eq(
        sp.Tuple(*(value(m) for m in minima), value(barrier), *(slope(m) for m in minima), slope(barrier)),
        sp.Tuple(0, 0, D, 0, 0, 0)),
        equals=sp.Tuple(*(well.rhs.subs(x, m) for m in minima), right.subs(x, barrier),
                        *(sp.diff(well.rhs, x).subs(x, m) for m in minima), slope_at_barrier),
        uses=[well], justification="the two minima at equal depth 0, the barrier D at 0, flat there; both pieces "
                                   "have slope 0 at the barrier (C¹) (computed)")
    curv_f = sp.diff(left, x, 2).subs(x, -w_f)
    curv_s = sp.diff(right, x, 2).subs(x, w_s)
    curv = d.computed("Its curvatures", sp.And(sp.Eq(a_f, curv_f), sp.Eq(a_s, curv_s)), [well], "diff twice",
                      "h''(±1) = 8")
    v = sp.Symbol("v", real=True)

    def rescaled(integrand, scale):
        """∫ integrand dx over the half line of x = scale·v, v ≥ 0: |scale|·∫_0^∞ integrand(scale·v) dv."""
        return sp.Abs(scale) * sp.Integral(integrand.subs(x, scale * v), (v, 0, sp.oo))

    halves = [rescaled(sp.exp(-left / T), -w_f), rescaled(sp.exp(-right / T), w_s)]
    exact = d.computed("Exact Gibbs ratio for this well", sp.Eq(p_f / p_s, halves[0] / halves[1]), [gibbs, well],
                       "substitute x = −w_f v and x = w_s v in the two halves",
                       "both halves become w·∫₀^∞ e^(−D h(v)/T) dv, so the Gibbs ratio is w_f/w_s at every "
                       "temperature: only the discretisation (small ηa_s) limits the law",
                       where=dict(zip((p_f, p_s), halves)))
    at_curvatures = {a_f: curv_f, a_s: curv_s}
    d.identity("Laplace ratio for this well", sp.Eq(p_f / p_s, exact.rhs),
               equals=ratio.rhs.subs(at_curvatures), uses=[ratio, curv],
               where={name: basin.subs(at_curvatures) for name, basin in basins.items()},
               justification="√(a_s/a_f) = w_f/w_s with the curvatures above: the Laplace law is exact here")
    return d.finish("equal depths", "ηa_s ≪ 1 (small step)", "T well below the barrier for a generic well",
                    result=ratio)
