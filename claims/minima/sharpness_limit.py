"""minima.sharpness-limit — GD with step η cannot converge to a minimum sharper than 2/η.

Experiment: the equal-depth double well (empirics/landscapes.DoubleWell) with
a tunable sharp minimum of curvature a_s = 8D/w_s². For each step size η in a
grid (one batch), bisect the curvature a_s at which GD started next to the
sharp minimum (offset 1e-9·w_s) stops converging to it: a run is "not
converging" when its distance to the minimum grows over the second half of T
steps (or it has left the basin — it then ends in the flat one); a run whose
distance has reached the rounding floor (≤ 1e-13·w_s, four decades below the
start) counts as converged. Bisection
over [1/η, 3/η] for 45–50 halvings leaves a bracket of ~1e-14 relative.
What limits the accuracy is representing the offset: e = 1e-9·w_s stored in
x ≈ w_s carries a rounding error of eps·w_s ≈ 1e-16·w_s, i.e. 1e-7 of e per
step, so multipliers within ~1e-7 of −1 are misclassified (observed: 1.1e-7
worst relative error in the quick profile). The cubic term 12D e²/w_s³ of
the well shifts the multiplier by ~1e-9 relative, below that. Tight with
rtol 1e-6 leaves a factor ~10 over the rounding limit; the mutants (1/η, the
one-step point, and 1.96/η) are refuted by four to six orders of magnitude.
The mean of SGD with unbiased gradient noise follows the same linear
recursion on a quadratic (derivation), so the same limit applies to it.
"""

import numpy as np

from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Tight, Verdict
from empirics.estimators import bisect_threshold
from empirics.landscapes import DoubleWell
from theory.saddles import eta, sharpness_limit


def _leaves(eta_v, depth, steps):
    def unstable(a_s):
        w_s = np.sqrt(8 * depth / a_s)
        well = DoubleWell(depth, 1.0, w_s)
        x = w_s * (1 + 1e-9)
        half = None
        with np.errstate(all="ignore"):
            for t in range(1, steps + 1):
                x = x - eta_v * well.grad(x)
                if t == steps // 2:
                    half = np.abs(x - w_s)
        end = np.abs(x - w_s)
        # Converging: still next to the minimum and shrinking, or already at the rounding floor
        # (|x − w_s| ~ eps·w_s, where x may hop between neighbouring doubles).
        converging = np.isfinite(end) & (end < 1e-3 * w_s) & ((end < half) | (end <= 1e-13 * w_s))
        return ~converging

    return unstable


def experiment(params, rng):
    eta_v = np.geomspace(params["eta_min"], params["eta_max"], params["n_eta"])
    eta_v = eta_v * np.exp(rng.uniform(-0.05, 0.05, eta_v.shape))
    lo, hi = bisect_threshold(_leaves(eta_v, params["depth"], params["steps"]), 1.0 / eta_v, 3.0 / eta_v,
                              params["halvings"])
    sharpest = 0.5 * (lo + hi)
    figure = Figure(
        title="Sharpest minimum GD converges to, against the step size",
        xlabel="step size η", ylabel="largest curvature a_s GD converges to", xscale="log", yscale="log",
        series=(Series("bisected on the double well", eta_v, sharpest, kind="scatter"),),
        theory_x="eta", theory_grid={"eta": np.geomspace(eta_v.min(), eta_v.max(), 100)}, draw_mutants=True,
    )
    return Measurement(values=sharpest, inputs={"eta": eta_v}, figure=figure,
                       details={"max_bracket_relative_width": float(np.max((hi - lo) / sharpest))})


CLAIM = Claim(
    id="minima.sharpness-limit",
    title="The step size sets the sharpest reachable minimum: curvature 2/η",
    statement=("GD with step η converges to a minimum of curvature a only if a < 2/η (from all but a measure-zero "
               "set of starts); the mean of SGD with unbiased noise obeys the same limit."),
    source=Source("seed 004", "SGD's gradient noise has an important side effect: it tends to find flat minima "
                  "(minima where the loss landscape has low curvature) rather than sharp ones."),
    references=("Wu, Ma & E (2018), How SGD selects the global minima in over-parameterized learning",
                "Cohen et al. (2021), Gradient descent on neural networks typically occurs at the edge of stability"),
    derivation=sharpness_limit,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta"},
        quick={"depth": 1.0, "eta_min": 1e-3, "eta_max": 1.0, "n_eta": 12, "steps": 400, "halvings": 45},
        full={"depth": 1.0, "eta_min": 1e-4, "eta_max": 1.0, "n_eta": 60, "steps": 1000, "halvings": 50},
    ),
    comparison=Tight(rtol=1e-6),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("1/η (the one-step point)", 1 / eta),
        Mutant("1.96/η (2 % low)", 1.96 / eta),
    ),
)
