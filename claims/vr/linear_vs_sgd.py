"""vr.linear-vs-sgd — per evaluation, SVRG/SAGA converge linearly; SGD stalls (constant η) or is sublinear (c/t).

Derivation (theory/variance_reduction.sgd_suboptimality_exponent): SGD's
mean-square error obeys e₊ = (1 − 2η_t a)e + η_t²σ*² with σ*² > 0 the
gradient variance at the optimum; it tracks the balance e ≈ η_tσ*²/(2a), so
with η_t ∝ t^{−ω} the suboptimality decays as t^{−ω}: exponent 0 for a
constant step (the noise floor) and −1 for c/t (2cμ > 1). Variance-reduced
directions have zero variance at the optimum (the σ*² term is absent), which
is what lets SVRG and SAGA contract geometrically down to rounding.

Experiment: one ridge finite sum (n components, exact μ = reg and L_max,
targets with noise so σ*² > 0), one start, R independent runs of each method
on the cost axis of gradient evaluations: constant-η SGD (η = 1/(2L_max)),
SGD with η_t = c/(t₀ + t), c = 2/μ (2cμ = 4) and t₀ = 2cL_max (so η₀ is the
same), SVRG (η = 1/(10L_max), m = 2n, option II) and SAGA (γ = 1/(2(μn +
L_max))), and full GD (η = 1/L). The judged quantity is the SGD exponent: the runs
of each schedule are split into G independent groups, the group mean of
(f − f*) (a Monte-Carlo estimate of E(f − f*)) is fitted against ln(t₀ + t) on a
dense log grid, one OLS slope per group, and the Student-t interval over the G
slopes (level 1e-4 = CLAIM_ALPHA, Bonferroni over the two points;
empirics/statistics.slope_across_seeds) is judged. Windows: t ≥ T/8 for the
constant step (stationary there), t ≥ T/32 for c/(t₀ + t) (its transient decays
as (t₀ + t)^(−2cμ) = (t₀ + t)^(−4); the wider log range matters because its
fluctuations decorrelate only over ~t/2 steps). Until this version one slope
per run was fitted, whose chi-square noise gave half-widths ±0.15–0.17 (an
exponent 0.1 off was accepted); now ±0.05 (ω = 0) and ±0.08–0.10 (ω = 1) in the
quick profile (R = 100 runs, 20 groups), below the quick goal 0.125. Alternatives: each schedule's
exponent is checked against the other's (0 vs −1). The VR half of the statement
is a condition on the experiment: the geometric mean over runs of SVRG and of
SAGA must get below 1e-10 of the initial suboptimality within the budget
(observed ≈ 1e-13, the rounding floor of f − f* at this scale; single runs can
lag, one ended at 3e-8 at the suite's default seed) while the mean over runs
of each SGD schedule stays above 1e-6 (observed ≥ 2e-4); otherwise
the experiment raises and the claim ends in ERROR. Evaluations to 1e-10 and
final values are in details (the VR rates themselves are judged in
vr.svrg-rate, vr.saga-rate and vr.complexity).

Mutants: "error ∝ η_t²" (exponent −2ω) and "error ∝ √η_t" (−ω/2, the
distance rather than the squared distance).
"""

import numpy as np

from convergence import Claim, Exponent, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.statistics import CLAIM_ALPHA, slope_across_seeds
from empirics.variance_reduction import gradient_descent, null_direction_ridge, saga, sgd, suboptimality, svrg
from theory.variance_reduction import omega, sgd_suboptimality_exponent

ALPHA = CLAIM_ALPHA  # the catalogue-wide level (empirics/statistics.py: 60 claims × 1e-4 ≤ 1 %)


