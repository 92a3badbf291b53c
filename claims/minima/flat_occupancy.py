"""minima.flat-occupancy — small-η SGD spends √(a_s/a_f) times longer in the flat basin of equal depth.

Theory: SGD x₊ = x − η(f'(x) + σξ) is the Euler–Maruyama scheme of Langevin
dynamics at temperature T = ησ²/2; its stationary density is Gibbs, e^{−f/T}/Z,
up to O(ηa). The Laplace approximation of each basin (valid for T below the
barrier) gives the ratio √(a_s/a_f) for equal depths. The suite's double well
(empirics.problems.DoubleWell: D·h(x/w) with h(u) = (u² − 1)² and a
different width w on each side) makes the Gibbs ratio exactly w_f/w_s =
√(a_s/a_f) at every temperature (derivation), so the only approximation left
is the discretisation, an O(ηa_s) effect (e.g. the chain's variance in a
basin is ησ²/(a(2 − ηa)) instead of T/a). The law is therefore judged in the
small-η regime ηa_s ≤ 0.1 only; the full profile's figure also shows larger
steps, measured only (their deviation is not derived here).

Experiment: R independent runs per (curvature ratio, step size) point (one
batch over runs and points), D = 1, w_f = 1 and two sharp widths: w_s = 0.5
(a_f = 8, a_s = 32, predicted ratio 2) and w_s = 0.7 (a_s = 16.3, predicted
ratio 1.43), so the law is tested as a function of a_s/a_f, not at one ratio; temperature
T = D so that many barrier crossings happen within the budget (for this well
the law does not need T ≪ D; a generic well would). Each run starts on the
barrier top and discards a burn-in of 4 time units, ~7 relaxation times of the
basin populations (Kramers rates ≈ 1.3 and 0.33 per unit time at T = D), so
the start's 50/50 split is forgotten to < 0.1 %; it then records the fraction of
steps spent at x < 0 (the flat basin). Runs are independent, so the t-interval
of the mean fraction p̄ across runs (level 1e-4 = CLAIM_ALPHA, Bonferroni over the judged
points) is valid whatever the time correlation within a run; it is mapped
through the monotone p ↦ p/(1 − p). Resolution: 15 % relative half-width,
below half the distance to the nearest mutant (ratio 1 is 30 % away at
a_s/a_f = 2.04 and 50 % at 4; a_s/a_f 43 % and 100 %), so a CONFIRMED interval
always excludes both.

Small η means small against the curvature the runs visit, not only a_s: at
T = D the sharp side is explored up to u ≈ 1.5 where f'' ≈ 3a_s, and at
ηa_s = 0.1 the measured ratio is already ~7 % high (observed while building
the claim). The judged points use ηa_s ≤ 0.04.

Why the 2 % resolution goal is not met (full profile: resolves −5 % / +6.4 %,
interval half-widths 8.0–9.5 % of √(a_s/a_f) at the four judged points).
(1) Sampling: the width is set by basin hopping, not by the number of steps.
The basin populations relax at k_f + k_s ≈ 1.6 per time unit, so a run of 12
time units after burn-in carries ~10 independent basin samples: the per-run
fraction has standard deviation ≈ 0.14 (measured; √(p(1 − p)/10) ≈ 0.15
predicted), and with 1200 runs and t ≈ 4.3 (level 1e-4, Bonferroni over 4
points) the ratio's half-width is ≈ 8.5 %. A 2 % resolution needs a
half-width near 2 %, i.e. (8.5/2)² ≈ 18 times the run time: ≈ 7 min for this
claim in the full profile, which takes ≈ 23 s now (the budget is seconds).
(2) The law itself is the η → 0 limit: the measured excess over √(a_s/a_f)
grows with the step, +1.2 %, +5.8 %, +12.6 % at ηa_s = 0.1, 0.2, 0.4 (the
shown-only points, each ± ~8 %; ~7 % at 0.1 in the run above), about
0.3–0.7·ηa_s relative, so ≈ 1–3 % at the judged ηa_s = 0.04 (measured there:
+3.0 % and +2.7 %, within the interval): a measurement resolving 2 % would also have to shrink η
(steps ∝ 1/η) or extrapolate to η → 0 (a wider interval), or it would start
refuting the small-η law for a discretisation effect the statement excludes.
Raising the temperature shortens the hopping time but widens the region of
high curvature the runs visit, and so the discretisation bias.
"""

