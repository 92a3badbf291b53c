"""What an experiment hands back: measured values, their uncertainty, a figure.

This module imports NumPy only (never SymPy), so claim experiments can build a
``Measurement`` without pulling theory into the empirical side.

A measurement is a set of *points*. ``inputs`` gives, per theory symbol, the
value(s) at which each point was measured (arrays broadcast against
``values``); the runner evaluates the claim's theory expression at exactly
these inputs, so theory and measurement are always compared point by point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Series:
    """One drawable series of a figure.

    ``kind`` is one of ``line``, ``scatter``, ``errorbar`` (needs ``lower`` and
    ``upper``), ``band`` (needs ``lower`` and ``upper``), ``hline`` (``y`` is a
    scalar), ``vline`` (``x`` is a scalar) or ``heatmap`` (``x`` and ``y`` are
    axes, ``z`` a 2-D array of shape (len(y), len(x))).
    ``role`` says whether the series is ``measured`` or ``theory``; the report
    styles them differently and checks that every figure shows both.
    """

    label: str
    x: Any
    y: Any
    kind: str = "line"
    role: str = "measured"
    lower: Any = None
    upper: Any = None
    z: Any = None


@dataclass(frozen=True)
class Figure:
    """A figure described as data, so the report can draw it without re-running.

    ``theory_x``: the name of the theory input drawn on the x-axis; with
    ``theory_grid`` (a dict of input arrays) the runner evaluates the theory on
    that dense grid and adds it as a ``theory`` line (and one per mutant).
    ``theory_curves``: further ``(label, grid)`` pairs evaluated the same way,
    each a ``theory`` line labelled "theory, <label>", for a figure that shows
    the derivation at several parameter values (one curve per β, say); they
    share ``theory_x``. So no figure needs to re-type its theory in NumPy.
    ``draw_mutants``: also draw each mutant, on ``theory_grid`` (or, without
    one, on the first of ``theory_curves``).
    """

    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...] = ()
    xscale: str = "linear"
    yscale: str = "linear"
    theory_x: str | None = None
    theory_grid: dict[str, Any] | None = None
    draw_mutants: bool = False
    theory_curves: tuple[tuple[str, dict[str, Any]], ...] = ()


@dataclass(frozen=True)
class Measurement:
    """The empirical side of a claim.

    Args:
        values: measured quantity per point (any shape; compared elementwise).
        inputs: theory symbol name -> values at each point (broadcastable).
        stderr: standard error per point (stochastic kind, normal interval).
        interval: (lower, upper) per point, already at the claim's level
            (exponent kind, or stochastic estimators that are not normal).
        level: the significance level alpha the interval was built at.
        samples: number of independent runs behind each value.
        figure: what the report draws.
        details: extra named numbers shown in the report (JSON-able).
    """

    values: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    stderr: Any = None
    interval: tuple[Any, Any] | None = None
    level: float | None = None
    samples: int | None = None
    figure: Figure | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def values_array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=float)
