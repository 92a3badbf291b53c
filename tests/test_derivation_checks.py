"""Checked derivations: wrong identities and inequalities are refused, right ones pass.

Also checks that a refusal reaches the user as one line naming the claim file
and the step (exit 2, like any malformed claim).
"""

import pytest
import sympy as sp

from convergence.claim import Claim
from convergence.discovery import check_claim_theory
from convergence.errors import ClaimDefinitionError
from theory.derivation import (
    COMPUTED,
    DEFINITION,
    IDENTITY,
    INEQUALITY,
    SAMPLE_POINTS,
    DerivationBuilder,
    DerivationCheckError,
)

x = sp.Symbol("x", real=True)
a = sp.Symbol("a", positive=True)
b = sp.Symbol("beta", positive=True)


def _square_derivation(coefficient):
    d = DerivationBuilder()
    f = d.definition("Objective", sp.Eq(sp.Symbol("f"), (x + a) ** 2))
    expanded = d.computed("Expanded", sp.Eq(sp.Symbol("f"), sp.expand(f.rhs)), uses=[f], how="expand")
    d.identity("Hand form", sp.Eq(sp.Symbol("f"), x**2 + coefficient * a * x + a**2), equals=expanded)
    return d


def test_correct_identity_passes_symbolically():
    derivation = _square_derivation(2).finish("x real")
    hand = derivation.steps[-1]
    assert hand.kind == IDENTITY and hand.check.method == "symbolic"
    assert hand.uses == ("Expanded",)
    assert derivation.result == x**2 + 2 * a * x + a**2


def test_identity_with_one_coefficient_changed_is_refused_with_its_residual():
    with pytest.raises(DerivationCheckError) as info:
        _square_derivation(3)
    assert info.value.label == "Hand form"
    assert "a*x" in info.value.detail  # the residual ±a·x is reported


def test_inequality_proved_symbolically():
    d = DerivationBuilder()
    step = d.inequality("AM-GM", sp.Le(2 * a * x, a**2 + x**2))
    assert step.kind == INEQUALITY and step.check.method == "symbolic"


def test_inequality_proved_by_sampling_over_stated_ranges():
    d = DerivationBuilder()
    # 1 − β ≤ −log β on (0, 1): true, but not provable from SymPy's sign rules.
    step = d.inequality("log bound", sp.Le(1 - b, -sp.log(b)), ranges={b: (0, 1)})
    assert step.check.method == "sampled"
    assert step.check.points >= SAMPLE_POINTS
    assert step.check.worst_slack >= 0


def test_wrong_inequality_refused_by_sampling_with_a_violating_point():
    d = DerivationBuilder()
    with pytest.raises(DerivationCheckError) as info:
        # the reversed bound fails everywhere on (0, 1)
        d.inequality("log bound (wrong way)", sp.Le(-sp.log(b), 1 - b), ranges={b: (0, 1)})
    assert "violated at beta=" in info.value.detail


def test_wrong_inequality_with_a_sign_false_only_somewhere_is_found():
    d = DerivationBuilder()
    with pytest.raises(DerivationCheckError, match="violated"):
        d.inequality("wrong", sp.Le(x * sp.sin(x), x**2 / 2), ranges={x: (-10, 10)})


def test_inequality_from_given_steps_is_proved_by_adding_them():
    d = DerivationBuilder()
    u, v, w = sp.symbols("u v w", real=True)
    first = d.assumption("u ≤ v", sp.Le(u, v))
    second = d.assumption("v ≤ w", sp.Le(v, w))
    step = d.inequality("u ≤ w", sp.Le(u, w), given=[first, second])
    assert step.check.method == "symbolic" and step.uses == ("u ≤ v", "v ≤ w")
    with pytest.raises(DerivationCheckError):
        d.inequality("u ≤ w − 1", sp.Le(u, w - 1), given=[first, second], ranges={u: (-1, 1), v: (-1, 1), w: (-1, 1)})


def test_an_exact_inequality_is_the_sum_of_its_givens_and_nothing_weaker():
    """exact=True: a given typed stronger than needed (which still implies the step) is refused."""
    d = DerivationBuilder()
    u, v, w = sp.symbols("u v w", real=True)
    first = d.assumption("u ≤ v", sp.Le(u, v))
    second = d.assumption("v ≤ w", sp.Le(v, w))
    assert d.inequality("u ≤ w", sp.Le(u, w), given=[first, second], exact=True).check.method == "symbolic"
    assert d.inequality("u ≤ w + 1", sp.Le(u, w + 1), given=[first, second]).check.method == "symbolic"
    with pytest.raises(DerivationCheckError, match="exactly the weighted sum"):
        d.inequality("u ≤ w + 1 (exact)", sp.Le(u, w + 1), given=[first, second], exact=True)
    with pytest.raises(DerivationCheckError, match="exactly the weighted sum"):
        d.inequality("u ≤ u (nothing given)", sp.Le(u, u + 0 * v, evaluate=False), exact=True)


