"""Checked derivations: every step says how it is justified, and the checkable ones are checked.

A derivation is what the report typesets: ordered steps, each with a label, a
SymPy expression and a justification in words, ending in ``result`` (the
expression the experiment is compared with). Each step carries one of six
kinds, and the builder checks the ones that can be checked *while the
derivation is built* (that is, when a claim loads):

``definition`` / ``assumption``
    the model (objective, update rule, noise model, constants, a hypothesis
    such as L-smoothness). Not checked; shown as such.
``computed``
    produced by SymPy operations (subs, solve, expand, series, limit,
    summation, integrate, diff) on earlier steps' expressions; the builder
    records which earlier steps were used and how. Never hand-typed.
``identity``
    a readable hand-written form proved equal to a computed expression
    (``expand``, ``cancel`` or ``simplify`` of ``a - b`` gives 0, or
    ``a.equals(b)``); on failure the residual is reported.
``inequality``
    ``a <= b`` proved symbolically under the symbols' assumptions where
    SymPy can (optionally after subtracting the slacks of earlier inequality
    steps, a sum-of-hypotheses proof), otherwise sampled at >= 10^4 seeded
    points of every symbol's domain (its assumptions and the step's stated
    ranges): no violation beyond floating-point error, and the worst slack
    is recorded.
``cited``
    a result taken from the literature, with its reference. Not checked.

A failing check raises ``DerivationCheckError`` naming the step and the
residual or the first violating point; discovery turns it into a one-line
refusal of the claim. ``finish`` names a computed or identity step (by
default the last one) as the result: it never takes a fresh expression.
"""

from __future__ import annotations

import functools
import math
import random
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

DEFINITION = "definition"
ASSUMPTION = "assumption"
COMPUTED = "computed"
IDENTITY = "identity"
INEQUALITY = "inequality"
CITED = "cited"
KINDS = (DEFINITION, ASSUMPTION, COMPUTED, IDENTITY, INEQUALITY, CITED)
CHECKED_KINDS = (COMPUTED, IDENTITY, INEQUALITY)

SAMPLE_POINTS = 10_000
# Relative floating-point allowance of a sampled inequality: a violation must exceed
# FP_RTOL * (1 + |a| + |b|), about 10^7 ulps of the operands, far below any real gap.
FP_RTOL = 1e-9
_WIDE = (1e-3, 1e3)  # log-uniform magnitude range for a symbol with no stated range
_INT_RANGE = 200  # integer symbols with no stated range: 0..200 (or 1..200, −200..200)


class DerivationCheckError(ValueError):
    """A step's check failed: ``label`` names the step, ``detail`` the residual or violating point."""

    def __init__(self, label: str, detail: str):
        self.label = label
        self.detail = " ".join(str(detail).split())
        super().__init__(f"step {label!r}: {self.detail}")


@dataclass(frozen=True)
class Check:
    """What was verified for a step.

    ``method`` is ``symbolic`` (SymPy proved it), ``sampled`` (no violation at
    ``points`` seeded points; ``worst_slack`` is min(b − a)), or ``computed``
    (the expression was produced from the steps in ``uses``). ``detail``
    says how, in words.
    """

    method: str
    detail: str = ""
    points: int = 0
    worst_slack: float | None = None
    confirmed: tuple[str, ...] = ()  # further checks made by ``DerivationBuilder.confirm``, in words

    def describe(self) -> str:
        if self.method == "sampled":
            slack = "" if self.worst_slack is None else f", worst slack {self.worst_slack:.3g}"
            described = f"sampled {self.points} points{slack}"
        else:
            described = self.method if not self.detail else f"{self.method} ({self.detail})"
        return "; ".join([described, *(f"also {what}" for what in self.confirmed)])


@dataclass(frozen=True)
class Step:
    """One typeset step. Returned by the builder so later steps can use its expression."""

    label: str
    expr: sp.Basic
    justification: str
    kind: str
    uses: tuple[str, ...] = ()
    how: str = ""
    reference: str = ""
    check: Check | None = None

    @property
    def lhs(self) -> sp.Basic:
        """Left side of an equation or inequality (the expression itself otherwise)."""
        return self.expr.lhs if isinstance(self.expr, sp.Rel) else self.expr

    @property
    def rhs(self) -> sp.Basic:
        """Right side of an equation or inequality (the expression itself otherwise)."""
        return self.expr.rhs if isinstance(self.expr, sp.Rel) else self.expr

    @property
    def value(self) -> sp.Basic:
        """The quantity a step states: the right side of an equation or a bound, else the whole expression."""
        return self.rhs

    @property
    def checked(self) -> bool:
        return self.check is not None

    def check_text(self) -> str:
        """How the step is justified, in one short line: ✓ symbolic, ✓ sampled …, cited, definition."""
        if self.kind in (DEFINITION, ASSUMPTION, CITED):
            return self.kind
        if self.check is None:
            return "unchecked"
        if self.check.method == "sampled":
            slack = "" if self.check.worst_slack is None else f", worst slack {self.check.worst_slack:.2g}"
            line = f"✓ sampled {self.check.points} points{slack}"
        elif self.kind == COMPUTED:
            line = f"✓ computed ({self.how})" if self.how else "✓ computed"
        else:
            line = f"✓ {self.check.method}"
        return "; ".join([line, *(f"also ✓ {what}" for what in self.check.confirmed)])


