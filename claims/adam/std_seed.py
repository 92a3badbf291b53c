"""adam.std-seed — seed 004: Adam "normalizes each gradient by an estimate of its standard deviation".

The seed's reading (theory/adam.py, ``std_seed``): √v̂ estimates σ, so
E[v̂_t] = σ². What v̂ estimates is the mean square E[g²] = μ² + σ² (the RMS²):
the bias-corrected EMA weights sum to one (adam.bias-correction). The two
agree only for zero-mean gradients; a constant gradient has σ = 0, yet
v̂_t = g² and the step stays ≈ η instead of ηg/ε.

Experiment: the real Adam state driven by random-phase stationary streams
(see _stationary.py) with prescribed population mean μ and standard
deviation σ (a standardised random sequence, shifted and scaled), for a grid
of (μ, σ) including σ = 0 (constant gradient) and μ = 0. The measured value is
E[v̂_t], the average over all P phases (an exact expectation, not a sample
mean), at several t.

Tolerance: Exact, rtol = 1e-11, the argument of adam.bias-correction (EMA
rounding ≤ 2u/(1 − β₂) ≈ 4.4e-13 at β₂ = 0.999, plus the phase average). The
verdict is not a matter of tolerance: at μ = 2σ the seed is short by a factor 5,
at σ = 0 it predicts 0 where v̂_t = μ². Where μ = 0 the seed's reading holds;
those points are reported, not hidden. corrects = adam.bias-correction, the
claim that establishes v̂_t → E[g²] (for a constant gradient v̂_t = g²).
"""

import numpy as np

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from theory.adam import sigma, std_seed

from ._moments_model import adam_moments_models
from ._stationary import moments_along, random_phase_history


def experiment(params, rng):
    pairs = np.array(params["mu_sigma"], dtype=float)  # (n, 2)
    checkpoints = np.array(params["checkpoints"])
    period, steps = params["period"], int(np.max(params["checkpoints"]))
    z = rng.standard_normal(period)
    z = (z - z.mean()) / z.std()  # population mean 0, population variance 1
    populations = pairs[:, :1] + pairs[:, 1:] * z[None, :]  # (n, P)
    history = np.concatenate([random_phase_history(pop, steps) for pop in populations], axis=1)
    beta2 = np.full((history.shape[1], 1), params["beta2"])
    moments = moments_along(history, np.full_like(beta2, 0.9), beta2, checkpoints)  # (len, 2, 2, runs)
    v_hat = moments[:, 1, 1, :].reshape(len(checkpoints), len(pairs), period).mean(axis=-1)  # E over phases
    mean_square = np.mean(populations**2, axis=1)
    mu = np.broadcast_to(pairs[None, :, 0], v_hat.shape)
    sd = np.broadcast_to(pairs[None, :, 1], v_hat.shape)
    order = np.argsort(pairs[:, 0] / np.maximum(pairs[:, 1], 1e-300))
    last = v_hat[-1]
    figure = Figure(
        title="What Adam divides by: E[v̂_t] against the seed's σ² and the mean square μ² + σ²",
        xlabel="mean μ of the gradient (σ as listed)", ylabel="E[v̂_t]",
        series=(
            Series(f"measured E[v̂_t], t = {checkpoints[-1]}", pairs[order, 0], last[order], kind="scatter"),
            Series("mean square μ² + σ² (population)", pairs[order, 0], mean_square[order], kind="scatter",
                   role="theory"),
        ),
        theory_x="mu", theory_grid={"mu": pairs[order, 0], "sigma": pairs[order, 1]},
    )
    constant = pairs[:, 1] == 0
    return Measurement(
        values=v_hat.ravel(), inputs={"sigma": sd.ravel(), "mu": mu.ravel()}, figure=figure,
        details={"max_rel_dev_from_mean_square": float(np.max(np.abs(v_hat / mean_square - 1))),
                 "constant_gradient_v_hat_over_g2": (last[constant] / pairs[constant, 0] ** 2).tolist()},
    )


CLAIM = Claim(
    id="adam.std-seed",
    title="Seed 004: Adam divides by the gradient's standard deviation (wrong: by its RMS)",
    statement=(
        "Seed 004 as written: Adam normalises each gradient by an estimate of its standard deviation, i.e. "
        "E[v̂_t] = σ² = Var(g). Adam's v̂_t estimates E[g²] = μ² + σ²: it divides by the RMS; with a constant "
        "gradient σ = 0 but the step is ≈ η."
    ),
    source=Source(
        "seed 004",
        "Adam effectively normalizes each gradient by an estimate of its standard deviation, giving larger updates "
        "to parameters with historically small gradients and smaller updates to those with large gradients.",
    ),
    references=("Kingma & Ba (2015), §3 (v̂_t estimates the uncentred second moment E[g²])",),
    derivation=std_seed,
    experiment=experiment,
    params=Params(
        symbols={"sigma": "sigma"},
        quick={"mu_sigma": [[1.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.5, 1.0], [1.0, 1.0], [2.0, 1.0], [-3.0, 0.5]],
               "checkpoints": [10, 100, 1000], "period": 31, "beta2": 0.999},
        full={"mu_sigma": [[1.0, 0.0], [-2.0, 0.0], [1e-3, 0.0], [0.0, 1.0], [0.0, 3.0], [0.25, 1.0], [0.5, 1.0],
                           [1.0, 1.0], [2.0, 1.0], [4.0, 1.0], [-3.0, 0.5], [10.0, 0.1]],
              "checkpoints": [1, 10, 100, 1000, 3000], "period": 101, "beta2": 0.999},
    ),
    comparison=Exact(rtol=1e-11),
    expected=Verdict.REFUTED,
    corrects="adam.bias-correction",
    models=adam_moments_models(1e-8),  # the experiment's ε
    mutants=(
        Mutant("the standard deviation itself, σ (not its square)", sigma),
    ),
)
