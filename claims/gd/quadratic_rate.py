"""gd.quadratic-rate — GD's linear rate on ½xᵀAx is max(|1 − ημ|, |1 − ηL|).

Experiment: random SPD matrices in random orthonormal bases (scipy's
ortho_group), spectra containing μ and L exactly with the interior
eigenvalues kept 10 % of the width away from both ends. For each matrix and
several step sizes (including the optimal 2/(L + μ)) GD runs from a random
start and the rate is read off the error norm between two late checkpoints:
ρ̂ = (‖e_T‖/‖e_T0‖)^(1/(T − T0)).

Certificate: the exact one-step worst case of ‖x₁ − x*‖/‖x₀ − x*‖ over all
L-smooth μ-strongly convex f (PEP), at the (η, μ, L) of the instance with the
largest κ for each step position: it equals the quadratic rate (tightness 1),
so the rate is the worst case over the whole class, not only over quadratics.

Tolerance: the error is a sum of geometric modes; a slower-decaying mode is
absent by construction and the next one decays at most at ratio r < 1 relative
to the dominant one. With D the start's weight along the dominant direction(s)
and R along the rest, ‖e_t‖² = D²ρ^(2t)(1 + ε_t) with ε_t ≤ (R/D)² r^(2t), so
the estimate's relative bias is ≤ ε_T0 / (2(T − T0)). T0 is chosen per
instance so that r^T0 ≤ 1e-7·D/R, giving a bias below 1e-14 whatever the
random start (a small D is a Cauchy-tailed event, not a rare one), and rounding in ‖e‖ (≈ 1e-15 relative at each checkpoint) divided by
T − T0 ≥ 50 is ~1e-17. rtol = 1e-9 leaves ample room yet refutes a rate that
is wrong in the ninth digit; the mutants are wrong in the first or second.
"""

import numpy as np

from certificates import Certificate, programs
from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Tight, Verdict
from empirics.engine import run
from empirics.estimators import linear_rate
from empirics.optimizers import gradient_descent
from empirics.problems import Quadratic, rotated_quadratic, separated_spectrum
from theory.gd import quadratic_rate
from theory.symbols import L, eta, mu


def _certified_instances(measurement):
    """Per distinct step position η(L + μ)/2, the instance with the largest κ = L/μ."""
    eta, mu_, L_ = (np.asarray(measurement.inputs[k], dtype=float) for k in ("eta", "mu", "L"))
    rate = np.asarray(measurement.values, dtype=float)
    eta_opt = 2 / (L_ + mu_)
    position = np.round(np.where(eta <= eta_opt, eta / eta_opt, 1 + (eta - eta_opt) / (2 / L_ - eta_opt)), 6)
    picks = [np.flatnonzero(position == p)[np.argmax((L_ / mu_)[position == p])] for p in np.unique(position)]
    return [{"eta": float(eta[i]), "mu": float(mu_[i]), "L": float(L_[i]), "measured": float(rate[i])} for i in picks]


def _error_norms(eta_grid, A, x0, at, batches=8):
    """‖e_t‖ of GD run i (step eta_grid[i], matrix A[i], start x0[i]) at the steps at[:, i].

    The runs are independent, so they go in batches of similar last step, each run only as
    far as its batch needs: a run left going long after its window decays into subnormal
    numbers, which make every matrix product ~40× slower (most of this claim's time).
    """
    norms = np.empty(at.shape)
    for batch in np.array_split(np.argsort(at[-1], kind="stable"), batches):
        if batch.size == 0:
            continue
        observed_at = np.unique(at[:, batch])
        traj = run(gradient_descent(eta_grid[batch, None]), Quadratic(A[batch]).grad, x0[batch],
                   int(observed_at[-1]), observe=lambda x: np.linalg.norm(x, axis=1), checkpoints=observed_at)
        norms[:, batch] = traj.observations[np.searchsorted(observed_at, at[:, batch]), np.arange(batch.size)]
    return norms


