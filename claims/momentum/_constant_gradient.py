"""Shared experiment: heavy ball under a constant gradient, step size relative to GD's.

Not a claim (the leading underscore keeps discovery away): the EMA-form claim
and the seed statement it refutes judge the *same* measurement against two
theories, so they share this one function.
"""

import numpy as np

from convergence import Figure, Measurement, Series
from empirics.engine import run
from empirics.optimizers import heavy_ball
from empirics.problems import Linear


def steps_needed(betas: np.ndarray, floor: float) -> int:
    """Steps T with β^T below ``floor`` for every β (the truncation of the geometric sum)."""
    return int(np.ceil(np.log(floor) / np.log(np.max(np.abs(betas)))))


def constant_gradient_step_ratio(betas: np.ndarray, form: str, eta: float, rng: np.random.Generator,
                                 floor: float = 1e-14) -> tuple[np.ndarray, int]:
    """|θ_T − θ_{T−1}| / (η|g|) per β after T steps from v₀ = 0, one run per β.

    A constant gradient is the linear objective f(θ) = gθ with a random g.
    """
    g = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0)
    steps = steps_needed(betas, floor)
    traj = run(heavy_ball(eta, betas[:, None], form=form), Linear(np.array([g])).grad,
               np.zeros((len(betas), 1)), steps, observe=lambda x: x[:, 0].copy(),
               checkpoints=np.array([steps - 1, steps]))
    step = traj.observations[0] - traj.observations[1]
    return step / (eta * g), steps


def step_ratio_measurement(params, rng, form: str, title: str) -> Measurement:
    betas = np.array(params["betas"], dtype=float)
    ratio, steps = constant_gradient_step_ratio(betas, form, params["eta"], rng)
    figure = Figure(
        title=title, xlabel="momentum β", ylabel="limiting step / (η g)", yscale="log",
        series=(Series(f"measured after T={steps} steps ({form} form)", betas, ratio, kind="scatter"),),
        theory_x="beta", theory_grid={"beta": np.linspace(betas.min(), betas.max(), 200)}, draw_mutants=True,
    )
    return Measurement(values=ratio, inputs={"beta": betas}, figure=figure,
                       details={"steps": steps, "form": form, "eta": params["eta"]})
