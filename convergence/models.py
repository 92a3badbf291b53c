"""The experiment runs the model the derivation typesets: a definition checked against the code.

A derivation's definitions (the objective, the update rule, the noise) are not checked by
SymPy: they are the model. The experiment has its own code for the same model (a problem's
``value`` or ``grad`` in ``empirics/``), so a definition could be typed one way and simulated
another while every step after it checks. A claim ties the two with ``Model``: when the claim
loads, the step's right side and the experiment's function are evaluated at the same seeded
points, and a difference refuses the claim (one line naming the step and the first point).

    models=(Model("The bounded saddle", lambda x, y, a, gamma: Saddle(a, gamma, 1.0).value(np.stack([x, y], 1)),
                  ranges={"x": (-2, 2), "y": (-2, 2), "a": (0.1, 3), "gamma": (0.1, 3)}),)
"""

from __future__ import annotations

import keyword
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from theory.derivation import Derivation

from .theory_eval import evaluate

# Points per model check: enough that a wrong coefficient or sign anywhere in the ranges shows
# (a polynomial of low degree differing from another agrees at few points), cheap to evaluate.
MODEL_POINTS = 64
# Both sides compute the same formula in floating point, in different orders.
MODEL_RTOL = 1e-9


@dataclass(frozen=True)
class Model:
    """The experiment's code for a typeset definition.

    Args:
        step: label of a step of the derivation (a definition, as a rule); its right side
            (the expression itself if it is not an equation) is the typeset model.
        numeric: the experiment's code for it: keyword arrays named like the symbols of the
            step's right side (SymPy names: ``gamma``, ``x``; a Python keyword takes a trailing
            underscore, ``lambda_``; a function value such as ``y(t - 1)`` or an indexed one such
            as ``g[t]`` is one variable named as it prints) to an array of values, one per point.
        ranges: the interval each symbol is drawn from (uniformly), within the model's domain; a
            symbol declared integer is drawn from the integers of its interval, ends included.
        part: for a step that is a conjunction of equations (an update of two states, say), the
            left side of the equation to check, as it prints (``"m_t"``); one Model per part.
    """

    step: str
    numeric: Callable[..., Any]
    ranges: Mapping[str, tuple[float, float]]
    part: str | None = None


def mismatch(derivation: Derivation, model: Model) -> str | None:
    """Why ``model.numeric`` is not the typeset step, in one line, or None when they agree."""
    steps = [step for step in derivation.steps if step.label == model.step]
    if not steps:
        return f"model names step {model.step!r}, which the derivation does not have"
    typeset = steps[-1].rhs
    if model.part is not None:
        equations = [eq for eq in sp.And.make_args(steps[-1].expr) if isinstance(eq, sp.Equality)]
        chosen = [eq.rhs for eq in equations if str(eq.lhs) == model.part]
        if not chosen:
            return (f"step {model.step!r} has no equation for {model.part!r} "
                    f"(it has {sorted(str(eq.lhs) for eq in equations)})")
        typeset = chosen[0]
    if not isinstance(typeset, sp.Expr):
        return f"step {model.step!r} is not a formula with a value to compare (it is {type(typeset).__name__})"
    # y(t), y(t − 1) or g[t] in a recursion are values like any other: one variable each, named as printed
    typeset = typeset.xreplace({value: sp.Symbol(str(value)) for value in typeset.atoms(AppliedUndef, sp.Indexed)})
    names = sorted(s.name for s in typeset.free_symbols)
    unranged = [name for name in names if name not in model.ranges]
    if unranged:
        return f"model of step {model.step!r}: symbol(s) {unranged} have no sampling range"
    rng = np.random.default_rng(zlib.crc32(model.step.encode()))
    # a symbol declared integer (a phase, an index) is drawn from the integers of its range, ends included
    integers = {s.name for s in typeset.free_symbols if s.is_integer}
    points = {name: (rng.integers(int(low), int(high) + 1, MODEL_POINTS).astype(float) if name in integers
                     else rng.uniform(float(low), float(high), MODEL_POINTS))
              for name, (low, high) in model.ranges.items()}
    typed = evaluate(typeset, {name: points[name] for name in names}, {name: name for name in names},
                     f"step {model.step!r}")
    try:
        with np.errstate(all="ignore"):
            arguments = {f"{name}_" if keyword.iskeyword(name) else name: value for name, value in points.items()}
            computed = np.broadcast_to(np.asarray(model.numeric(**arguments), dtype=float), typed.shape)
    except Exception as exc:  # noqa: BLE001  (any failure of the claim's code is a malformed model)
        return f"model of step {model.step!r}: the experiment's function raised {type(exc).__name__}: {exc}"
    close = np.isclose(computed, typed, rtol=MODEL_RTOL, atol=MODEL_RTOL * float(np.max(np.abs(typed), initial=1.0)))
    if close.all():
        return None
    first = int(np.argmax(~close))
    at = ", ".join(f"{name} = {points[name][first]:.6g}" for name in names)
    return (f"step {model.step!r} is not what the experiment computes: at {at} it is {typed[first]:.10g}, "
            f"the experiment's code gives {computed[first]:.10g} ({int((~close).sum())} of {typed.size} points differ)")
