"""Tests for theory/noise_scale.py and empirics/noise_scale.py (claim sgd.noise-scale)."""

import numpy as np
import pytest
import sympy as sp

from empirics.noise_scale import crossing_times, mccandlish_interpolation, steps_interval, tune_steps
from theory.noise_scale import (
    B,
    B_noise,
    h,
    h_max,
    noise_scale_constants,
    noise_scale_law,
    optimal_step,
    optimal_steps_law,
    optimal_u_large_r,
    r,
    steps_at_step_size,
)

R = sp.Integer(4)


def _law():
    return sp.lambdify((B, B_noise, h_max), optimal_steps_law(R), "numpy")


def _steps_numpy(hs, batch, noise, ratio=4.0):
    u = hs * noise / (batch * (2 - hs))
    with np.errstate(all="ignore"):
        value = np.log((ratio - u) / (1 - u)) / (-2 * np.log(1 - hs))
    return np.where(u < 1, value, np.inf)


def test_derivation_result_at_the_optimal_step_is_the_optimal_law():
    """The compared result is S at the tuned step; at the optimal step it is the tuned law S*(B)."""
    derived = noise_scale_law(R).result
    for b in (1.0, 7.0, 20.0, 50.0, 900.0):
        point = {B: b, B_noise: 576, h_max: sp.Rational(1, 20)}
        best = sp.N(optimal_step(R).subs(point), 30)
        assert float(derived.subs({**point, h: best})) == pytest.approx(
            float(optimal_steps_law(R).subs(point)), rel=1e-12)


@pytest.mark.parametrize("cap", [0.02, 0.05, 0.1])
def test_law_is_the_minimum_over_steps(cap):
    """S*(B) against a brute-force minimisation of the exact S(h, B) over h ≤ h_max."""
    law = _law()
    fine = np.geomspace(1e-6, cap, 300_000)
    for batch in np.geomspace(1, 4096, 25):
        brute = _steps_numpy(fine, batch, 576.0).min()
        with np.errstate(all="ignore"):
            assert law(batch, 576.0, cap) == pytest.approx(brute, rel=5e-5)


def test_grid_excess_bound_quoted_in_the_claim():
    """6 grid points per octave below h_max = 0.05 cost at most 0.51 % over the continuous optimum."""
    grid = 0.05 * 2.0 ** (-np.arange(37)[::-1] / 6)
    fine = np.geomspace(1e-6, 0.05, 300_000)
    worst = max(_steps_numpy(grid, b, 576.0).min() / _steps_numpy(fine, b, 576.0).min() - 1
                for b in np.geomspace(1, 4096, 200))
    assert 0 <= worst <= 0.0052


def test_u_star_solves_its_condition_and_asymptotes():
    _, u_star = optimal_u_large_r(R)
    w = 1 / (1 - u_star)
    assert float(w - sp.log(w) - 1 - sp.log(R)) == pytest.approx(0, abs=1e-14)
    consts = noise_scale_constants(R)
    cap = sp.Rational(1, 20)
    law = optimal_steps_law(R).subs(h_max, cap)
    s_min = float(consts["S_min"].subs(h_max, cap))
    assert float(law.subs({B: 10**9, B_noise: 576})) == pytest.approx(s_min, rel=1e-6)
    small = float((law * B).subs({B: sp.Rational(1, 10**6), B_noise: 576}))
    assert small == pytest.approx(s_min * float(consts["B_crit"].subs({h_max: cap, B_noise: 576})), rel=1e-6)
    assert float(consts["B_crit"].subs({h_max: cap, B_noise: 1})) == pytest.approx(0.0632, abs=1e-4)


def test_optimal_step_is_capped_and_linear_at_small_batch():
    step = sp.lambdify((B, B_noise, h_max), optimal_step(R), "numpy")
    assert step(1e6, 576.0, 0.05) == pytest.approx(0.05)
    assert step(0.02, 576.0, 0.05) / step(0.01, 576.0, 0.05) == pytest.approx(2.0, rel=1e-4)