@dataclass(frozen=True)
class Derivation:
    """Ordered steps ending in ``result``.

    Args:
        steps: the reasoning, in reading order.
        result: the theoretical quantity (a SymPy expression), the value of a
            computed or identity step.
        assumptions: statements in words (e.g. "0 < beta < 1") that the
            symbols' SymPy assumptions cannot express.
        result_label: the label of the step whose value is ``result``.
    """

    steps: tuple[Step, ...]
    result: sp.Expr
    assumptions: tuple[str, ...] = field(default_factory=tuple)
    result_label: str = ""

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        """Free symbols of the result and of every step, by name (what a claim may map onto)."""
        found = set(self.result.free_symbols)
        for step in self.steps:
            found |= {s for s in step.expr.free_symbols if isinstance(s, sp.Symbol)}
        return {s.name: s for s in found}

    @property
    def result_symbols(self) -> set[str]:
        """Names of the result's free symbols: each must be fed by a measured input."""
        return {s.name for s in self.result.free_symbols}

    def counts(self) -> dict[str, int]:
        """Number of steps of each kind (every kind present, zeros included)."""
        out = {kind: 0 for kind in KINDS}
        for step in self.steps:
            out[step.kind] = out.get(step.kind, 0) + 1
        return out


class DerivationBuilder:
    """Collects steps in order, checking each checkable one as it is added; ``finish`` seals them."""

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self._confirmed: list[tuple[str, str]] = []  # (step label, what a further check verified)

    # -- the model -----------------------------------------------------------------
    def definition(self, label: str, expr: Any, justification: str = "") -> Step:
        """The model (objective, update rule, a quantity's definition): shown, not checked."""
        return self._add(Step(label, sp.sympify(expr), justification, DEFINITION))

    def assumption(self, label: str, expr: Any, justification: str = "") -> Step:
        """A hypothesis of the theorem (L-smoothness, convexity, a tuning): shown, not checked."""
        return self._add(Step(label, sp.sympify(expr), justification, ASSUMPTION))

    def cited(self, label: str, expr: Any, reference: str, justification: str = "") -> Step:
        """A result from the literature; ``reference`` (author, year, theorem) is required."""
        if not str(reference).strip():
            raise DerivationCheckError(label, "a cited step needs a reference")
        return self._add(Step(label, sp.sympify(expr), justification, CITED, reference=str(reference).strip()))

    # -- derived -------------------------------------------------------------------
    def computed(self, label: str, expr: Any, uses: Sequence[Step | str], how: str,
                 justification: str = "", where: Mapping[sp.Basic, Any] | None = None) -> Step:
        """``expr`` was produced by code from the expressions of the earlier steps ``uses``.

        A left side written as a formula must be what was computed. ``where`` gives the values of
        the names in a left side such as ``P_f/P_s`` or ``τ_q − τ`` (from earlier steps); they are
        put in and the left side, then a formula, is checked too.
        """
        used = self._resolve_uses(label, uses, required=True)
        if not str(how).strip():
            raise DerivationCheckError(label, "a computed step must say how (subs, solve, limit, ...)")
        expr = sp.sympify(expr)
        if where and not isinstance(expr, sp.Equality):
            raise DerivationCheckError(label, "'where' expands the left side of an equation; this step is not one")
        if isinstance(expr, sp.Equality):  # a left side written as a formula must be what was computed
            left = expr.lhs.subs(dict(where)) if where else expr.lhs
            if where and not left.free_symbols <= expr.rhs.free_symbols:
                raise DerivationCheckError(label, f"with 'where' put in, the left side {left} still names a "
                                                  "quantity the value does not have")
            _check_left_side(label, left, expr.rhs, generic=True, convergent_branch=True, named=bool(where))
        named = "; its left side, with the values of its names put in, is the value" if where else ""
        check = Check("computed", f"{how} of " + ", ".join(used) + named)
        return self._add(Step(label, expr, justification, COMPUTED, used, str(how), check=check))

    def factor_per_step(self, label: str, sequence: Any, index: sp.Symbol, solved: sp.Expr, factor: sp.Expr,
                        uses: Sequence[Step | str], justification: str) -> Step:
        """The factor per step of a solved recursion, typed and checked: an identity step.

        ``sequence(index + 1)/sequence(index) = factor``, both terms put in from ``solved`` (the
        closed form in ``index``): a factor that depends on the index, or a ratio taken two steps
        apart (a recursion typed backwards or between the wrong steps), is refused.
        """
        later, now = sequence(index + 1), sequence(index)
        return self.identity(label, sp.Eq(later / now, factor), where={later: solved.subs(index, index + 1), now: solved},
                             uses=uses, justification=justification)

    def identity(self, label: str, expr: Any, equals: Any = None, uses: Sequence[Step | str] = (),
                 justification: str = "", generic: bool = False,
                 where: Mapping[sp.Basic, Any] | None = None,
                 instances: Mapping[sp.Symbol, Iterable[Any]] | None = None) -> Step:
        """A readable hand form, proved equal to a computed one.

        With ``equals`` (a Step or an expression computed from earlier steps),
        the value of ``expr`` (right side of an equation or bound; a whole
        condition otherwise) must equal it. Without it, ``expr`` must be an
        equation whose two sides are equal. ``generic=True`` compares the
        generic branch of a sum's case split (e.g. β ≠ 1 in a geometric sum),
        for special cases the stated assumptions exclude; the check says so.
        ``where`` expands abbreviations of the hand form (e.g. ``{c: (1 + β − h)/(2√β)}``)
        before comparing (limits and derivatives of them are then taken); without ``equals``
        they are expanded on both sides, so the left side is checked too, e.g.
        ``Eq(Limit(v/η, η, 0), σ²/(2a))`` with ``where={v: …}``.
        A number typed rounded (a Float) must match to the digits shown.
        ``instances`` (e.g. ``{T: range(1, 5)}``) compares the two forms at each listed value
        instead, sums evaluated, for forms SymPy cannot compare in general (a re-indexed sum
        with a symbolic bound); the check says so and the justification names the values.
        """
        expr = sp.sympify(expr)
        used = list(self._resolve_uses(label, uses, required=False))
        if equals is None:
            if not isinstance(expr, sp.Equality):
                raise DerivationCheckError(label, "an identity without 'equals' must be an equation a = b")
            hand, target = expr.lhs, expr.rhs
        else:
            if isinstance(equals, Step):
                used = [*self._resolve_uses(label, [equals], required=True), *used]
                target = equals.value
            else:
                target = sp.sympify(equals)
            if _is_condition(target):  # a condition, not a quantity
                hand = expr
            else:
                hand = expr.rhs if isinstance(expr, sp.Rel) else expr
        if where:
            sides = [hand, target] if equals is None else [hand]
            sides = [side.subs(dict(where)) for side in sides]
            # a limit or derivative of an expanded abbreviation: take it
            sides = [side.doit() if side.has(sp.Limit, sp.Derivative) else side for side in sides]
            hand, target = sides if equals is None else (sides[0], target)
        if instances:
            return self._add(Step(label, expr, justification, IDENTITY, tuple(dict.fromkeys(used)),
                                  check=_check_instances(label, hand, target, instances)))
        method = prove_equal(hand, target)
        if method is None and generic:
            method = prove_equal(_generic(hand), _generic(target))
            method = method and f"{method}, generic case"
        if method is None:
            raise DerivationCheckError(label, f"hand form differs from the computed one by {_short(_residual(hand, target))}")
        # abbreviations expanded on the left too (a whole relation given as ``equals`` has had both sides compared)
        if equals is not None and isinstance(expr, sp.Equality) and not _is_condition(target):
            # a left side holding names that ``where`` gives values for is a formula once they are put in
            named = bool(where) and any(expr.lhs.has(name) for name in where)
            _check_left_side(label, expr.lhs.subs(dict(where or {})), target, generic=generic, convergent_branch=False,
                             named=named)
        check = Check("symbolic", method)
        return self._add(Step(label, expr, justification, IDENTITY, tuple(dict.fromkeys(used)), check=check))

    def inequality(self, label: str, expr: sp.Rel, uses: Sequence[Step | str] = (),
                   given: Sequence[Step | tuple[Step, Any]] = (),
                   ranges: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
                   subs: Mapping[sp.Basic, Any] | None = None,
                   justification: str = "", points: int = SAMPLE_POINTS, exact: bool = False) -> Step:
        """``a <= b`` (or ``<``, ``>=``, ``>``), checked symbolically or by sampling.

        ``given`` lists earlier inequality steps (optionally with a non-negative
        coefficient) and equations whose left side is a symbol: equations are
        substituted, inequality slacks subtracted, and what remains must be
        non-negative (then the step follows by adding the given inequalities).
        ``exact=True`` asks for more: what remains must be zero, i.e. the step is
        exactly the weighted sum of the givens, so a given typed stronger than it
        is (which would still imply the step) is refused too.
        ``subs`` substitutes further (e.g. a step size). ``ranges`` bounds
        symbols for sampling, e.g. ``{beta: (0, 1)}``.
        """
        if not isinstance(expr, sp.Rel) or isinstance(expr, (sp.Equality, sp.Unequality)):
            raise DerivationCheckError(label, "an inequality step must be a <, <=, > or >= relation")
        for symbol, (low_end, high_end) in (ranges or {}).items():
            if (sp.sympify(high_end) - sp.sympify(low_end)).is_extended_positive is not True:
                raise DerivationCheckError(label, f"the range of {symbol} [{low_end}, {high_end}] is empty or a point")
        used = list(self._resolve_uses(label, uses, required=False))
        replacements: dict[sp.Basic, Any] = dict(subs or {})
        hypotheses: list[tuple[sp.Expr, sp.Expr]] = []
        for item in given:
            step, coefficient = item if isinstance(item, tuple) else (item, 1)
            used += self._resolve_uses(label, [step], required=True)
            if isinstance(step.expr, sp.Equality):
                replacements[step.expr.lhs] = step.expr.rhs
            elif isinstance(step.expr, sp.Rel):
                coefficient = sp.sympify(coefficient)
                if coefficient.is_nonnegative is not True:
                    raise DerivationCheckError(label, f"coefficient {coefficient} of a given inequality must be >= 0")
                hypotheses.append((coefficient, _slack(step.expr)))
            else:
                raise DerivationCheckError(label, f"given step {step.label!r} is neither an equation nor an inequality")
        slack = _slack(expr) - sum((c * s for c, s in hypotheses), sp.Integer(0))
        slack = _substitute(slack, replacements)
        low, high = _sides(expr)
        low, high = _substitute(low, replacements), _substitute(high, replacements)
        strict = isinstance(expr, (sp.StrictLessThan, sp.StrictGreaterThan))
        if exact:
            if not hypotheses or prove_equal(slack, 0) is None:
                raise DerivationCheckError(label, f"is not exactly the weighted sum of the given inequalities: "
                                                  f"it leaves {_short(sp.simplify(slack))}")
            check = Check("symbolic", "exactly the weighted sum of the given steps")
        else:
            check = prove_nonnegative(slack, strict, ranges or {})
        if check is None:
            seed = zlib.crc32(label.encode("utf-8"))
            check = sample_nonnegative(label, slack, low, high, ranges or {}, points, seed)
        return self._add(Step(label, expr, justification, INEQUALITY, tuple(dict.fromkeys(used)), check=check))

    def include(self, derivation: Derivation) -> list[Step]:
        """Copy another derivation's steps (already checked when it was built)."""
        return [self._add(step) for step in derivation.steps]

    def confirm(self, label: str, what: str, holds: bool, failure: str) -> None:
        """A further check of step ``label`` that the derivation's own code makes, shown with the step.

        For what the step kinds cannot state: a closed form against its recursion at each of
        several t, a case split that must partition a range, a helper's series against SymPy's.
        Raises DerivationCheckError(label, failure) unless ``holds``; otherwise ``what`` is added
        to the step's check (report, results.json, ``convergence show``). The step may come
        later; by ``finish`` it must be a checked step (computed, identity or inequality).
        """
        if not holds:
            raise DerivationCheckError(label, failure)
        self._confirmed.append((label, what))

    # -- result ----------------------------------------------------------------------
    def finish(self, *assumptions: Any, result: Step | str | None = None) -> Derivation:
        """Seal the steps; the result is the value of step ``result`` (default: the last step).

        ``assumptions`` are statements in words; an expression among them is
        refused, so a result can never be typed here instead of derived.
        """
        typed = [a for a in assumptions if not isinstance(a, str)]
        if typed:
            raise DerivationCheckError("finish", f"assumptions are words, got {_short(typed[0])}: "
                                                 "the result is a step, named by result=")
        if not self._steps:
            raise DerivationCheckError("finish", "a derivation needs at least one step")
        if result is None:
            chosen = self._steps[-1]
        else:
            label = result.label if isinstance(result, Step) else str(result)
            matches = [s for s in self._steps if s.label == label]
            if not matches:
                raise DerivationCheckError(label, "finish names a step that is not in this derivation")
            chosen = matches[-1]
        if chosen.kind not in (COMPUTED, IDENTITY):
            raise DerivationCheckError(chosen.label, f"the result must be a computed or identity step, not {chosen.kind}")
        return Derivation(self._with_confirmations(), sp.sympify(chosen.value), tuple(assumptions), chosen.label)

    def _with_confirmations(self) -> tuple[Step, ...]:
        """The steps, each confirmed step's check extended by what ``confirm`` verified."""
        steps = list(self._steps)
        for label, what in self._confirmed:
            at = [i for i, step in enumerate(steps) if step.label == label]
            if not at:
                raise DerivationCheckError(label, "a further check names a step that is not in this derivation")
            step = steps[at[-1]]
            if step.check is None:
                raise DerivationCheckError(label, f"a further check needs a checked step, not a {step.kind} step")
            steps[at[-1]] = replace(step, check=replace(step.check, confirmed=(*step.check.confirmed, what)))
        return tuple(steps)

    # -- internals -------------------------------------------------------------------
    def _add(self, step: Step) -> Step:
        self._steps.append(step)
        return step

    def _resolve_uses(self, label: str, uses: Iterable[Step | str], required: bool) -> tuple[str, ...]:
        names: list[str] = []
        for item in uses:
            if isinstance(item, Step):
                if not any(s is item for s in self._steps):
                    raise DerivationCheckError(label, f"uses step {item.label!r}, which is not an earlier step here")
                names.append(item.label)
            else:
                if not any(s.label == item for s in self._steps):
                    raise DerivationCheckError(label, f"uses step {item!r}, which is not an earlier step here")
                names.append(str(item))
        if required and not names:
            raise DerivationCheckError(label, "must name the earlier steps it uses")
        return tuple(dict.fromkeys(names))


