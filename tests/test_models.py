"""A claim's Model ties a typeset definition to the experiment's code for it: checked when the claim loads."""

import numpy as np
import pytest
import sympy as sp

from convergence.models import MODEL_POINTS, Model, mismatch
from theory.derivation import DerivationBuilder

x, y = sp.symbols("x y", real=True)
a, gamma = sp.symbols("a gamma", positive=True)


def _saddle_derivation():
    d = DerivationBuilder()
    f = d.definition("Saddle", sp.Eq(sp.Symbol("f"), a * x**2 / 2 - gamma * y**2 / 2 + y**4 / 4))
    d.computed("Gradient in y", sp.Eq(sp.Symbol("g_y"), sp.diff(f.rhs, y)), uses=[f], how="diff")
    return d.finish("a, γ > 0")


RANGES = {"x": (-3, 3), "y": (-3, 3), "a": (0.1, 5), "gamma": (0.1, 5)}


def test_the_experiments_code_for_the_typeset_model_agrees():
    def value(x, y, a, gamma):
        return 0.5 * (a * x**2 - gamma * y**2) + y**4 / 4

    assert mismatch(_saddle_derivation(), Model("Saddle", value, RANGES)) is None


@pytest.mark.parametrize("wrong", [
    lambda x, y, a, gamma: 0.5 * (a * x**2 - gamma * y**2) + y**4 / 3,  # one coefficient
    lambda x, y, a, gamma: 0.5 * (a * x**2 + gamma * y**2) + y**4 / 4,  # one sign
    lambda x, y, a, gamma: (0.5 * (a * x**2 - gamma * y**2) + y**4 / 4) * (1 + 0.02 * (x > 2.5)),  # 2 % in a corner
])
def test_code_that_differs_anywhere_in_the_ranges_is_refused_with_the_point(wrong):
    message = mismatch(_saddle_derivation(), Model("Saddle", wrong, RANGES))
    assert message.startswith("step 'Saddle' is not what the experiment computes: at a = ")
    assert f"of {MODEL_POINTS} points differ" in message


def test_a_malformed_model_is_named_in_one_line():
    derivation = _saddle_derivation()
    value = lambda x, y, a, gamma: x  # noqa: E731
    assert "does not have" in mismatch(derivation, Model("Sadle", value, RANGES))
    without_gamma = {k: v for k, v in RANGES.items() if k != "gamma"}
    assert "['gamma'] have no sampling range" in mismatch(derivation, Model("Saddle", value, without_gamma))
    assert "raised ZeroDivisionError" in mismatch(derivation, Model("Saddle", lambda **_: 1 / 0, RANGES))