def test_computed_steps_name_earlier_steps_and_finish_names_a_step():
    d = DerivationBuilder()
    f = d.definition("f", sp.Eq(sp.Symbol("f"), a * x**2))
    with pytest.raises(DerivationCheckError, match="must name"):
        d.computed("no uses", sp.diff(f.rhs, x), uses=[], how="diff")
    other = DerivationBuilder().definition("elsewhere", x)
    with pytest.raises(DerivationCheckError, match="not an earlier step"):
        d.computed("foreign", x, uses=[other], how="subs")
    grad = d.computed("Gradient", sp.Eq(sp.Symbol("g"), sp.diff(f.rhs, x)), uses=[f], how="diff")
    d.definition("A remark", sp.Eq(sp.Symbol("c"), 1))
    with pytest.raises(DerivationCheckError, match="computed or identity"):
        d.finish("a > 0")
    derivation = d.finish("a > 0", result=grad)
    assert derivation.result == 2 * a * x and derivation.result_label == "Gradient"
    assert derivation.counts()[COMPUTED] == 1 and derivation.counts()[DEFINITION] == 2


def test_there_is_one_way_to_state_a_result_and_no_unchecked_step():
    """The old forms are gone: no ``step()`` that bypasses the kinds, no ``finish(expr)`` typing the result."""
    d = DerivationBuilder()
    grad = d.computed("Gradient", sp.Eq(sp.Symbol("g"), 2 * a * x), uses=[d.definition("f", a * x**2)], how="diff")
    assert not hasattr(d, "step")
    with pytest.raises(DerivationCheckError, match="the result is a step"):
        d.finish(3 * a * x, "a > 0")
    assert d.finish("a > 0", result=grad).result == 2 * a * x


def test_a_further_check_is_shown_with_its_step_and_refuses_when_it_fails():
    d = DerivationBuilder()
    f = d.definition("Objective", sp.Eq(sp.Symbol("f"), a * x**2))
    d.confirm("Gradient", "its value at x = 1 is 2a", True, "unused")  # the step may come later
    d.computed("Gradient", sp.Eq(sp.Symbol("g"), sp.diff(f.rhs, x)), uses=[f], how="diff")
    step = d.finish("a > 0").steps[-1]
    assert step.check.confirmed == ("its value at x = 1 is 2a",)
    assert step.check.describe() == "computed (diff of Objective); also its value at x = 1 is 2a"
    assert step.check_text() == "✓ computed (diff); also ✓ its value at x = 1 is 2a"
    with pytest.raises(DerivationCheckError, match="step 'Gradient': at x = 1 it is 3a"):
        DerivationBuilder().confirm("Gradient", "its value at x = 1 is 2a", False, "at x = 1 it is 3a")


def test_a_further_check_needs_a_checked_step_of_the_derivation():
    d = DerivationBuilder()
    f = d.definition("Objective", sp.Eq(sp.Symbol("f"), a * x**2))
    d.computed("Gradient", sp.Eq(sp.Symbol("g"), sp.diff(f.rhs, x)), uses=[f], how="diff")
    d.confirm("Gradeint", "a misspelt label", True, "unused")
    with pytest.raises(DerivationCheckError, match="not in this derivation"):
        d.finish("a > 0")
    d = DerivationBuilder()
    d.computed("Gradient", sp.Eq(sp.Symbol("g"), 2 * a * x), uses=[d.definition("Objective", a * x**2)], how="diff")
    d.confirm("Objective", "a definition cannot be checked", True, "unused")
    with pytest.raises(DerivationCheckError, match="not a definition step"):
        d.finish("a > 0")


def test_every_check_in_theory_goes_through_the_builder():
    """A check that raises on its own would refuse a wrong derivation without the report showing it."""
    from pathlib import Path

    theory = Path(__file__).resolve().parents[1] / "theory"
    # unrolling.unroll is a lemma six derivations use; its closed form is checked at every use, before any step
    raising = [f"{path.name}:{number}" for path in sorted(theory.glob("*.py"))
               if path.name not in ("derivation.py", "unrolling.py")
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if "raise DerivationCheckError" in line or "raise ArithmeticError" in line]
    assert not raising, f"checks outside the builder (use DerivationBuilder.confirm): {raising}"


