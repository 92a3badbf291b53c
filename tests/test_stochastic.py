"""Sampling schemes, oracles, clipping and the batched SGD loop of empirics/stochastic.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empirics.engine import run
from empirics.optimizers import heavy_ball
from empirics.problems import synthetic_ridge
from empirics.schedules import inverse_time
from empirics.stochastic import (
    ExactGradientOracle,
    FiniteSumOracle,
    GaussianNoiseOracle,
    Sampler,
    SharedSampler,
    clip_by_norm,
    run_sgd,
    sgd_method,
    sgd_step_at,
)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 12), batch=st.integers(1, 12), seed=st.integers(0, 1000))
def test_epoch_schemes_visit_every_index_once_per_epoch(n, batch, seed):
    batch = min(batch, n)
    while n % batch:
        batch -= 1
    rng = np.random.default_rng(seed)
    for scheme in ("reshuffle", "cyclic"):
        sampler = Sampler(scheme, n, batch)
        state = sampler.init(rng, 3)
        epochs = []
        for _ in range(2):
            drawn = []
            for _ in range(sampler.steps_per_epoch):
                idx, state = sampler.draw(state, rng, 3)
                drawn.append(idx)
            epochs.append(np.concatenate(drawn, axis=1))
        for e in epochs:
            assert np.all(np.sort(e, axis=1) == np.arange(n))
        if scheme == "cyclic":
            assert np.array_equal(epochs[0], epochs[1])


def test_without_replacement_batches_are_distinct_and_shared_sampler_repeats():
    rng = np.random.default_rng(0)
    idx, _ = Sampler("without_replacement", 10, 7).draw(None, rng, 50)
    assert all(len(set(row)) == 7 for row in idx)
    shared = SharedSampler(Sampler("with_replacement", 10, 2), copies=3)
    idx, _ = shared.draw(shared.init(rng, 12), rng, 12)
    assert idx.shape == (12, 2) and np.array_equal(idx[0], idx[2]) and np.array_equal(idx[3], idx[5])
    with pytest.raises(ValueError):
        Sampler("reshuffle", 10, 3)


def test_full_batch_oracle_equals_full_gradient_and_costs_are_counted():
    rng = np.random.default_rng(1)
    problem = synthetic_ridge(rng, 8, 3, kappa=4.0)
    oracle = FiniteSumOracle(problem, Sampler("cyclic", 8, 8, fixed_order="identity"))
    x = rng.standard_normal((4, 3))
    g, _ = oracle(x, oracle.init(rng, 4), rng)
    np.testing.assert_allclose(g, problem.grad(x), rtol=1e-12, atol=1e-12)
    traj = run_sgd(FiniteSumOracle(problem, Sampler("with_replacement", 8, 2)), x, 10, rng, 0.01,
                   checkpoints=np.array([0, 5, 10]))
    np.testing.assert_array_equal(traj.cost[:, 0], [0, 10, 20])


@settings(max_examples=30, deadline=None)
@given(c=st.floats(1e-3, 10.0), scale=st.floats(1e-3, 1e3))
def test_clipping_bounds_the_norm(c, scale):
    g = np.random.default_rng(0).standard_normal((20, 4)) * scale
    clipped = clip_by_norm(g, c)
    norms = np.linalg.norm(clipped, axis=1)
    assert np.all(norms <= c * (1 + 1e-12))
    np.testing.assert_allclose(norms, np.minimum(np.linalg.norm(g, axis=1), c), rtol=1e-12)


def test_noise_free_sgd_with_momentum_equals_the_engine_heavy_ball():
    rng = np.random.default_rng(2)
    A = np.diag([1.0, 3.0])
    x0 = rng.standard_normal((5, 2))
    ours = run_sgd(ExactGradientOracle(lambda x: x @ A), x0, 30, rng, 0.1, momentum=0.8)
    engine = run(heavy_ball(0.1, 0.8, "sum"), lambda x: x @ A, x0, 30)
    np.testing.assert_allclose(ours.x_final, engine.x_final, rtol=1e-13)


def test_gaussian_noise_variance_schedule_and_divergence():
    rng = np.random.default_rng(3)
    oracle = GaussianNoiseOracle(lambda x: np.zeros_like(x), 2.0, batch=4)
    g, _ = oracle(np.zeros((20000, 1)), None, rng)
    assert abs(g.var() - 1.0) < 0.05  # 2²/4
    traj = run_sgd(ExactGradientOracle(lambda x: x), np.ones((1, 1)), 3, rng, inverse_time(1.0))
    np.testing.assert_allclose(traj.x_final, 0.0)  # first step η = 1 lands on the minimum
    blow = run_sgd(ExactGradientOracle(lambda x: x), np.ones((2, 1)), 2000, rng, np.array([[3.0], [0.5]]))
    assert blow.diverged.tolist() == [True, False] and np.isinf(blow.observations[-1, 0]).all()
    avg = run_sgd(ExactGradientOracle(lambda x: np.zeros_like(x)), np.ones((1, 1)), 4, rng, 0.1, average=True)
    np.testing.assert_allclose(avg.x_average, 1.0)


def test_a_diverged_runs_average_and_final_point_stop_before_divergence():
    """x ← x − η·x with η = 3: x_t = (−2)^t, beyond 100 in norm at t = 7; the other run stays finite."""
    rng = np.random.default_rng(0)
    traj = run_sgd(ExactGradientOracle(lambda x: x), np.ones((2, 1)), 12, rng, np.array([[3.0], [0.5]]),
                   average=True, blowup=100.0)
    iterates = (-2.0) ** np.arange(1, 7)  # x_1 … x_6, the last ones before divergence
    assert traj.diverged_at.tolist() == [7, -1]
    np.testing.assert_array_equal(traj.x_final[0], [iterates[-1]])
    np.testing.assert_allclose(traj.x_average[0], [iterates.mean()], rtol=1e-15)
    np.testing.assert_allclose(traj.x_average[1], [np.mean(0.5 ** np.arange(1, 13))], rtol=1e-14)


def test_sgd_method_is_an_engine_optimizer_counting_updates_from_one():
    """The schedule sgd_method is given sees t = 1, 2, …; run_sgd hands it an empirics schedule as η(t − 1)."""
    seen = []

    def eta(t):
        seen.append(int(t))
        return 0.1

    rng = np.random.default_rng(0)
    x0 = np.ones((3, 2))
    method = sgd_method(ExactGradientOracle(lambda x: 2 * x), rng, eta)
    traj = run(method, None, x0, 4)  # the oracle is the only source of gradients
    assert seen == [1, 2, 3, 4] and traj.state[2] == 4
    np.testing.assert_allclose(traj.x_final, 0.8**4)
    seen.clear()
    run_sgd(ExactGradientOracle(lambda x: 2 * x), x0, 3, rng, lambda t: eta(t + 1))
    assert seen == [1, 2, 3]


def test_a_step_at_prescribed_draws_is_the_engines_step_at_those_draws():
    """A model's noisy step (sgd_step_at) reproduces the run's first step when given the run's own draws."""
    runs, sigma, eta = 5, 0.7, 0.3
    oracle = GaussianNoiseOracle(lambda x: 2.0 * x, sigma)
    x0 = np.linspace(-1.0, 1.0, runs)[:, None]
    draws = np.random.default_rng(3).standard_normal((runs, 1))
    ran = run_sgd(oracle, x0, 1, np.random.default_rng(3), eta).x_final
    stepped = sgd_step_at(oracle, eta, x0, draws[:, 0])
    np.testing.assert_array_equal(stepped, ran)
    np.testing.assert_allclose(stepped, x0 - eta * (2.0 * x0 + sigma * draws))
