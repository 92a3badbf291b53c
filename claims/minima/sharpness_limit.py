"""minima.sharpness-limit — GD with step η cannot converge to a minimum sharper than 2/η.

Experiment: the equal-depth double well (empirics.problems.DoubleWell) with
a tunable sharp minimum of curvature a_s = 8D/w_s². For each step size η in a
grid (one batch), bisect the curvature a_s at which GD started next to the
sharp minimum (offset 1e-9·w_s) stops converging to it: a run is "not
converging" when its distance to the minimum ever exceeds 10× the start
offset, or does not shrink over the second half of T steps; a run whose
distance has reached the rounding floor (≤ 1e-13·w_s, four decades below the
start) counts as converged. The bracket provably
holds: at a_s = 1/η the multiplier 1 − ηa_s is 0 (one step to the rounding
floor, never growing); at a_s = 3/η it is −2, so the offset, still in the linear
regime (1e-9·w_s), exceeds 10× its start within 4 steps. (The former rule, "not
shrinking over the second half", judged only the end of the run: after leaving
the basin at ηa_s = 3 a run can land back on an orbit near w_s, which ended
master seed 102 in ERROR.) Bisection
over [1/η, 3/η] for 45–50 halvings leaves a bracket of ~1e-14 relative.
What limits the accuracy is representing the offset: e = 1e-9·w_s stored in
x ≈ w_s carries a rounding error of eps·w_s ≈ 1e-16·w_s, i.e. 1e-7 of e per
step, so multipliers within ~1e-7 of −1 are misclassified (observed: 1.1e-7
worst relative error in the quick profile). The cubic term 12D e²/w_s³ of
the well shifts the multiplier by ~1e-9 relative, below that. The mutants
(1/η, the one-step point, and 1.96/η) are refuted by the GD points by four to
six orders of magnitude.
The mean of SGD with unbiased gradient noise follows the same linear
recursion on a quadratic (derivation), so the same limit applies to it; that
half is measured too: SGD θ₊ = θ − η(aθ + σξ) on ½aθ² from θ₀ = 1, R runs with
noise ησ = 0.05 per step (each run's accumulated noise ≈ 0.05√T ≈ 1, as large
as the start), and the curvature at which the *sample mean* over the runs ends
above its start |θ₀| = 1 after T steps is bisected in [1.9/η, 2.1/η], with the
same noise for every candidate curvature (common random numbers). The sample
mean's noise is ≈ 0.05·√(T/R) ≈ 0.05 of the start, so the mean's factor
(1 + δ)^T is told from 1 once |δ| exceeds ≈ 4·0.05/T = 5e-4 (quick: T = 400,
R = 400); at the bracket ends |1 − ηa| = 0.9 or 1.1, decided by factors 1e-18
or 4e16. Observed errors are in details.

Tolerance: rtol = 1e-3, set by the SGD points (twice the noise-limited
resolution 5e-4; observed SGD errors ≤ 1.3e-4 at master seeds 0, 102, 112);
the GD points are exact to ~1e-7. The mutant 1.96/η and a theory
2 % off either way are refuted by every point. (rtol was 1e-6 while only GD
was measured.)
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.estimators import bisect_threshold
from empirics.optimizers import gradient_descent
from empirics.problems import DoubleWell
from empirics.stochastic import GaussianNoiseOracle, sgd_method
from theory.saddles import eta, sharpness_limit


def _leaves(eta_v, depth, steps):
    def unstable(a_s):
        w_s = np.sqrt(8 * depth / a_s)[:, None]  # one run per step size, a_s per run
        well = DoubleWell(depth, 1.0, w_s)
        start = 1e-9 * w_s
        grew = np.zeros(w_s.shape, dtype=bool)
        half = np.full(w_s.shape, np.nan)

        def watch(t, x, state, diverged):
            if t >= 1:
                grew[:] |= ~(np.abs(x - w_s) <= 10 * start)  # NaN counts as grown
            if t == steps // 2:
                half[:] = np.abs(x - w_s)

        # blowup=None: a run that leaves the basin is judged by `grew`, not zeroed
        trajectory = run(gradient_descent(eta_v[:, None]), well.grad, w_s + start, steps,
                         checkpoints=(), blowup=None, every_step=watch)
        end = np.abs(trajectory.x_final - w_s)
        # Converging: never grew beyond 10× the start offset (in the linear regime |e| is monotone, so
        # a multiplier of modulus > 1 + 1e-2 is caught within ~230 steps whatever happens after it
        # leaves the basin), still shrinking at the end, or already at the rounding floor
        # (|x − w_s| ~ eps·w_s, where x may hop between neighbouring doubles).
        converging = ~grew & np.isfinite(end) & ((end < half) | (end <= 1e-13 * w_s))
        return ~converging[:, 0]

    return unstable


def _sgd_mean_leaves(eta_v, runs, steps, noise_step, seed):
    """SGD θ₊ = θ − η(aθ + σξ) on ½aθ², R runs from θ₀ = 1: has the *sample mean* grown beyond 1 by step T?

    σ = noise_step/η, so each run's noise ησ√T is comparable to the start; the same noise
    (common random numbers, regenerated from ``seed`` at every call) is used for every
    candidate curvature, so the bisection compares curvatures, not noise draws.
    """
    def unstable(a):
        # One engine run per candidate: rows are the R runs, columns the step sizes (each with its own a
        # and σ), so blowup=None: a row that blows up in one column must not be zeroed in the others.
        oracle = GaussianNoiseOracle(lambda theta: a * theta, noise_step / eta_v)
        trajectory = run(sgd_method(oracle, np.random.default_rng(seed), eta_v), None, np.ones((runs, len(eta_v))),
                         steps, checkpoints=(), blowup=None)
        end = np.abs(trajectory.x_final.mean(axis=0))
        return ~(np.isfinite(end) & (end < 1.0))  # the mean grew beyond its start |θ₀| = 1

    return unstable


def experiment(params, rng):
    eta_v = np.geomspace(params["eta_min"], params["eta_max"], params["n_eta"])
    eta_v = eta_v * np.exp(rng.uniform(-0.05, 0.05, eta_v.shape))
    lo, hi = bisect_threshold(_leaves(eta_v, params["depth"], params["steps"]), 1.0 / eta_v, 3.0 / eta_v,
                              params["halvings"])
    eta_s = np.asarray(params["sgd_etas"], dtype=float)
    lo_s, hi_s = bisect_threshold(
        _sgd_mean_leaves(eta_s, params["sgd_runs"], params["sgd_steps"], params["sgd_noise_step"],
                         int(rng.integers(2**63))),
        1.9 / eta_s, 2.1 / eta_s, params["sgd_halvings"])
    gd_sharpest = 0.5 * (lo + hi)
    sgd_sharpest = 0.5 * (lo_s + hi_s)
    sharpest = np.concatenate([gd_sharpest, sgd_sharpest])
    figure = Figure(
        title="Sharpest minimum GD converges to, against the step size",
        xlabel="step size η", ylabel="largest curvature a_s GD converges to", xscale="log", yscale="log",
        series=(Series("GD, bisected on the double well", eta_v, gd_sharpest, kind="scatter"),
                Series("SGD, sample mean of R noisy runs on ½aθ²", eta_s, sgd_sharpest, kind="scatter")),
        theory_x="eta", theory_grid={"eta": np.geomspace(eta_v.min(), eta_v.max(), 100)}, draw_mutants=True,
    )
    return Measurement(values=sharpest, inputs={"eta": np.concatenate([eta_v, eta_s])}, figure=figure,
                       details={"max_bracket_relative_width": float(np.max((hi - lo) / gd_sharpest)),
                                "sgd_points": int(len(eta_s)),
                                "sgd_relative_error": (sgd_sharpest * eta_s / 2 - 1).tolist(),
                                "gd_max_relative_error": float(np.max(np.abs(gd_sharpest * eta_v / 2 - 1)))})


CLAIM = Claim(
    id="minima.sharpness-limit",
    title="The step size sets the sharpest reachable minimum: curvature 2/η",
    statement=("GD with step η converges to a minimum of curvature a only if a < 2/η (from all but a measure-zero "
               "set of starts); the mean of SGD with unbiased noise obeys the same limit."),
    source=Source("seed 004", "SGD's gradient noise has an important side effect: it tends to find flat minima "
                  "(minima where the loss landscape has low curvature) rather than sharp ones."),
    references=("Wu, Ma & E (2018), How SGD selects the global minima in over-parameterized learning",
                "Cohen et al. (2021), Gradient descent on neural networks typically occurs at the edge of stability"),
    derivation=sharpness_limit,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta"},
        quick={"depth": 1.0, "eta_min": 1e-3, "eta_max": 1.0, "n_eta": 12, "steps": 400, "halvings": 45,
               "sgd_etas": [0.01, 0.1], "sgd_runs": 400, "sgd_steps": 400, "sgd_noise_step": 0.05,
               "sgd_halvings": 14},
        full={"depth": 1.0, "eta_min": 1e-4, "eta_max": 1.0, "n_eta": 60, "steps": 1000, "halvings": 50,
              "sgd_etas": [0.001, 0.01, 0.1], "sgd_runs": 1000, "sgd_steps": 1000, "sgd_noise_step": 0.05,
              "sgd_halvings": 16},
    ),
    comparison=Tight(rtol=1e-3),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("1/η (the one-step point)", 1 / eta),
        Mutant("1.96/η (2 % low)", 1.96 / eta),
    ),
)