def test_a_value_that_is_one_symbol_is_compared_like_any_other():
    """SymPy's Symbol is also a Boolean; it must be compared as the quantity it is, not refused as a condition."""
    from theory.derivation import prove_equal

    z1, z2, zz = sp.symbols("z_1 z_2 z")
    roots = sp.solve(zz**2 - (1 + b - a) * zz + b, zz)
    assert prove_equal(roots[0] * roots[1], b) == "expand"
    d = DerivationBuilder()
    d.identity("Product of the roots", sp.Eq(z1 * z2, b), where=dict(zip((z1, z2), roots)))
    with pytest.raises(DerivationCheckError, match="Quotient"):
        d.identity("Quotient of the roots", sp.Eq(z1 / z2, b), where=dict(zip((z1, z2), roots)))


def test_cited_step_needs_a_reference():
    with pytest.raises(DerivationCheckError, match="reference"):
        DerivationBuilder().cited("Lower bound", sp.Integer(1), reference=" ")


def test_a_failing_check_refuses_the_claim_in_one_line_naming_file_and_step():
    from claims.gd.quadratic_stability import CLAIM

    def broken():
        return _square_derivation(3).finish("x real")

    claim = Claim(**{**{f: getattr(CLAIM, f) for f in CLAIM.__dataclass_fields__ if f != "path"},
                     "derivation": broken})
    object.__setattr__(claim, "path", "claims/gd/broken.py")
    with pytest.raises(ClaimDefinitionError) as info:
        check_claim_theory(claim)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("claims/gd/broken.py: field 'derivation': step 'Hand form'")


def test_one_symbol_inequality_proved_by_solving_where_it_fails():
    d = DerivationBuilder()
    k = sp.Symbol("k", positive=True, integer=True)
    # k^(−1/2) ≤ 2(√k − √(k − 1)): the assumptions alone give no sign; the wrong-sign set over k ≥ 1 is empty.
    step = d.inequality("Below its integral", sp.Le(a / sp.sqrt(k), 2 * a * (sp.sqrt(k) - sp.sqrt(k - 1))),
                        ranges={k: (1, 10**6)})
    assert step.check.method == "symbolic" and "solveset" in step.check.detail
    with pytest.raises(DerivationCheckError):  # 3/√k is not below it at k = 1
        DerivationBuilder().inequality("Wrong", sp.Le(3 * a / sp.sqrt(k), 2 * a * (sp.sqrt(k) - sp.sqrt(k - 1))),
                                       ranges={k: (1, 10**6)})


def test_where_without_equals_checks_the_typed_left_side():
    v, eta = sp.Symbol("v"), sp.Symbol("eta", positive=True)
    stationary = eta * a / (2 - eta)
    right = DerivationBuilder().identity("Small steps", sp.Eq(sp.Limit(v / eta, eta, 0), a / 2), where={v: stationary})
    assert right.check.method == "symbolic"
    with pytest.raises(DerivationCheckError):  # v·η instead of v/η on the left
        DerivationBuilder().identity("Small steps", sp.Eq(sp.Limit(v * eta, eta, 0), a / 2), where={v: stationary})


def test_a_factor_per_step_is_the_ratio_of_consecutive_terms_of_the_solution():
    e, k, e0 = sp.Function("e"), sp.Symbol("k", integer=True, nonnegative=True), sp.Symbol("e_0")
    one_step = e0 * (1 - a) ** k  # a recursion e(k + 1) = (1 − a)e(k), solved
    assert DerivationBuilder().factor_per_step("Factor", e, k, one_step, 1 - a, uses=[], justification="").check
    with pytest.raises(DerivationCheckError):  # the factor typed wrong
        DerivationBuilder().factor_per_step("Factor", e, k, one_step, 1 + a, uses=[], justification="")
    with pytest.raises(DerivationCheckError):  # a solution two steps apart per index: (1 − a)² per step
        DerivationBuilder().factor_per_step("Factor", e, k, e0 * (1 - a) ** (2 * k), 1 - a, uses=[], justification="")


