"""gd.quadratic-stability — GD on ½λθ² converges iff 0 < η < 2/λ.

Experiment: for many curvatures λ at once, bisect the step size at which the
simulated GD trajectory stops contracting. A run counts as unstable when its
amplitude grows over the second half of T steps: with a multiplier of modulus
1 + δ the growth is (1 + δ)^(T/2), while rounding perturbs |θ| by at most
~T·eps ≈ 1e-12 relative, so the classification is exact once δ > ~1e-15 and
60 halvings shrink each bracket below 1e-15 relative. The tolerance 1e-9
therefore leaves three orders of magnitude for the bracket and rounding; the
mutant 1.99/λ (0.5 % off) is refuted by six orders of magnitude.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.estimators import bisect_threshold, grows
from empirics.optimizers import gradient_descent
from empirics.problems import DiagonalQuadratic
from theory.gd import quadratic_stability
from theory.symbols import lam


def _grows(curvatures: np.ndarray, steps: int):
    """Classifier for bisection: does GD with step η grow on curvature λ (one run per λ)?"""

    def unstable(eta: np.ndarray) -> np.ndarray:
        problem = DiagonalQuadratic(curvatures[:, None])
        x0 = np.ones((len(curvatures), 1))
        traj = run(gradient_descent(eta[:, None]), problem.grad, x0, steps,
                   observe=lambda x: np.abs(x[:, 0]), checkpoints=np.array([steps // 2, steps]))
        early, late = traj.observations
        return grows(early, late, traj.diverged)

    return unstable


def experiment(params, rng):
    curvatures = np.geomspace(params["lambda_min"], params["lambda_max"], params["n_lambda"])
    curvatures = curvatures * np.exp(rng.uniform(-0.1, 0.1, curvatures.shape))  # off-grid values
    unstable = _grows(curvatures, params["steps"])
    lo, hi = bisect_threshold(unstable, 1.0 / curvatures, 3.0 / curvatures, params["halvings"])
    threshold = 0.5 * (lo + hi)

    # At η = 2/λ exactly: |θ_t| stays |θ₀| (bounded oscillation), neither converging nor diverging.
    boundary = run(gradient_descent(2.0 / curvatures[:, None]), DiagonalQuadratic(curvatures[:, None]).grad,
                   np.ones((len(curvatures), 1)), params["steps"], observe=lambda x: np.abs(x[:, 0]),
                   checkpoints=np.array([params["steps"]]))
    figure = Figure(
        title="Bisected divergence threshold of GD on ½λθ²",
        xlabel="curvature λ", ylabel="threshold step size η*",
        xscale="log", yscale="log",
        series=(Series("bisected threshold", curvatures, threshold, kind="scatter"),),
        theory_x="lam", theory_grid={"lam": np.geomspace(curvatures.min(), curvatures.max(), 200)},
        draw_mutants=True,
    )
    return Measurement(
        values=threshold,
        inputs={"lam": curvatures},
        figure=figure,
        details={
            "max_bracket_relative_width": float(np.max((hi - lo) / threshold)),
            "amplitude_ratio_at_2_over_lambda_max_deviation": float(np.max(np.abs(boundary.observations[0] - 1))),
        },
    )


CLAIM = Claim(
    id="gd.quadratic-stability",
    title="GD on a quadratic diverges exactly above η = 2/λ",
    statement=(
        "On f(θ) = ½λθ² with λ > 0, gradient descent θ₊ = (1 − ηλ)θ converges iff 0 < η < 2/λ, "
        "diverges iff η > 2/λ, and oscillates with constant amplitude at η = 2/λ."
    ),
    source=Source(
        "seed 004",
        "For a quadratic L(θ) = ½λθ², the update gives θ_{t+1} = (1 − ηλ)θ_t. Divergence occurs when "
        "|1 − ηλ| > 1, i.e., η > 2/λ.",
    ),
    references=("Nocedal & Wright (2006), Numerical Optimization, §3.3",),
    derivation=quadratic_stability,
    experiment=experiment,
    params=Params(
        symbols={"lam": "lambda"},
        quick={"lambda_min": 1e-3, "lambda_max": 1e3, "n_lambda": 40, "steps": 400, "halvings": 55},
        full={"lambda_min": 1e-4, "lambda_max": 1e4, "n_lambda": 400, "steps": 2000, "halvings": 60},
    ),
    comparison=Tight(rtol=1e-9),
    expected=Verdict.CONFIRMED,
    models=(Model("Objective", lambda theta, lambda_: DiagonalQuadratic(lambda_[:, None]).value(theta[:, None]),
                  ranges={"theta": (-3, 3), "lambda": (0.1, 10)}),),
    mutants=(
        Mutant("threshold 1.99/λ (0.5 % low)", lambda r: r * 0.995),
        Mutant("threshold 1/λ (the one-step point, not the divergence point)", 1 / lam),
    ),
)
