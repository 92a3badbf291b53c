"""SymPy -> Typst math (and LaTeX) printing for the report.

Typst math differs from LaTeX in ways that matter for a printer:
adjacent letters ``ab`` form one identifier (so products are printed with
spaces), multi-letter names must be quoted text, fractions are
``frac(a, b)``, and Greek letters are bare words (``eta``, ``lambda``).

Symbol-name conventions understood here (so derivations can use readable
names): ``eta_t`` -> eta with subscript t, ``x_star`` -> x^*, ``m_hat`` ->
hat(m), ``x_bar`` -> overline(x), ``x_tilde`` -> tilde(x), ``L_max`` -> L
with subscript "max"; digits after a letter become a subscript (``x0``).
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
    "Psi", "Omega",
}
# SymPy names some Greek letters differently from Typst.
ALIASES = {"lamda": "lambda", "Lamda": "Lambda", "varepsilon": "epsilon.alt"}
ACCENTS = {"hat": "hat", "bar": "overline", "tilde": "tilde", "dot": "dot", "vec": "arrow"}
FUNCTIONS = {
    "log": "ln", "exp": None, "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
    "cosh": "cosh", "tanh": "tanh", "atan": "arctan", "asin": "arcsin", "acos": "arccos",
    "Max": "max", "Min": "min", "floor": "floor", "ceiling": "ceil", "Abs": "abs",
    "erf": '"erf"', "erfinv": '"erf"^(-1)', "erfc": '"erfc"', "acosh": '"arccosh"', "asinh": '"arcsinh"',
}


def _atom(name: str) -> str:
    """A single name part (no underscores) as Typst math."""
    name = ALIASES.get(name, name)
    if name in GREEK or name in ALIASES.values():
        return name
    match = re.fullmatch(r"([A-Za-z])(\d+)", name)
    if match:
        return f"{match.group(1)}_{match.group(2)}"
    if len(name) == 1 or name.isdigit():
        return name
    return f'"{name}"'


def symbol_to_typst(name: str) -> str:
    parts = [p for p in name.split("_") if p]
    if not parts:
        return '"_"'
    base = _atom(parts[0])
    subscripts: list[str] = []
    superscript = ""
    for part in parts[1:]:
        if part in ACCENTS:
            base = f"{ACCENTS[part]}({base})"
        elif part == "star":
            superscript = "*"
        elif part == "prime":
            superscript += "'"
        else:
            subscripts.append(_atom(part))
    out = base
    if subscripts:
        out += "_(" + ", ".join(subscripts) + ")"
    if superscript:
        out += f"^({superscript})" if superscript == "*" else superscript
    return out


def _needs_parentheses(symbol_text: str) -> bool:
    """A symbol raised to a power: g_(t)^(2) reads as g_t², but x^(*)^(2) or hat(m)_(t) need (…)²."""
    if re.fullmatch(r"[A-Za-z.]+_\([^()^]*\)", symbol_text):
        return False
    return "_" in symbol_text or "(" in symbol_text


def _is_model_term(term: sp.Expr) -> bool:
    """f(x): an undefined function of plain symbols (not ⟨·,·⟩ or ‖·‖), the point a model expands around."""
    return (isinstance(term, sp.core.function.AppliedUndef) and type(term).__name__ not in ("inner", "norm")
            and all(isinstance(a, sp.Symbol) for a in term.args))


def _degree(term: sp.Expr, symbol: sp.Symbol) -> int:
    """``sp.degree(term, symbol)``, read off the expression tree (building a Poly per term made printing slow).

    Products, sums and non-negative integer powers are walked; a power with any other exponent or a
    function of the symbol is not a polynomial in it (PolynomialError, as ``sp.degree`` raises);
    anything else (a Sum, an Indexed) is left to ``sp.degree``.
    """
    if symbol not in term.free_symbols:
        return 0
    if term == symbol:
        return 1
    if term.is_Mul:
        return sum(_degree(factor, symbol) for factor in term.args)
    if term.is_Add:
        return max(_degree(part, symbol) for part in term.args)
    if term.is_Pow and term.exp.is_Integer and term.exp >= 0:
        return _degree(term.base, symbol) * int(term.exp)
    if term.is_Pow or isinstance(term, sp.Function):
        raise sp.PolynomialError(f"{term} is not a polynomial in {symbol}")
    return sp.degree(term, symbol)


def _by_leading_degree(terms: list) -> list:
    """A polynomial in one symbol of degree >= 2 reads from its highest power down: z² − (1 + β)z + β."""
    symbols = set().union(*(term.free_symbols for term in terms))
    best, best_degrees = None, None
    for symbol in sorted(symbols, key=lambda s: s.name):
        try:
            degrees = [_degree(term, symbol) for term in terms]
        except Exception:
            continue
        if max(degrees) >= 2 and len(set(degrees)) > 1 and (best is None or max(degrees) > max(best_degrees)):
            best, best_degrees = symbol, degrees
    if best is None:
        return terms
    order = sorted(range(len(terms)), key=lambda i: -best_degrees[i])
    return [terms[i] for i in order]


class TypstPrinter(StrPrinter):
    """Prints SymPy expressions as Typst math source (without the ``$`` fences)."""

    printmethod = "_typst"

    # -- atoms ---------------------------------------------------------------------
    def _print_Symbol(self, expr):
        return symbol_to_typst(expr.name)

    _print_Dummy = _print_Symbol

    def _print_Idx(self, expr):
        return symbol_to_typst(expr.label.name)

    def _print_Integer(self, expr):
        return str(expr.p)

    def _print_Rational(self, expr):
        if expr.q == 1:
            return str(expr.p)
        sign = "-" if expr.p < 0 else ""
        return f"{sign}frac({abs(expr.p)}, {expr.q})"

    def _print_Float(self, expr):
        text = f"{float(expr):.6g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa} dot 10^({int(exponent)})"
        return text

    def _print_Infinity(self, expr):
        return "oo"

    def _print_NegativeInfinity(self, expr):
        return "-oo"

    def _print_ComplexInfinity(self, expr):  # zoo (a division by zero): Typst has no such variable
        return "tilde(oo)"

    def _print_NaN(self, expr):
        return '"NaN"'

    def _print_Pi(self, expr):
        return "pi"

    def _print_Exp1(self, expr):
        return "e"

    def _print_ImaginaryUnit(self, expr):
        return "i"

    def _print_BooleanTrue(self, expr):
        return '"true"'

    def _print_BooleanFalse(self, expr):
        return '"false"'

    def _print_Half(self, expr):
        return "frac(1, 2)"

    # -- arithmetic ----------------------------------------------------------------
    def _print_Mul(self, expr):
        direct_term, self._term_of_sum = getattr(self, "_term_of_sum", False), False  # factors are not terms
        try:
            if expr.could_extract_minus_sign():
                flipped = None if direct_term else self._flip_sign_into_factor(-expr)
                if flipped is not None:
                    return flipped
                inner = self._print_Mul_positive(-expr)
                return f"-{inner}"
            return self._print_Mul_positive(expr)
        finally:
            self._term_of_sum = direct_term

    def _print_term(self, term) -> str:
        """A term of a sum: it keeps its own minus sign (− z(1 + β)(1 − h), not + z(1 + β)(h − 1))."""
        outer, self._term_of_sum = getattr(self, "_term_of_sum", False), True
        try:
            return self._print(term)
        finally:
            self._term_of_sum = outer

    def _flip_sign_into_factor(self, positive: sp.Expr) -> str | None:
        """−θ(ηλ − 1) as θ(1 − ηλ), −1/(β − 1) as 1/(1 − β): absorb the sign into a difference a − b.

        Only a two-term factor with one negative term is flipped (to b − a), so a
        longer sum keeps its terms and its sign stays in front.
        """
        factors = list(sp.Mul.make_args(positive))
        for i, factor in enumerate(factors):
            base, exponent = factor.as_base_exp()
            if not (isinstance(base, sp.Add) and len(base.args) == 2 and exponent in (1, -1)):
                continue
            if sum(term.could_extract_minus_sign() for term in base.args) != 1:
                continue
            flipped_base = sp.Add(*[-term for term in base.args], evaluate=False)
            flipped = flipped_base if exponent == 1 else sp.Pow(flipped_base, -1, evaluate=False)
            rest = [f for j, f in enumerate(factors) if j != i]
            numerator = [f for f in rest if not (f.is_Pow and f.exp.is_negative)] + ([flipped] if exponent == 1 else [])
            denominator = [sp.Pow(f.base, -f.exp) for f in rest if f.is_Pow and f.exp.is_negative]
            denominator += [flipped_base] if exponent == -1 else []
            top = self._product(numerator)
            if denominator:
                return f"frac({top}, {self._product(denominator)})"
            return top
        return None

    def _product(self, factors: list) -> str:
        """Juxtaposed factors, numbers first, sums parenthesised (the flipped sum kept as built)."""
        if not factors:
            return "1"
        numbers = [f for f in factors if f.is_number]
        others = [f for f in factors if not f.is_number]
        out = []
        coefficient = sp.Mul(*numbers)
        if coefficient != 1:
            out.append(self.parenthesize(coefficient, PRECEDENCE["Mul"], strict=False))
        for factor in others:
            text = self._print(factor)
            if isinstance(factor, sp.Add) and len(others) + len(out) > 1:
                text = f"({text})"
            elif not isinstance(factor, sp.Add) and precedence(factor) < PRECEDENCE["Mul"]:
                text = f"({text})"
            out.append(text)
        return " ".join(out)

    def _print_Mul_positive(self, expr):
        numerator, denominator = sp.fraction(expr, exact=True)
        if denominator != 1:
            return f"frac({self._print(numerator)}, {self._print(denominator)})"
        factors = sp.Mul.make_args(expr)
        # Numbers first, then the rest in SymPy's canonical order.
        printed = []
        for factor in factors:
            text = self.parenthesize(factor, PRECEDENCE["Mul"], strict=False)
            if isinstance(factor, sp.Add):
                text = f"({self._print(factor)})"
            printed.append(text)
        out = printed[0]
        for prev_factor, text in zip(factors, printed[1:]):
            # Juxtaposed numbers would merge ("2 3" reads as 23): use a dot there.
            sep = " dot " if (text[:1].isdigit() or text.startswith("frac")) and prev_factor.is_number else " "
            out += sep + text
        return out

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent == sp.S.Half:
            return f"sqrt({self._print(base)})"
        if exponent == -sp.S.Half:
            return f"frac(1, sqrt({self._print(base)}))"
        if exponent.is_Rational and exponent.q != 1 and exponent.p == 1:
            return f"root({exponent.q}, {self._print(base)})"
        if exponent.is_negative and exponent.is_number:
            positive = base if exponent == -1 else sp.Pow(base, -exponent, evaluate=False)
            return f"frac(1, {self._print(positive)})"
        if base == sp.E:
            return f"e^({self._print(exponent)})"
        base_text = self._print(base)
        if (not base.is_Atom or (base.is_number and (base.is_negative or not base.is_Integer))
                or isinstance(base, sp.Symbol) and _needs_parentheses(base_text)):
            if not (base.is_Function and not isinstance(base, sp.Abs)):
                base_text = f"({base_text})"
        return f"{base_text}^({self._print(exponent)})"

    def _print_Add(self, expr, order=None):
        """Terms in a mathematician's order.

        Polynomial-like sums keep SymPy's (degree-descending) order, except that a
        sum never starts with a minus when a positive term exists (1 − ηλ, y − x),
        and a model expanded around f(x) (a term that is an undefined function)
        reads in ascending order: f(x) + ⟨g, y − x⟩ + L‖y − x‖²/2.
        """
        if not expr.is_commutative or getattr(expr, "_typst_keep_order", False):
            terms = list(expr.args)
        elif any(_is_model_term(term) for term in expr.args):
            terms = sorted(self._as_ordered_terms(expr, order="rev-lex"), key=lambda term: not _is_model_term(term))
        else:
            terms = _by_leading_degree(self._as_ordered_terms(expr, order=order))
        printed = [self._print_term(term) for term in terms]
        first_positive = next((i for i, text in enumerate(printed) if not text.startswith("-")), None)
        if first_positive:
            terms = [terms[first_positive]] + terms[:first_positive] + terms[first_positive + 1:]
        out = ""
        for i, term in enumerate(terms):
            text = self._print_term(term)
            if isinstance(term, sp.Add):
                text = f"({text})"
            if text.startswith("-"):
                out += (" - " if i else "-") + text[1:]
            else:
                out += (" + " if i else "") + text
        return out

    # -- functions -----------------------------------------------------------------
    def _print_Function(self, expr):
        name = type(expr).__name__
        args = ", ".join(self._print(a) for a in expr.args)
        if name == "exp":
            return f"e^({args})"
        if name == "Abs":
            return f"lr(|{args}|)"
        if name == "inner" and len(expr.args) == 2:
            return f"lr(⟨{args}⟩)"
        if name == "norm" and len(expr.args) == 1:
            return f"norm({args})"
        if name in FUNCTIONS:
            return f"{FUNCTIONS[name]}({args})"
        return f"{symbol_to_typst(name)}({args})"

    _print_Abs = _print_Function
    _print_Max = _print_Function
    _print_Min = _print_Function
    _print_exp = _print_Function
    _print_log = _print_Function
    _print_floor = _print_Function
    _print_ceiling = _print_Function

    def _print_sign(self, expr):
        return f'"sign"({self._print(expr.args[0])})'

    def _print_re(self, expr):
        return f'"Re"({self._print(expr.args[0])})'

    def _print_im(self, expr):
        return f'"Im"({self._print(expr.args[0])})'

    # -- relations and logic -------------------------------------------------------
    _RELATIONS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

    def _print_Relational(self, expr):
        op = self._RELATIONS[expr.rel_op]
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr):
        return ' quad "and" quad '.join(self._print(a) for a in expr.args)

    def _print_Or(self, expr):
        return ' quad "or" quad '.join(self._print(a) for a in expr.args)

    def _print_Contains(self, expr):
        return f"{self._print(expr.args[0])} in {self._print(expr.args[1])}"

    def _print_Not(self, expr):
        return f"not ({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr):
        rows = []
        for value, condition in expr.args:
            cond = '"otherwise"' if condition is sp.true else f'"if" {self._print(condition)}'
            rows.append(f"{self._print(value)} & {cond}")
        return "cases(" + ", ".join(rows) + ")"

    # -- calculus ------------------------------------------------------------------
    def _limits(self, limits):
        (variable, lower, upper), = limits
        return f"_({self._print(variable)} = {self._print(lower)})^({self._print(upper)})"

    def _print_Sum(self, expr):
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        out = ""
        for lim in expr.limits:
            out += f"sum{self._limits([lim])} "
        return out + body

    def _print_Product(self, expr):
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"({body})"
        out = ""
        for lim in expr.limits:
            out += f"product{self._limits([lim])} "
        return out + body

    def _print_Limit(self, expr):
        function, variable, point, _ = expr.args
        body = self._print(function)
        if isinstance(function, sp.Add):
            body = f"({body})"
        return f"lim_({self._print(variable)} -> {self._print(point)}) {body}"

    def _print_Mod(self, expr):  # t mod T (a product around it adds the parentheses)
        return f"{self._print(expr.args[0])} mod {self._print(expr.args[1])}"

    def _print_Order(self, expr):  # O(√T): the point (T → ∞) is the step's to state
        return f"O({self._print(expr.expr)})"

    def _print_Derivative(self, expr):
        # ∂ for a function of several variables (a partial derivative), d otherwise; constants such as T in
        # d(T f(x))/dx do not make it partial, so applied functions decide where there are any
        functions = expr.expr.atoms(AppliedUndef)
        several = (any(len(f.args) > 1 for f in functions) if functions
                   else len(expr.expr.free_symbols) > 1) or len(expr.variable_count) > 1
        d = "partial" if several else "d"
        variables = " ".join(f"{d} {self._print(v)}" + (f"^({n})" if n != 1 else "") for v, n in expr.variable_count)
        order = sum(n for _, n in expr.variable_count)
        top = d if order == 1 else f"{d}^({order})"
        return f"frac({top}, {variables}) ({self._print(expr.expr)})"

    def _print_Integral(self, expr):
        out = ""
        for lim in expr.limits:
            if len(lim) == 3:
                out += f"integral_({self._print(lim[1])})^({self._print(lim[2])}) "
            else:
                out += "integral "
        body = self._print(expr.function)
        differentials = " ".join(f"dif {self._print(lim[0])}" for lim in expr.limits)
        return f"{out}{body} {differentials}"

    # -- containers ----------------------------------------------------------------
    def _print_MatrixBase(self, expr):
        rows = "; ".join(", ".join(self._print(v) for v in expr.row(i)) for i in range(expr.rows))
        return f"mat({rows})"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Tuple(self, expr):
        return "(" + ", ".join(self._print(a) for a in expr.args) + ")"

    _print_tuple = _print_Tuple

    def _print_FiniteSet(self, expr):
        return "{" + ", ".join(self._print(a) for a in expr.args) + "}"

    def _print_Interval(self, expr):
        left = "(" if expr.left_open else "["
        right = ")" if expr.right_open else "]"
        return f"lr({left}{self._print(expr.start)}, {self._print(expr.end)}{right})"

    def _print_Indexed(self, expr):
        indices = ", ".join(self._print(i) for i in expr.indices)
        return f"{symbol_to_typst(str(expr.base.label))}_({indices})"

    def _print_IndexedBase(self, expr):
        return symbol_to_typst(str(expr.label))

    def _print_UnevaluatedExpr(self, expr):
        return self._print(expr.args[0])

    def _print_Poly(self, expr):
        return self._print(expr.as_expr())

    def _print_PurePoly(self, expr):
        return self._print(expr.as_expr())

    def _print_ComplexRootOf(self, expr):
        return f'"root"_({expr.index})({self._print(expr.expr)})'

    def parenthesize(self, item, level, strict=False):
        prec = precedence(item)
        if (prec < level) or (not strict and prec <= level):
            return f"({self._print(item)})"
        return self._print(item)


def to_typst(expr) -> str:
    """Typst math source for a SymPy expression (put it between ``$ $``)."""
    return TypstPrinter().doprint(sp.sympify(expr))


def to_latex(expr) -> str:
    """LaTeX source for a SymPy expression (SymPy's own printer)."""
    return sp.latex(sp.sympify(expr))


def to_text(expr) -> str:
    """A one-line readable form (SymPy's string printer)."""
    return sp.sstr(sp.sympify(expr))