def experiment(params, rng):
    problem = null_direction_ridge(rng, params["n"], params["d"], params["kappa"], noise=1.0)
    n, L, mu = problem.n, problem.L_max, problem.mu
    start = problem.x_star + rng.standard_normal(params["d"])
    gap0 = float(suboptimality(problem, start[None])[0])
    runs, steps = params["runs"], params["steps"]
    gap = lambda x: suboptimality(problem, x) / gap0  # noqa: E731
    checkpoints = np.unique(np.r_[0, np.round(np.geomspace(1, steps, 60)).astype(int),
                                  np.round(np.geomspace(steps / 32, steps, params["window_points"])).astype(int),
                                  np.round(np.geomspace(steps / 8, steps, params["window_points"])).astype(int)])
    c = 2.0 / mu
    t0 = 2 * c * L
    eta_const = 1.0 / (2 * L)
    is_decay = np.repeat([False, True], runs)

    def schedule(t):
        return np.where(is_decay, c / (t0 + t), eta_const)

    x0 = np.tile(start, (2 * runs, 1))
    rec = sgd(problem, x0, schedule, steps, rng, checkpoints, gap)
    window = checkpoints >= steps / 8
    # Groups of runs: the mean suboptimality of each group (a Monte-Carlo estimate of E(f − f*)) is fitted
    # on log-log axes, one slope per group; groups are independent, so the t interval over their slopes is
    # valid (empirics/statistics.slope_across_seeds), and averaging within a group removes most of the
    # per-run chi-square noise that dominated per-run slopes.
    # The constant step is fitted where it is stationary (t ≥ T/8); the c/(t₀ + t) run over t ≥ T/32
    # (its transient decays as (t₀ + t)^(−2cμ) = (t₀ + t)^(−4), below 1e-4 of the 1/t term there), whose
    # wider log range matters: its fluctuations decorrelate only over ~t/2 steps.
    groups = params["groups"]
    wide = checkpoints >= steps / 32
    fits = []
    for j, mask in enumerate((window, wide)):
        grouped = rec.observations[mask][:, j * runs:(j + 1) * runs].reshape(mask.sum(), groups, -1).mean(axis=2)
        fits.append(slope_across_seeds(np.log(t0 + checkpoints[mask]), np.log(grouped).T, ALPHA, points=2))
    mean = np.array([f.estimate for f in fits])
    half = np.array([f.upper - f.estimate for f in fits])

    # Variance-reduced methods and GD on the same problem, start and cost axis.
    vr_runs = params["vr_runs"]
    svrg_res = svrg(problem, np.tile(start, (vr_runs, 1)), 1 / (10 * L), 2 * n, params["svrg_epochs"], rng,
                    gap=gap)
    saga_steps = params["saga_epochs"] * n
    saga_rec = saga(problem, np.tile(start, (vr_runs, 1)), 1 / (2 * (mu * n + L)), saga_steps, rng,
                    np.unique(np.r_[0, np.round(np.geomspace(1, saga_steps, 60)).astype(int)]), gap)
    gd_steps = steps // n
    gd_rec = gradient_descent(problem, start[None], 1 / problem.L, gd_steps, np.arange(gd_steps + 1), gap)

    def to_eps(values, evals, level=1e-10):
        reached = values <= level
        return float(evals[np.argmax(reached)]) if reached.any() else float("inf")

    svrg_mean = np.exp(np.log(svrg_res.gaps).mean(axis=0))
    saga_mean = np.exp(np.log(np.maximum(saga_rec.observations, 1e-300)).mean(axis=1))
    # The statement's other half, "SVRG and SAGA converge linearly to machine precision", is a condition on
    # the experiment: each VR method's geometric mean over runs must get below 1e-10 of the initial
    # suboptimality within its budget, while both SGD schedules' mean suboptimality stays above 1e-6 (else the
    # two halves would not differ). Failing it is an ERROR, so the claim fails verification.
    vr_best = np.array([svrg_mean.min(), saga_mean.min()])
    sgd_final = rec.observations[-1].reshape(2, runs).mean(axis=1)
    if not (np.all(vr_best <= 1e-10) and np.all(sgd_final >= 1e-6)):
        raise RuntimeError(f"VR half not met: SVRG/SAGA geometric means reach {vr_best.max():.3g} (need ≤ 1e-10), "
                           f"SGD means end at {sgd_final.min():.3g} (need ≥ 1e-6)")
    sgd_mean = rec.observations.reshape(len(checkpoints), 2, runs).mean(axis=2)
    evals_svrg = svrg_res.evaluations.mean(axis=0)
    figure = Figure(
        title="Suboptimality per gradient evaluation: SGD stalls or is sublinear, SVRG/SAGA are linear",
        xlabel="gradient evaluations", ylabel="(f − f*)/(f(x₀) − f*)", xscale="log", yscale="log",
        series=(
            Series("SGD, constant η", np.maximum(checkpoints, 1), sgd_mean[:, 0]),
            Series("SGD, η = c/(t₀ + t)", np.maximum(checkpoints, 1), sgd_mean[:, 1]),
            Series("SVRG (geometric mean over runs)", np.maximum(evals_svrg, 1), svrg_mean),
            Series("SAGA (geometric mean over runs)", saga_rec.evaluations, saga_mean),
            Series("full GD", np.maximum(n * gd_rec.steps, 1), gd_rec.observations[:, 0]),
            Series("slope 0 (theory, ω = 0)", checkpoints[window], np.full(window.sum(), sgd_mean[window, 0].mean()),
                   role="theory"),
            Series("slope −1 (theory, ω = 1)", checkpoints[window],
                   sgd_mean[window, 1][0] * (t0 + checkpoints[window][0]) / (t0 + checkpoints[window]), role="theory"),
            Series("SAGA bound rate (1 − μ/(2(μn + L)))^k", saga_rec.evaluations,
                   saga_mean[0] * (1 - mu / (2 * (mu * n + L))) ** (saga_rec.evaluations - n), role="theory"),
        ),
    )
    return Measurement(
        values=mean, inputs={"omega": np.array([0.0, 1.0])}, interval=(mean - half, mean + half), level=ALPHA,
        samples=runs, figure=figure,
        details={
            "points": ["SGD constant step (omega=0)", "SGD c/(t0+t) (omega=1)"],
            "evaluations_to_1e-10": {"SVRG": to_eps(svrg_mean, evals_svrg), "SAGA": to_eps(saga_mean, saga_rec.evaluations),
                                     "GD": to_eps(gd_rec.observations[:, 0], n * gd_rec.steps),
                                     "SGD constant": to_eps(sgd_mean[:, 0], checkpoints),
                                     "SGD c/t": to_eps(sgd_mean[:, 1], checkpoints)},
            "final_relative_suboptimality": {"SVRG": float(svrg_mean[-1]), "SAGA": float(saga_mean[-1]),
                                             "GD": float(gd_rec.observations[-1, 0]),
                                             "SGD constant": float(sgd_mean[-1, 0]), "SGD c/t": float(sgd_mean[-1, 1])},
            "sgd_constant_floor_mean": float(sgd_mean[window, 0].mean()),
            "n": n, "kappa": params["kappa"],
        },
    )


