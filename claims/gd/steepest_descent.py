"""gd.steepest-descent — among unit directions, −∇f/‖∇f‖ decreases f fastest, at rate ‖∇f‖.

Experiment: random points on four functions (a rotated quadratic with a linear
term, a sum of softplus terms, Rosenbrock and a trigonometric bowl) in
dimensions 2–6, with gradient norms spanning 1e-2 … 1e2. For each point the
directional derivative D_d f = ∇f·d is measured *without the gradient
formula*, by the complex step Im f(x + i·s·d)/s (exact to rounding, no
cancellation), for N random unit directions (N = 1e5 in the full profile)
and for d* = −∇f/‖∇f‖. Two measured values per point: the best descent rate
among the random directions, max_d(−D_d f), and the rate −D_{d*} f at the
claimed minimiser. Both are compared with ‖∇f‖ as an upper bound; the second
attains it (slack ≈ 0), so the bound is the minimum, not just a bound.

Tolerance: the complex-step derivative has relative error ~eps·(condition of
f's evaluation) ≲ 1e-14 here; ‖∇f‖ from the analytic gradient has the same
order. rtol = 1e-12 leaves two orders of magnitude. The mutants are violated
by the attained points: ‖∇f‖² on points with ‖∇f‖ < 1 (by up to 99 %),
‖∇f‖/2 everywhere (by 50 %).
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Upper, Verdict
from empirics.estimators import complex_step_directional
from empirics.problems import DenseQuadratic, Rosenbrock, Softplus, TrigBowl, random_rotation
from theory.gd_convergence import G, steepest_descent


def _functions(rng, dim):
    q = random_rotation(rng, dim)
    A = q @ np.diag(np.exp(rng.uniform(-1, 1, dim))) @ q.T
    yield "quadratic", DenseQuadratic(0.5 * (A + A.T), rng.standard_normal(dim)), dim
    yield "softplus", Softplus(rng.standard_normal((3 * dim, dim))), dim
    yield "rosenbrock", Rosenbrock(), 2
    yield "trig bowl", TrigBowl(b=1.0, omega=3.0), dim


def experiment(params, rng):
    n_dir, points = params["directions"], params["points"]
    best, attained, norms, names = [], [], [], []
    for dim in params["dims"]:
        for name, problem, p in _functions(rng, dim):
            scale = np.geomspace(0.03, 3.0, points)[:, None]  # spreads ‖∇f‖ over orders of magnitude
            x = scale * rng.standard_normal((points, p))
            if name == "rosenbrock":
                x = np.array([1.0, 1.0]) + 0.1 * x
            g = problem.grad(x)
            gnorm = np.linalg.norm(g, axis=1)
            d = rng.standard_normal((n_dir, p))
            d /= np.linalg.norm(d, axis=1, keepdims=True)
            # (points, directions) complex-step derivatives, one point's batch at a time (all at once
            # they held ~1 GB of complex intermediates in the full profile).
            rates = np.stack([-complex_step_directional(problem.value, np.repeat(x[i:i + 1], n_dir, axis=0), d)
                              for i in range(points)])
            best.append(rates.max(axis=1))
            attained.append(-complex_step_directional(problem.value, x, -g / gnorm[:, None]))
            norms.append(gnorm)
            names += [f"{name} (d={p})"] * points
    best, attained, norms = np.concatenate(best), np.concatenate(attained), np.concatenate(norms)
    values = np.concatenate([best, attained])
    inputs = {"grad_norm": np.concatenate([norms, norms])}
    figure = Figure(
        title="Best descent rate among random unit directions vs ‖∇f‖",
        xlabel="‖∇f(x)‖", ylabel="−∇f·d",
        xscale="log", yscale="log",
        series=(Series(f"best of {n_dir} random directions", norms, best, kind="scatter"),
                Series("d* = −∇f/‖∇f‖", norms, attained, kind="scatter")),
        theory_x="grad_norm", theory_grid={"grad_norm": np.geomspace(norms.min(), norms.max(), 100)},
        draw_mutants=True,
    )
    return Measurement(
        values=values, inputs=inputs, figure=figure,
        details={"points": int(len(norms)), "directions_per_point": n_dir,
                 "worst_best_random_over_norm": float(np.max(best / norms)),
                 "median_best_random_over_norm": float(np.median(best / norms)),
                 "max_rel_gap_at_d_star": float(np.max(np.abs(attained - norms) / norms))},
    )


CLAIM = Claim(
    id="gd.steepest-descent",
    title="−∇f/‖∇f‖ is the steepest unit descent direction, with rate ‖∇f‖",
    statement=(
        "For f differentiable at x with ∇f(x) ≠ 0, min over ‖d‖ = 1 of ∇f(x)·d equals −‖∇f(x)‖ and is attained "
        "at d = −∇f(x)/‖∇f(x)‖ (Cauchy–Schwarz)."
    ),
    source=Source("seed 000", "among all unit directions d, which one decreases L fastest right here? … minimised "
                  "over ‖d‖=1 by d = −∇L / ‖∇L‖"),
    references=("seed 004 (proof by Cauchy–Schwarz)", "Squire & Trapp (1998), complex-step derivatives, SIAM Review"),
    derivation=steepest_descent,
    experiment=experiment,
    params=Params(
        symbols={"grad_norm": "G"},
        quick={"dims": [2, 5], "points": 12, "directions": 4000},
        full={"dims": [2, 6], "points": 5, "directions": 100000},
    ),
    comparison=Upper(rtol=1e-12, atol=0.0),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("rate ‖∇f‖² (the unnormalised step −∇f taken as unit)", G**2),
        Mutant("rate ‖∇f‖/2", G / 2),
    ),
)
