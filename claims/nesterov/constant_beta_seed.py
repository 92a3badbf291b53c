"""nesterov.constant-beta-seed — the constant-β look-ahead rule credited with O(1/T²). Refuted: Θ(1/T).

Experiment: the same worst-case measurement as nesterov.agm-rate (maximum of
f(x_T) − f* over random sets of curvatures of L-smooth convex quadratics,
normalised by L R², exponent fitted per independent instance with the
c/(T + 1) correction, t-interval of the mean), for the seeds' rule with a
constant β (lookahead form, η = 1/L) at β = 0.5 and β = 0.9, on T ≥ 64 where
the transient of the early steps (which look accelerated while k < ~1/(1 − β))
is over. For λ ≪ (1 − β)L the method is GD with step η/(1 − β), so the worst
case is ≈ (1 − β)/(4eT): exponent −1 (derivation: theory.nesterov.
constant_beta_exponent).

Certificate: the exact worst case over L-smooth convex f of constant-β = 0.9
Nesterov (PEP, T ≤ 6; 8 in the full profile), against the accelerated
method's bound 2LR²/(T + 1)² that the seed's credit implies, and against GD at
the same step η = 1/L (certified on the same points): from T = 4 on the
certified worst case exceeds the bound and is several times GD's.

Tolerance: as in nesterov.agm-rate (alpha = 1e-4, same argument for the
interval), split over the β values by Bonferroni. The seed's −2 is excluded by > 100 half-widths; so are the
mutants −1.5 and −3.
"""

import numpy as np
import sympy as sp

from certificates import Certificate, fixed_points, programs
from convergence import Claim, Exponent, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.optimizers_momentum import accelerated_gradient
from empirics.statistics import CLAIM_ALPHA, mean_interval
from theory.nesterov import constant_beta_seed

from ._worst_case import corrected_exponent, worst_case_curves

_L, _R, _T = sp.symbols("L R T", positive=True)
_AGM_BOUND = 2 * _L * _R**2 / (_T + 1) ** 2  # the accelerated method's bound (theory.nesterov.agm_rate, step "Bound")
ALPHA = CLAIM_ALPHA  # the catalogue-wide level (empirics/statistics.py: 60 claims × 1e-4 ≤ 1 %)


def experiment(params, rng):
    horizons = np.unique(np.round(np.geomspace(params["T_min"], params["T_max"], params["n_T"])).astype(int))
    means, los, his, curves = [], [], [], []
    for b in params["betas"]:
        c = worst_case_curves(accelerated_gradient(1.0, lambda k, b=b: b), rng, params["instances"],
                              params["curvatures"], horizons, params["lam_min"])
        interval = mean_interval(corrected_exponent(horizons, c), ALPHA, points=len(params["betas"]))
        m, lo, hi = float(interval.estimate), float(interval.lower), float(interval.upper)
        means.append(m), los.append(lo), his.append(hi), curves.append(c[0])
    Tf = horizons.astype(float)
    figure = Figure(
        title="Constant-β Nesterov: worst-case (f(x_T) − f*)/(L R²) over convex quadratics",
        xlabel="T", ylabel="(f(x_T) − f*) / (L R²)", xscale="log", yscale="log",
        series=tuple(Series(f"β = {b:g}, p = {m:.4f}", Tf, c, kind="scatter")
                     for b, m, c in zip(params["betas"], means, curves))
        + (Series("seed's O(1/T²): 2/(T+1)²", Tf, 2 / (Tf + 1) ** 2, role="theory"),
           Series("(1 − β)/(4eT), β = 0.9", Tf, 0.1 / (4 * np.e * Tf), role="theory")),
    )
    return Measurement(
        values=np.array(means), inputs={}, interval=(np.array(los), np.array(his)), level=ALPHA,
        samples=params["instances"], figure=figure,
        details={"betas": list(params["betas"]), "exponent_intervals": [[a, b] for a, b in zip(los, his)]},
    )


CLAIM = Claim(
    id="nesterov.constant-beta-seed",
    title="Seeds 001/004: constant-β Nesterov has the accelerated O(1/T²) rate",
    statement=(
        "Seed 001 presents the constant-β look-ahead rule and credits it with a better convex rate than GD (the classic "
        "O(1/T²) vs O(1/T)); seed 004 gives it 'a provably better convergence constant'. Read as O(1/T²) for fixed "
        "β < 1 on smooth convex functions."
    ),
    source=Source("seed 001", "Nesterov momentum has provably better convergence rates for convex functions: versus for "
                  "vanilla gradient descent."),
    references=("seed 004: 'gives a slight acceleration in convex settings with a provably better convergence constant'",
                "Nesterov (2004), §2.2 (constant momentum is the strongly convex scheme)"),
    derivation=constant_beta_seed,
    experiment=experiment,
    params=Params(symbols={},
                  quick={"betas": [0.5, 0.9], "instances": 6, "curvatures": 250, "T_min": 64, "T_max": 4096,
                         "n_T": 13, "lam_min": 1e-8},
                  full={"betas": [0.5, 0.9, 0.95], "instances": 16, "curvatures": 400, "T_min": 256, "T_max": 16384,
                        "n_T": 20, "lam_min": 1e-9}),
    certificate=Certificate(
        program=programs.constant_beta_function_value, function_class="L-smooth convex",
        method="constant-β Nesterov (lookahead, v₀ = 0), β = 0.9, η = 1/L", metric="f(x_T) − f*",
        initial="‖x₀ − x*‖² ≤ R²", variable="T", bound=_AGM_BOUND,
        bound_label="the accelerated bound 2LR²/(T + 1)² credited to it",
        points=fixed_points([{"L": 1.0, "R": 1.0, "beta": 0.9, "T": T_} for T_ in (1, 2, 4, 6)],
                            [{"L": 1.0, "R": 1.0, "beta": 0.9, "T": T_} for T_ in (1, 2, 4, 6, 8)]),
        reference=programs.gd_function_value_convex, reference_label="GD, η = 1/L",
    ),
    comparison=Exponent(alpha=ALPHA, alternative=-1.0),
    expected=Verdict.REFUTED,
    corrects="nesterov.agm-rate",
    mutants=(Mutant("exponent −1.5", -1.5), Mutant("exponent −3", -3)),
)
