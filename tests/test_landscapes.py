"""Tests for empirics/problems/nonconvex.py (Saddle, DoubleWell) and theory/saddles.py."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from empirics.problems import DoubleWell, Saddle
from theory import saddles
from theory.typst_printer import to_typst


@given(st.floats(0.1, 3.0), st.floats(0.1, 3.0), st.floats(-2, 2), st.floats(-2, 2))
@settings(max_examples=30, deadline=None)
def test_saddle_gradient_matches_finite_differences(a, gamma, x, y):
    s = Saddle(a, gamma, 1.0)
    z = np.array([[x, y]])
    h = 1e-6
    fd = np.array([[(s.value(z + [[h, 0]]) - s.value(z - [[h, 0]]))[0] / (2 * h),
                    (s.value(z + [[0, h]]) - s.value(z - [[0, h]]))[0] / (2 * h)]])
    assert np.allclose(s.grad(z), fd, atol=1e-6)


def test_saddle_minima_distance():
    assert Saddle(1.0, 4.0, 1.0).minimum_distance == pytest.approx(2.0)
    s = Saddle(1.0, 4.0, 1.0)
    assert np.allclose(s.grad(np.array([[0.0, 2.0]])), 0)


@given(st.floats(0.2, 3.0), st.floats(0.2, 3.0), st.floats(0.3, 2.0))
@settings(max_examples=30, deadline=None)
def test_double_well_constants(w_f, w_s, depth):
    well = DoubleWell(depth, w_f, w_s)
    assert well.value(np.array([-w_f, w_s])) == pytest.approx([0.0, 0.0], abs=1e-14)
    assert well.value(np.array([0.0]))[0] == pytest.approx(depth)
    h = 1e-5
    for x0, a in ((-w_f, well.a_flat), (w_s, well.a_sharp)):
        curv = (well.grad(np.array([x0 + h])) - well.grad(np.array([x0 - h])))[0] / (2 * h)
        assert curv == pytest.approx(a, rel=1e-6)
    # C¹ at the barrier
    assert well.grad(np.array([-1e-12, 1e-12])) == pytest.approx([0.0, 0.0], abs=1e-9)


def test_double_well_gibbs_ratio_is_exact():
    well = DoubleWell(1.0, 1.0, 0.5)
    for temperature in (0.2, 1.0, 3.0):
        dens = lambda x, temp=temperature: np.exp(-well.value(np.array([x]))[0] / temp)  # noqa: E731
        left = integrate.quad(dens, -6, 0)[0]
        right = integrate.quad(dens, 0, 6)[0]
        assert left / right == pytest.approx(np.sqrt(well.a_sharp / well.a_flat), rel=1e-8)


def test_escape_time_law_deterministic():
    expr = saddles.escape_time().result
    f = sp.lambdify([saddles.r, saddles.delta, saddles.eta, saddles.gamma, saddles.sigma], expr)
    r, d, e, g = 0.1, 1e-8, 0.2, 1.0
    y, t = d, 0
    while abs(y) < r:
        y *= 1 + e * g
        t += 1
    assert t == int(np.ceil(f(r, d, e, g, 0.0)))


def test_noisy_scale_matches_simulation_variance():
    s = saddles.noisy_scale()
    val = float(s.subs({saddles.eta: 0.1, saddles.gamma: 1.0, saddles.sigma: 1.0}))
    # stationary variance of y/(1+ηγ)^t: η²σ²/((1+ηγ)² − 1)
    assert val**2 == pytest.approx(0.01 / (1.1**2 - 1))
    assert float(saddles.Z34) == pytest.approx(stats.norm.ppf(0.75), rel=1e-15)


def test_momentum_root_exceeds_gd_factor():
    z = saddles.momentum_growth().result
    f = sp.lambdify([saddles.eta, saddles.gamma, saddles.beta], z)
    for b in (0.1, 0.5, 0.9, 0.99):
        for h in (0.01, 0.1, 1.0):
            root = f(h, 1.0, b)
            assert root > 1 + h
            assert root**2 - (1 + b + h) * root + b == pytest.approx(0, abs=1e-12)


def test_other_derivations_print():
    # escape_time and flat_occupancy are printed whenever their claims run (runner.describe_theory).
    for fn in (saddles.stops_dead_seed, saddles.momentum_growth, saddles.sharpness_limit):
        d = fn()
        for step in d.steps:
            to_typst(step.expr)
    assert saddles.sharpness_limit().result == 2 / saddles.eta
