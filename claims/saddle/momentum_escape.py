"""saddle.momentum-escape — heavy ball grows along negative curvature by z₊ > 1 + ηγ per step.

Derivation: on −½γy² the sum-form heavy ball is y₊ = y + ηγy + β(y − y₋), with
characteristic polynomial z² − (1 + β + ηγ)z + β; p(1 + ηγ) = −βηγ < 0 puts
GD's factor 1 + ηγ strictly between the roots, so the largest root z₊ exceeds it.

Experiment: the engine runs heavy ball (empirics.optimizers.heavy_ball, sum
form) on the quadratic saddle for a grid of (β, ηγ) in one batch (x contracts,
y grows), from (1, 1) with v₀ = 0. The growth factor is read as y_T/y_{T−1}.
The run length is per point so that the slow mode's share (z₋/z₊)^T is below
1e-14 while |y| stays below 1e200 (no overflow); rounding adds ~1e-16 per
step to the ratio. γ = 2, not 1, so that a theory depending on η and γ other
than through ηγ (η/γ, say) is told apart; η = (ηγ)/2 is exact in binary, so the
runs are those at γ = 1. Tight with rtol 1e-10. Mutants: GD's factor 1 + ηγ (the
seed's "momentum helps" would be empty if this held) and the
constant-gradient amplification 1 + ηγ/(1 − β), which overstates the growth.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.optimizers import heavy_ball, step_from_iterates
from empirics.problems import Saddle
from theory.saddles import beta, eta, gamma, momentum_growth


def experiment(params, rng):
    gam = params["gamma"]
    B, Hh = np.meshgrid(np.array(params["betas"]), np.array(params["eta_gamma"]), indexing="ij")
    b, h = B.ravel(), Hh.ravel()
    eta_v = h / gam
    zp = 0.5 * (1 + b + h + np.sqrt((1 + b + h) ** 2 - 4 * b))  # only to size each run's length
    zm = b / zp
    with np.errstate(divide="ignore"):
        t_mix = np.where(b > 0, np.log(1e-14) / np.log(np.maximum(zm / zp, 1e-300)), 1.0)
    t_max = np.log(1e200) / np.log(zp)
    steps = np.minimum(np.maximum(np.ceil(t_mix), 2), np.floor(t_max)).astype(int)
    total = int(steps.max())
    opt = heavy_ball(eta_v[:, None], b[:, None], form="sum")
    grad = Saddle(params["a"], gam, 0.0).grad
    ratio = np.full(len(b), np.nan)
    y_before = np.empty(len(b))

    def growth(t, x, state, diverged):  # y_t / y_(t−1) at each run's own last step
        hit = steps == t
        ratio[hit] = x[hit, 1] / y_before[hit]
        y_before[:] = x[:, 1]

    # blowup=None: runs are sized to stay below 1e200 in |y|, past the engine's default blow-up norm
    run(opt, grad, np.ones((len(b), 2)), total, checkpoints=(), blowup=None, every_step=growth)
    grid_h = np.geomspace(min(params["eta_gamma"]), max(params["eta_gamma"]), 100)
    measured = tuple(Series(f"measured, β = {bv:g}", h[b == bv], ratio[b == bv], kind="scatter")
                     for bv in params["betas"])
    # The derivation's largest root per β, drawn against ηγ with γ = 1; the mutants (GD's 1 + ηγ first) on the
    # first β's grid.
    roots = tuple((f"largest root, β = {bv:g}", {"eta": grid_h, "gamma": np.ones_like(grid_h),
                                                 "beta": np.full_like(grid_h, bv)}) for bv in params["betas"])
    figure = Figure(title="Growth factor along negative curvature: heavy ball (sum form) vs GD",
                    xlabel="ηγ", ylabel="growth factor per step", xscale="log",
                    series=measured, theory_x="eta", theory_curves=roots, draw_mutants=True)
    return Measurement(
        values=ratio, inputs={"eta": eta_v, "beta": b, "gamma": np.full_like(b, gam)}, figure=figure,
        details={"steps_per_point_max": total, "speedup_over_gd_in_log_growth": (np.log(ratio) / np.log(1 + h)).tolist()},
    )


CLAIM = Claim(
    id="saddle.momentum-escape",
    title="Heavy ball escapes a saddle faster: growth factor z₊ > 1 + ηγ",
    statement=("On the quadratic saddle, heavy-ball momentum (sum form) grows the unstable coordinate by the largest "
               "root z₊ of z² − (1 + β + ηγ)z + β per step, which exceeds GD's 1 + ηγ for every β ∈ (0, 1)."),
    source=Source("seed 004", "Momentum and noise from SGD help escape: the stochastic gradient has components "
                  "pointing away from the saddle, and these are amplified by momentum over successive steps."),
    references=("Polyak (1964)", "O'Neill & Wright (2019), Behavior of accelerated gradient methods near critical "
                "points of nonconvex functions"),
    derivation=momentum_growth,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta", "beta": "beta", "gamma": "gamma"},
        quick={"gamma": 2.0, "a": 1.0, "betas": [0.0, 0.5, 0.9, 0.99], "eta_gamma": [0.01, 0.1, 0.5]},
        full={"gamma": 2.0, "a": 1.0, "betas": [0.0, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99],
              "eta_gamma": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0]},
    ),
    comparison=Tight(rtol=1e-10),
    expected=Verdict.CONFIRMED,
    # The y coordinate of the experiment's heavy ball on the saddle, with γ = 1 and η = h (x stays at 0)
    models=(Model("Heavy ball on −½γy²",
                  lambda beta, h, **p: step_from_iterates(
                      heavy_ball(h[:, None], beta[:, None], "sum"), h,
                      lambda y: Saddle(1.0, 1.0, 0.0).grad(np.hstack([np.zeros_like(y), y]))[:, 1:],
                      p["y(t)"], p["y(t - 1)"]),
                  ranges={"beta": (0, 0.99), "h": (0.01, 2), "y(t)": (-2, 2), "y(t - 1)": (-2, 2)}),),
    mutants=(
        Mutant("GD's factor 1 + ηγ (momentum does not help)", 1 + eta * gamma),
        Mutant("amplified step 1 + ηγ/(1 − β)", 1 + eta * gamma / (1 - beta)),
    ),
)
