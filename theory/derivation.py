"""The Derivation type: a result expression and the ordered steps that reach it.

A derivation is what the report typesets: each step has a short label, a SymPy
expression (often an ``Eq``/``Relational`` or an ``And`` of conditions) and a
justification in words. The last step's conclusion is ``result``, the
expression the experiment is compared with; ``symbols`` names the free symbols
a claim may map experiment parameters onto.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Step:
    label: str
    expr: sp.Basic
    justification: str = ""


@dataclass(frozen=True)
class Derivation:
    """Ordered steps ending in ``result``.

    Args:
        steps: the reasoning, in reading order.
        result: the theoretical quantity (a SymPy expression).
        assumptions: statements in words (e.g. "0 < beta < 1") that the
            symbols' SymPy assumptions cannot express.
    """

    steps: tuple[Step, ...]
    result: sp.Expr
    assumptions: tuple[str, ...] = field(default_factory=tuple)

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


class DerivationBuilder:
    """Collects steps in order; ``finish`` seals them into a Derivation."""

    def __init__(self) -> None:
        self._steps: list[Step] = []

    def step(self, label: str, expr: sp.Basic, justification: str = "") -> sp.Basic:
        self._steps.append(Step(label, expr, justification))
        return expr

    def finish(self, result: sp.Expr, *assumptions: str) -> Derivation:
        return Derivation(tuple(self._steps), sp.sympify(result), tuple(assumptions))
