"""momentum.stability-region — heavy ball on a quadratic is stable iff 0 < wηλ < 2(1 + β).

Both conventions in one theory: with velocity update v ← βv + w·g the derived
boundary (Jury conditions on z² − (1 + β − wh)z + β) is h* = 2(1 + β)/w, h = ηλ;
the sum form has w = 1, the EMA form w = 1 − β.

Experiment: for a grid of β in (−1, 1) and both forms, bisect the h at which
the simulated trajectory on ½λθ² (λ = 1) starts to grow. Unstable means the
two-step amplitude √(θ_T² + θ_{T−1}²) exceeds the one at T/2. A (β, h) map of
measured growth for the sum form is drawn with the derived boundary.

Tolerance: T/2 is chosen so that the second root (modulus |β| at the
boundary) has decayed below 1e-16 before the comparison, so the
classification is decided by the root near −1 alone; its modulus moves by
w·δh/(1 − β) for a change δh, and growth over T/2 steps resolves ~1e-13. 60
halvings make the bracket narrower than 1e-15 relative. rtol = 1e-8 leaves a
wide margin for rounding in the recursion; the mutants (GD's 2/w, or the
boundary 2(1 + β²)/w) are off by ≥ 1 % on the grid.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.estimators import bisect_threshold, grows, second_half_growth
from empirics.optimizers import heavy_ball, step_from_iterates
from empirics.problems import DiagonalQuadratic
from theory.momentum import stability_region
from theory.symbols import beta, w

from ._constant_gradient import steps_needed


def _amplitudes(betas: np.ndarray, h: np.ndarray, form: str, half: int):
    """Two-step amplitudes at T/2 and T, and divergence, of heavy ball on ½θ² with η = h (λ = 1)."""
    problem = DiagonalQuadratic(np.ones((len(betas), 1)))
    checkpoints = np.array([half - 1, half, 2 * half - 1, 2 * half])
    traj = run(heavy_ball(h[:, None], betas[:, None], form), problem.grad, np.ones((len(betas), 1)), 2 * half,
               observe=lambda x: x[:, 0].copy(), checkpoints=checkpoints)
    obs = traj.observations
    return np.hypot(obs[0], obs[1]), np.hypot(obs[2], obs[3]), traj.diverged


def heavy_ball_step(h, beta, lam, form, x_t, x_prev):
    """x_(t+1) of the experiment's heavy ball (``form``) with η = h on ½λx², from the iterates x_t and x_(t−1)."""
    return step_from_iterates(heavy_ball(h[:, None], beta[:, None], form), h, DiagonalQuadratic(lam[:, None]).grad,
                              x_t, x_prev)


def experiment(params, rng):
    betas = np.linspace(params["beta_min"], params["beta_max"], params["n_beta"])
    betas = np.clip(betas + rng.uniform(-0.01, 0.01, betas.shape), -0.99, 0.99)
    half = steps_needed(betas, 1e-16)
    forms = ("sum", "ema")
    weights = {"sum": np.ones_like(betas), "ema": 1 - betas}
    thresholds, ws, bs = [], [], []
    for form in forms:
        w_form = weights[form]
        # Brackets: stable at h = (1 + β)/w (half the boundary), unstable at 4(1 + β)/w (twice it).
        lo, hi = bisect_threshold(lambda h, f=form: grows(*_amplitudes(betas, h, f, half)),
                                  (1 + betas) / w_form, 4 * (1 + betas) / w_form, params["halvings"])
        thresholds.append(0.5 * (lo + hi)), ws.append(w_form), bs.append(betas)
    threshold, w_all, b_all = np.concatenate(thresholds), np.concatenate(ws), np.concatenate(bs)

    # A measured stability map for the sum form on a (β, ηλ) grid.
    gb, gh = np.meshgrid(np.linspace(-0.95, 0.95, params["map_size"]), np.linspace(0.02, 4.5, params["map_size"]))
    growth = second_half_growth(*_amplitudes(gb.ravel(), gh.ravel(), "sum", half)).reshape(gb.shape)
    figure = Figure(
        title="Heavy ball (sum form) on ½λθ²: measured log10 growth over T/2 steps",
        xlabel="momentum β", ylabel="ηλ",
        series=(
            Series("log10 growth (sum form)", gb[0], gh[:, 0], kind="heatmap",
                   z=np.clip(np.log10(np.where(growth > 0, growth, 1e-300)), -20, 20)),
            Series("bisected threshold, sum form", betas, thresholds[0], kind="scatter"),
            Series("bisected threshold × (1 − β), EMA form", betas, thresholds[1] * (1 - betas), kind="scatter"),
        ),
        theory_x="beta", theory_grid={"beta": np.linspace(-0.95, 0.95, 200), "w": np.ones(200)},
    )
    return Measurement(
        values=threshold,
        inputs={"beta": b_all, "w": w_all},
        figure=figure,
        details={"steps": 2 * half, "halvings": params["halvings"], "forms": list(forms)},
    )


