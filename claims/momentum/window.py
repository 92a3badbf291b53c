"""momentum.window — with β = 0.9 the last k gradients carry 1 − β^k of the weight; mean lag β/(1 − β).

Experiment: the impulse response of the sum-form velocity, measured by running
the heavy-ball optimizer (empirics.optimizers.heavy_ball, sum form) on a
gradient sequence that is 1 at step 0 and 0 afterwards, for a grid of β at
once: v_t is then the weight of a gradient t steps back. The share of the last
k gradients is Σ_{j<k} v_j / Σ_j v_j, summed over T steps with β^T < 1e-17 so
the truncated tail is below rounding. The mean lag Σ j v_j/Σ v_j is reported.

Tolerance: sums of ≤ T positive terms, relative error ≤ T·eps ≈ 1e-12 at the
largest T; Exact(rtol=1e-11). The mutants — the "last 1/(1 − β) gradients,
uniformly" reading of seed 002 (share k(1 − β), capped at 1), and an off-by-one
1 − β^{k+1} — differ by ≥ 1e-3 relative at every k ≥ 1.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers import clocked, heavy_ball
from theory.momentum_tuning import window
from theory.symbols import beta, k


def impulse_weights(betas: np.ndarray, steps: int) -> np.ndarray:
    """Weights v_t (shape (steps, len(betas))) of a unit gradient given at the first update."""
    pulse = clocked(heavy_ball(eta=1.0, beta=betas[:, None], form="sum"),
                    lambda t, z: np.full_like(z, 1.0 if t == 1 else 0.0))
    weights = []

    def velocity(t, x, state, diverged):
        if t >= 1:
            weights.append(state[0][:, 0].copy())

    run(pulse, None, np.zeros((len(betas), 1)), steps, checkpoints=(), every_step=velocity)
    return np.array(weights)


def experiment(params, rng):
    betas = np.array(params["betas"], dtype=float)
    steps = int(np.ceil(np.log(1e-17) / np.log(betas.max())))
    w = impulse_weights(betas, steps)
    total = w.sum(axis=0)
    ks = np.arange(1, params["k_max"] + 1)
    share = np.cumsum(w, axis=0)[ks - 1] / total  # (len(ks), len(betas))
    lag = (np.arange(steps)[:, None] * w).sum(axis=0) / total
    B, K = np.meshgrid(betas, ks)
    figure = Figure(
        title="Share of the velocity carried by the last k gradients (sum form)",
        xlabel="k", ylabel="share of total weight",
        series=tuple(Series(f"measured β = {b:g}", ks, share[:, i], kind="scatter") for i, b in enumerate(betas)),
        theory_x="k", theory_curves=tuple((f"β = {b:g}", {"k": ks.astype(float), "beta": np.full(len(ks), b)})
                                          for b in betas),
    )
    i9 = int(np.argmin(np.abs(betas - 0.9)))
    return Measurement(
        values=share, inputs={"beta": B, "k": K}, figure=figure,
        details={"mean_lag": dict(zip(map(str, betas), lag.tolist())),
                 "mean_lag_theory_beta_over_1_minus_beta": dict(zip(map(str, betas), (betas / (1 - betas)).tolist())),
                 "share_last_10_at_beta_0.9": float(share[9, i9]) if len(ks) >= 10 else None,
                 "steps": steps},
    )


CLAIM = Claim(
    id="momentum.window",
    title="Momentum's window: the last k gradients carry 1 − β^k of the weight",
    statement=(
        "In the velocity v_t = Σ_j β^j g_{t−j} (sum form; the EMA form has the same shares) the last k gradients carry "
        "the share 1 − β^k of the total weight, 65.1 % for β = 0.9 and k = 10; the mean lag is β/(1 − β) = 9 steps."
    ),
    source=Source("seed 002", "With β = 0.9, roughly the last 10 gradient steps contribute to the current direction."),
    derivation=window,
    experiment=experiment,
    params=Params(symbols={"beta": "beta", "k": "k"},
                  quick={"betas": [0.5, 0.9, 0.99], "k_max": 40},
                  full={"betas": [0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999], "k_max": 200}),
    comparison=Exact(rtol=1e-11, atol=0.0),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("uniform window of 1/(1 − β) gradients: share min(k(1 − β), 1)", sp.Min(k * (1 - beta), 1)),
        Mutant("off by one: 1 − β^(k+1)", 1 - beta ** (k + 1)),
    ),
)
