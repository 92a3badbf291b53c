"""Evaluate a claim's SymPy result (or a mutant) at the measurement's points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp


def evaluate(expression: sp.Expr, inputs: Mapping[str, Any], symbol_map: Mapping[str, str]) -> np.ndarray:
    """Theory values at the points given by ``inputs``.

    ``symbol_map`` maps input names (as the experiment reports them) to the
    theory symbols they stand for. Symbols absent from ``expression`` are
    ignored; a symbol of the expression without an input is an error.
    """
    by_symbol = {symbol_map[name]: value for name, value in inputs.items() if name in symbol_map}
    free = sorted(expression.free_symbols, key=lambda s: s.name)
    missing = [s.name for s in free if s.name not in by_symbol]
    if missing:
        raise ValueError(f"the measurement gives no input for theory symbol(s) {missing}")
    function = sp.lambdify(free, expression, modules="numpy")
    with np.errstate(all="ignore"):
        values = function(*(np.asarray(by_symbol[s.name], dtype=float) for s in free))
    shape = np.broadcast_shapes(*(np.shape(by_symbol[s.name]) for s in free)) if free else ()
    return np.broadcast_to(np.asarray(values, dtype=float), shape).copy()
