"""nesterov.quadratic-stability — constant-β Nesterov on ½λx² is stable iff 0 < ηλ < 2(1 + β)/(1 + 2β).

Experiment: for a grid of β ∈ [0, 0.99] (× several curvatures λ, all one
batch) bisect the step size at which the lookahead-form Nesterov trajectory
stops contracting, and report h* = η*λ. A run counts as unstable when its
amplitude max(|x_t|, |x_{t−1}|) grows between T/2 and T.

Tolerance: at the boundary the dominant root is −1 and the other has modulus
β/(1 + 2β) ≤ 1/3, negligible ((1/3)^100 ≈ 1e-48) after T/2 ≥ 100 steps; a
dominant modulus 1 ± δ changes the amplitude by (1 ± δ)^{T/2}, which rounding
(~T·eps ≈ 1e-13 relative) cannot mask once δ ≳ 1e-14, and 48 halvings shrink
the bracket (width 1.5/λ) below 1e-14 relative. rtol = 1e-9 leaves four orders of magnitude. Mutants:
heavy ball's threshold 2(1 + β) and GD's 2 differ by > 30 % for β ≥ 0.25.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.estimators import bisect_threshold, grows
from empirics.optimizers import nesterov_lookahead, step_from_iterates
from empirics.problems import DiagonalQuadratic
from theory.nesterov import quadratic_stability
from theory.symbols import beta


def _grows(curv: np.ndarray, betas: np.ndarray, steps: int):
    problem = DiagonalQuadratic(curv[:, None])
    checkpoints = np.array([steps // 2 - 1, steps // 2, steps - 1, steps])

    def unstable(eta: np.ndarray) -> np.ndarray:
        traj = run(nesterov_lookahead(eta[:, None], betas[:, None]), problem.grad, np.ones((len(curv), 1)), steps,
                   observe=lambda x: np.abs(x[:, 0]), checkpoints=checkpoints)
        o = traj.observations  # two consecutive iterates: the amplitude of an oscillation
        return grows(np.maximum(o[0], o[1]), np.maximum(o[2], o[3]), traj.diverged)

    return unstable


def experiment(params, rng):
    betas = np.linspace(0.0, 0.99, params["n_beta"])
    lam = np.exp(rng.uniform(np.log(1e-2), np.log(1e2), (params["n_lambda"], len(betas)))).ravel()
    b = np.tile(betas, params["n_lambda"])
    lo, hi = bisect_threshold(_grows(lam, b, params["steps"]), 1.0 / lam, 2.5 / lam, params["halvings"])
    h_star = 0.5 * (lo + hi) * lam
    grid = np.linspace(0, 0.99, 200)
    figure = Figure(
        title="Bisected stability threshold of constant-β Nesterov on ½λx²",
        xlabel="β", ylabel="h* = η*λ",
        series=(Series("bisected threshold", b, h_star, kind="scatter"),),
        # The first mutant is heavy ball's threshold 2(1 + β), shown for comparison.
        theory_x="beta", theory_grid={"beta": grid}, draw_mutants=True,
    )
    return Measurement(
        values=h_star, inputs={"beta": b}, figure=figure,
        details={"runs": int(len(b)), "max_bracket_relative_width": float(np.max((hi - lo) / (0.5 * (lo + hi))))},
    )


CLAIM = Claim(
    id="nesterov.quadratic-stability",
    title="Constant-β Nesterov on a quadratic: stable iff ηλ < 2(1 + β)/(1 + 2β)",
    statement=(
        "On f = ½λx², x₊ = y − η∇f(y), y = x + β(x − x₋) with 0 ≤ β < 1 is stable iff 0 < ηλ < 2(1 + β)/(1 + 2β) "
        "(characteristic polynomial z² − (1 + β)(1 − h)z + β(1 − h), Jury conditions)."
    ),
    source=Source("seed 002", "Nesterov momentum is a refinement where you compute the gradient at the 'lookahead' "
                  "position θ − ηβv_{t−1} rather than the current position."),
    references=("Jury (1964), Theory and Application of the z-Transform Method",
                "Lessard, Recht & Packard (2016), §3"),
    derivation=quadratic_stability,
    experiment=experiment,
    params=Params(symbols={"beta": "beta"}, quick={"n_beta": 12, "n_lambda": 3, "steps": 200, "halvings": 48},
                  full={"n_beta": 60, "n_lambda": 10, "steps": 2000, "halvings": 60}),
    comparison=Tight(rtol=1e-9, atol=0.0),
    expected=Verdict.CONFIRMED,
    models=(Model("Nesterov on ½λx²",  # h = ηλ with λ = 1, η = h
                  lambda h, beta, **p: step_from_iterates(nesterov_lookahead(h[:, None], beta[:, None]), h,
                                                          DiagonalQuadratic(np.ones((len(h), 1))).grad,
                                                          p["x_t"], p["x_t-1"]),
                  ranges={"h": (0.01, 2.5), "beta": (0, 0.99), "x_t": (-2, 2), "x_t-1": (-2, 2)}),),
    mutants=(
        Mutant("heavy ball's threshold 2(1 + β)", 2 * (1 + beta)),
        Mutant("GD's threshold 2", 2),
    ),
)