import numpy as np
import sympy as sp

from convergence import Claim, Figure, Measurement, Model, Mutant, Params, Series, Source, Stochastic, Verdict
from empirics.engine import run
from empirics.problems import DoubleWell
from empirics.statistics import CLAIM_ALPHA, mean_interval
from empirics.stochastic import GaussianNoiseOracle, sgd_method
from theory.saddles import a_f, a_s, flat_occupancy

ALPHA = CLAIM_ALPHA  # the catalogue-wide level (empirics/statistics.py: 60 claims × 1e-4 ≤ 1 %)


def experiment(params, rng):
    w_sharp = np.asarray(params["w_sharp"], dtype=float)
    a_sharp = DoubleWell(params["depth"], params["w_flat"], w_sharp).a_sharp
    a_flat = DoubleWell(params["depth"], params["w_flat"], w_sharp).a_flat
    judged_h, shown_h = np.asarray(params["eta_a_judged"], float), np.asarray(params["eta_a_shown"], float)
    # Points: (curvature ratio, ηa_s), judged ones first; every point has its own w_s and η.
    ws_pts = np.concatenate([np.repeat(w_sharp, len(judged_h)), np.repeat(w_sharp[:1], len(shown_h))])
    h_pts = np.concatenate([np.tile(judged_h, len(w_sharp)), shown_h])
    etas = h_pts / (8 * params["depth"] / ws_pts**2)
    k = len(w_sharp) * len(judged_h)
    runs = params["runs"]
    eta_b, ws_b = np.repeat(etas, runs), np.repeat(ws_pts, runs)
    well = DoubleWell(params["depth"], params["w_flat"], ws_b)
    temperature = params["temperature"]
    sigma_b = np.sqrt(2 * temperature / eta_b)  # T = ησ²/2 at every step size
    # Same physical time for every step size: steps ∝ 1/η, so the smallest η sets the loop length and
    # larger steps stop recording when their own budget is spent.
    horizon, burn = params["time"], params["burn_in_time"]
    steps_b = np.round(horizon / eta_b).astype(int)
    burn_b = np.round(burn / eta_b).astype(int)
    flat_steps = np.zeros(len(eta_b))

    def step_size(t):  # a run whose budget is spent takes zero steps (the noise is still drawn for it)
        return np.where(t <= steps_b, eta_b, 0.0)[:, None]

    def count_flat(t, x, state, diverged):
        if t >= 1:
            flat_steps[:] += (x[:, 0] < 0) & (t <= steps_b) & (t > burn_b)

    oracle = GaussianNoiseOracle(lambda z: well.grad(z[:, 0])[:, None], sigma_b[:, None])
    run(sgd_method(oracle, rng, step_size), None, np.zeros((len(eta_b), 1)), int(steps_b.max()),
        checkpoints=(), every_step=count_flat)
    p_run = (flat_steps / (steps_b - burn_b)).reshape(len(etas), runs)
    # Student t across runs, Bonferroni over the k judged points (the larger steps are shown only).
    occupancy = mean_interval(p_run, ALPHA, axis=1, points=k)
    p, lo_p, hi_p = occupancy.estimate, occupancy.lower, occupancy.upper
    ratio = p / (1 - p)
    lo, hi = lo_p / (1 - lo_p), hi_p / (1 - hi_p)
    a_s_pts = 8 * params["depth"] / ws_pts**2
    series = tuple(
        Series(f"measured, a_s/a_f = {a_s / a_flat:g} (judged)", h_pts[:k][ws_pts[:k] == w],
               ratio[:k][ws_pts[:k] == w], kind="errorbar", lower=lo[:k][ws_pts[:k] == w],
               upper=hi[:k][ws_pts[:k] == w])
        for w, a_s in zip(w_sharp, a_sharp))
    series += (Series("measured (larger η, shown only)", h_pts[k:], ratio[k:], kind="errorbar",
                      lower=lo[k:], upper=hi[k:]),)
    # The derivation √(a_s/a_f) per sharp basin; it does not depend on η·a_s, so each is flat across the axis.
    span = np.array([h_pts.min() / 1.5, h_pts.max() * 1.5])  # a little beyond the points, visible with one point
    curves = tuple((f"a_s/a_f = {a_s / a_flat:g}", {"eta_a_s": span, "a_s": np.full(2, a_s), "a_f": np.full(2, a_flat)})
                   for a_s in a_sharp)
    figure = Figure(
        title="Time in the flat basin over time in the sharp basin (equal depths)",
        xlabel="η·a_s", ylabel="occupancy ratio flat/sharp", xscale="log", series=series,
        theory_x="eta_a_s", theory_curves=curves,
    )
    return Measurement(
        values=ratio[:k], inputs={"a_s": a_s_pts[:k], "a_f": np.full(k, a_flat)},
        interval=(lo[:k], hi[:k]), level=ALPHA, samples=runs, figure=figure,
        details={"eta_a_s": h_pts.tolist(), "a_s_over_a_f": (a_s_pts / a_flat).tolist(),
                 "ratio_all": ratio.tolist(), "lower_all": lo.tolist(), "upper_all": hi.tolist(),
                 "relative_half_width": ((hi[:k] - lo[:k]) / 2 / np.sqrt(a_s_pts[:k] / a_flat)).tolist(),
                 "temperature_over_barrier": temperature / params["depth"]},
    )


