"""Schedules: closed forms, end points, composition (empirics/schedules.py vs theory/schedules.py)."""

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics import schedules as S
from theory.schedules import SCHEDULE_CODES, formulas

_closed = sp.lambdify(sorted(formulas().free_symbols, key=lambda s: s.name), formulas(), "numpy")
_names = [s.name for s in sorted(formulas().free_symbols, key=lambda s: s.name)]


def _theory(name, t, **kw):
    values = {"j": SCHEDULE_CODES[name], "t": t, "eta_0": 1.0, "eta_min": 0.0, "T": 1.0, "gamma": 1.0, "s": 1.0,
              "k": 1.0, "W": 1.0, "f": 1.0, **kw}
    return _closed(*(np.asarray(values[n], float) for n in _names))


@settings(max_examples=30, deadline=None)
@given(eta0=st.floats(0.01, 1.0), frac=st.floats(0.0, 0.9), T=st.integers(2, 500))
def test_cosine_matches_closed_form_and_end_points(eta0, frac, T):
    eta_min = frac * eta0
    t = np.arange(T + 1)
    got = S.cosine(eta0, eta_min, T)(t)
    np.testing.assert_allclose(got, _theory("cosine", t, eta_0=eta0, eta_min=eta_min, T=T), rtol=1e-13, atol=1e-15)
    assert abs(got[0] - eta0) <= 1e-15 and abs(got[-1] - eta_min) <= 1e-15
    assert np.all(S.cosine(eta0, eta_min, T)(np.arange(T, 2 * T)) == eta_min)


@settings(max_examples=30, deadline=None)
@given(eta0=st.floats(0.01, 1.0), gamma=st.floats(0.05, 0.95), s=st.integers(1, 50))
def test_step_decay_is_piecewise_constant(eta0, gamma, s):
    t = np.arange(10 * s)
    got = S.step_decay(eta0, gamma, s)(t)
    np.testing.assert_allclose(got, eta0 * gamma ** (t // s), rtol=1e-13)


@settings(max_examples=30, deadline=None)
@given(W=st.integers(1, 50), f=st.floats(0.001, 0.9))
def test_warmup_is_linear_then_joins_the_base(W, f):
    base = S.cosine(0.5, 0.01, 100)
    sched = S.warmup(base, W, f)
    t = np.arange(W + 150)
    got = sched(t)
    np.testing.assert_allclose(got[:W], 0.5 * (f + (1 - f) * t[:W] / W), rtol=1e-13)
    np.testing.assert_allclose(got[W:], base(t[W:] - W), rtol=1e-13)
    assert np.all(np.diff(got[:W + 1]) >= -1e-15)


def test_restarts_and_cyclical_periods():
    sgdr = S.cosine_restarts(1.0, 0.1, 10)
    t = np.arange(40)
    np.testing.assert_allclose(sgdr(t), np.tile(S.cosine(1.0, 0.1, 10)(np.arange(10)), 4), rtol=1e-14)
    grow = S.cosine_restarts(1.0, 0.0, 4, mult=2.0)(np.array([0, 4, 12, 28]))  # period starts 0, 4, 12, 28
    np.testing.assert_allclose(grow, 1.0, rtol=1e-12)
    cyc = S.cyclical(0.1, 1.0, 5)(np.arange(21))
    assert cyc[0] == 0.1 and cyc[5] == 1.0 and cyc[10] == 0.1 and cyc[15] == 1.0
    np.testing.assert_allclose(cyc, _theory("cyclical", np.arange(21), eta_0=1.0, eta_min=0.1, s=5), rtol=1e-13)


def test_inverse_schedules_and_broadcasting():
    np.testing.assert_allclose(S.inverse_time(2.0)(np.arange(4)), 2.0 / np.arange(1, 5))
    np.testing.assert_allclose(S.inverse_sqrt(2.0)(np.arange(4)), 2.0 / np.sqrt(np.arange(1, 5)))
    eta = S.exponential(np.array([[1.0], [2.0]]), np.array([[0.1], [0.2]]))(np.array(3))
    assert eta.shape == (2, 1)
    assert S.as_schedule(0.3)(np.array(7)) == 0.3
