"""nesterov.lookahead-equivalence — lookahead, Sutskever and PyTorch Nesterov are one method.

Experiment: the three forms run side by side (same η, β, x₀, zero initial
velocity) on random rotated quadratics and on logistic-type smooth convex
problems (softplus sums), for random (η, β) in the stable range, as one
batch per form. The theory is the change of variables: PyTorch's parameter
p_t equals the lookahead iterate's gradient point x_t − ηβv_t. The measured
values are PyTorch's p_t at every step and the Sutskever form's gradient point
θ_t + βv_S,t (where Sutskever et al. evaluate the gradient); both must equal
x_t − ηβv_t, the theory evaluated at the lookahead run's own (x_t, v_t). The
Sutskever form's θ_t = x_t and v_S = −ηv separately are reported in the details
(max deviation). (Until this version only PyTorch's form was judged.)

Tolerance: the forms compute the same quantities in different orders, so the
iterates differ by accumulated rounding, ~t·eps·‖x‖ amplified by at most the
(bounded, contracting) dynamics: ≤ 1e-13 for T ≤ 300 at the scales used
(‖x₀‖ ≈ 1). Exact(rtol = 1e-10, atol = 1e-12). The mutants — "the forms have
identical iterates" (p = x) and "p is shifted by a full step" (p = x − ηv) —
are off by ηβ|v| ~ 1e-2 … 1 at the early steps.
"""

import numpy as np

from convergence import Claim, Exact, Figure, Measurement, Model, Mutant, Params, Series, Source, Verdict
from empirics.engine import run
from empirics.optimizers_momentum import nesterov_lookahead, nesterov_pytorch, nesterov_sutskever
from empirics.problems import Softplus, rotated_quadratic
from theory.nesterov import lookahead_equivalence
from theory.symbols import beta, eta


def _run_all(grad, x0, eta_, beta_, steps):
    """Trajectories of the three forms: x and v of the lookahead form, θ and v_S of Sutskever's, PyTorch's p."""
    def record(opt):
        xs, vs = [], []

        def every(t, x, state, diverged):
            if t >= 1:
                xs.append(x.copy()), vs.append(state[0].copy())

        run(opt, grad, x0, steps, checkpoints=(), blowup=None, every_step=every)
        return np.array(xs), np.array(vs)

    x_la, v_la = record(nesterov_lookahead(eta_, beta_))
    x_su, v_su = record(nesterov_sutskever(eta_, beta_))
    p_pt, _ = record(nesterov_pytorch(eta_, beta_))
    return x_la, v_la, x_su, v_su, p_pt


def experiment(params, rng):
    runs, dim, T = params["runs"], params["dim"], params["steps"]
    spectra = np.exp(rng.uniform(np.log(0.01), 0, (runs, dim)))
    quad = rotated_quadratic(rng, spectra)
    soft = Softplus(rng.standard_normal((3 * dim, dim)) / np.sqrt(dim))
    L_soft = 0.25 * np.linalg.eigvalsh(soft.matrix.T @ soft.matrix)[-1]
    values, xs, vs, etas, betas = [], [], [], [], []
    sut_dev = 0.0
    for grad, L in ((quad.grad, np.ones(runs)), (soft.grad, np.full(runs, L_soft))):
        eta_ = (rng.uniform(0.2, 1.0, runs) / L)[:, None]
        beta_ = rng.uniform(0.0, 0.95, runs)[:, None]
        x0 = rng.standard_normal((runs, dim))
        x_la, v_la, x_su, v_su, p_pt = _run_all(grad, x0, eta_, beta_, T)
        sut_dev = max(sut_dev, float(np.max(np.abs(x_su - x_la))), float(np.max(np.abs(v_su + eta_ * v_la))))
        # PyTorch's parameter, then the Sutskever form's own gradient point θ + βv_S: both must equal x − ηβv.
        for measured in (p_pt, x_su + beta_ * v_su):
            values.append(measured.ravel()), xs.append(x_la.ravel()), vs.append(v_la.ravel())
            etas.append(np.broadcast_to(eta_, x_la.shape).ravel())
            betas.append(np.broadcast_to(beta_, x_la.shape).ravel())
    values, x_all, v_all, e_all, b_all = (np.concatenate(a) for a in (values, xs, vs, etas, betas))
    mapped = x_all - e_all * b_all * v_all
    figure = Figure(
        title="PyTorch nesterov=True iterate against the mapped lookahead iterate x − ηβv",
        xlabel="x − ηβv (lookahead run)", ylabel="p (PyTorch run)",
        series=(Series("PyTorch p_t", mapped[::7], values[::7], kind="scatter"),),
        # The derivation x − ηβv at v = 0 is x itself: drawn against the mapped iterate, the identity line.
        theory_x="x", theory_grid={"x": np.array([mapped.min(), mapped.max()]), "v": np.zeros(2), "eta": np.zeros(2),
                                   "beta": np.zeros(2)},
    )
    return Measurement(
        values=values, inputs={"x": x_all, "v": v_all, "eta": e_all, "beta": b_all}, figure=figure,
        details={"points": int(values.size), "max_|p - (x - eta*beta*v)|": float(np.max(np.abs(values - mapped))),
                 "sutskever_max_deviation_(theta-x, v_S+eta*v)": sut_dev},
    )


