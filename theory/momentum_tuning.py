"""Derivations for heavy-ball momentum: window weights, Polyak's tuning, valley modes.

Sum form throughout (v ← βv + g, θ ← θ − ηv) unless a function says otherwise.
"""

from __future__ import annotations

from functools import cache, lru_cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, beta, eta, h, k, kappa, lam, mu, t, z
from .unrolling import unroll

_b = sp.Symbol("beta", positive=True)  # 0 < β < 1 where geometric limits are taken
j = sp.Symbol("j", integer=True, nonnegative=True)


def _geometric(expr_sum: sp.Sum) -> sp.Expr:
    """Closed form of a geometric Sum, keeping the |β| < 1 branch."""
    closed = sp.piecewise_fold(expr_sum.doit())
    if isinstance(closed, sp.Piecewise):
        closed = next(e for e, c in closed.args if c == sp.true or not c.has(sp.Eq))
    return sp.simplify(closed)


def window() -> Derivation:
    """Share of the sum-form velocity's weight carried by the last k gradients: 1 − β^k."""
    d = DerivationBuilder()
    g = sp.Function("g")
    # vₜ = βvₜ₋₁ + gₜ from v₋₁ = 0, unrolled: with x_n = v_(n−1), x₀ = 0 and step n adds g(n − 1)
    index, n_ = sp.Symbol("i", integer=True, positive=True), sp.Symbol("n", integer=True, positive=True)
    recursion = unroll(_b, lambda step: g(step - 1), 0, index, n_).subs(n_, t + 1)
    unrolled = d.identity("Unrolled velocity", sp.Eq(sp.Symbol("v_t"), sp.Sum(_b**j * g(t - j), (j, 0, t))),
                          equals=recursion, instances={t: range(4)},
                          justification="vₜ = βvₜ₋₁ + gₜ, v₋₁ = 0: the gradient j steps back has weight βʲ "
                                        "(the recursion unrolled, checked for t = 0, …, 3)")
    weight = unrolled.rhs.function / g(t - j)
    partial = sp.Sum(weight, *unrolled.rhs.limits)  # the checked sum's range: the typed sum is the summed one
    total = sp.limit(_geometric(partial).subs(_b**(t + 1), 0), t, sp.oo)
    whole = d.computed("Total weight (t → ∞)", sp.Eq(partial.subs(t, sp.oo), total), uses=[unrolled],
                       how="summation, βᵗ → 0", justification="geometric series, 0 < β < 1")
    last_k = sp.Sum(weight, (j, 0, k - 1))  # one range for both sides
    last = d.computed("Weight of the last k gradients", sp.Eq(last_k, _geometric(last_k)),
                      uses=[unrolled], how="summation", justification="finite geometric sum")
    share = d.computed("Share of the last k", sp.Eq(sp.Symbol("s_k"), sp.simplify(last.rhs / whole.rhs).subs(_b, beta)),
                       uses=[whole, last], how="ratio of the two sums")
    lag = d.computed("Mean lag", sp.Eq(sp.Symbol("lag"), sp.simplify(_geometric(sp.Sum(j * weight, (j, 0, sp.oo))) / whole.rhs)),
                     uses=[unrolled, whole], how="summation", justification="Σ j βʲ / Σ βʲ")
    b9 = sp.Rational(9, 10)
    d.identity("β = 0.9, k = 10", sp.Eq(sp.Tuple(sp.Symbol("s_10"), sp.Symbol("lag")), sp.Tuple(sp.Float(0.6513, 4), 9)),
               equals=sp.Tuple(share.rhs.subs({beta: b9, k: 10}), lag.rhs.subs(_b, b9)), uses=[share, lag],
               justification="'roughly the last 10' is a mean lag of 9 steps, not a window: "
                             "the last 10 gradients carry 65 % of the weight")
    return d.finish("0 < β < 1", "sum form (the EMA form has the same shares)", result=share)