CLAIM = Claim(
    id="minima.flat-occupancy",
    title="SGD prefers the flat basin: occupancy ratio √(a_s/a_f) at equal depths",
    statement=("In a double well with minima of equal depth and curvatures a_s > a_f, SGD with small step "
               "(ηa_s ≪ 1) and Gaussian gradient noise spends time in the flat and sharp basins in the ratio "
               "√(a_s/a_f) (judged at a_s/a_f = 2.04 and 4)."),
    source=Source("seed 001", "Sharp minima (high curvature) are unstable under gradient noise — SGD tends to find "
                  "flatter minima that generalize better"),
    references=("Jastrzębski et al. (2017), Three factors influencing minima in SGD",
                "Mandt, Hoffman & Blei (2017), Stochastic gradient descent as approximate Bayesian inference"),
    derivation=flat_occupancy,
    experiment=experiment,
    params=Params(
        symbols={"a_s": "a_s", "a_f": "a_f"},
        quick={"depth": 1.0, "w_flat": 1.0, "w_sharp": [0.5, 0.7], "temperature": 1.0, "runs": 1200,
               "eta_a_judged": [0.04], "eta_a_shown": [], "time": 10.0, "burn_in_time": 4.0},
        full={"depth": 1.0, "w_flat": 1.0, "w_sharp": [0.5, 0.7], "temperature": 1.0, "runs": 1200,
              "eta_a_judged": [0.02, 0.04], "eta_a_shown": [0.1, 0.2, 0.4], "time": 16.0,
              "burn_in_time": 4.0},
    ),
    comparison=Stochastic(alpha=ALPHA, resolution=0.15, resolution_note=(
        "basin hopping (≈ 1.6 per time unit) leaves ~10 independent samples per run: 1200 runs give half-widths "
        "8–9.5 % (resolves −5 % / +6.4 %); 2 % needs ≈ 18× the run time (≈ 7 min), and the O(ηa_s) bias of the "
        "small-step law is itself ≈ 1–3 % at ηa_s = 0.04")),
    expected=Verdict.CONFIRMED,
    models=(Model("The suite's double well", lambda x, D, w_f, w_s: DoubleWell(D, w_f, w_s).value(x),
                  ranges={"x": (-3, 3), "D": (0.1, 3), "w_f": (0.5, 3), "w_s": (0.1, 2)}),),
    mutants=(
        Mutant("ratio a_s/a_f (no square root)", a_s / a_f),
        Mutant("equal depths give equal time: ratio 1", sp.Integer(1)),
    ),
)
