"""adam.first-step — the first bias-corrected Adam step is ηg/(|g| + ε) ≈ η·sign(g).

Theory (theory/adam.py, ``first_step``): m₁ = (1 − β₁)g, v₁ = (1 − β₂)g², so
m̂₁ = g, v̂₁ = g² and the step is ηg/(√(g²) + ε) = ηg/(|g| + ε), whatever β₁, β₂.

Experiment: one Adam step (empirics/adaptive.py, ε added to √v̂ as in seed 004)
from x₀ = 0 for a batch of runs with random g over 15 decades (|g| from 1e-12
to 1e3, both signs), ε ∈ {1e-8, 1e-6}, random η and random β₁, β₂; the step
is −x₁ (exact: x₀ = 0, so no cancellation).

Tolerance: Exact, rtol = 1e-14. The step goes through ~10 correctly rounded
operations ((1 − β)g, its division by 1 − β, the square, the root, + ε, the
quotient, ×η), each ≤ u = 1.1e-16 relative: ≤ 1.1e-15, a factor 9 below the
tolerance. The mutant η·sign(g) (ε dropped) is off by ε/(|g| + ε), up to ~1 at
|g| ≲ ε; ε inside the root, ηg/√(g² + ε), is off by ≥ ~ε/(2g²) ≫ 1e-14 at |g| ≤ 1.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.adaptive import adam, drive
from theory.adam import epsilon, first_step
from theory.symbols import eta, g

from ._moments_model import adam_moments_models


def experiment(params, rng):
    runs = params["runs"]
    grads = rng.choice([-1.0, 1.0], runs) * 10.0 ** rng.uniform(-12, 3, runs)
    eps = rng.choice(params["eps"], runs)
    etas = 10.0 ** rng.uniform(-4, 0, runs)
    beta1, beta2 = rng.uniform(0.0, 0.99, runs), rng.uniform(0.5, 0.9999, runs)
    opt = adam(etas[:, None], beta1[:, None], beta2[:, None], eps[:, None])
    record = drive(opt, lambda t, x: np.broadcast_to(grads[:, None], x.shape), np.zeros((runs, 1)), 1,
                   np.array([1]))
    step = -record.observations[0, :, 0]
    scaled = np.abs(grads) / eps
    grid = np.geomspace(scaled.min(), scaled.max(), 300)
    figure = Figure(
        title="First bias-corrected Adam step against |g|/ε",
        xlabel="|g| / ε", ylabel="Δ₁ / (η sign g)", xscale="log",
        series=(Series("measured first steps", scaled, step / (etas * np.sign(grads)), kind="scatter"),),
        theory_x="g", theory_grid={"g": grid, "eps": np.ones_like(grid), "eta": np.ones_like(grid)},
        draw_mutants=True,
    )
    return Measurement(values=step, inputs={"g": grads, "eps": eps, "eta": etas}, figure=figure,
                       details={"runs": runs, "abs_g_range": [float(np.abs(grads).min()), float(np.abs(grads).max())]})


CLAIM = Claim(
    id="adam.first-step",
    title="Adam's first bias-corrected step is ηg/(|g| + ε) ≈ η·sign(g)",
    statement=(
        "From m₀ = v₀ = 0 the first bias-corrected Adam step is ηg/(|g| + ε) per coordinate, independent of "
        "β₁, β₂: a step of size ≈ η in the direction −sign(g) whenever |g| ≫ ε."
    ),
    source=Source(
        "seed 004",
        "θ_{t+1} = θ_t − η m̂_t/(√v̂_t + ϵ), where ϵ ≈ 10^{−8} prevents division by zero.",
    ),
    references=("Kingma & Ba (2015), §2.1 ('the effective magnitude of the steps … is approximately bounded by "
                "the stepsize setting')",),
    derivation=first_step,
    experiment=experiment,
    params=Params(
        symbols={"g": "g", "eps": "epsilon", "eta": "eta"},
        quick={"runs": 2000, "eps": [1e-8, 1e-6]},
        full={"runs": 50000, "eps": [1e-8, 1e-6]},
    ),
    comparison=Exact(rtol=1e-14),
    expected=Verdict.CONFIRMED,
    models=adam_moments_models(1e-8),  # the experiment's ε
    mutants=(
        Mutant("η·sign(g) (ε neglected)", eta * sp.sign(g)),
        Mutant("ε inside the root: ηg/√(g² + ε)", eta * g / sp.sqrt(g**2 + epsilon)),
    ),
)
