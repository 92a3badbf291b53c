"""sgd.noise-ball — constant-η SGD on ½aθ² with gradient noise σ: E(θ − θ*)² → ησ²/(a(2 − ηa)).

Experiment, scalar part: a grid of step sizes (ηa from 0.02 to 1.8) and two
curvatures, R runs each, all in one batch; additive Gaussian gradient noise
(empirics/stochastic.py, GaussianNoiseOracle); θ₀ = θ* so θ_T is exactly
Gaussian with mean θ*, and T is long enough that the transient factor
(1 − ηa)^(2T) is below 1e-8. Multi-dimensional part: a rotated SPD quadratic
with a non-isotropic noise covariance Σ; the stationary covariance is the
solution P of the discrete Lyapunov equation P = MPMᵀ + η²Σ, M = I − ηA
(scipy.linalg.solve_discrete_lyapunov), and each eigendirection q_i obeys the
scalar formula with a = λ_i, σ² = q_iᵀΣq_i. The measured variance of q_iᵀθ_T
is compared with it (and P with the empirical covariance, in details).

Tolerance: every measured value is a mean of R squared Gaussian deviations
about a known mean, so the chi-square interval (R degrees of freedom) is exact;
α = 1e-4 per claim, Bonferroni over the points (empirics/statistics.py).
Resolution 0.15 relative half-width. Mutants: the small-step form ησ²/(2a)
is wrong by the factor (2 − ηa)/2 (4× at ηa = 1.5) and ησ²/a by 2×.
"""

import numpy as np
from scipy.linalg import solve_discrete_lyapunov

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Stochastic, Verdict
from empirics.problems import DiagonalQuadratic, rotated_quadratic
from empirics.statistics import CLAIM_ALPHA, variance_interval
from empirics.stochastic import GaussianNoiseOracle, run_sgd
from theory.sgd import a, noise_ball, sigma
from theory.symbols import eta


def experiment(params, rng):
    R, T = params["runs"], params["steps"]
    h = np.asarray(params["eta_a"], dtype=float)
    curv = np.asarray(params["curvatures"], dtype=float)
    hh, aa = np.meshgrid(h, curv, indexing="ij")
    hh, aa = hh.ravel(), aa.ravel()
    etas, sig = hh / aa, np.full(hh.shape, params["sigma"])
    col = lambda v: np.repeat(v, R)[:, None]  # noqa: E731  (one row per run, grouped by point)
    oracle = GaussianNoiseOracle(DiagonalQuadratic(col(aa)).grad, col(sig))
    traj = run_sgd(oracle, np.zeros((len(hh) * R, 1)), T, rng, col(etas), checkpoints=np.array([T]))
    scalar_samples = traj.x_final[:, 0].reshape(len(hh), R).T

    # Multi-dimensional: rotated quadratic, correlated noise; solve the Lyapunov equation numerically.
    d = params["dim"]
    spectrum = np.geomspace(1.0, params["kappa"], d)
    A = rotated_quadratic(rng, spectrum[None, :]).A[0]
    root = rng.standard_normal((d, d)) * params["sigma"] / np.sqrt(d)
    Sigma = root @ root.T
    eta_m = params["eta_a_max_multi"] / spectrum.max()
    M = np.eye(d) - eta_m * A
    P = solve_discrete_lyapunov(M, eta_m**2 * Sigma)
    lam, Q = np.linalg.eigh(A)
    sig_dir = np.sqrt(np.einsum("ji,jk,ki->i", Q, Sigma, Q))
    scalar_formula = eta_m * sig_dir**2 / (lam * (2 - eta_m * lam))
    traj_m = run_sgd(GaussianNoiseOracle(_quadratic_grad(A), root), np.zeros((R, d)), T, rng, eta_m,
                     checkpoints=np.array([T]))
    multi_samples = traj_m.x_final @ Q  # (R, d) coordinates in the eigenbasis
    empirical_cov = traj_m.x_final.T @ traj_m.x_final / R

    samples = np.concatenate([scalar_samples, multi_samples], axis=1)
    points = samples.shape[1]
    ci = variance_interval(samples, CLAIM_ALPHA, axis=0, points=points, known_mean=0.0)
    inputs = {"eta": np.concatenate([etas, np.full(d, eta_m)]), "a": np.concatenate([aa, lam]),
              "sigma": np.concatenate([sig, sig_dir])}
    first = aa == curv[0]
    grid = np.geomspace(h.min(), h.max(), 200) / curv[0]
    figure = Figure(
        title="Stationary variance of constant-step SGD (noise ball)",
        xlabel="step size η", ylabel="E(θ − θ*)²", xscale="log", yscale="log",
        series=(Series(f"measured, a = {curv[0]:g} (χ² CI)", etas[first], ci.estimate[:len(hh)][first],
                       kind="errorbar", lower=ci.lower[:len(hh)][first], upper=ci.upper[:len(hh)][first]),),
        theory_x="eta", theory_grid={"eta": grid, "a": np.full_like(grid, curv[0]),
                                     "sigma": np.full_like(grid, params["sigma"])},
        draw_mutants=True,
    )
    return Measurement(
        values=ci.estimate, interval=(ci.lower, ci.upper), level=CLAIM_ALPHA, samples=R, inputs=inputs,
        figure=figure,
        details={"lyapunov_diag_vs_scalar_formula_max_rel": float(np.max(np.abs(
                     np.diag(Q.T @ P @ Q) - scalar_formula) / scalar_formula)),
                 "empirical_cov_vs_lyapunov_max_rel_frobenius": float(np.linalg.norm(empirical_cov - P) / np.linalg.norm(P)),
                 "transient_factor_max": float(np.max((1 - hh) ** (2 * T)))},
    )


def _quadratic_grad(A):
    """Gradient of ½xᵀAx for a batch (A symmetric)."""
    return lambda x: x @ A


CLAIM = Claim(
    id="sgd.noise-ball",
    title="Constant-step SGD settles in a noise ball of variance ησ²/(a(2 − ηa))",
    statement=("SGD θ₊ = θ − η(a(θ − θ*) + σξ) with independent standard noise ξ and 0 < ηa < 2 has stationary "
               "E(θ − θ*)² = ησ²/(a(2 − ηa)); in d dimensions the stationary covariance solves P = MPMᵀ + η²Σ "
               "(M = I − ηA) and each eigendirection obeys the scalar formula. The ball shrinks ∝ η."),
    source=Source("seed 000", "plain SGD with fixed η converges to a fuzzy ball around the optimum, not a point "
                              "(decaying η shrinks the ball)."),
    references=("Mandt, Hoffman & Blei (2017), SGD as approximate Bayesian inference, JMLR 18",),
    derivation=noise_ball,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta", "a": "a", "sigma": "sigma"},
        quick={"runs": 3000, "steps": 500, "eta_a": [0.02, 0.1, 0.5, 1.0, 1.5, 1.8], "curvatures": [1.0, 4.0],
               "sigma": 1.0, "dim": 4, "kappa": 10.0, "eta_a_max_multi": 1.5},
        full={"runs": 10000, "steps": 600, "eta_a": [0.02, 0.05, 0.2, 0.5, 1.0, 1.5, 1.9],
              "curvatures": [0.5, 4.0], "sigma": 2.0, "dim": 6, "kappa": 20.0, "eta_a_max_multi": 1.8},
    ),
    comparison=Stochastic(alpha=CLAIM_ALPHA, resolution=0.15),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("small-step form ησ²/(2a)", eta * sigma**2 / (2 * a)),
        Mutant("factor 2 lost: ησ²/a", eta * sigma**2 / a),
    ),
)
