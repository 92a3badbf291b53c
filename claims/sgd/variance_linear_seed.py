"""sgd.variance-linear-seed — seed 004: the variance "decreases linearly with batch size".

The seed's sentence has two parts. Its formula, Var(∇ℓ_i)/B, is right
(sgd.minibatch-variance confirms it with replacement) and is not what this
claim judges. What is refuted is the word "linearly", read as: the variance is
an affine function of B, i.e. it falls by the same amount for each sample added
to the batch. Read literally, a linear decrease is a straight line in B; the one consistent
with the sources runs from σ² at B = 1 to 0 at B = n (seed 001's table: "Full
dataset: Zero"), Var = σ²(n − B)/(n − 1). Its log-log slope at B is
−B/(n − B), ≈ 0 for B ≪ n. The measured slope (with replacement) is −1.

Experiment: the same draws as sgd.minibatch-variance (claims/sgd/_batch_variance.py),
split into S independent seeds (groups of runs); each seed's log mean squared
error is regressed on log B and the S slopes give a Student-t interval at
α = 1e-4 (empirics/statistics.py; one exponent, so no Bonferroni split). The
seed's elasticity is evaluated at the geometric centre of the B range. The
alternative is the correct exponent −1; the mutant (a square-root law, −½)
is refuted too.
"""

import numpy as np

from convergence import Claim, Exponent, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.statistics import CLAIM_ALPHA, slope_across_seeds
from theory.sgd import variance_linear_seed

from ._batch_variance import batch_errors


def experiment(params, rng):
    errors, sizes, sigma2, n = batch_errors(params, rng)
    seeds = params["seeds"]
    per_seed = errors.reshape(seeds, -1, len(sizes)).mean(axis=1)
    fit = slope_across_seeds(np.log(sizes), np.log(per_seed), CLAIM_ALPHA)
    centre = float(np.exp(np.mean(np.log(sizes))))
    linear = sigma2 * (n - sizes) / (n - 1)
    figure = Figure(
        title="Mini-batch variance against B: measured vs the seed's linear decrease",
        xlabel="batch size B", ylabel="E‖g_B − ∇L‖²", xscale="log", yscale="log",
        series=(Series("measured (mean over seeds)", sizes, per_seed.mean(axis=0), kind="scatter"),
                Series("seed 004 read literally: σ²(n − B)/(n − 1)", sizes, linear, kind="line", role="theory"),
                Series("σ²/B", sizes, sigma2 / sizes, kind="line", role="theory")),
    )
    return Measurement(
        values=fit.estimate, interval=(fit.lower, fit.upper), level=CLAIM_ALPHA, samples=seeds,
        inputs={"B": centre, "n": float(n)}, figure=figure,
        details={"slopes_per_seed_sd": float(np.std(fit.slopes, ddof=1)), "sigma2": sigma2, "B_centre": centre},
    )


CLAIM = Claim(
    id="sgd.variance-linear-seed",
    title="Seed 004: mini-batch variance 'decreases linearly with batch size'",
    statement=("Seed 004's reading refuted here: the variance of the mini-batch gradient decreases linearly "
               "(as an affine function) in B, i.e. along the straight line from σ² (B = 1) to 0 (B = n), whose "
               "log-log slope is −B/(n − B) ≈ 0 for B ≪ n. The measured slope is −1: the decrease is inverse, "
               "not linear. The same sentence's formula Var(∇ℓ_i)/B is right and is not what is refuted."),
    source=Source("seed 004", "The variance of g_t is Var(∇ℓ_i)/B, decreasing linearly with batch size."),
    derivation=variance_linear_seed,
    experiment=experiment,
    params=Params(
        symbols={"B": "B", "n": "n"},
        quick={"n": 500, "dim": 4, "runs": 20000, "seeds": 20, "batch_sizes": [1, 2, 4, 8, 16, 32, 64]},
        full={"n": 2000, "dim": 4, "runs": 100000, "seeds": 40, "batch_sizes": [1, 2, 4, 8, 16, 32, 64]},
    ),
    comparison=Exponent(alpha=CLAIM_ALPHA, alternative=-1.0),
    expected=Verdict.REFUTED,
    corrects="sgd.minibatch-variance",
    mutants=(Mutant("a square-root law: slope −1/2", -0.5),),
)