def experiment(params, rng):
    runs, dim = params["matrices"], params["dim"]
    kappa = np.exp(rng.uniform(np.log(params["kappa_min"]), np.log(params["kappa_max"]), runs))
    mu_v = np.exp(rng.uniform(-1.0, 1.0, runs))
    L_v = kappa * mu_v
    problem = rotated_quadratic(rng, separated_spectrum(rng, runs, dim, mu_v, L_v, gap=0.1))
    # Step sizes placed relative to the optimum η* = 2/(L+μ): position p in (0, 1) means η = p·η*
    # (μ-limited), 1 is η* itself, and 1 + p means η* + p(2/L − η*) (L-limited). Away from η* one
    # extreme mode dominates the other by a clear ratio, so a finite window identifies the rate.
    positions = np.array(params["step_positions"])
    eta_opt = 2 / (L_v + mu_v)
    below = np.minimum(positions, 1)[:, None] * eta_opt
    above = eta_opt + np.maximum(positions - 1, 0)[:, None] * (2 / L_v - eta_opt)
    eta_grid = np.where(positions[:, None] <= 1, below, above).ravel()
    scale = np.tile(np.arange(runs), len(positions))
    position_p = positions.repeat(runs)  # each point's step position (the grid is position-major)
    A = problem.A[scale]
    mu_p, L_p = mu_v[scale], L_v[scale]
    rate_theory = np.maximum(np.abs(1 - eta_grid * mu_p), np.abs(1 - eta_grid * L_p))
    # Interior modes: worst ratio of the next-largest factor to the dominant one over the interior band.
    lo_in, hi_in = mu_p + 0.1 * (L_p - mu_p), L_p - 0.1 * (L_p - mu_p)
    next_factor = np.maximum(np.abs(1 - eta_grid * lo_in), np.abs(1 - eta_grid * hi_in))
    # The other extreme mode competes too, except at an exact tie (η = η*), where both have the
    # same modulus and the norm decays exactly geometrically.
    other_extreme = np.minimum(np.abs(1 - eta_grid * mu_p), np.abs(1 - eta_grid * L_p))
    tie = np.isclose(other_extreme, rate_theory, rtol=1e-12, atol=0)
    r = np.maximum(next_factor, np.where(tie, 0.0, other_extreme)) / rate_theory
    # The start's weights in the eigenbasis scale how far the other modes lag behind: a random start
    # with a small component D along the dominant direction(s) and R along the rest needs
    # r^t0 ≤ 1e-7·D/R, not r^t0 ≤ 1e-7 (with 1e-7 alone, a start with D/R ≈ 1e-4 biased ρ̂ by 4e-9).
    x0 = rng.standard_normal((len(eta_grid), dim))
    weights = np.einsum("rji,rj->ri", np.linalg.eigh(A)[1], x0) ** 2  # ascending: μ first, L last
    dominant = np.where(tie, weights[:, 0] + weights[:, -1],
                        np.where(position_p < 1, weights[:, 0], weights[:, -1]))
    lag_ratio = np.sqrt(np.maximum(weights.sum(axis=1) - dominant, 0) / dominant)
    # Per-instance window [t0, t0 + window]: late enough for the other modes to be < 1e-7 of the
    # dominant one, early enough that the error stays far above the float64 underflow.
    t0 = np.ceil(np.log(1e-7 / np.maximum(lag_ratio, 1)) / np.log(r)).astype(int)
    steps = int(t0.max()) + params["window"]
    window = _error_norms(eta_grid, A, x0, np.stack([t0, t0 + params["window"]]))
    rate = linear_rate(window, np.array([0, params["window"]]), 0, 1)
    kappa_p = L_p / mu_p
    figure = Figure(
        title="GD rate on random rotated quadratics",
        xlabel="η·L/2", ylabel="measured rate ρ̂",
        series=(Series("measured rate", eta_grid * L_p / 2, rate, kind="scatter"),
                Series("theory max(|1−ημ|, |1−ηL|)", eta_grid * L_p / 2, rate_theory, kind="scatter", role="theory")),
    )
    return Measurement(
        values=rate,
        inputs={"eta": eta_grid, "mu": mu_p, "L": L_p},
        figure=figure,
        details={"instances": int(len(rate)), "kappa_range": [float(kappa_p.min()), float(kappa_p.max())],
                 "t0_max": int(t0.max()), "steps": steps, "largest_lag_ratio_R/D": float(lag_ratio.max()),
                 "smallest_error_in_window": float(window.min()),
                 "optimal_step_rate_vs_(k-1)/(k+1)_max_abs_diff": float(np.max(np.abs(
                     (rate - (kappa_p - 1) / (kappa_p + 1))[position_p == 1])))},
    )


CLAIM = Claim(
    id="gd.quadratic-rate",
    title="GD's linear rate on a quadratic is max_i |1 − ηλ_i|; best (κ−1)/(κ+1)",
    statement=(
        "On f(x) = ½xᵀAx with eigenvalues in [μ, L], gradient descent converges linearly with rate "
        "max(|1 − ημ|, |1 − ηL|); the best step η = 2/(L + μ) gives the rate (κ − 1)/(κ + 1), κ = L/μ."
    ),
    source=Source("seed 004", "Just right: Convergence at a rate dictated by the curvature of L."),
    references=("Polyak (1987), Introduction to Optimization, §1.4",
                "Nesterov (2004), Introductory Lectures, Thm 2.1.15"),
    derivation=quadratic_rate,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta", "mu": "mu", "L": "L"},
        quick={"matrices": 30, "dim": 8, "kappa_min": 2.0, "kappa_max": 50.0,
               "step_positions": [0.5, 1.0, 1.5], "window": 60},
        full={"matrices": 300, "dim": 20, "kappa_min": 2.0, "kappa_max": 200.0,
              "step_positions": [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
              "window": 200},
    ),
    comparison=Tight(rtol=1e-9),
    expected=Verdict.CONFIRMED,
    certificate=Certificate(
        program=programs.gd_distance_strongly_convex, function_class="L-smooth μ-strongly convex",
        method="one GD step, step η", metric="‖x₁ − x*‖ / ‖x₀ − x*‖ (the rate)", initial="‖x₀ − x*‖² ≤ 1",
        variable="eta", points=lambda measurement, profile: _certified_instances(measurement),
        observed=lambda measurement, point: point["measured"],
        convert=lambda value, point: float(np.sqrt(value)),
    ),
    # One GD step on ½eᵀAe (x* = 0, so e = x) with a 1 × 1 matrix A
    models=(Model("Error recursion",
                  lambda A, e_t, eta: gradient_descent(eta[:, None]).update(
                      e_t[:, None], (), Quadratic(A[:, None, None]).grad)[0][:, 0],
                  ranges={"A": (0.1, 10), "e_t": (-2, 2), "eta": (0.01, 1)}),),
    mutants=(
        Mutant("rate 1 − ημ (ignores the steep direction)", 1 - eta * mu),
        Mutant("rate |1 − ηL| (ignores the flat direction)", abs(1 - eta * L)),
    ),
)
