"""momentum.is-average-seed — seed 004: the sum-form velocity "is an exponentially weighted moving average". Refuted.

Experiment: measure the total weight of the sum-form velocity after t + 1
steps by running heavy_ball(form="sum") under the constant gradient g = 1
from v = 0 (v_{t+1} = Σ_{k≤t} β^{t−k}·1 is then the sum of the weights), and
Adam's first moment m (EMA with weight 1 − β) on the same gradients; an
average has weights summing to 1. Points: β ∈ {0.5, 0.9, 0.99} × t on a grid;
values are the velocity's weight sums and, as further points, Adam's m under
the same constant gradient divided by v (seed 000: "this is also the first
moment inside Adam": it is (1 − β)·v, not v).

Tolerance: geometric sums of ≤ 2000 terms, rounding ≤ 1e-12 relative;
Exact(rtol=1e-10). The measured weight sums reach (1 − β^{t+1})/(1 − β) (10
for β = 0.9), far from 1. Mutants, the nearest plausible wrong readings: an EMA without
bias correction (weights 1 − β^{t+1}, what Adam's m carries before its bias
correction) and the limit 1/(1 − β) at every t; both are refuted (the first by
the factor 1/(1 − β), the second at small t). Inputs: β and t per point, where
t + 1 is the number of steps taken (the weights of v_{t+1}).
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers import heavy_ball
from empirics.problems import Linear
from theory.momentum_tuning import is_average_seed
from theory.symbols import t as T_SYM

BETA = sp.Symbol("beta", positive=True)  # the derivation's β (theory/momentum_tuning.py)


def experiment(params, rng):
    betas = np.array(params["betas"], dtype=float)
    checkpoints = np.unique(np.round(np.geomspace(1, params["steps"], params["n_t"])).astype(int))
    constant = Linear(np.ones(1))
    opts = {form: heavy_ball(eta=1.0, beta=betas[:, None], form=form) for form in ("sum", "ema")}
    velocity = {}
    for form, opt in opts.items():
        # x moves by −ηv each step, so −Δx over one step is the velocity; record x and difference.
        traj = run(opt, constant.grad, np.zeros((len(betas), 1)), params["steps"], observe=lambda x: x[:, 0].copy())
        velocity[form] = -np.diff(traj.observations, axis=0)[checkpoints - 1]  # v after `checkpoints` steps
    weight_sum = velocity["sum"]  # constant gradient 1: v is the sum of the weights
    adam_over_v = velocity["ema"] / velocity["sum"]
    values = np.concatenate([weight_sum.ravel(), adam_over_v.ravel()])
    B = np.broadcast_to(betas, weight_sum.shape)
    figure = Figure(
        title="Sum of the velocity's weights after t steps (constant gradient 1)",
        xlabel="t", ylabel="Σ weights", xscale="log",
        series=tuple(Series(f"sum form, β = {b:g}", checkpoints, weight_sum[:, i], kind="scatter") for i, b in enumerate(betas))
        + tuple(Series(f"Adam m / v, β = {b:g}", checkpoints, adam_over_v[:, i], kind="scatter") for i, b in enumerate(betas)),
        # The seed's weight sum 1 depends on neither t nor β: a flat line over the steps.
        theory_x="t", theory_grid={"t": np.array([1.0, params["steps"]])},
    )
    T = np.broadcast_to(checkpoints[:, None], weight_sum.shape).astype(float)
    return Measurement(
        values=values, inputs={"beta": np.concatenate([B.ravel(), B.ravel()]),
                               "t": np.concatenate([T.ravel(), T.ravel()]) - 1.0}, figure=figure,
        details={"limit_weight_sum_theory_1/(1-beta)": dict(zip(map(str, betas), (1 / (1 - betas)).tolist())),
                 "final_weight_sum": dict(zip(map(str, betas), weight_sum[-1].tolist())),
                 "adam_m_over_v_final": dict(zip(map(str, betas), adam_over_v[-1].tolist())),
                 "max_abs_(sum_minus_(1-b^t)/(1-b))": float(np.max(np.abs(weight_sum - (1 - B ** checkpoints[:, None]) / (1 - B))))},
    )


CLAIM = Claim(
    id="momentum.is-average-seed",
    title="Seed 004: the sum-form velocity is an exponentially weighted moving average",
    statement=(
        "Seed 004 as written: v_{t+1} = βv_t + ∇L(θ_t) 'is an exponentially weighted moving average of past gradients' "
        "(weights summing to 1); seed 000: it 'is also the first moment inside Adam'."
    ),
    source=Source("seed 004", "Momentum is an exponentially weighted moving average of past gradients."),
    references=("seed 000: 'keep a running average of gradients … This is also the first moment inside Adam'",),
    derivation=is_average_seed,
    experiment=experiment,
    params=Params(symbols={"beta": "beta", "t": "t"}, quick={"betas": [0.5, 0.9, 0.99], "steps": 2000, "n_t": 10},
                  full={"betas": [0.3, 0.5, 0.9, 0.95, 0.99, 0.999], "steps": 20000, "n_t": 30}),
    comparison=Exact(rtol=1e-10, atol=0.0),
    expected=Verdict.REFUTED,
    corrects="momentum.window",
    mutants=(
        Mutant("an EMA without bias correction: weights sum to 1 − β^(t+1)", 1 - BETA ** (T_SYM + 1)),
        Mutant("the limit 1/(1 − β) at every t (the 'effective step' reading)", 1 / (1 - BETA)),
    ),
)