CLAIM = Claim(
    id="vr.linear-vs-sgd",
    title="Per evaluation: SVRG/SAGA linear to machine precision, SGD stalls or is sublinear",
    statement=(
        "On a strongly convex finite sum with nonzero gradient variance at the optimum, the suboptimality of SGD "
        "with step η_t ∝ t^{−ω} decays as t^{−ω} per gradient evaluation (ω = 0: a constant-step noise floor; "
        "ω = 1: sublinear 1/t), while SVRG and SAGA converge linearly to machine precision."
    ),
    source=Source("seed 001", "These methods achieve linear convergence for strongly convex problems, matching "
                  "full-batch performance with stochastic cost."),
    references=("Bottou, Curtis & Nocedal (2018), Optimization methods for large-scale machine learning, §4–5",
                "Johnson & Zhang (2013)", "Defazio, Bach & Lacoste-Julien (2014)"),
    derivation=sgd_suboptimality_exponent,
    experiment=experiment,
    params=Params(
        symbols={"omega": "omega"},
        quick={"n": 100, "d": 5, "kappa": 10.0, "runs": 100, "groups": 20, "window_points": 80, "steps": 8000, "vr_runs": 8, "svrg_epochs": 14,
               "saga_epochs": 30},
        full={"n": 200, "d": 8, "kappa": 10.0, "runs": 300, "groups": 30, "window_points": 150, "steps": 30000, "vr_runs": 32, "svrg_epochs": 30,
              "saga_epochs": 50},
    ),
    comparison=Exponent(alpha=ALPHA, alternative=(-1.0, 0.0)),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("error ∝ η_t² (exponent −2ω)", -2 * omega),
        Mutant("error ∝ √η_t (exponent −ω/2)", -omega / 2),
    ),
)
