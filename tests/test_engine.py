"""The engine and the optimizers' conventions, tested against their closed forms."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.engine import _gradient, log_checkpoints, run
from empirics.estimators import bisect_threshold, fit_slope, linear_rate
from empirics.optimizers import Optimizer, gradient_descent, heavy_ball, nesterov_lookahead
from empirics.problems import DiagonalQuadratic, Linear, rotated_quadratic


@given(st.floats(0.01, 1.99), st.integers(1, 50))
def test_gd_matches_closed_form_on_a_quadratic(h, steps):
    traj = run(gradient_descent(h), DiagonalQuadratic(np.array([1.0])).grad, np.ones((1, 1)), steps)
    expected = (1 - h) ** np.arange(steps + 1)
    # θ − hθ cancels when h ≈ 1: each step loses ~eps/|1 − h| relative accuracy.
    rtol = 4 * (steps + 1) * np.finfo(float).eps / max(abs(1 - h), 1e-300)
    np.testing.assert_allclose(traj.observations[:, 0, 0], expected, rtol=rtol, atol=1e-300)


@settings(max_examples=50)
@given(st.floats(0.0, 0.99), st.floats(0.01, 1.0), st.integers(1, 40))
def test_ema_form_is_sum_form_with_step_scaled_by_one_minus_beta(beta, eta, steps):
    problem = DiagonalQuadratic(np.array([0.3, 1.0]))
    x0 = np.array([[1.0, -2.0]])
    ema = run(heavy_ball(eta, beta, "ema"), problem.grad, x0, steps)
    total = run(heavy_ball(eta * (1 - beta), beta, "sum"), problem.grad, x0, steps)
    np.testing.assert_allclose(ema.observations, total.observations, rtol=1e-10, atol=1e-12)


@given(st.floats(0.0, 0.95), st.integers(1, 60))
def test_sum_form_velocity_is_a_geometric_sum_under_a_constant_gradient(beta, steps):
    traj = run(heavy_ball(1.0, beta, "sum"), Linear(np.array([1.0])).grad, np.zeros((1, 1)), steps)
    last_step = traj.observations[-2, 0, 0] - traj.observations[-1, 0, 0]
    assert last_step == pytest.approx((1 - beta**steps) / (1 - beta), rel=1e-12)


def test_nesterov_with_zero_momentum_is_gd():
    problem = DiagonalQuadratic(np.array([0.5, 2.0]))
    x0 = np.array([[1.0, 1.0]])
    a = run(nesterov_lookahead(0.3, 0.0), problem.grad, x0, 20).observations
    b = run(gradient_descent(0.3), problem.grad, x0, 20).observations
    np.testing.assert_allclose(a, b, rtol=1e-15)


def test_hyperparameter_grid_runs_as_one_batch():
    etas = np.array([[0.1], [0.5], [1.0]])
    traj = run(gradient_descent(etas), DiagonalQuadratic(np.array([1.0])).grad, np.ones((3, 1)), 5)
    np.testing.assert_allclose(traj.observations[-1, :, 0], (1 - etas[:, 0]) ** 5)


def test_divergence_is_data_and_no_warning_escapes():
    problem = DiagonalQuadratic(np.array([1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(gradient_descent(np.array([[0.5], [3.0]])), problem.grad, np.ones((2, 1)), 2000,
                   observe=lambda x: np.abs(x[:, 0]), blowup=1e50)
    assert traj.diverged.tolist() == [False, True]
    assert traj.diverged_at[1] > 0 and traj.diverged_at[0] == -1
    assert np.isinf(traj.observations[-1, 1]) and np.isfinite(traj.x_final).all()


def _reference_run(optimizer, grad, x0, steps, blowup):
    """The engine's semantics written plainly: pure updates, per-run test and freeze at every step."""
    x = np.array(x0, dtype=float)
    state = optimizer.init(x)
    diverged, diverged_at, seen = np.zeros(len(x), bool), np.full(len(x), -1), [x.copy()]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x_next, state_next = optimizer.update(x, state, grad)
            bad = ~np.isfinite(x_next).all(axis=1) | (np.linalg.norm(x_next, axis=1) > blowup)
            diverged_at[bad & ~diverged] = t
            diverged |= bad
            keep = ~diverged[:, None]
            x = np.where(keep, x_next, x)
            state = tuple(np.where(keep, a, b) for a, b in zip(state_next, state))
            seen.append(np.where(keep, x, np.inf))
    return np.stack(seen), x, diverged, diverged_at


def _pure(optimizer):
    return Optimizer(optimizer.name, optimizer.init, optimizer.update)


OSCILLATING = [  # runs that blow up at different steps, some in the middle of an oscillation
    lambda eta: gradient_descent(eta),
    lambda eta: heavy_ball(eta, 0.9, "sum"),
    lambda eta: heavy_ball(eta, 0.6, "ema"),
    lambda eta: nesterov_lookahead(eta, 0.8),
]


