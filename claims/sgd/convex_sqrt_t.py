"""sgd.convex-sqrt-t — convex SGD with η_t = c/√t: the averaged iterate's gap decays as T^(−1/2).

Bound (theory/sgd.py ``convex_sqrt_t_bound``): projected SGD on a convex set of
diameter D with E‖g‖² ≤ G² and η_t = c/√t gives
E f(x̄_T) − f* ≤ (D²/(2c) + cG²)/√T, exponent −½.

Experiment: the worst case of this bound is attained by noise pushing the
iterate off a boundary minimum, so the instance is a linear function
f(x) = g·x on [0, D] (minimum at the boundary x* = 0) with Gaussian gradient
noise σ, projected SGD (empirics/stochastic.py ``run_sgd`` with ``project``
and ``average``) started at x₀ = D/2. Near x* the iterate fluctuates on the
scale η_tσ²/g, always on the feasible side, so the averaged gap is
≈ (1/T)Σ cσ²/(2√t) ∝ T^(−1/2): the −½ is attained (on a strongly convex or
smooth interior problem averaging would give 1/T).

Exponent fit: per seed (a group of runs), log E[f(x̄_T)] − f* at log-spaced
T ∈ [T_min, T_max] regressed on log T with T^(−1/2) and T^(−1) as joint
regressors: the discrete sum Σ t^(−1/2) = 2√T + ζ(½) + ½T^(−1/2) + … and the
initial transient (a constant added to the sum) give relative corrections of
order T^(−1/2) and T^(−1). Student-t interval over the seeds at α = 1e-4
(empirics/statistics.py). With T^(−1/2) alone the fit was biased: −0.5039 on
average over 87 calibration seeds (sd 0.0018, half-width 0.0094), and seed 73
refuted −½ (interval [−0.511, −0.5002]); with both terms, −0.5004 (sd 0.0037
over 13 seeds, half-width 0.021). A log T/√T term (η_t varying during the
iterate's relaxation) is not resolved at these sizes: adding it gives −0.497
(sd 0.007) at twice the width again, consistent with −½ as well. The alternative is the 1/T rate of
deterministic smooth convex GD (seed 001 credits faster rates); the mutant is
that rate. The bound itself is checked in details (measured/bound ≤ 1).

Not covered here (reported as undone): the last iterate on the non-smooth
Harvey et al. (2019) construction, Θ(log T/√T).
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exponent, Figure, Measurement, Model, Mutant, Params, Series, Source, Verdict
from empirics.schedules import inverse_sqrt
from empirics.statistics import CLAIM_ALPHA, slope_across_seeds
from empirics.stochastic import GaussianNoiseOracle, run_sgd
from theory.sgd import convex_sqrt_t_bound


def experiment(params, rng):
    g, sigma, D, c = params["slope"], params["sigma"], params["diameter"], params["c"]
    S, per_seed, T = params["seeds"], params["runs_per_seed"], params["steps"]
    runs = S * per_seed
    checkpoints = np.unique(np.geomspace(params["t_min"], T, params["checkpoints"]).astype(int))
    oracle = GaussianNoiseOracle(lambda x: np.full_like(x, g), sigma)
    traj = run_sgd(oracle, np.full((runs, 1), D / 2), T, rng, inverse_sqrt(c), project=lambda x: np.clip(x, 0.0, D),
                   average=True, observe=lambda x, xbar: g * xbar[:, 0], checkpoints=checkpoints)
    gap = traj.observations.reshape(len(checkpoints), S, per_seed).mean(axis=2)  # (t, seed)
    corrections = np.stack([checkpoints**-0.5, checkpoints**-1.0])  # relative corrections (docstring)
    fit = slope_across_seeds(np.log(checkpoints), np.log(gap.T), CLAIM_ALPHA, correction=corrections)
    G2 = g**2 + sigma**2
    bound = (D**2 / (2 * c) + c * G2) / np.sqrt(checkpoints)
    mean_gap = gap.mean(axis=1)
    figure = Figure(
        title="Averaged-iterate gap of projected SGD with η_t = c/√t (linear f, boundary minimum)",
        xlabel="T", ylabel="E f(x̄_T) − f*", xscale="log", yscale="log",
        series=(Series(f"measured (fitted slope {fit.estimate:.3f})", checkpoints, mean_gap, kind="scatter"),
                Series("bound (D²/(2c) + cG²)/√T", checkpoints, bound, kind="line", role="theory"),
                Series("slope −1/2 through the last point", checkpoints,
                       mean_gap[-1] * (checkpoints / checkpoints[-1]) ** -0.5, kind="line", role="theory")),
    )
    return Measurement(
        values=fit.estimate, interval=(fit.lower, fit.upper), level=CLAIM_ALPHA, samples=S, inputs={},
        figure=figure,
        details={"max_measured_over_bound": float(np.max(mean_gap / bound)),
                 "seed_slope_sd": float(np.std(fit.slopes, ddof=1))},
    )


CLAIM = Claim(
    id="sgd.convex-sqrt-t",
    title="Convex SGD with η_t = c/√t: averaged iterate within (D²/(2c) + cG²)/√T, exponent −1/2",
    statement=("Projected SGD on a convex f over a set of diameter D with E‖g‖² ≤ G² and η_t = c/√t satisfies "
               "E f(x̄_T) − f* ≤ (D²/(2c) + cG²)/√T; on a linear function with a boundary minimum and gradient "
               "noise the averaged iterate's gap decays with exponent exactly −1/2 (not −1). The last iterate "
               "on a non-smooth convex function is slower, Θ(log T/√T): claim sgd.last-iterate-log."),
    source=Source("seed 004", "For a convex L-smooth function, vanilla SGD achieves E[L(θ_T)] − L(θ*) = O(1/√T) "
                              "with step size η_t = c/√t. This rate is tight in the worst case over stochastic "
                              "convex optimization."),
    references=("Nemirovski, Juditsky, Lan & Shapiro (2009), SIAM J. Optim. 19(4), §2.2",
                "Zinkevich (2003), Online convex programming, ICML"),
    derivation=convex_sqrt_t_bound,
    experiment=experiment,
    params=Params(
        symbols={},
        quick={"slope": 1.0, "sigma": 1.0, "diameter": 1.0, "c": 0.5, "seeds": 16, "runs_per_seed": 250,
               "steps": 4000, "t_min": 100, "checkpoints": 12},
        full={"slope": 1.0, "sigma": 1.0, "diameter": 1.0, "c": 0.5, "seeds": 24, "runs_per_seed": 300,
              "steps": 10000, "t_min": 200, "checkpoints": 16},
    ),
    comparison=Exponent(alpha=CLAIM_ALPHA, alternative=-1.0),
    expected=Verdict.CONFIRMED,
    models=(Model("Steps", lambda c, t: inverse_sqrt(c)(t - 1),  # the engine counts steps from t = 0
                  ranges={"c": (0.01, 3), "t": (1, 1000)}),),
    mutants=(Mutant("the O(1/T) rate of deterministic smooth convex GD", sp.Integer(-1)),),
)
