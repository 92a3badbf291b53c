"""momentum.polyak-global-seed — "Polyak's tuning converges on every smooth strongly convex f". Refuted.

Experiment: heavy ball (sum form) with Polyak's tuning for μ = 1, L = 25
(η = 4/(√L + √μ)² = 1/9, β = 4/9) on the Lessard–Recht–Packard piecewise
quadratic (25-smooth, 1-strongly convex, minimiser 0), from v₀ = 0 and
starts x₀ on a grid in [−4, 4] plus random ones. The measured quantity is the
decay exponent γ̂ = log(d(T/2)/d(T))/(T/2) with d(t) = max_{s∈{t−2,t−1,t}}|x_s|
(a whole period of a 3-cycle), which the statement — read with the rate it
has on quadratics — bounds below by −log((√κ − 1)/(√κ + 1)) = log 1.5.

Certificate: the exact worst case of ‖x_T − x*‖²/‖x₀ − x*‖² over all 25-smooth
1-strongly convex f (PEP, T ≤ 6; 9 in the full profile). On quadratics the
tuning's stiff end λ = L has the double root −ρ, x_t = (1 + (1 + ρ)t)(−ρ)^t x₀
from v₀ = 0, so the seed's global rate would give ‖x_T‖² ≤ (1 + (1 + ρ)T)²ρ^(2T)
there; the certified worst case exceeds it from T = 2 and grows (no contraction
at all): no constant C makes C²ρ^(2T) a global guarantee.

Tolerance (Lower, rtol = 0.02): converging runs end on the x < 1 piece, a
quadratic with curvature L where the tuning has a double root of modulus ρ,
so d(t) ∝ t·ρ^t and γ̂ = −log ρ − log 2/(T/2): 0.6 % low for T = 600, inside
2 %. Runs caught by the period-3 cycle have γ̂ = 0 (to rounding) and violate
the bound by 100 %; so do the mutants' weaker rates (GD's best rate
(κ − 1)/(κ + 1), and 1 − 1/κ).
"""

import numpy as np
import sympy as sp

from certificates import Certificate, fixed_points, programs
from convergence import Claim, Figure, Lower, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers import heavy_ball
from empirics.problems import LessardPiecewiseQuadratic
from theory.momentum_tuning import polyak_global_seed
from theory.symbols import kappa

_k, _T = sp.symbols("kappa T", positive=True)
_rho = (sp.sqrt(_k) - 1) / (sp.sqrt(_k) + 1)
_QUADRATIC_ENVELOPE = (1 + (1 + _rho) * _T) ** 2 * _rho ** (2 * _T)


def experiment(params, rng):
    f = LessardPiecewiseQuadratic()
    kap = f.L / f.mu
    eta = 4 / (np.sqrt(f.L) + np.sqrt(f.mu)) ** 2
    beta = ((np.sqrt(kap) - 1) / (np.sqrt(kap) + 1)) ** 2
    x0 = np.concatenate([np.linspace(-4, 4, params["grid"]), [1.0, 3.07], rng.uniform(-4, 4, params["random"])])
    x0 = x0[x0 != 0.0][:, None]  # the minimiser itself has no decay to measure
    T = params["steps"]
    traj = run(heavy_ball(eta, beta, "sum"), f.grad, x0, T, observe=lambda x: np.abs(x[:, 0]))
    obs = traj.observations

    def period_max(t):
        return obs[t - 2: t + 1].max(axis=0)

    gamma = np.log(period_max(T // 2) / period_max(T)) / (T - T // 2)
    cycling = gamma < 0.01
    figure = Figure(
        title="Polyak-tuned heavy ball on the Lessard–Recht–Packard function (κ = 25)",
        xlabel="x₀", ylabel="decay exponent γ̂",
        series=(Series("measured γ̂", x0[:, 0], gamma, kind="scatter"),),
        # The claimed −log ρ at this κ does not depend on x₀: a flat line across the starts.
        theory_x="x0", theory_grid={"x0": np.array([-4.0, 4.0]), "kappa": np.full(2, kap)},
    )
    tail = obs[-3:, cycling]
    return Measurement(
        values=gamma, inputs={"kappa": np.full(len(gamma), kap)}, figure=figure,
        details={"starts": int(len(gamma)), "starts_caught_by_cycle": int(cycling.sum()),
                 "cycle_points_|x|": sorted(set(np.round(tail[:, 0], 6).tolist())) if cycling.any() else [],
                 "eta": eta, "beta": beta},
    )


CLAIM = Claim(
    id="momentum.polyak-global-seed",
    title="Polyak's heavy-ball tuning converges on every smooth strongly convex function",
    statement=(
        "The tuning η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))², optimal on quadratics, converges (at its quadratic rate) "
        "on every L-smooth μ-strongly convex function."
    ),
    source=Source("seed 001", "Momentum (β ≈ 0.9) is nearly universal — it accelerates convergence with minimal additional cost"),
    references=("Lessard, Recht & Packard (2016), Analysis and design of optimization algorithms via integral quadratic "
                "constraints, SIAM J. Optim., §4.6",),
    derivation=polyak_global_seed,
    experiment=experiment,
    params=Params(symbols={"kappa": "kappa"}, quick={"grid": 41, "random": 40, "steps": 600},
                  full={"grid": 401, "random": 1000, "steps": 1200}),
    certificate=Certificate(
        program=programs.heavy_ball_distance, function_class="L-smooth μ-strongly convex (κ = 25)",
        method="heavy ball (sum form, v₀ = 0), Polyak's tuning", metric="‖x_T − x*‖²", initial="‖x₀ − x*‖² ≤ 1",
        variable="T", bound=_QUADRATIC_ENVELOPE,
        bound_label="the seed's rate with its quadratic constant (1 + (1 + ρ)T)²ρ^(2T)",
        points=fixed_points([{"kappa": 25.0, "T": T_} for T_ in (1, 2, 3, 6)],
                            [{"kappa": 25.0, "T": T_} for T_ in (1, 2, 3, 4, 6, 9)]),
    ),
    comparison=Lower(rtol=0.02, atol=0.0),
    expected=Verdict.REFUTED,
    corrects="momentum.polyak-rate",
    mutants=(
        Mutant("converges at GD's best rate (κ − 1)/(κ + 1)", -sp.log((kappa - 1) / (kappa + 1))),
        Mutant("converges at rate 1 − 1/κ", -sp.log(1 - 1 / kappa)),
    ),
)