# -- checks ------------------------------------------------------------------------------

def _short(expr: Any, limit: int = 160) -> str:
    text = sp.sstr(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _residual(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    try:
        if isinstance(a, (sp.Tuple, sp.MatrixBase)):
            return sp.Tuple(*[_residual(x, y) for x, y in zip(a, b)])
        return sp.simplify(a - b)
    except Exception:
        return sp.Tuple(a, b)


def _is_condition(x: sp.Basic) -> bool:
    """A truth value, not a quantity (a SymPy Symbol is both a Boolean and an Expr: a quantity)."""
    return isinstance(x, sp.logic.boolalg.Boolean) and not isinstance(x, sp.Expr)


def prove_equal(a: sp.Basic, b: sp.Basic) -> str | None:
    """How SymPy proved ``a == b`` ("structural", "expand", "cancel", "simplify", "equals"), or None.

    After ``expand``, a difference that ``cancel`` brings to 0 is proved ("cancel"); a difference
    shown not identically zero by ``_not_identically_zero`` (a nonzero rational function, or a
    polynomial in some symbol with a nonzero constant coefficient at a positive power) is refused
    without trying ``simplify`` and ``equals``, which could not prove it. Results are memoized
    (the comparison is a pure function of the two expressions).
    """
    a, b = sp.sympify(a), sp.sympify(b)
    try:
        hash((a, b))
    except TypeError:  # a mutable matrix: compared without the memo
        return _prove_equal.__wrapped__(a, b)
    return _prove_equal(a, b)


@functools.lru_cache(maxsize=4096)
def _prove_equal(a: sp.Basic, b: sp.Basic) -> str | None:
    if a == b:
        return "structural"
    if isinstance(a, (sp.Tuple, sp.MatrixBase)) or isinstance(b, (sp.Tuple, sp.MatrixBase)):
        if not (isinstance(a, (sp.Tuple, sp.MatrixBase)) and isinstance(b, (sp.Tuple, sp.MatrixBase))):
            return None
        if len(a) != len(b):
            return None
        methods = [prove_equal(x, y) for x, y in zip(a, b)]
        return None if None in methods else "elementwise " + ", ".join(sorted(set(methods)))
    if isinstance(a, sp.Rel) and isinstance(b, sp.Rel):
        return _relations_equal(a, b)
    if isinstance(a, sp.And) and isinstance(b, sp.And):
        if len(a.args) != len(b.args):
            return None
        methods = []
        for x in a.args:
            found = next((m for m in (prove_equal(x, y) for y in b.args) if m), None)
            if found is None:
                return None
            methods.append(found)
        return "each condition: " + ", ".join(sorted(set(methods)))
    if _is_condition(a) or _is_condition(b):
        return None
    if a.has(sp.Order) or b.has(sp.Order):
        return _series_equal(a, b)
    if a.is_number and b.is_number and (a.has(sp.Float) or b.has(sp.Float)):
        return _rounded_equal(a, b)
    difference = a - b
    method = _zero_by_rewriting(difference)
    if method is not None:
        return method
    if not difference.has(*_UNEVALUATED) and _not_identically_zero(difference, _cancelled(difference)):
        return None
    if sp.simplify(difference) == 0:
        return "simplify"
    try:
        if a.equals(b) is True:
            return "equals"
    except Exception:
        pass
    return None


# Forms ``cancel`` and the zero tests below leave to ``simplify``/``equals`` (or whose values need evaluating).
_UNEVALUATED = (sp.Sum, sp.Product, sp.Integral, sp.Limit, sp.Derivative, sp.Piecewise, sp.Order)


def _cheap_equal(a: sp.Basic, b: sp.Basic) -> str | None:
    """The first, cheap stages of ``prove_equal`` for two quantities (structural, expand, cancel), or None.

    A method found here is the one ``prove_equal`` finds; None says nothing (the full check may still prove it).
    """
    a, b = sp.sympify(a), sp.sympify(b)
    if a == b:
        return "structural"
    if not isinstance(a, sp.Expr) or not isinstance(b, sp.Expr) or _is_condition(a) or _is_condition(b):
        return None
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase) or a.has(sp.Order) or b.has(sp.Order):
        return None
    if a.is_number and b.is_number and (a.has(sp.Float) or b.has(sp.Float)):
        return None
    return _zero_by_rewriting(a - b)


def _zero_by_rewriting(difference: sp.Expr) -> str | None:
    """``"expand"`` or ``"cancel"``: the rewriting that brings ``difference`` to exactly 0, else None."""
    if sp.expand(difference) == 0:
        return "expand"
    if not difference.has(*_UNEVALUATED) and _cancelled(difference) == 0:
        return "cancel"
    return None


@functools.lru_cache(maxsize=1024)  # prove_equal asks again for the disproof when the difference is not 0
def _cancelled(difference: sp.Expr) -> sp.Expr | None:
    """``cancel(difference)`` (one fraction, common factors removed), None if it fails.

    Exactly 0 proves the two sides equal: cancel only rewrites the expression, like simplify.
    """
    try:
        return sp.cancel(difference)
    except Exception:
        return None


def _rational_function(expr: sp.Basic) -> bool:
    """Built from symbols and rational numbers by +, × and integer powers (no function, constant or Float)."""
    if isinstance(expr, sp.Symbol):
        return expr.is_zero is not True
    if expr.is_Rational:
        return True
    if expr.is_Add or expr.is_Mul:
        return all(_rational_function(arg) for arg in expr.args)
    if expr.is_Pow:
        return expr.exp.is_Integer and _rational_function(expr.base)
    return False


def _not_identically_zero(difference: sp.Expr, cancelled: sp.Expr | None) -> bool:
    """An exact disproof: the difference is not zero at every point of the symbols' domains.

    Either it is a rational function over the rationals (in symbols, each ranging over an infinite
    set) whose ``cancelled`` form is not 0 (a nonzero rational function vanishes only on a thin set,
    never on a product of infinite sets); or it is a polynomial in some symbol s (s in no other
    position) with a nonzero rational coefficient at a positive power of s: with the other symbols
    fixed, a nonconstant polynomial in s, which has finitely many roots.
    """
    if cancelled is not None and cancelled != 0 and _rational_function(difference):
        return True
    for symbol in sorted(difference.free_symbols, key=sp.default_sort_key):
        if not isinstance(symbol, sp.Symbol) or symbol.is_zero is True:
            continue
        try:
            poly = difference.as_poly(symbol)
        except Exception:
            continue
        if poly is None:
            continue
        if any(power > 0 and coefficient.is_Rational and coefficient != 0
               for (power,), coefficient in poly.terms()):
            return True
    return False


def _series_equal(a: sp.Expr, b: sp.Expr) -> str | None:
    """a = b + O(xⁿ): equal truncated series at the order stated (a side without O is expanded to it)."""
    orders = {o for side in (a, b) for o in side.atoms(sp.Order)}
    if len(orders) != 1:
        return None  # different orders (or several) on the two sides: not one claim
    (order,) = orders
    (x,), (point,) = order.variables, order.point
    terms = sp.degree(order.expr, x)

    def truncated(side: sp.Expr) -> sp.Expr:
        return (side if side.has(sp.Order) else sp.series(side, x, point, terms)).removeO()

    method = prove_equal(truncated(a), truncated(b))
    return method and f"series to {order}, {method}"


def _rounded_equal(a: sp.Basic, b: sp.Basic) -> str | None:
    """A rounded number equals an exact one to the significant digits it shows."""
    floats = [x for x in (a, b) if isinstance(x, sp.Float)]
    if not floats:
        return None
    digits = min(mpmath.libmp.prec_to_dps(x._prec) for x in floats)
    if digits > 15:
        return "numeric" if abs(complex(a) - complex(b)) <= 1e-15 * max(1.0, abs(complex(b))) else None
    return f"rounded to {digits} digits" if float(f"{float(a):.{digits}g}") == float(f"{float(b):.{digits}g}") else None


def _relations_equal(a: sp.Rel, b: sp.Rel) -> str | None:
    """Same relation: same operator (up to flipping sides) and the same difference of sides."""
    if isinstance(a, (sp.Equality, sp.Unequality)) or isinstance(b, (sp.Equality, sp.Unequality)):
        if type(a) is not type(b):
            return None
        return prove_equal(a.lhs - a.rhs, b.lhs - b.rhs) or prove_equal(a.lhs - a.rhs, b.rhs - b.lhs)
    strict = (sp.StrictLessThan, sp.StrictGreaterThan)
    if isinstance(a, strict) != isinstance(b, strict):
        return None
    (a_low, a_high), (b_low, b_high) = _sides(a), _sides(b)
    return prove_equal(a_high - a_low, b_high - b_low)


def _check_instances(label: str, hand: sp.Basic, target: sp.Basic,
                     instances: Mapping[sp.Symbol, Iterable[Any]]) -> Check:
    """``hand`` equals ``target`` at every combination of the listed values (sums evaluated)."""
    symbols = list(instances)
    combinations: list[dict[sp.Symbol, Any]] = [{}]
    for symbol in symbols:
        combinations = [{**c, symbol: sp.sympify(v)} for c in combinations for v in instances[symbol]]
    if not combinations or combinations == [{}]:
        raise DerivationCheckError(label, "instances lists no value")
    for at in combinations:
        a, b = sp.sympify(hand).subs(at).doit(), sp.sympify(target).subs(at).doit()
        if prove_equal(a, b) is None:
            shown = ", ".join(f"{k} = {v}" for k, v in at.items())
            raise DerivationCheckError(label, f"at {shown} the hand form differs from the computed one by "
                                              f"{_short(_residual(a, b))}")
    return Check("symbolic", "equal at listed values of " + ", ".join(str(s) for s in symbols))


def _check_left_side(label: str, left: sp.Basic, value: sp.Basic, *, generic: bool, convergent_branch: bool,
                     named: bool = False) -> None:
    """A left side written as a formula for the value (not a name for it) must equal the value.

    Sums, limits, integrals and derivatives on it are evaluated first. ``generic`` also accepts
    equal generic branches (``_generic``); ``convergent_branch`` accepts a case of a case split
    (a series that converges only under a condition, |β| < 1, may equal the value there).
    ``named``: the left side's names have been given values (``where``), so it is compared whatever it is.
    """
    if not named and not _is_formula(left, value):
        return
    if left.has(sp.Sum, sp.Limit, sp.Integral, sp.Derivative, sp.Product):
        left = left.doit()
    left = sp.piecewise_fold(left)
    cases = [left]
    if convergent_branch and isinstance(left, sp.Piecewise):
        cases += [case.expr for case in left.args]
    # cheap stages on every case first (only whether one case is equal matters, not which or how)
    if any(_cheap_equal(case, value) is not None for case in cases):
        return
    if any(prove_equal(case, value) is not None for case in cases):
        return
    if generic and prove_equal(_generic(left), _generic(value)) is not None:
        return
    raise DerivationCheckError(label, f"left side differs from the computed value by {_short(_residual(left, value))}")


def _is_formula(left: sp.Basic, value: sp.Basic) -> bool:
    """Whether a step's left side is a formula for its value rather than a name for it.

    A name is a symbol, an indexed or undefined function (x_(j+1,j), f(0)), or anything with a
    symbol the value does not have (τ_q, a limit of f_T): it says what the value is called.
    """
    if not isinstance(left, sp.Expr) or isinstance(left, (sp.Symbol, sp.Indexed)):
        return False
    if left.atoms(AppliedUndef) or left.has(sp.Indexed):
        return False
    return left.free_symbols <= value.free_symbols


def _generic(expr: sp.Basic) -> sp.Basic:
    """``expr`` with sums evaluated and every case split replaced by its generic (otherwise) branch."""
    expr = sp.piecewise_fold(sp.sympify(expr).doit())
    return expr.replace(lambda e: isinstance(e, sp.Piecewise) and e.args[-1].cond == sp.true,
                        lambda e: e.args[-1].expr)


def _sides(rel: sp.Rel) -> tuple[sp.Expr, sp.Expr]:
    """(smaller, larger) sides of a relation."""
    if isinstance(rel, (sp.LessThan, sp.StrictLessThan)):
        return rel.lhs, rel.rhs
    return rel.rhs, rel.lhs


def _slack(rel: sp.Rel) -> sp.Expr:
    low, high = _sides(rel)
    return high - low


def _substitute(expr: sp.Expr, replacements: Mapping[sp.Basic, Any]) -> sp.Expr:
    return expr.subs(dict(replacements)) if replacements else expr


def prove_nonnegative(slack: sp.Expr, strict: bool,
                      ranges: Mapping[sp.Symbol, tuple[Any, Any]] | None = None) -> Check | None:
    """A symbolic proof that ``slack >= 0`` (``> 0`` if strict) from the symbols' assumptions.

    Tried in order: the sign SymPy's assumptions give the difference (as it is, expanded,
    factored, simplified), then, when one symbol is left once factors of known sign are set
    aside, the set where the difference has the wrong sign, solved over that symbol's domain
    (its assumptions, narrowed by ``ranges``), must be empty.
    """
    wanted = "is_positive" if strict else "is_nonnegative"
    # Cheap rewritings first; simplify only on small expressions without case splits (it can take seconds).
    rewritings = [("sign of the difference", lambda e: e), ("expanded difference", sp.expand),
                  ("factored difference", sp.factor)]
    if sp.count_ops(slack) < 80 and not slack.has(sp.Abs, sp.Max, sp.Min, sp.Piecewise):
        rewritings.append(("simplified difference", sp.simplify))
    for how, rewrite in rewritings:
        try:
            candidate = rewrite(slack)
        except Exception:
            continue
        if getattr(candidate, wanted, None) is True:
            return Check("symbolic", how)
    return _univariate_proof(slack, strict, ranges or {})


def _univariate_proof(slack: sp.Expr, strict: bool, ranges: Mapping[sp.Symbol, tuple[Any, Any]]) -> Check | None:
    """``slack`` = (factors of known sign) × g(x) with one real symbol x: g has the right sign on x's domain.

    The wrong-sign set {x : g(x) < 0} ({g ≤ 0} if strict) is solved with ``solveset``
    over the domain; only an empty set is a proof (a condition set or an error is not).
    An integer symbol is solved over the real interval that contains its values.
    """
    if sp.count_ops(slack) > 60 or slack.has(sp.Piecewise, sp.Sum, sp.Integral, sp.Limit, sp.Max, sp.Min):
        return None
    try:
        factors = sp.Mul.make_args(sp.factor(slack))
    except Exception:
        return None
    known = "is_positive" if strict else "is_nonnegative"
    rest = sp.Mul(*[f for f in factors if getattr(f, known, None) is not True])
    if len(rest.free_symbols) != 1 or rest.is_number:
        return None
    (x,) = rest.free_symbols
    domain = _domain(x, ranges.get(x))
    if domain is None:
        return None
    real = sp.Dummy("x", real=True)
    try:
        wrong = sp.solveset((rest.subs(x, real) <= 0) if strict else (rest.subs(x, real) < 0), real, domain)
    except Exception:
        return None
    if wrong is sp.S.EmptySet:
        return Check("symbolic", f"no sign change in {x} (solveset)")
    return None


def _domain(symbol: sp.Symbol, bounds: tuple[Any, Any] | None) -> sp.Set | None:
    """The real interval a symbol ranges over: its stated range, else its sign assumptions."""
    if bounds is not None:
        return sp.Interval(*(sp.sympify(b) for b in bounds))
    if symbol.is_positive:
        return sp.Interval.open(0, sp.oo) if not symbol.is_integer else sp.Interval(1, sp.oo)
    if symbol.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if symbol.is_negative:
        return sp.Interval.open(-sp.oo, 0) if not symbol.is_integer else sp.Interval(-sp.oo, -1)
    if symbol.is_nonpositive:
        return sp.Interval(-sp.oo, 0)
    if symbol.is_real:
        return sp.S.Reals
    return None


def _symbol_sampler(symbol: sp.Symbol, bounds: tuple[Any, Any] | None):
    """A function rng -> value over the symbol's domain (its assumptions, narrowed by ``bounds``)."""
    if bounds is not None:
        lo, hi = (float(sp.sympify(b)) for b in bounds)
        if symbol.is_integer:
            lo_i, hi_i = math.ceil(lo), math.floor(min(hi, lo + 10**6))
            return lambda rng: rng.randint(lo_i, hi_i)
        if math.isinf(hi):
            base = max(lo, 0.0)
            return lambda rng: base + 10 ** rng.uniform(-3, 3)
        if lo > 0 and hi / lo > 100:
            return lambda rng: math.exp(rng.uniform(math.log(lo), math.log(hi)))
        return lambda rng: rng.uniform(lo, hi)
    if symbol.is_integer:
        if symbol.is_positive:
            return lambda rng: rng.randint(1, _INT_RANGE)
        if symbol.is_nonnegative:
            return lambda rng: rng.randint(0, _INT_RANGE)
        return lambda rng: rng.randint(-_INT_RANGE, _INT_RANGE)
    lo, hi = (math.log10(b) for b in _WIDE)
    if symbol.is_positive:
        return lambda rng: 10 ** rng.uniform(lo, hi)
    if symbol.is_nonnegative:
        return lambda rng: 0.0 if rng.random() < 0.05 else 10 ** rng.uniform(lo, hi)
    if symbol.is_negative:
        return lambda rng: -(10 ** rng.uniform(lo, hi))
    if symbol.is_nonpositive:
        return lambda rng: 0.0 if rng.random() < 0.05 else -(10 ** rng.uniform(lo, hi))
    if symbol.is_real:
        return lambda rng: 0.0 if rng.random() < 0.05 else rng.choice((-1, 1)) * 10 ** rng.uniform(lo, hi)
    return None


def sample_nonnegative(label: str, slack: sp.Expr, low: sp.Expr, high: sp.Expr,
                       ranges: Mapping[sp.Symbol, tuple[Any, Any]], points: int, seed: int) -> Check:
    """Evaluate ``slack`` at ``points`` seeded points of the symbols' domains; raise at a violation.

    A violation is slack < −FP_RTOL·(1 + |low| + |high|). Points where the
    expression is undefined in floating point (overflow, a domain error, a
    complex value) are redrawn; more than half such points is an error.
    """
    if points < SAMPLE_POINTS:
        raise DerivationCheckError(label, f"sampling needs at least {SAMPLE_POINTS} points, got {points}")
    undefined = sorted({type(f).__name__ for f in slack.atoms(sp.core.function.AppliedUndef)})
    if undefined or slack.has(sp.Sum, sp.Product, sp.Integral, sp.Limit):
        raise DerivationCheckError(
            label, f"cannot sample an inequality with unevaluated {undefined or 'sums/limits'}: "
                   "state it as an assumption or give the steps it follows from")
    symbols = sorted(slack.free_symbols | low.free_symbols | high.free_symbols, key=lambda s: s.name)
    samplers = []
    for symbol in symbols:
        sampler = _symbol_sampler(symbol, ranges.get(symbol))
        if sampler is None:
            raise DerivationCheckError(label, f"symbol {symbol} has no real domain: state its range")
        samplers.append(sampler)
    functions = sp.lambdify(symbols, [slack, low, high], modules="math")
    rng = random.Random(seed)
    worst = math.inf
    good = tried = 0
    while good < points:
        tried += 1
        if tried > 2 * points:
            raise DerivationCheckError(label, f"only {good} of {tried} sampled points are defined: narrow the ranges")
        values = [sampler(rng) for sampler in samplers]
        try:
            s, a, b = functions(*values)
            s, a, b = float(s), float(a), float(b)
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            continue
        if not all(math.isfinite(v) for v in (s, a, b)):
            continue
        good += 1
        if s < -FP_RTOL * (1 + abs(a) + abs(b)):
            point = ", ".join(f"{sym}={val:.6g}" for sym, val in zip(symbols, values))
            raise DerivationCheckError(label, f"violated at {point}: slack {s:.6g}")
        worst = min(worst, s)
    return Check("sampled", f"{points} points", points, worst)
