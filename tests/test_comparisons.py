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
    assert Tight(rtol=1.0).judge([1.0], m([np.nan])).verdict is Verdict.REFUTED
    assert Upper(rtol=0.0).judge([1.0], m([np.inf])).verdict is Verdict.REFUTED


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