def is_average_seed() -> Derivation:
    """Seed 004's reading: v (sum form) is a weighted average — its weights sum to 1."""
    d = DerivationBuilder()
    g = sp.Function("g")
    quoted = d.definition("Seed 004's expansion", sp.Eq(sp.Symbol("v_t+1"), sp.Sum(_b ** (t - k) * g(k), (k, 0, t))),
                          "quoted from the seed")
    direct, velocity = [], sp.Integer(0)  # v₀ = 0, v_(k+1) = βv_k + g(k)
    for step in range(4):
        velocity = _b * velocity + g(step)
        direct.append(sp.expand(velocity))
    d.identity("The expansion is right", sp.Eq(sp.Tuple(*sp.symbols("v_1:5")), sp.Tuple(*direct)),
               equals=sp.Tuple(*[quoted.rhs.subs(t, n_).doit() for n_ in range(4)]), uses=[quoted],
               justification="the recursion v ← βv + g iterated from v₀ = 0 (computed) agrees with it for t ≤ 3")
    # The weights summed are those of the checked expansion: over its own range of k.
    signal, w = sp.Symbol("c", positive=True), sp.IndexedBase("w")
    weights = sp.Sum(w[k], *quoted.rhs.limits)
    average = d.definition("'an exponentially weighted moving average'",
                           sp.Eq(sp.Sum(w[k] * signal, *quoted.rhs.limits), signal),
                           "an average of a constant signal c is c (definition of an average); seed 000 adds that v "
                           "is Adam's first moment m")
    total = sp.solve(sp.Eq(sp.factor_terms(average.lhs).subs(weights, sp.Symbol("W")), average.rhs), sp.Symbol("W"))
    d.computed("Claimed total weight", sp.Eq(sp.Symbol("W"), total[0]), uses=[average],
               how="take c out of the sum, solve for W, the sum of the weights")
    return d.finish("sum form v ← βv + g", "0 < β < 1")


@lru_cache(maxsize=1)
def _gd_best_rate() -> sp.Expr:
    """Best GD rate on [μ, L] from gd.quadratic-rate's derivation (κ = L/μ)."""
    from .gd import quadratic_rate

    return next(s for s in quadratic_rate().steps if s.label == "Best rate").rhs


