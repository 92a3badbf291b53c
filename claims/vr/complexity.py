"""vr.complexity — gradient evaluations to ε: O((n + κ) log 1/ε) for SAGA, O(nκ log 1/ε) for GD.

Derivation: SAGA's rate ρ = μ/(2(μn + L)) (vr.saga-rate) gives K ≈ 2(n + κ)log(1/ε)
evaluations; full GD needs ~κ log(1/ε) steps of n evaluations. The cost model
is symmetric in n and κ, so the log-log slope of the cost fitted over a range
[v₁, v₂] of one of them, the other held at c, is p = log((c + v₂)/(c + v₁))/log(v₂/v₁).

Experiment. Ridge finite sums with exact component constants (rows of equal
norm s spanning d − 1 coordinates, μ = reg, L_max = s + reg; a range of κ is a
range of regularisers, run as one batch). Points where the two models
disagree: (A) κ ∈ [3, 48] varied at n ≫ κ (VR predicts p ≈ 0, GD's nκ predicts 1) and
(B) n varied at κ ≫ n (VR predicts p ≈ 0, nκ predicts 1). The cost to ε is
the number of evaluations between the first times ‖x − x*‖²/‖x₀ − x*‖² drops
below 0.1 and below ε (log-interpolated on a grid of n/10 steps): the linear
phase, without the start's transient and the table's n (offsets that do not
scale as log 1/ε; the figure draws the model for this span). Each seed
gives one slope per point (independent runs across the varied values), and the
interval is Student-t across seeds. Seed 001's "matching full-batch
performance", read as "a VR step makes the progress of a GD step", means cost ∝
nκ: that is the alternative (p = 1), which the intervals exclude.

Why κ ≥ 3 in (A): the cost model counts only the slowest direction. As κ → 1
every coordinate becomes as slow as the null one (the data term vanishes
against the regulariser), which changes the constant in front of (n + κ) and
not the scaling; at κ = 1.5 the measured constant is 30 % higher, which the
narrow interval would read as a negative exponent (observed while building
this claim). With κ ≥ 3 the slow direction is isolated.

Tolerance. alpha = 1e-4 (CLAIM_ALPHA, Bonferroni over points inside the comparison) for
the statistical part. The secant model is leading order: it takes SAGA's
rate ∝ 1/(n + κ) from the bound, whereas the actual rate carries a relative
correction from the table's staleness (the mean of the table lags the iterate
by ~n steps, during which the slow coordinate moves by a fraction ~nγμ ≈
min(n, κ)/(2(n + κ))). The interval therefore adds, a priori, the largest such
correction over the range divided by log(v₂/v₁) (details: model_half_width).
In the κ ≫ n regime SAGA is nearly deterministic and the statistical
half-width alone is ~1e-4: there the measured slope differs from the
leading-order secant by ~1e-3, inside this model term (full profile:
0.0250 measured, 0.0260 predicted, model term ~0.013). The constant
factor between SAGA's actual and guaranteed rate (~2) is the same across a
range and cancels in the slope. GD's slopes (details) are
measured on the same problems and seeds.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exponent, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.estimators import first_crossing, fit_slope
from empirics.statistics import CLAIM_ALPHA, mean_interval
from empirics.variance_reduction import RidgeFamily, null_direction_ridge, saga
from theory.variance_reduction import vr_complexity_exponent

ALPHA = CLAIM_ALPHA  # the catalogue-wide level (empirics/statistics.py: 60 claims × 1e-4 ≤ 1 %)
C, V1, V2 = sp.symbols("c v_1 v_2", positive=True)


def _costs(rng, n, d, kappas, seeds, eps, epochs_cap):
    """SAGA evaluations to relative ε for each κ (as regularisers, one batch), shape (len(κ), seeds)."""
    base = null_direction_ridge(rng, n, d, 2.0)  # s = reg = 1; rescale rows for the largest κ below
    s = 1.0
    reg = s / (np.asarray(kappas) - 1.0)  # κ = (s + reg)/reg
    regs = np.repeat(reg, seeds)[:, None]
    family = RidgeFamily(base.features, base.targets, regs)
    x_star = family.x_star
    # Half of the initial distance along the slow (null) coordinate: a random start could put almost
    # none there, and the span 0.1 → ε would then be crossed before the slow mode dominates.
    offset = rng.standard_normal(d)
    offset[-1] = 0.0
    offset /= np.linalg.norm(offset)
    offset[-1] = 1.0
    start = x_star[0] + offset
    x0 = np.tile(start, (len(regs), 1))
    d0 = np.sum((x0 - x_star) ** 2, axis=1)
    mu, L = regs[:, 0], s + regs[:, 0]
    gamma = 1.0 / (2 * (mu * n + L))
    steps = int(epochs_cap * (n + max(kappas)))
    grid = np.unique(np.r_[np.arange(0, steps, max(n // 10, 1)), steps])
    rec = saga(family, x0, gamma, steps, rng, grid, observe=lambda x: np.sum((x - x_star) ** 2, axis=1) / d0)
    # Evaluations from ε₁ = 0.1 down to ε: the linear phase only (the start's transient and the
    # table's n cancel; both are offsets the O((n + κ)log 1/ε) rate does not describe).
    cost = (first_crossing(rec.observations, rec.evaluations, eps)
            - first_crossing(rec.observations, rec.evaluations, 0.1))
    # GD at its best constant step 2/(μ_f + L_f) on the same problems (deterministic: one run per κ).
    eig = np.linalg.eigvalsh(family.hessians[::seeds])
    eta_gd = 2.0 / (eig[:, 0] + eig[:, -1])
    rate_gd = (eig[:, -1] - eig[:, 0]) / (eig[:, -1] + eig[:, 0])
    gd_cost = n * np.log(0.1 / eps) / (-2 * np.log(rate_gd))  # squared distance contracts by rate² per step
    return cost.reshape(len(kappas), seeds), gd_cost, eta_gd


def _slopes(v, costs):
    """Per-seed OLS slope of log cost on log v (costs: (len(v), seeds))."""
    x = np.log(v)
    xc = x - x.mean()
    y = np.log(costs)
    return (xc @ (y - y.mean(axis=0))) / (xc @ xc)


def experiment(params, rng):
    seeds, eps = params["seeds"], params["eps"]
    # (A) κ varied, n ≫ κ.
    kA = np.array(params["A_kappas"], dtype=float)
    costs_A, gd_A, _ = _costs(rng, params["A_n"], params["d"], kA, seeds, eps, params["epochs_cap"])
    # (B) n varied, κ ≫ n: one batch per n (the table's shape changes with n).
    nB = np.array(params["B_ns"], dtype=float)
    cB = [_costs(rng, int(nv), params["d"], [params["B_kappa"]], seeds, eps, params["epochs_cap"]) for nv in nB]
    costs_B = np.concatenate([c[0] for c in cB], axis=0)
    gd_B = np.array([c[1][0] for c in cB])
    slopes = np.stack([_slopes(kA, costs_A), _slopes(nB, costs_B)])  # (2, seeds)
    mean = slopes.mean(axis=1)
    statistical = mean_interval(slopes, ALPHA, axis=1, points=2).half_width  # two slopes, each two-sided
    # Leading-order model error (derived a priori, see the module docstring): the table lags the
    # iterate by ~n steps, changing the rate by a relative ≲ min(n, κ)/(2(n + κ)); over the range this
    # moves the fitted slope by at most that much divided by log(v₂/v₁).
    lag = lambda c, v: np.max(np.minimum(c, v) / (2 * (c + v)))  # noqa: E731
    model = np.array([lag(params["A_n"], kA) / np.log(kA[-1] / kA[0]),
                      lag(params["B_kappa"], nB) / np.log(nB[-1] / nB[0])])
    half = statistical + model
    gd_slopes = [fit_slope(np.log(kA), np.log(gd_A), 0.05).slope, fit_slope(np.log(nB), np.log(gd_B), 0.05).slope]
    figure = Figure(
        title="Gradient evaluations to reach ε: SAGA (n + κ) against full GD (nκ)",
        xlabel="varied quantity (κ in A, n in B)", ylabel="evaluations to ε", xscale="log", yscale="log",
        series=(
            Series(f"A: SAGA, κ varied at n = {params['A_n']}", kA, np.median(costs_A, axis=1), kind="errorbar",
                   lower=costs_A.min(axis=1), upper=costs_A.max(axis=1)),
            Series("A: model 2(n + κ)log(0.1/ε)", kA, 2 * (params["A_n"] + kA) * np.log(0.1 / eps), role="theory"),
            Series("A: full GD", kA, gd_A, kind="scatter"),
            Series(f"B: SAGA, n varied at κ = {params['B_kappa']:g}", nB, np.median(costs_B, axis=1),
                   kind="errorbar", lower=costs_B.min(axis=1), upper=costs_B.max(axis=1)),
            Series("B: model 2(n + κ)log(0.1/ε)", nB, 2 * (nB + params["B_kappa"]) * np.log(0.1 / eps), role="theory"),
            Series("B: full GD", nB, gd_B, kind="scatter"),
        ),
    )
    return Measurement(
        values=mean,
        inputs={"c": np.array([params["A_n"], params["B_kappa"]], dtype=float),
                "v1": np.array([kA[0], nB[0]]), "v2": np.array([kA[-1], nB[-1]])},
        interval=(mean - half, mean + half), level=ALPHA, samples=seeds, figure=figure,
        details={
            "points": ["A: exponent in kappa at n >> kappa", "B: exponent in n at kappa >> n"],
            "saga_exponents": mean.tolist(), "statistical_half_width": statistical.tolist(),
            "model_half_width": model.tolist(), "saga_interval_lower": (mean - half).tolist(),
            "saga_interval_upper": (mean + half).tolist(),
            "gd_exponents_same_problems": gd_slopes,
            "saga_cost_over_model_A": (np.median(costs_A, axis=1) / (2 * (params["A_n"] + kA) * np.log(0.1 / eps))).tolist(),
            "saga_cost_over_model_B": (np.median(costs_B, axis=1) / (2 * (nB + params["B_kappa"]) * np.log(0.1 / eps))).tolist(),
            "gd_over_saga_cost_A": (gd_A / np.median(costs_A, axis=1)).tolist(),
            "eps": eps,
        },
    )


CLAIM = Claim(
    id="vr.complexity",
    title="VR methods need O((n + κ) log 1/ε) evaluations, GD O(nκ log 1/ε)",
    statement=(
        "On an L-smooth, μ-strongly convex finite sum of n components (κ = L/μ), SAGA at its theorem step "
        "reaches relative accuracy ε in O((n + κ) log 1/ε) gradient evaluations, against O(nκ log 1/ε) for "
        "full-batch GD: the fitted cost exponent in κ when n ≫ κ, and in n when κ ≫ n, is near 0, not 1."
    ),
    source=Source("seed 001",
                  "These methods achieve linear convergence for strongly convex problems, matching full-batch "
                  "performance with stochastic cost."),
    references=("Defazio, Bach & Lacoste-Julien (2014)", "Johnson & Zhang (2013)",
                "Nesterov (2004), Introductory Lectures, §2.1.5"),
    derivation=vr_complexity_exponent,
    experiment=experiment,
    params=Params(
        symbols={"c": "c", "v1": "v_1", "v2": "v_2"},
        quick={"d": 3, "seeds": 12, "eps": 1e-4, "epochs_cap": 12,
               "A_n": 200, "A_kappas": [3.0, 6.0, 12.0, 24.0],
               "B_kappa": 200.0, "B_ns": [4, 8, 16]},
        full={"d": 4, "seeds": 24, "eps": 1e-6, "epochs_cap": 18,
              "A_n": 1000, "A_kappas": [3.0, 6.0, 12.0, 24.0, 48.0],
              "B_kappa": 1000.0, "B_ns": [5, 10, 20, 40]},
    ),
    comparison=Exponent(alpha=ALPHA, alternative=1.0),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("cost ∝ nκ (a VR step as good as a full-batch step): slope 1", 1),
        Mutant("cost ∝ n + κ² (κ enters squared)", sp.log((C + V2**2) / (C + V1**2)) / sp.log(V2 / V1)),
    ),
)
