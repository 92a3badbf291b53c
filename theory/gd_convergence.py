"""Derivations for gradient descent beyond the quadratic.

Steepest descent by Lagrange multipliers, the regimes of the step-size axis,
the O(1/T) convex rate and the non-convex stationarity bound. The rates are
not typed: each bound is what the telescoped one-step inequalities leave.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, DerivationBuilder
from .gd import descent_lemma
from .symbols import L, eta, h

G = sp.Symbol("G", positive=True)  # ‖∇f(x)‖
R = sp.Symbol("R", positive=True)  # ‖x₀ − x*‖
T = sp.Symbol("T", positive=True)  # number of steps
Delta = sp.Symbol("Delta", positive=True)  # f(x₀) − f_inf
_s = sp.Symbol("s", integer=True, nonnegative=True)  # summation index


@cache
def _descent_per_gradient() -> sp.Expr:
    """gd.descent-lemma's result: the guaranteed change of f per unit ‖∇f‖², −η(1 − Lη/2) (derived and checked there)."""
    return descent_lemma().result


def steepest_descent() -> Derivation:
    """min over unit d of ∇f·d is −‖∇f‖, at d = −∇f/‖∇f‖ (Lagrange multipliers)."""
    d = DerivationBuilder()
    gs = sp.symbols("g1:4", real=True)
    ds = sp.symbols("d1:4", real=True)
    nu = sp.Symbol("nu", real=True)
    slope = d.definition("Directional derivative", sp.Eq(sp.Symbol("D_d"), sum(gi * di for gi, di in zip(gs, ds))),
                         "∇f·d in 3 coordinates (the computation is identical in any dimension)")
    sphere = d.definition("Unit direction", sp.Eq(sum(di**2 for di in ds), 1), "‖d‖ = 1")
    constraint = sphere.lhs - sphere.rhs
    lagrangian = d.computed("Lagrangian", sp.Eq(sp.Symbol("Lambda"), slope.rhs - nu / 2 * constraint),
                            uses=[slope, sphere], how="ℒ = D_d − (ν/2)(‖d‖² − 1)",
                            justification="minimise the directional derivative on the unit sphere")
    stationarity = [sp.Eq(sp.diff(lagrangian.rhs, di), 0) for di in ds]
    d.computed("Stationarity", sp.And(*stationarity), uses=[lagrangian], how="diff",
               justification="∂ℒ/∂dᵢ = gᵢ − ν dᵢ = 0, so d = g/ν")
    d_of_nu = {di: sp.solve(eq, di)[0] for di, eq in zip(ds, stationarity)}
    on_sphere = sp.together(constraint.subs(d_of_nu))  # Σgᵢ²/ν² − 1
    nus = sp.solve(on_sphere, nu)
    d.identity("Constraint fixes ν", sp.Eq(nu**2, sum(gi**2 for gi in gs)), equals=sp.Eq(sp.numer(on_sphere), 0),
               uses=["Stationarity", sphere],
               justification=f"subs d = g/ν into ‖d‖² = 1 (computed): ν = ±‖g‖ ({len(nus)} roots)")
    values = sorted({sp.simplify(slope.rhs.subs(d_of_nu).subs(nu, r)) for r in nus},
                    key=lambda e: float(e.subs({gi: 1 for gi in gs})))
    d.computed("Candidate values", sp.Eq(sp.Symbol("D_d"), sp.Tuple(*values)), uses=[slope, "Constraint fixes ν"],
               how="subs", justification="∇f·d = ‖g‖²/ν at the two critical points")
    norm = sp.sqrt(sum(gi**2 for gi in gs))
    minimiser = [d_of_nu[di].subs(nu, r) for di in ds for r in nus if sp.simplify(r + norm) == 0]
    d.identity("Minimiser", sp.Eq(sp.Matrix(ds), -sp.Matrix(gs) / norm, evaluate=False), equals=sp.Matrix(minimiser),
               uses=["Candidate values"],
               justification="subs ν = −‖g‖ (computed), the smaller value: d* = −∇f/‖∇f‖ (the sphere is compact, "
                             "so the minimum is attained)")
    smallest = d.identity("In any dimension", sp.Eq(sp.Symbol("min_d"), -G), equals=values[0].subs(norm, G),
                          uses=["Candidate values"],
                          justification="−√(Σ gᵢ²) = −‖∇f‖ =: −G; equivalently Cauchy–Schwarz |∇f·d| ≤ ‖∇f‖‖d‖")
    d.computed("Largest descent rate", sp.Eq(sp.Symbol("r_max"), -smallest.rhs), uses=[smallest], how="negate",
               justification="the steepest decrease of f per unit step")
    return d.finish("f differentiable at x", "∇f(x) ≠ 0", "result: the largest descent rate −∇f·d over unit d")


