"""SymPy -> Typst printing: every derivation step of every claim compiles as Typst math."""

import sympy as sp
import typst

from convergence.discovery import discover
from theory.typst_printer import symbol_to_typst, to_typst


def compile_math(snippets, tmp_path):
    body = "\n".join(f"$ {s} $\n" for s in snippets)
    source = tmp_path / "math.typ"
    source.write_text("#set page(width: 30cm, height: auto)\n" + body, encoding="utf-8")
    return typst.compile(str(source))


def test_every_derivation_compiles(tmp_path):
    snippets = []
    for claim in discover():
        derivation = claim.theory
        snippets += [to_typst(step.expr) for step in derivation.steps] + [to_typst(derivation.result)]
        snippets += [to_typst(m.resolve(derivation.result)) for m in claim.mutants]
    pdf = compile_math(snippets, tmp_path)
    assert pdf.startswith(b"%PDF")


def test_constructs_compile(tmp_path):
    x, y, t, k = sp.symbols("x y t k")
    eta, beta = sp.symbols("eta beta", positive=True)
    exprs = [
        sp.Rational(-3, 4) * x, sp.sqrt(x + 1), x ** sp.Rational(1, 3), sp.exp(-t), sp.log(x), sp.Abs(x - 1),
        sp.Max(x, y), sp.Min(x, 1), sp.floor(x), sp.ceiling(x / 2), sp.Sum(beta**k, (k, 0, t - 1)),
        sp.Product(1 - eta / k, (k, 1, t)), sp.Limit(1 / t, t, sp.oo), sp.Derivative(x**2, x),
        sp.Integral(x, (x, 0, 1)), sp.Eq(x, y), sp.Le(x, 1), sp.And(x < 1, y > 0), sp.Or(x < 0, x > 1),
        sp.Piecewise((x, x > 0), (0, True)), sp.Matrix([[1, x], [y, 2]]), sp.cos(sp.pi * t), 2 * 3 * x,
        sp.Float(1.5e-8) * x, sp.Symbol("x_star"), sp.Symbol("m_hat_t"), sp.Symbol("L_max"), sp.oo, -sp.oo,
        sp.Interval(0, 1, True, False), sp.Symbol("lamda"), sp.Symbol("theta_0") ** 2, (x + 1) ** -2,
        sp.Order(sp.sqrt(eta), (eta, sp.oo)), sp.cos(sp.pi * sp.Mod(t, eta) / eta),
    ]
    assert compile_math([to_typst(e) for e in exprs], tmp_path).startswith(b"%PDF")


def test_the_remainder_of_a_division_reads_mod():
    t, T = sp.symbols("t T", positive=True)
    assert to_typst(sp.Mod(t, T)) == "t mod T"
    assert to_typst(sp.pi * sp.Mod(t, T)) == "pi (t mod T)"


def test_big_o_shows_its_expression():
    T = sp.Symbol("T", positive=True)
    assert to_typst(sp.Order(sp.sqrt(T), (T, sp.oo))) == "O(sqrt(T))"


def test_symbol_names():
    assert symbol_to_typst("eta") == "eta"
    assert symbol_to_typst("x_star") == "x^(*)"
    assert symbol_to_typst("m_hat") == "hat(m)"
    assert symbol_to_typst("L_max") == 'L_("max")'
    assert symbol_to_typst("x0") == "x_0"
    assert symbol_to_typst("abc") == '"abc"'


def test_products_are_spaced_and_fractions_typeset():
    eta, lam = sp.symbols("eta lambda", positive=True)
    assert to_typst(2 / lam) == "frac(2, lambda)"
    assert "eta lambda" in to_typst(1 - eta * lam)


def test_partial_derivatives_of_functions_of_several_variables():
    x, y, T = sp.symbols("x y T")
    f = sp.Function("f")
    assert to_typst(sp.Derivative(f(x, y), x, y)) == "frac(partial^(2), partial x partial y) (f(x, y))"
    assert to_typst(sp.Derivative(f(x), (x, 2))) == "frac(d^(2), d x^(2)) (f(x))"
    assert to_typst(sp.Derivative(T * f(x), x)) == "frac(d, d x) (T f(x))"  # a constant factor is no variable