CLAIM = Claim(
    id="nesterov.lookahead-equivalence",
    title="Lookahead, Sutskever and PyTorch Nesterov: same iterates after a change of variables",
    statement=(
        "With equal η, β, x₀ and zero initial velocity, the lookahead form (v₊ = βv + ∇f(x − ηβv), x₊ = x − ηv₊), "
        "the Sutskever form (θ = x, v_S = −ηv) and PyTorch's nesterov=True (p = x − ηβv) produce the same iterates."
    ),
    source=Source("seed 004", "Nesterov momentum evaluates the gradient at a 'lookahead' position: v_{t+1} = βv_t + "
                  "∇L(θ_t − ηβv_t), θ_{t+1} = θ_t − ηv_{t+1}."),
    references=("Sutskever, Martens, Dahl & Hinton (2013), ICML, eq. (3)–(4)",
                "PyTorch documentation, torch.optim.SGD (nesterov=True)"),
    derivation=lookahead_equivalence,
    experiment=experiment,
    params=Params(symbols={"x": "x", "v": "v", "eta": "eta", "beta": "beta"},
                  quick={"runs": 20, "dim": 5, "steps": 150}, full={"runs": 60, "dim": 8, "steps": 300}),
    comparison=Exact(rtol=1e-10, atol=1e-12),
    expected=Verdict.CONFIRMED,
    # One update of each form the experiment runs, the gradient at its evaluation point (x − ηβv for the lookahead
    # form, p for PyTorch's) given as the value g; η and β as in the experiment (β ≤ 0.95, η up to 1/L). The lookahead
    # form from (x, v) returns (x_+, (v_+,)); its x_+ is typeset in v_+, reached with the gradient g = v_+ − βv.
    # PyTorch's from its parameter p = x − ηβv and buffer b. "Change of variables" is a map, not an update: not modelled.
    models=(
        Model("Lookahead form", lambda x, v, g, eta, beta: nesterov_lookahead(eta[:, None], beta[:, None]).update(
                  x[:, None], (v[:, None],), lambda z: g[:, None])[1][0][:, 0],
              ranges={"x": (-2, 2), "v": (-2, 2), "g": (-2, 2), "eta": (0.01, 2), "beta": (0, 0.95)}, part="v_+"),
        Model("Lookahead form", lambda x, v, eta, beta, **p: nesterov_lookahead(eta[:, None], beta[:, None]).update(
                  x[:, None], (v[:, None],), lambda z: (p["v_+"] - beta * v)[:, None])[0][:, 0],
              ranges={"x": (-2, 2), "v": (-2, 2), "v_+": (-2, 2), "eta": (0.01, 2), "beta": (0, 0.95)}, part="x_+"),
        Model("PyTorch nesterov=True", lambda x, v, g, b, eta, beta: nesterov_pytorch(eta[:, None], beta[:, None]).update(
                  (x - eta * beta * v)[:, None], (b[:, None],), lambda z: g[:, None])[0][:, 0],
              ranges={"x": (-2, 2), "v": (-2, 2), "g": (-2, 2), "b": (-2, 2), "eta": (0.01, 2), "beta": (0, 0.95)}),
    ),
    mutants=(
        Mutant("identical iterates without the change of variables (p = x)", lambda r: r.subs({eta: 0})),
        Mutant("shift by a full step (p = x − ηv)", lambda r: r.subs({beta: 1})),
    ),
)
