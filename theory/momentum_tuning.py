"""Derivations for heavy-ball momentum: window weights, Polyak's tuning, valley modes.

Sum form throughout (v ← βv + g, θ ← θ − ηv) unless a function says otherwise.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, beta, eta, h, k, kappa, lam, mu, t, z

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
    d.step("Unrolled velocity", sp.Eq(sp.Symbol("v_t"), sp.Sum(_b**j * g(t - j), (j, 0, t))),
           "v_t = βv_{t−1} + g_t, v_{−1} = 0: the gradient j steps back has weight β^j")
    total = sp.limit(_geometric(sp.Sum(_b**j, (j, 0, t))).subs(_b**(t + 1), 0), t, sp.oo)
    d.step("Total weight (t → ∞)", sp.Eq(sp.Sum(_b**j, (j, 0, sp.oo)), total), "geometric series, 0 < β < 1")
    last_k = _geometric(sp.Sum(_b**j, (j, 0, k - 1)))
    d.step("Weight of the last k gradients", sp.Eq(sp.Sum(_b**j, (j, 0, k - 1)), last_k), "finite geometric sum")
    share = sp.simplify(last_k / total)
    d.step("Share of the last k", sp.Eq(sp.Symbol("s_k"), share), "ratio of the two sums")
    lag = sp.simplify(sp.Sum(j * _b**j, (j, 0, sp.oo)).doit().args[0][0] / total) \
        if isinstance(sp.Sum(j * _b**j, (j, 0, sp.oo)).doit(), sp.Piecewise) else \
        sp.simplify(sp.Sum(j * _b**j, (j, 0, sp.oo)).doit() / total)
    d.step("Mean lag", sp.Eq(sp.Symbol("lag"), lag), "Σ j β^j / Σ β^j")
    b9 = sp.Rational(9, 10)
    d.step("β = 0.9, k = 10", sp.Eq(sp.Symbol("s_10"), sp.Float(share.subs({_b: b9, k: 10}), 4)),
           f"mean lag {lag.subs(_b, b9)} steps: 'roughly the last 10' is a mean lag, not a window")
    return d.finish(share.subs(_b, beta), "0 < β < 1", "sum form (the EMA form has the same shares)")


def is_average_seed() -> Derivation:
    """Seed 004's reading: v (sum form) is a weighted average — its weights sum to 1."""
    d = DerivationBuilder()
    g = sp.Function("g")
    d.step("Seed 004's expansion", sp.Eq(sp.Symbol("v_t+1"), sp.Sum(_b ** (t - k) * g(k), (k, 0, t))),
           "quoted from the seed (correct as an identity)")
    d.step("'an exponentially weighted moving average'", sp.Eq(sp.Sum(sp.Symbol("w_k"), (k, 0, t)), 1),
           "an average's weights sum to 1 (definition); seed 000 adds that v is Adam's first moment m")
    return d.finish(sp.Integer(1), "sum form v ← βv + g", "0 < β < 1")


def polyak_rate() -> Derivation:
    """Polyak's tuning: min over (η, β) of the worst root modulus on [μ, L] is (√κ − 1)/(√κ + 1)."""
    d = DerivationBuilder()
    poly = z**2 - (1 + _b - eta * lam) * z + _b
    d.step("Characteristic polynomial", sp.Eq(sp.Function("p")(z), poly),
           "heavy ball (sum form) on the eigen-direction λ: x₊ = x − ηλx + β(x − x₋)")
    d.step("Product of the roots", sp.Eq(sp.Symbol("z_1") * sp.Symbol("z_2"), _b),
           "so max|z| ≥ √β for every λ, with equality iff the roots are complex or double")
    disc = sp.discriminant(poly, z)
    d.step("Discriminant", sp.Eq(sp.Symbol("D"), sp.factor(disc)), "D ≤ 0 ⇔ complex roots of modulus √β")
    s = sp.Symbol("s", positive=True)  # √β
    lo, hi = sorted(sp.solve(sp.Eq(disc.subs(_b, s**2), 0), lam), key=lambda e: e.subs({s: sp.Rational(1, 2), eta: 1}))
    d.step("Complex band of curvatures", sp.And(sp.Le(lo, lam), sp.Le(lam, hi)),
           "D ≤ 0 between the roots of D in λ")
    sol = sp.solve([sp.Eq(eta * mu, (1 - s) ** 2), sp.Eq(eta * L, (1 + s) ** 2)], [eta, s], dict=True)
    sol = [x for x in sol if x[s].subs({mu: 1, L: 4}) > 0 and x[s].subs({mu: 1, L: 4}) < 1][0]
    eta_nice = 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2
    assert sp.simplify(sol[eta] - eta_nice) == 0
    d.step("Smallest √β whose band covers [μ, L]", sp.Eq(sp.Symbol("eta_star"), eta_nice),
           "min-max: shrinking √β shrinks the band, so the optimum puts μ and L on its edges")
    rate = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    assert sp.simplify(sol[s].subs(L, kappa * mu) - rate) == 0
    d.step("β* = (√β*)²", sp.Eq(sp.Symbol("beta_star"), rate**2), "with L = κμ")
    d.step("Rate", sp.Eq(sp.Symbol("rho_star"), rate), "every mode has modulus √β* (double roots at μ and L)")
    gd_rate = (kappa - 1) / (kappa + 1)
    d.step("Against GD", sp.Eq(sp.Symbol("rho_GD"), gd_rate), "best GD rate (gd.quadratic-rate)")
    n_hb = sp.limit(-1 / sp.log(rate) / sp.sqrt(kappa), kappa, sp.oo)
    n_gd = sp.limit(-1 / sp.log(gd_rate) / kappa, kappa, sp.oo)
    d.step("Iterations per e-fold", sp.Eq(sp.Tuple(sp.Symbol("N_HB") / sp.sqrt(kappa), sp.Symbol("N_GD") / kappa),
                                           sp.Tuple(n_hb, n_gd)),
           "−1/log ρ as κ → ∞: √κ/2 for heavy ball, κ/2 for GD")
    return d.finish(rate, "f = ½xᵀAx, spectrum in [μ, L]", "κ = L/μ > 1", "sum form")


