"""sgd.unbiased — E[∇ℓ_I] = ∇L for a uniform index I: the samplers' gradients are unbiased.

What is tested is the suite's stochastic gradient as SGD uses it: the
``FiniteSumOracle`` with each sampling scheme (with replacement, B = 1;
without replacement, one epoch's first batch of a reshuffled order, and (full
profile) a fixed random cyclic order, B = 5), on ridge and logistic finite sums at a
random point θ. The first draw of every scheme is a uniformly chosen index (or
batch of them), so each must average to ∇L. The measured value per
(problem, scheme) is the Monte-Carlo mean of M independent draws, projected on
u = ∇L/‖∇L‖; its theory is ‖∇L‖ (∇L from the objective's matrix formula, an
independent computation). The orthogonal part of the mean is reported in
details as the largest |t| statistic over the other directions.

Tolerance: Student-t interval over the M independent draws, α = 1e-4 per claim
with Bonferroni over the (problem, scheme) points (empirics/statistics.py);
resolution 0.05 relative half-width (INCONCLUSIVE above). The projected
gradient's coefficient of variation is ≈ 1–1.5 at these points, so the widest
half-width (with replacement, B = 1) is ≈ 2.9 % with M = 40 000 (quick) and
≈ 1.5 % with M = 150 000 (full); the B = 5 schemes resolve ≈ 1.2 % and 0.6 %.
A sampler whose mean is 2 % off is refuted in the full profile, and in the
quick one for the B = 5 schemes (5 % for B = 1). A non-uniform sampler (e.g. index 0 never drawn,
or the batch *sum* read as the mean) moves the projection by O(|∇L|).

Until this version the claim compared the enumerated component average with
the matrix gradient — two algebraic forms of one computation; that identity
is now in details (``enumerated_vs_matrix_max_abs``), not the judged value.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Stochastic, Verdict
from empirics.finite_sum import synthetic_logistic, synthetic_ridge
from empirics.statistics import CLAIM_ALPHA, mean_interval
from empirics.stochastic import FiniteSumOracle, Sampler
from theory.sgd import g_full, unbiased


def experiment(params, rng):
    n, d, draws = params["n"], params["dim"], params["mc_draws"]
    problems = {"ridge": synthetic_ridge(rng, n, d, kappa=10.0, noise=0.5, reg=0.1),
                "logistic": synthetic_logistic(rng, n, d, reg=0.01)}
    schemes = [(name, int(size)) for name, size in params["schemes"]]
    samples, norms, labels, orth_t, identity = [], [], [], [], []
    for pname, problem in problems.items():  # two problem types, not a loop over runs
        x = rng.standard_normal((1, d)) * params["radius"] / np.sqrt(d)
        g = problem.grad(x)[0]
        u = g / np.linalg.norm(g)
        identity.append(float(np.max(np.abs(problem.component_grads(x).mean(axis=1)[0] - g))))
        for scheme, size in schemes:
            sampler = Sampler(scheme, n, size)
            oracle = FiniteSumOracle(problem, sampler)
            grads, _ = oracle(np.repeat(x, draws, axis=0), oracle.init(rng, draws), rng)  # (M, d), first draw
            samples.append(grads @ u)
            norms.append(float(np.linalg.norm(g)))
            labels.append(f"{pname}, {scheme}, B = {size}")
            rest = grads - np.outer(grads @ u, u)
            orth_t.append(float(np.max(np.abs(rest.mean(axis=0)) / (rest.std(axis=0, ddof=1) / np.sqrt(draws)
                                                                      + np.finfo(float).tiny))))
    samples = np.stack(samples, axis=1)  # (M, points)
    ci = mean_interval(samples, CLAIM_ALPHA, axis=0, points=samples.shape[1])
    norms = np.asarray(norms)
    k = np.arange(len(norms), dtype=float)
    figure = Figure(
        title="Mean sampled gradient along ∇L / ‖∇L‖ (each problem and sampling scheme)",
        xlabel="case (problem × scheme)", ylabel="⟨mean ∇ℓ_I, u⟩",
        series=(Series("Monte-Carlo mean (t CI)", k, ci.estimate, kind="errorbar", lower=ci.lower, upper=ci.upper),
                Series("theory: ‖∇L‖", k, norms, kind="scatter", role="theory")),
    )
    return Measurement(
        values=ci.estimate, interval=(ci.lower, ci.upper), level=CLAIM_ALPHA, samples=draws,
        inputs={"grad_L": norms},
        figure=figure,
        details={"cases": labels, "orthogonal_part_max_abs_t": orth_t,
                 "relative_half_width": (ci.half_width / norms).tolist(),
                 "enumerated_vs_matrix_max_abs": max(identity)},
    )


CLAIM = Claim(
    id="sgd.unbiased",
    title="A uniformly sampled component gradient is an unbiased estimate of ∇L",
    statement=("For L = (1/n) Σ_i ℓ_i and I uniform on {1, …, n}, E[∇ℓ_I(θ)] = ∇L(θ) at every θ; "
               "the expectation is a finite average and holds exactly. The suite's samplers (with replacement, "
               "without replacement, reshuffled and cyclic orders) deliver such an unbiased gradient."),
    source=Source("seed 004", "SGD is unbiased: E[∇ℓ_i] = ∇L."),
    references=("Bottou, Curtis & Nocedal (2018), Optimization Methods for Large-Scale Machine Learning, §4",),
    derivation=unbiased,
    experiment=experiment,
    params=Params(
        symbols={"grad_L": "g_bar"},
        quick={"n": 50, "dim": 5, "radius": 3.0, "mc_draws": 40000,
               "schemes": [["with_replacement", 1], ["without_replacement", 5], ["reshuffle", 5]]},
        full={"n": 50, "dim": 5, "radius": 3.0, "mc_draws": 150000,
              "schemes": [["with_replacement", 1], ["without_replacement", 5], ["reshuffle", 5], ["cyclic", 5]]},
    ),
    comparison=Stochastic(alpha=CLAIM_ALPHA, resolution=0.05),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("sign slip: E[∇ℓ_I] = −∇L", -g_full),
        Mutant("mini-batch sum read as a mean (B = 2): 2∇L", 2 * g_full),
    ),
)
