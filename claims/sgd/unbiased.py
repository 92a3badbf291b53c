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
resolution 0.05 relative half-width (INCONCLUSIVE above). M is sized per point
from an independent pilot (two-stage, see the experiment) for a half-width of
0.7 × 0.05 = 3.5 %, at least 20 000 (quick) or 150 000 (full) draws; the full
profile's floor resolves ≈ 1.5 % (B = 1) and 0.6 % (B = 5).
A sampler whose mean is 2 % off is refuted in the full profile, and in the
quick one for the B = 5 schemes (5 % for B = 1). A non-uniform sampler (e.g. index 0 never drawn,
or the batch *sum* read as the mean) moves the projection by O(|∇L|).

Until this version the claim compared the enumerated component average with
the matrix gradient — two algebraic forms of one computation; that identity
is now in details (``enumerated_vs_matrix_max_abs``), not the judged value.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Stochastic, Verdict
from empirics.problems import synthetic_logistic, synthetic_ridge
from empirics.statistics import CLAIM_ALPHA, Interval, draws_for_half_width, mean_interval
from empirics.stochastic import FiniteSumOracle, Sampler
from theory.sgd import g_full, unbiased

RESOLUTION = 0.05  # relative half-width above which the measurement is INCONCLUSIVE


def _first_draws(problem, sampler, x, u, rng, draws):
    """``draws`` independent first draws of the oracle at x: their projections on u and the full gradients."""
    oracle = FiniteSumOracle(problem, sampler)
    grads, _ = oracle(np.repeat(x, draws, axis=0), oracle.init(rng, draws), rng)  # (M, d), first draw
    return grads @ u, grads


def experiment(params, rng):
    n, d = params["n"], params["dim"]
    problems = {"ridge": synthetic_ridge(rng, n, d, kappa=10.0, noise=0.5, reg=0.1),
                "logistic": synthetic_logistic(rng, n, d, reg=0.01)}
    schemes = [(name, int(size)) for name, size in params["schemes"]]
    points = len(problems) * len(schemes)
    # Two-stage sample size (Stein): a pilot of independent draws estimates each point's coefficient of
    # variation cv = sd/‖∇L‖, which varies with the random problem and θ (at seeds 1–13, M = 40 000 gave a
    # widest half-width of 1.5–5.3 % against the 5 % resolution: INCONCLUSIVE at seed 12). The main sample,
    # drawn afresh (so the interval does not depend on the pilot), has M = (q·cv/target)² draws, target =
    # 0.7 × resolution, within [mc_draws, mc_draws_max]; the pilot's cv is within ~2 % of the truth, so the
    # half-width exceeds the resolution only if M is capped (reported in details).
    estimates, lowers, uppers, sizes, norms, labels, orth_t, identity = [], [], [], [], [], [], [], []
    for pname, problem in problems.items():  # two problem types, not a loop over runs
        x = rng.standard_normal((1, d)) * params["radius"] / np.sqrt(d)
        g = problem.grad(x)[0]
        u = g / np.linalg.norm(g)
        identity.append(float(np.max(np.abs(problem.component_grads(x).mean(axis=1)[0] - g))))
        for scheme, size in schemes:
            sampler = Sampler(scheme, n, size)
            pilot, _ = _first_draws(problem, sampler, x, u, rng, params["pilot_draws"])
            cv = float(pilot.std(ddof=1) / np.linalg.norm(g))
            draws = draws_for_half_width(cv, 0.7 * RESOLUTION, CLAIM_ALPHA, points, params["mc_draws"],
                                         params["mc_draws_max"])
            projected, grads = _first_draws(problem, sampler, x, u, rng, draws)
            ci = mean_interval(projected, CLAIM_ALPHA, points=points)
            estimates.append(float(ci.estimate))
            lowers.append(float(ci.lower))
            uppers.append(float(ci.upper))
            sizes.append(draws)
            norms.append(float(np.linalg.norm(g)))
            labels.append(f"{pname}, {scheme}, B = {size}")
            rest = grads - np.outer(projected, u)
            orth_t.append(float(np.max(np.abs(rest.mean(axis=0)) / (rest.std(axis=0, ddof=1) / np.sqrt(draws)
                                                                      + np.finfo(float).tiny))))
    ci = Interval(np.array(estimates), np.array(lowers), np.array(uppers), CLAIM_ALPHA)
    norms = np.asarray(norms)
    k = np.arange(len(norms), dtype=float)
    figure = Figure(
        title="Mean sampled gradient along ∇L / ‖∇L‖ (each problem and sampling scheme)",
        xlabel="case (problem × scheme)", ylabel="⟨mean ∇ℓ_I, u⟩",
        series=(Series("Monte-Carlo mean (t CI)", k, ci.estimate, kind="errorbar", lower=ci.lower, upper=ci.upper),
                Series("theory: ‖∇L‖", k, norms, kind="scatter", role="theory")),
    )
    return Measurement(
        values=ci.estimate, interval=(ci.lower, ci.upper), level=CLAIM_ALPHA, samples=min(sizes),
        inputs={"grad_L": norms},
        figure=figure,
        details={"cases": labels, "orthogonal_part_max_abs_t": orth_t,
                 "relative_half_width": (ci.half_width / norms).tolist(), "draws_per_point": sizes,
                 "draws_capped": [m == params["mc_draws_max"] for m in sizes],
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
        quick={"n": 50, "dim": 5, "radius": 3.0, "pilot_draws": 4000, "mc_draws": 20000, "mc_draws_max": 400000,
               "schemes": [["with_replacement", 1], ["without_replacement", 5], ["reshuffle", 5]]},
        full={"n": 50, "dim": 5, "radius": 3.0, "pilot_draws": 4000, "mc_draws": 150000, "mc_draws_max": 1000000,
              "schemes": [["with_replacement", 1], ["without_replacement", 5], ["reshuffle", 5], ["cyclic", 5]]},
    ),
    comparison=Stochastic(alpha=CLAIM_ALPHA, resolution=RESOLUTION),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("sign slip: E[∇ℓ_I] = −∇L", -g_full),
        Mutant("mini-batch sum read as a mean (B = 2): 2∇L", 2 * g_full),
    ),
)
