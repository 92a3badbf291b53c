"""momentum.ema-amplifies-seed — seed 002 credits EMA-form momentum with a larger effective step.

The measurement is the one of momentum.ema-no-amplification (shared code):
the limiting step of the EMA form under a constant gradient, relative to ηg.
The seed's reading predicts the sum form's amplification 1/(1 − β); the
measurement gives 1 to ~1e-12, so the statement is refuted on every β > 0 of
the grid (by 10× at β = 0.9). Tolerance as in the corrected claim (rtol 1e-10,
argued there); it only decides how decisively the seed fails.
"""

from convergence import Claim, Mutant, Params, Source, Tight, Verdict
from theory.momentum import ema_amplifies_seed
from theory.symbols import beta

from ._constant_gradient import step_ratio_measurement


def experiment(params, rng):
    return step_ratio_measurement(params, rng, "ema", "Seed 002's amplification against the EMA form")


CLAIM = Claim(
    id="momentum.ema-amplifies-seed",
    title="Seed 002: EMA-form momentum gives a larger step without changing η (wrong)",
    statement=(
        "Seed 002 as written: with v_t = βv_{t−1} + (1 − β)∇L and θ ← θ − ηv_t, consistent gradients make "
        "velocity build up, 'effectively giving a larger step size without changing η' (read as the "
        "amplification 1/(1 − β) of the sum form)."
    ),
    source=Source(
        "seed 002",
        "Accelerates in consistent directions — if the gradient keeps pointing the same way, velocity builds "
        "up, effectively giving a larger step size without changing η.",
    ),
    derivation=ema_amplifies_seed,
    experiment=experiment,
    params=Params(
        symbols={"beta": "beta"},
        quick={"betas": [0.3, 0.5, 0.7, 0.8, 0.9, 0.95], "eta": 0.1},
        full={"betas": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99], "eta": 0.1},
    ),
    comparison=Tight(rtol=1e-10),
    expected=Verdict.REFUTED,
    corrects="momentum.ema-no-amplification",
    mutants=(
        Mutant("a milder amplification 1/√(1 − β)", 1 / (1 - beta) ** 0.5),
    ),
)