def test_noiseless_crossing_is_exact():
    """σ = 0: m_t = (1 − h)^(2t) θ₀² is log-linear, so the interpolated crossing equals the formula."""
    hs = np.array([0.01, 0.05, 0.2])
    crossing, _ = crossing_times(np.random.default_rng(0), 1.0, 0.0, 1.0, 0.25, np.ones(3), hs, 2, 3, 10_000)
    expected = np.log(4.0) / (-2 * np.log(1 - hs))
    np.testing.assert_allclose(crossing, np.broadcast_to(expected, (2, 3)), rtol=1e-12)
    formula = sp.lambdify((h, B, B_noise), steps_at_step_size().subs(r, 4), "numpy")
    np.testing.assert_allclose(formula(hs, 1.0, 0.0), expected, rtol=1e-12)


def test_common_noise_replays_equivalent_configurations():
    """(σ, B) and (2σ, 4B) have the same batch noise: identical under common noise, independent otherwise."""
    args = (1.0, np.array([4.0, 8.0]), 1.0, 0.25, np.array([2.0, 8.0]), np.array([0.05, 0.05]), 3, 200, 5000)
    shared, _ = crossing_times(np.random.default_rng(1), *args)
    np.testing.assert_array_equal(shared[:, 0], shared[:, 1])
    own, _ = crossing_times(np.random.default_rng(1), *args, common_noise=False)
    assert np.all(np.isfinite(own)) and not np.array_equal(own[:, 0], own[:, 1])


def test_unreachable_target_is_infinite_and_racing_drops_slow_steps():
    # u = hB_noise/(B(2 − h)) ≥ 1: the floor is above the target, which is never reached in expectation.
    crossing, _ = crossing_times(np.random.default_rng(2), 1.0, 12.0, 1.0, 0.25, np.array([1.0]), np.array([0.2]),
                                 2, 4000, 300)
    assert np.all(np.isinf(crossing))
    raced, steps = crossing_times(np.random.default_rng(3), 1.0, 0.0, 1.0, 0.25, np.ones(2),
                                  np.array([0.1, 0.001]), 1, 2, 10_000, race_key=[0, 0], race=2.0)
    assert np.isfinite(raced[0, 0]) and np.isinf(raced[0, 1]) and steps < 100


def test_tuning_without_noise_picks_the_largest_step():
    tuning = tune_steps(np.random.default_rng(4), 1.0, 0.0, 1.0, 0.25, [8.0, 64.0], [0.01, 0.02, 0.05], 1, 2, 5000)
    np.testing.assert_array_equal(tuning.step, [0.05, 0.05])
    assert tuning.mean_steps.shape == (2, 3) and tuning.at_grid_edge.all()


def test_tuned_noisy_steps_match_the_law():
    """A small end-to-end check: tuned S(B) at σ = 12 lies within its interval of S*(B)."""
    rng = np.random.default_rng(5)
    batches = np.array([4.0, 64.0])
    grid = 0.05 * 2.0 ** (-np.arange(31)[::-1] / 6)
    tuning = tune_steps(rng, 1.0, 12.0, 1.0, 0.25, batches, grid, 1, 2000, 2000)
    crossing, _ = crossing_times(rng, 1.0, 12.0, 1.0, 0.25, batches, tuning.step, 24, 1000, 2000,
                                 common_noise=False)
    interval = steps_interval(crossing, 1e-4)
    with np.errstate(all="ignore"):
        theory = _law()(batches, 576.0, 0.05)
    assert np.all(interval.contains(theory)) and interval.level == 1e-4


def test_mccandlish_interpolation():
    np.testing.assert_allclose(mccandlish_interpolation([1.0, 10.0], 2.0, 10.0), [22.0, 4.0])


def test_law_switches_to_the_capped_step_exactly_where_the_optimal_step_reaches_the_cap():
    """The Piecewise of S*(B) changes branch where h*(B) = h_max, and its two branches meet there."""
    _, u_star = optimal_u_large_r(R)
    (kink,) = sp.solve(sp.Eq(2 * u_star * B / (B_noise + u_star * B), h_max), B)
    (capped, at_cap), (free, _) = optimal_steps_law(R).args
    point = {B_noise: 576, h_max: sp.Rational(1, 20)}
    assert at_cap.lhs == B and float(at_cap.rhs.subs(point)) == pytest.approx(float(kink.subs(point)), rel=1e-12)
    assert float(capped.subs(B, kink).subs(point)) == pytest.approx(float(free.subs(B, kink).subs(point)), rel=1e-12)