@pytest.mark.parametrize("make", OSCILLATING)
@pytest.mark.parametrize("pure", [False, True])
def test_divergence_step_and_last_finite_point_are_exact(make, pure):
    # A 1-D momentum iterate oscillates while its envelope grows: it crosses the blow-up
    # norm, falls back below it and crosses again, so a test skipping steps would be late.
    curv = np.array([1.0, 0.3])
    etas = np.geomspace(0.3, 40.0, 23)[:, None]
    x0 = np.tile([1.0, -0.5], (23, 1))
    optimizer = _pure(make(etas)) if pure else make(etas)
    problem = DiagonalQuadratic(curv, x_star=np.array([0.2, 0.0]))
    seen, x_final, diverged, diverged_at = _reference_run(optimizer, problem.grad, x0, 400, 1e20)
    traj = run(optimizer, problem.grad, x0, 400, blowup=1e20)
    assert 3 < diverged.sum() < 23 and len(set(diverged_at[diverged])) > 3
    np.testing.assert_array_equal(traj.diverged, diverged)
    np.testing.assert_array_equal(traj.diverged_at, diverged_at)
    np.testing.assert_array_equal(traj.observations, seen)
    np.testing.assert_array_equal(traj.x_final, x_final)
    sparse = np.array([0, 50, 400])
    exact = run(optimizer, problem.grad, x0, 400, checkpoints=sparse, blowup=1e20, check_every=1)
    np.testing.assert_array_equal(exact.diverged_at, diverged_at)
    np.testing.assert_array_equal(exact.observations, seen[sparse])
    np.testing.assert_array_equal(exact.x_final, x_final)


@pytest.mark.parametrize("make", OSCILLATING)
def test_divergence_on_a_cadence_is_marked_at_the_first_failing_check(make):
    # Checked every 16 steps and at the checkpoints: a run is marked at the first checked
    # step it fails, its final point is its iterate at the check before, and observations
    # at checkpoints are the exact run's.
    curv, etas = np.array([1.0, 0.3]), np.geomspace(0.3, 40.0, 23)[:, None]
    x0, problem = np.tile([1.0, -0.5], (23, 1)), DiagonalQuadratic(curv, x_star=np.array([0.2, 0.0]))
    _, _, diverged, diverged_at = _reference_run(make(etas), problem.grad, x0, 400, 1e20)
    optimizer, x, path = make(etas), x0.copy(), [x0.copy()]  # every iterate, nothing frozen
    state = optimizer.init(x)
    with np.errstate(all="ignore"):
        for _ in range(400):
            x, state = optimizer.update(x, state, problem.grad)
            path.append(x)
    path = np.stack(path)
    checkpoints = np.array([0, 50, 130, 400])
    traj = run(make(etas), problem.grad, x0, 400, checkpoints=checkpoints, blowup=1e20, check_every=16)
    checked = np.union1d(np.arange(16, 401, 16), checkpoints[1:])
    with np.errstate(all="ignore"):
        fails = ~(np.linalg.norm(path, axis=2) <= 1e20)
    expected_at = np.array([checked[fails[checked, r]][0] if fails[checked, r].any() else -1
                            for r in range(23)])  # the first failing check
    assert 3 < traj.diverged.sum() and (expected_at[diverged] > diverged_at[diverged]).any()
    np.testing.assert_array_equal(traj.diverged_at, expected_at)
    for r in np.flatnonzero(traj.diverged):
        before = np.append(0, checked)[np.append(0, checked) < traj.diverged_at[r]][-1]
        np.testing.assert_array_equal(traj.x_final[r], path[before, r])
    marked = traj.diverged & (checkpoints[:, None] >= traj.diverged_at)
    observed = np.where(marked[..., None], np.inf, path[checkpoints])
    np.testing.assert_array_equal(traj.observations, observed)
    with pytest.raises(ValueError, match="check_every"):
        run(make(etas), problem.grad, x0, 4, check_every=0)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(OSCILLATING), st.lists(st.floats(0.01, 2.5), min_size=1, max_size=5),
       st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_in_place_step_is_bit_identical_to_the_pure_update(make, etas, steps, seed):
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((len(etas), 3))
    problem = DiagonalQuadratic(rng.uniform(0.1, 1.0, 3), x_star=rng.standard_normal(3))
    optimizer = make(np.array(etas)[:, None])
    assert optimizer.step is not None
    in_place = run(optimizer, problem.grad, x0, steps)
    pure = run(_pure(optimizer), problem.grad, x0, steps)
    np.testing.assert_array_equal(in_place.observations, pure.observations)


