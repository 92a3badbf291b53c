"""vr.svrg-rate — SVRG (option II) contracts f − f* by α = 1/(μη(1−2Lη)m) + 2Lη/(1−2Lη) per epoch.

Experiment. Two finite sums whose theorem constants are exact, not estimated
(empirics/variance_reduction.py): a ridge regression and an L2-regularised
logistic regression whose rows have equal norms and span d − 1 coordinates,
so every component is L = L_max smooth and the objective is exactly μ = reg
strongly convex (the last coordinate feels only the regulariser). The ridge
sum has μ = 1/4, not 1 (the logistic one has μ = 1), so that a factor with
another dependence on μ is refuted where it is much smaller (μ/(η(1 − 2Lη)m)
in place of 1/(μη(1 − 2Lη)m), say; an upper bound cannot refute a larger
one); with target noise 1/2 the ridge sum is 1/4 of the one at μ = 1 and η
four times larger, exact in binary, so its runs are the same. On a grid
of (η, m) inside the region α < 1 (η < 1/(4L), m > 1/(μη(1 − 4Lη))), R
independent runs per point (one batch: every grid point and seed, both
snapshot options) run S epochs from the same start. The theorem bounds the
conditional expectation E[Δ_s | x̃_{s−1}] ≤ αΔ_{s−1}, so each per-epoch ratio
q = Δ_s/Δ_{s−1} has expectation ≤ α; its mean is estimated per run (over the S
epochs) and across the independent runs.

Tolerance. The bound is on an expectation, so the measured value is the mean
per-epoch ratio over the independent runs with its standard error, and the
comparison is ``Upper(rtol=0, alpha=1e-4)`` (CLAIM_ALPHA): the bound, or a
mutant, is refuted only when the one-sided lower confidence limit (Student t
across runs, Bonferroni over the grid points) lies above it. (Until this
version the upper limit was passed as the measured value, so a mutant counted
as refuted without the interval excluding it.)

Tightness (why the 2 % goal is not met, and no instance built here could
meet it): no tight constant for Johnson & Zhang's α is known, so there is no
companion claim. The measured mean ratio is 0.12–0.46 α on the quick grid (master seeds 1–30) and
0.07–0.40 α on the full grid (details ``mean_ratio_over_alpha``; largest
lower confidence limit 0.33 α): the resolution is "tight 67 %" (full). The
most adversarial honest instance for the dominant term is the one the
experiment already approaches: with no gradient noise at all (a 1-D
quadratic of curvature μ, every component equal) option II's ratio is exactly
(1 − q^m)/(m(1 − q)), q = (1 − μη)², ≈ (1 − e^{−2μηm})/(2μηm), while
α ≥ 1/(μηm): the supremum of ratio/α over ηL ∈ [1e-4, 0.249], m ≤ 10⁶ is
0.4994, reached only as Lη → 0 and μηm → ∞. The factor 2 is the proof's
⟨∇f(x), x − x*⟩ ≥ f(x) − f*, which any quadratic satisfies with a factor 2 to
spare (equality needs f linear on the segment, while the step
‖x̃ − x*‖² ≤ 2Δ/μ needs it quadratic); the variance term 2Lη/(1 − 2Lη) chains
E‖∇f_i(x) − ∇f_i(x̃)‖² ≤ 2E‖∇f_i(x) − ∇f_i(x*)‖² + 2E‖…(x̃)…‖² and drops
the mean, each inexact on the same instance. So a bound 2× lower is not
refuted by any instance we know; the statement says the bound is loose and
the comparison carries this explanation (``resolution_note``).
Rounding is irrelevant: ridge suboptimality is evaluated as ½eᵀHe
(no cancellation); for logistic regression epochs that start below 1e-11
(where the difference f − f* is rounding-dominated) are left out of the mean. Every run's geometric-mean rate
(Δ_S/Δ_0)^{1/S} — whose expectation is ≤ α by Jensen — is also reported
against α (details: ``runs_above_alpha``).

Mutants. "Per-epoch factor e^{−μηm}" is the last-iterate (GD-like) intuition;
option II's random snapshot makes the mean ratio ≈ 1/(2μηm) instead, and the
lower confidence limit exceeds e^{−μηm} at the long epochs. The per-run ratios
are heavy-tailed (standard deviation ≈ 0.05 against means ≈ 0.07 at μηm = 4),
so with 30 runs and no epoch longer than μηm = 4 the quick profile left this
mutant standing at master seeds 17 and 25 (largest LCL/e^{−μηm} 0.90 and
0.82); the quick profile now has 60 runs and the point μηm = 8 (where
e^{−8} ≈ 3e-4 lies far below the ratio ≈ 0.06), as the full profile has:
over master seeds 1–30 the largest LCL/e^{−μηm} is then at least 9.2. "Variance term
only" drops the 1/(μη(1 − 2Lη)m) term, as if a finite epoch had no cost: it
is 5–20× below the measured ratios. (The former mutant "μ replaced by L in the
first term" is only κ = 4 times optimistic in that term, ≈ 0.3 α, inside the
measured 0.17–0.38 α: the data cannot exclude it at α = 1e-4 and it counted as
refuted only through the upper confidence limit.) Both are refuted when the
lower confidence limit lies above them.
Option I (last iterate) is measured and drawn beside option II; the theorem
does not cover it.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Upper, Verdict
from convergence.comparisons import one_sided_limit
from empirics.statistics import CLAIM_ALPHA
from empirics.variance_reduction import null_direction_logistic, null_direction_ridge, svrg
from theory.symbols import L, eta, mu
from theory.variance_reduction import m, svrg_contraction

ALPHA = CLAIM_ALPHA  # the catalogue-wide level (empirics/statistics.py: 60 claims × 1e-4 ≤ 1 %)
# Below these, f − f* is rounding: ½eᵀHe for ridge is accurate to ~1e-30; the logistic difference
# f(x) − f* to ~1e-16 (|f*| ≈ 0.5), so ratios are kept only for epochs starting above 1e-11.
FLOOR = {"ridge": 1e-28, "logistic": 1e-11}


def _one_problem(problem, grid, params, rng, label):
    L_v, mu_v = problem.L_max, problem.mu
    eta_l = np.array([g[0] for g in grid])
    c = np.array([g[1] for g in grid])
    eta_v = eta_l / L_v
    m_v = np.round(c / (mu_v * eta_v)).astype(int)
    runs = params["runs"]
    points = len(grid)
    # One batch: points × runs × {option II, option I}.
    eta_b = np.tile(np.repeat(eta_v, runs), 2)
    m_b = np.tile(np.repeat(m_v, runs), 2)
    option_two = np.repeat([True, False], points * runs)
    start = problem.x_star + rng.standard_normal(problem.features.shape[1])
    x0 = np.tile(start, (len(eta_b), 1))
    res = svrg(problem, x0, eta_b, m_b, params["epochs"], rng, option=option_two)
    ratios = res.gaps[:, 1:] / res.gaps[:, :-1]  # (R_total, S)
    # Epochs that start below the accuracy floor of f − f* (rounding, not optimisation) are left out.
    valid = res.gaps[:, :-1] > params["floor"][label]
    per_run = (np.where(valid, ratios, 0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)).reshape(2, points, runs)
    last = np.maximum(valid.sum(axis=1), 1)
    geometric = (res.gaps[np.arange(len(last)), last] / res.gaps[:, 0]) ** (1 / last)
    geometric = geometric.reshape(2, points, runs)
    mean = per_run.mean(axis=2)
    sem = per_run.std(axis=2, ddof=1) / np.sqrt(runs)
    return dict(eta=eta_v, m=m_v.astype(float), L=np.full(points, L_v), mu=np.full(points, mu_v),
                mean=mean, sem=sem, geometric=geometric, label=label, evals=res.evaluations,
                smallest_gap=float(res.gaps[:points * runs].min()))


def experiment(params, rng):
    ridge = null_direction_ridge(rng, params["n"], params["d"], params["kappa"], reg=params["mu_ridge"],
                                 noise=params["noise_ridge"])
    logistic = null_direction_logistic(rng, params["n"], params["d"], params["kappa"])
    parts = [_one_problem(ridge, params["grid"], params, rng, "ridge"),
             _one_problem(logistic, params["grid"], params, rng, "logistic")]
    cat = {k: np.concatenate([p[k] for p in parts]) for k in ("eta", "m", "L", "mu")}
    mean2 = np.concatenate([p["mean"][0] for p in parts])
    sem2 = np.concatenate([p["sem"][0] for p in parts])
    mean1 = np.concatenate([p["mean"][1] for p in parts])
    points = len(mean2)
    # The limits drawn and reported are the comparison's own (Student t, Bonferroni over the points).
    judged = Measurement(values=mean2, stderr=sem2, samples=params["runs"])
    lower, upper = (one_sided_limit(judged, ALPHA, side, "Upper") for side in ("lower", "upper"))
    alpha_v = (1 / (cat["mu"] * cat["eta"] * (1 - 2 * cat["L"] * cat["eta"]) * cat["m"])
               + 2 * cat["L"] * cat["eta"] / (1 - 2 * cat["L"] * cat["eta"]))
    geometric2 = np.concatenate([p["geometric"][0] for p in parts])  # (points, runs)
    mu_eta_m = cat["mu"] * cat["eta"] * cat["m"]
    series = []
    for p, marker in zip(parts, ("ridge", "logistic")):
        sel = slice(0, len(p["eta"])) if marker == "ridge" else slice(len(parts[0]["eta"]), points)
        x = mu_eta_m[sel]
        series += [
            Series(f"{marker}: option II mean ratio (UCL/LCL)", x, mean2[sel], kind="errorbar",
                   lower=lower[sel], upper=upper[sel]),
            Series(f"{marker}: option I mean ratio (not covered)", x, mean1[sel], kind="scatter"),
            Series(f"{marker}: α(η, m)", x, alpha_v[sel], kind="scatter", role="theory"),
        ]
    series.append(Series("e^{−μηm} (mutant)", np.sort(mu_eta_m), np.exp(-np.sort(mu_eta_m)), kind="line",
                         role="mutant"))
    figure = Figure(title="SVRG per-epoch contraction of f − f* against the Johnson–Zhang factor α",
                    xlabel="μηm (epoch length in units of 1/(μη))", ylabel="E[Δ_s/Δ_{s−1}]",
                    yscale="log", series=tuple(series))
    return Measurement(
        values=mean2, stderr=sem2,
        inputs={"eta": cat["eta"], "m": cat["m"], "L": cat["L"], "mu": cat["mu"]},
        samples=params["runs"],
        figure=figure,
        details={
            "lower_confidence_limit": lower.tolist(),
            "mean_ratio_over_alpha": (mean2 / alpha_v).tolist(),
            "mean_ratio_option_I": mean1.tolist(),
            "alpha": alpha_v.tolist(),
            "eta_L": (cat["eta"] * cat["L"]).tolist(),
            "mu_eta_m": mu_eta_m.tolist(),
            "runs_above_alpha_geometric_rate": int(np.sum(geometric2 > alpha_v[:, None])),
            "max_geometric_rate_over_alpha": float(np.max(geometric2 / alpha_v[:, None])),
            "lcl_over_exp_minus_mu_eta_m_max": float(np.max(lower / np.exp(-mu_eta_m))),
            "kappa": params["kappa"],
        },
    )


CLAIM = Claim(
    id="vr.svrg-rate",
    title="SVRG (option II) contracts the suboptimality by α per epoch",
    statement=(
        "For f = (1/n)Σf_i with convex L-smooth f_i and μ-strongly convex f, SVRG with step η < 1/(4L), "
        "inner length m and a uniformly random inner iterate as the next snapshot satisfies "
        "E[f(x̃_s) − f*] ≤ α E[f(x̃_{s−1}) − f*] with α = 1/(μη(1 − 2Lη)m) + 2Lη/(1 − 2Lη) < 1. "
        "The bound is loose: on the ridge and logistic sums measured, the mean per-epoch ratio is 0.07–0.40 α, and even "
        "without gradient noise (a quadratic of curvature μ) it is below α/2."
    ),
    source=Source("Johnson & Zhang (2013), Theorem 1; seed 001",
                  "SVRG (Stochastic Variance-Reduced Gradient): Periodically computes the full gradient and "
                  "uses it to correct mini-batch estimates"),
    references=("R. Johnson and T. Zhang (2013), Accelerating stochastic gradient descent using predictive "
                "variance reduction, NeurIPS",),
    derivation=svrg_contraction,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta", "m": "m", "L": "L", "mu": "mu"},
        quick={"n": 100, "d": 5, "kappa": 4.0, "mu_ridge": 0.25, "noise_ridge": 0.5, "runs": 60, "epochs": 5,
               "floor": FLOOR,
               "grid": [(0.02, 1.5), (0.02, 3.0), (0.05, 2.0), (0.05, 4.0), (0.05, 8.0), (0.1, 3.0)]},
        full={"n": 400, "d": 8, "kappa": 5.0, "mu_ridge": 0.25, "noise_ridge": 0.5, "runs": 80, "epochs": 6,
              "floor": FLOOR,
              "grid": [(0.02, 1.5), (0.02, 3.0), (0.05, 2.0), (0.05, 4.0), (0.05, 8.0),
                       (0.1, 2.0), (0.1, 4.0), (0.1, 8.0), (0.15, 4.0), (0.15, 8.0)]},
    ),
    comparison=Upper(rtol=0.0, alpha=ALPHA, resolution_note=(
        "no tight constant is known for Johnson & Zhang's α; measured mean ratio 0.07–0.40 α (full grid), and on a "
        "noise-free quadratic of curvature μ the ratio is below 0.5 α for every (η, m): the proof loses a factor 2 "
        "that no instance recovers")),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("per-epoch factor e^{−μηm} (snapshot behaves like the last GD iterate)", sp.exp(-mu * eta * m)),
        Mutant("variance term only, 2Lη/(1 − 2Lη) (the 1/(μηm) epoch-length term dropped)",
               2 * L * eta / (1 - 2 * L * eta)),
    ),
)