def test_a_claim_with_a_wrong_model_is_refused_at_load(tmp_path, monkeypatch):
    from convergence.discovery import check_claim_theory, discover
    from convergence.errors import ClaimDefinitionError

    root = tmp_path / "modelclaims"
    (root / "toy").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "toy" / "__init__.py").write_text("")
    (root / "toy" / "claim.py").write_text('''
import numpy as np
from convergence import Claim, Measurement, Model, Mutant, Params, Source, Tight, Verdict
from theory.gd import quadratic_stability
from theory.symbols import lam

def experiment(params, rng):
    return Measurement(values=np.array([2.0]), inputs={"lam": np.array([1.0])})

CLAIM = Claim(
    id="toy.model", title="t", statement="s", source=Source("seed 004"),
    derivation=quadratic_stability, experiment=experiment,
    params=Params(symbols={"lam": "lambda"}, quick={}, full={}),
    comparison=Tight(rtol=1e-9), expected=Verdict.CONFIRMED, mutants=(Mutant("m", 1 / lam),),
    models=(Model("Objective", lambda theta, lambda_: lambda_ * theta**2 / 3,
                  ranges={"theta": (-2, 2), "lambda": (0.1, 4)}),),
)
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        (claim,) = discover(root)
        with pytest.raises(ClaimDefinitionError, match="field 'models': step 'Objective' is not what the experiment"):
            check_claim_theory(claim)
    finally:
        import sys
        for name in [n for n in sys.modules if n.startswith("modelclaims")]:
            del sys.modules[name]


def test_models_must_be_model_records():
    from convergence import Claim, Measurement, Mutant, Params, Source, Tight, Verdict
    from convergence.errors import ClaimDefinitionError
    from theory.gd import quadratic_stability

    fields = dict(id="toy.model", title="t", statement="s", source=Source("seed 004"), derivation=quadratic_stability,
                  experiment=lambda params, rng: Measurement(values=np.ones(1), inputs={}),
                  params=Params(symbols={}, quick={}, full={}), comparison=Tight(rtol=1e-9),
                  expected=Verdict.CONFIRMED, mutants=(Mutant("m", sp.Integer(1)),))
    with pytest.raises(ClaimDefinitionError, match="field 'models': must be a tuple of Model"):
        Claim(**fields, models=("Objective",))
    assert Claim(**fields, models=[]).models == ()


def test_a_recursion_in_function_values_is_checked_with_one_variable_per_value():
    t, beta = sp.Symbol("t", integer=True), sp.Symbol("beta", positive=True)
    y = sp.Function("y")
    d = DerivationBuilder()
    rec = d.definition("Recursion", sp.Eq(y(t + 1), y(t) + beta * (y(t) - y(t - 1))))
    d.computed("Trial", sp.Eq(sp.Symbol("p"), rec.rhs.subs(t, 1)), uses=[rec], how="subs")
    derivation = d.finish("0 < β")
    ranges = {"beta": (0, 1), "y(t)": (-2, 2), "y(t - 1)": (-2, 2)}
    right = Model("Recursion", lambda beta, **p: p["y(t)"] + beta * (p["y(t)"] - p["y(t - 1)"]), ranges)
    wrong = Model("Recursion", lambda beta, **p: p["y(t)"] + beta * (p["y(t)"] + p["y(t - 1)"]), ranges)
    assert mismatch(derivation, right) is None
    assert "is not what the experiment computes" in mismatch(derivation, wrong)


def test_one_equation_of_a_conjunction_is_chosen_by_its_left_side():
    m, v, g, b1, b2 = sp.symbols("m_t-1 v_t-1 g beta_1 beta_2", real=True)
    d = DerivationBuilder()
    d.definition("Moments", sp.And(sp.Eq(sp.Symbol("m_t"), b1 * m + (1 - b1) * g),
                                   sp.Eq(sp.Symbol("v_t"), b2 * v + (1 - b2) * g**2)))
    d.computed("Stationary m", sp.Eq(sp.Symbol("m"), g), uses=["Moments"], how="solve m = β₁m + (1 − β₁)g")
    derivation = d.finish("0 < β₁, β₂ < 1")
    ranges = {"m_t-1": (-1, 1), "v_t-1": (0, 1), "g": (-2, 2), "beta_1": (0, 1), "beta_2": (0, 1)}
    def second_moment(**p):
        return p["beta_2"] * p["v_t-1"] + (1 - p["beta_2"]) * p["g"] ** 2

    assert mismatch(derivation, Model("Moments", second_moment, ranges, part="v_t")) is None
    assert "is not what the experiment computes" in mismatch(derivation, Model("Moments", second_moment, ranges, "m_t"))
    unknown_part = Model("Moments", second_moment, ranges, "w_t")
    assert "has no equation for 'w_t' (it has ['m_t', 'v_t'])" in mismatch(derivation, unknown_part)


def test_an_integer_symbol_is_drawn_from_the_integers_of_its_range():
    # a loss that switches on the phase i = 1 of a period of 3: drawn as floats, Eq(i, 1) would never hold
    phase, x = sp.Symbol("i", integer=True), sp.Symbol("x", real=True)
    d = DerivationBuilder()
    d.definition("Losses", sp.Eq(sp.Function("f")(phase, x), sp.Piecewise((3 * x, sp.Eq(phase, 1)), (-x, True))))
    d.identity("A result", sp.Eq(sp.Symbol("y"), 1), equals=1)
    derivation = d.finish()
    ranges = {"i": (1, 3), "x": (-1, 1)}
    assert mismatch(derivation, Model("Losses", lambda i, x: np.where(i == 1, 3 * x, -x), ranges)) is None
    # the experiment's large loss on another phase of the period is found
    message = mismatch(derivation, Model("Losses", lambda i, x: np.where(i == 2, 3 * x, -x), ranges))
    assert message.startswith("step 'Losses' is not what the experiment computes")
