"""momentum.ema-no-amplification — EMA-form momentum does not amplify a constant gradient.

Experiment: heavy ball in the EMA form v ← βv + (1 − β)g, θ ← θ − ηv on the
linear objective gθ from v₀ = 0, for a grid of β; the last step divided by
the plain GD step ηg. Theory (derived): v_t = (1 − β^t)g, so the ratio tends
to exactly 1 for every β.

Tolerance: T is chosen so that β^T < 1e-14 for the largest β; the running
sum accumulates rounding of at most ~T·eps ≈ 1e-12 relative for T ≤ 4000 (and
the difference of two iterates, ~1e-16·|θ_T|/(η|g|) ≈ T·1e-16 ≈ 1e-12). rtol =
1e-10 covers both with a factor 100; the mutants (the sum form's 1/(1 − β),
and 1 + β) differ from 1 by at least 10 % on the grid.
"""

import numpy as np

from convergence import Claim, Model, Mutant, Params, Source, Tight, Verdict
from empirics.optimizers import heavy_ball
from empirics.problems import Linear
from theory.momentum import ema_step_ratio
from theory.symbols import beta

from ._constant_gradient import step_ratio_measurement


def experiment(params, rng):
    return step_ratio_measurement(params, rng, "ema", "EMA-form momentum under a constant gradient")


CLAIM = Claim(
    id="momentum.ema-no-amplification",
    title="EMA-form momentum: the step tends to ηg, no amplification",
    statement=(
        "With the EMA convention v ← βv + (1 − β)g, θ ← θ − ηv and a constant gradient g, the step tends to "
        "exactly ηg for every 0 ≤ β < 1: the velocity is an average of gradients, not an amplified sum."
    ),
    source=Source("seed 002", "v_t = β v_{t−1} + (1 − β) ∇_θ L(θ),  θ ← θ − η · v_t"),
    references=("Kingma & Ba (2015), Adam, §2 (the same convention for the first moment)",),
    derivation=ema_step_ratio,
    experiment=experiment,
    params=Params(
        symbols={"beta": "beta"},
        quick={"betas": [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95], "eta": 0.1},
        full={"betas": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99], "eta": 0.1},
    ),
    comparison=Tight(rtol=1e-10),
    expected=Verdict.CONFIRMED,
    # The velocity after one EMA-form step (η = 0.1, as in the experiment) on the constant gradient g, from v_t.
    models=(Model("Velocity recursion",
                  lambda beta, g, v_t: heavy_ball(0.1, beta[:, None], "ema").update(
                      np.zeros((len(g), 1)), (v_t[:, None],), Linear(g[:, None]).grad)[1][0][:, 0],
                  ranges={"beta": (0, 0.99), "g": (-2, 2), "v_t": (-2, 2)}),),
    mutants=(
        Mutant("amplified like the sum form, 1/(1 − β)", 1 / (1 - beta)),
        Mutant("amplified by 1 + β", 1 + beta),
    ),
)
