"""schedule.warmup-stability — warm-up lets a run use a step that would diverge from initialisation.

Problem: f(θ) = θ⁴/4 + mθ²/2, whose curvature 3θ² + m falls from far above m
at a large start to m at the minimum. GD multiplies θ by 1 − η(θ² + m) (the
secant slope), so from the point θ_s where the full step η starts to act it
diverges iff η > 2/(θ_s² + m) (theory/schedules.py): a constant step from θ₀
tolerates only 2/(θ₀² + m), while after a linear warm-up (from η₀/100 over W
steps, empirics/schedules.py ``warmup``) the iterate θ_W is tiny and the
tolerated step rises to ≈ 2/m. (The warm-up's own start, 0.01·η₀ ≤ 0.03/m,
must itself be stable from θ₀: 0.03(θ₀² + m)/m < 2, which bounds the grid:
θ₀ ≤ 4 for m ≥ 0.5.)

Experiment: for several (θ₀, m), the largest stable step is bisected (all
cases at once, empirics/estimators.py ``bisect_threshold``) for the constant
step and for the warm-up. A run is unstable when |θ| grows over the final
constant-step phase: |θ| changes monotonically on either side of the
threshold (the secant moves with |θ|), so the classification is exact up to
rounding of a per-step factor 1 ± δ, i.e. δ ≳ 1e-14. For the warm-up, θ_s is
the measured θ_W of the run at the bisected threshold, and the theory is
evaluated there.

Tolerance: Tight, rtol = 1e-9: 60 halvings make the bracket ~1e-16 relative,
the rounding limit is ~1e-14, so 1e-9 leaves five orders of magnitude.
Mutants: the local curvature instead of the secant (2/(3θ_s² + m)) and
"only the curvature at the minimum matters" (2/m), off by ≥ 50 % at the
constant-step points.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.estimators import bisect_threshold, grows
from empirics.schedules import constant, warmup
from empirics.stochastic import ExactGradientOracle, run_sgd
from theory.schedules import warmup_threshold

m_sym, th_s = sp.Symbol("m", positive=True), sp.Symbol("theta_s", real=True)


def _quartic_grad(m):
    return lambda x: x**3 + m * x


def _final_growth(theta0, m, warm_steps, final_steps, rng):
    """Classifier: does |θ| grow over the last ``final_steps`` (after a warm-up of ``warm_steps``)?"""

    def unstable(eta):
        schedule = warmup(constant(eta[:, None]), warm_steps, 0.01) if warm_steps else eta[:, None]
        traj = run_sgd(ExactGradientOracle(_quartic_grad(m[:, None])), theta0[:, None], warm_steps + final_steps,
                       rng, schedule, observe=lambda x: np.abs(x[:, 0]),
                       checkpoints=np.array([warm_steps, warm_steps + final_steps]))
        return grows(traj.observations[0], traj.observations[1], traj.diverged)

    return unstable


def experiment(params, rng):
    th, mm = np.meshgrid(np.asarray(params["theta0"], float), np.asarray(params["m"], float), indexing="ij")
    theta0, m = th.ravel(), mm.ravel()
    W, final, halvings = params["warmup_steps"], params["final_steps"], params["halvings"]
    constant_cls = _final_growth(theta0, m, 0, final, rng)
    lo_c, hi_c = bisect_threshold(constant_cls, 1.0 / (theta0**2 + m), 3.0 / (theta0**2 + m), halvings)
    warm_cls = _final_growth(theta0, m, W, final, rng)
    lo_w, hi_w = bisect_threshold(warm_cls, 1.0 / m, 3.0 / m, halvings)
    threshold_w = 0.5 * (lo_w + hi_w)
    at_threshold = run_sgd(ExactGradientOracle(_quartic_grad(m[:, None])), theta0[:, None], W, rng,
                           warmup(constant(lo_w[:, None]), W, 0.01), checkpoints=np.array([W]))
    theta_w = at_threshold.x_final[:, 0]
    values = np.concatenate([0.5 * (lo_c + hi_c), threshold_w])
    theta_s = np.concatenate([theta0, theta_w])
    mid = m[0]
    grid = np.linspace(0, theta0.max() * 1.05, 200)
    first = m == mid
    figure = Figure(
        title=f"Largest stable step on θ⁴/4 + mθ²/2 (m = {mid:g}): constant vs warm-up",
        xlabel="θ_s (where the full step starts)", ylabel="largest stable η",
        series=(Series("constant step from θ₀ (bisected)", theta0[first], values[:len(theta0)][first], kind="scatter"),
                Series(f"after warm-up over {W} steps (bisected)", np.abs(theta_w[first]), threshold_w[first],
                       kind="scatter")),
        theory_x="theta_s", theory_grid={"theta_s": grid, "m": np.full_like(grid, mid)}, draw_mutants=True,
    )
    return Measurement(
        values=values, inputs={"theta_s": theta_s, "m": np.concatenate([m, m])}, figure=figure,
        details={"constant_threshold_over_warmup_threshold": (values[:len(theta0)] / threshold_w).tolist(),
                 "max_abs_theta_W": float(np.max(np.abs(theta_w))),
                 "max_bracket_relative_width": float(np.max(np.concatenate([(hi_c - lo_c) / hi_c, (hi_w - lo_w) / hi_w])))},
    )


CLAIM = Claim(
    id="schedule.warmup-stability",
    title="Warm-up lets GD start at a step that diverges from initialisation",
    statement=("On f(θ) = θ⁴/4 + mθ²/2, GD with a step η that is constant from the iterate θ_s on diverges iff "
               "η > 2/(θ_s² + m): a constant step from θ₀ tolerates only 2/(θ₀² + m), while after a linear warm-up "
               "the iterate is near the minimum and the tolerated step rises to ≈ 2/m."),
    source=Source("seed 004", "Warm-up: Start with a small η (e.g., η₀/100), linearly increase to η₀ over the first "
                              "few epochs. Prevents early large steps from destabilizing a randomly initialized network."),
    references=("Goyal et al. (2017), Accurate, large minibatch SGD: training ImageNet in 1 hour",
                "Kalra & Barkeshli (2023), Phase diversity and universality of early training dynamics"),
    derivation=warmup_threshold,
    experiment=experiment,
    params=Params(
        symbols={"theta_s": "theta_s", "m": "m"},
        quick={"theta0": [1.0, 2.0, 4.0], "m": [0.5, 2.0], "warmup_steps": 100, "final_steps": 40, "halvings": 55},
        full={"theta0": [0.5, 1.0, 2.0, 3.0, 4.0], "m": [0.5, 1.0, 2.0, 5.0], "warmup_steps": 200,
              "final_steps": 100, "halvings": 60},
    ),
    comparison=Tight(rtol=1e-9),
    expected=Verdict.CONFIRMED,
    # the update the derivation takes from the objective is one step of the experiment's gradient
    models=(Model("GD update", lambda theta, eta, m: theta - eta * _quartic_grad(m)(theta),
                  ranges={"theta": (-2, 2), "eta": (0.01, 1), "m": (0.1, 4)}),),
    mutants=(
        Mutant("local curvature f'' instead of the secant: 2/(3θ_s² + m)", 2 / (3 * th_s**2 + m_sym)),
        Mutant("only the curvature at the minimum matters: 2/m", 2 / m_sym + 0 * th_s),
    ),
)
