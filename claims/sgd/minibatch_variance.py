"""sgd.minibatch-variance — with replacement, Var(g_B) = σ²/B (log-log slope −1).

Experiment (claims/sgd/_batch_variance.py): a ridge finite sum at a fixed
point; σ² is computed exactly from the n component gradients; for each batch
size B in 1 … 64 the mean of ‖g_B − ∇L‖² over R independent batches estimates
Var(g_B) (the mean ∇L is known, so no degree of freedom is lost).

Tolerance: the estimate is a mean of R i.i.d. squared norms, so its normal
interval from the estimated standard error is used at the catalogue level
α = 1e-4 per claim, Bonferroni-split over the B points (empirics/statistics.py
explains the choice of α). The resolution 0.1 (relative half-width) is what R
buys: the squared norms have a coefficient of variation ≈ 1.5–2, so
4.4·2/√R ≤ 0.06 for R = 20 000. The mutants σ²/√B and σ²/(B + 1) differ from
σ²/B by ≥ 30 % at B ≥ 2 (and 50 % at B = 1) and are refuted.
"""

import numpy as np
from sympy import sqrt

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Stochastic, Verdict
from empirics.statistics import CLAIM_ALPHA, normal_interval
from theory.sgd import B, minibatch_variance, sigma

from ._batch_variance import batch_errors


def experiment(params, rng):
    errors, sizes, sigma2, n = batch_errors(params, rng)
    mean = errors.mean(axis=0)
    stderr = errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0])
    ci = normal_interval(mean, stderr, CLAIM_ALPHA, points=len(sizes))
    grid = np.geomspace(1, sizes.max(), 100)
    figure = Figure(
        title="Variance of the mini-batch gradient (with replacement)",
        xlabel="batch size B", ylabel="E‖g_B − ∇L‖²", xscale="log", yscale="log",
        series=(Series("measured (CI at α = 1e-4)", sizes, mean, kind="errorbar", lower=ci.lower, upper=ci.upper),),
        theory_x="B", theory_grid={"B": grid, "sigma": np.full_like(grid, np.sqrt(sigma2))}, draw_mutants=True,
    )
    return Measurement(
        values=mean, stderr=stderr, samples=errors.shape[0],
        inputs={"B": sizes.astype(float), "sigma": np.full(len(sizes), np.sqrt(sigma2))},
        figure=figure, details={"sigma2": sigma2, "n": n},
    )


CLAIM = Claim(
    id="sgd.minibatch-variance",
    title="Mini-batch variance with replacement is σ²/B",
    statement=("If g_B averages B component gradients drawn independently and uniformly with replacement, "
               "then E‖g_B − ∇L‖² = σ²/B with σ² = (1/n) Σ_i ‖∇ℓ_i − ∇L‖²: doubling B halves the variance."),
    source=Source("seed 001", "The mini-batch gradient has variance inversely proportional to B ... "
                              "Doubling the batch size halves the variance."),
    references=("Bottou, Curtis & Nocedal (2018), SIAM Review 60(2), §5.2",),
    derivation=minibatch_variance,
    experiment=experiment,
    params=Params(
        symbols={"B": "B", "sigma": "sigma"},
        quick={"n": 500, "dim": 4, "runs": 20000, "batch_sizes": [1, 2, 4, 8, 16, 32, 64]},
        full={"n": 2000, "dim": 4, "runs": 100000, "batch_sizes": [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]},
    ),
    comparison=Stochastic(alpha=CLAIM_ALPHA, resolution=0.1),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("square-root law σ²/√B", sigma**2 / sqrt(B)),
        Mutant("off by one: σ²/(B + 1)", sigma**2 / (B + 1)),
    ),
)
