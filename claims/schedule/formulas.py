"""schedule.formulas — optax's schedules equal the closed forms the suite states (and the engine's code).

Experiment (the cross-check against a library the users run): random
hyper-parameters (η₀, η_min, T, γ, s, k, W, f) drawn from the claim's stream;
every schedule that optax has is evaluated by **optax** (JAX on CPU, float64,
through crosscheck/optax_reference.py with the conventions stated there and in
the README) on an integer grid of steps, and compared with the SymPy closed
forms of theory/schedules.py (definitions quoted from seeds 001, 003, 004),
lambdified by the runner. The engine's own implementation (empirics/schedules.py)
is evaluated on the same grid and its largest deviation from optax is reported
in the details (tests/test_crosscheck_optax.py asserts it ≤ 1e-12 for random
hyper-parameters). The cosine is compared on 0 ≤ t ≤ T. optax has no
triangular cyclical schedule: for that kind the engine's implementation is
compared with the closed form instead (one source fewer, but the closed form is
still checked at every step of the grid).
Needs the optional extra ``crosscheck`` (jax, optax); without it the
experiment raises and the verdict is ERROR with that reason.

Tolerance: both sides evaluate the same elementary functions in float64 but
through different code (optax's exponential decay raises e^(−k) to the power t,
joins, clipping, SGDR cycle arithmetic); rounding differs by a few ulps of η₀,
so rtol = 1e-12 and atol = 1e-15 (η ≤ 1) is a floating-point tolerance.
Mutants: the cosine without η_min (seed 001's form with η_min = 0), a
continuous exponent in the step decay (γ^(t/s) instead of γ^⌊t/s⌋), and a
warm-up that does not shift the base schedule's clock.
"""

import numpy as np

from convergence import Claim, Exact, Figure, Measurement, Mutant, Params, Series, Source, Verdict
from empirics import schedules as S
from theory.schedules import SCHEDULE_CODES, formulas, schedule_formulas