def test_identity_at_instances_compares_evaluated_sums():
    n, j = sp.Symbol("n", integer=True, positive=True), sp.Symbol("j", integer=True, positive=True)
    summed = sp.Sum(j, (j, 1, n))
    right = DerivationBuilder().identity("Reversed", sp.Eq(sp.Symbol("S"), sp.Sum(n - j + 1, (j, 1, n))),
                                        equals=summed, instances={n: range(1, 5)})
    assert right.check.method == "symbolic" and "listed values" in right.check.detail
    with pytest.raises(DerivationCheckError) as info:
        DerivationBuilder().identity("Reversed", sp.Eq(sp.Symbol("S"), sp.Sum(n - j, (j, 1, n))),
                                     equals=summed, instances={n: range(1, 5)})
    assert "n = 1" in info.value.detail


def test_an_identitys_left_side_written_as_a_formula_is_checked_too():
    """Eq(formula, hand form) with equals=computed: a wrong formula on the left is refused; a name is not checked."""
    x, h = sp.symbols("x h", positive=True)
    d = DerivationBuilder()
    d.identity("named", sp.Eq(sp.Symbol("F"), x**2 + 2 * x + 1), equals=sp.expand((x + 1) ** 2))
    d.identity("formula", sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1), equals=sp.expand((x + 1) ** 2))
    with pytest.raises(DerivationCheckError, match="left side differs"):
        d.identity("wrong formula", sp.Eq((x + 2) ** 2, x**2 + 2 * x + 1, evaluate=False),
                   equals=sp.expand((x + 1) ** 2))


def test_an_identity_against_a_whole_equation_compares_both_sides():
    """``equals`` an equation (say, one solved for its unknown): a name on the left is checked too."""
    nu, g = sp.Symbol("nu", positive=True), sp.Symbol("g", positive=True)
    solved = sp.Eq(g**2 - nu**2, 0)  # the constraint as computed
    d = DerivationBuilder()
    assert d.identity("Right", sp.Eq(nu**2, g**2), equals=solved).check.method == "symbolic"
    for wrong in (sp.Eq(2 * nu, g**2), sp.Eq(nu**2, 2 * g)):  # a wrong left side, a wrong right side
        with pytest.raises(DerivationCheckError, match="hand form differs"):
            DerivationBuilder().identity("Wrong", wrong, equals=solved)
    f, t = sp.Function("f"), sp.Symbol("t")
    recursion = sp.Eq(f(t + 1), 2 * f(t) - f(t - 1))
    DerivationBuilder().identity("Name", sp.Eq(f(t + 1), 2 * f(t) - f(t - 1)), equals=recursion)
    with pytest.raises(DerivationCheckError):  # the name's argument typed wrong
        DerivationBuilder().identity("Name", sp.Eq(f(t - 1), 2 * f(t) - f(t - 1)), equals=recursion)


def test_a_computed_steps_named_left_side_is_checked_with_where():
    """Eq(τ_q − τ, value) with where={τ_q: …}: the left side, a name without it, must be what was computed."""
    tau, tau_q, c = sp.symbols("tau tau_q c", positive=True)
    d = DerivationBuilder()
    base = d.definition("Times", sp.Eq(tau_q, tau + c))
    d.computed("Correction", sp.Eq(tau_q - tau, c), uses=[base], how="subtract", where={tau_q: base.rhs})
    with pytest.raises(DerivationCheckError, match="left side differs"):  # names right, formula wrong
        d.computed("Correction", sp.Eq((tau_q - tau) / 2, c), uses=[base], how="subtract", where={tau_q: base.rhs})
    with pytest.raises(DerivationCheckError, match="still names"):  # τ_q + τ = c + 2τ: not the value's
        d.computed("Correction", sp.Eq(tau_q + tau, c), uses=[base], how="subtract", where={tau_q: base.rhs})
    with pytest.raises(DerivationCheckError, match="not one"):
        d.computed("Bound", sp.Le(tau_q - tau, c), uses=[base], how="subtract", where={tau_q: base.rhs})


def test_an_identitys_left_side_with_names_given_by_where_is_compared_even_to_a_number():
    """Eq(B·d log Var/dB, −1) with where={Var: σ²/B}: the left side is checked although −1 has no symbols."""
    B, sigma = sp.symbols("B sigma", positive=True)
    var = sp.Function("Var")(sp.Symbol("g_B"))
    slope = B * sp.diff(sp.log(sigma**2 / B), B)
    DerivationBuilder().identity("Slope", sp.Eq(B * sp.Derivative(sp.log(var), B), -1), equals=slope,
                                 where={var: sigma**2 / B})
    with pytest.raises(DerivationCheckError, match="left side differs"):
        DerivationBuilder().identity("Slope", sp.Eq(B / sp.Derivative(sp.log(var), B), -1), equals=slope,
                                     where={var: sigma**2 / B})


