"""Evaluate a claim's SymPy result (or a mutant) at the measurement's points.

A theory that is not a finite expression (SymPy's ``zoo`` from a division by
zero, ``nan``) cannot be evaluated at all, and one that is infinite or NaN at
a measured point (``oo``, ``1/0`` at that input) has no value to compare
there; both are reported as plain ``NonFiniteTheoryError`` messages that
become the claim's ERROR.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

# SymPy atoms that never stand for a number; lambdify cannot even print zoo.
_NOT_NUMBERS = {sp.zoo: "zoo, a division by zero", sp.nan: "nan, an undefined value"}


class NonFiniteTheoryError(ValueError):
    """The theory (or a mutant) has no finite value where one is needed."""


def evaluate(expression: sp.Expr, inputs: Mapping[str, Any], symbol_map: Mapping[str, str],
             what: str = "the expression") -> np.ndarray:
    """Theory values at the points given by ``inputs``.

    ``symbol_map`` maps input names (as the experiment reports them) to the
    theory symbols they stand for. Symbols absent from ``expression`` are
    ignored; a symbol of the expression without an input is an error.
    """
    for atom, meaning in _NOT_NUMBERS.items():
        if expression.has(atom):
            raise NonFiniteTheoryError(f"{what} is not a finite expression: it contains {meaning}")
    by_symbol = {symbol_map[name]: value for name, value in inputs.items() if name in symbol_map}
    free = sorted(expression.free_symbols, key=lambda s: s.name)
    missing = [s.name for s in free if s.name not in by_symbol]
    if missing:
        raise ValueError(f"the measurement gives no input for theory symbol(s) {missing}")
    # SciPy supplies the special functions NumPy lacks (erfinv in the saddle escape time); NumPy keeps the rest.
    # docstring_limit=0: no docstring printing the expression (a tenth of the call, for a function used once)
    function = sp.lambdify(free, expression, modules=["numpy", "scipy"], docstring_limit=0)
    with np.errstate(all="ignore"):
        values = function(*(np.asarray(by_symbol[s.name], dtype=float) for s in free))
    shape = np.broadcast_shapes(*(np.shape(by_symbol[s.name]) for s in free)) if free else ()
    return np.broadcast_to(np.asarray(values, dtype=float), shape).copy()


def require_finite(values: np.ndarray, inputs: Mapping[str, Any], what: str) -> None:
    """Raise ``NonFiniteTheoryError`` naming the first point where ``values`` is NaN or infinite."""
    values = np.asarray(values, dtype=float)
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    index = np.unravel_index(int(np.argmax(bad)), values.shape) if values.ndim else ()
    at = []
    for name, value in inputs.items():
        array = np.asarray(value, dtype=float)
        try:
            at.append(f"{name}={np.broadcast_to(array, values.shape)[index]:.6g}")
        except ValueError:  # an input that does not broadcast to the points: not part of the location
            continue
    where = f" (first at {', '.join(at)})" if at else ""
    raise NonFiniteTheoryError(
        f"{what} is not finite at {int(bad.sum())} of {values.size} measured point(s): {values[index]}{where}")