def _regime_ratio(d: DerivationBuilder):
    e, e_next = sp.Symbol("e_t"), sp.Symbol("e_t+1")
    model = d.definition("GD on ½λθ²", sp.Eq(e_next, (1 - h) * e), "e = θ − θ*, h = ηλ: θ₊ = θ − ηλθ")
    return d.computed("Ratio of successive errors", sp.Eq(sp.Symbol("r"), sp.cancel(model.rhs / e)), uses=[model],
                      how="divide by eₜ", justification="the same ratio at every step")


def five_regimes() -> Derivation:
    """The regime label of step h = ηλ: 1 monotone, 2 one-step, 3 oscillating, 4 bounded, 5 divergent."""
    d = DerivationBuilder()
    r = _regime_ratio(d)
    zero = d.computed("r = 0", sp.Eq(h, sp.solve(sp.Eq(r.rhs, 0), h)[0]), uses=[r], how="solve",
                      justification="the error vanishes after one step")
    flip = d.computed("r = −1", sp.Eq(h, sp.solve(sp.Eq(r.rhs, -1), h)[0]), uses=[r], how="solve",
                      justification="|r| = 1 with a sign flip: |eₜ| constant")
    sign_change, modulus_one = zero.rhs, flip.rhs
    regimes = sp.Piecewise(
        (1, sp.And(h > 0, h < sign_change)),
        (2, sp.Eq(h, sign_change)),
        (3, sp.And(h > sign_change, h < modulus_one)),
        (4, sp.Eq(h, modulus_one)),
        (5, h > modulus_one),
    )
    cases = d.computed("Cases of r ∈ (0,1), {0}, (−1,0), {−1}, (−∞,−1)", sp.Eq(sp.Symbol("regime"), regimes),
                       uses=[zero, flip], how="split h > 0 at the two solutions",
                       justification="1: monotone (a fraction h of the error removed per step); 2: exact in one step; "
                                     "3: oscillating convergence; 4: bounded oscillation; 5: oscillating divergence")
    d.computed("Number of regimes", sp.Eq(sp.Symbol("n_regimes"), len(cases.rhs.args)), uses=[cases],
               how="count the pieces", justification="the pieces above")
    return d.finish("h = ηλ > 0, θ₀ ≠ θ*", result=cases)


def regime_count() -> Derivation:
    """The number of qualitatively different behaviours along h > 0: five."""
    d = DerivationBuilder()
    d.include(five_regimes())
    return d.finish("h = ηλ > 0, θ₀ ≠ θ*", result="Number of regimes")


def three_regimes_seed() -> Derivation:
    """Seed 000 as written: exactly three regimes (crawl, converge, diverge)."""
    d = DerivationBuilder()
    listed = d.definition("Seed 000's list", sp.Eq(sp.Symbol("regimes"), sp.Tuple(*sp.symbols("too_small just_right too_large"))),
                          "'the dynamics are exactly three regimes: too small … just right … too large' (from the source)")
    d.computed("Number of regimes", sp.Eq(sp.Symbol("n_regimes"), len(listed.rhs)), uses=[listed], how="count")
    return d.finish("quadratic bowl, constant η")


