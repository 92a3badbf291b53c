"""gd.three-regimes-seed — seed 000: "exactly three regimes", the third being "overshoots … divergence". Refuted.

What the seed says: "too large and each step overshoots the minimum by more
than it gained, so the error grows geometrically — divergence", within a list
of "exactly three regimes". Read as written, a step size that overshoots (the
error changes sign, h = ηλ > 1) is in the divergent regime: the error grows
(theory/regimes_seed.py: growth indicator 1 for every h > 1). GD's error ratio
is 1 − h, negative for h > 1 but of modulus < 1 on 1 < h < 2: there GD
overshoots at every step and still converges. That is a set of positive measure
(half of the overshooting range (1, 3] sampled here), not the single boundary
points h = 1 and h = 2 the former version of this claim was refuted at.

Experiment: GD on ½λθ² (the trajectories of gd.five-regimes) at step sizes h
drawn uniformly in (1, 3] plus a regular grid, three curvatures λ. Each run is
checked to overshoot (θ₁/θ₀ < 0, all of them do) and its measured value is the
growth indicator [|θ_T| > |θ₀|]. The seed's reading predicts 1 at every point;
the measured indicator is 0 for every h < 2 (details: the fraction of the
overshooting sample that converges, ≈ 1/2). The count of distinct qualitative
behaviours along h (five, gd.five-regimes) is kept in details.

Tolerance: integer labels, Exact(rtol=0, atol=0.5). The indicators are exact:
|θ_T|/|θ₀| = |1 − h|^T is below 1 exactly when |1 − h| < 1 (rounding changes
|1 − h| by ~1e-16, which matters only within ~1e-16 of h = 2, a point the
sample excludes). Mutant, the nearest other reading:
"overshooting diverges once the overshoot exceeds half the distance" (h > 1.5),
refuted on 1.5 < h < 2.
"""

import numpy as np
import sympy as sp

from claims.gd.five_regimes import regime_trajectories
from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from theory.regimes_seed import overshoot_diverges_seed
from theory.symbols import h


def experiment(params, rng):
    h_one = np.concatenate([np.linspace(1.05, 2.95, params["grid"]), rng.uniform(1.0, 3.0, params["random"])])
    h_one = h_one[np.abs(h_one - 2.0) > 1e-9]
    lam_choices = np.array([2.0**-4, 1.0, 2.0**5])
    lam = np.repeat(lam_choices, len(h_one))
    h_values = np.tile(h_one, len(lam_choices))
    obs = regime_trajectories(h_values, lam, params["steps"])
    overshoots = obs[1] * obs[0] < 0
    grows = (np.abs(obs[-1]) > np.abs(obs[0])).astype(float)
    # Count of distinct behaviours over the whole range (0, 3], as in the former version (details only).
    full = np.concatenate([np.linspace(0.05, 2.95, params["grid"]), [1.0, 2.0]])
    obs_all = regime_trajectories(full, np.ones_like(full), params["steps"])
    signatures = sorted(set(zip(np.sign(obs_all[1] * obs_all[0]).tolist(),
                                np.sign(np.abs(obs_all[-1]) - np.abs(obs_all[0])).tolist())))
    figure = Figure(
        title="Overshooting step sizes (h = ηλ > 1): does the error grow?", xlabel="h = ηλ",
        ylabel="grows (1) / converges (0)",
        series=(Series("measured growth indicator", h_values, grows, kind="scatter"),),
        theory_x="h", theory_grid={"h": np.linspace(1.0, 3.0, 201)}, draw_mutants=True,
    )
    converging = (grows == 0) & overshoots
    return Measurement(
        values=grows, inputs={"h": h_values}, figure=figure,
        details={"runs": int(len(h_values)), "all_overshoot": bool(np.all(overshoots)),
                 "fraction_overshooting_and_converging": float(np.mean(converging)),
                 "largest_h_converging": float(np.max(h_values[converging])) if np.any(converging) else None,
                 "distinct_behaviours_on_(0,3]": len(signatures)},
    )


CLAIM = Claim(
    id="gd.three-regimes-seed",
    title="Seed 000: exactly three step-size regimes, overshooting means divergence",
    statement=("Seed 000 as written: on a quadratic bowl GD's dynamics fall into exactly three regimes (crawl, converge "
               "fast, diverge), and a step size that overshoots the minimum makes the error grow (divergence). "
               "Refuted on a set of positive measure: every h = ηλ in (1, 2) overshoots and converges."),
    source=Source("seed 000", "On a quadratic bowl the dynamics are exactly three regimes: too small and you crawl (each "
                  "step removes a fixed fraction of the remaining distance, very slowly); just right and you converge "
                  "fast; too large and each step overshoots the minimum by more than it gained, so the error grows "
                  "geometrically — divergence."),
    derivation=overshoot_diverges_seed,
    experiment=experiment,
    params=Params(symbols={"h": "h"}, quick={"grid": 39, "random": 60, "steps": 200},
                  full={"grid": 191, "random": 600, "steps": 1000}),
    comparison=Exact(rtol=0.0, atol=0.5),
    expected=Verdict.REFUTED,
    corrects="gd.five-regimes",
    mutants=(
        Mutant("overshooting diverges once the overshoot exceeds half the distance (h > 3/2)",
               sp.Piecewise((1, h > sp.Rational(3, 2)), (0, True))),
    ),
)
