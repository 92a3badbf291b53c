"""The six comparison kinds decide as documented, including INCONCLUSIVE, on hand-made data."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convergence.comparisons import Exact, Exponent, Lower, Stochastic, Tight, Upper
from convergence.errors import ClaimDefinitionError
from convergence.measurement import Measurement
from convergence.verdicts import Verdict


def m(values, **kw):
    return Measurement(values=np.asarray(values, dtype=float), **kw)


@pytest.mark.parametrize("cls", [Exact, Tight, Upper, Lower])
def test_elementwise_kinds_refuse_missing_tolerance(cls):
    with pytest.raises(ClaimDefinitionError, match="tolerance"):
        cls()


@pytest.mark.parametrize("kw", [{"alpha": 0.01}, {"alternative": -1.0}])
def test_exponent_needs_alpha_and_alternative(kw):
    with pytest.raises(ClaimDefinitionError, match="tolerance"):
        Exponent(**kw)


def test_stochastic_needs_resolution():
    with pytest.raises(ClaimDefinitionError, match="resolution"):
        Stochastic(alpha=1e-3)


def test_tight_confirms_within_and_refutes_outside():
    assert Tight(rtol=1e-6).judge([1.0, 2.0], m([1.0 + 5e-7, 2.0])).verdict is Verdict.CONFIRMED
    assert Tight(rtol=1e-6).judge([1.0, 2.0], m([1.0 + 2e-6, 2.0])).verdict is Verdict.REFUTED


def test_non_finite_measurement_never_passes():
    # Neither a pass nor evidence against the theory: INCONCLUSIVE (module docstring).
    assert Tight(rtol=1.0).judge([1.0], m([np.nan])).verdict is Verdict.INCONCLUSIVE
    assert Upper(rtol=0.0).judge([1.0], m([np.inf])).verdict is Verdict.INCONCLUSIVE


def test_upper_and_lower_report_slack():
    out = Upper(rtol=0.0).judge([1.0, 1.0], m([0.5, 0.9]))
    assert out.verdict is Verdict.CONFIRMED and out.margin == pytest.approx(0.1)
    assert Upper(rtol=0.0).judge([1.0], m([1.1])).verdict is Verdict.REFUTED
    assert Lower(rtol=0.0).judge([1.0], m([1.1])).verdict is Verdict.CONFIRMED
    assert Lower(rtol=0.0).judge([1.0], m([0.9])).verdict is Verdict.REFUTED


def test_exponent_three_outcomes():
    cmp = Exponent(alpha=0.01, alternative=-1.0)
    narrow = m(-2.0, interval=(-2.1, -1.9), level=0.01)
    wide = m(-1.5, interval=(-2.1, -0.9), level=0.01)
    assert cmp.judge(-2.0, narrow).verdict is Verdict.CONFIRMED
    assert cmp.judge(-2.0, wide).verdict is Verdict.INCONCLUSIVE
    assert cmp.judge(-1.0, narrow).verdict is Verdict.REFUTED


def test_interval_built_at_a_weaker_level_is_refused():
    with pytest.raises(ValueError, match="weaker"):
        Exponent(alpha=1e-4, alternative=-1.0).judge(-2.0, m(-2.0, interval=(-2.1, -1.9), level=0.05))


def test_stochastic_inconclusive_when_too_wide():
    cmp = Stochastic(alpha=1e-3, resolution=0.05)
    precise = m([1.0], stderr=[0.001])
    vague = m([1.0], stderr=[0.2])
    assert cmp.judge([1.0], precise).verdict is Verdict.CONFIRMED
    assert cmp.judge([1.0], vague).verdict is Verdict.INCONCLUSIVE
    assert cmp.judge([1.5], precise).verdict is Verdict.REFUTED


def test_stochastic_bonferroni_widens_with_points():
    one = Stochastic(alpha=0.01, resolution=10).judge([1.0], m([1.0], stderr=[0.1]))
    many = Stochastic(alpha=0.01, resolution=10).judge(np.ones(100), m(np.ones(100), stderr=np.full(100, 0.1)))
    assert many.margin > one.margin


@given(st.floats(1e-300, 1e300), st.floats(1e-12, 1e-3))
def test_tight_is_scale_invariant(value, rtol):
    inside = value * (1 + rtol / 2)
    assert Tight(rtol=rtol).judge(value, m(inside)).verdict is Verdict.CONFIRMED


def test_zero_theory_is_judged_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Tight(rtol=1e-9).judge([0.0], m([1.0])).verdict is Verdict.REFUTED
        assert Tight(rtol=1e-9, atol=1e-12).judge([0.0], m([0.0])).verdict is Verdict.CONFIRMED


# --- non-finite data is never evidence -------------------------------------------------------------

def _every_kind():
    """One comparison per kind with a measurement it judges CONFIRMED, and the theory."""
    return [
        (Exact(rtol=1e-12), dict(values=[1.0, 2.0]), [1.0, 2.0]),
        (Tight(rtol=0.01), dict(values=[1.0, 2.0]), [1.0, 2.0]),
        (Upper(rtol=0.0), dict(values=[0.5, 1.0]), [1.0, 2.0]),
        (Lower(rtol=0.0), dict(values=[1.5, 3.0]), [1.0, 2.0]),
        (Upper(rtol=0.0, alpha=0.01), dict(values=[0.9, 1.9], stderr=[0.01, 0.01], samples=30), [1.0, 2.0]),
        (Lower(rtol=0.0, alpha=0.01), dict(values=[1.1, 2.1], stderr=[0.01, 0.01], samples=30), [1.0, 2.0]),
        (Exponent(alpha=0.01, alternative=-1.0), dict(values=[-2.0], interval=([-2.1], [-1.9]), level=0.01), -2.0),
        (Stochastic(alpha=0.01, resolution=0.1), dict(values=[1.0, 2.0], stderr=[0.001, 0.001]), [1.0, 2.0]),
    ]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("case", range(8), ids=lambda i: _every_kind()[i][0].kind + str(i))
def test_non_finite_data_refutes_nothing(case, bad):
    """NaN/inf in values, stderr, interval or theory: INCONCLUSIVE for the theory and every perturbation."""
    cmp, fields, theory = _every_kind()[case]
    assert cmp.judge(theory, m(**fields)).verdict is Verdict.CONFIRMED  # the clean case passes
    variants = []
    for key in ("values", "stderr"):
        if key in fields:
            broken = np.array(fields[key], dtype=float)
            broken.flat[0] = bad
            variants.append({**fields, key: broken})
    if "interval" in fields:
        lo, hi = (np.array(v, dtype=float) for v in fields["interval"])
        lo[0] = bad
        variants.append({**fields, "interval": (lo, hi)})
    broken_theory = np.array(theory, dtype=float, ndmin=1)
    broken_theory[0] = bad
    for factor in (1.0, 0.5, 2.0, 10.0):  # the theory and mutants far from it alike
        for variant in variants:
            assert cmp.judge(np.asarray(theory) * factor, m(**variant)).verdict is Verdict.INCONCLUSIVE
        assert cmp.judge(broken_theory * factor, m(**fields)).verdict is Verdict.INCONCLUSIVE


# --- bounds on an expectation (one-sided intervals) -------------------------------------------------

def test_statistical_upper_refutes_only_when_the_lower_limit_exceeds_the_bound():
    from scipy import stats

    cmp = Upper(rtol=0.0, alpha=0.01)
    mean, sem, runs = np.array([1.0, 2.0]), np.array([0.1, 0.1]), 20
    q = stats.t.ppf(1 - 0.01 / 2, runs - 1)
    lcl = mean - q * sem
    meas = m(mean, stderr=sem, samples=runs)
    assert cmp.judge(mean, meas).verdict is Verdict.CONFIRMED  # bound attained by the mean: consistent
    assert cmp.judge(mean * 0.999, meas).verdict is Verdict.CONFIRMED  # below the mean, inside the interval
    assert cmp.judge([lcl[0] * 1.0001, 5.0], meas).verdict is Verdict.CONFIRMED
    assert cmp.judge([lcl[0] * 0.9999, 5.0], meas).verdict is Verdict.REFUTED  # excluded by the interval
    out = cmp.judge([2.0, 5.0], meas)
    assert out.margin == pytest.approx((2.0 - lcl[0]) / 2.0)


def test_statistical_lower_mirrors_upper():
    from scipy import stats

    cmp = Lower(rtol=0.0, alpha=0.01)
    meas = m([1.0], stderr=[0.1], samples=10)
    ucl = 1.0 + stats.t.ppf(1 - 0.01, 9) * 0.1
    assert cmp.judge([ucl * 0.9999], meas).verdict is Verdict.CONFIRMED
    assert cmp.judge([ucl * 1.0001], meas).verdict is Verdict.REFUTED


def test_statistical_bound_uses_normal_quantile_without_samples_and_bonferroni():
    one = Upper(rtol=0.0, alpha=0.01).judge([0.0], m([1.0], stderr=[0.1]))
    many = Upper(rtol=0.0, alpha=0.01).judge(np.zeros(100), m(np.ones(100), stderr=np.full(100, 0.1)))
    assert one.details["confidence_limit"][0] == pytest.approx(1.0 - 0.1 * 2.3263478740408408)
    assert many.details["confidence_limit"][0] < one.details["confidence_limit"][0]


def test_statistical_bound_needs_uncertainty_and_a_strong_enough_interval():
    with pytest.raises(ValueError, match="stderr"):
        Upper(rtol=0.0, alpha=0.01).judge([1.0], m([0.5]))
    with pytest.raises(ValueError, match="weaker"):
        Upper(rtol=0.0, alpha=1e-4).judge([1.0], m([0.5], interval=([0.4], [0.6]), level=0.05))
    out = Upper(rtol=0.0, alpha=1e-4).judge([0.45], m([0.5], interval=([0.46], [0.6]), level=1e-4))
    assert out.verdict is Verdict.REFUTED


@pytest.mark.parametrize("kw", [{"alpha": 0.0}, {"alpha": 1.5}, {"loose": ""}, {"loose": 3}])
def test_bound_options_are_validated(kw):
    with pytest.raises(ClaimDefinitionError, match="tolerance"):
        Upper(rtol=0.0, **kw)


def test_bound_tolerance_lists_level_and_loose():
    assert Upper(rtol=0.0).tolerance() == {"rtol": 0.0, "atol": 0.0}
    assert Lower(rtol=0.1, alpha=1e-4, loose="x.tight").tolerance() == {
        "rtol": 0.1, "atol": 0.0, "alpha": 1e-4, "loose": "x.tight"}


def test_stochastic_interval_from_stderr_uses_student_t_when_samples_are_given():
    from scipy import stats

    cmp = Stochastic(alpha=0.01, resolution=10)
    with_samples = cmp.judge([1.0], m([1.0], stderr=[0.1], samples=5))
    without = cmp.judge([1.0], m([1.0], stderr=[0.1]))
    assert with_samples.details["upper"][0] == pytest.approx(1.0 + 0.1 * stats.t.ppf(1 - 0.005, 4))
    assert without.details["upper"][0] == pytest.approx(1.0 + 0.1 * 2.5758293035489004)
