"""Tests for empirics/variance_reduction.py and theory/variance_reduction.py."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.problems import Logistic
from empirics.variance_reduction import (
    RidgeFamily,
    component_grad,
    null_direction_logistic,
    null_direction_ridge,
    saga,
    sgd,
    suboptimality,
    svrg,
)
from theory import variance_reduction as vr
from theory.symbols import L, eta, mu
from theory.typst_printer import to_typst


@pytest.fixture
def ridge():
    return null_direction_ridge(np.random.default_rng(0), 40, 4, 7.0)


def test_null_direction_ridge_constants_are_exact(ridge):
    assert ridge.mu == pytest.approx(1.0, rel=1e-12)
    assert ridge.L_max == pytest.approx(7.0, rel=1e-12)
    row_norms = np.sum(ridge.features**2, axis=1) + ridge.reg
    assert np.allclose(row_norms, 7.0)


def test_null_direction_logistic_constants():
    p = null_direction_logistic(np.random.default_rng(1), 30, 4, 5.0)
    assert isinstance(p, Logistic)
    assert p.L_max == pytest.approx(5.0, rel=1e-12)
    assert p.mu == 1.0


@given(st.integers(0, 2**31 - 1))
@settings(max_examples=20, deadline=None)
def test_component_grad_matches_sample_grad(seed):
    rng = np.random.default_rng(seed)
    for problem in (null_direction_ridge(rng, 15, 3, 4.0), null_direction_logistic(rng, 15, 3, 4.0)):
        x = rng.standard_normal((6, 3))
        idx = rng.integers(0, 15, 6)
        assert np.allclose(component_grad(problem, x, idx), problem.sample_grad(x, idx), atol=1e-12)


def test_suboptimality_matches_difference(ridge):
    x = ridge.x_star + np.random.default_rng(2).standard_normal((5, 4))
    assert np.allclose(suboptimality(ridge, x), ridge.value(x) - ridge.f_star, rtol=1e-9)


def test_svrg_cost_accounting_and_convergence(ridge):
    rng = np.random.default_rng(3)
    x0 = np.tile(ridge.x_star + 1.0, (4, 1))
    m = np.array([10, 20, 30, 40])
    res = svrg(ridge, x0, 0.05 / ridge.L_max, m, 3, rng)
    # evaluations at the end of epoch s: n (first snapshot) + s·2m + (s−1)·n (later snapshots)
    s = np.arange(4)
    expected = np.where(s[None] == 0, 0, ridge.n + s[None] * 2 * m[:, None] + (s[None] - 1) * ridge.n)
    assert np.array_equal(res.evaluations, expected)
    assert np.all(res.gaps[:, -1] < res.gaps[:, 0])


def test_svrg_option_one_takes_last_iterate(ridge):
    """With m = 1 option I's snapshot is x₁ = x̃ − η∇f(x̃) exactly (the correction cancels)."""
    rng = np.random.default_rng(4)
    x0 = np.tile(ridge.x_star + 0.5, (3, 1))
    e = 0.01
    res = svrg(ridge, x0, e, 1, 1, rng, option="I")
    x1 = x0 - e * ridge.grad(x0)
    assert np.allclose(res.gaps[:, 1], suboptimality(ridge, x1), rtol=1e-12)


def test_saga_matches_reference_loop(ridge):
    """The in-place table update equals a naive per-run SAGA with explicit table copies."""
    rng = np.random.default_rng(5)
    runs, steps, gamma = 3, 50, 0.02
    x0 = np.tile(ridge.x_star + 1.0, (runs, 1))
    rec = saga(ridge, x0, gamma, steps, np.random.default_rng(6), np.array([0, steps]), observe=lambda x: x[:, 0])
    draws = np.random.default_rng(6)
    x = x0.copy()
    table = ridge.component_grads(x).copy()
    for _ in range(steps):
        j = draws.integers(0, ridge.n, runs)
        for r in range(runs):
            fresh = ridge.component_grads(x[r:r + 1])[0, j[r]]
            step = fresh - table[r, j[r]] + table[r].mean(axis=0)
            table[r, j[r]] = fresh
            x[r] = x[r] - gamma * step
    assert np.allclose(rec.x_final, x, atol=1e-12)
    assert rec.evaluations[-1] == ridge.n + steps
    del rng


def test_ridge_family_matches_single_ridge():
    base = null_direction_ridge(np.random.default_rng(7), 20, 3, 2.0)
    fam = RidgeFamily(base.features, base.targets, np.array([[1.0], [1.0]]))
    x = np.random.default_rng(8).standard_normal((2, 3))
    assert np.allclose(fam.grad(x), base.grad(x))
    assert np.allclose(fam.x_star[0], base.x_star)
    assert np.allclose(fam.component_grads(x), base.component_grads(x))


def test_sgd_constant_schedule_reaches_floor(ridge):
    rng = np.random.default_rng(9)
    x0 = np.tile(ridge.x_star, (8, 1))
    rec = sgd(ridge, x0, lambda t: 0.0, 5, rng, np.array([0, 5]), observe=lambda x: suboptimality(ridge, x))
    assert np.all(rec.observations == 0)



def test_svrg_alpha_is_johnson_zhang_form_and_region():
    d = vr.svrg_contraction()
    alpha = d.result
    m = vr.m
    assert sp.simplify(alpha - (1 / (mu * eta * (1 - 2 * L * eta) * m) + 2 * L * eta / (1 - 2 * L * eta))) == 0
    m_min = 1 / (mu * eta * (1 - 4 * L * eta))
    assert sp.simplify(alpha.subs(m, m_min) - 1) == 0
    for step in d.steps:
        to_typst(step.expr)


def test_saga_rate_and_constant():
    r = vr.saga_bound().result
    assert r.subs(vr.k, 0) == vr.D0 + vr.n / (mu * vr.n + L) * vr.F0
    ratio = sp.simplify(r.subs(vr.k, 1) / r.subs(vr.k, 0))
    assert sp.simplify(ratio - (1 - mu / (2 * (mu * vr.n + L)))) == 0


def test_complexity_secant_limits():
    p = vr.vr_complexity_exponent().result
    c, v1, v2 = sp.symbols("c v_1 v_2", positive=True)
    assert float(p.subs({c: 1e-9, v1: 2, v2: 8})) == pytest.approx(1.0, abs=1e-6)
    assert float(p.subs({c: 1e9, v1: 2, v2: 8})) == pytest.approx(0.0, abs=1e-6)


def test_sgd_exponent_is_minus_omega():
    assert vr.sgd_suboptimality_exponent().result == -vr.omega
