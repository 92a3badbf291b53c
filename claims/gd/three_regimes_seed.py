"""gd.three-regimes-seed — seed 000: "exactly three regimes" on a quadratic bowl. Refuted.

Experiment: the trajectories of gd.five-regimes (same code, GD on ½λθ² over a
grid of h = ηλ in (0, 3] containing h = 1 and h = 2 exactly), each reduced to
its qualitative signature: (sign of θ_{t+1}/θ_t: positive / zero / negative,
trend of |θ| from t = 0 to T: shrinks / constant / grows). The measured value
is the number of distinct signatures along the h axis.

Tolerance: a count; Exact(rtol=0, atol=0.5) accepts only the same integer.
The signatures are exact (see gd.five-regimes). Five are observed, so the
seed's three is refuted; the mutants (four regimes: the h = 2 boundary merged
into divergence; two: converge/diverge) are refuted by the same count.
"""

import numpy as np

from claims.gd.five_regimes import regime_trajectories
from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from theory.gd_convergence import three_regimes_seed


def experiment(params, rng):
    grid = np.concatenate([np.linspace(0.05, 2.95, params["grid"]), [1.0, 2.0],
                           rng.uniform(0.01, 3.0, params["random"])])
    lam = np.ones_like(grid)
    obs = regime_trajectories(grid, lam, params["steps"])
    step_sign = np.sign(obs[1] * obs[0])
    trend = np.sign(np.abs(obs[-1]) - np.abs(obs[0]))
    signatures = sorted(set(zip(step_sign.tolist(), trend.tolist())))
    code = np.array([signatures.index(s) for s in zip(step_sign.tolist(), trend.tolist())])
    figure = Figure(
        title="Distinct behaviours of GD on ½θ² along h", xlabel="h = ηλ", ylabel="signature index",
        series=(Series("trajectory signature", grid, code, kind="scatter"),
                Series("seed 000: three regimes", [0, 3], [3, 3], kind="line", role="theory")),
    )
    return Measurement(
        values=np.array([len(signatures)], dtype=float), inputs={}, figure=figure,
        details={"signatures (sign of ratio, trend of |θ|)": [list(map(int, s)) for s in signatures],
                 "runs": int(len(grid))},
    )


CLAIM = Claim(
    id="gd.three-regimes-seed",
    title="Seed 000: exactly three step-size regimes on a quadratic",
    statement="Seed 000 as written: on a quadratic bowl, GD's dynamics fall into exactly three regimes (crawl, converge fast, diverge).",
    source=Source("seed 000", "On a quadratic bowl the dynamics are exactly three regimes: too small and you crawl (each "
                  "step removes a fixed fraction of the remaining distance, very slowly); just right and you converge "
                  "fast; too large and each step overshoots the minimum by more than it gained, so the error grows "
                  "geometrically — divergence."),
    derivation=three_regimes_seed,
    experiment=experiment,
    params=Params(symbols={}, quick={"grid": 59, "random": 40, "steps": 200},
                  full={"grid": 291, "random": 400, "steps": 1000}),
    comparison=Exact(rtol=0.0, atol=0.5),
    expected=Verdict.REFUTED,
    corrects="gd.five-regimes",
    mutants=(
        Mutant("four regimes (bounded oscillation merged into divergence)", 4),
        Mutant("two regimes (converge / diverge)", 2),
    ),
)
