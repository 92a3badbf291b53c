"""gd.descent-lemma — one GD step on an L-smooth f decreases it by at least η(1 − Lη/2)‖∇f‖².

Experiment: many random instances of three smooth families with known L —
rotated quadratics (L = λ_max), logistic loss (L = λ_max(AᵀA)/(4n)) and
log-sum-exp (L = ½λ_max(AᵀA), Böhning's bound) — at random points and random
steps η ∈ (0, 2/L). The measured quantity is the normalised change
q = (f(x − η∇f) − f(x))/‖∇f(x)‖², compared with the bound −η + Lη²/2 as an
upper bound. Quadratic instances started on the top eigenvector attain the
bound (slack 0), showing that the constant cannot be improved.

Certificate: the exact worst case of the normalised change over L-smooth f
(PEP, one step, ‖∇f(x)‖² = 1), at the (η, L) of the experiment's instances
closest to the bound; the bound is attained (tightness 1).

Tolerance: q is a difference of two function values divided by ‖∇f‖². With
L ∈ [0.5, 5], |f| = O(10) and ‖∇f‖² ≥ 1e-2 on the instances drawn, rounding
in f contributes at most ~1e-14 absolutely to q; atol = 1e-10 covers that with
four orders of margin and rtol = 0 (the bound itself is exact). Both mutants
are violated by ~Lη²/4·… ≫ 1e-10 on the tight instances.
"""

import numpy as np

from certificates import Certificate, programs
from convergence import Claim, Figure, Measurement, Mutant, Params, Series, Source, Upper, Verdict
from empirics.problems import LogisticLoss, LogSumExp, rotated_quadratic
from theory.gd import descent_lemma
from theory.symbols import L, eta


def _normalised_decrease(problem, x, step):
    g = problem.grad(x)
    x_next = x - step[:, None] * g
    return (problem.value(x_next) - problem.value(x)) / np.sum(g * g, axis=1)


def _tightest_instances(measurement, count):
    """The experiment's instances with the smallest slack L·(bound − q): the points certified."""
    eta, L_ = (np.asarray(measurement.inputs[k], dtype=float) for k in ("eta", "L"))
    q = np.asarray(measurement.values, dtype=float)
    slack = (-eta + L_ * eta**2 / 2 - q) * L_
    return [{"eta": float(eta[i]), "L": float(L_[i]), "measured": float(q[i])} for i in np.argsort(slack)[:count]]


def experiment(params, rng):
    n_inst, dim = params["instances"], params["dim"]
    etas, Ls, qs, families = [], [], [], []

    # Quadratics: half the starts on the top eigenvector (where the bound is attained).
    spectra = np.sort(np.exp(rng.uniform(np.log(0.5), np.log(5.0), (n_inst, dim))), axis=1)
    quad = rotated_quadratic(rng, spectra)
    eigvals, eigvecs = np.linalg.eigh(quad.A)
    x = rng.standard_normal((n_inst, dim))
    top = eigvecs[:, :, -1] * rng.uniform(0.5, 2.0, (n_inst, 1))
    x[: n_inst // 2] = top[: n_inst // 2]
    L_q = eigvals[:, -1]
    step = rng.uniform(0, 2, n_inst) / L_q
    etas.append(step), Ls.append(L_q), qs.append(_normalised_decrease(quad, x, step))
    families += ["quadratic (top eigenvector)"] * (n_inst // 2) + ["quadratic (random point)"] * (n_inst - n_inst // 2)

    # Logistic loss and log-sum-exp: one random data matrix each, many random points and steps.
    n_data = params["data_points"]
    features = rng.standard_normal((n_data, dim)) * 2.0
    labels = np.where(rng.random(n_data) < 0.5, -1.0, 1.0)
    for name, problem in (("logistic", LogisticLoss(features, labels)),
                          ("log-sum-exp", LogSumExp(rng.standard_normal((n_data, dim)) * 0.5))):
        x = rng.standard_normal((n_inst, dim)) * 2.0
        step = rng.uniform(0, 2, n_inst) / problem.L
        etas.append(step), Ls.append(np.full(n_inst, problem.L)), qs.append(_normalised_decrease(problem, x, step))
        families += [name] * n_inst

    eta_all, L_all, q_all = np.concatenate(etas), np.concatenate(Ls), np.concatenate(qs)
    h = eta_all * L_all
    grid = np.linspace(0, 2, 200)
    figure = Figure(
        title="Normalised one-step change L·Δf/‖∇f‖² against ηL",
        xlabel="ηL", ylabel="L·(f(x⁺) − f(x)) / ‖∇f(x)‖²",
        series=(
            Series("measured (all families)", h, q_all * L_all, kind="scatter"),
        ),
        # With L = 1 the derivation's Lη²/2 − η is the normalised bound (ηL)²/2 − ηL drawn against ηL.
        theory_x="eta", theory_grid={"eta": grid, "L": np.ones_like(grid)}, draw_mutants=True,
    )
    slack = (-eta_all + L_all * eta_all**2 / 2) - q_all
    per_family = {f: float(np.min(slack[np.array(families) == f] * L_all[np.array(families) == f]))
                  for f in sorted(set(families))}
    return Measurement(
        values=q_all,
        inputs={"eta": eta_all, "L": L_all},
        figure=figure,
        details={"instances": int(len(q_all)), "min_slack_times_L_per_family": per_family},
    )


CLAIM = Claim(
    id="gd.descent-lemma",
    title="Descent lemma: η(1 − Lη/2)‖∇f‖² guaranteed decrease, best at η = 1/L",
    statement=(
        "For L-smooth f and any η > 0, f(x − η∇f(x)) ≤ f(x) − η(1 − Lη/2)‖∇f(x)‖²; the guaranteed decrease "
        "is largest at η = 1/L, where it is ‖∇f(x)‖²/(2L), and the bound is attained by quadratics."
    ),
    source=Source(
        "seed 004",
        "For L-smooth functions (where |∇L(θ) − ∇L(φ)| ≤ L|θ − φ| for all θ, φ), setting η = 1/L gives "
        "descent with guaranteed progress at each step.",
    ),
    references=("Nesterov (2004), Introductory Lectures on Convex Optimization, Lemma 1.2.3",
                "Böhning (1992), Multinomial logistic regression algorithm, Ann. Inst. Stat. Math."),
    derivation=descent_lemma,
    experiment=experiment,
    params=Params(
        symbols={"eta": "eta", "L": "L"},
        quick={"instances": 400, "dim": 6, "data_points": 50},
        full={"instances": 20000, "dim": 12, "data_points": 200},
    ),
    comparison=Upper(rtol=0.0, atol=1e-10),
    expected=Verdict.CONFIRMED,
    certificate=Certificate(
        program=programs.gd_one_step_change, function_class="L-smooth (not necessarily convex)",
        method="one GD step x − η∇f(x)", metric="f(x⁺) − f(x)", initial="‖∇f(x)‖² = 1", variable="eta",
        points=lambda measurement, profile: _tightest_instances(measurement, 3 if profile == "quick" else 6),
        observed=lambda measurement, point: point["measured"], scale=lambda point: point["eta"],
    ),
    mutants=(
        Mutant("decrease η(1 − Lη/4)‖∇f‖² (curvature penalty halved)", -eta + L * eta**2 / 4),
        Mutant("decrease η‖∇f‖² (first-order model only)", -eta),
    ),
)