def experiment(params, rng):
    cases = params["cases"]
    steps = params["steps"]
    col = lambda v: np.asarray(v)[:, None]  # noqa: E731  one row per case
    eta0 = rng.uniform(0.05, 1.0, cases)
    eta_min = eta0 * rng.uniform(0.0, 0.2, cases)
    T = rng.integers(20, steps, cases).astype(float)
    gamma = rng.uniform(0.1, 0.9, cases)
    s = rng.integers(3, 30, cases).astype(float)
    k = rng.uniform(1e-3, 0.1, cases)
    W = rng.integers(5, 40, cases).astype(float)
    f = rng.uniform(0.001, 0.5, cases)
    t = np.arange(3 * steps, dtype=float)[None, :] * np.ones((cases, 1))
    import crosscheck

    if not crosscheck.available():
        raise RuntimeError(crosscheck.MISSING)
    from crosscheck.optax_reference import schedule_values

    engine = {
        "step": S.step_decay(col(eta0), col(gamma), col(s)),
        "exponential": S.exponential(col(eta0), col(k)),
        "cosine": S.cosine(col(eta0), col(eta_min), col(T)),
        "warmup_cosine": S.warmup(S.cosine(col(eta0), col(eta_min), col(T)), col(W), col(f)),
        "cosine_restarts": S.cosine_restarts(col(eta0), col(eta_min), col(T)),
    }
    steps_int = np.arange(3 * steps)

    def optax_batch(name):
        def schedule(_t):
            rows = [schedule_values(name, steps_int, eta0=eta0[i], eta_min=eta_min[i], T=T[i], gamma=gamma[i],
                                    s=s[i], k=k[i], W=W[i], f=f[i], cycles=int(3 * steps // T[i]) + 2)
                    for i in range(cases)]
            return np.stack(rows)
        return schedule

    implementations = {name: optax_batch(name) for name in engine}
    implementations["cyclical"] = S.cyclical(col(eta_min), col(eta0), col(s))  # no optax counterpart: the engine's
    engine_vs_optax = {}
    limits = {"cosine": T, "warmup_cosine": T + W}
    values, inputs, series = [], {name: [] for name in ("t", "j", "eta0", "eta_min", "T", "gamma", "s", "k", "W", "f")}, []
    for name, schedule in implementations.items():  # six schedule kinds, each evaluated as one batch
        eta_t = schedule(t)
        if name in engine:
            engine_vs_optax[name] = float(np.max(np.abs(engine[name](t) - eta_t) / np.abs(eta_t)))
        keep = t <= col(limits.get(name, np.full(cases, np.inf)))
        values.append(eta_t[keep])
        for key, v in (("eta0", eta0), ("eta_min", eta_min), ("T", T), ("gamma", gamma), ("s", s), ("k", k),
                       ("W", W), ("f", f)):
            inputs[key].append(np.broadcast_to(col(v), t.shape)[keep])
        inputs["t"].append(t[keep])
        inputs["j"].append(np.full(int(keep.sum()), float(SCHEDULE_CODES[name])))
        source = "optax" if name in engine else "engine"
        series.append(Series(f"{source}: {name.replace('_', ' ')}", t[0][keep[0]], eta_t[0][keep[0]], kind="line"))
    values = np.concatenate(values)
    inputs = {key: np.concatenate(v) for key, v in inputs.items()}
    first = {key: v[0] for key, v in (("eta0", eta0), ("eta_min", eta_min), ("T", T), ("gamma", gamma), ("s", s),
                                      ("k", k), ("W", W), ("f", f))}
    grid_t = np.arange(0, 3 * steps, dtype=float)
    figure = Figure(
        title="optax's schedules (first random case); theory: the SGDR closed form on the same axis",
        xlabel="step t", ylabel="η_t", series=tuple(series),
        theory_x="t", theory_grid={"t": grid_t, "j": np.full_like(grid_t, SCHEDULE_CODES["cosine_restarts"]),
                                   **{key: np.full_like(grid_t, v) for key, v in first.items()}},
    )
    return Measurement(values=values, inputs=inputs, figure=figure,
                       details={"cases": cases, "points": int(values.size), "library": "optax",
                                "engine_vs_optax_max_rel_diff": engine_vs_optax,
                                "engine_only": "cyclical (optax has no triangular cyclical schedule)"})


CLAIM = Claim(
    id="schedule.formulas",
    title="optax's step, exponential, cosine, warm-up and SGDR schedules (and the engine's cyclical one) equal the suite's closed forms",
    statement=("optax's implementations (exponential_decay, cosine_decay_schedule, warmup_cosine_decay_schedule, "
               "sgdr_schedule) of step decay η₀γ^⌊t/s⌋, exponential decay η₀e^(−kt), cosine decay "
               "η_min + ½(η₀ − η_min)(1 + cos(πt/T)) (seed 004), linear warm-up joined to the cosine, cosine with "
               "restarts (seed 003) equal these closed forms at every step, as does the suite's engine; the engine's "
               "triangular cyclical schedule (no optax counterpart) equals η_min + (η₀ − η_min)·max(0, 1 − |t/s − 2c + 1|), "
               "c = ⌊1 + t/(2s)⌋ (Smith 2017; seed 004 names cyclical rates)."),
    source=Source("seed 004", "Cosine decay: η_t = η_min + ½(η₀ − η_min)(1 + cos(πt/T)). Smoothly decays η to "
                              "η_min over T steps."),
    references=("Loshchilov & Hutter (2017), SGDR, ICLR", "Smith (2017), Cyclical learning rates, WACV",
                "Goyal et al. (2017), Accurate, large minibatch SGD (linear warm-up)"),
    derivation=schedule_formulas,
    experiment=experiment,
    params=Params(
        symbols={"t": "t", "j": "j", "eta0": "eta_0", "eta_min": "eta_min", "T": "T", "gamma": "gamma", "s": "s",
                 "k": "k", "W": "W", "f": "f"},
        quick={"cases": 4, "steps": 100},
        full={"cases": 15, "steps": 300},
    ),
    comparison=Exact(rtol=1e-12, atol=1e-15),
    expected=Verdict.CONFIRMED,
    mutants=(
        Mutant("cosine without η_min: ½η₀(1 + cos(πt/T))", formulas("cosine_no_floor")),
        Mutant("step decay with a continuous exponent γ^(t/s)", formulas("step_continuous")),
        Mutant("warm-up that does not shift the base schedule", formulas("warmup_unshifted")),
    ),
)