def convex_rate() -> Derivation:
    """f(x_T) − f* ≤ L‖x₀ − x*‖²/(2T) for GD with η = 1/L on L-smooth convex f."""
    d = DerivationBuilder()
    f_t, f_next, f_star = sp.symbols("f_t f_t+1 f_star", real=True)
    gn = sp.Symbol("g_t", positive=True)  # ‖∇f(x_t)‖
    D_t, D_next = sp.symbols("D_t D_t+1", nonnegative=True)  # ‖x_t − x*‖, ‖x_{t+1} − x*‖
    inner = sp.Symbol("c_t", real=True)  # ∇f(x_t)ᵀ(x_t − x*)
    lemma = d.identity("Descent lemma", sp.Le(f_next, f_t - eta * (1 - L * eta / 2) * gn**2),
                       equals=f_t + _descent_per_gradient() * gn**2, justification="L-smoothness (gd.descent-lemma)")
    step = d.definition("Step size", sp.Eq(eta, 1 / L), "the classical choice η = 1/L")
    descent = d.computed("Descent lemma at η = 1/L", sp.Le(f_next, sp.expand(lemma.rhs.subs(eta, step.rhs))),
                         uses=[lemma, step], how="subs")
    convexity = d.assumption("Convexity", sp.Le(f_t - f_star, inner), "f* ≥ f(xₜ) + ⟨∇f(xₜ), x* − xₜ⟩, cₜ = ⟨∇f(xₜ), xₜ − x*⟩")
    a, b = sp.symbols("a b", real=True)  # xₜ − x* and ∇f(xₜ), as if one-dimensional: only ‖a‖², ⟨a, b⟩, ‖b‖² enter
    square = sp.expand((a - step.rhs * b) ** 2).subs({a * b: inner, a**2: D_t**2, b**2: gn**2})
    expansion = d.computed("Distance expansion", sp.Eq(D_next**2, square), uses=[step], how="expand ‖a − b/L‖²",
                           justification="xₜ₊₁ − x* = xₜ − x* − ∇f(xₜ)/L")
    one_step = d.inequality("One-step inequality", sp.Le(f_next - f_star, L / 2 * (D_t**2 - D_next**2)),
                            given=[descent, convexity, expansion], exact=True,
                            justification="add the two inequalities and replace cₜ from the expansion")
    f, D = sp.Function("f"), sp.Function("D")
    indexed = {f_next: f(_s + 1), f_t: f(_s), D_t: D(_s), D_next: D(_s + 1)}
    summed = [sp.Sum(side.subs(indexed), (_s, 0, T - 1)) for side in (one_step.lhs, one_step.rhs)]
    summed_step = d.computed("Sum over t < T", sp.Le(*summed), uses=[one_step], how="sum both sides")
    # The whole relation is compared (both sides), not only its right side.
    telescoped = d.identity("Telescoping", sp.Le(summed[0], L * (D(0) ** 2 - D(T) ** 2) / 2),
                            equals=sp.Le(summed_step.lhs, sp.factor_terms(summed_step.rhs.doit())),
                            uses=[summed_step],
                            justification="summation (computed): the right side collapses to (L/2)(D₀² − D_T²)")
    start = d.definition("Initial distance", sp.Eq(D(0), R), "R = ‖x₀ − x*‖")
    dropped_bound = telescoped.rhs.subs(D(T), 0).subs(start.lhs, start.rhs)  # −(L/2)D_T² ≤ 0 dropped
    dropped = d.inequality("Drop −D_T²", sp.Le(telescoped.rhs, dropped_bound), given=[start],
                           subs={D(T): sp.Symbol("D_T", real=True)}, justification="D_T² ≥ 0")
    nonincreasing = d.inequality("Non-increasing values", sp.Le(f_next, f_t), given=[descent],
                                 justification="the descent lemma decreases f at every step")
    summand = summed[0].function  # f(x_{s+1}) − f*
    index = next(iter(summand.atoms(sp.core.function.AppliedUndef))).args[0]  # s + 1
    d.identity("The sum runs over x₁, …, x_T", sp.Eq(sp.Tuple(sp.Symbol("i_first"), sp.Symbol("i_last")), sp.Tuple(1, T)),
               equals=sp.Tuple(index.subs(_s, 0), index.subs(_s, T - 1)), uses=["Sum over t < T"],
               justification="the iterate indices of its first and last terms (computed from the summand)")
    u = sp.Symbol("u", integer=True, nonnegative=True)
    d.inequality("Every summed iterate is at most x_T", sp.Le(index, T), uses=["Sum over t < T"], subs={_s: T - 1 - u},
                 justification="the sum runs over s ≤ T − 1 (s = T − 1 − u, u ≥ 0), so by the previous step "
                               "f(x_T) ≤ f(x_{s+1}) for every term")
    last = f(T) - f_star
    monotone = d.identity("Monotonicity", sp.Eq(summed[0] - T * last, sp.Sum(summand.subs(f_star, f(T)), *summed[0].limits)),
                          uses=[nonincreasing, "Sum over t < T"],
                          justification="T(f(x_T) − f*) is the sum over s < T of f(xₛ₊₁) − f* minus non-negative terms")
    count = sp.cancel((summed[0] - monotone.lhs) / last)  # T
    bound = d.computed("Rate", sp.Le(last, dropped.rhs / count),
                       uses=[monotone, telescoped, dropped], how="chain the three inequalities, divide by T")
    d.identity("Exponent in T", sp.Eq(sp.Symbol("p"), -1), equals=sp.limit(T * sp.diff(sp.log(bound.rhs), T), T, sp.oo),
               uses=[bound], justification="d log(bound)/d log T")
    return d.finish("f convex and L-smooth", "η = 1/L", "R = ‖x₀ − x*‖", result=bound)


