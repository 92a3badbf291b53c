"""Unit and property tests for sections A–C: problems, optimizer conventions, derivations."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.engine import run
from empirics.estimators import complex_step_directional
from empirics.optimizers import gradient_descent, nesterov_lookahead
from empirics.optimizers_momentum import accelerated_gradient, agm_momentum, nesterov_pytorch, nesterov_sutskever
from empirics.problems import (
    ChainQuadratic,
    DenseQuadratic,
    Huber,
    LessardPiecewiseQuadratic,
    Rosenbrock,
    Softplus,
    StationarityWorstCase,
    TrigBowl,
    Washboard,
)
from theory import gd_convergence, momentum_tuning, nesterov
from theory.symbols import beta, eta, k, kappa, lam, t
from theory.typst_printer import to_typst

ROOT = Path(__file__).resolve().parents[1]


def _trajectory(opt, grad, x0, steps):
    x, state, xs, states = x0.copy(), opt.init(x0), [], []
    for _ in range(steps):
        x, state = opt.update(x, state, grad)
        xs.append(x.copy()), states.append(state[0].copy())
    return np.array(xs), np.array(states)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 1.0), st.floats(0.0, 0.95), st.integers(0, 2**31 - 1))
def test_nesterov_forms_agree_after_change_of_variables(eta_, beta_, seed):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((4, 4))
    A = q @ q.T / 8 + 0.1 * np.eye(4)
    A /= np.linalg.eigvalsh(A)[-1]
    grad = lambda x: x @ A  # noqa: E731
    x0 = rng.standard_normal((1, 4))
    x_la, v_la = _trajectory(nesterov_lookahead(eta_, beta_), grad, x0, 60)
    x_su, v_su = _trajectory(nesterov_sutskever(eta_, beta_), grad, x0, 60)
    p_pt, _ = _trajectory(nesterov_pytorch(eta_, beta_), grad, x0, 60)
    np.testing.assert_allclose(x_su, x_la, atol=1e-12)
    np.testing.assert_allclose(v_su, -eta_ * v_la, atol=1e-12)
    np.testing.assert_allclose(p_pt, x_la - eta_ * beta_ * v_la, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 0.95), st.integers(0, 2**31 - 1))
def test_constant_schedule_is_lookahead_nesterov(beta_, seed):
    rng = np.random.default_rng(seed)
    A = np.diag(rng.uniform(0.01, 1.0, 3))
    grad = lambda x: x @ A  # noqa: E731
    x0 = rng.standard_normal((2, 3))
    a, _ = _trajectory(accelerated_gradient(1.0, lambda kk: beta_), grad, x0, 40)
    b, _ = _trajectory(nesterov_lookahead(1.0, beta_), grad, x0, 40)
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_agm_schedule_matches_t_sequence():
    ks = np.arange(1, 50, dtype=float)
    tk = (ks + 1) / 2
    np.testing.assert_allclose(agm_momentum(ks), (tk - 1) / ((ks + 2) / 2))
    assert agm_momentum(np.array([1.0]))[0] == 0.0


@pytest.mark.parametrize("T", [1, 5, 40])
def test_huber_is_drori_teboulle_worst_case(T):
    L, R = 2.0, 3.0
    f = Huber(L, R / (2 * T + 1))
    traj = run(gradient_descent(1 / L), f.grad, np.array([[R, 0.0]]), T, observe=f.value, checkpoints=np.array([T]))
    assert traj.observations[0, 0] == pytest.approx(L * R**2 / (4 * T + 2), rel=1e-12)


def test_chain_quadratic_minimiser():
    chain = ChainQuadratic(9, L=3.0)
    xs = chain.x_star[None, :]
    np.testing.assert_allclose(chain.grad(xs), 0.0, atol=1e-14)
    assert chain.value(xs)[0] == pytest.approx(chain.f_star, rel=1e-13)
    assert np.linalg.eigvalsh(chain.A)[-1] < chain.L
    np.testing.assert_allclose(chain.grad(np.ones((1, 9))), np.ones((1, 9)) @ chain.A - chain.b)


def _finite_difference(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.shape[1]):
        e = np.zeros_like(x)
        e[:, i] = h
        g[:, i] = (f.value(x + e) - f.value(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("problem, scale", [
    (Rosenbrock(), 1.0), (TrigBowl(0.7, 2.5), 2.0), (Washboard(1.3, 2.0, 0.9), 3.0),
    (LessardPiecewiseQuadratic(), 3.0), (Huber(2.0, 0.5), 1.0),
    (StationarityWorstCase(np.array([[1.5]]), np.array([[2.0]]), np.array([[5.0]])), 2.0),
])
def test_gradients_match_values(problem, scale):
    rng = np.random.default_rng(0)
    if isinstance(problem, (Rosenbrock, Huber)):
        dim = 2
    elif isinstance(problem, (Washboard, LessardPiecewiseQuadratic, StationarityWorstCase)):
        dim = 1
    else:
        dim = 3
    x = scale * rng.standard_normal((20, dim))
    np.testing.assert_allclose(problem.grad(x), _finite_difference(problem, x), rtol=1e-5, atol=1e-5)


def test_washboard_smoothness_and_fixed_phase():
    w = Washboard(1.0, 2.0, 0.9)
    x = np.linspace(-1, 4, 100001)[:, None]
    g = w.grad(x)[:, 0]
    assert np.max(np.abs(np.diff(g)) / np.diff(x[:, 0])) <= w.L * (1 + 1e-9)
    assert w.value(x).min() >= w.f_inf - 1e-12
    x0 = np.array([[7 * w.period + w.fixed_phase]])
    traj = run(gradient_descent(1 / w.L), w.grad, x0, 7, observe=lambda z: np.abs(w.grad(z)[:, 0]))
    np.testing.assert_allclose(traj.observations[:, 0], w.L * w.period, rtol=1e-9)


@pytest.mark.parametrize("T", [1, 2, 7, 300])
def test_stationarity_worst_case_is_smooth_and_attains_4L_delta_over_3T_minus_1(T):
    w = StationarityWorstCase(np.array([[0.5]]), np.array([[4.0]]), np.array([[float(T)]]))  # d = 1/8: exact
    x = np.linspace(-1, float(w.x0[0, 0]) + 1, 200001)[:, None]
    g = w.grad(x)[:, 0]
    assert np.max(np.abs(np.diff(g)) / np.diff(x[:, 0])) <= 4.0 * (1 + 1e-9)  # L-smooth
    assert w.value(x).min() >= w.f_inf - 1e-12 and w.value(np.zeros((1, 1)))[0] == w.f_inf  # f_inf attained
    traj = run(gradient_descent(1 / 4.0), w.grad, w.x0, T - 1, observe=lambda z: np.abs(w.grad(z)[:, 0]))
    assert np.all(traj.observations[:, 0] == 0.5)  # every iterate t < T sits on a knot with |f′| = g
    delta = w.value(w.x0)[0] - w.f_inf
    assert 0.5**2 == pytest.approx(4 * 4.0 * delta / (3 * T - 1), rel=1e-14)


def test_stationarity_worst_case_knots_repel_rounding():
    """Why the claims use powers of two: 1e-12 to the right of a knot grows ×2 per step."""
    w = StationarityWorstCase(np.array([[1.0]]), np.array([[1.0]]), np.array([[60.0]]))
    traj = run(gradient_descent(1.0), w.grad, np.array([[50.0 + 2**-40]]), 20, observe=lambda z: z[:, 0].copy())
    offsets = traj.observations[:, 0] - (50.0 - np.arange(21))
    np.testing.assert_allclose(offsets[1:6] / offsets[:5], 2.0, rtol=1e-3)


def test_lrp_is_smooth_and_strongly_convex():
    f = LessardPiecewiseQuadratic()
    x = np.linspace(-3, 4, 70001)[:, None]
    slopes = np.diff(f.grad(x)[:, 0]) / np.diff(x[:, 0])
    assert slopes.min() >= f.mu - 1e-6 and slopes.max() <= f.L + 1e-6


def test_rosenbrock_sublevel_bound_dominates_hessian():
    r = Rosenbrock()
    rng = np.random.default_rng(1)
    x0 = np.array([[-1.2, 1.0]])
    f0 = r.value(x0)[0]
    bound = r.sublevel_smoothness(f0)
    pts = rng.uniform([-4, -1], [6, 36], (20000, 2))
    pts = pts[r.value(pts) <= f0]
    u, v = pts[:, 0], pts[:, 1]
    H = np.stack([np.stack([2 - 400 * v + 1200 * u**2, -400 * u], -1),
                  np.stack([-400 * u, 200 * np.ones_like(u)], -1)], -2)
    assert np.abs(np.linalg.eigvalsh(H)).max() <= bound


@pytest.mark.parametrize("problem", [TrigBowl(), Rosenbrock(), Softplus(np.eye(3)[:, :3] * 0.5),
                                     DenseQuadratic(np.diag([1.0, 2.0, 3.0]), np.ones(3))])
def test_complex_step_is_gradient_dot_direction(problem):
    rng = np.random.default_rng(2)
    dim = 2 if isinstance(problem, Rosenbrock) else 3
    x, d = rng.standard_normal((10, dim)), rng.standard_normal((10, dim))
    np.testing.assert_allclose(complex_step_directional(problem.value, x, d), np.sum(problem.grad(x) * d, axis=1),
                               rtol=1e-12, atol=1e-12)


def test_window_share_and_lag():
    r = momentum_tuning.window().result
    assert float(r.subs({beta: 0.9, k: 10})) == pytest.approx(0.6513215599, rel=1e-9)


def test_polyak_rate_against_spectral_radius():
    r = momentum_tuning.polyak_rate().result
    for kap in (4.0, 50.0, 1000.0):
        mu_, L_ = 1.0, kap
        e = 4 / (np.sqrt(L_) + np.sqrt(mu_)) ** 2
        b = ((np.sqrt(kap) - 1) / (np.sqrt(kap) + 1)) ** 2
        radius = max(np.abs(np.roots([1, -(1 + b - e * l_), b])).max() for l_ in np.linspace(mu_, L_, 101))
        assert float(r.subs(kappa, kap)) == pytest.approx(radius, rel=1e-6)


def test_nesterov_threshold_roots():
    r = nesterov.quadratic_stability().result
    for b in (0.0, 0.3, 0.9):
        hs = float(r.subs(beta, b))
        roots = np.roots([1, -(1 + b) * (1 - hs), b * (1 - hs)])
        assert np.abs(roots).max() == pytest.approx(1.0, rel=1e-12)


def test_valley_closed_form_matches_recursion():
    expr = momentum_tuning.valley().result
    f = sp.lambdify([eta, beta, lam, t], expr, modules="numpy")
    for e_, b_, l_ in ((1.0, 0.9, 1.5), (1.0, 0.5, 0.01), (1.0, 0.6, 3.0)):
        seq = [1.0, 1 - e_ * l_]
        for _ in range(30):
            seq.append((1 + b_ - e_ * l_) * seq[-1] - b_ * seq[-2])
        with np.errstate(all="ignore"):
            got = f(e_, b_, l_, np.arange(32.0))
        np.testing.assert_allclose(got, seq, rtol=1e-9, atol=1e-12)


def test_five_regimes_labels():
    from theory.symbols import h
    r = gd_convergence.five_regimes().result
    assert [int(r.subs(h, v)) for v in (0.5, 1, 1.5, 2, 2.5)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("fn", [
    gd_convergence.steepest_descent, gd_convergence.five_regimes, gd_convergence.three_regimes_seed,
    gd_convergence.convex_rate, gd_convergence.nonconvex_stationarity, momentum_tuning.window,
    momentum_tuning.is_average_seed, momentum_tuning.polyak_rate, momentum_tuning.polyak_global_seed,
    momentum_tuning.valley, nesterov.agm_rate, nesterov.constant_beta_seed, nesterov.constant_beta_exponent,
    nesterov.lookahead_equivalence, nesterov.quadratic_stability, nesterov.strongly_convex_rate,
])
def test_derivations_print(fn):
    d = fn()
    assert d.steps
    for step in d.steps:
        text = to_typst(step.expr)
        assert '"false"' not in text and '"true"' not in text
    to_typst(d.result)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_layering_of_section_abc_modules():
    for name in ("gd_convergence", "momentum_tuning", "nesterov"):
        assert "numpy" not in _imports(ROOT / "theory" / f"{name}.py")
    for name in ("problems/smooth_convex", "problems/nonconvex", "problems/quadratics", "optimizers_momentum"):
        assert "sympy" not in _imports(ROOT / "empirics" / f"{name}.py")
