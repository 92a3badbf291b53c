"""The shared estimators: growth over the second half and log-linear crossing times."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from empirics.engine import run
from empirics.estimators import UNDERFLOW_FLOOR, crossing_fraction, first_crossing, grows, second_half_growth
from empirics.optimizers import gradient_descent
from empirics.problems import DiagonalQuadratic


@given(st.floats(0.5, 1.5), st.integers(10, 200))
def test_growth_of_a_geometric_sequence_is_its_ratio_to_the_half_length(rate, half):
    early, late = rate**half, rate ** (2 * half)
    assert second_half_growth(early, late) == pytest.approx(rate**half, rel=1e-12)
    assert grows(early, late) == (late > early)


def test_a_run_decaying_into_subnormals_does_not_grow():
    # GD with ηλ = 0.999 contracts by 1e-3 per step: by T/2 = 120 its iterate is ~1e-360 in exact
    # arithmetic, i.e. subnormal or zero, where rounding stalls the decay.
    problem = DiagonalQuadratic(np.array([1.0]))
    traj = run(gradient_descent(np.array([[0.999], [1.001], [2.5]])), problem.grad, np.ones((3, 1)), 240,
               observe=lambda x: np.abs(x[:, 0]), checkpoints=np.array([120, 240]))
    early, late = traj.observations
    assert early[0] < UNDERFLOW_FLOOR and late[0] >= early[0]  # the unguarded test would call it growth
    assert grows(early, late, traj.diverged).tolist() == [False, False, True]
    np.testing.assert_array_equal(second_half_growth(early, late, traj.diverged)[:2], 0.0)


def test_subnormal_stall_read_by_the_plain_comparison():
    early, late = np.array([5e-324, 1.0, 1.0]), np.array([1e-323, 2.0, 0.5])
    assert grows(early, late).tolist() == [False, True, False]
    assert grows(early, late, np.array([True, False, False])).tolist() == [True, True, False]
    growth = second_half_growth(early, late, np.array([False, False, True]))
    assert growth.tolist() == [0.0, 2.0, np.inf]


@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_crossing_fraction_is_exact_on_a_geometric_step(ratio, phi):
    before = 3.0
    level = before * ratio**phi
    assert crossing_fraction(before, before * ratio, level) == pytest.approx(phi, rel=1e-9, abs=1e-12)
    # Up-crossings alike: the same step read backwards crosses at 1 − φ.
    assert crossing_fraction(before * ratio, before, level) == pytest.approx(1 - phi, rel=1e-9, abs=1e-12)


def test_first_crossing_interpolates_geometric_decay():
    axis = np.arange(0, 11, dtype=float)
    values = np.stack([0.5**axis, 0.9**axis, 2.0 ** -(axis - 1)], axis=1)
    crossed = first_crossing(values, axis, np.array([0.5**3.5, 0.9**7.25, 1e-9]))
    np.testing.assert_allclose(crossed[:2], [3.5, 7.25], rtol=1e-12)
    assert np.isinf(crossed[2])


def test_first_crossing_reads_the_axis_and_the_edges():
    evaluations = np.array([0.0, 10.0, 30.0, 70.0])  # a non-uniform cost axis
    values = np.array([[1.0, 0.1, 1.0], [0.1, 0.05, 0.5], [0.01, 0.01, 0.0], [0.001, 0.001, 0.0]])
    crossed = first_crossing(values, evaluations, 0.1)
    # Run 0 reaches 0.1 exactly at the second record; run 1 starts at it; run 2 drops to 0 in one
    # step from 0.5, which log-linear interpolation puts at that step's start (no geometric path ends at 0).
    np.testing.assert_allclose(crossed, [10.0, 0.0, 10.0])


def test_first_crossing_takes_the_first_of_several_crossings():
    values = np.array([1.0, 0.25, 1.0, 0.01])[:, None]
    assert first_crossing(values, np.arange(4.0), 0.5)[0] == pytest.approx(0.5)