def nonconvex_stationarity() -> Derivation:
    """min_{t<T} ‖∇f(x_t)‖² ≤ 2L(f(x₀) − f_inf)/T for GD with η = 1/L."""
    d = DerivationBuilder()
    f = sp.Function("f")
    gsq = sp.Function("G2")  # ‖∇f(x_s)‖²
    f_s, f_next, g2 = sp.symbols("f_s f_s+1 G_s", real=True)
    lemma = d.identity("Descent lemma", sp.Le(f_next, f_s - eta * (1 - L * eta / 2) * g2),
                       equals=f_s + _descent_per_gradient() * g2,
                       justification="L-smoothness (gd.descent-lemma); no convexity needed; G_s = ‖∇f(xₛ)‖²")
    step = d.definition("Step size", sp.Eq(eta, 1 / L), "η = 1/L")
    descent = d.computed("Descent lemma at η = 1/L", sp.Le(f_next, sp.expand(lemma.rhs.subs(eta, step.rhs))),
                         uses=[lemma, step], how="subs")
    per_step = d.inequality("Decrease pays for the gradient", sp.Le(f_s - descent.rhs, f_s - f_next), given=[descent], exact=True,
                            justification="rearranged")
    indexed = {f_s: f(_s), f_next: f(_s + 1), g2: gsq(_s)}
    summed = d.computed("Sum over s < T", sp.Le(sp.Sum(per_step.lhs.subs(indexed), (_s, 0, T - 1)),
                                                sp.Sum(per_step.rhs.subs(indexed), (_s, 0, T - 1)).doit()),
                        uses=[per_step], how="sum both sides; the right side telescopes")
    f_inf = sp.Symbol("f_inf", real=True)
    gap = d.definition("Initial gap", sp.Eq(Delta, f(0) - f_inf), "Δ = f(x₀) − f_inf")
    floor = d.assumption("Bounded below", sp.Ge(f(T), f_inf), "f ≥ f_inf, in particular at x_T")
    below = d.inequality("Total decrease at most Δ", sp.Le(summed.rhs, Delta), given=[gap, floor], exact=True,
                         justification="f(x₀) − f(x_T) ≤ f(x₀) − f_inf")
    m = sp.Symbol("m", positive=True)  # min_{s<T} ‖∇f‖²
    smallest = d.definition("Smallest gradient", sp.Le(m, gsq(_s)), "m = the smallest ‖∇f(xₛ)‖² over s < T")
    total = d.computed("Minimum ≤ average", sp.Le(summed.lhs.subs(smallest.rhs, smallest.lhs).doit(), summed.lhs),
                       uses=[smallest, summed], how="sum m ≤ Gₛ over s < T")
    bound = d.computed("Rate", sp.Le(m, sp.solve(sp.Eq(total.lhs, below.rhs), m)[0]), uses=[total, summed, below],
                       how="chain and solve for m")
    eps = sp.Symbol("epsilon", positive=True)
    d.identity("ε-stationarity", sp.Ge(T, 2 * L * Delta / eps**2), equals=sp.solve(sp.Eq(bound.rhs, eps**2), T)[0],
               uses=[bound], justification="T ≥ 2LΔ/ε² guarantees minₛ ‖∇f(xₛ)‖ ≤ ε: O(1/ε²) steps")
    return d.finish("f L-smooth (not necessarily convex), bounded below by f_inf", "η = 1/L",
                    "Δ = f(x₀) − f_inf", result=bound)
