"""sgd.unbiased — E[∇ℓ_I] = ∇L for a uniform index I.

Experiment: ridge and logistic finite sums (empirics/finite_sum.py) at random
points. The expectation over a uniform index is a finite average, so it is
computed *exactly* by enumerating every component gradient
(``component_grads``, the per-sample formula) and compared with the
objective's own gradient (``grad``, the matrix formula computed independently).

Tolerance: both sides are sums of n ≤ 400 terms of size ≤ ~10 computed in
different orders; their rounding differs by at most ~n·eps·max|term| ≈ 1e-12,
so atol = 1e-11 (on gradients of order 1) with rtol = 1e-11 is a floating-point
tolerance, not a statistical one. A Monte-Carlo check is reported beside it:
the Student-t interval (α = 1e-4 per claim, Bonferroni over coordinates;
empirics/statistics.py) of the mean of sampled gradients, and whether it
contains ∇L. Mutants (a sign slip, or the mini-batch *sum* read as a mean
for B = 2) are off by O(|∇L|) and refuted by ten orders of magnitude.
"""

import numpy as np

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.finite_sum import synthetic_logistic, synthetic_ridge
from empirics.statistics import CLAIM_ALPHA, mean_interval
from empirics.stochastic import FiniteSumOracle, Sampler
from theory.sgd import g_full, unbiased


def experiment(params, rng):
    n, d, points = params["n"], params["dim"], params["points"]
    problems = [synthetic_ridge(rng, n, d, kappa=10.0, noise=0.5, reg=0.1),
                synthetic_logistic(rng, n, d, reg=0.01)]
    exact, full, mc_hits, mc_lo, mc_hi, mc_mean, first = [], [], [], [], [], [], []
    for problem in problems:  # two problem types, not a loop over runs
        x = rng.standard_normal((points, d))
        exact.append(problem.component_grads(x).mean(axis=1).ravel())
        full.append(problem.grad(x).ravel())
        # Monte Carlo: M single-sample gradients at the first point.
        oracle = FiniteSumOracle(problem, Sampler("with_replacement", n, 1))
        samples, _ = oracle(np.repeat(x[:1], params["mc_draws"], axis=0), None, rng)
        ci = mean_interval(samples, CLAIM_ALPHA, axis=0, points=2 * d)
        g = problem.grad(x[:1])[0]
        mc_hits.append(ci.contains(g))
        first.append(g)
        mc_lo.append(ci.lower), mc_hi.append(ci.upper), mc_mean.append(ci.estimate)
    exact, full = np.concatenate(exact), np.concatenate(full)
    figure = Figure(
        title="Mean of the component gradients vs the full gradient (every coordinate)",
        xlabel="∇L coordinate", ylabel="(1/n) Σ ∇ℓ_i coordinate",
        series=(Series("exact average over i", full, exact, kind="scatter"),
                Series("Monte-Carlo mean with CI (first point)", np.concatenate(first), np.concatenate(mc_mean),
                       kind="errorbar",
                       lower=np.concatenate(mc_lo), upper=np.concatenate(mc_hi)),
                Series("theory: E = ∇L", full, full, kind="line", role="theory")),
    )
    return Measurement(
        values=exact,
        inputs={"grad_L": full},
        figure=figure,
        details={"points": int(exact.size),
                 "monte_carlo_draws": params["mc_draws"],
                 "monte_carlo_ci_contains_grad_L": bool(np.all(np.concatenate(mc_hits))),
                 "monte_carlo_level": CLAIM_ALPHA},
    )


CLAIM = Claim(
    id="sgd.unbiased",
    title="A uniformly sampled component gradient is an unbiased estimate of ∇L",
    statement=("For L = (1/n) Σ_i ℓ_i and I uniform on {1, …, n}, E[∇ℓ_I(θ)] = ∇L(θ) at every θ; "
               "the expectation is a finite average and holds exactly."),
    source=Source("seed 004", "SGD is unbiased: E[∇ℓ_i] = ∇L."),
    references=("Bottou, Curtis & Nocedal (2018), Optimization Methods for Large-Scale Machine Learning, §4",),
    derivation=unbiased,
    experiment=experiment,
    params=Params(
        symbols={"grad_L": "g_bar"},
        quick={"n": 100, "dim": 5, "points": 20, "mc_draws": 4000},
        full={"n": 400, "dim": 10, "points": 200, "mc_draws": 40000},
    ),
    comparison=Exact(rtol=1e-11, atol=1e-11),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("sign slip: E[∇ℓ_I] = −∇L", -g_full),
        Mutant("mini-batch sum read as a mean (B = 2): 2∇L", 2 * g_full),
    ),
)