@pytest.mark.parametrize("make", OSCILLATING)
@pytest.mark.parametrize("x_star", [0.0, np.array([0.3, -1.0, 2.0])])
def test_a_gradient_written_into_the_step_buffer_gives_the_same_iterates(make, x_star):
    """DiagonalQuadratic.grad takes out=, so the in-place steps get it written into their buffer."""
    rng = np.random.default_rng(7)
    x0 = rng.standard_normal((4, 3))
    problem = DiagonalQuadratic(rng.uniform(0.1, 1.0, 3), x_star=x_star)
    buffer = np.empty_like(x0)
    assert _gradient(problem.grad)(x0, buffer) is buffer  # filled, not allocated
    np.testing.assert_array_equal(buffer, problem.grad(x0))
    optimizer = make(np.array([0.3, 1.0, 1.9, 2.2])[:, None])
    filled = run(optimizer, problem.grad, x0, 25)
    fresh = run(optimizer, lambda x: problem.grad(x), x0, 25)  # no out=: a new array every step
    np.testing.assert_array_equal(filled.observations, fresh.observations)
    np.testing.assert_array_equal(filled.x_final, fresh.x_final)


def test_an_observer_returning_a_view_is_not_overwritten():
    problem = DiagonalQuadratic(np.array([0.5]))
    traj = run(gradient_descent(0.5), problem.grad, np.ones((2, 1)), 6, observe=lambda x: x[:, 0])
    np.testing.assert_array_equal(traj.observations[:, 0], 0.75 ** np.arange(7))


def test_log_checkpoints_cover_both_ends():
    grid = log_checkpoints(1000, 30)
    assert grid[0] == 0 and grid[-1] == 1000 and np.all(np.diff(grid) > 0)


def test_bisection_finds_a_known_threshold():
    thresholds = np.array([0.3, 1.7, 5.0])
    lo, hi = bisect_threshold(lambda v: v > thresholds, np.zeros(3), np.full(3, 10.0), 60)
    np.testing.assert_allclose(0.5 * (lo + hi), thresholds, rtol=1e-14)


def test_bisection_refuses_a_bad_bracket():
    with pytest.raises(ValueError):
        bisect_threshold(lambda v: v > 1.0, np.array([2.0]), np.array([3.0]))


def test_linear_rate_recovers_a_geometric_sequence():
    t = np.arange(50)
    errors = np.stack([0.9**t, 3 * 0.5**t], axis=1)
    np.testing.assert_allclose(linear_rate(errors, t, 10, 40), [0.9, 0.5], rtol=1e-12)


def test_slope_interval_covers_the_true_slope():
    rng = np.random.default_rng(1)
    x = np.linspace(0, 5, 200)
    fit = fit_slope(x, -2 * x + 0.01 * rng.standard_normal(200), alpha=1e-3)
    assert fit.lower < -2 < fit.upper and fit.upper - fit.lower < 0.01


def test_rotated_quadratic_has_the_requested_spectrum():
    rng = np.random.default_rng(0)
    spectra = np.array([[1.0, 2.0, 10.0], [0.5, 0.6, 0.7]])
    q = rotated_quadratic(rng, spectra)
    np.testing.assert_allclose(q.eigenvalues, spectra, rtol=1e-12)
    np.testing.assert_allclose(q.A, np.swapaxes(q.A, 1, 2))


def test_every_step_sees_each_step_after_divergence_is_marked_and_can_end_the_run():
    """x ← x − 3x = −2x: run 0 (x₀ = 1) passes the blow-up norm 100 at step 7; run 1 (x₀ = 0) never moves."""
    seen = []

    def watch(t, x, state, diverged):
        seen.append((t, x[:, 0].copy(), diverged.copy()))
        return t == 9  # end the run after step 9

    traj = run(gradient_descent(3.0), lambda x: x, np.array([[1.0], [0.0]]), 20, checkpoints=np.array([0, 5, 9, 12]),
               blowup=100.0, every_step=watch)
    assert [t for t, _, _ in seen] == list(range(10))
    assert seen[6][1][0] == 64.0 and not seen[6][2][0]  # x_6 = 64 < 100
    assert seen[7][1][0] == 0.0 and seen[7][2].tolist() == [True, False]  # step 7 (−128): marked, row zeroed
    assert traj.checkpoints.tolist() == [0, 5, 9] and traj.observations.shape == (3, 2, 1)
    assert traj.diverged_at.tolist() == [7, -1] and traj.x_final[0, 0] == 64.0


def test_without_a_blowup_norm_nothing_is_marked_or_zeroed():
    traj = run(gradient_descent(3.0), lambda x: x, np.ones((1, 1)), 2000, checkpoints=np.array([2000]), blowup=None)
    assert not traj.diverged.any() and np.isnan(traj.x_final).all()  # (−2)^t overflows to ±inf, then inf − inf


def test_an_optimizer_that_asks_for_a_gradient_it_was_not_given_fails_loudly():
    with pytest.raises(TypeError, match="grad=None"):
        run(gradient_descent(0.1), None, np.ones((1, 1)), 3)