@cache  # momentum.polyak-global-seed reads its result
def polyak_rate() -> Derivation:
    """Polyak's tuning: min over (η, β) of the worst root modulus on [μ, L] is (√κ − 1)/(√κ + 1)."""
    d = DerivationBuilder()
    x_t, x_prev = sp.Symbol("x_t"), sp.Symbol("x_t-1")
    model = d.definition("Heavy ball on the eigen-direction λ", sp.Eq(sp.Symbol("x_+"), x_t - eta * lam * x_t + _b * (x_t - x_prev)),
                         "sum form, eliminating v")
    poly = d.identity("Characteristic polynomial", sp.Eq(sp.Function("p")(z), z**2 - (1 + _b - eta * lam) * z + _b),
                      equals=sp.expand(z**2 - model.rhs.subs({x_t: z, x_prev: 1})), uses=[model],
                      justification="xₜ = zᵗ solves the recursion")
    z1, z2 = sp.symbols("z_1 z_2")
    d.identity("Product of the roots", sp.Eq(z1 * z2, sp.Poly(poly.rhs, z).coeff_monomial(1)),
               where=dict(zip((z1, z2), sp.solve(poly.rhs, z))), uses=[poly],
               justification="Vieta (the roots' product, computed from the two roots): so max|z| ≥ √β for every λ, "
                             "with equality iff the roots are complex or double")
    disc = d.computed("Discriminant", sp.Eq(sp.Symbol("D"), sp.factor(sp.discriminant(poly.rhs, z))), uses=[poly],
                      how="discriminant", justification="D ≤ 0 ⇔ complex roots of modulus √β")
    s = sp.Symbol("s", positive=True)  # √β
    lo, hi = sorted(sp.solve(sp.Eq(disc.rhs.subs(_b, s**2), 0), lam), key=lambda e: e.subs({s: sp.Rational(1, 2), eta: 1}))
    d.computed("Complex band of curvatures", sp.And(sp.Le(lo, lam), sp.Le(lam, hi)), uses=[disc], how="solve D = 0 for λ",
               justification="D ≤ 0 between the roots of D in λ (s = √β)")
    sol = sp.solve([sp.Eq(lo, mu), sp.Eq(hi, L)], [eta, s], dict=True)
    sol = [x for x in sol if 0 < x[s].subs({mu: 1, L: 4}) < 1][0]
    d.identity("Smallest √β whose band covers [μ, L]", sp.Eq(sp.Symbol("eta_star"), 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2),
               equals=sol[eta], uses=["Complex band of curvatures"],
               justification="min-max: shrinking √β shrinks the band, so the optimum puts μ and L on its edges")
    rate = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    root = sp.simplify(sol[s].subs(L, kappa * mu))
    d.identity("β* = (√β*)²", sp.Eq(sp.Symbol("beta_star"), rate**2), equals=root**2,
               uses=["Complex band of curvatures"], justification="with L = κμ")
    d.identity("Rate", sp.Eq(sp.Symbol("rho_star"), rate), equals=root, uses=["Complex band of curvatures"],
               justification="every mode has modulus √β* (double roots at μ and L)")
    gd_rate = d.identity("Against GD", sp.Eq(sp.Symbol("rho_GD"), (kappa - 1) / (kappa + 1)), equals=_gd_best_rate(),
                         justification="best GD rate (gd.quadratic-rate)")
    # The limits are taken of the left side as typeset, with N = −1/log ρ put in (so it is checked too).
    per_fold = sp.Tuple(sp.Symbol("N_HB") / sp.sqrt(kappa), sp.Symbol("N_GD") / kappa)
    e_folds = {sp.Symbol("N_HB"): -1 / sp.log(rate), sp.Symbol("N_GD"): -1 / sp.log(gd_rate.rhs)}
    d.identity("Iterations per e-fold", sp.Eq(per_fold, sp.Tuple(sp.S.Half, sp.S.Half)),
               equals=sp.Tuple(*[sp.limit(side.subs(e_folds), kappa, sp.oo) for side in per_fold]),
               uses=["Rate", gd_rate],
               justification="−1/log ρ as κ → ∞: √κ/2 for heavy ball, κ/2 for GD")
    return d.finish("f = ½xᵀAx, spectrum in [μ, L]", "κ = L/μ > 1", "sum form", result="Rate")


def polyak_global_seed() -> Derivation:
    """The seed-style reading: Polyak's tuning contracts at its quadratic rate on every smooth strongly convex f."""
    d = DerivationBuilder()
    # The rate as momentum.polyak-rate derives it (the root modulus of the characteristic polynomial at the
    # tuning), not retyped here.
    rate = d.definition("Quadratic rate of Polyak's tuning", sp.Eq(sp.Symbol("rho_star"), polyak_rate().result),
                        "momentum.polyak-rate")
    claimed = d.computed("Claimed decay exponent", sp.Eq(sp.Symbol("gamma"), sp.simplify(-sp.log(rate.rhs))),
                         uses=[rate], how="−log ρ",
                         justification="'converges on every L-smooth μ-strongly convex f' read with its rate: "
                                       "‖zₜ‖ ≤ Cρᵗ, i.e. −(1/t) log‖zₜ‖ → −log ρ > 0")
    d.inequality("A decay", sp.Gt(claimed.rhs, 0), uses=[claimed], ranges={kappa: (1, 10**6)},
                 justification="0 < ρ < 1 for κ > 1: the claimed exponent is a rate of convergence, not of growth")
    return d.finish("f L-smooth, μ-strongly convex", "κ = L/μ", result=claimed)


