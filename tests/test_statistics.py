"""Intervals of empirics/statistics.py: levels, coverage, Bonferroni, exponent fits across seeds."""

import numpy as np
import pytest

from empirics.statistics import (
    CATALOGUE_CLAIMS,
    CLAIM_ALPHA,
    FAMILY_WISE_BUDGET,
    bootstrap_interval,
    mean_interval,
    normal_interval,
    per_point,
    slope_across_seeds,
    variance_interval,
)


def test_alpha_budget():
    assert CATALOGUE_CLAIMS * CLAIM_ALPHA <= FAMILY_WISE_BUDGET
    assert per_point(1e-4, 10) == pytest.approx(1e-5)
    with pytest.raises(ValueError):
        per_point(1.5, 1)


def test_mean_and_normal_intervals_cover_at_their_level():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 1.0, size=(50, 4000))  # 4000 experiments of 50 samples
    ci = mean_interval(x, 0.05, axis=0)
    assert 0.93 < np.mean(ci.contains(2.0)) < 0.97
    wider = mean_interval(x, 0.05, axis=0, points=10)
    assert np.all(wider.half_width > ci.half_width)
    nci = normal_interval(np.zeros(3), np.ones(3), 0.05)
    np.testing.assert_allclose(nci.upper, 1.959964, rtol=1e-5)
    assert nci.level == 0.05


def test_chi_square_interval_is_exact_for_gaussians():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 3.0, size=(30, 4000))
    known = variance_interval(x, 0.1, axis=0, known_mean=0.0)
    unknown = variance_interval(x, 0.1, axis=0)
    assert 0.87 < np.mean(known.contains(9.0)) < 0.93
    assert 0.87 < np.mean(unknown.contains(9.0)) < 0.93
    assert known.resolved(9.0, 1.0).all()


def test_bootstrap_interval_of_a_median():
    rng = np.random.default_rng(2)
    x = rng.exponential(1.0, size=400)
    ci = bootstrap_interval(x, lambda s: np.median(s, axis=1), 0.05, rng, resamples=2000)
    assert ci.lower < np.log(2) < ci.upper
    with pytest.raises(ValueError):
        bootstrap_interval(x, lambda s: np.median(s, axis=1), 1e-4, rng, resamples=100)


def test_slope_across_seeds_recovers_exponent_with_correction():
    rng = np.random.default_rng(3)
    eta = np.geomspace(0.01, 0.2, 6)
    truth = 2 * np.log(eta) + np.log1p(3 * eta)  # power law with an O(η) correction
    y = truth[None, :] + 0.01 * rng.standard_normal((20, 6))
    plain = slope_across_seeds(np.log(eta), y, 0.01)
    corrected = slope_across_seeds(np.log(eta), y, 0.01, correction=np.stack([eta, eta**2]))
    assert not plain.lower <= 2 <= plain.upper
    assert corrected.lower <= 2 <= corrected.upper
    assert corrected.seeds == 20 and corrected.level == 0.01


def test_two_stage_sample_size_reaches_the_half_width_it_was_sized_for():
    """A pilot's cv sizes the main sample; the fresh sample's interval then meets the target (and the
    size is clipped to [minimum, maximum])."""
    from empirics.statistics import draws_for_half_width

    rng = np.random.default_rng(5)
    for mean, sd in [(1.0, 0.5), (0.2, 1.0), (3.0, 9.0)]:
        pilot = rng.normal(mean, sd, 4000)
        cv = pilot.std(ddof=1) / abs(mean)  # the mean is known exactly in sgd.unbiased (‖∇L‖); the sd is not
        m = draws_for_half_width(cv, 0.035, 1e-4, points=6, minimum=2000)
        ci = mean_interval(rng.normal(mean, sd, m), 1e-4, points=6)
        assert ci.half_width / abs(mean) <= 0.035 * 1.05
        assert ci.half_width / abs(mean) >= 0.035 * 0.9, "sized far above what was needed"
    assert draws_for_half_width(10.0, 0.01, 1e-4, minimum=100, maximum=5000) == 5000
    assert draws_for_half_width(1e-6, 0.01, 1e-4, minimum=100) == 100
