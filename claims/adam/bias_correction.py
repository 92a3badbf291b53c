"""adam.bias-correction — m̂_t and v̂_t are unbiased under stationary gradients; m_t is (1 − β^t)·E[g].

Theory (theory/adam.py, ``bias_correction``): the EMA weights (1 − β)β^{t−j}
sum to 1 − β^t, so for stationary gradients E[m_t] = (1 − β^t)E[g] and
E[m̂_t] = E[g]; the same holds for v_t and g² with β₂. The result is the
ratio moment / expectation: 1 − β^t for the raw moment (b = 0), 1 for the
bias-corrected one (b = 1).

Experiment: the real Adam state (empirics/adaptive.py) driven by
(i) constant gradients g of random sign and magnitude, where the ratio is
m_t/g and v_t/g² run by run, and (ii) a random-phase stationary stream (see
_stationary.py: a random sequence read from each of its P phases), where the
ratio is the average over the P phases divided by the population mean of g
(or g²) — an exact expectation, no sampling error. β₁ = β₂ = β per run, for a
grid of β; both moments are read at log-spaced steps t.

Tolerance: Exact, rtol = 1e-11. Each EMA update rounds with relative error
≤ 2u, damped by β per step, so m_t carries ≤ 2u/(1 − β) ≈ 4.4e-13 at β = 0.999;
computing 1 − β^t costs u/(1 − β^t) ≤ 1.1e-13 at t = 1; the average over P ≤ 101
phases of positive terms adds ≤ P·u ≈ 1e-14. Hence ≲ 6e-13, and 1e-11 leaves
a factor ~15. The off-by-one mutant 1 − β^{t+1} is off by β^t(1 − β)/(1 − β^t)
(≥ 0.5 at t = 1), the "raw moments are unbiased" mutant by β^t (0.999 at t = 1).
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Model, Mutant, Params, Series, Source, Verdict
from theory.adam import beta_s, bias_correction, corrected
from theory.symbols import t

from ._moments_model import moments_after_one_update
from ._stationary import moments_along, random_phase_history


def experiment(params, rng):
    betas = np.array(params["betas"], dtype=float)
    checkpoints = np.array(params["checkpoints"])
    period, n_const = params["period"], params["constant_runs"]
    steps = int(checkpoints.max())
    constants = rng.choice([-1.0, 1.0], n_const) * np.exp(rng.uniform(-3, 3, n_const))
    population = 1.0 + 0.5 * rng.standard_normal(period)
    # one history per (β, stream): n_const constant runs and `period` phases of the stationary stream
    streams = np.concatenate([np.broadcast_to(constants, (steps, n_const))[..., None],
                              random_phase_history(population, steps)], axis=1)
    history = np.tile(streams, (1, len(betas), 1))
    beta_run = np.repeat(betas, streams.shape[1])[:, None]
    values, inputs_beta, inputs_t, inputs_b = [], [], [], []
    everything = moments_along(history, beta_run, beta_run, checkpoints)  # (len, raw/corrected, m/v, runs)
    everything = everything.reshape(len(checkpoints), 2, 2, len(betas), streams.shape[1])
    for b in (0, 1):  # the raw and the corrected reading of the same runs
        moments = everything[:, b]
        const_m = moments[:, 0, :, :n_const] / constants
        const_v = moments[:, 1, :, :n_const] / constants**2
        phase_m = moments[:, 0, :, n_const:].mean(axis=-1) / population.mean()
        phase_v = moments[:, 1, :, n_const:].mean(axis=-1) / np.mean(population**2)
        for block in (const_m, const_v, phase_m[..., None], phase_v[..., None]):
            values.append(block.ravel())
            shape = block.shape
            inputs_beta.append(np.broadcast_to(betas[None, :, None], shape).ravel())
            inputs_t.append(np.broadcast_to(checkpoints[:, None, None], shape).ravel().astype(float))
            inputs_b.append(np.full(block.size, float(b)))
    values = np.concatenate(values)
    inputs = {"beta": np.concatenate(inputs_beta), "t": np.concatenate(inputs_t), "b": np.concatenate(inputs_b)}
    show = inputs["beta"] == betas[-1]
    grid = np.arange(1, steps + 1, dtype=float)
    figure = Figure(
        title=f"Adam's moments over their target (β = {betas[-1]}): raw 1 − β^t, corrected 1",
        xlabel="step t", ylabel="moment / E[g] (or E[g²])", xscale="log",
        series=(
            Series("raw m_t, v_t (measured)", inputs["t"][show & (inputs["b"] == 0)],
                   values[show & (inputs["b"] == 0)], kind="scatter"),
            Series("bias-corrected m̂_t, v̂_t (measured)", inputs["t"][show & (inputs["b"] == 1)],
                   values[show & (inputs["b"] == 1)], kind="scatter"),
        ),
        theory_x="t", theory_curves=tuple((label, {"t": grid, "beta": np.full_like(grid, betas[-1]), "b": np.full_like(grid, b)})
                                          for label, b in (("raw (b = 0)", 0.0), ("corrected (b = 1)", 1.0))),
    )
    return Measurement(values=values, inputs=inputs, figure=figure,
                       details={"constant_gradients": constants.tolist(), "phases": period,
                                "population_mean": float(population.mean()),
                                "population_mean_square": float(np.mean(population**2))})


CLAIM = Claim(
    id="adam.bias-correction",
    title="Bias-corrected moments are unbiased; raw moments are short by 1 − β^t",
    statement=(
        "With m₀ = v₀ = 0 and stationary gradients, E[m_t] = (1 − β₁^t)E[g] and E[v_t] = (1 − β₂^t)E[g²], so "
        "m̂_t = m_t/(1 − β₁^t) and v̂_t = v_t/(1 − β₂^t) are unbiased at every t; a constant gradient g gives "
        "m̂_t = g, v̂_t = g² and m_t = (1 − β₁^t)g."
    ),
    source=Source(
        "seed 004",
        "Since m_0 = v_0 = 0, the estimates are biased toward zero early in training. Bias correction fixes this: "
        "m̂_t = m_t/(1 − β₁^t), v̂_t = v_t/(1 − β₂^t).",
    ),
    references=("Kingma & Ba (2015), Adam: a method for stochastic optimization, §3",),
    derivation=bias_correction,
    experiment=experiment,
    params=Params(
        symbols={"beta": "beta", "t": "t", "b": "b"},
        quick={"betas": [0.5, 0.9, 0.999], "checkpoints": [1, 2, 3, 5, 10, 30, 100, 300], "period": 31,
               "constant_runs": 4},
        full={"betas": [0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999],
              "checkpoints": [1, 2, 3, 4, 5, 7, 10, 20, 30, 50, 100, 200, 300, 1000, 3000],
              "period": 101, "constant_runs": 8},
    ),
    comparison=Exact(rtol=1e-11),
    expected=Verdict.CONFIRMED,
    # One update of the experiment's Adam (β₁ = β₂ = β, as moments_along runs it): its m from m_t-1 on the
    # gradient g[t]; and, since the same recursion gives v_t from g_t², its v from m_t-1 on √g[t] (g[t] ≥ 0 there).
    models=(
        Model("EMA recursion",
              lambda beta, **p: moments_after_one_update(beta, beta, 1e-8, p["m_t-1"], 0 * beta, p["g[t]"])[0],
              ranges={"beta": (0.01, 0.999), "m_t-1": (-3, 3), "g[t]": (-3, 3)}),
        Model("EMA recursion",
              lambda beta, **p: moments_after_one_update(beta, beta, 1e-8, 0 * beta, p["m_t-1"], np.sqrt(p["g[t]"]))[1],
              ranges={"beta": (0.01, 0.999), "m_t-1": (0, 9), "g[t]": (0, 9)}),
    ),
    mutants=(
        Mutant("off by one: raw moments short by 1 − β^(t+1)",
               sp.Piecewise((1, sp.Eq(corrected, 1)), (1 - beta_s ** (t + 1), True))),
        Mutant("raw moments already unbiased (no correction needed)",
               sp.Piecewise((1, sp.Eq(corrected, 1)), (1, True))),
    ),
)
