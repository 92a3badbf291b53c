"""schedule.cosine-time-seed — seed 001: cosine annealing "spends more time at low learning rates than at high".

Derivation (theory/schedules.py): with r = (η − η_min)/(η₀ − η_min) the
normalised cosine ½(1 + cos πu) at time fraction u = t/T, the time below level
q is 1 − arccos(2q − 1)/π and the time above 1 − q is arccos(1 − 2q)/π; they
are equal for every q (arccos(−x) = π − arccos x): the cosine is point-
symmetric about its midpoint. Below 0.1η₀ (η_min = 0): 20.5 % of the time, as
long as above 0.9η₀; below η₀/2: exactly half.

Experiment: the implementation (empirics/schedules.py ``cosine``) sampled at
N time midpoints u_k = (k + ½)/N, with random η₀, η_min from the claim's
stream; for each level q the measured value is sign(τ_low − τ_high) of the
counted fractions. Seed 001's reading predicts +1; the measurement is 0.

Tolerance: exact. Midpoints come in symmetric pairs (u, 1 − u) whose
normalised rates sum to 1 up to a few ulps, so the counts agree unless a
sample lies within ~1e-16 of a level (probability ~N·1e-16 ≈ 1e-10); atol = 0.
The mutant (more time at *high* rates, sign −1) is refuted as well. The
measured fractions and the derived ones are in details and the figure.
"""

from functools import cache

import numpy as np
import sympy as sp

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics.schedules import cosine
from theory.schedules import cosine_time_fraction, cosine_time_seed

_q = sp.Symbol("q", positive=True)


@cache
def _fractions():
    """The derived time fractions below q and above 1 − q as NumPy functions, solved when first used
    (in the claim's worker, not while every claim file is imported)."""
    return tuple(sp.lambdify(_q, expr, "numpy") for expr in cosine_time_fraction())


def experiment(params, rng):
    N, levels = params["samples"], np.asarray(params["levels"], dtype=float)
    below, above = _fractions()
    eta0 = rng.uniform(0.01, 1.0)
    eta_min = eta0 * rng.uniform(0.0, 0.3)
    horizon = float(rng.integers(100, 10000))
    u = (np.arange(N) + 0.5) / N
    r = (cosine(eta0, eta_min, horizon)(u * horizon) - eta_min) / (eta0 - eta_min)
    low = np.mean(r[:, None] < levels[None, :], axis=0)
    high = np.mean(r[:, None] > 1 - levels[None, :], axis=0)
    sign = np.sign(low - high)
    qs = np.linspace(0.01, 0.99, 99)
    measured_curve = np.mean(r[:, None] < qs[None, :], axis=0)
    figure = Figure(
        title="Fraction of the cosine period spent below a level",
        xlabel="level q (fraction of the range η₀ − η_min)", ylabel="time fraction",
        series=(Series("measured: time below q", qs, measured_curve, kind="scatter"),
                Series("measured: time above 1 − q", qs, np.mean(r[:, None] > 1 - qs[None, :], axis=0), kind="scatter"),
                Series("derived: 1 − arccos(2q − 1)/π (= arccos(1 − 2q)/π)", qs, below(qs), kind="line", role="theory")),
    )
    return Measurement(
        values=sign, inputs={}, figure=figure,
        details={"levels": levels.tolist(), "time_below_q": low.tolist(), "time_above_1_minus_q": high.tolist(),
                 "derived_below_q": below(levels).tolist(), "derived_above_1_minus_q": above(levels).tolist(),
                 "max_abs_measured_minus_derived": float(np.max(np.abs(low - below(levels))))},
    )


CLAIM = Claim(
    id="schedule.cosine-time-seed",
    title="Seed 001: cosine annealing 'spends more time at low learning rates than at high'",
    statement=("Seed 001 as written: over one cosine period the schedule spends more time at low rates than at "
               "high ones. In fact the time below η_min + q(η₀ − η_min) equals the time above η_min + (1 − q)(η₀ − η_min) "
               "for every q: exactly ½ below the midpoint; 20.5 % below 0.1η₀ and 20.5 % above 0.9η₀."),
    source=Source("seed 001", "The learning rate follows a cosine curve from η₀ to η_min over T steps. This spends "
                              "more time at low learning rates (fine-tuning) than at high rates (exploration)."),
    references=("Loshchilov & Hutter (2017), SGDR, ICLR",),
    derivation=cosine_time_seed,
    experiment=experiment,
    params=Params(
        symbols={},
        quick={"samples": 100000, "levels": [0.05, 0.1, 0.25, 0.5]},
        full={"samples": 2000000, "levels": [0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5]},
    ),
    comparison=Exact(rtol=0.0, atol=0.0),
    expected=Verdict.REFUTED,
    corrects="schedule.formulas",
    mutants=(Mutant("more time at high rates: sign −1", sp.Integer(-1)),),
    notes=("Corrects schedule.formulas: the seed's cosine formula is right (seed 004's, verified there); only the "
           "reading of its time profile is wrong."),
)
