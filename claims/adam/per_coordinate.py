"""adam.per-coordinate — Adam equalises per-coordinate steps that GD spreads over the curvature range.

Theory (theory/adam.py, ``per_coordinate_spread``): on f = ½Σλ_i x_i² from
equal coordinates x_i(0) = x₀, GD's first step is ηλ_i x₀, so the steps spread
by κ = λ_max/λ_min (p = 0). For Adam with ε → 0 the gradient of coordinate i is
λ_i times a common sequence, v̂_i is homogeneous of degree 2, and the step
m̂_i/√v̂_i does not depend on λ_i: every coordinate follows the same
trajectory, its effective step size η/√v̂_i ∝ 1/λ_i (p = 1), and the spread of
the steps is κ⁰ = 1 at every t. The result is κ^(1 − p).

Experiment: diagonal quadratics with curvatures log-spaced over κ = 1e4 (and
1e2), all coordinates starting at x₀ = 1. Adam (η = 1e-3, defaults, ε = 1e-8)
runs T steps with the engine; the spread max_i|Δ_i|/min_i|Δ_i| of the steps
Δ_i = x_i(t − 1) − x_i(t) is measured at checkpoints (p = 1 points). GD with
η = 1/λ_max gives the p = 0 points (its first step).

Tolerance: Tight, rtol = 1e-5. With ε > 0 the flattest coordinate sees
√v̂ + ε instead of √v̂: a relative perturbation ε/(λ_min·min|x|) ≤ 1e-8/0.5 per
step; the perturbations shift that coordinate's trajectory by at most their
sum, ≲ T·2e-8 = 6e-6 at T = 300 (quick), smaller per step at T = 1000 with
η = 3e-4 (full), where x stays ≥ 0.5. Rounding (≲ 1e-13) is negligible. The
mutant "Adam preconditions by 1/√λ" predicts a spread √κ = 100, the mutant
"GD's spread is κ²" is off by κ; both are refuted by many orders.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.adaptive import adam
from empirics.engine import run
from empirics.optimizers import gradient_descent
from empirics.problems import DiagonalQuadratic
from theory.adam import p, per_coordinate_spread
from theory.symbols import kappa


def experiment(params, rng):
    spans = np.array(params["kappas"], dtype=float)
    dim, steps = params["dim"], params["steps"]
    jitter = np.exp(rng.uniform(-0.2, 0.2, (len(spans), dim)))
    jitter[:, 0] = jitter[:, -1] = 1.0  # keep the ends: the span is exactly κ
    curvatures = np.geomspace(np.ones_like(spans), spans, dim, axis=1) * jitter
    problem = DiagonalQuadratic(curvatures)
    x0 = np.ones((len(spans), dim))
    checkpoints = np.array(params["checkpoints"])
    reads = np.union1d(checkpoints, checkpoints - 1)
    traj = run(adam(params["eta"]), problem.grad, x0, steps, checkpoints=reads)
    at = {int(t): i for i, t in enumerate(traj.checkpoints)}
    adam_steps = np.abs(traj.observations[[at[int(t) - 1] for t in checkpoints]]
                        - traj.observations[[at[int(t)] for t in checkpoints]])  # (len, runs, dim)
    adam_spread = adam_steps.max(axis=-1) / adam_steps.min(axis=-1)

    gd = run(gradient_descent(1.0 / problem.L[:, None]), problem.grad, x0, 1)
    gd_steps = np.abs(gd.observations[0] - gd.observations[1])
    gd_spread = gd_steps.max(axis=-1) / gd_steps.min(axis=-1)

    kappa_true = curvatures.max(axis=1) / curvatures.min(axis=1)
    values = np.concatenate([gd_spread, adam_spread.ravel()])
    inputs = {"kappa": np.concatenate([kappa_true, np.broadcast_to(kappa_true, adam_spread.shape).ravel()]),
              "p": np.concatenate([np.zeros(len(spans)), np.ones(adam_spread.size)])}
    last = adam_steps[-1, 0] / params["eta"]
    figure = Figure(
        title=f"Per-coordinate step |Δ_i| against curvature (κ = {spans[0]:g})",
        xlabel="curvature λ_i", ylabel="|Δ_i| (GD: first step; Adam: step t)", xscale="log", yscale="log",
        series=(
            Series("GD, first step (η = 1/λ_max)", curvatures[0], gd_steps[0], kind="scatter"),
            Series("theory GD: ηλ_i x₀ (spread κ)", curvatures[0], curvatures[0] / curvatures[0].max(),
                   role="theory"),
            Series(f"Adam, step t = {checkpoints[-1]}", curvatures[0], adam_steps[-1, 0], kind="scatter"),
            Series("theory Adam: equal steps (spread 1)", curvatures[0],
                   np.full(dim, adam_steps[-1, 0, 0]), role="theory"),
        ),
    )
    return Measurement(values=values, inputs=inputs, figure=figure,
                       details={"adam_max_spread_minus_1": float(np.max(adam_spread - 1)),
                                "adam_last_step_over_eta_flattest": float(last[0]),
                                "gd_spread": gd_spread.tolist(), "kappa": kappa_true.tolist()})


CLAIM = Claim(
    id="adam.per-coordinate",
    title="Adam's per-coordinate steps are equal across curvatures that spread GD's by κ",
    statement=(
        "On f = ½Σλ_i x_i² with curvatures spanning κ and equal starting coordinates, GD's per-coordinate steps "
        "differ by the factor κ, while Adam's (ε → 0) are equal at every step: its effective step size η/√v̂_i is "
        "κ times larger on the flattest coordinate (spread κ^(1 − p), p = 0 for GD, 1 for Adam)."
    ),
    source=Source(
        "seed 004",
        "giving larger updates to parameters with historically small gradients and smaller updates to those with "
        "large gradients.",
    ),
    references=("Kingma & Ba (2015), §2.1",),
    derivation=per_coordinate_spread,
    experiment=experiment,
    params=Params(
        symbols={"kappa": "kappa", "p": "p"},
        quick={"kappas": [1e4, 1e2], "dim": 9, "steps": 300, "eta": 1e-3, "checkpoints": [1, 2, 10, 100, 300]},
        full={"kappas": [1e4, 1e3, 1e2], "dim": 33, "steps": 1000, "eta": 3e-4,
              "checkpoints": [1, 2, 3, 10, 30, 100, 300, 1000]},
    ),
    comparison=Tight(rtol=1e-5),
    expected=Verdict.CONFIRMED,
    models=(Model("Objective", lambda x_t, lambda_i: DiagonalQuadratic(lambda_i[:, None]).value(x_t[:, None]),
                  ranges={"x_t": (0.01, 3), "lambda_i": (0.1, 10)}),),
    mutants=(
        Mutant("Adam preconditions by 1/√λ (spread √κ)", kappa ** (1 - p / 2)),
        Mutant("GD's spread is κ² (steps ∝ λ²)", kappa ** (2 - 2 * p)),
    ),
)
