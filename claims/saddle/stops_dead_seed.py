"""saddle.stops-dead-seed — seed 003: GD without noise "stops dead" at a saddle. REFUTED.

Seed reading: noiseless GD ends at the saddle, so its limit distance to the
nearest minimum (0, ±√γ) is √γ (measured as distance to the nearest minimum
rather than to the saddle, so the seed's value is not 0 and relative errors
stay finite). The
saddle ½(ax² − γy²) + y⁴/4 has the stable manifold {y = 0}; from any start
with y₀ ≠ 0, |y| grows by 1 + ηγ per step near the saddle and GD ends at a
minimum (0, ±√γ) (Lee et al. 2016: GD converges to a strict saddle only from
a measure-zero set of starts).

Experiment: one batch of starts at x₀ = √γ with y₀ = 0 exactly (on the stable
manifold), y₀ = ±√γ·10^{-k} for k = 1..15 (the smallest a double can hold well
above underflow), and random Gaussian starts times √γ; T steps of GD, the final
distance to the nearest minimum measured. γ = 4, not 1, so that the on-manifold
point tells √γ from another power of γ; with a = γ, η = 0.05 (ηa = ηγ = 0.2)
and starts √γ = 2 times those at γ = 1, the run is the one at γ = 1 doubled,
exactly in binary. Comparison: Exact with atol 1e-9.
On the manifold x_T = (1 − ηa)^T·x₀ < 1e-30 (T chosen for that), so those
points match the seed's √γ to rounding; off the manifold the distance to the
minimum converges to 0 to machine precision, 2e9 times the allowance away
from √γ: the seed is refuted wherever y₀ ≠ 0. Mutants: "GD stops where the
outward pull y(γ − y²) peaks" (y = √(γ/3), distance √γ − √(γ/3)) and "GD
does not move" (distance d₀ of the start).
"""

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Model, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers import gradient_descent
from empirics.problems import Saddle
from theory.saddles import gamma, stops_dead_seed


def experiment(params, rng):
    gam, a_x, eta = params["gamma"], params["a"], params["eta"]
    ks = np.arange(1, 16)
    scale = np.sqrt(gam)  # every start is √γ times the one at γ = 1 (docstring)
    y0 = scale * np.concatenate([[0.0], 10.0 ** -ks, -(10.0 ** -ks), rng.standard_normal(params["random_starts"])])
    x0 = np.full_like(y0, scale)
    z0 = np.stack([x0, y0], axis=1)
    steps = params["steps"]
    traj = run(gradient_descent(eta), Saddle(a_x, gam, 1.0).grad, z0, steps,
               observe=lambda z: np.linalg.norm(z, axis=1), checkpoints=np.unique(np.geomspace(1, steps, 60).astype(int)))
    minimum = np.stack([np.zeros_like(y0), np.where(y0 < 0, -1.0, 1.0) * np.sqrt(gam)], axis=1)
    final = np.linalg.norm(traj.x_final - minimum, axis=1)
    final_to_saddle = np.linalg.norm(traj.x_final, axis=1)
    start_to_min = np.linalg.norm(z0 - minimum, axis=1)
    order = np.argsort(np.abs(y0))
    figure = Figure(
        title="Noiseless GD near the saddle ½(ax² − γy²) + y⁴/4: distance to the saddle",
        xlabel="step", ylabel="‖z_t‖", xscale="log", yscale="log",
        series=tuple(Series(f"y₀ = {y0[i]:.0e}", traj.checkpoints, np.maximum(traj.observations[:, i], 1e-300))
                     for i in order[:: max(len(order) // 8, 1)])
        + (Series("seed: stays at the saddle (‖z‖ → 0)", traj.checkpoints, np.full(len(traj.checkpoints), 1e-300),
                  role="theory"),
           Series("√γ (the minima)", np.sqrt(gam), None, kind="hline", role="theory")),
    )
    return Measurement(
        values=final, inputs={"gamma": np.full_like(final, gam), "start": start_to_min}, figure=figure,
        details={"on_manifold_final_distance_to_saddle": float(final_to_saddle[0]),
                 "off_manifold_max_final_distance_to_minimum": float(np.max(final[1:])),
                 "smallest_offset_escaped": float(scale * 10.0 ** -ks.max()), "steps": steps},
    )


CLAIM = Claim(
    id="saddle.stops-dead-seed",
    title="Seed 003: noiseless GD 'stops dead' at a saddle",
    statement=("Seed 003 as written: gradient descent without noise stops at a saddle point because the gradient "
               "is zero there, i.e. its limit distance from the saddle is 0."),
    source=Source("seed 003", "A basic optimizer without noise stops dead in its tracks when it hits this flat spot "
                  "because the gradient is zero."),
    references=("Lee, Simchowitz, Jordan & Recht (2016), Gradient descent only converges to minimizers, COLT",),
    derivation=stops_dead_seed,
    experiment=experiment,
    params=Params(
        symbols={"gamma": "gamma", "start": "d_0"},
        quick={"gamma": 4.0, "a": 4.0, "eta": 0.05, "steps": 1200, "random_starts": 50},
        full={"gamma": 4.0, "a": 4.0, "eta": 0.05, "steps": 2000, "random_starts": 2000},
    ),
    comparison=Exact(rtol=0.0, atol=1e-9),
    expected=Verdict.REFUTED,
    corrects="saddle.escape-time",
    models=(Model("The bounded saddle", lambda x, y, a, gamma: Saddle(a, gamma, 1.0).value(np.stack([x, y], axis=1)),
                  ranges={"x": (-3, 3), "y": (-3, 3), "a": (0.1, 5), "gamma": (0.1, 5)}),),
    mutants=(
        Mutant("GD stops where the outward pull y(γ − y²) peaks: distance √γ − √(γ/3)",
               sp.sqrt(gamma) - sp.sqrt(gamma / 3)),
        Mutant("GD does not move: distance d₀ of the start", sp.Symbol("d_0", positive=True)),
    ),
)