def _chebyshev_u(n: sp.Expr, c: sp.Expr) -> sp.Expr:
    """U_n(c) in real closed form on the three ranges of c."""
    theta_ = sp.acos(c)
    phi_pos = sp.acosh(c)
    phi_neg = sp.acosh(-c)
    return sp.Piecewise(
        (sp.sin((n + 1) * theta_) / sp.sin(theta_), sp.And(c > -1, c < 1)),
        (sp.sinh((n + 1) * phi_pos) / sp.sinh(phi_pos), c > 1),
        ((-1) ** n * sp.sinh((n + 1) * phi_neg) / sp.sinh(phi_neg), c < -1),
    )


def valley() -> Derivation:
    """Per-direction error of heavy ball (sum form, v₀ = 0) on curvature λ: e_t/e₀ in closed form."""
    d = DerivationBuilder()
    e, f = sp.Function("e"), sp.Function("f")
    rec = d.definition("Mode recursion", sp.Eq(e(t + 1), (1 + _b - h) * e(t) - _b * e(t - 1)),
                       "eliminate v from v₊ = βv + λe, e₊ = e − ηv; h = ηλ")
    start = d.definition("Initial conditions", sp.And(sp.Eq(e(0), 1), sp.Eq(e(1), 1 - h)),
                         "v₀ = 0 makes the first step plain GD")
    c_sym = sp.Symbol("c")
    c = (1 + _b - h) / (2 * sp.sqrt(_b))
    scaled = {e(n): _b ** (n / 2) * f(n) for n in (t + 1, t, t - 1)}
    unknown = f(t + 1)
    chebyshev = sp.Eq(unknown, sp.solve((rec.lhs - rec.rhs).subs(scaled), unknown)[0])  # both sides compared
    d.identity("Scaling eₜ = βᵗᐟ² fₜ", sp.Eq(f(t + 1), 2 * c_sym * f(t) - f(t - 1)), equals=chebyshev, uses=[rec],
               where={c_sym: c}, justification="the Chebyshev recursion, with c = (1 + β − h)/(2√β)")
    A, B = sp.symbols("A B")
    U = sp.chebyshevu
    # f_t = A U_t(c) + B U_{t−1}(c) with U_{−1} = 0, U_0 = 1, U_1 = 2c, matched to e₀ and e₁/√β.
    e0, e1 = (cond.rhs for cond in start.expr.args if cond.lhs == e(0)), (cond.rhs for cond in start.expr.args if cond.lhs == e(1))
    sol = sp.solve([sp.Eq(A * U(0, c) + B * 0, next(e0)), sp.Eq(A * U(1, c) + B * U(0, c), next(e1) / sp.sqrt(_b))], [A, B])
    b_coefficient = sp.simplify(sol[B])  # simplified once: shown here and put in the closed form
    coefficients = d.computed("Coefficients from e₀, e₁", sp.And(sp.Eq(A, sol[A]), sp.Eq(B, b_coefficient)),
                              uses=[start], how="solve", justification="U₋₁ = 0, U₀ = 1, U₁ = 2c")
    closed = d.computed("Closed form", sp.Eq(e(t), _b ** (t / 2) * (sol[A] * U(t, c_sym) + b_coefficient * U(t - 1, c_sym))),
                        uses=[coefficients], how="subs", justification="Chebyshev polynomials of the second kind")
    seq = [sp.Integer(1), 1 - h]
    for _ in range(4):
        seq.append(sp.expand(rec.rhs.subs({e(t): seq[-1], e(t - 1): seq[-2]})))
    at = {n: closed.rhs.subs(t, n).subs(c_sym, c) for n in range(6)}
    # Every step is checked; the last is shown, its index and value read off the list together.
    *earlier, (last, value) = enumerate(seq)
    # an expansion that is already 0 needs no simplify (simplify(0) is 0: the same outcome)
    differs = [n for n, value_n in earlier if (gap := sp.expand(at[n] - value_n)) != 0 and sp.simplify(gap) != 0]
    checked = [n for n, _ in earlier]  # the indices named in the text are the ones compared
    d.confirm("Check", f"equal to the recursion at t = {min(checked)}, …, {max(checked)}",
              len(at) == len(seq) and not differs,
              f"closed form differs from the recursion at t = {differs[0]}" if differs else
              f"{len(seq)} steps of the recursion, {len(at)} of the closed form")
    d.identity("Check", sp.Eq(e(last), sp.factor(value)), equals=at[last], uses=[rec, closed],
               justification=f"the closed form reproduces the recursion (verified for t ≤ {last})")
    n_ = sp.Symbol("n", integer=True)
    real = _chebyshev_u(n_, c_sym)
    cases = [cond.as_set() for _, cond in real.args]
    overlaps = [sp.Intersection(x_, y_) for i_, x_ in enumerate(cases) for y_ in cases[i_ + 1:]]
    U_ = sp.Function("U")
    theta_, phi_ = sp.Symbol("theta", positive=True), sp.Symbol("phi", positive=True)
    angles = [(sp.acos(c_sym), theta_, sp.cos(theta_), "|c| < 1, c = cos θ", "sin((n + 1)θ)/sin θ"),
              (sp.acosh(c_sym), phi_, sp.cosh(phi_), "c > 1, c = cosh φ", "sinh((n + 1)φ)/sinh φ"),
              (sp.acosh(-c_sym), phi_, -sp.cosh(phi_), "c < −1, c = −cosh φ", "(−1)ⁿ sinh((n + 1)φ)/sinh φ")]
    # shown with the step that uses the real form (a label, not an index into the cases)
    d.confirm("In terms of η and λ", "the real form's three cases partition c ≠ ±1",
              sp.Union(*cases) == sp.Complement(sp.Reals, sp.FiniteSet(-1, 1))
              and all(o == sp.S.EmptySet for o in overlaps), f"the cases {cases} do not partition c ≠ ±1")
    def chebyshev_recursion(u, c_):  # U_(n+1) − 2cU_n + U_(n−1) for a sequence u(m)
        return u(n_ + 1) - 2 * c_ * u(n_) + u(n_ - 1)

    def chebyshev_starts(u):  # U₀, U₁ for a sequence u(m)
        return u(0), u(1)

    def chebyshev_conditions(u, c_):  # the recursion, U₀, U₁: what is typed below, each part computed as checked
        return chebyshev_recursion(u, c_), *chebyshev_starts(u)

    for (branch, _), (inverse, angle, c_of, where, shown) in zip(real.args, angles):
        in_angle = branch.subs(inverse, angle).subs(c_sym, c_of)
        recursion = chebyshev_recursion(lambda m, f=in_angle: f.subs(n_, m), c_of)
        residual = sp.expand(sp.powsimp(sp.expand(recursion.rewrite(sp.exp)), force=True))
        # only U₀ and U₁ of the real form are needed here (its recursion is the residual above)
        starts = chebyshev_starts(lambda m, f=branch: sp.simplify(sp.expand_trig(f.subs(n_, m))))
        d.identity(f"Real form of Uₙ, {where}",
                   sp.Eq(sp.Tuple(*chebyshev_conditions(U_, c_sym)), sp.Tuple(0, 1, 2 * c_sym)),
                   equals=sp.Tuple(residual, *starts), uses=[closed],
                   justification=f"{shown} satisfies the Chebyshev recursion and U₀ = 1, U₁ = 2c "
                                 "(computed), so it is Uₙ(c) (Mason & Handscomb 2003, eq. (1.5)): damped oscillation "
                                 "of modulus √β for |c| < 1 (steep walls); overdamped for c > 1, slow mode "
                                 "1 − h/(1 − β) + O(h²) (flat floor, the 1/(1 − β) speed-up)")
    result = closed.rhs.replace(lambda x: isinstance(x, sp.chebyshevu), lambda x: _chebyshev_u(x.args[0], c_sym))
    d.computed("In terms of η and λ", sp.Eq(e(t), result.subs(c_sym, c.subs(h, eta * lam)).subs(_b, beta)),
               uses=[closed, "Real form of Uₙ, |c| < 1, c = cos θ"], how="subs c, h = ηλ; real form of Uₜ")
    return d.finish("0 < β < 1", "sum form, v₀ = 0, e₀ = 1", "h = ηλ")