CLAIM = Claim(
    id="momentum.stability-region",
    title="Heavy-ball stability region: 0 < ηλ < 2(1 + β) (sum), 0 < ηλ(1 − β) < 2(1 + β) (EMA)",
    statement=(
        "Heavy ball on f = ½λθ² with |β| < 1 is stable iff 0 < ηλ < 2(1 + β) in the sum form "
        "(v ← βv + g) and iff 0 < ηλ(1 − β) < 2(1 + β) in the EMA form (v ← βv + (1 − β)g); "
        "both follow from the Jury conditions on z² − (1 + β − wηλ)z + β."
    ),
    source=Source("seeds 000, 001, 002, 004 (both conventions)",
                  "v_{t+1} = βv_t + ∇L(θ_t), θ_{t+1} = θ_t − ηv_{t+1} (seed 004); "
                  "v_t = βv_{t−1} + (1 − β)∇L(θ) (seed 002)"),
    references=("Jury (1964), Theory and Application of the z-Transform Method",
                "Polyak (1964); Goh (2017), Why Momentum Really Works, Distill"),
    derivation=stability_region,
    experiment=experiment,
    params=Params(
        symbols={"beta": "beta", "w": "w"},
        quick={"beta_min": -0.6, "beta_max": 0.8, "n_beta": 12, "halvings": 50, "map_size": 30},
        full={"beta_min": -0.9, "beta_max": 0.98, "n_beta": 60, "halvings": 60, "map_size": 120},
    ),
    comparison=Tight(rtol=1e-8),
    expected=Verdict.CONFIRMED,
    # Both forms with η = h and λ chosen so that (gradient weight)·ηλ = w·h for any w: λ = w for the sum
    # form (weight 1), λ = w/(1 − β) for the EMA form (weight 1 − β). The experiment's runs (λ = 1) are the
    # points w = 1 (sum) and w = 1 − β (EMA).
    models=(Model("Heavy ball on f = ½λx²", lambda h, beta, w, **p: heavy_ball_step(h, beta, w, "sum", p["x_t"], p["x_t-1"]),
                  ranges={"h": (0.01, 5), "beta": (-0.9, 0.9), "w": (0.05, 2), "x_t": (-2, 2), "x_t-1": (-2, 2)}),
            Model("Heavy ball on f = ½λx²",
                  lambda h, beta, w, **p: heavy_ball_step(h, beta, w / (1 - beta), "ema", p["x_t"], p["x_t-1"]),
                  ranges={"h": (0.01, 5), "beta": (-0.9, 0.9), "w": (0.05, 2), "x_t": (-2, 2), "x_t-1": (-2, 2)})),
    mutants=(
        Mutant("GD's boundary 2/w (momentum ignored)", 2 / w),
        Mutant("boundary 2(1 + β²)/w", 2 * (1 + beta**2) / w),
    ),
)
