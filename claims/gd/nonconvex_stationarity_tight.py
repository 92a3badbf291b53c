"""gd.nonconvex-stationarity-tight — GD with η = 1/L on L-smooth f: the worst case of min_{t<T} ‖∇f(x_t)‖² is 4LΔ/(3T − 1).

The tight companion of gd.nonconvex-stationarity (whose textbook bound
2LΔ/T, Δ = f(x₀) − f_inf, is (3T − 1)/(2T) → 3/2 times too large).
Experiment: the attaining instance (empirics.problems.
StationarityWorstCase), a 1-D function built for each horizon T: a washboard
whose derivative falls from g to g/2 and back with slopes ∓L between the
knots kd (d = g/L, one GD step), ending in the bowl f = Lx²/2 below x = d, so
f_inf = f(0) = 0. GD from x₀ = Td visits every knot with f′ = g, descending
3g²/(4L) per middle step and g²/(2L) on the last: Δ = g²(3T − 1)/(4L)
(theory/gd_tight.py). The measured value is the running minimum of
f′(x_t)² over t < T from the GD run (not the construction's g²), compared
with 4LΔ/(3T − 1) with Δ computed from f(x₀). T on a log grid plus every
certificate horizon, random L and d (powers of two, see below), several
instances per T. That no L-smooth f does worse is cited (Abbaszadehpeivasti,
de Klerk & Zamani 2022: exact for step lengths in (0, 1/L]) and certified by
the performance-estimation program of the same method (T ∈ {1, 2, 4}; 6 and 8
in the full profile), whose value must equal the theory (tightness 1).

Why powers of two: the knots are a repelling phase of GD (to the right of a
knot f″ = −L, so an iterate e past a knot lands 2e past the next one: one
rounding error becomes O(d) after ~50 steps and the instance stops being
worst). With L = 2^j and d = 2^k every iterate (T − t)d, every step and every
f′(x_t) is exact in binary floating point, so GD follows the construction
exactly for any T < 2^52; by scale invariance (the ratio measured/(LΔ)
depends on T only) nothing is lost.

Tolerance (Tight, rtol = 1e-12): the measured minimum is exact (g²), Δ = f(x₀)
is a sum of exact dyadic products, the theory 4LΔ/(3T − 1) carries a few
roundings (≤ 1e-15 relative); 1e-12 leaves room for that and nothing else.
Mutants: the textbook 2LΔ/T (off by (3T − 1)/(2T), exact only at T = 1),
4LΔ/(3T) (the horizon convention of min_{t ≤ T} against f(x₀) − f(x_T), off by
1 + 1/(3T − 1) ≥ 1 + 1/15000) and 4LΔ/(3T + 2) (one gradient too many: min over
t ≤ T against f_inf).
"""

import numpy as np

from certificates import Certificate, fixed_points, programs, worst_at
from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.optimizers import gradient_descent
from empirics.problems import StationarityWorstCase
from theory.gd_convergence import Delta, L, T
from theory.gd_tight import nonconvex_stationarity_tight

CERTIFIED_T = (1, 2, 4, 6, 8)


