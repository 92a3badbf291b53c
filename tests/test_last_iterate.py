"""The Harvey et al. construction: theory/last_iterate.py against empirics/last_iterate.py."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.last_iterate import HarveyFunction, run_last_iterate
from theory.last_iterate import (
    T,
    V,
    last_iterate_log,
    last_iterate_sum,
    last_iterate_value,
    lipschitz_bound,
    log_constant,
    offset_constant,
)


@pytest.mark.parametrize("horizon", [1, 2, 3, 4, 6, 9])
def test_numeric_value_is_the_sympy_sum(horizon):
    exact = sp.N(last_iterate_sum(sp.Integer(horizon)).doit(), 30)
    assert last_iterate_value(horizon) == pytest.approx(float(exact), rel=1e-15, abs=0)


def test_value_rejects_non_integer_horizons():
    with pytest.raises(ValueError):
        last_iterate_value(2.5)
    with pytest.raises(ValueError):
        sp.lambdify([T], V(T), modules="numpy")(np.array([64.0, 64.5]))


def test_lambdified_result_is_elementwise():
    horizons = np.array([64.0, 100.0, 1000.0])
    values = sp.lambdify([T], last_iterate_log().result, modules="numpy")(horizons)
    assert np.allclose(values, [last_iterate_value(int(n)) for n in horizons], rtol=0, atol=0)


@pytest.mark.parametrize("horizon", [1, 2, 3, 7, 64, 100, 333])
def test_simulation_matches_closed_form_and_premises(horizon):
    run = run_last_iterate(horizon)
    assert run.oracle_index_is_step
    assert not run.projected
    assert run.final_argmax == horizon + 1
    assert run.final_value == run.last_piece_value
    assert run.max_norm <= 0.5  # ‖x_t‖² ≤ t/(4T) ≤ 1/4
    assert run.final_value == pytest.approx(last_iterate_value(horizon), rel=1e-13, abs=0)


@settings(max_examples=30, deadline=None)
@given(horizon=st.integers(1, 60), seed=st.integers(0, 10_000))
def test_pieces_match_direct_evaluation(horizon, seed):
    problem = HarveyFunction.for_horizon(horizon)
    x = np.random.default_rng(seed).normal(size=(3, problem.dim))
    rows = np.zeros((problem.dim, problem.dim))
    for i in range(problem.dim):  # h_i written out row by row, the definition itself
        rows[i, :i] = problem.a[:i]
        rows[i, i] = -problem.b[i]
    assert np.allclose(problem.pieces(x), x @ rows.T, rtol=1e-13, atol=1e-15)
    assert np.all(np.linalg.norm(rows, axis=1) < 1.0)  # 1-Lipschitz
    g, index = problem.subgradient(x)
    assert np.array_equal(g, rows[index])


def test_oracle_takes_the_smallest_index_on_ties():
    problem = HarveyFunction.for_horizon(8)
    g, index = problem.subgradient(np.zeros((1, problem.dim)))  # every piece is 0 at the origin
    assert index.tolist() == [0]
    assert g[0, 0] == -problem.b[0] and np.all(g[0, 1:] == 0)


def test_constants():
    assert log_constant() == 2 * sp.log(2) - 1
    assert sp.simplify(offset_constant() - (sp.pi**2 / 6 + 1 - 2 * sp.log(2)) / 64) == 0
    assert lipschitz_bound() < 1


@pytest.mark.parametrize("horizon", [256, 1024, 4096, 16384])
def test_expansion_remainder_is_order_one_over_t(horizon):
    harmonic = math.fsum(1 / n for n in range(1, horizon + 1))
    remainder = math.sqrt(horizon) * last_iterate_value(horizon) - (3 / 64 * harmonic + float(offset_constant()))
    assert 0 < remainder * horizon < 0.5


def test_log_coefficient_exceeds_harvey_bound():
    for horizon in (64, 1024, 16384):
        assert math.sqrt(horizon) * last_iterate_value(horizon) > math.log(horizon) / 32
