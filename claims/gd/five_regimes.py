"""gd.five-regimes — GD on a quadratic has five step-size regimes, not three.

Experiment: GD on f = ½λθ² for λ ∈ {2⁻⁴, 1, 2⁵} and a grid of h = ηλ covering
(0, 3], including h = 1 and h = 2 exactly (η = h/λ is exact in binary since λ
is a power of two), plus random h. Each trajectory (T steps from θ₀ = 1) is
classified from what it does, not from h: the sign of successive errors
(same sign, zero after one step, alternating) and the trend of |θ_t| between
t = 0 and T (shrinks, constant, grows). The label 1…5 (monotone, one-step,
oscillating convergence, bounded oscillation, divergence) is compared with the
derived piecewise label of h.

Tolerance: labels are integers and the classification uses exact float
comparisons (the sign pattern over the first 10 steps, where no error has
underflowed; the trend over all T steps), which are exact here: at h = 1 the update gives exactly 0, at
h = 2 exactly −θ; elsewhere the modulus differs from 1 by ≥ 1e-3 so |θ_T|
differs from |θ₀| by far more than rounding. Exact(rtol=0, atol=0.5) accepts
only the same integer. The mutants (the seed's three regimes, and the two
boundary points merged into their neighbours) mislabel h = 1 or h = 2.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Model, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers import gradient_descent
from empirics.problems import DiagonalQuadratic
from theory.gd_convergence import five_regimes
from theory.symbols import h

PATTERN_STEPS = 10


def classify(traj_values: np.ndarray) -> np.ndarray:
    """Regime label of each run from θ_t (shape (T+1, runs)): 1…5, 0 if none fits."""
    theta0, theta1, thetaT = traj_values[0], traj_values[1], traj_values[-1]
    ratio_sign = np.sign(theta1 * theta0)
    later_zero = np.all(traj_values[1:] == 0, axis=0)
    shrink, same, grow = np.abs(thetaT) < np.abs(theta0), np.abs(thetaT) == np.abs(theta0), np.abs(thetaT) > np.abs(theta0)
    # Sign pattern over the first steps only: later errors may underflow to 0 when |1 − h| is small.
    head = traj_values[: PATTERN_STEPS + 1]
    alternating = np.all(np.sign(head[1:] * head[:-1]) < 0, axis=0)
    monotone = np.all(np.sign(head[1:] * head[:-1]) > 0, axis=0)
    label = np.zeros(traj_values.shape[1])
    label[monotone & shrink] = 1
    label[later_zero & (ratio_sign == 0)] = 2
    label[alternating & shrink] = 3
    label[alternating & same] = 4
    label[alternating & grow] = 5
    return label


def regime_trajectories(h_values: np.ndarray, lam: np.ndarray, steps: int) -> np.ndarray:
    problem = DiagonalQuadratic(lam[:, None])
    traj = run(gradient_descent((h_values / lam)[:, None]), problem.grad, np.ones((len(h_values), 1)), steps,
               observe=lambda x: x[:, 0].copy(), blowup=1e300)
    return traj.observations


def experiment(params, rng):
    grid = np.concatenate([np.linspace(0.05, 2.95, params["grid"]), [1.0, 2.0, 0.5, 1.5, 2.5],
                           rng.uniform(0.01, 3.0, params["random"])])
    lam_choices = np.array([2.0**-4, 1.0, 2.0**5])
    lam = np.repeat(lam_choices, len(grid))
    h_values = np.tile(grid, len(lam_choices))
    obs = regime_trajectories(h_values, lam, params["steps"])
    labels = classify(obs)
    ratio = obs[1] / obs[0]
    figure = Figure(
        title="Regime of GD on ½λθ² against h = ηλ (classified from the trajectory)",
        xlabel="h = ηλ", ylabel="regime (1 monotone … 5 divergent)",
        series=(Series("classified trajectory", h_values, labels, kind="scatter"),),
        theory_x="h", theory_grid={"h": np.concatenate([np.linspace(0.01, 3, 400), [1.0, 2.0]])},
        draw_mutants=False,
    )
    return Measurement(
        values=labels, inputs={"h": h_values}, figure=figure,
        details={"runs": int(len(labels)), "distinct_regimes_observed": int(len(np.unique(labels))),
                 "max_abs_ratio_error_vs_1_minus_h": float(np.max(np.abs(ratio - (1 - h_values)))),
                 "unclassified_runs": int(np.sum(labels == 0))},
    )


CLAIM = Claim(
    id="gd.five-regimes",
    title="Five step-size regimes of GD on a quadratic",
    statement=(
        "GD on ½λθ² with h = ηλ > 0 is monotone for 0 < h < 1 (a fraction h of the error removed per step), exact "
        "in one step at h = 1, oscillating and convergent for 1 < h < 2, oscillating with constant amplitude at "
        "h = 2 and divergent for h > 2."
    ),
    source=Source("seed 000", "On a quadratic bowl the dynamics are exactly three regimes"),
    references=("Goh (2017), Why momentum really works, Distill", "Nocedal & Wright (2006), §3.3"),
    derivation=five_regimes,
    experiment=experiment,
    params=Params(symbols={"h": "h"}, quick={"grid": 59, "random": 40, "steps": 200},
                  full={"grid": 291, "random": 400, "steps": 1000}),
    comparison=Exact(rtol=0.0, atol=0.5),
    expected=Verdict.CONFIRMED,
    models=(Model("GD on ½λθ²",  # h = ηλ with λ = 1, η = h; θ* = 0, so e = θ
                  lambda e_t, h: gradient_descent(h[:, None]).update(
                      e_t[:, None], (), DiagonalQuadratic(np.ones((len(h), 1))).grad)[0][:, 0],
                  ranges={"e_t": (-2, 2), "h": (0.01, 3)}),),
    mutants=(
        Mutant("seed's three regimes (crawl h<1, converge 1≤h≤2, diverge h>2)",
               lambda r: sp.Piecewise((1, h < 1), (3, h <= 2), (5, True))),
        Mutant("h = 2 counted as divergence", lambda r: sp.Piecewise((5, h >= 2), (r, True))),
        Mutant("h = 1 counted as monotone", lambda r: sp.Piecewise((1, h <= 1), (r, True))),
    ),
)