def experiment(params, rng):
    grid = np.round(np.geomspace(1, params["T_max"], params["n_T"])).astype(int)
    horizons = np.unique(np.concatenate([grid, CERTIFIED_T]))
    T_run = np.repeat(horizons, params["instances"])
    L_run = 2.0 ** rng.integers(-3, 4, len(T_run))
    d_run = 2.0 ** rng.integers(-3, 4, len(T_run))
    problem = StationarityWorstCase(g=(L_run * d_run)[:, None], L=L_run[:, None], T=T_run[:, None].astype(float))
    traj = run(gradient_descent(1 / L_run[:, None]), problem.grad, problem.x0, int(horizons.max()),
               observe=lambda x: np.sum(problem.grad(x) ** 2, axis=1))
    running = np.minimum.accumulate(traj.observations, axis=0)  # running[t] = min_{s ≤ t}
    values = running[T_run - 1, np.arange(len(T_run))]  # min over s < T
    delta = problem.value(problem.x0) - problem.f_inf
    ratio = values / (L_run * delta)
    smooth = np.geomspace(1, horizons.max(), 200)
    figure = Figure(
        title="GD, η = 1/L, on the attaining washboard: min_{t<T} ‖∇f‖² / (L(f(x₀) − f_inf))",
        xlabel="T", ylabel="min_{t<T} ‖∇f(x_t)‖² / (LΔ)", xscale="log", yscale="log",
        series=(Series("attaining instance (GD run)", T_run, ratio, kind="scatter"),),
        # The first mutant is the textbook bound 2LΔ/T; every mutant is drawn from its expression.
        theory_x="T", theory_grid={"T": smooth, "L": np.ones_like(smooth), "Delta": np.ones_like(smooth)},
        draw_mutants=True,
    )
    return Measurement(values=values, inputs={"L": L_run, "Delta": delta, "T": T_run.astype(float)}, figure=figure,
                       details={"instances": int(len(values)), "horizons": horizons.tolist(),
                                "ratio_to_textbook_bound_max": float(np.max(ratio * T_run / 2))})


CLAIM = Claim(
    id="gd.nonconvex-stationarity-tight",
    title="Non-convex GD: the exact worst case min_{t<T} ‖∇f‖² = 4L(f(x₀) − f_inf)/(3T − 1)",
    statement=(
        "For L-smooth f bounded below by f_inf and gradient descent with η = 1/L, the worst case of "
        "min_{t<T} ‖∇f(x_t)‖² over all such f with f(x₀) − f_inf = Δ is exactly 4LΔ/(3T − 1), attained by a "
        "one-dimensional washboard on which every iterate has |f′| = g and every step descends 3g²/(4L); the "
        "textbook bound 2LΔ/T is (3T − 1)/(2T) times too large."
    ),
    source=Source("Abbaszadehpeivasti, de Klerk & Zamani (2022): the exact worst-case rate of the gradient method "
                  "with fixed step lengths in (0, 1/L] on L-smooth functions, at step length 1/L"),
    references=("Abbaszadehpeivasti, de Klerk & Zamani (2022), The exact worst-case convergence rate of the gradient "
                "method with fixed step lengths for L-smooth functions, Optim. Lett. 16, 1649–1661",
                "Taylor (2017), Convex interpolation and performance estimation of first-order methods, PhD thesis, "
                "UCLouvain, p. 190"),
    derivation=nonconvex_stationarity_tight,
    experiment=experiment,
    params=Params(symbols={"L": "L", "Delta": "Delta", "T": "T"},
                  quick={"T_max": 400, "n_T": 12, "instances": 3},
                  full={"T_max": 5000, "n_T": 30, "instances": 10}),
    comparison=Tight(rtol=1e-12),
    expected=Verdict.CONFIRMED,
    certificate=Certificate(
        program=programs.gd_min_gradient_nonconvex, function_class="L-smooth (not necessarily convex)",
        method="GD, η = 1/L", metric="min_{t<T} ‖∇f(x_t)‖²", initial="f(x₀) − f(x_T) ≤ Δ (relaxes f(x₀) − f_inf ≤ Δ)",
        variable="T",
        points=fixed_points([{"L": 1.0, "Delta": 1.0, "T": T_} for T_ in CERTIFIED_T[:3]],
                            [{"L": 1.0, "Delta": 1.0, "T": T_} for T_ in CERTIFIED_T]),
        observed=worst_at("T", scale=lambda p: p["L"] * p["Delta"]),
    ),
    mutants=(
        Mutant("textbook bound 2LΔ/T", 2 * L * Delta / T),
        Mutant("horizon convention of min_{t ≤ T} against f(x₀) − f(x_T): 4LΔ/(3T)", 4 * L * Delta / (3 * T)),
        Mutant("one gradient too many (min over t ≤ T against f_inf): 4LΔ/(3T + 2)", 4 * L * Delta / (3 * T + 2)),
    ),
)