def test_a_truncated_series_is_equal_up_to_its_order():
    x, n = sp.symbols("h n", positive=True)
    d = DerivationBuilder()
    series = sp.series(1 - (1 - x) ** n, x, 0, 3)
    step = d.identity("series", sp.Eq(1 - (1 - x) ** n, n * x - n * (n - 1) * x**2 / 2 + sp.O(x**3)), equals=series)
    assert step.checked
    with pytest.raises(DerivationCheckError):  # a wrong second-order coefficient
        d.identity("wrong", sp.Eq(1 - (1 - x) ** n, n * x - n**2 * x**2 / 2 + sp.O(x**3)), equals=series)
    with pytest.raises(DerivationCheckError, match="left side differs"):  # a left side with another expansion
        d.identity("left", sp.Eq(1 - (1 - x) ** (n + 1), n * x - n * (n - 1) * x**2 / 2 + sp.O(x**3)), equals=series)


def test_a_computed_steps_left_side_written_as_a_formula_must_be_what_was_computed():
    n, k = sp.symbols("n k", integer=True, positive=True)
    beta_ = sp.Symbol("beta", positive=True)
    d = DerivationBuilder()
    model = d.definition("model", sp.Eq(sp.Symbol("w_k"), beta_**k))
    d.computed("named", sp.Eq(sp.Symbol("S"), (1 - beta_**n) / (1 - beta_)), [model], "summation")
    d.computed("finite sum", sp.Eq(sp.Sum(beta_**k, (k, 0, n - 1)), (1 - beta_**n) / (1 - beta_)), [model],
               "summation")
    d.computed("series", sp.Eq(sp.Sum(beta_**k, (k, 0, sp.oo)), 1 / (1 - beta_)), [model], "summation, |β| < 1")
    with pytest.raises(DerivationCheckError, match="left side differs"):  # the typed range is not the summed one
        d.computed("wrong range", sp.Eq(sp.Sum(beta_**k, (k, 0, n)), (1 - beta_**n) / (1 - beta_)), [model],
                   "summation")


def test_an_inequality_over_an_empty_or_single_point_range_is_refused():
    d = DerivationBuilder()
    with pytest.raises(DerivationCheckError, match="empty or a point"):
        d.inequality("degenerate", sp.Le(b, 1), ranges={b: (1, 1)})
    assert d.inequality("proper", sp.Le(b, 1), ranges={b: (0, 1)}).checked


def test_cancel_proves_a_rational_identity_and_refuses_a_nonzero_rational_difference():
    """``cancel`` to exactly 0 is a proof; a rational difference it leaves nonzero is refused without simplify."""
    from theory.derivation import prove_equal

    assert prove_equal(1 / (1 - b), -1 / (b - 1)) == "cancel"
    assert prove_equal((b**a - 1) / (b - 1), (1 - b**a) / (1 - b)) == "cancel"  # b**a is one more generator
    assert prove_equal(b / (b + 1), 1 - 1 / (b + 2)) is None  # nonzero rational function
    assert prove_equal(sp.Lt(x, (2 * b + 2) / a), sp.Lt(0, x)) is None  # -2x + (2β+2)/a: not zero
    d = DerivationBuilder()
    with pytest.raises(DerivationCheckError, match="differs"):
        d.identity("Wrong fraction", sp.Eq(b / (b + 1), 1 - 1 / (b + 2), evaluate=False))
    d.identity("Right fraction", sp.Eq(b / (b + 1), 1 - 1 / (b + 1), evaluate=False))
    assert d.finish().steps[-1].check.detail == "cancel"


def test_the_polynomial_disproof_never_refuses_an_identity_it_cannot_see():
    """A symbol in a coefficient SymPy must simplify (sin² + cos² = 1) or inside a function is left to simplify."""
    from theory.derivation import _cancelled, _not_identically_zero, prove_equal

    y, h = sp.symbols("y h")
    assert prove_equal(h * (sp.sin(y) ** 2 + sp.cos(y) ** 2), h) == "simplify"
    assert prove_equal(x * sp.sign(x), sp.Abs(x)) == "simplify"
    for same in (sp.Abs(h) - h, h**y - h, sp.sqrt(h) - h, sp.exp(h) - h, sp.Function("f")(h) - h):
        assert not _not_identically_zero(same, _cancelled(same))
    assert _not_identically_zero(1 - sp.Abs(y) - h, _cancelled(1 - sp.Abs(y) - h))  # linear in h