def polyak_global_seed() -> Derivation:
    """The seed-style reading: Polyak's tuning contracts at its quadratic rate on every smooth strongly convex f."""
    d = DerivationBuilder()
    rate = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    d.step("Quadratic rate of Polyak's tuning", sp.Eq(sp.Symbol("rho_star"), rate), "momentum.polyak-rate")
    exponent = sp.simplify(-sp.log(rate))
    d.step("Claimed decay exponent", sp.Eq(sp.Symbol("gamma"), exponent),
           "'converges on every L-smooth μ-strongly convex f' read with its rate: ‖z_t‖ ≤ Cρ^t, i.e. "
           "−(1/t)log‖z_t‖ → −log ρ > 0")
    return d.finish(exponent, "f L-smooth, μ-strongly convex", "κ = L/μ")


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
    e = sp.Function("e")
    rec = sp.Eq(e(t + 1), (1 + _b - h) * e(t) - _b * e(t - 1))
    d.step("Mode recursion", rec, "eliminate v from v₊ = βv + λe, e₊ = e − ηv; h = ηλ")
    d.step("Initial conditions", sp.And(sp.Eq(e(0), 1), sp.Eq(e(1), 1 - h)), "v₀ = 0 makes the first step plain GD")
    c = (1 + _b - h) / (2 * sp.sqrt(_b))
    f = sp.Function("f")
    d.step("Scaling e_t = β^{t/2} f_t", sp.Eq(f(t + 1), 2 * sp.Symbol("c") * f(t) - f(t - 1)),
           "the Chebyshev recursion, with c = (1 + β − h)/(2√β)")
    A, B = sp.symbols("A B")
    U = sp.chebyshevu
    # f_t = A U_t(c) + B U_{t−1}(c) with U_{−1} = 0, U_0 = 1, U_1 = 2c.
    sol = sp.solve([sp.Eq(A, 1), sp.Eq(A * 2 * c + B, (1 - h) / sp.sqrt(_b))], [A, B])
    d.step("Coefficients from e₀, e₁", sp.And(sp.Eq(A, sol[A]), sp.Eq(B, sp.simplify(sol[B]))), "U_{−1} = 0, U₀ = 1, U₁ = 2c")
    closed = _b ** (t / 2) * (U(t, sp.Symbol("c")) + sp.simplify(sol[B]) * U(t - 1, sp.Symbol("c")))
    d.step("Closed form", sp.Eq(e(t), closed), "Chebyshev polynomials of the second kind")
    # Check the closed form against the recursion for the first steps.
    seq = [sp.Integer(1), 1 - h]
    for _ in range(4):
        seq.append(sp.expand((1 + _b - h) * seq[-1] - _b * seq[-2]))
    for n in range(6):
        assert sp.simplify(sp.expand((_b ** sp.Rational(n, 2) * (U(n, c) - sp.sqrt(_b) * U(n - 1, c)) if n else 1) - seq[n])) == 0
    d.step("Check", sp.Eq(e(5), sp.factor(seq[5])), "the closed form reproduces the recursion (verified for t ≤ 5)")
    hh = eta * lam
    cc = c.subs(h, hh)
    result = _b ** (t / 2) * (_chebyshev_u(t, cc) - sp.sqrt(_b) * _chebyshev_u(t - 1, cc))
    d.step("Real form", sp.Eq(sp.chebyshevu(t, sp.cos(sp.Symbol("theta"))), sp.sin((t + 1) * sp.Symbol("theta")) / sp.sin(sp.Symbol("theta"))),
           "|c| < 1: damped oscillation of modulus √β (steep walls); c > 1: overdamped, slow mode "
           "1 − h/(1−β) + O(h²) (flat floor, the 1/(1−β) speed-up)")
    return d.finish(result.subs(_b, beta), "0 < β < 1", "sum form, v₀ = 0, e₀ = 1", "h = ηλ")
