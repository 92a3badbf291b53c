"""Derivations for gradient descent beyond the quadratic (CLAIMS.md section A).

Steepest descent by Lagrange multipliers, the regimes of the step-size axis,
the O(1/T) convex rate and the non-convex stationarity bound.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .symbols import L, h

G = sp.Symbol("G", positive=True)  # ‖∇f(x)‖
R = sp.Symbol("R", positive=True)  # ‖x₀ − x*‖
T = sp.Symbol("T", positive=True)  # number of steps
Delta = sp.Symbol("Delta", positive=True)  # f(x₀) − f_inf


def steepest_descent() -> Derivation:
    """min over unit d of ∇f·d is −‖∇f‖, at d = −∇f/‖∇f‖ (Lagrange multipliers)."""
    d = DerivationBuilder()
    gs = sp.symbols("g1:4", real=True)
    ds = sp.symbols("d1:4", real=True)
    nu = sp.Symbol("nu", real=True)
    objective = sum(gi * di for gi, di in zip(gs, ds))
    constraint = sum(di**2 for di in ds) - 1
    lagrangian = objective - nu / 2 * constraint
    d.step("Lagrangian", sp.Eq(sp.Symbol("Lambda"), lagrangian),
           "minimise the directional derivative ∇f·d on the unit sphere (shown in 3 coordinates; "
           "the computation is identical in any dimension)")
    stationarity = [sp.Eq(sp.diff(lagrangian, di), 0) for di in ds]
    d.step("Stationarity", sp.And(*stationarity), "∂ℒ/∂d_i = g_i − ν d_i = 0, so d = g/ν")
    d_of_nu = {di: sp.solve(eq, di)[0] for di, eq in zip(ds, stationarity)}
    norm = sp.sqrt(sum(gi**2 for gi in gs))
    nus = sp.solve(sp.Eq(constraint.subs(d_of_nu), 0), nu)
    d.step("Constraint fixes ν", sp.Eq(nu**2, sp.expand(norm**2)), f"‖g/ν‖ = 1 gives ν = ±‖g‖ ({len(nus)} roots)")
    values = sorted({sp.simplify(objective.subs(d_of_nu).subs(nu, r)) for r in nus}, key=lambda e: float(e.subs({gi: 1 for gi in gs})))
    minimum = values[0]
    d.step("Candidate values", sp.Eq(sp.Symbol("D_d"), sp.Tuple(*values)), "∇f·d = ‖g‖²/ν at the two critical points")
    d.step("Minimiser", sp.Eq(sp.Matrix(ds), sp.Matrix([d_of_nu[di].subs(nu, -norm) for di in ds]), evaluate=False),
           "the smaller value, ν = −‖g‖: d* = −∇f/‖∇f‖ (the sphere is compact, so the minimum is attained)")
    d.step("In any dimension", sp.Eq(sp.Symbol("min_d"), minimum.subs(norm, G)),
           "−√(Σ g_i²) = −‖∇f‖ =: −G; equivalently Cauchy–Schwarz |∇f·d| ≤ ‖∇f‖‖d‖")
    assert sp.simplify(minimum + norm) == 0
    return d.finish(G, "f differentiable at x", "∇f(x) ≠ 0", "result: the largest descent rate −∇f·d over unit d")


def _regime_ratio(d: DerivationBuilder) -> sp.Expr:
    e, e_next = sp.Symbol("e_t"), sp.Symbol("e_t+1")
    d.step("GD on ½λθ²", sp.Eq(e_next, (1 - h) * e), "e = θ − θ*, h = ηλ: θ₊ = θ − ηλθ")
    ratio = 1 - h
    d.step("Ratio of successive errors", sp.Eq(sp.Symbol("r"), ratio), "the same ratio at every step")
    return ratio


def five_regimes() -> Derivation:
    """The regime label of step h = ηλ: 1 monotone, 2 one-step, 3 oscillating, 4 bounded, 5 divergent."""
    d = DerivationBuilder()
    r = _regime_ratio(d)
    sign_change = sp.solve(sp.Eq(r, 0), h)[0]
    modulus_one = sp.solve(sp.Eq(r, -1), h)[0]
    d.step("r = 0", sp.Eq(h, sign_change), "the error vanishes after one step")
    d.step("r = −1", sp.Eq(h, modulus_one), "|r| = 1 with a sign flip: |e_t| constant")
    regimes = sp.Piecewise(
        (1, sp.And(h > 0, h < sign_change)),
        (2, sp.Eq(h, sign_change)),
        (3, sp.And(h > sign_change, h < modulus_one)),
        (4, sp.Eq(h, modulus_one)),
        (5, h > modulus_one),
    )
    d.step("Cases of r ∈ (0,1), {0}, (−1,0), {−1}, (−∞,−1)", sp.Eq(sp.Symbol("regime"), regimes),
           "1: monotone (a fraction h of the error removed per step); 2: exact in one step; "
           "3: oscillating convergence; 4: bounded oscillation; 5: oscillating divergence")
    d.step("Number of regimes", sp.Eq(sp.Symbol("n_regimes"), len(regimes.args)), "the pieces above")
    return d.finish(regimes, "h = ηλ > 0, θ₀ ≠ θ*")


def regime_count() -> Derivation:
    """The number of qualitatively different behaviours along h > 0: five."""
    d = DerivationBuilder()
    regimes = five_regimes()
    for step in regimes.steps:
        d.step(step.label, step.expr, step.justification)
    count = sp.Integer(len(regimes.result.args))
    return d.finish(count, "h = ηλ > 0, θ₀ ≠ θ*")


def three_regimes_seed() -> Derivation:
    """Seed 000 as written: exactly three regimes (crawl, converge, diverge)."""
    d = DerivationBuilder()
    d.step("Seed 000's list", sp.Eq(sp.Symbol("n_regimes"), 3),
           "'the dynamics are exactly three regimes: too small … just right … too large' (definition from the source)")
    return d.finish(sp.Integer(3), "quadratic bowl, constant η")


def convex_rate() -> Derivation:
    """f(x_T) − f* ≤ L‖x₀ − x*‖²/(2T) for GD with η = 1/L on L-smooth convex f."""
    d = DerivationBuilder()
    f_t, f_next, f_star = sp.symbols("f_t f_t+1 f_star", real=True)
    gn = sp.Symbol("g_t", positive=True)  # ‖∇f(x_t)‖
    D_t, D_next = sp.symbols("D_t D_t+1", nonnegative=True)  # ‖x_t − x*‖, ‖x_{t+1} − x*‖
    inner = sp.Symbol("c_t", real=True)  # ∇f(x_t)ᵀ(x_t − x*)
    eta_ = 1 / L
    descent = f_t - eta_ * (1 - L * eta_ / 2) * gn**2
    d.step("Descent lemma at η = 1/L", sp.Le(f_next, descent), "L-smoothness (see gd.descent-lemma)")
    d.step("Convexity", sp.Le(f_t - f_star, inner), "f* ≥ f(x_t) + ∇f(x_t)ᵀ(x* − x_t)")
    expansion = D_t**2 - 2 * eta_ * inner + eta_**2 * gn**2
    d.step("Distance expansion", sp.Eq(D_next**2, expansion), "x_{t+1} − x* = x_t − x* − ∇f(x_t)/L")
    inner_from_distance = sp.solve(sp.Eq(D_next**2, expansion), inner)[0]
    one_step = sp.expand(inner_from_distance - gn**2 / (2 * L))
    d.step("One-step inequality", sp.Le(f_next - f_star, sp.factor(one_step)),
           "combine: f_{t+1} − f* ≤ c_t − ‖g_t‖²/(2L), and c_t from the expansion")
    s = sp.Symbol("s", integer=True, nonnegative=True)
    Dseq = sp.Function("D")
    telescoped = sp.Sum(L / 2 * (Dseq(s) ** 2 - Dseq(s + 1) ** 2), (s, 0, T - 1))
    d.step("Telescoping over t < T", sp.Le(sp.Sum(sp.Function("f")(s + 1) - f_star, (s, 0, T - 1)), telescoped),
           "the right side collapses to (L/2)(D₀² − D_T²) ≤ L R²/2")
    bound = sp.solve(sp.Eq(T * sp.Symbol("Phi"), L * R**2 / 2), sp.Symbol("Phi"))[0]
    d.step("Monotonicity", sp.Le(sp.Symbol("f_T") - f_star, bound),
           "f(x_t) is non-increasing (descent lemma), so T(f_T − f*) ≤ Σ_{t<T}(f_{t+1} − f*)")
    exponent = sp.limit(T * sp.diff(sp.log(bound), T), T, sp.oo)
    d.step("Exponent in T", sp.Eq(sp.Symbol("p"), exponent), "d log(bound)/d log T")
    return d.finish(bound, "f convex and L-smooth", "η = 1/L", "R = ‖x₀ − x*‖")


def nonconvex_stationarity() -> Derivation:
    """min_{t<T} ‖∇f(x_t)‖² ≤ 2L(f(x₀) − f_inf)/T for GD with η = 1/L."""
    d = DerivationBuilder()
    s = sp.Symbol("s", integer=True, nonnegative=True)
    f = sp.Function("f")
    gsq = sp.Function("G2")  # ‖∇f(x_s)‖²
    eta_ = 1 / L
    d.step("Descent lemma at η = 1/L", sp.Le(f(s + 1), f(s) - eta_ * (1 - L * eta_ / 2) * gsq(s)),
           "L-smoothness; no convexity needed")
    d.step("Sum over s < T", sp.Le(sp.Sum(gsq(s), (s, 0, T - 1)) / (2 * L), f(0) - f(T)),
           "telescoping the decreases")
    d.step("Bounded below", sp.Le(f(0) - f(T), Delta), "Δ = f(x₀) − f_inf ≥ f(x₀) − f(x_T)")
    m = sp.Symbol("m", positive=True)  # min_{s<T} ‖∇f‖²
    bound = sp.solve(sp.Eq(T * m / (2 * L), Delta), m)[0]
    d.step("Minimum ≤ average", sp.Le(m, bound), "T·min_s ‖∇f(x_s)‖² ≤ Σ_s ‖∇f(x_s)‖²")
    eps = sp.Symbol("epsilon", positive=True)
    steps = sp.solve(sp.Eq(bound, eps**2), T)[0]
    d.step("ε-stationarity", sp.Ge(T, steps), "T ≥ 2LΔ/ε² guarantees min_s ‖∇f(x_s)‖ ≤ ε: O(1/ε²) steps")
    return d.finish(bound, "f L-smooth (not necessarily convex), bounded below by f_inf", "η = 1/L",
                    "Δ = f(x₀) − f_inf")
